//! The status line (study size, load progress, problems, active score, messages) or the open
//! prompt, and the hint bar generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::keymap::{self, Context};
use crate::app::{App, Modal, Pane};
use crate::sanitize;

pub fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme { color: app.settings.color };
    if let Some(Modal::Prompt(prompt)) = &app.modal {
        let label = prompt.kind.label();
        let line = Line::from(vec![
            Span::styled(label, theme.key()),
            Span::raw(sanitize::clean(&prompt.text).into_owned()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let cursor_x =
            area.x + (label.chars().count() + prompt.text.chars().take(prompt.cursor).count()) as u16;
        frame.set_cursor_position((cursor_x.min(area.x + area.width.saturating_sub(1)), area.y));
        return;
    }
    let study = &app.study;
    let mut spans = Vec::new();
    // What the last key did comes first, so a narrow terminal never cuts it off.
    if let Some(toast) = &app.toast {
        spans.push(Span::styled(sanitize::clean(toast).into_owned(), theme.title()));
        spans.push(Span::raw(" · "));
    }
    if let (Some(review), Some((done, total))) = (&app.review, app.review_progress()) {
        spans.push(Span::styled(
            format!("spot-check {} · {done}/{total} done · ", sanitize::clean(&review.name)),
            theme.accent(),
        ));
    }
    if app.labels.opened {
        spans.extend(label_status(app, theme));
        spans.push(Span::raw(" · "));
    }
    let progress = study.progress;
    if progress.finished {
        spans.push(Span::raw(format!(
            "{} rollout{} · {} file{}",
            thousands(study.rollouts.len()),
            if study.rollouts.len() == 1 { "" } else { "s" },
            study.sources.len(),
            if study.sources.len() == 1 { "" } else { "s" }
        )));
    } else {
        let percent = (progress.bytes_read * 100).checked_div(progress.bytes_total).unwrap_or(0);
        spans.push(Span::styled(
            format!(
                "loading {percent}% · file {}/{} · {} rollouts",
                study.sources.len().min(progress.files.max(1)),
                progress.files.max(1),
                thousands(study.rollouts.len())
            ),
            theme.warning(),
        ));
    }
    if !study.problems.is_empty() {
        spans.push(Span::styled(format!(" · ⚠ {} problems (p)", study.problems.len()), theme.warning()));
    }
    if app.search.running {
        spans.push(Span::raw(format!(" · searching {:?}…", sanitize::clean(&app.search.query))));
    }
    spans.push(Span::styled(
        format!(" · score: {} · T={}", sanitize::clean(app.score_label()), app.settings.threshold),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `ana 12/780 ✓ saved`, `● 2 saving…`, `⚠ not saved: …`, or why labels are read-only.
fn label_status(app: &App, theme: Theme) -> Vec<Span<'static>> {
    let labels = &app.labels;
    let total: u64 = app.study.rollouts.iter().map(|r| u64::from(r.n_turns)).sum();
    let mut spans = vec![Span::styled(
        format!("{} {}/{} labelled ", sanitize::clean(&labels.annotator), labels.mine.total_scored(), total),
        theme.human(),
    )];
    if let Some(reason) = &labels.read_only {
        let short =
            if reason.contains("another rollscope") { "read-only (open elsewhere)" } else { "read-only" };
        spans.push(Span::styled(short.to_string(), theme.warning()));
    } else if let Some(error) = &labels.write_error {
        spans.push(Span::styled(
            format!("⚠ {} NOT saved: {}", labels.unsaved, sanitize::clean(error)),
            theme.warning(),
        ));
    } else if labels.unsaved > 0 {
        spans.push(Span::styled(format!("● {} saving…", labels.unsaved), theme.warning()));
    } else if labels.opened {
        spans.push(Span::styled("✓ saved", theme.dim()));
    }
    spans
}

pub fn render_hints(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme { color: app.settings.color };
    let context = match (&app.modal, app.focus) {
        (Some(Modal::Problems { .. }), _) => Context::Problems,
        (_, Pane::List) => Context::List,
        (_, Pane::Reader) => Context::Reader,
        (_, Pane::Chart) => Context::Chart,
    };
    let mut spans = Vec::new();
    for (action, label) in keymap::hints(context) {
        let Some(key) = app.keymap.key_for(*action) else {
            continue;
        };
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, theme.key()));
        let gap = if label.starts_with('-') { "" } else { " " };
        spans.push(Span::styled(format!("{gap}{label}"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// 12345 → "12,345".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
