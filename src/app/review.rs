//! Spot-check mode (`rollscope review QUEUE`): one sampled turn at a time, the transcript cut
//! after it, and the judge's scores for it and every later turn hidden everywhere until the
//! annotator has scored it. Labels carry the queue's name; reopening resumes at the first item
//! not yet scored in this queue.

use std::collections::HashMap;

use super::action::Action;
use super::{App, Modal, Outcome, Pane};
use crate::metrics::pairs::{AgreementReport, PairOptions, agreement_report};
use crate::model::{Label, LabelSet, Problem, RolloutSummary};
use crate::sample::{Item, Queue, Reveal};

/// Bootstrap replicates for the summary's intervals.
const SUMMARY_BOOT: usize = 2000;

/// The queue being worked through.
#[derive(Debug, Clone)]
pub struct Review {
    pub name: String,
    pub queue: Queue,
    /// The queue file, as given (for the `agree` command the summary prints).
    pub path: Option<std::path::PathBuf>,
    /// The labels folder.
    pub labels: Option<std::path::PathBuf>,
    /// Adjudicating: the judge and every annotator shown, a final score and a reason asked.
    pub adjudicate: bool,
    /// Rollout id → study index, once the study has loaded.
    pub index: HashMap<String, usize>,
    pub current: usize,
    /// The study has finished loading (items can be resolved).
    pub loaded: bool,
}

impl Review {
    pub fn new(name: String, queue: Queue) -> Review {
        let adjudicate = queue.adjudicate;
        Review {
            name,
            queue,
            path: None,
            labels: None,
            adjudicate,
            index: HashMap::new(),
            current: 0,
            loaded: false,
        }
    }

    pub fn item(&self) -> Option<&Item> {
        self.queue.items.get(self.current)
    }

    /// Drops the items whose turn their rollout does not have (a hand-edited queue), each a
    /// problem naming it: shown, such an item cut nothing, so every judge score was in view,
    /// and a score given on it was saved nowhere. Items of rollouts not in the study stay
    /// (opening one says so).
    fn drop_items_off_their_rollout(&mut self, rollouts: &[RolloutSummary]) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut number = 0;
        let (index, name) = (&self.index, &self.name);
        self.queue.items.retain(|item| {
            number += 1;
            let n_turns = index.get(&item.rollout).and_then(|&i| rollouts.get(i)).map(|r| r.n_turns);
            let why = match (item.turn, n_turns) {
                (0, _) => "turn 0 does not exist (turn 1 is the first)".to_string(),
                (turn, Some(n)) if turn > n => format!("turn {turn} is past the rollout's last turn ({n})"),
                _ => return true,
            };
            let message = format!("item {number} (rollout {:?}): {why}; the item is skipped", item.rollout);
            problems.push(Problem::file(format!("queue {name}"), message));
            false
        });
        problems
    }
}

