//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary, with no config file from the machine running the tests.
pub fn rollscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rollscope"));
    cmd.env("ROLLSCOPE_CONFIG", "/nonexistent/rollscope-test-config.toml");
    cmd
}

/// Runs the binary with a pseudo-terminal as stdout (through `script`), as a user's shell
/// would: (exit success, stdout with the terminal's CR LF turned back into LF). `None` when
/// `script` is not installed (the caller skips and says so).
pub fn on_a_terminal(args: &[&str]) -> Option<(bool, String)> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to give rollscope a pseudo-terminal");
        return None;
    }
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let command = format!("'{}' {} 2>/dev/null", env!("CARGO_BIN_EXE_rollscope"), quoted.join(" "));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("ROLLSCOPE_CONFIG", "/nonexistent/rollscope-test-config.toml")
        .output()
        .unwrap();
    Some((out.status.success(), String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n")))
}

/// Every `.rs` file under `dir`.
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Runs a shell script in a pseudo-terminal (through `script`), with `$ROLLSCOPE` naming the
/// binary and no config file from the machine: what the terminal received, raw. `None` when
/// `script` is not installed (the caller skips and says so).
pub fn shell_in_a_terminal(body: &str) -> Option<Vec<u8>> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to give rollscope a pseudo-terminal");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.sh");
    std::fs::write(&path, body).unwrap();
    let out = Command::new("script")
        .args(["-qec", &format!("sh '{}'", path.display()), "/dev/null"])
        .env("ROLLSCOPE", env!("CARGO_BIN_EXE_rollscope"))
        .env("ROLLSCOPE_CONFIG", "/nonexistent/rollscope-test-config.toml")
        .output()
        .unwrap();
    Some(out.stdout)
}

/// Runs the binary with `args`: (exit success, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, String, String) {
    let out = rollscope().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary with `args`, which must succeed, and reads its stdout as JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    let (ok, stdout, stderr) = run(args);
    assert!(ok, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}
