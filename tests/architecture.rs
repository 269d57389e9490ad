//! The shape of the crate, checked on its source: modules form layers and use only their own
//! layer or lower ones, with no circles (among the top-level modules, nor among the readers in
//! `src/formats/`); the domain core never imports a terminal crate, so it stays usable from
//! subcommands, tests and other front ends; and no code outside the label store can write a
//! file, so a rollout file is never written.

mod common;
#[path = "architecture/graph.rs"]
mod graph;
#[path = "architecture/paths.rs"]
mod paths;
#[path = "architecture/tokens.rs"]
mod tokens;

use std::path::Path;

use common::rust_files;

/// The layers, lowest first: a module may use modules of its own layer or lower ones. Every
/// module in `src/` must be here (`main` is `src/main.rs`; `lib.rs` is the root).
const LAYERS: &[&[&str]] = &[
    &["model", "sanitize", "config"],
    &["formats"],
    &["load", "study"],
    &["store"],
    &["metrics", "search", "sample"],
    &["cli"],
    &["app"],
    &["ui"],
    &["report", "export"],
    &["commands", "runtime", "testkit"],
    &["main"],
];

/// The first layer above the domain core.
const ABOVE_CORE: &str = "cli";

/// Folders whose submodules must not use each other in a circle either.
const INNER: &[&str] = &["formats"];

/// Every `.rs` file under `src/`: (path from the crate root with `/`, text).
fn source_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(root).unwrap_or(&file);
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            (name.join("/"), text)
        })
        .collect()
}

#[test]
fn modules_use_only_their_own_layer_or_lower_ones_and_never_in_a_circle() {
    let files = source_files();
    assert!(files.len() > 40, "the sources were found: {}", files.len());
    let found = graph::violations(&files, LAYERS, INNER);
    assert!(found.is_empty(), "the module graph breaks the layers:\n{}", found.join("\n"));
}

#[test]
fn the_layer_check_finds_planted_circles_upward_edges_and_unlisted_modules() {
    let layers: &[&[&str]] = &[&["a", "b", "formats"], &["c"]];
    let files = [
        ("src/lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod d;\npub mod formats;"),
        // a -> b through a nested group over several lines; the comment and the string do not count.
        (
            "src/a.rs",
            "// use crate::c;\nconst S: &str = \"crate::c::f()\";\nuse crate::{\n    b::{x,\n        y::{self, Z}},\n};",
        ),
        ("src/b/mod.rs", "mod inner;\nfn f() { crate::a::g(); }"),
        // b -> c goes up a layer.
        ("src/b/inner.rs", "fn f() { super::super::c::h(); }"),
        ("src/c.rs", "//! crate::a\nuse crate::formats::x::X;"),
        ("src/d.rs", ""),
        ("src/formats/mod.rs", "mod x;\nmod y;\npub use x::X;"),
        ("src/formats/x.rs", "use super::y::Y;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}"),
        ("src/formats/y.rs", "fn f() {\n    crate::formats::x::g()\n}"),
    ];
    let files: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    let found = graph::violations(&files, layers, &["formats"]);
    let expected = [
        "module `d` is not in the layer table (LAYERS in tests/architecture.rs): add it to the layer it \
         belongs to",
        "upward edge: b (layer 0) uses c (layer 1), at src/b/inner.rs:1: c::h",
        "cycle among modules: a -> b -> a\n  a -> b at src/a.rs:4: b::x, src/a.rs:5: b::y, src/a.rs:5: b::y::Z\n  \
         b -> a at src/b/mod.rs:2: a::g",
        "cycle among src/formats/: formats::x -> formats::y -> formats::x\n  \
         formats::x -> formats::y at src/formats/x.rs:1: formats::y::Y\n  \
         formats::y -> formats::x at src/formats/y.rs:2: formats::x::g",
    ];
    assert_eq!(found, expected);
}

/// The domain core (every layer below `cli`) names no terminal crate, comments and strings aside.
#[test]
fn core_modules_do_not_import_terminal_crates() {
    let above = LAYERS.iter().position(|layer| layer.contains(&ABOVE_CORE)).unwrap();
    let core: Vec<&str> = LAYERS[..above].iter().flat_map(|layer| layer.iter().copied()).collect();
    let files = source_files();
    let in_core: Vec<&(String, String)> = files
        .iter()
        .filter(|(file, _)| paths::module_of(file).first().is_some_and(|m| core.contains(&m.as_str())))
        .collect();
    assert!(in_core.len() > 10, "the core was found: {}", in_core.len());
    let mut found = Vec::new();
    for (file, text) in in_core {
        for token in tokens::tokenize(text) {
            if token.is("ratatui") || token.is("crossterm") {
                found.push(format!("{file}:{}: {}", token.line, token.text));
            }
        }
    }
    assert!(found.is_empty(), "the core must not use a terminal crate:\n{}", found.join("\n"));
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
        "File::options",
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
        // Raw open flags that write, were they ever passed to `custom_flags` or `libc::open`.
        "O_WRONLY",
        "O_RDWR",
        "O_CREAT",
        "O_TRUNC",
        "O_APPEND",
    ];
    // Opening input files read-only and non-blocking (a FIFO must not block a load) needs
    // `OpenOptions`; that file may name it, and nothing else on the list.
    let reads_only = Path::new("src/formats/input.rs");
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        if relative.starts_with("src/store") || name.starts_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // `.write(true)` and `.append(true)` open a file for writing only on an `OpenOptions`
        // (`File::options()` gives one): elsewhere they are another type's methods (an Arrow
        // list builder's `append(is_valid)`), and without one in the file nothing is opened.
        let opens_files = text.contains("OpenOptions") || text.contains("options()");
        for (n, line) in non_test_lines(&text) {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let builder_call = |b: &str| matches!(b, ".write(true)" | ".append(true)") && !opens_files;
            for b in banned.iter().filter(|b| line.contains(**b) && !builder_call(b)) {
                if relative == reads_only && *b == "OpenOptions" {
                    continue;
                }
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
