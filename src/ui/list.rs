//! The rollout list: only the visible window of rows is built, whatever the study size.

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::view::{ListRow, ListView};
use crate::model::ScoreValues;
use crate::sanitize;
use crate::study::ScoreScale;

/// Sparkline levels for scores 0–10.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Column widths for an inner width. In order of need: the id (up to a third of the room),
/// the first metadata column whole (usually `condition`: never cut when there is room), the
/// sparkline, the rest of the id, then the other metadata columns while they fit.
struct Columns {
    id: usize,
    meta: Vec<usize>,
    spark: usize,
}

impl Columns {
    /// `id` and `meta` are the widths the values (and headers) need.
    fn fit(width: usize, id: usize, meta: &[usize]) -> Columns {
        // Fixed: mark (2) + turns (3) + labelled (4) + max (5) + mean (5).
        let mut rest = width.saturating_sub(19);
        let mut id_width = id.clamp(2, (rest / 3).max(8)).min(rest.saturating_sub(1)).max(2);
        rest = rest.saturating_sub(id_width + 1);
        let mut widths = Vec::new();
        let mut spark = 0;
        for (i, need) in meta.iter().enumerate() {
            if i == 1 {
                if rest >= 22 + need.min(&8) {
                    (spark, rest) = (21, rest - 21);
                }
                let more = rest.min(id.saturating_sub(id_width));
                (id_width, rest) = (id_width + more, rest - more);
            }
            if rest > *need {
                widths.push(*need);
                rest -= need + 1;
            } else {
                if rest >= 5 {
                    widths.push(rest - 1);
                    rest = 0;
                }
                break;
            }
        }
        if spark == 0 && rest >= 22 {
            (spark, rest) = (21, rest - 21);
        }
        id_width += rest.min(id.saturating_sub(id_width));
        Columns { id: id_width, meta: widths, spark }
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
        let id_need = view.rows.iter().map(|r| sanitize::clean(r.id).width()).max().unwrap_or(0);
        let needs: Vec<usize> = view.columns.iter().map(|(name, w)| (*w).max(name.width().min(12))).collect();
        let columns = Columns::fit(inner.width as usize, id_need, &needs);
        let categorical = matches!(view.scale, ScoreScale::Categories(_));
        let names: Vec<&str> = view.columns.iter().map(|(name, _)| *name).collect();
        let mut lines = vec![header(&columns, &names, categorical, theme)];
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

fn header(c: &Columns, names: &[&str], categorical: bool, theme: Theme) -> Line<'static> {
    let mut text = format!("  {}", fit("id", c.id));
    for (name, width) in names.iter().zip(&c.meta) {
        text.push_str(&fit(&sanitize::clean(name), *width));
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
    let mut text = fit(&elide_middle(&sanitize::clean(r.id), c.id), c.id);
    for (value, width) in r.meta.iter().zip(&c.meta) {
        // Cut in the middle where there is room for both ends: `Meta-Llama-3-8B-Instruct-Griffin`
        // and `…-Normal` differ at the end; a narrow cell keeps the start (`wildc…`).
        let value = sanitize::clean(value);
        let value = if *width >= 12 { elide_middle(&value, *width) } else { value.into_owned() };
        text.push_str(&fit(&value, *width));
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

/// Text cut in the middle to `width` columns (`run-2024…-r17`): ids differ at their ends as
/// often as at their starts. Text that fits is returned as it is.
pub fn elide_middle(text: &str, width: usize) -> String {
    let span = Span::raw(text);
    let graphemes: Vec<(&str, usize)> =
        span.styled_graphemes(Style::new()).map(|g| (g.symbol, g.symbol.cell_width() as usize)).collect();
    let total: usize = graphemes.iter().map(|(_, w)| w).sum();
    if total <= width || width < 3 {
        return text.to_string();
    }
    let room = width - 1;
    let (mut head, mut used) = (String::new(), 0);
    for (symbol, w) in &graphemes {
        if used + w > room.div_ceil(2) {
            break;
        }
        head.push_str(symbol);
        used += w;
    }
    let mut tail = Vec::new();
    for (symbol, w) in graphemes.iter().rev() {
        if used + w > room {
            break;
        }
        tail.push(*symbol);
        used += w;
    }
    tail.reverse();
    format!("{head}…{}", tail.concat())
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
    fn long_ids_are_cut_in_the_middle() {
        assert_eq!(elide_middle("run-2024-11-29-r17", 11), "run-2…9-r17");
        assert_eq!(elide_middle("short", 11), "short");
        assert_eq!(elide_middle("世界世界世界", 5), "世…界");
    }

    #[test]
    fn the_first_metadata_column_is_whole_before_the_id_grows() {
        let c = Columns::fit(38, 3, &[19, 9, 1]);
        assert_eq!(
            (c.id, c.meta.as_slice(), c.spark),
            (3, &[14][..], 0),
            "38 columns: 19 fixed, 3+1 id, 14+1 left"
        );
        let c = Columns::fit(38, 20, &[9]);
        assert_eq!((c.id, c.meta.as_slice(), c.spark), (8, &[9][..], 0), "the id keeps 8 before the rest");
        let c = Columns::fit(58, 3, &[19, 9, 3]);
        assert_eq!((c.id, c.meta.as_slice(), c.spark), (3, &[19, 9, 3][..], 0));
        let c = Columns::fit(80, 3, &[19, 9, 3]);
        assert_eq!(
            (c.id, c.meta.as_slice(), c.spark),
            (3, &[19, 9, 3][..], 21),
            "the sparkline before the second"
        );
        let c = Columns::fit(58, 17, &[9, 7, 10]);
        assert_eq!(
            (c.id, c.meta.as_slice(), c.spark),
            (17, &[9, 7][..], 0),
            "the id whole before the second"
        );
        let c = Columns::fit(120, 30, &[19]);
        assert_eq!((c.id, c.meta.as_slice(), c.spark), (30, &[19][..], 21));
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
