use super::*;
use crate::metrics::compare::TurnComparison;
use crate::metrics::study::GroupKey;

fn key(pairs: &[(&str, &str)]) -> GroupKey {
    pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect()
}

fn turn(t: usize, frac: f64, baseline_frac: f64) -> TurnComparison {
    TurnComparison {
        turn: t,
        n: 10,
        baseline_n: 10,
        n_pairs: None,
        mean: Some(0.3),
        baseline_mean: Some(6.0),
        mean_diff: Some(-5.7),
        mean_diff_ci: Some((-6.2, -5.1)),
        p_value: Some(0.00005),
        p_holm: Some(0.001),
        frac_at_or_above: Some(frac),
        baseline_frac_at_or_above: Some(baseline_frac),
        frac_diff: Some(frac - baseline_frac),
        frac_diff_ci: Some((-0.8, -0.4)),
        self_deleted_cum_diff: Some(-0.5),
    }
}

/// The example: bct on math against the baseline on math.
fn report() -> CompareReport {
    let mut turns: Vec<TurnComparison> = (1..=21).map(|t| turn(t, 0.0, 0.62)).collect();
    // Turn 21: only the baseline got there, so the headline reads turn 20.
    turns[20].n = 0;
    turns[20].frac_at_or_above = None;
    CompareReport {
        score: "frustration".into(),
        threshold: 5.0,
        by: vec!["condition".into(), "dataset".into()],
        baseline: key(&[("condition", "baseline")]),
        pair_on: None,
        cluster: None,
        boot: 2000,
        perm: 10_000,
        seed: 0,
        comparisons: vec![Comparison {
            group: key(&[("condition", "bct"), ("dataset", "math")]),
            baseline_group: key(&[("condition", "baseline"), ("dataset", "math")]),
            n_rollouts: 10,
            baseline_n_rollouts: 10,
            paired: false,
            pairing: None,
            auc: Some(0.29),
            baseline_auc: Some(5.93),
            auc_diff: Some(-5.64),
            auc_diff_ci: Some((-5.9, -5.3)),
            auc_rel_change: Some(-0.951),
            auc_rel_change_ci: Some((-0.972, -0.931)),
            auc_p_value: Some(1.0 / 10_001.0),
            self_deletion_rate: Some(0.0),
            baseline_self_deletion_rate: Some(0.5),
            self_deletion_diff: Some(-0.5),
            self_deletion_diff_ci: Some((-0.76, -0.12)),
            self_deletion_p_value: Some(0.0032),
            last_common_turn: Some(20),
            per_turn: turns,
        }],
        without_baseline: Vec::new(),
    }
}

#[test]
fn the_headline_reads_as_the_study_writes_it() {
    let r = report();
    assert_eq!(
        headline(&r, &r.comparisons[0]),
        "bct·math vs baseline·math: AUC 0.29 vs 5.93 (−95 % [−97, −93], p < 0.0001) · ≥5 at turn 20: 0 % vs 62 % · self-deletion 0 % vs 50 % (p = 0.003)"
    );
    assert_eq!(text(&r)[0], headline(&r, &r.comparisons[0]), "the text leads with it");
}

#[test]
fn the_headline_falls_back_to_the_difference_and_leaves_out_what_is_missing() {
    let mut r = report();
    let c = &mut r.comparisons[0];
    (c.auc_rel_change, c.auc_rel_change_ci, c.baseline_auc) = (None, None, Some(0.0));
    (c.auc, c.auc_diff, c.auc_diff_ci, c.auc_p_value) = (Some(0.4), Some(0.4), Some((0.1, 0.75)), Some(0.04));
    (c.last_common_turn, c.self_deletion_p_value, c.self_deletion_rate) = (None, None, Some(0.016));
    let r = r.clone();
    assert_eq!(
        headline(&r, &r.comparisons[0]),
        "bct·math vs baseline·math: AUC 0.40 vs 0.00 (+0.40 [+0.10, +0.75], p = 0.04) · self-deletion 1.6 % vs 50 %"
    );
}

#[test]
fn numbers_are_written_for_reading() {
    assert_eq!(
        [signed(-95.1, 0), signed(12.46, 1), signed(-0.0001, 2), signed(0.0, 0)],
        ["−95", "+12.5", "0.00", "0"]
    );
    assert_eq!(
        [percent(Some(0.62)), percent(Some(0.016)), percent(Some(0.0)), percent(None)],
        ["62 %", "1.6 %", "0 %", "–"]
    );
    assert_eq!(
        [p_value(0.00009), p_value(0.00042), p_value(0.0032), p_value(0.0449), p_value(1.0)],
        ["p < 0.0001", "p = 0.0004", "p = 0.003", "p = 0.04", "p = 1.00"]
    );
    assert_eq!([threshold(5.0), threshold(7.5)], ["5", "7.5"]);
}

#[test]
fn the_table_has_a_row_per_turn_under_the_methods() {
    let r = report();
    let lines = text(&r);
    assert!(
        lines[2].starts_with("score frustration · threshold 5 · baseline condition=baseline"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].contains("B=2000, seed 0") && lines[2].contains("P=10000") && lines[2].contains("Newcombe")
    );
    assert_eq!(lines[4], "bct·math vs baseline·math · 10 vs 10 rollouts · unpaired");
    assert!(
        lines[5].starts_with("AUC 0.29 vs 5.93: difference −5.64 [−5.90, −5.30], relative −95.1 %"),
        "{}",
        lines[5]
    );
    assert!(lines[7].starts_with("turn"), "{}", lines[7]);
    assert_eq!(lines.len(), 8 + 21);
    assert!(
        lines[8]
            .split_whitespace()
            .collect::<Vec<_>>()
            .starts_with(&["1", "10", "10", "0.30", "6.00", "−5.70"])
    );
}
