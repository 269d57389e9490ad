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

/// Bytes as UTF-8 text, checked with SIMD (several times the speed of `std::str::from_utf8`
/// on model text, a tenth of indexing a study); the error, with where it is, comes from std.
pub fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

/// The text of one JSONL line (its `\r` dropped): `None` when it is blank, `Err` with the
/// 1-based column where it stops being UTF-8.
pub fn jsonl_line(line: &[u8]) -> Option<Result<&str, u64>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.trim_ascii().is_empty() {
        return None;
    }
    Some(utf8(line).map_err(|e| e.valid_up_to() as u64 + 1))
}

/// Strings shorter than this are unescaped on one thread.
const PARALLEL_UNESCAPE: usize = 16 << 20;

/// The text of a JSON string literal (quotes included) whose syntax serde_json has checked,
/// decoded into a string of its own; `None` for an escape serde_json refuses (a lone
/// surrogate), so the caller can ask serde_json for the error.
///
/// A huge string (a gigabyte message) is cut into pieces at points no escape spans, and each
/// piece is decoded on a core of its own into the output at its own input offset — a decoded
/// piece is never longer than its input — then the pieces are moved together: no memory
/// beyond the output, and the cores share the work.
pub fn unescape_string(literal: &str) -> Option<String> {
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    if body.len() < PARALLEL_UNESCAPE {
        // Most strings: written as text, so nothing is left to check.
        let mut out = String::with_capacity(body.len());
        unescape_pieces(body, |piece| out.push_str(piece))?;
        return Some(out);
    }
    let mut out = vec![0u8; body.len()];
    super::input::advise_huge_pages(out.as_ptr(), out.len());
    let pieces = cut_points(body, rayon::current_num_threads() * 2);
    let mut slices = Vec::with_capacity(pieces.len());
    let mut rest = out.as_mut_slice();
    for piece in &pieces {
        let (slice, tail) = rest.split_at_mut(piece.len());
        slices.push(slice);
        rest = tail;
    }
    let written: Vec<usize> = {
        use rayon::prelude::*;
        let decode =
            |(piece, slice): (&std::ops::Range<usize>, &mut [u8])| unescape_into(&body[piece.clone()], slice);
        pieces.par_iter().zip(slices).map(decode).collect::<Option<_>>()?
    };
    let mut end = 0;
    for (piece, n) in pieces.iter().zip(written) {
        out.copy_within(piece.start..piece.start + n, end);
        end += n;
    }
    out.truncate(end);
    // Each piece was written from whole `&str` slices cut at ASCII backslashes and from
    // `char::encode_utf8`, and pieces are cut on character boundaries, so this holds; it is
    // checked all the same (a gigabyte in a tenth of the time it took to decode).
    String::from_utf8(out).ok()
}

/// Splits a string literal's body into about `n` pieces at points no escape spans: each cut
/// is on a character boundary just after a byte no escape ends with (not `\`, not an escaped
/// letter, not a hex digit).
fn cut_points(body: &str, n: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = body.as_bytes();
    let may_end_escape = |b: u8| b == b'\\' || b"\"/bfnrtu".contains(&b) || b.is_ascii_hexdigit();
    let mut cuts = vec![0];
    for k in 1..n.max(1) {
        let mut at = (body.len() * k / n).max(cuts.last().map_or(0, |c| c + 1));
        // No safe point within a mebibyte: one piece fewer.
        let limit = (at + (1 << 20)).min(body.len());
        while at < limit && (!body.is_char_boundary(at) || may_end_escape(bytes[at - 1])) {
            at += 1;
        }
        if at < limit {
            cuts.push(at);
        }
    }
    cuts.push(body.len());
    cuts.windows(2).map(|w| w[0]..w[1]).filter(|r| !r.is_empty()).collect()
}

/// Decodes the escapes of `body` (a piece of a literal that cuts no escape) into `out`, which
/// is at least as long; the bytes written.
fn unescape_into(body: &str, out: &mut [u8]) -> Option<usize> {
    let mut w = 0;
    unescape_pieces(body, |piece| {
        out[w..w + piece.len()].copy_from_slice(piece.as_bytes());
        w += piece.len();
    })?;
    Some(w)
}

/// Hands `put` the text of `body` with its escapes decoded, in pieces: runs without escapes
/// borrowed whole, each escape's character on its own. `None` for an escape serde_json refuses.
fn unescape_pieces(body: &str, mut put: impl FnMut(&str)) -> Option<()> {
    let bytes = body.as_bytes();
    let mut i = 0;
    // Every index `i` takes is just after an escape, so on a character boundary.
    while let Some(k) = memchr::memchr(b'\\', &bytes[i..]) {
        put(&body[i..i + k]);
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
        put(c.encode_utf8(&mut [0; 4]));
        i += 1;
    }
    put(&body[i..]);
    Some(())
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
    fn a_huge_string_is_cut_where_no_escape_is_and_decoded_in_pieces_as_serde_json_does() {
        // Every kind of escape, a multibyte character and a surrogate pair, over and over, so
        // the cuts land near all of them.
        let unit = r#"é \"q\" \\ \/ \b\f\n\r\t \u00e9\u4e16 \ud83d\ude00 abc0123456789 "#;
        let literal = format!("\"{}\"", unit.repeat(PARALLEL_UNESCAPE / unit.len() + 7));
        let body = &literal[1..literal.len() - 1];
        let pieces = cut_points(body, 8);
        assert!(pieces.len() > 4, "{} pieces", pieces.len());
        assert_eq!(pieces.first().map(|p| p.start), Some(0));
        assert_eq!(pieces.last().map(|p| p.end), Some(body.len()));
        assert!(pieces.windows(2).all(|w| w[0].end == w[1].start), "the pieces tile the body");
        let expected: String = serde_json::from_str(&literal).unwrap();
        assert!(unescape_string(&literal) == Some(expected), "the pieces decode to serde_json's string");
        // A lone surrogate in the last piece still fails the whole string.
        let bad = format!("\"{}\\ud800\"", unit.repeat(PARALLEL_UNESCAPE / unit.len() + 7));
        assert_eq!(unescape_string(&bad), None);
    }

    #[test]
    fn nonfinite_literals_become_null_outside_strings_only() {
        let text = r#"{"v": NaN, "w": -Infinity, "x": [Infinity], "s": "NaN \" Infinity"}"#;
        assert_eq!(nonfinite_to_null(text), r#"{"v": null, "w": null, "x": [null], "s": "NaN \" Infinity"}"#);
        assert!(matches!(nonfinite_to_null("{\"a\": 1}"), Cow::Borrowed(_)));
    }
}
