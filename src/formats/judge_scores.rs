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

mod rows;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::chat::kind_of;
use super::{json_text, parse_value};
use crate::model::{MetaValue, Problem, RolloutSummary, TurnScores};
pub use rows::MAX_TEXT;
use rows::{Cell, Rows, float_text};

/// Field names tried, in order, for the 0-based assistant-turn index.
pub const TURN_FIELDS: [&str; 5] = ["turn", "turn_index", "turn_idx", "assistant_turn", "step"];
/// Field names tried, in order, for the value (after the score's own name).
pub const VALUE_FIELDS: [&str; 4] = ["score", "value", "rating", "judge_score"];
/// How judge failures are usually written; read as a missing score.
pub const JUDGE_FAILED: f64 = -1.0;
/// Rollouts looked at to tell which shared fields really join.
pub const DETECTION_SAMPLE: usize = 256;
/// Unmatched rows quoted in a warning.
const EXAMPLES: usize = 3;

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

/// A join field: the score row's field and the rollout's (`id`, or a scalar metadata field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinField {
    pub row: String,
    pub rollout: String,
}

impl JoinField {
    /// `field` or `row_field=rollout_field`.
    pub fn parse(spec: &str) -> Result<JoinField, String> {
        let (row, rollout) = spec.split_once('=').unwrap_or((spec, spec));
        let (row, rollout) = (row.trim(), rollout.trim());
        if row.is_empty() || rollout.is_empty() {
            return Err(format!("--join {spec:?}: expected FIELD or ROW_FIELD=ROLLOUT_FIELD"));
        }
        Ok(JoinField { row: row.to_string(), rollout: rollout.to_string() })
    }

