//! Kept fields, kinds, long files, response checks and values dropped with a warning.

use serde_json::json;

use super::*;
use crate::model::problem::Severity;
use crate::model::{
    Hatch, Interner, Locator, Message, Role, Rollout, ScoreKind, ScoreRange, TextAt, response_hash,
};

fn rollout(id: &str, metadata: Value, turns: usize) -> RolloutSummary {
    let mut messages = Vec::new();
    for t in 0..turns {
        messages.push(Message::new(Role::User, "That's not right."));
        messages.push(Message::new(Role::Assistant, format!("answer {t}")));
    }
    let rollout = Rollout {
        id: id.into(),
        metadata: metadata.as_object().cloned().unwrap_or_default(),
        messages,
        ..Rollout::default()
    };
    RolloutSummary::from_rollout(
        &rollout,
        &Hatch::default(),
        0,
        Locator::Decoded(0),
        &mut Interner::default(),
    )
}

fn study() -> Vec<RolloutSummary> {
    vec![
        rollout("h-7-3", json!({"condition": "harsh_tone", "task_id": "puzzle_07", "rollout_idx": 3}), 4),
        rollout("h-7-4", json!({"condition": "harsh_tone", "task_id": "puzzle_07", "rollout_idx": 4}), 2),
    ]
}

fn lines(rows: &[Value]) -> String {
    rows.iter().map(|r| r.to_string() + "\n").collect()
}

/// A judge row as the issue shows it, with noise beside it.
fn judge(idx: u32, turn: u32, score: Value, tag: &str, quote: &str) -> Value {
    json!({"condition": "harsh_tone", "task_id": "puzzle_07", "rollout_idx": idx, "turn_index": turn,
           "response_text": format!("answer {turn}"), "score": score, "quote": quote, "tag": tag,
           "explanation": format!("Rationale {idx}-{turn}: repeated self-deprecation."),
           "tstamp": 1717171717.5, "user_prompt": "That's not right.", "judge_id": format!("call-{idx}-{turn}"),
           "usage": {"tokens": 812}})
}

fn attach(file: &mut ScoreFile, rollouts: &mut [RolloutSummary]) {
    file.resolve(rollouts);
    for r in rollouts.iter_mut() {
        file.attach(r);
    }
}

/// The text at a place in `text` (the file's bytes), as the study would read it.
fn read(text: &str, at: &Option<TextAt>) -> Option<String> {
    match at.as_ref()? {
        TextAt::Span { file, start, len } => {
            assert_eq!(*file, 4, "the file's text-file index");
            let literal = &text[*start as usize..][..*len as usize];
            Some(serde_json::from_str(literal).unwrap())
        }
        TextAt::Held(held) => Some(held.to_string()),
    }
}

fn issue_file() -> String {
    lines(&[
        judge(3, 0, json!(2), "none", "Let me try again."),
        judge(3, 1, json!(7), "despair", "I am clearly incapable of this"),
        judge(3, 2, json!(8), "despair", "I \"can't\" do this"),
        judge(3, 3, json!(9), "despair", "Deleting myself."),
        judge(4, 0, json!(1), "none", "Sure."),
        judge(4, 1, json!(5), "mild", "Hm, that is odd."),
    ])
}

