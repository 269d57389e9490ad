//! The statistics view: mean score per turn with its CI band, % ≥ threshold, cumulative
//! self-deletion, and per-conversation AUC, one series per group (colour, and a distinct
//! marker under NO_COLOR), with the human mean overlaid where labels exist.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph, Widget};

use super::series;
use super::theme::Theme;
use crate::app::stats_view::StatsView;
use crate::metrics::study::{GroupStats, TurnStats};
use crate::sanitize;

/// Group `i`'s style, marker and legend mark: its colour and `⣿` with colour; without, its
/// number and dash pattern (`series`), drawn in Braille.
pub(super) fn series_style(theme: Theme, i: usize) -> (Style, Marker, String) {
    let mark = if theme.color { "⣿".to_string() } else { series::legend_mark(i) };
    (theme.group(i), Marker::Braille, mark)
}

/// A group's line: solid in its colour, or without colour its dashes as scattered dots.
pub(super) fn line_points(theme: Theme, i: usize, points: Vec<(f64, f64)>) -> (Vec<(f64, f64)>, GraphType) {
    if theme.color { (points, GraphType::Line) } else { (series::dashed(&points, i), GraphType::Scatter) }
}

/// Without colour, each group's number on each of its points of a chart drawn by `chart`.
pub(super) fn number_groups(
    buf: &mut Buffer,
    area: Rect,
    y: (f64, f64),
    max_x: f64,
    groups: &[Vec<(f64, f64)>],
    theme: Theme,
) {
    if theme.color {
        return;
    }
    let width = [y.0, (y.0 + y.1) / 2.0, y.1].iter().map(|v| y_label(*v).len()).max().unwrap_or(1) as u16;
    let graph = series::graph_area(area, width);
    series::number_points(buf, graph, ((1.0, max_x.max(2.0)), y), groups, theme.title());
}

fn y_label(y: f64) -> String {
    if y.fract() == 0.0 { format!("{y:.0}") } else { format!("{y:.1}") }
}

/// The statistics view: the study's figures per group as charts.
pub struct StatsWidget<'a> {
    pub view: &'a StatsView,
    pub score: &'a str,
    pub threshold: f64,
    pub theme: Theme,
}

impl Widget for StatsWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self.view, self.score, self.threshold, self.theme, area, buf);
    }
}

