//! Per-turn judge values in an Inspect sample. Inspect has no per-message score field, so
//! scorers put them in one of two places:
//!
//! - an assistant message's `metadata`, at any depth: `{"frustration": 3}`, `{"judge":
//!   {"frustration": 3, "explanation": "..."}}`, `{"scores": {"frustration": {"value": 3,
//!   "quote": "..."}}}`;
//! - a sample-level score's `metadata`, as an array with one entry per assistant turn
//!   (`per_turn`, `turn_scores`, or the field `--turn-array` names): numbers, strings, or
//!   objects read like message metadata.
//!
//! Names: a number is a score named by its key, whatever object holds it (`judge.frustration`
//! is `frustration`). An object with a `value` (or `score`) field is one score named by its key
//! (by the scorer, in a per-turn array), its other fields `<name>.<field>`. A string beside
//! exactly one number belongs to it (`frustration.explanation`); beside several, or in a
//! Score-like object's `value`, it is a score of its own name. Strings in an object without a
//! number are not judge output (a message's own metadata) and are left alone; so are arrays
//! and booleans. The first value found for a name wins (shallower objects first).

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::formats::fields::TURN_FIELDS;
use crate::model::{JudgeStrings, Scores};

/// Score-metadata fields read as per-turn arrays, besides the one `--turn-array` names.
pub const TURN_ARRAYS: [&str; 2] = ["per_turn", "turn_scores"];
/// Fields holding the value of a Score-like object.
const VALUE_KEYS: [&str; 2] = ["value", "score"];

/// What a judge gave one assistant turn.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TurnValues {
    pub numbers: Scores,
    pub strings: JudgeStrings,
}

impl TurnValues {
    /// The judge values in an assistant message's `metadata`.
    pub fn from_metadata(metadata: Option<&Value>) -> TurnValues {
        let mut values = TurnValues::default();
        if let Some(Value::Object(fields)) = metadata {
            values.read_tree(fields, None, false);
        }
        values
    }

    /// Adds the values of another source for this turn, keeping the names already here.
    pub fn merge(&mut self, other: TurnValues) {
        for (name, value) in other.numbers {
            self.number(&name, value);
        }
        for (name, value) in other.strings {
            self.string(&name, value);
        }
    }

    fn has(&self, name: &str) -> bool {
        self.numbers.iter().any(|(n, _)| n == name) || self.strings.iter().any(|(n, _)| n == name)
    }

    /// Adds a number unless the name has a value; whether it was added.
    fn number(&mut self, name: &str, value: Option<f64>) -> bool {
        let fresh = !self.has(name);
        if fresh {
            self.numbers.push((name.to_string(), value));
        }
        fresh
    }

    fn string(&mut self, name: &str, value: impl Into<Arc<str>>) {
        if !self.has(name) {
            self.strings.push((name.to_string(), value.into()));
        }
    }

    /// Reads an object and every object inside it, breadth first (no recursion: metadata is
    /// written by the scorer and may nest deeply). `name`: the root's own name, which makes a
    /// root with a `value` one score; `skip_turn`: leave out the root's turn-number fields.
    fn read_tree(&mut self, root: &Map<String, Value>, name: Option<&str>, skip_turn: bool) {
        let mut queue: VecDeque<(&Map<String, Value>, Option<&str>)> = VecDeque::from([(root, name)]);
        let mut is_root = true;
        while let Some((object, name)) = queue.pop_front() {
            let skip: &[&str] = if is_root && skip_turn { &TURN_FIELDS } else { &[] };
            is_root = false;
            match name.and_then(|n| score_like(object).map(|key| (n, key))) {
                Some((name, key)) => self.read_score(object, name, key),
                None => self.read_fields(object, skip),
            }
            for (key, value) in object {
                if let Value::Object(inner) = value {
                    queue.push_back((inner, Some(key.as_str())));
                }
            }
        }
    }

    /// A Score-like object: its value is `name`, its other scalar fields `name.field`.
    fn read_score(&mut self, object: &Map<String, Value>, name: &str, value_key: &str) {
        match &object[value_key] {
            Value::Number(n) => _ = self.number(name, n.as_f64()),
            Value::Bool(b) => _ = self.number(name, Some(f64::from(u8::from(*b)))),
            Value::String(s) => self.string(name, s.as_str()),
            _ => {}
        }
        for (key, value) in object.iter().filter(|(key, _)| *key != value_key) {
            match value {
                Value::Number(n) => _ = self.number(&format!("{name}.{key}"), n.as_f64()),
                Value::String(s) => self.string(&format!("{name}.{key}"), s.as_str()),
                _ => {}
            }
        }
    }

    /// Numbers by their keys; strings beside them, named after the one number or their own.
    /// A string beside one number whose name was taken elsewhere is not its judge's.
    fn read_fields(&mut self, object: &Map<String, Value>, skip: &[&str]) {
        let fields = || object.iter().filter(|(key, _)| !skip.contains(&key.as_str()));
        let mut numbers = Vec::new();
        for (key, value) in fields() {
            if let Value::Number(n) = value {
                numbers.push((key, self.number(key, n.as_f64())));
            }
        }
        for (key, value) in fields() {
            let Value::String(s) = value else { continue };
            match numbers.as_slice() {
                [] | [(_, false)] => {}
                [(only, true)] => self.string(&format!("{only}.{key}"), s.as_str()),
                _ => self.string(key, s.as_str()),
            }
        }
    }
}

/// The value field of a Score-like object: `value` or `score` holding a scalar (`null` is a
/// missing value, a `NaN` in the file, whose explanation is still read).
fn score_like(object: &Map<String, Value>) -> Option<&'static str> {
    VALUE_KEYS.into_iter().find(|key| object.get(*key).is_some_and(|v| !v.is_array() && !v.is_object()))
}

