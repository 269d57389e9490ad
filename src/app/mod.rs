//! Application state and its one entry point, `App::update`: a message in, state changed,
//! effects out. No I/O and no drawing happen here, so key sequences can drive it in tests.

pub mod action;
pub mod actions;
pub mod annotations;
pub mod categories;
mod clipboard;
pub mod columns;
pub mod compare_view;
pub mod filter;
mod filtering;
pub mod help;
pub mod keymap;
pub mod keys;
pub mod labels;
pub mod layout;
pub mod list;
pub mod messages;
pub mod modal;
pub mod mouse;
pub mod note;
pub mod palette;
pub mod prompt;
pub mod reader;
pub mod reading;
pub mod report;
pub mod review;
mod settings;
pub mod side_by_side;
pub mod stats_view;
pub mod tags;
pub mod unlabelled;
pub mod view;
pub mod wrap;

use std::collections::HashMap;
use std::sync::Arc;

use crate::load::LoadEvent;
use crate::search::Hit;
use crate::study::Study;
use keymap::Keymap;
use keys::KeyPress;
use labels::LabelState;
use layout::{Areas, HitMap};
use list::{ScoreView, TranscriptList};
pub use messages::{Effect, LabelsOpened, Mouse, Msg, Signal};
pub use modal::Modal;
use reader::{ReadRollout, TurnReader};
pub use settings::Settings;

/// The pane with keyboard focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Reader,
    Chart,
}

/// The reason codes of an adjudicated score, unless the config file's `[review] reasons` says.
pub const DEFAULT_REASONS: [&str; 4] = ["judge-wrong", "human-wrong", "rubric-ambiguous", "other"];

/// Search results and where `n`/`N` are.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub generation: u64,
    pub running: bool,
    /// Messages with a match, by rollout.
    pub hits: HashMap<u32, Vec<u32>>,
    pub total: usize,
    /// The match last jumped to: (rollout, message).
    pub current: Option<(u32, u32)>,
}

/// The whole application state.
pub struct App {
    pub study: Study,
    pub settings: Settings,
    pub keymap: Keymap,
    pub focus: Pane,
    pub modal: Option<Modal>,
    pub list: TranscriptList,
    /// The list's metadata columns.
    pub columns: columns::ListColumns,
    pub reader: TurnReader,
    pub search: SearchState,
    /// Rollouts the follow thread added since the first load (`--follow`).
    pub followed: usize,
    /// How many rollouts the first load read (`--follow` counts from it).
    opened_with: Option<usize>,
    /// The rollout selected when the study started over, selected again when it is read.
    reselect: Option<Arc<str>>,
    pub labels: LabelState,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// A one-line message shown in the status bar until the next key.
    pub toast: Option<String>,
    pub quitting: bool,
    /// Quit was pressed once with unsaved labels; the next quit goes through.
    pub quit_armed: bool,
    /// Keys that act on turns, pressed while the rollout was being read; replayed on arrival.
    pub deferred_keys: Vec<KeyPress>,
    /// Generation of the latest statistics request (older results are dropped).
    pub stats_generation: u64,
    /// Spot-check mode.
    pub review: Option<review::Review>,
    /// Where the last frame drew what the mouse can hit (the renderer reports it).
    pub hits: HitMap,
    /// What `R` writes: the `report` options of the study as opened (paths, score files,
    /// the labels folder as `output`, where the report goes); `None` without a labels folder.
    pub report: Option<crate::cli::ReportArgs>,
    /// Lines submitted in each kind of prompt, oldest first (up/down recall them).
    pub history: std::collections::HashMap<prompt::PromptKind, Vec<String>>,
    /// Recently read rollouts, so moving back and forth does not re-read them.
    cache: Vec<(usize, ReadRollout)>,
}

/// What `update` did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub changed: bool,
    pub effects: Vec<Effect>,
}

const CACHE_SIZE: usize = 16;

