//! Drawing: `render(&App, &mut Frame)` mutates nothing; every pane draws from the app state
//! and the shared layout.

pub mod annotate;
pub mod chart;
pub mod list;
pub mod overlay;
pub mod reader;
pub mod review;
pub mod stats;
pub mod status;
pub mod theme;

use ratatui::Frame;

use crate::app::{App, Modal};

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let areas = app.areas();
    if app.review.is_some() {
        review::render_queue(app, frame, areas.list);
    } else {
        list::render(app, frame, areas.list);
    }
    chart::render(app, frame, areas.chart);
    reader::render(app, frame, areas.reader);
    status::render_status(app, frame, areas.status);
    status::render_hints(app, frame, areas.hints);
    let full = frame.area();
    match &app.modal {
        Some(Modal::Help { scroll }) => overlay::render_help(app, frame, full, *scroll),
        Some(Modal::Problems { selected }) => overlay::render_problems(app, frame, full, *selected),
        Some(Modal::ReviewSummary(report)) => review::render_summary(app, frame, full, report),
        Some(Modal::Stats(view)) => stats::render(app, frame, full, view),
        Some(Modal::Tags(picker)) => annotate::render_tags(app, frame, full, picker),
        Some(Modal::Note(editor)) => annotate::render_note(app, frame, full, editor),
        Some(Modal::Prompt(_)) | None => {}
    }
}
