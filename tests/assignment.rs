//! A judge validated as a team would: a study with a separate judge file, a sample split
//! between three annotators with 20 % overlap, each reviewing blind, then `agree --queue-dir`:
//! each annotator against the judge (bias, calibration), the annotators against each other on
//! the shared items, and everyone's progress.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use rollscope::app::view::JudgeLens;
use rollscope::testkit::Session;

/// The judge's score of rollout r, turn t (0-based in the judge file): integers 1–8, so a
/// human one off never leaves 0–10.
fn judge(r: usize, t: usize) -> u8 {
    ((r * 7 + t * 3) % 8 + 1) as u8
}

/// Twelve rollouts of five turns, and their judge scores in a file of their own.
fn write_study(dir: &Path) {
    let mut rollouts = Vec::new();
    let mut rows = Vec::new();
    for r in 0..12 {
        let mut messages = vec![serde_json::json!({"role": "user", "content": "Solve it."})];
        for t in 0..5 {
            messages.push(
                serde_json::json!({"role": "assistant", "content": format!("attempt {t} of rollout {r}")}),
            );
            messages.push(serde_json::json!({"role": "user", "content": "No, try again."}));
            rows.push(
                serde_json::json!({"id": format!("r{r}"), "turn": t, "frustration": judge(r, t)}).to_string(),
            );
        }
        let condition = if r % 2 == 0 { "baseline" } else { "trained" };
        rollouts.push(
            serde_json::json!({"id": format!("r{r}"), "metadata": {"condition": condition}, "messages": messages})
                .to_string(),
        );
    }
    std::fs::write(dir.join("study.jsonl"), rollouts.join("\n") + "\n").unwrap();
    std::fs::write(dir.join("judge.jsonl"), rows.join("\n") + "\n").unwrap();
}

/// The study's files and how its judge file joins, as every command here is given them.
const STUDY: [&str; 5] = ["study.jsonl", "--scores", "judge.jsonl", "--join", "id"];

/// `rollscope COMMAND <the study> ARGS...` in `dir`.
fn on_study(dir: &Path, command: &str, args: &[&str]) -> String {
    rollscope(dir, &[&[command][..], &STUDY, args].concat())
}

