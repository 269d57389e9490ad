//! A file (or the embedded demo) that rollouts were read from, and re-reading one rollout from
//! it when it is shown. Sources are only ever opened for reading.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::formats::inspect::{EvalArchive, JsonLog};
use crate::formats::parquet::ParquetRollouts;
use crate::formats::{self, Format, input};
use crate::model::{Limit, Locator, Problem, Rollout};

/// Where a source's bytes live.
#[derive(Debug, Clone)]
pub enum Origin {
    File(PathBuf),
    /// Bytes compiled into the binary (the demo study).
    Embedded(&'static [u8]),
    /// Bytes made while loading: a Parquet score file's rows as JSON lines, which its judges'
    /// texts are read back from.
    Memory(Arc<[u8]>),
}

impl Origin {
    /// The bytes of an origin that is not a file.
    pub fn in_memory(&self) -> Option<&[u8]> {
        match self {
            Origin::Embedded(bytes) => Some(bytes),
            Origin::Memory(bytes) => Some(bytes),
            Origin::File(_) => None,
        }
    }
}

/// One loaded file.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (or found by walking a directory), for messages.
    pub display: String,
    pub origin: Origin,
    pub format: Format,
    /// Rollouts decoded whole at load time (for `Locator::Decoded`).
    pub decoded: Vec<Rollout>,
    pub size: u64,
    /// A huge rollout decoded while its file was indexed, for the first read of its span.
    pub held: HeldRollout,
    /// The archive of a `.eval` indexed lazily (for `Locator::Entry`).
    pub archive: Option<Arc<EvalArchive>>,
    /// An Inspect JSON log indexed lazily: its `Locator::Span`s are samples, not JSONL lines.
    pub json_log: Option<Arc<JsonLog>>,
    /// A Parquet file of rollouts: its `Locator::Entry`s are rows.
    pub parquet: Option<Arc<ParquetRollouts>>,
}

/// A huge single rollout (a one-record `.json` of a gigabyte) decoded while its file was
/// indexed, on the other core, and handed to the first read of its span — the app reads it at
/// once — so the file is read and decoded once, not twice. Handed over once: later reads
/// decode the file again, and nothing stays held after the first.
#[derive(Debug, Clone, Default)]
pub struct HeldRollout(Arc<Mutex<Option<(u64, Rollout)>>>);

impl HeldRollout {
    pub fn put(&self, start: u64, rollout: Rollout) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((start, rollout));
        }
    }

    /// The rollout held for the span starting at `start`, if any, taken out.
    fn take(&self, start: u64) -> Option<Rollout> {
        let mut slot = self.0.lock().ok()?;
        match slot.as_ref() {
            Some((at, _)) if *at == start => slot.take().map(|(_, rollout)| rollout),
            _ => None,
        }
    }
}

pub use crate::formats::stand_in_id;

/// Whether `id` is a stand-in made by `stand_in_id` for a rollout of the file `file_name`; with
/// the number it carries, if any.
pub fn stand_in_number(file_name: &str, id: &str) -> Option<Option<u64>> {
    let rest = id.strip_prefix(file_name)?;
    if rest.is_empty() {
        return Some(None);
    }
    let digits = rest.strip_prefix(':')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(Some)
}

impl Source {
    /// The file name used in stand-in ids (`<file>:<line>`).
    pub fn file_name(&self) -> &str {
        self.display.rsplit(['/', '\\']).next().unwrap_or(&self.display)
    }

    /// The archive entry a rollout was read from, for `Locator::Entry`.
    pub fn entry_name(&self, locator: &Locator) -> Option<&str> {
        match locator {
            Locator::Entry(position) => self.archive.as_ref()?.entry_name(*position as usize),
            _ => None,
        }
    }

    /// Whether a rollout of this source has a stand-in id rather than its own.
    pub fn is_stand_in(&self, id: &str) -> bool {
        stand_in_number(self.file_name(), id).is_some()
    }

