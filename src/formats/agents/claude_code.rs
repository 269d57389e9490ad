//! Claude Code session logs (`~/.claude/projects/…/*.jsonl`): one JSON event per line, `type`
//! `user`, `assistant` or `system`, each with a `sessionId`, a `uuid` and its `parentUuid`. A
//! file's lines are grouped by session (a sub-agent's sidechain lines on their own), put in
//! `parentUuid` order, and cut into rollouts at each `/clear` command. Consecutive assistant
//! lines with the same `message.id` are one message (one turn): Claude Code writes a response's
//! content blocks a line each. `tool_result` blocks become `tool` messages, `thinking` blocks a
//! `[thinking]` part of the turn's text (searchable; the reader folds it), and a
//! `compact_boundary` with the summary after it a system marker inside the same rollout. Lines
//! of other types (summaries, file snapshots, types not known yet) are skipped and counted.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::{Counted, block_text, marker};
use crate::model::{Message, Problem, Role, Rollout, ToolCall};

/// Whether the first lines of a file look like a Claude Code log: events with a session id
/// and a parent link.
pub fn looks_like_claude_code(head: &[u8]) -> bool {
    head.split(|b| *b == b'\n').take(8).any(|line| {
        let has = |key: &[u8]| line.windows(key.len()).any(|w| w == key);
        has(b"\"sessionId\"") && has(b"\"parentUuid\"")
    })
}

/// One event line, as read.
struct Line {
    value: Map<String, Value>,
}

impl Line {
    fn text(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str)
    }
}

/// A rollout being built from one session (or sidechain) segment.
#[derive(Default)]
struct Segment {
    messages: Vec<Message>,
    /// The `message.id` of the last assistant message, to merge its continuation lines.
    last_id: Option<String>,
    metadata: Map<String, Value>,
    /// Token usage per assistant `message.id` (repeated on each of its lines: counted once).
    usage: BTreeMap<String, (u64, u64)>,
    /// Each tool call's name by its id, to tie a `tool_result` to the call it answers.
    calls: HashMap<String, String>,
}

/// Decodes a log's lines; `stem` (the file's name without extension) names a sidechain that
/// has no `agentId`.
pub fn decode_claude_code(text: &str, display: &str, stem: &str) -> (Vec<Rollout>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut skipped = Counted::default();
    // Sessions in the order they first appear, each with its lines.
    let mut groups: Vec<(String, bool, Vec<Line>)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value = match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(value)) => value,
            Ok(_) => {
                problems.push(Problem::at(display, number, 1, "not an event object").warning());
                continue;
            }
            Err(e) => {
                problems.push(
                    Problem::at(display, number, e.column() as u64, format!("not JSON: {e}")).warning(),
                );
                continue;
            }
        };
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("(none)").to_string();
        let session = value.get("sessionId").and_then(Value::as_str).map(str::to_string);
        let (true, Some(session)) = (matches!(kind.as_str(), "user" | "assistant" | "system"), session)
        else {
            skipped.add(&kind);
            continue;
        };
        let sidechain = value.get("isSidechain").and_then(Value::as_bool).unwrap_or(false);
        let line = Line { value };
        match groups.iter_mut().find(|(s, side, _)| *s == session && *side == sidechain) {
            Some(group) => group.2.push(line),
            None => groups.push((session, sidechain, vec![line])),
        }
    }
    let mut rollouts = Vec::new();
    for (session, sidechain, lines) in groups {
        let lines = in_parent_order(lines);
        let agent = lines.iter().find_map(|l| l.text("agentId")).map(str::to_string);
        let base_id = match (sidechain, agent) {
            (false, _) => session.clone(),
            (true, Some(agent)) => format!("{session}/agent-{agent}"),
            (true, None) => format!("{session}/{stem}"),
        };
        let segments = segments(&lines);
        for (k, segment) in segments.into_iter().enumerate() {
            let id = if k == 0 { base_id.clone() } else { format!("{base_id}#{}", k + 1) };
            let mut metadata = segment.metadata;
            if sidechain {
                metadata.insert("sidechain".into(), Value::Bool(true));
                metadata.insert("parent_session".into(), Value::String(session.clone()));
            }
            let (input, output) = segment.usage.values().fold((0, 0), |(a, b), (i, o)| (a + i, b + o));
            if !segment.usage.is_empty() {
                metadata.insert("input_tokens".into(), input.into());
                metadata.insert("output_tokens".into(), output.into());
            }
            rollouts.push(Rollout { id, metadata, messages: segment.messages, rollout_scores: Vec::new() });
        }
    }
    if let Some(problem) =
        skipped.problem(display, "lines of other types skipped (not part of a conversation)")
    {
        problems.push(problem);
    }
    (rollouts, problems)
}

