//! Where a report's numbers come from: rollscope's version, the command line that makes the
//! same report again, each input file with its size and SHA-256, and the settings.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// An input file: its path as given, its size and its SHA-256 (hex), or why it could not be
/// read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InputFile {
    pub path: String,
    pub role: &'static str,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub rollscope: &'static str,
    /// The command line that writes this report again (in the app, the one `R` stands for).
    pub command: String,
    pub date: String,
    pub score: String,
    pub threshold: f64,
    pub hatch: String,
    pub by: Vec<String>,
    pub baseline: Option<String>,
    pub pair_on: Option<String>,
    pub cluster: Option<String>,
    pub filter: Option<String>,
    pub boot: usize,
    pub perm: usize,
    pub seed: u64,
    pub inputs: Vec<InputFile>,
}

/// Each file hashed on its own thread (the `sha2` crate uses the CPU's SHA instructions where
/// it has them); `demo` is the built-in study, hashed from the bytes compiled in.
pub fn hash_inputs(files: &[(PathBuf, &'static str)], demo: Option<(&str, &[u8])>) -> Vec<InputFile> {
    use rayon::prelude::*;
    let mut inputs: Vec<InputFile> = demo
        .map(|(name, bytes)| InputFile {
            path: format!("{name} (built in)"),
            role: "rollouts",
            bytes: Some(bytes.len() as u64),
            sha256: Some(hex(&Sha256::digest(bytes))),
            error: None,
        })
        .into_iter()
        .collect();
    inputs.par_extend(files.par_iter().map(|(path, role)| hash_file(path, role)));
    inputs
}

fn hash_file(path: &Path, role: &'static str) -> InputFile {
    let shown = path.display().to_string();
    let digest = (|| -> std::io::Result<(u64, String)> {
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            total += n as u64;
            hasher.update(&buf[..n]);
        }
        Ok((total, hex(&hasher.finalize())))
    })();
    match digest {
        Ok((bytes, sha)) => {
            InputFile { path: shown, role, bytes: Some(bytes), sha256: Some(sha), error: None }
        }
        Err(e) => InputFile { path: shown, role, bytes: None, sha256: None, error: Some(e.to_string()) },
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A command line as a shell reads it: a word with anything but `[A-Za-z0-9_./=,:@%+-]` is
/// single-quoted.
pub fn shell_words<S: AsRef<str>>(words: &[S]) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./=,:@%+-".contains(c);
    words
        .iter()
        .map(|w| {
            let w = w.as_ref();
            if !w.is_empty() && w.chars().all(safe) {
                w.to_string()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_and_the_command_is_quoted_for_a_shell() {
        // `printf 'abc' | sha256sum`
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"abc").unwrap();
        let found = hash_inputs(&[(path, "rollouts")], Some(("demo.jsonl", b"")));
        assert_eq!(
            found[1].sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(found[1].bytes, Some(3));
        // `printf '' | sha256sum`
        assert_eq!(
            found[0].sha256.as_deref(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            shell_words(&["rollscope", "report", "--filter", "condition=a b", "it's"]),
            "rollscope report --filter 'condition=a b' 'it'\\''s'"
        );
    }
}
