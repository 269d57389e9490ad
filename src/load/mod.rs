//! Loading a study: walks the given paths, detects each file's format, and indexes rollouts in
//! parallel, reporting everything as `LoadEvent`s so the app can show rows as they arrive and
//! subcommands can simply collect them. Bad files become problems; the good ones still load.

mod agents;
mod decoded;
mod eval;
pub mod follow;
pub mod ids;
mod inspect_json;
mod json_file;
pub mod jsonl;
mod parquet;
pub mod runs;
pub mod scores;
mod source;
mod string_kinds;
pub mod texts;
pub mod walk;

use decoded::deliver_decoded;
pub use json_file::HOLD_HUGE_RECORD;
use json_file::{huge_single_record, index_json};
pub use source::{HeldRollout, Origin, Source, stand_in_id, stand_in_number};
pub use texts::{TextFile, TextFiles, TurnTexts, read_text, read_texts};

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::formats::inspect::InspectOptions;
use crate::formats::judge_scores::{ScoreFileSpec, ScoreReport};
use crate::formats::mtbench::{self, MtBenchFolder};
use crate::formats::{self, Format, IndexContext, RecordVisitor, input};
use crate::model::{Hatch, Problem, ReadLimits, RolloutSummary, ScoreKind, ScoreRange, StringKinds};

/// One step of a load, in order: a source is announced before its rollouts.
#[derive(Debug)]
pub enum LoadEvent {
    /// Paths resolved: how many files and bytes there are to read.
    Planned {
        files: usize,
        bytes: u64,
    },
    Source(Box<Source>),
    /// A file judges' texts are read from besides the rollout sources (a `--scores` file);
    /// every one is announced before the first source, in `--scores` order.
    TextFile(TextFile),
    Rollouts(Vec<RolloutSummary>),
    /// What the string values under the rollouts' `scores` are, told over the whole study
    /// (categorical or text; numeric for a name that holds numbers elsewhere, whose strings
    /// are then dropped and reported): sent once, just before `Finished`.
    StringKinds(Vec<(Arc<str>, ScoreKind)>),
    Problem(Problem),
    BytesRead(u64),
    /// Everything is read.
    Finished,
    /// A followed file changed in a way rows cannot be added for (truncated, replaced, an
    /// Inspect log or a score file rewritten): the study starts over and is read again from
    /// its files; what was shown is forgotten, labels stay (they are kept by rollout id).
    Restart {
        why: String,
    },
}

/// Where load events go (a channel sender in the app, a collector in subcommands).
pub type Sink<'a> = dyn Fn(LoadEvent) + Sync + 'a;

/// Load settings.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub hatch: Hatch,
    /// Forces a format instead of detecting it.
    pub format: Option<Format>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Judge-score files (`--scores`) attached to the rollouts as they load.
    pub scores: Vec<ScoreFileSpec>,
    /// How much any one file (or archive entry) may hold.
    pub limits: ReadLimits,
    /// String fields and score names read as categorical scores (`--categorical`), whatever
    /// their values.
    pub categorical: Vec<String>,
    /// String fields and score names read as texts (`--text`).
    pub text: Vec<String>,
    /// Numeric scores outside this range are read as missing, with a warning (`--range`).
    pub range: Option<ScoreRange>,
    /// How Inspect logs are read (`--turn-array`).
    pub inspect: InspectOptions,
    /// Metadata fields whose values make each rollout's id (`--id-fields`); none keeps the ids
    /// the files give (or `<file>:<line>`).
    pub id_fields: Vec<String>,
    /// The files are followed after they are read (`--follow`): a JSONL file's last line
    /// that does not parse yet is left for the follower to retry, not reported.
    pub follow: bool,
    /// Decode a huge one-rollout `.json` while indexing it, for the first read (the app's: it
    /// shows that rollout at once; commands that never read it leave this off).
    pub hold_huge_record: bool,
    /// Shown every record of a JSONL source that becomes a rollout, as it is indexed; records
    /// of other formats are not shown (the visitor counts what it saw, so its owner can tell).
    pub visitor: Option<std::sync::Arc<dyn RecordVisitor>>,
}