fn render(view: &StatsView, score: &str, threshold: f64, theme: Theme, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let status = if view.computing { " · computing…" } else { "" };
    // Chrome without colour: no group's colour is the border's.
    let block = Block::default().borders(Borders::ALL).border_style(theme.title()).title(Span::styled(
        format!(" Statistics · {} · threshold {}{status} ", sanitize::clean(score), threshold),
        theme.title(),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(stats) = &view.stats else {
        Paragraph::new(Line::styled("computing…", theme.dim())).render(inner, buf);
        return;
    };
    if stats.groups.is_empty() {
        Paragraph::new(Line::styled("no rollouts with scores", theme.dim())).render(inner, buf);
        return;
    }
    let rows = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).split(inner);
    let top = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(rows[0]);
    let bottom = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(rows[1]);
    let max_turn = stats.groups.iter().map(|g| g.per_turn.len()).max().unwrap_or(1).max(1) as f64;

    // (a) mean per turn, CI band as dotted bounds, human mean as its own series.
    let mut series: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut styles = Vec::new();
    let means: Vec<Vec<(f64, f64)>> = stats.groups.iter().map(|g| points(&g.per_turn, |t| t.mean)).collect();
    for (i, g) in stats.groups.iter().enumerate() {
        let (style, marker, _) = series_style(theme, i);
        let (line, kind) = line_points(theme, i, means[i].clone());
        series.push(line);
        styles.push((style, marker, kind, true));
        // Without colour the band's dots could not be told apart between groups.
        if theme.color {
            series.push(points(&g.per_turn, |t| t.mean_ci.map(|c| c.0)));
            styles.push((
                style.add_modifier(ratatui::style::Modifier::DIM),
                Marker::Dot,
                GraphType::Scatter,
                false,
            ));
            series.push(points(&g.per_turn, |t| t.mean_ci.map(|c| c.1)));
            styles.push((
                style.add_modifier(ratatui::style::Modifier::DIM),
                Marker::Dot,
                GraphType::Scatter,
                false,
            ));
        }
        if let Some(human) = view.human.get(i) {
            let pts: Vec<(f64, f64)> =
                human.iter().enumerate().filter_map(|(t, v)| v.map(|v| (t as f64 + 1.0, v))).collect();
            if !pts.is_empty() {
                series.push(pts);
                styles.push((style, Marker::Bar, GraphType::Scatter, false));
            }
        }
    }
    series.push(vec![(1.0, threshold), (max_turn, threshold)]);
    styles.push((theme.threshold(), Marker::Braille, GraphType::Line, false));
    let datasets = series
        .iter()
        .zip(&styles)
        .map(|(pts, (style, marker, kind, _))| {
            Dataset::default().data(pts).style(*style).marker(*marker).graph_type(*kind)
        })
        .collect();
    let title = if theme.color {
        "mean score per turn (dots: 95% CI · ▄ your labels)"
    } else {
        "mean score per turn (▄ your labels)"
    };
    chart(buf, top[0], title, datasets, max_turn, (0.0, 10.0), theme);
    number_groups(buf, top[0], (0.0, 10.0), max_turn, &means, theme);

    // (b) % at or above the threshold, (c) cumulative self-deletion.
    for (panel, title, value) in [
        (
            top[1],
            format!("% of turns ≥ {threshold}"),
            (|t: &TurnStats| t.frac_at_or_above) as fn(&TurnStats) -> Option<f64>,
        ),
        (bottom[0], "cumulative self-deletion".to_string(), |t: &TurnStats| t.self_deleted_cum),
    ] {
        let values: Vec<Vec<(f64, f64)>> =
            stats.groups.iter().map(|g| points(&g.per_turn, |t| value(t).map(|v| v * 100.0))).collect();
        let lines: Vec<(Vec<(f64, f64)>, GraphType)> =
            values.iter().enumerate().map(|(i, pts)| line_points(theme, i, pts.clone())).collect();
        let datasets = lines
            .iter()
            .enumerate()
            .map(|(i, (pts, kind))| {
                let (style, marker, _) = series_style(theme, i);
                Dataset::default().data(pts).style(style).marker(marker).graph_type(*kind)
            })
            .collect();
        chart(buf, panel, &title, datasets, max_turn, (0.0, 100.0), theme);
        number_groups(buf, panel, (0.0, 100.0), max_turn, &values, theme);
    }
    if view.table
        && let Some(group) = stats.groups.get(view.selected)
    {
        turn_table(buf, rows[1], group, view.selected, threshold, theme);
        return;
    }
    // (d) the legend, and under it, where there is room, each rollout's AUC as a strip per
    // group with the group mean marked (the study's Figure 6d).
    // (A legend narrower than this puts each group's figures on a line of their own.)
    let per_group = if bottom[1].width >= 56 { 1 } else { 2 };
    let legend_rows = stats.groups.len() as u16 * per_group + 3;
    if bottom[1].height >= legend_rows + 6 {
        let parts = Layout::vertical([Constraint::Length(legend_rows), Constraint::Min(6)]).split(bottom[1]);
        legend(buf, parts[0], &stats.groups, theme);
        strip_plot(buf, parts[1], &stats.groups, &view.aucs, theme);
    } else {
        legend(buf, bottom[1], &stats.groups, theme);
    }
}

/// Points of one dataset, with how they are drawn.
pub(super) type Series = (Vec<(f64, f64)>, Style, Marker, GraphType);

/// Per-conversation AUC, one row per group (top to bottom in legend order): a dot per rollout,
/// spread a little up and down so equal values stay visible, and a bar at the group's mean.
fn strip_plot(buf: &mut Buffer, area: Rect, groups: &[GroupStats], aucs: &[Vec<f64>], theme: Theme) {
    let n = groups.len().max(1) as f64;
    let top = |i: usize| n - 1.0 - i as f64;
    let mut series: Vec<Series> = Vec::new();
    let max_x = aucs.iter().flatten().fold(10.0f64, |m, x| m.max(*x));
    for (i, points) in aucs.iter().enumerate().take(groups.len()) {
        let (style, marker, _) = series_style(theme, i);
        // A fixed spread (golden-ratio steps): the same picture every time.
        let dots =
            points.iter().enumerate().map(|(k, x)| (*x, top(i) + ((k as f64 * 0.618).fract() - 0.5) * 0.5));
        series.push((dots.collect(), style, marker, GraphType::Scatter));
        if let Some(mean) = groups[i].auc_mean {
            let bar = vec![(mean, top(i) - 0.45), (mean, top(i) + 0.45)];
            series.push((
                bar,
                style.add_modifier(ratatui::style::Modifier::BOLD),
                Marker::HalfBlock,
                GraphType::Line,
            ));
        }
    }
    let datasets = series
        .iter()
        .map(|(pts, style, marker, kind)| {
            Dataset::default().data(pts).style(*style).marker(*marker).graph_type(*kind)
        })
        .collect::<Vec<_>>();
    let x_labels = vec![Span::raw("0"), Span::raw(format!("{}", max_x / 2.0)), Span::raw(format!("{max_x}"))];
    let widget = Chart::new(datasets)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.dim())
                .title(Span::styled(" AUC per rollout, mean marked ", theme.title())),
        )
        .x_axis(Axis::default().bounds([0.0, max_x]).labels(x_labels).style(theme.dim()))
        .y_axis(Axis::default().bounds([-0.5, n - 0.5]));
    // Without colour the rows are named by the groups' numbers, the top row first.
    let widget = if theme.color || area.height < groups.len() as u16 + 4 {
        widget
    } else {
        let labels: Vec<Span> =
            (0..groups.len()).rev().map(|i| Span::raw(series::number(i).to_string())).collect();
        widget.y_axis(Axis::default().bounds([-0.5, n - 0.5]).labels(labels).style(theme.dim()))
    };
    widget.render(area, buf);
}

