//! The annotator's own label file. Opening a study writes nothing: `open` only reads what is
//! there — never through a symlink, never a file that is not a regular one — and says whether
//! labels can be written. The folder and the file are created, opened for appending with
//! no-follow semantics, checked again (a regular file with one name, unchanged since it was
//! read) and locked only at the first label. Every record is appended and fsync'd before it
//! counts as saved; after a torn last line the next record starts on a fresh line.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{label_path, parse_records, read_records};
use crate::formats::input::{Bounded, folder_of};
use crate::load::walk;
use crate::model::{LabelRecord, Limit, Problem};

/// The annotator's label file, opened for writing at the first `append`.
#[derive(Debug)]
pub struct LabelWriter {
    path: PathBuf,
    dir: PathBuf,
    state: State,
}

#[derive(Debug)]
enum State {
    /// Nothing is open for writing yet; `seen` is the length read at start (`None`: no file).
    Unopened {
        seen: Option<u64>,
    },
    Open {
        file: File,
        /// The file does not end with a newline (a torn line, or a failed write): the next
        /// record starts with one.
        needs_newline: bool,
    },
    ReadOnly(String),
}

/// Why a record was not appended.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Labels cannot be written this session (the message names the file and why); not
    /// worth retrying.
    #[error("{0}")]
    ReadOnly(String),
    /// The write failed (a full disk, a lost mount): worth retrying.
    #[error("cannot save label to {}: {reason}", .path.display())]
    Write { path: PathBuf, reason: std::io::Error },
}

/// The result of opening an annotator's file.
#[derive(Debug)]
pub struct Opened {
    pub writer: LabelWriter,
    pub records: Vec<LabelRecord>,
    pub warnings: Vec<Problem>,
    /// Why labels cannot be written this session, for the status bar.
    pub read_only: Option<String>,
    /// The file exists (nothing creates it before the first label).
    pub exists: bool,
}

/// Reads `<dir>/<annotator>.jsonl` and decides whether labels can be written to it, writing
/// nothing, `limit` at most. `study` is the paths the study was opened from: a labels folder
/// holding one of their rollout files is read-only.
pub fn open(dir: &Path, annotator: &str, study: &[PathBuf], limit: Limit) -> Opened {
    let path = label_path(dir, annotator);
    let display = path.display().to_string();
    let refuse =
        |why: &str| format!("cannot write labels to {display}: {why}; labels are read-only this session");
    let mut read_only = studied_file_in(dir, study).map(|file| {
        refuse(&format!(
            "its folder holds {}, a rollout file being studied (choose another --labels folder)",
            file.display()
        ))
    });
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = None;
    let meta = std::fs::symlink_metadata(&path);
    match &meta {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
                read_only.get_or_insert_with(|| refuse("the labels folder is not a folder"));
            }
        }
        Err(e) => {
            read_only.get_or_insert_with(|| refuse(&e.to_string()));
        }
        Ok(meta) if meta.is_symlink() => {
            read_only.get_or_insert_with(|| {
                refuse("it is a symbolic link, and rollscope never writes through one")
            });
            // Its labels still show when it leads to a regular file.
            if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                (records, warnings) = read_records(&path, limit);
            }
        }
        Ok(meta) if !meta.is_file() => {
            read_only.get_or_insert_with(|| refuse("it is not a regular file"));
        }
        Ok(_) => match read_existing(&path, &display, limit) {
            Ok((bytes, why_not)) => {
                seen = Some(bytes.len() as u64);
                (records, warnings) = parse_records(&bytes, &display);
                if let Some(why) = why_not {
                    read_only.get_or_insert_with(|| match why {
                        Refusal::Locked => locked_message(&display),
                        Refusal::Other(why) => refuse(&why),
                    });
                }
            }
            Err(why) => {
                read_only.get_or_insert_with(|| refuse(&why));
            }
        },
    }
    let state = match &read_only {
        Some(reason) => State::ReadOnly(reason.clone()),
        None => State::Unopened { seen },
    };
    let writer = LabelWriter { path, dir: dir.to_path_buf(), state };
    let exists = !meta.is_err_and(|e| e.kind() == ErrorKind::NotFound);
    Opened { writer, records, warnings, read_only, exists }
}

/// Why a label file that could be read cannot be written.
enum Refusal {
    /// Another process holds the lock.
    Locked,
    Other(String),
}

fn locked_message(display: &str) -> String {
    format!(
        "another rollscope is writing {display}; labels are read-only here (close the other one to label)"
    )
}

