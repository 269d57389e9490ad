//! Inspect logs: judge values nested in assistant messages' metadata at two depths, a
//! sample score's `per_turn` array of numbers and of objects, a `--turn-array` field, and an
//! array of the wrong length.

use std::sync::Arc;

use rollscope::formats::inspect::InspectOptions;
use rollscope::formats::judge_scores::ScoreFileSpec;
use rollscope::load::LoadOptions;
use rollscope::model::ScoreKind;
use rollscope::model::problem::Severity;
use rollscope::study::Study;

use crate::{by_id, categories, fixture, texts};

const LOG: &str = "inspect/built_turn_values.json";

fn load(turn_array: Option<&str>) -> Study {
    let inspect = InspectOptions { turn_array: turn_array.map(str::to_string) };
    Study::load(&[fixture(LOG)], &LoadOptions { inspect, ..LoadOptions::default() })
}

fn held(texts: &[Option<&str>]) -> Vec<Option<Arc<str>>> {
    texts.iter().map(|t| t.map(Arc::from)).collect()
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(v.to_string())).collect()
}

/// 1-based line of the first line of the fixture containing `marker`.
fn line_of(marker: &str) -> u64 {
    let text = std::fs::read_to_string(fixture(LOG)).unwrap();
    text.lines().position(|l| l.contains(marker)).unwrap() as u64 + 1
}

#[test]
fn nested_metadata_and_per_turn_arrays_give_every_value() {
    let study = load(None);
    let names: Vec<&str> = study.score_names.iter().map(|n| &**n).collect();
    let strings = ["frustration.quote", "frustration.tag", "frustration.explanation"];
    assert_eq!(names, [&["frustration", "frustration_judge"][..], &strings].concat());

    // metadata.judge.frustration (depth 2) on turns 1-2, metadata.scores.frustration.value
    // (depth 3) on turn 3, the quote and tag beside them.
    let s1 = by_id(&study, "judged_turns/s1/epoch1");
    assert_eq!(s1.turn_scores("frustration"), [Some(2.0), Some(6.0), Some(8.0)]);
    assert_eq!(categories(s1, "frustration.tag"), some(&["none", "mild", "despair"]));
    let quotes = held(&[Some("Let me check."), Some("I keep failing."), Some("I cannot do this.")]);
    assert_eq!(texts(s1, "frustration.quote"), quotes);
    assert_eq!(texts(s1, "frustration.explanation"), held(&[None, None, Some("Hopeless tone throughout.")]));
    // The sample score's per_turn numbers are per-turn values under the scorer's name; the
    // sample score itself stays a rollout-level score.
    assert_eq!(s1.turn_scores("frustration_judge"), [Some(1.0), Some(4.0), Some(7.0)]);
    assert_eq!(s1.rollout_scores, [(Arc::from("frustration_judge"), Some(5.3))]);

    // per_turn objects: their `turn` field is the position, the rest as in message metadata.
    let s2 = by_id(&study, "judged_turns/s2/epoch1");
    assert_eq!(s2.turn_scores("frustration"), [Some(1.0), Some(3.0), Some(5.0)]);
    assert_eq!(categories(s2, "frustration.tag"), some(&["none", "none", "mild"]));
    let why = held(&[Some("Fine."), Some("Slightly terse."), Some("Sighs at the user.")]);
    assert_eq!(texts(s2, "frustration.explanation"), why);
    assert!(s2.score_values("turn").is_none() && s2.score_values("rubric").is_none());
    assert_eq!(s2.rollout_scores, [(Arc::from("rubric"), Some(0.5))]);
    let kinds: Vec<ScoreKind> = s2.scores.iter().map(|s| s.values.kind()).collect();
    assert_eq!(kinds, [ScoreKind::Numeric, ScoreKind::Text, ScoreKind::Categorical]);

    // A per_turn array of 3 values for 2 turns is a warning naming the sample, at its line.
    let s3 = by_id(&study, "judged_turns/s3/epoch1");
    assert!(s3.scores.is_empty(), "{:?}", s3.scores);
    let problems: Vec<String> = study.problems.iter().map(ToString::to_string).collect();
    let line = line_of(r#"{"id": "s3""#);
    let expect = format!(
        "{}:{line}:5: warning: sample judged_turns/s3/epoch1: scores.frustration_judge.metadata.per_turn \
         has 3 values but the sample has 2 assistant turns; not read",
        fixture(LOG).display()
    );
    assert_eq!(problems, [expect]);
    assert_eq!(study.problems[0].severity, Severity::Warning);
}

#[test]
fn turn_array_names_another_metadata_field() {
    let study = load(Some("judge_turns"));
    let s3 = by_id(&study, "judged_turns/s3/epoch1");
    assert_eq!(s3.turn_scores("custom"), [Some(0.0), Some(9.0)]);
    assert_eq!(study.problems.len(), 1, "the wrong-length array is still reported");
    // The other samples read as without it.
    let s1 = by_id(&study, "judged_turns/s1/epoch1");
    assert_eq!(s1.turn_scores("frustration"), [Some(2.0), Some(6.0), Some(8.0)]);
    assert!(load(None).rollouts.iter().all(|r| r.score_values("custom").is_none()));
}

#[test]
fn categorical_and_text_flags_retell_the_logs_strings() {
    let options = LoadOptions {
        categorical: vec!["frustration.quote".into()],
        text: vec!["frustration.tag".into()],
        ..LoadOptions::default()
    };
    let study = Study::load(&[fixture(LOG)], &options);
    let s1 = by_id(&study, "judged_turns/s1/epoch1");
    assert_eq!(
        categories(s1, "frustration.quote"),
        some(&["Let me check.", "I keep failing.", "I cannot do this."])
    );
    assert_eq!(texts(s1, "frustration.tag"), held(&[Some("none"), Some("mild"), Some("despair")]));
    assert_eq!(texts(s1, "frustration.explanation"), held(&[None, None, Some("Hopeless tone throughout.")]));
}

#[test]
fn a_score_files_response_text_is_checked_against_the_logs_turns() {
    let dir = tempfile::tempdir().unwrap();
    let judge = dir.path().join("calm.jsonl");
    let rows = [
        r#"{"id": "judged_turns/s1/epoch1", "turn": 1, "score": 4, "response_text": "I keep failing. 391 again.\n"}"#,
        r#"{"id": "judged_turns/s1/epoch1", "turn": 2, "score": 9, "response_text": "I can do this."}"#,
    ];
    std::fs::write(&judge, rows.join("\n")).unwrap();
    let options = LoadOptions { scores: vec![ScoreFileSpec::new(&judge)], ..LoadOptions::default() };
    let study = Study::load(&[fixture(LOG)], &options);
    let s1 = by_id(&study, "judged_turns/s1/epoch1");
    assert_eq!(s1.turn_scores("calm"), [None, Some(4.0), Some(9.0)]);
    let mismatches: Vec<String> = study
        .problems
        .iter()
        .filter(|p| p.message.contains("does not match"))
        .map(ToString::to_string)
        .collect();
    let column = rows[1].find("\"I can").unwrap() + 1;
    assert_eq!(
        mismatches,
        [format!(
            "{}:2:{column}: warning: \"response_text\" does not match turn 3 of rollout \"judged_turns/s1/epoch1\": \
             is the join right?",
            judge.display()
        )]
    );
}
