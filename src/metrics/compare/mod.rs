//! Comparing conditions: each group against its baseline group (the one sharing its other
//! `--by` values), per turn and over the rollout, with intervals and tests — the study's
//! headline sentences ("AUC −86 %", "≥ 5 at turn 20 from 62 % to 0 %", "self-deletion 50 % → 0 %").
//!
//! [`compare`] is a pure function of the rollouts' index entries and the options, and safe to
//! run on any thread (it uses rayon across comparisons and turns); every random figure draws
//! from a stream of its own derived from the seed and the figure's place, so the same inputs
//! and seed give the same report whatever the scheduling. Unpaired comparisons are in
//! [`unpaired`], `--pair-on` ones in [`paired`].

mod paired;
pub mod text;
mod unpaired;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::exact::holm;
use super::study::{GroupKey, grouped, value_text};
use crate::model::{RolloutSummary, ScoreValues, names};

/// What to compare, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    pub score: String,
    pub threshold: f64,
    /// Fields defining the groups (metadata fields or rollout-level scores).
    pub by: Vec<String>,
    /// The baseline as (field, value); `None`: `condition=baseline` when some rollout has it.
    pub baseline: Option<(String, String)>,
    /// The field whose values pair rollouts across the two sides (e.g. `prompt_id`).
    pub pair_on: Option<String>,
    /// The field whose values are clusters for the bootstrap and the permutation test.
    pub cluster: Option<String>,
    pub boot: usize,
    pub perm: usize,
    pub seed: u64,
}

/// Every comparison. Serialised as `compare --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    pub score: String,
    pub threshold: f64,
    pub by: Vec<String>,
    /// The baseline field and value, as `{"condition": "baseline"}`.
    pub baseline: GroupKey,
    pub pair_on: Option<String>,
    pub cluster: Option<String>,
    pub boot: usize,
    pub perm: usize,
    pub seed: u64,
    pub comparisons: Vec<Comparison>,
    /// Groups with no baseline group sharing their other `--by` values: not compared.
    pub without_baseline: Vec<GroupKey>,
}

/// One group against its baseline group. Differences are group − baseline; a figure that
/// cannot be computed is `None` (JSON `null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub group: GroupKey,
    pub baseline_group: GroupKey,
    pub n_rollouts: usize,
    pub baseline_n_rollouts: usize,
    pub paired: bool,
    /// With `--pair-on`: the pairs made and the values left out.
    pub pairing: Option<Pairing>,
    /// Each side's mean per-conversation score (over pairs when paired).
    pub auc: Option<f64>,
    pub baseline_auc: Option<f64>,
    pub auc_diff: Option<f64>,
    pub auc_diff_ci: Option<(f64, f64)>,
    /// auc_diff / baseline_auc.
    pub auc_rel_change: Option<f64>,
    pub auc_rel_change_ci: Option<(f64, f64)>,
    pub auc_p_value: Option<f64>,
    pub self_deletion_rate: Option<f64>,
    pub baseline_self_deletion_rate: Option<f64>,
    pub self_deletion_diff: Option<f64>,
    pub self_deletion_diff_ci: Option<(f64, f64)>,
    pub self_deletion_p_value: Option<f64>,
    /// The last turn at which both sides have a score (the headline's "at turn 20").
    pub last_common_turn: Option<usize>,
    pub per_turn: Vec<TurnComparison>,
}

/// How `--pair-on` paired the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pairing {
    pub field: String,
    /// Values present on both sides: the units compared.
    pub pairs: usize,
    /// Values present on one side only: counted and left out.
    pub group_only: usize,
    pub baseline_only: usize,
    /// Rollouts (of both sides) without the field: left out.
    pub without_field: usize,
}

/// One turn of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnComparison {
    pub turn: usize,
    /// Rollouts with a score at this turn on each side (in the pairs used, when paired).
    pub n: usize,
    pub baseline_n: usize,
    /// Pairs with a score on both sides at this turn (`None` when unpaired).
    pub n_pairs: Option<usize>,
    pub mean: Option<f64>,
    pub baseline_mean: Option<f64>,
    pub mean_diff: Option<f64>,
    pub mean_diff_ci: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    /// Holm-adjusted over the turns of this comparison.
    pub p_holm: Option<f64>,
    pub frac_at_or_above: Option<f64>,
    pub baseline_frac_at_or_above: Option<f64>,
    pub frac_diff: Option<f64>,
    pub frac_diff_ci: Option<(f64, f64)>,
    pub self_deleted_cum_diff: Option<f64>,
}

/// Why a comparison cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("nothing to compare: no --by field (give --by FIELD, e.g. --by condition)")]
    NoGrouping,
    #[error("{score:?} is a {kind} score; compare needs a numeric score (pick one with --score)")]
    NotNumeric { score: String, kind: &'static str },
    #[error("--baseline {field}=…: `{field}` is not a --by field ({}); add it to --by", .by.join(","))]
    BaselineNotInBy { field: String, by: Vec<String> },
    #[error("--baseline {field}={value}: no rollout has that value{}; `{field}` has: {}", hint(.closest), .values.join(", "))]
    UnknownBaselineValue { field: String, value: String, closest: Option<String>, values: Vec<String> },
    #[error("no baseline: no rollout has condition=baseline; give --baseline {field}=VALUE, one of: {}", .values.join(", "))]
    NoDefaultBaseline { field: String, values: Vec<String> },
}

