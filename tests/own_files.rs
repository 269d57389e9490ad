//! rollscope writes only its own files (issue 13, first section): an output (`export -o`,
//! `sample -o`) is refused when it is an input by any name, and replaces an existing file only
//! by rename; a symlinked, non-regular or hard-linked label file, or a labels folder holding a
//! rollout file being studied, is read-only; and opening a study, in the app or with a command,
//! writes nothing at all until the first label.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rollscope::testkit::Session;

/// A study folder: `runs/study.jsonl` (the demo's 40 rollouts), a score file beside it, a
/// label file in `runs/rollscope-labels/`, and a broken `.json` the walk finds but cannot load.
fn study(dir: &Path) -> PathBuf {
    let runs = dir.join("runs");
    std::fs::create_dir_all(runs.join("rollscope-labels")).unwrap();
    let path = runs.join("study.jsonl");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl"), &path).unwrap();
    let scores = r#"{"id": "math-004-baseline-r0", "turn_idx": 0, "score": 3}"#;
    std::fs::write(dir.join("judge2.jsonl"), format!("{scores}\n")).unwrap();
    let label = serde_json::json!({"rollout": "math-004-baseline-r0", "turn": 1, "score": 4,
        "annotator": "ana", "time": "2026-11-23T00:00:00Z"});
    std::fs::write(runs.join("rollscope-labels/ana.jsonl"), format!("{label}\n")).unwrap();
    std::fs::write(runs.join("broken.json"), "{ not json").unwrap();
    path
}

/// Every file, folder and link under `dir` with its bytes (or its target): what "nothing was
/// written" is checked against.
fn tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let name = path.strip_prefix(dir).unwrap().to_path_buf();
            let what = if meta.is_symlink() {
                format!("-> {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                stack.push(path);
                "folder".to_string()
            } else if meta.is_file() {
                format!("{:o} {}", meta.mode(), String::from_utf8_lossy(&std::fs::read(&path).unwrap()))
            } else {
                format!("special {:o}", meta.mode())
            };
            out.insert(name, what);
        }
    }
    out
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = common::rollscope().current_dir(dir).args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn export_and_sample_refuse_an_output_that_is_an_input_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    study(root);
    std::fs::hard_link(root.join("runs/study.jsonl"), root.join("linked.jsonl")).unwrap();
    std::os::unix::fs::symlink("runs/study.jsonl", root.join("alias.jsonl")).unwrap();
    let config = root.join("config.toml");
    std::fs::write(&config, "threshold = 5\n").unwrap();
    let sampled = run(root, &["sample", "runs/study.jsonl", "--n", "4", "--seed", "1", "-o", "q.json"]);
    assert_eq!(sampled.0, Some(0), "{}", sampled.1);
    let scores = ["--scores", "judge2.jsonl"];
    // (output, what it is): each is an input of `export runs/ --scores judge2.jsonl`.
    let cases = [
        ("runs/rollscope-labels/ana.jsonl", "a label file"),
        ("judge2.jsonl", "a score file"),
        ("linked.jsonl", "a hard link to a rollout file"),
        ("alias.jsonl", "a symlink to a rollout file"),
        ("runs/broken.json", "a file the walk found (it could not be read as rollouts)"),
        ("config.toml", "the config file"),
        ("q.json", "a spot-check queue"),
    ];
    for (output, what) in cases {
        for command in ["export", "sample"] {
            let before = tree(root);
            let mut args = vec![command, "runs/"];
            args.extend(scores);
            if command == "sample" {
                args.extend(["--n", "4", "--seed", "2"]);
            }
            args.extend(["-o", output]);
            let out = common::rollscope()
                .current_dir(root)
                .env("ROLLSCOPE_CONFIG", &config)
                .args(&args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{command} -o {output} ({what}): {stderr}");
            assert!(stderr.contains("refusing to write"), "{command} -o {output} ({what}): {stderr}");
            assert!(stderr.contains(output.trim_start_matches("runs/")), "names the path: {stderr}");
            assert_eq!(tree(root), before, "{command} -o {output} ({what}) wrote something");
        }
    }
}

