//! The one executor of the app's effects. The runtime runs it threaded (reads in order on one
//! worker, label writes in order on another, each search and statistics job on its own
//! thread); the test harness runs it inline. Either way the same job functions do the work —
//! loading, reading a rollout, the streaming search, the statistics, and the label writes with
//! their retry — so what the tests run is what the app runs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::labels::{Flush, LabelQueue, LabelStore};
pub use super::outbox::Outbox;
use crate::app::reader::{ReadRollout, wrap_message};
use crate::app::{Effect, Msg, compare_view, stats_view};
use crate::load::{self, LoadOptions};
use crate::model::LabelRecord;
use crate::study::{DEMO_BYTES, DEMO_NAME};
use crate::{sanitize, search};

/// How long the runtime waits before retrying a failed label write (full disk, lost mount).
pub const RETRY_AFTER: Duration = Duration::from_secs(2);

/// What to load.
#[derive(Debug, Clone)]
pub enum StudyInput {
    Paths(Vec<PathBuf>),
    Demo,
}

/// Where labels go.
#[derive(Debug, Clone)]
pub struct LabelsInput {
    pub dir: PathBuf,
    pub annotator: String,
    /// The paths the study is opened from (none for the demo): a labels folder holding one of
    /// their rollout files is read-only.
    pub study: Vec<PathBuf>,
    /// The largest label file read.
    pub limit: crate::model::Limit,
}

/// Loads a study, every event going to the app as it happens.
pub fn load_job(input: &StudyInput, options: &LoadOptions, outbox: &Outbox) {
    let sink = |event| {
        outbox.post(Msg::Load(event));
    };
    match input {
        StudyInput::Paths(paths) => load::load_paths(paths, options, &sink),
        StudyInput::Demo => load::load_embedded(DEMO_NAME, DEMO_BYTES, options, &sink),
    }
}

/// `load_job`, then (`--follow`) following the files until the app is gone.
fn load_and_follow(input: &StudyInput, options: &LoadOptions, outbox: &Outbox) {
    match input {
        StudyInput::Paths(paths) if options.follow => super::follow::load_and_follow(paths, options, outbox),
        _ => load_job(input, options, outbox),
    }
}

/// Runs a read or a statistics job; searches stream through `search_job` instead.
fn job(effect: Effect) -> Option<Msg> {
    match effect {
        Effect::ReadRollout { index, source, summary, text_width, text_files } => {
            let result = source
                .read_rollout(&summary.locator, &summary.id)
                .map(|rollout| ReadRollout::prepared(rollout, &summary, text_width, &text_files))
                .map_err(|p| sanitize::clean(&p.to_string()).into_owned());
            Some(Msg::RolloutRead { index, result })
        }
        Effect::ComputeStats { generation, input } => {
            let (stats, human, aucs) = stats_view::compute(&input);
            Some(Msg::StatsReady { generation, stats: Box::new(stats), human, aucs })
        }
        Effect::HashTurns { index, rollout } => {
            Some(Msg::TurnsHashed { index, hashes: crate::app::reader::turn_hashes(&rollout) })
        }
        Effect::ComputeCompare { generation, input } => {
            Some(Msg::CompareReady { generation, result: Box::new(compare_view::compute(&input)) })
        }
        Effect::Export(job) => Some(Msg::ExportWritten(export(*job))),
        Effect::WriteReport { study, args } => {
            let command = crate::report::provenance::shell_words(&args.argv());
            let result = crate::report::run(*study, &args, command).map(|(written, _)| written.dir);
            Some(Msg::ReportWritten(result))
        }
        Effect::WrapBody { index, message, width, rollout } => {
            let body = wrap_message(&rollout, message, width)?;
            Some(Msg::BodyWrapped { index, message, width, body })
        }
        // Searches stream and writes queue; the rest are the event loop's own.
        Effect::Search { .. }
        | Effect::WriteLabel(_)
        | Effect::Quit
        | Effect::Clipboard(_)
        | Effect::Suspend
        | Effect::Redraw
        | Effect::Exit { .. } => None,
    }
}

