//! Indexing an Inspect JSON log on every core: the file is read a window at a time, each
//! window's samples laid out (`JsonLog`, `Elements`) and decoded from their own bytes in
//! parallel, each kept as its index entry only, and delivered in file order; a sample is
//! decoded again when it is shown (`Locator::Span`). The first window's samples are the first
//! screen, and the log is never held whole.

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

use super::{LoadEvent, Sink, Source};
use crate::formats::IndexContext;
use crate::formats::input::{self, Bounded, InputError};
use crate::formats::inspect::{Elements, JsonLog};
use crate::formats::json_text::line_column;
use crate::model::{Interner, Limit, Locator, Problem, RolloutSummary};

/// Samples per run: the first run is the first screen.
const RUN: usize = 32;

/// Bytes read before the head is looked for: the first window, whose samples are the first
/// screen.
const HEAD_BYTES: usize = 1 << 20;

/// Bytes read at a time after the head: a window's samples are laid out and decoded on every
/// core while the log is never held whole (a window ending inside a sample grows until it
/// holds it).
const WINDOW_BYTES: usize = 8 << 20;

/// The part of a log file read so far and not yet done with: `buf` holds the file's bytes
/// from `base` on.
pub struct Window {
    file: Bounded<File>,
    pub buf: Vec<u8>,
    pub base: usize,
    /// Line and column of `base`.
    start: (u64, u64),
    pub eof: bool,
    /// The buffer the next window is read into while this one is decoded (kept: a fresh one
    /// each time cost page faults and malloc's consolidation).
    spare: Vec<u8>,
    /// `HEAD_BYTES` and `WINDOW_BYTES`, smaller in tests.
    sizes: (usize, usize),
}

impl Window {
    pub fn open(path: &Path, limit: Limit) -> Result<Window, InputError> {
        Window::sized(path, limit, (HEAD_BYTES, WINDOW_BYTES))
    }

    fn sized(path: &Path, limit: Limit, sizes: (usize, usize)) -> Result<Window, InputError> {
        let file = input::open(path, limit)?;
        let mut window =
            Window { file, buf: Vec::new(), base: 0, start: (1, 1), eof: false, spare: Vec::new(), sizes };
        window.fill(sizes.0)?;
        Ok(window)
    }

    /// Reads on: as much again as is held (the head of a log whose `eval` is long).
    pub fn read_more(&mut self) -> std::io::Result<()> {
        self.fill(self.buf.len().max(self.sizes.0))
    }

    /// Reads `n` more bytes, or up to the end.
    fn fill(&mut self, n: usize) -> std::io::Result<()> {
        self.eof |= read_onto(&mut self.file, &mut self.buf, n)?;
        Ok(())
    }

    /// The whole file: what is left of it read on to the end (for the parsers that need it
    /// whole). Only before anything was let go.
    pub fn into_whole(mut self) -> std::io::Result<Vec<u8>> {
        debug_assert_eq!(self.base, 0);
        self.file.read_to_end(&mut self.buf)?;
        Ok(self.buf)
    }

