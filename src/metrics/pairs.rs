//! Pairing human labels with the judge's scores (and with each other) for agreement figures:
//! scores with scores for a numeric score, categories with categories for a categorical one
//! (one pairing for both, generic over the value). Stale labels (the turn's text changed since) are left out and counted; so are labels whose
//! rollout is not in the study, and turns the judge did not score. Labels given blind (in a
//! spot-check review) are counted apart from the others, and can be the only ones paired
//! ([`ReportScope::blind_only`]); `--by` groups get the judge figures of their rollouts alone
//! (`groups.rs`).

mod groups;
mod of_study;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::agreement::{
    Agreement, CategoricalAgreement, Figure, agreement, categorical_agreement, krippendorff_alpha_interval,
    krippendorff_alpha_nominal,
};
use super::describe::bootstrap_ci;
use crate::model::{Label, LabelSet, RolloutSummary, ScoreKind};

pub use groups::GroupAgreement;
pub use of_study::{categories_report, report};

/// Settings of an agreement report.
#[derive(Debug, Clone)]
pub struct PairOptions {
    pub score: String,
    pub threshold: f64,
    pub boot: usize,
    pub seed: u64,
}

/// Which labels a report pairs, and which groups it adds.
#[derive(Debug, Clone, Default)]
pub struct ReportScope {
    /// Pair only labels given blind; the others are left out, counted in `non_blind_labels`.
    pub blind_only: bool,
    /// `--by`: also each group of these fields, on its own rollouts (numeric report only).
    pub by: Option<Vec<String>>,
}

/// One annotator against the judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgeAgreement<A = Agreement> {
    pub annotator: String,
    /// Turns the annotator rated (a score, or for a categorical score a category).
    pub labelled: usize,
    /// Of `labelled`: given blind, in a spot-check review before the judge's value was shown.
    pub blind_labels: usize,
    /// Of `labelled`: given with the judge's value in view; left out when only blind labels
    /// are paired.
    pub non_blind_labels: usize,
    /// Left out: the turn's text changed since the label.
    pub stale: usize,
    /// Left out: the rollout is not in the study (or the turn is past its end).
    pub unmatched: usize,
    /// Left out: the judge has no value for the turn.
    pub no_judge_score: usize,
    #[serde(flatten)]
    pub agreement: A,
}

/// Two annotators against each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HumanAgreement<A = Agreement> {
    pub a: String,
    pub b: String,
    #[serde(flatten)]
    pub agreement: A,
}

/// Krippendorff's α across every human, over turns at least two of them rated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HumansAlpha {
    pub annotators: usize,
    pub units: usize,
    #[serde(flatten)]
    pub alpha: Figure,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    pub score: String,
    pub threshold: f64,
    pub boot: usize,
    pub seed: u64,
    /// Only labels given blind were paired.
    pub blind_only: bool,
    pub judge: Vec<JudgeAgreement>,
    pub humans: Vec<HumanAgreement>,
    pub krippendorff_alpha_humans: Option<HumansAlpha>,
    /// The `--by` fields, when given (left out of the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Vec<String>>,
    /// With `by`: each group's annotators against the judge, on the group's rollouts alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupAgreement>>,
}

/// The whole report for a categorical score: human categories against the judge's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoricalReport {
    pub score: String,
    /// Always `categorical`, to tell this report from the numeric one.
    pub kind: ScoreKind,
    pub boot: usize,
    pub seed: u64,
    /// Only labels given blind were paired.
    pub blind_only: bool,
    pub judge: Vec<JudgeAgreement<CategoricalAgreement>>,
    pub humans: Vec<HumanAgreement<CategoricalAgreement>>,
    /// Nominal α across every human.
    pub krippendorff_alpha_humans: Option<HumansAlpha>,
}

/// The current hash of a turn's text, if the rollout and turn exist.
pub type TurnHash<'a> = dyn Fn(&str, u32) -> Option<String> + 'a;

/// Builds the report for annotators' label sets (name, labels), every label paired, no groups.
pub fn agreement_report(
    rollouts: &[RolloutSummary],
    annotators: &[(String, LabelSet)],
    current_hash: &TurnHash,
    options: &PairOptions,
) -> AgreementReport {
    scoped_agreement_report(rollouts, annotators, current_hash, options, &ReportScope::default())
}

