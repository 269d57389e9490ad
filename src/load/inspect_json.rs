//! Indexing an Inspect JSON log on every core: the file is laid out once (`JsonLog`), then runs
//! of samples are decoded from their own bytes in parallel, each kept as its index entry only,
//! and delivered in file order; a sample is decoded again when it is shown (`Locator::Span`).

use std::ops::Range;

use super::{LoadEvent, Sink, Source};
use crate::formats::IndexContext;
use crate::formats::inspect::JsonLog;
use crate::formats::json_text::line_column;
use crate::model::{Interner, Locator, Problem, RolloutSummary};

/// Samples per run: the first run is the first screen.
const RUN: usize = 32;

/// Samples laid out and read before the rest is laid out: the first screen.
const HEAD: usize = 64;

/// Announces `source` (whose `json_log` is set), then indexes the samples `samples` yields
/// (byte ranges of `bytes`, the whole file, in file order) with `threads` workers: the first
/// `HEAD` as soon as they are laid out, then the rest.
pub fn index_inspect_json(
    source: Source,
    bytes: &[u8],
    samples: &mut dyn Iterator<Item = Range<usize>>,
    ctx: &IndexContext,
    threads: usize,
    sink: &Sink,
) {
    let Some(log) = source.json_log.clone() else { return };
    let mut delivery =
        Delivery { display: source.display.clone(), size: source.size, at: (0, 1, 1), read: 0 };
    sink(LoadEvent::Source(Box::new(source)));
    let mut first = 0;
    for n in 0..2 {
        let batch: Vec<Range<usize>> = match n {
            0 => samples.take(HEAD).collect(),
            _ => samples.collect(),
        };
        log.laid_out(&batch);
        let work = |run: Range<usize>| decode_run(&log, bytes, &batch, first, run, ctx);
        super::runs::in_order(batch.len(), RUN, threads, &work, |run, (rollouts, problems)| {
            let done = batch.get(run.end).map_or(delivery.size, |r| r.start as u64);
            delivery.deliver(bytes, rollouts, problems, done, sink);
        });
        first += batch.len();
    }
    sink(LoadEvent::BytesRead(delivery.size.saturating_sub(delivery.read)));
}

/// Decodes samples `run` of `batch` (the batch's first is sample `first` of the log): their
/// index entries, and (byte offset, message) of what could not be read.
fn decode_run(
    log: &JsonLog,
    bytes: &[u8],
    batch: &[Range<usize>],
    first: usize,
    run: Range<usize>,
    ctx: &IndexContext,
) -> (Vec<RolloutSummary>, Vec<(usize, String)>) {
    let mut strings = Interner::default();
    let mut rollouts = Vec::with_capacity(run.len());
    let mut problems = Vec::new();
    for i in run {
        let range = &batch[i];
        match log.decode_at(&bytes[range.clone()], first + i) {
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

/// Hands runs on in file order, with each problem's line and column counted on from the last
/// one's (so the whole file is counted once), and the bytes read so far.
struct Delivery {
    display: String,
    size: u64,
    /// (offset, line, column) of the last problem.
    at: (usize, u64, u64),
    read: u64,
}

impl Delivery {
    fn deliver(
        &mut self,
        bytes: &[u8],
        rollouts: Vec<RolloutSummary>,
        problems: Vec<(usize, String)>,
        done: u64,
        sink: &Sink,
    ) {
        for (offset, message) in problems {
            let (line, column) = line_column(&bytes[self.at.0..], offset - self.at.0);
            self.at = match line {
                1 => (offset, self.at.1, self.at.2 + column - 1),
                _ => (offset, self.at.1 + line - 1, column),
            };
            sink(LoadEvent::Problem(Problem::at(&self.display, self.at.1, self.at.2, message).warning()));
        }
        sink(LoadEvent::Rollouts(rollouts));
        sink(LoadEvent::BytesRead(done.saturating_sub(self.read)));
        self.read = done.max(self.read);
    }
}
