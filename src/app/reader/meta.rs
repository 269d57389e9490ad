//! The transcript's header: metadata values made short enough to leave room for the messages.

/// Longest metadata value shown whole in the transcript's header, in characters.
const META_VALUE_CHARS: usize = 60;

/// A metadata value as the header shows it: a list or an object collapsed to its size (a copy
/// of the messages, a tool-info blob would push the conversation off the first screen), a long
/// text cut with `…`.
pub(super) fn meta_value_text(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::Array(items) => return format!("[{} item{}]", items.len(), plural(items.len())),
        serde_json::Value::Object(keys) => return format!("{{{} key{}}}", keys.len(), plural(keys.len())),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(META_VALUE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A metadata value in full (`m`): compact JSON for a list or an object.
pub(super) fn full_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_and_objects_are_collapsed_and_long_text_cut() {
        assert_eq!(meta_value_text(&json!([{"role": "user"}, 2, 3])), "[3 items]");
        assert_eq!(meta_value_text(&json!({"tools": [], "choice": "auto"})), "{2 keys}");
        assert_eq!(meta_value_text(&json!([1])), "[1 item]");
        assert_eq!(meta_value_text(&json!("baseline")), "baseline");
        assert_eq!(meta_value_text(&json!(4.5)), "4.5");
        let long = "é".repeat(70);
        assert_eq!(meta_value_text(&json!(long)), format!("{}…", "é".repeat(60)));
    }
}
