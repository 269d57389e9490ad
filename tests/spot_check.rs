//! Spot-checks: `sample` draws a byte-identical queue for the same seed, `review` never shows a
//! hidden judge value before the annotator's score (and shows it after), resumes after a
//! restart, and `agree --queue` reads the same labels.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use rollscope::app::view::{JudgeLens, Judged};
use rollscope::app::{App, Modal};
use rollscope::testkit::Session;

/// Judge scores that cannot appear on screen by accident (no turn number or count looks like
/// them, and no two share a rounding): rollout r, turn t has score `r.t(r)7`, e.g. 2.427.
fn score(r: usize, t: usize) -> f64 {
    format!("{r}.{t}{r}7").parse().unwrap()
}

fn write_study(dir: &Path) -> PathBuf {
    let mut lines = Vec::new();
    for r in 0..6 {
        let condition = if r < 3 { "baseline" } else { "trained" };
        let mut messages = vec![serde_json::json!({"role": "user", "content": "What is 17 * 23?"})];
        for t in 1..=4 {
            messages.push(serde_json::json!({"role": "assistant", "content": format!("answer {t}"), "scores": {"frustration": score(r, t)}}));
            messages.push(serde_json::json!({"role": "user", "content": "That's not right, try again."}));
        }
        lines.push(serde_json::json!({"id": format!("r{r}"), "metadata": {"condition": condition}, "messages": messages}).to_string());
    }
    let path = dir.join("study.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn rollscope(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = common::rollscope().current_dir(dir).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn screen(app: &App) -> String {
    rollscope::testkit::screen_text(&rollscope::testkit::render(app))
}

/// Blinding is decided once, in the view models: no model handed to a widget holds a judge
/// value of a turn at or after an item still waiting for my score.
fn assert_blind_view_models(app: &App) {
    let review = app.review.as_ref().unwrap();
    let lens = JudgeLens::new(app);
    let pending: Vec<_> = review.queue.items.iter().filter(|it| !app.item_done(it)).collect();
    for item in &pending {
        let index = review.index[&item.rollout];
        let scored = |t: u32| {
            review
                .queue
                .items
                .iter()
                .any(|it| it.rollout == item.rollout && it.turn == t && app.item_done(it))
        };
        for t in item.turn..=4 {
            if !scored(t) {
                assert_eq!(
                    lens.turn(index, "frustration", t as usize),
                    Judged::Hidden,
                    "{} turn {t}",
                    item.rollout
                );
            }
        }
        assert!(
            lens.whole_rollout(index, "frustration").is_none(),
            "{}: no whole row of scores",
            item.rollout
        );
    }
    let current = review.item().unwrap();
    let chart = app.chart_view();
    assert_eq!(chart.values.len(), current.turn as usize, "the chart ends at the sampled turn");
    assert_eq!(chart.values.last(), Some(&Judged::Hidden));
    assert!(chart.title.contains("= ?"), "{}", chart.title);
    let reader = app.reader_view();
    for (_, head) in &reader.headers {
        if head.turn == Some(current.turn as usize) {
            assert!(head.scores.is_none(), "the sampled turn's header holds no score");
        }
    }
    for row in app.queue_view(100).unwrap().rows {
        if !row.done {
            assert_eq!(row.judge, Judged::Hidden, "queue item {}", row.number);
        }
    }
}

fn sample(dir: &Path) {
    sample_with(dir, &[]);
}

fn sample_with(dir: &Path, extra: &[&str]) {
    let args =
        ["sample", "study.jsonl", "--n", "8", "--stratify", "condition", "--seed", "5", "-o", "q1.json"];
    let (ok, _, err) = rollscope(dir, &[&args[..], extra].concat());
    assert!(ok, "{err}");
}

#[test]
fn the_same_seed_gives_the_same_queue_but_its_id_and_counts_per_stratum() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(name)).unwrap()).unwrap()
    };
    sample(dir.path());
    let mut first = read("q1.json");
    std::fs::rename(dir.path().join("q1.json"), dir.path().join("q0.json")).unwrap();
    sample(dir.path());
    let mut second = read("q1.json");
    assert_ne!(first["id"], second["id"], "each draw has an id of its own");
    first["id"] = serde_json::Value::Null;
    second["id"] = serde_json::Value::Null;
    assert_eq!(first, second, "the same items, order and options");
    let (ok, out, err) = rollscope(
        dir.path(),
        &["sample", "study.jsonl", "--n", "8", "--stratify", "condition", "--json", "-o", "q2.json"],
    );
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["items"], 8);
    let drawn: Vec<u64> =
        report["strata"].as_array().unwrap().iter().map(|s| s["drawn"].as_u64().unwrap()).collect();
    assert_eq!(drawn, vec![4, 4], "12 eligible turns in each condition");
    let (ok, _, err) =
        rollscope(dir.path(), &["sample", "study.jsonl", "--n", "1", "--stratify", "condition"]);
    assert!(!ok && err.contains("smaller than the 2 non-empty strata"), "{err}");
}

