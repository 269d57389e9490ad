//! Issue 14, "Nothing dropped in silence": a message without a role is a warning at its line
//! and column; warnings of one kind are one row in `validate`'s text and on stderr while
//! `validate --json` keeps each; a field name that matches no rollout is an error naming the
//! closest one, for every flag that takes one.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    common::rollscope().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// 30 rollouts whose second message has no role, and one whose first has `from` instead.
fn roleless_file(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            "{{\"id\": \"r{i:02}\", \"messages\": [{{\"role\": \"user\", \"content\": \"hi\"}}, {{\"content\": \"hello\"}}, \
             {{\"role\": \"assistant\", \"content\": \"ok\"}}]}}\n"
        ));
    }
    text.push_str("{\"id\": \"s\", \"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}]}\n");
    let path = dir.join("roles.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_message_without_a_role_is_a_warning_at_its_line_and_column_grouped_on_screen_not_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = roleless_file(dir.path());
    let path_text = path.display().to_string();

    let out = run(&["validate", &path_text]);
    assert!(!out.status.success(), "a warning is a problem for validate");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "the file, one row for the 30 warnings, the summary:\n{text}");
    assert!(lines[0].ends_with("jsonl, 31 rollouts, 30 turns — 30 problems"), "{text}");
    assert_eq!(
        lines[1],
        "  30 rows, first at 1:63: warning: message 2 has no role (no `role` or `from` text): shown as `?` and \
         not counted as a turn"
    );

    let out = run(&["validate", "--json", &path_text]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["files"][0]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 30, "--json keeps every one");
    for (i, p) in problems.iter().enumerate() {
        assert_eq!((p["line"].as_u64(), p["column"].as_u64()), (Some(i as u64 + 1), Some(63)));
        assert_eq!(p["severity"], "warning");
    }

    let out = run(&["ls", &path_text]);
    assert!(out.status.success());
    let warnings = stderr(&out);
    assert_eq!(warnings.lines().count(), 1, "stderr groups them too: {warnings}");
    assert!(warnings.contains(": 30 rows, first at 1:63: warning: message 2 has no role"), "{warnings}");
}

#[test]
fn a_message_without_a_role_in_a_json_array_is_placed_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("array.json");
    let text = "[\n {\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]},\n \
                {\"id\": \"b\", \"messages\": [\n   {\"role\": \"user\", \"content\": \"hi\"},\n   {\"content\": \"?\"}]}\n]\n";
    std::fs::write(&path, text).unwrap();
    let out = run(&["validate", "--json", &path.display().to_string()]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["files"][0]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report:#}");
    assert_eq!((problems[0]["line"].as_u64(), problems[0]["column"].as_u64()), (Some(5), Some(4)));
    assert!(problems[0]["message"].as_str().unwrap().starts_with("rollout 1: message 2 has no role"));
}

fn ids_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ids").join(name).display().to_string()
}

/// The command fails, saying exactly `message` on stderr's last line.
fn fails_saying(args: &[&str], message: &str) {
    let out = run(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    let err = stderr(&out);
    assert_eq!(err.lines().last(), Some(message), "{args:?}: {err}");
}

#[test]
fn a_by_field_no_rollout_has_is_an_error_naming_the_closest() {
    let study = ids_fixture("transcripts.jsonl");
    let scores = ids_fixture("frustration.jsonl");
    fails_saying(
        &["stats", "--scores", &scores, "--by", "conditon", &study],
        "rollscope: --by: no rollout has `conditon`; did you mean `condition`?",
    );
    fails_saying(
        &["stats", "--scores", &scores, "--by", "condition,model", &study],
        "rollscope: --by: no rollout has `model` (rollouts have `condition`, `rollout_idx`, `task_id`)",
    );
    let out = run(&["stats", "--json", "--scores", &scores, "--by", "condition", &study]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_stratify_field_no_rollout_has_is_an_error_naming_the_closest() {
    let dir = tempfile::tempdir().unwrap();
    let queue = dir.path().join("q.json").display().to_string();
    let study = ids_fixture("transcripts.jsonl");
    let scores = ids_fixture("frustration.jsonl");
    let sample = ["sample", "--n", "4", "--scores", &scores, "-o", &queue, &study, "--stratify"];
    fails_saying(
        &[&sample[..], &["task,turn:2"]].concat(),
        "rollscope: --stratify: no rollout has `task` (rollouts have `condition`, `rollout_idx`, `task_id`)",
    );
    fails_saying(
        &[&sample[..], &["turn:2,tsak_id"]].concat(),
        "rollscope: --stratify: no rollout has `tsak_id`; did you mean `task_id`?",
    );
    assert!(!Path::new(&queue).exists(), "nothing written");
    let out = run(&[&sample[..], &["condition,turn:1"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_join_field_no_rollout_has_is_an_error_naming_the_closest() {
    let study = ids_fixture("transcripts.jsonl");
    let scores = ids_fixture("frustration.jsonl");
    fails_saying(
        &["ls", "--scores", &scores, "--join", "condition,task_id,rollout_idx=rollout_ix", &study],
        "rollscope: --join: no rollout has `rollout_ix`; did you mean `rollout_idx`?",
    );
    let out = run(&["ls", "--scores", &scores, "--join", "condition,task_id,rollout_idx", &study]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_filter_field_no_rollout_has_is_a_toast_naming_the_closest_and_filters_nothing() {
    let mut session =
        rollscope::testkit::Session::open(&[PathBuf::from(ids_fixture("transcripts.jsonl"))], 80, 24, None);
    session.press("fconditon=neutral<Enter>");
    assert_eq!(session.app.toast.as_deref(), Some("no rollout has `conditon`; did you mean `condition`?"));
    assert_eq!(session.app.list.rows.len(), 5, "the filter is not applied");
    session.press("fcondition=neutral<Enter>");
    assert_eq!(session.app.list.rows.len(), 3);
}
