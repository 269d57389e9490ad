//! One Inspect sample (`EvalSample`, an entry of a JSON log's `samples` or one
//! `samples/<id>_epoch_<n>.json` of a `.eval`) as a rollout.
//!
//! Rollout id: `<task>/<sample id>/epoch<n>`, with `task` from the log's `eval` header (it may
//! itself contain `/`, e.g. `inspect_test_utils/guess_number`). Inspect makes (id, epoch) unique
//! within a log, so the id is too; the JSON and `.eval` forms of one run give the same ids.

use serde_json::{Map, Value};

use super::turn_values::{TurnValues, per_turn_arrays};
use super::values::{resolve_owned, resolve_value, sample_scores};
use crate::formats::chat::{content_text, id_text};
use crate::formats::fields::kind_of;
use crate::formats::record::ShapeError;
use crate::model::{Message, Role, Rollout, ToolCall};

/// Task name used when a log has no readable `eval` header.
pub const UNKNOWN_TASK: &str = "inspect";
/// Longest target (in characters) copied into the metadata.
const SHORT_TEXT: usize = 200;

/// What every sample of one log shares, from the `eval` header and the reader's options.
#[derive(Debug, Clone)]
pub struct LogContext {
    pub task: String,
    pub model: Option<Value>,
    /// `--turn-array`: a score-metadata field read as per-turn values, besides the usual ones.
    pub turn_array: Option<String>,
}

impl LogContext {
    /// Task and model of an `eval` header object.
    pub fn from_eval(eval: &Map<String, Value>) -> LogContext {
        LogContext {
            task: eval.get("task").and_then(Value::as_str).unwrap_or(UNKNOWN_TASK).to_string(),
            model: eval.get("model").filter(|m| !m.is_null()).cloned(),
            turn_array: None,
        }
    }

    /// The context of a log whose header could not be read.
    pub fn unknown() -> LogContext {
        LogContext { task: UNKNOWN_TASK.to_string(), model: None, turn_array: None }
    }

    /// The same, read with `options`.
    pub fn with_options(self, options: &InspectOptions) -> LogContext {
        LogContext { turn_array: options.turn_array.clone(), ..self }
    }
}

/// How Inspect logs are read, beyond what they hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InspectOptions {
    /// A sample score's metadata field holding one value per assistant turn, read besides
    /// `per_turn` and `turn_scores` (`--turn-array`).
    pub turn_array: Option<String>,
}

/// Decodes one sample; `position` (0-based, in file order) stands in for a missing id. Ok
/// carries warnings about what was not read (a per-turn array of the wrong length), each
/// naming the sample.
pub fn decode_sample(
    sample: &Value,
    ctx: &LogContext,
    position: usize,
) -> Result<(Rollout, Vec<String>), ShapeError> {
    let Some(object) = sample.as_object() else {
        return Err(ShapeError::NotASample { found: kind_of(sample) });
    };
    let empty = Map::new();
    let attachments = match object.get("attachments") {
        Some(Value::Object(map)) => map,
        _ => &empty,
    };
    let rebuilt;
    let items: &[Value] = match object.get("messages") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        None | Some(Value::Null | Value::Array(_)) => {
            rebuilt = messages_from_events(object).unwrap_or_default();
            &rebuilt
        }
        Some(other) => {
            return Err(ShapeError::SampleMessagesNotAnArray { found: kind_of(other) });
        }
    };
    let mut messages = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(fields) = item.as_object() else {
            return Err(ShapeError::MessageNotAnObject { index: i, found: kind_of(item) });
        };
        messages.push(decode_message(fields, attachments));
    }
    let sample_id = id_text(object.get("id")).unwrap_or_else(|| format!("#{position}"));
    let epoch = object.get("epoch").and_then(Value::as_u64).unwrap_or(1);
    let id = format!("{}/{sample_id}/epoch{epoch}", ctx.task);
    let turns = messages.iter().filter(|m| m.role == Role::Assistant).count();
    let (per_turn, warnings) = per_turn_arrays(object.get("scores"), ctx.turn_array.as_deref(), turns);
    let assistant = messages.iter_mut().filter(|m| m.role == Role::Assistant);
    for (message, values) in assistant.zip(per_turn) {
        let mut own = TurnValues {
            numbers: std::mem::take(&mut message.scores),
            strings: std::mem::take(&mut message.judge_strings),
        };
        own.merge(values);
        (message.scores, message.judge_strings) = (own.numbers, own.strings);
    }
    let warnings = warnings.into_iter().map(|w| format!("sample {id}: {w}")).collect();
    let rollout = Rollout {
        metadata: metadata_of(object, ctx, &sample_id, epoch),
        messages,
        rollout_scores: sample_scores(object.get("scores")),
        id,
    };
    Ok((rollout, warnings))
}

