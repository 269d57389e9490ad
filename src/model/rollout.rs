//! A fully decoded rollout: what the reader shows and the label store hashes.

use std::sync::Arc;

use serde_json::{Map, Value};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
    /// A role string we do not know (kept so nothing is dropped).
    #[default]
    Other,
}

impl Role {
    /// Maps the role names used by native, OpenAI, ShareGPT and Inspect files.
    pub fn parse(name: &str) -> Role {
        match name {
            "system" | "developer" => Role::System,
            "user" | "human" => Role::User,
            "assistant" | "gpt" | "model" | "bot" | "chatgpt" => Role::Assistant,
            "tool" | "function" | "observation" => Role::Tool,
            _ => Role::Other,
        }
    }

    /// Lower-case label shown in the reader.
    pub fn label(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Other => "other",
        }
    }
}

/// One call an assistant message makes to a tool; arguments are shown as compact JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    pub name: String,
    pub arguments: String,
}

/// Named judge scores; `None` is a missing score (judge failed, or `null` in the file).
pub type Scores = Vec<(String, Option<f64>)>;

/// Named string values a judge gave a turn (a tag, a quote, a rationale). Whether a name is a
/// category or a text is decided over a whole file (`StringKinds`), not per message.
pub type JudgeStrings = Vec<(String, Arc<str>)>;

/// One message of a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: Role,
    /// The role name as written in the file, shown when `role` is `Other`.
    pub role_name: String,
    /// Text content; non-text parts appear as placeholders such as `[image]`.
    pub text: String,
    /// The model's reasoning before its answer (an agent log's `thinking` blocks), shown
    /// folded above the text; searched, but not part of the text a label is given on.
    pub thinking: String,
    pub tool_calls: Vec<ToolCall>,
    /// For a tool's output: the name of the call it answers (`Read`), when the file ties it.
    pub answers: Option<String>,
    /// Per-turn judge scores (assistant messages only).
    pub scores: Scores,
    /// Per-turn judge strings (assistant messages only), read into the index at load time.
    pub judge_strings: JudgeStrings,
}

impl Message {
    pub fn new(role: Role, text: impl Into<String>) -> Message {
        Message {
            role,
            role_name: role.label().to_string(),
            text: text.into(),
            thinking: String::new(),
            tool_calls: Vec::new(),
            answers: None,
            scores: Vec::new(),
            judge_strings: Vec::new(),
        }
    }

    /// The score under `name`, flattening "absent" and "null" into `None`.
    pub fn score(&self, name: &str) -> Option<f64> {
        self.scores.iter().find(|(n, _)| n == name).and_then(|(_, v)| *v)
    }

    /// Everything a reader of this message sees, tool calls included; the text the label
    /// store hashes and the hatch pattern is matched against.
    /// The hash of `full_text` (a label's `text_hash`), without copying the text when there
    /// are no tool calls (a huge message is hashed where it lies).
    pub fn text_hash(&self) -> String {
        if self.tool_calls.is_empty() {
            return super::label::text_hash(&self.text);
        }
        super::label::text_hash(&self.answer_text())
    }

    /// Everything the reader shows of the message, its reasoning first (`[thinking] …`): the
    /// text a search looks in.
    pub fn full_text(&self) -> String {
        if self.thinking.is_empty() {
            return self.answer_text();
        }
        format!("[thinking] {}\n{}", self.thinking, self.answer_text())
    }

    /// The text and the tool calls, without the reasoning.
    fn answer_text(&self) -> String {
        if self.tool_calls.is_empty() {
            return self.text.clone();
        }
        let mut out = self.text.clone();
        for call in &self.tool_calls {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("→ {}({})", call.name, call.arguments));
        }
        out
    }
}

/// A whole transcript with its metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rollout {
    pub id: String,
    pub metadata: Map<String, Value>,
    pub messages: Vec<Message>,
    /// Rollout-level scores (e.g. an Inspect sample's scores).
    pub rollout_scores: Scores,
}

impl Rollout {
    /// Message indices of the assistant turns, in order: `turn_messages()[0]` is turn 1.
    pub fn turn_messages(&self) -> Vec<usize> {
        self.messages.iter().enumerate().filter(|(_, m)| m.role == Role::Assistant).map(|(i, _)| i).collect()
    }

    /// The 1-based turn number of message `index`, if it is an assistant message.
    pub fn turn_of_message(&self, index: usize) -> Option<usize> {
        let message = self.messages.get(index)?;
        if message.role != Role::Assistant {
            return None;
        }
        let before = self.messages[..index].iter().filter(|m| m.role == Role::Assistant).count();
        Some(before + 1)
    }

    /// The message of a 1-based turn.
    pub fn turn(&self, turn: usize) -> Option<&Message> {
        self.messages.iter().filter(|m| m.role == Role::Assistant).nth(turn.checked_sub(1)?)
    }

    /// The `response_hash` of each assistant turn's text, turn 1 first.
    pub fn response_hashes(&self) -> Box<[u64]> {
        self.messages.iter().filter(|m| m.role == Role::Assistant).map(|m| response_hash(&m.text)).collect()
    }
}

/// The hash a turn's text and a score row's response text (`response_text`, `completion`,
/// `output`) are compared by, to check a score file's join: the text with its surrounding
/// whitespace trimmed (a judge's copy often lost a trailing newline). Never 0, which stands for
/// "none". Only compared within one run, never stored.
pub fn response_hash(text: &str) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    text.trim().hash(&mut hasher);
    hasher.finish().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Rollout {
        Rollout {
            id: "r".into(),
            messages: vec![
                Message::new(Role::System, "s"),
                Message::new(Role::User, "q"),
                Message::new(Role::Assistant, "a1"),
                Message::new(Role::User, "no"),
                Message::new(Role::Assistant, "a2"),
            ],
            ..Rollout::default()
        }
    }

    #[test]
    fn turns_count_assistant_messages_from_one() {
        let r = sample();
        assert_eq!(r.turn_messages(), vec![2, 4]);
        assert_eq!(r.turn_of_message(4), Some(2));
        assert_eq!(r.turn_of_message(3), None);
        assert_eq!(r.turn(1).map(|m| m.text.as_str()), Some("a1"));
        assert_eq!(r.turn(0), None);
        assert_eq!(r.turn(3), None);
    }

    #[test]
    fn response_hashes_are_the_turns_texts_trimmed() {
        let mut r = sample();
        r.messages[4].text = "\n  a2 \r\n".into();
        assert_eq!(*r.response_hashes(), [response_hash("a1"), response_hash("a2")]);
        assert_ne!(response_hash("a1"), response_hash("a2"));
        assert_ne!(response_hash("a2"), response_hash("a 2"), "only the surrounding whitespace");
    }

    #[test]
    fn roles_map_common_aliases() {
        assert_eq!(Role::parse("gpt"), Role::Assistant);
        assert_eq!(Role::parse("human"), Role::User);
        assert_eq!(Role::parse("narrator"), Role::Other);
    }
}
