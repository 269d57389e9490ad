//! The compare view (`C`) and side by side (`=`): the view shows the report `rollscope compare`
//! prints (whose figures `tests/compare.rs` checks against scipy), its baseline cycles, a wrong
//! field is named, and side by side finds, cycles and aligns the counterpart.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use rollscope::app::{Modal, Msg};
use rollscope::metrics::compare::CompareReport;
use rollscope::testkit::{Session, screen_text};

fn report(s: &Session) -> &CompareReport {
    match &s.app.modal {
        Some(Modal::Compare(view)) => view.report.as_deref().expect("a report"),
        other => panic!("the compare view is not open: {other:?}"),
    }
}

fn compare_json(args: &[&str]) -> serde_json::Value {
    let out = common::rollscope().arg("compare").args(args).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The same report: every key and value, numbers to the last bits serde_json's parser keeps
/// (it does not round-trip every float exactly).
fn assert_same(shown: &serde_json::Value, printed: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (shown, printed) {
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "keys at {at}");
            for (key, value) in a {
                assert_same(value, &b[key], &format!("{at}.{key}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "length at {at}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same(x, y, &format!("{at}[{i}]"));
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!(
                (a - b).abs() <= 1e-12 * a.abs().max(1.0),
                "{at}: the view has {a}, the command line {b}"
            );
        }
        (a, b) => assert_eq!(a, b, "at {at}"),
    }
}

#[test]
fn the_view_shows_what_the_command_line_prints_and_its_headline() {
    let mut s = Session::demo(120, 40, None);
    s.press("C");
    let shown = serde_json::to_value(report(&s)).unwrap();
    assert_same(&shown, &compare_json(&[]), "");
    let screen = screen_text(&s.draw());
    let flat: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Compare · frustration · threshold 5 · baseline condition=baseline",
        "trained·math 10/10 0.29 vs 5.93 −95 % [−97, −93] <0.0001 t20 0 % vs 100 % 0 % vs 50 % (p 0.03)",
        "AUC 0.29 vs 5.93 (−95 % [−97, −93], p < 0.0001)",
    ] {
        assert!(flat.contains(expected), "{expected:?} not on the screen:\n{screen}");
    }
}

#[test]
fn b_cycles_the_baseline_and_the_threshold_keys_recompute() {
    let mut s = Session::demo(80, 24, None);
    s.press("C");
    assert_eq!(report(&s).baseline["condition"], "baseline");
    s.press("b");
    assert_eq!(report(&s).baseline["condition"], "trained");
    let c = &report(&s).comparisons[0];
    assert_eq!(
        (c.group["condition"].as_str(), c.baseline_group["condition"].as_str()),
        (Some("baseline"), Some("trained"))
    );
    s.press("b");
    assert_eq!(report(&s).baseline["condition"], "baseline", "two values: back to the first");
    s.press("+ +");
    assert_eq!(report(&s).threshold, 7.0);
    s.press("<Esc>");
    assert!(s.app.modal.is_none(), "Esc closes the view");
}

#[test]
fn a_late_report_of_an_earlier_request_is_dropped() {
    let mut s = Session::demo(80, 24, None);
    s.press("C");
    let before = serde_json::to_value(report(&s)).unwrap();
    let stale = Err("from an older request".to_string());
    s.dispatch(Msg::CompareReady { generation: 0, result: Box::new(stale) });
    assert_eq!(serde_json::to_value(report(&s)).unwrap(), before);
}

#[test]
fn a_grouping_field_that_matches_nothing_is_named_with_the_closest() {
    let mut s = Session::demo(80, 24, None);
    s.app.settings.by = Some(vec!["conditon".into()]);
    s.press("C");
    let Some(Modal::Compare(view)) = &s.app.modal else { panic!("not open") };
    let error = view.error.as_deref().unwrap();
    assert!(error.contains("conditon") && error.contains("condition"), "{error}");
}

fn mtbench() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/fastchat-mtbench")
}

#[test]
fn mt_bench_models_paired_on_questions_match_the_command_line() {
    let dir = mtbench();
    if !dir.exists() {
        eprintln!("skipped: {} is not here", dir.display());
        return;
    }
    let mut s = Session::open(std::slice::from_ref(&dir), 120, 40, None);
    s.app.settings.by = Some(vec!["model".into()]);
    s.app.settings.pair_on = Some("question_id".into());
    s.press("C");
    let view = report(&s);
    assert!(!view.comparisons.is_empty() && view.comparisons.iter().all(|c| c.paired));
    let path = dir.to_str().unwrap();
    // Without condition=baseline the view starts from the first model in text order (the
    // command line asks for --baseline instead).
    let baseline = view.baseline["model"].as_str().unwrap().to_string();
    assert_eq!(baseline, "Meta-Llama-3-8B-Instruct-Griffin");
    let named = compare_json(&[
        path,
        "--by",
        "model",
        "--pair-on",
        "question_id",
        "--baseline",
        &format!("model={baseline}"),
    ]);
    assert_same(&serde_json::to_value(report(&s)).unwrap(), &named, "");
}