/// The sample's `metadata`, plus `task`, `model`, `epoch`, `sample_id`, a short `target`, and
/// the sample's `error` message and `limit` type when it has them. On a name clash the
/// sample's own metadata wins, as in the chat formats.
fn metadata_of(
    object: &Map<String, Value>,
    ctx: &LogContext,
    sample_id: &str,
    epoch: u64,
) -> Map<String, Value> {
    let mut metadata = match object.get("metadata") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let id_value = match object.get("id") {
        Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
        _ => Value::from(sample_id),
    };
    let error = object
        .get("error")
        .and_then(|e| e.get("message").or(Some(e)))
        .and_then(Value::as_str)
        .map(|e| short(e.lines().next().unwrap_or("")));
    let limit = object.get("limit").and_then(|l| l.get("type")).cloned();
    let extra = [
        ("task", Some(Value::from(ctx.task.as_str()))),
        ("model", ctx.model.clone()),
        ("epoch", Some(Value::from(epoch))),
        ("sample_id", Some(id_value)),
        ("target", object.get("target").and_then(short_target)),
        ("error", error.map(Value::from)),
        ("limit", limit),
    ];
    for (key, value) in extra {
        if let Some(value) = value {
            metadata.entry(key).or_insert(value);
        }
    }
    metadata
}

/// A non-empty target of at most `SHORT_TEXT` characters: a string, or a list of strings joined
/// by " | ".
fn short_target(target: &Value) -> Option<Value> {
    let text = match target {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            parts?.join(" | ")
        }
        _ => return None,
    };
    (!text.is_empty() && text.chars().count() <= SHORT_TEXT).then_some(Value::String(text))
}

fn short(text: &str) -> String {
    text.chars().take(SHORT_TEXT).collect()
}

/// When a sample carries no `messages`, the conversation of its last model call: that event's
/// `input` (or its `input_refs`, `[start, end)` ranges into the sample's `message_pool`, named
/// `events_data.messages` in newer logs) followed by the message it generated.
pub fn messages_from_events(object: &Map<String, Value>) -> Option<Vec<Value>> {
    let events = object
        .get("events")
        .or_else(|| object.get("transcript").and_then(|t| t.get("events")))?
        .as_array()?;
    let event = events.iter().rev().find(|e| e.get("event").and_then(Value::as_str) == Some("model"))?;
    let pool = object
        .get("message_pool")
        .or_else(|| object.get("events_data").and_then(|d| d.get("messages")))
        .and_then(Value::as_array);
    let mut messages = match event.get("input") {
        Some(Value::Array(input)) if !input.is_empty() => input.clone(),
        _ => expand_refs(event.get("input_refs"), pool),
    };
    if let Some(output) = event.pointer("/output/choices/0/message") {
        messages.push(output.clone());
    }
    Some(messages)
}

