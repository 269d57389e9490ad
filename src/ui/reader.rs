//! The transcript reader: renders only the visible slice of the wrapped lines, marks the
//! selected turn in the gutter, puts judge scores on assistant headers, highlights matches.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::reader::{LineKind, ReaderLine};
use crate::app::wrap::Segment;
use crate::app::{App, Pane};
use crate::model::{Message, Role};
use crate::sanitize;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme { color: app.settings.color };
    let focused = app.focus == Pane::Reader && app.modal.is_none();
    let reader = &app.reader;
    let height = area.height.saturating_sub(2) as usize;
    let position = if reader.lines.is_empty() {
        String::new()
    } else {
        let last = (reader.scroll + height).min(reader.lines.len());
        format!("· {}–{}/{} ", reader.scroll + 1, last, reader.lines.len())
    };
    let id = reader
        .index
        .and_then(|i| app.study.rollouts.get(i))
        .map_or(String::new(), |r| sanitize::clean(&r.id).into_owned());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(format!(" {id} "), theme.title()))
        .title_bottom(Line::styled(position, theme.dim()).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(rollout) = &reader.rollout else {
        let text = match (&reader.error, reader.index) {
            (Some(e), _) => Line::styled(format!("cannot read this rollout: {e}"), theme.warning()),
            (None, Some(_)) => Line::styled("reading…", theme.dim()),
            (None, None) => Line::styled("no rollout selected", theme.dim()),
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let selected = reader.selected_message();
    let query = app.search.query.to_lowercase();
    let lines: Vec<Line> = reader
        .lines
        .iter()
        .skip(reader.scroll)
        .take(height)
        .map(|line| {
            let is_selected = line.message.is_some() && line.message == selected;
            let gutter = if is_selected { Span::styled("▌ ", theme.accent()) } else { Span::raw("  ") };
            let message = line.message.and_then(|m| rollout.messages.get(m));
            let mut spans = vec![gutter];
            match (line.kind, message) {
                (LineKind::Header, Some(m)) => {
                    let turn = line.message.and_then(|i| rollout.turn_of_message(i));
                    spans.extend(header(app, m, turn, inner.width as usize, theme));
                }
                (LineKind::Meta, _) => spans.extend(segments(&line.segments, theme.dim(), theme, "")),
                (LineKind::Label, _) => spans.extend(segments(&line.segments, theme.human(), theme, "")),
                (LineKind::ToolCall, _) => {
                    spans.extend(segments(&line.segments, theme.role(Role::Tool), theme, &query))
                }
                _ => spans.extend(body(line, theme, &query)),
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn body<'a>(line: &'a ReaderLine, theme: Theme, query: &str) -> Vec<Span<'a>> {
    segments(&line.segments, Style::new(), theme, query)
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

/// `assistant · turn 3` on the left, the judge scores on the right.
fn header(
    app: &App,
    message: &Message,
    turn: Option<usize>,
    width: usize,
    theme: Theme,
) -> Vec<Span<'static>> {
    let role = if message.role == Role::Other {
        sanitize::clean(&message.role_name).into_owned()
    } else {
        message.role.label().to_string()
    };
    let mut left = vec![Span::styled(role.clone(), theme.role(message.role))];
    let mut used = role.width();
    if let Some(t) = turn {
        let text = format!(" · turn {t}");
        used += text.width();
        left.push(Span::styled(text, theme.dim()));
    }
    let score_span = |name: &str, value: &Option<f64>| {
        let shown = value.map_or("–".to_string(), |v| format!("{v}"));
        let style = match value {
            Some(v) if name == app.score_name() => theme.score(*v, app.settings.threshold),
            _ => theme.dim(),
        };
        Span::styled(format!("  {} {shown}", sanitize::clean(name)), style)
    };
    // Spot-check mode: no judge value of a turn still waiting for my score.
    let hidden = turn.is_some_and(|t| app.reader.index.is_some_and(|i| !app.judge_visible(i, t)));
    if hidden {
        let note = "  judge hidden until you score";
        if used + 2 + note.width() < width {
            left.push(Span::raw(" ".repeat(width - 2 - used - note.width())));
            left.push(Span::styled(note, theme.dim()));
        }
        return left;
    }
    let all: Vec<Span<'static>> = message.scores.iter().map(|(n, v)| score_span(n, v)).collect();
    // Every score if they fit, else only the active one.
    let active: Vec<Span<'static>> =
        message.scores.iter().filter(|(n, _)| n == app.score_name()).map(|(n, v)| score_span(n, v)).collect();
    let room = width.saturating_sub(2 + used);
    let spans_width = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let right = [all, active].into_iter().find(|spans| !spans.is_empty() && spans_width(spans) < room);
    if let Some(right) = right {
        left.push(Span::raw(" ".repeat(room - spans_width(&right))));
        left.extend(right);
    }
    left
}
