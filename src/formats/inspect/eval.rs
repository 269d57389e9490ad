//! A `.eval` archive read lazily: the central directory and the header once, then any sample
//! entry on its own, from any thread — for indexing every entry in parallel, and for decoding a
//! sample again when it is shown (a few recent ones kept, so paging back and forth does not
//! inflate them again). Nothing holds all inflated entries.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;

use super::archive::{Inflater, Opened, decode_entry, not_read, open_archive};
use super::entries::{Entries, Skipped};
use super::sample::{InspectOptions, LogContext};
use super::shared_file::SharedFile;
use crate::formats::input;
use crate::model::{Problem, ReadLimits, Rollout};

/// Decoded samples kept for reading again.
const RECENT: usize = 8;

/// An opened `.eval` archive whose samples are decoded one at a time.
pub struct EvalArchive {
    entries: Entries<SharedFile>,
    inflater: Inflater,
    ctx: LogContext,
    samples: Vec<(usize, String)>,
    display: String,
    recent: Mutex<VecDeque<(usize, Rollout)>>,
    /// The entries not read, whose problems are listed up to a bound while indexing.
    skipped: Mutex<Skipped>,
}

impl std::fmt::Debug for EvalArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalArchive")
            .field("display", &self.display)
            .field("samples", &self.samples.len())
            .finish()
    }
}

impl EvalArchive {
    /// Opens the archive at `path`: its entries are listed (see `open_archive`) and its header
    /// read, its samples only listed. The problems are warnings: entries not all read, unsafe
    /// names, the header's problems, no samples.
    pub fn open(
        path: &Path,
        display: &str,
        limits: &ReadLimits,
        options: &InspectOptions,
    ) -> Result<(EvalArchive, Vec<Problem>), Problem> {
        let (file, _) =
            input::open_regular(path).map_err(|e| Problem::file(display, format!("cannot open: {e}")))?;
        let Opened { entries, inflater, ctx, samples, problems, skipped } =
            open_archive(SharedFile::new(file), display, limits, options)?;
        let archive = EvalArchive {
            entries,
            inflater,
            ctx,
            samples,
            display: display.to_string(),
            recent: Mutex::new(VecDeque::new()),
            skipped: Mutex::new(skipped),
        };
        Ok((archive, problems))
    }

    /// How many sample entries the archive lists.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The entry name of sample `position`.
    pub fn entry_name(&self, position: usize) -> Option<&str> {
        self.samples.get(position).map(|(_, name)| name.as_str())
    }

    /// Decodes sample `position` (in sample order) while indexing: its inflated bytes count
    /// towards the archive's limit. `Ok(None)` once that limit is reached (see `not_read`).
    pub fn index_sample(&self, position: usize) -> Result<Option<(Rollout, Vec<Problem>)>, Problem> {
        if self.inflater.is_full() {
            return Ok(None);
        }
        self.decode(position, true).map(Some)
    }

    /// The warning for `left` samples not read once the archive reached its limit.
    pub fn not_read(&self, left: usize) -> Problem {
        not_read(&self.display, left)
    }

    /// The problem of a sample skipped while indexing (an `Err` of `index_sample`), if it is
    /// still listed one by one; call in sample order. Past a bound it is only counted, for
    /// `skipped_summary`.
    pub fn list_skipped(&self, problem: Problem) -> Option<Problem> {
        match self.skipped.lock() {
            Ok(mut skipped) => skipped.list(problem),
            Err(_) => Some(problem),
        }
    }

    /// The warning counting the skipped entries not listed one by one, once indexing is done.
    pub fn skipped_summary(&self) -> Option<Problem> {
        self.skipped.lock().ok()?.summary(&self.display)
    }

    /// Decodes sample `position` again, to show it (held to the entry's limit only); `keep`
    /// keeps it among the recent ones.
    pub fn read_sample(&self, position: usize, keep: bool) -> Result<Rollout, Problem> {
        if let Ok(mut recent) = self.recent.lock()
            && let Some(at) = recent.iter().position(|(p, _)| *p == position)
            && let Some(hit) = recent.remove(at)
        {
            // The most recent read goes to the back; the front is dropped first.
            let rollout = hit.1.clone();
            recent.push_back(hit);
            return Ok(rollout);
        }
        let (rollout, _) = self.decode(position, false)?;
        if keep && let Ok(mut recent) = self.recent.lock() {
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back((position, rollout.clone()));
        }
        Ok(rollout)
    }

    fn decode(&self, position: usize, counted: bool) -> Result<(Rollout, Vec<Problem>), Problem> {
        let (index, name) = self
            .samples
            .get(position)
            .ok_or_else(|| Problem::file(&self.display, format!("no sample {position} in the archive")))?;
        // A clone shares the list of entries and reads through its own position.
        let mut entries = self.entries.clone();
        decode_entry(
            &mut entries,
            &self.inflater,
            &self.ctx,
            (position, *index, name),
            &self.display,
            counted,
        )
    }
}
