//! The chat shape shared by the native format, OpenAI message logs and ShareGPT: an object with
//! a list of role-tagged messages. One lenient decoder covers them all, so every file that
//! holds "a list of messages" opens without conversion.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::fields::{TURN_FIELDS, VALUE_FIELDS, kind_of};
use super::record::ShapeError;
use crate::model::{JudgeStrings, Message, NO_ROLE, Role, Rollout, Scores, ToolCall};

/// Keys that may hold the message list, in order of preference.
pub const MESSAGE_KEYS: [&str; 4] = ["messages", "conversations", "conversation", "traj"];
/// Keys naming a message's role.
pub const ROLE_KEYS: [&str; 2] = ["role", "from"];
/// Keys holding a message's content.
pub const CONTENT_KEYS: [&str; 2] = ["content", "value"];
/// Top-level keys that are not metadata (besides an object under `metadata`).
const RESERVED_KEYS: [&str; 2] = ["id", "scores"];

/// Decodes one chat-shaped object. `fallback_id` stands in when the object has no `id`. The
/// value is taken, not borrowed, so message text moves into the rollout instead of being
/// copied: a message can be a gigabyte.
pub fn decode_chat(value: Value, fallback_id: &str) -> Result<Rollout, ShapeError> {
    let mut object = match value {
        Value::Object(object) => object,
        other => return Err(ShapeError::NotARollout { found: kind_of(&other) }),
    };
    let Some(list) = MESSAGE_KEYS.iter().find_map(|key| object.remove(*key)) else {
        return Err(missing_messages(object.keys().map(String::as_str)));
    };
    let list = match list {
        Value::Array(list) => list,
        other => return Err(ShapeError::MessageListNotAnArray { found: kind_of(&other) }),
    };
    let mut messages = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        match item {
            Value::Object(fields) => messages.push(decode_message(fields)),
            other => return Err(ShapeError::MessageNotAnObject { index: i, found: kind_of(&other) }),
        }
    }
    Ok(Rollout {
        id: id_text(object.get("id")).unwrap_or_else(|| fallback_id.to_string()),
        rollout_scores: object.get("scores").map(scores_of).unwrap_or_default(),
        metadata: metadata_of(object),
        messages,
    })
}

/// The error for an object without a message list, listing the keys it does have (and saying
/// so when they look like a row of a per-turn judge-score file).
pub fn missing_messages<'a>(keys: impl Iterator<Item = &'a str>) -> ShapeError {
    let keys: Vec<&str> = keys.collect();
    let score_row =
        keys.iter().any(|k| TURN_FIELDS.contains(k)) && keys.iter().any(|k| VALUE_FIELDS.contains(k));
    ShapeError::NoMessageList { keys: keys.iter().take(8).map(|k| k.to_string()).collect(), score_row }
}

/// `id` as text: strings as they are, numbers printed; anything else does not count.
pub fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The `metadata` object's fields, then every other top-level field that is not a message
/// list (OpenAI and tau-bench keep run data there); `metadata` wins on a clash. A `metadata`
/// that is not an object is kept as an ordinary field.
fn metadata_of(mut object: Map<String, Value>) -> Map<String, Value> {
    let mut metadata = match object.remove("metadata") {
        Some(Value::Object(m)) => m,
        Some(odd) => {
            object.insert("metadata".to_string(), odd);
            Map::new()
        }
        None => Map::new(),
    };
    for (key, value) in object {
        let is_message_list = MESSAGE_KEYS.contains(&key.as_str());
        let is_reserved = RESERVED_KEYS.contains(&key.as_str());
        if !is_message_list && !is_reserved && !metadata.contains_key(&key) {
            metadata.insert(key, value);
        }
    }
    metadata
}

fn decode_message(mut fields: Map<String, Value>) -> Message {
    let role_name =
        ROLE_KEYS.iter().find_map(|k| fields.get(*k).and_then(Value::as_str)).unwrap_or(NO_ROLE).to_string();
    let content = CONTENT_KEYS.iter().find_map(|k| fields.remove(*k));
    let role = Role::parse(&role_name);
    // OpenAI's tool (and older function) messages name the function they answer.
    let answers =
        fields.get("name").and_then(Value::as_str).filter(|_| role == Role::Tool).map(str::to_string);
    Message {
        role,
        role_name,
        text: content.map(content_text_owned).unwrap_or_default(),
        thinking: fields.get("thinking").and_then(Value::as_str).unwrap_or_default().to_string(),
        tool_calls: tool_calls_of(&fields),
        answers,
        scores: fields.get("scores").map(scores_of).unwrap_or_default(),
        judge_strings: fields.get("scores").map(string_scores_of).unwrap_or_default(),
    }
}

/// The readable text of a content value: a string, or typed parts joined by newlines with
/// non-text parts as placeholders such as `[image]`.
pub fn content_text(content: &Value) -> String {
    match content {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().map(part_text).collect::<Vec<_>>().join("\n"),
        other => other.to_string(),
    }
}

fn part_text(part: &Value) -> String {
    match part {
        Value::String(s) => s.clone(),
        Value::Object(fields) => {
            let kind = fields.get("type").and_then(Value::as_str).unwrap_or("text");
            match (kind, fields.get("text").and_then(Value::as_str)) {
                ("text" | "input_text" | "output_text", Some(text)) => text.to_string(),
                ("reasoning", _) => {
                    let thought = fields.get("reasoning").and_then(Value::as_str).unwrap_or("");
                    format!("[reasoning] {thought}")
                }
                _ => format!("[{kind}]"),
            }
        }
        other => other.to_string(),
    }
}

