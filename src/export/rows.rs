//! The typed row every per-turn export writes: one assistant turn of one rollout with its
//! metadata, judge scores, self-deletion and each annotator's label. CSV and JSONL are two
//! spellings of the same rows; the rollouts export uses the same labels per turn.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::Warn;
use crate::model::{CategoryLabel, Label, LabelSet};
use crate::model::{MetaValue, ScoreValues};
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
    /// Each score name the rollout has, with its value at this turn: a number, a category or
    /// a judge's text (read from its file).
    #[serde(serialize_with = "pairs_object")]
    pub scores: Vec<(&'a str, ScoreCell<'a>)>,
    /// Whether the rollout self-deleted at this turn.
    pub self_deletion_turn: bool,
    /// The turn the rollout self-deleted at, if it did.
    pub self_deleted_at: Option<u32>,
    /// Every annotator, in the order given, with their labels for this turn and rollout.
    #[serde(serialize_with = "turn_labels_object")]
    pub labels: Vec<AnnotatorLabels<'a>>,
}

/// One turn's value of one score.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ScoreCell<'a> {
    Number(f64),
    Category(&'a str),
    Text(String),
    /// Written as `null` (JSON) or an empty cell (CSV).
    Missing,
}

impl ScoreCell<'_> {
    /// The cell as CSV writes it.
    pub fn text(&self) -> String {
        match self {
            ScoreCell::Number(x) => x.to_string(),
            ScoreCell::Category(c) => c.to_string(),
            ScoreCell::Text(t) => t.clone(),
            ScoreCell::Missing => String::new(),
        }
    }
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
    /// The category given to a categorical score (`{"score_name", "category"}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a CategoryLabel>,
    pub tags: &'a [String],
    pub note: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<bool>,
}

impl<'a> LabelFields<'a> {
    pub fn new(label: &'a Label, current_hash: Option<&str>) -> LabelFields<'a> {
        LabelFields {
            score: label.score,
            category: label.category.as_ref(),
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

    /// This turn's value of a numeric score, `None` when missing or when the rollout has no
    /// such score.
    pub fn score(&self, name: &str) -> Option<f64> {
        match self.cell(name) {
            Some(ScoreCell::Number(x)) => Some(*x),
            _ => None,
        }
    }

    /// This turn's value of a score of any kind.
    pub fn cell(&self, name: &str) -> Option<&ScoreCell<'a>> {
        self.scores.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
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

/// The rows of rollout `index`, one per assistant turn. Its texts are read from their files
/// once for all its rows; one that cannot be read is a warning and an empty cell.
pub fn rollout_rows<'a>(
    study: &'a Study,
    index: usize,
    annotators: &'a [(String, LabelSet)],
    warn: Warn<'a>,
) -> impl Iterator<Item = TurnRow<'a>> {
    let r = &study.rollouts[index];
    let source = study.source_name(index);
    let mut texts = read_texts(study, index, warn);
    (1..=r.n_turns).map(move |turn| {
        let t = turn as usize - 1;
        let scores = r
            .scores
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let cell = match &s.values {
                    ScoreValues::Numeric(v) => v.get(t).copied().flatten().map(ScoreCell::Number),
                    ScoreValues::Categorical(v) => {
                        v.get(t).and_then(|c| c.as_deref()).map(ScoreCell::Category)
                    }
                    ScoreValues::Text(_) => texts[k].get_mut(t).and_then(Option::take).map(ScoreCell::Text),
                };
                (&*s.name, cell.unwrap_or(ScoreCell::Missing))
            })
            .collect();
        TurnRow {
            source,
            rollout: &r.id,
            metadata: &r.metadata,
            turn,
            scores,
            self_deletion_turn: r.self_deleted_at == Some(turn),
            self_deleted_at: r.self_deleted_at,
            labels: labels_at(annotators, &r.id, turn),
        }
    })
}

/// Each score's texts per turn, in the rollout's score order (empty for other kinds).
fn read_texts(study: &Study, index: usize, warn: Warn) -> Vec<Vec<Option<String>>> {
    let r = &study.rollouts[index];
    let names: Vec<&str> = r.scores.iter().map(|s| &*s.name).collect();
    let mut read = match study.read_texts(index, &names) {
        Ok(read) => read,
        Err(problem) => {
            warn(&problem.to_string());
            Vec::new()
        }
    };
    r.scores
        .iter()
        .map(|s| {
            read.iter()
                .position(|(n, _)| *n == s.name)
                .map(|i| std::mem::take(&mut read[i].1))
                .unwrap_or_default()
        })
        .collect()
}

/// Every row of the study, in rollout order.
pub fn study_rows<'a>(
    study: &'a Study,
    annotators: &'a [(String, LabelSet)],
    warn: Warn<'a>,
) -> impl Iterator<Item = TurnRow<'a>> {
    (0..study.rollouts.len()).flat_map(move |index| rollout_rows(study, index, annotators, warn))
}

fn metadata_object<S: Serializer>(metadata: &&[(Arc<str>, MetaValue)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(metadata.iter().map(|(k, v)| (&**k, v.to_json())))
}

fn pairs_object<S: Serializer>(pairs: &[(&str, ScoreCell)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(n, v)| (n, v)))
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
