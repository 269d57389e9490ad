//! The study's figures per group of rollouts (the frustration study's Figures 1, 2 and 6): per
//! turn the mean judge score with a bootstrap CI, the fraction at or above the threshold with a
//! Wilson CI, and cumulative self-deletion; per group the self-deletion rate and the mean
//! per-conversation score ("AUC"). For a categorical score (a judge's tag), counts per category
//! instead ([`category_stats`]).

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::describe::{COUNTS_FROM, bootstrap_mean_ci_by_counts, bootstrap_mean_cis, mean, wilson_ci};
use super::resample::{Sample, bootstrap_sample_ci};
use crate::model::{MetaValue, RolloutSummary};

/// What to compute.
#[derive(Debug, Clone)]
pub struct StatsOptions {
    pub score: String,
    pub threshold: f64,
    /// Fields to group by: metadata fields, or rollout-level score names.
    pub by: Vec<String>,
    pub boot: usize,
    pub seed: u64,
    /// `--cluster`: the field whose values are clusters the bootstrap resamples whole (a
    /// prompt's rollouts are not independent); `None`: rollouts are resampled one by one.
    pub cluster: Option<String>,
}

/// A group's field values.
pub type GroupKey = BTreeMap<String, serde_json::Value>;

/// Every group's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyStats {
    pub score: String,
    pub threshold: f64,
    pub by: Vec<String>,
    pub boot: usize,
    pub seed: u64,
    /// `--cluster`, when given (left out of the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    pub groups: Vec<GroupStats>,
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    /// Field → value (JSON `null` when the rollouts lack the field).
    pub key: BTreeMap<String, serde_json::Value>,
    pub n_rollouts: usize,
    /// Fraction of the group's rollouts that self-deleted at any turn.
    pub self_deletion_rate: Option<f64>,
    pub self_deletion_ci: Option<(f64, f64)>,
    /// Mean over rollouts of each rollout's mean score over its scored turns.
    pub auc_mean: Option<f64>,
    /// Percentile bootstrap over those per-rollout means.
    pub auc_ci: Option<(f64, f64)>,
    pub per_turn: Vec<TurnStats>,
}

/// One turn of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnStats {
    pub turn: usize,
    /// Rollouts with a score at this turn.
    pub n: usize,
    pub mean: Option<f64>,
    pub mean_ci: Option<(f64, f64)>,
    pub frac_at_or_above: Option<f64>,
    pub frac_ci: Option<(f64, f64)>,
    /// Fraction of the group's rollouts whose self-deletion turn is ≤ this turn.
    pub self_deleted_cum: Option<f64>,
    pub self_deleted_cum_ci: Option<(f64, f64)>,
}

/// Default threshold for "clearly high" scores, as in the study (≥ 5 = clearly frustrated).
pub const DEFAULT_THRESHOLD: f64 = 5.0;

/// The grouping `--by` gives (a comma-separated list), else the default one.
pub fn grouping(by: Option<&str>, rollouts: &[RolloutSummary]) -> Vec<String> {
    by.map_or_else(|| default_grouping(rollouts), crate::model::names::list)
}

/// The fields `--by` defaults to: `condition` and `dataset`, those that some rollout has.
pub fn default_grouping(rollouts: &[RolloutSummary]) -> Vec<String> {
    ["condition", "dataset"]
        .into_iter()
        .filter(|f| rollouts.iter().any(|r| r.meta(f).is_some()))
        .map(str::to_string)
        .collect()
}

/// A rollout's value for a grouping field: metadata first, then rollout-level scores.
pub fn group_value(r: &RolloutSummary, field: &str) -> serde_json::Value {
    if let Some(v) = r.meta(field) {
        return v.to_json();
    }
    match r.rollout_scores.iter().find(|(n, _)| &**n == field) {
        Some((_, Some(x))) => MetaValue::Float(*x).to_json(),
        _ => serde_json::Value::Null,
    }
}

/// The rollouts of each group of `by`, ordered by their key values as text.
pub(crate) fn grouped<'a>(
    rollouts: &'a [RolloutSummary],
    by: &[String],
) -> Vec<(GroupKey, Vec<&'a RolloutSummary>)> {
    // Groups by their key values as text. The text is written into the same strings for every
    // rollout and the key built only for a new group: building both for each of 2,000,000
    // rollouts took a third of `stats` once they were loaded.
    let mut groups: BTreeMap<Vec<String>, (GroupKey, Vec<&RolloutSummary>)> = BTreeMap::new();
    // The key's fields in its own (sorted, deduplicated) order, as `GroupKey` has them.
    let fields: Vec<&String> = by.iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let mut texts = vec![String::new(); fields.len()];
    for r in rollouts {
        for (text, field) in texts.iter_mut().zip(&fields) {
            text.clear();
            match r.meta(field) {
                Some(MetaValue::Text(value)) => text.push_str(value),
                _ => text.push_str(&value_text(&group_value(r, field))),
            }
        }
        match groups.get_mut(texts.as_slice()) {
            Some((_, members)) => members.push(r),
            None => {
                let key: GroupKey = by.iter().map(|f| (f.clone(), group_value(r, f))).collect();
                groups.insert(texts.clone(), (key, vec![r]));
            }
        }
    }
    groups.into_values().collect()
}

