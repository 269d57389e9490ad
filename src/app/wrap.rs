//! Word wrapping of sanitised text to a display width, with wide characters counted by their
//! terminal width and placeholders kept whole.

use unicode_width::UnicodeWidthStr;

use crate::sanitize::{self, Piece};

/// A run of text on one wrapped line; `dim` marks a placeholder for a control character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub dim: bool,
}

/// Wraps multi-line text to `width` columns; every input line gives at least one output line.
pub fn wrap_text(text: &str, width: usize) -> Vec<Vec<Segment>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in sanitize::lines_of(text) {
        wrap_line(&sanitize::pieces(line), width, &mut out);
    }
    out
}

/// Greedy word wrap of one line's pieces.
fn wrap_line(pieces: &[Piece], width: usize, out: &mut Vec<Vec<Segment>>) {
    let mut line = LineBuilder::default();
    for piece in pieces {
        match piece {
            Piece::Placeholder(p) => line.push_word(p, true, width, out),
            Piece::Text(t) => {
                for word in split_keeping_spaces(t) {
                    line.push_word(word, false, width, out);
                }
            }
        }
    }
    out.push(line.segments);
}

#[derive(Default)]
struct LineBuilder {
    segments: Vec<Segment>,
    used: usize,
}

impl LineBuilder {
    fn push_word(&mut self, word: &str, dim: bool, width: usize, out: &mut Vec<Vec<Segment>>) {
        let w = word.width();
        let is_space = !dim && word.starts_with(' ');
        if self.used + w <= width {
            self.push(word, dim, w);
            return;
        }
        if is_space {
            // Spaces at a break are dropped rather than carried to the next line.
            self.break_line(out);
            return;
        }
        if w <= width {
            self.break_line(out);
            self.push(word, dim, w);
            return;
        }
        // A word longer than the line is cut at the width.
        let mut rest = word;
        while !rest.is_empty() {
            let room = width - self.used;
            let (head, tail) = split_at_width(rest, room);
            if head.is_empty() {
                if self.used == 0 {
                    // Not even one character fits (a wide char at width 1): place it anyway.
                    let first = rest.chars().next().map_or(0, char::len_utf8);
                    self.push(&rest[..first], dim, rest[..first].width());
                    rest = &rest[first..];
                }
                self.break_line(out);
                continue;
            }
            self.push(head, dim, head.width());
            rest = tail;
            if !rest.is_empty() {
                self.break_line(out);
            }
        }
    }

    fn push(&mut self, text: &str, dim: bool, w: usize) {
        self.used += w;
        match self.segments.last_mut() {
            Some(last) if last.dim == dim => last.text.push_str(text),
            _ => self.segments.push(Segment { text: text.to_string(), dim }),
        }
    }

    fn break_line(&mut self, out: &mut Vec<Vec<Segment>>) {
        if let Some(last) = self.segments.last_mut().filter(|s| !s.dim) {
            last.text.truncate(last.text.trim_end_matches(' ').len());
        }
        out.push(std::mem::take(&mut self.segments));
        self.used = 0;
    }
}

/// Words and runs of spaces, in order.
fn split_keeping_spaces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let is_space = first == ' ';
        let end = rest.find(|c: char| (c == ' ') != is_space).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

/// The longest prefix of `text` that fits in `width` columns.
fn split_at_width(text: &str, width: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            return text.split_at(i);
        }
        used += w;
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Vec<Segment>]) -> Vec<String> {
        lines.iter().map(|l| l.iter().map(|s| s.text.as_str()).collect()).collect()
    }

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(plain(&wrap_text("the quick brown fox", 10)), vec!["the quick", "brown fox"]);
        assert_eq!(plain(&wrap_text("a\n\nb", 10)), vec!["a", "", "b"]);
    }

    #[test]
    fn cuts_long_words_and_counts_wide_characters() {
        assert_eq!(plain(&wrap_text("abcdefghij", 4)), vec!["abcd", "efgh", "ij"]);
        assert_eq!(plain(&wrap_text("世界世界世", 4)), vec!["世界", "世界", "世"]);
        for line in wrap_text("世界 a 世界世界 👩‍👩‍👧 abc", 5) {
            let w: usize = line.iter().map(|s| s.text.width()).sum();
            assert!(w <= 5, "{line:?}");
        }
    }

    #[test]
    fn placeholders_are_dim_and_controls_never_pass() {
        let lines = wrap_text("a\x1b[2Jb", 20);
        assert_eq!(lines[0][1], Segment { text: "␛".into(), dim: true });
        assert!(plain(&lines).concat().chars().all(sanitize::is_safe));
    }

    #[test]
    fn width_one_still_terminates_with_wide_characters() {
        assert_eq!(plain(&wrap_text("世a", 1)), vec!["世", "a"]);
    }
}