impl App {
    pub fn new(settings: Settings, keymap: Keymap) -> App {
        let columns = columns::ListColumns::new(settings.columns.clone());
        App {
            study: Study::default(),
            settings,
            keymap,
            focus: Pane::List,
            modal: None,
            list: TranscriptList::default(),
            columns,
            reader: TurnReader::default(),
            search: SearchState::default(),
            followed: 0,
            opened_with: None,
            reselect: None,
            labels: LabelState::default(),
            size: (80, 24),
            toast: None,
            quitting: false,
            quit_armed: false,
            deferred_keys: Vec::new(),
            stats_generation: 0,
            review: None,
            hits: HitMap::default(),
            report: None,
            cache: Vec::new(),
            history: std::collections::HashMap::new(),
        }
    }

    /// Handles one message.
    pub fn update(&mut self, msg: Msg) -> Outcome {
        let mut out = Outcome { changed: true, effects: Vec::new() };
        match msg {
            Msg::Key(key) => {
                self.toast = None;
                self.on_key(key, &mut out);
            }
            Msg::Mouse(mouse) => self.on_mouse(mouse, &mut out),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.after_resize();
            }
            Msg::Load(event) => self.on_load(event, &mut out),
            Msg::RolloutRead { index, result } => {
                self.on_counterpart_read(index, &result);
                if let Ok(read) = &result
                    && read.hashes_later
                {
                    out.effects.push(Effect::HashTurns { index, rollout: read.rollout.clone() });
                }
                self.on_rollout_read(index, result);
                self.replay_deferred_keys(&mut out);
            }
            Msg::TurnsHashed { index, hashes } => {
                self.on_turns_hashed(index, hashes);
                self.replay_deferred_keys(&mut out);
            }
            Msg::SearchProgress { generation, hits } => {
                self.on_search_hits(generation, hits, false, &mut out)
            }
            Msg::SearchDone { generation, hits } => self.on_search_hits(generation, hits, true, &mut out),
            Msg::LabelsOpened(opened) => {
                self.on_labels_opened(opened);
                self.start_review_when_ready(&mut out);
            }
            Msg::LabelWritten(result) => self.on_label_written(result),
            Msg::LabelsReadOnly(reason) => self.on_labels_read_only(reason),
            Msg::StatsReady { generation, stats, human, aucs } => {
                self.on_stats_ready(generation, *stats, human, aucs)
            }
            Msg::CompareReady { generation, result } => self.on_compare_ready(generation, *result),
            Msg::ReportWritten(result) => self.on_report_written(result),
            Msg::ExportWritten(result) => {
                self.toast = Some(match result {
                    Ok((path, n)) => format!("exported {n} rollouts to {}", path.display()),
                    Err(e) => format!("not exported: {e}"),
                });
            }
            Msg::Signal(Signal::Terminate(signal)) => {
                // Whatever the screen shows: a signal is not a key, nothing asks again.
                out.effects.push(Effect::Exit { signal });
                return out;
            }
            Msg::BodyWrapped { index, message, width, body } => {
                if let Some(Modal::SideBySide(view)) = &mut self.modal {
                    for side in
                        [&mut view.left, &mut view.right].into_iter().filter(|s| s.index == Some(index))
                    {
                        side.bodies.insert(message, width, body.clone());
                    }
                    self.rewrap_sides();
                }
                if self.reader.index == Some(index) {
                    self.reader.bodies.insert(message, width, body);
                    self.rewrap_reader();
                }
            }
            Msg::Signal(Signal::Stop) => out.effects.push(Effect::Suspend),
            Msg::Signal(Signal::Continued) => out.effects.push(Effect::Redraw),
        }
        self.ask_for_bodies(&mut out);
        if self.quitting && !out.effects.iter().any(|e| matches!(e, Effect::Quit)) {
            out.effects.push(Effect::Quit);
        }
        out
    }

    /// Long message bodies the reader needs are wrapped by a worker.
    fn ask_for_bodies(&mut self, out: &mut Outcome) {
        let mut readers = vec![&mut self.reader];
        if let Some(Modal::SideBySide(view)) = &mut self.modal {
            readers.extend([&mut view.left, &mut view.right]);
        }
        for reader in readers {
            let (Some(index), Some(rollout)) = (reader.index, &reader.rollout) else { continue };
            for (message, width) in std::mem::take(&mut reader.bodies.wanted) {
                out.effects.push(Effect::WrapBody { index, message, width, rollout: rollout.clone() });
            }
        }
    }

    pub fn areas(&self) -> Areas {
        Areas::of(self.size.0, self.size.1)
    }

    /// The score name shown and measured.
    pub fn score_name(&self) -> &str {
        self.settings.score.as_deref().unwrap_or("")
    }

    /// The score name for titles, or a plain word that there is none (a study without per-turn
    /// judge scores, such as most Inspect logs).
    pub fn score_label(&self) -> &str {
        match self.score_name() {
            "" => "no per-turn scores",
            name => name,
        }
    }

    pub fn score_view(&self) -> ScoreView<'_> {
        ScoreView {
            name: self.score_name(),
            threshold: self.settings.threshold,
            mine: Some(&self.labels.mine),
        }
    }

    fn on_load(&mut self, event: LoadEvent, out: &mut Outcome) {
        if let LoadEvent::Restart { why } = &event {
            self.start_over(why);
        }
        let finishing = matches!(event, LoadEvent::Finished);
        let followed = self.study.progress.finished;
        let first_new = self.study.apply(event);
        self.columns.refresh(&self.study.rollouts);
        // Rows a followed file added, or the study read again: an open statistics or compare
        // view is computed again (the follow thread sends rows at most once a second).
        if (followed && first_new.is_some()) || (finishing && self.opened_with.is_some()) {
            self.refresh_figures(out);
        }
        if self.study.progress.finished {
            let opened = *self.opened_with.get_or_insert(self.study.rollouts.len());
            self.followed = self.study.rollouts.len().saturating_sub(opened);
        }
        self.check_label_turns();
        if self.settings.score.is_none() {
            self.settings.score = self.study.default_score();
        }
        if self.review.is_some() {
            self.start_review_when_ready(out);
            return;
        }
        if let Some(first) = first_new {
            let view = ScoreView {
                name: self.settings.score.as_deref().unwrap_or(""),
                threshold: self.settings.threshold,
                mine: Some(&self.labels.mine),
            };
            self.list.append(&self.study.rollouts, first, view);
            if let Some(id) = &self.reselect
                && let Some(i) = self.study.rollouts[first..].iter().position(|r| &r.id == id)
                && let Some(row) = self.list.rows.iter().position(|&r| r as usize == first + i)
            {
                self.list.selected = row;
                self.reselect = None;
            }
            self.list.scroll_into_view(self.areas().list_rows());
            self.open_selected(out);
        }
    }

    /// The study starts over (`LoadEvent::Restart`): every row and what was read of them is
    /// forgotten; the sort, the filter and the labels stay, and the selected rollout is
    /// selected again when it is read.
    fn start_over(&mut self, why: &str) {
        self.reselect =
            self.list.selected_rollout().and_then(|i| self.study.rollouts.get(i)).map(|r| r.id.clone());
        self.list.clear_rows();
        self.reader = TurnReader::default();
        self.search = SearchState::default();
        self.cache.clear();
        self.deferred_keys.clear();
        self.toast = Some(format!("{why}: reading the study again"));
    }

    fn after_resize(&mut self) {
        let areas = self.areas();
        self.list.scroll_into_view(areas.list_rows());
        if self.reader.wrapped_width != areas.reader_columns() {
            self.rewrap_reader();
        }
        self.rewrap_sides();
    }

    /// Matches arrive in batches while the search runs; the first batch jumps to a match.
    fn on_search_hits(&mut self, generation: u64, hits: Vec<Hit>, done: bool, out: &mut Outcome) {
        if generation != self.search.generation {
            out.changed = false;
            return;
        }
        self.search.total += hits.len();
        for hit in hits {
            let messages = self.search.hits.entry(hit.rollout).or_default();
            if let Err(at) = messages.binary_search(&hit.message) {
                messages.insert(at, hit.message);
            }
        }
        if done {
            self.search.running = false;
            if self.search.total == 0 {
                self.toast = Some(format!("no match for {:?}", self.search.query));
                return;
            }
        }
        if self.search.current.is_none() && self.search.total > 0 {
            actions::jump_to_match(self, true, true, out);
        } else if done {
            let hidden = self.search.hits.keys().filter(|r| !self.list.is_shown(**r)).count();
            let note =
                if hidden > 0 { format!(" ({hidden} rollouts hidden by the filter)") } else { String::new() };
            self.toast =
                Some(format!("{} matches in {} rollouts{note}", self.search.total, self.search.hits.len()));
        }
    }
}
