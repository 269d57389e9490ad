//! Inspect value conventions: `Score.value` as numbers, and `attachment://<hash>` references
//! into a sample's `attachments` map. Per-turn judge values are read in `turn_values`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::model::Scores;

/// The prefix Inspect writes in place of a large string it stored once in `attachments`.
pub const ATTACHMENT_PREFIX: &str = "attachment://";

/// A sample's `scores` map (`{"scorer": {"value": ...}}`) as named numbers. A letter grade
/// counts as C=1, P=0.5, I=0 (other strings are skipped), a boolean as 1/0, `NaN`/`null` as a
/// missing score, and a dict-valued score as one entry per key named `<scorer>.<key>`.
pub fn sample_scores(scores: Option<&Value>) -> Scores {
    let Some(Value::Object(scorers)) = scores else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (scorer, score) in scorers {
        // A `Score` object holds its value under "value"; tolerate a bare value too.
        let value = match score {
            Value::Object(fields) if fields.contains_key("value") => &fields["value"],
            other => other,
        };
        match value {
            Value::Object(parts) => {
                for (key, part) in parts {
                    if let Some(number) = score_number(part) {
                        out.push((format!("{scorer}.{key}"), number));
                    }
                }
            }
            other => {
                if let Some(number) = score_number(other) {
                    out.push((scorer.clone(), number));
                }
            }
        }
    }
    out
}

/// One scalar score value: `Some(None)` is a missing score (`null`, i.e. `NaN` in the file),
/// `None` a value that is not a score (a list, an unknown string).
fn score_number(value: &Value) -> Option<Option<f64>> {
    match value {
        Value::Null => Some(None),
        Value::Number(n) => Some(n.as_f64()),
        Value::Bool(b) => Some(Some(if *b { 1.0 } else { 0.0 })),
        Value::String(s) => match s.as_str() {
            "C" => Some(Some(1.0)),
            "P" => Some(Some(0.5)),
            "I" => Some(Some(0.0)),
            _ => None,
        },
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// Replaces each `attachment://<hash>` in `text` with the attachment's content; a reference
/// whose hash is not in `attachments` stays as written.
pub fn resolve_text<'a>(text: &'a str, attachments: &Map<String, Value>) -> Cow<'a, str> {
    if attachments.is_empty() || !text.contains(ATTACHMENT_PREFIX) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(ATTACHMENT_PREFIX) {
        let after = &rest[start + ATTACHMENT_PREFIX.len()..];
        let hash_len = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
        let hash = &after[..hash_len];
        out.push_str(&rest[..start]);
        match attachments.get(hash).and_then(Value::as_str) {
            Some(content) if !hash.is_empty() => out.push_str(content),
            _ => out.push_str(&rest[start..start + ATTACHMENT_PREFIX.len() + hash_len]),
        }
        rest = &after[hash_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `resolve_text` for an owned string, without copying it when there is nothing to resolve.
pub fn resolve_owned(text: String, attachments: &Map<String, Value>) -> String {
    if attachments.is_empty() || !text.contains(ATTACHMENT_PREFIX) {
        return text;
    }
    resolve_text(&text, attachments).into_owned()
}

/// Resolves attachment references in every string of `value` (keys excluded). Walks with an
/// explicit stack, so a deeply nested value cannot overflow the call stack.
pub fn resolve_value(value: &mut Value, attachments: &Map<String, Value>) {
    if attachments.is_empty() {
        return;
    }
    let mut stack: Vec<&mut Value> = vec![value];
    while let Some(item) = stack.pop() {
        match item {
            Value::String(s) => {
                if let Cow::Owned(resolved) = resolve_text(s, attachments) {
                    *s = resolved;
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(fields) => stack.extend(fields.values_mut()),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attachments() -> Map<String, Value> {
        let v = json!({"abc123": "LONG TEXT", "dead": "D"});
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn letter_dict_bool_and_nan_scores() {
        let scores = json!({
            "match": {"value": "C"}, "partial": {"value": "P"}, "wrong": {"value": "I"},
            "other": {"value": "maybe"}, "unscored": {"value": null}, "num": {"value": 0.25},
            "flag": {"value": true}, "list": {"value": [1, 2]},
            "judge": {"value": {"helpful": 4, "harm": null, "grade": "C", "note": "x"}}});
        let mut got = sample_scores(Some(&scores));
        got.sort_by(|a, b| a.0.cmp(&b.0));
        let expect: Scores = vec![
            ("flag".into(), Some(1.0)),
            ("judge.grade".into(), Some(1.0)),
            ("judge.harm".into(), None),
            ("judge.helpful".into(), Some(4.0)),
            ("match".into(), Some(1.0)),
            ("num".into(), Some(0.25)),
            ("partial".into(), Some(0.5)),
            ("unscored".into(), None),
            ("wrong".into(), Some(0.0)),
        ];
        assert_eq!(got, expect);
        assert!(sample_scores(Some(&json!([1]))).is_empty());
        assert!(sample_scores(None).is_empty());
    }

    #[test]
    fn attachments_resolve_inside_text_and_unknown_ones_stay() {
        let a = attachments();
        assert_eq!(resolve_text("attachment://abc123", &a), "LONG TEXT");
        assert_eq!(
            resolve_text("see attachment://dead, and attachment://beef.", &a),
            "see D, and attachment://beef."
        );
        assert_eq!(resolve_text("attachment://", &a), "attachment://");
        assert!(matches!(resolve_text("plain", &a), Cow::Borrowed(_)));
        let mut v = json!({"q": ["attachment://abc123", {"attachment://dead": 1}]});
        resolve_value(&mut v, &a);
        assert_eq!(v, json!({"q": ["LONG TEXT", {"attachment://dead": 1}]}));
    }

    #[test]
    fn deep_values_resolve_without_recursion() {
        let mut v = Value::String("attachment://dead".into());
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        resolve_value(&mut v, &attachments());
        // Unwrap level by level before asserting: dropping a 100k-deep value would recurse.
        let mut depth = 0;
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
            depth += 1;
        }
        assert_eq!(depth, 100_000);
        assert_eq!(v, "D");
    }
}
