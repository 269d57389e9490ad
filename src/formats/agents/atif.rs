//! ATIF, the Agent Trajectory Interchange Format (Harbor, Terminal-Bench; written by OpenHands,
//! Terminus and others): one trajectory per file, `steps` whose `source` is `system`, `user` or
//! `agent`. An agent step is one turn: its `message` (and `reasoning_content`, as `[thinking]`),
//! its `tool_calls`, then each `observation` result as a `tool` message. `agent` and the final
//! metrics are metadata, so `--by agent` compares agents. A trajectory that continues in another
//! file (`continued_trajectory_ref`, a context hand-off) is one rollout: the continuation follows
//! a marker, its turns numbered on from the first file's.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{block_text, marker};
use crate::model::{Limit, Message, Problem, Role, Rollout, ToolCall};

/// Continuations followed at most (a longer chain, or a loop, is reported).
const MAX_CONTINUATIONS: usize = 64;

/// Whether a file's first bytes are an ATIF trajectory: `"schema_version": "ATIF-…"`.
pub fn looks_like_atif(head: &[u8]) -> bool {
    let key = b"\"schema_version\"";
    let Some(at) = head.windows(key.len()).position(|w| w == key) else { return false };
    let rest = &head[at + key.len()..];
    let rest = rest.iter().position(|b| !b" \t\r\n:".contains(b)).map_or(&[][..], |i| &rest[i..]);
    rest.starts_with(b"\"ATIF-")
}

/// The file a trajectory continues in, relative to its own folder.
pub fn continuation_of(value: &Value, path: &Path) -> Option<PathBuf> {
    let name = value.get("continued_trajectory_ref")?.as_str()?;
    Some(super::super::input::folder_of(path).join(name))
}

/// Decodes the trajectory in `path` (and the files it continues in) as one rollout, named by
/// the file: `<file name without .json>`.
pub fn decode_atif(
    path: &Path,
    display: &str,
    limit: Limit,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let mut problems = Vec::new();
    let value = read(path, display, limit)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(display);
    let id = name.strip_suffix(".json").unwrap_or(name).to_string();
    let mut rollout = Rollout { id, metadata: metadata(&value), ..Rollout::default() };
    let mut totals = Totals::default();
    let mut unknown = super::Counted::default();
    push_steps(&value, &mut rollout.messages, &mut totals, &mut unknown);
    let mut next = continuation_of(&value, path);
    let mut seen = vec![path.to_path_buf()];
    while let Some(file) = next.take() {
        let shown = file.display().to_string();
        if seen.contains(&file) || seen.len() > MAX_CONTINUATIONS {
            problems.push(
                Problem::file(display, format!("continuation {shown} loops back: not followed")).warning(),
            );
            break;
        }
        match read(&file, &shown, limit) {
            Ok(more) => {
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                rollout.messages.push(marker(&format!("[continued in {name}: the context was handed off]")));
                push_steps(&more, &mut rollout.messages, &mut totals, &mut unknown);
                // The last file's final metrics cover the whole run.
                for (k, v) in metadata(&more).into_iter().filter(|(k, _)| k.starts_with("total_")) {
                    rollout.metadata.insert(k, v);
                }
                next = continuation_of(&more, &file);
                seen.push(file);
            }
            Err(problem) => {
                problems.push(Problem::file(
                    display,
                    format!("its continuation is not read: {}", problem.message),
                ));
                break;
            }
        }
    }
    problems.extend(unknown.problem(display, "steps of an unknown source, shown with it as their role"));
    rollout.metadata.insert("continuations".into(), (seen.len() - 1).into());
    totals.fill(&mut rollout.metadata);
    Ok((vec![rollout], problems))
}

fn read(path: &Path, display: &str, limit: Limit) -> Result<Value, Problem> {
    let bytes = super::super::input::read(path, limit)
        .map_err(|e| Problem::file(display, format!("cannot read: {e}")))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Problem::at(display, e.line() as u64, e.column() as u64, format!("not JSON: {e}")))?;
    match value.get("steps") {
        Some(Value::Array(_)) => Ok(value),
        _ => Err(Problem::file(display, "an ATIF trajectory without a steps list")),
    }
}

