//! Agent transcripts (issue 21): Claude Code session logs and ATIF trajectories, on the real
//! files in ../shared/data/agent-transcripts/ (copied to tests/fixtures/agents/shared/) and on
//! fixtures written for what those do not show (compaction, merged `message.id` lines, skipped
//! line types, a continued trajectory).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use rollscope::load::LoadOptions;
use rollscope::model::{Role, Rollout};
use rollscope::study::Study;
use serde_json::json;

const SHARED: &str = "tests/fixtures/agents/shared";
const OWN: &str = "tests/fixtures/agents";

fn load(paths: &[&str]) -> Study {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    Study::load(&paths, &LoadOptions::default())
}

/// The rollout with this id, decoded.
fn rollout(study: &Study, id: &str) -> Rollout {
    let index = study.rollouts.iter().position(|r| &*r.id == id).unwrap_or_else(|| panic!("no {id}"));
    study.read_rollout(index).unwrap()
}

/// Each message as (role, text), tool calls as `→ name(arguments)` lines after the text.
fn messages(r: &Rollout) -> Vec<(Role, String)> {
    r.messages
        .iter()
        .map(|m| {
            let calls: Vec<String> =
                m.tool_calls.iter().map(|c| format!("→ {}({})", c.name, c.arguments)).collect();
            let text =
                [m.text.clone()].into_iter().chain(calls).filter(|t| !t.is_empty()).collect::<Vec<_>>();
            (m.role, text.join("\n"))
        })
        .collect()
}

fn owned(pairs: &[(Role, &str)]) -> Vec<(Role, String)> {
    pairs.iter().map(|(r, t)| (*r, t.to_string())).collect()
}

#[test]
fn claude_code_logs_give_one_rollout_per_session_segment() {
    let study = load(&[&format!("{SHARED}/claude-code")]);
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    let mut ids: Vec<(&str, u32)> = study.rollouts.iter().map(|r| (&*r.id, r.n_turns)).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("session-aaa", 1),
            ("session-bbb", 1),
            ("session-clear", 1),
            ("session-clear#2", 1),
            ("session-partner", 1),
            ("test-session-001", 2),
            ("test-session-002", 2),
            ("test-session-004", 2),
            ("test-session-004/agent-atest01", 2),
        ]
    );
    let simple = rollout(&study, "test-session-001");
    assert_eq!(
        messages(&simple),
        owned(&[
            (Role::User, "Hello, how are you?"),
            (Role::Assistant, "I'm doing well, thank you for asking! How can I help you today?"),
            (Role::User, "Can you explain what this codebase does?"),
            (
                Role::Assistant,
                "Based on my analysis, this is a Python project that provides tools for analyzing LLM evaluation transcripts."
            ),
        ])
    );
    assert_eq!(
        serde_json::Value::Object(simple.metadata),
        json!({"session_id": "test-session-001", "slug": "simple-conv-slug", "cwd": "/Users/test/project",
               "git_branch": "main", "version": "2.0.76", "started": "2026-01-31T10:00:00.000Z",
               "model": "claude-opus-4-5-20251101", "input_tokens": 250, "output_tokens": 50})
    );
}

#[test]
fn tool_calls_results_and_thinking_keep_their_places() {
    let study = load(&[&format!("{SHARED}/claude-code/tool_call_conversation.jsonl")]);
    let r = rollout(&study, "test-session-002");
    assert_eq!(
        messages(&r),
        owned(&[
            (Role::User, "Read the README file"),
            (
                Role::Assistant,
                "I'll read the README file for you.\n→ Read({\"file_path\":\"/Users/test/project/README.md\"})"
            ),
            (Role::Tool, "# My Project\n\nThis is a sample project for testing purposes."),
            (
                Role::Assistant,
                "The README indicates this is a sample project for testing purposes. The file contains:\n\n1. A project title\n2. A brief description"
            ),
        ])
    );
    assert_eq!(
        r.messages[1].thinking,
        "The user wants me to read the README file. I should use the Read tool."
    );
    assert!(r.messages[1].full_text().starts_with("[thinking] The user wants"), "the thinking is searched");
    assert_eq!(r.messages[2].answers.as_deref(), Some("Read"), "the result is tied to its call");
}

