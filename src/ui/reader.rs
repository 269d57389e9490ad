//! The transcript reader: renders only the visible slice of the wrapped lines, marks the
//! selected turn in the gutter, puts judge scores on assistant headers, highlights matches.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::reader::{LineKind, ReaderLine};
use crate::app::view::{HeaderView, ReaderState, ReaderView};
use crate::app::wrap::Segment;
use crate::model::Role;
use crate::sanitize;

/// The transcript pane: the visible slice of the wrapped lines.
pub struct ReaderWidget<'a> {
    pub view: ReaderView<'a>,
    pub theme: Theme,
}

impl Widget for ReaderWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        let position = if view.total == 0 {
            String::new()
        } else {
            format!("· {}–{}/{} ", view.first + 1, view.first + view.lines.len(), view.total)
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(view.focused))
            .title(Span::styled(format!(" {} ", sanitize::clean(&view.id)), theme.title()))
            .title_bottom(Line::styled(position, theme.dim()).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        let text = match view.state {
            ReaderState::Shown => None,
            ReaderState::Error(e) => {
                Some(Line::styled(format!("cannot read this rollout: {e}"), theme.warning()))
            }
            ReaderState::Reading => Some(Line::styled("reading…", theme.dim())),
            ReaderState::NoSelection => Some(Line::styled("no rollout selected", theme.dim())),
            ReaderState::NoMatch => {
                Some(Line::styled("no rollout matches the filter · F clears it", theme.dim()))
            }
        };
        if let Some(text) = text {
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }).render(inner, buf);
            return;
        }
        let lines: Vec<Line> = view
            .lines
            .iter()
            .map(|line| {
                let is_selected = line.message.is_some() && line.message == view.selected_message;
                let gutter = if is_selected { Span::styled("▌ ", theme.accent()) } else { Span::raw("  ") };
                let head =
                    line.message.and_then(|m| view.headers.iter().find(|(i, _)| *i == m)).map(|(_, h)| h);
                let mut spans = vec![gutter];
                let query = view.query.as_str();
                match (line.kind, head) {
                    (LineKind::Header, Some(h)) => spans.extend(header(view, h, inner.width as usize, theme)),
                    (LineKind::Meta, _) => spans.extend(segments(&line.segments, theme.dim(), theme, "")),
                    (LineKind::Label, _) => spans.extend(segments(&line.segments, theme.human(), theme, "")),
                    (LineKind::Judge, _) => spans.extend(segments(&line.segments, theme.judge(), theme, "")),
                    (LineKind::Folded, _) => spans.extend(segments(&line.segments, theme.dim(), theme, "")),
                    (LineKind::Thinking, _) => {
                        spans.extend(segments(&line.segments, theme.dim(), theme, query))
                    }
                    (LineKind::ToolCall, _) => {
                        spans.extend(segments(&line.segments, theme.role(Role::Tool), theme, query))
                    }
                    (LineKind::Body, _) => {
                        let quotes = view.quotes.iter().filter(|(m, _)| Some(*m) == line.message);
                        let quotes: Vec<&str> = quotes.map(|(_, q)| *q).collect();
                        spans.extend(quoted(line, &quotes, theme, query))
                    }
                    _ => spans.extend(body(line, theme, query)),
                }
                Line::from(spans)
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

fn body<'a>(line: &'a ReaderLine, theme: Theme, query: &str) -> Vec<Span<'a>> {
    segments(&line.segments, Style::new(), theme, query)
}

/// A body line with the judge's quotes marked where the line holds them whole (a quote cut
/// by the wrap is marked on neither line), search matches as elsewhere.
fn quoted<'a>(line: &'a ReaderLine, quotes: &[&str], theme: Theme, query: &str) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for seg in line.segments.iter() {
        let Some((at, quote)) = quotes.iter().find_map(|q| seg.text.find(q).map(|at| (at, *q))) else {
            spans.extend(segments(std::slice::from_ref(seg), Style::new(), theme, query));
            continue;
        };
        if seg.dim {
            spans.push(Span::styled(seg.text.as_str(), theme.dim()));
            continue;
        }
        let end = at + quote.len();
        spans.push(Span::raw(&seg.text[..at]));
        spans.push(Span::styled(&seg.text[at..end], theme.quote()));
        spans.push(Span::raw(&seg.text[end..]));
    }
    spans
}

/// Spans of wrapped text: placeholders dimmed, search matches highlighted.
fn segments<'a>(segs: &'a [Segment], style: Style, theme: Theme, query: &str) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for seg in segs {
        if seg.dim {
            spans.push(Span::styled(seg.text.as_str(), theme.dim()));
            continue;
        }
        let mut rest = seg.text.as_str();
        while !query.is_empty() {
            let Some(at) = find_ascii_case_insensitive(rest, query) else {
                break;
            };
            let end = at + query.len();
            if !rest.is_char_boundary(end) {
                break;
            }
            spans.push(Span::styled(&rest[..at], style));
            spans.push(Span::styled(&rest[at..end], theme.search_match()));
            rest = &rest[end..];
        }
        spans.push(Span::styled(rest, style));
    }
    spans
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .find(|&i| haystack.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// `assistant · turn 3` on the left, the judge scores on the right (or that they are hidden).
fn header(view: &ReaderView, head: &HeaderView, width: usize, theme: Theme) -> Vec<Span<'static>> {
    let role = match (head.role, head.answers) {
        (Role::Other, _) => sanitize::clean(head.role_name).into_owned(),
        (Role::Tool, Some(call)) => format!("tool · {}", sanitize::clean(call)),
        (role, _) => role.label().to_string(),
    };
    let mut left = vec![Span::styled(role.clone(), theme.role(head.role))];
    let mut used = role.width();
    if let Some(t) = head.turn {
        let text = format!(" · turn {t}");
        used += text.width();
        left.push(Span::styled(text, theme.dim()));
    }
    let score_span = |name: &str, value: &Option<f64>| {
        let shown = value.map_or("–".to_string(), |v| format!("{v}"));
        let style = match value {
            Some(v) if name == view.active_score => theme.score(*v, view.threshold),
            _ => theme.dim(),
        };
        Span::styled(format!("  {} {shown}", sanitize::clean(name)), style)
    };
    let Some(scores) = head.scores else {
        let note = "  judge hidden until you score";
        if used + 2 + note.width() < width {
            left.push(Span::raw(" ".repeat(width - 2 - used - note.width())));
            left.push(Span::styled(note, theme.dim()));
        }
        return left;
    };
    let all: Vec<Span<'static>> = scores.iter().map(|(n, v)| score_span(n, v)).collect();
    // Every score if they fit, else only the active one.
    let active: Vec<Span<'static>> =
        scores.iter().filter(|(n, _)| n == view.active_score).map(|(n, v)| score_span(n, v)).collect();
    let room = width.saturating_sub(2 + used);
    let spans_width = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let right = [all, active].into_iter().find(|spans| !spans.is_empty() && spans_width(spans) < room);
    if let Some(right) = right {
        left.push(Span::raw(" ".repeat(room - spans_width(&right))));
        left.extend(right);
    }
    left
}
