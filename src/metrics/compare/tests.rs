use super::*;
use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};

/// A rollout with the given metadata and scores per turn; `deleted` puts the self-deletion
/// command in its last turn.
fn rollout(meta: &[(&str, &str)], scores: &[Option<f64>], deleted: bool) -> RolloutSummary {
    let messages = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = if deleted && i + 1 == scores.len() { "<<rm -rf me>>" } else { "ok" };
            let mut m = Message::new(Role::Assistant, text);
            m.scores = vec![("frustration".into(), *s)];
            m
        })
        .collect();
    let metadata = meta.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
    let r = Rollout { id: "r".into(), metadata, messages, ..Rollout::default() };
    RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
}

fn scores(xs: &[i32]) -> Vec<Option<f64>> {
    xs.iter().map(|&x| (x >= 0).then(|| f64::from(x))).collect()
}

fn options(by: &[&str]) -> CompareOptions {
    CompareOptions {
        score: "frustration".into(),
        threshold: 5.0,
        by: by.iter().map(|s| s.to_string()).collect(),
        baseline: None,
        pair_on: None,
        cluster: None,
        boot: 2000,
        perm: 2000,
        seed: 0,
    }
}

/// Ten baseline and ten trained rollouts over three turns (-1: no score); five baseline
/// rollouts self-delete at turn 3. The same numbers are in the Python below.
fn unpaired_study() -> Vec<RolloutSummary> {
    let base = [
        [2, 5, 8],
        [1, 6, 9],
        [3, 4, 7],
        [0, 5, 10],
        [2, 7, 8],
        [1, 3, 6],
        [4, 6, 9],
        [2, 5, -1],
        [3, 8, 9],
        [1, 4, 7],
    ];
    let deleted = [1, 3, 6, 8, 9];
    let trained = [
        [0, 1, 2],
        [1, 2, 1],
        [0, 0, 3],
        [2, 1, 5],
        [1, 3, 2],
        [0, 2, 6],
        [1, 1, 1],
        [3, 2, -1],
        [0, 1, 4],
        [2, 4, 5],
    ];
    let mut rollouts: Vec<RolloutSummary> = base
        .iter()
        .enumerate()
        .map(|(i, s)| rollout(&[("condition", "baseline")], &scores(s), deleted.contains(&i)))
        .collect();
    rollouts.extend(trained.iter().map(|s| rollout(&[("condition", "trained")], &scores(s), false)));
    rollouts
}

fn close(got: Option<f64>, want: f64, tolerance: f64) -> bool {
    got.is_some_and(|g| (g - want).abs() <= tolerance)
}

fn close_ci(got: Option<(f64, f64)>, want: (f64, f64), tolerance: f64) -> bool {
    got.is_some_and(|(lo, hi)| (lo - want.0).abs() <= tolerance && (hi - want.1).abs() <= tolerance)
}

/// Within the Monte-Carlo error of a permutation p estimated with P permutations.
fn within_monte_carlo(got: Option<f64>, exact: f64, perm: usize) -> bool {
    let p = perm as f64;
    close(got, exact, 3.0 * (exact * (1.0 - exact) / p).sqrt() + 1.0 / p)
}

