//! The compare view: each group's per-turn difference from its baseline with the bootstrap
//! band, the turns with Holm-adjusted p < 0.05 marked, then the headline table and the selected
//! comparison's sentence — the figures of `rollscope compare`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Dataset, GraphType, Paragraph, Widget, Wrap};

use super::stats::{Series, chart, line_points, number_groups, series_style};
use super::theme::Theme;
use crate::app::compare_view::CompareView;
use crate::metrics::compare::text::{headline, interval, name, percent, short_p, signed, threshold};
use crate::metrics::compare::{CompareReport, Comparison};
use crate::metrics::study::value_text;
use crate::sanitize;

/// Below this the difference is marked significant (Holm-adjusted over the turns).
const ALPHA: f64 = 0.05;

/// The compare view, drawn from its state.
pub struct CompareWidget<'a> {
    pub view: &'a CompareView,
    pub score: &'a str,
    pub threshold: f64,
    pub theme: Theme,
}

impl Widget for CompareWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (self.view, self.theme);
        Clear.render(area, buf);
        let baseline =
            view.baseline.as_ref().map_or_else(String::new, |(f, v)| format!(" · baseline {f}={v}"));
        let status = if view.computing { " · computing…" } else { "" };
        let title = format!(
            " Compare · {} · threshold {}{baseline}{status} ",
            sanitize::clean(self.score),
            threshold(self.threshold)
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(sanitize::clean(&title).into_owned(), theme.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        if let Some(error) = &view.error {
            let lines = vec![
                Line::styled(sanitize::clean(error).into_owned(), theme.warning()),
                Line::raw(""),
                Line::styled("b picks a baseline among the values of the first --by field", theme.dim()),
            ];
            Paragraph::new(lines).wrap(Wrap { trim: false }).render(inner, buf);
            return;
        }
        let Some(report) = &view.report else {
            Paragraph::new(Line::styled("computing…", theme.dim())).render(inner, buf);
            return;
        };
        if report.comparisons.is_empty() {
            let text =
                "nothing to compare: every group is a baseline group, or has none (b: another baseline)";
            Paragraph::new(Line::styled(text, theme.dim())).wrap(Wrap { trim: false }).render(inner, buf);
            return;
        }
        let table_rows = report.comparisons.len() as u16 + 1;
        let rows = Layout::vertical([Constraint::Min(6), Constraint::Length(table_rows + 4)]).split(inner);
        diff_chart(buf, rows[0], report, view.selected, theme);
        let lower = Layout::vertical([Constraint::Length(table_rows), Constraint::Min(1)]).split(rows[1]);
        table(buf, lower[0], report, view.selected, theme);
        if let Some(c) = report.comparisons.get(view.selected) {
            let sentence = sanitize::clean(&headline(report, c)).into_owned();
            Paragraph::new(vec![Line::raw(""), Line::styled(sentence, theme.header())])
                .wrap(Wrap { trim: false })
                .render(lower[1], buf);
        }
    }
}

/// The y range that holds every difference and band, and zero, with a little room.
fn y_range(report: &CompareReport) -> (f64, f64) {
    let values = report.comparisons.iter().flat_map(|c| &c.per_turn).flat_map(|t| {
        let ci = t.mean_diff_ci.map_or([None, None], |(lo, hi)| [Some(lo), Some(hi)]);
        [t.mean_diff, ci[0], ci[1]]
    });
    let (lo, hi) = values.flatten().fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo.floor().min(-1.0), hi.ceil().max(1.0))
}

fn diff_chart(buf: &mut Buffer, area: Rect, report: &CompareReport, selected: usize, theme: Theme) {
    let max_turn = report.comparisons.iter().map(|c| c.per_turn.len()).max().unwrap_or(1).max(1) as f64;
    let mut series: Vec<Series> = Vec::new();
    let mut means = Vec::new();
    series.push((vec![(1.0, 0.0), (max_turn, 0.0)], theme.dim(), Marker::Braille, GraphType::Line));
    for (i, c) in report.comparisons.iter().enumerate() {
        let (style, marker, _) = series_style(theme, i);
        let style = if i == selected { style.add_modifier(Modifier::BOLD) } else { style };
        let at = |value: fn(&crate::metrics::compare::TurnComparison) -> Option<f64>| -> Vec<(f64, f64)> {
            c.per_turn.iter().filter_map(|t| value(t).map(|v| (t.turn as f64, v))).collect()
        };
        let (line, kind) = line_points(theme, i, at(|t| t.mean_diff));
        means.push(at(|t| t.mean_diff));
        series.push((line, style, marker, kind));
        // Without colour one band is drawn, the selected one's, so bands are not mixed up.
        if theme.color || i == selected {
            let band = style.add_modifier(Modifier::DIM);
            series.push((at(|t| t.mean_diff_ci.map(|c| c.0)), band, Marker::Dot, GraphType::Scatter));
            series.push((at(|t| t.mean_diff_ci.map(|c| c.1)), band, Marker::Dot, GraphType::Scatter));
        }
        let significant = at(|t| t.mean_diff.filter(|_| t.p_holm.is_some_and(|p| p < ALPHA)));
        series.push((significant, style, Marker::Block, GraphType::Scatter));
    }
    let datasets = series
        .iter()
        .map(|(pts, style, marker, kind)| {
            Dataset::default().data(pts).style(*style).marker(*marker).graph_type(*kind)
        })
        .collect();
    let title = format!("difference from the baseline per turn (dots: 95% CI · █ p_holm < {ALPHA})");
    chart(buf, area, &title, datasets, max_turn, y_range(report), theme);
    number_groups(buf, area, y_range(report), max_turn, &means, theme);
}