#[test]
fn an_existing_output_is_replaced_by_rename_never_truncated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    study(root);
    // A second name for the old export: truncating in place would change it too.
    std::fs::write(root.join("out.csv"), "old export\n").unwrap();
    std::fs::hard_link(root.join("out.csv"), root.join("kept.csv")).unwrap();
    let (code, stderr) = run(root, &["export", "runs/", "-o", "out.csv"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::read_to_string(root.join("out.csv")).unwrap().starts_with("source,rollout,"));
    let kept = std::fs::read_to_string(root.join("kept.csv")).unwrap();
    assert!(kept == "old export\n", "the old file was truncated and rewritten in place");
    assert_ne!(
        std::fs::metadata(root.join("out.csv")).unwrap().ino(),
        std::fs::metadata(root.join("kept.csv")).unwrap().ino(),
        "a new file took the name"
    );
    let (code, stderr) = run(root, &["sample", "runs/", "--n", "4", "-o", "kept.csv"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::read_to_string(root.join("kept.csv")).unwrap().contains("\"items\""));
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("tmp")), "{names:?}");
}

/// The status line of the session's last frame.
fn status_line(s: &mut Session) -> String {
    let buffer = s.draw();
    let area = buffer.area;
    let y = area.height - 2;
    (0..area.width).map(|x| buffer[(x, y)].symbol()).collect()
}

/// Opens `study` labelling as `annotator` into `labels`, scores a turn, and checks the labels
/// are read-only with a message naming `named`, and that the folder is unchanged.
fn assert_read_only(root: &Path, study: &Path, labels: &Path, annotator: &str, named: &str, why: &str) {
    let before = tree(root);
    let mut s = Session::open(&[study.to_path_buf()], 120, 40, Some((labels, annotator)));
    let reason = s.app.labels.read_only.clone().unwrap_or_else(|| panic!("{why}: not read-only"));
    assert!(reason.contains(named) && reason.contains("read-only"), "{why}: {reason}");
    assert!(status_line(&mut s).contains("read-only"), "{why}: {}", status_line(&mut s));
    s.press("] 7");
    assert!(s.app.toast.as_deref().unwrap_or("").contains("read-only"), "{why}: {:?}", s.app.toast);
    drop(s);
    assert_eq!(tree(root), before, "{why}: something was written");
}

#[test]
fn a_symlinked_label_file_is_read_only_and_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let study = study(root);
    let labels = root.join("runs/rollscope-labels");
    std::os::unix::fs::symlink("../study.jsonl", labels.join("bo.jsonl")).unwrap();
    assert_read_only(root, &study, &labels, "bo", "bo.jsonl", "a label file linked to the rollout file");
    std::os::unix::fs::symlink("/nonexistent/elsewhere.jsonl", labels.join("cy.jsonl")).unwrap();
    assert_read_only(root, &study, &labels, "cy", "cy.jsonl", "a dangling symlink");
}

#[test]
fn a_label_file_that_is_not_a_regular_file_or_has_another_name_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let study = study(root);
    let labels = root.join("runs/rollscope-labels");
    std::fs::hard_link(&study, labels.join("bo.jsonl")).unwrap();
    assert_read_only(root, &study, &labels, "bo", "bo.jsonl", "a hard link to the rollout file");
    std::fs::create_dir(labels.join("cy.jsonl")).unwrap();
    assert_read_only(root, &study, &labels, "cy", "cy.jsonl", "a folder");
    if std::process::Command::new("mkfifo").arg(labels.join("di.jsonl")).status().is_ok_and(|s| s.success()) {
        assert_read_only(root, &study, &labels, "di", "di.jsonl", "a FIFO");
    } else {
        eprintln!("skipped: the FIFO case (no mkfifo)");
    }
}

#[test]
fn a_labels_folder_holding_a_studied_rollout_file_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let study = study(root);
    // Annotator "study" in the rollout file's own folder would append to study.jsonl.
    assert_read_only(root, &study, &root.join("runs"), "study", "study.jsonl", "the study's folder");
    // Found by walking a folder, not named.
    let before = tree(root);
    let mut s = Session::open(&[root.join("runs")], 120, 40, Some((&root.join("runs"), "ana")));
    let reason = s.app.labels.read_only.clone().expect("read-only");
    assert!(reason.contains("a rollout file being studied") && reason.contains("read-only"), "{reason}");
    s.press("] 7");
    drop(s);
    assert_eq!(tree(root), before);
}

