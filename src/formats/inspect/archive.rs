//! The `.eval` zip archive: `header.json` (the log without samples; `_journal/start.json` in a
//! log that is still running or crashed) and one `samples/<id>_epoch_<n>.json` per sample.
//! Only the central directory is read up front (or, for an archive cut off before it, the
//! local headers: see `entries`); each entry is then inflated and decoded on its own, so
//! memory holds one sample at a time. The zip crate handles deflate (older logs) and zstd
//! (method 93, inspect_ai >= 0.3.206) entries alike, and checks each entry's CRC.
//!
//! Archives are hostile (a 2 MB zip can inflate to terabytes), so this is the one place the
//! limits on inflating are kept, for every archive reader: an entry inflates to
//! `ReadLimits::entry` at most and a whole archive to `ReadLimits::file`, counted while
//! inflating (sizes the archive declares refuse an entry early, but are never trusted);
//! entries whose compressed data overlap (one stream inflated many times) are refused. An
//! entry refused is a problem naming it, and the rest of the archive still loads. At most
//! `MAX_ENTRIES` entries are read, and an entry whose name climbs out of the archive is not.

use std::collections::HashSet;
use std::io::{Cursor, Read, Seek};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde_json::Value;
use zip::ZipArchive;

use super::entries::{Entries, MAX_ENTRIES, Skipped, is_plain_name};
use super::sample::{InspectOptions, LogContext, decode_sample};
use super::shared_file::SharedFile;
use super::{dedupe_ids, json_error, mixed_values, no_samples};
use crate::formats::input::{self, Bounded};
use crate::formats::json_text::nonfinite_to_null;
use crate::model::{Limit, Problem, ReadLimits, Rollout};
use crate::sanitize::clean;

/// Header entries, best first.
const HEADERS: [&str; 2] = ["header.json", "_journal/start.json"];
/// Largest capacity reserved up front for an entry, whatever size it declares.
const MAX_RESERVE: u64 = 64 << 20;

/// Decodes an Inspect .eval archive (zip). Reads the header and each sample entry (`samples/<id>_epoch_<n>.json`) one at a time, without inflating the whole archive up front; deflate and zstd (method 93) entries both work.
pub fn decode_inspect_eval(
    path: &Path,
    display: &str,
    limits: &ReadLimits,
    options: &InspectOptions,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let (file, _) =
        input::open_regular(path).map_err(|e| Problem::file(display, format!("cannot open: {e}")))?;
    decode_archive(SharedFile::new(file), display, limits, options)
}

/// Same from bytes in memory (tests, and the same code path underneath via a generic Read + Seek).
pub fn decode_inspect_eval_bytes(
    bytes: &[u8],
    display: &str,
    limits: &ReadLimits,
    options: &InspectOptions,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    decode_archive(Cursor::new(bytes), display, limits, options)
}

fn decode_archive<R: Read + Seek + Clone>(
    reader: R,
    display: &str,
    limits: &ReadLimits,
    options: &InspectOptions,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let Opened { mut entries, inflater, ctx, samples, mut problems, mut skipped } =
        open_archive(reader, display, limits, options)?;
    let total = samples.len();
    let mut rollouts = Vec::with_capacity(samples.len());
    let mut names = Vec::with_capacity(samples.len());
    let mut unread = 0;
    for (position, (index, name)) in samples.into_iter().enumerate() {
        if inflater.is_full() {
            unread = total - position;
            break;
        }
        match decode_entry(&mut entries, &inflater, &ctx, (position, index, &name), display, true) {
            Ok((rollout, warnings)) => {
                problems.extend(warnings);
                rollouts.push(rollout);
                names.push(name);
            }
            Err(problem) => problems.extend(skipped.list(problem)),
        }
    }
    problems.extend(skipped.summary(display));
    if unread > 0 {
        problems.push(not_read(display, unread));
    }
    for (first, message) in mixed_values(&rollouts) {
        problems.push(Problem::file(display, message).in_entry(names[first].as_str()).warning());
    }
    problems.extend(dedupe_ids(&mut rollouts, display, Some(&names)));
    Ok((rollouts, problems))
}

