//! The `.eval` zip archive: `header.json` (the log without samples; `_journal/start.json` in a
//! log that is still running or crashed) and one `samples/<id>_epoch_<n>.json` per sample.
//! Only the central directory is read up front; each entry is then inflated and decoded on
//! its own, so memory holds one sample at a time. The zip crate handles deflate (older logs)
//! and zstd (method 93, inspect_ai >= 0.3.206) entries alike, and checks each entry's CRC.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use serde_json::Value;
use zip::ZipArchive;

use super::sample::{LogContext, decode_sample};
use super::{dedupe_ids, json_error, no_samples};
use crate::formats::json_text::nonfinite_to_null;
use crate::model::{Problem, Rollout};

/// Header entries, best first.
const HEADERS: [&str; 2] = ["header.json", "_journal/start.json"];
/// Largest capacity reserved up front for an entry, whatever size it declares.
const MAX_RESERVE: u64 = 64 << 20;

/// Decodes an Inspect .eval archive (zip). Reads the header and each sample entry (`samples/<id>_epoch_<n>.json`) one at a time, without inflating the whole archive up front; deflate and zstd (method 93) entries both work.
pub fn decode_inspect_eval(path: &Path, display: &str) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let file = File::open(path).map_err(|e| Problem::file(display, format!("cannot open: {e}")))?;
    decode_archive(BufReader::new(file), display)
}

/// Same from bytes in memory (tests, and the same code path underneath via a generic Read + Seek).
pub fn decode_inspect_eval_bytes(
    bytes: &[u8],
    display: &str,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    decode_archive(Cursor::new(bytes), display)
}

fn decode_archive<R: Read + Seek>(reader: R, display: &str) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let mut archive = ZipArchive::new(reader)
        .map_err(|e| Problem::file(display, format!("not a readable .eval archive (zip): {e}")))?;
    let mut headers: Vec<(usize, &str)> = Vec::new();
    let mut samples: Vec<(SampleKey, usize, String)> = Vec::new();
    for index in 0..archive.len() {
        let Some(Ok(name)) = archive.name_for_index(index) else {
            continue;
        };
        if let Some(header) = HEADERS.iter().find(|h| **h == name) {
            headers.push((index, header));
        } else if let Some(key) = SampleKey::of(&name) {
            samples.push((key, index, name.into_owned()));
        }
    }
    if headers.is_empty() && samples.is_empty() {
        let message = "not an Inspect .eval archive: no header.json and no samples/ entries";
        return Err(Problem::file(display, message));
    }
    headers.sort_by_key(|(_, name)| HEADERS.iter().position(|h| h == name));
    let mut problems = Vec::new();
    let (ctx, status) = read_header(&mut archive, &headers, display, &mut problems);
    if samples.is_empty() {
        problems.push(Problem::file(display, no_samples(status.as_deref())).warning());
    }
    samples.sort();
    let mut rollouts = Vec::with_capacity(samples.len());
    for (position, (_, index, name)) in samples.into_iter().enumerate() {
        let decoded = read_json(&mut archive, index).and_then(|value| {
            decode_sample(&value, &ctx, position).map_err(|e| EntryError::from(e.to_string()))
        });
        match decoded {
            Ok(rollout) => rollouts.push(rollout),
            Err(e) => problems.push(e.problem(display, &name, "sample skipped")),
        }
    }
    dedupe_ids(&mut rollouts);
    Ok((rollouts, problems))
}

/// The log's context and status from the first readable header entry; unreadable ones are
/// warnings, and without any the samples still load under the task name `inspect`.
fn read_header<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    headers: &[(usize, &str)],
    display: &str,
    problems: &mut Vec<Problem>,
) -> (LogContext, Option<String>) {
    for (index, name) in headers {
        let header = read_json(archive, *index).and_then(|value| match value {
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

/// Inflates one entry and parses it as JSON (non-finite literals read as `null`).
fn read_json<R: Read + Seek>(archive: &mut ZipArchive<R>, index: usize) -> Result<Value, EntryError> {
    let mut entry =
        archive.by_index(index).map_err(|e| EntryError::from(format!("cannot open entry: {e}")))?;
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size().min(MAX_RESERVE)).unwrap_or(0));
    entry.read_to_end(&mut bytes).map_err(|e| EntryError::from(format!("cannot read entry data: {e}")))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|e| EntryError::from(format!("entry is not UTF-8 text: {e}")))?;
    serde_json::from_str(&nonfinite_to_null(text)).map_err(|e| {
        let (line, column, message) = json_error(&e);
        EntryError { position: Some((line, column)), message }
    })
}

/// Why an entry could not be read, with line:column inside the entry for JSON errors.
struct EntryError {
    position: Option<(u64, u64)>,
    message: String,
}

impl From<String> for EntryError {
    fn from(message: String) -> EntryError {
        EntryError { position: None, message }
    }
}

impl EntryError {
    fn problem(self, display: &str, entry: &str, what: &str) -> Problem {
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
struct SampleKey {
    is_text: bool,
    number: u64,
    id: String,
    epoch: u64,
}

impl SampleKey {
    /// `samples/<id>_epoch_<n>.json` (directly under `samples/`), else `None`.
    fn of(name: &str) -> Option<SampleKey> {
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
