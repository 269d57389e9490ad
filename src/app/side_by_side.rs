//! Side by side (`=`): the selected rollout and its counterpart in another group — the rollout
//! sharing its pairing field's value (`--pair-on`, else the first of [`PAIR_FIELDS`] it has) —
//! as two transcripts aligned on the same turn and scrolled together, with both score curves
//! in one chart. Several counterparts (five rollouts per prompt and condition) are cycled.

use super::layout::SideAreas;
use super::reader::{ReadRollout, TurnReader};
use super::{App, Modal, Outcome};
use crate::app::action::Action;
use crate::metrics::study::{group_value, value_text};
use crate::model::names;

/// The fields that pair rollouts across groups when `--pair-on` is not given, in order.
pub const PAIR_FIELDS: [&str; 4] = ["prompt_id", "task_id", "question_id", "sample_id"];

/// Two transcripts aligned on one turn.
#[derive(Debug, Clone)]
pub struct SideBySide {
    /// The pairing field and the value both rollouts share.
    pub field: String,
    pub value: String,
    pub left: TurnReader,
    pub right: TurnReader,
    /// Rollouts with the value in another group, in study order; `at` is the one shown.
    pub candidates: Vec<usize>,
    pub at: usize,
    /// The turn both sides start at (1-based), and the lines scrolled below its start.
    pub turn: usize,
    pub offset: usize,
}

impl SideBySide {
    /// The most turns either side has.
    pub fn max_turn(&self) -> usize {
        self.left.turn_messages.len().max(self.right.turn_messages.len())
    }

    /// Scrolls each side to the start of `self.turn` (the message after the previous turn's
    /// answer, so the prompt the turn answers is on screen) plus `self.offset` lines.
    fn align(&mut self) {
        let room = |side: &TurnReader| side.lines.len().saturating_sub(turn_start(side, self.turn) + 1);
        self.offset = self.offset.min(room(&self.left).max(room(&self.right)));
        let (turn, offset) = (self.turn, self.offset);
        for side in [&mut self.left, &mut self.right] {
            let start = turn_start(side, turn);
            side.scroll = (start + offset).min(side.lines.len().saturating_sub(1));
            side.turn = turn.min(side.turn_messages.len());
        }
    }
}

/// The first line of turn `turn`'s exchange in a reader.
fn turn_start(reader: &TurnReader, turn: usize) -> usize {
    if turn <= 1 {
        return 0;
    }
    let previous = reader.turn_messages.get(turn - 2).copied();
    let Some(previous) = previous else { return reader.lines.len() };
    reader.message_lines.get(previous + 1).copied().unwrap_or(reader.lines.len())
}

impl App {
    /// The field pairing rollout `index` with others: `--pair-on`, else the first of
    /// [`PAIR_FIELDS`] it has.
    fn pairing_field(&self, index: usize) -> Option<String> {
        if let Some(field) = &self.settings.pair_on {
            return Some(field.clone());
        }
        let summary = self.study.rollouts.get(index)?;
        PAIR_FIELDS.iter().find(|f| summary.meta(f).is_some()).map(|f| f.to_string())
    }

    pub(super) fn open_side_by_side(&mut self, out: &mut Outcome) {
        let (Some(index), Some(rollout)) = (self.reader.index, self.reader.rollout.clone()) else {
            self.toast = Some("open a rollout first".into());
            return;
        };
        let Some(field) = self.pairing_field(index) else {
            self.toast = Some(format!(
                "no field pairs this rollout with another: give --pair-on FIELD (none of {})",
                PAIR_FIELDS.join(", ")
            ));
            return;
        };
        let by = self.grouping();
        let group_of = |i: usize| -> Vec<String> {
            by.iter().map(|f| value_text(&group_value(&self.study.rollouts[i], f))).collect()
        };
        let value = group_value(&self.study.rollouts[index], &field);
        if value.is_null() {
            let known = self.study.grouping_fields();
            self.toast = Some(match names::check(Some("--pair-on"), [field.as_str()], &known) {
                Err(error) => error.to_string(),
                Ok(()) => format!("this rollout has no {field}"),
            });
            return;
        }
        let own = group_of(index);
        let candidates: Vec<usize> = (0..self.study.rollouts.len())
            .filter(|&i| i != index && group_value(&self.study.rollouts[i], &field) == value)
            .filter(|&i| by.is_empty() || group_of(i) != own)
            .collect();
        let value = value_text(&value);
        if candidates.is_empty() {
            self.toast = Some(format!("no rollout of another group has {field}={value}"));
            return;
        }
        let read = ReadRollout {
            rollout,
            turn_hashes: self.reader.turn_hashes.clone(),
            hashes_later: self.reader.hashes_pending,
            bodies: Vec::new(),
            texts: self.reader.texts.clone(),
            texts_problem: self.reader.texts_problem.clone(),
        };
        let mut left = TurnReader::default();
        left.expect(index);
        let turn = self.reader.turn.max(1);
        let view = SideBySide {
            field,
            value,
            left,
            right: TurnReader::default(),
            candidates,
            at: 0,
            turn,
            offset: 0,
        };
        self.modal = Some(Modal::SideBySide(Box::new(view)));
        self.show_side(true, read);
        self.open_counterpart(out);
    }

