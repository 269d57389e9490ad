//! Resolving the paths a user gives into rollout files: directories are walked recursively
//! (sorted, so a study always loads in the same order), hidden folders and label folders are
//! skipped, and symlink loops are detected instead of followed forever. A folder with a layout
//! of its own (FastChat's MT-Bench: `question.jsonl`, `model_answer/`, `model_judgment/`),
//! given or met while walking, is one source and is not walked into.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::formats::mtbench::MtBenchFolder;
use crate::formats::{self, input};
use crate::model::{Limit, Problem};

/// The folder name rollscope writes labels to; never read as rollouts.
pub const LABELS_DIR_NAME: &str = "rollscope-labels";

/// A file to load, or a folder read as one source.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    pub display: String,
    /// For a folder, its files' sizes added up.
    pub size: u64,
    /// The folder's files, when `path` is an MT-Bench folder.
    pub folder: Option<MtBenchFolder>,
}

impl FoundFile {
    /// Every file it is read from: itself, or a folder's files.
    pub fn files(&self) -> Vec<PathBuf> {
        match &self.folder {
            Some(folder) => folder.files().map(Path::to_path_buf).collect(),
            None => vec![self.path.clone()],
        }
    }
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
            Ok(meta) if meta.is_dir() => match MtBenchFolder::find(path) {
                Some(folder) => found.add_folder(path.clone(), folder),
                None => walk(path, &mut found),
            },
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
            Ok(size) => self.files.push(FoundFile { path, display, size, folder: None }),
            Err(e) => self.problems.push(Problem::file(display, format!("not read: {e}"))),
        }
    }

    /// A folder read as one source: each of its files must be a regular file within the
    /// limit, as a file found alone must; the folder is left out when its questions are not.
    fn add_folder(&mut self, path: PathBuf, mut folder: MtBenchFolder) {
        let mut size = 0;
        let mut check = |file: &Path| match std::fs::metadata(file)
            .map_err(|e| e.to_string())
            .and_then(|meta| input::check_metadata(&meta, self.limit).map_err(|e| e.to_string()))
        {
            Ok(bytes) => {
                size += bytes;
                true
            }
            Err(e) => {
                self.problems.push(Problem::file(file.display().to_string(), format!("not read: {e}")));
                false
            }
        };
        if !check(&folder.questions) {
            return;
        }
        folder.retain(&mut check);
        let display = path.display().to_string();
        self.files.push(FoundFile { path, display, size, folder: Some(folder) });
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
            Ok(meta) if meta.is_dir() => match MtBenchFolder::find(&path) {
                Some(folder) => found.add_folder(path, folder),
                None => walk(&path, found),
            },
            Ok(meta) if formats::is_rollout_file(&path) => found.add(path, &meta),
            Ok(_) => {}
            Err(e) => {
                found.problems.push(Problem::file(path.display().to_string(), format!("cannot open: {e}")))
            }
        }
    }
}

/// Drops the ATIF trajectories another found trajectory continues in: they are read as part of
/// it (`formats::agents::atif`), not listed on their own.
pub fn skip_continuations(files: &mut Vec<FoundFile>, limit: crate::model::Limit) {
    use crate::formats::agents::atif;
    let real = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut continued = Vec::new();
    for file in files.iter().filter(|f| f.folder.is_none()) {
        let Ok((mut handle, _)) = crate::formats::input::open_regular(&file.path) else { continue };
        let mut head = [0u8; 4096];
        let n = std::io::Read::read(&mut handle, &mut head).unwrap_or(0);
        if !atif::looks_like_atif(&head[..n]) {
            continue;
        }
        let Ok(bytes) = crate::formats::input::read(&file.path, limit) else { continue };
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(next) = atif::continuation_of(&value, &file.path)
        {
            continued.push(real(&next));
        }
    }
    if !continued.is_empty() {
        files.retain(|f| !continued.contains(&real(&f.path)));
    }
}