/// Per-turn arrays in a sample's `scores` (`{"judge": {"value": ..., "metadata": {"per_turn":
/// [...]}}}`), read for a sample with `turns` assistant turns. Ok: one `TurnValues` per turn
/// (empty when there is no such array); each array of another length is a warning and is not
/// read.
pub fn per_turn_arrays(
    scores: Option<&Value>,
    extra: Option<&str>,
    turns: usize,
) -> (Vec<TurnValues>, Vec<String>) {
    let mut per_turn = vec![TurnValues::default(); turns];
    let mut warnings = Vec::new();
    let Some(Value::Object(scorers)) = scores else {
        return (per_turn, warnings);
    };
    let fields: Vec<&str> = TURN_ARRAYS.into_iter().chain(extra).collect();
    for (scorer, score) in scorers {
        let Some(Value::Object(metadata)) = score.get("metadata") else { continue };
        for field in &fields {
            let Some(Value::Array(items)) = metadata.get(*field) else { continue };
            if items.len() != turns {
                warnings.push(format!(
                    "scores.{scorer}.metadata.{field} has {} values but the sample has {turns} assistant \
                     turns; not read",
                    items.len()
                ));
                continue;
            }
            for (values, item) in per_turn.iter_mut().zip(items) {
                match item {
                    Value::Number(n) => _ = values.number(scorer, n.as_f64()),
                    Value::String(s) => values.string(scorer, s.as_str()),
                    Value::Object(object) => values.read_tree(object, Some(scorer), true),
                    _ => {}
                }
            }
        }
    }
    (per_turn, warnings)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(metadata: Value) -> (Scores, Vec<(String, String)>) {
        let values = TurnValues::from_metadata(Some(&metadata));
        (values.numbers, values.strings.into_iter().map(|(n, s)| (n, s.to_string())).collect())
    }

    fn named<const N: usize>(pairs: [(&str, &str); N]) -> Vec<(String, String)> {
        pairs.into_iter().map(|(n, s)| (n.to_string(), s.to_string())).collect()
    }

    #[test]
    fn numbers_at_any_depth_with_their_texts() {
        let (numbers, strings) =
            read(json!({"judge": {"frustration": 3, "explanation": "calm", "quote": "ok"}}));
        assert_eq!(numbers, [("frustration".to_string(), Some(3.0))]);
        assert_eq!(strings, named([("frustration.explanation", "calm"), ("frustration.quote", "ok")]));
        let (numbers, strings) = read(json!({"scores": {"frustration": {"value": 7, "explanation": "x",
            "answer": "y", "confidence": 0.5}, "tag": {"value": "despair"}}}));
        assert_eq!(
            numbers,
            [("frustration".to_string(), Some(7.0)), ("frustration.confidence".to_string(), Some(0.5))]
        );
        assert_eq!(
            strings,
            named([("frustration.answer", "y"), ("frustration.explanation", "x"), ("tag", "despair")])
        );
    }

    #[test]
    fn strings_without_a_number_are_not_judge_output_and_shallow_names_win() {
        let (numbers, strings) = read(json!({"a": {"b": {"c": {"d": 1, "e": "not d's"}}},
            "x": {"d": 2}, "f": 1, "g": 2, "h": "beside two", "meta": {"source": "generate"}}));
        let expect =
            [("f".to_string(), Some(1.0)), ("g".to_string(), Some(2.0)), ("d".to_string(), Some(2.0))];
        assert_eq!(numbers, expect);
        assert_eq!(strings, named([("h", "beside two")]));
        let failed = read(json!({"scores": {"frustration": {"value": null, "explanation": "judge failed"}}}));
        assert_eq!(failed, (vec![], named([("frustration.explanation", "judge failed")])));
        assert_eq!(
            read(json!({"value": 3, "note": "root"})),
            (vec![("value".to_string(), Some(3.0))], named([("value.note", "root")]))
        );
        assert_eq!(read(json!([1, 2])), (vec![], vec![]));
    }

    #[test]
    fn per_turn_arrays_of_the_right_length_only() {
        let scores = json!({
            "judge": {"value": 4, "metadata": {"per_turn": [3, null, "n/a"]}},
            "rubric": {"value": 1, "metadata": {"turn_scores": [
                {"turn": 1, "frustration": 2, "explanation": "fine"}, {"score": 5, "why": "?"}, 7]}},
            "short": {"value": 0, "metadata": {"per_turn": [1, 2], "mine": [1, 2, 3]}}});
        let (turns, warnings) = per_turn_arrays(Some(&scores), Some("mine"), 3);
        assert_eq!(
            warnings,
            ["scores.short.metadata.per_turn has 2 values but the sample has 3 assistant turns; not read"]
        );
        let numbers: Vec<&Scores> = turns.iter().map(|t| &t.numbers).collect();
        assert_eq!(
            numbers[0],
            &[("judge".into(), Some(3.0)), ("frustration".into(), Some(2.0)), ("short".into(), Some(1.0))]
        );
        assert_eq!(numbers[1], &[("rubric".into(), Some(5.0)), ("short".into(), Some(2.0))], "null: missing");
        assert_eq!(numbers[2], &[("rubric".into(), Some(7.0)), ("short".into(), Some(3.0))]);
        assert_eq!(turns[0].strings, [("frustration.explanation".to_string(), Arc::from("fine"))]);
        assert_eq!(turns[1].strings, [("rubric.why".to_string(), Arc::from("?"))]);
        assert_eq!(turns[2].strings, [("judge".to_string(), Arc::from("n/a"))]);
        assert_eq!(per_turn_arrays(None, None, 2).0, vec![TurnValues::default(); 2]);
    }
}
