//! Indexing an Inspect `.eval` archive on every core: workers take runs of sample entries,
//! inflate and decode each on its own (`EvalArchive`), and keep only its index entry; runs are
//! delivered in sample order, so the first rows show while the rest is read. A sample is
//! decoded again when it is shown (`Locator::Entry`).

use std::ops::Range;
use std::sync::Arc;

use super::{LoadEvent, Sink, Source};
use crate::formats::IndexContext;
use crate::formats::inspect::EvalArchive;
use crate::model::{Interner, Locator, Problem, RolloutSummary};

/// Samples per run: the first run is the first screen, so it stays small.
const RUN: usize = 32;

/// What one run of samples yielded.
#[derive(Default)]
struct Run {
    rollouts: Vec<RolloutSummary>,
    /// In sample order; `true` for a sample skipped, whose problem is listed one by one only
    /// up to a bound (`list_skipped`).
    problems: Vec<(Problem, bool)>,
    /// Samples left unread because the archive reached its limit.
    unread: usize,
}

/// Announces `source` (whose `archive` is set) and its opening `problems`, then indexes every
/// sample with `threads` workers, in sample order.
pub fn index_eval(source: Source, problems: Vec<Problem>, ctx: &IndexContext, threads: usize, sink: &Sink) {
    let Some(archive) = source.archive.clone() else { return };
    let size = source.size;
    sink(LoadEvent::Source(Box::new(source)));
    for problem in problems {
        sink(LoadEvent::Problem(problem));
    }
    let total = archive.len();
    let (mut unread, mut read_bytes) = (0usize, 0u64);
    let work = |positions: Range<usize>| {
        let mut strings = Interner::default();
        index_run(&archive, positions, ctx, &mut strings)
    };
    super::runs::in_order(total, RUN, threads, &work, |positions, run| {
        for (problem, skipped) in run.problems {
            let listed = if skipped { archive.list_skipped(problem) } else { Some(problem) };
            if let Some(problem) = listed {
                sink(LoadEvent::Problem(problem));
            }
        }
        unread += run.unread;
        sink(LoadEvent::Rollouts(run.rollouts));
        // Progress in the archive's bytes, by the share of samples read.
        let done = size * positions.end as u64 / total.max(1) as u64;
        sink(LoadEvent::BytesRead(done - read_bytes));
        read_bytes = done;
    });
    if let Some(problem) = archive.skipped_summary() {
        sink(LoadEvent::Problem(problem));
    }
    if unread > 0 {
        sink(LoadEvent::Problem(archive.not_read(unread)));
    }
    sink(LoadEvent::BytesRead(size - read_bytes));
}

fn index_run(
    archive: &Arc<EvalArchive>,
    positions: Range<usize>,
    ctx: &IndexContext,
    strings: &mut Interner,
) -> Run {
    let mut run = Run::default();
    for position in positions {
        match archive.index_sample(position) {
            Ok(Some((rollout, warnings))) => {
                run.problems.extend(warnings.into_iter().map(|warning| (warning, false)));
                let locator = Locator::Entry(position as u32);
                let summary = super::runs::summary_of(&rollout, ctx, locator, strings);
                run.rollouts.push(summary);
            }
            Ok(None) => run.unread += 1,
            Err(problem) => run.problems.push((problem, true)),
        }
    }
    run
}
