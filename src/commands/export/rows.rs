//! The typed row every per-turn export writes: one assistant turn of one rollout with its
//! metadata, judge scores, self-deletion and each annotator's label. CSV and JSONL are two
//! spellings of the same rows; the rollouts export uses the same labels per turn.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::model::{Label, LabelSet};
use crate::model::{MetaValue, RolloutSummary};
use crate::study::Study;

/// One assistant turn of one rollout, as the exports write it.
#[derive(Debug, Serialize)]
pub struct TurnRow<'a> {
    /// The file the rollout came from, as it was opened.
    pub source: &'a str,
    pub rollout: &'a str,
    /// The rollout's scalar metadata.
    #[serde(serialize_with = "metadata_object")]
    pub metadata: &'a [(Arc<str>, MetaValue)],
    /// 1-based assistant turn.
    pub turn: u32,
    /// Each score name the rollout has, with its value at this turn (`None`: missing).
    #[serde(serialize_with = "pairs_object")]
    pub scores: Vec<(&'a str, Option<f64>)>,
    /// Whether the rollout self-deleted at this turn.
    pub self_deletion_turn: bool,
    /// The turn the rollout self-deleted at, if it did.
    pub self_deleted_at: Option<u32>,
    /// Every annotator, in the order given, with their labels for this turn and rollout.
    #[serde(serialize_with = "turn_labels_object")]
    pub labels: Vec<AnnotatorLabels<'a>>,
}

/// One annotator's labels that bear on a turn.
#[derive(Debug, Clone, Copy)]
pub struct AnnotatorLabels<'a> {
    pub annotator: &'a str,
    /// The label on this turn.
    pub turn: Option<&'a Label>,
    /// The label on the whole rollout (where its note lives).
    pub rollout: Option<&'a Label>,
}

/// A label as the exports write it: score, tags and note, and, where the turn's text is at
/// hand, whether it changed since the label was given.
#[derive(Debug, Serialize)]
pub struct LabelFields<'a> {
    pub score: Option<u8>,
    pub tags: &'a [String],
    pub note: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<bool>,
}

impl<'a> LabelFields<'a> {
    pub fn new(label: &'a Label, current_hash: Option<&str>) -> LabelFields<'a> {
        LabelFields {
            score: label.score,
            tags: &label.tags,
            note: &label.note,
            stale: current_hash.map(|hash| label.is_stale(hash)),
        }
    }
}

impl<'a> TurnRow<'a> {
    /// A metadata value by field name (the first, as `RolloutSummary::meta`).
    pub fn meta(&self, field: &str) -> Option<&'a MetaValue> {
        self.metadata.iter().find(|(k, _)| &**k == field).map(|(_, v)| v)
    }

    /// This turn's value of a score, `None` when missing or when the rollout has no such score.
    pub fn score(&self, name: &str) -> Option<f64> {
        self.scores.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v)
    }
}

/// Every annotator's labels for one turn of one rollout.
pub fn labels_at<'a>(
    annotators: &'a [(String, LabelSet)],
    rollout: &str,
    turn: u32,
) -> Vec<AnnotatorLabels<'a>> {
    annotators
        .iter()
        .map(|(name, set)| AnnotatorLabels {
            annotator: name,
            turn: set.get(rollout, Some(turn)),
            rollout: set.get(rollout, None),
        })
        .collect()
}

/// The rows of one rollout, one per assistant turn.
pub fn rollout_rows<'a>(
    study: &'a Study,
    r: &'a RolloutSummary,
    annotators: &'a [(String, LabelSet)],
) -> impl Iterator<Item = TurnRow<'a>> {
    let source = study.sources.get(r.source as usize).map_or("", |s| s.display.as_str());
    (1..=r.n_turns).map(move |turn| TurnRow {
        source,
        rollout: &r.id,
        metadata: &r.metadata,
        turn,
        scores: r.scores.iter().map(|s| (&*s.name, r.score_at(&s.name, turn as usize))).collect(),
        self_deletion_turn: r.self_deleted_at == Some(turn),
        self_deleted_at: r.self_deleted_at,
        labels: labels_at(annotators, &r.id, turn),
    })
}

/// Every row of the study, in rollout order.
pub fn study_rows<'a>(
    study: &'a Study,
    annotators: &'a [(String, LabelSet)],
) -> impl Iterator<Item = TurnRow<'a>> {
    study.rollouts.iter().flat_map(move |r| rollout_rows(study, r, annotators))
}

fn metadata_object<S: Serializer>(metadata: &&[(Arc<str>, MetaValue)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(metadata.iter().map(|(k, v)| (&**k, v.to_json())))
}

fn pairs_object<S: Serializer>(pairs: &[(&str, Option<f64>)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().copied())
}

/// The annotators who labelled this turn, each with the label (the rollout's note is not
/// part of a turn's labels here).
fn turn_labels_object<S: Serializer>(labels: &[AnnotatorLabels], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(None)?;
    for l in labels {
        if let Some(label) = l.turn {
            map.serialize_entry(l.annotator, &LabelFields::new(label, None))?;
        }
    }
    map.end()
}
