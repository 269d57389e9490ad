//! Carrying out effects. The runtime runs these on worker threads; tests run them inline, so
//! both go through the same code.

use std::path::Path;
use std::sync::Arc;

use super::{Effect, LabelsOpened, Msg};
use crate::model::LabelRecord;
use crate::sanitize;
use crate::search;
use crate::store::file::{self, LabelWriter};
use crate::store::stamp;

/// Performs a read or a search and returns the message it produces. `cancelled` lets a long
/// search stop when a newer one starts. Label writes go through `LabelStore`.
pub fn perform(effect: Effect, cancelled: &(dyn Fn() -> bool + Sync)) -> Option<Msg> {
    match effect {
        Effect::ReadRollout { index, source, locator, id } => {
            let result = source
                .read_rollout(&locator, &id)
                .map(Arc::new)
                .map_err(|p| sanitize::clean(&p.to_string()).into_owned());
            Some(Msg::RolloutRead { index, result })
        }
        Effect::Search { generation, query, plan } => {
            Some(Msg::SearchDone { generation, hits: search::search(&plan, &query, cancelled) })
        }
        Effect::WriteLabel(_) => Some(Msg::LabelWritten(Err("no label store is open".into()))),
        Effect::ComputeStats { generation, input } => {
            let (stats, human) = super::stats_view::compute(&input);
            Some(Msg::StatsReady { generation, stats: Box::new(stats), human })
        }
        Effect::Quit => None,
    }
}

/// The annotator's open label file (absent when read-only).
#[derive(Debug)]
pub struct LabelStore {
    writer: Option<LabelWriter>,
}

impl LabelStore {
    /// Opens the annotator's file in `dir` and reads the other annotators' files beside it.
    pub fn open(dir: &Path, annotator: &str) -> (LabelStore, LabelsOpened) {
        let opened = file::open(dir, annotator);
        let (others, other_warnings) = file::read_others(dir, annotator);
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