#[test]
fn every_field_of_a_judge_row_is_kept_under_the_score_name_but_noise() {
    let text = issue_file();
    let mut file =
        ScoreFile::parse(&ScoreFileSpec::new("j/frustration.jsonl"), "j", text.as_bytes()).unwrap();
    file.set_text_file(4);
    let mut rollouts = study();
    attach(&mut file, &mut rollouts);
    let r = &rollouts[0];
    assert_eq!(r.turn_scores("frustration"), &[Some(2.0), Some(7.0), Some(8.0), Some(9.0)]);
    let tags: Vec<Option<&str>> = r.categories("frustration.tag").iter().map(|c| c.as_deref()).collect();
    assert_eq!(tags, [Some("none"), Some("despair"), Some("despair"), Some("despair")], "3 values in 6 rows");
    let quotes: Vec<Option<String>> = r.texts("frustration.quote").iter().map(|at| read(&text, at)).collect();
    assert_eq!(
        quotes,
        [
            Some("Let me try again.".into()),
            Some("I am clearly incapable of this".into()),
            Some("I \"can't\" do this".into()),
            Some("Deleting myself.".into())
        ]
    );
    let why = read(&text, &rollouts[1].texts("frustration.explanation")[1]);
    assert_eq!(why.as_deref(), Some("Rationale 4-1: repeated self-deprecation."));
    let names: Vec<&str> = r.scores.iter().map(|s| &*s.name).collect();
    assert_eq!(names, ["frustration", "frustration.explanation", "frustration.quote", "frustration.tag"]);
    let report = file.report();
    let kinds: Vec<(&str, ScoreKind, u64)> =
        report.scores.iter().map(|s| (&*s.name, s.kind, s.values)).collect();
    assert_eq!(
        kinds,
        [
            ("frustration", ScoreKind::Numeric, 6),
            ("frustration.explanation", ScoreKind::Text, 6),
            ("frustration.quote", ScoreKind::Text, 6),
            ("frustration.tag", ScoreKind::Categorical, 6)
        ]
    );
    assert_eq!(report.checked, ["response_text"]);
    let dropped: Vec<(&str, &str)> = report.dropped.iter().map(|d| (&*d.field, d.reason)).collect();
    assert_eq!(
        dropped,
        [
            ("judge_id", "judge call id"),
            ("tstamp", "timestamp"),
            ("usage", "not a scalar"),
            ("user_prompt", "prompt echo")
        ]
    );
    assert!(file.finish().is_empty(), "noise is a note, not a problem");
}

#[test]
fn flags_override_what_a_field_is() {
    let text = issue_file();
    let spec = ScoreFileSpec {
        keep: vec!["tstamp".into()],
        drop: vec!["frustration.explanation".into()],
        categorical: vec!["quote".into()],
        text: vec!["tag".into()],
        ..ScoreFileSpec::new("frustration.jsonl")
    };
    let mut file = ScoreFile::parse(&spec, "j", text.as_bytes()).unwrap();
    let mut rollouts = study();
    attach(&mut file, &mut rollouts);
    let kinds: Vec<(String, ScoreKind)> =
        file.report().scores.iter().map(|s| (s.name.clone(), s.kind)).collect();
    let kind = |name: &str| kinds.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
    assert_eq!(kind("frustration.quote"), Some(ScoreKind::Categorical));
    assert_eq!(kind("frustration.tag"), Some(ScoreKind::Text));
    assert_eq!(kind("frustration.tstamp"), Some(ScoreKind::Numeric));
    assert_eq!(kind("frustration.explanation"), None);
    assert_eq!(
        rollouts[0].categories("frustration.quote")[1].as_deref(),
        Some("I am clearly incapable of this")
    );
    assert_eq!(rollouts[1].turn_scores("frustration.tstamp"), &[Some(1717171717.5), Some(1717171717.5)]);
}

#[test]
fn dropped_or_changed_values_are_warnings_at_their_line_and_column() {
    let rows = [
        r#"{"id": "h-7-3", "turn": 0, "score": NaN, "latency_ms": 410, "tag": "a"}"#,
        r#"{"id": "h-7-3", "turn": 1, "score": 12, "latency_ms": "N/A", "tag": "a"}"#,
        r#"{"id": "h-7-3", "turn": 2, "score": -1, "latency_ms": Infinity, "tag": "b"}"#,
        r#"{"id": "h-7-4", "turn": 0, "score": "7.5", "latency_ms": 388, "tag": "b"}"#,
    ];
    let text = rows.join("\n");
    let spec =
        ScoreFileSpec { range: Some(ScoreRange { low: 0.0, high: 10.0 }), ..ScoreFileSpec::new("f.jsonl") };
    let mut file = ScoreFile::parse(&spec, "f.jsonl", text.as_bytes()).unwrap();
    let mut rollouts = study();
    attach(&mut file, &mut rollouts);
    assert_eq!(rollouts[0].turn_scores("f"), &[None, None, None, None], "NaN, out of range, judge failed");
    assert_eq!(rollouts[1].turn_scores("f"), &[Some(7.5), None]);
    assert_eq!(rollouts[0].turn_scores("f.latency_ms"), &[Some(410.0), None, None, None]);
    let problems = file.finish();
    let found: Vec<(u64, u64, &str)> =
        problems.iter().map(|p| (p.line.unwrap(), p.column.unwrap(), p.message.as_str())).collect();
    let column = |row: usize, needle: &str| rows[row].find(needle).unwrap() as u64 + 1;
    assert_eq!(
        found,
        [
            (1, column(0, "NaN"), "\"score\" is NaN or Infinity, not a number: read as missing"),
            (2, column(1, "12"), "\"score\" is 12, outside --range 0-10: read as missing"),
            (2, column(1, "\"N/A\""), "\"latency_ms\" is \"N/A\", not a number: read as missing"),
            (3, column(2, "Infinity"), "\"latency_ms\" is NaN or Infinity, not a number: read as missing"),
        ]
    );
    assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    assert_eq!(file.stats().missing, 3);
}

