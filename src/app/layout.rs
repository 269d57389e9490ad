//! Where each pane goes for a terminal size: a pure function used by `update` (page sizes,
//! wrap width, mouse hits) and by `ui::render`, so the two always agree.

use ratatui::layout::Rect;

/// The areas of the main screen (borders included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub chart: Rect,
    pub reader: Rect,
    pub status: Rect,
    pub hints: Rect,
}

impl Areas {
    /// Left column: the list above the chart; right: the reader; two bottom lines for status
    /// and key hints.
    pub fn of(width: u16, height: u16) -> Areas {
        let main_height = height.saturating_sub(2);
        let left_width = width / 2;
        let chart_height = (main_height * 7 / 20).clamp(6.min(main_height), 14);
        let list_height = main_height - chart_height;
        Areas {
            list: Rect::new(0, 0, left_width, list_height),
            chart: Rect::new(0, list_height, left_width, chart_height),
            reader: Rect::new(left_width, 0, width - left_width, main_height),
            status: Rect::new(0, main_height, width, height.min(1).min(height - main_height)),
            hints: Rect::new(0, main_height + 1, width, u16::from(height >= 2)),
        }
    }

    /// Rows of the list inside its border, minus the header row.
    pub fn list_rows(&self) -> usize {
        self.list.height.saturating_sub(3) as usize
    }

    /// Text rows inside the reader's border.
    pub fn reader_rows(&self) -> usize {
        self.reader.height.saturating_sub(2) as usize
    }

    /// Text columns inside the reader's border.
    pub fn reader_columns(&self) -> usize {
        self.reader.width.saturating_sub(2) as usize
    }
}

/// Whether a screen cell lies inside an area.
pub fn contains(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.x + area.width && row >= area.y && row < area.y + area.height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_tile_the_screen_at_common_sizes() {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let a = Areas::of(w, h);
            assert_eq!(a.list.width + a.reader.width, w);
            assert_eq!(a.list.height + a.chart.height, a.reader.height);
            assert_eq!(a.reader.height + 2, h);
            assert!(a.chart.height >= 6 && a.list_rows() > 5);
        }
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (10, 2), (3, 5)] {
            let a = Areas::of(w, h);
            assert!(a.reader.height <= h);
        }
    }
}
