//! Work split into runs of consecutive items, done on every core and handed on in order: the
//! list grows from the top while the rest is read (used for the items of one file that decode
//! on their own: an archive's sample entries, a JSON log's samples).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

pub use crate::formats::summary_of;

/// Runs `work` on `0..count` in runs of `run` items with `threads` workers, and gives each
/// run's result to `deliver` in run order, on the calling thread.
pub fn in_order<T: Send>(
    count: usize,
    run: usize,
    threads: usize,
    work: &(dyn Fn(Range<usize>) -> T + Sync),
    mut deliver: impl FnMut(Range<usize>, T),
) {
    let run = run.max(1);
    let runs = count.div_ceil(run);
    let span = |k: usize| k * run..((k + 1) * run).min(count);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, runs.max(1)) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= runs || tx.send((k, work(span(k)))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = 0usize;
        for (k, result) in rx {
            pending.insert(k, result);
            while let Some(result) = pending.remove(&want) {
                deliver(span(want), result);
                want += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order_whatever_the_workers() {
        for threads in [1, 2, 5] {
            let mut seen = Vec::new();
            in_order(
                103,
                10,
                threads,
                &|r: Range<usize>| r.clone().map(|i| i * 2).collect::<Vec<_>>(),
                |r, v| {
                    assert_eq!(v.len(), r.len());
                    seen.extend(v);
                },
            );
            assert_eq!(seen, (0..103).map(|i| i * 2).collect::<Vec<_>>());
        }
        in_order(0, 10, 2, &|_| unreachable!(), |_, ()| unreachable!());
    }
}
