//! View models of the two bottom lines: the status line (or the open prompt) and the hint bar.

use crate::app::keymap;
use crate::app::prompt::Prompt;
use crate::app::{App, Modal};
use crate::study::Progress;

/// What the status line says.
#[derive(Debug, Clone)]
pub struct StatusView<'a> {
    /// An open search or filter prompt takes the whole line.
    pub prompt: Option<&'a Prompt>,
    pub toast: Option<&'a str>,
    /// Spot-check mode: queue name, items done, items in all.
    pub review: Option<(&'a str, usize, usize)>,
    pub labels: Option<LabelStatus<'a>>,
    pub progress: Progress,
    pub rollouts: usize,
    pub files: usize,
    pub problems: usize,
    /// The query of a search still running.
    pub searching: Option<&'a str>,
    pub score: &'a str,
    pub threshold: f64,
    /// `--follow`: rollouts added since the first load.
    pub following: Option<usize>,
}

/// `ana 12/780 labelled ✓ saved`, and the other save states.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelStatus<'a> {
    pub annotator: &'a str,
    pub scored: usize,
    pub turns: u64,
    pub save: SaveState<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveState<'a> {
    /// Labels cannot be written; `elsewhere` when another rollscope holds the file; `unsaved`
    /// changes were made before that was found (at the first write) and are only in memory.
    ReadOnly {
        elsewhere: bool,
        unsaved: usize,
    },
    Failed {
        unsaved: usize,
        error: &'a str,
    },
    Saving(usize),
    /// There is no label file yet: it is made at the first label.
    NoLabelsYet,
    Saved,
}

impl App {
    pub fn status_view(&self) -> StatusView<'_> {
        let prompt = match &self.modal {
            Some(Modal::Prompt(p)) => Some(p),
            _ => None,
        };
        let review = match (&self.review, self.review_progress()) {
            (Some(r), Some((done, total))) => Some((r.name.as_str(), done, total)),
            _ => None,
        };
        StatusView {
            prompt,
            toast: self.toast.as_deref(),
            review,
            labels: self.labels.opened.then(|| self.label_status()),
            progress: self.study.progress,
            rollouts: self.study.rollouts.len(),
            files: self.study.sources.len(),
            problems: self.study.problems.len(),
            searching: self.search.running.then_some(self.search.query.as_str()),
            score: self.score_label(),
            threshold: self.settings.threshold,
            following: self.settings.follow.then_some(self.followed),
        }
    }

    fn label_status(&self) -> LabelStatus<'_> {
        let labels = &self.labels;
        let save = if let Some(reason) = &labels.read_only {
            SaveState::ReadOnly { elsewhere: reason.contains("another rollscope"), unsaved: labels.unsaved }
        } else if let Some(error) = &labels.write_error {
            SaveState::Failed { unsaved: labels.unsaved, error }
        } else if labels.unsaved > 0 {
            SaveState::Saving(labels.unsaved)
        } else if !labels.on_disk {
            SaveState::NoLabelsYet
        } else {
            SaveState::Saved
        };
        LabelStatus {
            annotator: &labels.annotator,
            scored: labels.mine.total_scored(),
            turns: self.study.rollouts.iter().map(|r| u64::from(r.n_turns)).sum(),
            save,
        }
    }

    /// The hint bar: (key, label) for the context the next key goes to.
    pub fn hints_view(&self) -> Vec<(String, &'static str)> {
        let chain = self.key_contexts();
        keymap::hints(chain[0])
            .iter()
            .filter_map(|(action, label)| Some((self.keymap.key_for(&chain, *action)?, *label)))
            .collect()
    }
}