/// Builds the report for annotators' label sets (name, labels), pairing the labels `scope`
/// says, with its groups.
pub fn scoped_agreement_report(
    rollouts: &[RolloutSummary],
    annotators: &[(String, LabelSet)],
    current_hash: &TurnHash,
    options: &PairOptions,
    scope: &ReportScope,
) -> AgreementReport {
    let members: Vec<&RolloutSummary> = rollouts.iter().collect();
    let paired = pair_scores(&members, annotators, current_hash, options, scope.blind_only);
    let humans = human_pairs(annotators, &paired.usable, numeric_figures(options));
    let groups = scope.by.as_ref().map(|by| {
        groups::group_agreements(rollouts, annotators, by, |members, annotators| {
            pair_scores(members, annotators, current_hash, options, scope.blind_only).judge
        })
    });
    AgreementReport {
        score: options.score.clone(),
        threshold: options.threshold,
        boot: options.boot,
        seed: options.seed,
        blind_only: scope.blind_only,
        judge: paired.judge,
        humans,
        krippendorff_alpha_humans: (annotators.len() >= 2)
            .then(|| humans_alpha(&paired.usable, options, krippendorff_alpha_interval)),
        by: scope.by.clone(),
        groups,
    }
}

/// The numeric figures of a set of pairs, with the report's settings.
fn numeric_figures(options: &PairOptions) -> impl Fn(&[f64], &[f64]) -> Agreement + '_ {
    |h: &[f64], j: &[f64]| agreement(h, j, options.threshold, options.boot, options.seed)
}

/// Each annotator's scores against the judge's on `rollouts`.
fn pair_scores(
    rollouts: &[&RolloutSummary],
    annotators: &[(String, LabelSet)],
    current_hash: &TurnHash,
    options: &PairOptions,
    blind_only: bool,
) -> Paired<f64, Agreement> {
    pair_labels(
        rollouts,
        annotators,
        current_hash,
        blind_only,
        |label| label.score.map(f64::from),
        |summary, turn| summary.score_at(&options.score, turn),
        numeric_figures(options),
    )
}

/// Builds the report for a categorical score: each annotator's categories for `options.score`
/// (labels naming that score) against the judge's category at the same turn, and the
/// annotators against each other; with `blind_only`, only labels given blind are paired.
/// `options.threshold` is not used.
pub fn categorical_report(
    rollouts: &[RolloutSummary],
    annotators: &[(String, LabelSet)],
    current_hash: &TurnHash,
    options: &PairOptions,
    blind_only: bool,
) -> CategoricalReport {
    let score = options.score.as_str();
    let figures = |h: &[Arc<str>], j: &[Arc<str>]| categorical_agreement(h, j, options.boot, options.seed);
    let members: Vec<&RolloutSummary> = rollouts.iter().collect();
    let paired = pair_labels(
        &members,
        annotators,
        current_hash,
        blind_only,
        |label| label.category_for(score).map(Arc::from),
        |summary, turn| summary.category_at(score, turn).cloned(),
        figures,
    );
    let humans = human_pairs(annotators, &paired.usable, figures);
    // Nominal α needs category indices: number every human category once.
    let mut categories: Vec<&Arc<str>> = paired.usable.iter().flat_map(BTreeMap::values).collect();
    categories.sort_unstable();
    categories.dedup();
    let usable: Vec<BTreeMap<(Arc<str>, u32), usize>> = paired
        .usable
        .iter()
        .map(|m| {
            m.iter().map(|(k, c)| (k.clone(), categories.binary_search(&c).unwrap_or_default())).collect()
        })
        .collect();
    let k = categories.len();
    CategoricalReport {
        score: options.score.clone(),
        kind: ScoreKind::Categorical,
        boot: options.boot,
        seed: options.seed,
        blind_only,
        judge: paired.judge,
        humans,
        krippendorff_alpha_humans: (annotators.len() >= 2)
            .then(|| humans_alpha(&usable, options, |units| krippendorff_alpha_nominal(units, k))),
    }
}

/// Every annotator against the judge, on values of type `V`.
struct Paired<V, A> {
    judge: Vec<JudgeAgreement<A>>,
    /// Every annotator's usable (non-stale, matched, and blind when only those count) values
    /// by (rollout, turn).
    usable: Vec<BTreeMap<(Arc<str>, u32), V>>,
}

