//! The annotator's label file as the executor writes it: changes in order, each fsync'd and
//! acknowledged (`LabelWritten(Ok)`) before it counts as saved; a failed write is reported
//! (`LabelWritten(Err)`) and retried, and the changes after it wait their turn. A file found
//! read-only at the first write (the lock held, the folder not writable) is reported once
//! (`LabelsReadOnly`) and nothing is retried.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use super::outbox::Outbox;
use crate::app::{LabelsOpened, Msg};
use crate::model::{LabelRecord, Limit};
use crate::store::file::{self, AppendError, LabelWriter};
use crate::store::stamp;

/// The annotator's label file: read at the start, created and locked at the first write.
#[derive(Debug)]
pub struct LabelStore {
    writer: LabelWriter,
}

impl LabelStore {
    /// Reads the annotator's file in `dir` and the other annotators' files beside it, writing
    /// nothing, each `limit` at most. `study` is the paths the study is opened from (none for
    /// the demo).
    pub fn open(dir: &Path, annotator: &str, study: &[PathBuf], limit: Limit) -> (LabelStore, LabelsOpened) {
        let opened = file::open(dir, annotator, study, limit);
        let (others, other_warnings) = file::read_others(dir, annotator, limit);
        let mut warnings = opened.warnings;
        warnings.extend(other_warnings);
        let message = LabelsOpened {
            path: file::label_path(dir, annotator).display().to_string(),
            records: opened.records,
            others,
            warnings,
            read_only: opened.read_only,
            exists: opened.exists,
        };
        (LabelStore { writer: opened.writer }, message)
    }

    /// Stamps the time and appends the record, fsync'd.
    pub fn write(&mut self, mut record: LabelRecord) -> Result<(), AppendError> {
        if record.time.is_empty() {
            record.time = stamp::now_utc();
        }
        self.writer.append(&record)
    }
}

/// What one attempt to write the waiting changes came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Every waiting change is on disk.
    Saved,
    /// A write failed: it and the changes after it wait for a retry.
    Failed,
    /// Labels turned out read-only: the waiting changes were dropped (the app keeps them in
    /// memory and says they are not saved).
    ReadOnly,
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
            let (msg, flush) = match self.store.write(record.clone()) {
                Ok(()) => (Msg::LabelWritten(Ok(())), None),
                Err(AppendError::ReadOnly(reason)) => {
                    self.waiting.clear();
                    (Msg::LabelsReadOnly(reason), Some(Flush::ReadOnly))
                }
                Err(e) => (Msg::LabelWritten(Err(e.to_string())), Some(Flush::Failed)),
            };
            if !outbox.post(msg) {
                return Flush::AppGone;
            }
            if let Some(flush) = flush {
                return flush;
            }
            self.waiting.pop_front();
        }
        Flush::Saved
    }
}
