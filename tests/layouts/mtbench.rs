//! FastChat's MT-Bench folder, on the real files (tests/fixtures/fastchat-mtbench, see its
//! README): opened without flags, given as a path or met while walking a folder.

use std::sync::Arc;

use rollscope::formats::Format;
use rollscope::load::LoadOptions;
use rollscope::model::problem::Severity;
use rollscope::model::{MetaValue, Role, ScoreKind};
use rollscope::store::output;
use rollscope::study::Study;

use crate::{by_id, fixture, texts};

const GRIFFIN: &str = "Meta-Llama-3-8B-Instruct-Griffin";
const NORMAL: &str = "Meta-Llama-3-8B-Instruct-Normal";
const JUDGMENTS: &str = "fastchat-mtbench/model_judgment/gpt-4_single-origin.jsonl";

fn load() -> Study {
    Study::load(&[fixture("fastchat-mtbench")], &LoadOptions::default())
}

fn judgment(study: &Study, id: &str, turn: usize) -> Arc<str> {
    texts(by_id(study, id), "score.judgment")[turn - 1].clone().unwrap()
}

#[test]
fn every_question_and_model_is_a_rollout_with_its_judgments() {
    let study = load();
    assert_eq!(study.sources.len(), 1);
    assert_eq!(study.sources[0].format, Format::MtBench);
    assert_eq!(study.rollouts.len(), 160, "80 questions × 2 models");
    assert!(study.rollouts.iter().all(|r| r.n_turns == 2 && r.n_messages == 4));
    assert_eq!(&*study.rollouts[0].id, format!("{GRIFFIN}/81"));
    assert_eq!(&*study.rollouts[159].id, format!("{NORMAL}/160"));
    let names: Vec<&str> = study.score_names.iter().map(|n| &**n).collect();
    assert_eq!(names, ["score", "score.judgment"]);

    let first = by_id(&study, &format!("{GRIFFIN}/81"));
    assert_eq!(first.meta("model"), Some(&MetaValue::Text(GRIFFIN.into())));
    assert_eq!(first.meta("category"), Some(&MetaValue::Text("writing".into())));
    assert_eq!(first.meta("question_id"), Some(&MetaValue::Int(81)));
    assert_eq!(first.turn_scores("score"), [Some(1.0), Some(7.0)]);
    assert!(
        judgment(&study, &format!("{GRIFFIN}/81"), 1)
            .starts_with("The assistant's response is not very helpful")
    );
    assert_eq!(by_id(&study, &format!("{GRIFFIN}/90")).score_at("score", 1), Some(8.5));
    assert_eq!(by_id(&study, &format!("{GRIFFIN}/138")).score_at("score", 1), Some(8.5));
    assert_eq!(by_id(&study, &format!("{GRIFFIN}/130")).score_at("score", 2), Some(1.0));
    // Lines 1-4 are failed judges (-1, "$ERROR$"), judged again on lines 11-14.
    let normal81 = by_id(&study, &format!("{NORMAL}/81"));
    assert_eq!(normal81.turn_scores("score"), [Some(10.0), Some(1.0)]);
    let rationale =
        "The assistant's response is highly relevant, accurate, and detailed. It provides a compreh";
    assert!(judgment(&study, &format!("{NORMAL}/81"), 1).starts_with(rationale));
    assert_eq!(normal81.score_values("score.judgment").map(|v| v.kind()), Some(ScoreKind::Text));
    // Line 5 said 9, line 15 says 10: the last wins.
    assert_eq!(by_id(&study, &format!("{NORMAL}/85")).score_at("score", 1), Some(10.0));

    // Every turn is judged (means computed from the file on its own, with the same rules).
    let scored = |model: &str| -> Vec<f64> {
        let rollouts = study.rollouts.iter().filter(|r| r.meta_text("model") == model);
        rollouts.flat_map(|r| r.turn_scores("score").iter().map(|s| s.unwrap())).collect()
    };
    let (griffin, normal) = (scored(GRIFFIN), scored(NORMAL));
    assert_eq!((griffin.len(), normal.len()), (160, 160));
    assert_eq!(griffin.iter().sum::<f64>() / 160.0, 2.7);
    assert_eq!(normal.iter().sum::<f64>() / 160.0, 7.76875);
    assert!(study.rollouts.iter().all(|r| r.texts("score.judgment").iter().all(Option::is_some)));

    // The transcript: question turns from question.jsonl, answers from the model's file.
    let rollout = study.read_rollout(0).unwrap();
    let roles: Vec<Role> = rollout.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::Assistant, Role::User, Role::Assistant]);
    assert_eq!(
        rollout.messages[2].text,
        "Rewrite your previous response. Start every sentence with the letter A."
    );
    assert!(rollout.messages[3].text.starts_with("Here's a rewritten response starting every sentence with"));
}