/// One row per comparison: sizes, AUC and its change, % ≥ T at the last common turn,
/// self-deletion; the selected row reversed. Where the width is short, the columns least
/// needed for the headline (sizes, then the AUCs themselves, then p) are left out, never cut.
fn table(buf: &mut Buffer, area: Rect, report: &CompareReport, selected: usize, theme: Theme) {
    let comparisons = &report.comparisons;
    // Each group is compared with the baseline group sharing its other values: the group's
    // own name says which comparison a row is (the sentence below spells out both).
    let names: Vec<String> =
        comparisons.iter().map(|c| sanitize::clean(&name(&report.by, &c.group)).into_owned()).collect();
    let baseline =
        report.baseline.iter().next().map_or(String::new(), |(f, v)| format!("{f}={}", value_text(v)));
    let heading = sanitize::clean(&format!("vs {baseline}")).into_owned();
    // (heading, cells, priority: lower is dropped first)
    let mut columns: Vec<(String, Vec<String>, u8)> = vec![
        (
            "n".into(),
            comparisons.iter().map(|c| format!("{}/{}", c.n_rollouts, c.baseline_n_rollouts)).collect(),
            0,
        ),
        (
            "AUC".into(),
            comparisons.iter().map(|c| format!("{} vs {}", short(c.auc), short(c.baseline_auc))).collect(),
            1,
        ),
        ("change [95% CI]".into(), comparisons.iter().map(change).collect(), 5),
        ("p".into(), comparisons.iter().map(|c| c.auc_p_value.map_or("–".into(), short_p)).collect(), 2),
        (
            format!("≥{} last turn", threshold(report.threshold)),
            comparisons.iter().map(last_turn).collect(),
            4,
        ),
        ("self-deletion".into(), comparisons.iter().map(self_deletion).collect(), 3),
    ];
    let width_of = |heading: &str, cells: &[String]| {
        cells
            .iter()
            .chain(std::iter::once(&heading.to_string()))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    // Each row starts with its group's mark (`⣿`, or without colour `1 ━━━`) and a space.
    let mark_width =
        (0..names.len()).map(|i| series_style(theme, i).2.chars().count()).max().unwrap_or(1) + 1;
    let available = area.width.saturating_sub(mark_width as u16) as usize;
    // The longest name and the space after it.
    let name_width =
        (names.iter().chain([&heading]).map(|n| n.chars().count()).max().unwrap_or(0) + 1).clamp(10, 36);
    let total = |columns: &[(String, Vec<String>, u8)], name: usize| {
        name + columns.iter().map(|(h, cells, _)| 2 + width_of(h, cells)).sum::<usize>()
    };
    // Drop the columns below the headline's (priority < 3) before cutting the names; the
    // headline's own only when even short names do not leave room.
    loop {
        let lowest = columns.iter().enumerate().min_by_key(|(_, c)| c.2).map(|(i, c)| (i, c.2));
        match lowest {
            Some((i, priority)) if columns.len() > 1 => {
                let names_fit = total(&columns, name_width) <= available;
                let short_fit = total(&columns, 10) <= available;
                if short_fit && (names_fit || priority >= 3) {
                    break;
                }
                columns.remove(i);
            }
            _ => break,
        }
    }
    let name_width = name_width.min(available.saturating_sub(total(&columns, 0))).max(10);
    let line = |name: &str, cells: Vec<&str>| -> String {
        // `fit` pads to the width and adds a space: the column is `name_width` wide.
        let mut text = super::list::fit(name, name_width - 1);
        for ((heading, all, _), cell) in columns.iter().zip(cells) {
            let w = width_of(heading, all);
            text.push_str(&format!("  {cell:<w$}"));
        }
        text
    };
    let headings: Vec<&str> = columns.iter().map(|(h, _, _)| h.as_str()).collect();
    let mut lines =
        vec![Line::styled(format!("{:mark_width$}{}", "", line(&heading, headings)), theme.header())];
    for (i, label) in names.iter().enumerate() {
        let (style, _, glyph) = series_style(theme, i);
        let cells: Vec<&str> = columns.iter().map(|(_, cells, _)| cells[i].as_str()).collect();
        let row_style = if i == selected { theme.selected_row(true) } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!("{glyph:<mark_width$}"), style),
            Span::styled(line(label, cells), row_style),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

fn short(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.2}"))
}

/// `−95 % [−97, −93]`, else the difference of AUCs with its interval.
fn change(c: &Comparison) -> String {
    match (c.auc_rel_change, c.auc_diff) {
        (Some(rel), _) => format!("{} % {}", signed(rel * 100.0, 0), interval(c.auc_rel_change_ci, 100.0, 0)),
        (None, Some(d)) => format!("{} {}", signed(d, 2), interval(c.auc_diff_ci, 1.0, 2)),
        (None, None) => "–".into(),
    }
}

/// `t20 0 % vs 62 %`.
fn last_turn(c: &Comparison) -> String {
    match c.last_common_turn.and_then(|t| c.per_turn.get(t - 1)) {
        Some(t) => {
            format!("t{} {} vs {}", t.turn, percent(t.frac_at_or_above), percent(t.baseline_frac_at_or_above))
        }
        None => "–".into(),
    }
}

fn self_deletion(c: &Comparison) -> String {
    let p = c.self_deletion_p_value.map_or_else(String::new, |p| format!(" (p {})", short_p(p)));
    format!("{} vs {}{p}", percent(c.self_deletion_rate), percent(c.baseline_self_deletion_rate))
}
