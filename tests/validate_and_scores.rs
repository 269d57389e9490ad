//! `--scores` (judge scores in their own file) and `rollscope validate`, through the real
//! binary on the fixtures. The expected values are read off `tests/fixtures/scores/README.md`
//! and the fixture lines by hand.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

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
    common::rollscope().args(args).args(paths).output().unwrap()
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

/// The validate entry whose path ends with `name`.
fn entry<'a>(report: &'a Value, name: &str) -> &'a Value {
    let files = report["files"].as_array().unwrap();
    files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no file {name} in {report:#}"))
}

fn places(file: &Value) -> Vec<(Value, Value)> {
    file["problems"].as_array().unwrap().iter().map(|p| (p["line"].clone(), p["column"].clone())).collect()
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
    assert_eq!(r0["scores"]["judge_f"], json!([0.0, 0.0, 0.0, 1.0, null, 0.0]));
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
fn score_names_pair_with_score_files_in_order() {
    use clap::Parser;
    let cli = rollscope::cli::Cli::try_parse_from([
        "rollscope",
        "ls",
        "runs",
        "--scores",
        "a/frustration.jsonl",
        "--score-name",
        "anger",
        "--scores",
        "b/self_blame.jsonl",
        "--join",
        "task_id,run=id",
    ])
    .unwrap();
    let specs = cli.study_options().unwrap().score_files().unwrap();
    let names: Vec<String> = specs.iter().map(ScoreFileSpec::score_name).collect();
    assert_eq!(names, ["anger", "self_blame"]);
    assert_eq!(specs[1].path, Path::new("b/self_blame.jsonl"));
    assert!(specs.iter().all(|s| s.join == Some(vec!["task_id".to_string(), "run=id".to_string()])));
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

#[test]
fn validate_reports_formats_counts_and_positions_and_fails_on_any_problem() {
    let paths = [
        fixture("shapes.jsonl"),
        fixture("bad_lines.jsonl"),
        fixture("truncated.json"),
        fixture("not_rollouts.json"),
        fixture("empty.jsonl"),
        fixture("missing.jsonl"),
        fixture("inspect"),
    ];
    let out = run(&["validate", "--json"], &paths);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["ok"], false);
    let names: Vec<&str> =
        report["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 6 + 9, "{names:?}");
    assert!(names[5].ends_with("missing.jsonl"), "in the order given: {names:?}");

    let shapes = entry(&report, "shapes.jsonl");
    assert_eq!(
        (&shapes["format"], &shapes["rollouts"], &shapes["turns"]),
        (&json!("jsonl"), &json!(2), &json!(5))
    );
    assert_eq!(shapes["scores"], json!({"frustration": 4, "self_blame": 1}));
    assert_eq!(shapes["problems"], json!([]));

    let bad = entry(&report, "bad_lines.jsonl");
    assert_eq!((&bad["rollouts"], &bad["turns"]), (&json!(4), &json!(4)));
    assert_eq!(places(bad), [(json!(2), json!(30)), (json!(4), json!(1)), (json!(6), json!(1))]);
    assert_eq!(bad["problems"][0]["severity"], "warning");
    assert_eq!(bad["problems"][0]["message"], "EOF while parsing a list");
    assert_eq!(bad["problems"][0]["entry"], Value::Null);

    let truncated = entry(&report, "truncated.json");
    assert_eq!((&truncated["format"], &truncated["rollouts"]), (&json!("json"), &json!(0)));
    assert_eq!(places(truncated), [(json!(1), json!(150))]);
    assert_eq!(truncated["problems"][0]["severity"], "error");
    assert_eq!(places(entry(&report, "not_rollouts.json")), [(json!(1), json!(1))]);

    let empty = entry(&report, "empty.jsonl");
    assert_eq!(
        (&empty["format"], &empty["rollouts"], &empty["problems"]),
        (&json!("jsonl"), &json!(0), &json!([]))
    );

    let missing = entry(&report, "missing.jsonl");
    assert_eq!(missing["format"], Value::Null);
    assert_eq!(places(missing), [(Value::Null, Value::Null)]);
    assert!(missing["problems"][0]["message"].as_str().unwrap().starts_with("cannot open"));

    let eval = entry(&report, "popularity_mj7khqpMM4GBCfVQozKgzB.eval");
    assert_eq!(
        (&eval["format"], &eval["rollouts"], &eval["turns"]),
        (&json!("inspect-eval"), &json!(10), &json!(10))
    );
    let browser = entry(&report, "browser.json");
    assert_eq!(
        (&browser["format"], &browser["rollouts"], &browser["turns"]),
        (&json!("inspect-json"), &json!(1), &json!(5))
    );
    let built = entry(&report, "built_judged.json");
    assert_eq!(places(built), [(json!(44), json!(5)), (json!(45), json!(5))]);
    assert_eq!(built["scores"]["frustration"], 2);

    // The text form says the same per file, problems indented under their file.
    let text = run(&["validate"], &paths);
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("bad_lines.jsonl: jsonl, 4 rollouts, 4 turns, scores: frustration 4 — 3 problems\n  2:30: warning: EOF while parsing a list\n"), "{stdout}");
    assert!(stdout.contains("empty.jsonl: jsonl, 0 rollouts, 0 turns — ok\n"), "{stdout}");
    assert!(stdout.contains("missing.jsonl: not read — 1 problem\n  error: cannot open"), "{stdout}");
    assert!(stdout.ends_with("15 files: 7 ok, 8 with 11 problems\n"), "{stdout}");
    assert!(stderr(&text).contains("rollscope: 11 problems in 8 of 15 files"), "{}", stderr(&text));
}

#[test]
fn validate_exits_zero_when_every_file_is_clean() {
    let out = run(
        &["validate", "--json"],
        &[fixture("shapes.jsonl"), fixture("empty.jsonl"), fixture("single.json")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["files"].as_array().unwrap().len(), 3);
    assert_eq!(entry(&report, "single.json")["scores"], json!({"frustration": 1, "self_blame": 1}));
    let text = run(&["validate"], &[fixture("shapes.jsonl")]);
    assert_eq!(text.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&text.stdout).ends_with("1 file, all ok\n"));
    assert_eq!(stderr(&text), "");
}

#[test]
fn validate_reports_a_score_file_as_a_file_of_its_own() {
    let score_file = judge_file().display().to_string();
    // The folder holds both; the score file is not read as rollouts.
    let out = run(&["validate", "--json", "--scores", &score_file], &[fixture("scores")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["files"].as_array().unwrap().len(), 2, "{report:#}");
    let transcripts = entry(&report, "transcripts.jsonl");
    assert_eq!((&transcripts["rollouts"], &transcripts["turns"]), (&json!(5), &json!(77)));
    // Every field of the rows is kept: the judge's model (categorical) and its one note (a text).
    assert_eq!(
        transcripts["scores"],
        json!({"frustration": 74, "frustration.model": 76, "frustration.note": 1})
    );
    assert_eq!(transcripts["problems"], json!([]));
    let scores = entry(&report, "frustration.jsonl");
    assert_eq!(scores["format"], "judge-scores");
    assert_eq!(scores["scores"], json!({"frustration": 74, "frustration.model": 76, "frustration.note": 1}));
    assert_eq!(
        places(scores),
        [
            (json!(53), json!(80)),
            (json!(78), json!(1)),
            (Value::Null, Value::Null),
            (Value::Null, Value::Null)
        ]
    );
    let detail = &scores["score_file"];
    assert_eq!(
        detail["join"],
        json!(["condition", "rollout_idx", "task_id"]),
        "`model` shares a name, not values"
    );
    assert_eq!((&detail["turn_field"], &detail["value_field"]), (&json!("turn_idx"), &json!("score")));
    let counts: Vec<u64> = [
        "rows",
        "bad_rows",
        "used",
        "missing",
        "unmatched_rollout",
        "unmatched_turn",
        "overwritten",
        "values",
    ]
    .iter()
    .map(|k| detail[*k].as_u64().unwrap())
    .collect();
    assert_eq!(counts, [79, 2, 76, 2, 1, 1, 1, 74]);

    let text = run(&["validate", "--scores", &score_file], &[fixture("scores")]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains(
            "frustration.jsonl: judge-scores \"frustration\", joined on condition, rollout_idx, task_id, turn \
             turn_idx, value score; 79 rows read, 76 attached to 5 rollouts (2 missing), 2 not attached, 1 \
             replaced — 4 problems\n  scores: frustration 74, frustration.model 76 (categorical), \
             frustration.note 1 (text)\n  53:80: warning: bad score row: EOF while parsing a string\n"
        ),
        "{stdout}"
    );
}

#[test]
fn validate_names_the_archive_entry_of_a_bad_sample() {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(std::fs::read(fixture("inspect/log_read_sample.eval")).unwrap()))
            .unwrap();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        zip.start_file(file.name().unwrap().into_owned(), options).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.start_file("samples/9_epoch_1.json", options).unwrap();
    zip.write_all(b"{\"id\": 9,\n \"epoch\": 1, \"messages\": [}").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.eval");
    std::fs::write(&path, zip.finish().unwrap().into_inner()).unwrap();

    let out = run(&["validate", "--json"], &[path]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout_json(&out);
    let file = entry(&report, "broken.eval");
    assert_eq!((&file["format"], &file["rollouts"]), (&json!("inspect-eval"), &json!(1)));
    let problem = &file["problems"][0];
    assert_eq!(problem["entry"], "samples/9_epoch_1.json", "{report:#}");
    assert_eq!((&problem["line"], &problem["column"]), (&json!(2), &json!(27)), "{report:#}");
}