#[test]
fn a_clear_starts_a_new_rollout_and_a_sidechain_points_to_its_session() {
    let study = load(&[&format!("{SHARED}/claude-code")]);
    assert_eq!(
        messages(&rollout(&study, "session-clear")),
        owned(&[(Role::User, "Plan the feature"), (Role::Assistant, "Here is my plan.")])
    );
    assert_eq!(
        messages(&rollout(&study, "session-clear#2")),
        owned(&[
            (Role::User, "Unrelated question after clear"),
            (Role::Assistant, "Answering your unrelated question.")
        ])
    );
    let agent = rollout(&study, "test-session-004/agent-atest01");
    assert_eq!(agent.metadata["sidechain"], true);
    assert_eq!(agent.metadata["parent_session"], "test-session-004");
    assert_eq!(agent.metadata["model"], "claude-sonnet-4-20250514");
    assert_eq!(agent.messages[1].tool_calls[0].name, "Bash");
    let parent = rollout(&study, "test-session-004");
    assert_eq!(parent.messages[1].tool_calls[0].name, "Task");
    assert!(parent.metadata.get("sidechain").is_none());
}

#[test]
fn merged_lines_compaction_and_skipped_types() {
    let path = format!("{OWN}/claude-code/compacted.jsonl");
    let study = load(&[&path]);
    let r = rollout(&study, "sess-compact");
    let roles: Vec<Role> = r.messages.iter().map(|m| m.role).collect();
    // Two lines of msg_c1 are one turn; the compaction and its summary one system marker.
    assert_eq!(
        roles,
        [Role::User, Role::Assistant, Role::Tool, Role::Assistant, Role::System, Role::User, Role::Assistant]
    );
    assert_eq!(study.rollouts[0].n_turns, 3);
    assert_eq!(r.messages[1].thinking, "Look at the parser first.");
    assert_eq!(r.messages[1].text, "Reading it.");
    assert_eq!(r.messages[1].tool_calls[0].arguments, r#"{"file_path":"parser.rs"}"#);
    assert_eq!(r.messages[2].answers.as_deref(), Some("Read"));
    assert_eq!(
        r.messages[4].text,
        "[context compacted]\nSummary: the user asked to fix the parser; it is empty."
    );
    assert_eq!(study.rollouts[0].self_deleted_at, Some(3));
    // msg_c1's usage repeats on both its lines: counted once.
    assert_eq!(
        (r.metadata["input_tokens"].clone(), r.metadata["output_tokens"].clone()),
        (json!(80), json!(22))
    );
    let messages: Vec<&str> = study.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "3 lines of other types skipped (not part of a conversation): file-history-snapshot 1, queue-operation 1, summary 1"
        ]
    );
    let (ok, stdout, _) = common::run(&["validate", &path]);
    assert!(!ok);
    assert!(
        stdout.contains("claude-code, 1 rollout, 3 turns")
            && stdout.contains("3 lines of other types skipped"),
        "{stdout}"
    );
}

#[test]
fn atif_steps_become_turns_tool_results_and_metadata() {
    let study = load(&[&format!("{SHARED}/atif")]);
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    let r = rollout(&study, "openhands_hello-world.trajectory");
    let roles: Vec<Role> = r.messages.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [Role::System, Role::User, Role::System, Role::System, Role::Assistant, Role::Tool, Role::Assistant]
    );
    assert_eq!(r.messages[4].text, "I edited the file /app/hello.txt.");
    assert_eq!(r.messages[4].tool_calls[0].name, "str_replace_editor");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.messages[4].tool_calls[0].arguments).unwrap(),
        json!({"command": "create", "path": "/app/hello.txt", "file_text": "Hello, world!", "security_risk": "LOW"})
    );
    assert_eq!(r.messages[5].text, "File created successfully at: /app/hello.txt");
    assert_eq!(r.messages[5].answers.as_deref(), Some("str_replace_editor"));
    assert_eq!(r.messages[6].tool_calls[0].name, "finish");
    assert_eq!(r.metadata["agent"], "openhands");
    assert_eq!(r.metadata["agent_version"], "1.1.0");
    assert_eq!(r.metadata["schema_version"], "ATIF-v1.5");
    assert_eq!(r.metadata["total_prompt_tokens"], 220);
    assert_eq!(r.metadata["total_completion_tokens"], 80);
    let plain = rollout(&study, "openhands_hello-world.trajectory.no_function_calling");
    let roles: Vec<Role> = plain.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::System, Role::User, Role::Assistant, Role::Tool, Role::Assistant]);
}

