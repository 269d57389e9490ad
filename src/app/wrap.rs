//! Word wrapping of sanitised text to a display width, with wide characters counted by their
//! terminal width and placeholders kept whole. Widths are counted per grapheme, as the buffer
//! draws them, so a wrapped line is never clipped at the pane's edge and an emoji sequence
//! (one grapheme, two columns) is never split.

use ratatui::buffer::CellWidth;
use ratatui::style::Style;
use ratatui::text::Span;

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

/// How many lines `wrap_text(text, width)` gives, without making them: the measure of a huge
/// text. Printable ASCII (and newlines) is counted byte by byte with the same greedy rule;
/// anything else is wrapped and counted.
pub fn count_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let bytes = text.as_bytes();
    // One pass the compiler vectorises decides the fast path for the whole text.
    let plain = bytes.iter().fold(true, |ok, b| ok & ((0x20..0x7f).contains(b) | (*b == b'\n')));
    if !plain {
        return text.split('\n').map(|line| wrap_text(line, width).len()).sum();
    }
    let mut lines = 0;
    let mut start = 0;
    loop {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        lines += count_plain_line(&bytes[start..end], width);
        if end == bytes.len() {
            return lines;
        }
        start = end + 1;
    }
}

/// `wrap_line`'s rule on a line of printable ASCII, counting: a word that fits goes on the
/// line; a run of spaces that does not fit breaks the line and is dropped; a word that does
/// not fit starts a new line, or, wider than a line, fills this one and goes on cut at the
/// width.
fn count_plain_line(line: &[u8], width: usize) -> usize {
    if line.len() <= width {
        // Everything fits: the common case, decided without looking at the words.
        return 1;
    }
    let (mut lines, mut used, mut at) = (1, 0, 0);
    let n = line.len();
    while at < n {
        let space = line[at] == b' ';
        let mut end = at + 1;
        while end < n && (line[end] == b' ') == space {
            end += 1;
        }
        let w = end - at;
        at = end;
        if used + w <= width {
            used += w;
        } else if space {
            lines += 1;
            used = 0;
        } else if w <= width {
            lines += 1;
            used = w;
        } else {
            // The word fills this line, then whole lines, then starts the last one.
            let first = width.saturating_sub(used);
            let rest = w - first;
            lines += rest.div_ceil(width);
            used = rest - (rest.div_ceil(width) - 1) * width;
        }
    }
    lines
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
        let w = drawn_width(word);
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
        self.push_long(word, dim, width, out);
    }

    /// A word wider than the line, cut at grapheme boundaries in one pass over it (cutting it
    /// by measuring what is left at every line made a 10 MB word take seconds).
    fn push_long(&mut self, word: &str, dim: bool, width: usize, out: &mut Vec<Vec<Segment>>) {
        if word.is_ascii() {
            let mut rest = word;
            while !rest.is_empty() {
                if self.used >= width {
                    self.break_line(out);
                }
                let (head, tail) = rest.split_at((width - self.used).min(rest.len()));
                self.push(head, dim, head.len());
                rest = tail;
            }
            return;
        }
        // The piece of the word on the current line: from `start`, `taken` columns so far.
        let (mut start, mut taken) = (0, 0);
        for g in Span::raw(word).styled_graphemes(Style::new()) {
            let at = g.symbol.as_ptr().addr() - word.as_ptr().addr();
            let w = usize::from(g.symbol.cell_width());
            // Something is on the line already, even of no width (a lone zero-width joiner).
            let started = self.used + taken > 0 || at > start || !self.segments.is_empty();
            if self.used + taken + w > width && started {
                // Not even one grapheme fits on an empty line (a wide one at width 1): it is
                // placed anyway, alone, and the next one breaks.
                if at > start {
                    self.push(&word[start..at], dim, taken);
                }
                self.break_line(out);
                (start, taken) = (at, 0);
            }
            taken += w;
        }
        if start < word.len() {
            self.push(&word[start..], dim, taken);
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

/// Columns `text` takes in the buffer: the sum over its graphemes.
fn drawn_width(text: &str) -> usize {
    // Sanitised ASCII is printable: one column per byte (the common case, kept fast).
    if text.is_ascii() {
        return text.len();
    }
    Span::raw(text).styled_graphemes(Style::new()).map(|g| usize::from(g.symbol.cell_width())).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

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
        // A lone zero-width joiner is on the line already: the wide character goes on the next.
        assert_eq!(plain(&wrap_text("\u{200d}世界", 1)), vec!["\u{200d}", "世", "界"]);
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
    fn halfwidth_sound_marks_and_emoji_sequences_take_the_columns_the_buffer_gives_them() {
        // The buffer draws "ｶﾞ" three columns wide (ratatui adds a column for the halfwidth
        // sound mark that unicode-width already counts): counted per character (two) the line
        // came out wider than the pane and its end was clipped.
        let lines = wrap_text("ｶﾞｷﾞｸﾞ", 6);
        assert_eq!(plain(&lines), vec!["ｶﾞｷﾞ", "ｸﾞ"]);
        // A family emoji is one grapheme of two columns, never split.
        let family = "👩\u{200d}👩\u{200d}👧";
        assert_eq!(plain(&wrap_text(&family.repeat(3), 4)), vec![family.repeat(2), family.to_string()]);
    }

    #[test]
    fn counting_gives_the_lines_wrapping_gives() {
        // Words, runs of spaces (some wider than the line), long words, blank lines.
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..300 {
            let text: String = (0..next(60))
                .map(|_| match next(10) {
                    0 => "\n".to_string(),
                    1 => " ".repeat(next(25) as usize + 1),
                    2 => "x".repeat(next(40) as usize + 1),
                    _ => "ab".repeat(next(4) as usize + 1) + " ",
                })
                .collect();
            let width = next(20) as usize;
            assert_eq!(count_lines(&text, width), wrap_text(&text, width).len(), "{text:?} at {width}");
        }
        assert_eq!(count_lines("a\tb\u{1b}c 世界", 3), wrap_text("a\tb\u{1b}c 世界", 3).len());
    }

    #[test]
    fn width_one_still_terminates_with_wide_characters() {
        assert_eq!(plain(&wrap_text("世a", 1)), vec!["世", "a"]);
    }
}