#[test]
fn repeated_judgments_are_warnings_naming_both_lines() {
    let study = load();
    let lines: Vec<(Option<u64>, Option<u64>)> = study.problems.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(lines, (15..=20).map(|l| (Some(l), Some(1))).collect::<Vec<_>>());
    assert!(study.problems.iter().all(|p| p.path.ends_with(JUDGMENTS) && p.severity == Severity::Warning));
    let message = format!("{NORMAL}/85 turn 1 judged again (9 on line 5, 10 here); the last is used");
    assert_eq!(study.problems[0].message, message);
}

#[test]
fn the_folder_is_found_while_walking_and_pairs_models_by_question() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("runs/mt_bench");
    for file in ["question.jsonl", "model_answer/Meta-Llama-3-8B-Instruct-Normal.jsonl"] {
        std::fs::create_dir_all(copy.join(file).parent().unwrap()).unwrap();
        std::fs::copy(fixture("fastchat-mtbench").join(file), copy.join(file)).unwrap();
    }
    std::fs::write(dir.path().join("runs/other.jsonl"), "{\"id\": \"x\", \"messages\": []}\n").unwrap();
    let study = Study::load(&[dir.path().to_path_buf()], &LoadOptions::default());
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    let formats: Vec<Format> = study.sources.iter().map(|s| s.format).collect();
    assert_eq!(formats, [Format::MtBench, Format::Jsonl]);
    assert_eq!(study.rollouts.len(), 81, "80 answers without judgments, and the other file");
    assert!(study.score_names.is_empty());
    // The folder's files are inputs: an output never replaces one.
    let inputs = output::Inputs::of_study(&[dir.path().to_path_buf()], &[], &dir.path().join("labels"));
    let answers = copy.join("model_answer/Meta-Llama-3-8B-Instruct-Normal.jsonl");
    let refused = output::write(&answers, b"x", &inputs).unwrap_err().to_string();
    assert!(refused.contains("it is a rollout file of the study"), "{refused}");
    assert!(std::fs::read(&answers).unwrap().len() > 1);

    // Both models answer every question: a paired comparison by question_id.
    let study = load();
    for question in 81..=160 {
        let answered =
            study.rollouts.iter().filter(|r| r.meta("question_id") == Some(&MetaValue::Int(question)));
        assert_eq!(answered.count(), 2, "question {question}");
    }
}

#[test]
fn the_app_opens_the_folder_and_reads_a_question_with_its_answer() {
    let mut s = rollscope::testkit::Session::open(&[fixture("fastchat-mtbench")], 120, 40, None);
    s.press("<Enter>");
    let buffer = s.draw();
    let text: String =
        (0..40).map(|y| (0..120).map(|x| buffer[(x, y)].symbol()).collect::<String>()).collect();
    assert!(text.contains("160 rollouts"), "the status bar");
    assert!(text.contains("Compose an engaging travel blog post"), "the first question");
    assert!(text.contains(&format!("{GRIFFIN}/81")), "the first rollout");
}
