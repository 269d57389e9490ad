//! Indexing a Parquet file of rollouts on every core: workers take runs of rows (a short first
//! run for the first screen), decode each row once to index it and keep only its index entry;
//! runs are delivered in row order. A row is decoded again when it is shown
//! (`Locator::Entry`).

use std::ops::Range;

use super::{LoadEvent, Sink, Source};
use crate::formats::IndexContext;
use crate::model::{Interner, Problem, RolloutSummary};

/// Rows per run when pages can be skipped unread, and in the first run.
const RUN: usize = 1024;
const FIRST_RUN: usize = 64;

#[derive(Default)]
struct Run {
    rollouts: Vec<RolloutSummary>,
    problems: Vec<Problem>,
}

/// Announces `source` (whose `parquet` is set) and its opening `problems`, then indexes every
/// row with `threads` workers, in row order.
pub fn index_parquet(
    source: Source,
    problems: Vec<Problem>,
    ctx: &IndexContext,
    threads: usize,
    sink: &Sink,
) {
    let Some(file) = source.parquet.clone() else { return };
    let size = source.size;
    sink(LoadEvent::Source(Box::new(source)));
    for problem in problems {
        sink(LoadEvent::Problem(problem));
    }
    let runs = file.runs(RUN, FIRST_RUN);
    let total = file.rows().max(1) as u64;
    let work = |k: Range<usize>| {
        let mut run = Run::default();
        let mut strings = Interner::default();
        for rows in &runs[k] {
            let mut each = |_, indexed| match indexed {
                Ok(summary) => run.rollouts.push(summary),
                Err(problem) => run.problems.push(problem),
            };
            let read = file.index_rows(rows.clone(), ctx, &mut strings, &mut each);
            // A row group that cannot be read (a file cut short) loses its rows, not the file.
            if let Err(problem) = read {
                run.problems.push(problem);
            }
        }
        run
    };
    let mut read_bytes = 0;
    super::runs::in_order(runs.len(), 1, threads, &work, |k, run| {
        for problem in run.problems {
            sink(LoadEvent::Problem(problem));
        }
        sink(LoadEvent::Rollouts(run.rollouts));
        let done = runs.get(k.end.saturating_sub(1)).map_or(0, |r| r.end) as u64;
        let bytes = size * done / total;
        sink(LoadEvent::BytesRead(bytes - read_bytes));
        read_bytes = bytes;
    });
    sink(LoadEvent::BytesRead(size - read_bytes));
}
