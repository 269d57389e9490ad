//! Score files: field detection, the join, missing values, and every row accounted for.

use serde_json::json;

use super::*;
use crate::model::problem::Severity;
use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};

/// A rollout with `turns` assistant turns and the given metadata (and optional inline scores).
fn summary(id: &str, metadata: Value, turns: usize, inline: &[(usize, f64)]) -> RolloutSummary {
    let mut messages = Vec::new();
    for t in 0..turns {
        messages.push(Message::new(Role::User, "That's not right. Try again."));
        let mut m = Message::new(Role::Assistant, format!("answer {t}"));
        if let Some((_, v)) = inline.iter().find(|(i, _)| *i == t) {
            m.scores = vec![("frustration".into(), Some(*v))];
        }
        messages.push(m);
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

fn parse(spec: &ScoreFileSpec, text: &str) -> ScoreFile {
    ScoreFile::parse(spec, "scores/frustration.jsonl", text.as_bytes()).unwrap()
}

fn spec() -> ScoreFileSpec {
    ScoreFileSpec::new("scores/frustration.jsonl")
}

fn study() -> Vec<RolloutSummary> {
    vec![
        summary(
            "b-4-0",
            json!({"condition": "baseline", "task_id": 4, "rollout_idx": 0, "model": "gemma"}),
            3,
            &[],
        ),
        summary(
            "b-4-1",
            json!({"condition": "baseline", "task_id": 4, "rollout_idx": 1, "model": "gemma"}),
            2,
            &[],
        ),
        summary(
            "t-4-0",
            json!({"condition": "trained", "task_id": 4, "rollout_idx": 0, "model": "gemma"}),
            3,
            &[],
        ),
    ]
}

fn lines(rows: &[Value]) -> String {
    rows.iter().map(|r| r.to_string() + "\n").collect()
}

fn row(condition: &str, task: Value, idx: u32, turn: i64, score: Value) -> Value {
    json!({"condition": condition, "task_id": task, "rollout_idx": idx, "turn_idx": turn, "score": score,
           "model": "gpt-4o-mini", "id": format!("judge-{condition}-{turn}")})
}

fn attach_all(file: &mut ScoreFile, rollouts: &mut [RolloutSummary]) -> usize {
    file.resolve(rollouts);
    rollouts.iter_mut().map(|r| file.attach(r)).sum()
}

#[test]
fn shared_fields_with_matching_values_join_and_same_named_strangers_do_not() {
    let text = lines(&[
        row("baseline", json!("4"), 0, 0, json!(2)),
        row("baseline", json!("4"), 0, 2, json!(8.5)),
        row("baseline", json!(4), 1, 1, json!(5)),
        row("trained", json!(4.0), 0, 0, json!(0)),
    ]);
    let mut file = parse(&spec(), &text);
    assert_eq!(file.turn_field(), Some("turn_idx"));
    assert_eq!(file.value_field(), Some("score"));
    assert!(!file.is_ready(), "the join waits for rollouts");
    let mut rollouts = study();
    assert_eq!(attach_all(&mut file, &mut rollouts), 4);
    let join: Vec<&str> = file.join_fields().unwrap().iter().map(|j| j.row.as_str()).collect();
    // `model` and `id` are shared names, but no rollout has the rows' values: not join fields.
    assert_eq!(join, ["condition", "rollout_idx", "task_id"], "in name order");
    assert_eq!(rollouts[0].turn_scores("frustration"), &[Some(2.0), None, Some(8.5)]);
    assert_eq!(rollouts[1].turn_scores("frustration"), &[None, Some(5.0)]);
    assert_eq!(rollouts[2].turn_scores("frustration"), &[Some(0.0), None, None]);
    assert!(file.finish().is_empty());
    let stats = file.stats();
    assert_eq!((stats.rows, stats.used, stats.rollouts, stats.values), (4, 4, 3, 4));
}

#[test]
fn minus_one_and_null_are_missing_and_numeric_text_counts() {
    let text = lines(&[
        row("baseline", json!(4), 0, 0, json!(-1)),
        row("baseline", json!(4), 0, 1, json!(null)),
        row("baseline", json!(4), 0, 2, json!("7")),
    ]);
    let mut file = parse(&spec(), &text);
    let mut rollouts = study();
    attach_all(&mut file, &mut rollouts);
    assert_eq!(rollouts[0].turn_scores("frustration"), &[None, None, Some(7.0)]);
    let stats = file.stats();
    assert_eq!((stats.missing, stats.values, stats.used), (2, 1, 3));
    // A rollout with no row gets no score name at all.
    assert!(rollouts[1].scores.is_empty());
}

#[test]
fn a_turn_scored_twice_keeps_the_last_and_is_counted() {
    let text = lines(&[
        row("baseline", json!(4), 0, 0, json!(1)),
        row("baseline", json!(4), 0, 0, json!(3)),
        row("baseline", json!(4), 1, 0, json!(6)),
    ]);
    let mut file = parse(&spec(), &text);
    let mut rollouts = study();
    // The transcript of b-4-1 has its own frustration score on turn 1 (index 0), and on turn 2.
    rollouts[1] = summary(
        "b-4-1",
        json!({"condition": "baseline", "task_id": 4, "rollout_idx": 1}),
        2,
        &[(0, 9.0), (1, 4.0)],
    );
    attach_all(&mut file, &mut rollouts);
    assert_eq!(rollouts[0].turn_scores("frustration"), &[Some(3.0), None, None]);
    assert_eq!(
        rollouts[1].turn_scores("frustration"),
        &[Some(6.0), Some(4.0)],
        "untouched turns keep theirs"
    );
    assert_eq!(file.stats().overwritten, 2, "one duplicate row, one transcript score");
    let problems = file.finish();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.starts_with("2 score rows replaced"), "{}", problems[0].message);
    assert!(problems[0].message.contains("first at line 2"), "{}", problems[0].message);
    assert_eq!(problems[0].severity, Severity::Warning);
}

#[test]
fn rows_matching_no_rollout_or_no_turn_are_counted_and_quoted() {
    let text = lines(&[
        row("baseline", json!(4), 0, 0, json!(1)),
        row("baseline", json!(99), 0, 0, json!(1)),
        row("baseline", json!(4), 1, 25, json!(9)),
        row("control", json!(4), 0, 1, json!(2)),
        row("baseline", json!(98), 0, 3, json!(1)),
        row("baseline", json!(97), 0, 3, json!(1)),
    ]);
    let mut file = parse(&spec(), &text);
    let mut rollouts = study();
    assert_eq!(attach_all(&mut file, &mut rollouts), 1);
    let problems = file.finish();
    let stats = file.stats();
    assert_eq!((stats.used, stats.unmatched_rollout, stats.unmatched_turn), (1, 4, 1));
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!((p.severity, p.line, p.path.as_str()), (Severity::Warning, None, "scores/frustration.jsonl"));
    assert!(
        p.message
            .starts_with("5 of 6 score rows were not attached (joined on condition, rollout_idx, task_id)"),
        "{}",
        p.message
    );
    assert!(
        p.message.contains(
            "4 matched no rollout (e.g. line 2: condition=baseline rollout_idx=0 task_id=99; \
             line 4: condition=control rollout_idx=0 task_id=4; line 5: condition=baseline rollout_idx=0 task_id=98)"
        ),
        "three examples in line order: {}",
        p.message
    );
    assert!(
        p.message.contains("1 named a turn past the rollout's last (e.g. line 3: condition=baseline rollout_idx=1 task_id=4 turn_idx=25 of a 2-turn rollout)"),
        "{}",
        p.message
    );
    assert!(!p.message.contains("1-based"), "turn 0 occurs: {}", p.message);
}

#[test]
fn bad_rows_are_warnings_with_line_and_column_and_the_rest_attach() {
    let good = row("baseline", json!(4), 0, 0, json!(2)).to_string();
    let text = [
        good.as_str(),
        r#"{"condition": "baseline", "task_id": 4, "rollout_idx": 0, "turn_idx": 1, "score": }"#,
        "",
        "[1, 2]",
        r#"{"condition": "baseline", "task_id": 4, "rollout_idx": 0, "score": 3}"#,
        r#"{"condition": "baseline", "task_id": 4, "rollout_idx": 0, "turn_idx": -2, "score": 3}"#,
        r#"{"condition": "baseline", "task_id": 4, "rollout_idx": 0, "turn_idx": 2, "score": "N/A"}"#,
        r#"{"condition": "baseline", "rollout_idx": 0, "turn_idx": 2, "score": 1}"#,
    ]
    .join("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"\n\xff\xfe{}\n");
    let spec = ScoreFileSpec {
        join: Some(vec!["condition".into(), "task_id".into(), "rollout_idx".into()]),
        ..spec()
    };
    let mut file = ScoreFile::parse(&spec, "f.jsonl", &bytes).unwrap();
    assert!(file.is_ready(), "--join needs no rollouts");
    let mut rollouts = study();
    attach_all(&mut file, &mut rollouts);
    // Line 7's "N/A" is a string where a number is expected: read as missing, the row kept.
    assert_eq!(rollouts[0].turn_scores("frustration"), &[Some(2.0), None, None]);
    let problems = file.finish();
    let places: Vec<(Option<u64>, Option<u64>)> = problems.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(
        places,
        [
            (Some(2), Some(83)),
            (Some(4), Some(1)),
            (Some(9), Some(1)),
            (Some(5), Some(1)),
            (Some(6), Some(1)),
            (Some(7), Some(83)),
            (Some(8), Some(1))
        ],
        "{problems:#?}"
    );
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages[0].starts_with("bad score row: not JSON: expected a value"), "{messages:?}");
    assert!(messages[1].contains("must be an object, found an array"), "{messages:?}");
    assert!(messages[2].contains("UTF-8"), "{messages:?}");
    assert!(messages[3].contains("missing field \"turn_idx\""), "{messages:?}");
    assert!(messages[4].contains("0-based assistant-turn number, found -2"), "{messages:?}");
    assert_eq!(messages[5], "\"score\" is \"N/A\", not a number: read as missing");
    assert!(messages[6].contains("missing field \"task_id\""), "{messages:?}");
    assert!(problems.iter().all(|p| p.severity == Severity::Warning && p.path == "f.jsonl"));
    assert_eq!((file.stats().rows, file.stats().bad_rows, file.stats().missing), (2, 6, 1));
}

#[test]
fn explicit_join_maps_names_and_the_single_numeric_field_is_the_value() {
    let text = lines(&[
        json!({"rollout": "b-4-1", "step": 1, "level": 6, "judge": "gpt-4o"}),
        json!({"rollout": "t-4-0", "step": 0, "level": null, "judge": "gpt-4o"}),
    ]);
    let spec = ScoreFileSpec { join: Some(vec!["rollout=id".into()]), name: Some("anger".into()), ..spec() };
    let mut file = parse(&spec, &text);
    assert_eq!((file.turn_field(), file.value_field()), (Some("step"), Some("level")));
    let mut rollouts = study();
    attach_all(&mut file, &mut rollouts);
    assert_eq!(rollouts[1].turn_scores("anger"), &[None, Some(6.0)]);
    assert_eq!(rollouts[2].turn_scores("anger"), &[None, None, None], "the judge failed on its only row");
    assert!(rollouts[2].scores.iter().any(|s| &*s.name == "anger"));
    assert_eq!(file.report().join, ["rollout=id"]);

    let missing = ScoreFileSpec { join: Some(vec!["run".into()]), ..spec.clone() };
    let err = ScoreFile::parse(&missing, "f.jsonl", text.as_bytes()).err().unwrap();
    assert!(
        err.message.contains("no field \"run\" (--join)")
            && err.message.contains("judge, level, rollout, step"),
        "{err}"
    );
}

#[test]
fn the_score_name_itself_is_a_value_field_and_stems_name_the_score() {
    assert_eq!(ScoreFileSpec::new("runs/self_blame.jsonl").score_name(), "self_blame");
    let text = lines(&[json!({"id": "b-4-0", "turn": 1, "self_blame": 3, "latency_ms": 412})]);
    let mut file = ScoreFile::parse(&ScoreFileSpec::new("x/self_blame.jsonl"), "x", text.as_bytes()).unwrap();
    assert_eq!(file.value_field(), Some("self_blame"));
    let mut rollouts = study();
    attach_all(&mut file, &mut rollouts);
    assert_eq!(rollouts[0].turn_scores("self_blame"), &[None, Some(3.0), None]);
}

#[test]
fn fields_that_cannot_be_told_apart_are_errors_naming_the_flag() {
    let err = ScoreFile::parse(&spec(), "f", br#"{"id": "b-4-0", "t": 1, "score": 3}"#).err().unwrap();
    assert_eq!(err.severity, Severity::Error);
    assert!(err.message.contains("no turn field") && err.message.contains("--turn-field"), "{err}");
    assert!(err.message.contains("the rows have: id, score, t"), "{err}");

    let text = lines(&[json!({"id": "b-4-0", "turn": 1, "a": 3, "b": 4})]);
    let mut file = parse(&spec(), &text);
    assert_eq!(attach_all(&mut file, &mut study()), 0);
    assert!(!file.is_ready());
    let problems = file.finish();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains("numeric fields: a, b") && problems[0].message.contains("--value-field")
    );
}

#[test]
fn no_shared_field_is_an_error_listing_both_sides() {
    let text = lines(&[json!({"run": "x", "turn": 0, "score": 3})]);
    let mut file = parse(&spec(), &text);
    let mut rollouts = study();
    assert_eq!(attach_all(&mut file, &mut rollouts), 0);
    let problems = file.finish();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].severity, Severity::Error);
    assert!(problems[0].message.contains("--join"), "{}", problems[0].message);
    assert!(
        problems[0].message.contains("the rollouts have: id, condition, model, rollout_idx, task_id"),
        "{}",
        problems[0].message
    );
    assert_eq!(file.stats().unmatched_rollout, 1);
}

