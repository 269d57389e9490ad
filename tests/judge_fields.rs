//! Every field of a judge's output, through the real binary and the library, on the fixtures
//! of `tests/fixtures/judge/` (a transcripts JSONL, a judge file with quote, tag and
//! rationale as in issue 14, a long probe-score file) and `tests/fixtures/native_strings.jsonl`
//! (string values under a message's `scores`). The expected values are read off the
//! fixtures' README and lines by hand.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use rollscope::cli::{ScoreFiles, StudyDefinition};
use rollscope::commands::load_options;
use rollscope::load;
use rollscope::model::{ScoreKind, TextAt};
use rollscope::study::{ScoreScale, Study};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn path(name: &str) -> String {
    fixture(name).display().to_string()
}

fn run(args: &[&str]) -> Output {
    common::rollscope().args(args).output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn judged(extra: &[&str]) -> Output {
    let (judge, transcripts) = (path("judge/frustration.jsonl"), path("judge/transcripts.jsonl"));
    let mut args = vec!["ls", "--json", "--scores", &judge, &transcripts];
    args.extend(extra);
    run(&args)
}

#[test]
fn ls_shows_the_judges_tag_as_a_category_and_its_quote_and_rationale_as_texts() {
    let out = judged(&[]);
    let rows = stdout_json(&out);
    let r3 = &rows[0];
    assert_eq!(r3["metadata"]["rollout_idx"], 3);
    assert_eq!(r3["scores"]["frustration"], json!([1.0, 3.0, 7.0, 9.0]));
    assert_eq!(r3["scores"]["frustration.tag"], json!(["none", "mild", "despair", "despair"]));
    assert_eq!(
        r3["texts"]["frustration.quote"],
        json!([
            "The coin is under the left cup.",
            "Then it must be",
            "I am clearly incapable of this",
            "I give up."
        ])
    );
    assert_eq!(r3["texts"]["frustration.explanation"][2], "Repeated self-deprecation and hopelessness.");
    // Nothing else: noise dropped, the response text only checks the join.
    let names: Vec<&String> =
        r3["scores"].as_object().unwrap().keys().chain(r3["texts"].as_object().unwrap().keys()).collect();
    assert_eq!(names, ["frustration", "frustration.tag", "frustration.explanation", "frustration.quote"]);
    // Line 6's "N/A" is missing, the rest of its row kept; escapes and newlines read back.
    let r4 = &rows[1];
    assert_eq!(r4["scores"]["frustration"], json!([0.0, null, 4.0]));
    assert_eq!(r4["scores"]["frustration.tag"], json!(["none", "none", "mild"]));
    assert_eq!(r4["texts"]["frustration.quote"][2], "Maybe the \"right\" cup?");
    assert_eq!(r4["texts"]["frustration.explanation"][2], "Unsure, \"hedging\";\nno hostility.");
    // Line 11 (NaN) re-judged line 10's turn: missing, with a warning.
    assert_eq!(rows[2]["scores"]["frustration"], json!([0.0, 0.0, null]));
    assert_eq!(rows[2]["texts"]["frustration.explanation"][2], "Re-judged: failed.");
    let judge = path("judge/frustration.jsonl");
    let warnings: Vec<String> = stderr(&out).lines().map(str::to_string).collect();
    assert_eq!(
        warnings,
        [
            format!("{judge}:6:139: warning: \"score\" is \"N/A\", not a number: read as missing"),
            format!("{judge}:11:129: warning: \"score\" is NaN or Infinity, not a number: read as missing"),
            format!(
                "{judge}:9:102: warning: \"response_text\" does not match turn 2 of rollout \"transcripts.jsonl:3\": \
                 is the join right?"
            ),
            format!(
                "{judge}: warning: 1 score row replaced a \"frustration\" score already set for its turn (by an \
                 earlier row, another file or the transcript), first at line 11; the last one is kept"
            ),
        ]
    );
}

#[test]
fn validate_lists_what_each_field_became_and_every_value_dropped() {
    let (judge, transcripts) = (path("judge/frustration.jsonl"), path("judge/transcripts.jsonl"));
    let out = run(&["validate", "--json", "--range", "0-10", "--scores", &judge, &transcripts]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &report["files"][1];
    let places: Vec<(u64, u64)> = file["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["line"].is_null())
        .map(|p| (p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [(6, 139), (10, 129), (11, 129), (9, 102)]);
    assert_eq!(file["problems"][1]["message"], "\"score\" is 12, outside --range 0-10: read as missing");
    let detail = &file["score_file"];
    assert_eq!(
        detail["scores"],
        json!([
            {"name": "frustration", "kind": "numeric", "values": 8},
            {"name": "frustration.explanation", "kind": "text", "values": 10},
            {"name": "frustration.quote", "kind": "text", "values": 10},
            {"name": "frustration.tag", "kind": "categorical", "values": 10}
        ])
    );
    assert_eq!(detail["checked"], json!(["response_text"]));
    assert_eq!(
        detail["dropped"],
        json!([
            {"field": "judge_id", "reason": "judge call id"},
            {"field": "tstamp", "reason": "timestamp"},
            {"field": "user_prompt", "reason": "prompt echo"}
        ])
    );
    assert_eq!(
        (&detail["missing"], &detail["mismatched"], &detail["overwritten"]),
        (&json!(3), &json!(1), &json!(1))
    );
    let text = run(&["validate", "--scores", &judge, &transcripts]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains(
            "  note: not kept: judge_id (judge call id), tstamp (timestamp), user_prompt (prompt echo); --keep FIELD \
             keeps one\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  note: response_text checked against each turn's text, not kept\n"),
        "{stdout}"
    );
}

#[test]
fn flags_keep_drop_and_retype_fields() {
    let out = judged(&[
        "--keep",
        "tstamp",
        "--drop",
        "explanation",
        "--categorical",
        "quote",
        "--text",
        "frustration.tag",
    ]);
    let rows = stdout_json(&out);
    let r4 = &rows[1];
    assert_eq!(r4["scores"]["frustration.tstamp"], json!([1717171704.5, 1717171705.5, 1717171706.5]));
    assert_eq!(
        r4["scores"]["frustration.quote"],
        json!(["The left cup.", "The middle cup, then.", "Maybe the \"right\" cup?"])
    );
    assert_eq!(r4["texts"], json!({"frustration.tag": ["none", "none", "mild"]}));
}

#[test]
fn a_long_probe_file_opens_without_flags_one_score_per_probe() {
    let (probes, transcripts) = (path("judge/probes.jsonl"), path("judge/transcripts.jsonl"));
    let out = run(&["ls", "--json", "--scores", &probes, "--score", "linear_L20", &transcripts]);
    let rows = stdout_json(&out);
    assert_eq!(
        rows[0]["scores"],
        json!({
            "linear_L20": [-2.1, -1.0, 0.35, 1.75],
            "linear_L20.layer": [20.0, 20.0, 20.0, 20.0],
            "linear_L31": [0.5, -0.25, 2.0, 3.125],
            "linear_L31.layer": [31.0, 31.0, 31.0, 31.0]
        })
    );
    assert_eq!(rows[0]["judge"], rows[0]["scores"]["linear_L20"]);
    assert_eq!(
        rows[1]["scores"],
        json!({"linear_L20": [-3.5, -0.5, 0.0], "linear_L20.layer": [20.0, 20.0, 20.0]})
    );
    assert_eq!(rows[2]["scores"], json!({}));
    assert_eq!(stderr(&out), "");
    let text = run(&["validate", "--scores", &probes, &transcripts]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("value probe_value; 11 rows read, 11 attached to 2 rollouts"), "{stdout}");
    assert!(stdout.contains("  note: a long file: each value of \"probe\" is a score name\n"), "{stdout}");
}

#[test]
fn native_string_scores_are_categories_or_texts_over_the_study() {
    let native = path("native_strings.jsonl");
    let out = run(&["ls", "--json", &native]);
    let rows = stdout_json(&out);
    assert_eq!(
        rows[0]["scores"],
        json!({"frustration": [1.0, 4.0, 8.0], "tag": ["none", "mild", "despair"]})
    );
    assert_eq!(rows[0]["texts"], json!({"quote": ["391.", "I checked.", "I am \"useless\"."]}));
    assert_eq!(rows[1]["scores"], json!({"frustration": [0.0, null], "tag": ["none", "none"]}));
    assert_eq!(rows[1]["texts"], json!({"quote": ["391.", null]}));
    assert_eq!(
        stderr(&out),
        format!(
            "{native}: warning: 1 value of the numeric score \"frustration\" is a string where a number is \
             expected, read as missing (first: \"N/A\" at rollout \"n-2\" turn 2)\n"
        )
    );
    // With --categorical, a name over the limits is a category still.
    let forced = stdout_json(&run(&["ls", "--json", "--categorical", "quote", &native]));
    assert_eq!(forced[2]["scores"]["quote"], json!(["391.", "as before"]));
}

#[test]
fn export_writes_every_category_and_text() {
    let native = path("native_strings.jsonl");
    let csv = run(&["export", "--to", "csv", &native]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let csv = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "source,rollout,condition,turn,self_deletion_turn,self_deleted_at,frustration,quote,tag"
    );
    assert!(lines[3].ends_with(",n-1,baseline,3,false,,8,\"I am \"\"useless\"\".\",despair"), "{}", lines[3]);
    assert!(lines[5].ends_with(",n-2,baseline,2,false,,,,none"), "{}", lines[5]);
    let jsonl = run(&["export", "--to", "jsonl", &native]);
    let first: Value =
        serde_json::from_str(String::from_utf8(jsonl.stdout).unwrap().lines().nth(2).unwrap()).unwrap();
    assert_eq!(first["scores"], json!({"frustration": 8.0, "quote": "I am \"useless\".", "tag": "despair"}));
    // The rollouts export writes them back under `scores`, where they read as the same scores.
    let dir = tempfile::tempdir().unwrap();
    let exported = run(&["export", "--to", "rollouts", &native]);
    let again = dir.path().join("again.jsonl");
    std::fs::write(&again, &exported.stdout).unwrap();
    let rows = stdout_json(&run(&["ls", "--json", &again.display().to_string()]));
    assert_eq!(rows[0]["scores"]["tag"], json!(["none", "mild", "despair"]));
    assert_eq!(rows[0]["texts"]["quote"], json!(["391.", "I checked.", "I am \"useless\"."]));
}

#[test]
fn the_study_says_each_scores_kind_and_texts_are_read_on_another_thread() {
    let definition = StudyDefinition {
        score_files: ScoreFiles { paths: vec![fixture("judge/frustration.jsonl")], ..ScoreFiles::default() },
        ..StudyDefinition::default()
    };
    let options = load_options(&definition).unwrap();
    let study = Study::load(&[fixture("judge/transcripts.jsonl")], &options);
    assert_eq!(study.score_kind("frustration"), Some(ScoreKind::Numeric));
    assert_eq!(study.score_kind("frustration.tag"), Some(ScoreKind::Categorical));
    assert_eq!(study.score_kind("frustration.quote"), Some(ScoreKind::Text));
    assert_eq!(study.score_kind("tstamp"), None);
    assert_eq!(study.score_names_of(ScoreKind::Text).len(), 2);
    // The judge file is text file 0, the transcripts text file 1.
    assert!(matches!(study.rollouts[0].texts("frustration.quote")[0], Some(TextAt::Span { file: 0, .. })));
    let (summary, files) = (study.rollouts[1].clone(), study.text_files.clone());
    let texts = std::thread::spawn(move || load::read_texts(&summary, &files, &["frustration.quote"]))
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(&*texts[0].0, "frustration.quote");
    assert_eq!(texts[0].1[1].as_deref(), Some("The middle cup, then."));
    let native =
        Study::load(&[fixture("native_strings.jsonl")], &load_options(&StudyDefinition::default()).unwrap());
    assert_eq!(native.score_kind("tag"), Some(ScoreKind::Categorical));
    assert_eq!(native.score_kind("quote"), Some(ScoreKind::Text));
    // Told categorical once the study is read, and drawn with its categories like the others.
    let categories = |names: &[&str]| ScoreScale::Categories(names.iter().map(|&n| Arc::from(n)).collect());
    assert_eq!(native.scales.of("tag"), categories(&["despair", "mild", "none"]));
    assert_eq!(study.scales.of("frustration.tag"), categories(&["despair", "mild", "none"]));
    let quotes = native.read_texts(2, &["quote"]).unwrap();
    assert_eq!(quotes[0].1, [Some("391.".to_string()), Some("as before".to_string())]);
}

#[test]
fn a_response_text_checks_the_join_and_only_a_mismatch_is_a_warning() {
    // Line 1 repeats its turn's text (escaped, with a trailing newline), line 2 does not.
    let (judge, transcripts) = (path("judge/distress.jsonl"), path("judge/transcripts.jsonl"));
    let mismatch = |rollout: &str| {
        format!(
            "{judge}:2:102: warning: \"completion\" does not match turn 2 of rollout \"{rollout}\": is the join \
             right?\n"
        )
    };
    let out = run(&["ls", "--json", "--scores", &judge, &transcripts]);
    let rows = stdout_json(&out);
    assert_eq!(stderr(&out), mismatch("transcripts.jsonl:2"));
    assert_eq!(rows[1]["scores"], json!({"distress": [null, 5.0, 2.0]}), "both rows attached");
    assert_eq!(rows[1]["texts"], json!({}), "the response text is not stored");
    // The same transcripts as one JSON array: indexed by another path, checked the same way.
    let dir = tempfile::tempdir().unwrap();
    let lines = std::fs::read_to_string(fixture("judge/transcripts.jsonl")).unwrap();
    let array = dir.path().join("transcripts.json");
    std::fs::write(&array, format!("[{}]", lines.trim_end().replace('\n', ",\n"))).unwrap();
    let out = run(&["ls", "--json", "--scores", &judge, &array.display().to_string()]);
    assert_eq!(stdout_json(&out)[1]["scores"], json!({"distress": [null, 5.0, 2.0]}));
    assert_eq!(stderr(&out), mismatch("transcripts.json:1"));
    // validate counts it and names the field that checked the join.
    let report = run(&["validate", "--json", "--scores", &judge, &transcripts]);
    let file = &serde_json::from_slice::<Value>(&report.stdout).unwrap()["files"][1];
    assert_eq!(file["score_file"]["checked"], json!(["completion"]));
    assert_eq!(file["score_file"]["mismatched"], 1);
    let places: Vec<(&Value, &Value)> =
        file["problems"].as_array().unwrap().iter().map(|p| (&p["line"], &p["column"])).collect();
    assert_eq!(places, [(&json!(2), &json!(102))]);
    // Kept with --keep, it is a text like any other, and checks nothing.
    let kept = run(&["ls", "--json", "--keep", "completion", "--scores", &judge, &transcripts]);
    assert_eq!(stdout_json(&kept)[1]["texts"]["distress.completion"][1], "The middle cup, now.");
    assert_eq!(stderr(&kept), "");
}
