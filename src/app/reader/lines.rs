//! The transcript's wrapped lines as runs: most lines are held one by one, but the body of a
//! huge message (a gigabyte of text would be tens of millions of lines) is one run that knows
//! only how many lines each block of its text wraps to, and wraps a block again when it is
//! drawn. Line numbers (scroll, spans of messages) work the same over both.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::bodies::Wrapped;
use super::{LineKind, ReaderLine};
use crate::app::wrap::{count_lines, wrap_text};
use crate::model::Rollout;

/// Bytes of text per block of a huge body (cut at a newline, else at a space, else at a
/// character boundary: a cut that is not at a newline may end a line early there).
pub const BLOCK: usize = 64 << 10;

/// A huge message body: its text, cut into blocks, with the lines each block wraps to.
#[derive(Debug)]
pub struct LazyBody {
    /// The rollout and the message whose text this is (shared, never copied).
    rollout: Arc<Rollout>,
    message: usize,
    width: usize,
    /// Byte where each block starts; the text's length closes the last.
    block_starts: Vec<usize>,
    /// First line of each block, and the total last.
    line_starts: Vec<usize>,
    /// The block wrapped last (drawing shows neighbouring lines, mostly of one block).
    cached: Mutex<Option<(usize, Vec<Wrapped>)>>,
}

impl LazyBody {
    /// Measures message `message`'s text at `width` (one pass; what a worker does for a huge
    /// message).
    pub fn measure(rollout: Arc<Rollout>, message: usize, width: usize) -> LazyBody {
        let text = rollout.messages.get(message).map_or("", |m| m.text.as_str());
        let mut block_starts = Vec::new();
        let mut start = 0;
        while start < text.len() || block_starts.is_empty() {
            block_starts.push(start);
            start = block_end(text, start);
        }
        // Blocks are measured on every core.
        let ends: Vec<usize> = block_starts.iter().skip(1).copied().chain([text.len()]).collect();
        let counts: Vec<usize> = block_starts
            .par_iter()
            .zip(&ends)
            .map(|(&start, &end)| count_lines(&text[start..end], width))
            .collect();
        let mut line_starts = vec![0];
        for count in counts {
            line_starts.push(line_starts[line_starts.len() - 1] + count);
        }
        LazyBody { rollout, message, width, block_starts, line_starts, cached: Mutex::new(None) }
    }

    fn text(&self) -> &str {
        self.rollout.messages.get(self.message).map_or("", |m| m.text.as_str())
    }

    /// Lines the body wraps to.
    pub fn len(&self) -> usize {
        self.line_starts.last().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Line `i` of the body.
    pub fn line(&self, i: usize) -> Wrapped {
        let block = self.line_starts.partition_point(|&s| s <= i).saturating_sub(1);
        let offset = i - self.line_starts[block];
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.as_ref().is_none_or(|(b, _)| *b != block) {
            let text = self.text();
            let start = self.block_starts[block];
            let end = self.block_starts.get(block + 1).copied().unwrap_or(text.len());
            let lines = wrap_text(&text[start..end], self.width).into_iter().map(Into::into).collect();
            *cached = Some((block, lines));
        }
        cached.as_ref().and_then(|(_, lines)| lines.get(offset).cloned()).unwrap_or_default()
    }
}

/// Where the block from `start` ends: at most `BLOCK` bytes on, after a newline where there
/// is one, else after a space, else at a character boundary.
fn block_end(text: &str, start: usize) -> usize {
    let limit = (start + BLOCK).min(text.len());
    if limit == text.len() {
        return limit;
    }
    let window = &text.as_bytes()[start..limit];
    let cut = memchr::memrchr(b'\n', window).or_else(|| memchr::memrchr(b' ', window));
    match cut {
        Some(at) if at > 0 => start + at + 1,
        _ => (start + 1..=limit).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(limit),
    }
}

/// A run of lines: one held line, or a huge body's lines.
#[derive(Debug, Clone)]
enum Run {
    One(ReaderLine),
    Lazy { message: usize, body: Arc<LazyBody> },
}

impl Run {
    fn len(&self) -> usize {
        match self {
            Run::One(_) => 1,
            Run::Lazy { body, .. } => body.len(),
        }
    }
}

/// The reader's lines, addressed by line number.
#[derive(Debug, Clone, Default)]
pub struct ReaderLines {
    runs: Vec<Run>,
    /// First line number of each run.
    starts: Vec<usize>,
    len: usize,
}

impl ReaderLines {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        *self = ReaderLines::default();
    }

