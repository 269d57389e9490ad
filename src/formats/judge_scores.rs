//! Per-turn judge scores kept in their own JSONL file, one row per scored assistant turn, joined
//! to the transcripts by key fields plus a 0-based assistant-turn index:
//!
//! ```json
//! {"condition": "baseline", "task_id": "4", "rollout_idx": 0, "turn_idx": 3, "score": 7}
//! ```
//!
//! A `ScoreFile` is read into compact columns (see `rows`), then *resolved*: the join fields are the
//! score rows' fields that the rollouts share (their `id` or a scalar metadata field, values
//! compared as text so `3` and `"3"` match), checked against a sample of rollouts so a field
//! that merely has the same name (a judge's `model`) is not used; or they are given. After that,
//! `attach` sets the file's values on any `RolloutSummary`. A value of `-1` (the judge failed)
//! or `null` is a missing score. Nothing is dropped silently: bad rows are warnings with their
//! line:column, and `finish` reports the rows that matched no rollout or no turn, and the rows
//! that replaced a score already set.

mod entry;
mod join;
mod report;
mod rows;
mod spec;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value;

use super::fields::{TURN_FIELDS, VALUE_FIELDS, kind_of};
use super::json_text;
use super::record::parse_value;
use crate::model::{Limit, MetaValue, Problem, RolloutSummary, ScoreValues, TurnScores};
pub use rows::MAX_TEXT;
use rows::{Rows, float_text};
pub use spec::{JoinField, JoinFieldError, ScoreFileSpec, ScoreReport, ScoreStats};

/// How judge failures are usually written; read as a missing score.
pub const JUDGE_FAILED: f64 = -1.0;
/// Rollouts looked at to tell which shared fields really join.
pub const DETECTION_SAMPLE: usize = 256;
/// Unmatched rows quoted in a warning.
const EXAMPLES: usize = 3;

/// A row's join values, in the order of the join fields.
type Key = Box<[String]>;

/// One (key, turn) value.
struct Entry {
    turn: u32,
    value: Option<f64>,
    line: u64,
    used: bool,
    /// Turns of a rollout this entry was past the end of.
    past_end_of: Option<u32>,
}

/// All entries of one key.
#[derive(Default)]
struct Group {
    entries: Vec<Entry>,
    /// The first rollout that matched this key.
    matched_by: Option<Arc<str>>,
}

enum State {
    /// Rows read; waiting for rollouts to tell the join fields.
    Pending(Rows),
    /// Indexed by key.
    Ready(Vec<JoinField>),
    /// Nothing to attach (no rows, or the fields could not be told apart; already reported).
    Done,
}

/// A judge-score file: its rows, then its index by (join values, turn).
pub struct ScoreFile {
    pub display: String,
    pub name: Arc<str>,
    turn_field: Option<String>,
    value_field: Option<String>,
    /// Names tried for the value when it is not given.
    value_names: Vec<String>,
    /// Field names of the rows in first-seen order, and how many rows have each.
    field_counts: Vec<(String, u64)>,
    /// Each complete field's values as join text, made on the first detection attempt.
    detection_values: Option<Vec<(String, HashSet<String>)>>,
    state: State,
    groups: HashMap<Key, Group>,
    problems: Vec<Problem>,
    stats: ScoreStats,
    /// Field names the sampled rollouts have (`id` and metadata), for messages.
    rollout_fields: Vec<String>,
    rollouts_seen: u64,
    min_turn: Option<u32>,
    first_overwrite: Option<u64>,
    shared_example: Option<(Arc<str>, Arc<str>)>,
}

impl ScoreFile {
    /// Reads and parses a score file. `Err` when the file cannot be used at all (unreadable,
    /// no turn field); bad rows are in `take_problems`.
    /// Only a regular file is read, `limit` at most.
    pub fn read(spec: &ScoreFileSpec, limit: Limit) -> Result<ScoreFile, Problem> {
        let display = spec.path.display().to_string();
        let file = super::input::open(&spec.path, limit)
            .map_err(|e| Problem::file(&display, format!("cannot open: {e}")))?;
        ScoreFile::parse_reader(spec, &display, std::io::BufReader::new(file))
    }

    /// Parses score rows from bytes (`display` names the file in problems).
    pub fn parse(spec: &ScoreFileSpec, display: &str, bytes: &[u8]) -> Result<ScoreFile, Problem> {
        ScoreFile::parse_reader(spec, display, bytes)
    }