fn points(turns: &[TurnStats], value: impl Fn(&TurnStats) -> Option<f64>) -> Vec<(f64, f64)> {
    turns.iter().filter_map(|t| value(t).map(|v| (t.turn as f64, v))).collect()
}

/// The x axis labels of a chart over turns 1..`max_x`: the ends, and the middle when there is
/// one (two turns would read `1 1 2`).
pub(super) fn turn_labels(max_x: f64) -> Vec<Span<'static>> {
    let mut labels = vec![Span::raw("1")];
    if max_x >= 4.0 {
        labels.push(Span::raw(format!("{}", (max_x / 2.0).round())));
    }
    labels.push(Span::raw(format!("{}", max_x.max(2.0))));
    labels
}

/// A chart over turns 1..`max_x`, the y axis from `y.0` to `y.1`.
pub(super) fn chart(
    buf: &mut Buffer,
    area: Rect,
    title: &str,
    datasets: Vec<Dataset>,
    max_x: f64,
    (min_y, max_y): (f64, f64),
    theme: Theme,
) {
    let x_labels = turn_labels(max_x);
    let label = |y: f64| Span::raw(y_label(y));
    let y_labels = vec![label(min_y), label((min_y + max_y) / 2.0), label(max_y)];
    let widget = Chart::new(datasets)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.dim())
                .title(Span::styled(format!(" {title} "), theme.title())),
        )
        .x_axis(Axis::default().bounds([1.0, max_x.max(2.0)]).labels(x_labels).style(theme.dim()))
        .y_axis(Axis::default().bounds([min_y, max_y]).labels(y_labels).style(theme.dim()));
    widget.render(area, buf);
}