/// A signed difference without float noise: `+1`, `-0.54`.
pub fn delta_text(delta: f64) -> String {
    let text = format!("{delta:+.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl App {
    /// Whether a label of mine was given in this review: it carries the queue's id (a
    /// version 1 queue has none: its name). A label of the same turn given before, seeing the
    /// judge, is not.
    pub fn given_here(&self, label: &Label) -> bool {
        let Some(review) = &self.review else { return false };
        match &review.queue.id {
            Some(id) => label.queue_id.as_deref() == Some(id.as_str()),
            None => label.queue.as_deref() == Some(review.name.as_str()),
        }
    }

    /// Whether an item has been scored by me in this review.
    pub fn item_done(&self, item: &Item) -> bool {
        let label = self.labels.mine.get(&item.rollout, Some(item.turn));
        label.is_some_and(|l| l.score.is_some() && self.given_here(l))
    }

    /// Every item is scored: the judge is revealed (`--reveal end`).
    pub fn review_complete(&self) -> bool {
        self.review_progress().is_some_and(|(done, total)| done == total)
    }

    /// On to the next unscored item once the current one is scored (config `[review]
    /// advance`); the last opens the summary. The toast keeps what was just scored.
    pub(super) fn advance_review(&mut self, out: &mut Outcome) {
        let done = self.review.as_ref().and_then(|r| r.item()).is_some_and(|it| self.item_done(it));
        if self.settings.review_advance && done {
            let toast = self.toast.take();
            self.next_review_item(true, true, out);
            if self.toast.is_none() {
                self.toast = toast;
            }
        }
    }

    /// Adjudicating: the judge and every annotator shown, a reason asked after each score.
    pub fn adjudicating(&self) -> bool {
        self.review.as_ref().is_some_and(|r| r.adjudicate)
    }

    /// When this review shows the judge.
    pub fn reveal(&self) -> Option<Reveal> {
        self.review.as_ref().map(|r| r.queue.reveal)
    }

    /// (done, total) of the queue.
    pub fn review_progress(&self) -> Option<(usize, usize)> {
        let review = self.review.as_ref()?;
        let done = review.queue.items.iter().filter(|it| self.item_done(it)).count();
        Some((done, review.queue.items.len()))
    }

    /// Once both the study and the labels are in: resolve ids and open the first item not done.
    pub(super) fn start_review_when_ready(&mut self, out: &mut Outcome) {
        let ready = self.labels.opened && self.study.progress.finished;
        let Some(review) = &mut self.review else { return };
        if !ready || review.loaded {
            return;
        }
        review.loaded = true;
        review.index = self.study.rollouts.iter().enumerate().map(|(i, r)| (r.id.to_string(), i)).collect();
        let problems = review.drop_items_off_their_rollout(&self.study.rollouts);
        if let Some(first) = problems.first() {
            self.toast =
                Some(format!("{} queue items skipped (p lists them): {}", problems.len(), first.message));
        }
        self.study.problems.extend(problems);
        let items = review.queue.items.clone();
        let first = items.iter().position(|it| !self.item_done(it));
        match first {
            Some(i) => self.open_item(i, out),
            None => {
                self.open_item(0, out);
                self.open_review_summary();
            }
        }
    }

    /// Shows item `i`: its rollout, cut after the sampled turn, with that turn selected.
    pub fn open_item(&mut self, i: usize, out: &mut Outcome) {
        let Some(review) = &mut self.review else { return };
        let Some(item) = review.queue.items.get(i).cloned() else { return };
        review.current = i;
        let Some(&index) = review.index.get(&item.rollout) else {
            self.toast = Some(format!("item {}: rollout {:?} is not in the study", i + 1, item.rollout));
            return;
        };
        self.reader.pending_turn = Some(item.turn as usize);
        self.open_rollout(index, out);
        self.apply_review_cut();
    }

    /// Cuts the transcript after the current item's turn.
    pub(super) fn apply_review_cut(&mut self) {
        let Some(item) = self.review.as_ref().and_then(|r| r.item().cloned()) else { return };
        let Some(rollout) = &self.reader.rollout else { return };
        let limit = rollout.turn_messages().get(item.turn as usize - 1).copied();
        if self.reader.limit != limit {
            self.reader.limit = limit;
            self.rewrap_reader();
            self.reader.select_turn(item.turn as usize, self.areas().reader_rows());
        }
    }

    /// The next item not yet scored (after the current one, wrapping); the summary when all are.
    pub fn next_review_item(&mut self, forward: bool, only_pending: bool, out: &mut Outcome) {
        let Some(review) = &self.review else { return };
        let n = review.queue.items.len();
        let current = review.current;
        for step in 1..=n {
            let i = if forward { (current + step) % n } else { (current + n * 2 - step) % n };
            let item = review.queue.items[i].clone();
            if !only_pending || !self.item_done(&item) {
                self.open_item(i, out);
                return;
            }
        }
        self.open_review_summary();
    }

    /// The agreement of this queue's labels with the judge.
    pub fn review_report(&self) -> Option<AgreementReport> {
        let review = self.review.as_ref()?;
        Some(self.agreement_of(&review.queue.score, |label| self.given_here(label)))
    }

    /// The agreement with the judge's `score` of my labels that `keep` lets through.
    fn agreement_of(&self, score: &str, keep: impl Fn(&Label) -> bool) -> AgreementReport {
        let mut set = LabelSet::default();
        for ((rollout, turn), label) in &self.labels.mine.labels {
            if keep(label) {
                set.set((rollout.clone(), *turn), Some(label.clone()));
            }
        }
        let options = PairOptions {
            score: score.to_string(),
            threshold: self.settings.threshold,
            boot: SUMMARY_BOOT,
            seed: 0,
        };
        let annotators = [(self.labels.annotator.clone(), set)];
        let hashes = &self.reader.turn_hashes;
        let shown = self.reader.index.and_then(|i| self.study.rollouts.get(i)).map(|r| r.id.clone());
        // A label is stale when its turn's text changed; only the rollout in the reader has its
        // turns hashed here, so only its labels are checked (`agree` checks them all).
        let current = |rollout: &str, turn: u32| {
            shown.as_deref().filter(|id| *id == rollout).and_then(|_| hashes.get(turn as usize - 1).cloned())
        };
        agreement_report(&self.study.rollouts, &annotators, &current, &options)
    }

    /// The agreement view outside a review: all my labels against the judge's score shown.
    pub fn open_agreement(&mut self) {
        if self.labels.mine.total_scored() == 0 {
            self.toast = Some("no scores of yours yet to set against the judge's".into());
            return;
        }
        let report = self.agreement_of(self.score_name(), |_| true);
        self.modal = Some(Modal::ReviewSummary(Box::new(report)));
    }

    pub fn open_review_summary(&mut self) {
        if let Some(report) = self.review_report() {
            self.modal = Some(Modal::ReviewSummary(Box::new(report)));
        }
    }
}

impl App {
    /// Spot-check mode's own meaning of some actions; `true` when the action was handled.
    pub(super) fn perform_in_review(&mut self, action: Action, out: &mut Outcome) -> bool {
        let in_list = self.focus == Pane::List;
        match action {
            // The turn keys of the chart move through the queue, as the queue's own keys do.
            Action::NextItem | Action::NextTurn => self.next_review_item(true, false, out),
            Action::PrevItem | Action::PrevTurn => self.next_review_item(false, false, out),
            Action::Down | Action::PageDown if in_list => self.next_review_item(true, false, out),
            Action::Up | Action::PageUp if in_list => self.next_review_item(false, false, out),
            Action::Top if in_list => self.open_item(0, out),
            Action::Bottom if in_list => {
                let last = self.review.as_ref().map_or(0, |r| r.queue.items.len().saturating_sub(1));
                self.open_item(last, out);
            }
            Action::NextPendingItem | Action::NextUnlabelledTurn | Action::NextUnlabelledRollout => {
                self.next_review_item(true, true, out)
            }
            Action::ShowSummary | Action::OpenStats | Action::OpenAgreement => self.open_review_summary(),
            Action::ToggleOthers => {
                self.toast = Some("other annotators' labels are hidden in a blind review".into());
            }
            Action::Search
            | Action::NextMatch
            | Action::PrevMatch
            | Action::Filter
            | Action::CycleSort
            | Action::ReverseSort
            | Action::OpenCompare
            | Action::WriteReport
            | Action::OpenSideBySide => {
                // Each could open a rollout past the sampled turn, or show the judge's values,
                // before the turn is scored.
                self.toast = Some("not available in spot-check mode".into());
            }
            Action::SetScore(_) | Action::ClearScore => {
                let Some(turn) = self.review.as_ref().and_then(|r| r.item()).map(|it| it.turn as usize)
                else {
                    return true;
                };
                self.reader.turn = turn;
                let score = match action {
                    Action::SetScore(n) => Some(n.min(10)),
                    _ => None,
                };
                self.set_score(score, out);
                self.reveal_toast();
                if self.adjudicating() && score.is_some() {
                    // The reason is asked next; choosing it moves on.
                    self.open_reason_picker();
                } else if score.is_some() {
                    self.advance_review(out);
                }
            }
            _ => return false,
        }
        true
    }

    /// After a score in spot-check mode: the judge's score beside mine, and the difference.
    fn reveal_toast(&mut self) {
        let Some(item) = self.review.as_ref().and_then(|r| r.item().cloned()) else { return };
        let Some(index) = self.review.as_ref().and_then(|r| r.index.get(&item.rollout).copied()) else {
            return;
        };
        // Only a score given here, saved: an earlier label (or one not written, the store being
        // read-only) says nothing of this item.
        if !self.item_done(&item) {
            return;
        }
        let mine = self.my_label(&item.rollout, Some(item.turn)).and_then(|l| l.score);
        let judge = self.study.rollouts[index].score_at(self.score_name(), item.turn as usize);
        // Progress is in the title and the status line already.
        let next = if self.settings.review_advance { "" } else { " · . next" };
        match (self.reveal(), mine, judge) {
            (Some(Reveal::AfterScore), Some(h), Some(j)) => {
                let delta = super::review::delta_text(f64::from(h) - j);
                self.toast = Some(format!("you {h} · judge {j} · Δ {delta}{next}"));
            }
            (_, Some(h), _) => self.toast = Some(format!("saved: you {h}{next}")),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn deltas_are_short_and_signed() {
        assert_eq!(super::delta_text(0.5430000000000001), "+0.54");
        assert_eq!(super::delta_text(-2.0), "-2");
        assert_eq!(super::delta_text(0.0), "+0");
        assert_eq!(super::delta_text(1.5), "+1.5");
    }
}