/// Reads a regular label file (no-follow) and finds out, without writing or keeping a lock,
/// whether it could be appended to.
fn read_existing(path: &Path, display: &str, limit: Limit) -> Result<(Vec<u8>, Option<Refusal>), String> {
    let no_follow =
        |append: bool| OpenOptions::new().read(true).append(append).custom_flags(libc::O_NOFOLLOW).open(path);
    let (mut file, mut why_not) = match no_follow(true) {
        Ok(file) => (file, None),
        Err(e) => match no_follow(false) {
            Ok(file) => (file, Some(Refusal::Other(e.to_string()))),
            Err(e) => return Err(format!("cannot read it: {e}")),
        },
    };
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if let Some(why) = other_names(&meta) {
        why_not.get_or_insert(Refusal::Other(why));
    }
    if why_not.is_none() {
        match file.try_lock() {
            Ok(()) => {
                let _ = file.unlock();
            }
            Err(TryLockError::WouldBlock) => why_not = Some(Refusal::Locked),
            Err(TryLockError::Error(e)) => why_not = Some(Refusal::Other(format!("cannot lock it: {e}"))),
        }
    }
    let mut bytes = Vec::new();
    Bounded::new(&mut file, limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {display}: {e}"))?;
    Ok((bytes, why_not))
}

/// A label file with hard links: appending to it would change the other names too (a rollout
/// file among them, perhaps).
fn other_names(meta: &std::fs::Metadata) -> Option<String> {
    (meta.nlink() > 1)
        .then(|| format!("it has {} names (hard links), and appending would change them all", meta.nlink()))
}

/// A file of the study found directly in the labels folder, if any (where an annotator's file
/// could be a rollout file, and rollout files would be read as labels).
fn studied_file_in(dir: &Path, study: &[PathBuf]) -> Option<PathBuf> {
    let folder = std::fs::metadata(dir).ok()?;
    let id = (folder.dev(), folder.ino());
    let same_folder = |file: &Path| {
        let parent = folder_of(file);
        std::fs::metadata(parent).is_ok_and(|m| (m.dev(), m.ino()) == id)
    };
    walk::rollout_files(study, Limit::NONE).0.iter().flat_map(walk::FoundFile::files).find(|f| same_folder(f))
}

/// Errors worth retrying when creating the folder or the file: the disk, not the setup.
fn retryable(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::Interrupted)
        || e.raw_os_error() == Some(libc::EIO)
}

impl LabelWriter {
    /// Appends one record and fsyncs; only an `Ok` means the change is on disk. The first call
    /// creates the folder and the file, and takes the lock.
    pub fn append(&mut self, record: &LabelRecord) -> Result<(), AppendError> {
        if let State::Unopened { seen } = self.state {
            match self.open_for_writing(seen) {
                Ok(state) => self.state = state,
                Err(AppendError::ReadOnly(reason)) => self.state = State::ReadOnly(reason),
                Err(e) => return Err(e),
            }
        }
        let path = &self.path;
        let (file, needs_newline) = match &mut self.state {
            State::Open { file, needs_newline } => (file, needs_newline),
            State::ReadOnly(reason) => return Err(AppendError::ReadOnly(reason.clone())),
            State::Unopened { .. } => return Err(AppendError::ReadOnly("labels are not open".into())),
        };
        let mut line = String::new();
        if *needs_newline {
            line.push('\n');
        }
        line.push_str(&serde_json::to_string(record).map_err(|e| write_error(path, e.into()))?);
        line.push('\n');
        // Until the write is known complete, assume a partial line may be on disk.
        *needs_newline = true;
        file.write_all(line.as_bytes()).map_err(|e| write_error(path, e))?;
        file.sync_data().map_err(|e| write_error(path, e))?;
        *needs_newline = false;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates what is missing, opens the file (no-follow), checks it and locks it.
    fn open_for_writing(&self, seen: Option<u64>) -> Result<State, AppendError> {
        let display = self.path.display().to_string();
        let refuse = |why: &str| {
            AppendError::ReadOnly(format!(
                "cannot write labels to {display}: {why}; labels are read-only this session"
            ))
        };
        let fail = |e: std::io::Error| {
            if retryable(&e) { write_error(&self.path, e) } else { refuse(&e.to_string()) }
        };
        let new_folder = !self.dir.is_dir();
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        if new_folder {
            sync_parent(&self.dir);
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&self.path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => refuse("it is a symbolic link, and rollscope never writes through one"),
                _ => fail(e),
            })?;
        let meta = file.metadata().map_err(fail)?;
        if !meta.is_file() {
            return Err(refuse("it is not a regular file"));
        }
        if let Some(why) = other_names(&meta) {
            return Err(refuse(&why));
        }
        lock(&file).map_err(|e| match e {
            TryLockError::WouldBlock => AppendError::ReadOnly(locked_message(&display)),
            TryLockError::Error(e) => refuse(&format!("cannot lock it: {e}")),
        })?;
        let len = file.metadata().map_err(fail)?.len();
        if len != seen.unwrap_or(0) {
            return Err(refuse(
                "it changed after this session read it (another rollscope labelled?), and labelling here could \
                 undo those labels; reopen to label",
            ));
        }
        let mut last = [b'\n'];
        if len > 0 {
            file.read_exact_at(&mut last, len - 1).map_err(fail)?;
        }
        if seen.is_none() {
            // Make the new file's directory entry durable too.
            sync_parent(&self.path);
        }
        Ok(State::Open { file, needs_newline: last[0] != b'\n' })
    }
}

fn write_error(path: &Path, reason: std::io::Error) -> AppendError {
    AppendError::Write { path: path.to_path_buf(), reason }
}

/// Takes the lock, trying a few times: another instance only probing the file at its start
/// holds it for an instant.
fn lock(file: &File) -> Result<(), TryLockError> {
    for _ in 0..4 {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(25)),
            done => return done,
        }
    }
    file.try_lock()
}

fn sync_parent(path: &Path) {
    let parent = folder_of(path);
    if let Ok(d) = File::open(parent) {
        let _ = d.sync_all();
    }
}