/// Searches every message, sending matches as blocks finish, then `SearchDone`. `cancelled`
/// stops it when a newer search starts.
fn search_job(effect: Effect, cancelled: &(dyn Fn() -> bool + Sync), outbox: &Outbox) {
    let Effect::Search { generation, request, plan } = effect else { return };
    let progress = Mutex::new(outbox.clone());
    search::search_streaming(&plan, &request, cancelled, &|found| {
        if let Ok(outbox) = progress.lock() {
            outbox.post(Msg::SearchProgress { generation, hits: search::Hit::of(&found) });
        }
    });
    outbox.post(Msg::SearchDone { generation, hits: Vec::new() });
}

/// Carries out effects, threaded (the runtime) or inline (tests and benchmarks).
pub struct Executor {
    outbox: Outbox,
    mode: Mode,
}

enum Mode {
    Inline { labels: Option<LabelQueue> },
    Threaded { reads: Sender<Effect>, writes: Option<Sender<LabelRecord>>, latest_search: Arc<AtomicU64> },
}

impl Executor {
    /// Runs every effect on the calling thread; results wait in `take_messages`.
    pub fn inline() -> Executor {
        let outbox = Outbox::Queue(Arc::default());
        Executor { outbox, mode: Mode::Inline { labels: None } }
    }

    /// Runs effects on worker threads; results go to `tx`.
    pub fn threaded(tx: Sender<Msg>) -> Executor {
        let outbox = Outbox::Channel(tx);
        let (reads, jobs) = mpsc::channel::<Effect>();
        let worker = outbox.clone();
        thread::spawn(move || {
            for effect in jobs {
                if let Some(msg) = job(effect)
                    && !worker.post(msg)
                {
                    return;
                }
            }
        });
        let latest_search = Arc::new(AtomicU64::new(0));
        Executor { outbox, mode: Mode::Threaded { reads, writes: None, latest_search } }
    }

    /// Loads the study: on a thread of its own, or here and now.
    pub fn load(&mut self, input: StudyInput, options: LoadOptions) {
        // The app shows the first rollout at once: a huge one is decoded while it is indexed.
        let options = LoadOptions { hold_huge_record: true, ..options };
        let outbox = self.outbox.clone();
        match self.mode {
            Mode::Inline { .. } => load_job(&input, &options, &outbox),
            Mode::Threaded { .. } => {
                thread::spawn(move || load_and_follow(&input, &options, &outbox));
            }
        }
    }

    /// Opens the annotator's label store (the app hears `LabelsOpened`); label writes go to it.
    pub fn open_labels(&mut self, labels: LabelsInput) {
        let outbox = self.outbox.clone();
        match &mut self.mode {
            Mode::Inline { labels: queue } => {
                let (store, opened) =
                    LabelStore::open(&labels.dir, &labels.annotator, &labels.study, labels.limit);
                outbox.post(Msg::LabelsOpened(opened));
                *queue = Some(LabelQueue::new(store));
            }
            Mode::Threaded { writes, .. } => {
                let (tx, records) = mpsc::channel::<LabelRecord>();
                *writes = Some(tx);
                thread::spawn(move || {
                    let (store, opened) =
                        LabelStore::open(&labels.dir, &labels.annotator, &labels.study, labels.limit);
                    if !outbox.post(Msg::LabelsOpened(opened)) {
                        return;
                    }
                    let mut queue = LabelQueue::new(store);
                    for record in records {
                        queue.push(record);
                        loop {
                            match queue.flush(&outbox) {
                                Flush::Saved | Flush::ReadOnly => break,
                                Flush::Failed => thread::sleep(RETRY_AFTER),
                                Flush::AppGone => return,
                            }
                        }
                    }
                });
            }
        }
    }

