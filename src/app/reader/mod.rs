//! View state of the transcript reader: the shown rollout wrapped to the pane width (message
//! bodies cached per width, long ones wrapped off the UI thread), the scroll offset and the
//! selected turn.

mod bodies;
mod folds;
mod lines;
mod meta;

use std::sync::Arc;

pub use bodies::{Bodies, Body, WRAP_ELSEWHERE, WRAP_LAZILY, Wrapped, wrap_body, wrap_message};
pub use lines::{LazyBody, ReaderLines};

use super::wrap::wrap_text;
use crate::load::TextFiles;
use crate::model::{Role, Rollout, RolloutSummary, ScoreValues, TextAt};
use crate::{load, sanitize};
use meta::meta_value_text;

/// A rollout read for the reader: its messages, with the index's per-turn scores on them (the
/// index holds those joined from `--scores` files too), and the hash of each turn's text. Made
/// on the executor's worker: for a huge rollout both take time the UI thread must not spend.
#[derive(Debug, Clone)]
pub struct ReadRollout {
    pub rollout: Arc<Rollout>,
    /// Empty while `hashes_later`: a huge rollout's turns are hashed after it is shown.
    pub turn_hashes: Arc<[String]>,
    pub hashes_later: bool,
    /// Bodies too long to wrap on the UI thread, wrapped already: (message, text width, body).
    pub bodies: Vec<(usize, usize, Body)>,
    /// The judge's texts of every turn, read from their files on the worker.
    pub texts: Arc<[TurnTexts]>,
    /// Why the judge's texts could not be read (a score file changed since it was loaded?).
    pub texts_problem: Option<String>,
}

impl ReadRollout {
    /// A decoded rollout made ready for the reader: the index's scores put on it, the turns
    /// hashed while the long bodies are wrapped to `text_width` (hashing is serial, so for a
    /// gigabyte message the wrapping takes the other cores meanwhile), and the judge's texts
    /// read from `text_files`. Runs on the executor's worker.
    pub fn prepared(
        mut rollout: Rollout,
        summary: &RolloutSummary,
        text_width: usize,
        text_files: &TextFiles,
    ) -> ReadRollout {
        crate::model::overlay_scores(&mut rollout, summary);
        let rollout = Arc::new(rollout);
        let long = (0..rollout.messages.len()).filter(|&m| bodies::wraps_elsewhere(&rollout.messages[m]));
        let long: Vec<usize> = long.collect();
        // Hashing is serial (a gigabyte takes a second): a huge rollout is shown first.
        let text: usize = rollout.turn_messages().iter().map(|&m| rollout.messages[m].text.len()).sum();
        let hashes_later = text >= HASH_LATER;
        let (turn_hashes, bodies) = rayon::join(
            || if hashes_later { Arc::from([]) } else { turn_hashes(&rollout) },
            || {
                let wrap = |&m: &usize| wrap_message(&rollout, m, text_width).map(|b| (m, text_width, b));
                long.iter().filter_map(wrap).collect()
            },
        );
        // Every text of the rollout: the reader picks those of the score shown. When a file
        // cannot be read, the texts held in memory are still shown, with why the rest are not.
        let names: Vec<&str> = summary.scores.iter().map(|s| &*s.name).collect();
        let (texts, texts_problem) = match load::read_texts(summary, text_files, &names) {
            Ok(texts) => (texts.into(), None),
            Err(problem) => (held_texts(summary), Some(sanitize::clean(&problem.to_string()).into_owned())),
        };
        ReadRollout { rollout, turn_hashes, hashes_later, bodies, texts, texts_problem }
    }
}

/// Rollouts whose turns hold this much text are shown before their turns are hashed.
pub const HASH_LATER: usize = 64 << 20;

/// The judge's texts the index holds itself (formats decoded whole keep them in memory).
fn held_texts(summary: &RolloutSummary) -> Arc<[TurnTexts]> {
    let held = |at: &Option<TextAt>| match at {
        Some(TextAt::Held(text)) => Some(text.to_string()),
        _ => None,
    };
    let texts = summary.scores.iter().filter_map(|s| match &s.values {
        ScoreValues::Text(at) => Some((s.name.clone(), at.iter().map(held).collect())),
        _ => None,
    });
    texts.collect()
}

