//! An unpaired comparison: the two groups are independent samples of rollouts (or, with
//! `--cluster`, of clusters of rollouts). Means are compared by a percentile bootstrap of the
//! difference (each side resampled on its own) and a permutation test; fractions by Newcombe's
//! interval and, for self-deletion, Fisher's exact test.

use super::{
    CompareOptions, Comparison, Figure, GroupKey, Interval, TurnComparison, diff, fraction, relative, seed_of,
};
use crate::metrics::describe::newcombe_diff_ci;
use crate::metrics::exact::fisher_exact_two_sided;
use crate::metrics::resample::{Sample, mean_replicates, percentile_ci, permutation_p};
use crate::metrics::study::cluster_ids;
use crate::model::RolloutSummary;
use rayon::prelude::*;

/// One side: its scores per turn and per-rollout AUCs as samples, its self-deletion turns.
struct Side {
    n_rollouts: usize,
    /// Per turn (index t − 1): the sample of scores, and how many are at or above the threshold.
    turns: Vec<(Sample, usize)>,
    aucs: Sample,
    /// Self-deletion turns, ascending.
    deletions: Vec<u32>,
}

impl Side {
    fn new(rollouts: &[&RolloutSummary], options: &CompareOptions) -> Side {
        let clusters = options.cluster.as_deref().map(|field| cluster_ids(rollouts, field));
        let cluster_of = |i: usize| clusters.as_ref().map_or(i, |(ids, _)| ids[i]);
        let n_turns = rollouts.iter().map(|r| r.n_turns as usize).max().unwrap_or(0);
        let mut per_turn: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n_turns];
        let mut aucs = Vec::new();
        for (i, r) in rollouts.iter().enumerate() {
            for (t, value) in r.turn_scores(&options.score).iter().enumerate() {
                if let (Some(x), Some(slot)) = (value, per_turn.get_mut(t)) {
                    slot.push((cluster_of(i), *x));
                }
            }
            if let Some(auc) = r.mean_score(&options.score) {
                aucs.push((cluster_of(i), auc));
            }
        }
        let sample = |members: Vec<(usize, f64)>| match &clusters {
            Some((_, k)) => Sample::clusters(members, *k),
            None => Sample::Values(members.into_iter().map(|m| m.1).collect()),
        };
        let turns = per_turn
            .into_iter()
            .map(|members| {
                let high = members.iter().filter(|m| m.1 >= options.threshold).count();
                (sample(members), high)
            })
            .collect();
        let mut deletions: Vec<u32> = rollouts.iter().filter_map(|r| r.self_deleted_at).collect();
        deletions.sort_unstable();
        Side { n_rollouts: rollouts.len(), turns, aucs: sample(aucs), deletions }
    }

    fn turn(&self, t: usize) -> Option<&(Sample, usize)> {
        self.turns.get(t - 1)
    }

    fn deleted_by(&self, t: usize) -> usize {
        self.deletions.partition_point(|&d| d as usize <= t)
    }
}

/// Percentile bootstrap of mean(a) − mean(b), each side resampled from its own stream; and of
/// (mean(a) − mean(b)) / mean(b) from the same replicates.
fn difference_cis(
    a: &Sample,
    b: &Sample,
    options: &CompareOptions,
    turn: usize,
    figure: Figure,
) -> (Interval, Interval) {
    let reps_a = mean_replicates(a, options.boot, seed_of(options, turn, figure, 0));
    let reps_b = mean_replicates(b, options.boot, seed_of(options, turn, figure, 1));
    let diffs = reps_a.iter().zip(&reps_b).map(|(x, y)| x - y).collect();
    let ratios = reps_a.iter().zip(&reps_b).filter_map(|(&x, &y)| relative(x, y)).collect();
    (percentile_ci(diffs), percentile_ci(ratios))
}

pub(super) fn compare_unpaired(
    group: &[&RolloutSummary],
    baseline: &[&RolloutSummary],
    options: &CompareOptions,
) -> Comparison {
    let (a, b) = rayon::join(|| Side::new(group, options), || Side::new(baseline, options));
    let n_turns = a.turns.len().max(b.turns.len());
    // The AUC's resampling (over every rollout) runs beside the turns'.
    let (per_turn, ((auc_diff_ci, auc_rel_change_ci), auc_p_value)) = rayon::join(
        || (1..=n_turns).into_par_iter().map(|t| turn(&a, &b, t, options)).collect(),
        || {
            rayon::join(
                || difference_cis(&a.aucs, &b.aucs, options, 0, Figure::AucBoot),
                || permutation_p(&a.aucs, &b.aucs, options.perm, seed_of(options, 0, Figure::AucPerm, 0)),
            )
        },
    );
    let (auc, baseline_auc) = (a.aucs.mean(), b.aucs.mean());
    let (deleted_a, deleted_b) = (a.deletions.len(), b.deletions.len());
    let self_deletion_rate = fraction(deleted_a, a.n_rollouts);
    let baseline_self_deletion_rate = fraction(deleted_b, b.n_rollouts);
    Comparison {
        group: GroupKey::new(),
        baseline_group: GroupKey::new(),
        n_rollouts: a.n_rollouts,
        baseline_n_rollouts: b.n_rollouts,
        paired: false,
        pairing: None,
        auc,
        baseline_auc,
        auc_diff: diff(auc, baseline_auc),
        auc_diff_ci,
        auc_rel_change: auc.zip(baseline_auc).and_then(|(x, y)| relative(x, y)),
        auc_rel_change_ci,
        auc_p_value,
        self_deletion_rate,
        baseline_self_deletion_rate,
        self_deletion_diff: diff(self_deletion_rate, baseline_self_deletion_rate),
        self_deletion_diff_ci: newcombe_diff_ci(deleted_a, a.n_rollouts, deleted_b, b.n_rollouts),
        self_deletion_p_value: fisher_exact_two_sided(
            deleted_a as u64,
            (a.n_rollouts - deleted_a) as u64,
            deleted_b as u64,
            (b.n_rollouts - deleted_b) as u64,
        ),
        last_common_turn: None,
        per_turn,
    }
}

fn turn(a: &Side, b: &Side, t: usize, options: &CompareOptions) -> TurnComparison {
    let empty = (Sample::Values(Vec::new()), 0);
    let (sample_a, high_a) = a.turn(t).unwrap_or(&empty);
    let (sample_b, high_b) = b.turn(t).unwrap_or(&empty);
    let (n, baseline_n) = (sample_a.n(), sample_b.n());
    let (mean, baseline_mean) = (sample_a.mean(), sample_b.mean());
    let (frac, baseline_frac) = (fraction(*high_a, n), fraction(*high_b, baseline_n));
    let both = n > 0 && baseline_n > 0;
    TurnComparison {
        turn: t,
        n,
        baseline_n,
        n_pairs: None,
        mean,
        baseline_mean,
        mean_diff: diff(mean, baseline_mean),
        mean_diff_ci: if both {
            difference_cis(sample_a, sample_b, options, t, Figure::MeanBoot).0
        } else {
            None
        },
        p_value: permutation_p(sample_a, sample_b, options.perm, seed_of(options, t, Figure::MeanPerm, 0)),
        p_holm: None,
        frac_at_or_above: frac,
        baseline_frac_at_or_above: baseline_frac,
        frac_diff: diff(frac, baseline_frac),
        frac_diff_ci: newcombe_diff_ci(*high_a, n, *high_b, baseline_n),
        self_deleted_cum_diff: diff(
            fraction(a.deleted_by(t), a.n_rollouts),
            fraction(b.deleted_by(t), b.n_rollouts),
        ),
    }
}
