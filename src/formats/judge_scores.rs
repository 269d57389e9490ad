//! Per-turn judge scores kept in their own JSONL file, one row per scored assistant turn, joined
//! to the transcripts by key fields plus a 0-based assistant-turn index:
//!
//! ```json
//! {"condition": "harsh_tone", "task_id": "puzzle_07", "rollout_idx": 3, "turn_index": 5,
//!  "score": 7, "tag": "despair", "quote": "I am clearly incapable of this"}
//! ```
//!
//! A `ScoreFile` is read into compact columns (see `rows`), then *resolved*: the join fields are
//! the score rows' fields that the rollouts share (their `id` or a scalar metadata field, values
//! compared as text so `3` and `"3"` match), checked against a sample of rollouts so a field
//! that merely has the same name (a judge's `model`) is not used; or they are given. Then every
//! field gets its part (`plan`): the value is the score (`frustration`), every other scalar field
//! is kept as `frustration.<field>` (numeric, categorical or a text kept by its place in the
//! file), noise is dropped and listed, a response text checks the join. A long file (one row per
//! score name, the name in a column) gives a score per name. After that, `attach` sets the
//! file's values on any `RolloutSummary`. Nothing is dropped silently: bad rows, and values
//! dropped or changed, are warnings with their line:column; `finish` reports the rows that
//! matched no rollout or no turn, and the rows that replaced a score already set.

mod attach;
mod entry;
mod join;
mod plan;
mod report;
mod row_parse;
mod rows;
mod spec;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value;

use super::fields::{TURN_FIELDS, VALUE_FIELDS};
use super::json_text;
use crate::model::{Limit, MAX_CATEGORIES, MetaValue, Problem, RolloutSummary};
use entry::Slot;
pub use plan::RESPONSE_FIELDS;
pub use rows::MAX_TEXT;
use rows::{Rows, float_text};
pub use spec::{DroppedField, JoinField, JoinFieldError, ScoreCount, ScoreFileSpec, ScoreReport, ScoreStats};

/// How judge failures are usually written; read as a missing score.
pub const JUDGE_FAILED: f64 = -1.0;
/// Rollouts looked at to tell which shared fields really join.
pub const DETECTION_SAMPLE: usize = 256;
/// Unmatched rows quoted in a warning.
const EXAMPLES: usize = 3;

/// A row's join values, in the order of the join fields.
type Key = Box<[String]>;

/// One (key, turn, score name) row.
struct Entry {
    turn: u32,
    /// Index into the file's score names (`ScoreFile::names`).
    base: u32,
    line: u64,
    used: bool,
    /// Turns of a rollout this entry was past the end of.
    past_end_of: Option<u32>,
    /// One per kept column, the value first.
    slots: Box<[Slot]>,
    /// The row's copy of its turn's text, to check the join.
    response: Option<entry::Response>,
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
    /// The score name (a long file's names come from its name column).
    pub name: Arc<str>,
    spec: ScoreFileSpec,
    /// The file's index among the study's text files, for the places of its texts.
    text_file: u32,
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
    /// What the fields became (set when the rows are indexed).
    plan: Option<plan::Plan>,
    /// Score names: the file's own, or a long file's name-column values (first seen first).
    bases: Vec<Arc<str>>,
    /// The score name of each (base, column): the base for the value, `<base>.<field>` else.
    names: Vec<Box<[Arc<str>]>>,
    /// Non-missing values set on turns, per (base, column).
    counts: Vec<Box<[u64]>>,
    problems: Vec<Problem>,
    stats: ScoreStats,
    /// Field names the sampled rollouts have (`id` and metadata), for messages.
    rollout_fields: Vec<String>,
    rollouts_seen: u64,
    min_turn: Option<u32>,
    first_overwrite: Option<u64>,
    shared_example: Option<(Arc<str>, Arc<str>)>,
    /// Names the rollouts already had with another kind, reported once each.
    kind_clashes: HashSet<Arc<str>>,
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
            spec: spec.clone(),
            text_file: 0,
            turn_field: None,
            value_field: None,
            value_names: std::iter::once(name.clone())
                .chain(VALUE_FIELDS.iter().map(|s| s.to_string()))
                .collect(),
            field_counts: Vec::new(),
            detection_values: None,
            state: State::Done,
            groups: HashMap::new(),
            plan: None,
            bases: Vec::new(),
            names: Vec::new(),
            counts: Vec::new(),
            problems: Vec::new(),
            stats: ScoreStats::default(),
            rollout_fields: Vec::new(),
            rollouts_seen: 0,
            min_turn: None,
            first_overwrite: None,
            shared_example: None,
            kind_clashes: HashSet::new(),
        };
        let rows = file.parse_rows(reader)?;
        file.field_counts = rows.fields.iter().map(|f| (f.name.clone(), f.count)).collect();
        if rows.is_empty() {
            if file.stats.bad_rows == 0 {
                file.problems.push(Problem::file(display, "no score rows in the file").warning());
            }
            return Ok(file);
        }
        file.turn_field =
            Some(file.pick_field("turn", spec.turn_field.as_deref(), &TURN_FIELDS, "--turn-field")?);
        if let Some(given) = &spec.name_field {
            file.pick_field("name", Some(given), &[], "--name-field")?;
        }
        if let Some(given) = &spec.value_field {
            file.value_field = Some(file.pick_field("value", Some(given), &[], "--value-field")?);
        } else {
            let free = |n: &str| !file.is_turn(n) && spec.name_field.as_deref() != Some(n);
            file.value_field = file.value_names.iter().find(|n| file.has_field(n) && free(n)).cloned();
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
        let mut offset = 0u64;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(|e| {
                Problem::file(&self.display, format!("cannot read after line {line_no}: {e}"))
            })?;
            if n == 0 {
                return Ok(rows);
            }
            line_no += 1;
            let mut line_offset = offset;
            offset += n as u64;
            let mut line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            if line_no == 1
                && let Some(rest) = line.strip_prefix(json_text::BOM)
            {
                line = rest;
                line_offset += json_text::BOM.len() as u64;
            }
            let text = match json_text::jsonl_line(line) {
                None => continue,
                Some(Ok(text)) => text,
                Some(Err(column)) => {
                    self.bad_row(line_no, column, "invalid UTF-8 (the file must be UTF-8 text)");
                    continue;
                }
            };
            match rows.parse_row(text) {
                Ok(Ok(fields)) => {
                    self.stats.rows += 1;
                    rows.push(line_no, line_offset, fields);
                }
                Ok(Err(kind)) => {
                    self.bad_row(line_no, 1, &format!("a score row must be an object, found {kind}"))
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

    /// Sets the file's index among the study's text files (where its texts are read from).
    pub fn set_text_file(&mut self, index: u32) {
        self.text_file = index;
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

    /// A long file's name column, once the rows are indexed.
    pub fn name_field(&self) -> Option<&str> {
        self.plan.as_ref().and_then(|p| p.name_field.as_deref())
    }

    pub fn stats(&self) -> ScoreStats {
        self.stats
    }

    /// Problems found so far (bad rows, values dropped, fields that could not be told apart),
    /// once each.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
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
#[cfg(test)]
mod tests_fields;
