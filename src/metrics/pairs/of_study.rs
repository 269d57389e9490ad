//! The agreement reports of a loaded study: the labelled rollouts are read again so a label
//! whose turn's text changed since is told apart (stale) and left out.

use std::collections::{HashMap, HashSet};

use super::{
    AgreementReport, CategoricalReport, PairOptions, ReportScope, categorical_report, scoped_agreement_report,
};
use crate::model::LabelSet;
use crate::study::Study;

/// The agreement report, reading the labelled rollouts again to tell stale labels.
pub fn report(
    study: &Study,
    annotators: &[(String, LabelSet)],
    options: &PairOptions,
    scope: &ReportScope,
) -> AgreementReport {
    let hashes = turn_hashes(study, annotators);
    let current = |rollout: &str, turn: u32| hashes.get(&(rollout.to_string(), turn)).cloned();
    scoped_agreement_report(&study.rollouts, annotators, &current, options, scope)
}

/// The report for a categorical score, reading the labelled rollouts again to tell stale labels.
pub fn categories_report(
    study: &Study,
    annotators: &[(String, LabelSet)],
    options: &PairOptions,
    blind_only: bool,
) -> CategoricalReport {
    let hashes = turn_hashes(study, annotators);
    let current = |rollout: &str, turn: u32| hashes.get(&(rollout.to_string(), turn)).cloned();
    categorical_report(&study.rollouts, annotators, &current, options, blind_only)
}

/// Hash of every labelled turn's current text.
fn turn_hashes(study: &Study, annotators: &[(String, LabelSet)]) -> HashMap<(String, u32), String> {
    let wanted: HashSet<&str> =
        annotators.iter().flat_map(|(_, s)| s.labels.keys().map(|(r, _)| &**r)).collect();
    let mut hashes = HashMap::new();
    for (index, summary) in study.rollouts.iter().enumerate() {
        if !wanted.contains(&*summary.id) {
            continue;
        }
        let Ok(rollout) = study.read_rollout(index) else { continue };
        for (t, m) in rollout.turn_messages().into_iter().enumerate() {
            let hash = rollout.messages[m].text_hash();
            hashes.insert((summary.id.to_string(), t as u32 + 1), hash);
        }
    }
    hashes
}