#[test]
fn a_continued_trajectory_is_one_rollout_and_its_continuation_is_not_listed_again() {
    let study = load(&[&format!("{OWN}/atif")]);
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["long.trajectory"]);
    assert_eq!(study.rollouts[0].n_turns, 2, "turns numbered across both files");
    let r = rollout(&study, "long.trajectory");
    assert_eq!(
        messages(&r),
        owned(&[
            (Role::User, "Fix the build."),
            (Role::Assistant, "Running make.\n→ bash({\"command\":\"make\"})"),
            (Role::Tool, "error: missing ;"),
            (Role::System, "[continued in long.trajectory.cont-1.json: the context was handed off]"),
            (Role::System, "Summary so far: make fails on a missing semicolon."),
            (Role::Assistant, "Fixed it."),
        ])
    );
    assert_eq!(r.messages[1].thinking, "Start with the build.");
    assert_eq!(r.metadata["continuations"], 1);
    assert_eq!(r.metadata["total_prompt_tokens"], 150, "the last file's final metrics");
    assert_eq!(r.metadata["model"], "gpt-5");
}

#[test]
fn scores_join_on_the_session_id_and_stats_compare_agents() {
    let dir = tempfile::tempdir().unwrap();
    let scores = dir.path().join("frustration.jsonl");
    let rows = [
        json!({"id": "test-session-001", "turn": 0, "frustration": 1}),
        json!({"id": "test-session-001", "turn": 1, "frustration": 6}),
        json!({"id": "test-session-002", "turn": 1, "frustration": 3}),
    ];
    std::fs::write(&scores, rows.iter().map(|r| r.to_string() + "\n").collect::<String>()).unwrap();
    let logs = format!("{SHARED}/claude-code");
    let (ok, stdout, stderr) = common::run(&["ls", &logs, "--scores", scores.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let judge = |id: &str| listed.iter().find(|r| r["id"] == id).unwrap()["judge"].clone();
    assert_eq!(judge("test-session-001"), json!([1.0, 6.0]));
    assert_eq!(judge("test-session-002"), json!([null, 3.0]));
    // ATIF trajectories joined by their file's name, compared by agent.
    let atif_scores = dir.path().join("atif.jsonl");
    let rows = [
        ("openhands_hello-world.trajectory", [2, 4]),
        ("openhands_hello-world.trajectory.no_function_calling", [4, 6]),
        ("long.trajectory", [7, 9]),
    ];
    let mut lines = String::new();
    for (id, values) in rows {
        for (turn, x) in values.iter().enumerate() {
            lines.push_str(&format!("{}\n", json!({"id": id, "turn": turn, "frustration": x})));
        }
    }
    std::fs::write(&atif_scores, lines).unwrap();
    let (shared, own) = (format!("{SHARED}/atif"), format!("{OWN}/atif"));
    let args = ["stats", &shared, &own, "--scores", atif_scores.to_str().unwrap(), "--by", "agent", "--json"];
    let (ok, stdout, stderr) = common::run(&args);
    assert!(ok, "{stderr}");
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let groups: Vec<(String, u64, f64)> = stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let agent = g["key"]["agent"].as_str().unwrap().to_string();
            (agent, g["n_rollouts"].as_u64().unwrap(), g["per_turn"][0]["mean"].as_f64().unwrap())
        })
        .collect();
    assert_eq!(groups, [("openhands".to_string(), 2, 3.0), ("terminus".to_string(), 1, 7.0)]);
}

#[test]
fn the_reader_folds_reasoning_and_long_tool_output_and_z_unfolds_them() {
    use rollscope::testkit::{Session, screen_text};
    let path = PathBuf::from(format!("{OWN}/claude-code/compacted.jsonl"));
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = Session::open(std::slice::from_ref(&path), w, h, None);
        let folded = screen_text(&s.draw());
        assert!(folded.contains("▸ thinking · 1 line · z shows it"), "{folded}");
        assert!(folded.contains("… 24 more lines · z shows them") || h < 30, "{folded}");
        assert!(!folded.contains("Look at the parser first."), "{folded}");
        insta::assert_snapshot!(format!("agents_folded_{w}x{h}"), folded);
        s.press("z");
        let open = screen_text(&s.draw());
        assert!(
            open.contains("▾ thinking · z folds it") && open.contains("Look at the parser first."),
            "{open}"
        );
        assert!(!open.contains("more lines"), "{open}");
        insta::assert_snapshot!(format!("agents_unfolded_{w}x{h}"), open);
    }
}
