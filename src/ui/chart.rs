//! The per-turn score chart of the selected rollout: one bar per turn (eighth-block precision),
//! the threshold line, the selected turn and the self-deletion turn marked, human scores beside
//! the judge's bars. Values outside 0–10 (probes) are drawn on their own range with its ends
//! labelled; a categorical score is a coloured cell per turn under a legend. It draws from the
//! index alone, so it appears before the transcript text is read, and reports where it drew
//! each turn for the mouse.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Widget};

use super::theme::Theme;
use crate::app::layout::ChartHits;
use crate::app::view::{ChartView, Judged};
use crate::study::ScoreScale;

const EIGHTHS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// Where turns are drawn inside the chart.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    plot: Rect,
    /// First turn shown (1-based) and how many fit.
    first_turn: usize,
    visible: usize,
    /// Columns per turn.
    slot: u16,
}

/// The y-axis labels of a scale, top and bottom (none for categories: the legend says).
fn axis_labels(scale: &ScoreScale) -> Option<(String, String)> {
    match scale {
        ScoreScale::Judge => Some(("10".into(), " 0".into())),
        ScoreScale::Range { lo, hi } => Some((short_number(*hi), short_number(*lo))),
        ScoreScale::Categories(_) => None,
    }
}

/// A number in at most 5 columns.
fn short_number(x: f64) -> String {
    let text = if x.abs() >= 1000.0 { format!("{x:.0e}") } else { format!("{x:.2}") };
    let text =
        if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    text.chars().take(5).collect()
}

impl Geometry {
    /// `axis` columns are kept left of the plot for the labels, and `top` rows above it.
    fn of(area: Rect, n_turns: usize, selected: usize, axis: u16, top: u16) -> Option<Geometry> {
        let inner = Block::default().borders(Borders::ALL).inner(area);
        if inner.width <= axis || inner.height < 3 + top || n_turns == 0 {
            return None;
        }
        let plot = Rect::new(inner.x + axis, inner.y + top, inner.width - axis, inner.height - 1 - top);
        let slot = (plot.width as usize / n_turns).clamp(1, 6) as u16;
        let visible = (plot.width / slot) as usize;
        let first_turn = if n_turns <= visible {
            1
        } else {
            selected.saturating_sub(visible / 2).clamp(1, n_turns - visible + 1)
        };
        Some(Geometry { plot, first_turn, visible: visible.min(n_turns), slot })
    }

    fn hits(&self) -> ChartHits {
        ChartHits {
            x: self.plot.x,
            width: self.plot.width,
            first_turn: self.first_turn,
            visible: self.visible,
            slot: self.slot,
        }
    }

    fn column_of(&self, turn: usize) -> Option<u16> {
        let offset = turn.checked_sub(self.first_turn)?;
        (offset < self.visible).then(|| self.plot.x + offset as u16 * self.slot)
    }

    /// Row whose band holds `value`, which lies `fraction` (0–1) of the way up the scale.
    fn row_of(&self, fraction: f64) -> u16 {
        let h = self.plot.height;
        let from_bottom = (fraction * f64::from(h)).floor().clamp(0.0, f64::from(h - 1)) as u16;
        self.plot.y + h - 1 - from_bottom
    }
}

/// The chart pane.
pub struct ChartWidget {
    pub view: ChartView,
    pub theme: Theme,
}

impl Widget for ChartWidget {
    fn render(self, area: Rect, buf: &mut Buffer) {
        self.draw(area, buf);
    }
}

impl ChartWidget {
    /// Draws the chart and says where each turn went.
    pub fn draw(self, area: Rect, buf: &mut Buffer) -> Option<ChartHits> {
        let (view, theme) = (&self.view, self.theme);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(view.focused))
            .title(Span::styled(crate::sanitize::clean(&view.title).into_owned(), theme.title()));
        block.render(area, buf);
        let labels = axis_labels(&view.scale);
        let axis = labels.as_ref().map_or(0, |(top, bottom)| top.len().max(bottom.len()) as u16 + 1);
        let legend = u16::from(matches!(view.scale, ScoreScale::Categories(_)));
        let g = Geometry::of(area, view.values.len(), view.selected, axis, legend)?;
        match (&view.scale, labels) {
            (ScoreScale::Categories(all), _) => draw_legend(buf, &g, all, theme),
            (scale, Some((top, bottom))) => {
                draw_axis(buf, &g, (&top, &bottom), axis, scale, view.threshold, theme)
            }
            _ => {}
        }
        for offset in 0..g.visible {
            let turn = g.first_turn + offset;
            let Some(x) = g.column_of(turn) else { continue };
            let bar_width = if g.slot >= 3 { g.slot - 1 } else { 1 };
            let selected = turn == view.selected;
            let bottom = g.plot.y + g.plot.height - 1;
            match view.values.get(turn - 1).copied().unwrap_or(Judged::Missing) {
                Judged::Score(v) => {
                    let judged = view.scale == ScoreScale::Judge;
                    let style = match (selected, judged) {
                        (true, _) => theme.accent(),
                        (false, true) => theme.score(v, view.threshold),
                        (false, false) => theme.low(),
                    };
                    draw_bar(buf, &g, x, bar_width, view.scale.fraction(v), style);
                }
                Judged::Category(place) => {
                    let place = usize::from(place);
                    let glyph = Theme::category_glyph(place);
                    let style = if selected {
                        theme.category(place).patch(theme.accent())
                    } else {
                        theme.category(place)
                    };
                    for row in g.plot.y..g.plot.y + g.plot.height {
                        for dx in 0..bar_width {
                            set(buf, x + dx, row, glyph, style);
                        }
                    }
                }
                Judged::Hidden => set(buf, x, bottom, "?", theme.dim()),
                Judged::Missing => set(buf, x, bottom, "·", theme.dim()),
            }
            // On the turn's own bar (its last column), not in the gap after it, where it read
            // as the next turn's.
            let human_x = x + bar_width - 1;
            // Another annotator's mark first, so mine is drawn over it.
            for mark in view.humans.iter().filter(|m| m.turn == turn).rev() {
                let glyph = if mark.mine { "●" } else { "○" };
                let on_judge_scale = ScoreScale::Judge.fraction(f64::from(mark.score));
                set(buf, human_x, g.row_of(on_judge_scale), glyph, theme.human());
            }
            if view.self_deleted_at == Some(turn as u32) {
                set(buf, x, g.plot.y, "✕", theme.self_deletion());
            }
            draw_turn_label(buf, &g, x, turn, view.selected, theme);
        }
        Some(g.hits())
    }
}

