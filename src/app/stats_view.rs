//! The statistics view: the study's figures per group as charts, recomputed off the UI thread
//! whenever the threshold (or the score, or the labels) change.

use std::sync::Arc;

use super::action::Action;
use super::{App, Effect, Modal, Outcome};
use crate::metrics::study::{StatsOptions, StudyStats, group_aucs, human_means, study_stats};
use crate::model::LabelSet;
use crate::model::RolloutSummary;

/// Bootstrap replicates in the view (as `stats`' default).
pub const VIEW_BOOT: usize = 2000;

/// What the view shows.
#[derive(Debug, Clone, Default)]
pub struct StatsView {
    pub generation: u64,
    pub computing: bool,
    pub stats: Option<Arc<StudyStats>>,
    /// My mean score per group and turn, where I have labels.
    pub human: Vec<Vec<Option<f64>>>,
    /// Each group's per-rollout AUCs, for the strip plot.
    pub aucs: Vec<Vec<f64>>,
    /// The group whose per-turn table is shown (`j`/`k`), and whether it is (`t`).
    pub selected: usize,
    pub table: bool,
}

/// A snapshot of what the figures are computed from, so the worker never touches the app.
#[derive(Debug, Clone)]
pub struct StatsInput {
    pub rollouts: Vec<RolloutSummary>,
    pub options: StatsOptions,
    pub labels: LabelSet,
}

/// The figures, my mean score per group and turn, and each group's per-rollout AUCs.
pub type Computed = (StudyStats, Vec<Vec<Option<f64>>>, Vec<Vec<f64>>);

/// The figures, computed (on a worker).
pub fn compute(input: &StatsInput) -> Computed {
    let stats = study_stats(&input.rollouts, &input.options);
    let human = |id: &str, turn: u32| input.labels.get(id, Some(turn)).and_then(|l| l.score).map(f64::from);
    let means = human_means(&stats, &input.rollouts, &human);
    let aucs = group_aucs(&stats, &input.rollouts, &input.options.score);
    (stats, means, aucs)
}

impl App {
    pub(super) fn open_stats(&mut self, out: &mut Outcome) {
        let view = StatsView { generation: self.stats_generation, ..StatsView::default() };
        self.modal = Some(Modal::Stats(Box::new(view)));
        self.request_stats(out);
    }

    /// The open statistics or compare view computed again (new rows came in).
    pub(super) fn refresh_figures(&mut self, out: &mut Outcome) {
        match &self.modal {
            Some(Modal::Stats(_)) => self.request_stats(out),
            Some(Modal::Compare(_)) => self.request_compare(out),
            _ => {}
        }
    }

    /// Asks a worker for the figures with the current score and threshold.
    fn request_stats(&mut self, out: &mut Outcome) {
        self.stats_generation += 1;
        let generation = self.stats_generation;
        if let Some(Modal::Stats(view)) = &mut self.modal {
            view.generation = generation;
            view.computing = true;
        }
        let options = StatsOptions {
            score: self.score_name().to_string(),
            threshold: self.settings.threshold,
            by: self.grouping(),
            boot: VIEW_BOOT,
            seed: 0,
            cluster: None,
        };
        let input =
            StatsInput { rollouts: self.study.rollouts.clone(), options, labels: self.labels.mine.clone() };
        out.effects.push(Effect::ComputeStats { generation, input: Box::new(input) });
    }

    pub(super) fn on_stats_ready(
        &mut self,
        generation: u64,
        stats: StudyStats,
        human: Vec<Vec<Option<f64>>>,
        aucs: Vec<Vec<f64>>,
    ) {
        if let Some(Modal::Stats(view)) = &mut self.modal
            && view.generation == generation
        {
            view.computing = false;
            view.stats = Some(Arc::new(stats));
            view.human = human;
            view.aucs = aucs;
        }
    }

    /// Keys of the statistics view: move the threshold, switch the score, close.
    pub(super) fn on_stats_action(&mut self, action: Action, out: &mut Outcome) {
        match action {
            Action::ThresholdUp => self.move_threshold(1.0, out),
            Action::ThresholdDown => self.move_threshold(-1.0, out),
            Action::NextScoreName => {
                self.next_score_name(out);
                self.request_stats(out);
            }
            Action::ToggleTable | Action::Down | Action::Up => {
                let Some(Modal::Stats(view)) = &mut self.modal else { return };
                let groups = view.stats.as_ref().map_or(0, |s| s.groups.len());
                match action {
                    Action::ToggleTable => view.table = !view.table,
                    Action::Down => view.selected = (view.selected + 1).min(groups.saturating_sub(1)),
                    _ => view.selected = view.selected.saturating_sub(1),
                }
            }
            _ => self.modal = None,
        }
    }

    fn move_threshold(&mut self, delta: f64, out: &mut Outcome) {
        if self.step_threshold(delta, out) {
            self.request_stats(out);
        }
    }

    /// Moves the threshold by `delta` within 0–10, the list following; whether it moved (the
    /// statistics and compare views then recompute).
    pub(super) fn step_threshold(&mut self, delta: f64, out: &mut Outcome) -> bool {
        let next = (self.settings.threshold + delta).clamp(0.0, 10.0);
        let moved = next != self.settings.threshold;
        if moved {
            self.settings.threshold = next;
            self.refresh_list(out);
        }
        moved
    }
}
