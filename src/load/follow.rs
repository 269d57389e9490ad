//! Following a study while a run writes it (`--follow`): JSONL files that grow, and new rollout
//! files appearing in the folders given. The runtime's follow thread calls `Follower::poll`
//! about once a second (sooner after a file-system event) and sends what it yields as load
//! events, so new rows join the list like the first ones did.
//!
//! A JSONL file is read on from where its last complete line ended; a last line without its
//! newline is a writer mid-line: it is retried, and reported only when the file has not grown
//! for `TORN_AFTER`. Anything rows cannot simply be added for — a JSONL file that shrinks, is
//! replaced (another file at its path) or goes; an Inspect log, a JSON file or a `--scores`
//! file rewritten (once its size and time hold still between two polls) — asks the caller to
//! start the study over (`Follower::restart`): it is read again, and labels, kept by rollout
//! id, stay.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::jsonl::index_lines;
use super::source::stand_in_id;
use super::{LoadEvent, LoadOptions, Origin, Sink, SourceRead, load_source, walk};
use crate::formats::{Format, IndexContext, index_record, input};
use crate::model::{Interner, Locator, Problem};

/// How long a torn last line may stay torn before it is reported.
pub const TORN_AFTER: Duration = Duration::from_secs(10);

/// A source the study already has, as the follower needs it.
#[derive(Debug, Clone)]
pub struct Known {
    pub index: u32,
    pub path: PathBuf,
    pub display: String,
    pub format: Format,
    /// The bytes the first load read.
    pub size: u64,
}

/// The files of a study being followed.
pub struct Follower {
    roots: Vec<PathBuf>,
    options: LoadOptions,
    files: Vec<Followed>,
    known: HashSet<PathBuf>,
    /// How many sources the study has: a new file becomes the next one.
    sources: u32,
    /// New non-JSONL files waiting until their size holds still between two polls.
    pending: HashMap<PathBuf, u64>,
    /// How long a torn last line may stay torn before it is reported (`TORN_AFTER`).
    pub torn_after: Duration,
    /// Files read whole (Inspect logs, JSON files, `--scores` files) and how they were.
    whole: Vec<Watched>,
    /// Why the study must start over, once a poll found it.
    restart: Option<String>,
}

/// A file read whole: its size and modification time when read, and when last seen.
struct Watched {
    path: PathBuf,
    display: String,
    read: Stamp,
    seen: Stamp,
}

