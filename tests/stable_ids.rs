//! Issue 14, "Stable ids", through the real binary on `tests/fixtures/ids/`: five rollouts
//! without an `id` (condition × task_id × rollout_idx, one task_id holding a `/`) and a judge
//! file joined on those three fields, scoring rollout k's turns k and k+1.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

const FIELDS: &str = "condition,task_id,rollout_idx";
const BUILT: [&str; 5] = [
    "harsh_tone/puzzle_07/0",
    "harsh_tone/puzzle_07/1",
    "neutral/puzzle_07/0",
    "neutral/puzzle_07/1",
    "neutral/set%2F08/0",
];
const STAND_INS: [&str; 5] = [
    "transcripts.jsonl:1",
    "transcripts.jsonl:2",
    "transcripts.jsonl:3",
    "transcripts.jsonl:4",
    "transcripts.jsonl:5",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ids").join(name)
}

fn run(args: &[&str]) -> Output {
    common::rollscope().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// `ls --json` with these extra arguments on `paths`: (ids, rows).
fn ls(extra: &[&str], paths: &[PathBuf]) -> (Vec<String>, Value) {
    let mut args = vec!["ls", "--json"];
    args.extend_from_slice(extra);
    let paths: Vec<String> = paths.iter().map(|p| text(p)).collect();
    args.extend(paths.iter().map(String::as_str));
    let out = run(&args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    (ids, rows)
}

#[test]
fn ids_are_the_fields_values_joined_by_slashes_with_a_slash_in_a_value_escaped() {
    let (ids, _) = ls(&[], &[fixture("transcripts.jsonl")]);
    assert_eq!(ids, STAND_INS, "without --id-fields, the stand-ins of today");
    let (ids, _) = ls(&["--id-fields", FIELDS], &[fixture("transcripts.jsonl")]);
    assert_eq!(ids, BUILT);
    let (ids, _) = ls(&["--id-fields", "rollout_idx,condition"], &[fixture("transcripts.jsonl")]);
    assert_eq!(
        ids,
        ["0/harsh_tone", "1/harsh_tone", "0/neutral", "1/neutral", "0/neutral#2"],
        "a repeat is renamed"
    );
}

#[test]
fn ids_never_depend_on_whether_scores_are_given() {
    let transcripts = fixture("transcripts.jsonl");
    let scores = text(&fixture("frustration.jsonl"));
    for id_fields in [&[][..], &["--id-fields", FIELDS], &["--id-fields", "rollout_idx,condition"]] {
        let (without, _) = ls(id_fields, std::slice::from_ref(&transcripts));
        let mut with_scores = id_fields.to_vec();
        with_scores.extend(["--scores", &scores, "--join", FIELDS]);
        let (with, rows) = ls(&with_scores, std::slice::from_ref(&transcripts));
        assert_eq!(with, without, "{id_fields:?}");
        let judged: Vec<Value> = rows.as_array().unwrap().iter().map(|r| r["judge"].clone()).collect();
        assert_eq!(
            judged,
            [json!([0.0, 1.0]), json!([1.0, 2.0]), json!([2.0, 3.0]), json!([3.0, 4.0]), json!([4.0, 5.0])]
        );
    }
    // Joined on the built id itself: the score file sees the ids the study shows.
    let dir = tempfile::tempdir().unwrap();
    let by_id = dir.path().join("by_id.jsonl");
    let rows: Vec<String> = BUILT
        .iter()
        .enumerate()
        .map(|(k, id)| json!({"id": id, "turn_index": 0, "score": 9 - k}).to_string() + "\n")
        .collect();
    std::fs::write(&by_id, rows.concat()).unwrap();
    let (ids, rows) = ls(&["--id-fields", FIELDS, "--scores", &text(&by_id), "--join", "id"], &[transcripts]);
    assert_eq!(ids, BUILT);
    assert_eq!(rows[4]["scores"]["by_id"], json!([5.0, null]));
}

#[test]
fn a_rollout_missing_a_field_keeps_its_stand_in_id_with_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("transcripts.jsonl");
    let mut lines = std::fs::read_to_string(fixture("transcripts.jsonl")).unwrap();
    lines.push_str(
        r#"{"condition": "neutral", "task_id": "puzzle_09", "messages": [{"role": "user", "content": "x"}]}"#,
    );
    lines.push('\n');
    std::fs::write(&path, lines).unwrap();
    let out = run(&["ls", "--json", "--id-fields", FIELDS, &text(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[5]["id"], "transcripts.jsonl:6");
    let warnings = stderr(&out);
    assert!(
        warnings.contains(
            "transcripts.jsonl:6:1: warning: rollout \"transcripts.jsonl:6\" has no rollout_idx (--id-fields): it keeps this id"
        ),
        "{warnings}"
    );
}

#[test]
fn id_fields_that_no_rollout_has_are_an_error_naming_the_closest_field() {
    let path = text(&fixture("transcripts.jsonl"));
    for command in ["ls", "validate", "stats"] {
        let out = run(&[command, "--id-fields", "conditon,task_id", &path]);
        assert!(!out.status.success(), "{command}");
        let message = stderr(&out);
        assert!(
            message.contains("rollscope: --id-fields: no rollout has `conditon`; did you mean `condition`?"),
            "{command}: {message}"
        );
        // validate lists the warnings in its report, the others on stderr.
        let listed = message + &String::from_utf8_lossy(&out.stdout);
        assert!(listed.contains("5 rows, first at 1:1: warning: rollout"), "grouped: {listed}");
    }
}

#[test]
fn the_config_file_can_name_the_id_fields() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "id_fields = [\"condition\", \"task_id\", \"rollout_idx\"]\n").unwrap();
    let out = common::rollscope()
        .env("ROLLSCOPE_CONFIG", &config)
        .args(["ls", "--json", &text(&fixture("transcripts.jsonl"))])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, BUILT);
}

