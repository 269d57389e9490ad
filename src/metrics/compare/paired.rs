//! A paired comparison (`--pair-on FIELD`): the unit is the field's value (a prompt, a
//! question). Each side's figure for a value is the mean over its rollouts with that value, so
//! a prompt with five rollouts per condition is one pair; differences are taken within pairs,
//! the bootstrap resamples pairs, the permutation test flips the sign of each pair's
//! difference, and self-deletion is tested by McNemar's exact test on each side's majority
//! outcome per pair. Values found on one side only are counted and left out.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{
    CompareOptions, Comparison, Figure, GroupKey, Interval, Pairing, TurnComparison, relative, seed_of,
};
use crate::metrics::describe::mean;
use crate::metrics::exact::mcnemar_exact;
use crate::metrics::resample::{Sample, mean_replicates, percentile_ci, sign_flip_p};
use crate::metrics::rng::SplitMix64;
use crate::metrics::study::{group_value, value_text};
use crate::model::RolloutSummary;

/// One side of one pair: its rollouts' figures.
#[derive(Default)]
struct Unit {
    n_rollouts: usize,
    /// Per turn: (sum of scores, scores, scores at or above the threshold).
    turns: Vec<(f64, usize, usize)>,
    aucs: Vec<f64>,
    deletions: Vec<u32>,
}

impl Unit {
    fn add(&mut self, r: &RolloutSummary, options: &CompareOptions) {
        self.n_rollouts += 1;
        let scores = r.turn_scores(&options.score);
        if self.turns.len() < scores.len() {
            self.turns.resize(scores.len(), (0.0, 0, 0));
        }
        for (slot, value) in self.turns.iter_mut().zip(scores) {
            if let Some(x) = value {
                *slot = (slot.0 + x, slot.1 + 1, slot.2 + usize::from(*x >= options.threshold));
            }
        }
        self.aucs.extend(r.mean_score(&options.score));
        self.deletions.extend(r.self_deleted_at);
    }

    /// Its figures at turn t, when it has a score there.
    fn at(&self, t: usize) -> Option<Point> {
        let &(sum, n, high) = self.turns.get(t - 1)?;
        (n > 0).then(|| Point { mean: sum / n as f64, frac: high as f64 / n as f64, n })
    }

    fn deleted_by(&self, t: usize) -> f64 {
        self.deletions.iter().filter(|&&d| d as usize <= t).count() as f64 / self.n_rollouts as f64
    }

    fn deletion_rate(&self) -> f64 {
        self.deletions.len() as f64 / self.n_rollouts as f64
    }
}

/// One side of one pair at one turn.
#[derive(Clone, Copy)]
struct Point {
    mean: f64,
    /// The fraction of its scores at or above the threshold.
    frac: f64,
    n: usize,
}

/// The rollouts of one side by the pairing field's value (as text); rollouts without it counted.
fn units(
    rollouts: &[&RolloutSummary],
    field: &str,
    options: &CompareOptions,
) -> (BTreeMap<String, Unit>, usize) {
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    let mut without = 0;
    for r in rollouts {
        let value = group_value(r, field);
        if value.is_null() {
            without += 1;
        } else {
            units.entry(value_text(&value)).or_default().add(r, options);
        }
    }
    (units, without)
}

/// The mean of paired differences with its pair-bootstrap interval.
fn mean_with_ci(
    d: &[f64],
    options: &CompareOptions,
    turn: usize,
    figure: Figure,
) -> (Option<f64>, Option<(f64, f64)>) {
    let sample = Sample::Values(d.to_vec());
    (mean(d), percentile_ci(mean_replicates(&sample, options.boot, seed_of(options, turn, figure, 0))))
}

