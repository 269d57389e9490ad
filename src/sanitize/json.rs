//! JSON that is safe on a terminal and still the same JSON. serde_json escapes only `"`, `\`
//! and C0 controls; every other character the sanitiser would replace (DEL, C1 controls such
//! as the 8-bit CSI U+009B, bidi controls, invisible format and tag characters) is written
//! here as a `\uXXXX` escape, a surrogate pair outside the BMP. A JSON parser reads exactly the
//! same strings back, so every JSON output goes through this, to a terminal or not.

use std::borrow::Cow;

use serde::Serialize;

use super::is_safe;

/// `value` as compact JSON, escaped.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(owned_escape)
}

/// `value` as indented JSON, escaped.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(owned_escape)
}

fn owned_escape(json: String) -> String {
    match escape(&json) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    }
}

/// JSON text (as serde_json writes it) with each unsafe character inside a string written as a
/// `\uXXXX` escape. Outside strings only whitespace can be unsafe (a tab or CR); it becomes a
/// space, which is the same JSON.
pub fn escape(json: &str) -> Cow<'_, str> {
    if !super::needs_work(json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 32);
    let mut in_string = false;
    let mut after_backslash = false;
    for c in json.chars() {
        if in_string {
            if after_backslash {
                after_backslash = false;
            } else if c == '\\' {
                after_backslash = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        if is_safe(c) {
            out.push(c);
        } else if in_string {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(' ');
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_serde_json_leaves_raw_is_escaped_and_reads_back_the_same() {
        let hostile =
            "a\u{7f}\u{9b}2J\u{85}\u{202e}\u{2066}\u{200b}\u{feff}\u{e0041}\u{e007f}\x1b]0;t\x07é世👍";
        let value = serde_json::json!({hostile: [hostile, {"k": hostile}], "n": 1.5});
        for text in [to_string(&value).unwrap(), to_string_pretty(&value).unwrap()] {
            assert!(text.chars().all(is_safe), "{text:?}");
            assert!(text.contains("\\u007f\\u009b") && text.contains("\\udb40\\udc41"), "{text}");
            assert!(text.contains("é世👍"), "printable text stays as it is: {text}");
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value);
        }
    }

    #[test]
    fn escaping_knows_where_strings_are() {
        // A quote and a backslash before it inside a string do not end it.
        let json = "{\"a\\\"\u{9b}\\\\\": \"\u{202e}\"}";
        assert_eq!(escape(json), "{\"a\\\"\\u009b\\\\\": \"\\u202e\"}");
        // Whitespace a hand-written JSON may hold between values.
        assert_eq!(escape("[1,\t2\r\n]"), "[1, 2 \n]");
        assert!(matches!(escape("{\"plain\": \"世界\"}\n"), Cow::Borrowed(_)));
    }
}
