//! The domain core never imports a terminal crate: it must stay usable from subcommands,
//! tests and other front ends, and testable without a terminal.

use std::path::Path;

const CORE: &[&str] = &[
    "src/model",
    "src/formats",
    "src/study",
    "src/metrics",
    "src/store",
    "src/sanitize.rs",
    "src/search.rs",
    "src/load",
];

fn rust_files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            rust_files(&entry.path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn core_modules_do_not_import_terminal_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in CORE {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "the core was found: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for banned in ["ratatui", "crossterm", "crate::app", "crate::ui", "crate::runtime"] {
                assert!(
                    !line.contains(banned) || line.trim_start().starts_with("//"),
                    "{}:{}: the core must not use {banned}: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}