/// An archive with its entries listed and its header read.
pub(super) struct Opened<R> {
    pub entries: Entries<R>,
    pub inflater: Inflater,
    /// The log's context, with the options applied.
    pub ctx: LogContext,
    /// Sample entries in sample order: (entry index, name).
    pub samples: Vec<(usize, String)>,
    /// Warnings: entries not all read, unsafe names, the header's problems, no samples.
    pub problems: Vec<Problem>,
    /// The entries not read so far, for listing those of the samples that are skipped.
    pub skipped: Skipped,
}

/// Lists the entries (from the central directory, or the local headers of an archive cut off
/// before it) and reads the header; sample entries are only listed.
pub(super) fn open_archive<R: Read + Seek + Clone>(
    reader: R,
    display: &str,
    limits: &ReadLimits,
    options: &InspectOptions,
) -> Result<Opened<R>, Problem> {
    let (mut entries, partial) = Entries::open(reader, MAX_ENTRIES)
        .map_err(|e| Problem::file(display, format!("not a readable .eval archive (zip): {e}")))?;
    let headers: Vec<(usize, &str)> =
        HEADERS.iter().filter_map(|header| Some((entries.find(header)?, *header))).collect();
    let mut samples: Vec<(SampleKey, usize, String)> = Vec::new();
    let (mut refused, mut skipped) = (Vec::new(), Skipped::default());
    for index in 0..entries.len() {
        let Some(name) = entries.name(index) else { continue };
        if !is_plain_name(&name) {
            let message = "the entry's name is not a plain relative path (a hostile archive?): not read";
            refused.extend(skipped.list(Problem::file(display, message).in_entry(clean(&name)).warning()));
        } else if let Some(key) = SampleKey::of(&name) {
            samples.push((key, index, name.into_owned()));
        }
    }
    if headers.is_empty() && samples.is_empty() {
        let message = "not an Inspect .eval archive: no header.json and no samples/ entries";
        return Err(Problem::file(display, message));
    }
    // What was not read of the whole archive first, then the entries refused.
    let mut problems: Vec<Problem> = partial.map(|p| p.warning(display, samples.len())).into_iter().collect();
    problems.extend(refused);
    let listed = headers.iter().map(|(index, _)| *index).chain(samples.iter().map(|(_, index, _)| *index));
    let inflater = Inflater::new(*limits, &mut entries, listed);
    let (ctx, status) = read_header(&mut entries, &inflater, &headers, display, &mut problems);
    let ctx = ctx.with_options(options);
    // A cut archive has said how many samples it kept, none among them.
    if samples.is_empty() && partial.is_none() {
        problems.push(Problem::file(display, no_samples(status.as_deref())).warning());
    }
    samples.sort();
    let samples = samples.into_iter().map(|(_, index, name)| (index, name)).collect();
    Ok(Opened { entries, inflater, ctx, samples, problems, skipped })
}

/// The warning for the sample entries left unread once the archive reached its limit.
pub(super) fn not_read(display: &str, left: usize) -> Problem {
    let message = format!("{left} more sample entries not read: the archive reached its limit");
    Problem::file(display, message).warning()
}

/// Inflates and decodes sample entry `(position, entry index, name)`: the rollout and its
/// warnings, or the problem that skipped it, each naming the entry.
pub(super) fn decode_entry<R: Read + Seek>(
    entries: &mut Entries<R>,
    inflater: &Inflater,
    ctx: &LogContext,
    (position, index, name): (usize, usize, &str),
    display: &str,
    counted: bool,
) -> Result<(Rollout, Vec<Problem>), Problem> {
    let decoded = inflater
        .read_json(entries, index, counted)
        .and_then(|value| decode_sample(&value, ctx, position).map_err(|e| EntryError::from(e.to_string())));
    match decoded {
        Ok((rollout, warnings)) => {
            let at = |w: String| Problem::file(display, w).in_entry(name).warning();
            Ok((rollout, warnings.into_iter().map(at).collect()))
        }
        Err(e) => Err(e.problem(display, name, "sample skipped")),
    }
}