    /// Shows the counterpart `at` points to, reading it unless it is cached.
    fn open_counterpart(&mut self, out: &mut Outcome) {
        let Some(Modal::SideBySide(view)) = &mut self.modal else { return };
        let index = view.candidates[view.at];
        view.right = TurnReader::default();
        view.right.expect(index);
        if let Some(read) = self.cached(index) {
            self.show_side(false, read);
            return;
        }
        let columns = SideAreas::of(self.size.0, self.size.1).text_columns();
        out.effects.extend(self.read_effect(index, columns));
    }

    /// A rollout read (or failed) while the view waits for it as the counterpart.
    pub(super) fn on_counterpart_read(&mut self, index: usize, result: &Result<ReadRollout, String>) {
        let Some(Modal::SideBySide(view)) = &mut self.modal else { return };
        if view.right.index != Some(index) || view.right.rollout.is_some() {
            return;
        }
        match result {
            Ok(read) => self.show_side(false, read.clone()),
            Err(message) => view.right.error = Some(message.clone()),
        }
    }

    /// Puts a read rollout on one side, wrapped to the side's width, and aligns both.
    fn show_side(&mut self, left: bool, read: ReadRollout) {
        let Some(Modal::SideBySide(view)) = &self.modal else { return };
        let reader = if left { &view.left } else { &view.right };
        let Some(index) = reader.index else { return };
        let notes = self.annotations(index, &read.rollout, &read.turn_hashes, &read.texts);
        let source = self.source_name(index);
        let width = SideAreas::of(self.size.0, self.size.1).text_columns();
        let Some(Modal::SideBySide(view)) = &mut self.modal else { return };
        let reader = if left { &mut view.left } else { &mut view.right };
        reader.set_rollout(read, &source, width, &notes);
        view.align();
    }

    /// Re-wraps both sides (after a resize, or a score name change).
    pub(super) fn rewrap_sides(&mut self) {
        let Some(Modal::SideBySide(view)) = &self.modal else { return };
        let mut wrapped = Vec::new();
        for reader in [&view.left, &view.right] {
            if let (Some(index), Some(rollout)) = (reader.index, &reader.rollout) {
                let notes = self.annotations(index, rollout, &reader.turn_hashes, &reader.texts);
                let source = self.source_name(index);
                wrapped.push(Some((source, notes)));
            } else {
                wrapped.push(None);
            }
        }
        let width = SideAreas::of(self.size.0, self.size.1).text_columns();
        let Some(Modal::SideBySide(view)) = &mut self.modal else { return };
        for (reader, how) in [&mut view.left, &mut view.right].into_iter().zip(wrapped) {
            if let Some((source, notes)) = how {
                reader.rewrap(&source, width, &notes);
            }
        }
        view.align();
    }

    /// Keys of the side-by-side view: scroll both, move both by a turn, cycle the counterpart.
    pub(super) fn on_side_by_side_action(&mut self, action: Action, out: &mut Outcome) {
        let rows = SideAreas::of(self.size.0, self.size.1).text_rows();
        let page = (rows / 2).max(1);
        let Some(Modal::SideBySide(view)) = &mut self.modal else { return };
        let max_turn = view.max_turn().max(1);
        match action {
            Action::Down => view.offset += 1,
            Action::Up => view.offset = view.offset.saturating_sub(1),
            Action::PageDown => view.offset += page,
            Action::PageUp => view.offset = view.offset.saturating_sub(page),
            Action::NextTurn => (view.turn, view.offset) = ((view.turn + 1).min(max_turn), 0),
            Action::PrevTurn => (view.turn, view.offset) = (view.turn.saturating_sub(1).max(1), 0),
            Action::Top => (view.turn, view.offset) = (1, 0),
            Action::Bottom => (view.turn, view.offset) = (max_turn, 0),
            Action::NextCounterpart | Action::PrevCounterpart => {
                let n = view.candidates.len();
                let step = if action == Action::NextCounterpart { 1 } else { n - 1 };
                view.at = (view.at + step) % n;
                self.open_counterpart(out);
                return;
            }
            Action::NextScoreName => {
                self.next_score_name(out);
                self.rewrap_sides();
                return;
            }
            _ => {
                self.modal = None;
                return;
            }
        }
        view.align();
    }
}
