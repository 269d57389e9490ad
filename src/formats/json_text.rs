//! Byte-level helpers over JSON text: splitting a top-level array into element spans without
//! decoding it, turning byte offsets into line:column, and mapping the non-standard literals
//! `NaN`, `Infinity` and `-Infinity` (written by Inspect and Python's json) to `null`.

use std::borrow::Cow;
use std::ops::Range;

/// The UTF-8 byte order mark, tolerated at the start of a file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes after an optional BOM.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The first non-whitespace byte.
pub fn first_significant(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Byte ranges of the elements of a top-level JSON array (`None` if `bytes` is not an array
/// or is malformed at the structural level; the full parser then reports where).
pub fn array_element_spans(bytes: &[u8]) -> Option<Vec<Range<usize>>> {
    let mut i = skip_ws(bytes, 0);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut spans = Vec::new();
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i)? {
            b']' if spans.is_empty() => break,
            _ => {}
        }
        let start = i;
        i = skip_value(bytes, i)?;
        spans.push(start..i);
        i = skip_ws(bytes, i);
        match bytes.get(i)? {
            b',' => i += 1,
            b']' => break,
            _ => return None,
        }
    }
    let rest = skip_ws(bytes, i + 1);
    (rest == bytes.len()).then_some(spans)
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// End of the value starting at `i`: strings and brackets are matched, scalars run to the
/// next delimiter. Depth is counted, not recursed, so deep nesting cannot overflow the stack.
fn skip_value(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *bytes.get(i)? {
            b'"' => i = skip_string(bytes, i)?,
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b',' if depth == 0 => return Some(i),
            b if depth == 0 && b.is_ascii_whitespace() => return Some(i),
            _ => {
                i += 1;
                if depth == 0 && bytes.get(i).is_none_or(|b| matches!(b, b',' | b']')) {
                    return Some(i);
                }
                continue;
            }
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

/// Index just past the closing quote of the string starting at `i`.
fn skip_string(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', bytes.get(j..)?)?;
        if bytes[k] == b'\\' {
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

/// Whether arrays and objects nest deeper than `limit` anywhere in `bytes` (brackets inside
/// strings do not count). A linear scan with no recursion, whatever the depth.
pub fn nests_deeper_than(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i = skip_string(bytes, i).unwrap_or(bytes.len());
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// 1-based line and column (in bytes) of a byte offset.
pub fn line_column(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    (line, (before.len() - line_start) as u64 + 1)
}

/// Replaces the bare literals `NaN`, `Infinity` and `-Infinity` outside strings with `null`
/// (an unscored Inspect sample is `"value": NaN`). Borrowed when there is nothing to replace.
pub fn nonfinite_to_null(text: &str) -> Cow<'_, str> {
    let literals = nonfinite_literals(text);
    if literals.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + literals.len());
    let mut copied = 0;
    for (at, len) in literals {
        out.push_str(&text[copied..at]);
        out.push_str("null");
        copied = at + len;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Where the bare literals `NaN`, `Infinity` and `-Infinity` are outside strings: (offset,
/// length) of each, in order.
pub fn nonfinite_literals(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if !text.contains("NaN") && !text.contains("Infinity") {
        return found;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i).unwrap_or(bytes.len()),
            _ => {
                let literal = ["-Infinity", "Infinity", "NaN"]
                    .into_iter()
                    .find(|lit| bytes[i..].starts_with(lit.as_bytes()));
                match literal {
                    Some(lit) => {
                        found.push((i, lit.len()));
                        i += lit.len();
                    }
                    None => i += 1,
                }
            }
        }
    }
    found
}

/// The text of one JSONL line (its `\r` dropped): `None` when it is blank, `Err` with the
/// 1-based column where it stops being UTF-8.
pub fn jsonl_line(line: &[u8]) -> Option<Result<&str, u64>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.trim_ascii().is_empty() {
        return None;
    }
    Some(std::str::from_utf8(line).map_err(|e| e.valid_up_to() as u64 + 1))
}

/// The text of a JSON string literal (quotes included) whose syntax serde_json has checked,
/// decoded in one pass into a string of its own; `None` for an escape serde_json refuses
/// (a lone surrogate), so the caller can ask serde_json for the error.
pub fn unescape_string(literal: &str) -> Option<String> {
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    super::input::advise_huge_pages(out.as_ptr(), out.capacity());
    let mut i = 0;
    // Every index `i` takes is just after an escape, so on a character boundary.
    while let Some(k) = memchr::memchr(b'\\', &bytes[i..]) {
        out.push_str(&body[i..i + k]);
        i += k + 1;
        let c = match *bytes.get(i)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = hex4(bytes.get(i + 1..i + 5)?)?;
                i += 4;
                match high {
                    0xD800..=0xDBFF => {
                        if bytes.get(i + 1..i + 3)? != b"\\u" {
                            return None;
                        }
                        let low = hex4(bytes.get(i + 3..i + 7)?)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        i += 6;
                        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    0xDC00..=0xDFFF => return None,
                    code => char::from_u32(code)?,
                }
            }
            _ => return None,
        };
        out.push(c);
        i += 1;
    }
    out.push_str(&body[i..]);
    Some(out)
}

fn hex4(digits: &[u8]) -> Option<u32> {
    std::str::from_utf8(digits).ok().and_then(|d| u32::from_str_radix(d, 16).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_array_elements_with_strings_and_nesting() {
        let text = br#" [ {"a": "x,]}\"y"}, [1, [2]], 3 , "s" ] "#;
        let spans = array_element_spans(text).unwrap();
        let parts: Vec<&str> = spans.iter().map(|r| std::str::from_utf8(&text[r.clone()]).unwrap()).collect();
        assert_eq!(parts, vec![r#"{"a": "x,]}\"y"}"#, "[1, [2]]", "3", r#""s""#]);
        assert_eq!(array_element_spans(b"[]").unwrap(), Vec::<Range<usize>>::new());
        assert!(array_element_spans(b"{}").is_none());
        assert!(array_element_spans(b"[1, 2").is_none());
        assert!(array_element_spans(b"[1] x").is_none());
    }

    #[test]
    fn deep_nesting_is_scanned_without_recursion() {
        let deep = format!("[{}{}]", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(array_element_spans(deep.as_bytes()).unwrap().len(), 1);
    }

    #[test]
    fn nesting_depth_is_measured_outside_strings() {
        assert!(!nests_deeper_than(br#"{"a": [1, {"b": []}]}"#, 4));
        assert!(nests_deeper_than(br#"{"a": [1, {"b": []}]}"#, 3));
        assert!(!nests_deeper_than(br#"{"a": "[[[[{{{{"}"#, 1));
        assert!(!nests_deeper_than(br#"{"a": "\"[[["}"#, 1));
        assert!(nests_deeper_than("[".repeat(200_000).as_bytes(), 128));
        assert!(!nests_deeper_than(b"\"unterminated [[[[", 0));
    }

    #[test]
    fn line_column_counts_from_one() {
        let text = b"ab\ncd\nef";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(line_column(text, 6), (3, 1));
    }

    #[test]
    fn unescaping_agrees_with_serde_json() {
        for literal in
            [r#""""#, r#""plain""#, r#""a\nb\"c\\d\/e\tf\b\f\r""#, r#""\u00e9\u4e16 \ud83d\ude00 é""#]
        {
            let expected: String = serde_json::from_str(literal).unwrap();
            assert_eq!(unescape_string(literal).as_deref(), Some(expected.as_str()), "{literal}");
        }
        for lone in [r#""\ud800""#, r#""\udc00x""#, r#""\ud800\u0041""#] {
            assert!(serde_json::from_str::<String>(lone).is_err());
            assert_eq!(unescape_string(lone), None, "{lone}");
        }
    }

    #[test]
    fn nonfinite_literals_become_null_outside_strings_only() {
        let text = r#"{"v": NaN, "w": -Infinity, "x": [Infinity], "s": "NaN \" Infinity"}"#;
        assert_eq!(nonfinite_to_null(text), r#"{"v": null, "w": null, "x": [null], "s": "NaN \" Infinity"}"#);
        assert!(matches!(nonfinite_to_null("{\"a\": 1}"), Cow::Borrowed(_)));
    }
}
