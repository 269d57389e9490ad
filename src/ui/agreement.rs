//! Where the judge is wrong, drawn: the calibration chart (per judge level, the humans' mean
//! score with its 95 % CI, beside the diagonal a perfect judge would sit on) and the 11×11
//! table of human level against judge level as a heat map.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Widget};

use super::theme::Theme;
use crate::metrics::agreement::{CalibrationLevel, LevelTable};

/// Human mean per judge level, with its interval, and the diagonal.
pub struct CalibrationChart<'a> {
    pub levels: &'a [CalibrationLevel],
    pub theme: Theme,
}

impl Widget for CalibrationChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let diagonal = vec![(0.0, 0.0), (10.0, 10.0)];
        let means: Vec<(f64, f64)> = self.levels.iter().map(|l| (f64::from(l.level), l.human_mean)).collect();
        let bars: Vec<Vec<(f64, f64)>> = self
            .levels
            .iter()
            .filter_map(|l| l.ci.map(|(lo, hi)| vec![(f64::from(l.level), lo), (f64::from(l.level), hi)]))
            .collect();
        let accent = theme.accent();
        let mut datasets = vec![
            Dataset::default()
                .data(&diagonal)
                .style(theme.dim())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line),
        ];
        datasets.extend(bars.iter().map(|bar| {
            Dataset::default().data(bar).style(accent).marker(Marker::Braille).graph_type(GraphType::Line)
        }));
        datasets.push(
            Dataset::default()
                .data(&means)
                .style(accent.add_modifier(Modifier::BOLD))
                .marker(Marker::Block)
                .graph_type(GraphType::Scatter),
        );
        let labels = || vec![Span::raw("0"), Span::raw("5"), Span::raw("10")];
        Chart::new(datasets)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.dim())
                    .title(Span::styled(" your mean per judge level (│ 95% CI, ╱ equal) ", theme.title())),
            )
            .x_axis(Axis::default().title("judge").bounds([0.0, 10.0]).labels(labels()).style(theme.dim()))
            .y_axis(Axis::default().title("you").bounds([0.0, 10.0]).labels(labels()).style(theme.dim()))
            .render(area, buf);
    }
}

/// Counts of (human level, judge level): a cell per pair, shaded by its count (a colour ramp,
/// or shade glyphs without colour), the count written in it.
pub struct LevelHeatMap<'a> {
    pub table: &'a LevelTable,
    pub theme: Theme,
}

const SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];

impl Widget for LevelHeatMap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let max = self.table.iter().flatten().copied().max().unwrap_or(0).max(1);
        // 0 for none, then four steps up to the largest count.
        let shade = |count: usize| if count == 0 { 0 } else { 1 + ((count - 1) * 4 / max).min(3) };
        let mut lines = vec![Line::styled(
            format!("you\\judge{}", (0..=10).map(|j| format!("{j:>3}")).collect::<String>()),
            theme.header(),
        )];
        // The human's 10 at the top, as the chart's y axis.
        for human in (0..=10).rev() {
            let mut spans = vec![Span::styled(format!("{human:>9}"), theme.header())];
            for judge in 0..=10 {
                let count = self.table[human][judge];
                let level = shade(count);
                let text = if count == 0 { "  ·".to_string() } else { format!("{count:>3}") };
                let style = if theme.color {
                    let ramp = [
                        Color::Reset,
                        Color::Indexed(24),
                        Color::Indexed(31),
                        Color::Indexed(38),
                        Color::Indexed(45),
                    ];
                    let style = Style::new().bg(ramp[level]);
                    if human == judge { style.add_modifier(Modifier::UNDERLINED) } else { style }
                } else {
                    Style::new()
                };
                let cell =
                    if theme.color || count == 0 { text } else { format!("{}{}", SHADES[level], &text[1..]) };
                spans.push(Span::styled(cell, style));
            }
            lines.push(Line::from(spans));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.dim())
            .title(Span::styled(" turns by your level and the judge's ", theme.title()));
        Paragraph::new(lines).block(block).render(area, buf);
    }
}
