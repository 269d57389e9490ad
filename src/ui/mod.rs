//! Drawing: `render` builds each widget from its view model and draws it. Nothing is mutated
//! while drawing; what the mouse can hit is returned, for the app to read.

pub mod agreement;
pub mod annotate;
pub mod chart;
pub mod command_palette;
pub mod compare;
pub mod list;
pub mod overlay;
pub mod palette;
pub mod reader;
pub mod review;
pub mod series;
pub mod side_by_side;
pub mod stats;
pub mod status;
pub mod theme;

use ratatui::Frame;

use crate::app::layout::HitMap;
use crate::app::{App, Modal};
use annotate::{CategoriesWidget, NoteWidget, TagsWidget};
use chart::ChartWidget;
use compare::CompareWidget;
use list::ListWidget;
use overlay::{HelpWidget, ProblemsWidget};
use reader::ReaderWidget;
use review::{QueueWidget, SummaryWidget};
use side_by_side::SideBySideWidget;
use stats::StatsWidget;
use status::{HintsWidget, StatusWidget};
use theme::Theme;

/// Draws the whole screen and says where the mouse can hit what.
pub fn render(app: &App, frame: &mut Frame) -> HitMap {
    let theme = Theme { color: app.settings.color, truecolor: app.settings.truecolor };
    let areas = app.areas();
    match app.queue_view(areas.list.height.saturating_sub(2) as usize) {
        Some(view) => frame.render_widget(QueueWidget { view, theme }, areas.list),
        None => frame.render_widget(ListWidget { view: app.list_view(), theme }, areas.list),
    }
    let chart = ChartWidget { view: app.chart_view(), theme }.draw(areas.chart, frame.buffer_mut());
    frame.render_widget(ReaderWidget { view: app.reader_view(), theme }, areas.reader);
    let status = StatusWidget { view: app.status_view(), theme };
    if let Some(cursor) = status.cursor(areas.status) {
        frame.set_cursor_position(cursor);
    }
    frame.render_widget(status, areas.status);
    // A message too long for the status line is never cut: the whole of it grows upward.
    if let Some(toast) = app.toast.as_deref().filter(|_| app.modal.is_none()) {
        status::render_long_message(toast, areas.status, theme, frame.buffer_mut());
    }
    frame.render_widget(HintsWidget { hints: &app.hints_view(), theme }, areas.hints);
    let full = frame.area();
    match &app.modal {
        Some(Modal::Help(_)) => {
            if let Some(view) = app.help_view() {
                frame.render_widget(HelpWidget { view, theme }, full);
            }
        }
        Some(Modal::Problems(cursor)) => {
            let problems = ProblemsWidget { problems: &app.study.problems, selected: cursor.at, theme };
            frame.render_widget(problems, full);
        }
        Some(Modal::ReviewSummary(_)) => {
            if let Some(view) = app.summary_view() {
                frame.render_widget(SummaryWidget { view, theme }, full);
            }
        }
        Some(Modal::Stats(view)) => {
            let stats =
                StatsWidget { view, score: app.score_name(), threshold: app.settings.threshold, theme };
            frame.render_widget(stats, full);
        }
        Some(Modal::Compare(view)) => {
            let compare =
                CompareWidget { view, score: app.score_name(), threshold: app.settings.threshold, theme };
            frame.render_widget(compare, full);
        }
        Some(Modal::SideBySide(_)) => {
            if let Some(view) = app.side_by_side_view() {
                let above = ratatui::layout::Rect { height: full.height.saturating_sub(2), ..full };
                frame.render_widget(SideBySideWidget { view, theme }, above);
            }
        }
        Some(Modal::Tags(_)) => {
            if let Some(view) = app.tags_view() {
                frame.render_widget(TagsWidget { view, theme }, full);
            }
        }
        Some(Modal::Categories(_)) => {
            if let Some(view) = app.categories_view() {
                frame.render_widget(CategoriesWidget { view, theme }, full);
            }
        }
        Some(Modal::Note(editor)) => frame.render_widget(NoteWidget { editor, theme }, full),
        Some(Modal::Prompt(_)) => {
            if let Some(view) = app.palette_view() {
                let above = ratatui::layout::Rect { height: areas.status.y.saturating_sub(full.y), ..full };
                frame.render_widget(command_palette::PaletteWidget { view, theme }, above);
            }
        }
        None => {}
    }
    HitMap { chart }
}
