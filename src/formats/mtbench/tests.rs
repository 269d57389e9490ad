//! The MT-Bench reader on folders built by hand, for what the real one (tests/layouts/mtbench.rs)
//! lacks: failed judges after valid ones, turns out of range, pairwise rows, several judges,
//! answers to unknown questions, and bad lines.

use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::model::ScoreKind;
use crate::model::problem::Severity;

fn write(dir: &Path, name: &str, lines: &[serde_json::Value]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Two questions; model `m` answers both, `n` answers the first.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        QUESTION_FILE,
        &[
            json!({"question_id": 1, "category": "math", "turns": ["What is 2+2?", "And 3+3?"]}),
            json!({"question_id": "q2", "category": "writing", "turns": ["Write a haiku."]}),
        ],
    );
    write(
        dir.path(),
        "model_answer/m.jsonl",
        &[
            json!({"question_id": 1, "choices": [{"index": 0, "turns": ["4", "6"]}]}),
            json!({"question_id": "q2", "choices": [{"turns": ["Leaves fall"]}]}),
            json!({"question_id": 99, "choices": [{"turns": ["?"]}]}),
        ],
    );
    write(
        dir.path(),
        "model_answer/n.jsonl",
        &[json!({"question_id": 1, "choices": [{"turns": ["5", "7"]}]})],
    );
    dir
}

fn decode(dir: &Path) -> (Vec<Rollout>, Vec<Problem>) {
    let folder = MtBenchFolder::find(dir).unwrap();
    decode_mtbench(&folder, Limit::NONE).unwrap()
}

fn judged(
    model: &str,
    question: serde_json::Value,
    turn: u64,
    score: serde_json::Value,
) -> serde_json::Value {
    json!({"question_id": question, "model": model, "judge": ["gpt-4", "single-v1"], "user_prompt": "...",
           "judgment": format!("{model} {question} {turn}: {score}"), "score": score, "turn": turn, "tstamp": 1.5})
}

fn messages(problems: &[Problem]) -> Vec<(u64, &str)> {
    problems.iter().map(|p| (p.line.unwrap_or(0), p.message.as_str())).collect()
}

#[test]
fn one_rollout_per_question_and_model_with_user_and_assistant_turns() {
    let dir = folder();
    let folder = MtBenchFolder::find(dir.path()).unwrap();
    assert!(folder.judgments.is_empty(), "answers without judgments are a layout too");
    let (rollouts, problems) = decode(dir.path());
    let ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["m/1", "m/q2", "n/1"]);
    let texts: Vec<(Role, &str)> = rollouts[0].messages.iter().map(|m| (m.role, m.text.as_str())).collect();
    let expect = [
        (Role::User, "What is 2+2?"),
        (Role::Assistant, "4"),
        (Role::User, "And 3+3?"),
        (Role::Assistant, "6"),
    ];
    assert_eq!(texts, expect);
    assert_eq!(
        rollouts[2].metadata,
        *json!({"model": "n", "category": "math", "question_id": 1}).as_object().unwrap()
    );
    assert_eq!(rollouts[1].metadata["question_id"], "q2");
    assert_eq!(
        messages(&problems),
        [(3, "1 answer to questions not in question.jsonl skipped (first: question 99)")]
    );
    assert!(problems[0].path.ends_with("model_answer/m.jsonl"));
}

