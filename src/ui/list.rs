//! The rollout list: only the visible window of rows is built, whatever the study size.

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use std::sync::Arc;

use super::theme::Theme;
use crate::app::view::{ListRow, ListView};
use crate::model::ScoreValues;
use crate::sanitize;
use crate::study::ScoreScale;

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

/// The rollout list, drawn from exactly the rows that fit.
pub struct ListWidget<'a> {
    pub view: ListView<'a>,
    pub theme: Theme,
}

impl Widget for ListWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(view.focused))
            .title(Span::styled(title(view), theme.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 {
            return;
        }
        let columns = Columns::fit(inner.width as usize);
        let categorical = matches!(view.scale, ScoreScale::Categories(_));
        let mut lines = vec![header(&columns, categorical, theme)];
        for (position, r) in view.rows.iter().enumerate() {
            let selected = view.selected == Some(position);
            lines.push(row(r, &columns, (view.threshold, &view.scale), theme, selected, view.focused));
        }
        if let Some(why) = view.empty {
            lines.push(Line::styled(why, theme.dim()));
        }
        Paragraph::new(lines).render(inner, buf);
    }
}

fn title(view: &ListView) -> String {
    let mut title = format!(" Rollouts {}/{} ", view.shown, view.total);
    if let Some((label, descending)) = &view.sort {
        let arrow = if *descending { "↓" } else { "↑" };
        title.push_str(&format!("· {label} {arrow} "));
    }
    if !view.filter.is_empty() {
        title.push_str(&format!("· {} ", sanitize::clean(view.filter)));
    }
    title
}

fn header(c: &Columns, categorical: bool, theme: Theme) -> Line<'static> {
    let mut text = format!("  {}", fit("id", c.id));
    if c.condition > 0 {
        text.push_str(&fit("condition", c.condition));
    }
    if c.dataset > 0 {
        text.push_str(&fit("dataset", c.dataset));
    }
    text.push_str(if categorical { "trn lab most       " } else { "trn lab  max mean" });
    if c.spark > 0 {
        text.push_str(" scores");
    }
    Line::styled(text, theme.header())
}

fn row(
    r: &ListRow,
    c: &Columns,
    (threshold, scale): (f64, &ScoreScale),
    theme: Theme,
    selected: bool,
    focused: bool,
) -> Line<'static> {
    let mark = if r.self_deleted { "✕ " } else { "  " };
    let mut spans = vec![Span::styled(mark, theme.self_deletion())];
    let mut text = fit(&sanitize::clean(r.id), c.id);
    if c.condition > 0 {
        text.push_str(&fit(&sanitize::clean(&r.condition), c.condition));
    }
    if c.dataset > 0 {
        text.push_str(&fit(&sanitize::clean(&r.dataset), c.dataset));
    }
    text.push_str(&format!("{:>3}", r.turns));
    spans.push(Span::raw(text));
    let lab = if r.labelled == 0 { "    ".to_string() } else { format!("{:>4}", r.labelled) };
    let done = r.labelled > 0 && r.labelled >= r.turns;
    spans.push(Span::styled(lab, if done { theme.human() } else { theme.dim() }));
    match r.scores {
        Some(ScoreValues::Categorical(values)) => {
            // The category the judge gave most often (the first in the scale on a tie).
            let most = most_frequent(values, scale);
            let style = most.map_or(theme.dim(), |(place, _)| theme.category(place));
            spans.push(Span::styled(format!(" {}", fit(most.map_or("-", |(_, c)| c), 9)), style));
            if c.spark > 0 {
                spans.extend(category_cells(values, c.spark - 1, scale, theme));
            }
        }
        Some(scores) => {
            let values = scores.numeric();
            let max = max_of(values);
            spans.push(Span::styled(number(max), max.map_or(theme.dim(), |m| theme.score(m, threshold))));
            spans.push(Span::raw(number(mean_of(values))));
            if c.spark > 0 {
                spans.push(Span::raw(" "));
                spans.extend(sparkline(values, c.spark - 1, threshold, scale, theme));
            }
        }
        None if r.hidden => spans.push(Span::styled("    ?    ?", theme.dim())),
        None => spans.push(Span::styled("    -    -", theme.dim())),
    }
    let line = Line::from(spans);
    if selected { line.style(theme.selected_row(focused)) } else { line }
}

/// The largest value, ignoring missing ones.
fn max_of(values: &[Option<f64>]) -> Option<f64> {
    values.iter().flatten().copied().fold(None, |acc, x| Some(acc.map_or(x, |a: f64| a.max(x))))
}

/// The mean over the values present (the study's per-conversation AUC).
fn mean_of(values: &[Option<f64>]) -> Option<f64> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
}

fn number(x: Option<f64>) -> String {
    x.map_or("    -".to_string(), |v| format!("{v:>5.1}"))
}

/// One character per turn (the last `width` turns are cut), its height on the score's scale,
/// coloured at the threshold (values on their own range are not judged by it).
pub fn sparkline(
    values: &[Option<f64>],
    width: usize,
    threshold: f64,
    scale: &ScoreScale,
    theme: Theme,
) -> Vec<Span<'static>> {
    let judged = *scale == ScoreScale::Judge;
    values
        .iter()
        .take(width)
        .map(|v| match v {
            Some(x) => {
                let level = (scale.fraction(*x) * 7.0).round() as usize;
                let style = if judged { theme.score(*x, threshold) } else { theme.low() };
                Span::styled(LEVELS[level].to_string(), style)
            }
            None => Span::styled("·", theme.dim()),
        })
        .collect()
}

/// One coloured cell per turn for a categorical score.
pub fn category_cells(
    values: &[Option<Arc<str>>],
    width: usize,
    scale: &ScoreScale,
    theme: Theme,
) -> Vec<Span<'static>> {
    values
        .iter()
        .take(width)
        .map(|v| match v.as_deref().and_then(|c| scale.category_index(c)) {
            Some(place) => Span::styled(Theme::category_glyph(place), theme.category(place)),
            None => Span::styled("·", theme.dim()),
        })
        .collect()
}

/// The category given most often, with its place in the scale.
fn most_frequent<'a>(values: &[Option<Arc<str>>], scale: &'a ScoreScale) -> Option<(usize, &'a str)> {
    let ScoreScale::Categories(all) = scale else { return None };
    let mut counts = vec![0usize; all.len()];
    for place in values.iter().flatten().filter_map(|c| scale.category_index(c)) {
        counts[place] += 1;
    }
    let (place, n) = counts.iter().enumerate().max_by_key(|(place, n)| (**n, std::cmp::Reverse(*place)))?;
    (*n > 0).then(|| (place, &*all[place]))
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
