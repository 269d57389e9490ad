//! The tag picker, the category picker and the note editor overlays.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::overlay::centered;
use super::theme::Theme;
use crate::app::note::NoteEditor;
use crate::app::view::{CategoriesView, TagsView};
use crate::sanitize;

/// The tags with a check for those on the selected turn.
pub struct TagsWidget<'a> {
    pub view: TagsView<'a>,
    pub theme: Theme,
}

impl Widget for TagsWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        let height = view.choices.len() as u16 + 5;
        let box_area = centered(area, 44, height);
        Clear.render(box_area, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(format!(" Tags · turn {} ", view.turn), theme.title()));
        let mut lines: Vec<Line> = view
            .choices
            .iter()
            .enumerate()
            .map(|(i, tag)| {
                let check = if view.checked.get(i).copied().unwrap_or(false) { "[x]" } else { "[ ]" };
                let number = if i < 9 { format!("{} ", i + 1) } else { "  ".into() };
                let line = Line::raw(format!("{number}{check} {}", sanitize::clean(tag)));
                if i == view.selected { line.style(theme.selected_row(true)) } else { line }
            })
            .collect();
        lines.push(Line::raw(""));
        match view.typing {
            Some(text) => lines.push(Line::from(vec![
                Span::styled("new tag: ", theme.key()),
                Span::raw(sanitize::clean(text).into_owned()),
                Span::styled("▏", theme.accent()),
            ])),
            // The keys are in the hint bar, from the keymap.
            None => lines.push(Line::styled("a number toggles that tag", theme.dim())),
        }
        Paragraph::new(lines).block(block).render(box_area, buf);
    }
}

/// The note editor (ratatui-textarea) with its keys in the title.
pub struct NoteWidget<'a> {
    pub editor: &'a NoteEditor,
    pub theme: Theme,
}

impl Widget for NoteWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let box_area = centered(area, 72, 14);
        Clear.render(box_area, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(format!(" Note on {} ", self.editor.title()), theme.title()));
        let inner = block.inner(box_area);
        block.render(box_area, buf);
        (&self.editor.textarea).render(inner, buf);
    }
}

/// The categories of a categorical score, numbered, the turn's own marked.
pub struct CategoriesWidget<'a> {
    pub view: CategoriesView<'a>,
    pub theme: Theme,
}

impl Widget for CategoriesWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        let height = view.shown.len().max(1) as u16 + 4;
        let box_area = centered(area, 44, height);
        Clear.render(box_area, buf);
        let title = format!(" {} · turn {} ", sanitize::clean(view.score), view.turn);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(title, theme.title()));
        let mut lines: Vec<Line> = view
            .shown
            .iter()
            .enumerate()
            .map(|(i, category)| {
                let mark = if view.current == Some(*category) { "(•)" } else { "( )" };
                let number = if i < 9 { format!("{} ", i + 1) } else { "  ".into() };
                let line = Line::raw(format!("{number}{mark} {}", sanitize::clean(category)));
                if i == view.selected { line.style(theme.selected_row(true)) } else { line }
            })
            .collect();
        if view.shown.is_empty() {
            lines.push(Line::styled("no category contains that", theme.dim()));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("type to narrow: ", theme.dim()),
            Span::raw(sanitize::clean(view.filter).into_owned()),
            Span::styled("▏", theme.accent()),
        ]));
        Paragraph::new(lines).block(block).render(box_area, buf);
    }
}
