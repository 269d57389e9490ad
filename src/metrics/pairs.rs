//! Pairing human labels with the judge's scores (and with each other) for agreement figures.
//! Stale labels (the turn's text changed since) are left out and counted; so are labels whose
//! rollout is not in the study, and turns the judge did not score.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::agreement::{Agreement, Figure, agreement, krippendorff_alpha_interval};
use super::describe::bootstrap_ci;
use crate::model::LabelSet;
use crate::model::RolloutSummary;

/// Settings of an agreement report.
#[derive(Debug, Clone)]
pub struct PairOptions {
    pub score: String,
    pub threshold: f64,
    pub boot: usize,
    pub seed: u64,
}

/// One annotator against the judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgeAgreement {
    pub annotator: String,
    /// Turns the annotator scored.
    pub labelled: usize,
    /// Left out: the turn's text changed since the label.
    pub stale: usize,
    /// Left out: the rollout is not in the study (or the turn is past its end).
    pub unmatched: usize,
    /// Left out: the judge has no score for the turn.
    pub no_judge_score: usize,
    #[serde(flatten)]
    pub agreement: Agreement,
}

/// Two annotators against each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HumanAgreement {
    pub a: String,
    pub b: String,
    #[serde(flatten)]
    pub agreement: Agreement,
}

/// Krippendorff's α across every human, over turns at least two of them scored.
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
    pub judge: Vec<JudgeAgreement>,
    pub humans: Vec<HumanAgreement>,
    pub krippendorff_alpha_humans: Option<HumansAlpha>,
}

/// The current hash of a turn's text, if the rollout and turn exist.
pub type TurnHash<'a> = dyn Fn(&str, u32) -> Option<String> + 'a;

/// Builds the report for annotators' label sets (name, labels).
pub fn agreement_report(
    rollouts: &[RolloutSummary],
    annotators: &[(String, LabelSet)],
    current_hash: &TurnHash,
    options: &PairOptions,
) -> AgreementReport {
    let by_id: HashMap<&str, &RolloutSummary> = rollouts.iter().map(|r| (&*r.id, r)).collect();
    // Every annotator's usable (non-stale, matched) scores by (rollout, turn).
    let mut usable: Vec<BTreeMap<(Arc<str>, u32), f64>> = Vec::new();
    let mut judge = Vec::new();
    for (name, set) in annotators {
        let mut counts = JudgeAgreement {
            annotator: name.clone(),
            labelled: 0,
            stale: 0,
            unmatched: 0,
            no_judge_score: 0,
            agreement: agreement(&[], &[], options.threshold, 0, options.seed),
        };
        let mut mine = BTreeMap::new();
        let (mut human, mut judged) = (Vec::new(), Vec::new());
        let mut keys: Vec<_> = set.labels.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for ((rollout, turn), label) in keys {
            let (Some(turn), Some(score)) = (turn, label.score) else { continue };
            counts.labelled += 1;
            let Some(summary) = by_id.get(&**rollout).filter(|s| *turn <= s.n_turns) else {
                counts.unmatched += 1;
                continue;
            };
            if current_hash(rollout, *turn).is_some_and(|h| label.is_stale(&h)) {
                counts.stale += 1;
                continue;
            }
            mine.insert((rollout.clone(), *turn), f64::from(score));
            match summary.score_at(&options.score, *turn as usize) {
                Some(j) => {
                    human.push(f64::from(score));
                    judged.push(j);
                }
                None => counts.no_judge_score += 1,
            }
        }
        counts.agreement = agreement(&human, &judged, options.threshold, options.boot, options.seed);
        judge.push(counts);
        usable.push(mine);
    }
    let mut humans = Vec::new();
    for i in 0..annotators.len() {
        for j in i + 1..annotators.len() {
            let (a, b): (Vec<f64>, Vec<f64>) =
                usable[i].iter().filter_map(|(k, &x)| usable[j].get(k).map(|&y| (x, y))).unzip();
            humans.push(HumanAgreement {
                a: annotators[i].0.clone(),
                b: annotators[j].0.clone(),
                agreement: agreement(&a, &b, options.threshold, options.boot, options.seed),
            });
        }
    }
    AgreementReport {
        score: options.score.clone(),
        threshold: options.threshold,
        boot: options.boot,
        seed: options.seed,
        judge,
        humans,
        krippendorff_alpha_humans: (annotators.len() >= 2).then(|| humans_alpha(&usable, options)),
    }
}

fn humans_alpha(usable: &[BTreeMap<(Arc<str>, u32), f64>], options: &PairOptions) -> HumansAlpha {
    let mut units: BTreeMap<&(Arc<str>, u32), Vec<Option<f64>>> = BTreeMap::new();
    for (i, scores) in usable.iter().enumerate() {
        for (key, &x) in scores {
            units.entry(key).or_insert_with(|| vec![None; usable.len()])[i] = Some(x);
        }
    }
    let units: Vec<Vec<Option<f64>>> =
        units.into_values().filter(|u| u.iter().flatten().count() >= 2).collect();
    let value = krippendorff_alpha_interval(&units);
    let ci = value.and_then(|_| {
        bootstrap_ci(units.len(), options.boot, options.seed, |idx| {
            let sample: Vec<Vec<Option<f64>>> = idx.iter().map(|&i| units[i].clone()).collect();
            krippendorff_alpha_interval(&sample)
        })
    });
    HumansAlpha { annotators: usable.len(), units: units.len(), alpha: Figure { value, ci } }
}

#[cfg(test)]
mod tests;
