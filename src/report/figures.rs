//! The study's figures from the figures `stats`, `compare` and `agree` compute: each one's
//! plot and the table of the very numbers it draws (the CSV equals `--json`'s values).

use super::figure::{Bar, BarPanel, Figure, Line, Plot, Point, Strip, Table, cell, span};
use crate::metrics::compare::text::{short_p, signed};
use crate::metrics::compare::{CompareReport, Comparison};
use crate::metrics::study::{GroupKey, GroupStats, StudyStats, TurnStats};

/// A group's name: its values in `--by` order joined by ` · `, or `all rollouts`.
pub fn group_name(by: &[String], key: &GroupKey) -> String {
    crate::metrics::compare::text::joined(by, key, " · ")
}

fn legend(stats: &StudyStats) -> Vec<(String, usize)> {
    stats.groups.iter().enumerate().map(|(i, g)| (group_name(&stats.by, &g.key), i)).collect()
}

/// A per-turn figure: `value` picks the turn's figure and its interval.
fn per_turn(
    stats: &StudyStats,
    (name, title, y_label): (&str, String, String),
    percent: bool,
    value: impl Fn(&TurnStats) -> (Option<f64>, Option<(f64, f64)>),
) -> Figure {
    let mut table = Table::new(&["group", "turn", "n", "value", "ci_low", "ci_high"]);
    let mut lines = Vec::new();
    for (i, g) in stats.groups.iter().enumerate() {
        let name = group_name(&stats.by, &g.key);
        let mut points = Vec::new();
        for t in &g.per_turn {
            let (v, ci) = value(t);
            table.rows.push(vec![
                name.clone(),
                t.turn.to_string(),
                t.n.to_string(),
                cell(v),
                cell(ci.map(|c| c.0)),
                cell(ci.map(|c| c.1)),
            ]);
            if let Some(y) = v {
                points.push(Point { x: t.turn as f64, y, band: ci });
            }
        }
        lines.push(Line { group: i, points });
    }
    let y = if percent {
        (0.0, 1.0)
    } else {
        let values = lines.iter().flat_map(|l| {
            l.points
                .iter()
                .flat_map(|p| [p.y].into_iter().chain(p.band.map(|b| b.0)).chain(p.band.map(|b| b.1)))
        });
        span(values, &[0.0, stats.threshold])
    };
    let threshold = (!percent).then_some(stats.threshold);
    Figure {
        name: name.to_string(),
        title,
        x_label: "turn".into(),
        y_label,
        plot: Plot::Lines { lines, y, threshold, percent },
        legend: legend(stats),
        table,
    }
}

/// Mean score, % ≥ T and (when any rollout self-deleted) cumulative self-deletion per turn.
pub fn turn_figures(stats: &StudyStats) -> Vec<Figure> {
    let t = crate::metrics::compare::text::threshold(stats.threshold);
    let mut figures = vec![
        per_turn(
            stats,
            (
                "mean_per_turn",
                format!("Mean {} per turn (95 % CI)", stats.score),
                format!("mean {}", stats.score),
            ),
            false,
            |t| (t.mean, t.mean_ci),
        ),
        per_turn(
            stats,
            (
                "frac_at_or_above",
                format!("Turns with {} ≥ {t} (95 % Wilson CI)", stats.score),
                format!("% ≥ {t}"),
            ),
            true,
            |t| (t.frac_at_or_above, t.frac_ci),
        ),
    ];
    if stats.groups.iter().any(|g| g.self_deletion_rate.is_some_and(|r| r > 0.0)) {
        figures.push(per_turn(
            stats,
            (
                "self_deletion_cumulative",
                "Self-deleted by turn (95 % Wilson CI)".into(),
                "% self-deleted".into(),
            ),
            true,
            |t| (t.self_deleted_cum, t.self_deleted_cum_ci),
        ));
    }
    figures
}

/// Per-conversation AUC as a jittered strip per group, the mean a diamond with its CI.
/// `aucs[g]` holds group g's (rollout id, AUC).
pub fn auc_strip(stats: &StudyStats, aucs: &[Vec<(String, f64)>], seed: u64) -> Figure {
    let mut table = Table::new(&["group", "rollout", "auc", "group_mean", "group_ci_low", "group_ci_high"]);
    let mut strips = Vec::new();
    for (i, g) in stats.groups.iter().enumerate() {
        let name = group_name(&stats.by, &g.key);
        let values = aucs.get(i).map_or(&[][..], Vec::as_slice);
        for (id, auc) in values {
            table.rows.push(vec![
                name.clone(),
                id.clone(),
                auc.to_string(),
                cell(g.auc_mean),
                cell(g.auc_ci.map(|c| c.0)),
                cell(g.auc_ci.map(|c| c.1)),
            ]);
        }
        let values: Vec<f64> = values.iter().map(|(_, a)| *a).collect();
        strips.push(Strip { name, group: i, values, mean: g.auc_mean, ci: g.auc_ci });
    }
    let all = strips.iter().flat_map(|s| s.values.iter().copied());
    let y = span(all, &[0.0, stats.threshold]);
    Figure {
        name: "auc_strip".into(),
        title: format!("Per-conversation AUC (mean {}), mean and 95 % CI", stats.score),
        x_label: String::new(),
        y_label: format!("AUC (mean {})", stats.score),
        plot: Plot::Strips { strips, y, threshold: Some(stats.threshold), seed },
        legend: legend(stats),
        table,
    }
}

