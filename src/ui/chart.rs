//! The per-turn score chart of the selected rollout: one bar per turn (eighth-block precision),
//! the threshold line, the selected turn and the self-deletion turn marked. It draws from the
//! index alone, so it appears before the transcript text is read.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use super::theme::Theme;
use crate::app::{App, Pane};
use crate::model::RolloutSummary;

const EIGHTHS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
/// Columns of the y-axis labels.
const AXIS: u16 = 3;
/// The judge's scale.
const SCALE_MAX: f64 = 10.0;

/// Where turns are drawn inside the chart.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub plot: Rect,
    /// First turn shown (1-based) and how many fit.
    pub first_turn: usize,
    pub visible: usize,
    /// Columns per turn.
    pub slot: u16,
}

impl Geometry {
    pub fn of(area: Rect, n_turns: usize, selected: usize) -> Option<Geometry> {
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

/// The turn under a screen column (for mouse clicks).
pub fn turn_at_column(app: &App, area: Rect, column: u16) -> Option<usize> {
    let summary = selected_summary(app)?;
    let g = Geometry::of(area, shown_turns(app, summary), app.reader.turn)?;
    let offset = column.checked_sub(g.plot.x)? / g.slot;
    let turn = g.first_turn + offset as usize;
    (turn < g.first_turn + g.visible).then_some(turn)
}

/// Turns drawn: all of them, except in spot-check mode, where the transcript ends at the
/// sampled turn (later turns would tell how the rollout went on).
fn shown_turns(app: &App, summary: &RolloutSummary) -> usize {
    match app.review.as_ref().and_then(|r| r.item()) {
        Some(item) if *summary.id == item.rollout => item.turn as usize,
        _ => summary.n_turns as usize,
    }
}

fn selected_summary(app: &App) -> Option<&RolloutSummary> {
    app.study.rollouts.get(app.reader.index.or(app.list.selected_rollout())?)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme { color: app.settings.color };
    let focused = app.focus == Pane::Chart && app.modal.is_none();
    let summary = selected_summary(app);
    let score = app.score_name();
    let label = app.score_label();
    let title = match summary {
        Some(s) if app.reader.turn > 0 => {
            let visible = app.reader.index.is_none_or(|i| app.judge_visible(i, app.reader.turn));
            let mut value = match s.score_at(score, app.reader.turn) {
                _ if !visible => "?".to_string(),
                Some(v) => format!("{v}"),
                None => "–".to_string(),
            };
            if let Some(human) =
                app.labels.mine.get(&s.id, Some(app.reader.turn as u32)).and_then(|l| l.score)
            {
                value.push_str(&format!(" · you {human}●"));
            }
            format!(
                " {label} · turn {}/{} = {value} · T={} ",
                app.reader.turn,
                shown_turns(app, s),
                app.settings.threshold
            )
        }
        _ => format!(" {label} "),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(crate::sanitize::clean(&title).into_owned(), theme.title()));
    frame.render_widget(block, area);
    let Some(summary) = summary else { return };
    let Some(g) = Geometry::of(area, shown_turns(app, summary), app.reader.turn) else {
        return;
    };
    let buf = frame.buffer_mut();
    draw_axis(buf, &g, app.settings.threshold, theme);
    let values = summary.turn_scores(score);
    for offset in 0..g.visible {
        let turn = g.first_turn + offset;
        let Some(x) = g.column_of(turn) else { continue };
        let bar_width = if g.slot >= 3 { g.slot - 1 } else { 1 };
        let style = if turn == app.reader.turn { theme.accent() } else { Style::new() };
        let visible = app.reader.index.is_none_or(|i| app.judge_visible(i, turn));
        match values.get(turn - 1).copied().flatten().filter(|_| visible) {
            Some(v) => {
                let bar_style = if turn == app.reader.turn {
                    theme.accent()
                } else {
                    theme.score(v, app.settings.threshold)
                };
                draw_bar(buf, &g, x, bar_width, v, bar_style);
            }
            None if !visible => set(buf, x, g.plot.y + g.plot.height - 1, "?", theme.dim()),
            None => set(buf, x, g.plot.y + g.plot.height - 1, "·", theme.dim()),
        }
        draw_human(app, buf, &g, summary, turn, x + bar_width.min(g.slot - 1), theme);
        if summary.self_deleted_at == Some(turn as u32) {
            set(buf, x, g.plot.y, "✕", theme.self_deletion());
        }
        let label_row = g.plot.y + g.plot.height;
        if turn == app.reader.turn {
            set(buf, x, label_row, "▲", style);
        } else if (turn % 5 == 0 || turn == 1) && g.slot as usize * 5 > turn.to_string().len() {
            let text = turn.to_string();
            let marker = g.column_of(app.reader.turn);
            let hides_marker = marker.is_some_and(|m| m >= x && m < x + text.len() as u16);
            if x + text.len() as u16 <= g.plot.x + g.plot.width && !hides_marker {
                set(buf, x, label_row, &text, theme.dim());
            }
        }
    }
}

/// Human scores beside the judge's bar: `●` mine, `○` another annotator's (when shown).
fn draw_human(
    app: &App,
    buf: &mut Buffer,
    g: &Geometry,
    summary: &RolloutSummary,
    turn: usize,
    x: u16,
    theme: Theme,
) {
    let labels = app.labels_on(&summary.id, Some(turn as u32));
    for (who, label) in labels.iter().rev() {
        if let Some(score) = label.score {
            let glyph = if *who == "you" { "●" } else { "○" };
            set(buf, x, g.row_of(f64::from(score)), glyph, theme.human());
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
