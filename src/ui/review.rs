//! Spot-check mode's panes: the queue (in place of the rollout list) and the summary screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::agreement::{CalibrationChart, LevelHeatMap};
use super::overlay::centered;
use super::theme::Theme;
use crate::app::review::delta_text;
use crate::app::view::{Judged, QueueView, SummaryView};
use crate::sanitize;

/// The queue: one row per item, my score and the judge's only once I have scored it.
pub struct QueueWidget<'a> {
    pub view: QueueView<'a>,
    pub theme: Theme,
}

impl Widget for QueueWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        let block = Block::default().borders(Borders::ALL).border_style(theme.border(view.focused)).title(
            Span::styled(
                format!(
                    " {} {} · {}/{} done ",
                    if view.adjudicate { "Adjudication" } else { "Spot-check" },
                    sanitize::clean(view.name),
                    view.done,
                    view.total
                ),
                theme.title(),
            ),
        );
        let inner = block.inner(area);
        block.render(area, buf);
        let lines: Vec<Line> = view
            .rows
            .iter()
            .enumerate()
            .map(|(position, item)| {
                let mark = if item.done { "✓" } else { "·" };
                let mut spans = vec![
                    Span::styled(
                        format!("{mark} {:>3} ", item.number),
                        if item.done { theme.human() } else { theme.dim() },
                    ),
                    Span::raw(super::list::fit(&sanitize::clean(item.rollout), 20)),
                    Span::raw(format!("t{:<3}", item.turn)),
                ];
                if let (true, Some(h), Judged::Score(j)) = (item.done, item.you, item.judge) {
                    spans.push(Span::styled(format!(" you {h}"), theme.human()));
                    spans.push(Span::raw(format!(" judge {j} Δ{}", delta_text(f64::from(h) - j))));
                }
                let line = Line::from(spans);
                if view.current == Some(position) {
                    line.style(theme.selected_row(view.focused))
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

/// Human against judge on this queue's labels.
pub struct SummaryWidget<'a> {
    pub view: SummaryView<'a>,
    pub theme: Theme,
}

impl Widget for SummaryWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (view, theme) = (&self.view, self.theme);
        let report = view.report;
        let judge = report.judge.first().filter(|_| view.withheld.is_none());
        // With figures to draw and the room for them, the calibration chart and the heat map
        // go beside the figures.
        let wide = judge.is_some() && area.width >= 120 && area.height >= 30;
        let box_area = if wide {
            centered(area, area.width.min(150), area.height.min(40))
        } else {
            centered(area, 76, 22)
        };
        Clear.render(box_area, buf);
        let (text_area, drawings) = if wide {
            let columns = Layout::horizontal([Constraint::Length(74), Constraint::Min(46)]).split(box_area);
            (columns[0], Some(columns[1]))
        } else {
            (box_area, None)
        };
        let block =
            Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(Span::styled(
                format!(" Agreement · {}: you vs the judge ", sanitize::clean(view.name)),
                theme.title(),
            ));
        let mut lines = Vec::new();
        let scored = if view.in_review {
            format!("{} of {} items scored", view.done, view.total)
        } else {
            format!("{} turns scored", view.done)
        };
        lines.push(Line::raw(format!("{scored} · score {} · threshold {}", report.score, report.threshold)));
        if let Some(why) = &view.withheld {
            lines.push(Line::raw(""));
            lines.push(Line::styled(why.clone(), theme.dim()));
        } else if let Some(j) = report.judge.first() {
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
            lines.push(Line::raw(format!("{:<18}{}", "bias (you − judge)", a.bias.text())));
            if let Some(l) = &a.limits_of_agreement {
                lines.push(Line::raw(format!(
                    "{:<18}{:>9.3}   to {:.3} (95% limits of agreement)",
                    "", l.lower, l.upper
                )));
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
        lines.push(Line::styled(format!("The same figures: {}", view.command), theme.dim()));
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).render(text_area, buf);
        if let (Some(area), Some(j)) = (drawings, judge) {
            let rows = Layout::vertical([Constraint::Min(8), Constraint::Length(14)]).split(area);
            CalibrationChart { levels: &j.agreement.calibration, theme }.render(rows[0], buf);
            LevelHeatMap { table: &j.agreement.confusion_levels, theme }.render(rows[1], buf);
        }
    }
}
