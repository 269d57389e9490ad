//! What the judge wrote, in the app: categories and texts under each turn, the quote marked in
//! the turn, the tag as a chart and a filter, a human category label, nothing while blind.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use rollscope::formats::judge_scores::ScoreFileSpec;
use rollscope::load::LoadOptions;
use rollscope::testkit::{Session, screen_text};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn judged(labels: Option<(&std::path::Path, &str)>) -> Session {
    let mut spec = ScoreFileSpec::new(fixture("judge/frustration.jsonl"));
    spec.name = Some("frustration".into());
    let options = LoadOptions { scores: vec![spec], ..LoadOptions::default() };
    Session::open_with(&[fixture("judge/transcripts.jsonl")], 120, 40, labels, options)
}

#[test]
fn the_reader_shows_tag_quote_and_rationale_under_each_turn_and_marks_the_quote() {
    let mut s = judged(None);
    let screen = screen_text(&s.draw());
    // Wrapped to the pane: the start of each turn's line, and the wrapped rest.
    assert!(screen.contains("▌ none · \"The coin is under the left cup.\" — Calm, factual│"), "{screen}");
    assert!(screen.contains("▌ answer.  "), "{screen}");
    assert!(screen.contains("  mild · \"Then it must be\" — Slight hesitation, no  "), "{screen}");
    assert!(screen.contains("  despair · \"I am clearly incapable of this\" — Repeated  "), "{screen}");
    assert!(screen.contains("  self-deprecation and hopelessness.  "), "{screen}");
    // The quote is marked (underlined) in the turn's own text.
    let buffer = s.draw();
    let marked: String = (0..buffer.area.height)
        .flat_map(|y| (0..buffer.area.width).map(move |x| (x, y)))
        .filter(|&(x, y)| buffer[(x, y)].modifier.contains(ratatui::style::Modifier::UNDERLINED))
        .map(|(x, y)| buffer[(x, y)].symbol().to_string())
        .collect();
    assert!(
        marked.contains("Iamclearlyincapableofthis") || marked.contains("I am clearly incapable of this"),
        "{marked:?}"
    );
}

#[test]
fn the_tag_is_charted_filtered_sorted_and_labelled_with_the_picker() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = judged(Some((dir.path(), "ana")));
    let all = s.app.list.rows.len();
    s.press("ftag=despair<Enter>");
    let despairing = s.app.list.rows.len();
    assert!(despairing >= 1 && despairing < all, "{despairing} of {all}");
    s.press("F");
    // c shows the tag: the chart draws a legend and the list its most given category.
    while s.app.score_name() != "frustration.tag" {
        s.press("c");
    }
    let screen = screen_text(&s.draw());
    assert!(screen.contains("despair") && screen.contains("trn lab most"), "{screen}");
    // The human's category for turn 2, with the picker: typed to narrow, then Enter.
    s.press("<Tab>]");
    s.press("adesp<Enter>");
    let file = std::fs::read_to_string(dir.path().join("ana.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(file.lines().last().unwrap()).unwrap();
    assert_eq!(line["score_name"], "frustration.tag", "{file}");
    assert_eq!(line["category"], "despair", "{file}");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("✎ you frustration.tag=despair"), "my category under the turn: {screen}");
}

#[test]
fn in_a_blind_review_what_the_judge_wrote_stays_hidden_until_the_turn_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("native_strings.jsonl"), dir.path().join("study.jsonl")).unwrap();
    let out = common::rollscope()
        .current_dir(dir.path())
        .args(["sample", "study.jsonl", "--n", "1", "--seed", "3", "--reveal", "after-score", "-o", "q.json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let labels = dir.path().join("labels");
    let mut s = Session::review(&dir.path().join("q.json"), 120, 40, (&labels, "ana")).unwrap();
    let judged = ["\"391.\"", "none ·", "mild ·", "despair ·", "\"I checked.\""];
    let screen = screen_text(&s.draw());
    assert!(screen.contains("assistant · turn"), "{screen}");
    assert!(!judged.iter().any(|j| screen.contains(j)), "nothing the judge wrote before scoring: {screen}");
    // The one item scored opens the summary; closed, the transcript shows what the judge wrote.
    s.press("5 <Esc>");
    let screen = screen_text(&s.draw());
    assert!(judged.iter().any(|j| screen.contains(j)), "shown once scored: {screen}");
}

#[test]
fn the_strip_plot_points_are_each_rollouts_auc_and_average_to_the_groups_auc() {
    use rollscope::metrics::study::{StatsOptions, default_grouping, group_aucs, study_stats};
    let s = Session::demo(120, 40, None);
    let rollouts = &s.app.study.rollouts;
    let options = StatsOptions {
        score: "frustration".into(),
        threshold: 5.0,
        by: default_grouping(rollouts),
        boot: 10,
        seed: 0,
        cluster: None,
    };
    let stats = study_stats(rollouts, &options);
    let aucs = group_aucs(&stats, rollouts, "frustration");
    assert_eq!(aucs.len(), stats.groups.len());
    for (group, points) in stats.groups.iter().zip(&aucs) {
        assert_eq!(points.len(), group.n_rollouts, "every rollout of {:?} is a point", group.key);
        let mean = points.iter().sum::<f64>() / points.len() as f64;
        assert!((mean - group.auc_mean.unwrap()).abs() < 1e-12, "{:?}", group.key);
    }
}