/// The lines in conversation order: from each root (a line whose parent is not in the group),
/// children after their parent, siblings in file order.
fn in_parent_order(lines: Vec<Line>) -> Vec<Line> {
    let index: HashMap<String, usize> =
        lines.iter().enumerate().filter_map(|(i, l)| Some((l.text("uuid")?.to_string(), i))).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    let mut roots = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.text("parentUuid").and_then(|p| index.get(p)) {
            Some(&parent) if parent != i => children[parent].push(i),
            _ => roots.push(i),
        }
    }
    let mut order = Vec::with_capacity(lines.len());
    let mut seen = vec![false; lines.len()];
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        order.push(i);
        stack.extend(children[i].iter().rev());
    }
    // A cycle of parents leaves lines unreached: they follow in file order, never dropped.
    order.extend((0..lines.len()).filter(|&i| !seen[i]));
    let mut slots: Vec<Option<Line>> = lines.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn is_clear(line: &Line) -> bool {
    let content = line.value.get("message").and_then(|m| m.get("content"));
    content.and_then(Value::as_str).is_some_and(|t| t.contains("<command-name>/clear</command-name>"))
}

/// The rollouts of one session's lines, a new one after each `/clear`.
fn segments(lines: &[Line]) -> Vec<Segment> {
    let mut out = vec![Segment::default()];
    let mut after_compaction = false;
    for line in lines {
        if is_clear(line) {
            out.push(Segment::default());
            continue;
        }
        let Some(segment) = out.last_mut() else { continue };
        if segment.metadata.is_empty() {
            for (key, name) in [
                ("sessionId", "session_id"),
                ("slug", "slug"),
                ("cwd", "cwd"),
                ("gitBranch", "git_branch"),
                ("version", "version"),
                ("timestamp", "started"),
            ] {
                if let Some(v) = line.text(key) {
                    segment.metadata.insert(name.into(), Value::String(v.to_string()));
                }
            }
        }
        match line.text("type") {
            Some("assistant") => push_assistant(segment, line),
            Some("system") if line.text("subtype") == Some("compact_boundary") => {
                segment.messages.push(marker("[context compacted]"));
                segment.last_id = None;
                after_compaction = true;
            }
            Some("system") => {
                let text = line.text("content").unwrap_or_default();
                segment.messages.push(Message::new(Role::System, text));
                segment.last_id = None;
            }
            _ => {
                let summary = after_compaction
                    || line.value.get("isCompactSummary").and_then(Value::as_bool) == Some(true);
                after_compaction = false;
                push_user(segment, line, summary);
            }
        }
    }
    out.retain(|s| !s.messages.is_empty());
    out
}

fn push_assistant(segment: &mut Segment, line: &Line) {
    let message = line.value.get("message");
    let id = message.and_then(|m| m.get("id")).and_then(Value::as_str).map(str::to_string);
    if let Some(model) = message.and_then(|m| m.get("model")).and_then(Value::as_str) {
        segment.metadata.entry("model").or_insert_with(|| Value::String(model.to_string()));
    }
    if let (Some(id), Some(usage)) = (&id, message.and_then(|m| m.get("usage"))) {
        let tokens = |k: &str| usage.get(k).and_then(Value::as_u64).unwrap_or(0);
        segment.usage.insert(id.clone(), (tokens("input_tokens"), tokens("output_tokens")));
    }
    let merge = id.is_some()
        && id == segment.last_id
        && segment.messages.last().is_some_and(|m| m.role == Role::Assistant);
    if !merge {
        segment.messages.push(Message::new(Role::Assistant, ""));
    }
    segment.last_id = id;
    let Some(target) = segment.messages.last_mut() else { return };
    let blocks = message.and_then(|m| m.get("content"));
    for block in blocks.and_then(Value::as_array).into_iter().flatten() {
        match block.get("type").and_then(Value::as_str) {
            Some("tool_use") => {
                let name = block.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
                if let Some(id) = block.get("id").and_then(Value::as_str) {
                    segment.calls.insert(id.to_string(), name.clone());
                }
                let arguments = block.get("input").map(Value::to_string).unwrap_or_default();
                target.tool_calls.push(ToolCall { name, arguments });
            }
            Some("thinking") => {
                append(&mut target.thinking, block.get("thinking").and_then(Value::as_str).unwrap_or(""))
            }
            _ => append(&mut target.text, &block_text(block)),
        }
    }
    if let Some(text) = blocks.and_then(Value::as_str) {
        append(&mut target.text, text);
    }
}

/// A user line: its text as a user message, each `tool_result` block as a `tool` message.
fn push_user(segment: &mut Segment, line: &Line, compact_summary: bool) {
    segment.last_id = None;
    let content = line.value.get("message").and_then(|m| m.get("content"));
    let mut text = String::new();
    match content {
        Some(Value::String(s)) => text.push_str(s),
        Some(Value::Array(blocks)) => {
            for block in blocks {
                if block.get("type").and_then(Value::as_str) == Some("tool_result") {
                    let result = block.get("content").map(block_text).unwrap_or_default();
                    let mut message = Message::new(Role::Tool, result);
                    let call = block.get("tool_use_id").and_then(Value::as_str);
                    message.answers = call.and_then(|id| segment.calls.get(id)).cloned();
                    segment.messages.push(message);
                } else {
                    append(&mut text, &block_text(block));
                }
            }
        }
        _ => {}
    }
    if text.is_empty() {
        return;
    }
    if compact_summary && let Some(last) = segment.messages.last_mut().filter(|m| m.role == Role::System) {
        append(&mut last.text, &text);
        return;
    }
    segment.messages.push(Message::new(Role::User, text));
}

fn append(text: &mut String, part: &str) {
    if part.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(part);
}