    pub fn push(&mut self, line: ReaderLine) {
        self.push_run(Run::One(line));
    }

    /// A huge body's lines, made when drawn.
    pub fn push_lazy(&mut self, message: usize, body: Arc<LazyBody>) {
        if !body.is_empty() {
            self.push_run(Run::Lazy { message, body });
        }
    }

    fn push_run(&mut self, run: Run) {
        self.starts.push(self.len);
        self.len += run.len();
        self.runs.push(run);
    }

    fn locate(&self, i: usize) -> Option<(&Run, usize)> {
        if i >= self.len {
            return None;
        }
        let at = self.starts.partition_point(|&s| s <= i) - 1;
        Some((&self.runs[at], i - self.starts[at]))
    }

    /// Line `i`.
    pub fn get(&self, i: usize) -> Option<ReaderLine> {
        Some(match self.locate(i)? {
            (Run::One(line), _) => line.clone(),
            (Run::Lazy { message, body }, offset) => {
                ReaderLine { message: Some(*message), kind: LineKind::Body, segments: body.line(offset) }
            }
        })
    }

    /// The message line `i` belongs to.
    pub fn message_of(&self, i: usize) -> Option<usize> {
        match self.locate(i)? {
            (Run::One(line), _) => line.message,
            (Run::Lazy { message, .. }, _) => Some(*message),
        }
    }

    /// Lines `start..start + count` (fewer at the end).
    pub fn window(&self, start: usize, count: usize) -> Vec<ReaderLine> {
        (start..(start + count).min(self.len)).filter_map(|i| self.get(i)).collect()
    }

    /// Every line, made one by one (tests, and small transcripts).
    pub fn iter(&self) -> impl Iterator<Item = ReaderLine> + '_ {
        (0..self.len).filter_map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &Wrapped) -> String {
        line.iter().map(|s| s.text.as_str()).collect()
    }

    fn measure(text: &str, width: usize) -> LazyBody {
        let message = crate::model::Message::new(crate::model::Role::Assistant, text);
        let rollout = Rollout { messages: vec![message], ..Rollout::default() };
        LazyBody::measure(Arc::new(rollout), 0, width)
    }

    #[test]
    fn a_lazy_body_gives_the_lines_wrapping_gives() {
        let text: String = (0..40_000).map(|i| format!("word{i} ")).collect::<String>() + "\nend";
        let body = measure(&text, 30);
        let whole = wrap_text(&text, 30);
        // Blocks are cut at spaces, where wrapping may break anyway: the lines agree but for
        // a line ended early at a cut.
        assert!(body.block_starts.len() > 3, "several blocks");
        assert!(body.len().abs_diff(whole.len()) < body.block_starts.len());
        assert_eq!(plain(&body.line(0)), "word0 word1 word2 word3 word4");
        assert_eq!(plain(&body.line(body.len() - 1)), "end");
        let all: String = (0..body.len()).map(|i| plain(&body.line(i))).collect::<Vec<_>>().join(" ");
        assert_eq!(all.split_whitespace().count(), 40_001, "every word is on some line");
    }

    #[test]
    fn runs_are_addressed_by_line_number() {
        let line =
            |m: usize| ReaderLine { message: Some(m), kind: LineKind::Header, segments: Wrapped::default() };
        let mut lines = ReaderLines::default();
        lines.push(line(0));
        lines.push_lazy(1, Arc::new(measure("a b c d e f", 3)));
        lines.push(line(2));
        assert_eq!(lines.len(), 1 + 3 + 1);
        assert_eq!(lines.message_of(2), Some(1));
        assert_eq!(lines.message_of(4), Some(2));
        assert_eq!(lines.message_of(5), None);
        let window: Vec<String> = lines.window(1, 3).iter().map(|l| plain(&l.segments)).collect();
        assert_eq!(window, ["a b", "c d", "e f"]);
    }
}
