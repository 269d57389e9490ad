//! Issue 13, honest about what it read: label lines with a score off the 0–10 scale or a
//! turn the rollout does not have, hand-edited queue items off their rollout, a queue of
//! another version, and duplicate sample ids in one `.eval` are reported, not silently used
//! or renamed.
#![allow(clippy::unwrap_used)]

#[path = "hostile/bombs.rs"]
#[allow(dead_code)]
mod bombs;
mod common;
#[path = "hostile/devices.rs"]
#[allow(dead_code)]
mod devices;

use std::path::{Path, PathBuf};

use rollscope::load::LoadOptions;
use rollscope::model::ReadLimits;
use rollscope::sample::Queue;
use rollscope::study::Study;
use rollscope::testkit::Session;

/// `good.jsonl` (one rollout, two turns, judged 2 and 6) and a labels folder.
fn study(dir: &Path) -> (PathBuf, PathBuf) {
    let good = dir.join("good.jsonl");
    std::fs::write(&good, devices::good_rollout()).unwrap();
    let labels = dir.join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    (good, labels)
}

fn label_lines(labels: &Path, annotator: &str, turns_and_scores: &[(u32, u32)]) {
    let lines: Vec<String> = turns_and_scores
        .iter()
        .map(|(turn, score)| {
            serde_json::json!({"rollout": "good", "turn": turn, "score": score, "annotator": annotator,
                "time": "2026-11-23T00:00:00Z", "source": "good.jsonl"})
            .to_string()
        })
        .collect();
    std::fs::write(labels.join(format!("{annotator}.jsonl")), lines.join("\n") + "\n").unwrap();
}

#[test]
fn labels_off_the_scale_or_off_the_rollout_are_warnings_with_file_and_line_and_are_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let (good, labels) = study(dir.path());
    // ana: 3 on turn 1 (judge 2) and 255 on turn 2 (judge 6): agree said MAE 125.5.
    label_lines(&labels, "ana", &[(1, 3), (2, 255)]);
    label_lines(&labels, "bo", &[(1, 11), (0, 4), (999, 4), (2, 5)]);
    let out =
        common::rollscope().args(["agree", "--json", "--labels"]).arg(&labels).arg(&good).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let labels = labels.display();
    for warning in [
        format!("{labels}/ana.jsonl:2:1: warning: label not used: score 255 is outside 0–10"),
        format!("{labels}/bo.jsonl:1:1: warning: label not used: score 11 is outside 0–10"),
        format!(
            "{labels}/bo.jsonl:2:1: warning: label not used: turn 0 does not exist (turn 1 is the first)"
        ),
        format!(
            "{labels}/bo.jsonl:3:1: warning: label not used: turn 999 is past the last turn (2) of rollout \"good\""
        ),
    ] {
        assert!(stderr.lines().any(|l| l == warning), "{warning}\nnot in:\n{stderr}");
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mae = |who: &str| {
        let judge = report["judge"].as_array().unwrap();
        let row = judge.iter().find(|r| r["annotator"] == who).unwrap();
        (row["n"].as_u64().unwrap(), row["mae"]["value"].as_f64().unwrap())
    };
    assert_eq!(mae("ana"), (1, 1.0), "only ana's turn 1 counts");
    assert_eq!(mae("bo"), (1, 1.0), "only bo's turn 2 counts");
}

#[test]
fn in_the_app_a_label_past_the_rollouts_last_turn_is_a_warning_and_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (good, labels) = study(dir.path());
    label_lines(&labels, "ana", &[(1, 3), (7, 4), (2, 12)]);
    label_lines(&labels, "bo", &[(999, 1)]);
    let s = Session::open(&[good], 100, 30, Some((&labels, "ana")));
    let app = &s.app;
    assert_eq!(app.labels.mine.scored_turns("good"), 1, "only turn 1 is a label");
    assert!(app.labels.mine.get("good", Some(7)).is_none());
    assert!(app.labels.others[0].1.labels.is_empty(), "bo's only label is past the end");
    let problems: Vec<String> = app.study.problems.iter().map(ToString::to_string).collect();
    let labels = labels.display();
    for warning in [
        format!(
            "{labels}/ana.jsonl:2:1: warning: label not used: turn 7 is past the last turn (2) of rollout \"good\""
        ),
        format!("{labels}/ana.jsonl:3:1: warning: label not used: score 12 is outside 0–10"),
        format!(
            "{labels}/bo.jsonl:1:1: warning: label not used: turn 999 is past the last turn (2) of rollout \"good\""
        ),
    ] {
        assert!(problems.contains(&warning), "{warning}\nnot in {problems:#?}");
    }
}

