//! The index entry kept for every rollout: enough to list, sort, filter, chart and compute
//! statistics without holding the messages. Memory follows the index, not the file.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::Arc;

use super::hatch::Hatch;
use super::rollout::{Role, Rollout};
use super::score::{MAX_CATEGORIES, ScoreValues, StringKinds, TextAt};
use super::string_score::{StringAt, StringValue, UnclassifiedScore, may_be_category};

mod builder;
pub use builder::SummaryBuilder;

/// Where a rollout's full text lives, so it can be decoded again when it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// Bytes `start..start + len` of the source file: one JSONL line.
    Span { start: u64, len: u32 },
    /// Position in the source's list of rollouts decoded at load time (small whole-file formats).
    Decoded(u32),
    /// Sample entry of an archive (an Inspect `.eval`), by its place in sample order, or a row
    /// of a Parquet file: inflated or decoded again when shown.
    Entry(u32),
}

/// Per-turn values of one score name.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnScores {
    pub name: Arc<str>,
    pub values: ScoreValues,
}

impl TurnScores {
    /// A numeric score.
    pub fn numeric(name: Arc<str>, values: impl Into<Box<[Option<f64>]>>) -> TurnScores {
        TurnScores { name, values: ScoreValues::Numeric(values.into()) }
    }
}

/// A rollout's index entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutSummary {
    pub id: Arc<str>,
    /// Index into the study's sources.
    pub source: u32,
    pub locator: Locator,
    /// Scalar metadata fields, sorted by name (nested values are left to the reader).
    pub metadata: Vec<(Arc<str>, MetaValue)>,
    pub n_messages: u32,
    pub n_turns: u32,
    pub scores: Vec<TurnScores>,
    /// 1-based turn of the first assistant message matching the hatch pattern.
    pub self_deleted_at: Option<u32>,
    /// Rollout-level scores, such as an Inspect sample's scores.
    pub rollout_scores: Vec<(Arc<str>, Option<f64>)>,
    /// String values under the messages' `scores`, while the study loads: once every rollout
    /// is read, the study tells each name categorical or text and moves it into `scores`.
    pub unclassified: Vec<UnclassifiedScore>,
    /// `response_hash` of each assistant turn's text, made while loading only when a score
    /// file's rows repeat the turns' texts (to check its join); empty otherwise, and emptied
    /// once checked.
    pub response_hashes: Box<[u64]>,
    /// 1-based number of the first message without a role (shown as `?`, never a turn), for
    /// the loader to report where it is.
    pub roleless: Option<NonZeroU32>,
}

impl RolloutSummary {
    /// Per-turn values of a numeric score (empty when the rollout has none under that name, or
    /// when it is not numeric).
    pub fn turn_scores(&self, name: &str) -> &[Option<f64>] {
        self.score_values(name).map_or(&[], ScoreValues::numeric)
    }

    /// Per-turn values of a score name, of any kind.
    pub fn score_values(&self, name: &str) -> Option<&ScoreValues> {
        self.scores.iter().find(|s| &*s.name == name).map(|s| &s.values)
    }

    /// Per-turn categories of a categorical score (empty otherwise).
    pub fn categories(&self, name: &str) -> &[Option<Arc<str>>] {
        self.score_values(name).map_or(&[], ScoreValues::categories)
    }

    /// The category of a 1-based turn.
    pub fn category_at(&self, name: &str, turn: usize) -> Option<&Arc<str>> {
        turn.checked_sub(1).and_then(|i| self.categories(name).get(i)).and_then(Option::as_ref)
    }

    /// Where the per-turn texts of a text score are (empty otherwise).
    pub fn texts(&self, name: &str) -> &[Option<TextAt>] {
        self.score_values(name).map_or(&[], ScoreValues::texts)
    }

    /// The score of a 1-based turn.
    pub fn score_at(&self, name: &str, turn: usize) -> Option<f64> {
        turn.checked_sub(1).and_then(|i| self.turn_scores(name).get(i).copied().flatten())
    }

    /// A scalar metadata value by field name.
    pub fn meta(&self, field: &str) -> Option<&MetaValue> {
        self.metadata.iter().find(|(k, _)| &**k == field).map(|(_, v)| v)
    }

