//! `rollscope grep --count` in the pass that loads the study: each JSONL record is searched on
//! the worker that indexed it, while its text is at hand, instead of every file being read,
//! checked and walked again once the study is loaded (that second pass was half of `grep`).
//! Only counts are kept, one number per rollout with a match, so memory stays small whatever
//! the pattern; listing the matches themselves streams after loading as before. Rollouts of
//! other formats, and those of any source whose records were not all seen, are searched
//! afterwards in the usual way.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Request, SearchPlan, matches_in_line};
use crate::formats::RecordVisitor;
use crate::formats::chat_text::RawMessage;
use crate::model::Locator;
use crate::study::Study;

/// Counts the matches of each JSONL record shown to it while a study loads.
#[derive(Debug)]
pub struct CountWhileLoading {
    request: Request,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// Matches of each record with any, by (source, start).
    counts: HashMap<(u32, u64), usize>,
    /// Records seen, per source.
    records: HashMap<u32, u64>,
}

/// What a search while loading leaves: the counts of the rollouts it covered, and the rest.
#[derive(Debug)]
pub struct Counted {
    /// (study index, matches) of each covered rollout with a match, in study order.
    pub counts: Vec<(u32, usize)>,
    /// The rollouts still to search.
    pub rest: SearchPlan,
}

impl CountWhileLoading {
    pub fn new(request: Request) -> CountWhileLoading {
        CountWhileLoading { request, seen: Mutex::new(Seen::default()) }
    }

    /// Splits `study` (loaded with this visitor) into what was counted and what is left. A
    /// source counts as covered only when every one of its rollouts is a record that was seen.
    pub fn counted(&self, study: &Study) -> Counted {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // Per source: its rollouts, and those that are spans of its file (records).
        let mut rollouts = vec![(0u64, 0u64); study.sources.len()];
        for r in &study.rollouts {
            if let Some((all, spans)) = rollouts.get_mut(r.source as usize) {
                *all += 1;
                *spans += u64::from(matches!(r.locator, Locator::Span { .. }));
            }
        }
        let covered: Vec<bool> = (0..study.sources.len() as u32)
            .map(|s| {
                let (all, spans) = rollouts[s as usize];
                all > 0 && spans == all && seen.records.get(&s) == Some(&all)
            })
            .collect();
        let is_covered = |i: usize| study.rollouts.get(i).is_some_and(|r| covered[r.source as usize]);
        let counts = study
            .rollouts
            .iter()
            .enumerate()
            .filter(|&(i, _)| is_covered(i))
            .filter_map(|(i, r)| match r.locator {
                Locator::Span { start, .. } => Some((i as u32, *seen.counts.get(&(r.source, start))?)),
                _ => None,
            })
            .collect();
        Counted { counts, rest: SearchPlan::of_only(study, |i| !is_covered(i)) }
    }
}

impl RecordVisitor for CountWhileLoading {
    fn visit(&self, source: u32, start: u64, json: &str, messages: Option<&[RawMessage<'_>]>) {
        // The raw text first, as a search after loading looks (so both find the same).
        let found = match self.request.pattern.may_match_raw(json.as_bytes()) {
            true => matches_in_line(json, messages, &self.request, 0),
            false => None,
        };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        *seen.records.entry(source).or_default() += 1;
        if let Some(found) = found.filter(|f| f.count() > 0) {
            seen.counts.insert((source, start), found.count());
        }
    }
}