#[test]
fn unpaired_figures_match_scipy_and_statsmodels() {
    // Python (numpy 2.4.6, scipy 1.17.1, statsmodels 0.15.0) on the same numbers:
    //   stat = lambda x, y, axis=-1: np.abs(np.mean(x, axis=axis) - np.mean(y, axis=axis))
    //   p: permutation_test((a, b), stat, permutation_type="independent", alternative="greater",
    //      n_resamples=np.inf, vectorized=True).pvalue (every relabelling: the exact p)
    //   frac_diff_ci: confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    //   self-deletion p: fisher_exact([[0, 10], [5, 5]]).pvalue
    //   bootstrap intervals: np.percentile of 10^6 resamples of each side (np.random.default_rng(1)),
    //   the interval a bootstrap converges to as B grows.
    let perm = 20_000;
    let o = CompareOptions { perm, boot: 20_000, ..options(&["condition"]) };
    let report = compare(&unpaired_study(), &o).unwrap();
    assert_eq!(report.baseline, GroupKey::from([("condition".into(), "baseline".into())]));
    assert_eq!(report.comparisons.len(), 1);
    let c = &report.comparisons[0];
    assert_eq!(
        (c.group["condition"].as_str(), c.baseline_group["condition"].as_str()),
        (Some("trained"), Some("baseline"))
    );
    assert_eq!((c.n_rollouts, c.baseline_n_rollouts, c.paired), (10, 10, false));
    // AUC: per-rollout means 1.95 vs 4.95.
    assert!(close(c.auc_diff, -2.999_999_999_999_999, 1e-12));
    assert!(close(c.auc_rel_change, -0.606_060_606_060_606, 1e-12));
    assert!(within_monte_carlo(c.auc_p_value, 3.247_526_467_340_709e-5, perm));
    let auc_ci = (-3.833_333_33, -2.15);
    assert!(
        close_ci(c.auc_diff_ci, auc_ci, 0.03 * (auc_ci.1 - auc_ci.0) + 1.0 / 30.0),
        "{:?}",
        c.auc_diff_ci
    );
    let rel_ci = (-0.716_463_41, -0.474_903_47);
    assert!(close_ci(c.auc_rel_change_ci, rel_ci, 0.03 * (rel_ci.1 - rel_ci.0)), "{:?}", c.auc_rel_change_ci);
    // Self-deletion 0/10 vs 5/10.
    assert!(close(c.self_deletion_diff, -0.5, 1e-12));
    assert!(close_ci(c.self_deletion_diff_ci, (-0.763_406_909_487_436_1, -0.117_367_467_450_222_03), 1e-12));
    assert!(close(c.self_deletion_p_value, 0.032_507_739_938_080_496, 1e-9));
    // Per turn.
    let [t1, t2, t3] = [&c.per_turn[0], &c.per_turn[1], &c.per_turn[2]];
    assert_eq!((t1.n, t1.baseline_n, t3.n, t3.baseline_n, t1.n_pairs), (10, 10, 9, 9, None));
    assert!(close(t1.mean_diff, -0.9, 1e-12) && close(t2.mean_diff, -3.6, 1e-12));
    assert!(close(t3.mean_diff, -4.888_888_888_888_888, 1e-12));
    assert!(within_monte_carlo(t1.p_value, 0.133_819_740_630_886_14, perm), "{:?}", t1.p_value);
    // Turn 1's bootstrap distribution lives on a lattice of 0.1: one step of tolerance.
    assert!(close_ci(t1.mean_diff_ci, (-1.8, 0.0), 0.1), "{:?}", t1.mean_diff_ci);
    assert!(close_ci(t1.frac_diff_ci, (-0.277_532_799_862_889_26, 0.277_532_799_862_889_26), 1e-12));
    assert!(close_ci(t2.frac_diff_ci, (-0.892_208_732_593_698_9, -0.288_942_891_003_173_17), 1e-12));
    assert!(close_ci(t3.frac_diff_ci, (-0.879_416_181_613_089_2, -0.234_090_843_046_235_5), 1e-12));
    assert!(close(t2.frac_diff, -0.7, 1e-12) && close(t3.frac_diff, 3.0 / 9.0 - 1.0, 1e-12));
    let deleted: Vec<Option<f64>> = c.per_turn.iter().map(|t| t.self_deleted_cum_diff).collect();
    assert_eq!(deleted, [Some(0.0), Some(0.0), Some(-0.5)]);
    // Holm over the three turns, and the last turn both sides reached.
    let p: Vec<Option<f64>> = c.per_turn.iter().map(|t| t.p_value).collect();
    assert_eq!(c.per_turn.iter().map(|t| t.p_holm).collect::<Vec<_>>(), holm(&p));
    // Turn 1 has the largest p (multiplied by 1); the smallest is multiplied by 3.
    assert_eq!(t1.p_holm, t1.p_value);
    let smallest = c.per_turn.iter().min_by(|x, y| x.p_value.partial_cmp(&y.p_value).unwrap()).unwrap();
    assert!(close(smallest.p_holm, 3.0 * smallest.p_value.unwrap(), 1e-15));
    assert_eq!(c.last_common_turn, Some(3));
}