#[test]
fn failed_judges_never_replace_a_score_and_other_repeats_name_both_lines() {
    let dir = folder();
    write(
        dir.path(),
        "model_judgment/gpt-4_single.jsonl",
        &[
            judged("m", json!(1), 1, json!(-1)),
            judged("m", json!(1), 1, json!(8)),
            judged("m", json!(1), 1, json!(-1)),
            judged("m", json!(1), 2, json!(3)),
            judged("m", json!(1), 2, json!(4.5)),
            judged("n", json!(1), 1, json!(-1)),
            judged("m", json!("q2"), 2, json!(5)),
            judged("m", json!("q2"), 0, json!(5)),
            judged("x", json!(1), 1, json!(5)),
            judged("n", json!(1), 2, json!("7")),
            json!({"question_id": 1, "model_1": "m", "model_2": "n", "g1_winner": "model_1", "turn": 1}),
        ],
    );
    let (rollouts, problems) = decode(dir.path());
    let turn = |r: usize, t: usize| rollouts[r].turn(t).unwrap();
    assert_eq!(turn(0, 1).scores, [("score".to_string(), Some(8.0))], "line 3's -1 does not undo line 2");
    assert_eq!(turn(0, 1).judge_strings, [("score.judgment".to_string(), Arc::from("m 1 1: 8"))]);
    assert_eq!(turn(0, 2).scores, [("score".to_string(), Some(4.5))], "the last wins");
    assert_eq!(turn(2, 1).scores, [("score".to_string(), None)], "a failed judge is a missing score");
    assert!(turn(2, 1).judge_strings.is_empty(), "and its $ERROR$ is not a rationale");
    assert_eq!(turn(2, 2).scores, [("score".to_string(), None)]);
    assert!(turn(1, 1).scores.is_empty());
    let judgments = "model_judgment/gpt-4_single.jsonl";
    let problems: Vec<Problem> = problems.into_iter().filter(|p| p.path.ends_with(judgments)).collect();
    assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    assert_eq!(
        messages(&problems),
        [
            (5, "m/1 turn 2 judged again (3 on line 4, 4.5 here); the last is used"),
            (7, "judgment skipped: turn 2 is past m/q2's 1 answer turns"),
            (8, "judgment skipped: turn 0 (turns count from 1 in MT-Bench judgments)"),
            (10, "score is a string (\"7\"), not a number; read as missing"),
            (9, "1 judgment matches no answer (first: x/1); not read"),
            (11, "1 pairwise judgment (model_1, model_2) not read: only single-answer grading is"),
        ]
    );
    let kinds = string_kinds(&rollouts);
    assert_eq!(kinds.kind("score.judgment"), Some(ScoreKind::Text));
}

#[test]
fn several_judges_are_scores_named_by_their_files() {
    let dir = folder();
    write(dir.path(), "model_judgment/gpt-4_single.jsonl", &[judged("m", json!(1), 1, json!(9))]);
    write(dir.path(), "model_judgment/claude_single.jsonl", &[judged("m", json!(1), 1, json!(6))]);
    let (rollouts, problems) = decode(dir.path());
    assert_eq!(problems.len(), 1, "only the answer to question 99: {problems:?}");
    let first = rollouts[0].turn(1).unwrap();
    assert_eq!(
        first.scores,
        [("claude_single".to_string(), Some(6.0)), ("gpt-4_single".to_string(), Some(9.0))]
    );
    let names: Vec<&str> = first.judge_strings.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["claude_single.judgment", "gpt-4_single.judgment"]);
}

#[test]
fn bad_lines_are_warnings_at_their_place_and_repeats_use_the_last() {
    let dir = folder();
    let questions = "{\"question_id\": 1, \"category\": \"math\", \"turns\": [\"old\"]}\n\
                     \n{\"question_id\": 1, \"category\": \"math\", \"turns\": [\"new\"]}\r\n[1]\n{\"turns\": 3,\n";
    std::fs::write(dir.path().join(QUESTION_FILE), questions).unwrap();
    write(
        dir.path(),
        "model_answer/n.jsonl",
        &[
            json!({"question_id": 1, "choices": [{"turns": ["first"]}]}),
            json!({"question_id": 1, "choices": [{"turns": ["second"]}]}),
            json!({"question_id": 1, "choices": []}),
        ],
    );
    let (rollouts, problems) = decode(dir.path());
    let ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["m/1", "n/1"]);
    assert_eq!(rollouts[1].messages[0].text, "new");
    assert_eq!(rollouts[1].messages[1].text, "second");
    let at: Vec<(String, u64, u64)> = problems
        .iter()
        .map(|p| (p.path.rsplit('/').next().unwrap().to_string(), p.line.unwrap(), p.column.unwrap()))
        .collect();
    assert_eq!(
        at,
        [
            ("question.jsonl".to_string(), 4, 1),
            ("question.jsonl".to_string(), 5, 12),
            ("question.jsonl".to_string(), 3, 1),
            ("m.jsonl".to_string(), 2, 1),
            ("n.jsonl".to_string(), 2, 1),
            ("n.jsonl".to_string(), 3, 1),
        ]
    );
    assert_eq!(problems[2].message, "question 1 repeats line 1; this one is used");
    assert_eq!(
        problems[3].message,
        "2 answers to questions not in question.jsonl skipped (first: question q2)"
    );
    assert_eq!(problems[4].message, "question 1 answered again (first on line 1); this answer is used");
}

#[test]
fn a_folder_without_questions_or_answers_is_no_layout() {
    let dir = folder();
    assert!(MtBenchFolder::find(&dir.path().join("model_answer")).is_none());
    std::fs::remove_file(dir.path().join("model_answer/m.jsonl")).unwrap();
    std::fs::remove_file(dir.path().join("model_answer/n.jsonl")).unwrap();
    assert!(MtBenchFolder::find(dir.path()).is_none());
}
