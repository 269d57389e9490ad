//! Reading a rollout into the reader: from the cache of recent reads or by asking the
//! executor, showing it when it arrives (and, for a huge one, its turns' hashes after), keys
//! pressed meanwhile replayed once it is there.

use std::sync::Arc;

use super::reader::{self, ReadRollout};
use super::{App, CACHE_SIZE, Effect, Outcome};

impl App {
    /// Makes the reader show the selected rollout, reading it if it is not cached.
    pub(crate) fn open_selected(&mut self, out: &mut Outcome) {
        if let Some(index) = self.list.selected_rollout() {
            self.open_rollout(index, out);
        }
    }

    /// Makes the reader show rollout `index`, reading it if it is not cached.
    pub(crate) fn open_rollout(&mut self, index: usize, out: &mut Outcome) {
        if self.reader.index == Some(index) {
            self.apply_pending_turn();
            return;
        }
        // Keys held for another rollout (a label waiting for its hashes) must not land here.
        self.deferred_keys.clear();
        self.reader.expect(index);
        if let Some(rollout) = self.cached(index) {
            self.show_rollout(index, rollout);
            return;
        }
        out.effects.extend(self.read_effect(index, self.areas().reader_columns()));
    }

    /// The read of rollout `index` for a reader `columns` wide (a huge body is wrapped to it
    /// while the turns are hashed).
    pub(super) fn read_effect(&self, index: usize, columns: usize) -> Option<Effect> {
        let (summary, source) = (self.study.rollouts.get(index)?, self.study.source_of(index)?);
        Some(Effect::ReadRollout {
            index,
            source: source.clone(),
            summary: Box::new(summary.clone()),
            text_width: columns.saturating_sub(reader::GUTTER).max(1),
            text_files: self.study.text_files.clone(),
        })
    }

    /// The file rollout `index` came from, as the reader's heading names it.
    pub(super) fn source_name(&self, index: usize) -> String {
        self.study.source_of(index).map(|s| s.display.clone()).unwrap_or_default()
    }

    /// A rollout read recently, if it is still cached.
    pub(super) fn cached(&self, index: usize) -> Option<ReadRollout> {
        self.cache.iter().find(|(i, _)| *i == index).map(|(_, rollout)| rollout.clone())
    }

    pub(super) fn on_rollout_read(&mut self, index: usize, result: Result<ReadRollout, String>) {
        match result {
            Ok(rollout) => {
                self.cache.retain(|(i, _)| *i != index);
                self.cache.push((index, rollout.clone()));
                if self.cache.len() > CACHE_SIZE {
                    self.cache.remove(0);
                }
                if self.reader.index == Some(index) {
                    self.show_rollout(index, rollout);
                }
            }
            Err(message) if self.reader.index == Some(index) => self.reader.error = Some(message),
            Err(_) => {}
        }
    }

    pub(super) fn show_rollout(&mut self, index: usize, rollout: ReadRollout) {
        let source = self.source_name(index);
        let width = self.areas().reader_columns();
        self.reader.texts_problem = rollout.texts_problem.clone();
        let notes = self.annotations(index, &rollout.rollout, &rollout.turn_hashes, &rollout.texts);
        self.reader.set_rollout(rollout, &source, width, &notes);
        self.apply_pending_turn();
        self.apply_review_cut();
        if let Some((r, message)) = self.search.current
            && r as usize == index
        {
            self.reader.focus_message(message as usize, self.areas().reader_rows());
        }
    }

    /// The reader is waiting for its rollout's text.
    pub fn reader_is_loading(&self) -> bool {
        self.reader.index.is_some() && self.reader.rollout.is_none() && self.reader.error.is_none()
    }

    /// The reader is waiting for its rollout's text or, for a huge one shown first, for its
    /// turns' hashes (labels need them).
    pub fn reader_is_waiting(&self) -> bool {
        self.reader_is_loading() || self.reader.hashes_pending
    }

    /// Keys pressed while the reader waited, once it no longer does.
    pub(super) fn replay_deferred_keys(&mut self, out: &mut Outcome) {
        if !self.reader_is_waiting() && !self.deferred_keys.is_empty() {
            self.toast = None;
            for key in std::mem::take(&mut self.deferred_keys) {
                self.on_key(key, out);
            }
        }
    }

    /// A huge rollout's turns, hashed after it was shown: labels can now be made and checked.
    pub(super) fn on_turns_hashed(&mut self, index: usize, hashes: Arc<[String]>) {
        if let Some((_, read)) = self.cache.iter_mut().find(|(i, _)| *i == index) {
            (read.turn_hashes, read.hashes_later) = (hashes.clone(), false);
        }
        if self.reader.index == Some(index) {
            (self.reader.turn_hashes, self.reader.hashes_pending) = (hashes, false);
            self.rewrap_reader();
        }
    }

    /// Selects the turn asked for before the rollout's text arrived.
    pub(crate) fn apply_pending_turn(&mut self) {
        if self.reader.rollout.is_some()
            && let Some(turn) = self.reader.pending_turn.take()
        {
            self.reader.select_turn(turn, self.areas().reader_rows());
        }
    }

    /// Re-wraps the reader (after a resize or a label change).
    pub(crate) fn rewrap_reader(&mut self) {
        let (Some(index), Some(rollout)) = (self.reader.index, self.reader.rollout.clone()) else {
            return;
        };
        let source = self.source_name(index);
        let notes = self.annotations(index, &rollout, &self.reader.turn_hashes, &self.reader.texts);
        self.reader.rewrap(&source, self.areas().reader_columns(), &notes);
    }
}
