//! The one gate between untrusted text (transcripts, ids, metadata, notes, error messages) and
//! the terminal. Control characters, escape sequences and bidi controls become visible
//! placeholders; nothing a model wrote can move the cursor, set the clipboard or reorder text.

use std::borrow::Cow;

pub mod json;

/// A piece of sanitised text: printable as is, or a placeholder standing for a control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// A visible stand-in such as `␛` or `\u{202e}`; shown dimmed.
    Placeholder(String),
}

/// Width tabs expand to.
pub const TAB_WIDTH: usize = 4;

/// What a character must be replaced by, if anything. Newline is kept (callers split lines).
fn placeholder(c: char) -> Option<String> {
    let code = c as u32;
    match c {
        '\n' => None,
        '\t' => Some(" ".repeat(TAB_WIDTH)),
        // C0 controls and DEL: the Unicode control pictures (␀ … ␟, ␡), so ESC shows as ␛.
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + code).map(String::from),
        '\u{7f}' => Some("␡".to_string()),
        // C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators and the
        // other invisible format characters that can hide or reorder text, Unicode tag
        // characters among them (they draw nothing and can spell out a hidden ASCII text).
        // ZWJ/ZWNJ stay: emoji sequences and several scripts need them.
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}' => Some(format!("\\u{{{code:04x}}}")),
        _ => None,
    }
}

/// Bytes of printable ASCII from the start of `bytes`: the common case, skipped without
/// decoding characters.
fn printable_ascii_run(bytes: &[u8]) -> usize {
    let printable = |b: &u8| (0x20..0x7f).contains(b);
    // Sixteen bytes at a time without an early exit, which the compiler turns into vector code.
    let whole = bytes
        .chunks_exact(16)
        .take_while(|chunk| chunk.iter().fold(true, |all, b| all & printable(b)))
        .count();
    let i = whole * 16;
    i + bytes[i..].iter().position(|b| !printable(b)).unwrap_or(bytes.len() - i)
}

/// Whether any character of `s` but a newline needs a placeholder.
pub(crate) fn needs_work(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        i += printable_ascii_run(&bytes[i..]);
        let Some(c) = s[i..].chars().next() else { break };
        if c != '\n' && placeholder(c).is_some() {
            return true;
        }
        i += c.len_utf8();
    }
    false
}

/// Splits a line (no newlines inside) into printable text and placeholders. CR before LF is
/// dropped by `lines_of`; a lone CR is shown as `␍`, never obeyed.
pub fn pieces(line: &str) -> Vec<Piece<'_>> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        i += printable_ascii_run(&bytes[i..]);
        let Some(c) = line[i..].chars().next() else { break };
        if let Some(p) = placeholder(c) {
            if start < i {
                out.push(Piece::Text(&line[start..i]));
            }
            out.push(if c == '\t' { Piece::Text(&"    "[..TAB_WIDTH]) } else { Piece::Placeholder(p) });
            start = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    if start < line.len() {
        out.push(Piece::Text(&line[start..]));
    }
    out
}

/// The lines of a text, with CRLF treated as a line break.
pub fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// One-line plain form for ids, metadata, tags and messages: newlines shown as `⏎`,
/// everything else as `pieces` would show it.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.contains('\n') && !needs_work(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('⏎');
        }
        for piece in pieces(line) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Placeholder(p) => out.push_str(&p),
            }
        }
    }
    Cow::Owned(out)
}

/// Multi-line plain form (for subcommand output on a terminal): like `clean` but keeps newlines.
pub fn clean_multiline(s: &str) -> String {
    lines_of(s).map(|l| clean(l).into_owned()).collect::<Vec<_>>().join("\n")
}

/// Whether a character may reach the terminal as is.
pub fn is_safe(c: char) -> bool {
    placeholder(c).is_none() || c == '\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        let hostile = "ok\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{202e}abc\u{9b}";
        let out = clean(hostile);
        assert_eq!(out, "ok␛]52;c;ZXZpbA==␇␛[2J\\u{202e}abc\\u{009b}");
        assert!(out.chars().all(is_safe));
    }

    #[test]
    fn every_bidi_control_becomes_visible() {
        // The Unicode Bidi_Control set: ALM, LRM, RLM, LRE..RLO, LRI..PDI.
        let bidi = ['\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}']
            .into_iter()
            .chain(['\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']);
        for c in bidi {
            assert!(!is_safe(c), "{c:?}");
            assert_eq!(clean(&format!("a{c}b")), format!("a\\u{{{:04x}}}b", c as u32));
        }
    }

    #[test]
    fn tag_characters_become_visible() {
        // U+E0000–E007F draw nothing and can spell a hidden ASCII text ("ignore" here).
        let hidden = "ok\u{e0001}\u{e0069}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}\u{e007f}";
        let out = clean(hidden);
        assert_eq!(out, "ok\\u{e0001}\\u{e0069}\\u{e0067}\\u{e006e}\\u{e006f}\\u{e0072}\\u{e0065}\\u{e007f}");
        assert!(['\u{e0000}', '\u{e0020}', '\u{e007f}'].iter().all(|c| !is_safe(*c)));
        assert!(is_safe('\u{e0080}') && is_safe('\u{e0100}'), "variation selectors stay");
    }

    #[test]
    fn tabs_expand_and_lone_cr_shows() {
        assert_eq!(clean("a\tb"), "a    b");
        assert_eq!(clean("a\rb"), "a␍b");
        assert_eq!(lines_of("a\r\nb").collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(clean("a\nb"), "a⏎b");
    }

    #[test]
    fn plain_text_is_borrowed_and_unchanged() {
        assert!(matches!(clean("héllo 世界 👩‍👩‍👧"), Cow::Borrowed(_)));
    }

    #[test]
    fn pieces_mark_placeholders() {
        assert_eq!(
            pieces("a\u{0}b"),
            vec![Piece::Text("a"), Piece::Placeholder("␀".into()), Piece::Text("b")]
        );
    }
}