    /// Parses score rows line by line from a reader.
    pub fn parse_reader(
        spec: &ScoreFileSpec,
        display: &str,
        reader: impl BufRead,
    ) -> Result<ScoreFile, Problem> {
        let name = spec.score_name();
        let mut file = ScoreFile {
            display: display.to_string(),
            name: Arc::from(name.as_str()),
            turn_field: None,
            value_field: None,
            value_names: std::iter::once(name.clone())
                .chain(VALUE_FIELDS.iter().map(|s| s.to_string()))
                .collect(),
            field_counts: Vec::new(),
            detection_values: None,
            state: State::Done,
            groups: HashMap::new(),
            problems: Vec::new(),
            stats: ScoreStats::default(),
            rollout_fields: Vec::new(),
            rollouts_seen: 0,
            min_turn: None,
            first_overwrite: None,
            shared_example: None,
        };
        let rows = file.parse_rows(reader)?;
        file.field_counts = rows.fields.iter().map(|(name, count, _)| (name.clone(), *count)).collect();
        if rows.is_empty() {
            if file.stats.bad_rows == 0 {
                file.problems.push(Problem::file(display, "no score rows in the file").warning());
            }
            return Ok(file);
        }
        file.turn_field =
            Some(file.pick_field("turn", spec.turn_field.as_deref(), &TURN_FIELDS, "--turn-field")?);
        if let Some(given) = &spec.value_field {
            file.value_field = Some(file.pick_field("value", Some(given), &[], "--value-field")?);
        } else {
            file.value_field =
                file.value_names.iter().find(|n| file.has_field(n) && !file.is_turn(n)).cloned();
        }
        file.state = State::Pending(rows);
        if let Some(join) = &spec.join {
            let join = join.iter().map(|s| JoinField::parse(s)).collect::<Result<Vec<_>, _>>();
            let join = join.map_err(|e| Problem::file(display, e.to_string()))?;
            if let Some(missing) = join.iter().find(|j| !file.has_field(&j.row)) {
                let message =
                    format!("no field {:?} (--join) in the score rows; {}", missing.row, file.fields_text());
                return Err(Problem::file(display, message));
            }
            if let Some(clash) = join.iter().find(|j| file.is_turn(&j.row) || file.is_value(&j.row)) {
                let message = format!("--join {:?} is the turn or value field", clash.row);
                return Err(Problem::file(display, message));
            }
            file.build(join);
        }
        Ok(file)
    }