/// A headline measure of a group: value, CI, and against the baseline the difference, its CI
/// and p.
type Measure = (Option<f64>, Option<(f64, f64)>, Option<f64>, Option<(f64, f64)>, Option<f64>);

/// The group's last turn with a score: the turn the headline's % ≥ T is read at.
fn last_turn(g: &GroupStats) -> Option<&TurnStats> {
    g.per_turn.iter().rev().find(|t| t.n > 0)
}

/// AUC, % ≥ T at the last turn and self-deletion per group, with CIs; against a baseline,
/// each compared group's difference and p above its bar.
pub fn headline(stats: &StudyStats, compare: Option<&CompareReport>) -> Figure {
    let t = crate::metrics::compare::text::threshold(stats.threshold);
    let against = |g: &GroupStats| -> Option<&Comparison> {
        compare.and_then(|r| r.comparisons.iter().find(|c| c.group == g.key))
    };
    let mut table = Table::new(&[
        "group",
        "measure",
        "value",
        "ci_low",
        "ci_high",
        "diff",
        "diff_ci_low",
        "diff_ci_high",
        "p",
    ]);
    let measures: [(&str, String, bool); 3] = [
        ("auc", "AUC".into(), false),
        ("frac_last_turn", format!("% ≥ {t}, last turn"), true),
        ("self_deletion", "self-deletion".into(), true),
    ];
    let mut panels: Vec<BarPanel> = measures
        .iter()
        .map(|(_, title, percent)| BarPanel { title: title.clone(), percent: *percent, bars: Vec::new() })
        .collect();
    for (i, g) in stats.groups.iter().enumerate() {
        let name = group_name(&stats.by, &g.key);
        let c = against(g);
        let last = last_turn(g);
        let last_diff = c.and_then(|c| c.last_common_turn.and_then(|t| c.per_turn.get(t - 1)));
        let rows: [Measure; 3] = [
            (
                g.auc_mean,
                g.auc_ci,
                c.and_then(|c| c.auc_diff),
                c.and_then(|c| c.auc_diff_ci),
                c.and_then(|c| c.auc_p_value),
            ),
            (
                last.and_then(|t| t.frac_at_or_above),
                last.and_then(|t| t.frac_ci),
                last_diff.and_then(|t| t.frac_diff),
                last_diff.and_then(|t| t.frac_diff_ci),
                None,
            ),
            (
                g.self_deletion_rate,
                g.self_deletion_ci,
                c.and_then(|c| c.self_deletion_diff),
                c.and_then(|c| c.self_deletion_diff_ci),
                c.and_then(|c| c.self_deletion_p_value),
            ),
        ];
        for (k, (value, ci, diff, diff_ci, p)) in rows.into_iter().enumerate() {
            table.rows.push(vec![
                name.clone(),
                measures[k].0.to_string(),
                cell(value),
                cell(ci.map(|c| c.0)),
                cell(ci.map(|c| c.1)),
                cell(diff),
                cell(diff_ci.map(|c| c.0)),
                cell(diff_ci.map(|c| c.1)),
                cell(p),
            ]);
            let note = diff.map(|d| {
                let change = match (k, c.and_then(|c| c.auc_rel_change)) {
                    (0, Some(rel)) => format!("{} %", signed(rel * 100.0, 0)),
                    (0, None) => signed(d, 2),
                    _ => format!("{} pp", signed(d * 100.0, 1)),
                };
                p.map_or(change.clone(), |p| format!("{change}, p {}", pretty_p(p)))
            });
            panels[k].bars.push(Bar { name: name.clone(), group: i, value, ci, note });
        }
    }
    let title = match compare {
        Some(r) => format!("Headline figures vs {}", group_name(&r.by, &r.baseline)),
        None => "Headline figures (95 % CI)".to_string(),
    };
    Figure {
        name: "headline".into(),
        title,
        x_label: String::new(),
        y_label: String::new(),
        plot: Plot::Bars { panels },
        legend: legend(stats),
        table,
    }
}

/// `< 0.0001`, `= 0.003`.
fn pretty_p(p: f64) -> String {
    let text = short_p(p);
    if text.starts_with('<') { text.replacen('<', "< ", 1) } else { format!("= {text}") }
}
