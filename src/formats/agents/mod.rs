//! Agent transcripts: Claude Code session logs and ATIF trajectories (Harbor, Terminal-Bench,
//! OpenHands), each decoded whole into rollouts: an agent's reply is one turn, tool results are
//! `tool` messages, and hand-offs (a compacted context, a continued trajectory) are markers
//! inside the rollout, not turns.

pub mod atif;
pub mod claude_code;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Message, Problem, Role};

/// A hand-off shown inside a rollout: a system message, never a turn.
pub fn marker(text: &str) -> Message {
    Message::new(Role::System, text)
}

/// The text a content value shows: a string; typed blocks joined by newlines (`text`,
/// `thinking` as `[thinking] …`, a tool result's content, other blocks as `[type]`).
pub fn block_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(blocks) => {
            blocks.iter().map(block_text).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n")
        }
        Value::Object(block) => {
            let field = |k: &str| block.get(k).and_then(Value::as_str);
            match field("type") {
                Some("text") | None => field("text").unwrap_or_default().to_string(),
                Some("thinking") => format!("[thinking] {}", field("thinking").unwrap_or_default()),
                Some("redacted_thinking") => "[thinking redacted]".into(),
                Some("tool_result") => block.get("content").map(block_text).unwrap_or_default(),
                Some(other) => format!("[{other}]"),
            }
        }
        other => other.to_string(),
    }
}

/// Things skipped, counted by kind, reported once per file.
#[derive(Default)]
pub struct Counted(BTreeMap<String, usize>);

impl Counted {
    pub fn add(&mut self, kind: &str) {
        *self.0.entry(kind.to_string()).or_insert(0) += 1;
    }

    /// A warning saying how many of each kind were skipped, `None` when none were.
    pub fn problem(&self, display: &str, what: &str) -> Option<Problem> {
        let total: usize = self.0.values().sum();
        if total == 0 {
            return None;
        }
        let kinds: Vec<String> = self.0.iter().map(|(k, n)| format!("{k} {n}")).collect();
        Some(Problem::file(display, format!("{total} {what}: {}", kinds.join(", "))).warning())
    }
}