type Stamp = Option<(u64, std::time::SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// A JSONL file read up to `read_to`, the end of its last complete line.
struct Followed {
    source: u32,
    path: PathBuf,
    display: String,
    file_name: String,
    read_to: u64,
    /// Lines before `read_to`.
    lines: u64,
    identity: Option<(u64, u64)>,
    /// Bytes past `read_to` (a line not finished), since when, and whether it was reported.
    tail: Option<(u64, Instant, bool)>,
    stopped: bool,
}

impl Follower {
    /// Follows `known` (the sources the first load announced) under `roots`, the paths given.
    pub fn new(roots: &[PathBuf], known: &[Known], options: &LoadOptions) -> Follower {
        let mut follower = Follower {
            roots: roots.to_vec(),
            options: LoadOptions { follow: true, ..options.clone() },
            files: Vec::new(),
            known: known.iter().map(|k| k.path.clone()).collect(),
            sources: known.iter().map(|k| k.index + 1).max().unwrap_or(0),
            pending: HashMap::new(),
            torn_after: TORN_AFTER,
            whole: Vec::new(),
            restart: None,
        };
        for k in known {
            match k.format {
                Format::Jsonl => follower.files.push(Followed::start(k, &follower.options)),
                _ => follower.watch_whole(&k.path, &k.display),
            }
        }
        for spec in &options.scores {
            follower.watch_whole(&spec.path, &spec.path.display().to_string());
        }
        follower
    }

    fn watch_whole(&mut self, path: &Path, display: &str) {
        let now = stamp(path);
        self.whole.push(Watched {
            path: path.to_path_buf(),
            display: display.to_string(),
            read: now,
            seen: now,
        });
    }

    /// The last lines still torn (a writer mid-line), not yet reported: what to say at quit.
    pub fn torn(&self) -> Vec<Problem> {
        self.files
            .iter()
            .filter(|f| !f.stopped && f.tail.is_some_and(|(_, _, reported)| !reported))
            .map(|f| {
                let line = f.lines + 1;
                let message =
                    format!("line {line} is incomplete: the writer had not finished it when rollscope quit");
                Problem::at(&f.display, line, 1, message).warning()
            })
            .collect()
    }

    /// Why the study must be read again from its files, when a poll found that it must (the
    /// follower is then made anew from the new reading).
    pub fn restart(&mut self) -> Option<String> {
        self.restart.take()
    }

    /// Reads what was written since the last poll: new complete lines of the JSONL files, and
    /// new rollout files under the folders given (`walk`: after a file-system event, or when
    /// told to). Returns how many rollouts it added.
    pub fn poll(&mut self, walk: bool, sink: &Sink) -> usize {
        let added = AtomicUsize::new(0);
        let counting = |event: LoadEvent| {
            if let LoadEvent::Rollouts(batch) = &event {
                added.fetch_add(batch.len(), Ordering::Relaxed);
            }
            sink(event);
        };
        // New rollouts get their `--id-fields` ids as the first ones did.
        // A file read whole that was rewritten, once it holds still: start over.
        for file in &mut self.whole {
            let now = stamp(&file.path);
            if now != file.read && now == file.seen && self.restart.is_none() {
                self.restart = Some(format!("{} was rewritten", file.display));
            }
            file.seen = now;
        }
        super::ids::with_ids(&self.options.id_fields.clone(), &counting, |sink| {
            for file in &mut self.files {
                if let Some(why) = file.poll(&self.options, self.torn_after, sink) {
                    self.restart.get_or_insert(why);
                }
            }
            if walk {
                self.discover(sink);
            }
            self.load_pending(sink);
        });
        added.into_inner()
    }

    /// Rollout files under the roots not seen before: a JSONL file is loaded at once and
    /// followed; another waits until its size holds still (a log still being written).
    fn discover(&mut self, sink: &Sink) {
        let (mut files, _) = walk::rollout_files(&self.roots, self.options.limits.rollout_file());
        super::scores::skip_score_files(&mut files, &self.options.scores);
        files.retain(|f| f.folder.is_none() && !self.known.contains(&f.path));
        for file in files {
            self.known.insert(file.path.clone());
            match crate::formats::is_jsonl_path(&file.path) {
                true => self.load_new(&file.path, &file.display, file.size, sink),
                false => {
                    self.pending.insert(file.path, u64::MAX);
                }
            }
        }
    }

    fn load_pending(&mut self, sink: &Sink) {
        let mut ready = Vec::new();
        self.pending.retain(|path, size| match std::fs::metadata(path) {
            Ok(meta) if meta.len() == *size && meta.len() > 0 => {
                ready.push((path.clone(), meta.len()));
                false
            }
            Ok(meta) => {
                *size = meta.len();
                true
            }
            Err(_) => false,
        });
        for (path, size) in ready {
            let display = path.display().to_string();
            self.load_new(&path, &display, size, sink);
        }
    }

    /// Loads a new file as the study's next source; a JSONL one is followed from then on.
    fn load_new(&mut self, path: &Path, display: &str, size: u64, sink: &Sink) {
        let index = self.sources;
        let announced = AtomicBool::new(false);
        let announcing = |event: LoadEvent| {
            if matches!(event, LoadEvent::Source(_)) {
                announced.store(true, Ordering::Relaxed);
            }
            sink(event);
        };
        let read = SourceRead {
            id: index,
            display,
            origin: Origin::File(path.to_path_buf()),
            size,
            hash_turns: false,
        };
        if let Err(problem) = load_source(read, &self.options, &announcing) {
            sink(LoadEvent::Problem(problem));
        }
        // A file that failed before it was announced is not a source: the next one takes its
        // number.
        if !announced.into_inner() {
            return;
        }
        self.sources += 1;
        if crate::formats::is_jsonl_path(path) {
            let known = Known {
                index,
                path: path.to_path_buf(),
                display: display.to_string(),
                format: Format::Jsonl,
                size,
            };
            self.files.push(Followed::start(&known, &self.options));
        }
    }
}

impl Followed {
    /// Starts following where the first load stopped: after its last complete line, or after
    /// its last line when that one parses without a newline.
    fn start(known: &Known, options: &LoadOptions) -> Followed {
        let mut file = Followed {
            source: known.index,
            path: known.path.clone(),
            display: known.display.clone(),
            file_name: known.path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            read_to: known.size,
            lines: 0,
            identity: identity(&known.path),
            tail: None,
            stopped: false,
        };
        let Ok(bytes) = read_range(&known.path, 0, known.size) else {
            file.stopped = true;
            return file;
        };
        let complete = memchr::memrchr(b'\n', &bytes).map_or(0, |p| p + 1);
        file.lines = memchr::memchr_iter(b'\n', &bytes[..complete]).count() as u64;
        let tail = &bytes[complete..];
        let ctx =
            IndexContext { hatch: &options.hatch, source: known.index, hash_turns: false, visitor: None };
        let parses = std::str::from_utf8(tail).is_ok_and(|text| {
            let locator = Locator::Span { start: complete as u64, len: tail.len() as u32 };
            index_record(text, &ctx, &mut Interner::default(), &String::new, locator).is_ok()
        });
        if !tail.trim_ascii().is_empty() && !parses {
            file.read_to = complete as u64;
            file.tail = Some((tail.len() as u64, Instant::now(), false));
        }
        file
    }

    /// Reads what the file gained; `Some(why)` when it changed in a way that needs the study
    /// read again.
    fn poll(&mut self, options: &LoadOptions, torn_after: Duration, sink: &Sink) -> Option<String> {
        if self.stopped {
            return None;
        }
        let Ok(meta) = std::fs::metadata(&self.path) else {
            return Some(self.stop("is gone"));
        };
        if identity(&self.path) != self.identity {
            return Some(self.stop("was replaced by another file"));
        }
        let tail_len = self.tail.map_or(0, |(n, _, _)| n);
        if meta.len() < self.read_to + tail_len {
            return Some(self.stop("was truncated"));
        }
        if meta.len() == self.read_to + tail_len {
            self.check_tail(options, torn_after, sink);
            return None;
        }
        let Ok(bytes) = read_range(&self.path, self.read_to, meta.len()) else {
            return Some(self.stop("cannot be read any more"));
        };
        let complete = memchr::memrchr(b'\n', &bytes).map_or(0, |p| p + 1);
        self.index(&bytes[..complete], options, sink);
        let left = (bytes.len() - complete) as u64;
        self.tail = (left > 0).then(|| (left, Instant::now(), false));
        None
    }

    /// Indexes complete lines starting at `read_to` and moves past them.
    fn index(&mut self, bytes: &[u8], options: &LoadOptions, sink: &Sink) {
        if bytes.is_empty() {
            return;
        }
        let ctx =
            IndexContext { hatch: &options.hatch, source: self.source, hash_turns: false, visitor: None };
        let mut chunk = index_lines(bytes, self.read_to, &ctx, &mut Interner::default());
        for (index, line) in chunk.missing_ids.drain(..) {
            chunk.rollouts[index].id = stand_in_id(&self.file_name, Some(self.lines + line + 1)).into();
        }
        for (line, e) in chunk.errors.drain(..) {
            let problem = Problem::at(&self.display, self.lines + line + e.line, e.column, e.message);
            sink(LoadEvent::Problem(problem.warning()));
        }
        sink(LoadEvent::Rollouts(std::mem::take(&mut chunk.rollouts)));
        self.read_to += bytes.len() as u64;
        self.lines += chunk.lines;
    }

    /// A torn last line that has not grown for `torn_after`: read when it parses (a writer
    /// that ended without a newline), else reported once.
    fn check_tail(&mut self, options: &LoadOptions, torn_after: Duration, sink: &Sink) {
        let Some((len, since, reported)) = self.tail else { return };
        if reported || since.elapsed() < torn_after {
            return;
        }
        let Ok(bytes) = read_range(&self.path, self.read_to, self.read_to + len) else { return };
        let ctx =
            IndexContext { hatch: &options.hatch, source: self.source, hash_turns: false, visitor: None };
        let chunk = index_lines(&bytes, self.read_to, &ctx, &mut Interner::default());
        if chunk.errors.is_empty() {
            self.index(&bytes, options, sink);
            self.tail = None;
            return;
        }
        let line = self.lines + 1;
        let message = format!(
            "line {line} is incomplete: the file has not grown for {} s (the writer may have stopped mid-line)",
            torn_after.as_secs()
        );
        sink(LoadEvent::Problem(Problem::at(&self.display, line, 1, message).warning()));
        self.tail = Some((len, since, true));
    }

    /// Stops following; the reason the study starts over.
    fn stop(&mut self, why: &str) -> String {
        self.stopped = true;
        format!("{} {why}", self.display)
    }
}

/// Bytes `from..to` of the file at `path` (fewer when it is shorter now).
fn read_range(path: &Path, from: u64, to: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let (mut file, _) = input::open_regular(path).map_err(std::io::Error::other)?;
    file.seek(SeekFrom::Start(from))?;
    let mut bytes = Vec::with_capacity(usize::try_from(to.saturating_sub(from)).unwrap_or(0));
    file.take(to.saturating_sub(from)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The file's device and inode: another file moved to the path has others.
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