#[test]
fn validate_suggests_the_fields_that_tell_every_rollout_apart_when_rollouts_have_no_id() {
    let path = text(&fixture("transcripts.jsonl"));
    let out = run(&["validate", &path]);
    assert!(out.status.success(), "a suggestion is not a problem: {}", stderr(&out));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains(
            "5 rollouts have no id, so they are shown as <file>:<line> and labels depend on line order; these \
             fields tell every rollout apart: --id-fields condition,rollout_idx,task_id"
        ),
        "{report}"
    );
    let out = run(&["validate", "--json", &path]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["ids"],
        json!({"without_id": 5, "suggested_id_fields": [["condition", "rollout_idx", "task_id"]]})
    );
    let out = run(&["validate", "--json", "--id-fields", FIELDS, &path]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("ids").is_none(), "nothing to suggest once they are given: {report}");
}

#[test]
fn a_queue_drawn_with_id_fields_records_them_and_review_builds_the_same_ids() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("transcripts.jsonl");
    std::fs::copy(fixture("transcripts.jsonl"), &study).unwrap();
    let scores = dir.path().join("frustration.jsonl");
    std::fs::copy(fixture("frustration.jsonl"), &scores).unwrap();
    let queue = dir.path().join("check.json");
    let out = run(&[
        "sample",
        "--n",
        "3",
        "--id-fields",
        FIELDS,
        "--scores",
        &text(&scores),
        "-o",
        &text(&queue),
        &text(&study),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&queue).unwrap()).unwrap();
    assert_eq!(written["id_fields"], json!(["condition", "task_id", "rollout_idx"]));
    for item in written["items"].as_array().unwrap() {
        assert!(BUILT.contains(&item["rollout"].as_str().unwrap()), "{item}");
    }
    let labels = dir.path().join("labels");
    let session = rollscope::testkit::Session::review(&queue, 80, 24, (&labels, "ana")).unwrap();
    let ids: Vec<&str> = session.app.study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, BUILT, "review loads with the queue's id fields");
}

/// A study folder: the transcripts, and `rollscope-labels/` holding the label files of `labels`.
fn study_with_labels(labels: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("transcripts.jsonl"), dir.path().join("transcripts.jsonl")).unwrap();
    let folder = dir.path().join("rollscope-labels");
    std::fs::create_dir(&folder).unwrap();
    for name in ["ana.jsonl", "bo.jsonl"] {
        std::fs::copy(fixture(labels).join(name), folder.join(name)).unwrap();
    }
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn labels_migrate_appends_each_label_again_under_its_new_id_and_only_appends() {
    let dir = study_with_labels("labels-before");
    let study = text(&dir.path().join("transcripts.jsonl"));
    let folder = dir.path().join("rollscope-labels");
    let out = run(&["labels", "migrate", "--id-fields", FIELDS, &study]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["ana.jsonl", "bo.jsonl"] {
        let (before, after) = (read(&fixture("labels-before").join(name)), read(&folder.join(name)));
        assert!(after.starts_with(&before), "{name}: append-only");
        assert_eq!(after, read(&fixture("labels-after").join(name)), "{name}");
    }
    let report = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    assert!(
        lines[0].ends_with(
            "ana.jsonl: 3 labels appended under new ids; left as they are: 0 already under the new id, 0 unchanged, \
             1 of no rollout in the study"
        ),
        "{report}"
    );
    assert_eq!(lines[2], "2 label files: 4 labels appended (5 rollouts got a new id)");

    // Again: nothing more to carry over.
    let out = run(&["labels", "migrate", "--json", "--id-fields", FIELDS, &study]);
    assert!(out.status.success(), "{}", stderr(&out));
    let counts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts["appended"], 0);
    assert_eq!(counts["files"][0]["already"], 3);
    assert_eq!(read(&folder.join("ana.jsonl")), read(&fixture("labels-after").join("ana.jsonl")));

    // The labels now follow the rollouts under their new ids.
    let out = run(&["export", "--to", "jsonl", "--id-fields", FIELDS, &study]);
    let rows: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let labelled = |rollout: &str, turn: u64| {
        rows.iter().find(|r| r["rollout"] == rollout && r["turn"] == turn).unwrap()["labels"].clone()
    };
    assert_eq!(labelled("harsh_tone/puzzle_07/0", 1)["ana"]["score"], 4);
    assert_eq!(labelled("harsh_tone/puzzle_07/1", 1)["bo"]["score"], 6);
    assert_eq!(labelled("neutral/set%2F08/0", 2)["ana"]["score"], 7);
}

#[test]
fn labels_migrate_for_one_annotator_leaves_the_others_and_needs_the_id_fields() {
    let dir = study_with_labels("labels-before");
    let study = text(&dir.path().join("transcripts.jsonl"));
    let folder = dir.path().join("rollscope-labels");
    let out = run(&["labels", "migrate", "--annotator", "bo", "--id-fields", FIELDS, &study]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&folder.join("bo.jsonl")), read(&fixture("labels-after").join("bo.jsonl")));
    assert_eq!(read(&folder.join("ana.jsonl")), read(&fixture("labels-before").join("ana.jsonl")));

    let out = run(&["labels", "migrate", &study]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("give --id-fields A,B,C"), "{}", stderr(&out));
    let out = run(&["labels", "migrate", "--id-fields", "conditon", &study]);
    assert!(stderr(&out).contains("--id-fields: no rollout has `conditon`; did you mean `condition`?"));
    assert_eq!(
        read(&folder.join("ana.jsonl")),
        read(&fixture("labels-before").join("ana.jsonl")),
        "nothing written"
    );
}
