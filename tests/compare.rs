//! `rollscope compare` through the real binary, against figures computed once from the raw
//! files with numpy, scipy and statsmodels (tests/fixtures/compare/reference.py wrote
//! demo.json and mtbench.json; its docstring says how each figure was made). Exact figures
//! must agree to rounding; permutation p-values within their Monte-Carlo error; bootstrap
//! intervals within 4 standard deviations of where a bootstrap of B = 2000 lands.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use serde_json::Value;

/// The default number of permutations, which the runs below use.
const PERM: f64 = 10_000.0;

use common::{json, run};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).display().to_string()
}

fn reference(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("compare/{name}.json"))).unwrap()).unwrap()
}

fn number(v: &Value, what: &str) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{what}: not a number: {v}"))
}

fn exact(got: &Value, want: &Value, what: &str) {
    let (g, w) = (number(got, what), number(want, what));
    assert!((g - w).abs() <= 1e-9, "{what}: {g} vs {w}");
}

fn exact_pair(got: &Value, want: &Value, what: &str) {
    exact(&got[0], &want[0], what);
    exact(&got[1], &want[1], what);
}

/// A permutation p against the exact one: within 3·√(p(1−p)/P) + 1/P, with p taken as at
/// least 10/P inside the root. The count of permutations at least as extreme is Bin(P, p);
/// three standard deviations cover it only when P·p is not tiny: at p ≈ 9·10⁻⁵ and P = 10⁴
/// (an expected count under 1) a count of 4 happens about once in a hundred runs, and the
/// demo has thirty such turns.
fn permutation(got: &Value, exact_p: &Value, what: &str) {
    let (g, p) = (number(got, what), number(exact_p, what));
    let tolerance = 3.0 * (p.max(10.0 / PERM) * (1.0 - p) / PERM).sqrt() + 1.0 / PERM;
    assert!((g - p).abs() <= tolerance, "{what}: p {g} vs exact {p} (± {tolerance})");
}

/// A bootstrap interval against the one a bootstrap converges to, allowing 4 standard
/// deviations of each end at B = 2000.
fn bootstrap(got: &Value, want: &Value, what: &str) {
    for end in 0..2 {
        let (g, w, sd) =
            (number(&got[end], what), number(&want["ideal"][end], what), number(&want["sd"][end], what));
        assert!((g - w).abs() <= 4.0 * sd + 1e-9, "{what}, end {end}: {g} vs {w} (sd {sd})");
    }
}

fn comparison<'a>(report: &'a Value, group: &Value) -> &'a Value {
    report["comparisons"].as_array().unwrap().iter().find(|c| &c["group"] == group).unwrap()
}

#[test]
fn the_demo_figures_equal_an_independent_scipy_computation() {
    let report = json(&["compare", "--json"]);
    assert_eq!((report["score"].as_str(), report["threshold"].as_f64()), (Some("frustration"), Some(5.0)));
    assert_eq!(report["baseline"], serde_json::json!({"condition": "baseline"}));
    let want = reference("demo");
    assert_eq!(report["comparisons"].as_array().unwrap().len(), 2);
    for w in want["comparisons"].as_array().unwrap() {
        let c = comparison(&report, &w["group"]);
        let name = w["group"]["dataset"].as_str().unwrap();
        assert_eq!(c["baseline_group"]["condition"], "baseline");
        assert_eq!((c["paired"].as_bool(), c["n_rollouts"].as_u64()), (Some(false), Some(10)));
        for key in ["auc_diff", "auc_rel_change", "self_deletion_diff", "self_deletion_p_value"] {
            exact(&c[key], &w[key], &format!("{name} {key}"));
        }
        exact_pair(
            &c["self_deletion_diff_ci"],
            &w["self_deletion_diff_ci"],
            &format!("{name} self-deletion CI"),
        );
        bootstrap(&c["auc_diff_ci"], &w["auc_diff_ci"], &format!("{name} auc_diff_ci"));
        bootstrap(&c["auc_rel_change_ci"], &w["auc_rel_change_ci"], &format!("{name} auc_rel_change_ci"));
        permutation(&c["auc_p_value"], &w["auc_p_value"], &format!("{name} auc_p_value"));
        let turns = c["per_turn"].as_array().unwrap();
        let want_turns = w["per_turn"].as_array().unwrap();
        assert_eq!(turns.len(), want_turns.len());
        for (t, wt) in turns.iter().zip(want_turns) {
            let what = |key: &str| format!("{name} turn {} {key}", wt["turn"]);
            assert_eq!((&t["turn"], &t["n"], &t["baseline_n"]), (&wt["turn"], &wt["n"], &wt["baseline_n"]));
            for key in ["mean_diff", "frac_diff", "self_deleted_cum_diff"] {
                exact(&t[key], &wt[key], &what(key));
            }
            exact_pair(&t["frac_diff_ci"], &wt["frac_diff_ci"], &what("frac_diff_ci"));
            bootstrap(&t["mean_diff_ci"], &wt["mean_diff_ci"], &what("mean_diff_ci"));
            permutation(&t["p_value"], &wt["p_value"], &what("p_value"));
            assert!(number(&t["p_holm"], "p_holm") >= number(&t["p_value"], "p"));
        }
    }
}