/// Under the bars: `▲` at the selected turn, the numbers of turn 1 and every fifth turn.
fn draw_turn_label(buf: &mut Buffer, g: &Geometry, x: u16, turn: usize, selected: usize, theme: Theme) {
    let label_row = g.plot.y + g.plot.height;
    if turn == selected {
        set(buf, x, label_row, "▲", theme.accent());
    } else if (turn.is_multiple_of(5) || turn == 1) && g.slot as usize * 5 > turn.to_string().len() {
        let text = turn.to_string();
        let marker = g.column_of(selected);
        let hides_marker = marker.is_some_and(|m| m >= x && m < x + text.len() as u16);
        if x + text.len() as u16 <= g.plot.x + g.plot.width && !hides_marker {
            set(buf, x, label_row, &text, theme.dim());
        }
    }
}

/// Each category's colour and name, in the row above the cells, as far as they fit.
fn draw_legend(buf: &mut Buffer, g: &Geometry, categories: &[std::sync::Arc<str>], theme: Theme) {
    let (mut x, end, y) = (g.plot.x, g.plot.x + g.plot.width, g.plot.y - 1);
    for (place, name) in categories.iter().enumerate() {
        let name = crate::sanitize::clean(name);
        let width = 2 + name.chars().count() as u16;
        if x + width > end {
            set(buf, x.min(end.saturating_sub(1)), y, "…", theme.dim());
            break;
        }
        set(buf, x, y, Theme::category_glyph(place), theme.category(place));
        set(buf, x + 1, y, &name, theme.dim());
        x += width + 1;
    }
}

/// Y labels (bottom, top, and on the judge's scale the threshold) and the dashed threshold
/// line.
fn draw_axis(
    buf: &mut Buffer,
    g: &Geometry,
    (top, bottom): (&str, &str),
    axis: u16,
    scale: &ScoreScale,
    threshold: f64,
    theme: Theme,
) {
    let x = g.plot.x - axis;
    set(buf, x, g.plot.y, &format!("{top:>w$}", w = usize::from(axis - 1)), theme.dim());
    set(
        buf,
        x,
        g.plot.y + g.plot.height - 1,
        &format!("{bottom:>w$}", w = usize::from(axis - 1)),
        theme.dim(),
    );
    // The threshold belongs to the judge's scale: a probe's range says nothing of it.
    if *scale != ScoreScale::Judge {
        return;
    }
    let row = g.row_of(scale.fraction(threshold));
    set(
        buf,
        x,
        row,
        &format!("{:>2}", format!("{threshold}").chars().take(2).collect::<String>()),
        theme.threshold(),
    );
    for column in g.plot.x..g.plot.x + g.plot.width {
        set(buf, column, row, "╌", theme.threshold());
    }
}

/// A bar from the bottom of the plot to `fraction` (0–1) of its height, with an eighth-block
/// top.
fn draw_bar(buf: &mut Buffer, g: &Geometry, x: u16, width: u16, fraction: f64, style: Style) {
    let eighths = (fraction * f64::from(g.plot.height) * 8.0).round() as u16;
    let bottom = g.plot.y + g.plot.height - 1;
    for level in 0..g.plot.height {
        let filled = eighths.saturating_sub(level * 8).min(8);
        if filled == 0 {
            break;
        }
        for dx in 0..width {
            set(buf, x + dx, bottom - level, EIGHTHS[filled as usize - 1], style);
        }
    }
    if eighths == 0 {
        for dx in 0..width {
            set(buf, x + dx, bottom, "▁", style.add_modifier(ratatui::style::Modifier::DIM));
        }
    }
}

fn set(buf: &mut Buffer, x: u16, y: u16, text: &str, style: Style) {
    if buf.area.contains(ratatui::layout::Position { x, y }) {
        buf.set_string(x, y, text, style);
    }
}
