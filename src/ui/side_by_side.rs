//! Side by side: both score curves overlaid in one chart (the aligned turn marked), the
//! per-turn differences under it, and the two transcripts below, each drawn by the reader's
//! own widget.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph, Widget};

use super::reader::ReaderWidget;
use super::stats::{series_style, turn_labels};
use super::theme::Theme;
use crate::app::layout::SideAreas;
use crate::app::view::SideBySideView;
use crate::metrics::compare::text::signed;
use crate::sanitize;

/// The side-by-side overlay over the main screen (status and hint lines stay).
pub struct SideBySideWidget<'a> {
    pub view: SideBySideView<'a>,
    pub theme: Theme,
}

impl Widget for SideBySideWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (self.view, self.theme);
        let areas = SideAreas::of(area.width, area.height + 2);
        Clear.render(Rect { height: area.height, ..area }, buf);
        draw_chart(&view, areas.chart, buf, theme);
        ReaderWidget { view: view.left.reader, theme }.render(areas.left, buf);
        ReaderWidget { view: view.right.reader, theme }.render(areas.right, buf);
    }
}

/// `7`, `6.5`, or `–`.
fn value(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") })
}

fn difference(left: Option<f64>, right: Option<f64>) -> Option<f64> {
    Some(right? - left?)
}

fn draw_chart(view: &SideBySideView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let t = view.turn;
    let at = |scores: &[Option<f64>]| scores.get(t.wrapping_sub(1)).copied().flatten();
    let (l, r) = (at(&view.left.scores), at(&view.right.scores));
    let delta = difference(l, r).map_or("–".into(), |d| signed(d, if d.fract() == 0.0 { 0 } else { 2 }));
    let title = format!(
        " {}={} ({}/{}) · {} turn {}/{}: left {} · right {} · Δ {delta} ",
        view.field,
        view.value,
        view.at + 1,
        view.count,
        view.score,
        t,
        view.max_turn,
        value(l),
        value(r)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(sanitize::clean(&title).into_owned(), theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).split(inner);
    let max_turn = view.max_turn.max(2) as f64;
    let points = |scores: &[Option<f64>]| -> Vec<(f64, f64)> {
        scores.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64 + 1.0, v))).collect()
    };
    let (left, right) = (points(&view.left.scores), points(&view.right.scores));
    let (ls, lm, _) = series_style(theme, 0);
    let (rs, rm, _) = series_style(theme, 1);
    let cursor = vec![(t as f64, view.range.0), (t as f64, view.range.1)];
    let threshold = vec![(1.0, view.threshold), (max_turn, view.threshold)];
    let line = |data, style, marker| {
        Dataset::default().data(data).style(style).marker(marker).graph_type(GraphType::Line)
    };
    let mut datasets = vec![line(&cursor, theme.dim(), Marker::Braille)];
    if view.range == (0.0, 10.0) {
        datasets.push(line(&threshold, theme.threshold(), Marker::Braille));
    }
    // Without colour the right side is dashed (`series`), so the two lines stay apart.
    let (left, left_kind) = super::stats::line_points(theme, 0, left);
    let (right, right_kind) = super::stats::line_points(theme, 1, right);
    datasets.extend([line(&left, ls, lm).graph_type(left_kind), line(&right, rs, rm).graph_type(right_kind)]);
    let number = |x: f64| Span::raw(if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") });
    let x_labels = turn_labels(max_turn);
    let y_labels = vec![number(view.range.0), number(view.range.1)];
    Chart::new(datasets)
        .x_axis(Axis::default().bounds([1.0, max_turn]).labels(x_labels).style(theme.dim()))
        .y_axis(Axis::default().bounds([view.range.0, view.range.1]).labels(y_labels).style(theme.dim()))
        .render(rows[0], buf);
    differences(view, rows[1], buf, theme);
}

/// `⣿ left • right · Δ right − left: t5 −5 t6 −4 …` from the aligned turn on, as many as fit.
fn differences(view: &SideBySideView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let (ls, _, lg) = series_style(theme, 0);
    let (rs, _, rg) = series_style(theme, 1);
    let mut spans = vec![
        Span::styled(format!("{lg} left "), ls),
        Span::styled(format!("{rg} right "), rs),
        Span::styled("· Δ right − left:", theme.header()),
    ];
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for turn in view.turn.max(1)..=view.max_turn {
        let at = |scores: &[Option<f64>]| scores.get(turn - 1).copied().flatten();
        let d = difference(at(&view.left.scores), at(&view.right.scores));
        let text = format!(" t{turn} {}", d.map_or("–".into(), |d| signed(d, 1)));
        used += text.chars().count();
        if used > area.width as usize {
            break;
        }
        let style = if turn == view.turn { theme.accent().add_modifier(Modifier::BOLD) } else { theme.dim() };
        spans.push(Span::styled(text, style));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}