#[test]
fn compare_and_side_by_side_are_refused_while_the_judge_is_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let queue = dir.path().join("q.json");
    let study = dir.path().join("demo.jsonl");
    std::fs::write(&study, rollscope::study::DEMO_BYTES).unwrap();
    let out = common::rollscope()
        .arg("sample")
        .arg(&study)
        .args(["--n", "4", "--seed", "1", "-o"])
        .arg(&queue)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let labels = dir.path().join("labels");
    let mut s = Session::review(&queue, 80, 24, (&labels, "ana")).unwrap();
    for key in ["C", "="] {
        s.press(key);
        assert!(s.app.modal.is_none(), "{key} opened an overlay in spot-check mode");
        assert_eq!(s.app.toast.as_deref(), Some("not available in spot-check mode"));
    }
}

/// Four rollouts of one prompt: two per condition.
fn two_per_condition() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.jsonl");
    let mut text = String::new();
    for (condition, epoch, scores) in
        [("baseline", 0, [3, 6]), ("baseline", 1, [4, 8]), ("trained", 0, [1, 0]), ("trained", 1, [2, 1])]
    {
        let messages: Vec<serde_json::Value> = scores
            .iter()
            .enumerate()
            .flat_map(|(t, s)| {
                [
                    serde_json::json!({"role": "user", "content": format!("try {t}")}),
                    serde_json::json!({"role": "assistant", "content": format!("{condition} {epoch} answer {t}"), "scores": {"frustration": s}}),
                ]
            })
            .collect();
        let line = serde_json::json!({
            "id": format!("p1-{condition}-{epoch}"),
            "metadata": {"condition": condition, "prompt_id": "p1", "epoch": epoch},
            "messages": messages,
        });
        text.push_str(&line.to_string());
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn sides(s: &Session) -> &rollscope::app::side_by_side::SideBySide {
    match &s.app.modal {
        Some(Modal::SideBySide(view)) => view,
        other => panic!("side by side is not open: {other:?}"),
    }
}

fn id_of(s: &Session, index: Option<usize>) -> String {
    s.app.study.rollouts[index.unwrap()].id.to_string()
}

#[test]
fn side_by_side_pairs_on_prompt_id_across_groups_and_cycles_the_counterparts() {
    let (_dir, path) = two_per_condition();
    let mut s = Session::open(&[path], 120, 40, None);
    s.press("=");
    let view = sides(&s);
    assert_eq!((view.field.as_str(), view.value.as_str()), ("prompt_id", "p1"));
    assert_eq!(id_of(&s, view.left.index), "p1-baseline-0");
    assert_eq!(id_of(&s, view.right.index), "p1-trained-0", "the same prompt in the other group");
    assert_eq!(view.candidates.len(), 2, "not the other baseline rollout: it is in the same group");
    s.press("<Tab>");
    assert_eq!(id_of(&s, sides(&s).right.index), "p1-trained-1");
    s.press("<Tab>");
    assert_eq!(id_of(&s, sides(&s).right.index), "p1-trained-0", "round again");
    s.press("N");
    assert_eq!(id_of(&s, sides(&s).right.index), "p1-trained-1", "and back");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("turn 1/2: left 3 · right 2 · Δ −1 "), "{screen}");
    assert!(screen.contains("p1-baseline-0") && screen.contains("p1-trained-1"), "{screen}");
    s.press("]");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("turn 2/2: left 6 · right 1 · Δ −5 "), "{screen}");
    s.press("<Esc>");
    assert!(s.app.modal.is_none());
    assert_eq!(id_of(&s, s.app.reader.index), "p1-baseline-0", "Esc returns to the rollout");
}

#[test]
fn both_sides_scroll_together_from_the_start_of_the_aligned_turn() {
    let mut s = Session::demo(80, 24, None);
    s.press("=");
    s.press("] ] ]");
    let view = sides(&s);
    assert_eq!((view.turn, view.offset), (4, 0));
    for side in [&view.left, &view.right] {
        let turn3 = side.turn_messages[2];
        assert_eq!(side.scroll, side.message_lines[turn3 + 1], "from the prompt turn 4 answers");
        assert_eq!(side.turn, 4, "turn 4 is marked on both sides");
    }
    let (left, right) = (view.left.scroll, view.right.scroll);
    s.press("j j");
    let view = sides(&s);
    assert_eq!((view.left.scroll, view.right.scroll), (left + 2, right + 2));
    s.press("g");
    assert_eq!((sides(&s).left.scroll, sides(&s).right.scroll), (0, 0));
    s.press("G");
    assert_eq!(sides(&s).turn, sides(&s).max_turn());
}

#[test]
fn without_a_pairing_field_or_a_counterpart_the_status_line_says_why() {
    let (_dir, path) = two_per_condition();
    let text = std::fs::read_to_string(&path).unwrap().replace("prompt_id", "topic");
    std::fs::write(&path, text).unwrap();
    let mut s = Session::open(std::slice::from_ref(&path), 80, 24, None);
    s.press("=");
    assert!(s.app.modal.is_none());
    assert!(s.app.toast.as_deref().unwrap().contains("--pair-on"), "{:?}", s.app.toast);
    s.app.settings.pair_on = Some("topik".into());
    s.press("=");
    let toast = s.app.toast.clone().unwrap();
    assert!(toast.contains("topik") && toast.contains("topic"), "the closest field is named: {toast}");
    s.app.settings.pair_on = Some("epoch".into());
    s.app.settings.by = Some(vec!["epoch".into()]);
    s.press("=");
    assert_eq!(s.app.toast.as_deref(), Some("no rollout of another group has epoch=0"));
}