/// Each rollout's cluster under `field` (`--cluster`), numbered from 0 in order of first
/// appearance, and how many clusters there are. A rollout without the field is a cluster of
/// its own: nothing says it belongs with any other.
pub(crate) fn cluster_ids(rollouts: &[&RolloutSummary], field: &str) -> (Vec<usize>, usize) {
    let mut numbers: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut ids = Vec::with_capacity(rollouts.len());
    let mut next = 0;
    for r in rollouts {
        let value = group_value(r, field);
        // A new value, or no value at all, starts a cluster.
        let id = if value.is_null() { next } else { *numbers.entry(value_text(&value)).or_insert(next) };
        if id == next {
            next += 1;
        }
        ids.push(id);
    }
    (ids, next)
}

/// Computes every group's figures; groups are ordered by their key values as text.
pub fn study_stats(rollouts: &[RolloutSummary], options: &StatsOptions) -> StudyStats {
    let groups = grouped(rollouts, &options.by);
    let aucs: Vec<Vec<f64>> = groups
        .par_iter()
        .map(|(_, members)| members.iter().filter_map(|r| r.mean_score(&options.score)).collect())
        .collect();
    // The plain bootstraps of every group's AUC drawn together (see `bootstrap_mean_cis`):
    // groups of one size share their draws. Counts per distinct AUC only from COUNTS_FROM
    // rollouts on (same distribution, a different use of the stream): smaller studies keep
    // the draws they always had.
    let plain: Vec<&[f64]> = aucs
        .iter()
        .map(|a| match options.cluster.is_none() && a.len() < COUNTS_FROM {
            true => a.as_slice(),
            false => &[],
        })
        .collect();
    let plain_cis = bootstrap_mean_cis(&plain, options.boot, options.seed);
    let groups = groups
        .into_par_iter()
        .zip(aucs)
        .zip(plain_cis)
        .map(|(((key, members), aucs), plain_ci)| group_stats(key, &members, &aucs, plain_ci, options))
        .collect();
    StudyStats {
        score: options.score.clone(),
        threshold: options.threshold,
        by: options.by.clone(),
        boot: options.boot,
        seed: options.seed,
        cluster: options.cluster.clone(),
        groups,
    }
}

/// Mean human score per group (in `stats`' group order) and turn, where labels exist.
pub fn human_means(
    stats: &StudyStats,
    rollouts: &[RolloutSummary],
    human: &dyn Fn(&str, u32) -> Option<f64>,
) -> Vec<Vec<Option<f64>>> {
    let index: std::collections::HashMap<Vec<String>, usize> =
        stats.groups.iter().enumerate().map(|(i, g)| (g.key.values().map(value_text).collect(), i)).collect();
    let mut sums: Vec<Vec<(f64, usize)>> =
        stats.groups.iter().map(|g| vec![(0.0, 0); g.per_turn.len()]).collect();
    for r in rollouts {
        let key: Vec<String> = stats.by.iter().map(|f| value_text(&group_value(r, f))).collect();
        let Some(&g) = index.get(&key) else { continue };
        for turn in 1..=r.n_turns {
            if let (Some(h), Some(slot)) = (human(&r.id, turn), sums[g].get_mut(turn as usize - 1)) {
                slot.0 += h;
                slot.1 += 1;
            }
        }
    }
    sums.into_iter()
        .map(|turns| turns.into_iter().map(|(s, n)| (n > 0).then(|| s / n as f64)).collect())
        .collect()
}

/// Each group's per-rollout AUCs (a rollout's mean score over its scored turns, as
/// `auc_mean` averages), in the order of `stats.groups`: the points of a strip plot.
pub fn group_aucs(stats: &StudyStats, rollouts: &[RolloutSummary], score: &str) -> Vec<Vec<f64>> {
    rollout_aucs(stats, rollouts, score)
        .into_iter()
        .map(|g| g.into_iter().map(|(_, auc)| auc).collect())
        .collect()
}

