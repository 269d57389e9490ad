//! The label file on disk: append-only, every change written and fsync'd before it counts as
//! saved, locked so a second process cannot interleave, and readable after any crash (a torn
//! last line is skipped with a warning and the next write starts on a fresh line).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::formats::input::{self, Bounded};
use crate::model::{LabelRecord, Limit, Problem, SourceLine};

/// An annotator's file name: their name with anything but letters, digits, `.`, `_` and `-`
/// replaced, so a name can never point outside the labels folder.
pub fn label_path(dir: &Path, annotator: &str) -> PathBuf {
    let safe: String = annotator
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .collect();
    let safe = safe.trim_start_matches('.');
    dir.join(format!("{}.jsonl", if safe.is_empty() { "annotator" } else { safe }))
}

/// Holds the annotator's file open, locked, for appending.
#[derive(Debug)]
pub struct LabelWriter {
    path: PathBuf,
    file: File,
    /// The file does not end with a newline (a torn line, or a failed write): the next record
    /// starts with one.
    needs_newline: bool,
}

/// The result of opening an annotator's file.
#[derive(Debug)]
pub struct Opened {
    /// `None` when labels cannot be written this session (see `read_only`).
    pub writer: Option<LabelWriter>,
    pub records: Vec<LabelRecord>,
    pub warnings: Vec<Problem>,
    /// Why the file is read-only, for the status bar.
    pub read_only: Option<String>,
}

/// Opens (creating if needed) and locks `<dir>/<annotator>.jsonl`, and replays what it holds
/// (`limit` at most).
pub fn open(dir: &Path, annotator: &str, limit: Limit) -> Opened {
    let path = label_path(dir, annotator);
    let display = path.display().to_string();
    let existed = path.exists();
    let file = std::fs::create_dir_all(dir)
        .and_then(|()| OpenOptions::new().read(true).append(true).create(true).open(&path));
    let mut file = match file {
        Ok(file) => file,
        Err(e) => {
            let (records, warnings) = read_records(&path, limit);
            let reason = format!("cannot write labels to {display}: {e}; labels are read-only this session");
            return Opened { writer: None, records, warnings, read_only: Some(reason) };
        }
    };
    if !existed {
        // Make the new file's directory entry durable too.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    let locked = match file.try_lock() {
        Ok(()) => None,
        Err(TryLockError::WouldBlock) => Some(format!(
            "another rollscope is writing {display}; labels are read-only here (close the other one to label)"
        )),
        Err(TryLockError::Error(e)) => {
            Some(format!("cannot lock {display}: {e}; labels are read-only this session"))
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = Bounded::new(&mut file, limit).read_to_end(&mut bytes) {
        let reason = format!("cannot read {display}: {e}; labels are read-only this session");
        return Opened { writer: None, records: Vec::new(), warnings: Vec::new(), read_only: Some(reason) };
    }
    let (records, warnings) = parse_records(&bytes, &display);
    let needs_newline = !bytes.is_empty() && !bytes.ends_with(b"\n");
    let writer = locked.is_none().then_some(LabelWriter { path, file, needs_newline });
    Opened { writer, records, warnings, read_only: locked }
}

/// Reads a label file without writing (other annotators' files, subcommands): only a regular
/// file, `limit` at most.
pub fn read_records(path: &Path, limit: Limit) -> (Vec<LabelRecord>, Vec<Problem>) {
    let display = path.display().to_string();
    match input::read(path, limit) {
        Ok(bytes) => parse_records(&bytes, &display),
        Err(e) if e.is_not_found() => (Vec::new(), Vec::new()),
        Err(e) => (Vec::new(), vec![Problem::file(display, format!("cannot read labels: {e}"))]),
    }
}

/// Drops the records whose turn is past the last of their rollout (`n_turns` of a rollout id;
/// `None` for a rollout not in the study, whose labels are kept and counted elsewhere), with
/// a warning naming the file and line of each.
pub fn drop_past_last_turn(
    records: &mut Vec<LabelRecord>,
    display: &str,
    n_turns: &dyn Fn(&str) -> Option<u32>,
) -> Vec<Problem> {
    let mut warnings = Vec::new();
    records.retain(|record| match n_turns(&record.rollout).and_then(|n| record.unusable(Some(n))) {
        Some(why) => {
            warnings.push(unusable_warning(display, record.line, &why));
            false
        }
        None => true,
    });
    warnings
}

fn unusable_warning(display: &str, line: SourceLine, why: &str) -> Problem {
    Problem::at(display, line.0, 1, format!("label not used: {why}")).warning()
}

/// Parses label lines; a bad line (hand-edited, or torn by a crash) is skipped with a warning,
/// and so is a record that cannot be a label (a score off the 0–10 scale, turn 0).
pub fn parse_records(bytes: &[u8], display: &str) -> (Vec<LabelRecord>, Vec<Problem>) {
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    let complete = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<LabelRecord>(line) {
            Ok(mut record) => {
                record.line = SourceLine(i as u64 + 1);
                match record.unusable(None) {
                    Some(why) => warnings.push(unusable_warning(display, record.line, &why)),
                    None => records.push(record),
                }
            }
            Err(e) => {
                let message = if i == last && !complete {
                    "incomplete last line (the app was stopped mid-write?), skipped".to_string()
                } else {
                    format!("not a label record ({}), skipped", crate::formats::record_error(&e).message)
                };
                warnings.push(Problem::at(display, i as u64 + 1, e.column() as u64, message).warning());
            }
        }
    }
    (records, warnings)
}

impl LabelWriter {
    /// Appends one record and fsyncs; only an `Ok` means the change is on disk.
    pub fn append(&mut self, record: &LabelRecord) -> std::io::Result<()> {
        let mut line = String::new();
        if self.needs_newline {
            line.push('\n');
        }
        line.push_str(&serde_json::to_string(record).map_err(std::io::Error::other)?);
        line.push('\n');
        // Until the write is known complete, assume a partial line may be on disk.
        self.needs_newline = true;
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()?;
        self.needs_newline = false;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Every annotator's label file in a labels folder, sorted by path: (annotator, path). The one
/// place that decides which files in the folder are label files (`<annotator>.jsonl`).
pub fn annotator_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|path| (path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), path))
        .collect())
}

/// Every other annotator's file in the folder: (annotator, records).
pub fn read_others(dir: &Path, me: &str, limit: Limit) -> (Vec<(String, Vec<LabelRecord>)>, Vec<Problem>) {
    let mine = label_path(dir, me);
    let mut others = Vec::new();
    let mut warnings = Vec::new();
    let Ok(files) = annotator_files(dir) else { return (others, warnings) };
    for (name, path) in files {
        if path == mine {
            continue;
        }
        let (records, problems) = read_records(&path, limit);
        warnings.extend(problems);
        others.push((name, records));
    }
    (others, warnings)
}

#[cfg(test)]
mod tests;
