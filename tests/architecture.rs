//! The domain core never imports a terminal crate: it must stay usable from subcommands,
//! tests and other front ends, and testable without a terminal. And no code outside the
//! label store can write a file, so a rollout file is never written.

mod common;

use std::path::Path;

use common::rust_files;

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

/// Lines (numbered from 0) outside `#[cfg(test)]` items: the item after the attribute is
/// skipped to its closing brace (or its `;`).
fn non_test_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push((n, line));
            continue;
        }
        let mut depth = 0i64;
        let mut opened = false;
        for (_, item) in lines.by_ref() {
            depth += item.matches('{').count() as i64 - item.matches('}').count() as i64;
            opened |= item.contains('{');
            if (opened && depth <= 0) || (!opened && item.trim_end().ends_with(';')) {
                break;
            }
        }
    }
    out
}

#[test]
fn no_code_outside_the_label_store_can_write_a_file() {
    // Rollout files are opened read-only everywhere; only src/store writes (label files). Test
    // code (files named tests*.rs and everything after a `#[cfg(test)]`) may write fixtures.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 40, "{}", files.len());
    let banned = [
        "OpenOptions",
        "File::create",
        "fs::write",
        "create_new(",
        ".write(true)",
        ".append(true)",
        "set_len(",
        "fs::rename",
        "remove_file",
        "fs::copy",
        "set_permissions",
        "create_dir",
    ];
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        if relative.starts_with("src/store") || name.starts_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in non_test_lines(&text) {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for b in banned.iter().filter(|b| line.contains(**b)) {
                found.push(format!("{}:{}: {b}: {}", relative.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "code that can write files outside src/store:\n{}", found.join("\n"));
}

#[test]
fn every_test_runs_the_binary_without_the_users_config() {
    // A developer's own config file (say `threshold = 7`) must not change a test's result:
    // the binary is only started through tests/common (`rollscope()`, `on_a_terminal`), which
    // point ROLLSCOPE_CONFIG at a file that does not exist.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("tests"), &mut files);
    let common = root.join("tests/common/mod.rs");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| **f != common) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains(concat!("CARGO_BIN_", "EXE_rollscope")) {
                found.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(root).unwrap().display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(found.is_empty(), "start the binary with common::rollscope() instead:\n{}", found.join("\n"));
}
