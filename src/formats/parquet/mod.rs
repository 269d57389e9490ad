//! Parquet rollouts: a file with a list-of-struct messages column (`messages`, `conversation`,
//! `conversations`, with `role`/`content` or `from`/`value`), one rollout per row, as Hugging
//! Face serves chat datasets and `export --to parquet-rollouts` writes them. The other columns
//! are metadata; a list column aligned with the assistant turns is a per-turn score when the
//! footer names it (`rollscope.turn_scores`) or `--turn-array` does. Rows are read a run at a
//! time (`read_rows`), each decoded through the chat decoder, so a row opens exactly as the
//! same object in a JSONL file would.

mod fast;
mod guard;
mod layout;
pub mod scores;
mod value;

pub use layout::Layout;

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};
use parquet::file::metadata::PageIndexPolicy;
use serde_json::{Map, Value};

use super::chat_index::IndexContext;
use crate::model::{Interner, Locator, Problem, Rollout, RolloutSummary};

/// Whether a file's first bytes are Parquet's magic number.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

/// An open Parquet file of rollouts: its footer read, its layout told.
#[derive(Debug)]
pub struct ParquetRollouts {
    path: PathBuf,
    display: String,
    /// The name stand-in ids are made of (`<file>:<row>`).
    file_name: String,
    metadata: ArrowReaderMetadata,
    layout: Layout,
    /// The first row of each row group, and the total after the last.
    starts: Vec<usize>,
    /// Whether pages can be skipped without reading them (the file has an offset index).
    indexed_pages: bool,
}

/// Rows decoded at a time: a batch holds this many rows' text.
const BATCH: usize = 256;

impl ParquetRollouts {
    /// Reads the footer and tells the layout; opening problems (columns not read) come back
    /// beside it. A file that is not Parquet, is cut short or has no messages column is an
    /// error naming it.
    pub fn open(
        path: &Path,
        display: &str,
        file_name: &str,
        turn_array: Option<&str>,
    ) -> Result<(ParquetRollouts, Vec<Problem>), Problem> {
        let file = open_file(path, display)?;
        let options = ArrowReaderOptions::new().with_offset_index_policy(PageIndexPolicy::Optional);
        let metadata = guard::guarded(|| ArrowReaderMetadata::load(&file, options))
            .map_err(|e| Problem::file(display, e))?
            .map_err(|e| Problem::file(display, not_parquet(&file, e)))?;
        let footer = metadata.metadata().file_metadata().key_value_metadata();
        let (layout, warnings) = Layout::of(metadata.schema(), footer.map(Vec::as_slice), turn_array)
            .map_err(|message| Problem::file(display, message))?;
        let mut starts = vec![0usize];
        for group in metadata.metadata().row_groups() {
            let rows = usize::try_from(group.num_rows()).unwrap_or(0);
            starts.push(starts.last().copied().unwrap_or(0) + rows);
        }
        let indexed_pages = metadata.metadata().page_index().is_some();
        let problems = warnings.into_iter().map(|w| Problem::file(display, w).warning()).collect();
        let this = ParquetRollouts {
            path: path.to_path_buf(),
            display: display.to_string(),
            file_name: file_name.to_string(),
            metadata,
            layout,
            starts,
            indexed_pages,
        };
        Ok((this, problems))
    }

    /// The same file read without the fast path: every row decoded whole (the differential
    /// test's reference).
    pub fn without_fast_path(mut self) -> ParquetRollouts {
        self.layout.fast = None;
        self
    }

    /// Whether rows are indexed from the arrays without decoding them whole.
    pub fn has_fast_path(&self) -> bool {
        self.layout.fast.is_some()
    }

    /// How many rows (rollouts) the file holds.
    pub fn rows(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// Ranges of rows that read well on their own: within one row group, and, when pages can
    /// be skipped unread, at most `run` rows; the first is short, for the first screen.
    pub fn runs(&self, run: usize, first: usize) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for group in self.starts.windows(2) {
            let (mut at, end) = (group[0], group[1]);
            let size = if self.indexed_pages { run } else { (end - at).div_ceil(2).max(1) };
            while at < end {
                let size = if out.is_empty() { first.min(size) } else { size };
                out.push(at..(at + size).min(end));
                at += size;
            }
        }
        out
    }

    /// Decodes rows `rows` (within one row group), giving each to `each` with its row number:
    /// the rollout, or the problem that row has. An error is the file failing to read.
    pub fn read_rows(
        &self,
        rows: Range<usize>,
        each: &mut dyn FnMut(usize, Result<Rollout, Problem>),
    ) -> Result<(), Problem> {
        self.scan(rows, &mut |batch, i, row| each(row, self.decode(batch, i, row)))
    }