#[test]
fn the_mtbench_pairs_equal_an_independent_scipy_computation() {
    let folder = fixture("fastchat-mtbench");
    let args = [
        "compare",
        folder.as_str(),
        "--by",
        "model",
        "--pair-on",
        "question_id",
        "--baseline",
        "model=Meta-Llama-3-8B-Instruct-Normal",
        "--json",
    ];
    let report = json(&args);
    let w = &reference("mtbench")["comparisons"][0];
    let c = comparison(&report, &w["group"]);
    assert_eq!(c["paired"], true);
    assert_eq!(c["pairing"]["pairs"], w["pairs"]);
    assert_eq!(
        (c["pairing"]["group_only"].as_u64(), c["pairing"]["baseline_only"].as_u64()),
        (Some(0), Some(0))
    );
    for key in ["auc_diff", "auc_rel_change", "self_deletion_diff", "self_deletion_p_value"] {
        exact(&c[key], &w[key], key);
    }
    bootstrap(&c["auc_diff_ci"], &w["auc_diff_ci"], "auc_diff_ci");
    bootstrap(&c["auc_rel_change_ci"], &w["auc_rel_change_ci"], "auc_rel_change_ci");
    permutation(&c["auc_p_value"], &w["auc_p_value"], "auc_p_value");
    for (t, wt) in c["per_turn"].as_array().unwrap().iter().zip(w["per_turn"].as_array().unwrap()) {
        let what = |key: &str| format!("turn {} {key}", wt["turn"]);
        assert_eq!(t["n_pairs"], wt["n_pairs"]);
        for key in ["mean_diff", "frac_diff", "self_deleted_cum_diff"] {
            exact(&t[key], &wt[key], &what(key));
        }
        bootstrap(&t["mean_diff_ci"], &wt["mean_diff_ci"], &what("mean_diff_ci"));
        bootstrap(&t["frac_diff_ci"], &wt["frac_diff_ci"], &what("frac_diff_ci"));
        permutation(&t["p_value"], &wt["p_value"], &what("p_value"));
    }
}

#[test]
fn the_text_leads_with_the_headline_and_the_same_seed_prints_the_same_bytes() {
    let (ok, first, _) = run(&["compare"]);
    assert!(ok);
    let headline = first.lines().next().unwrap();
    assert!(headline.starts_with("trained·math vs baseline·math: AUC 0.29 vs 5.93 (−95 % ["), "{headline}");
    assert!(
        headline.contains("≥5 at turn 20: 0 % vs ")
            && headline.contains("self-deletion 0 % vs 50 % (p = 0.03)")
    );
    assert!(first.lines().nth(1).unwrap().starts_with("trained·wildchat vs baseline·wildchat: AUC "));
    assert_eq!(run(&["compare"]).1, first, "same seed, same output");
    let (_, other_seed, _) = run(&["compare", "--seed", "1"]);
    assert_ne!(other_seed, first);
}

