//! What a search looks for: a regex (Rust `regex` syntax) or a literal, case-sensitive or
//! not. `rollscope grep` and the app's `/` build the same `Pattern`, so both find the same
//! matches in the same text (each message's text as displayed: `Message::full_text`).

use regex::{Regex, RegexBuilder};

/// How the pattern text is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatternOptions {
    /// Match the text literally (`grep -F`), not as a regex.
    pub literal: bool,
    /// `Some(true)` ignores case (`-i`), `Some(false)` keeps it; `None` is smart case: case is
    /// ignored unless the pattern has an uppercase letter.
    pub ignore_case: Option<bool>,
}

/// A compiled search pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    regex: Regex,
    /// The same pattern over raw JSON bytes, when a record's raw text holds every match its
    /// messages do (see `raw_prefilter`): rollouts without a raw match are not decoded.
    raw: Option<regex::bytes::Regex>,
}

/// A pattern that does not compile, with the regex crate's explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid regex: {0}")]
pub struct PatternError(String);

impl Pattern {
    /// Compiles `text` with `options`. An empty pattern is an error: it matches everywhere.
    pub fn new(text: &str, options: PatternOptions) -> Result<Pattern, PatternError> {
        if text.is_empty() {
            return Err(PatternError("the pattern is empty".to_string()));
        }
        let ignore_case = options.ignore_case.unwrap_or_else(|| !text.chars().any(char::is_uppercase));
        let source = if options.literal { regex::escape(text) } else { text.to_string() };
        let regex = RegexBuilder::new(&source)
            .case_insensitive(ignore_case)
            .size_limit(16 << 20)
            .build()
            .map_err(|e| PatternError(first_line(&e.to_string())))?;
        // A regex without metacharacters (a plain word) is a literal too.
        let literal = options.literal || regex::escape(text) == text;
        let raw = literal.then(|| raw_prefilter(text, ignore_case)).flatten();
        Ok(Pattern { text: text.to_string(), regex, raw })
    }

    /// The app's `/` prompt: `/regex/` is a regex, anything else a literal; smart case.
    pub fn from_prompt(text: &str) -> Result<Pattern, PatternError> {
        match text.strip_prefix('/').and_then(|t| t.strip_suffix('/')) {
            Some(regex) if !regex.is_empty() => Pattern::new(regex, PatternOptions::default()),
            _ => Pattern::new(text, PatternOptions { literal: true, ignore_case: None }),
        }
    }

    /// The pattern as the user wrote it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte ranges of the matches in `text`, left to right, not overlapping. An empty match
    /// (`a*` before a `b`) is not a hit: it would mark every message.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize)> + 't {
        self.regex.find_iter(text).filter(|m| !m.is_empty()).map(|m| (m.start(), m.end()))
    }

    /// Whether the pattern is a literal JSON escaping cannot hide or make (see `raw_prefilter`):
    /// its matches in escaped text are its matches in the decoded text.
    pub fn is_plain_literal(&self) -> bool {
        self.raw.is_some()
    }

    /// Whether a record's raw bytes can hold a match: false only when the raw prefilter
    /// proves none of its messages can.
    pub fn may_match_raw(&self, raw: &[u8]) -> bool {
        self.raw.as_ref().is_none_or(|r| r.is_match(raw))
    }
}

/// A byte regex finding a literal in raw JSON text, for literals JSON escaping cannot hide:
/// plain printable ASCII without quotes, backslashes or the characters some encoders escape
/// (`<`, `>`, `&`, `/`). Regexes get none (a match may span an escape such as `\n`).
fn raw_prefilter(literal: &str, ignore_case: bool) -> Option<regex::bytes::Regex> {
    let plain = literal
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '<' | '>' | '&' | '/') || c == ' ');
    if !plain {
        return None;
    }
    regex::bytes::RegexBuilder::new(&regex::escape(literal))
        .case_insensitive(ignore_case)
        .unicode(false)
        .build()
        .ok()
}

/// The regex crate's errors span several lines (the pattern, a caret, the reason): the
/// reason is the part worth a one-line message, with the caret line kept when there is one.
fn first_line(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim_end).filter(|l| !l.is_empty()).collect();
    match lines.iter().find(|l| l.starts_with("error:")) {
        Some(reason) => reason.trim_start_matches("error:").trim().to_string(),
        None => lines.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(pattern: &Pattern, text: &str) -> Vec<(usize, usize)> {
        pattern.find_iter(text).collect()
    }

    #[test]
    fn smart_case_literal_and_regex() {
        let lower = Pattern::new("try", PatternOptions::default()).unwrap();
        assert_eq!(spans(&lower, "Try again, try"), vec![(0, 3), (11, 14)]);
        let upper = Pattern::new("Try", PatternOptions::default()).unwrap();
        assert_eq!(spans(&upper, "Try again, try"), vec![(0, 3)]);
        let forced = Pattern::new("Try", PatternOptions { ignore_case: Some(true), ..Default::default() });
        assert_eq!(spans(&forced.unwrap(), "try"), vec![(0, 3)]);
        let regex = Pattern::new(r"r[0-3]\b", PatternOptions::default()).unwrap();
        assert_eq!(spans(&regex, "r1 r5 r3x r2"), vec![(0, 2), (10, 12)]);
        let literal = Pattern::new("a.b", PatternOptions { literal: true, ignore_case: None }).unwrap();
        assert_eq!(spans(&literal, "axb a.b"), vec![(4, 7)]);
    }

    #[test]
    fn the_prompt_is_literal_unless_slashed() {
        let literal = Pattern::from_prompt("rm -rf (").unwrap();
        assert_eq!(spans(&literal, "<<rm -rf (x"), vec![(2, 10)]);
        let regex = Pattern::from_prompt("/turn [0-9]+/").unwrap();
        assert_eq!(spans(&regex, "turn 12 turn x"), vec![(0, 7)]);
        assert_eq!(Pattern::from_prompt("/").unwrap().text(), "/");
        let e = Pattern::from_prompt("/a(b/").unwrap_err().to_string();
        assert!(e.starts_with("not a valid regex: ") && e.contains("unclosed group"), "{e}");
    }

    #[test]
    fn empty_matches_are_not_hits_and_empty_patterns_are_refused() {
        let star = Pattern::new("x*", PatternOptions::default()).unwrap();
        assert_eq!(spans(&star, "abxxc"), vec![(2, 4)]);
        assert!(Pattern::new("", PatternOptions::default()).is_err());
    }

    #[test]
    fn the_raw_prefilter_is_only_for_literals_json_cannot_escape() {
        let with = |t: &str| Pattern::new(t, PatternOptions { literal: true, ignore_case: None }).unwrap();
        assert!(with("frust 7").raw.is_some());
        assert!(with("<<rm").raw.is_none());
        assert!(with("café").raw.is_none());
        assert!(Pattern::new("frust", PatternOptions::default()).unwrap().raw.is_some());
        assert!(Pattern::new("frust.", PatternOptions::default()).unwrap().raw.is_none());
        // Case-insensitive on raw bytes as on text.
        assert!(with("again").may_match_raw(b"{\"content\": \"Try AGAIN\"}"));
        assert!(!with("again").may_match_raw(b"{\"content\": \"Try later\"}"));
    }
}