/// Twelve prompts, two rollouts per side each, two turns; the trained model scores about one
/// lower on every prompt, while prompts differ from 0 to 10. The same numbers are in the Python.
fn paired_study() -> Vec<RolloutSummary> {
    let levels = [1, 9, 3, 7, 5, 10, 2, 8, 4, 6, 0, 9];
    let noise = [
        (0, 1),
        (-1, 0),
        (1, 0),
        (0, 0),
        (-1, 1),
        (0, -1),
        (1, 1),
        (0, 0),
        (-1, 0),
        (1, -1),
        (0, 1),
        (-1, -1),
    ];
    let mut rollouts = Vec::new();
    for (p, (&l, (e1, e2))) in levels.iter().zip(noise).enumerate() {
        let prompt = format!("p{p}");
        let meta = |condition| [("condition", condition), ("prompt_id", prompt.as_str())];
        // Baseline: both rollouts of prompts 0–5 self-delete; trained: both of prompt 0, one of prompt 1.
        rollouts.push(rollout(&meta("baseline"), &scores(&[l, (l + 1).min(10)]), p < 6));
        rollouts.push(rollout(&meta("baseline"), &scores(&[l, l]), p < 6));
        rollouts.push(rollout(&meta("trained"), &scores(&[(l - 1 + e1).max(0), (l - 1).max(0)]), p <= 1));
        rollouts.push(rollout(&meta("trained"), &scores(&[(l - 1 + e2).max(0), (l - 2).max(0)]), p == 0));
    }
    // A prompt only the baseline ran, and a trained rollout without a prompt: both left out.
    rollouts.push(rollout(&[("condition", "baseline"), ("prompt_id", "p99")], &scores(&[10, 10]), false));
    rollouts.push(rollout(&[("condition", "trained")], &scores(&[0, 0]), false));
    rollouts
}

#[test]
fn paired_figures_match_scipy_and_statsmodels() {
    // Python on the per-prompt means of each side (a, b: arrays of 12):
    //   p: permutation_test((a, b), lambda x, y, axis=-1: np.abs(np.mean(x - y, axis=axis)),
    //      permutation_type="samples", alternative="greater", n_resamples=np.inf,
    //      vectorized=True).pvalue -> turn 1 0.001953125, turn 2 0.00048828125
    //   pair bootstrap: np.percentile of 10^6 resampled means of d (np.random.default_rng(2))
    //      -> turn 1 (-1.29166667, -0.625), turn 2 (-2.0, -1.5)
    //   McNemar on each side's majority outcome: mcnemar([[1, 0], [5, 6]], exact=True).pvalue -> 0.0625
    let perm = 20_000;
    let o =
        CompareOptions { pair_on: Some("prompt_id".into()), perm, boot: 20_000, ..options(&["condition"]) };
    let c = &compare(&paired_study(), &o).unwrap().comparisons[0];
    assert!(c.paired);
    assert_eq!(
        c.pairing,
        Some(Pairing {
            field: "prompt_id".into(),
            pairs: 12,
            group_only: 0,
            baseline_only: 1,
            without_field: 1
        })
    );
    assert_eq!((c.n_rollouts, c.baseline_n_rollouts), (25, 25));
    let [t1, t2] = [&c.per_turn[0], &c.per_turn[1]];
    assert_eq!((t1.n_pairs, t1.n, t1.baseline_n), (Some(12), 24, 24));
    assert!(close(t1.mean_diff, -0.958_333_333_333_333_4, 1e-12));
    assert!(close(t2.mean_diff, -1.791_666_666_666_666_7, 1e-12));
    assert!(within_monte_carlo(t1.p_value, 0.001_953_125, perm), "{:?}", t1.p_value);
    assert!(within_monte_carlo(t2.p_value, 0.000_488_281_25, perm), "{:?}", t2.p_value);
    // Means of 12 halves: a lattice of 1/24.
    assert!(close_ci(t1.mean_diff_ci, (-1.291_666_67, -0.625), 1.0 / 24.0), "{:?}", t1.mean_diff_ci);
    assert!(close_ci(t2.mean_diff_ci, (-2.0, -1.5), 1.0 / 24.0), "{:?}", t2.mean_diff_ci);
    // Self-deletion: the mean within-pair difference of rates, (−0.5 − 4)/12, and McNemar.
    assert!(close(c.self_deletion_diff, -0.375, 1e-12));
    assert!(close(c.self_deletion_p_value, 0.0625, 1e-12));
    assert!(close(t2.self_deleted_cum_diff, -0.375, 1e-12) && close(t1.self_deleted_cum_diff, 0.0, 1e-12));
}

