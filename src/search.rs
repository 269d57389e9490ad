//! Text search across every message of a study. Runs on a worker: sources are read in blocks of
//! whole rollouts; a case-insensitive byte scan picks candidate rollouts, which are decoded and
//! checked message by message (so matches in keys or escapes do not count). Cancellable.

use std::sync::Arc;

use crate::formats;
use crate::load::Source;
use crate::model::{Locator, Rollout};
use crate::study::Study;

/// One message containing the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Study index of the rollout.
    pub rollout: u32,
    pub message: u32,
}

/// A rollout to search: study index, where it lives, and its id.
pub type Target = (u32, Locator, Arc<str>);

/// What to search: each source with its rollouts' locations (a snapshot, so the study can
/// keep growing while the search runs).
#[derive(Debug, Clone, Default)]
pub struct SearchPlan {
    pub sources: Vec<(Arc<Source>, Vec<Target>)>,
}

impl SearchPlan {
    pub fn of(study: &Study) -> SearchPlan {
        let mut sources: Vec<(Arc<Source>, Vec<Target>)> =
            study.sources.iter().map(|s| (s.clone(), Vec::new())).collect();
        for (i, r) in study.rollouts.iter().enumerate() {
            if let Some((_, list)) = sources.get_mut(r.source as usize) {
                list.push((i as u32, r.locator.clone(), r.id.clone()));
            }
        }
        SearchPlan { sources }
    }
}

/// Bytes read per block (whole rollouts, so a block can be decoded without re-reading).
const BLOCK_BYTES: u64 = 16 << 20;

/// Finds every message containing `query` (case-insensitive). `cancelled` is polled between
/// blocks; a cancelled search returns what it found so far.
pub fn search(plan: &SearchPlan, query: &str, cancelled: &(dyn Fn() -> bool + Sync)) -> Vec<Hit> {
    let found = std::sync::Mutex::new(Vec::new());
    search_streaming(plan, query, cancelled, &|hits| {
        if let Ok(mut found) = found.lock() {
            found.extend(hits);
        }
    });
    let mut hits = found.into_inner().unwrap_or_else(|e| e.into_inner());
    hits.sort_unstable();
    hits
}

/// One unit of work: a run of consecutive spans of a source, or one decoded rollout.
enum Unit<'a> {
    Block(&'a Source, Vec<&'a Target>),
    Decoded(&'a Source, &'a Target),
}

/// Like `search`, but blocks are searched on every core and each block's hits are handed to
/// `on_hits` as soon as they are found, so the first match shows while the rest is searched.
pub fn search_streaming(
    plan: &SearchPlan,
    query: &str,
    cancelled: &(dyn Fn() -> bool + Sync),
    on_hits: &(dyn Fn(Vec<Hit>) + Sync),
) {
    use rayon::prelude::*;
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return;
    }
    let prefilter = raw_prefilter(query);
    let mut units = Vec::new();
    for (source, rollouts) in &plan.sources {
        let mut block: Vec<&Target> = Vec::new();
        let mut block_bytes = 0u64;
        for entry in rollouts {
            match &entry.1 {
                Locator::Decoded(_) => units.push(Unit::Decoded(source, entry)),
                Locator::Span { len, .. } => {
                    block.push(entry);
                    block_bytes += u64::from(*len);
                    if block_bytes >= BLOCK_BYTES {
                        units.push(Unit::Block(source, std::mem::take(&mut block)));
                        block_bytes = 0;
                    }
                }
            }
        }
        if !block.is_empty() {
            units.push(Unit::Block(source, block));
        }
    }
    // In order, a block at a time per core: early blocks (the top of the list) finish first.
    units.into_par_iter().with_max_len(1).for_each(|unit| {
        if cancelled() {
            return;
        }
        let mut hits = Vec::new();
        match unit {
            Unit::Decoded(source, (index, Locator::Decoded(i), _)) => {
                if let Some(r) = source.decoded.get(*i as usize) {
                    matching_messages(r, &needle, *index, &mut hits);
                }
            }
            Unit::Decoded(..) => {}
            Unit::Block(source, block) => {
                search_block(source, &block, &needle, prefilter.as_ref(), &mut hits)
            }
        }
        if !hits.is_empty() {
            on_hits(hits);
        }
    });
}

/// A byte regex that finds the query in raw JSON text, when JSON escaping cannot hide it
/// (plain ASCII without quotes, backslashes or characters some encoders escape).
fn raw_prefilter(query: &str) -> Option<regex::bytes::Regex> {
    let plain = query
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '<' | '>' | '&' | '/') || c == ' ');
    if !plain {
        return None;
    }
    regex::bytes::RegexBuilder::new(&regex::escape(query)).case_insensitive(true).unicode(false).build().ok()
}

/// Reads a run of consecutive spans in one read, then checks the rollouts that can match.
fn search_block(
    source: &Source,
    block: &[&Target],
    needle: &str,
    prefilter: Option<&regex::bytes::Regex>,
    hits: &mut Vec<Hit>,
) {
    let (Some(first), Some(last)) = (block.first(), block.last()) else {
        return;
    };
    let (Locator::Span { start, .. }, Locator::Span { start: last_start, len: last_len }) =
        (&first.1, &last.1)
    else {
        return;
    };
    let total = (last_start + u64::from(*last_len)).saturating_sub(*start);
    let Ok(total) = u32::try_from(total) else { return };
    let Ok(bytes) = source.read_span(*start, total) else {
        return;
    };
    for (index, locator, id) in block {
        let Locator::Span { start: s, len } = locator else {
            continue;
        };
        let from = (s - start) as usize;
        let Some(raw) = bytes.get(from..from + *len as usize) else {
            continue;
        };
        if prefilter.is_some_and(|p| !p.is_match(raw)) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(raw) else {
            continue;
        };
        if let Ok(rollout) = formats::decode_record(text, id) {
            matching_messages(&rollout, needle, *index, hits);
        }
    }
}

fn matching_messages(rollout: &Rollout, needle: &str, index: u32, hits: &mut Vec<Hit>) {
    for (m, message) in rollout.messages.iter().enumerate() {
        if message.full_text().to_lowercase().contains(needle) {
            hits.push(Hit { rollout: index, message: m as u32 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

    #[test]
    fn finds_messages_case_insensitively_and_ignores_keys() {
        let study = Study::demo(&LoadOptions::default());
        let plan = SearchPlan::of(&study);
        let hits = search(&plan, "SHUTDOWN command", &|| false);
        assert!(!hits.is_empty());
        for hit in &hits {
            let r = study.read_rollout(hit.rollout as usize).unwrap();
            let text = r.messages[hit.message as usize].text.to_lowercase();
            assert!(text.contains("shutdown command"), "{text}");
        }
        // "content" is a JSON key in every record, and in no message.
        assert!(search(&plan, "\"content\"", &|| false).is_empty());
        assert!(search(&plan, "", &|| false).is_empty());
    }

    #[test]
    fn prefilter_only_for_text_json_cannot_escape() {
        assert!(raw_prefilter("frust 7").is_some());
        assert!(raw_prefilter("<<rm").is_none());
        assert!(raw_prefilter("café").is_none());
    }
}