#[test]
fn a_join_that_does_not_single_out_a_rollout_is_reported() {
    let text = lines(&[json!({"condition": "baseline", "task_id": 4, "turn": 0, "score": 3})]);
    let mut file = parse(&spec(), &text);
    let mut rollouts = study();
    attach_all(&mut file, &mut rollouts);
    assert_eq!(rollouts[1].turn_scores("frustration"), &[Some(3.0), None]);
    let problems = file.finish();
    assert_eq!(file.stats().shared_keys, 1);
    assert!(problems[0].message.contains("do not single out a rollout"), "{problems:?}");
    assert!(problems[0].message.contains("\"b-4-0\" and \"b-4-1\""), "{problems:?}");
}

#[test]
fn turns_counted_from_one_get_a_hint() {
    let text = lines(&[
        json!({"id": "b-4-1", "turn": 1, "score": 3}),
        json!({"id": "b-4-1", "turn": 2, "score": 4}),
    ]);
    let mut file = parse(&spec(), &text);
    attach_all(&mut file, &mut study());
    let problems = file.finish();
    assert!(problems[0].message.contains("is \"turn\" 1-based?"), "{problems:?}");
}

#[test]
fn join_text_matches_numbers_and_their_text() {
    assert_eq!(key_text(&json!(3)), key_text(&json!("3")));
    assert_eq!(key_text(&json!(3.0)), Some("3".to_string()));
    assert_eq!(key_text(&json!(2.5)), Some("2.5".to_string()));
    assert_ne!(key_text(&json!("3.0")), key_text(&json!(3)));
    assert_eq!(key_text(&json!(true)), Some("true".to_string()));
    assert_eq!(key_text(&json!([1])), None);
    let s = summary("x", json!({"f": 3.0, "n": 7}), 0, &[]);
    assert_eq!(rollout_text(&s, "f").as_deref(), Some("3"));
    assert_eq!(rollout_text(&s, "n").as_deref(), Some("7"));
    assert_eq!(rollout_text(&s, "id").as_deref(), Some("x"));
    assert_eq!(rollout_text(&s, "nope"), None);
}

