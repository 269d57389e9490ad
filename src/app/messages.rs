//! What flows into the app (messages) and out of it (effects).

use std::sync::Arc;

use super::keys::KeyPress;
use super::reader::{Body, ReadRollout};
use super::{compare_view, stats_view};
use crate::load::LoadEvent;
use crate::load::{Source, TextFiles};
use crate::model::LabelRecord;
use crate::model::{Problem, Rollout, RolloutSummary};
use crate::search::{Hit, Request, SearchPlan};

/// A mouse event, in screen cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    Click { column: u16, row: u16 },
    ScrollUp { column: u16, row: u16 },
    ScrollDown { column: u16, row: u16 },
}

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyPress),
    Mouse(Mouse),
    Resize(u16, u16),
    Load(LoadEvent),
    RolloutRead {
        index: usize,
        result: Result<ReadRollout, String>,
    },
    /// Some matches of a running search (more may follow).
    SearchProgress {
        generation: u64,
        hits: Vec<Hit>,
    },
    /// The search finished; `hits` are any not sent as progress.
    SearchDone {
        generation: u64,
        hits: Vec<Hit>,
    },
    LabelsOpened(LabelsOpened),
    /// One label write finished (`Ok`) or failed and is being retried (`Err`).
    LabelWritten(Result<(), String>),
    /// At the first write the label file turned out read-only (another rollscope holds the
    /// lock, the folder cannot be made): the changes sent are not saved, nor retried.
    LabelsReadOnly(String),
    /// `R`'s report folder was written (its path), or why not.
    ReportWritten(Result<std::path::PathBuf, String>),
    /// An `:export` was written (its path and rollouts), or why not.
    ExportWritten(Result<(std::path::PathBuf, usize), String>),
    StatsReady {
        generation: u64,
        stats: Box<crate::metrics::study::StudyStats>,
        human: Vec<Vec<Option<f64>>>,
        /// Each group's per-rollout AUCs.
        aucs: Vec<Vec<f64>>,
    },
    CompareReady {
        generation: u64,
        result: Box<Result<crate::metrics::compare::CompareReport, String>>,
    },
    /// The turns of a huge rollout, hashed after it was shown.
    TurnsHashed {
        index: usize,
        hashes: Arc<[String]>,
    },
    /// A long message body, wrapped by a worker.
    BodyWrapped {
        index: usize,
        message: usize,
        width: usize,
        body: Body,
    },
    /// A signal from outside (the runtime turns it into a message).
    Signal(Signal),
}

/// Signals the app answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM, SIGHUP or SIGINT (its number): flush the labels, restore the terminal, exit.
    Terminate(i32),
    /// SIGTSTP: give the terminal back and stop, like other full-screen programs.
    Stop,
    /// SIGCONT: the terminal may have been changed while stopped; take it again and redraw.
    Continued,
}

/// The annotator's label store, opened.
#[derive(Debug, Default)]
pub struct LabelsOpened {
    pub path: String,
    pub records: Vec<LabelRecord>,
    pub others: Vec<(String, Vec<LabelRecord>)>,
    pub warnings: Vec<Problem>,
    pub read_only: Option<String>,
    /// The label file exists (nothing creates it before the first label).
    pub exists: bool,
}

/// I/O the app asks the runtime to do.
#[derive(Debug)]
pub enum Effect {
    /// Put this text on the terminal's clipboard (OSC 52), written by the app, never by a file.
    Clipboard(String),
    /// Read a rollout again from its source, with its index entry (for the scores).
    ReadRollout {
        index: usize,
        source: Arc<Source>,
        summary: Box<RolloutSummary>,
        /// The reader's text width: a huge body is wrapped to it while the turns are hashed.
        text_width: usize,
        /// Where the judge's texts (quotes, rationales) are read from.
        text_files: Arc<TextFiles>,
    },
    Search {
        generation: u64,
        request: Request,
        plan: SearchPlan,
    },
    /// Append one label record and fsync it (the writer stamps the time).
    WriteLabel(Box<LabelRecord>),
    /// Wrap a message body too long to wrap between two keys.
    WrapBody {
        index: usize,
        message: usize,
        width: usize,
        rollout: Arc<Rollout>,
    },
    /// Hash the turns of a rollout shown before they were hashed.
    HashTurns {
        index: usize,
        rollout: Arc<Rollout>,
    },
    /// Compute the statistics view's figures.
    ComputeStats {
        generation: u64,
        input: Box<stats_view::StatsInput>,
    },
    /// Compute the compare view's report.
    ComputeCompare {
        generation: u64,
        input: Box<compare_view::CompareInput>,
    },
    /// Write an export of a snapshot of the study (the rollouts the list shows) to `path`,
    /// refused when it is one of `inputs` (`:export`).
    Export(Box<ExportJob>),
    /// Write the report of a snapshot of the study, as `rollscope report` with `args` would.
    WriteReport {
        study: Box<crate::study::Study>,
        args: Box<crate::cli::ReportArgs>,
    },
    Quit,
    /// Give the terminal back and stop the process (Ctrl-z, SIGTSTP); redraw when continued.
    Suspend,
    /// Take the terminal again and redraw everything (after SIGCONT).
    Redraw,
    /// Exit as a signal asked: labels flushed first (waiting a little for a failing write),
    /// then the terminal restored, exit status 128 + `signal`.
    Exit {
        signal: i32,
    },
}

/// What `:export` writes, and where.
#[derive(Debug)]
pub struct ExportJob {
    pub study: crate::study::Study,
    pub annotators: Vec<(String, crate::model::LabelSet)>,
    pub format: crate::cli::ExportFormat,
    pub path: std::path::PathBuf,
    pub inputs: crate::store::output::Inputs,
}