/// Pairs each annotator's values (`human` of a label; `None`: the label does not rate this
/// score) with the judge's (`judge` of a rollout and 1-based turn), leaving out and counting
/// stale labels, labels off `rollouts`, turns the judge did not rate and, with `blind_only`,
/// labels not given blind; `figures` computes the agreement of a set of pairs.
fn pair_labels<V: Clone, A>(
    rollouts: &[&RolloutSummary],
    annotators: &[(String, LabelSet)],
    current_hash: &TurnHash,
    blind_only: bool,
    human: impl Fn(&Label) -> Option<V>,
    judge: impl Fn(&RolloutSummary, usize) -> Option<V>,
    figures: impl Fn(&[V], &[V]) -> A,
) -> Paired<V, A> {
    let by_id: HashMap<&str, &RolloutSummary> = rollouts.iter().map(|r| (&*r.id, *r)).collect();
    let mut usable: Vec<BTreeMap<(Arc<str>, u32), V>> = Vec::new();
    let mut judged = Vec::new();
    for (name, set) in annotators {
        let (mut labelled, mut stale, mut unmatched, mut no_judge_score) = (0, 0, 0, 0);
        let (mut blind_labels, mut non_blind_labels) = (0, 0);
        let mut mine = BTreeMap::new();
        let (mut h, mut j) = (Vec::new(), Vec::new());
        let mut keys: Vec<_> = set.labels.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for ((rollout, turn), label) in keys {
            let (Some(turn), Some(value)) = (turn, human(label)) else { continue };
            labelled += 1;
            if label.blind {
                blind_labels += 1;
            } else {
                non_blind_labels += 1;
                // Counted above and nowhere else: the left-out counts stay disjoint.
                if blind_only {
                    continue;
                }
            }
            let Some(summary) = by_id.get(&**rollout).filter(|s| *turn <= s.n_turns) else {
                unmatched += 1;
                continue;
            };
            if current_hash(rollout, *turn).is_some_and(|hash| label.is_stale(&hash)) {
                stale += 1;
                continue;
            }
            mine.insert((rollout.clone(), *turn), value.clone());
            match judge(summary, *turn as usize) {
                Some(by_judge) => {
                    h.push(value);
                    j.push(by_judge);
                }
                None => no_judge_score += 1,
            }
        }
        let agreement = figures(&h, &j);
        judged.push(JudgeAgreement {
            annotator: name.clone(),
            labelled,
            blind_labels,
            non_blind_labels,
            stale,
            unmatched,
            no_judge_score,
            agreement,
        });
        usable.push(mine);
    }
    Paired { judge: judged, usable }
}

/// Each pair of annotators against each other, on the turns both have a usable value for.
fn human_pairs<V: Clone, A>(
    annotators: &[(String, LabelSet)],
    usable: &[BTreeMap<(Arc<str>, u32), V>],
    figures: impl Fn(&[V], &[V]) -> A,
) -> Vec<HumanAgreement<A>> {
    let mut humans = Vec::new();
    for i in 0..usable.len() {
        for j in i + 1..usable.len() {
            let (a, b): (Vec<V>, Vec<V>) = usable[i]
                .iter()
                .filter_map(|(k, x)| usable[j].get(k).map(|y| (x.clone(), y.clone())))
                .unzip();
            humans.push(HumanAgreement {
                a: annotators[i].0.clone(),
                b: annotators[j].0.clone(),
                agreement: figures(&a, &b),
            });
        }
    }
    humans
}

/// α across every annotator (`alpha` of units × raters), over turns at least two of them
/// rated, with its bootstrap CI over those turns.
fn humans_alpha<V: Copy>(
    usable: &[BTreeMap<(Arc<str>, u32), V>],
    options: &PairOptions,
    alpha: impl Fn(&[Vec<Option<V>>]) -> Option<f64>,
) -> HumansAlpha {
    let mut units: BTreeMap<&(Arc<str>, u32), Vec<Option<V>>> = BTreeMap::new();
    for (i, values) in usable.iter().enumerate() {
        for (key, &x) in values {
            units.entry(key).or_insert_with(|| vec![None; usable.len()])[i] = Some(x);
        }
    }
    let units: Vec<Vec<Option<V>>> =
        units.into_values().filter(|u| u.iter().flatten().count() >= 2).collect();
    let value = alpha(&units);
    let ci = value.and_then(|_| {
        bootstrap_ci(units.len(), options.boot, options.seed, |idx| {
            let sample: Vec<Vec<Option<V>>> = idx.iter().map(|&i| units[i].clone()).collect();
            alpha(&sample)
        })
    });
    HumansAlpha { annotators: usable.len(), units: units.len(), alpha: Figure { value, ci } }
}

#[cfg(test)]
mod tests;
