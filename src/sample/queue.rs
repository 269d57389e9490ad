//! The queue file: what `sample` writes and `review` reads. Version 2 carries the whole study —
//! its paths relative to the queue file (so a queue moves, or is mailed, with its folder), the
//! shared study options (`--scores` files and how they join, `--score`, `--hatch`, …) — a
//! unique id, the annotator it is assigned to, and when the judge is revealed. Version 1 files
//! still open.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Item, Stratum};
use crate::formats::input::{self, InputError};
use crate::model::Limit;

/// The queue format this version writes.
pub const QUEUE_VERSION: u32 = 2;
/// The queue formats this version reads.
const READS: [u32; 2] = [1, 2];

/// When a review shows the judge's values of the queue's turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reveal {
    /// On the summary, after the last item: the annotator does not learn the judge's scale
    /// while labelling.
    #[default]
    End,
    /// Right after each score, with the difference.
    AfterScore,
    /// Not in the review at all.
    Never,
}

impl FromStr for Reveal {
    type Err = String;
    fn from_str(text: &str) -> Result<Reveal, String> {
        match text {
            "end" => Ok(Reveal::End),
            "after-score" => Ok(Reveal::AfterScore),
            "never" => Ok(Reveal::Never),
            other => Err(format!("{other:?} is not one of end, after-score, never")),
        }
    }
}

impl fmt::Display for Reveal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Reveal::End => "end",
            Reveal::AfterScore => "after-score",
            Reveal::Never => "never",
        })
    }
}

/// The queue file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub version: u32,
    /// Unique, written when the queue is drawn (labels given in its review carry it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The annotator the queue is assigned to (`review` labels as them unless told otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotator: Option<String>,
    pub score: String,
    pub seed: u64,
    pub n: usize,
    pub stratify: Vec<String>,
    pub turns: Option<String>,
    pub oversample_above: Option<f64>,
    /// The paths the study was opened from: relative to the queue file's folder (version 2),
    /// as they were given (version 1).
    pub paths: Vec<String>,
    /// The `--id-fields` the items' rollout ids were built from; review builds them the same
    /// way (none: the files' own ids). Not written when empty, so older queues read the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_fields: Vec<String>,
    /// The study options the sample was drawn with, as the command line serialises them (so
    /// options added later travel too); `--scores` paths relative to the queue file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<serde_json::Value>,
    /// When the judge's values show in the review.
    #[serde(default)]
    pub reveal: Reveal,
    /// Show the judge's values of the turns before each item's (they anchor the annotator, so
    /// not by default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_earlier: bool,
    /// An adjudication queue (`sample --disagree`): reviewed with the judge and every
    /// annotator shown, for a final score and a reason.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adjudicate: bool,
    pub strata: Vec<Stratum>,
    pub items: Vec<Item>,
}

/// Why a queue file cannot be used; both name it.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("{}: cannot read queue: {reason}", .path.display())]
    Read { path: PathBuf, reason: InputError },
    /// Written by another version of rollscope: its fields may not mean what this one thinks.
    #[error("{}: queue version {version} is not one this rollscope reads (it reads versions 1 and {QUEUE_VERSION})", .path.display())]
    Version { path: PathBuf, version: u32 },
    /// Not JSON, or not a queue's fields; `reason` has the line and column.
    #[error("{}: not a rollscope queue: {reason}", .path.display())]
    Invalid { path: PathBuf, reason: serde_json::Error },
}

impl Queue {
    /// Reads a queue file: only a regular file, `limit` at most, of a version this reads.
    pub fn read(path: &Path, limit: Limit) -> Result<Queue, QueueError> {
        let bytes = input::read(path, limit)
            .map_err(|reason| QueueError::Read { path: path.to_path_buf(), reason })?;
        let queue: Queue = serde_json::from_slice(&bytes)
            .map_err(|reason| QueueError::Invalid { path: path.to_path_buf(), reason })?;
        if !READS.contains(&queue.version) {
            return Err(QueueError::Version { path: path.to_path_buf(), version: queue.version });
        }
        Ok(queue)
    }

    /// The queue's name: its file stem (labels given in it are marked with it).
    pub fn name_of(path: &Path) -> String {
        path.file_stem().map_or_else(|| "queue".into(), |s| s.to_string_lossy().into_owned())
    }

    /// A path the queue names, as it is to be opened: relative to the folder of the queue file
    /// at `queue_path` (version 2); version 1 paths as given when they exist so, else relative
    /// to the queue's folder.
    pub fn resolve(&self, queue_path: &Path, stored: &str) -> PathBuf {
        let base = queue_path.parent().unwrap_or(Path::new("."));
        let given = PathBuf::from(stored);
        if self.version == 1 && (given.exists() || given.is_absolute()) {
            return given;
        }
        base.join(given)
    }

    /// The rollout paths to open for the queue at `queue_path`.
    pub fn study_paths(&self, queue_path: &Path) -> Vec<PathBuf> {
        self.paths.iter().map(|p| self.resolve(queue_path, p)).collect()
    }
}

/// `path` relative to the folder `base`, both made absolute first (`..` where they part), so
/// it can be stored in a file written in `base`; as absolute when they share no root (another
/// drive).
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (path, base) = (normal(&absolute(path)), normal(&absolute(base)));
    let (from, to): (Vec<Component>, Vec<Component>) =
        (base.components().collect(), path.components().collect());
    if from.first() != to.first() {
        return path;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &to[common..] {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() { PathBuf::from(".") } else { relative }
}

/// `a/./b/../c` as `a/c`, without touching the disk (symlinks are not followed: the path is
/// stored as the user named it).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A new queue id, unique per draw: the time in microseconds and a hash of it with the process
/// id, as `q-<time hex>-<4 hex>`.
pub fn new_queue_id() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    let mut mix = crate::metrics::rng::SplitMix64::new(micros ^ (u64::from(std::process::id()) << 32));
    format!("q-{micros:x}-{:04x}", mix.next_u64() & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_stored_relative_to_the_queue_folder() {
        let cases = [
            ("/data/study/a.jsonl", "/data/study", "a.jsonl"),
            ("/data/study/runs/a.jsonl", "/data/study", "runs/a.jsonl"),
            ("/data/scores.jsonl", "/data/study/queues", "../../scores.jsonl"),
            ("/data/./x/../a.jsonl", "/data", "a.jsonl"),
        ];
        for (path, base, want) in cases {
            assert_eq!(
                relative_to(Path::new(path), Path::new(base)),
                PathBuf::from(want),
                "{path} from {base}"
            );
        }
    }

    #[test]
    fn reveal_reads_and_writes_its_three_names() {
        for name in ["end", "after-score", "never"] {
            let reveal: Reveal = name.parse().unwrap();
            assert_eq!(reveal.to_string(), name);
            assert_eq!(serde_json::to_value(reveal).unwrap(), name);
        }
        assert!("later".parse::<Reveal>().unwrap_err().contains("end, after-score, never"));
    }

    #[test]
    fn ids_differ_between_draws() {
        let a = new_queue_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_ne!(a, new_queue_id());
        assert!(a.starts_with("q-"));
    }
}