/// `content_text`, moving a plain string instead of copying it.
fn content_text_owned(content: Value) -> String {
    match content {
        Value::String(s) => s,
        other => content_text(&other),
    }
}

/// Score names mapped to numbers; `null` is a missing score, other values are ignored.
pub fn scores_of(value: &Value) -> Scores {
    let Some(map) = value.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(name, v)| match v {
            Value::Null => Some((name.clone(), None)),
            Value::Number(n) => Some((name.clone(), n.as_f64())),
            _ => None,
        })
        .collect()
}

/// Score names mapped to strings: categorical scores or texts (`"tag": "despair"`).
pub fn string_scores_of(value: &Value) -> JudgeStrings {
    let Some(map) = value.as_object() else {
        return Vec::new();
    };
    map.iter().filter_map(|(name, v)| Some((name.clone(), Arc::from(v.as_str()?)))).collect()
}

/// OpenAI `tool_calls` (arguments as a JSON string), Inspect/tau-bench calls (arguments as an
/// object), and the legacy single `function_call`.
fn tool_calls_of(fields: &Map<String, Value>) -> Vec<ToolCall> {
    let mut calls: Vec<&Value> =
        fields.get("tool_calls").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    calls.extend(fields.get("function_call"));
    calls.into_iter().filter_map(tool_call).collect()
}

fn tool_call(call: &Value) -> Option<ToolCall> {
    let call = call.as_object()?;
    let function = call.get("function").and_then(Value::as_object).unwrap_or(call);
    let name = function
        .get("name")
        .or_else(|| call.get("function").filter(|f| f.is_string()))
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let arguments = match function.get("arguments").or_else(|| call.get("arguments")) {
        Some(Value::String(encoded)) => match serde_json::from_str::<Value>(encoded) {
            Ok(decoded) => decoded.to_string(),
            Err(_) => encoded.clone(),
        },
        Some(other) => other.to_string(),
        None => String::new(),
    };
    Some(ToolCall { name, arguments })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn native_rollout_decodes_scores_metadata_and_parts() {
        let v = json!({"id": "math-017-r3",
            "metadata": {"condition": "baseline", "dataset": "math"},
            "messages": [
                {"role": "system", "content": "sys"},
                {"role": "user", "content": [{"type": "text", "text": "What is 17 * 23?"},
                                              {"type": "image", "image": "data:..."}]},
                {"role": "assistant", "content": "391.", "scores": {"frustration": 0, "other": null, "label": "C"}},
                {"role": "user"}]});
        let r = decode_chat(v, "f:0").unwrap();
        assert_eq!(r.id, "math-017-r3");
        assert_eq!(r.metadata["condition"], "baseline");
        assert_eq!(r.messages[1].text, "What is 17 * 23?\n[image]");
        assert_eq!(
            r.messages[2].scores,
            vec![("frustration".to_string(), Some(0.0)), ("other".to_string(), None)]
        );
        assert_eq!(r.messages[2].judge_strings, vec![("label".to_string(), Arc::from("C"))]);
        assert_eq!(r.messages[3].text, "");
        assert_eq!(r.turn_messages(), vec![2]);
    }

    #[test]
    fn openai_tool_calls_and_top_level_metadata() {
        let v = json!({"model": "gpt-4o", "messages": [
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\": 1}"}}]},
            {"role": "tool", "content": "42"}]});
        let r = decode_chat(v, "calls.jsonl:4").unwrap();
        assert_eq!(r.id, "calls.jsonl:4");
        assert_eq!(r.metadata["model"], "gpt-4o");
        assert_eq!(
            r.messages[0].tool_calls,
            vec![ToolCall { name: "lookup".into(), arguments: "{\"q\":1}".into() }]
        );
        assert_eq!(r.messages[1].role, Role::Tool);
    }

    #[test]
    fn sharegpt_uses_from_and_value() {
        let v = json!({"id": 7, "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]});
        let r = decode_chat(v, "x").unwrap();
        assert_eq!(r.id, "7");
        assert_eq!(r.messages[1].role, Role::Assistant);
        assert_eq!(r.messages[1].text, "hello");
    }

    #[test]
    fn wrong_shapes_say_what_was_expected() {
        let err = err_of(json!({"prompt": "x", "answer": 1}));
        assert!(err.contains("\"messages\"") && err.contains("answer, prompt"), "{err}");
        let err = err_of(json!({"messages": {"a": 1}}));
        assert!(err.contains("must be an array, found an object"), "{err}");
        let err = err_of(json!({"messages": [1]}));
        assert!(err.contains("message 0 is a number"), "{err}");
        assert!(err_of(json!([1])).contains("found an array"));
        let found = decode_chat(json!({"messages": [{}, 2]}), "x").unwrap_err();
        assert_eq!(found, ShapeError::MessageNotAnObject { index: 1, found: "a number" });
        assert!(!err_of(json!({"prompt": "x", "score": 1})).contains("--scores"));
    }

    fn err_of(v: Value) -> String {
        decode_chat(v, "x").unwrap_err().to_string()
    }

    #[test]
    fn a_judge_score_row_says_how_to_attach_it() {
        let err = err_of(json!({"task_id": 4, "turn_idx": 3, "score": 7}));
        assert!(err.ends_with("found keys: score, task_id, turn_idx (a judge-score row? attach score files with --scores FILE)"), "{err}");
    }
}
