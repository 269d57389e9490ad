//! Setting a score file's values on a rollout's turns, and checking the join against the
//! response texts the rows repeat.

use super::*;
use crate::model::{ScoreKind, ScoreValues, TextAt, TurnScores};

impl ScoreFile {
    /// Sets this file's values on a rollout's turns (creating each score name the rollout's
    /// rows give when it has none yet); returns how many rows were used.
    pub fn attach(&mut self, summary: &mut RolloutSummary) -> usize {
        self.attach_checked(summary, None)
    }

    /// `attach`, checking each row's response text against the turn's text when the turns'
    /// `response_hash`es are given (index 0 is turn 1): a mismatch is a warning at the row's
    /// line:column.
    pub fn attach_checked(&mut self, summary: &mut RolloutSummary, turn_hashes: Option<&[u64]>) -> usize {
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
        let Some(plan) = &self.plan else { return 0 };
        let mut used = 0;
        let mut problems = Vec::new();
        for e in &mut group.entries {
            let turn = e.turn as usize;
            if turn >= n_turns {
                e.past_end_of = Some(summary.n_turns);
                continue;
            }
            for (column, slot) in e.slots.iter().enumerate() {
                let name = &self.names[e.base as usize][column];
                let kind = plan.columns[column].kind;
                let Some(values) = score_slots(summary, name, kind, n_turns) else {
                    if self.kind_clashes.insert(name.clone()) {
                        let message = format!(
                            "{name:?}: the rollouts already have a score of this name that is not {}; \
                             this file's values are not used",
                            kind_text(kind)
                        );
                        problems.push(Problem::file(&self.display, message).warning());
                    }
                    continue;
                };
                let (replaced, present) = set(values, turn, slot, self.text_file);
                if column == 0 {
                    if replaced {
                        self.stats.overwritten += 1;
                        self.first_overwrite = Some(self.first_overwrite.map_or(e.line, |l| l.min(e.line)));
                    }
                    if present {
                        self.stats.values += 1;
                    }
                }
                if present {
                    self.counts[e.base as usize][column] += 1;
                }
            }
            if let (Some(response), Some(hashes)) = (e.response, turn_hashes)
                && hashes.get(turn).is_some_and(|turn_hash| *turn_hash != response.hash)
            {
                let field =
                    plan.responses.get(response.field as usize).map_or("response_text", String::as_str);
                let message = format!(
                    "{field:?} does not match turn {} of rollout {:?}: is the join right?",
                    turn + 1,
                    summary.id
                );
                let at = Problem::at(&self.display, e.line, u64::from(response.column), message);
                problems.push(at.warning());
                self.stats.mismatched += 1;
            }
            if !e.used {
                e.used = true;
                self.stats.used += 1;
            }
            used += 1;
        }
        self.problems.extend(problems);
        self.stats.rollouts += 1;
        used
    }
}

/// The rollout's values of a score name, made (all missing) when it has none; `None` when it
/// has the name with another kind.
fn score_slots<'s>(
    summary: &'s mut RolloutSummary,
    name: &Arc<str>,
    kind: ScoreKind,
    n_turns: usize,
) -> Option<&'s mut ScoreValues> {
    let slot = match summary.scores.iter().position(|s| s.name == *name) {
        Some(i) => i,
        None => {
            let values = match kind {
                ScoreKind::Numeric => ScoreValues::Numeric(vec![None; n_turns].into()),
                ScoreKind::Categorical => ScoreValues::Categorical(vec![None; n_turns].into()),
                ScoreKind::Text => ScoreValues::Text(vec![None; n_turns].into()),
            };
            summary.scores.push(TurnScores { name: name.clone(), values });
            summary.scores.len() - 1
        }
    };
    let values = &mut summary.scores[slot].values;
    if values.kind() != kind {
        return None;
    }
    if values.len() < n_turns {
        grow(values, n_turns);
    }
    Some(values)
}

fn grow(values: &mut ScoreValues, n: usize) {
    match values {
        ScoreValues::Numeric(v) => *v = v.iter().cloned().chain(std::iter::repeat(None)).take(n).collect(),
        ScoreValues::Categorical(v) => {
            *v = v.iter().cloned().chain(std::iter::repeat(None)).take(n).collect()
        }
        ScoreValues::Text(v) => *v = v.iter().cloned().chain(std::iter::repeat(None)).take(n).collect(),
    }
}

/// Puts a slot at `turn`; returns whether it replaced a value and whether it is one.
fn set(values: &mut ScoreValues, turn: usize, slot: &Slot, text_file: u32) -> (bool, bool) {
    fn put<T>(at: &mut Option<T>, value: Option<T>) -> (bool, bool) {
        let replaced = at.is_some();
        let present = value.is_some();
        *at = value;
        (replaced, present)
    }
    match values {
        ScoreValues::Numeric(v) => {
            put(&mut v[turn], if let Slot::Number(x) = slot { Some(*x) } else { None })
        }
        ScoreValues::Categorical(v) => {
            put(&mut v[turn], if let Slot::Category(c) = slot { Some(c.clone()) } else { None })
        }
        ScoreValues::Text(v) => {
            let at = match slot {
                Slot::Text { start, len } => Some(TextAt::Span { file: text_file, start: *start, len: *len }),
                Slot::Held(text) => Some(TextAt::Held(text.clone())),
                _ => None,
            };
            put(&mut v[turn], at)
        }
    }
}

fn kind_text(kind: ScoreKind) -> &'static str {
    match kind {
        ScoreKind::Numeric => "a number",
        ScoreKind::Categorical => "categorical",
        ScoreKind::Text => "a text",
    }
}
