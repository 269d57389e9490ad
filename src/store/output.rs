//! Files rollscope writes on request (exports, spot-check queues): the one place that creates
//! them, and that refuses a path that is one of the study's rollout files.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Why an output file was not created; both name it.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path is one of the study's rollout files (the same file by another name too).
    #[error("refusing to write over a rollout file: {}", .path.display())]
    RolloutFile { path: PathBuf },
    #[error("cannot create {}: {reason}", .path.display())]
    Create { path: PathBuf, reason: std::io::Error },
}

/// Creates (or truncates) `path` for writing, unless it is one of `sources`.
pub fn create(path: &Path, sources: &[PathBuf]) -> Result<File, OutputError> {
    if let Ok(target) = std::fs::canonicalize(path)
        && sources.iter().any(|s| std::fs::canonicalize(s).is_ok_and(|s| s == target))
    {
        return Err(OutputError::RolloutFile { path: path.to_path_buf() });
    }
    File::create(path).map_err(|reason| OutputError::Create { path: path.to_path_buf(), reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_rollout_files_and_creates_others() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("study.jsonl");
        std::fs::write(&source, "{}\n").unwrap();
        let err = create(&dir.path().join("./study.jsonl"), std::slice::from_ref(&source)).unwrap_err();
        assert!(err.to_string().contains("refusing to write over a rollout file"), "{err}");
        assert!(matches!(err, OutputError::RolloutFile { .. }));
        assert_eq!(std::fs::read_to_string(&source).unwrap(), "{}\n");
        assert!(create(&dir.path().join("out.csv"), &[source]).is_ok());
    }
}