fn rollscope(dir: &Path, args: &[&str]) -> String {
    let out = common::rollscope().current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn three_annotators_review_their_queues_blind_and_agree_reports_the_team() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    let drawn = on_study(
        dir.path(),
        "sample",
        &[
            "--n",
            "30",
            "--stratify",
            "condition",
            "--annotators",
            "ana,ben,cy",
            "--overlap",
            "0.2",
            "--seed",
            "4",
            "-o",
            "queues",
        ],
    );
    assert!(
        drawn.contains("30 turns drawn (seed 4): 6 shared by all 3 annotators, the other 24 split"),
        "{drawn}"
    );
    assert!(drawn.contains("rollscope agree --queue-dir queues"), "{drawn}");
    let labels = dir.path().join("labels");
    // Each annotator is off the judge by their own amount: ana agrees, ben is one higher, cy
    // one lower.
    for (annotator, offset) in [("ana", 0i16), ("ben", 1), ("cy", -1)] {
        let queue = dir.path().join(format!("queues/{annotator}.json"));
        let mut s = Session::review(&queue, 100, 30, (&labels, annotator)).unwrap();
        assert_eq!(s.app.review_progress(), Some((0, 14)), "6 shared and 24 / 3 own");
        for _ in 0..14 {
            let review = s.app.review.as_ref().unwrap();
            let item = review.item().unwrap().clone();
            let index = review.index[&item.rollout];
            assert!(!JudgeLens::new(&s.app).visible(index, item.turn as usize), "blind before the score");
            let r: usize = item.rollout[1..].parse().unwrap();
            let human = i16::from(judge(r, item.turn as usize - 1)) + offset;
            s.press(&human.to_string());
        }
        assert_eq!(s.app.review_progress(), Some((14, 14)));
    }
    let report: serde_json::Value = serde_json::from_str(&rollscope(
        dir.path(),
        &["agree", "--queue-dir", "queues", "--labels", "labels", "--json", "--boot", "200"],
    ))
    .unwrap();
    let progress: Vec<(String, u64, u64)> = report["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["annotator"].as_str().unwrap().into(),
                p["done"].as_u64().unwrap(),
                p["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(progress, [("ana".into(), 14, 14), ("ben".into(), 14, 14), ("cy".into(), 14, 14)]);
    for (j, (annotator, bias)) in
        report["judge"].as_array().unwrap().iter().zip([("ana", 0.0), ("ben", 1.0), ("cy", -1.0)])
    {
        assert_eq!(j["annotator"], annotator);
        assert_eq!(j["n"], 14);
        assert_eq!(j["bias"]["value"].as_f64(), Some(bias), "{annotator}: human − judge");
        assert_eq!(j["blind_labels"], 14, "every label given in the review is blind");
        for level in j["calibration"].as_array().unwrap() {
            let judge_level = level["level"].as_f64().unwrap();
            assert_eq!(
                level["human_mean"].as_f64(),
                Some(judge_level + bias),
                "{annotator} at {judge_level}"
            );
        }
    }
    // The annotators meet on the six shared items: ben is always two above cy.
    let pair =
        report["humans"].as_array().unwrap().iter().find(|h| h["a"] == "ben" && h["b"] == "cy").unwrap();
    assert_eq!(pair["n"], 6);
    assert_eq!(pair["bias"]["value"].as_f64(), Some(2.0));
    assert!(report["krippendorff_alpha_humans"]["value"].is_number());
    let text =
        rollscope(dir.path(), &["agree", "--queue-dir", "queues", "--labels", "labels", "--boot", "50"]);
    assert!(text.starts_with("ana: 14 of 14 scored (queue ana)\nben: 14 of 14 scored"), "{text}");
}

#[test]
fn turns_in_question_are_drawn_adjudicated_with_everything_shown_and_agree_reads_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    let labels = dir.path().join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    // ana agrees with the judge on r0 and is 5 below it on r1 turn 1 (8); ben is 4 above ana
    // and the judge (4) on r0 turn 2.
    let line = |who: &str, r: usize, turn: u32, score: u8| {
        format!(
            r#"{{"rollout":"r{r}","turn":{turn},"score":{score},"note":"{who} on r{r}/{turn}","annotator":"{who}","time":"2026-01-01T00:00:00Z"}}"#
        )
    };
    let ana =
        [line("ana", 0, 1, judge(0, 0)), line("ana", 0, 2, judge(0, 1)), line("ana", 1, 1, judge(1, 0) - 5)];
    let ben = [line("ben", 0, 2, judge(0, 1) + 4)];
    std::fs::write(labels.join("ana.jsonl"), ana.join("\n") + "\n").unwrap();
    std::fs::write(labels.join("ben.jsonl"), ben.join("\n") + "\n").unwrap();
    let drawn = on_study(dir.path(), "sample", &["--labels", "labels", "--disagree", "3", "-o", "adj.json"]);
    assert!(drawn.contains("2 of 2 turns where 2 annotators and the judge are 3 or more apart"), "{drawn}");
    let mut s =
        Session::review(&dir.path().join("adj.json"), 120, 40, (&labels, "adjudicated-carl")).unwrap();
    let review = s.app.review.as_ref().unwrap();
    assert!(review.adjudicate);
    let item = review.item().unwrap().clone();
    let index = review.index[&item.rollout];
    assert!(
        JudgeLens::new(&s.app).visible(index, item.turn as usize),
        "the judge is shown to the adjudicator"
    );
    let screen = rollscope::testkit::screen_text(&s.draw());
    let r: usize = item.rollout[1..].parse().unwrap();
    assert!(screen.contains(&format!("ana on r{r}/{}", item.turn)), "every annotator's note:\n{screen}");
    assert!(screen.contains("Adjudication adj · 0/2 done"), "{screen}");
    for _ in 0..2 {
        s.press("5");
        assert!(matches!(s.app.modal, Some(rollscope::app::Modal::Categories(_))), "the reason is asked");
        s.press("1");
    }
    let records = std::fs::read_to_string(labels.join("adjudicated-carl.jsonl")).unwrap();
    let last: Vec<serde_json::Value> = records.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let finals: Vec<&serde_json::Value> = last.iter().filter(|r| r["reason"].is_string()).collect();
    assert_eq!(finals.len(), 2, "{records}");
    for r in finals {
        assert_eq!(
            (r["score"].as_u64(), r["reason"].as_str(), r["adjudicator"].as_str()),
            (Some(5), Some("judge-wrong"), Some("carl"))
        );
        assert!(r["blind"].is_null(), "an adjudication is not blind");
    }
    let report: serde_json::Value = serde_json::from_str(&on_study(
        dir.path(),
        "agree",
        &["--labels", "labels", "--annotator", "adjudicated", "--json", "--boot", "50"],
    ))
    .unwrap();
    let truth = &report["judge"][0];
    assert_eq!((truth["annotator"].as_str(), truth["n"].as_u64()), (Some("adjudicated"), Some(2)));
    // Both adjudicated 5: |5 − 4| and |5 − 8|.
    let want = ((5.0 - f64::from(judge(0, 1))).abs() + (5.0 - f64::from(judge(1, 0))).abs()) / 2.0;
    assert_eq!(want, 2.0);
    assert_eq!(truth["mae"]["value"].as_f64(), Some(want), "the judge against the adjudicated truth");
    // Plain `agree` does not count the adjudicator as one more annotator.
    let all: serde_json::Value = serde_json::from_str(&on_study(
        dir.path(),
        "agree",
        &["--labels", "labels", "--json", "--boot", "50"],
    ))
    .unwrap();
    let names: Vec<&str> =
        all["judge"].as_array().unwrap().iter().map(|j| j["annotator"].as_str().unwrap()).collect();
    assert_eq!(names, ["ana", "ben"]);
}

/// The judge fixture: transcripts and a separate judge file, in a folder of their own.
fn judged_study(dir: &Path) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/judge");
    std::fs::create_dir_all(dir.join("scores")).unwrap();
    std::fs::copy(fixtures.join("transcripts.jsonl"), dir.join("transcripts.jsonl")).unwrap();
    std::fs::copy(fixtures.join("frustration.jsonl"), dir.join("scores/frustration.jsonl")).unwrap();
}

