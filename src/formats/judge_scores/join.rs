//! Which fields join score rows to rollouts, and the index built from them.

use super::entry::{Columns, entry_of};
use super::rows::{Cell, Rows};
use super::*;
use crate::model::{Problem, RolloutSummary};

impl ScoreFile {
    /// The given field (which must exist), else the first of `names` the rows have.
    pub(super) fn pick_field(
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
    pub(super) fn detect_value(&mut self, rows: &Rows, join: &[JoinField]) -> Result<String, Problem> {
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
    pub(super) fn build(&mut self, join: Vec<JoinField>) {
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
                Err(e) => {
                    self.stats.rows -= 1;
                    self.bad_row(line, 1, &e.to_string());
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

    pub(super) fn insert(&mut self, key: Key, entry: Entry) {
        if entry.value.is_none() {
            self.stats.missing += 1;
        }
        self.min_turn = Some(self.min_turn.map_or(entry.turn, |t| t.min(entry.turn)));
        self.groups.entry(key).or_default().entries.push(entry);
    }
}