fn queue_json(version: u32, items: &[(&str, u32)]) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|(rollout, turn)| serde_json::json!({"source": "good.jsonl", "rollout": rollout, "turn": turn, "stratum": 0}))
        .collect();
    serde_json::json!({"version": version, "score": "frustration", "seed": 0, "n": items.len(),
        "stratify": [], "turns": null, "oversample_above": null, "paths": ["good.jsonl"],
        "strata": [{"key": {}, "eligible": 2, "drawn": items.len()}], "items": items})
    .to_string()
}

#[test]
fn a_queue_item_off_its_rollout_is_a_problem_naming_it_and_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (_, labels) = study(dir.path());
    let queue = dir.path().join("check.json");
    std::fs::write(&queue, queue_json(1, &[("good", 999), ("good", 1), ("good", 0)])).unwrap();
    let s = Session::review(&queue, 100, 30, (&labels, "ana")).unwrap();
    let review = s.app.review.as_ref().unwrap();
    let turns: Vec<u32> = review.queue.items.iter().map(|it| it.turn).collect();
    assert_eq!(turns, [1], "the items left");
    let problems: Vec<String> = s.app.study.problems.iter().map(ToString::to_string).collect();
    for problem in [
        "queue check: error: item 1 (rollout \"good\"): turn 999 is past the rollout's last turn (2); the item is skipped",
        "queue check: error: item 3 (rollout \"good\"): turn 0 does not exist (turn 1 is the first); the item is skipped",
    ] {
        assert!(problems.iter().any(|p| p == problem), "{problem}\nnot in {problems:#?}");
    }
    // The item left is blind as ever: turn 1's judge score hidden until scored.
    let lens = rollscope::app::view::JudgeLens::new(&s.app);
    assert!(!lens.visible(0, 1) && !lens.visible(0, 2));
}

#[test]
fn a_queue_of_another_version_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let queue = dir.path().join("check.json");
    std::fs::write(&queue, queue_json(3, &[("good", 1)])).unwrap();
    let err = Queue::read(&queue, ReadLimits::default().label_file()).unwrap_err().to_string();
    assert!(
        err.ends_with("queue version 3 is not one this rollscope reads (it reads versions 1 and 2)"),
        "{err}"
    );
}

#[test]
fn duplicate_sample_ids_in_one_eval_are_renamed_and_each_rename_is_a_warning_naming_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.eval");
    let entries: Vec<(String, Vec<u8>)> =
        ["samples/1_epoch_1.json", "samples/1b_epoch_1.json", "samples/1c_epoch_1.json"]
            .iter()
            .map(|name| (name.to_string(), bombs::sample(1, "same id")))
            .collect();
    std::fs::write(&path, bombs::archive(&entries, &[])).unwrap();
    let study = Study::load(&[path], &LoadOptions::default());
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    let id = bombs::id(1);
    assert_eq!(ids, [id.clone(), format!("{id}#2"), format!("{id}#3")]);
    let warnings: Vec<(Option<&str>, &str)> =
        study.problems.iter().map(|p| (p.entry.as_deref(), p.message.as_str())).collect();
    assert_eq!(
        warnings,
        [
            (
                Some("samples/1b_epoch_1.json"),
                format!("duplicate rollout id {id:?}; this one is shown as \"{id}#2\"").as_str()
            ),
            (
                Some("samples/1c_epoch_1.json"),
                format!("duplicate rollout id {id:?}; this one is shown as \"{id}#3\"").as_str()
            ),
        ]
    );
}