#[test]
fn a_queue_carries_its_study_and_reopens_it_after_the_folder_moved() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before");
    judged_study(&before);
    std::fs::create_dir_all(before.join("queues")).unwrap();
    let out = rollscope(
        &before,
        &[
            "sample",
            "transcripts.jsonl",
            "--scores",
            "scores/frustration.jsonl",
            "--join",
            "condition,task_id,rollout_idx",
            "--turn-field",
            "turn_index",
            "--n",
            "4",
            "--seed",
            "3",
            "-o",
            "queues/ana.json",
        ],
    );
    assert!(out.contains("rollscope review queues/ana.json"), "{out}");
    let queue: serde_json::Value =
        serde_json::from_slice(&std::fs::read(before.join("queues/ana.json")).unwrap()).unwrap();
    assert_eq!(queue["version"], 2);
    assert_eq!(queue["paths"], serde_json::json!(["../transcripts.jsonl"]), "relative to the queue");
    assert_eq!(queue["study"]["score_files"]["paths"], serde_json::json!(["../scores/frustration.jsonl"]));
    assert_eq!(
        queue["study"]["score_files"]["join"],
        serde_json::json!(["condition", "task_id", "rollout_idx"])
    );
    assert_eq!(queue["reveal"], "end");
    assert!(queue["id"].as_str().is_some_and(|id| id.starts_with("q-")));
    // The whole folder moves (mailed, or another machine): the queue still opens its study,
    // score file included, with no other argument.
    let after = dir.path().join("elsewhere/after");
    std::fs::create_dir_all(after.parent().unwrap()).unwrap();
    std::fs::rename(&before, &after).unwrap();
    let labels = after.join("labels");
    let mut s =
        rollscope::testkit::Session::review(&after.join("queues/ana.json"), 120, 40, (&labels, "ana"))
            .unwrap();
    assert!(
        s.app.study.problems.iter().all(|p| !p.message.contains("cannot read")),
        "{:?}",
        s.app.study.problems
    );
    let review = s.app.review.as_ref().unwrap();
    let item = review.item().unwrap().clone();
    let index = review.index[&item.rollout];
    let judge = s.app.study.rollouts[index].score_at("frustration", item.turn as usize);
    assert!(judge.is_some(), "the judge file was joined: item {item:?} has its score");
    // A label given in the review is blind and carries the queue's name and id.
    s.press("3");
    let records = rollscope::store::file::read_records(
        &labels.join("ana.jsonl"),
        rollscope::model::ReadLimits::default().label_file(),
    )
    .0;
    let last = records.last().unwrap();
    assert!(last.blind, "given blind");
    assert_eq!(last.queue.as_deref(), Some("ana"));
    assert_eq!(last.queue_id.as_deref(), queue["id"].as_str());
    // `agree --queue FILE` opens the study from the queue and reads the labels given in it.
    let report: serde_json::Value = serde_json::from_str(&rollscope(
        &after,
        &["agree", "--queue", "queues/ana.json", "--labels", "labels", "--json", "--boot", "20"],
    ))
    .unwrap();
    assert_eq!(
        (report["judge"][0]["n"].as_u64(), report["judge"][0]["blind_labels"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["progress"][0]["done"], 1);
}