    /// A metadata value as text ("" when absent).
    pub fn meta_text(&self, field: &str) -> std::borrow::Cow<'_, str> {
        self.meta(field).map_or(std::borrow::Cow::Borrowed(""), MetaValue::text)
    }

    /// The largest score over the turns, ignoring missing ones.
    pub fn max_score(&self, name: &str) -> Option<f64> {
        self.turn_scores(name)
            .iter()
            .flatten()
            .copied()
            .fold(None, |acc, x| Some(acc.map_or(x, |a: f64| a.max(x))))
    }

    /// The mean over scored turns (the study's per-conversation AUC).
    pub fn mean_score(&self, name: &str) -> Option<f64> {
        let scored: Vec<f64> = self.turn_scores(name).iter().flatten().copied().collect();
        if scored.is_empty() {
            return None;
        }
        Some(scored.iter().sum::<f64>() / scored.len() as f64)
    }

    /// The first 1-based turn whose score is at or above `threshold`.
    pub fn first_at_or_above(&self, name: &str, threshold: f64) -> Option<usize> {
        self.turn_scores(name).iter().position(|v| v.is_some_and(|x| x >= threshold)).map(|i| i + 1)
    }

    /// Builds the index entry of a fully decoded chat record, as the fast indexer would: its
    /// judge strings (under a message's `scores`) are left `unclassified`, for the study to
    /// tell categorical or text over every rollout.
    pub fn from_rollout(
        rollout: &Rollout,
        hatch: &Hatch,
        source: u32,
        locator: Locator,
        strings: &mut Interner,
    ) -> RolloutSummary {
        RolloutSummary::build(rollout, None, hatch, source, locator, strings)
    }

    /// Builds the index entry of a rollout decoded with the rest of its file (Inspect, an
    /// MT-Bench folder), `kinds` saying which of its judge strings are categories and which
    /// are texts (held in memory, as the rollout is).
    pub fn from_decoded(
        rollout: &Rollout,
        kinds: &StringKinds,
        hatch: &Hatch,
        source: u32,
        locator: Locator,
        strings: &mut Interner,
    ) -> RolloutSummary {
        RolloutSummary::build(rollout, Some(kinds), hatch, source, locator, strings)
    }

    fn build(
        rollout: &Rollout,
        kinds: Option<&StringKinds>,
        hatch: &Hatch,
        source: u32,
        locator: Locator,
        strings: &mut Interner,
    ) -> RolloutSummary {
        let mut builder = SummaryBuilder::default();
        for message in &rollout.messages {
            builder.push_message(message.role, &message.text, &message.scores, hatch, strings);
            if message.role == Role::Assistant {
                match kinds {
                    Some(kinds) => builder.push_strings(&message.judge_strings, kinds, strings),
                    // Left for the study to tell apart, as the fast indexer leaves them.
                    None => {
                        for (name, text) in &message.judge_strings {
                            let short =
                                if may_be_category(text) { strings.category(name, text) } else { None };
                            let at = StringAt::Held(text.clone());
                            builder.push_string(name, StringValue { short, at }, strings);
                        }
                    }
                }
            }
            if message.role_name == NO_ROLE {
                builder.mark_roleless();
            }
        }
        let metadata = rollout
            .metadata
            .iter()
            .filter_map(|(k, v)| Some((strings.get(k), MetaValue::from_json(v, strings)?)))
            .collect();
        let rollout_scores = rollout.rollout_scores.iter().map(|(n, v)| (strings.get(n), *v)).collect();
        builder.finish(strings.get(&rollout.id), source, locator, metadata, rollout_scores)
    }
}

/// A scalar metadata value, typed so JSON output keeps numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    Text(Arc<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

impl MetaValue {
    /// The scalar value of a JSON value; `None` for arrays and objects.
    pub fn from_json(value: &serde_json::Value, strings: &mut Interner) -> Option<MetaValue> {
        use serde_json::Value;
        Some(match value {
            Value::String(s) => MetaValue::Text(strings.get(s)),
            Value::Number(n) => match n.as_i64() {
                Some(i) => MetaValue::Int(i),
                None => MetaValue::Float(n.as_f64()?),
            },
            Value::Bool(b) => MetaValue::Bool(*b),
            Value::Null => MetaValue::Null,
            Value::Array(_) | Value::Object(_) => return None,
        })
    }

