//! Which fields join score rows to rollouts, and the index built from them.

use super::entry::Reading;
use super::plan::Plan;
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
                .filter(|f| f.count == n_rows)
                .map(|f| {
                    (
                        f.name.clone(),
                        f.cells.iter().filter_map(|c| rows.text(*c)).map(Cow::into_owned).collect(),
                    )
                })
                .collect()
        });
        let mut join = Vec::new();
        for (field, row_values) in values.iter() {
            let (turn, value) = (self.turn_field.as_deref(), self.value_field.as_deref());
            let name = self.spec.name_field.as_deref();
            if [turn, value, name].contains(&Some(field.as_str())) {
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

    /// Indexes the rows by (join values, turn, score name); the later of two rows for one
    /// turn and name wins.
    pub(super) fn build(&mut self, join: Vec<JoinField>) {
        let State::Pending(rows) = std::mem::replace(&mut self.state, State::Done) else {
            return;
        };
        self.detection_values = None;
        let plan = match self.plan(&rows, &join) {
            Ok(plan) => plan,
            Err(problem) => {
                self.problems.push(problem);
                return;
            }
        };
        let turn_field = self.turn_field.clone().unwrap_or_default();
        let reading = Reading {
            join: join.iter().map(|j| (j.row.as_str(), rows.column(&j.row))).collect(),
            turn: (turn_field.as_str(), rows.column(&turn_field)),
            turn_base: self.spec.turn_base,
            name: plan.name_field.as_deref().and_then(|f| Some((f, rows.column(f)?))),
            columns: plan.columns.iter().map(|c| (c, rows.field(&c.field))).collect(),
            responses: plan.responses.iter().filter_map(|f| rows.field(f)).collect(),
            judge_failed: plan.name_field.is_none(),
            range: self.spec.range,
        };
        if plan.name_field.is_none() {
            self.add_base(self.name.clone(), &plan);
        }
        let mut problems = Vec::new();
        for (row, &line) in rows.lines.iter().enumerate() {
            match reading.row(&rows, row) {
                Ok(read) => {
                    for (column, note) in &read.notes {
                        let problem = Problem::at(&self.display, line, u64::from(*column), note.clone());
                        problems.push(problem.warning());
                    }
                    let base = match &read.name {
                        None => 0,
                        Some(name) => match self.bases.iter().position(|b| b == name) {
                            Some(i) => i,
                            None => self.add_base(name.clone(), &plan),
                        },
                    };
                    let entry = Entry {
                        turn: read.turn,
                        base: base as u32,
                        line,
                        used: false,
                        past_end_of: None,
                        slots: read.slots,
                        response: read.response,
                    };
                    self.insert(read.key, entry);
                }
                Err(e) => {
                    self.stats.rows -= 1;
                    self.stats.bad_rows += 1;
                    let message = format!("bad score row: {e}");
                    problems.push(Problem::at(&self.display, line, 1, message).warning());
                }
            }
        }
        drop(reading);
        self.problems.extend(problems);
        // One entry per (key, turn, name): the last row wins, the ones it replaced are counted.
        for group in self.groups.values_mut() {
            group.entries.sort_by_key(|e| (e.turn, e.base, std::cmp::Reverse(e.line)));
            let before = group.entries.len();
            let first = &mut self.first_overwrite;
            // `kept` is the earlier element in the vector: the latest row for its turn.
            group.entries.dedup_by(|replaced, kept| {
                let same = replaced.turn == kept.turn && replaced.base == kept.base;
                if same {
                    *first = Some(first.map_or(kept.line, |l| l.min(kept.line)));
                }
                same
            });
            self.stats.overwritten += (before - group.entries.len()) as u64;
        }
        self.plan = Some(plan);
        self.state = State::Ready(join);
    }

    /// A new score name and the names of its kept fields; returns its index.
    fn add_base(&mut self, base: Arc<str>, plan: &Plan) -> usize {
        let names: Box<[Arc<str>]> = plan
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| if i == 0 { base.clone() } else { Arc::from(format!("{base}.{}", c.field)) })
            .collect();
        self.counts.push(vec![0; names.len()].into());
        self.names.push(names);
        self.bases.push(base);
        self.bases.len() - 1
    }

    pub(super) fn insert(&mut self, key: Key, entry: Entry) {
        if entry.slots.first().is_none_or(|s| *s == Slot::Missing) {
            self.stats.missing += 1;
        }
        self.min_turn = Some(self.min_turn.map_or(entry.turn, |t| t.min(entry.turn)));
        self.groups.entry(key).or_default().entries.push(entry);
    }
}
