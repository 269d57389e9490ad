//! Files rollscope writes on request (exports, spot-check queues): the one place that creates
//! them. An output is refused when it is one of the study's inputs by any name — symlinks
//! followed, hard links found by device and inode — and a file is only ever put in place by
//! writing a temporary file in the same folder, fsync'ing it and renaming it over the name, so
//! an existing file is never truncated in place and a crash never leaves half an export where a
//! good file was.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::formats::input::folder_of;
use crate::load::walk;
use crate::store::file;

/// What an input is, for the message that refuses to write over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Rollout,
    Scores,
    Labels,
    Queue,
    Config,
}

impl InputKind {
    fn describe(self) -> &'static str {
        match self {
            InputKind::Rollout => "a rollout file of the study",
            InputKind::Scores => "a --scores file",
            InputKind::Labels => "a label file",
            InputKind::Queue => {
                "a spot-check queue (to draw a different one under this name, delete it first)"
            }
            InputKind::Config => "the config file",
        }
    }
}

/// Why an output file was not written; each names it.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path is an input (the same file by another name too); `input` is the name it was
    /// given as an input.
    #[error("refusing to write {}: it is {}{}; choose another output file", .path.display(), .kind.describe(), also_named(.path, .input))]
    Input { path: PathBuf, kind: InputKind, input: PathBuf },
    #[error("cannot create {}: {reason}", .path.display())]
    Create { path: PathBuf, reason: std::io::Error },
    #[error("cannot write {}: {reason}", .path.display())]
    Write { path: PathBuf, reason: std::io::Error },
}

/// Every file a command reads: an output may be none of them.
#[derive(Debug, Default)]
pub struct Inputs {
    files: Vec<(PathBuf, InputKind)>,
    /// The labels folder: a new `*.jsonl` there would be read as an annotator's labels.
    labels: Option<PathBuf>,
}

impl Inputs {
    /// A study's inputs: every file the walk finds under `paths` (whether it loads or not), the
    /// `--scores` files, every label file in `labels`, and the config file.
    pub fn of_study(paths: &[PathBuf], scores: &[PathBuf], labels: &Path) -> Inputs {
        let mut inputs = Inputs { files: Vec::new(), labels: Some(labels.to_path_buf()) };
        // A path given is an input even when the walk reports it as a problem.
        inputs.files.extend(paths.iter().map(|p| (p.clone(), InputKind::Rollout)));
        inputs.files.extend(
            walk::rollout_files(paths, crate::model::Limit::NONE)
                .0
                .iter()
                .flat_map(walk::FoundFile::files)
                .map(|f| (f, InputKind::Rollout)),
        );
        inputs.files.extend(scores.iter().map(|p| (p.clone(), InputKind::Scores)));
        if let Ok(found) = file::annotator_files(labels) {
            inputs.files.extend(found.into_iter().map(|(_, p)| (p, InputKind::Labels)));
        }
        if let Some(config) = crate::config::config_path() {
            inputs.files.push((config, InputKind::Config));
        }
        inputs
    }

    /// Adds a file the command reads.
    pub fn add(&mut self, path: &Path, kind: InputKind) {
        self.files.push((path.to_path_buf(), kind));
    }

    /// The input that is the same file as `target` (device and inode), if any.
    fn find(&self, target: &Metadata) -> Option<&(PathBuf, InputKind)> {
        let id = (target.dev(), target.ino());
        self.files.iter().find(|(path, _)| std::fs::metadata(path).is_ok_and(|m| (m.dev(), m.ino()) == id))
    }

    /// Why `path` (not yet existing) may not be created: a `*.jsonl` in the labels folder.
    fn new_label_file(&self, path: &Path) -> bool {
        let Some(labels) = &self.labels else { return false };
        let parent = folder_of(path);
        path.extension().is_some_and(|e| e == "jsonl") && same_file(parent, labels)
    }
}