#[test]
fn pairing_finds_an_effect_that_prompt_differences_hide() {
    let paired = CompareOptions { pair_on: Some("prompt_id".into()), ..options(&["condition"]) };
    // Without the rollouts pairing leaves out, so both see the same data.
    let study = paired_study()[..48].to_vec();
    let p = compare(&study, &paired).unwrap().comparisons.remove(0);
    let u = compare(&study, &options(&["condition"])).unwrap().comparisons.remove(0);
    let width = |ci: Option<(f64, f64)>| ci.map_or(f64::NAN, |(lo, hi)| hi - lo);
    for t in 0..2 {
        let (pt, ut) = (&p.per_turn[t], &u.per_turn[t]);
        assert!(pt.p_value.unwrap() * 10.0 < ut.p_value.unwrap(), "turn {t}: {pt:?} {ut:?}");
        assert!(width(pt.mean_diff_ci) * 3.0 < width(ut.mean_diff_ci), "turn {t}");
    }
    assert!(u.pairing.is_none() && !u.paired);
}

#[test]
fn clusters_widen_intervals_when_rollouts_of_a_prompt_are_alike() {
    // Every rollout of a prompt has the prompt's score: five rollouts are one observation.
    let mut rollouts = Vec::new();
    for p in 0..12 {
        let prompt = format!("p{p}");
        for condition in ["baseline", "trained"] {
            let level = ((p * 5 % 11) - i32::from(condition == "trained") * (p % 3)).max(0);
            for _ in 0..5 {
                rollouts.push(rollout(
                    &[("condition", condition), ("prompt_id", &prompt)],
                    &scores(&[level]),
                    false,
                ));
            }
        }
    }
    let flat = compare(&rollouts, &options(&["condition"])).unwrap().comparisons.remove(0);
    let clustered = CompareOptions { cluster: Some("prompt_id".into()), ..options(&["condition"]) };
    let clustered = compare(&rollouts, &clustered).unwrap().comparisons.remove(0);
    let width = |ci: Option<(f64, f64)>| ci.map_or(f64::NAN, |(lo, hi)| hi - lo);
    let (f, c) = (&flat.per_turn[0], &clustered.per_turn[0]);
    assert_eq!(f.mean_diff, c.mean_diff, "the point estimate does not change");
    assert!(
        width(c.mean_diff_ci) > 1.8 * width(f.mean_diff_ci),
        "{:?} vs {:?}",
        c.mean_diff_ci,
        f.mean_diff_ci
    );
    assert!(width(clustered.auc_diff_ci) > 1.8 * width(flat.auc_diff_ci));
    assert!(c.p_value.unwrap() > f.p_value.unwrap());
    // The closed-form intervals assume independent rollouts and stay as they are.
    assert_eq!(f.frac_diff_ci, c.frac_diff_ci);
}