#[test]
fn a_long_file_gives_a_score_per_name_with_negative_values() {
    let row = |idx: u32, turn: u32, probe: &str, layer: u32, value: f64| {
        json!({"condition": "harsh_tone", "task_id": "puzzle_07", "rollout_idx": idx, "turn_index": turn,
               "probe": probe, "layer": layer, "probe_value": value})
    };
    let text = lines(&[
        row(3, 0, "linear_L20", 20, -2.1),
        row(3, 0, "linear_L31", 31, 0.25),
        row(3, 1, "linear_L20", 20, -1.0),
        row(3, 1, "linear_L31", 31, 3.5),
        row(4, 1, "linear_L20", 20, 0.0),
    ]);
    let mut file = ScoreFile::parse(&ScoreFileSpec::new("probes.jsonl"), "p", text.as_bytes()).unwrap();
    let mut rollouts = study();
    attach(&mut file, &mut rollouts);
    assert_eq!(file.name_field(), Some("probe"));
    assert_eq!(file.value_field(), Some("probe_value"), "the numeric field that varies within a probe");
    assert_eq!(
        rollouts[0].turn_scores("linear_L20"),
        &[Some(-2.1), Some(-1.0), None, None],
        "-1 is a value here"
    );
    assert_eq!(rollouts[0].turn_scores("linear_L31"), &[Some(0.25), Some(3.5), None, None]);
    assert_eq!(rollouts[0].turn_scores("linear_L31.layer"), &[Some(31.0), Some(31.0), None, None]);
    assert_eq!(rollouts[1].turn_scores("linear_L20"), &[None, Some(0.0)]);
    assert!(rollouts[1].score_values("linear_L31").is_none(), "no row, no score");
    assert!(file.finish().is_empty());
    assert_eq!(file.stats().overwritten, 0);
}

#[test]
fn a_categorical_judge_field_never_becomes_score_names() {
    // A re-judged turn whose tag changed: one text column tells the rows apart, but most
    // (rollout, turn)s have one row, so the file is not long; the last row wins.
    let text = lines(&[
        judge(3, 0, json!(2), "none", "q"),
        judge(3, 1, json!(7), "none", "q"),
        judge(3, 1, json!(8), "despair", "q"),
        judge(3, 2, json!(8), "despair", "q"),
        judge(3, 3, json!(8), "none", "q"),
    ]);
    let mut file = ScoreFile::parse(&ScoreFileSpec::new("frustration.jsonl"), "j", text.as_bytes()).unwrap();
    let mut rollouts = study();
    attach(&mut file, &mut rollouts);
    assert_eq!(file.name_field(), None);
    assert_eq!(rollouts[0].category_at("frustration.tag", 2).map(|c| &**c), Some("despair"));
    assert_eq!(file.stats().overwritten, 1);
    // Named, a column is the name column however few rows share a turn.
    let spec = ScoreFileSpec { name_field: Some("tag".into()), ..ScoreFileSpec::new("x.jsonl") };
    let mut file = ScoreFile::parse(&spec, "j", text.as_bytes()).unwrap();
    attach(&mut file, &mut study());
    assert_eq!(file.name_field(), Some("tag"));
    let names: Vec<String> =
        file.report().scores.iter().filter(|s| !s.name.contains('.')).map(|s| s.name.clone()).collect();
    assert_eq!(names, ["none", "despair"]);
}