#[test]
fn a_missing_baseline_or_a_mistyped_field_is_an_error_naming_what_exists() {
    let folder = fixture("fastchat-mtbench");
    let (ok, _, stderr) = run(&["compare", &folder, "--by", "model"]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "no baseline: no rollout has condition=baseline; give --baseline model=VALUE, one of: Meta-Llama-3-8B-Instruct-Griffin, Meta-Llama-3-8B-Instruct-Normal"
        ),
        "{stderr}"
    );
    let (ok, _, stderr) = run(&["compare", &folder, "--by", "model", "--pair-on", "questoin_id"]);
    assert!(
        !ok && stderr.contains("--pair-on: no rollout has `questoin_id`; did you mean `question_id`?"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(&["compare", "--baseline", "condition=basline"]);
    assert!(!ok && stderr.contains("(did you mean `baseline`?)"), "{stderr}");
    let (ok, _, stderr) = run(&["compare", "--cluster", "promptid"]);
    assert!(
        !ok && stderr.contains("--cluster: no rollout has `promptid`; did you mean `prompt_id`?"),
        "{stderr}"
    );
}

#[test]
fn stats_and_compare_resample_clusters_when_asked() {
    let plain = json(&["stats", "--json", "--by", "condition"]);
    let clustered = json(&["stats", "--json", "--by", "condition", "--cluster", "prompt_id"]);
    assert!(plain.get("cluster").is_none());
    assert_eq!(clustered["cluster"], "prompt_id");
    let (a, b) = (&plain["groups"][0], &clustered["groups"][0]);
    assert_eq!(a["auc_mean"], b["auc_mean"], "the estimate stays");
    assert_ne!(a["auc_ci"], b["auc_ci"], "the interval comes from resampling prompts");
    assert_eq!(a["self_deletion_ci"], b["self_deletion_ci"], "Wilson assumes independent rollouts and stays");
    let report = json(&["compare", "--json", "--cluster", "prompt_id"]);
    assert_eq!(report["cluster"], "prompt_id");
    assert!(report["comparisons"][0]["auc_diff_ci"].is_array());
}

/// A study whose effect is known exactly: each trained rollout is its baseline twin (same
/// prompt, same turns, same self-deletion) with every judge score multiplied by 0.7, so every
/// mean, and the AUC, is 30 % lower and self-deletion does not differ. (`gen_study --effect
/// 0.3` draws the same design at random; here it holds exactly, so the figures can be too.)
fn known_effect_study(dir: &Path) -> String {
    let mut text = String::new();
    for prompt in 0..12u32 {
        // Scores that climb with the turn, varying by prompt; prompts 0–3 self-delete.
        let scores: Vec<f64> = (1..=8u32).map(|t| f64::from((t + prompt % 5).min(10))).collect();
        for (condition, factor) in [("baseline", 1.0), ("trained", 0.7)] {
            let mut messages = Vec::new();
            for (t, s) in scores.iter().enumerate() {
                messages.push(serde_json::json!({"role": "user", "content": format!("no, try again {t}")}));
                let content =
                    if prompt < 4 && t == 7 { "<<rm -rf gemma>>".to_string() } else { format!("answer {t}") };
                messages.push(serde_json::json!({"role": "assistant", "content": content, "scores": {"frustration": s * factor}}));
            }
            let line = serde_json::json!({
                "id": format!("p{prompt}-{condition}"),
                "metadata": {"condition": condition, "prompt_id": format!("p{prompt}")},
                "messages": messages,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
    }
    let path = dir.join("known.jsonl");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_known_effect_is_recovered_paired_and_unpaired() {
    let dir = tempfile::tempdir().unwrap();
    let path = known_effect_study(dir.path());
    for extra in [&[][..], &["--pair-on", "prompt_id"][..]] {
        let args: Vec<&str> =
            ["compare", path.as_str(), "--json"].into_iter().chain(extra.iter().copied()).collect();
        let report = json(&args);
        let c = &report["comparisons"][0];
        let what = format!("{extra:?}");
        assert!((number(&c["auc_rel_change"], &what) + 0.3).abs() < 1e-12, "{what}: {}", c["auc_rel_change"]);
        let (lo, hi) = (number(&c["auc_rel_change_ci"][0], &what), number(&c["auc_rel_change_ci"][1], &what));
        assert!(lo <= -0.3 + 1e-9 && -0.3 - 1e-9 <= hi, "{what}: the interval [{lo}, {hi}] holds −0.3");
        assert_eq!(number(&c["self_deletion_diff"], &what), 0.0, "{what}");
        for t in c["per_turn"].as_array().unwrap() {
            let base = number(&t["mean_diff"], &what) / -0.3;
            let turn = number(&t["turn"], &what);
            // The baseline mean at turn t over the twelve prompts: mean of min(t + p % 5, 10).
            let want: f64 = (0..12u32).map(|p| (turn + f64::from(p % 5)).min(10.0)).sum::<f64>() / 12.0;
            assert!((base - want).abs() < 1e-9, "{what} turn {turn}: baseline mean {base} vs {want}");
        }
        assert!(number(&c["auc_p_value"], &what) < 0.01, "{what}: a 30 % drop in 12 twins is detected");
    }
}
