//! Resolving the paths a user gives into rollout files: directories are walked recursively
//! (sorted, so a study always loads in the same order), hidden folders and label folders are
//! skipped, and symlink loops are detected instead of followed forever.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::formats::{self, input};
use crate::model::{Limit, Problem};

/// The folder name rollscope writes labels to; never read as rollouts.
pub const LABELS_DIR_NAME: &str = "rollscope-labels";

/// A file to load.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    pub display: String,
    pub size: u64,
}

/// Expands paths into files. A path given explicitly is loaded whatever its extension; files
/// found by walking must look like rollout files (.json, .jsonl, .eval). Only regular files
/// within `limit` are kept: anything else (a FIFO, a device, an oversized file, or a symlink
/// to one) is a problem naming the path, found from its metadata without opening it.
pub fn rollout_files(paths: &[PathBuf], limit: Limit) -> (Vec<FoundFile>, Vec<Problem>) {
    let mut found = Found { files: Vec::new(), problems: Vec::new(), visited: HashSet::new(), limit };
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => {
                found.problems.push(Problem::file(path.display().to_string(), format!("cannot open: {e}")))
            }
            Ok(meta) if meta.is_dir() => walk(path, &mut found),
            Ok(meta) => found.add(path.clone(), &meta),
        }
    }
    (found.files, found.problems)
}

/// What a walk has found so far.
struct Found {
    files: Vec<FoundFile>,
    problems: Vec<Problem>,
    visited: HashSet<PathBuf>,
    limit: Limit,
}

impl Found {
    fn add(&mut self, path: PathBuf, meta: &std::fs::Metadata) {
        let display = path.display().to_string();
        match input::check_metadata(meta, self.limit) {
            Ok(size) => self.files.push(FoundFile { path, display, size }),
            Err(e) => self.problems.push(Problem::file(display, format!("not read: {e}"))),
        }
    }
}

fn walk(dir: &Path, found: &mut Found) {
    let (visited, problems) = (&mut found.visited, &mut found.problems);
    let display = dir.display().to_string();
    match std::fs::canonicalize(dir) {
        Ok(real) if !visited.insert(real.clone()) => {
            problems.push(
                Problem::file(
                    &display,
                    format!("directory already visited (symlink loop?): {}", real.display()),
                )
                .warning(),
            );
            return;
        }
        Ok(_) => {}
        Err(e) => {
            problems.push(Problem::file(&display, format!("cannot open: {e}")));
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::file(&display, format!("cannot list: {e}")));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == LABELS_DIR_NAME {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, found),
            Ok(meta) if formats::is_rollout_file(&path) => found.add(path, &meta),
            Ok(_) => {}
            Err(e) => {
                found.problems.push(Problem::file(path.display().to_string(), format!("cannot open: {e}")))
            }
        }
    }
}
