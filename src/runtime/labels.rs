//! The annotator's label file as the executor writes it: changes in order, each fsync'd and
//! acknowledged (`LabelWritten(Ok)`) before it counts as saved; a failed write is reported
//! (`LabelWritten(Err)`) and retried, and the changes after it wait their turn.

use std::collections::VecDeque;
use std::path::Path;

use super::outbox::Outbox;
use crate::app::{LabelsOpened, Msg};
use crate::model::{LabelRecord, Limit};
use crate::store::file::{self, LabelWriter};
use crate::store::stamp;

/// The annotator's open label file (no writer when read-only).
#[derive(Debug)]
pub struct LabelStore {
    writer: Option<LabelWriter>,
}

impl LabelStore {
    /// Opens the annotator's file in `dir` and reads the other annotators' files beside it,
    /// each `limit` at most.
    pub fn open(dir: &Path, annotator: &str, limit: Limit) -> (LabelStore, LabelsOpened) {
        let opened = file::open(dir, annotator, limit);
        let (others, other_warnings) = file::read_others(dir, annotator, limit);
        let mut warnings = opened.warnings;
        warnings.extend(other_warnings);
        let message = LabelsOpened {
            path: file::label_path(dir, annotator).display().to_string(),
            records: opened.records,
            others,
            warnings,
            read_only: opened.read_only,
        };
        (LabelStore { writer: opened.writer }, message)
    }

    /// Stamps the time and appends the record, fsync'd.
    pub fn write(&mut self, mut record: LabelRecord) -> Result<(), String> {
        if record.time.is_empty() {
            record.time = stamp::now_utc();
        }
        let Some(writer) = &mut self.writer else {
            return Err("labels are read-only this session".into());
        };
        writer.append(&record).map_err(|e| format!("cannot save label to {}: {e}", writer.path().display()))
    }
}

/// What one attempt to write the waiting changes came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Every waiting change is on disk.
    Saved,
    /// A write failed: it and the changes after it wait for a retry.
    Failed,
    /// The app has quit; nobody is listening.
    AppGone,
}

/// Label changes waiting to be written, in order.
#[derive(Debug)]
pub struct LabelQueue {
    store: LabelStore,
    waiting: VecDeque<LabelRecord>,
}

impl LabelQueue {
    pub fn new(store: LabelStore) -> LabelQueue {
        LabelQueue { store, waiting: VecDeque::new() }
    }

    pub fn push(&mut self, record: LabelRecord) {
        self.waiting.push_back(record);
    }

    /// Whether a failed write waits for a retry.
    pub fn waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Writes the waiting changes in order, acknowledging each; stops at the first failure.
    pub fn flush(&mut self, outbox: &Outbox) -> Flush {
        while let Some(record) = self.waiting.front() {
            let result = self.store.write(record.clone());
            let ok = result.is_ok();
            if !outbox.post(Msg::LabelWritten(result)) {
                return Flush::AppGone;
            }
            if !ok {
                return Flush::Failed;
            }
            self.waiting.pop_front();
        }
        Flush::Saved
    }
}
