//! rollscope writes only its own files (issue 13, first section): an output (`export -o`,
//! `sample -o`) is refused when it is an input by any name, and replaces an existing file only
//! by rename.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

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