#[test]
fn an_empty_file_says_so_and_no_rollouts_means_nothing_attached() {
    let mut empty = parse(&spec(), "\n\n");
    let problems = empty.finish();
    assert!(problems[0].message.contains("no score rows"), "{problems:?}");
    let mut file = parse(&spec(), &lines(&[json!({"id": "a", "turn": 0, "score": 1})]));
    file.resolve(&[]);
    let problems = file.finish();
    assert!(problems[0].message.contains("no rollouts were read"), "{problems:?}");
}

#[test]
fn a_bom_and_a_last_line_without_newline_are_read() {
    let text = format!(
        "\u{feff}{}\n{}",
        row("baseline", json!(4), 0, 0, json!(2)),
        row("baseline", json!(4), 0, 1, json!(3))
    );
    let mut file = parse(&spec(), &text);
    let mut rollouts = study();
    assert_eq!(attach_all(&mut file, &mut rollouts), 2);
    assert_eq!(rollouts[0].turn_scores("frustration"), &[Some(2.0), Some(3.0), None]);
    assert!(file.finish().is_empty());
}

#[test]
fn many_rows_for_one_turn_collapse_to_the_last() {
    let rows: Vec<Value> = (0..5000).map(|i| row("baseline", json!(4), 0, 1, json!(i % 10))).collect();
    let mut file = parse(&spec(), &lines(&rows));
    let mut rollouts = study();
    assert_eq!(attach_all(&mut file, &mut rollouts), 1);
    assert_eq!(rollouts[0].turn_scores("frustration"), &[None, Some(9.0), None]);
    assert_eq!(file.stats().overwritten, 4999);
    assert!(file.finish()[0].message.contains("first at line 5000"));
}