impl LoadOptions {
    fn worker_count(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        }
    }
}

/// Loads every rollout file under `paths`, with the `--scores` files attached.
pub fn load_paths(paths: &[std::path::PathBuf], options: &LoadOptions, sink: &Sink) {
    load_paths_scored(paths, options, sink);
}

/// `load_paths`, returning what each score file attached (for `validate`).
pub fn load_paths_scored(
    paths: &[std::path::PathBuf],
    options: &LoadOptions,
    sink: &Sink,
) -> Vec<ScoreReport> {
    // Ids first: a score file joined on `id` sees the ids the study shows.
    scores::with_scores(options, sink, |sink, hash_turns| {
        ids::with_ids(&options.id_fields, sink, |sink| load_files(paths, options, hash_turns, sink))
    })
}

fn load_files(paths: &[std::path::PathBuf], options: &LoadOptions, hash_turns: bool, sink: &Sink) {
    let (mut files, problems) = walk::rollout_files(paths, options.limits.rollout_file());
    scores::skip_score_files(&mut files, &options.scores);
    walk::skip_continuations(&mut files, options.limits.rollout_file());
    for problem in problems {
        sink(LoadEvent::Problem(problem));
    }
    let bytes = files.iter().map(|f| f.size).sum();
    sink(LoadEvent::Planned { files: files.len(), bytes });
    // A huge rollout is held for the first read only when it is the one file: the reader shows
    // one rollout, and ten held gigabytes would break the bound on memory.
    let options =
        &LoadOptions { hold_huge_record: options.hold_huge_record && files.len() == 1, ..options.clone() };
    // A rollout's `source` indexes the sources announced so far; a file that fails before it
    // is announced must not shift the files after it.
    let announced = AtomicU32::new(0);
    let counting = |event: LoadEvent| {
        if matches!(event, LoadEvent::Source(_)) {
            announced.fetch_add(1, Ordering::Relaxed);
        }
        sink(event);
    };
    for file in &files {
        let origin = Origin::File(file.path.clone());
        let id = announced.load(Ordering::Relaxed);
        let loaded = match &file.folder {
            Some(folder) => load_folder(id, file, folder, options, hash_turns, &counting),
            None => {
                let read = SourceRead { id, display: &file.display, origin, size: file.size, hash_turns };
                load_source(read, options, &counting)
            }
        };
        if let Err(problem) = loaded {
            sink(LoadEvent::Problem(problem));
            sink(LoadEvent::BytesRead(file.size));
        }
    }
    sink(LoadEvent::Finished);
}

/// Loads bytes compiled into the binary (the demo study) as one JSONL source.
pub fn load_embedded(name: &str, bytes: &'static [u8], options: &LoadOptions, sink: &Sink) {
    scores::with_scores(options, sink, |sink, hash_turns| {
        ids::with_ids(&options.id_fields, sink, |sink| {
            sink(LoadEvent::Planned { files: 1, bytes: bytes.len() as u64 });
            let origin = Origin::Embedded(bytes);
            let read = SourceRead { id: 0, display: name, origin, size: bytes.len() as u64, hash_turns };
            if let Err(problem) = load_source(read, options, sink) {
                sink(LoadEvent::Problem(problem));
            }
            sink(LoadEvent::Finished);
        })
    });
}

/// Loads an MT-Bench folder as one source of rollouts decoded whole.
fn load_folder(
    id: u32,
    file: &walk::FoundFile,
    folder: &MtBenchFolder,
    options: &LoadOptions,
    hash_turns: bool,
    sink: &Sink,
) -> Result<(), Problem> {
    let decoded = mtbench::decode_mtbench(folder, options.limits.rollout_file())?;
    let kinds = mtbench::string_kinds(&decoded.0);
    let origin = Origin::File(file.path.clone());
    let source = Source {
        display: file.display.clone(),
        origin,
        format: Format::MtBench,
        decoded: Vec::new(),
        size: file.size,
        held: HeldRollout::default(),
        archive: None,
        json_log: None,
        parquet: None,
    };
    let ctx = IndexContext { hatch: &options.hatch, source: id, hash_turns, visitor: None };
    deliver_decoded(source, decoded, kinds, options, &ctx, sink);
    Ok(())
}

