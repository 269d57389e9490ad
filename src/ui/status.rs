//! The status line (study size, load progress, problems, active score, messages) or the open
//! prompt, and the hint bar of the context the next key goes to.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use crate::app::view::{LabelStatus, SaveState, StatusView};
use crate::model::problem::thousands;
use crate::model::words::plural;
use crate::sanitize;

/// The status line.
pub struct StatusWidget<'a> {
    pub view: StatusView<'a>,
    pub theme: Theme,
}

impl StatusWidget<'_> {
    /// Where the terminal's cursor goes: in the prompt, when one is open.
    pub fn cursor(&self, area: Rect) -> Option<Position> {
        let prompt = self.view.prompt?;
        let x = area.x
            + (prompt.kind.label().chars().count() + prompt.text.chars().take(prompt.cursor).count()) as u16;
        Some(Position { x: x.min(area.x + area.width.saturating_sub(1)), y: area.y })
    }
}

impl Widget for StatusWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        if let Some(prompt) = view.prompt {
            let line = Line::from(vec![
                Span::styled(prompt.kind.label(), theme.key()),
                Span::raw(sanitize::clean(&prompt.text).into_owned()),
            ]);
            Paragraph::new(line).render(area, buf);
            return;
        }
        let mut spans = Vec::new();
        // What the last key did comes first, so a narrow terminal never cuts it off.
        if let Some(toast) = view.toast {
            spans.push(Span::styled(sanitize::clean(toast).into_owned(), theme.title()));
            spans.push(Span::raw(" · "));
        }
        // The queue's title holds the progress: shown once.
        if let Some((name, _, _)) = view.review {
            spans.push(Span::styled(format!("spot-check {} · ", sanitize::clean(name)), theme.accent()));
        }
        if let Some(labels) = &view.labels {
            spans.extend(label_status(labels, theme));
            spans.push(Span::raw(" · "));
        }
        let progress = view.progress;
        if progress.finished {
            spans.push(Span::raw(format!(
                "{} rollout{} · {} file{}",
                thousands(view.rollouts),
                if view.rollouts == 1 { "" } else { "s" },
                view.files,
                if view.files == 1 { "" } else { "s" }
            )));
            if let Some(added) = view.following {
                spans.push(Span::styled(
                    format!(" · following · +{} since open", thousands(added)),
                    theme.accent(),
                ));
            }
        } else {
            let percent = (progress.bytes_read * 100).checked_div(progress.bytes_total).unwrap_or(0);
            spans.push(Span::styled(
                format!(
                    "loading {percent}% · file {}/{} · {} rollouts",
                    view.files.min(progress.files.max(1)),
                    progress.files.max(1),
                    thousands(view.rollouts)
                ),
                theme.warning(),
            ));
        }
        if view.problems > 0 {
            let problems = plural(view.problems as u64, "problem");
            spans.push(Span::styled(format!(" · ⚠ {problems} (p)"), theme.warning()));
        }
        if let Some(query) = view.searching {
            spans.push(Span::raw(format!(" · searching {:?}…", sanitize::clean(query))));
        }
        spans.push(Span::styled(
            format!(" · score: {} · T={}", sanitize::clean(view.score), view.threshold),
            theme.dim(),
        ));
        Paragraph::new(Line::from(spans)).render(area, buf);
    }
}

/// `ana 12/780 ✓ saved`, `● 2 saving…`, `⚠ not saved: …`, `no labels yet`, or that labels are
/// read-only.
fn label_status(labels: &LabelStatus, theme: Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(
        format!("{} {}/{} labelled ", sanitize::clean(labels.annotator), labels.scored, labels.turns),
        theme.human(),
    )];
    if let SaveState::ReadOnly { unsaved: n @ 1.., .. } = labels.save {
        spans.push(Span::styled(format!("⚠ {n} NOT saved · "), theme.warning()));
    }
    spans.push(match &labels.save {
        SaveState::ReadOnly { elsewhere: true, .. } => {
            Span::styled("read-only (open elsewhere)", theme.warning())
        }
        SaveState::ReadOnly { elsewhere: false, .. } => Span::styled("read-only", theme.warning()),
        SaveState::Failed { unsaved, error } => {
            Span::styled(format!("⚠ {unsaved} NOT saved: {}", sanitize::clean(error)), theme.warning())
        }
        SaveState::Saving(n) => Span::styled(format!("● {n} saving…"), theme.warning()),
        SaveState::NoLabelsYet => Span::styled("no labels yet", theme.dim()),
        SaveState::Saved => Span::styled("✓ saved", theme.dim()),
    });
    spans
}

/// The hint bar: key and short label per hint.
pub struct HintsWidget<'a> {
    pub hints: &'a [(String, &'static str)],
    pub theme: Theme,
}

impl Widget for HintsWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let kept = keep_fitting(self.hints, area.width as usize);
        let mut spans = Vec::new();
        for (key, label) in self.hints.iter().zip(&kept).filter(|(_, keep)| **keep).map(|(h, _)| h) {
            if !spans.is_empty() {
                spans.push(Span::raw("  "));
            }
            spans.push(Span::styled(key.clone(), theme.key()));
            let gap = if label.starts_with('-') { "" } else { " " };
            spans.push(Span::styled(format!("{gap}{label}"), theme.dim()));
        }
        Paragraph::new(Line::from(spans)).render(area, buf);
    }
}

/// Which hints fit in `width` columns: `help` and `quit` always (the way to everything else
/// and the way out), then the others in their order of importance (the table's order), the
/// least important dropped first.
fn keep_fitting(hints: &[(String, &'static str)], width: usize) -> Vec<bool> {
    use unicode_width::UnicodeWidthStr;
    let cost = |(key, label): &(String, &str)| key.width() + label.width() + 3;
    let essential = |(_, label): &(String, &str)| matches!(*label, "help" | "quit");
    let mut keep: Vec<bool> = hints.iter().map(essential).collect();
    let mut used: usize = hints.iter().filter(|h| essential(h)).map(cost).sum();
    for (i, hint) in hints.iter().enumerate() {
        if !keep[i] && used + cost(hint) <= width + 2 {
            keep[i] = true;
            used += cost(hint);
        } else if !keep[i] {
            break;
        }
    }
    keep
}

/// A message wider than the status line, wrapped in full on it and the lines above it.
pub fn render_long_message(message: &str, status: Rect, theme: Theme, buf: &mut Buffer) {
    use unicode_width::UnicodeWidthStr;
    let text = sanitize::clean(message);
    let width = status.width as usize;
    if text.width() <= width || width == 0 {
        return;
    }
    let lines = crate::app::help::word_wrap(&text, width);
    // Over the status line and as many lines above it as the message needs.
    let height = (lines.len() as u16).min(status.y + 1);
    let area = Rect::new(status.x, status.y + 1 - height, status.width, height);
    ratatui::widgets::Clear.render(area, buf);
    let lines: Vec<Line> = lines.into_iter().map(|l| Line::styled(l, theme.title())).collect();
    Paragraph::new(lines).render(area, buf);
}