/// `group_aucs` with each AUC's rollout (its index in `rollouts`), for a table that names them.
pub fn rollout_aucs(stats: &StudyStats, rollouts: &[RolloutSummary], score: &str) -> Vec<Vec<(usize, f64)>> {
    // In `by`'s order on both sides: a key's own order is its fields' alphabetical one.
    let index: std::collections::HashMap<Vec<String>, usize> = stats
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            (stats.by.iter().map(|f| g.key.get(f).map(value_text).unwrap_or_default()).collect(), i)
        })
        .collect();
    let mut aucs = vec![Vec::new(); stats.groups.len()];
    for (i, r) in rollouts.iter().enumerate() {
        let key: Vec<String> = stats.by.iter().map(|f| value_text(&group_value(r, f))).collect();
        if let (Some(&g), Some(auc)) = (index.get(&key), r.mean_score(score)) {
            aucs[g].push((i, auc));
        }
    }
    aucs
}

pub(crate) fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One group's figures; `aucs` are its members' AUCs, and `plain_ci` their plain bootstrap
/// interval when `study_stats` drew it (no `--cluster`, fewer than COUNTS_FROM).
fn group_stats(
    key: BTreeMap<String, serde_json::Value>,
    members: &[&RolloutSummary],
    aucs: &[f64],
    plain_ci: Option<(f64, f64)>,
    options: &StatsOptions,
) -> GroupStats {
    let n_rollouts = members.len();
    let deleted = members.iter().filter(|r| r.self_deleted_at.is_some()).count();
    let clusters = options.cluster.as_deref().map(|field| cluster_ids(members, field));
    let auc_ci = match &clusters {
        Some(clusters) => {
            let values =
                members.iter().enumerate().filter_map(|(i, r)| Some((i, r.mean_score(&options.score)?)));
            cluster_ci(clusters, values, options)
        }
        None if aucs.len() >= COUNTS_FROM => bootstrap_mean_ci_by_counts(aucs, options.boot, options.seed),
        None => plain_ci,
    };
    let max_turns = members.iter().map(|r| r.n_turns as usize).max().unwrap_or(0);
    let mut deletion_turns: Vec<u32> = members.iter().filter_map(|r| r.self_deleted_at).collect();
    deletion_turns.sort_unstable();
    // Each turn looks each member's score up by name again: keeping every member's scores at
    // hand was 3 % faster on 20 turns but held 16 bytes a member (32 MB more on 2,000,000 chats).
    let per_turn = (1..=max_turns)
        .into_par_iter()
        .map(|turn| {
            let scores: Vec<f64> = members.iter().filter_map(|r| r.score_at(&options.score, turn)).collect();
            let n = scores.len();
            let high = scores.iter().filter(|&&s| s >= options.threshold).count();
            let deleted_by_now = deletion_turns.partition_point(|&t| t as usize <= turn);
            let mean_ci = match &clusters {
                Some(clusters) => {
                    let values = members
                        .iter()
                        .enumerate()
                        .filter_map(|(i, r)| Some((i, r.score_at(&options.score, turn)?)));
                    cluster_ci(clusters, values, options)
                }
                // Judge scores take few levels: resample by counts per level (same distribution).
                None => bootstrap_mean_ci_by_counts(&scores, options.boot, options.seed),
            };
            TurnStats {
                turn,
                n,
                mean: mean(&scores),
                mean_ci,
                frac_at_or_above: (n > 0).then(|| high as f64 / n as f64),
                frac_ci: wilson_ci(high, n),
                self_deleted_cum: (n_rollouts > 0).then(|| deleted_by_now as f64 / n_rollouts as f64),
                self_deleted_cum_ci: wilson_ci(deleted_by_now, n_rollouts),
            }
        })
        .collect();
    GroupStats {
        key,
        n_rollouts,
        self_deletion_rate: (n_rollouts > 0).then(|| deleted as f64 / n_rollouts as f64),
        self_deletion_ci: wilson_ci(deleted, n_rollouts),
        auc_mean: mean(aucs),
        auc_ci,
        per_turn,
    }
}

/// The bootstrap CI of a mean resampling clusters: `values` are (member index, value), and
/// `clusters` each member's cluster and how many there are (from [`cluster_ids`]).
fn cluster_ci(
    clusters: &(Vec<usize>, usize),
    values: impl Iterator<Item = (usize, f64)>,
    options: &StatsOptions,
) -> Option<(f64, f64)> {
    let (ids, n_clusters) = clusters;
    let sample = Sample::clusters(values.map(|(i, x)| (ids[i], x)), *n_clusters);
    bootstrap_sample_ci(&sample, options.boot, options.seed)
}

mod categories;

pub use categories::{CategoryGroup, CategoryStats, CategoryTurn, category_stats};
#[cfg(test)]
pub(crate) use categories::{tag_options, tagged_rollout};

#[cfg(test)]
mod tests;
