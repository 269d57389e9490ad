//! Where a message without a role is in its record, for the warning that reports it. The
//! indexer only notes that a record has one; this second look is taken for those records alone,
//! so a file whose messages all have roles pays nothing for it.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use serde_json::value::RawValue;

use super::chat::MESSAGE_KEYS;
use super::json_text;
use super::record::RecordError;

/// The warning for message `number` (1-based) of a record, placed at the message's `{` (line
/// and column relative to the record's first byte; column 1 of line 1 when it cannot be found).
pub fn roleless_warning(json: &str, number: NonZeroU32) -> RecordError {
    let offset = message_offset(json, number.get() as usize - 1).unwrap_or(0);
    let (line, column) = json_text::line_column(json.as_bytes(), offset);
    let message = format!(
        "message {number} has no role (no `role` or `from` text): shown as `?` and not counted as a turn"
    );
    RecordError { line, column, message }
}

/// The byte offset of message `index` (0-based) in the record's message list, chosen as the
/// decoders choose it (the first of `MESSAGE_KEYS` present; a repeated key's last value).
fn message_offset(json: &str, index: usize) -> Option<usize> {
    let fields: BTreeMap<String, &RawValue> = serde_json::from_str(json).ok()?;
    let list = MESSAGE_KEYS.iter().find_map(|key| fields.get(*key))?;
    let messages: Vec<&RawValue> = serde_json::from_str(list.get()).ok()?;
    let message = messages.get(index)?;
    (message.get().as_ptr() as usize).checked_sub(json.as_ptr() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(json: &str, number: u32) -> (u64, u64) {
        let e = roleless_warning(json, NonZeroU32::new(number).unwrap());
        assert!(e.message.starts_with(&format!("message {number} has no role")), "{}", e.message);
        (e.line, e.column)
    }

    #[test]
    fn the_warning_points_at_the_message_without_a_role() {
        let json = r#"{"id": "a", "messages": [{"role": "user", "content": "hi"}, {"content": "hello"}]}"#;
        assert_eq!(place(json, 2), (1, 61));
        assert_eq!(&json[60..61], "{");
        let multi =
            "{\"conversations\": [\n  {\"from\": \"human\", \"value\": \"hi\"},\n  {\"value\": \"x\"}\n]}";
        assert_eq!(place(multi, 2), (3, 3));
        assert_eq!(place("not json", 1), (1, 1), "nowhere better to point");
    }
}
