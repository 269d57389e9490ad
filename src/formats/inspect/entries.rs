//! Where an archive's entries are: its central directory, or, for an archive cut off before
//! it (a run killed mid-write), the local headers read from the start of the file: every
//! entry whose data is all there. Either way an entry opens as the zip crate's `ZipFile`, so
//! it is inflated, limited and CRC-checked by the same code (`archive::Inflater`).
//!
//! What one archive can make rollscope do is bounded: at most `MAX_ENTRIES` entries are read,
//! names that climb out of the archive are refused, and the problems of entries not read are
//! listed up to `MAX_LISTED` and then counted.

use std::borrow::Cow;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use zip::ZipArchive;
use zip::read::{ZipFile, read_zipfile_from_stream};
use zip::result::{ZipError, ZipResult};

use crate::model::Problem;
use crate::model::problem::thousands;

/// Entries read from one archive at most. inspect_ai writes one entry per sample and epoch;
/// the largest logs hold tens of thousands (a 15,000-question benchmark over a few epochs), so
/// 200,000 leaves room while an archive listing millions of empty entries (under 100 bytes
/// each) cannot make rollscope open, inflate and report millions of them.
pub(super) const MAX_ENTRIES: usize = 200_000;

/// Problems of entries not read (unsafe names, samples skipped) listed one by one per archive;
/// the rest are counted in one warning (`Skipped`).
const MAX_LISTED: usize = 100;

/// The local file header's signature, and bytes before its name.
const LOCAL_HEADER: [u8; 4] = *b"PK\x03\x04";
const LOCAL_FIXED: usize = 30;

/// An archive's entries, clones of which read through clones of `R`.
#[derive(Debug, Clone)]
pub(super) enum Entries<R> {
    /// Entries `0..read` of the central directory (`read` is at most `MAX_ENTRIES`).
    Central { archive: ZipArchive<R>, read: usize },
    /// The complete entries found from the start of the file: (offset of the local header, name).
    Local { reader: R, found: Arc<[(u64, String)]> },
}

/// Why an archive's entries are not all read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Partial {
    /// The central directory lists `listed` entries; the first `read` are read.
    Over { listed: usize, read: usize },
    /// No readable central directory: entries were found up to byte `at`, where the first
    /// incomplete one starts, or where the scan stopped at `bound` entries.
    Cut { at: u64, bound: Option<usize> },
}

impl<R: Read + Seek + Clone> Entries<R> {
    /// The archive's entries (at most `max`), and why they are not all read. Err: the zip
    /// crate's reason when there is no central directory and no complete entry either.
    pub(super) fn open(reader: R, max: usize) -> Result<(Entries<R>, Option<Partial>), ZipError> {
        let error = match ZipArchive::new(reader.clone()) {
            Ok(archive) => {
                let listed = archive.len();
                let partial = (listed > max).then_some(Partial::Over { listed, read: max });
                return Ok((Entries::Central { archive, read: listed.min(max) }, partial));
            }
            Err(error) => error,
        };
        let mut reader = reader;
        match scan_local(&mut reader, max) {
            Ok((found, at)) if !found.is_empty() => {
                let bound = (found.len() == max).then_some(max);
                Ok((Entries::Local { reader, found: found.into() }, Some(Partial::Cut { at, bound })))
            }
            _ => Err(error),
        }
    }
}

impl<R: Read + Seek> Entries<R> {
    /// How many entries are read: indices `0..len()`.
    pub(super) fn len(&self) -> usize {
        match self {
            Entries::Central { read, .. } => *read,
            Entries::Local { found, .. } => found.len(),
        }
    }

    pub(super) fn name(&self, index: usize) -> Option<Cow<'_, str>> {
        match self {
            Entries::Central { archive, .. } => archive.name_for_index(index)?.ok(),
            Entries::Local { found, .. } => found.get(index).map(|(_, name)| Cow::Borrowed(name.as_str())),
        }
    }

    /// The entry called `name`, wherever it is in the directory (inspect_ai writes
    /// `header.json` last, after the samples).
    pub(super) fn find(&self, name: &str) -> Option<usize> {
        match self {
            Entries::Central { archive, .. } => archive.index_for_name(name),
            Entries::Local { found, .. } => found.iter().position(|(_, n)| n == name),
        }
    }

    /// Opens entry `index` to inflate it (checking its CRC at the end).
    pub(super) fn by_index(&mut self, index: usize) -> ZipResult<ZipFile<'_, R>> {
        match self {
            Entries::Central { archive, .. } => archive.by_index(index),
            Entries::Local { reader, found } => {
                let (at, _) = found.get(index).ok_or(ZipError::FileNotFound)?;
                reader.seek(SeekFrom::Start(*at))?;
                read_zipfile_from_stream(reader)?.ok_or(ZipError::FileNotFound)
            }
        }
    }
}

/// The complete entries from the start of the file, at most `max`: (offset of the local
/// header, name) each, and the offset where the scan stopped.
fn scan_local<R: Read + Seek>(reader: &mut R, max: usize) -> io::Result<(Vec<(u64, String)>, u64)> {
    let len = reader.seek(SeekFrom::End(0))?;
    let (mut found, mut at) = (Vec::new(), 0);
    while found.len() < max
        && let Some((name, end)) = local_entry(reader, at, len)?
    {
        found.push((at, name));
        at = end;
    }
    Ok((found, at))
}

