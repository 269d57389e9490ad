//! The `:` palette: the entries matching what is typed, above the prompt in the status line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::list::fit;
use super::theme::Theme;
use crate::app::palette::PaletteView;
use crate::sanitize;

/// Entries shown at most.
const SHOWN: usize = 10;

pub struct PaletteWidget {
    pub view: PaletteView,
    pub theme: Theme,
}

impl Widget for PaletteWidget {
    /// `area` is the screen above the status line; the palette sits at its bottom.
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (self.view, self.theme);
        let width = area.width as usize;
        let mut lines = Vec::new();
        if let Some(hint) = &view.hint {
            for piece in crate::app::help::word_wrap(&sanitize::clean(hint), width.saturating_sub(3)) {
                lines.push(Line::styled(format!(" {piece}"), theme.dim()));
            }
        }
        let first = view.choice.saturating_sub(SHOWN - 1);
        for (i, entry) in view.entries.iter().enumerate().skip(first).take(SHOWN) {
            let key = entry.key.as_deref().map(sanitize::clean).unwrap_or_default();
            let name =
                if entry.action.is_none() { format!(":{}", entry.name) } else { entry.name.to_string() };
            let help = fit(entry.help, width.saturating_sub(38));
            let line = Line::from(vec![
                Span::raw(format!(" {}", fit(&name, 24))),
                Span::styled(fit(&key, 10), theme.key()),
                Span::styled(help, theme.dim()),
            ]);
            lines.push(if i == view.choice { line.style(theme.selected_row(true)) } else { line });
        }
        if view.entries.is_empty() {
            lines.push(Line::styled(" no action or command has these letters", theme.dim()));
        }
        let height = (lines.len() as u16 + 2).min(area.height);
        let rect = Rect::new(area.x, area.y + area.height - height, area.width, height);
        Clear.render(rect, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(" Commands · Enter runs · Tab next · ↑↓ history ", theme.title()));
        Paragraph::new(lines).block(block).render(rect, buf);
    }
}
