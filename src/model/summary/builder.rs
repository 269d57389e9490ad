//! Building a rollout's index entry one message at a time: shared by the fast chat indexer
//! and `RolloutSummary::from_rollout` / `from_decoded`, so every path agrees on turns, scores,
//! judge strings and the self-deletion turn.

use std::num::NonZeroU32;
use std::sync::Arc;

use super::{Interner, Locator, MetaValue, RolloutSummary, TurnScores};
use crate::model::hatch::Hatch;
use crate::model::rollout::Role;
use crate::model::score::{ScoreKind, ScoreValues, StringKinds, TextAt};
use crate::model::string_score::{StringValue, UnclassifiedScore};

/// One judge string per turn, `None` where missing.
type StringColumn = Vec<Option<Arc<str>>>;

/// Accumulates messages into a summary; shared by the fast indexer and `from_rollout` so both
/// paths agree on turns, scores and the self-deletion turn.
#[derive(Default)]
pub struct SummaryBuilder {
    n_messages: u32,
    n_turns: u32,
    scores: Vec<(Arc<str>, Vec<Option<f64>>)>,
    string_scores: Vec<(Arc<str>, Vec<Option<StringValue>>)>,
    response_hashes: Vec<u64>,
    /// Categories and texts by name, per turn.
    judge_strings: Vec<(Arc<str>, ScoreKind, StringColumn)>,
    self_deleted_at: Option<u32>,
    roleless: Option<NonZeroU32>,
}

impl SummaryBuilder {
    /// Adds one message; `text` is only read for assistant messages.
    pub fn push_message(
        &mut self,
        role: Role,
        text: &str,
        scores: &[(impl AsRef<str>, Option<f64>)],
        hatch: &Hatch,
        strings: &mut Interner,
    ) {
        self.n_messages += 1;
        if role != Role::Assistant {
            return;
        }
        self.n_turns += 1;
        let turn_index = (self.n_turns - 1) as usize;
        if self.self_deleted_at.is_none() && hatch.is_match(text) {
            self.self_deleted_at = Some(self.n_turns);
        }
        for (name, value) in scores {
            let name = name.as_ref();
            let slot = match self.scores.iter().position(|(n, _)| &**n == name) {
                Some(i) => i,
                None => {
                    self.scores.push((strings.get(name), Vec::new()));
                    self.scores.len() - 1
                }
            };
            let values = &mut self.scores[slot].1;
            values.resize(turn_index + 1, None);
            values[turn_index] = *value;
        }
    }

    /// Adds a string value under `scores` to the last assistant turn (categorical or text: the
    /// study tells which once it is loaded). A repeated name keeps its last value.
    pub fn push_string(&mut self, name: &str, value: StringValue, strings: &mut Interner) {
        let Some(turn_index) = (self.n_turns as usize).checked_sub(1) else { return };
        let slot = match self.string_scores.iter().position(|(n, _)| &**n == name) {
            Some(i) => i,
            None => {
                self.string_scores.push((strings.get(name), Vec::new()));
                self.string_scores.len() - 1
            }
        };
        let values = &mut self.string_scores[slot].1;
        values.resize(turn_index + 1, None);
        values[turn_index] = Some(value);
    }

    /// Adds the `response_hash` of the last assistant turn's text.
    pub fn push_response_hash(&mut self, hash: u64) {
        self.response_hashes.push(hash);
    }

    /// Adds the string values a judge gave the assistant turn pushed last, each a category or
    /// a text as `kinds` says (a name `kinds` calls numeric is left out).
    pub fn push_strings(
        &mut self,
        values: &[(String, Arc<str>)],
        kinds: &StringKinds,
        strings: &mut Interner,
    ) {
        let Some(turn_index) = self.n_turns.checked_sub(1).map(|t| t as usize) else {
            return;
        };
        for (name, value) in values {
            let Some(kind) = kinds.kind(name).filter(|k| *k != ScoreKind::Numeric) else { continue };
            let slot = match self.judge_strings.iter().position(|(n, _, _)| **n == **name) {
                Some(i) => i,
                None => {
                    self.judge_strings.push((strings.get(name), kind, Vec::new()));
                    self.judge_strings.len() - 1
                }
            };
            let values = &mut self.judge_strings[slot].2;
            values.resize(turn_index + 1, None);
            values[turn_index] = Some(value.clone());
        }
    }

    /// Notes that the message just pushed has no role (the first such one is kept).
    pub fn mark_roleless(&mut self) {
        if self.roleless.is_none() {
            self.roleless = NonZeroU32::new(self.n_messages);
        }
    }

    pub fn finish(
        self,
        id: Arc<str>,
        source: u32,
        locator: Locator,
        metadata: Vec<(Arc<str>, MetaValue)>,
        rollout_scores: Vec<(Arc<str>, Option<f64>)>,
    ) -> RolloutSummary {
        let n_turns = self.n_turns as usize;
        let mut scores: Vec<TurnScores> = self
            .scores
            .into_iter()
            .map(|(name, mut values)| {
                values.resize(n_turns, None);
                TurnScores::numeric(name, exact(values))
            })
            .collect();
        let unclassified = self
            .string_scores
            .into_iter()
            .map(|(name, mut values)| {
                values.resize(n_turns, None);
                UnclassifiedScore { name, values: exact(values).into() }
            })
            .collect();
        for (name, kind, mut values) in self.judge_strings {
            values.resize(n_turns, None);
            let values = match kind {
                ScoreKind::Categorical => ScoreValues::Categorical(exact(values).into()),
                // Texts are held: the rollout they came from is held in memory already.
                _ => ScoreValues::Text(values.into_iter().map(|v| v.map(TextAt::Held)).collect()),
            };
            scores.push(TurnScores { name, values });
        }
        RolloutSummary {
            id,
            source,
            locator,
            metadata: exact(metadata),
            n_messages: self.n_messages,
            n_turns: self.n_turns,
            scores: exact(scores),
            self_deleted_at: self.self_deleted_at,
            rollout_scores: exact(rollout_scores),
            unclassified,
            response_hashes: exact(self.response_hashes).into(),
            roleless: self.roleless,
        }
    }
}

/// `list` in an allocation of its own length. Lists built by pushing keep spare room, and
/// shrinking them in place is not enough: mimalloc keeps a block that shrinks by less than half
/// where it is, so 20 turns' scores kept the 32 turns' block they grew into. Moved, not cloned.
fn exact<T>(mut list: Vec<T>) -> Vec<T> {
    if list.len() == list.capacity() {
        return list;
    }
    let mut exact = Vec::with_capacity(list.len());
    exact.append(&mut list);
    exact
}
