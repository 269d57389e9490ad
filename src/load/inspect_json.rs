//! Indexing an Inspect JSON log on every core: the file is laid out once (`JsonLog`), then runs
//! of samples are decoded from their own bytes in parallel, each kept as its index entry only,
//! and delivered in file order; a sample is decoded again when it is shown (`Locator::Span`).

use std::ops::Range;

use super::{LoadEvent, Sink, Source};
use crate::formats::IndexContext;
use crate::formats::json_text::line_column;
use crate::model::{Interner, Locator, Problem, RolloutSummary};

/// Samples per run: the first run is the first screen.
const RUN: usize = 32;

/// Announces `source` (whose `json_log` is set), then indexes the samples at `samples` (byte
/// ranges of `bytes`, the whole file) with `threads` workers, in file order.
pub fn index_inspect_json(
    source: Source,
    bytes: &[u8],
    samples: &[Range<usize>],
    ctx: &IndexContext,
    threads: usize,
    sink: &Sink,
) {
    let Some(log) = source.json_log.clone() else { return };
    let (display, size) = (source.display.clone(), source.size);
    sink(LoadEvent::Source(Box::new(source)));
    let work = |run: Range<usize>| {
        let mut strings = Interner::default();
        let mut rollouts = Vec::with_capacity(run.len());
        // (sample, byte offset, message) of what could not be read.
        let mut problems = Vec::new();
        for i in run {
            let range = &samples[i];
            match log.decode(&bytes[range.clone()], range.start as u64) {
                Ok((rollout, warnings)) => {
                    problems.extend(warnings.into_iter().map(|w| (range.start, w)));
                    let locator = Locator::Span { start: range.start as u64, len: range.len() as u32 };
                    let mut summary =
                        RolloutSummary::from_rollout(&rollout, ctx.hatch, ctx.source, locator, &mut strings);
                    if ctx.hash_turns {
                        summary.response_hashes = rollout.response_hashes();
                    }
                    rollouts.push(summary);
                }
                Err(message) => problems.push((range.start, format!("sample {i} skipped: {message}"))),
            }
        }
        (rollouts, problems)
    };
    // Line and column of each problem, counted on from the last one (the samples come in
    // file order, so the whole file is counted once).
    let mut at = (0usize, 1u64, 1u64);
    let mut read = 0u64;
    super::runs::in_order(samples.len(), RUN, threads, &work, |run, (rollouts, problems)| {
        for (offset, message) in problems {
            let (line, column) = line_column(&bytes[at.0..], offset - at.0);
            at = match line {
                1 => (offset, at.1, at.2 + column - 1),
                _ => (offset, at.1 + line - 1, column),
            };
            sink(LoadEvent::Problem(Problem::at(&display, at.1, at.2, message).warning()));
        }
        sink(LoadEvent::Rollouts(rollouts));
        let done = samples.get(run.end).map_or(size, |r| r.start as u64);
        sink(LoadEvent::BytesRead(done.saturating_sub(read)));
        read = done.max(read);
    });
    sink(LoadEvent::BytesRead(size.saturating_sub(read)));
}