/// The hash of each turn's text (a label's `text_hash`), in turn order.
pub fn turn_hashes(rollout: &Rollout) -> Arc<[String]> {
    rollout.turn_messages().iter().map(|&m| rollout.messages[m].text_hash()).collect()
}

/// What a reader line is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The rollout's id, source and metadata at the top.
    Meta,
    /// A message's role line (the UI adds turn number and scores).
    Header,
    Body,
    ToolCall,
    /// The model's reasoning before its answer (folded unless `z` unfolds it).
    Thinking,
    /// Where folded lines are: how many, and the key that shows them.
    Folded,
    /// A human label under a turn's header (or the rollout note under the metadata).
    Label,
    /// What the judge wrote about a turn (category, quote, rationale), under its header.
    Judge,
    Blank,
}

/// One wrapped line of the transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderLine {
    /// The message this line belongs to (`None` for the metadata block).
    pub message: Option<usize>,
    pub kind: LineKind,
    pub segments: Wrapped,
}

/// Label lines to show under each message's header (`None`: under the metadata).
pub type Annotations = std::collections::HashMap<Option<usize>, Vec<(LineKind, String)>>;

/// Per-turn texts of one judge field (index 0 is turn 1), read with the rollout.
pub use crate::load::TurnTexts;

/// Columns taken by the gutter that marks the selected turn.
pub const GUTTER: usize = 2;

/// The transcript reader pane.
#[derive(Debug, Clone, Default)]
pub struct TurnReader {
    /// Study index of the rollout shown (or being read).
    pub index: Option<usize>,
    pub rollout: Option<Arc<Rollout>>,
    /// Why the rollout could not be read.
    pub error: Option<String>,
    pub lines: ReaderLines,
    /// Width the lines are wrapped to.
    pub wrapped_width: usize,
    /// Header line of each message.
    pub message_lines: Vec<usize>,
    /// Message index of each turn (turn t is `turn_messages[t - 1]`).
    pub turn_messages: Vec<usize>,
    /// Hash of each turn's text, to tell whether a label is stale.
    pub turn_hashes: Arc<[String]>,
    /// The turns are being hashed (a huge rollout, shown first): labels wait for them.
    pub hashes_pending: bool,
    /// The judge's texts of every turn (quotes, rationales), read with the rollout.
    pub texts: Arc<[TurnTexts]>,
    pub texts_problem: Option<String>,
    pub scroll: usize,
    /// Selected turn, 1-based; 0 when the rollout has no turns.
    pub turn: usize,
    /// A turn to select once the rollout's text arrives.
    pub pending_turn: Option<usize>,
    /// Message bodies wrapped so far, and those asked of a worker.
    pub bodies: Bodies,
    /// Show messages only up to this index (spot-check mode cuts after the sampled turn).
    pub limit: Option<usize>,
    /// The header shows lists and objects in full (`m`), not collapsed to their size.
    pub meta_expanded: bool,
    /// Reasoning and long tool outputs shown in full (`z`), not folded.
    pub unfolded: bool,
}

impl TurnReader {
    /// Starts showing rollout `index` (its text arrives later with `set_rollout`).
    pub fn expect(&mut self, index: usize) {
        if self.index != Some(index) {
            let pending_turn = self.pending_turn.take();
            // Whether the header is expanded is the reader's way of reading, kept across rollouts.
            let (meta_expanded, unfolded) = (self.meta_expanded, self.unfolded);
            *self = TurnReader {
                index: Some(index),
                pending_turn,
                meta_expanded,
                unfolded,
                ..TurnReader::default()
            };
        }
    }