#[test]
fn with_reveal_after_score_each_judge_value_appears_right_after_its_score() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    sample_with(dir.path(), &["--reveal", "after-score"]);
    let labels = dir.path().join("labels");
    let mut s = Session::review(&dir.path().join("q1.json"), 120, 40, (&labels, "ana")).unwrap();
    let total = s.app.review.as_ref().unwrap().queue.items.len();
    for step in 0..total {
        let review = s.app.review.as_ref().unwrap();
        let item = review.item().unwrap().clone();
        let r: usize = item.rollout[1..].parse().unwrap();
        let before = screen(&s.app);
        // This turn's value and every later turn's, under any formatting.
        for t in item.turn as usize..=4 {
            let v = score(r, t);
            for text in [format!("{v}"), format!("{v:.2}")] {
                assert!(
                    !before.contains(&text),
                    "step {step}: judge value {text} of turn {t} is on screen:\n{before}"
                );
            }
        }
        assert!(before.contains("judge hidden until you score"));
        assert_blind_view_models(&s.app);
        assert!(
            s.app
                .reader
                .lines
                .iter()
                .all(|l| l.message.is_none_or(|m| m <= s.app.reader.turn_messages[item.turn as usize - 1])),
            "the transcript ends at the sampled turn"
        );
        s.press("7");
        // The last score opens the summary over the screen; the status line's toast keeps it.
        let after = format!("{}\n{}", screen(&s.app), s.app.toast.clone().unwrap_or_default());
        let value = format!("{}", score(r, item.turn as usize));
        assert!(after.contains(&value), "step {step}: after scoring, the judge's {value} is shown:\n{after}");
    }
    assert!(
        matches!(s.app.modal, Some(Modal::ReviewSummary(_))),
        "the summary opens when every item is done"
    );
    let summary = screen(&s.app);
    assert!(summary.contains("8 of 8 items scored") && summary.contains("MAE"), "{summary}");
}

#[test]
fn reopening_resumes_at_the_first_unscored_item_and_agree_reads_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    sample(dir.path());
    let labels = dir.path().join("labels");
    let queue = dir.path().join("q1.json");
    let mut first = Session::review(&queue, 100, 30, (&labels, "ana")).unwrap();
    first.press("3 4 5");
    assert_eq!(first.app.review_progress(), Some((3, 8)));
    drop(first);
    let again = Session::review(&queue, 100, 30, (&labels, "ana")).unwrap();
    assert_eq!(again.app.review_progress(), Some((3, 8)));
    assert_eq!(again.app.review.as_ref().unwrap().current, 3, "resumes at the first unscored item");
    let records = std::fs::read_to_string(labels.join("ana.jsonl")).unwrap();
    assert_eq!(records.lines().count(), 3);
    assert!(records.lines().all(|l| l.contains("\"queue\":\"q1\"")));
    let (ok, out, err) = rollscope(
        dir.path(),
        &[
            "agree",
            "study.jsonl",
            "--labels",
            labels.to_str().unwrap(),
            "--queue",
            "q1",
            "--json",
            "--boot",
            "50",
        ],
    );
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["judge"][0]["n"], 3);
    let expected = again.app.review_report().unwrap();
    assert_eq!(report["judge"][0]["mae"]["value"].as_f64(), expected.judge[0].agreement.mae.value);
}

#[test]
fn review_screens_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    sample(dir.path());
    let labels = dir.path().join("labels");
    for (w, h) in [(80, 24), (120, 40)] {
        let _ = std::fs::remove_dir_all(&labels);
        let mut s = Session::review(&dir.path().join("q1.json"), w, h, (&labels, "ana")).unwrap();
        s.app.review.as_mut().unwrap().queue.reveal = rollscope::sample::Reveal::AfterScore;
        let redact = |text: String| text.replace(&dir.path().display().to_string(), "<DIR>");
        insta::assert_snapshot!(format!("review_blind_{w}x{h}"), redact(screen(&s.app)));
        s.press("6");
        insta::assert_snapshot!(format!("review_revealed_{w}x{h}"), redact(screen(&s.app)));
        s.press("2 9 v");
        insta::assert_snapshot!(format!("review_summary_{w}x{h}"), redact(screen(&s.app)));
    }
}

/// Every judge value of the study, as the screen could write it.
fn every_judge_value() -> Vec<(String, usize, usize)> {
    let mut all = Vec::new();
    for r in 0..6 {
        for t in 1..=4 {
            let v = score(r, t);
            all.push((format!("{v}"), r, t));
            all.push((format!("{v:.2}"), r, t));
        }
    }
    all
}