    fn label(&self) -> String {
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
    pub fn read(spec: &ScoreFileSpec) -> Result<ScoreFile, Problem> {
        let display = spec.path.display().to_string();
        let file = std::fs::File::open(&spec.path)
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
            let join = join.map_err(|e| Problem::file(display, e))?;
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

    /// The given field (which must exist), else the first of `names` the rows have.
    fn pick_field(
        &self,
        what: &str,
        given: Option<&str>,
        names: &[&str],
        flag: &str,
    ) -> Result<String, Problem> {
        if let Some(given) = given {
            if self.has_field(given) {
                return Ok(given.to_string());
            }
            let message = format!("no field {given:?} ({flag}) in the score rows; {}", self.fields_text());
            return Err(Problem::file(&self.display, message));
        }
        names.iter().find(|n| self.has_field(n)).map(|n| n.to_string()).ok_or_else(|| {
            let message = format!(
                "no {what} field: expected one of {} (or name it with {flag}); {}",
                names.join(", "),
                self.fields_text()
            );
            Problem::file(&self.display, message)
        })
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

    /// Tells the join fields from a sample of rollouts, if they are not known yet: the score
    /// rows' fields (present in every row, besides the turn and value) that the rollouts have
    /// too, kept only when some sampled rollout's value occurs among the rows' values.
    /// Returns whether the file is ready to attach.
    pub fn resolve(&mut self, sample: &[RolloutSummary]) -> bool {
        if !matches!(self.state, State::Pending(_)) {
            return self.is_ready();
        }
        let sample = &sample[..sample.len().min(DETECTION_SAMPLE)];
        self.rollouts_seen += sample.len() as u64;
        for summary in sample {
            for name in std::iter::once("id").chain(summary.metadata.iter().map(|(k, _)| &**k)) {
                if !self.rollout_fields.iter().any(|f| f == name) {
                    self.rollout_fields.push(name.to_string());
                }
            }
        }
        let State::Pending(rows) = &self.state else {
            return false;
        };
        let n_rows = rows.len() as u64;
        let values = self.detection_values.get_or_insert_with(|| {
            rows.fields
                .iter()
                .filter(|(_, count, _)| *count == n_rows)
                .map(|(name, _, cells)| {
                    (name.clone(), cells.iter().filter_map(|c| rows.text(*c)).map(Cow::into_owned).collect())
                })
                .collect()
        });
        let mut join = Vec::new();
        for (field, row_values) in values.iter() {
            let (turn, value) = (self.turn_field.as_deref(), self.value_field.as_deref());
            if turn == Some(field.as_str()) || value == Some(field.as_str()) {
                continue;
            }
            let matches =
                sample.iter().filter_map(|s| rollout_text(s, field)).any(|v| row_values.contains(&v));
            if matches {
                join.push(JoinField { row: field.clone(), rollout: field.clone() });
            }
        }
        if join.is_empty() {
            return false;
        }
        self.build(join);
        self.is_ready()
    }

    /// Finds the value field if it is still unknown: the single numeric field that is not the
    /// turn or a join field.
    fn detect_value(&mut self, rows: &Rows, join: &[JoinField]) -> Result<String, Problem> {
        if let Some(value) = &self.value_field {
            return Ok(value.clone());
        }
        let numeric: Vec<&str> = rows
            .fields
            .iter()
            .filter(|(k, _, _)| !self.is_turn(k) && !join.iter().any(|j| j.row == *k))
            .filter(|(_, _, cells)| {
                let all = cells
                    .iter()
                    .all(|c| matches!(c, Cell::Int(_) | Cell::Float(_) | Cell::Null | Cell::Absent));
                all && cells.iter().any(|c| matches!(c, Cell::Int(_) | Cell::Float(_)))
            })
            .map(|(k, _, _)| k.as_str())
            .collect();
        match numeric[..] {
            [single] => Ok(single.to_string()),
            _ => {
                let found = if numeric.is_empty() { "none".to_string() } else { numeric.join(", ") };
                let message = format!(
                    "no value field: expected one of {} or a single numeric field besides the turn and join \
                     fields (numeric fields: {found}); name it with --value-field",
                    self.value_names.join(", ")
                );
                Err(Problem::file(&self.display, message))
            }
        }
    }

    /// Indexes the rows by (join values, turn); the later of two rows for one turn wins.
    fn build(&mut self, join: Vec<JoinField>) {
        let State::Pending(rows) = std::mem::replace(&mut self.state, State::Done) else {
            return;
        };
        let value_field = match self.detect_value(&rows, &join) {
            Ok(v) => v,
            Err(problem) => {
                self.problems.push(problem);
                return;
            }
        };
        self.value_field = Some(value_field.clone());
        self.detection_values = None;
        let turn_field = self.turn_field.clone().unwrap_or_default();
        let columns = Columns {
            join: join.iter().map(|j| (j.row.as_str(), rows.column(&j.row))).collect(),
            turn: (turn_field.as_str(), rows.column(&turn_field)),
            value: (value_field.as_str(), rows.column(&value_field)),
        };
        for (row, &line) in rows.lines.iter().enumerate() {
            match entry_of(&rows, &columns, row, line) {
                Ok((key, entry)) => self.insert(key, entry),
                Err(message) => {
                    self.stats.rows -= 1;
                    self.bad_row(line, 1, &message);
                }
            }
        }
        drop(columns);
        // One entry per (key, turn): the last row wins, the ones it replaced are counted.
        for group in self.groups.values_mut() {
            group.entries.sort_by_key(|e| (e.turn, std::cmp::Reverse(e.line)));
            let before = group.entries.len();
            let first = &mut self.first_overwrite;
            // `kept` is the earlier element in the vector: the latest row for its turn.
            group.entries.dedup_by(|replaced, kept| {
                let same = replaced.turn == kept.turn;
                if same {
                    *first = Some(first.map_or(kept.line, |l| l.min(kept.line)));
                }
                same
            });
            self.stats.overwritten += (before - group.entries.len()) as u64;
        }
        self.state = State::Ready(join);
    }

    fn insert(&mut self, key: Key, entry: Entry) {
        if entry.value.is_none() {
            self.stats.missing += 1;
        }
        self.min_turn = Some(self.min_turn.map_or(entry.turn, |t| t.min(entry.turn)));
        self.groups.entry(key).or_default().entries.push(entry);
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
                let values = vec![None; n_turns].into_boxed_slice();
                summary.scores.push(TurnScores { name: self.name.clone(), values });
                summary.scores.len() - 1
            }
        };
        let scores = &mut summary.scores[slot];
        if scores.values.len() < n_turns {
            let mut values = scores.values.to_vec();
            values.resize(n_turns, None);
            scores.values = values.into_boxed_slice();
        }
        let mut used = 0;
        for e in &mut group.entries {
            let turn = e.turn as usize;
            if turn >= n_turns {
                e.past_end_of = Some(summary.n_turns);
                continue;
            }
            let slot = &mut scores.values[turn];
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

    /// Counts the rows that were never used and returns the warnings (or the error when the
    /// join fields were never found). Call once, after the last rollout.
    pub fn finish(&mut self) -> Vec<Problem> {
        let mut problems = self.take_problems();
        if let State::Pending(rows) = &self.state {
            let n = rows.len() as u64;
            self.detection_values = None;
            self.stats.unmatched_rollout = n;
            let problem = if self.rollouts_seen == 0 {
                Problem::file(
                    &self.display,
                    format!("{n} score rows attached to nothing: no rollouts were read"),
                )
                .warning()
            } else {
                let message = format!(
                    "cannot join the score rows to the rollouts: no field of the rows matches a rollout's id or \
                     metadata ({}; the rollouts have: {}); name the fields with --join",
                    self.fields_text(),
                    self.rollout_fields.join(", ")
                );
                Problem::file(&self.display, message)
            };
            problems.push(problem);
            self.state = State::Done;
            return problems;
        }
        let State::Ready(join) = &self.state else {
            return problems;
        };
        let mut no_rollout = Vec::new();
        let mut past_end = Vec::new();
        for (key, group) in &self.groups {
            for e in group.entries.iter().filter(|e| !e.used) {
                match (group.matched_by.is_some(), e.past_end_of) {
                    (true, Some(n)) => past_end.push((e.line, &**key, e.turn, n)),
                    _ => no_rollout.push((e.line, &**key, e.turn, 0)),
                }
            }
        }
        self.stats.unmatched_rollout = no_rollout.len() as u64;
        self.stats.unmatched_turn = past_end.len() as u64;
        let turn_field = self.turn_field.as_deref().unwrap_or("turn");
        let describe = |rows: &mut Vec<(u64, &[String], u32, u32)>, with_turns: bool| {
            rows.sort_by_key(|r| r.0);
            let examples: Vec<String> = rows
                .iter()
                .take(EXAMPLES)
                .map(|(line, key, turn, n)| {
                    let mut text = format!("line {line}: ");
                    let pairs: Vec<String> =
                        join.iter().zip(key.iter()).map(|(j, v)| format!("{}={v}", j.row)).collect();
                    text.push_str(&pairs.join(" "));
                    if with_turns {
                        text.push_str(&format!(" {turn_field}={turn} of a {n}-turn rollout"));
                    }
                    text
                })
                .collect();
            examples.join("; ")
        };
        let mut parts = Vec::new();
        if !no_rollout.is_empty() {
            let n = no_rollout.len();
            parts.push(format!("{n} matched no rollout (e.g. {})", describe(&mut no_rollout, false)));
        }
        if !past_end.is_empty() {
            let n = past_end.len();
            let mut part =
                format!("{n} named a turn past the rollout's last (e.g. {})", describe(&mut past_end, true));
            let one_based =
                self.min_turn.is_some_and(|t| t >= 1) && past_end.iter().all(|(_, _, t, n)| t == n);
            if one_based {
                part.push_str(&format!("; the turns start at 1: is {turn_field:?} 1-based?"));
            }
            parts.push(part);
        }
        if !parts.is_empty() {
            let unmatched = no_rollout.len() + past_end.len();
            let joined: Vec<String> = join.iter().map(JoinField::label).collect();
            let message = format!(
                "{unmatched} of {} score {} not attached (joined on {}): {}",
                self.stats.rows,
                if unmatched == 1 { "row was" } else { "rows were" },
                joined.join(", "),
                parts.join("; ")
            );
            problems.push(Problem::file(&self.display, message).warning());
        }
        if self.stats.overwritten > 0 {
            let message = format!(
                "{} replaced a {:?} score already set for {} turn (by an earlier row, another file or the \
                 transcript), first at line {}; the last one is kept",
                if self.stats.overwritten == 1 {
                    "1 score row".to_string()
                } else {
                    format!("{} score rows", self.stats.overwritten)
                },
                &*self.name,
                if self.stats.overwritten == 1 { "its" } else { "their" },
                self.first_overwrite.unwrap_or(0)
            );
            problems.push(Problem::file(&self.display, message).warning());
        }
        if let Some((first, second)) = &self.shared_example {
            let joined: Vec<String> = join.iter().map(JoinField::label).collect();
            let message = format!(
                "the join fields ({}) do not single out a rollout: {} rollouts share a key with an earlier one \
                 (e.g. {first:?} and {second:?}) and got the same scores; add fields with --join",
                joined.join(", "),
                self.stats.shared_keys
            );
            problems.push(Problem::file(&self.display, message).warning());
        }
        problems
    }

    /// Where the file stands, for `validate`.
    pub fn report(&self) -> ScoreReport {
        ScoreReport {
            path: self.display.clone(),
            name: self.name.to_string(),
            join: self.join_fields().map(|j| j.iter().map(JoinField::label).collect()).unwrap_or_default(),
            turn_field: self.turn_field.clone(),
            value_field: self.value_field.clone(),
            stats: self.stats,
        }
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

/// The columns a row's entry is made of, with their field names (`None`: no row has it).
struct Columns<'a> {
    join: Vec<(&'a str, Option<&'a [Cell]>)>,
    turn: (&'a str, Option<&'a [Cell]>),
    value: (&'a str, Option<&'a [Cell]>),
}

/// Row `row`'s key and entry, or why it is a bad row.
fn entry_of(rows: &Rows, columns: &Columns, row: usize, line: u64) -> Result<(Key, Entry), String> {
    let cell = |(name, column): (&str, Option<&[Cell]>)| match column.and_then(|c| c.get(row)) {
        None | Some(Cell::Absent) => Err(format!("missing field {name:?}")),
        Some(cell) => Ok(*cell),
    };
    let mut key = Vec::with_capacity(columns.join.len());
    for &(name, column) in &columns.join {
        let value = cell((name, column))?;
        let text = rows.text(value).ok_or_else(|| {
            format!("join field {name:?} is {}, expected text or a number", rows.found(value))
        })?;
        key.push(text.into_owned());
    }
    let (turn_name, value_name) = (columns.turn.0, columns.value.0);
    let turn = cell(columns.turn)?;
    let turn = turn_of(rows, turn).ok_or_else(|| {
        format!("{turn_name:?} must be a 0-based assistant-turn number, found {}", rows.found(turn))
    })?;
    let value = cell(columns.value)?;
    let value = value_of(rows, value).ok_or_else(|| {
        format!("{value_name:?} must be a number, -1 (judge failed) or null, found {}", rows.found(value))
    })?;
    Ok((key.into_boxed_slice(), Entry { turn, value, line, used: false, past_end_of: None }))
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

/// A 0-based turn: a non-negative integer, or text holding one.
fn turn_of(rows: &Rows, cell: Cell) -> Option<u32> {
    let turn = match cell {
        Cell::Int(i) => u64::try_from(i).ok()?,
        Cell::Float(f) if f.fract() == 0.0 && f >= 0.0 => f as u64,
        Cell::Text(_) => rows.text(cell)?.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    u32::try_from(turn).ok()
}

/// A score: `Some(None)` for `-1` and `null` (missing), `Some(Some(x))` for a number or text
/// holding one, `None` for anything else.
fn value_of(rows: &Rows, cell: Cell) -> Option<Option<f64>> {
    let x = match cell {
        Cell::Null => return Some(None),
        Cell::Int(i) => i as f64,
        Cell::Float(f) => f,
        Cell::Text(_) => rows.text(cell)?.trim().parse::<f64>().ok().filter(|f| f.is_finite())?,
        _ => return None,
    };
    Some(if x == JUDGE_FAILED { None } else { Some(x) })
}

#[cfg(test)]
mod tests;