    /// Indexes rows `rows` (within one row group): each row's index entry straight from the
    /// arrays where the layout allows (`fast`), else from the rollout decoded whole.
    pub fn index_rows(
        &self,
        rows: Range<usize>,
        ctx: &IndexContext,
        strings: &mut Interner,
        each: &mut dyn FnMut(usize, Result<RolloutSummary, Problem>),
    ) -> Result<(), Problem> {
        let fast = self.layout.fast.as_ref().filter(|_| !ctx.hash_turns);
        self.scan(rows, &mut |batch, i, row| {
            let fallback = || super::fields::stand_in_id(&self.file_name, Some(row as u64));
            let locator = Locator::Entry(row as u32);
            let indexed = match fast.and_then(|f| f.index(batch, i, ctx, strings, &fallback, locator.clone()))
            {
                Some(summary) => Ok(summary),
                None => self
                    .decode(batch, i, row)
                    .map(|r| super::chat_index::summary_of(&r, ctx, locator, strings)),
            };
            each(row, indexed);
        })
    }

    /// Reads rows `rows` (within one row group) a batch at a time, calling `each` with the
    /// batch, the row's place in it and its row number; a panic inside arrow-rs is an error.
    fn scan(
        &self,
        rows: Range<usize>,
        each: &mut dyn FnMut(&RecordBatch, usize, usize),
    ) -> Result<(), Problem> {
        let start = rows.start;
        guard::guarded(|| self.scan_unguarded(rows, each)).map_err(|e| self.broken(start, e))?
    }

    fn scan_unguarded(
        &self,
        rows: Range<usize>,
        each: &mut dyn FnMut(&RecordBatch, usize, usize),
    ) -> Result<(), Problem> {
        let group = self.starts.partition_point(|&s| s <= rows.start).saturating_sub(1);
        let group_start = self.starts[group];
        let selection = RowSelection::from(vec![
            RowSelector::skip(rows.start - group_start),
            RowSelector::select(rows.end.min(self.starts[group + 1]) - rows.start),
        ]);
        let file = open_file(&self.path, &self.display)?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
            .with_row_groups(vec![group])
            .with_row_selection(selection)
            .with_batch_size(BATCH)
            .build()
            .map_err(|e| self.broken(rows.start, e))?;
        let mut row = rows.start;
        for batch in reader {
            let batch = batch.map_err(|e| self.broken(row, e))?;
            for i in 0..batch.num_rows() {
                each(&batch, i, row);
                row += 1;
            }
        }
        Ok(())
    }

    /// Decodes one row again (a rollout being shown).
    pub fn read_row(&self, row: usize) -> Result<Rollout, Problem> {
        let mut out = None;
        self.read_rows(row..row + 1, &mut |_, rollout| out = Some(rollout))?;
        out.unwrap_or_else(|| Err(Problem::file(&self.display, format!("no row {row} in the file"))))
    }

    fn decode(&self, batch: &RecordBatch, i: usize, row: usize) -> Result<Rollout, Problem> {
        let mut object = Map::new();
        self.layout.fill(batch, i, &mut object);
        let fallback = super::fields::stand_in_id(&self.file_name, Some(row as u64));
        let mut rollout = super::chat::decode_chat(Value::Object(object), &fallback)
            .map_err(|e| Problem::file(&self.display, format!("row {row}: {e}")))?;
        // As in JSONL: an empty id is no id.
        if rollout.id.is_empty() {
            rollout.id = fallback;
        }
        Ok(rollout)
    }

    fn broken(&self, row: usize, e: impl std::fmt::Display) -> Problem {
        Problem::file(&self.display, format!("cannot read the rows from row {row}: {e}"))
    }
}

/// Why a file is not Parquet: cut short (no footer magic at its end), else what the reader said.
pub(super) fn not_parquet(file: &File, e: parquet::errors::ParquetError) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let mut tail = [0u8; 4];
    let mut file = file;
    let size = file.metadata().map_or(0, |m| m.len());
    let ends_well = size >= 12
        && file.seek(SeekFrom::End(-4)).is_ok()
        && file.read_exact(&mut tail).is_ok()
        && &tail == b"PAR1";
    if ends_well {
        format!("not a readable Parquet file: {e}")
    } else {
        "not a readable Parquet file: it does not end with Parquet's footer (cut short, or not Parquet)"
            .into()
    }
}

pub(super) fn open_file(path: &Path, display: &str) -> Result<File, Problem> {
    super::input::open_regular(path)
        .map(|(file, _)| file)
        .map_err(|e| Problem::file(display, format!("cannot read: {e}")))
}
