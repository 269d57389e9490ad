//! `--scores` (judge scores in their own file), through the real
//! binary on the fixtures. The expected values are read off `tests/fixtures/scores/README.md`
//! and the fixture lines by hand.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rollscope::formats::judge_scores::ScoreFileSpec;
use rollscope::load::LoadOptions;
use rollscope::model::Role;
use rollscope::study::Study;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn transcripts() -> PathBuf {
    fixture("scores/transcripts.jsonl")
}

fn judge_file() -> PathBuf {
    fixture("scores/frustration.jsonl")
}

fn run(args: &[&str], paths: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollscope")).args(args).args(paths).output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), stderr(out)))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn row<'a>(rows: &'a Value, id: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no rollout {id}"))
}

#[test]
fn ls_shows_the_score_file_values_on_their_turns() {
    let score_file = judge_file().display().to_string();
    let out = run(&["ls", "--json", "--scores", &score_file], &[transcripts()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = stdout_json(&out);
    assert_eq!(rows.as_array().unwrap().len(), 5);
    // Lines 1-20; line 6 is -1 (judge failed) and line 21 (turn_idx 25) is not attached.
    let r0 = row(&rows, "math-004-baseline-r0");
    assert_eq!(
        r0["judge"],
        json!([
            1.0, 2.0, 2.0, 3.0, 4.0, null, 5.0, 5.0, 6.0, 6.0, 7.0, 6.0, 7.0, 8.0, 7.0, 8.0, 8.0, 9.0, 8.0,
            9.0
        ])
    );
    assert_eq!(r0["scores"]["frustration"], r0["judge"]);
    // Turn 4 was judged twice: line 81's 4 replaces line 25's 2.
    let r1 = row(&rows, "math-004-baseline-r1");
    assert_eq!(r1["judge"][2], 1.0);
    assert_eq!(r1["judge"][3], 4.0);
    assert_eq!(r1["judge"][4], 2.0);
    // Line 78 has no score: that turn is missing, the others attach.
    assert_eq!(row(&rows, "math-009-trained-r0")["judge"], json!([0.0, 0.0, 0.0, 1.0, null, 0.0]));
    let selfdel = row(&rows, "math-009-baseline-r0");
    assert_eq!(selfdel["judge"], json!([2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 7.0, 8.0, 9.0, 10.0, 10.0]));
    assert_eq!(selfdel["self_deleted_at"], 11);
    assert_eq!(row(&rows, "math-004-trained-r0")["judge"][12], Value::Null, "line 66 is -1");

    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines[0].ends_with("frustration.jsonl:53:80: warning: bad score row: EOF while parsing a string"),
        "{err}"
    );
    assert!(
        lines[1].ends_with("frustration.jsonl:78:1: warning: bad score row: missing field \"score\""),
        "{err}"
    );
    assert!(lines[2].contains("frustration.jsonl: warning: 2 of 79 score rows were not attached"), "{err}");
    assert!(
        lines[2].contains("1 matched no rollout (e.g. line 80: condition=baseline rollout_idx=0 task_id=12)"),
        "{err}"
    );
    assert!(
        lines[2]
            .contains("line 21: condition=baseline rollout_idx=0 task_id=4 turn_idx=25 of a 20-turn rollout")
    );
    assert!(
        lines[3].contains("1 score row replaced a \"frustration\" score already set for its turn"),
        "{err}"
    );
    assert!(lines[3].contains("first at line 81"), "{err}");
}

#[test]
fn without_the_score_file_the_transcripts_have_no_scores() {
    let out = run(&["ls", "--json"], &[transcripts()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = stdout_json(&out);
    let r0 = row(&rows, "math-004-baseline-r0");
    assert_eq!(r0["scores"], json!({}));
    assert!(r0["judge"].as_array().unwrap().iter().all(Value::is_null));
    assert_eq!(stderr(&out), "");
}

#[test]
fn score_name_join_and_field_flags() {
    let score_file = judge_file().display().to_string();
    let out = run(
        &["ls", "--json", "--scores", &score_file, "--score-name", "judge_f", "--score", "judge_f"],
        &[transcripts()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = stdout_json(&out);
    let r0 = row(&rows, "math-009-trained-r0");
    assert_eq!(r0["scores"], json!({"judge_f": [0.0, 0.0, 0.0, 1.0, null, 0.0]}));
    assert_eq!(r0["judge"], r0["scores"]["judge_f"]);

    // Given join fields and field names give the same values as detection.
    let given = run(
        &[
            "ls",
            "--json",
            "--scores",
            &score_file,
            "--join",
            "task_id,condition,rollout_idx",
            "--turn-field",
            "turn_idx",
            "--value-field",
            "score",
        ],
        &[transcripts()],
    );
    assert!(given.status.success(), "{}", stderr(&given));
    let detected = stdout_json(&run(&["ls", "--json", "--scores", &score_file], &[transcripts()]));
    assert_eq!(stdout_json(&given), detected);

    // Too few join fields: every rollout of a condition and task gets the same scores, and it says so.
    let loose =
        run(&["ls", "--json", "--scores", &score_file, "--join", "condition,task_id"], &[transcripts()]);
    assert!(stderr(&loose).contains("do not single out a rollout"), "{}", stderr(&loose));

    let unknown = run(&["ls", "--json", "--scores", &score_file, "--join", "run_id"], &[transcripts()]);
    assert!(
        stderr(&unknown).contains("frustration.jsonl: error: no field \"run_id\" (--join)"),
        "{}",
        stderr(&unknown)
    );

    let orphan = run(&["ls", "--join", "a"], &[transcripts()]);
    assert!(!orphan.status.success());
    assert!(stderr(&orphan).contains("--join applies to --scores files"), "{}", stderr(&orphan));
    let names = run(&["ls", "--score-name", "a"], &[transcripts()]);
    assert!(!names.status.success());
    assert!(stderr(&names).contains("--score-name given 1 times but --scores only 0"), "{}", stderr(&names));
}

#[test]
fn the_reader_gets_the_score_file_values_on_its_messages() {
    let options = LoadOptions { scores: vec![ScoreFileSpec::new(judge_file())], ..LoadOptions::default() };
    let study = Study::load(&[transcripts()], &options);
    let index = study.rollouts.iter().position(|r| &*r.id == "math-004-baseline-r0").unwrap();
    let rollout = study.read_rollout(index).unwrap();
    let turns: Vec<Option<f64>> = rollout
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .map(|m| {
            assert_eq!(m.scores.len(), 1, "{:?}", m.scores);
            m.score("frustration")
        })
        .collect();
    assert_eq!(turns.len(), 20);
    assert_eq!(&turns[..7], [Some(1.0), Some(2.0), Some(2.0), Some(3.0), Some(4.0), None, Some(5.0)]);
    assert!(rollout.messages.iter().filter(|m| m.role != Role::Assistant).all(|m| m.scores.is_empty()));
}
