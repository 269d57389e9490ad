//! What a `--scores` file is and what it did: its settings, join fields and counts.

use std::path::PathBuf;

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
    /// Good rows whose value is missing (`-1` or `null`).
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
}

/// What a score file did, for `validate`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreReport {
    pub path: String,
    pub name: String,
    pub join: Vec<String>,
    pub turn_field: Option<String>,
    pub value_field: Option<String>,
    #[serde(flatten)]
    pub stats: ScoreStats,
}