/// ` (runs/a.jsonl)`: the input's name, when it was given by another one.
fn also_named(path: &Path, input: &Path) -> String {
    if path == input { String::new() } else { format!(" ({})", input.display()) }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// An output being written: a temporary file beside its name until `commit` renames it there
/// (dropped without a commit, it is removed), or a device or pipe written as it is.
#[derive(Debug)]
pub struct OutputFile {
    out: BufWriter<File>,
    /// (temporary file, final name); `None` for a device or pipe.
    rename: Option<(PathBuf, PathBuf)>,
    shown: PathBuf,
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl OutputFile {
    /// Flushes and fsyncs the file and renames it over its name (then fsyncs the folder): the
    /// name holds either the old file or the whole new one, never part of it.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let shown = self.shown.clone();
        let error = |reason| OutputError::Write { path: shown.clone(), reason };
        self.out.flush().map_err(error)?;
        let Some((temp, target)) = self.rename.take() else { return Ok(()) };
        let done = self
            .out
            .get_ref()
            .sync_all()
            .and_then(|()| std::fs::rename(&temp, &target))
            .and_then(|()| sync_folder(&target));
        if done.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        done.map_err(error)
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some((temp, _)) = &self.rename {
            let _ = std::fs::remove_file(temp);
        }
    }
}

fn sync_folder(path: &Path) -> std::io::Result<()> {
    let folder = folder_of(path);
    File::open(folder)?.sync_all()
}

/// Starts writing `path`, unless it is one of `inputs` by any name. Nothing is at `path`
/// until `commit`.
pub fn create(path: &Path, inputs: &Inputs) -> Result<OutputFile, OutputError> {
    let create_error = |reason| OutputError::Create { path: path.to_path_buf(), reason };
    let existing = match std::fs::metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(create_error(e)),
    };
    let Some(meta) = existing else {
        if inputs.new_label_file(path) {
            let input = path.to_path_buf();
            return Err(OutputError::Input { path: input.clone(), kind: InputKind::Labels, input });
        }
        return start(path, path, None);
    };
    if let Some((input, kind)) = inputs.find(&meta) {
        return Err(OutputError::Input { path: path.to_path_buf(), kind: *kind, input: input.clone() });
    }
    if meta.is_dir() {
        return Err(create_error(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
    }
    if !meta.is_file() {
        // A device or a pipe (`-o /dev/stdout`): renaming over it would replace the device
        // node, so it is written as it is; it holds no file to lose.
        let file = OpenOptions::new().write(true).open(path).map_err(create_error)?;
        return Ok(OutputFile { out: BufWriter::new(file), rename: None, shown: path.to_path_buf() });
    }
    if looks_like_queue(path) {
        let input = path.to_path_buf();
        return Err(OutputError::Input { path: input.clone(), kind: InputKind::Queue, input });
    }
    // A symlink is followed: the file it names is replaced, keeping its permissions.
    let target = std::fs::canonicalize(path).map_err(create_error)?;
    start(path, &target, Some(meta.permissions().mode() & 0o7777))
}

/// Makes the folder outputs go in (`sample --annotators -o DIR`), and the folders above it.
pub fn create_folder(path: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(path).map_err(|reason| OutputError::Create { path: path.to_path_buf(), reason })
}

/// Writes `bytes` to `path` as `create` does; a file that already holds exactly these bytes is
/// left as it is (drawing the same queue again is allowed, a different one over it is not).
pub fn write(path: &Path, bytes: &[u8], inputs: &Inputs) -> Result<(), OutputError> {
    if holds(path, bytes) {
        let meta =
            std::fs::metadata(path).map_err(|reason| OutputError::Create { path: path.into(), reason })?;
        if let Some((input, kind)) = inputs.find(&meta) {
            return Err(OutputError::Input { path: path.to_path_buf(), kind: *kind, input: input.clone() });
        }
        return Ok(());
    }
    let mut out = create(path, inputs)?;
    out.write_all(bytes).map_err(|reason| OutputError::Write { path: path.to_path_buf(), reason })?;
    out.commit()
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|existing| existing == bytes)
}

/// Whether a regular file is a spot-check queue (`rollscope sample`'s JSON, with its
/// `version`, `paths` and `items`): labels given in it are marked with its name, so a queue is
/// never replaced by a different one. Read at most 256 MiB, never the whole of a large export.
fn looks_like_queue(path: &Path) -> bool {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct QueueShape {
        version: u32,
        paths: Vec<serde::de::IgnoredAny>,
        items: Vec<serde::de::IgnoredAny>,
    }
    let Ok(file) = File::open(path) else { return false };
    let reader = std::io::BufReader::new(file.take(256 << 20));
    serde_json::from_reader::<_, QueueShape>(reader).is_ok()
}

/// Opens a new temporary file in `target`'s folder (never an existing name).
fn start(shown: &Path, target: &Path, mode: Option<u32>) -> Result<OutputFile, OutputError> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let create_error = |reason| OutputError::Create { path: shown.to_path_buf(), reason };
    let name = target.file_name().ok_or_else(|| create_error(std::io::ErrorKind::InvalidInput.into()))?;
    let folder = folder_of(target);
    let mut attempt = 0;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = folder.join(format!(".{}.{}-{n}.partial", name.to_string_lossy(), std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true).custom_flags(libc::O_NOFOLLOW);
        match options.open(&temp) {
            Ok(file) => {
                if let Some(mode) = mode {
                    let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
                }
                let rename = Some((temp, target.to_path_buf()));
                return Ok(OutputFile { out: BufWriter::new(file), rename, shown: shown.to_path_buf() });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(create_error(e)),
        }
    }
}

#[cfg(test)]
mod tests;