    /// Runs `during` on the bytes held (decoding their samples on every core) while the next
    /// window is read on another thread — the bytes from `at` on, then at least a window more,
    /// and at least as much as is held (a sample longer than a window is read in doublings) —
    /// and given to `then` there (laying it out).
    fn advance_during<T: Send>(
        &mut self,
        at: usize,
        during: impl FnOnce(&[u8]),
        then: impl FnOnce(&[u8]) -> T + Send,
    ) -> std::io::Result<T> {
        let Window { file, buf, spare, sizes, .. } = self;
        let (head, tail) = buf.split_at(at);
        let n = sizes.1.max(tail.len());
        let (eof, counted, next) = std::thread::scope(|scope| {
            // The lines let go of are counted here too: on the reading thread, not between
            // windows.
            let reader = scope.spawn(move || {
                spare.clear();
                spare.extend_from_slice(tail);
                let eof = read_onto(file, spare, n)?;
                Ok::<_, std::io::Error>((eof, line_column(head, head.len()), then(spare)))
            });
            during(buf);
            reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        self.start = moved(self.start, counted);
        std::mem::swap(&mut self.buf, &mut self.spare);
        self.eof = eof;
        self.base += at;
        Ok(next)
    }
}

/// The line and column reached from `from` across text that spans `by` (its line count and
/// the column it ends at, as `line_column` gives them).
fn moved(from: (u64, u64), by: (u64, u64)) -> (u64, u64) {
    match by.0 {
        1 => (from.0, from.1 + by.1 - 1),
        _ => (from.0 + by.0 - 1, by.1),
    }
}

/// Reads `n` more bytes onto `buf`, or up to the end: whether the end was reached.
fn read_onto(file: &mut Bounded<File>, buf: &mut Vec<u8>, n: usize) -> std::io::Result<bool> {
    let got = file.take(n as u64).read_to_end(buf)?;
    Ok(got < n)
}

/// Announces `source` (whose `json_log` is set) and indexes the samples of its log a window
/// at a time, from `first` (just past the `samples` array's `[` in `window`). `Ok(true)` when
/// the array broke off before its end (a log cut short); the rows before it stay.
pub fn stream_inspect_json(
    source: Source,
    window: &mut Window,
    first: usize,
    ctx: &IndexContext,
    threads: usize,
    sink: &Sink,
) -> std::io::Result<bool> {
    let Some(log) = source.json_log.clone() else { return Ok(false) };
    let mut delivery = Delivery::new(&source);
    sink(LoadEvent::Source(Box::new(source)));
    let mut layout = LaidOut::of(Elements::new(&window.buf, first));
    let mut position = 0;
    loop {
        let last = !layout.broken || window.eof;
        let (base, resume) = (window.base, layout.end);
        let done = if last { delivery.size } else { (base + resume) as u64 };
        let (start, batch) = (window.start, std::mem::take(&mut layout.batch));
        let mut step = |buf: &[u8]| {
            let bytes = Bytes { buf, base, start };
            index_batch(&log, bytes, &batch, position, done, ctx, threads, &mut delivery, sink);
        };
        if last {
            step(&window.buf);
            sink(LoadEvent::BytesRead(delivery.size.saturating_sub(delivery.read)));
            return Ok(layout.broken);
        }
        // The next window is read and laid out on the reading thread meanwhile.
        layout = window.advance_during(resume, step, |next| LaidOut::of(Elements::resume(next, 0)))?;
        position += batch.len();
    }
}

/// A window's samples as laid out: the whole ones, whether the array broke off (or the
/// window ends inside a sample), and where reading goes on (see `Elements::end`).
struct LaidOut {
    batch: Vec<Range<usize>>,
    broken: bool,
    end: usize,
}

impl LaidOut {
    fn of(mut elements: Elements) -> LaidOut {
        let batch = elements.by_ref().collect();
        LaidOut { batch, broken: elements.broken, end: elements.end() }
    }
}

/// Announces `source` (whose `json_log` is set), then indexes the samples at `samples` (byte
/// ranges of `bytes`, the whole file, in file order) with `threads` workers.
pub fn index_inspect_json(
    source: Source,
    bytes: &[u8],
    samples: &[Range<usize>],
    ctx: &IndexContext,
    threads: usize,
    sink: &Sink,
) {
    let Some(log) = source.json_log.clone() else { return };
    let mut delivery = Delivery::new(&source);
    sink(LoadEvent::Source(Box::new(source)));
    let done = delivery.size;
    let whole = Bytes { buf: bytes, base: 0, start: (1, 1) };
    index_batch(&log, whole, samples, 0, done, ctx, threads, &mut delivery, sink);
    sink(LoadEvent::BytesRead(delivery.size.saturating_sub(delivery.read)));
}

/// Bytes of a file from offset `base` (at line and column `start`) on.
#[derive(Clone, Copy)]
struct Bytes<'a> {
    buf: &'a [u8],
    base: usize,
    start: (u64, u64),
}

/// Lays out and indexes `batch` (ranges of `bytes.buf`; the first is sample `position` of the
/// log) on every core, delivering runs in file order; `done` is the file offset read up to
/// once the batch is delivered.
#[allow(clippy::too_many_arguments)]
fn index_batch(
    log: &JsonLog,
    bytes: Bytes,
    batch: &[Range<usize>],
    position: usize,
    done: u64,
    ctx: &IndexContext,
    threads: usize,
    delivery: &mut Delivery,
    sink: &Sink,
) {
    let absolute: Vec<Range<usize>> =
        batch.iter().map(|r| r.start + bytes.base..r.end + bytes.base).collect();
    log.laid_out(&absolute);
    let work = |run: Range<usize>| decode_run(log, bytes.buf, &absolute, bytes.base, position, run, ctx);
    super::runs::in_order(batch.len(), RUN, threads, &work, |run, (rollouts, problems)| {
        let read = absolute.get(run.end).map_or(done, |r| r.start as u64);
        delivery.deliver(bytes, rollouts, problems, read, sink);
    });
}

/// Decodes samples `run` of `batch` (file offsets; `buf` holds the file from `base`, and the
/// batch's first is sample `first` of the log): their index entries, and (file offset,
/// message) of what could not be read.
fn decode_run(
    log: &JsonLog,
    buf: &[u8],
    batch: &[Range<usize>],
    base: usize,
    first: usize,
    run: Range<usize>,
    ctx: &IndexContext,
) -> (Vec<RolloutSummary>, Vec<(usize, String)>) {
    let mut strings = Interner::default();
    let mut rollouts = Vec::with_capacity(run.len());
    let mut problems = Vec::new();
    for i in run {
        let range = &batch[i];
        match log.decode_at(&buf[range.start - base..range.end - base], first + i) {
            Ok((rollout, warnings)) => {
                problems.extend(warnings.into_iter().map(|w| (range.start, w)));
                let locator = Locator::Span { start: range.start as u64, len: range.len() as u32 };
                let summary = super::runs::summary_of(&rollout, ctx, locator, &mut strings);
                rollouts.push(summary);
            }
            Err(message) => problems.push((range.start, format!("sample {} skipped: {message}", first + i))),
        }
    }
    (rollouts, problems)
}

/// Hands runs on in file order, with each problem's line and column counted on from a known
/// place (the last problem, or where the window starts: the whole file is counted once), and
/// the bytes read so far.
struct Delivery {
    display: String,
    size: u64,
    /// (file offset, line, column) of a place already counted, in the bytes still held.
    at: (usize, u64, u64),
    read: u64,
}

impl Delivery {
    fn new(source: &Source) -> Delivery {
        Delivery { display: source.display.clone(), size: source.size, at: (0, 1, 1), read: 0 }
    }

    /// Counts lines up to file offset `to`, which becomes the known place: from the last one,
    /// or from the start of the bytes held when that one was let go of.
    fn anchor(&mut self, bytes: Bytes, to: usize) {
        if self.at.0 < bytes.base {
            self.at = (bytes.base, bytes.start.0, bytes.start.1);
        }
        let from = self.at.0 - bytes.base;
        let (line, column) = moved((self.at.1, self.at.2), line_column(&bytes.buf[from..], to - self.at.0));
        self.at = (to, line, column);
    }

    fn deliver(
        &mut self,
        bytes: Bytes,
        rollouts: Vec<RolloutSummary>,
        problems: Vec<(usize, String)>,
        done: u64,
        sink: &Sink,
    ) {
        for (offset, message) in problems {
            self.anchor(bytes, offset);
            sink(LoadEvent::Problem(Problem::at(&self.display, self.at.1, self.at.2, message).warning()));
        }
        sink(LoadEvent::Rollouts(rollouts));
        sink(LoadEvent::BytesRead(done.saturating_sub(self.read)));
        self.read = done.max(self.read);
    }
}

#[cfg(test)]
mod tests;
