//! A record that could not be read, and parsing one record's JSON text: shared by every reader
//! in `formats`, so it lives apart from the format detection that uses those readers.

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
    RecordError { line: e.line() as u64, column: (e.column() as u64).max(1), message }
}