pub(super) fn compare_paired(
    group: &[&RolloutSummary],
    baseline: &[&RolloutSummary],
    field: &str,
    options: &CompareOptions,
) -> Comparison {
    let (mut a, without_a) = units(group, field, options);
    let (mut b, without_b) = units(baseline, field, options);
    let group_only = a.keys().filter(|k| !b.contains_key(*k)).count();
    let baseline_only = b.keys().filter(|k| !a.contains_key(*k)).count();
    a.retain(|k, _| b.contains_key(k));
    b.retain(|k, _| a.contains_key(k));
    // Both maps now hold the same keys, in the same (sorted) order.
    let pairs: Vec<(Unit, Unit)> = a.into_values().zip(b.into_values()).collect();
    let n_turns = pairs.iter().map(|(x, y)| x.turns.len().max(y.turns.len())).max().unwrap_or(0);
    let per_turn = (1..=n_turns).into_par_iter().map(|t| turn(&pairs, t, options)).collect();

    let aucs: Vec<(f64, f64)> =
        pairs.iter().filter_map(|(x, y)| Some((mean(&x.aucs)?, mean(&y.aucs)?))).collect();
    let auc_d: Vec<f64> = aucs.iter().map(|(x, y)| x - y).collect();
    let (auc, baseline_auc) = (
        mean(&aucs.iter().map(|p| p.0).collect::<Vec<_>>()),
        mean(&aucs.iter().map(|p| p.1).collect::<Vec<_>>()),
    );
    let (auc_diff_ci, auc_rel_change_ci) = pair_bootstrap(&aucs, options);

    let rates: Vec<(f64, f64)> = pairs.iter().map(|(x, y)| (x.deletion_rate(), y.deletion_rate())).collect();
    let rate_d: Vec<f64> = rates.iter().map(|(x, y)| x - y).collect();
    let (self_deletion_diff, self_deletion_diff_ci) =
        mean_with_ci(&rate_d, options, 0, Figure::SelfDeletionBoot);
    // Each side's outcome for a pair is its majority: more than half its rollouts self-deleted.
    let only_group = rates.iter().filter(|(x, y)| *x > 0.5 && *y <= 0.5).count() as u64;
    let only_baseline = rates.iter().filter(|(x, y)| *x <= 0.5 && *y > 0.5).count() as u64;
    Comparison {
        group: GroupKey::new(),
        baseline_group: GroupKey::new(),
        n_rollouts: group.len(),
        baseline_n_rollouts: baseline.len(),
        paired: true,
        pairing: Some(Pairing {
            field: field.to_string(),
            pairs: pairs.len(),
            group_only,
            baseline_only,
            without_field: without_a + without_b,
        }),
        auc,
        baseline_auc,
        auc_diff: mean(&auc_d),
        auc_diff_ci,
        auc_rel_change: auc.zip(baseline_auc).and_then(|(x, y)| relative(x, y)),
        auc_rel_change_ci,
        auc_p_value: sign_flip_p(&auc_d, options.perm, seed_of(options, 0, Figure::AucPerm, 0)),
        self_deletion_rate: mean(&rates.iter().map(|p| p.0).collect::<Vec<_>>()),
        baseline_self_deletion_rate: mean(&rates.iter().map(|p| p.1).collect::<Vec<_>>()),
        self_deletion_diff,
        self_deletion_diff_ci,
        self_deletion_p_value: (!pairs.is_empty()).then(|| mcnemar_exact(only_group, only_baseline)),
        last_common_turn: None,
        per_turn,
    }
}

/// Bootstrap over pairs of the AUC difference and relative change: each replicate draws as
/// many pair indices as there are pairs (`rng.below(n)` each, from the figure's stream) and
/// takes both sides' means over the same pairs.
fn pair_bootstrap(pairs: &[(f64, f64)], options: &CompareOptions) -> (Interval, Interval) {
    let n = pairs.len();
    if n == 0 {
        return (None, None);
    }
    let mut rng = SplitMix64::new(seed_of(options, 0, Figure::AucBoot, 0));
    let mut diffs = Vec::with_capacity(options.boot);
    let mut ratios = Vec::with_capacity(options.boot);
    for _ in 0..options.boot {
        let (mut x, mut y) = (0.0, 0.0);
        for _ in 0..n {
            let (a, b) = pairs[rng.below(n)];
            x += a;
            y += b;
        }
        diffs.push((x - y) / n as f64);
        ratios.extend(relative(x, y));
    }
    (percentile_ci(diffs), percentile_ci(ratios))
}

fn turn(pairs: &[(Unit, Unit)], t: usize, options: &CompareOptions) -> TurnComparison {
    let used: Vec<(Point, Point)> = pairs.iter().filter_map(|(x, y)| Some((x.at(t)?, y.at(t)?))).collect();
    let side = |f: fn(&(Point, Point)) -> f64| mean(&used.iter().map(f).collect::<Vec<_>>());
    let mean_d: Vec<f64> = used.iter().map(|(x, y)| x.mean - y.mean).collect();
    let frac_d: Vec<f64> = used.iter().map(|(x, y)| x.frac - y.frac).collect();
    let (mean_diff, mean_diff_ci) = mean_with_ci(&mean_d, options, t, Figure::MeanBoot);
    let (frac_diff, frac_diff_ci) = mean_with_ci(&frac_d, options, t, Figure::FracBoot);
    let deleted_d: Vec<f64> = pairs.iter().map(|(x, y)| x.deleted_by(t) - y.deleted_by(t)).collect();
    TurnComparison {
        turn: t,
        n: used.iter().map(|(x, _)| x.n).sum(),
        baseline_n: used.iter().map(|(_, y)| y.n).sum(),
        n_pairs: Some(used.len()),
        mean: side(|p| p.0.mean),
        baseline_mean: side(|p| p.1.mean),
        mean_diff,
        mean_diff_ci,
        p_value: sign_flip_p(&mean_d, options.perm, seed_of(options, t, Figure::MeanPerm, 0)),
        p_holm: None,
        frac_at_or_above: side(|p| p.0.frac),
        baseline_frac_at_or_above: side(|p| p.1.frac),
        frac_diff,
        frac_diff_ci,
        self_deleted_cum_diff: mean(&deleted_d),
    }
}