/// One source to read: its index among the sources, name, bytes, size, and whether to hash
/// its turns' texts.
struct SourceRead<'a> {
    id: u32,
    display: &'a str,
    origin: Origin,
    size: u64,
    hash_turns: bool,
}

fn load_source(read: SourceRead, options: &LoadOptions, sink: &Sink) -> Result<(), Problem> {
    let SourceRead { id, display, origin, size, hash_turns } = read;
    let cannot = |e: &dyn std::fmt::Display| Problem::file(display, format!("cannot read: {e}"));
    let head = read_head(&origin).map_err(|e| cannot(&e))?;
    let path = Path::new(display);
    let format = match options.format {
        Some(f) => f,
        None => formats::detect(path, &head).map_err(|e| Problem::file(display, e.to_string()))?,
    };
    let source = Source {
        display: display.to_string(),
        origin,
        format,
        decoded: Vec::new(),
        size,
        held: HeldRollout::default(),
        archive: None,
        json_log: None,
        parquet: None,
    };
    // Only JSONL records are shown to a visitor (see `LoadOptions::visitor`).
    let visitor = options.visitor.as_deref().filter(|_| format == Format::Jsonl);
    let ctx = IndexContext { hatch: &options.hatch, source: id, hash_turns, visitor };
    match format {
        Format::Jsonl => {
            let file_name = source.file_name().to_string();
            let origin = source.origin.clone();
            sink(LoadEvent::Source(Box::new(source)));
            let threads = options.worker_count();
            match origin {
                Origin::File(path) => {
                    let open =
                        || input::open_regular(&path).map(|(file, _)| file).map_err(std::io::Error::other);
                    jsonl::index_jsonl(
                        &open,
                        size,
                        (display, &file_name),
                        &ctx,
                        threads,
                        options.follow,
                        sink,
                    )
                }
                Origin::Embedded(_) | Origin::Memory(_) => {
                    let bytes = origin.in_memory().unwrap_or_default();
                    let open = || Ok(bytes);
                    jsonl::index_jsonl(&open, size, (display, &file_name), &ctx, threads, false, sink)
                }
            }
        }
        // A `.eval` file: indexed on every core, each sample decoded again when shown.
        Format::InspectEval if let Origin::File(path) = &source.origin => {
            let (archive, problems) =
                formats::inspect::EvalArchive::open(path, display, &options.limits, &options.inspect)?;
            let source = Source { archive: Some(Arc::new(archive)), ..source };
            eval::index_eval(source, problems, &ctx, options.worker_count(), sink);
            Ok(())
        }
        // A JSON log read a window at a time, each window's samples indexed on every core, the
        // first window's at once. A log whose `eval` is not before its samples is read whole
        // and laid out; one the layout cannot read goes to the full parser, which says what
        // is wrong and where.
        Format::InspectJson if let Origin::File(path) = &source.origin => {
            let mut window =
                inspect_json::Window::open(path, options.limits.rollout_file()).map_err(|e| cannot(&e))?;
            let threads = options.worker_count();
            let mut head = formats::inspect::JsonLog::open_head(&window.buf, &options.inspect);
            while head.is_none() && !window.eof {
                window.read_more().map_err(|e| cannot(&e))?;
                head = formats::inspect::JsonLog::open_head(&window.buf, &options.inspect);
            }
            if let Some((log, first)) = head {
                let path = path.clone();
                let source = Source { json_log: Some(Arc::new(log)), ..source };
                let broken =
                    inspect_json::stream_inspect_json(source, &mut window, first, &ctx, threads, sink)
                        .map_err(|e| cannot(&e))?;
                // The samples array broke off (a log cut short): the rows before stay, and
                // the full parser says where.
                if broken {
                    let bytes =
                        formats::input::read(&path, options.limits.rollout_file()).map_err(|e| cannot(&e))?;
                    if let Err(problem) =
                        formats::inspect::decode_inspect_json(&bytes, display, &options.inspect)
                    {
                        sink(LoadEvent::Problem(problem));
                    }
                }
                return Ok(());
            }
            let bytes = window.into_whole().map_err(|e| cannot(&e))?;
            match formats::inspect::JsonLog::open(&bytes, &options.inspect) {
                Some((log, samples)) => {
                    let source = Source { json_log: Some(Arc::new(log)), ..source };
                    inspect_json::index_inspect_json(source, &bytes, &samples, &ctx, threads, sink);
                }
                None => {
                    let decoded = formats::inspect::decode_inspect_json(&bytes, display, &options.inspect)?;
                    let kinds = StringKinds::of_rollouts(&decoded.0);
                    deliver_decoded(source, decoded, kinds, options, &ctx, sink);
                }
            }
            Ok(())
        }
        Format::InspectJson | Format::InspectEval => {
            let decoded = match (&source.origin, format) {
                (Origin::File(path), Format::InspectEval) => {
                    formats::inspect::decode_inspect_eval(path, display, &options.limits, &options.inspect)
                }
                (Origin::Embedded(bytes), Format::InspectEval) => {
                    formats::inspect::decode_inspect_eval_bytes(
                        bytes,
                        display,
                        &options.limits,
                        &options.inspect,
                    )
                }
                _ => formats::inspect::decode_inspect_json(
                    &source.read_all(options.limits.rollout_file())?,
                    display,
                    &options.inspect,
                ),
            };
            let decoded = decoded?;
            let kinds = StringKinds::of_rollouts(&decoded.0);
            deliver_decoded(source, decoded, kinds, options, &ctx, sink);
            Ok(())
        }
        Format::Parquet => match &source.origin {
            Origin::File(path) => {
                let file_name = source.file_name().to_string();
                let turn_array = options.inspect.turn_array.as_deref();
                let (rows, problems) =
                    formats::parquet::ParquetRollouts::open(path, display, &file_name, turn_array)?;
                let source = Source { parquet: Some(Arc::new(rows)), ..source };
                parquet::index_parquet(source, problems, &ctx, options.worker_count(), sink);
                Ok(())
            }
            Origin::Embedded(_) | Origin::Memory(_) => {
                Err(Problem::file(display, "Parquet is read from files only"))
            }
        },
        // Agent logs, decoded whole (`load/agents.rs`).
        Format::ClaudeCode | Format::Atif => {
            let decoded = agents::decode(&source, format, options.limits.rollout_file())?;
            let kinds = StringKinds::of_rollouts(&decoded.0);
            deliver_decoded(source, decoded, kinds, options, &ctx, sink);
            Ok(())
        }
        // A folder layout, not a file's: `load_folder` reads it (a format forced with
        // `--format` is for files, and never this one).
        Format::MtBench => {
            Err(Problem::file(display, "an MT-Bench folder is opened as a folder, not a file"))
        }
        Format::Json => {
            let bytes = source.read_all(options.limits.rollout_file())?;
            let hold = huge_single_record(&bytes, options).then_some(&source.held);
            let (rollouts, problems) = index_json(&bytes, display, source.file_name(), &ctx, hold);
            sink(LoadEvent::Source(Box::new(source)));
            for p in problems {
                sink(LoadEvent::Problem(p));
            }
            sink(LoadEvent::Rollouts(rollouts));
            sink(LoadEvent::BytesRead(size));
            Ok(())
        }
    }
}

fn read_head(origin: &Origin) -> std::io::Result<Vec<u8>> {
    match origin {
        Origin::Embedded(_) | Origin::Memory(_) => {
            let bytes = origin.in_memory().unwrap_or_default();
            Ok(bytes[..bytes.len().min(64 * 1024)].to_vec())
        }
        Origin::File(path) => {
            let mut head = Vec::with_capacity(64 * 1024);
            let (file, _) = input::open_regular(path).map_err(std::io::Error::other)?;
            file.take(64 * 1024).read_to_end(&mut head)?;
            Ok(head)
        }
    }
}