    /// Shows a decoded rollout, wrapped to `width`, with turn 1 selected.
    pub fn set_rollout(&mut self, read: ReadRollout, source: &str, width: usize, notes: &Annotations) {
        self.turn_messages = read.rollout.turn_messages();
        self.turn_hashes = read.turn_hashes;
        self.hashes_pending = read.hashes_later;
        self.texts = read.texts;
        self.texts_problem = read.texts_problem;
        for (message, width, body) in read.bodies {
            self.bodies.insert(message, width, body);
        }
        self.turn = usize::from(!self.turn_messages.is_empty());
        self.rollout = Some(read.rollout);
        self.error = None;
        self.scroll = 0;
        self.rewrap(source, width, notes);
    }

    /// Re-wraps for a new width or new labels, keeping the place in the text.
    pub fn rewrap(&mut self, source: &str, width: usize, notes: &Annotations) {
        let Some(rollout) = self.rollout.clone() else {
            return;
        };
        let anchor = self.line_message(self.scroll);
        let anchor_offset = anchor
            .and_then(|m| self.message_lines.get(m))
            .map_or(0, |start| self.scroll.saturating_sub(*start));
        self.lines.clear();
        self.message_lines.clear();
        self.wrapped_width = width;
        let text_width = width.saturating_sub(GUTTER).max(1);
        self.push_meta(&rollout, source, text_width, notes.get(&None));
        let shown = self.limit.map_or(rollout.messages.len(), |l| (l + 1).min(rollout.messages.len()));
        for (i, message) in rollout.messages.iter().enumerate().take(shown) {
            self.message_lines.push(self.lines.len());
            self.push(Some(i), LineKind::Header, Wrapped::default());
            for (kind, note) in notes.get(&Some(i)).into_iter().flatten() {
                for segments in wrap_text(note, text_width) {
                    self.push(Some(i), *kind, segments.into());
                }
            }
            match self.bodies.get(i, message, text_width) {
                Some(Body::Lines(lines)) => self.push_body(i, message.role, &lines),
                Some(Body::Lazy { text, calls }) => {
                    self.lines.push_lazy(i, text);
                    for (kind, line) in calls.iter() {
                        self.push(Some(i), *kind, line.clone());
                    }
                }
                None => self.push(Some(i), LineKind::Body, Bodies::placeholder(message)),
            }
            self.push(Some(i), LineKind::Blank, Wrapped::default());
        }
        if let Some(message) = anchor {
            self.scroll = self.message_lines.get(message).copied().unwrap_or(0) + anchor_offset;
            self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
        }
    }

    fn push_meta(
        &mut self,
        rollout: &Rollout,
        source: &str,
        width: usize,
        notes: Option<&Vec<(LineKind, String)>>,
    ) {
        let mut text = format!("{} · {}", rollout.id, source);
        let value = |v| if self.meta_expanded { meta::full_text(v) } else { meta_value_text(v) };
        let fields: Vec<String> = rollout.metadata.iter().map(|(k, v)| format!("{k}={}", value(v))).collect();
        if !fields.is_empty() {
            text.push('\n');
            text.push_str(&fields.join("  "));
        }
        let scores: Vec<String> = rollout
            .rollout_scores
            .iter()
            .map(|(n, v)| format!("{n}={}", v.map_or("–".to_string(), |x| format!("{x}"))))
            .collect();
        if !scores.is_empty() {
            text.push_str("\nscores: ");
            text.push_str(&scores.join("  "));
        }
        for segments in wrap_text(&text, width) {
            self.push(None, LineKind::Meta, segments.into());
        }
        for (kind, note) in notes.into_iter().flatten() {
            for segments in wrap_text(note, width) {
                self.push(None, *kind, segments.into());
            }
        }
        self.push(None, LineKind::Blank, Wrapped::default());
    }

    pub(super) fn push(&mut self, message: Option<usize>, kind: LineKind, segments: Wrapped) {
        self.lines.push(ReaderLine { message, kind, segments });
    }

    /// The message a line belongs to.
    pub fn line_message(&self, line: usize) -> Option<usize> {
        self.lines.message_of(line)
    }

    /// The message index of the selected turn.
    pub fn selected_message(&self) -> Option<usize> {
        self.turn.checked_sub(1).and_then(|t| self.turn_messages.get(t)).copied()
    }