/// Entries among `listed` (those that are read) whose compressed data overlaps another's: a
/// stream that several entries point at would be inflated once for each.
fn shared_data<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    listed: impl Iterator<Item = usize>,
) -> HashSet<usize> {
    let mut spans: Vec<(u64, u64, usize)> = listed
        .filter_map(|index| {
            let entry = archive.by_index_raw(index).ok()?;
            let (start, len) = (entry.data_start()?, entry.compressed_size());
            (len > 0).then(|| (start, start.saturating_add(len), index))
        })
        .collect();
    spans.sort_unstable();
    let mut shared = HashSet::new();
    // The span reaching furthest so far: a span starting before its end overlaps it.
    let mut furthest: Option<(u64, usize)> = None;
    for (start, end, index) in spans {
        if let Some((reach, other)) = furthest
            && start < reach
        {
            shared.insert(index);
            shared.insert(other);
        }
        if furthest.is_none_or(|(reach, _)| end > reach) {
            furthest = Some((end, index));
        }
    }
    shared
}

/// Inflates entries within the limits, counting what the whole archive has inflated. Shared
/// by the workers that index one archive (the count is atomic; each may overshoot the
/// archive's limit by one entry at most before `full` stops them all).
pub(super) struct Inflater {
    limits: ReadLimits,
    inflated: AtomicU64,
    /// The archive's limit is reached: no more entries are read.
    full: AtomicBool,
    /// Entries refused for sharing their data (`shared_data`).
    shared: HashSet<usize>,
}

impl Inflater {
    /// The inflater of entries `listed`. Entries found by their local headers follow each
    /// other, so only those of a central directory can share their data.
    pub(super) fn new<R: Read + Seek>(
        limits: ReadLimits,
        entries: &mut Entries<R>,
        listed: impl Iterator<Item = usize>,
    ) -> Inflater {
        let shared = match entries {
            Entries::Central { archive, .. } => shared_data(archive, listed),
            Entries::Local { .. } => HashSet::new(),
        };
        Inflater { limits, inflated: AtomicU64::new(0), full: AtomicBool::new(false), shared }
    }

    /// Whether the archive's limit has been reached.
    pub(super) fn is_full(&self) -> bool {
        self.full.load(Ordering::Relaxed)
    }

    /// Inflates one entry and parses it as JSON (non-finite literals read as `null`).
    /// `counted`: the bytes count towards the archive's limit (indexing); a sample read again
    /// when it is shown is held to the entry's limit only.
    pub(super) fn read_json<R: Read + Seek>(
        &self,
        entries: &mut Entries<R>,
        index: usize,
        counted: bool,
    ) -> Result<Value, EntryError> {
        let bytes = self.inflate(entries, index, counted)?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| EntryError::from(format!("entry is not UTF-8 text: {e}")))?;
        serde_json::from_str(&nonfinite_to_null(text)).map_err(|e| {
            let (line, column, message) = json_error(&e);
            EntryError { position: Some((line, column)), message }
        })
    }

    fn inflate<R: Read + Seek>(
        &self,
        entries: &mut Entries<R>,
        index: usize,
        counted: bool,
    ) -> Result<Vec<u8>, EntryError> {
        if self.shared.contains(&index) {
            let message = "its compressed data overlaps another entry's (a zip bomb?): not read";
            return Err(EntryError::from(message.to_string()));
        }
        let entry =
            entries.by_index(index).map_err(|e| EntryError::from(format!("cannot open entry: {e}")))?;
        let left = match counted {
            true => self.limits.file.saturating_sub(self.inflated.load(Ordering::Relaxed)),
            false => u64::MAX,
        };
        let (cap, archive_full) = match left < self.limits.entry {
            true => (left, true),
            false => (self.limits.entry, false),
        };
        let over = || {
            if archive_full {
                self.full.store(true, Ordering::Relaxed);
            }
            EntryError::from(match archive_full {
                true => {
                    format!("the archive inflates to more than {} in all", self.limits.archive().describe())
                }
                false => format!("inflates to more than {}", self.limits.archive_entry().describe()),
            })
        };
        // An honest size over the limit is refused before inflating anything.
        if entry.size() > cap {
            return Err(over());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size().min(MAX_RESERVE)).unwrap_or(0));
        let mut reader = Bounded::new(entry, Limit { bytes: cap, setting: "max-entry" });
        let read = reader.read_to_end(&mut bytes);
        if counted {
            self.inflated.fetch_add(reader.bytes_read(), Ordering::Relaxed);
        }
        match read {
            Ok(_) => Ok(bytes),
            Err(_) if reader.bytes_read() > cap => Err(over()),
            Err(e) => Err(EntryError::from(format!("cannot read entry data: {e}"))),
        }
    }
}

