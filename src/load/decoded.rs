//! Delivering a source whose rollouts were decoded whole (Inspect logs read eagerly, MT-Bench
//! folders, agent logs): the source, its problems, then one index entry per rollout.

use super::{LoadEvent, LoadOptions, Sink, Source};
use crate::formats::IndexContext;
use crate::model::{Interner, Locator, Problem, Rollout, RolloutSummary, ScoreKind, StringKinds};

/// Announces a source whose rollouts were decoded whole, then its problems and its index
/// entries: judge strings told apart by `kinds`, over the whole source (`--categorical` and
/// `--text` say otherwise), turn texts hashed when `ctx.hash_turns`.
pub(super) fn deliver_decoded(
    mut source: Source,
    (rollouts, problems): (Vec<Rollout>, Vec<Problem>),
    mut kinds: StringKinds,
    options: &LoadOptions,
    ctx: &IndexContext,
    sink: &Sink,
) {
    for (names, kind) in [(&options.categorical, ScoreKind::Categorical), (&options.text, ScoreKind::Text)] {
        for name in names {
            kinds.set(name, kind);
        }
    }
    let mut strings = Interner::default();
    let summaries = rollouts
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let locator = Locator::Decoded(i as u32);
            let mut summary =
                RolloutSummary::from_decoded(r, &kinds, ctx.hatch, ctx.source, locator, &mut strings);
            if ctx.hash_turns {
                summary.response_hashes = r.response_hashes();
            }
            summary
        })
        .collect();
    let size = source.size;
    source.decoded = rollouts;
    sink(LoadEvent::Source(Box::new(source)));
    for p in problems {
        sink(LoadEvent::Problem(p));
    }
    sink(LoadEvent::Rollouts(summaries));
    sink(LoadEvent::BytesRead(size));
}
