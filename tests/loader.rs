//! The loader on every file shape: native JSONL and JSON, real files from other projects, and
//! bad files that must be reported with their position while the good ones still load.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use rollscope::load::LoadOptions;
use rollscope::model::problem::Severity;
use rollscope::model::{Role, RolloutSummary};
use rollscope::study::Study;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn load(names: &[&str]) -> Study {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    Study::load(&paths, &LoadOptions::default())
}

fn by_id<'a>(study: &'a Study, id: &str) -> &'a RolloutSummary {
    study.rollouts.iter().find(|r| &*r.id == id).unwrap_or_else(|| panic!("no rollout {id}"))
}

#[test]
fn native_jsonl_every_shape_with_bom_crlf_and_blank_lines() {
    let study = load(&["shapes.jsonl"]);
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    assert_eq!(study.rollouts.len(), 2);
    let first = by_id(&study, "shapes-1");
    assert_eq!(first.n_turns, 4);
    assert_eq!(first.n_messages, 9);
    assert_eq!(first.turn_scores("frustration"), &[Some(0.0), None, Some(7.5), Some(9.0)]);
    assert_eq!(first.self_deleted_at, Some(4));
    assert_eq!(first.meta_text("condition"), "baseline");
    // No id: the file name and 1-based line stand in (line 3: a blank line sits between).
    let second = &study.rollouts[1];
    assert_eq!(&*second.id, "shapes.jsonl:3");
    assert_eq!(second.turn_scores("self_blame"), &[Some(2.0)]);
    assert_eq!(study.score_names.iter().map(|s| &**s).collect::<Vec<_>>(), ["frustration", "self_blame"]);

    let rollout = study.read_rollout(0).unwrap();
    let roles: Vec<Role> = rollout.messages.iter().map(|m| m.role).collect();
    use Role::*;
    assert_eq!(roles, [System, User, Assistant, User, Assistant, Tool, Assistant, User, Assistant]);
    assert_eq!(rollout.messages[3].text, "That's not right.\n[image]");
    assert_eq!(rollout.messages[4].tool_calls[0].name, "calc");
    assert_eq!(rollout.messages[4].tool_calls[0].arguments, r#"{"expr":"17*23"}"#);
    assert_eq!(rollout.messages[6].text, "", "missing content is empty text");
}

#[test]
fn a_bad_line_is_reported_with_its_position_and_the_rest_loads() {
    let study = load(&["bad_lines.jsonl"]);
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["g1", "g2", "g3", "g4"]);
    let places: Vec<(Option<u64>, Option<u64>)> = study.problems.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(places, [(Some(2), Some(30)), (Some(4), Some(1)), (Some(6), Some(1))], "{:?}", study.problems);
    assert!(study.problems[0].to_string().contains("bad_lines.jsonl:2:30"));
    assert!(study.problems[1].message.contains("found keys: id, prompt"));
    assert!(study.problems[2].message.contains("UTF-8"));
    assert!(study.problems.iter().all(|p| p.severity == Severity::Warning));
}

#[test]
fn json_arrays_and_single_objects() {
    let study = load(&["array.json", "single.json"]);
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["array.json:0", "arr-2", "single.json"]);
    assert_eq!(study.rollouts[1].n_turns, 0);
    // Spans re-read the right bytes.
    assert_eq!(study.read_rollout(0).unwrap().messages[1].text, "a");
    assert_eq!(study.read_rollout(2).unwrap().messages.len(), 2);
}

#[test]
fn broken_files_are_errors_with_positions_and_do_not_stop_the_others() {
    let study = load(&["truncated.json", "not_rollouts.json", "empty.jsonl", "missing.jsonl", "single.json"]);
    assert_eq!(study.rollouts.len(), 1, "the good file still loads");
    let text: Vec<String> = study.problems.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("truncated.json:1:150") && t.contains("EOF")), "{text:?}");
    assert!(
        text.iter().any(|t| t.contains("not_rollouts.json:1:1") && t.contains("\"messages\"")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.contains("missing.jsonl") && t.contains("cannot open")), "{text:?}");
    assert_eq!(text.len(), 3, "an empty file is no problem, just no rollouts: {text:?}");
}

#[test]
fn a_file_that_fails_before_it_is_announced_does_not_shift_the_sources_of_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, b"\x00\x01 not json").unwrap();
    let study =
        Study::load(&[garbage, fixture("single.json"), fixture("array.json")], &LoadOptions::default());
    assert_eq!(study.problems.len(), 1, "{:?}", study.problems);
    assert_eq!(study.rollouts.len(), 3);
    for (i, file) in [(0, "single.json"), (1, "array.json"), (2, "array.json")] {
        assert!(study.source_of(i).unwrap().display.ends_with(file), "rollout {i}");
        assert!(study.read_rollout(i).is_ok(), "rollout {i} reads back");
    }
}

