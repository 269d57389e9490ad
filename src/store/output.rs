//! Files rollscope writes on request (exports, spot-check queues): the one place that creates
//! them, and that refuses a path that is one of the study's rollout files.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Creates (or truncates) `path` for writing, unless it is one of `sources`.
pub fn create(path: &Path, sources: &[PathBuf]) -> Result<File, String> {
    if let Ok(target) = std::fs::canonicalize(path)
        && sources.iter().any(|s| std::fs::canonicalize(s).is_ok_and(|s| s == target))
    {
        return Err(format!("refusing to write over a rollout file: {}", path.display()));
    }
    File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
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
        assert!(err.contains("refusing to write over a rollout file"), "{err}");
        assert_eq!(std::fs::read_to_string(&source).unwrap(), "{}\n");
        assert!(create(&dir.path().join("out.csv"), &[source]).is_ok());
    }
}
