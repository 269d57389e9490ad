//! Names and words shared by several readers: the fields a per-turn judge-score row uses, and
//! how a JSON value's kind is named in messages. Kept apart so the chat decoder and the score
//! file reader can both use them without depending on each other.

use serde_json::Value;

/// Field names tried, in order, for the 0-based assistant-turn index.
pub const TURN_FIELDS: [&str; 5] = ["turn", "turn_index", "turn_idx", "assistant_turn", "step"];
/// Field names tried, in order, for the value (after the score's own name).
pub const VALUE_FIELDS: [&str; 4] = ["score", "value", "rating", "judge_score"];

/// Whether a `--categorical`/`--text`/`--keep`/`--drop` FIELD names this score: the score
/// itself (`frustration.tag`, native `tag`) or the field it was read from (`tag`).
pub fn names_field(score: &str, field: &str) -> bool {
    score == field || score.strip_suffix(field).is_some_and(|prefix| prefix.ends_with('.'))
}

/// "an array", "a string", ... for error messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The id a rollout without one stands in with: `<file>:<n>` (`n` is the line in JSONL, the
/// element's index in a JSON array, the row in Parquet), or `<file>` for a file holding one
/// rollout.
pub fn stand_in_id(file_name: &str, n: Option<u64>) -> String {
    match n {
        Some(n) => format!("{file_name}:{n}"),
        None => file_name.to_string(),
    }
}