    /// Display text, also the grouping key of `stats --by`.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            MetaValue::Text(s) => Cow::Borrowed(s),
            MetaValue::Int(i) => Cow::Owned(i.to_string()),
            MetaValue::Float(f) => {
                Cow::Owned(serde_json::Number::from_f64(*f).map_or_else(|| f.to_string(), |n| n.to_string()))
            }
            MetaValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            MetaValue::Null => Cow::Borrowed("null"),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            MetaValue::Text(s) => Value::String(s.to_string()),
            MetaValue::Int(i) => Value::from(*i),
            MetaValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            MetaValue::Bool(b) => Value::Bool(*b),
            MetaValue::Null => Value::Null,
        }
    }
}

/// The same JSON as `to_json`, written straight out.
impl serde::Serialize for MetaValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            MetaValue::Text(s) => serializer.serialize_str(s),
            MetaValue::Int(i) => serializer.serialize_i64(*i),
            MetaValue::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
            MetaValue::Bool(b) => serializer.serialize_bool(*b),
            MetaValue::Float(_) | MetaValue::Null => serializer.serialize_unit(),
        }
    }
}

/// The role name a decoder gives a message that has none.
pub const NO_ROLE: &str = "?";

/// Shares one allocation among repeated strings (metadata keys and values, score names).
#[derive(Default)]
pub struct Interner {
    seen: foldhash::HashSet<Arc<str>>,
    /// Per string-score name, the first distinct values met: one more than a categorical
    /// score may have, so a name with more is known to be a text without holding its values.
    categories: HashMap<Arc<str>, HashSet<Arc<str>>>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(found) = self.seen.get(s) {
            return found.clone();
        }
        let shared: Arc<str> = Arc::from(s);
        // Long strings are seldom repeated (ids are not interned at all: `chat_index`).
        if s.len() <= 64 {
            self.seen.insert(shared.clone());
        }
        shared
    }

    /// A string score's value as a candidate category: shared among equal values, `None` once
    /// this name has had more distinct values than a categorical score may have (it is a text).
    /// The answer depends only on the values asked before, so two readers of the same records
    /// with the same interner agree.
    pub fn category(&mut self, name: &str, value: &str) -> Option<Arc<str>> {
        let seen = match self.categories.get_mut(name) {
            Some(seen) => seen,
            None => self.categories.entry(Arc::from(name)).or_default(),
        };
        if let Some(found) = seen.get(value) {
            return Some(found.clone());
        }
        if seen.len() > MAX_CATEGORIES {
            return None;
        }
        let shared: Arc<str> = Arc::from(value);
        seen.insert(shared.clone());
        Some(shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rollout::Message;

    fn scored(role: Role, text: &str, score: Option<f64>) -> Message {
        let mut m = Message::new(role, text);
        if role == Role::Assistant {
            m.scores = vec![("frustration".into(), score)];
        }
        m
    }

    #[test]
    fn summary_counts_turns_scores_and_first_hatch() {
        let rollout = Rollout {
            id: "x".into(),
            messages: vec![
                scored(Role::User, "q", None),
                scored(Role::Assistant, "fine", Some(1.0)),
                scored(Role::User, "no", None),
                scored(Role::Assistant, "bye <<rm -rf me>>", None),
                scored(Role::User, "no", None),
                scored(Role::Assistant, "again <<rm -rf me>>", Some(9.0)),
            ],
            ..Rollout::default()
        };
        let s = RolloutSummary::from_rollout(
            &rollout,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        );
        assert_eq!(s.n_turns, 3);
        assert_eq!(s.n_messages, 6);
        assert_eq!(s.turn_scores("frustration"), &[Some(1.0), None, Some(9.0)]);
        assert_eq!(s.self_deleted_at, Some(2));
        assert_eq!(s.max_score("frustration"), Some(9.0));
        assert_eq!(s.mean_score("frustration"), Some(5.0));
        assert_eq!(s.first_at_or_above("frustration", 5.0), Some(3));
        assert_eq!(s.score_at("frustration", 2), None);
        assert_eq!(s.turn_scores("other"), &[] as &[Option<f64>]);
    }
}