#[test]
fn one_based_turns_are_read_with_turn_base_and_suggested_without() {
    let text = lines(&[
        json!({"id": "h-7-4", "turn": 1, "score": 3}),
        json!({"id": "h-7-4", "turn": 2, "score": 4}),
    ]);
    let mut file = ScoreFile::parse(&ScoreFileSpec::new("s.jsonl"), "s", text.as_bytes()).unwrap();
    attach(&mut file, &mut study());
    let problems = file.finish();
    assert!(problems[0].message.ends_with("is \"turn\" 1-based? then give --turn-base 1"), "{problems:?}");
    let spec = ScoreFileSpec { turn_base: 1, ..ScoreFileSpec::new("s.jsonl") };
    let zero = format!("{text}{}\n", json!({"id": "h-7-4", "turn": 0, "score": 5}));
    let mut file = ScoreFile::parse(&spec, "s", zero.as_bytes()).unwrap();
    let mut rollouts = study();
    attach(&mut file, &mut rollouts);
    assert_eq!(rollouts[1].turn_scores("s"), &[Some(3.0), Some(4.0)]);
    let problems = file.finish();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].message,
        "bad score row: \"turn\" must be a 1-based assistant-turn number (--turn-base 1), found 0"
    );
}

#[test]
fn a_response_text_that_is_not_the_turns_is_a_warning_at_its_row() {
    let mut rows = vec![judge(3, 0, json!(2), "none", "q"), judge(3, 1, json!(7), "mild", "q")];
    // The second row calls it `output`: the warning names the row's own field.
    rows[1].as_object_mut().unwrap().remove("response_text");
    rows[1]["output"] = json!("  something else  ");
    let text = lines(&rows);
    let mut file = ScoreFile::parse(&ScoreFileSpec::new("frustration.jsonl"), "j", text.as_bytes()).unwrap();
    let mut rollouts = study();
    file.resolve(&rollouts);
    assert!(file.repeats_texts());
    let turns = ["  answer 0\n", "answer 1", "answer 2", "answer 3"].map(response_hash);
    assert_eq!(file.attach_checked(&mut rollouts[0], Some(&turns)), 2);
    assert_eq!(rollouts[0].turn_scores("frustration"), &[Some(2.0), Some(7.0), None, None], "still attached");
    let problems = file.take_problems();
    assert_eq!(problems.len(), 1, "surrounding whitespace does not count: {problems:?}");
    let column = text.lines().nth(1).unwrap().find("\"  something").unwrap() as u64 + 1;
    assert_eq!((problems[0].line, problems[0].column), (Some(2), Some(column)));
    assert_eq!(
        problems[0].message,
        "\"output\" does not match turn 2 of rollout \"h-7-3\": is the join right?"
    );
    assert!(rollouts[0].score_values("frustration.response_text").is_none(), "not stored again");
    assert!(rollouts[0].score_values("frustration.output").is_none(), "not stored again");
    assert_eq!(file.stats().mismatched, 1);
    // Kept or dropped, or absent, it checks nothing: the loader need not hash the turns.
    let new = ScoreFileSpec::new;
    let keep = ScoreFileSpec { keep: vec!["response_text".into()], ..new("frustration.jsonl") };
    let drop = ScoreFileSpec { drop: vec!["frustration.response_text".into()], ..new("frustration.jsonl") };
    let text = lines(&rows[..1]);
    for spec in [keep, drop] {
        assert!(!ScoreFile::parse(&spec, "j", text.as_bytes()).unwrap().repeats_texts(), "{spec:?}");
    }
    let plain = text.replace("response_text", "answer");
    assert!(!ScoreFile::parse(&new("frustration.jsonl"), "j", plain.as_bytes()).unwrap().repeats_texts());
}
