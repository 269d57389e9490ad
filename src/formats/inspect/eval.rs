//! A `.eval` archive read lazily: the central directory and the header once, then any sample
//! entry on its own, from any thread — for indexing every entry in parallel, and for decoding a
//! sample again when it is shown (a few recent ones kept, so paging back and forth does not
//! inflate them again). Nothing holds all inflated entries.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use zip::ZipArchive;

use super::archive::{Inflater, Opened, decode_entry, not_read, open_archive};
use super::sample::{InspectOptions, LogContext};
use crate::formats::input;
use crate::model::{Problem, ReadLimits, Rollout};

/// Decoded samples kept for reading again.
const RECENT: usize = 8;

/// An opened `.eval` archive whose samples are decoded one at a time.
pub struct EvalArchive {
    zip: ZipArchive<SharedFile>,
    inflater: Inflater,
    ctx: LogContext,
    samples: Vec<(usize, String)>,
    display: String,
    recent: Mutex<VecDeque<(usize, Rollout)>>,
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
    /// Opens the archive at `path`: its central directory and header are read, its samples
    /// only listed. The problems are the header's (and a warning when there are no samples).
    pub fn open(
        path: &Path,
        display: &str,
        limits: &ReadLimits,
        options: &InspectOptions,
    ) -> Result<(EvalArchive, Vec<Problem>), Problem> {
        let (file, _) =
            input::open_regular(path).map_err(|e| Problem::file(display, format!("cannot open: {e}")))?;
        let reader = SharedFile { file: Arc::new(file), position: 0 };
        let Opened { archive, inflater, ctx, samples, problems } =
            open_archive(reader, display, limits, options)?;
        let archive = EvalArchive {
            zip: archive,
            inflater,
            ctx,
            samples,
            display: display.to_string(),
            recent: Mutex::new(VecDeque::new()),
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
        // A clone shares the central directory and reads through its own position.
        let mut zip = self.zip.clone();
        decode_entry(&mut zip, &self.inflater, &self.ctx, (position, *index, name), &self.display, counted)
    }
}

/// A file read at positions of its own: clones share the open file, each with its own offset
/// (`pread`), so workers read one archive without reopening it or taking turns.
#[derive(Debug, Clone)]
struct SharedFile {
    file: Arc<File>,
    position: u64,
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buf, self.position)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.file.metadata()?.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position =
            target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}