/// The trajectory's metadata: schema, session, agent, model and final metrics.
fn metadata(value: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |key: &str, v: Option<&Value>| {
        if let Some(v) = v.filter(|v| !v.is_null() && !v.is_object() && !v.is_array()) {
            out.insert(key.to_string(), v.clone());
        }
    };
    put("schema_version", value.get("schema_version"));
    put("session_id", value.get("session_id"));
    put("trajectory_id", value.get("trajectory_id"));
    let agent = value.get("agent");
    put("agent", agent.and_then(|a| a.get("name")));
    put("agent_version", agent.and_then(|a| a.get("version")));
    put("model", agent.and_then(|a| a.get("model_name")));
    if let Some(Value::Object(metrics)) = value.get("final_metrics") {
        for (k, v) in metrics {
            put(k, Some(v));
        }
    }
    out
}

/// Step metrics summed, for a trajectory without final metrics.
#[derive(Default)]
struct Totals {
    prompt: f64,
    completion: f64,
    cost: f64,
    any: bool,
}

impl Totals {
    fn add(&mut self, metrics: &Value) {
        let get = |k: &str| metrics.get(k).and_then(Value::as_f64);
        self.any |= get("prompt_tokens").or(get("completion_tokens")).or(get("cost_usd")).is_some();
        self.prompt += get("prompt_tokens").unwrap_or(0.0);
        self.completion += get("completion_tokens").unwrap_or(0.0);
        self.cost += get("cost_usd").unwrap_or(0.0);
    }

    fn fill(&self, metadata: &mut Map<String, Value>) {
        if !self.any || metadata.contains_key("total_prompt_tokens") {
            return;
        }
        metadata.insert("total_prompt_tokens".into(), Value::from(self.prompt));
        metadata.insert("total_completion_tokens".into(), Value::from(self.completion));
        metadata.insert("total_cost_usd".into(), Value::from(self.cost));
    }
}

fn push_steps(value: &Value, messages: &mut Vec<Message>, totals: &mut Totals, unknown: &mut super::Counted) {
    for step in value.get("steps").and_then(Value::as_array).into_iter().flatten() {
        let text = step.get("message").map(block_text).unwrap_or_default();
        let source = step.get("source").and_then(Value::as_str).unwrap_or("");
        match source {
            "agent" => {
                let mut message = Message::new(Role::Assistant, text);
                if let Some(thought) =
                    step.get("reasoning_content").and_then(Value::as_str).filter(|t| !t.is_empty())
                {
                    message.thinking = thought.to_string();
                }
                let mut ids: Vec<(&str, String)> = Vec::new();
                for call in step.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                    let name = call.get("function_name").and_then(Value::as_str).unwrap_or("?").to_string();
                    if let Some(id) = call.get("tool_call_id").and_then(Value::as_str) {
                        ids.push((id, name.clone()));
                    }
                    let arguments = call.get("arguments").map(Value::to_string).unwrap_or_default();
                    message.tool_calls.push(ToolCall { name, arguments });
                }
                messages.push(message);
                let results =
                    step.get("observation").and_then(|o| o.get("results")).and_then(Value::as_array);
                for result in results.into_iter().flatten() {
                    let content = result.get("content").map(block_text).unwrap_or_default();
                    let mut message = Message::new(Role::Tool, content);
                    let call = result.get("source_call_id").and_then(Value::as_str);
                    message.answers =
                        call.and_then(|c| ids.iter().find(|(id, _)| *id == c)).map(|(_, n)| n.clone());
                    messages.push(message);
                }
                if let Some(metrics) = step.get("metrics") {
                    totals.add(metrics);
                }
            }
            "user" => messages.push(Message::new(Role::User, text)),
            "system" => messages.push(Message::new(Role::System, text)),
            other => {
                unknown.add(if other.is_empty() { "(none)" } else { other });
                let mut message = Message::new(Role::Other, text);
                message.role_name = other.to_string();
                messages.push(message);
            }
        }
    }
}
