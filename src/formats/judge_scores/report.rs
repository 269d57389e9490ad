//! What a score file did: rows used, missing, unmatched and overwritten, as problems and counts.

use super::*;
use crate::model::{Problem, ScoreKind};

impl ScoreFile {
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
        let base = self.spec.turn_base;
        for (key, group) in &self.groups {
            for e in group.entries.iter().filter(|e| !e.used) {
                match (group.matched_by.is_some(), e.past_end_of) {
                    (true, Some(n)) => past_end.push((e.line, &**key, e.turn + base, n)),
                    _ => no_rollout.push((e.line, &**key, e.turn + base, 0)),
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
            let one_based = self.spec.turn_base == 0
                && self.min_turn.is_some_and(|t| t >= 1)
                && past_end.iter().all(|(_, _, t, n)| t == n);
            if one_based {
                part.push_str(&format!(
                    "; the turns start at 1: is {turn_field:?} 1-based? then give --turn-base 1"
                ));
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
        let kinds: Vec<ScoreKind> =
            self.plan.as_ref().map(|p| p.columns.iter().map(|c| c.kind).collect()).unwrap_or_default();
        let scores = self
            .names
            .iter()
            .zip(&self.counts)
            .flat_map(|(names, counts)| {
                names.iter().zip(counts.iter()).zip(&kinds).map(|((name, values), kind)| ScoreCount {
                    name: name.to_string(),
                    kind: *kind,
                    values: *values,
                })
            })
            .collect();
        ScoreReport {
            path: self.display.clone(),
            name: self.name.to_string(),
            join: self.join_fields().map(|j| j.iter().map(JoinField::label).collect()).unwrap_or_default(),
            turn_field: self.turn_field.clone(),
            value_field: self.value_field.clone(),
            name_field: self.name_field().map(str::to_string),
            stats: self.stats,
            scores,
            checked: self.plan.as_ref().map(|p| p.responses.clone()).unwrap_or_default(),
            dropped: self.plan.as_ref().map(|p| p.dropped.clone()).unwrap_or_default(),
        }
    }
}
