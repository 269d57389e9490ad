//! `rollscope compare`: each group against its baseline. The text leads with one sentence per
//! comparison — the study's headline, with intervals and p-values — then a table per
//! comparison; `--json` prints the report as `metrics::compare` builds it.

use anyhow::{Result, bail};

use super::output::columns;
use super::{Output, active_score, load_study, warn};
use crate::cli::CompareArgs;
use crate::metrics::compare::text::{
    headline, interval, name, number, p_value, percent, signed, threshold, turn_table,
};
use crate::metrics::compare::{CompareReport, Comparison, compare};
use crate::metrics::study::value_text;

pub fn run(args: &CompareArgs) -> Result<()> {
    let definition = &args.study.study;
    let study = load_study(&args.paths, definition)?;
    let Some(score) = active_score(&study, definition)? else {
        bail!("this study has no judge scores to compare");
    };
    let threshold = definition.threshold.unwrap_or(super::DEFAULT_THRESHOLD);
    let options = args.comparing.options(&study, score, threshold)?;
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

fn methods(report: &CompareReport) -> String {
    let (field, value) = report
        .baseline
        .iter()
        .next()
        .map_or((String::new(), String::new()), |(f, v)| (f.clone(), value_text(v)));
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
    lines.extend(columns(&turn_table(report, c)));
    lines
}

#[cfg(test)]
mod tests;
