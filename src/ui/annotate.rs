//! The tag picker and the note editor overlays.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::overlay::centered;
use super::theme::Theme;
use crate::app::App;
use crate::app::annotate::{NoteEditor, TagPicker};
use crate::sanitize;

/// The tags with a check for those on the selected turn.
pub fn render_tags(app: &App, frame: &mut Frame, area: Rect, picker: &TagPicker) {
    let theme = Theme { color: app.settings.color };
    let on: Vec<String> = app
        .reader
        .index
        .and_then(|i| app.study.rollouts.get(i))
        .and_then(|s| app.labels.mine.get(&s.id, Some(app.reader.turn as u32)))
        .map(|l| l.tags.clone())
        .unwrap_or_default();
    let height = picker.choices.len() as u16 + 5;
    let box_area = centered(area, 44, height);
    frame.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(format!(" Tags · turn {} ", app.reader.turn), theme.title()));
    let mut lines: Vec<Line> = picker
        .choices
        .iter()
        .enumerate()
        .map(|(i, tag)| {
            let check = if on.contains(tag) { "[x]" } else { "[ ]" };
            let number = if i < 9 { format!("{} ", i + 1) } else { "  ".into() };
            let line = Line::raw(format!("{number}{check} {}", sanitize::clean(tag)));
            if i == picker.selected { line.style(theme.selected_row(true)) } else { line }
        })
        .collect();
    lines.push(Line::raw(""));
    match &picker.typing {
        Some(text) => lines.push(Line::from(vec![
            Span::styled("new tag: ", theme.key()),
            Span::raw(sanitize::clean(text).into_owned()),
            Span::styled("▏", theme.accent()),
        ])),
        None => lines.push(Line::styled("Space toggle · 1–9 · a new tag · Esc close", theme.dim())),
    }
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}

/// The note editor (ratatui-textarea) with its keys in the title.
pub fn render_note(app: &App, frame: &mut Frame, area: Rect, editor: &NoteEditor) {
    let theme = Theme { color: app.settings.color };
    let box_area = centered(area, 72, 14);
    frame.render_widget(Clear, box_area);
    let what = if editor.rollout_level { "the rollout".to_string() } else { format!("turn {}", editor.turn) };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(format!(" Note on {what} "), theme.title()))
        .title_bottom(Line::styled(" Ctrl-s save · Esc cancel ", theme.key()).right_aligned());
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    frame.render_widget(&editor.textarea, inner);
}
