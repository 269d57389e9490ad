//! The per-turn score chart of the selected rollout: one bar per turn (eighth-block precision),
//! the threshold line, the selected turn and the self-deletion turn marked, human scores beside
//! the judge's bars. It draws from the index alone, so it appears before the transcript text
//! is read, and reports where it drew each turn for the mouse.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Widget};

use super::theme::Theme;
use crate::app::layout::ChartHits;
use crate::app::view::{ChartView, Judged};

const EIGHTHS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
/// Columns of the y-axis labels.
const AXIS: u16 = 3;
/// The judge's scale.
const SCALE_MAX: f64 = 10.0;

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

impl Geometry {
    fn of(area: Rect, n_turns: usize, selected: usize) -> Option<Geometry> {
        let inner = Block::default().borders(Borders::ALL).inner(area);
        if inner.width <= AXIS || inner.height < 3 || n_turns == 0 {
            return None;
        }
        let plot = Rect::new(inner.x + AXIS, inner.y, inner.width - AXIS, inner.height - 1);
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

    /// Row (from the top of the plot) whose band holds `value`.
    fn row_of(&self, value: f64) -> u16 {
        let h = self.plot.height;
        let from_bottom = ((value / SCALE_MAX) * f64::from(h)).floor().clamp(0.0, f64::from(h - 1)) as u16;
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
        let g = Geometry::of(area, view.values.len(), view.selected)?;
        draw_axis(buf, &g, view.threshold, theme);
        for offset in 0..g.visible {
            let turn = g.first_turn + offset;
            let Some(x) = g.column_of(turn) else { continue };
            let bar_width = if g.slot >= 3 { g.slot - 1 } else { 1 };
            let selected = turn == view.selected;
            let bottom = g.plot.y + g.plot.height - 1;
            match view.values.get(turn - 1).copied().unwrap_or(Judged::Missing) {
                Judged::Score(v) => {
                    let style = if selected { theme.accent() } else { theme.score(v, view.threshold) };
                    draw_bar(buf, &g, x, bar_width, v, style);
                }
                Judged::Hidden => set(buf, x, bottom, "?", theme.dim()),
                Judged::Missing => set(buf, x, bottom, "·", theme.dim()),
            }
            let human_x = x + bar_width.min(g.slot - 1);
            // Another annotator's mark first, so mine is drawn over it.
            for mark in view.humans.iter().filter(|m| m.turn == turn).rev() {
                let glyph = if mark.mine { "●" } else { "○" };
                set(buf, human_x, g.row_of(f64::from(mark.score)), glyph, theme.human());
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

/// Y labels (0, the threshold, 10) and the dashed threshold line.
fn draw_axis(buf: &mut Buffer, g: &Geometry, threshold: f64, theme: Theme) {
    let x = g.plot.x - AXIS;
    set(buf, x, g.plot.y, "10", theme.dim());
    set(buf, x, g.plot.y + g.plot.height - 1, " 0", theme.dim());
    let row = g.row_of(threshold);
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

/// A bar from the bottom of the plot to `value`, with an eighth-block top.
fn draw_bar(buf: &mut Buffer, g: &Geometry, x: u16, width: u16, value: f64, style: Style) {
    let eighths = ((value.clamp(0.0, SCALE_MAX) / SCALE_MAX) * f64::from(g.plot.height) * 8.0).round() as u16;
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
