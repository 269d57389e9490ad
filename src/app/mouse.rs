//! Mouse: a click selects a row, a turn in the chart or in the transcript; the wheel scrolls
//! the pane under the pointer.

use super::layout::contains;
use super::{App, Mouse, Outcome, Pane};

impl App {
    pub(super) fn on_mouse(&mut self, mouse: Mouse, out: &mut Outcome) {
        if self.modal.is_some() {
            if matches!(mouse, Mouse::Click { .. }) {
                self.modal = None;
            }
            return;
        }
        let areas = self.areas();
        let (column, row, delta) = match mouse {
            Mouse::Click { column, row } => (column, row, 0),
            Mouse::ScrollUp { column, row } => (column, row, -3),
            Mouse::ScrollDown { column, row } => (column, row, 3),
        };
        let pane = if contains(areas.list, column, row) {
            Pane::List
        } else if contains(areas.chart, column, row) {
            Pane::Chart
        } else if contains(areas.reader, column, row) {
            Pane::Reader
        } else {
            out.changed = false;
            return;
        };
        if delta != 0 {
            match pane {
                Pane::List => {
                    let max = self.list.rows.len().saturating_sub(areas.list_rows());
                    self.list.offset = (self.list.offset as isize + delta).clamp(0, max as isize) as usize;
                }
                Pane::Reader => self.reader.scroll_by(delta, areas.reader_rows()),
                Pane::Chart => self.reader.select_turn(
                    (self.reader.turn as isize + delta.signum()).max(1) as usize,
                    areas.reader_rows(),
                ),
            }
            return;
        }
        self.focus = pane;
        match pane {
            Pane::List => {
                // Row 0 is the border, row 1 the column header.
                let row_in_list = row.saturating_sub(areas.list.y + 2) as usize;
                if row > areas.list.y + 1 && self.list.offset + row_in_list < self.list.rows.len() {
                    self.list.selected = self.list.offset + row_in_list;
                    self.open_selected(out);
                }
            }
            Pane::Chart => {
                if let Some(turn) = self.hits.chart.and_then(|c| c.turn_at(column)) {
                    self.reader.select_turn(turn, areas.reader_rows());
                }
            }
            Pane::Reader => {
                let line = self.reader.scroll + row.saturating_sub(areas.reader.y + 1) as usize;
                if let Some(turn) = self.reader.turn_at_line(line) {
                    self.reader.turn = turn;
                }
            }
        }
    }
}
