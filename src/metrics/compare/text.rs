//! The compare report as words: the study's headline sentence per comparison and the number
//! formats the command line and the app's compare view share (true minus signs, percents,
//! p-values as papers write them).

use super::{CompareReport, Comparison};
use crate::metrics::study::{GroupKey, value_text};

/// `bct·math vs baseline·math: AUC 0.29 vs 5.93 (−95 % [−97, −93], p < 0.0001) · ≥5 at turn
/// 20: 0 % vs 62 % · self-deletion 0 % vs 50 % (p = 0.003)`.
pub fn headline(report: &CompareReport, c: &Comparison) -> String {
    let mut parts = vec![format!(
        "{} vs {}: AUC {} vs {}{}",
        name(&report.by, &c.group),
        name(&report.by, &c.baseline_group),
        number(c.auc),
        number(c.baseline_auc),
        auc_change(c)
    )];
    if let Some(t) = c.last_common_turn.and_then(|t| c.per_turn.get(t - 1)) {
        parts.push(format!(
            "≥{} at turn {}: {} vs {}",
            threshold(report.threshold),
            t.turn,
            percent(t.frac_at_or_above),
            percent(t.baseline_frac_at_or_above)
        ));
    }
    let p = c.self_deletion_p_value.map_or_else(String::new, |p| format!(" ({})", p_value(p)));
    parts.push(format!(
        "self-deletion {} vs {}{p}",
        percent(c.self_deletion_rate),
        percent(c.baseline_self_deletion_rate)
    ));
    parts.join(" · ")
}

/// ` (−95 % [−97, −93], p < 0.0001)`: the relative change, else the difference.
pub fn auc_change(c: &Comparison) -> String {
    let p = c.auc_p_value.map_or_else(String::new, |p| format!(", {}", p_value(p)));
    match (c.auc_rel_change, c.auc_diff) {
        (Some(rel), _) => {
            let ci = c.auc_rel_change_ci.map_or_else(String::new, |(lo, hi)| {
                format!(" [{}, {}]", signed(lo * 100.0, 0), signed(hi * 100.0, 0))
            });
            format!(" ({} %{ci}{p})", signed(rel * 100.0, 0))
        }
        (None, Some(d)) => {
            let ci = c
                .auc_diff_ci
                .map_or_else(String::new, |(lo, hi)| format!(" [{}, {}]", signed(lo, 2), signed(hi, 2)));
            format!(" ({}{ci}{p})", signed(d, 2))
        }
        (None, None) => String::new(),
    }
}

/// A group's name: its values in `--by` order, joined by `·` (`bct·math`).
pub fn name(by: &[String], key: &GroupKey) -> String {
    joined(by, key, "·")
}

/// A group's values in `--by` order joined by `separator`, or `all rollouts`.
pub fn joined(by: &[String], key: &GroupKey, separator: &str) -> String {
    let values: Vec<String> = by.iter().filter_map(|f| key.get(f)).map(value_text).collect();
    if values.is_empty() { "all rollouts".to_string() } else { values.join(separator) }
}

pub fn number(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.2}"))
}

/// 5 → `5`, 7.5 → `7.5`.
pub fn threshold(t: f64) -> String {
    if t.fract() == 0.0 { format!("{t:.0}") } else { t.to_string() }
}

/// With its sign, a true minus, `decimals` places: `−95`, `+12.5`, `0`.
pub fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    if text.chars().all(|c| c == '0' || c == '.') {
        text
    } else if x < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// A fraction as a percentage: whole percents, one decimal below 10 % (`1.6 %`).
pub fn percent(x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(v) => {
            let p = v * 100.0;
            if p == 0.0 || p.abs() >= 9.95 { format!("{p:.0} %") } else { format!("{p:.1} %") }
        }
    }
}

pub fn interval(ci: Option<(f64, f64)>, scale: f64, decimals: usize) -> String {
    ci.map_or(String::new(), |(lo, hi)| {
        format!("[{}, {}]", signed(lo * scale, decimals), signed(hi * scale, decimals))
    })
}

/// `p < 0.0001`, `p = 0.003`, `p = 0.04`.
pub fn p_value(p: f64) -> String {
    if p < 0.0001 { "p < 0.0001".to_string() } else { format!("p = {}", short_p(p)) }
}

pub fn short_p(p: f64) -> String {
    match p {
        p if p < 0.0001 => "<0.0001".to_string(),
        p if p < 0.001 => format!("{p:.4}"),
        p if p < 0.01 => format!("{p:.3}"),
        p => format!("{p:.2}"),
    }
}

/// The per-turn table of a comparison, its header first: each side's n, mean and % ≥ T, the
/// differences with their CIs, p and Holm's p, and the cumulative self-deletion difference
/// (`compare`'s text and the report's page print the same cells).
pub fn turn_table(report: &CompareReport, c: &Comparison) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "turn",
            "n",
            "base n",
            "mean",
            "base",
            "diff",
            "95% CI",
            "p",
            "p Holm",
            &format!("≥{}", threshold(report.threshold)),
            "base",
            "diff pp",
            "95% CI",
            "selfdel diff pp",
        ]
        .map(str::to_string)
        .to_vec(),
    ];
    for t in &c.per_turn {
        rows.push(vec![
            t.turn.to_string(),
            t.n_pairs.map_or_else(|| t.n.to_string(), |pairs| format!("{} ({pairs} pairs)", t.n)),
            t.baseline_n.to_string(),
            number(t.mean),
            number(t.baseline_mean),
            t.mean_diff.map_or("–".into(), |d| signed(d, 2)),
            interval(t.mean_diff_ci, 1.0, 2),
            t.p_value.map_or("–".into(), short_p),
            t.p_holm.map_or("–".into(), short_p),
            percent(t.frac_at_or_above),
            percent(t.baseline_frac_at_or_above),
            t.frac_diff.map_or("–".into(), |d| signed(d * 100.0, 1)),
            interval(t.frac_diff_ci, 100.0, 1),
            t.self_deleted_cum_diff.map_or("–".into(), |d| signed(d * 100.0, 1)),
        ]);
    }
    rows
}