#[test]
fn directories_are_walked_recursively_skipping_label_folders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::create_dir_all(dir.path().join("rollscope-labels")).unwrap();
    std::fs::copy(fixture("single.json"), dir.path().join("a/b/one.json")).unwrap();
    std::fs::copy(fixture("shapes.jsonl"), dir.path().join("a/two.jsonl")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a rollout").unwrap();
    std::fs::write(dir.path().join("rollscope-labels/me.jsonl"), "{\"rollout\": \"x\"}\n").unwrap();
    let study = Study::load(&[dir.path().to_path_buf()], &LoadOptions::default());
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    assert_eq!(study.rollouts.len(), 3);
    assert_eq!(study.sources.len(), 2);
}

#[test]
fn duplicate_ids_across_files_are_kept_and_renamed() {
    let study = load(&["single.json", "single.json"]);
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["single.json", "single.json#2"]);
    assert!(study.problems[0].message.contains("duplicate rollout id"));
}

#[test]
fn real_files_from_other_projects() {
    let sharegpt = load(&["real/dummy_conversation.json"]);
    assert!(sharegpt.problems.is_empty());
    assert_eq!(sharegpt.rollouts.len(), 500);
    assert_eq!(&*sharegpt.rollouts[0].id, "identity_0");
    assert_eq!(sharegpt.rollouts[0].n_turns, 2);
    let first = sharegpt.read_rollout(0).unwrap();
    assert_eq!(first.messages[0].role, Role::User);
    assert_eq!(first.messages[1].role, Role::Assistant);

    let tau = load(&["real/tb_airline.json"]);
    assert_eq!(tau.rollouts.len(), 1);
    assert_eq!(tau.rollouts[0].n_turns, 20);
    assert_eq!(tau.rollouts[0].meta_text("task_id"), "0");
    let traj = tau.read_rollout(0).unwrap();
    assert_eq!(traj.messages[0].role, Role::System);
    assert!(traj.messages.iter().any(|m| !m.tool_calls.is_empty()), "tool calls are kept");

    let drift = load(&["real/persona_drift__coding.json", "real/persona_drift__therapy.json"]);
    assert!(drift.problems.is_empty());
    assert_eq!(drift.rollouts.len(), 2);
    assert_eq!(drift.rollouts[0].n_turns, 15);
    assert_eq!(drift.rollouts[0].meta_text("domain"), "coding");
}

#[test]
fn ls_json_reports_turns_scores_and_self_deletion_exactly() {
    let out = common::rollscope().args(["ls", "--json"]).arg(fixture("shapes.jsonl")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["id"], "shapes-1");
    assert_eq!(rows[0]["n_turns"], 4);
    assert_eq!(rows[0]["judge"], serde_json::json!([0.0, null, 7.5, 9.0]));
    assert_eq!(rows[0]["self_deleted_at"], 4);
    assert_eq!(rows[0]["metadata"]["condition"], "baseline");
    assert_eq!(rows[1]["self_deleted_at"], serde_json::Value::Null);
    assert!(rows[0]["source"].as_str().unwrap().ends_with("shapes.jsonl"));

    let bad = common::rollscope().args(["ls"]).arg(fixture("not_rollouts.json")).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not_rollouts.json:1:1"));
}

#[test]
fn inspect_logs_load_through_detection() {
    let study = load(&["inspect"]);
    let errors: Vec<String> =
        study.problems.iter().filter(|p| p.severity == Severity::Error).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert!(ids.contains(&"browser/1/epoch1"), "{ids:?}");
    assert!(ids.contains(&"popularity/10/epoch1"), "{ids:?}");
    assert_eq!(by_id(&study, "browser/1/epoch1").n_turns, 5);
    assert_eq!(by_id(&study, "inspect_test_utils/guess_number/0/epoch1").n_turns, 6);
    let read = study
        .read_rollout(study.rollouts.iter().position(|r| &*r.id == "browser/1/epoch1").unwrap())
        .unwrap();
    assert!(read.messages.iter().any(|m| m.role == Role::Tool));
    assert!(read.rollout_scores.iter().any(|(n, v)| n == "includes" && *v == Some(1.0)));
}

#[test]
fn a_rollout_cut_off_after_loading_is_a_problem_that_says_the_file_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    let line = |id: &str| format!(r#"{{"id":"{id}","messages":[{{"role":"assistant","content":"hi"}}]}}"#);
    std::fs::write(&path, format!("{}\n{}\n", line("a"), line("b"))).unwrap();
    let study = Study::load(std::slice::from_ref(&path), &LoadOptions::default());
    assert_eq!(study.read_rollout(1).unwrap().messages.len(), 1);
    // The writer starts over: the second line is now cut short.
    let len = std::fs::metadata(&path).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(len - 10).unwrap();
    let problem = study.read_rollout(1).unwrap_err().to_string();
    assert!(problem.contains("failed to fill whole buffer (was the file changed?)"), "{problem}");
    assert_eq!(study.read_rollout(0).unwrap().messages.len(), 1);
}