#[test]
fn blind_by_default_no_judge_value_of_any_turn_shows_until_every_item_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    sample(dir.path());
    let labels = dir.path().join("labels");
    // An earlier label of mine, given seeing the judge, on every turn, and another annotator's:
    // neither may show in the blind review.
    let earlier: Vec<String> = (0..6)
        .flat_map(|r| (1..=4).map(move |t| format!(r#"{{"rollout":"r{r}","turn":{t},"score":9,"tags":["seen-before"],"note":"EARLIER-NOTE","annotator":"ana","time":"2026-01-01T00:00:00Z"}}"#)))
        .collect();
    std::fs::create_dir_all(&labels).unwrap();
    std::fs::write(labels.join("ana.jsonl"), earlier.join("\n") + "\n").unwrap();
    std::fs::write(labels.join("ben.jsonl"), earlier.join("\n").replace("\"ana\"", "\"ben\"") + "\n")
        .unwrap();
    let mut s = Session::review(&dir.path().join("q1.json"), 120, 40, (&labels, "ana")).unwrap();
    assert_eq!(s.app.review_progress(), Some((0, 8)), "earlier labels do not count as scored");
    // Clearing the score of a turn whose earlier label the review hides erases nothing.
    s.press("x");
    let lines = std::fs::read_to_string(labels.join("ana.jsonl")).unwrap().lines().count();
    assert_eq!(lines, earlier.len(), "no line written by clearing a hidden label");
    let total = 8;
    // Every key a curious annotator might press between scores, on every item.
    let looks = [
        // `h` in the transcript goes back to the queue, `<Tab>` to the transcript again.
        "<Tab>", "j", "k", "]", "[", "<Tab>", "l", "h", "<Tab>", "g", "G", "o", "v", "<Esc>", "t", "<Esc>",
        "e", "<Esc>", "?", "<Esc>", "p", "<Esc>",
    ];
    for step in 0..total {
        for key in looks {
            s.press(key);
            let text = screen(&s.app);
            for (value, r, t) in every_judge_value() {
                assert!(
                    !text.contains(&value),
                    "step {step}, after {key}: judge value {value} (r{r} turn {t}) leaked:\n{text}"
                );
            }
            for leak in ["seen-before", "EARLIER-NOTE", "ben", "you 9"] {
                assert!(!text.contains(leak), "step {step}, after {key}: {leak:?} leaked:\n{text}");
            }
        }
        let lens = JudgeLens::new(&s.app);
        for r in 0..6 {
            for t in 1..=4 {
                let index = s.app.review.as_ref().unwrap().index[&format!("r{r}")];
                assert_eq!(lens.turn(index, "frustration", t), Judged::Hidden, "step {step}: r{r} turn {t}");
            }
        }
        s.press("3");
        let text = screen(&s.app);
        assert!(
            every_judge_value().iter().all(|(v, _, _)| !text.contains(v.as_str())) || step == total - 1,
            "no reveal after a score:\n{text}"
        );
    }
    assert!(matches!(s.app.modal, Some(Modal::ReviewSummary(_))), "the last item opens the summary");
    let summary = screen(&s.app);
    assert!(
        summary.contains("8 of 8 items scored") && summary.contains("MAE"),
        "revealed at the end:\n{summary}"
    );
    s.press("<Esc>");
    let index = s.app.review.as_ref().unwrap().index["r0"];
    assert!(JudgeLens::new(&s.app).visible(index, 1), "every item scored: the judge is shown");
    // The labels given are blind, carry the queue, and replace the earlier ones' tags and note.
    let records = std::fs::read_to_string(labels.join("ana.jsonl")).unwrap();
    let given: Vec<serde_json::Value> =
        records.lines().skip(earlier.len()).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(given.len(), 8);
    for record in &given {
        assert_eq!((record["blind"].as_bool(), record["score"].as_u64()), (Some(true), Some(3)));
        assert!(record["tags"].as_array().unwrap().is_empty() && record["note"].is_null(), "{record}");
    }
}

#[test]
fn show_earlier_shows_the_turns_before_the_item_and_never_shows_none_even_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    sample_with(dir.path(), &["--show-earlier", "--reveal", "never"]);
    let labels = dir.path().join("labels");
    let mut s = Session::review(&dir.path().join("q1.json"), 120, 40, (&labels, "ana")).unwrap();
    let review = s.app.review.as_ref().unwrap();
    let item = review.item().unwrap().clone();
    let index = review.index[&item.rollout];
    let lens = JudgeLens::new(&s.app);
    let first_waiting =
        review.queue.items.iter().filter(|it| it.rollout == item.rollout).map(|it| it.turn).min().unwrap();
    for t in 1..=4u32 {
        assert_eq!(
            lens.visible(index, t as usize),
            t < first_waiting,
            "turn {t}, first waiting {first_waiting}"
        );
    }
    for _ in 0..8 {
        s.press("4");
    }
    assert!(!JudgeLens::new(&s.app).visible(index, item.turn as usize), "never: not even at the end");
    let summary = screen(&s.app);
    assert!(summary.contains("--reveal never") && !summary.contains("MAE"), "{summary}");
}
