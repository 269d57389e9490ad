//! Overlays: the help generated from the keymap, and the problems view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::help::KEYS_WIDTH;
use crate::app::view::{HelpLine, HelpView};
use crate::model::words::plural;
use crate::model::{Problem, problem};
use crate::sanitize;

/// A centred rectangle of at most `width` × `height`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// Every key of every context.
pub struct HelpWidget {
    pub view: HelpView,
    pub theme: Theme,
}

impl Widget for HelpWidget {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (self.view, self.theme);
        let lines: Vec<Line> = view
            .lines
            .iter()
            .map(|line| match line {
                HelpLine::Heading(title) => Line::styled(*title, theme.header()),
                HelpLine::Binding { keys, help } => Line::from(vec![
                    Span::styled(
                        format!("  {:<width$}", sanitize::clean(keys), width = KEYS_WIDTH - 2),
                        theme.key(),
                    ),
                    Span::raw(help.clone()),
                ]),
                HelpLine::Blank => Line::raw(""),
                HelpLine::Note(text) => Line::styled(*text, theme.dim()),
            })
            .collect();
        // The whole width: a description is wrapped to it, never cut (`HelpState::lines`).
        let box_area = centered(area, area.width.saturating_sub(2), area.height.saturating_sub(2));
        Clear.render(box_area, buf);
        let mut title = " Keys of every context ".to_string();
        if !view.filter.is_empty() || view.typing {
            title = format!(" Keys matching {:?} ", sanitize::clean(&view.filter));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(title, theme.title()))
            .title_bottom(Span::styled(
                if view.typing {
                    " type to narrow · Enter keeps · Esc clears "
                } else {
                    " / filter · j k scroll · Esc closes "
                },
                theme.dim(),
            ));
        let inner = block.inner(box_area);
        block.render(box_area, buf);
        let inner_height = inner.height as usize;
        let scroll = view.scroll.min(lines.len().saturating_sub(inner_height));
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .render(inner.inner(ratatui::layout::Margin::new(1, 0)), buf);
    }
}

/// Files and lines that could not be read, one row per kind of problem in a file.
pub struct ProblemsWidget<'a> {
    pub problems: &'a [Problem],
    pub selected: usize,
    pub theme: Theme,
}

impl Widget for ProblemsWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (problems, theme) = (self.problems, self.theme);
        let box_area = centered(area, area.width.saturating_sub(4), area.height.saturating_sub(2));
        Clear.render(box_area, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Span::styled(format!(" {} ", plural(problems.len() as u64, "problem")), theme.title()));
        let inner = block.inner(box_area);
        block.render(box_area, buf);
        if problems.is_empty() {
            Paragraph::new(Line::styled("Every file loaded without a problem.", theme.dim()))
                .render(inner, buf);
            return;
        }
        let rows = inner.height as usize;
        // One entry per kind of problem in a file ("t.jsonl: 1,120 rows, first at 1:14: …"),
        // wrapped, never cut: a long parser message is the one that says what is wrong.
        let mut lines: Vec<Line> = Vec::new();
        let mut selected_end = 0;
        for (i, p) in problem::group(problems).iter().enumerate() {
            let text = sanitize::clean(&p.to_string()).into_owned();
            for (k, piece) in crate::app::help::word_wrap(&text, (inner.width as usize).saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let piece = if k == 0 { piece } else { format!("  {piece}") };
                let line = Line::raw(piece);
                lines.push(if i == self.selected { line.style(theme.selected_row(true)) } else { line });
            }
            if i == self.selected {
                selected_end = lines.len();
            }
        }
        // Scrolled only as far as the selected problem's last line needs.
        let offset = selected_end.saturating_sub(rows);
        Paragraph::new(lines.into_iter().skip(offset).take(rows).collect::<Vec<_>>()).render(inner, buf);
    }
}
