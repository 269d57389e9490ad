//! The label file on disk: append-only, every change written and fsync'd before it counts as
//! saved, locked so a second process cannot interleave, and readable after any crash (a torn
//! last line is skipped with a warning and the next write starts on a fresh line). Reading is
//! here; the annotator's own file, written, is in `writer`.

mod writer;

pub use writer::{AppendError, LabelWriter, Opened, open};

use std::path::{Path, PathBuf};

use crate::formats::input;
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