    /// Decodes the rollout at `locator`, giving it `id` (the index's id, which may have been
    /// disambiguated or stood in for a missing one).
    pub fn read_rollout(&self, locator: &Locator, id: &str) -> Result<Rollout, Problem> {
        self.read(locator, id, true)
    }

    /// `read_rollout` for a sweep over every rollout (a search): an archive's sample is not
    /// kept among the recent ones it would push out.
    pub fn read_rollout_once(&self, locator: &Locator, id: &str) -> Result<Rollout, Problem> {
        self.read(locator, id, false)
    }

    fn read(&self, locator: &Locator, id: &str, keep: bool) -> Result<Rollout, Problem> {
        let mut rollout = match locator {
            Locator::Decoded(i) => self
                .decoded
                .get(*i as usize)
                .cloned()
                .ok_or_else(|| Problem::file(&self.display, format!("no rollout {i} in file")))?,
            Locator::Entry(position) => match (&self.archive, &self.parquet) {
                (Some(archive), _) => archive.read_sample(*position as usize, keep)?,
                (None, Some(parquet)) => parquet.read_row(*position as usize)?,
                (None, None) => {
                    return Err(Problem::file(&self.display, "no archive to read a sample entry from"));
                }
            },
            Locator::Span { start, .. } if let Some(rollout) = self.held.take(*start) => rollout,
            Locator::Span { start, len } => {
                let bytes = self.read_span(*start, *len)?;
                self.decode_span(&bytes, *start, id)?
            }
        };
        rollout.id = id.to_string();
        Ok(rollout)
    }

    /// Decodes the rollout whose bytes (one JSONL line, or one sample of a JSON log) were
    /// read from `start`. The id is the caller's to set.
    pub fn decode_span(&self, bytes: &[u8], start: u64, id: &str) -> Result<Rollout, Problem> {
        if let Some(log) = &self.json_log {
            return log
                .decode(bytes, start)
                .map(|(rollout, _)| rollout)
                .map_err(|e| Problem::file(&self.display, format!("byte {start}: {e}")));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Problem::file(&self.display, format!("invalid UTF-8 at byte {}", start + e.valid_up_to() as u64))
        })?;
        formats::decode_record(text, id)
            .map_err(|e| Problem::file(&self.display, format!("byte {start}: {}", e.message)))
    }

    /// Reads `len` bytes at `start`.
    pub fn read_span(&self, start: u64, len: u32) -> Result<Vec<u8>, Problem> {
        match &self.origin {
            Origin::Embedded(_) | Origin::Memory(_) => {
                let bytes = self.origin.in_memory().unwrap_or_default();
                let range = start as usize..start as usize + len as usize;
                bytes
                    .get(range)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| Problem::file(&self.display, "span outside the embedded data"))
            }
            Origin::File(path) => {
                let io = |e: std::io::Error| Problem::file(&self.display, format!("cannot read: {e}"));
                let (mut file, _) = input::open_regular(path)
                    .map_err(|e| Problem::file(&self.display, format!("cannot read: {e}")))?;
                file.seek(SeekFrom::Start(start)).map_err(io)?;
                let mut buf = vec![0; len as usize];
                file.read_exact(&mut buf).map_err(|e| {
                    Problem::file(
                        &self.display,
                        format!("cannot read {len} bytes at {start}: {e} (was the file changed?)"),
                    )
                })?;
                Ok(buf)
            }
        }
    }

    /// The source's raw bytes in full, `limit` at most (a file is refused when it is larger).
    pub fn read_all(&self, limit: Limit) -> Result<Vec<u8>, Problem> {
        match &self.origin {
            Origin::Embedded(_) | Origin::Memory(_) => {
                Ok(self.origin.in_memory().unwrap_or_default().to_vec())
            }
            Origin::File(path) => input::read(path, limit)
                .map_err(|e| Problem::file(&self.display, format!("cannot read: {e}"))),
        }
    }
}