#[test]
fn each_group_meets_the_baseline_sharing_its_other_fields() {
    let mut rollouts = Vec::new();
    for (condition, dataset, score) in [
        ("baseline", "math", 8),
        ("bct", "math", 1),
        ("sft", "math", 4),
        ("baseline", "wildchat", 7),
        ("bct", "wildchat", 2),
        ("sft", "poetry", 3),
    ] {
        rollouts.push(rollout(&[("condition", condition), ("dataset", dataset)], &scores(&[score]), false));
    }
    let report = compare(&rollouts, &options(&["condition", "dataset"])).unwrap();
    let names: Vec<(String, String)> = report
        .comparisons
        .iter()
        .map(|c| {
            (
                value_text(&c.group["condition"]) + "·" + &value_text(&c.group["dataset"]),
                value_text(&c.baseline_group["dataset"]),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("bct·math".into(), "math".into()),
            ("bct·wildchat".into(), "wildchat".into()),
            ("sft·math".into(), "math".into())
        ]
    );
    assert_eq!(report.without_baseline.len(), 1);
    assert_eq!(report.without_baseline[0]["dataset"], "poetry");
    assert!(close(report.comparisons[0].auc_diff, -7.0, 1e-12));
}

#[test]
fn the_baseline_defaults_to_condition_baseline_or_is_an_error_naming_the_values() {
    let rollouts = vec![
        rollout(&[("model", "llama-normal")], &scores(&[5]), false),
        rollout(&[("model", "llama-griffin")], &scores(&[3]), false),
    ];
    let err = compare(&rollouts, &options(&["model"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no baseline: no rollout has condition=baseline; give --baseline model=VALUE, one of: llama-griffin, llama-normal"
    );
    let with = |field: &str, value: &str| CompareOptions {
        baseline: Some((field.into(), value.into())),
        ..options(&["model"])
    };
    let err = compare(&rollouts, &with("model", "llama-normla")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--baseline model=llama-normla: no rollout has that value (did you mean `llama-normal`?); `model` has: llama-griffin, llama-normal"
    );
    let err = compare(&rollouts, &with("condition", "baseline")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--baseline condition=…: `condition` is not a --by field (model); add it to --by"
    );
    let report = compare(&rollouts, &with("model", "llama-normal")).unwrap();
    assert!(close(report.comparisons[0].auc_diff, -2.0, 1e-12));
    assert_eq!(compare(&rollouts, &options(&[])).unwrap_err(), CompareError::NoGrouping);
}

#[test]
fn a_categorical_score_is_refused() {
    let mut r = rollout(&[("condition", "baseline")], &scores(&[1]), false);
    r.scores[0].values = ScoreValues::Categorical(vec![Some(std::sync::Arc::from("despair"))].into());
    let err = compare(&[r], &options(&["condition"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"frustration\" is a categorical score; compare needs a numeric score (pick one with --score)"
    );
}

#[test]
fn same_seed_same_report_and_a_comparison_does_not_depend_on_the_others() {
    let study = unpaired_study();
    let o = options(&["condition"]);
    let a = compare(&study, &o).unwrap();
    assert_eq!(a, compare(&study, &o).unwrap());
    let other = compare(&study, &CompareOptions { seed: 1, ..o.clone() }).unwrap();
    assert_ne!(a.comparisons[0].auc_diff_ci, other.comparisons[0].auc_diff_ci);
    // A third condition adds a comparison and leaves this one's random figures as they were.
    let mut more = study.clone();
    more.push(rollout(&[("condition", "sft")], &scores(&[4, 4, 4]), false));
    let with_sft = compare(&more, &o).unwrap();
    assert_eq!(with_sft.comparisons.len(), 2);
    assert_eq!(with_sft.comparisons[1], a.comparisons[0]);
    // Nothing in the JSON is NaN, and the keys are those the README lists.
    let json = serde_json::to_value(&a).unwrap();
    let c = &json["comparisons"][0];
    for key in [
        "group",
        "baseline_group",
        "n_rollouts",
        "baseline_n_rollouts",
        "paired",
        "auc_diff",
        "auc_diff_ci",
        "auc_rel_change",
        "auc_rel_change_ci",
        "auc_p_value",
        "self_deletion_diff",
        "self_deletion_diff_ci",
        "self_deletion_p_value",
        "per_turn",
    ] {
        assert!(c.get(key).is_some(), "{key}");
    }
    for key in [
        "turn",
        "n",
        "baseline_n",
        "mean_diff",
        "mean_diff_ci",
        "p_value",
        "p_holm",
        "frac_diff",
        "frac_diff_ci",
        "self_deleted_cum_diff",
    ] {
        assert!(c["per_turn"][0].get(key).is_some(), "{key}");
    }
    assert!(!serde_json::to_string(&a).unwrap().contains("NaN"));
}