    /// Carries out one effect.
    pub fn submit(&mut self, effect: Effect) {
        let outbox = self.outbox.clone();
        match (&mut self.mode, effect) {
            (
                _,
                Effect::Quit | Effect::Suspend | Effect::Redraw | Effect::Clipboard(_) | Effect::Exit { .. },
            ) => {}
            (Mode::Inline { labels }, Effect::WriteLabel(record)) => match labels {
                Some(queue) => {
                    queue.push(*record);
                    queue.flush(&outbox);
                }
                None => {
                    outbox.post(Msg::LabelWritten(Err("no label store in this session".into())));
                }
            },
            (Mode::Inline { .. }, effect @ Effect::Search { .. }) => search_job(effect, &|| false, &outbox),
            (Mode::Inline { .. }, effect) => {
                if let Some(msg) = job(effect) {
                    outbox.post(msg);
                }
            }
            (Mode::Threaded { writes, .. }, Effect::WriteLabel(record)) => {
                let sent = writes.as_ref().is_some_and(|w| w.send(*record).is_ok());
                if !sent {
                    outbox.post(Msg::LabelWritten(Err("the label writer has stopped".into())));
                }
            }
            (Mode::Threaded { latest_search, .. }, effect @ Effect::Search { .. }) => {
                let Effect::Search { generation, .. } = &effect else { return };
                let generation = *generation;
                latest_search.store(generation, Ordering::SeqCst);
                let latest = latest_search.clone();
                thread::spawn(move || {
                    search_job(effect, &|| latest.load(Ordering::SeqCst) != generation, &outbox)
                });
            }
            (
                Mode::Threaded { .. },
                effect @ (Effect::ComputeStats { .. }
                | Effect::ComputeCompare { .. }
                | Effect::HashTurns { .. }
                | Effect::WriteReport { .. }
                | Effect::Export(_)
                | Effect::WrapBody { .. }),
            ) => {
                // Seconds on a large study or a huge message: never in the way of reads or keys.
                thread::spawn(move || {
                    if let Some(msg) = job(effect) {
                        outbox.post(msg);
                    }
                });
            }
            (Mode::Threaded { reads, .. }, effect) => {
                let _ = reads.send(effect);
            }
        }
    }

    /// Inline: the messages the effects produced, in order.
    pub fn take_messages(&mut self) -> Vec<Msg> {
        match &self.outbox {
            Outbox::Queue(queue) => queue.lock().unwrap_or_else(|p| p.into_inner()).drain(..).collect(),
            Outbox::Channel(_) => Vec::new(),
        }
    }

    /// Inline: whether a label write failed and waits for `retry_labels`.
    pub fn labels_waiting(&self) -> bool {
        matches!(&self.mode, Mode::Inline { labels: Some(queue) } if queue.waiting())
    }

    /// Inline: tries the waiting label writes again (the runtime's worker does this itself
    /// after `RETRY_AFTER`).
    pub fn retry_labels(&mut self) {
        let outbox = self.outbox.clone();
        if let Mode::Inline { labels: Some(queue) } = &mut self.mode {
            queue.flush(&outbox);
        }
    }
}

/// Writes an `:export` as `rollscope export -o` does: refused when the path is an input or a
/// label file, in place only once written whole.
/// A text that cannot be read is not written to stderr under the app: the first is told.
fn export(job: crate::app::messages::ExportJob) -> Result<(std::path::PathBuf, usize), String> {
    let mut file = crate::store::output::create(&job.path, &job.inputs).map_err(|e| e.to_string())?;
    let unread = std::cell::RefCell::new(Vec::new());
    let warn = |message: &str| unread.borrow_mut().push(message.to_string());
    crate::export::write(job.format, &mut file, &job.study, &job.annotators, false, &warn)
        .map_err(|e| format!("{e:#}"))?;
    file.commit().map_err(|e| e.to_string())?;
    match unread.into_inner().first() {
        Some(first) => {
            Err(format!("written to {}, but a text could not be read: {first}", job.path.display()))
        }
        None => Ok((job.path, job.study.rollouts.len())),
    }
}
