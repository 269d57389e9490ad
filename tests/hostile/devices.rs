//! The hostile corpus's files that are not files: a FIFO (reading it blocks until someone
//! writes), symlinks named like rollout files to `/dev/zero` and `/dev/urandom` (endless),
//! in a walked folder, given by name, as `--scores` files, and as other annotators' label
//! files; and a regular study beside them that must still load.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The generated folder.
pub struct Devices {
    _tmp: tempfile::TempDir,
    /// A folder to walk: `good.jsonl` and the not-files below.
    pub walked: PathBuf,
    pub good: PathBuf,
    /// `fifo.jsonl`, a FIFO nobody writes to.
    pub fifo: PathBuf,
    /// `zero.json` → /dev/zero.
    pub zero: PathBuf,
    /// `urandom.jsonl` → /dev/urandom.
    pub urandom: PathBuf,
    /// A labels folder: `ana.jsonl` (one label), `bob.jsonl` → /dev/zero, `cy.jsonl` a FIFO.
    pub labels: PathBuf,
    /// Outside the walked folder: a FIFO and a /dev/zero link named like score files and
    /// queues.
    pub fifo_elsewhere: PathBuf,
    pub zero_elsewhere: PathBuf,
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a directory entry.
    let status = unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) };
    assert_eq!(status, 0, "mkfifo {}: {}", path.display(), std::io::Error::last_os_error());
}

/// A study of one rollout, judge-scored, with id `good`.
pub fn good_rollout() -> String {
    let rollout = serde_json::json!({"id": "good", "messages": [
        {"role": "user", "content": "What is 17 * 23?"},
        {"role": "assistant", "content": "391.", "scores": {"frustration": 2}},
        {"role": "user", "content": "Wrong."},
        {"role": "assistant", "content": "It is 391.", "scores": {"frustration": 6}}]});
    format!("{rollout}\n")
}

pub fn generate() -> Devices {
    let tmp = tempfile::tempdir().unwrap();
    let walked = tmp.path().join("walked");
    let labels = tmp.path().join("labels");
    std::fs::create_dir_all(&walked).unwrap();
    std::fs::create_dir_all(&labels).unwrap();
    let good = walked.join("good.jsonl");
    std::fs::write(&good, good_rollout()).unwrap();
    let fifo = walked.join("fifo.jsonl");
    mkfifo(&fifo);
    let zero = walked.join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let urandom = walked.join("urandom.jsonl");
    std::os::unix::fs::symlink("/dev/urandom", &urandom).unwrap();

    let label = serde_json::json!({"rollout": "good", "turn": 1, "score": 3, "annotator": "ana",
        "time": "2026-11-23T00:00:00Z", "source": "good.jsonl"});
    std::fs::write(labels.join("ana.jsonl"), format!("{label}\n")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", labels.join("bob.jsonl")).unwrap();
    mkfifo(&labels.join("cy.jsonl"));

    let fifo_elsewhere = tmp.path().join("fifo-scores.jsonl");
    mkfifo(&fifo_elsewhere);
    let zero_elsewhere = tmp.path().join("zero-scores.jsonl");
    std::os::unix::fs::symlink("/dev/zero", &zero_elsewhere).unwrap();
    Devices { _tmp: tmp, walked, good, fifo, zero, urandom, labels, fifo_elsewhere, zero_elsewhere }
}
