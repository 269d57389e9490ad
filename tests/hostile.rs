//! Issue 9: no panic, no escape sequence reaches the terminal, nothing lost. The corpus
//! (`hostile/corpus.rs`) writes every kind of bad input into a temporary folder; these tests
//! load it file by file and whole, through the library and the real binary. The render path
//! is swept in `hostile_render.rs`; that no code writes a rollout file, in `architecture.rs`.
#![allow(clippy::unwrap_used)]

mod common;
// Shared with the other hostile tests, each of which uses part of it.
#[allow(dead_code)]
#[path = "hostile/corpus.rs"]
mod corpus;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use corpus::{Expected, FileCase, assert_terminal_safe};
use rollscope::load::LoadOptions;
use rollscope::model::{Problem, problem};
use rollscope::study::Study;

fn load(paths: &[PathBuf]) -> Study {
    Study::load(paths, &LoadOptions::default())
}

/// Whether `problem` is the expected one.
fn matches(problem: &Problem, expected: &Expected) -> bool {
    expected.line.is_none_or(|l| problem.line == Some(l))
        && expected.column.is_none_or(|c| problem.column == Some(c))
        && problem.message.contains(expected.contains)
}

/// Each expected problem matches a different reported one, and nothing else is reported.
fn check_problems(case: &FileCase, problems: &[Problem]) {
    let shown: Vec<String> = problems.iter().map(|p| format!("{:?}", p.to_string())).collect();
    assert_eq!(problems.len(), case.problems.len(), "{:?}: problems {shown:#?}", case.rel);
    let mut used = vec![false; problems.len()];
    for expected in &case.problems {
        let found = problems.iter().enumerate().find(|(i, p)| !used[*i] && matches(p, expected));
        let Some((i, _)) = found else {
            panic!("{:?}: expected {expected:?} among {shown:#?}", case.rel);
        };
        used[i] = true;
    }
    for p in problems {
        // A problem at a line always has its column too (1-based: a column 0 means nothing).
        if p.line.is_some() {
            assert!(p.column.is_some_and(|c| c >= 1), "{:?}: no column in {p}", case.rel);
        }
    }
}

#[test]
fn every_file_alone_loads_what_it_must_and_reports_each_problem_at_its_place() {
    let corpus = corpus::generate();
    if corpus.privileged {
        eprintln!("skipped: the unreadable-file check (chmod 000 does not stop this process: root)");
    }
    for case in &corpus.files {
        let path = corpus.path(case);
        let study = load(std::slice::from_ref(&path));
        let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, case.ids, "{:?}", case.rel);
        if !case.skip_problems {
            check_problems(case, &study.problems);
        }
        let display = path.display().to_string();
        for p in &study.problems {
            assert!(p.path.starts_with(&display), "{:?}: the problem names its file: {p}", case.rel);
        }
        // Whatever the index lists, the reader can open: the index and the full decoder agree.
        for (i, summary) in study.rollouts.iter().enumerate() {
            let rollout = study.read_rollout(i).unwrap_or_else(|e| panic!("{:?}: {e}", case.rel));
            assert_eq!(rollout.id, &*summary.id);
            assert_eq!(rollout.turn_messages().len(), summary.n_turns as usize, "{:?}", case.rel);
        }
    }
}

/// The id a rollout had in its file, before a study-wide `#n` made it unique.
fn original_id<'a>(id: &'a str, file_ids: &[String]) -> Option<&'a str> {
    let mut candidate = id;
    loop {
        if file_ids.iter().any(|f| f == candidate) {
            return Some(candidate);
        }
        candidate = &candidate[..candidate.rfind('#')?];
    }
}

#[test]
fn the_whole_corpus_loads_at_once_and_every_rollout_is_read_from_its_own_file() {
    let corpus = corpus::generate();
    let study = load(std::slice::from_ref(&corpus.root));
    let expected: usize = corpus.files.iter().map(|c| c.ids.len()).sum();
    assert_eq!(study.rollouts.len(), expected);
    let unique: HashSet<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(unique.len(), study.rollouts.len(), "duplicate ids are disambiguated");
    let mut renamed = Vec::new();
    for (i, summary) in study.rollouts.iter().enumerate() {
        let source = study.source_of(i).unwrap();
        let case = corpus
            .files
            .iter()
            .find(|c| Path::new(&source.display).starts_with(corpus.path(c)))
            .unwrap_or_else(|| panic!("{} came from no corpus file", source.display));
        let original = original_id(&summary.id, &case.ids).unwrap_or_else(|| {
            panic!("rollout {:?} is attributed to {:?}, which does not hold it", summary.id, case.rel)
        });
        if original != &*summary.id {
            renamed.push((original, source.display.clone()));
        }
        let rollout = study.read_rollout(i).unwrap_or_else(|e| panic!("{:?}: {e}", summary.id));
        assert_eq!(rollout.id, &*summary.id);
    }
    // Both copies are kept, and every rename is reported, naming the renamed rollout's file.
    assert_eq!(study.rollouts.iter().filter(|r| r.id.starts_with("dup")).count(), 4);
    let reports: Vec<&Problem> =
        study.problems.iter().filter(|p| p.message.contains("duplicate rollout id")).collect();
    assert_eq!(reports.len(), renamed.len(), "{reports:?}");
    for (original, path) in &renamed {
        let quoted = format!("{original:?}");
        assert!(
            reports.iter().any(|p| &p.path == path && p.message.contains(&quoted)),
            "no report for {quoted} in {path}"
        );
    }
    assert!(renamed.iter().filter(|(_, p)| p.ends_with("dup_b.jsonl")).count() == 2);
}