    /// Lines `start..end` of message `index` (header to blank line).
    pub fn message_span(&self, index: usize) -> Option<(usize, usize)> {
        let start = *self.message_lines.get(index)?;
        let end = self.message_lines.get(index + 1).copied().unwrap_or(self.lines.len());
        Some((start, end))
    }

    /// Scrolls by `delta` lines within the content.
    pub fn scroll_by(&mut self, delta: isize, height: usize) {
        let max = self.lines.len().saturating_sub(height.max(1)) as isize;
        self.scroll = (self.scroll as isize + delta).clamp(0, max.max(0)) as usize;
    }

    /// Selects a turn (clamped) and scrolls so its header is in view with a line of context.
    pub fn select_turn(&mut self, turn: usize, height: usize) {
        if self.turn_messages.is_empty() {
            return;
        }
        self.turn = turn.clamp(1, self.turn_messages.len());
        self.show_message(self.turn_messages[self.turn - 1], height);
    }

    /// Scrolls so a message's header is visible, near the top when it had to move.
    pub fn show_message(&mut self, message: usize, height: usize) {
        let Some((start, end)) = self.message_span(message) else {
            return;
        };
        let fits = end - start <= height;
        if start < self.scroll || (start >= self.scroll + height) || (fits && end > self.scroll + height) {
            self.scroll = start.saturating_sub(1);
            self.scroll_by(0, height);
        }
    }

    /// Shows a message and, when it is an assistant turn, selects that turn.
    pub fn focus_message(&mut self, message: usize, height: usize) {
        self.show_message(message, height);
        if let Some(t) = self.turn_messages.iter().position(|&m| m == message) {
            self.turn = t + 1;
        }
    }

    /// After a scroll, selects the first turn in view if the selected one left the view.
    pub fn follow_scroll(&mut self, height: usize) {
        let Some(message) = self.selected_message() else {
            return;
        };
        let Some((start, end)) = self.message_span(message) else {
            return;
        };
        let view = self.scroll..self.scroll + height;
        if end > view.start && start < view.end {
            return;
        }
        let visible_turn = self
            .turn_messages
            .iter()
            .position(|&m| self.message_span(m).is_some_and(|(s, e)| e > view.start && s < view.end));
        if let Some(t) = visible_turn {
            self.turn = t + 1;
        }
    }

    /// The turn whose lines include `line`.
    pub fn turn_at_line(&self, line: usize) -> Option<usize> {
        let message = self.line_message(line)?;
        self.turn_messages.iter().position(|&m| m == message).map(|t| t + 1)
    }

    /// The role of a line's message.
    pub fn role_of(&self, line: &ReaderLine) -> Option<Role> {
        let rollout = self.rollout.as_ref()?;
        rollout.messages.get(line.message?).map(|m| m.role)
    }
}

#[cfg(test)]
mod prepared_tests {
    use super::*;
    use crate::model::{Hatch, Interner, Locator, Message};

    #[test]
    fn a_long_body_comes_wrapped_with_the_rollout_and_is_not_asked_for_again() {
        let mut rollout = Rollout::default();
        rollout.messages.push(Message::new(Role::User, "hi"));
        rollout.messages.push(Message::new(Role::Assistant, "x".repeat(WRAP_ELSEWHERE + 1)));
        let summary = RolloutSummary::from_rollout(
            &rollout,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        );
        let read = ReadRollout::prepared(rollout.clone(), &summary, 10, &Default::default());
        assert_eq!(read.turn_hashes[..], [rollout.messages[1].text_hash()]);
        assert_eq!(read.bodies.len(), 1, "the short message is left to the UI thread");
        assert_eq!(
            (read.bodies[0].0, read.bodies[0].1, read.bodies[0].2.len()),
            (1, 10, WRAP_ELSEWHERE / 10 + 1)
        );
        let mut reader = TurnReader::default();
        reader.set_rollout(read, "s", 10 + GUTTER, &Annotations::default());
        assert!(reader.bodies.wanted.is_empty(), "nothing left to wrap elsewhere");
    }
}
