//! View models: the data each widget draws, built from the app state once per frame. Widgets
//! (in `ui`) draw exactly these and never see the `App`, so each can be rendered and tested
//! alone. Judge values reach a view model only through `JudgeLens`, so blinding in spot-check
//! mode is decided in this one place, not checked in several renderers.

mod overlays;
mod panes;
mod sides;
mod status;

pub use super::help::{HelpLine, HelpView, help_lines};
pub use overlays::{CategoriesView, QueueRow, QueueView, SummaryView, TagsView};
pub use panes::{ChartView, HeaderView, HumanMark, ListRow, ListView, ReaderState, ReaderView};
pub use sides::{SideBySideView, SideView};
pub use status::{LabelStatus, SaveState, StatusView};

use super::App;
use crate::model::ScoreValues;
use crate::sample::Reveal;
use crate::study::ScoreScale;

/// A judge value as the screen may show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Judged {
    Score(f64),
    /// A category, by its place in the score's scale (its colour).
    Category(u16),
    /// The judge gave no value for this turn.
    Missing,
    /// Spot-check mode: not shown until the annotator has scored the turn.
    Hidden,
}

impl Judged {
    pub fn of(value: Option<f64>) -> Judged {
        value.map_or(Judged::Missing, Judged::Score)
    }

    pub fn score(self) -> Option<f64> {
        match self {
            Judged::Score(v) => Some(v),
            Judged::Category(_) | Judged::Missing | Judged::Hidden => None,
        }
    }
}

/// The judge's values as the annotator may see them now.
#[derive(Clone, Copy)]
pub struct JudgeLens<'a> {
    app: &'a App,
}

impl<'a> JudgeLens<'a> {
    pub fn new(app: &'a App) -> JudgeLens<'a> {
        JudgeLens { app }
    }

    /// Whether the judge's values of turn `turn` of rollout `index` may be shown: always,
    /// except in a spot-check review. There, a rollout with an item still waiting for my score
    /// shows none of the judge's values — earlier turns' scores climbing turn by turn anchor
    /// the annotator as much as the hidden one would — except the turns before the first
    /// waiting item with `--show-earlier`, and a scored item's own turn with `--reveal
    /// after-score`. Other rollouts show them as `--reveal` says: after each score
    /// (`after-score`), once every item is scored (`end`), or not in the review (`never`).
    pub fn visible(&self, index: usize, turn: usize) -> bool {
        let app = self.app;
        let Some(review) = &app.review else { return true };
        if review.adjudicate {
            return true;
        }
        let Some(summary) = app.study.rollouts.get(index) else { return false };
        let queue = &review.queue;
        let on_this_rollout = || queue.items.iter().filter(|it| it.rollout == *summary.id);
        let first_waiting =
            on_this_rollout().filter(|it| !app.item_done(it)).map(|it| it.turn as usize).min();
        match (first_waiting, queue.reveal) {
            (Some(first), reveal) => {
                (queue.show_earlier && turn < first)
                    || (reveal == Reveal::AfterScore
                        && on_this_rollout().any(|it| it.turn as usize == turn && app.item_done(it)))
            }
            (None, Reveal::AfterScore) => true,
            (None, Reveal::End) => app.review_complete(),
            (None, Reveal::Never) => false,
        }
    }

    /// The value of score `name` at a 1-based turn.
    pub fn turn(&self, index: usize, name: &str, turn: usize) -> Judged {
        self.turn_on(&self.app.study.scales.of(name), index, name, turn)
    }

    /// The values of score `name` for turns `1..=count`.
    pub fn turns(&self, index: usize, name: &str, count: usize) -> Vec<Judged> {
        let scale = self.app.study.scales.of(name);
        (1..=count).map(|t| self.turn_on(&scale, index, name, t)).collect()
    }

    fn turn_on(&self, scale: &ScoreScale, index: usize, name: &str, turn: usize) -> Judged {
        if !self.visible(index, turn) {
            return Judged::Hidden;
        }
        let Some(r) = self.app.study.rollouts.get(index) else { return Judged::Missing };
        match r.score_values(name) {
            Some(ScoreValues::Categorical(_)) => r
                .category_at(name, turn)
                .and_then(|c| scale.category_index(c))
                .map_or(Judged::Missing, |i| Judged::Category(i as u16)),
            _ => Judged::of(r.score_at(name, turn)),
        }
    }

    /// Whether every turn's judge values of a rollout may be shown.
    pub fn whole_rollout_visible(&self, index: usize) -> bool {
        let Some(summary) = self.app.study.rollouts.get(index) else { return false };
        (1..=summary.n_turns as usize).all(|t| self.visible(index, t))
    }

    /// Every per-turn value of a rollout, when none of them is hidden.
    pub fn whole_rollout(&self, index: usize, name: &str) -> Option<&'a [Option<f64>]> {
        let summary = self.app.study.rollouts.get(index)?;
        let all_visible = (1..=summary.n_turns as usize).all(|t| self.visible(index, t));
        all_visible.then(|| summary.turn_scores(name))
    }

    /// A message's scores (all names) at a turn, or `None` when hidden.
    pub fn message_scores(
        &self,
        index: usize,
        turn: usize,
        scores: &'a [(String, Option<f64>)],
    ) -> Option<&'a [(String, Option<f64>)]> {
        self.visible(index, turn).then_some(scores)
    }
}
