//! Spot-check mode's panes: the queue (in place of the rollout list) and the summary screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::overlay::centered;
use super::theme::Theme;
use crate::app::{App, Pane};
use crate::metrics::pairs::AgreementReport;
use crate::sanitize;

/// The queue: one row per item, my score and the judge's only once I have scored it.
pub fn render_queue(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme { color: app.settings.color };
    let Some(review) = &app.review else { return };
    let (done, total) = app.review_progress().unwrap_or((0, 0));
    let focused = app.focus == Pane::List && app.modal.is_none();
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border(focused)).title(Span::styled(
            format!(" Spot-check {} · {done}/{total} done ", sanitize::clean(&review.name)),
            theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    let offset = review.current.saturating_sub(rows / 2).min(total.saturating_sub(rows));
    let lines: Vec<Line> = review
        .queue
        .items
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, item)| {
            let done = app.item_done(item);
            let mark = if done { "✓" } else { "·" };
            let mut spans = vec![
                Span::styled(format!("{mark} {:>3} ", i + 1), if done { theme.human() } else { theme.dim() }),
                Span::raw(super::list::fit(&sanitize::clean(&item.rollout), 20)),
                Span::raw(format!("t{:<3}", item.turn)),
            ];
            if done {
                let mine = app.labels.mine.get(&item.rollout, Some(item.turn)).and_then(|l| l.score);
                let judge = review
                    .index
                    .get(&item.rollout)
                    .and_then(|&ix| app.study.rollouts[ix].score_at(&review.queue.score, item.turn as usize));
                if let (Some(h), Some(j)) = (mine, judge) {
                    spans.push(Span::styled(format!(" you {h}"), theme.human()));
                    spans.push(Span::raw(format!(
                        " judge {j} Δ{}",
                        crate::app::review::delta_text(f64::from(h) - j)
                    )));
                }
            }
            let line = Line::from(spans);
            if i == review.current { line.style(theme.selected_row(focused)) } else { line }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Human against judge on this queue's labels.
pub fn render_summary(app: &App, frame: &mut Frame, area: Rect, report: &AgreementReport) {
    let theme = Theme { color: app.settings.color };
    let box_area = centered(area, 76, 22);
    frame.render_widget(Clear, box_area);
    let name = app.review.as_ref().map_or(String::new(), |r| sanitize::clean(&r.name).into_owned());
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(Span::styled(
        format!(" Spot-check {name}: you vs the judge · any key closes "),
        theme.title(),
    ));
    let mut lines = Vec::new();
    let (done, total) = app.review_progress().unwrap_or((0, 0));
    lines.push(Line::raw(format!(
        "{done} of {total} items scored · score {} · threshold {}",
        report.score, report.threshold
    )));
    if let Some(j) = report.judge.first() {
        let a = &j.agreement;
        lines.push(Line::raw(format!("{} turns paired with a judge score", a.n)));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{:<18}{:>9}   95% CI (bootstrap, B={})", "figure", "value", report.boot),
            theme.header(),
        ));
        for (label, f) in a.named_figures() {
            lines.push(Line::raw(format!("{label:<18}{}", f.text())));
        }
        let c = &a.confusion;
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("≥ {t} vs < {t}       judge ≥ {t}   judge < {t}", t = report.threshold),
            theme.header(),
        ));
        lines.push(Line::raw(format!(
            "you ≥ {:<12}{:>9}   {:>9}",
            report.threshold, c.both_high, c.human_high_judge_low
        )));
        lines.push(Line::raw(format!(
            "you < {:<12}{:>9}   {:>9}",
            report.threshold, c.human_low_judge_high, c.both_low
        )));
    } else {
        lines.push(Line::styled("no item scored yet", theme.dim()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("The same figures: rollscope agree PATHS --queue NAME --json", theme.dim()));
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}
