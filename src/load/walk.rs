//! Resolving the paths a user gives into rollout files: directories are walked recursively
//! (sorted, so a study always loads in the same order), hidden folders and label folders are
//! skipped, and symlink loops are detected instead of followed forever.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::formats;
use crate::model::Problem;

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
/// found by walking must look like rollout files (.json, .jsonl, .eval).
pub fn rollout_files(paths: &[PathBuf]) -> (Vec<FoundFile>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => problems.push(Problem::file(&display, format!("cannot open: {e}"))),
            Ok(meta) if meta.is_dir() => walk(path, &mut visited, &mut files, &mut problems),
            Ok(meta) => files.push(FoundFile { path: path.clone(), display, size: meta.len() }),
        }
    }
    (files, problems)
}

fn walk(dir: &Path, visited: &mut HashSet<PathBuf>, files: &mut Vec<FoundFile>, problems: &mut Vec<Problem>) {
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
            Ok(meta) if meta.is_dir() => walk(&path, visited, files, problems),
            Ok(meta) if formats::is_rollout_file(&path) => {
                files.push(FoundFile { display: path.display().to_string(), path, size: meta.len() })
            }
            Ok(_) => {}
            Err(e) => problems.push(Problem::file(path.display().to_string(), format!("cannot open: {e}"))),
        }
    }
}
