//! What a `--scores` file is and what it did: its settings, join fields and counts.

use std::path::PathBuf;

use crate::model::{ScoreKind, ScoreRange};

/// One `--scores FILE` and how to read it; `None` fields are detected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreFileSpec {
    pub path: PathBuf,
    /// Score name (default: the file's stem).
    pub name: Option<String>,
    /// Join fields (`--join`); each `field`, or `row_field=rollout_field` when they differ.
    pub join: Option<Vec<String>>,
    pub turn_field: Option<String>,
    pub value_field: Option<String>,
    /// The column whose values are score names, in a long file (`--name-field`).
    pub name_field: Option<String>,
    /// What the first turn is called in the turn field: 0 (default) or 1 (`--turn-base`).
    pub turn_base: u32,
    /// Fields kept although they look like noise or a response text (`--keep`).
    pub keep: Vec<String>,
    /// Fields dropped although they would be kept (`--drop`).
    pub drop: Vec<String>,
    /// Fields read as categorical scores (`--categorical`), or as texts (`--text`).
    pub categorical: Vec<String>,
    pub text: Vec<String>,
    /// Values of the score outside this range are read as missing (`--range`).
    pub range: Option<ScoreRange>,
}

impl ScoreFileSpec {
    pub fn new(path: impl Into<PathBuf>) -> ScoreFileSpec {
        ScoreFileSpec { path: path.into(), ..ScoreFileSpec::default() }
    }

    /// The score name: given, else the file's stem (`frustration.jsonl` → `frustration`).
    pub fn score_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            self.path.file_stem().map_or_else(|| "score".to_string(), |s| s.to_string_lossy().into_owned())
        })
    }
}

/// A `--join` that names no field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinFieldError {
    #[error("--join {spec:?}: expected FIELD or ROW_FIELD=ROLLOUT_FIELD")]
    Malformed { spec: String },
}

/// A join field: the score row's field and the rollout's (`id`, or a scalar metadata field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinField {
    pub row: String,
    pub rollout: String,
}

impl JoinField {
    /// `field` or `row_field=rollout_field`.
    pub fn parse(spec: &str) -> Result<JoinField, JoinFieldError> {
        let (row, rollout) = spec.split_once('=').unwrap_or((spec, spec));
        let (row, rollout) = (row.trim(), rollout.trim());
        if row.is_empty() || rollout.is_empty() {
            return Err(JoinFieldError::Malformed { spec: spec.to_string() });
        }
        Ok(JoinField { row: row.to_string(), rollout: rollout.to_string() })
    }

    pub(super) fn label(&self) -> String {
        if self.row == self.rollout { self.row.clone() } else { format!("{}={}", self.row, self.rollout) }
    }
}

/// Counts over one score file, for reports and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScoreStats {
    /// Rows read as JSON objects.
    pub rows: u64,
    /// Lines skipped: invalid JSON, not an object, a missing or unusable field.
    pub bad_rows: u64,
    /// Good rows whose value is missing (`-1`, `null`, or dropped with a warning).
    pub missing: u64,
    /// Rows attached to a turn of at least one rollout.
    pub used: u64,
    /// Rows whose key matched no rollout.
    pub unmatched_rollout: u64,
    /// Rows whose key matched, but whose turn is past the rollout's last.
    pub unmatched_turn: u64,
    /// Rows that replaced a score already set for their turn (an earlier row of this file,
    /// another file, or the transcript itself).
    pub overwritten: u64,
    /// Rollouts given at least one turn.
    pub rollouts: u64,
    /// Non-missing values set on rollout turns.
    pub values: u64,
    /// Rollouts whose key another rollout had already matched (the join is ambiguous).
    pub shared_keys: u64,
    /// Rows whose response text does not match their turn's text.
    pub mismatched: u64,
}

/// What a score file did, for `validate`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreReport {
    pub path: String,
    pub name: String,
    pub join: Vec<String>,
    pub turn_field: Option<String>,
    pub value_field: Option<String>,
    /// The column whose values are score names (a long file).
    pub name_field: Option<String>,
    #[serde(flatten)]
    pub stats: ScoreStats,
    /// Every score the file gave, with its kind and its values set on turns.
    pub scores: Vec<ScoreCount>,
    /// Fields compared with the turn's text to check the join, not kept.
    pub checked: Vec<String>,
    /// Fields not kept, and why: a note, not a problem.
    pub dropped: Vec<DroppedField>,
}

/// One score a file gave.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreCount {
    pub name: String,
    pub kind: ScoreKind,
    /// Non-missing values set on rollout turns.
    pub values: u64,
}

/// A field a score file's rows have that was not kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DroppedField {
    pub field: String,
    /// Why: "timestamp", "prompt echo", "judge call id", "not a scalar", "--drop".
    pub reason: &'static str,
}