fn hint(closest: &Option<String>) -> String {
    closest.as_ref().map_or_else(String::new, |c| format!(" (did you mean `{c}`?)"))
}

/// The figure a random stream belongs to (with its turn, 0 for rollout-level figures).
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
enum Figure {
    MeanBoot = 1,
    MeanPerm = 2,
    FracBoot = 3,
    AucBoot = 4,
    AucPerm = 5,
    SelfDeletionBoot = 6,
}

/// The seed of one figure's stream (`side` tells the two sides' bootstraps apart).
fn seed_of(options: &CompareOptions, turn: usize, figure: Figure, side: u64) -> u64 {
    super::resample::stream_seed(options.seed, &[turn as u64, figure as u64, side])
}

/// Compares every group with its baseline group.
pub fn compare(rollouts: &[RolloutSummary], options: &CompareOptions) -> Result<CompareReport, CompareError> {
    if let Some(values) = rollouts.iter().find_map(|r| r.score_values(&options.score))
        && !matches!(values, ScoreValues::Numeric(_))
    {
        let kind = if matches!(values, ScoreValues::Categorical(_)) { "categorical" } else { "text" };
        return Err(CompareError::NotNumeric { score: options.score.clone(), kind });
    }
    let groups = grouped(rollouts, &options.by);
    let (field, value) = baseline_of(&groups, options)?;
    let others = |key: &GroupKey| -> Vec<String> {
        key.iter().filter(|(k, _)| **k != field).map(|(_, v)| value_text(v)).collect()
    };
    let is_baseline = |key: &GroupKey| key.get(&field).is_some_and(|v| value_text(v) == value);
    let baselines: BTreeMap<Vec<String>, usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| is_baseline(&g.0))
        .map(|(i, g)| (others(&g.0), i))
        .collect();
    let mut pairs = Vec::new();
    let mut without_baseline = Vec::new();
    for (i, (key, _)) in groups.iter().enumerate() {
        if is_baseline(key) {
            continue;
        }
        match baselines.get(&others(key)) {
            Some(&b) => pairs.push((i, b)),
            None => without_baseline.push(key.clone()),
        }
    }
    let comparisons = pairs
        .into_par_iter()
        .map(|(g, b)| {
            let (group, base) = (&groups[g], &groups[b]);
            let mut c = match &options.pair_on {
                Some(field) => paired::compare_paired(&group.1, &base.1, field, options),
                None => unpaired::compare_unpaired(&group.1, &base.1, options),
            };
            c.group = group.0.clone();
            c.baseline_group = base.0.clone();
            finish(&mut c);
            c
        })
        .collect();
    Ok(CompareReport {
        score: options.score.clone(),
        threshold: options.threshold,
        by: options.by.clone(),
        baseline: GroupKey::from([(field, serde_json::Value::String(value))]),
        pair_on: options.pair_on.clone(),
        cluster: options.cluster.clone(),
        boot: options.boot,
        perm: options.perm,
        seed: options.seed,
        comparisons,
        without_baseline,
    })
}

/// The baseline (field, value): `--baseline`, checked, else `condition=baseline` when present.
fn baseline_of(
    groups: &[(GroupKey, Vec<&RolloutSummary>)],
    options: &CompareOptions,
) -> Result<(String, String), CompareError> {
    let first = options.by.first().ok_or(CompareError::NoGrouping)?;
    let values_of = |field: &str| -> Vec<String> {
        let mut values: Vec<String> = groups.iter().filter_map(|g| g.0.get(field)).map(value_text).collect();
        values.sort();
        values.dedup();
        values
    };
    let Some((field, value)) = &options.baseline else {
        if options.by.iter().any(|f| f == "condition")
            && values_of("condition").iter().any(|v| v == "baseline")
        {
            return Ok(("condition".into(), "baseline".into()));
        }
        return Err(CompareError::NoDefaultBaseline { field: first.clone(), values: values_of(first) });
    };
    if !options.by.contains(field) {
        return Err(CompareError::BaselineNotInBy { field: field.clone(), by: options.by.clone() });
    }
    let values = values_of(field);
    if !values.contains(value) {
        let known: Vec<&str> = values.iter().map(String::as_str).collect();
        return Err(CompareError::UnknownBaselineValue {
            field: field.clone(),
            value: value.clone(),
            closest: names::closest(value, &known).map(str::to_string),
            values,
        });
    }
    Ok((field.clone(), value.clone()))
}

/// Holm over the turns, and the last turn both sides reached.
fn finish(c: &mut Comparison) {
    let p: Vec<Option<f64>> = c.per_turn.iter().map(|t| t.p_value).collect();
    for (t, adjusted) in c.per_turn.iter_mut().zip(holm(&p)) {
        t.p_holm = adjusted;
    }
    c.last_common_turn = c
        .per_turn
        .iter()
        .rev()
        .find(|t| t.n_pairs.map_or(t.n > 0 && t.baseline_n > 0, |pairs| pairs > 0))
        .map(|t| t.turn);
}

/// A 95 % interval, `None` when it cannot be computed.
type Interval = Option<(f64, f64)>;

/// a − b when both exist.
fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?).filter(|d| d.is_finite())
}

/// k / n, `None` when n is 0.
fn fraction(k: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

/// (a − b) / b when b is not 0.
fn relative(a: f64, b: f64) -> Option<f64> {
    Some((a - b) / b).filter(|r| r.is_finite())
}

#[cfg(test)]
mod tests;