#[test]
fn opening_a_study_in_the_app_writes_nothing_until_the_first_label() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = root.join("study.jsonl");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl"), &path).unwrap();
    let labels = root.join("rollscope-labels");
    let before = tree(root);
    let mut s = Session::open(std::slice::from_ref(&path), 120, 40, Some((&labels, "ana")));
    s.press("j ] <Tab> k");
    assert!(s.app.labels.read_only.is_none(), "{:?}", s.app.labels.read_only);
    assert!(status_line(&mut s).contains("ana 0/742 labelled no labels yet"), "{}", status_line(&mut s));
    assert_eq!(tree(root), before, "opening and browsing wrote something");
    // The first label creates the folder and the file.
    s.press("7");
    assert!(status_line(&mut s).contains("✓ saved"), "{}", status_line(&mut s));
    let text = std::fs::read_to_string(labels.join("ana.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 1);
    drop(s);

    // The demo: nothing in the data folder until the first label either.
    let data = tempfile::tempdir().unwrap();
    let demo_labels = data.path().join("rollscope/demo-labels");
    let mut s = Session::demo(120, 40, Some((&demo_labels, "ana")));
    s.press("] ] j");
    assert!(status_line(&mut s).contains("no labels yet"), "{}", status_line(&mut s));
    drop(s);
    assert!(tree(data.path()).is_empty(), "{:?}", tree(data.path()));
}

#[test]
fn opening_any_kind_of_file_leaves_its_folder_byte_identical() {
    // Issue 19: each layout the app reads, opened and browsed in the app (every view and
    // overlay a curious user opens) and by the read-only commands, one folder per file.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = [
        "study7/transcripts.json",
        "judge/transcripts.jsonl",
        "inspect/log_read_sample.eval",
        "inspect/2025-05-12T20-27-36-04-00_browser.json",
        "real/dummy_conversation.json",
        "real/tb_airline.json",
        "bad_lines.jsonl",
    ];
    for file in files {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let path = root.join(Path::new(file).file_name().unwrap());
        std::fs::copy(fixtures.join(file), &path).unwrap();
        let before = tree(root);
        let labels = root.join("rollscope-labels");
        let mut s = Session::open(std::slice::from_ref(&path), 80, 24, Some((&labels, "ana")));
        s.press("j ] <Tab> m y Y v t <Esc> C <Esc> p <Esc> ? /sort <Esc> <Esc> : stat <Enter> <Esc>");
        drop(s);
        assert_eq!(tree(root), before, "{file}: the app wrote something");
        let text = path.display().to_string();
        for args in [&["ls", &text][..], &["validate", &text], &["stats", &text], &["grep", "the", &text]] {
            run(root, args);
            assert_eq!(tree(root), before, "{file}: {args:?} wrote something");
        }
    }
}

#[test]
fn commands_write_nothing_even_where_a_labels_folder_cannot_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = root.join("study.jsonl");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl"), &path).unwrap();
    std::fs::write(root.join("not-a-folder"), "x").unwrap();
    let before = tree(root);
    for labels in [None, Some("not-a-folder/labels")] {
        for command in [&["ls", "study.jsonl"][..], &["stats", "study.jsonl"], &["validate", "study.jsonl"]]
            .into_iter()
            .chain([&["export", "study.jsonl"][..], &["export", "study.jsonl", "--to", "jsonl"]])
        {
            let mut args = command.to_vec();
            if let Some(l) = labels {
                args.extend(["--labels", l]);
            }
            let (code, stderr) = run(root, &args);
            assert_eq!(code, Some(0), "{args:?}: {stderr}");
            assert_eq!(tree(root), before, "{args:?} wrote something");
        }
    }
}

#[test]
fn an_instance_that_finds_the_lock_held_at_its_first_label_keeps_it_and_says_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels");
    let mut first = Session::demo(120, 40, Some((&labels, "ana")));
    let mut second = Session::demo(120, 40, Some((&labels, "ana")));
    assert!(second.app.labels.read_only.is_none(), "nothing is locked before the first label");
    first.press("3");
    second.press("] 5");
    let reason = second.app.labels.read_only.clone().expect("read-only after the lock was found held");
    assert!(reason.contains("another rollscope"), "{reason}");
    let id = second.app.study.rollouts[0].id.clone();
    assert_eq!(second.app.labels.mine.get(&id, Some(2)).unwrap().score, Some(5), "kept in memory");
    assert_eq!(second.app.labels.unsaved, 1);
    assert!(
        second.app.toast.as_deref().unwrap_or("").contains("1 label change NOT saved"),
        "{:?}",
        second.app.toast
    );
    second.press("[ ]");
    let status = status_line(&mut second);
    assert!(status.contains("⚠ 1 NOT saved · read-only (open elsewhere)"), "{status}");
    second.press("6");
    assert_eq!(second.app.labels.mine.get(&id, Some(2)).unwrap().score, Some(5), "later labels refused");
    let on_disk = std::fs::read_to_string(labels.join("ana.jsonl")).unwrap();
    assert_eq!(on_disk.lines().count(), 1, "only the first instance wrote: {on_disk}");
}
