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
            hints: Rect::new(0, main_height + u16::from(height >= 2), width, u16::from(height >= 2)),
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

/// The areas of the side-by-side view, which covers the main screen above the status and
/// hint lines: the overlaid score chart on top, the two transcripts below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideAreas {
    pub chart: Rect,
    pub left: Rect,
    pub right: Rect,
}

impl SideAreas {
    pub fn of(width: u16, height: u16) -> SideAreas {
        let main_height = height.saturating_sub(2);
        let chart_height = (main_height * 4 / 10).clamp(8.min(main_height), 12);
        let pane_height = main_height - chart_height;
        let left_width = width / 2;
        SideAreas {
            chart: Rect::new(0, 0, width, chart_height),
            left: Rect::new(0, chart_height, left_width, pane_height),
            right: Rect::new(left_width, chart_height, width - left_width, pane_height),
        }
    }

    /// Text columns inside a transcript's border (the narrower side).
    pub fn text_columns(&self) -> usize {
        self.left.width.min(self.right.width).saturating_sub(2) as usize
    }

    /// Text rows inside a transcript's border.
    pub fn text_rows(&self) -> usize {
        self.left.height.saturating_sub(2) as usize
    }
}

/// What the last frame drew where the mouse can hit it, as the renderer reports it: mouse
/// handling reads this instead of calling into drawing code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HitMap {
    pub chart: Option<ChartHits>,
}

/// Where the chart drew its turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartHits {
    /// First column of the plot, and its width.
    pub x: u16,
    pub width: u16,
    /// First turn drawn (1-based), how many, and columns per turn.
    pub first_turn: usize,
    pub visible: usize,
    pub slot: u16,
}

impl ChartHits {
    /// The turn drawn at a screen column.
    pub fn turn_at(&self, column: u16) -> Option<usize> {
        let offset = column.checked_sub(self.x)? / self.slot.max(1);
        let turn = self.first_turn + offset as usize;
        (column < self.x + self.width && turn < self.first_turn + self.visible).then_some(turn)
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
            assert_eq!((a.status.y, a.hints.y), (h - 2, h - 1), "the two bottom lines");
        }
    }

    #[test]
    fn chart_hits_map_columns_to_the_turns_drawn_there() {
        let hits = ChartHits { x: 4, width: 30, first_turn: 3, visible: 10, slot: 3 };
        assert_eq!(hits.turn_at(3), None, "left of the plot");
        assert_eq!(hits.turn_at(4), Some(3));
        assert_eq!(hits.turn_at(6), Some(3));
        assert_eq!(hits.turn_at(7), Some(4));
        assert_eq!(hits.turn_at(33), Some(12));
        assert_eq!(hits.turn_at(34), None, "right of the plot");
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        // Every area lies on the screen and no two overlap, however small the terminal.
        for (w, h) in [(0, 0), (1, 1), (10, 2), (3, 5), (80, 3), (80, 24)] {
            let a = Areas::of(w, h);
            let all = [a.list, a.chart, a.reader, a.status, a.hints];
            for (i, r) in all.iter().enumerate() {
                assert!(r.right() <= w && r.bottom() <= h, "{w}x{h}: area {i} {r:?} is off the screen");
                for (j, o) in all.iter().enumerate().skip(i + 1) {
                    assert!(r.intersection(*o).is_empty(), "{w}x{h}: areas {i} and {j} overlap: {r:?} {o:?}");
                }
            }
        }
    }
}
