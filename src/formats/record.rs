//! A record that could not be read, a value of the wrong shape, and parsing one record's JSON
//! text: shared by every reader in `formats`, so it lives apart from the format detection that
//! uses those readers.

use serde_json::Value;

use super::json_text;

/// A record that could not be read, with its position relative to the record's first byte.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// Parses JSON text, retrying with non-finite literals mapped to `null`.
pub fn parse_value(json: &str) -> Result<Value, RecordError> {
    match serde_json::from_str::<Value>(json) {
        Ok(value) => Ok(value),
        Err(first) => {
            let patched = json_text::nonfinite_to_null(json);
            if let std::borrow::Cow::Owned(patched) = &patched
                && let Ok(value) = serde_json::from_str::<Value>(patched)
            {
                return Ok(value);
            }
            Err(record_error(&first))
        }
    }
}

/// serde_json's message without its " at line L column C" tail (the position is kept apart).
/// serde_json says column 0 for an end of input right after a newline (or an empty input);
/// columns here count from 1, so that is column 1 of that line.
pub fn record_error(e: &serde_json::Error) -> RecordError {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    // A line that is no JSON at all (`hello`, `{oops`): serde_json's words for it
    // ("expected ident") say nothing to someone who did not write a parser.
    let message = match message.as_str() {
        "expected value" | "expected ident" => "not JSON: expected a value".to_string(),
        _ => message,
    };
    RecordError { line: e.line() as u64, column: (e.column() as u64).max(1), message }
}

/// Why a JSON value is not a rollout (or an Inspect sample): the part of its shape that is
/// wrong, with the index of the message at fault where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("expected a rollout object, found {found}")]
    NotARollout { found: &'static str },
    #[error("expected a sample object, found {found}")]
    NotASample { found: &'static str },
    /// No message list under any known key. `keys`: the object's first keys; `score_row`: they
    /// look like a row of a per-turn judge-score file.
    #[error(
        "expected a rollout with \"messages\" (native, OpenAI), \"conversations\" (ShareGPT), \
         \"conversation\" or \"traj\"; found keys: {}{}",
        key_list(.keys),
        score_row_hint(*.score_row)
    )]
    NoMessageList { keys: Vec<String>, score_row: bool },
    #[error("the message list must be an array, found {found}")]
    MessageListNotAnArray { found: &'static str },
    /// An Inspect sample's `messages` is neither an array nor absent.
    #[error("\"messages\" must be an array, found {found}")]
    SampleMessagesNotAnArray { found: &'static str },
    #[error("message {index} is {found}, expected an object")]
    MessageNotAnObject { index: usize, found: &'static str },
}

fn key_list(keys: &[String]) -> String {
    if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
}

fn score_row_hint(score_row: bool) -> &'static str {
    if score_row { " (a judge-score row? attach score files with --scores FILE)" } else { "" }
}

#[cfg(test)]
mod error_tests {
    use super::record_error;

    #[test]
    fn a_line_that_is_no_json_says_so() {
        let e = serde_json::from_str::<serde_json::Value>("hello").unwrap_err();
        let e = record_error(&e);
        assert_eq!((e.line, e.column, e.message.as_str()), (1, 1, "not JSON: expected a value"));
        let e = record_error(&serde_json::from_str::<serde_json::Value>("nix").unwrap_err());
        assert_eq!(e.message, "not JSON: expected a value");
        let e = record_error(&serde_json::from_str::<serde_json::Value>("[1,").unwrap_err());
        assert_eq!(e.message, "EOF while parsing a value", "other messages stay serde_json's");
    }
}
