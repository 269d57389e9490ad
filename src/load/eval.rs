//! Indexing an Inspect `.eval` archive on every core: workers take runs of sample entries,
//! inflate and decode each on its own (`EvalArchive`), and keep only its index entry; runs are
//! delivered in sample order, so the first rows show while the rest is read. A sample is
//! decoded again when it is shown (`Locator::Entry`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

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
    problems: Vec<Problem>,
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
    let runs = total.div_ceil(RUN);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Run)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, runs.max(1)) {
            let (tx, next, archive) = (tx.clone(), &next, &archive);
            scope.spawn(move || {
                let mut strings = Interner::default();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= runs {
                        break;
                    }
                    let positions = k * RUN..((k + 1) * RUN).min(total);
                    if tx.send((k, index_run(archive, positions, ctx, &mut strings))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let (mut want, mut unread, mut read_bytes) = (0usize, 0usize, 0u64);
        for (k, run) in rx {
            pending.insert(k, run);
            while let Some(run) = pending.remove(&want) {
                for problem in run.problems {
                    sink(LoadEvent::Problem(problem));
                }
                unread += run.unread;
                sink(LoadEvent::Rollouts(run.rollouts));
                want += 1;
                // Progress in the archive's bytes, by the share of samples read.
                let done = size * (want * RUN).min(total) as u64 / total.max(1) as u64;
                sink(LoadEvent::BytesRead(done - read_bytes));
                read_bytes = done;
            }
        }
        if unread > 0 {
            sink(LoadEvent::Problem(archive.not_read(unread)));
        }
        sink(LoadEvent::BytesRead(size - read_bytes));
    });
}

fn index_run(
    archive: &Arc<EvalArchive>,
    positions: std::ops::Range<usize>,
    ctx: &IndexContext,
    strings: &mut Interner,
) -> Run {
    let mut run = Run::default();
    for position in positions {
        match archive.index_sample(position) {
            Ok(Some((rollout, warnings))) => {
                run.problems.extend(warnings);
                let locator = Locator::Entry(position as u32);
                let mut summary =
                    RolloutSummary::from_rollout(&rollout, ctx.hatch, ctx.source, locator, strings);
                if ctx.hash_turns {
                    summary.response_hashes = rollout.response_hashes();
                }
                run.rollouts.push(summary);
            }
            Ok(None) => run.unread += 1,
            Err(problem) => run.problems.push(problem),
        }
    }
    run
}