/// Groups with their marker/colour, size, self-deletion rate and AUC (mean score per rollout).
/// One line per group where it fits; else the figures go on a line of their own under the
/// name, so no column is ever cut.
fn legend(buf: &mut Buffer, area: Rect, groups: &[GroupStats], theme: Theme) {
    let rows: Vec<(Style, String, String, String)> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let (style, _, glyph) = series_style(theme, i);
            let name = group_name(g);
            let auc = match (g.auc_mean, g.auc_ci) {
                (Some(m), Some((lo, hi))) => format!("{m:.2} [{lo:.2}, {hi:.2}]"),
                (Some(m), None) => format!("{m:.2}"),
                _ => "–".into(),
            };
            let deleted = g.self_deletion_rate.map_or("–".into(), |r| format!("{:.0}%", r * 100.0));
            (
                style,
                glyph,
                sanitize::clean(&name).into_owned(),
                format!("{:>4} {:>7}  {auc}", g.n_rollouts, deleted),
            )
        })
        .collect();
    use unicode_width::UnicodeWidthStr;
    let inner_width = area.width.saturating_sub(2) as usize;
    let mark_width = rows.iter().map(|(_, glyph, _, _)| glyph.width()).max().unwrap_or(1) + 1;
    let name_width = rows.iter().map(|(_, _, name, _)| name.width()).max().unwrap_or(0).max(5);
    let one_line = rows
        .iter()
        .all(|(_, _, _, figures)| mark_width + name_width + 1 + figures.chars().count() <= inner_width);
    let mut lines = Vec::new();
    if one_line {
        let header = format!("{:<w$}n  selfdel  AUC [95% CI]", "group", w = mark_width + name_width + 1 + 3);
        lines.push(Line::styled(header, theme.header()));
        for (style, glyph, name, figures) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("{glyph:<mark_width$}"), style),
                Span::styled(format!("{name:<name_width$} "), style),
                Span::raw(figures),
            ]));
        }
    } else {
        lines.push(Line::styled("group: n · selfdel · AUC [95% CI]", theme.header()));
        for (style, glyph, name, figures) in rows {
            lines.push(Line::from(vec![Span::styled(format!("{glyph} "), style), Span::styled(name, style)]));
            lines.push(Line::raw(format!("  {}", figures.trim_start())));
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dim())
        .title(Span::styled(" groups ", theme.title()));
    Paragraph::new(lines).block(block).render(area, buf);
}

/// The selected group's figures turn by turn (`t`), over the lower half of the view.
fn turn_table(buf: &mut Buffer, area: Rect, group: &GroupStats, i: usize, threshold: f64, theme: Theme) {
    let pct = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0));
    let ci = |c: Option<(f64, f64)>, scale: f64, digits: usize| {
        c.map_or("–".to_string(), |(lo, hi)| format!("[{:.digits$}, {:.digits$}]", lo * scale, hi * scale))
    };
    let header = format!(
        "{:>5}  {:>6}  {:<16}  {:>7}  {:<12}  {:>5}",
        "turn",
        "mean",
        "95% CI",
        format!("≥ {threshold}"),
        "95% CI",
        "n"
    );
    let mut lines = vec![Line::styled(header, theme.header())];
    for t in &group.per_turn {
        lines.push(Line::raw(format!(
            "{:>5}  {:>6}  {:<16}  {:>7}  {:<12}  {:>5}",
            t.turn,
            t.mean.map_or("–".to_string(), |m| format!("{m:.2}")),
            ci(t.mean_ci, 1.0, 2),
            pct(t.frac_at_or_above),
            ci(t.frac_ci, 100.0, 0),
            t.n
        )));
    }
    let (style, _, mark) = series_style(theme, i);
    let title = Line::from(vec![
        Span::styled(format!(" {mark} "), style),
        Span::styled(
            format!("{} per turn · j/k group · t closes ", sanitize::clean(&group_name(group))),
            theme.title(),
        ),
    ]);
    let block = Block::default().borders(Borders::ALL).border_style(theme.dim()).title(title);
    Clear.render(area, buf);
    Paragraph::new(lines).block(block).render(area, buf);
}

/// A group's name: its values joined with `·`, an empty value (no `dataset`) left out, as it
/// says nothing; `all` for the one group of an ungrouped study.
fn group_name(g: &GroupStats) -> String {
    let values: Vec<String> = g
        .key
        .values()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .filter(|v| !v.is_empty() && v != "null")
        .collect();
    if values.is_empty() { "all".to_string() } else { values.join(" · ") }
}
