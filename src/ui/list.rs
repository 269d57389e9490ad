//! The rollout list: only the visible window of rows is built, whatever the study size.

use ratatui::Frame;
use ratatui::buffer::CellWidth;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::Theme;
use crate::app::{App, Pane};
use crate::model::RolloutSummary;
use crate::sanitize;

/// Sparkline levels for scores 0–10.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Column widths for an inner width.
struct Columns {
    id: usize,
    condition: usize,
    dataset: usize,
    spark: usize,
}

impl Columns {
    fn fit(width: usize) -> Columns {
        // Fixed: mark (2) + turns (4) + labelled (4) + max (5) + mean (5).
        let fixed = 20;
        let spark = if width >= 44 { 21 } else { 0 };
        let rest = width.saturating_sub(fixed + spark);
        let (condition, dataset) = if rest >= 40 {
            (10, 10)
        } else if rest >= 28 {
            (10, 0)
        } else {
            (0, 0)
        };
        Columns { id: rest.saturating_sub(condition + dataset).max(4), condition, dataset, spark }
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme { color: app.settings.color };
    let focused = app.focus == Pane::List && app.modal.is_none();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(title(app), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let columns = Columns::fit(inner.width as usize);
    let mut lines = vec![header(&columns, theme)];
    let rows = inner.height.saturating_sub(1) as usize;
    let score = app.score_name();
    for (position, &index) in app.list.rows.iter().enumerate().skip(app.list.offset).take(rows) {
        let r = &app.study.rollouts[index as usize];
        let selected = position == app.list.selected;
        let labelled = app.labels.mine.scored_turns(&r.id);
        lines.push(row(r, labelled, &columns, score, app.settings.threshold, theme, selected, focused));
    }
    if app.list.rows.is_empty() {
        let why = if app.study.rollouts.is_empty() {
            if app.study.progress.finished {
                "no rollouts could be read · p for problems"
            } else {
                "loading…"
            }
        } else {
            "no rollout matches the filter · F clears it"
        };
        lines.push(Line::styled(why, theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn title(app: &App) -> String {
    let shown = app.list.rows.len();
    let total = app.study.rollouts.len();
    let mut title = format!(" Rollouts {shown}/{total} ");
    if app.list.sort != crate::app::list::SortKey::FileOrder || app.list.descending {
        let arrow = if app.list.descending { "↓" } else { "↑" };
        title.push_str(&format!("· {} {arrow} ", app.list.sort.label()));
    }
    if !app.list.filter.is_empty() {
        title.push_str(&format!("· {} ", sanitize::clean(&app.list.filter.text)));
    }
    title
}

fn header(c: &Columns, theme: Theme) -> Line<'static> {
    let mut text = format!("  {}", fit("id", c.id));
    if c.condition > 0 {
        text.push_str(&fit("condition", c.condition));
    }
    if c.dataset > 0 {
        text.push_str(&fit("dataset", c.dataset));
    }
    text.push_str("trn lab  max mean");
    if c.spark > 0 {
        text.push_str(" scores");
    }
    Line::styled(text, theme.header())
}

#[allow(clippy::too_many_arguments)]
fn row(
    r: &RolloutSummary,
    labelled: u32,
    c: &Columns,
    score: &str,
    threshold: f64,
    theme: Theme,
    selected: bool,
    focused: bool,
) -> Line<'static> {
    let mark = if r.self_deleted_at.is_some() { "✕ " } else { "  " };
    let mut spans = vec![Span::styled(mark, theme.self_deletion())];
    let mut text = fit(&sanitize::clean(&r.id), c.id);
    if c.condition > 0 {
        text.push_str(&fit(&sanitize::clean(&r.meta_text("condition")), c.condition));
    }
    if c.dataset > 0 {
        text.push_str(&fit(&sanitize::clean(&r.meta_text("dataset")), c.dataset));
    }
    text.push_str(&format!("{:>3}", r.n_turns));
    spans.push(Span::raw(text));
    let lab = if labelled == 0 { "    ".to_string() } else { format!("{labelled:>4}") };
    let done = labelled > 0 && labelled >= r.n_turns;
    spans.push(Span::styled(lab, if done { theme.human() } else { theme.dim() }));
    let max = r.max_score(score);
    spans.push(Span::styled(number(max), max.map_or(theme.dim(), |m| theme.score(m, threshold))));
    spans.push(Span::raw(number(r.mean_score(score))));
    if c.spark > 0 {
        spans.push(Span::raw(" "));
        spans.extend(sparkline(r.turn_scores(score), c.spark - 1, threshold, theme));
    }
    let line = Line::from(spans);
    if selected { line.style(theme.selected_row(focused)) } else { line }
}

fn number(x: Option<f64>) -> String {
    x.map_or("    -".to_string(), |v| format!("{v:>5.1}"))
}

/// One character per turn (the last `width` turns are cut), coloured at the threshold.
pub fn sparkline(values: &[Option<f64>], width: usize, threshold: f64, theme: Theme) -> Vec<Span<'static>> {
    values
        .iter()
        .take(width)
        .map(|v| match v {
            Some(x) => {
                let level = ((x.clamp(0.0, 10.0) / 10.0) * 7.0).round() as usize;
                Span::styled(LEVELS[level].to_string(), theme.score(*x, threshold))
            }
            None => Span::styled("·", theme.dim()),
        })
        .collect()
}

/// Pads or cuts text to exactly `width` columns (cut text ends with `…`), plus a space.
/// Columns are counted per grapheme as the buffer draws them, so an emoji sequence (one
/// grapheme, two columns, several characters) does not push the next column out of line.
pub fn fit(text: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let span = Span::raw(text);
    let graphemes =
        || span.styled_graphemes(Style::new()).map(|g| (g.symbol, g.symbol.cell_width() as usize));
    let mut out = String::new();
    let mut used = 0;
    let too_long = graphemes().try_fold(0, |w, (_, g)| (w + g <= width).then_some(w + g)).is_none();
    let room = if too_long { width - 1 } else { width };
    for (symbol, w) in graphemes() {
        if used + w > room {
            break;
        }
        out.push_str(symbol);
        used += w;
    }
    if too_long {
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used) + 1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts_by_display_width() {
        assert_eq!(fit("abc", 5), "abc   ");
        assert_eq!(fit("abcdef", 4), "abc… ");
        assert_eq!(fit("世界世界", 5), "世界… ");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn fit_counts_an_emoji_sequence_as_the_two_columns_it_takes() {
        // One grapheme of five characters: counted per character it looked six columns wide.
        let family = "👩\u{200d}👩\u{200d}👧";
        assert_eq!(fit(&format!("{family}x"), 5), format!("{family}x   "));
        assert_eq!(fit(&format!("{family}{family}{family}"), 5), format!("{family}{family}… "));
        assert_eq!(fit("❤\u{fe0f}e\u{301}", 4), "❤\u{fe0f}e\u{301}  ");
    }
}