    /// Reads lines, parses each, and keeps the objects; bad lines become warnings.
    fn parse_rows(&mut self, mut reader: impl BufRead) -> Result<Rows, Problem> {
        let mut rows = Rows::default();
        let mut buf = Vec::new();
        let mut line_no = 0u64;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(|e| {
                Problem::file(&self.display, format!("cannot read after line {line_no}: {e}"))
            })?;
            if n == 0 {
                return Ok(rows);
            }
            line_no += 1;
            let mut line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            line = line.strip_suffix(b"\r").unwrap_or(line);
            if line_no == 1 {
                line = line.strip_prefix(json_text::BOM).unwrap_or(line);
            }
            if line.trim_ascii().is_empty() {
                continue;
            }
            let text = match std::str::from_utf8(line) {
                Ok(text) => text,
                Err(e) => {
                    let column = e.valid_up_to() as u64 + 1;
                    self.bad_row(line_no, column, "invalid UTF-8 (the file must be UTF-8 text)");
                    continue;
                }
            };
            match parse_value(text) {
                Ok(Value::Object(fields)) => {
                    self.stats.rows += 1;
                    rows.push(line_no, fields);
                }
                Ok(other) => {
                    let message = format!("a score row must be an object, found {}", kind_of(&other));
                    self.bad_row(line_no, 1, &message)
                }
                Err(e) => self.bad_row(line_no, e.column, &e.message),
            }
        }
    }

    fn bad_row(&mut self, line: u64, column: u64, message: &str) {
        self.stats.bad_rows += 1;
        let message = format!("bad score row: {message}");
        self.problems.push(Problem::at(&self.display, line, column, message).warning());
    }

    fn has_field(&self, name: &str) -> bool {
        self.field_counts.iter().any(|(k, _)| k == name)
    }

    fn is_turn(&self, name: &str) -> bool {
        self.turn_field.as_deref() == Some(name)
    }

    fn is_value(&self, name: &str) -> bool {
        self.value_field.as_deref() == Some(name)
    }

    fn fields_text(&self) -> String {
        let names: Vec<&str> = self.field_counts.iter().map(|(k, _)| k.as_str()).collect();
        format!("the rows have: {}", names.join(", "))
    }

    /// Whether the join fields are known and the rows indexed.
    pub fn is_ready(&self) -> bool {
        matches!(self.state, State::Ready(_))
    }

    /// The join fields, once known.
    pub fn join_fields(&self) -> Option<&[JoinField]> {
        match &self.state {
            State::Ready(join) => Some(join),
            _ => None,
        }
    }

    pub fn turn_field(&self) -> Option<&str> {
        self.turn_field.as_deref()
    }

    pub fn value_field(&self) -> Option<&str> {
        self.value_field.as_deref()
    }

    pub fn stats(&self) -> ScoreStats {
        self.stats
    }

    /// Problems found so far (bad rows, fields that could not be told apart), once each.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    /// Sets this file's values on a rollout's turns (creating the score name when the rollout
    /// has none yet); returns how many rows were used.
    pub fn attach(&mut self, summary: &mut RolloutSummary) -> usize {
        let State::Ready(join) = &self.state else {
            return 0;
        };
        let Some(key) = rollout_key(summary, join) else {
            return 0;
        };
        let Some(group) = self.groups.get_mut(&key) else {
            return 0;
        };
        match &group.matched_by {
            None => group.matched_by = Some(summary.id.clone()),
            Some(first) => {
                self.stats.shared_keys += 1;
                if self.shared_example.is_none() {
                    self.shared_example = Some((first.clone(), summary.id.clone()));
                }
            }
        }
        let n_turns = summary.n_turns as usize;
        if group.entries.iter().all(|e| e.turn as usize >= n_turns) {
            for e in &mut group.entries {
                e.past_end_of = Some(summary.n_turns);
            }
            return 0;
        }
        let slot = match summary.scores.iter().position(|s| s.name == self.name) {
            Some(i) => i,
            None => {
                summary.scores.push(TurnScores::numeric(self.name.clone(), vec![None; n_turns]));
                summary.scores.len() - 1
            }
        };
        let scores = &mut summary.scores[slot];
        let ScoreValues::Numeric(values) = &mut scores.values else {
            self.problems.push(
                Problem::file(
                    &self.display,
                    format!(
                        "{}: the rollouts already have a score of this name that is not a number",
                        self.name
                    ),
                )
                .warning(),
            );
            return 0;
        };
        if values.len() < n_turns {
            let mut grown = values.to_vec();
            grown.resize(n_turns, None);
            *values = grown.into_boxed_slice();
        }
        let mut used = 0;
        for e in &mut group.entries {
            let turn = e.turn as usize;
            if turn >= n_turns {
                e.past_end_of = Some(summary.n_turns);
                continue;
            }
            let slot = &mut values[turn];
            if slot.is_some() {
                self.stats.overwritten += 1;
                self.first_overwrite = Some(self.first_overwrite.map_or(e.line, |l| l.min(e.line)));
            }
            *slot = e.value;
            if e.value.is_some() {
                self.stats.values += 1;
            }
            if !e.used {
                e.used = true;
                self.stats.used += 1;
            }
            used += 1;
        }
        self.stats.rollouts += 1;
        used
    }
}

/// A JSON scalar as join text: strings as they are (up to `MAX_TEXT` bytes), numbers printed
/// (integral floats as integers, so `3`, `3.0` and `"3"` match), booleans and null as words;
/// `None` for arrays, objects and longer texts.
pub fn key_text(value: &Value) -> Option<String> {
    let mut rows = Rows::default();
    let cell = rows.cell_of(value);
    rows.text(cell).map(Cow::into_owned)
}

/// A rollout's value of a join field as text: `id` is the rollout's id, anything else a scalar
/// metadata field.
pub fn rollout_text(summary: &RolloutSummary, field: &str) -> Option<String> {
    if field == "id" {
        return Some(summary.id.to_string());
    }
    summary.meta(field).map(|v| match v {
        MetaValue::Float(f) => float_text(*f),
        other => other.text().into_owned(),
    })
}

fn rollout_key(summary: &RolloutSummary, join: &[JoinField]) -> Option<Key> {
    join.iter().map(|j| rollout_text(summary, &j.rollout)).collect()
}

#[cfg(test)]
mod tests;