// ---------------------------------------------------------------------------------------------
// The real binary.

/// The binary never panics, whatever file it is given: a panic exits with 101 and says so.
fn assert_no_panic(out: &std::process::Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{what}: {stderr}");
    assert!(out.status.code().is_some(), "{what}: killed by a signal ({:?}): {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[test]
fn ls_json_on_every_file_and_on_the_whole_corpus_never_panics_and_reports_every_problem() {
    let corpus = corpus::generate();
    for case in &corpus.files {
        let out = common::rollscope().args(["ls", "--json"]).arg(corpus.path(case)).output().unwrap();
        let what = format!("ls --json {:?}", case.rel);
        assert_no_panic(&out, &what);
        let stderr = String::from_utf8(out.stderr.clone()).unwrap();
        assert_terminal_safe(&stderr, &what);
        if case.ids.is_empty() && !case.problems.is_empty() {
            assert!(!out.status.success(), "{what}: nothing loaded is a failure");
            continue;
        }
        assert!(out.status.success(), "{what}: {stderr}");
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ids: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, case.ids, "{what}: JSON keeps ids exactly, escapes and all");
        if !case.skip_problems {
            let kinds = problem::group(&load(&[corpus.path(case)]).problems).len();
            assert_eq!(stderr.lines().count(), kinds, "{what}: one line per kind of problem: {stderr}");
        }
    }

    let out = common::rollscope().args(["ls", "--json"]).arg(&corpus.root).output().unwrap();
    assert_no_panic(&out, "ls --json corpus");
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_terminal_safe(&stderr, "ls --json corpus (stderr)");
    let study = load(std::slice::from_ref(&corpus.root));
    let groups = problem::group(&study.problems);
    assert_eq!(stderr.lines().count(), groups.len(), "one line per kind of problem: {stderr}");
    for group in &groups {
        let p = group.first;
        if let (Some(line), Some(column)) = (p.line, p.column) {
            let place = match group.count {
                1 => format!(":{line}:{column}: "),
                _ => format!("first at {line}:{column}: "),
            };
            assert!(stderr.contains(&place), "{place} missing from {stderr}");
        }
    }
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), study.rollouts.len());
    for (row, summary) in rows.iter().zip(&study.rollouts) {
        assert_eq!(row["id"].as_str(), Some(&*summary.id));
        let source = study.sources[summary.source as usize].display.as_str();
        assert_eq!(row["source"].as_str(), Some(source), "{:?}", summary.id);
    }
}

#[test]
fn ls_and_ls_json_on_a_terminal_print_nothing_the_terminal_would_obey() {
    let corpus = corpus::generate();
    let study = load(std::slice::from_ref(&corpus.root));
    let root = corpus.root.display().to_string();
    let Some((ok, text)) = common::on_a_terminal(&["ls", &root]) else { return };
    assert!(ok, "ls on a terminal failed");
    // The terminal turned each newline into CR LF; nothing else may be a control.
    assert_terminal_safe(&text, "ls on a terminal");
    assert!(text.contains('␛') && text.contains("\\u{202e}"), "escapes are shown, not dropped");
    let lines = text.lines().count();
    assert_eq!(lines, study.rollouts.len() + 1, "a header and one line per rollout:\n{text}");

    // JSON on a terminal: escaped so nothing reaches it raw, and still the same JSON as piped.
    let Some((_, text)) = common::on_a_terminal(&["ls", "--json", &root]) else { return };
    assert_terminal_safe(&text, "ls --json on a terminal");
    let on_terminal: serde_json::Value = serde_json::from_str(&text).unwrap();
    let piped = common::rollscope().args(["ls", "--json"]).arg(&corpus.root).output().unwrap();
    let piped: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(on_terminal, piped);
}
