//! The view model of the side-by-side overlay: the two transcripts' visible slices, which
//! group each side belongs to, and both sides' per-turn judge values for the overlaid chart.

use super::{JudgeLens, ReaderView};
use crate::app::layout::SideAreas;
use crate::app::{App, Modal, reader::TurnReader};
use crate::metrics::study::{group_value, value_text};
use crate::study::ScoreScale;

/// One side: its transcript, its group's name, its judge values per turn.
#[derive(Debug, Clone)]
pub struct SideView<'a> {
    pub reader: ReaderView<'a>,
    /// The side's values of the `--by` fields, joined by `·` (empty without grouping).
    pub group: String,
    /// The judge's value of the active score per turn (index 0 is turn 1); `None` where
    /// there is none or it is categorical.
    pub scores: Vec<Option<f64>>,
}

/// Both sides, aligned on `turn`.
#[derive(Debug, Clone)]
pub struct SideBySideView<'a> {
    pub field: &'a str,
    pub value: &'a str,
    /// The counterpart shown (0-based) of how many.
    pub at: usize,
    pub count: usize,
    pub turn: usize,
    pub max_turn: usize,
    pub left: SideView<'a>,
    pub right: SideView<'a>,
    pub score: &'a str,
    /// The chart's y range: 0–10 for a judge score, else the score's own range.
    pub range: (f64, f64),
    pub threshold: f64,
}

impl App {
    pub fn side_by_side_view(&self) -> Option<SideBySideView<'_>> {
        let Some(Modal::SideBySide(view)) = &self.modal else { return None };
        let areas = SideAreas::of(self.size.0, self.size.1);
        let score = self.score_name();
        let range = match self.study.scales.of(score) {
            ScoreScale::Range { lo, hi } => (lo, hi),
            _ => (0.0, 10.0),
        };
        Some(SideBySideView {
            field: &view.field,
            value: &view.value,
            at: view.at,
            count: view.candidates.len(),
            turn: view.turn,
            max_turn: view.max_turn(),
            left: self.side_view(&view.left, areas.text_rows()),
            right: self.side_view(&view.right, areas.text_rows()),
            score,
            range,
            threshold: self.settings.threshold,
        })
    }

    fn side_view<'a>(&'a self, reader: &'a TurnReader, rows: usize) -> SideView<'a> {
        let judge = JudgeLens::new(self);
        let (group, scores) = match reader.index.and_then(|i| self.study.rollouts.get(i).map(|r| (i, r))) {
            Some((index, summary)) => {
                let values: Vec<String> =
                    self.grouping().iter().map(|f| value_text(&group_value(summary, f))).collect();
                let turns = judge.turns(index, self.score_name(), summary.n_turns as usize);
                (values.join("·"), turns.into_iter().map(|j| j.score()).collect())
            }
            None => (String::new(), Vec::new()),
        };
        let mut view = self.reader_view_of(reader, rows, false);
        if !group.is_empty() {
            view.id = format!("{group} · {}", view.id).into();
        }
        SideView { reader: view, group, scores }
    }
}
