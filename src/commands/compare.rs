//! `rollscope compare`: each group against its baseline. The text leads with one sentence per
//! comparison — the study's headline, with intervals and p-values — then a table per
//! comparison; `--json` prints the report as `metrics::compare` builds it.

use anyhow::{Result, bail};

use super::output::columns;
use super::{Output, active_score, check_grouping, load_study, warn};
use crate::cli::CompareArgs;
use crate::metrics::compare::{CompareOptions, CompareReport, Comparison, compare};
use crate::metrics::study::{GroupKey, default_grouping};

pub fn run(args: &CompareArgs) -> Result<()> {
    let definition = &args.study.study;
    let study = load_study(&args.paths, definition)?;
    let Some(score) = active_score(&study, definition)? else {
        bail!("this study has no judge scores to compare");
    };
    let by: Vec<String> = match &args.by {
        Some(fields) => {
            fields.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
        }
        None => default_grouping(&study.rollouts),
    };
    check_grouping(&study, "--by", by.iter().map(String::as_str))?;
    check_grouping(&study, "--baseline", args.baseline.iter().map(|(field, _)| field.as_str()))?;
    check_grouping(&study, "--pair-on", args.pair_on.iter().map(String::as_str))?;
    check_grouping(&study, "--cluster", args.cluster.iter().map(String::as_str))?;
    let options = CompareOptions {
        score,
        threshold: definition.threshold.unwrap_or(super::DEFAULT_THRESHOLD),
        by,
        baseline: args.baseline.clone(),
        pair_on: args.pair_on.clone(),
        cluster: args.cluster.clone(),
        boot: args.bootstrap.boot,
        perm: args.perm,
        seed: args.bootstrap.seed,
    };
    let report = compare(&study.rollouts, &options)?;
    for key in &report.without_baseline {
        warn(&format!(
            "{}: no baseline group with its other --by values; not compared",
            name(&report.by, key)
        ));
    }
    if report.comparisons.is_empty() {
        warn("nothing compared: every group is a baseline group, or has none");
    }
    let mut out = Output::stdout();
    if args.json {
        out.json(&report)?;
    } else {
        for line in text(&report) {
            out.line(&line)?;
        }
    }
    out.finish()
}

/// The whole text: the headline sentences, then how the figures were made, then a table per
/// comparison.
pub fn text(report: &CompareReport) -> Vec<String> {
    let mut lines: Vec<String> = report.comparisons.iter().map(|c| headline(report, c)).collect();
    lines.push(String::new());
    lines.push(methods(report));
    for c in &report.comparisons {
        lines.push(String::new());
        lines.extend(details(report, c));
    }
    lines
}

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
fn auc_change(c: &Comparison) -> String {
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

fn methods(report: &CompareReport) -> String {
    let (field, value) = report
        .baseline
        .iter()
        .next()
        .map_or((String::new(), String::new()), |(f, v)| (f.clone(), text_of(v)));
    let unit = match (&report.pair_on, &report.cluster) {
        (Some(pair), _) => format!(", pairs on {pair} resampled, signs flipped within pairs"),
        (None, Some(cluster)) => format!(", clusters by {cluster} resampled and permuted whole"),
        (None, None) => String::new(),
    };
    let closed = if report.pair_on.is_some() {
        "fractions by the pair bootstrap, self-deletion by McNemar's exact test on each side's majority"
    } else {
        "fractions by Newcombe (assumes independent rollouts), self-deletion by Fisher's exact test"
    };
    format!(
        "score {} · threshold {} · baseline {field}={value} · differences are group − baseline · 95% CIs of means by percentile bootstrap (B={}, seed {}){unit}; p by permutation (P={}), Holm over turns; {closed}",
        report.score,
        threshold(report.threshold),
        report.boot,
        report.seed,
        report.perm
    )
}

fn details(report: &CompareReport, c: &Comparison) -> Vec<String> {
    let unit = match &c.pairing {
        Some(p) => {
            let left_out: Vec<String> = [
                (p.group_only, format!("values of {} only", name(&report.by, &c.group))),
                (p.baseline_only, format!("values of {} only", name(&report.by, &c.baseline_group))),
                (p.without_field, format!("rollouts without {}", p.field)),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            let left_out = if left_out.is_empty() {
                String::new()
            } else {
                format!(", left out: {}", left_out.join(", "))
            };
            format!("paired on {}: {} pairs{left_out}", p.field, p.pairs)
        }
        None => "unpaired".to_string(),
    };
    let mut lines = vec![
        format!(
            "{} vs {} · {} vs {} rollouts · {unit}",
            name(&report.by, &c.group),
            name(&report.by, &c.baseline_group),
            c.n_rollouts,
            c.baseline_n_rollouts
        ),
        format!(
            "AUC {} vs {}: difference {} {}, relative {} {}, {}",
            number(c.auc),
            number(c.baseline_auc),
            c.auc_diff.map_or("–".into(), |d| signed(d, 2)),
            interval(c.auc_diff_ci, 1.0, 2),
            c.auc_rel_change.map_or("–".into(), |r| format!("{} %", signed(r * 100.0, 1))),
            interval(c.auc_rel_change_ci, 100.0, 1),
            c.auc_p_value.map_or("p –".into(), p_value),
        ),
        format!(
            "self-deletion {} vs {}: difference {} pp {}, {}",
            percent(c.self_deletion_rate),
            percent(c.baseline_self_deletion_rate),
            c.self_deletion_diff.map_or("–".into(), |d| signed(d * 100.0, 1)),
            interval(c.self_deletion_diff_ci, 100.0, 1),
            c.self_deletion_p_value.map_or("p –".into(), p_value),
        ),
    ];
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
    lines.extend(columns(&rows));
    lines
}

/// A group's name: its values in `--by` order, joined by `·` (`bct·math`).
fn name(by: &[String], key: &GroupKey) -> String {
    let values: Vec<String> = by.iter().filter_map(|f| key.get(f)).map(text_of).collect();
    if values.is_empty() { "all rollouts".to_string() } else { values.join("·") }
}

fn text_of(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn number(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.2}"))
}

/// 5 → `5`, 7.5 → `7.5`.
fn threshold(t: f64) -> String {
    if t.fract() == 0.0 { format!("{t:.0}") } else { t.to_string() }
}

/// With its sign, a true minus, `decimals` places: `−95`, `+12.5`, `0`.
fn signed(x: f64, decimals: usize) -> String {
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
fn percent(x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(v) => {
            let p = v * 100.0;
            if p == 0.0 || p.abs() >= 9.95 { format!("{p:.0} %") } else { format!("{p:.1} %") }
        }
    }
}

fn interval(ci: Option<(f64, f64)>, scale: f64, decimals: usize) -> String {
    ci.map_or(String::new(), |(lo, hi)| {
        format!("[{}, {}]", signed(lo * scale, decimals), signed(hi * scale, decimals))
    })
}

/// `p < 0.0001`, `p = 0.003`, `p = 0.04`.
fn p_value(p: f64) -> String {
    if p < 0.0001 { "p < 0.0001".to_string() } else { format!("p = {}", short_p(p)) }
}

fn short_p(p: f64) -> String {
    match p {
        p if p < 0.0001 => "<0.0001".to_string(),
        p if p < 0.001 => format!("{p:.4}"),
        p if p < 0.01 => format!("{p:.3}"),
        p => format!("{p:.2}"),
    }
}

#[cfg(test)]
mod tests;