/// The name and the end of the data of the entry whose local header is at `at`, if there is
/// one there, with its sizes, and its data all in the file (`len` bytes).
fn local_entry<R: Read + Seek>(reader: &mut R, at: u64, len: u64) -> io::Result<Option<(String, u64)>> {
    let mut fixed = [0; LOCAL_FIXED];
    if !read_at(reader, at, &mut fixed)? || fixed[..4] != LOCAL_HEADER {
        return Ok(None);
    }
    let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
    // Flag bit 3: the sizes follow the data (a writer that could not seek back), so where the
    // data ends is not known.
    if u16_at(6) & 0x8 != 0 {
        return Ok(None);
    }
    let name_len = usize::from(u16_at(26));
    let mut name_and_extra = vec![0; name_len + usize::from(u16_at(28))];
    let data = at + (LOCAL_FIXED + name_and_extra.len()) as u64;
    if !read_at(reader, at + LOCAL_FIXED as u64, &mut name_and_extra)? {
        return Ok(None);
    }
    let (name, extra) = name_and_extra.split_at(name_len);
    let end = compressed_size(u32_at(18), u32_at(22), extra).and_then(|size| data.checked_add(size));
    Ok(end.filter(|end| *end <= len).map(|end| (String::from_utf8_lossy(name).into_owned(), end)))
}

/// The compressed size from a local header; from its ZIP64 extra field when the header says
/// 0xFFFFFFFF (the field holds the uncompressed size first when that is 0xFFFFFFFF too).
fn compressed_size(compressed: u32, uncompressed: u32, mut extra: &[u8]) -> Option<u64> {
    if compressed != u32::MAX {
        return Some(compressed.into());
    }
    while let [a, b, c, d, rest @ ..] = extra {
        let (field, after) = rest.split_at_checked(usize::from(u16::from_le_bytes([*c, *d])))?;
        if u16::from_le_bytes([*a, *b]) == 1 {
            let skip = if uncompressed == u32::MAX { 8 } else { 0 };
            return field.get(skip..skip + 8)?.try_into().ok().map(u64::from_le_bytes);
        }
        extra = after;
    }
    None
}

/// Fills `buf` from `at`: false when the file ends first.
fn read_at<R: Read + Seek>(reader: &mut R, at: u64, buf: &mut [u8]) -> io::Result<bool> {
    reader.seek(SeekFrom::Start(at))?;
    match reader.read_exact(buf) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether an entry name is a plain relative path. rollscope never writes entries out, but a
/// name that starts at a root (`/x`, `\x`, `C:x`), climbs out (`..`, with either separator)
/// or holds a NUL or another control character is a sign of a hostile archive: it is neither
/// a header nor a sample.
pub(super) fn is_plain_name(name: &str) -> bool {
    let rooted = name.starts_with(['/', '\\']) || name.get(1..2) == Some(":");
    !rooted && !name.chars().any(char::is_control) && !name.split(['/', '\\']).any(|part| part == "..")
}

/// Entries not read whose problems are listed, up to `MAX_LISTED` per archive, and the rest
/// counted: an archive of 100,000 broken entries (under 100 bytes each) gives 100 problems
/// and one count, not 100,000 problems.
#[derive(Debug, Default)]
pub(super) struct Skipped {
    listed: usize,
    more: usize,
}

impl Skipped {
    /// The problem of an entry not read, while fewer than `MAX_LISTED` were listed; else it
    /// is counted.
    pub(super) fn list(&mut self, problem: Problem) -> Option<Problem> {
        if self.listed < MAX_LISTED {
            self.listed += 1;
            return Some(problem);
        }
        self.more += 1;
        None
    }

    /// The warning counting the entries not listed, if any.
    pub(super) fn summary(&self, display: &str) -> Option<Problem> {
        (self.more > 0).then(|| {
            let more = thousands(self.more);
            let message =
                format!("{more} more entries not read, not listed one by one (the first {MAX_LISTED} are)");
            Problem::file(display, message).warning()
        })
    }
}

impl Partial {
    /// The warning, given the number of sample entries listed.
    pub(super) fn warning(self, display: &str, samples: usize) -> Problem {
        let samples = thousands(samples);
        let message = match self {
            Partial::Over { listed, read } => format!(
                "the archive lists {} entries, more than the {} read from one archive: \
                 {samples} sample entries read, the rest not read",
                thousands(listed),
                thousands(read)
            ),
            Partial::Cut { at, bound: None } => format!(
                "the archive is cut off (no central directory, a run killed mid-write?): \
                 {samples} complete sample entries read, the rest lost from byte {}",
                thousands_u64(at)
            ),
            Partial::Cut { at, bound: Some(bound) } => format!(
                "the archive has no central directory: {samples} sample entries read from its \
                 first {} entries, the rest not read from byte {}",
                thousands(bound),
                thousands_u64(at)
            ),
        };
        Problem::file(display, message).warning()
    }
}

fn thousands_u64(n: u64) -> String {
    usize::try_from(n).map_or_else(|_| n.to_string(), thousands)
}
