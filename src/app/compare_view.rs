//! The compare view (`C`): each group's per-turn difference from its baseline group with the
//! bootstrap band, the turns whose Holm-adjusted p is below 0.05 marked, and the headline
//! table — `rollscope compare` in the terminal. The report is computed off the UI thread
//! (a worker runs `metrics::compare::compare`) whenever the baseline, score or threshold change.

use std::sync::Arc;

use super::action::Action;
use super::{App, Effect, Modal, Outcome};
use crate::metrics::compare::{CompareOptions, CompareReport, compare};
use crate::metrics::study::{default_grouping, group_value, value_text};
use crate::model::{RolloutSummary, names};

/// Bootstrap replicates and permutations in the view (as `compare`'s defaults).
pub const VIEW_BOOT: usize = 2000;
pub const VIEW_PERM: usize = 10_000;

/// What the view shows.
#[derive(Debug, Clone, Default)]
pub struct CompareView {
    pub generation: u64,
    pub computing: bool,
    pub report: Option<Arc<CompareReport>>,
    /// Why nothing can be compared (no grouping, no baseline value, a text score).
    pub error: Option<String>,
    /// The baseline chosen in the view; `None` until the first report says which it is.
    pub baseline: Option<(String, String)>,
    /// The comparison whose series is drawn bold and whose sentence is spelled out.
    pub selected: usize,
}

/// A snapshot of what the report is computed from, so the worker never touches the app.
#[derive(Debug, Clone)]
pub struct CompareInput {
    pub rollouts: Vec<RolloutSummary>,
    pub options: CompareOptions,
}

/// The report, or why there is none (on a worker).
pub fn compute(input: &CompareInput) -> Result<CompareReport, String> {
    compare(&input.rollouts, &input.options).map_err(|e| e.to_string())
}

/// The values a baseline can take: those of the first grouping field, in text order.
pub(super) fn baseline_values<'a>(
    rollouts: impl IntoIterator<Item = &'a RolloutSummary>,
    field: &str,
) -> Vec<String> {
    let mut values: Vec<String> = rollouts
        .into_iter()
        .map(|r| group_value(r, field))
        .filter(|v| !v.is_null())
        .map(|v| value_text(&v))
        .collect();
    values.sort();
    values.dedup();
    values
}

impl App {
    /// The grouping of the statistics and compare views: `--by`, else condition,dataset.
    pub fn grouping(&self) -> Vec<String> {
        self.settings.by.clone().unwrap_or_else(|| default_grouping(&self.study.rollouts))
    }

    pub(super) fn open_compare(&mut self, out: &mut Outcome) {
        let previous = match &self.modal {
            Some(Modal::Compare(view)) => view.baseline.clone(),
            _ => None,
        };
        let baseline = previous
            .or_else(|| self.settings.baseline.clone())
            .or_else(|| self.default_baseline(&self.grouping(), || self.study.rollouts.iter()));
        let view = CompareView { baseline, ..CompareView::default() };
        self.modal = Some(Modal::Compare(Box::new(view)));
        self.request_compare(out);
    }

    /// The baseline when none is given, among `rollouts`: `condition=baseline` where
    /// `condition` is a grouping field with that value (what `compare` itself defaults to),
    /// else the first value of the first grouping field.
    pub(super) fn default_baseline<'a, I>(
        &self,
        by: &[String],
        rollouts: impl Fn() -> I,
    ) -> Option<(String, String)>
    where
        I: Iterator<Item = &'a RolloutSummary>,
    {
        if by.iter().any(|f| f == "condition")
            && baseline_values(rollouts(), "condition").iter().any(|v| v == "baseline")
        {
            return Some(("condition".into(), "baseline".into()));
        }
        let field = by.first()?;
        let value = baseline_values(rollouts(), field).into_iter().next()?;
        Some((field.clone(), value))
    }

    /// Asks a worker for the report with the current baseline, score and threshold.
    pub(super) fn request_compare(&mut self, out: &mut Outcome) {
        let by = self.grouping();
        let score = self.score_name().to_string();
        self.stats_generation += 1;
        let generation = self.stats_generation;
        let known = self.study.grouping_fields();
        let checked = names::check(Some("--by"), by.iter().map(String::as_str), &known)
            .and_then(|()| names::check(Some("--pair-on"), self.settings.pair_on.as_deref(), &known));
        let Some(Modal::Compare(view)) = &mut self.modal else { return };
        view.generation = generation;
        if let Err(error) = checked {
            (view.computing, view.report, view.error) = (false, None, Some(error.to_string()));
            return;
        }
        view.computing = true;
        let options = CompareOptions {
            score,
            threshold: self.settings.threshold,
            by,
            baseline: view.baseline.clone(),
            pair_on: self.settings.pair_on.clone(),
            cluster: None,
            boot: VIEW_BOOT,
            perm: VIEW_PERM,
            seed: 0,
        };
        let input = CompareInput { rollouts: self.study.rollouts.clone(), options };
        out.effects.push(Effect::ComputeCompare { generation, input: Box::new(input) });
    }

    pub(super) fn on_compare_ready(&mut self, generation: u64, result: Result<CompareReport, String>) {
        let Some(Modal::Compare(view)) = &mut self.modal else { return };
        if view.generation != generation {
            return;
        }
        view.computing = false;
        match result {
            Ok(report) => {
                view.baseline = report.baseline.iter().next().map(|(f, v)| (f.clone(), value_text(v)));
                view.selected = view.selected.min(report.comparisons.len().saturating_sub(1));
                view.report = Some(Arc::new(report));
                view.error = None;
            }
            Err(error) => {
                view.report = None;
                view.error = Some(error);
            }
        }
    }

    /// Keys of the compare view: pick the baseline, the comparison, the score, the threshold.
    pub(super) fn on_compare_action(&mut self, action: Action, out: &mut Outcome) {
        let Some(Modal::Compare(view)) = &mut self.modal else { return };
        let count = view.report.as_ref().map_or(0, |r| r.comparisons.len());
        match action {
            Action::Down => view.selected = (view.selected + 1).min(count.saturating_sub(1)),
            Action::Up => view.selected = view.selected.saturating_sub(1),
            Action::NextBaseline => self.next_baseline(out),
            Action::ThresholdUp | Action::ThresholdDown => {
                let delta = if action == Action::ThresholdUp { 1.0 } else { -1.0 };
                if self.step_threshold(delta, out) {
                    self.request_compare(out);
                }
            }
            Action::NextScoreName => {
                self.next_score_name(out);
                self.request_compare(out);
            }
            _ => self.modal = None,
        }
    }

    /// The next value of the baseline field (the first grouping field) becomes the baseline.
    fn next_baseline(&mut self, out: &mut Outcome) {
        let by = self.grouping();
        let Some(Modal::Compare(view)) = &mut self.modal else { return };
        let field = match &view.baseline {
            Some((field, _)) => field.clone(),
            None => match by.first() {
                Some(first) => first.clone(),
                None => return,
            },
        };
        let values = baseline_values(&self.study.rollouts, &field);
        let at = view.baseline.as_ref().and_then(|(_, v)| values.iter().position(|x| x == v));
        let next = at.map_or(0, |i| (i + 1) % values.len().max(1));
        if let Some(value) = values.get(next) {
            self.toast = Some(format!("baseline {field}={value}"));
            view.baseline = Some((field, value.clone()));
            view.selected = 0;
            self.request_compare(out);
        }
    }
}