/// The log's context and status from the first readable header entry; unreadable ones are
/// warnings, and without any the samples still load under the task name `inspect`.
pub(super) fn read_header<R: Read + Seek>(
    entries: &mut Entries<R>,
    inflater: &Inflater,
    headers: &[(usize, &str)],
    display: &str,
    problems: &mut Vec<Problem>,
) -> (LogContext, Option<String>) {
    for (index, name) in headers {
        let header = inflater.read_json(entries, *index, true).and_then(|value| match value {
            Value::Object(mut header) => match header.remove("eval") {
                Some(Value::Object(eval)) => {
                    let status = header.get("status").and_then(Value::as_str).map(String::from);
                    Ok((LogContext::from_eval(&eval), status))
                }
                _ => Err(EntryError::from("no \"eval\" object in the header".to_string())),
            },
            _ => Err(EntryError::from("the header is not an object".to_string())),
        });
        match header {
            Ok(found) => return found,
            Err(e) => problems.push(e.problem(display, name, "header unreadable")),
        }
    }
    if headers.is_empty() {
        let message = "no header.json: task and model unknown";
        problems.push(Problem::file(display, message).warning());
    }
    (LogContext::unknown(), None)
}

/// Why an entry could not be read, with line:column inside the entry for JSON errors.
pub(super) struct EntryError {
    position: Option<(u64, u64)>,
    message: String,
}

impl From<String> for EntryError {
    fn from(message: String) -> EntryError {
        EntryError { position: None, message }
    }
}

impl EntryError {
    pub(super) fn problem(self, display: &str, entry: &str, what: &str) -> Problem {
        let mut problem =
            Problem::file(display, format!("{what}: {}", self.message)).in_entry(entry).warning();
        if let Some((line, column)) = self.position {
            problem.line = Some(line);
            problem.column = Some(column);
        }
        problem
    }
}

/// Sort key of a sample entry, from its name: numeric ids in numeric order before text ids,
/// then the epoch (the zip itself holds samples in completion order).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct SampleKey {
    is_text: bool,
    number: u64,
    id: String,
    epoch: u64,
}

impl SampleKey {
    /// `samples/<id>_epoch_<n>.json` (directly under `samples/`), else `None`.
    pub(super) fn of(name: &str) -> Option<SampleKey> {
        let stem = name.strip_prefix("samples/")?.strip_suffix(".json")?;
        if stem.contains('/') {
            return None;
        }
        let (id, epoch) = stem.rsplit_once("_epoch_").unwrap_or((stem, ""));
        let number = id.parse::<u64>().ok();
        Some(SampleKey {
            is_text: number.is_none(),
            number: number.unwrap_or(0),
            id: id.to_string(),
            epoch: epoch.parse().unwrap_or(0),
        })
    }
}