/// Pool messages named by range-encoded refs (`[[0, 3], [5, 6]]` = pool[0..3] then pool[5]);
/// ranges outside the pool are cut to it.
pub fn expand_refs(refs: Option<&Value>, pool: Option<&Vec<Value>>) -> Vec<Value> {
    let (Some(Value::Array(refs)), Some(pool)) = (refs, pool) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for range in refs {
        let bound = |i: usize| {
            range
                .get(i)
                .and_then(Value::as_u64)
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX).min(pool.len()))
        };
        if let (Some(start), Some(end)) = (bound(0), bound(1)) {
            out.extend(pool.get(start..end.max(start)).unwrap_or_default().iter().cloned());
        }
    }
    out
}

fn decode_message(fields: &Map<String, Value>, attachments: &Map<String, Value>) -> Message {
    let role_name = fields.get("role").and_then(Value::as_str).unwrap_or("?");
    let role = Role::parse(role_name);
    let mut text = resolve_owned(message_text(fields.get("content")), attachments);
    // A failed tool call keeps its error beside the (often empty) output.
    if let Some(error) = fields.get("error").and_then(|e| e.get("message")).and_then(Value::as_str) {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str("[tool error] ");
        text.push_str(&resolve_owned(error.to_string(), attachments));
    }
    let judged = match role {
        Role::Assistant => TurnValues::from_metadata(fields.get("metadata")),
        _ => TurnValues::default(),
    };
    Message {
        role,
        role_name: role_name.to_string(),
        text,
        thinking: String::new(),
        tool_calls: tool_calls_of(fields.get("tool_calls"), attachments),
        answers: fields.get("function").and_then(Value::as_str).map(str::to_string),
        scores: judged.numbers,
        judge_strings: judged.strings,
    }
}

/// Content as text: typed parts joined by newlines, media parts as `[image]`, `[audio]`, ...
/// (never their data), reasoning as `[reasoning] ...` unless redacted (encrypted).
fn message_text(content: Option<&Value>) -> String {
    match content {
        None => String::new(),
        Some(Value::Array(parts)) => parts.iter().map(part_text).collect::<Vec<_>>().join("\n"),
        Some(other) => content_text(other),
    }
}

fn part_text(part: &Value) -> String {
    let Value::Object(fields) = part else {
        return content_text(part);
    };
    let text_of = |key: &str| fields.get(key).and_then(Value::as_str);
    match text_of("type").unwrap_or("text") {
        "text" => text_of("text").unwrap_or_default().to_string(),
        "reasoning" => {
            let redacted = fields.get("redacted").and_then(Value::as_bool) == Some(true);
            let shown = if redacted { text_of("summary") } else { text_of("reasoning") };
            match shown {
                Some(thought) => format!("[reasoning] {thought}"),
                None => "[reasoning]".to_string(),
            }
        }
        kind => format!("[{kind}]"),
    }
}

/// Inspect calls (`function` a name, `arguments` an object) and OpenAI-style ones (`function`
/// an object, `arguments` a JSON string); arguments are shown as compact JSON.
fn tool_calls_of(calls: Option<&Value>, attachments: &Map<String, Value>) -> Vec<ToolCall> {
    let Some(Value::Array(calls)) = calls else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(calls.len());
    for call in calls.iter().filter_map(Value::as_object) {
        let function = call.get("function");
        let name = function
            .and_then(|f| f.as_str().or_else(|| f.get("name").and_then(Value::as_str)))
            .or_else(|| call.get("name").and_then(Value::as_str))
            .unwrap_or("?");
        let arguments = call.get("arguments").or_else(|| function.and_then(|f| f.get("arguments")));
        out.push(ToolCall { name: name.to_string(), arguments: arguments_text(arguments, attachments) });
    }
    out
}

fn arguments_text(arguments: Option<&Value>, attachments: &Map<String, Value>) -> String {
    let mut value = match arguments {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(encoded)) => match serde_json::from_str::<Value>(encoded) {
            Ok(decoded) => decoded,
            Err(_) => return resolve_owned(encoded.clone(), attachments),
        },
        Some(other) if attachments.is_empty() => return other.to_string(),
        Some(other) => other.clone(),
    };
    resolve_value(&mut value, attachments);
    value.to_string()
}
