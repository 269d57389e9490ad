//! Overlays: the help generated from the keymap, and the problems view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Action;
use crate::sanitize;

/// A centred rectangle of at most `width` × `height`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

pub fn render_help(app: &App, frame: &mut Frame, area: Rect, scroll: usize) {
    let theme = Theme { color: app.settings.color };
    let mut lines = Vec::new();
    let mut last_context = None;
    let score_keys: Vec<String> = app
        .keymap
        .bindings()
        .filter(|(_, _, a)| matches!(a, Action::SetScore(_)))
        .flat_map(|(_, keys, _)| keys.iter().map(ToString::to_string))
        .collect();
    for (context, keys, action) in app.keymap.bindings() {
        // The eleven score keys make one line.
        if let Action::SetScore(n) = action {
            if *n == 0 {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<16}", score_keys.join("")), theme.key()),
                    Span::raw("give the selected turn a human score 0–9 (the last key: 10)"),
                ]));
            }
            continue;
        }
        if last_context != Some(*context) {
            if last_context.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(context.title(), theme.header()));
            last_context = Some(*context);
        }
        let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keys.join(" ")), theme.key()),
            Span::raw(action.describe().1),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Keys can be changed in the config file (rollscope --print-config-path).",
        theme.dim(),
    ));
    let box_area = centered(area, 76, area.height.saturating_sub(2));
    frame.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(" Keys · any key closes ", theme.title()));
    let inner_height = box_area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(inner_height));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll as u16, 0)), box_area);
}

pub fn render_problems(app: &App, frame: &mut Frame, area: Rect, selected: usize) {
    let theme = Theme { color: app.settings.color };
    let problems = &app.study.problems;
    let box_area = centered(area, area.width.saturating_sub(4), area.height.saturating_sub(2));
    frame.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(format!(" {} problems · Esc closes ", problems.len()), theme.title()));
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    if problems.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("Every file loaded without a problem.", theme.dim())),
            inner,
        );
        return;
    }
    let rows = inner.height as usize;
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = problems
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, p)| {
            let line = Line::raw(sanitize::clean(&p.to_string()).into_owned());
            if i == selected { line.style(theme.selected_row(true)) } else { line }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
