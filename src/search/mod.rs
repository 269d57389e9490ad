//! Search across every message of a study, for `rollscope grep` and the app's `/`: one engine,
//! so both find the same matches. Runs on workers: sources are read in blocks of whole
//! rollouts; a rollout whose raw bytes cannot hold a match (`Pattern::may_match_raw`) is not
//! read further, the others have their messages searched as displayed (so matches in keys or
//! escapes do not count): a chat record's straight from its bytes (`formats::chat_text`),
//! decoding only the texts searched, anything else decoded whole. Results are handed over in study order as blocks finish, so the first
//! hits show while the rest is searched. Cancellable.

mod messages;
mod pattern;
mod while_loading;

pub use messages::matches_in;
use messages::matches_in_line;
#[cfg(test)]
use messages::matches_in_text;
pub use pattern::{Pattern, PatternError, PatternOptions};
pub use while_loading::{CountWhileLoading, Counted};

use std::sync::{Arc, Mutex};

use crate::formats::json_text;
use crate::load::{self, Source};
use crate::model::{Locator, Role};
use crate::sanitize;
use crate::study::Study;

/// Which messages are searched.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only messages of this role (`user`, `assistant`, … or a file's own role name).
    pub role: Option<String>,
    /// Only assistant messages of these 1-based turns (ranges, inclusive).
    pub turns: Option<Vec<(u32, u32)>>,
}

impl Scope {
    fn admits(&self, role: Role, role_name: &str, turn: Option<usize>) -> bool {
        let role_ok = self.role.as_deref().is_none_or(|want| match Role::parse(want) {
            Role::Other => want == role_name,
            parsed => parsed == role,
        });
        let turn_ok = self.turns.as_ref().is_none_or(|ranges| {
            turn.is_some_and(|t| ranges.iter().any(|&(a, b)| (a as usize..=b as usize).contains(&t)))
        });
        role_ok && turn_ok
    }
}

/// A search: what, where, and whether each match gets a snippet of its context.
#[derive(Debug, Clone)]
pub struct Request {
    pub pattern: Pattern,
    pub scope: Scope,
    pub snippets: bool,
}

impl Request {
    /// Every message, no snippets: the app's `/`.
    pub fn everywhere(pattern: Pattern) -> Request {
        Request { pattern, scope: Scope::default(), snippets: false }
    }
}

/// The matches in one message.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageHits {
    /// 0-based index of the message in the rollout.
    pub message: u32,
    pub role: Role,
    /// 1-based assistant turn; `None` for other messages.
    pub turn: Option<u32>,
    /// Byte ranges of the matches in the message's text as displayed.
    pub spans: Vec<(u32, u32)>,
    /// Each match with up to 40 bytes of its line either side, sanitised (when asked for).
    pub snippets: Vec<String>,
}

/// The matching messages of one rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutHits {
    /// Study index of the rollout.
    pub rollout: u32,
    pub messages: Vec<MessageHits>,
}

impl RolloutHits {
    /// How many matches the rollout holds.
    pub fn count(&self) -> usize {
        self.messages.iter().map(|m| m.spans.len()).sum()
    }
}

/// One message containing a match (the app keeps these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Study index of the rollout.
    pub rollout: u32,
    pub message: u32,
}

impl Hit {
    /// One `Hit` per matching message.
    pub fn of(found: &[RolloutHits]) -> Vec<Hit> {
        found
            .iter()
            .flat_map(|r| r.messages.iter().map(|m| Hit { rollout: r.rollout, message: m.message }))
            .collect()
    }
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
        SearchPlan::of_only(study, |_| true)
    }

    /// The plan for the rollouts `keep` takes (by study index).
    pub fn of_only(study: &Study, keep: impl Fn(usize) -> bool) -> SearchPlan {
        let mut sources: Vec<(Arc<Source>, Vec<Target>)> =
            study.sources.iter().map(|s| (s.clone(), Vec::new())).collect();
        for (i, r) in study.rollouts.iter().enumerate() {
            if let Some((_, list)) = sources.get_mut(r.source as usize).filter(|_| keep(i)) {
                list.push((i as u32, r.locator.clone(), r.id.clone()));
            }
        }
        SearchPlan { sources }
    }

    /// Whether there is no rollout to search.
    pub fn is_empty(&self) -> bool {
        self.sources.iter().all(|(_, list)| list.is_empty())
    }
}

/// Bytes read per block (whole rollouts, so a block can be decoded without re-reading).
const BLOCK_BYTES: u64 = 4 << 20;

/// Every rollout with a match, in study order. `cancelled` is polled between blocks; a
/// cancelled search returns what it found so far.
pub fn search(
    plan: &SearchPlan,
    request: &Request,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Vec<RolloutHits> {
    let found = Mutex::new(Vec::new());
    search_streaming(plan, request, cancelled, &|hits| {
        if let Ok(mut found) = found.lock() {
            found.extend(hits);
        }
    });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// One unit of work: a run of consecutive spans of a source, or one rollout read on its own
/// (decoded at load time, or an archive's entry).
enum Unit<'a> {
    Block(&'a Source, Vec<&'a Target>),
    One(&'a Source, &'a Target),
}

/// Like `search`, but blocks are searched on every core and their hits handed to `on_hits` in
/// study order as soon as every block before them is done.
pub fn search_streaming(
    plan: &SearchPlan,
    request: &Request,
    cancelled: &(dyn Fn() -> bool + Sync),
    on_hits: &(dyn Fn(Vec<RolloutHits>) + Sync),
) {
    let units = units(plan);
    let work = |run: std::ops::Range<usize>| {
        let mut hits = Vec::new();
        for unit in &units[run] {
            if cancelled() {
                break;
            }
            match unit {
                Unit::One(source, (index, Locator::Decoded(i), _)) => {
                    if let Some(r) = source.decoded.get(*i as usize) {
                        hits.extend(matches_in(r, request, *index));
                    }
                }
                Unit::One(source, (index, locator, id)) => {
                    if let Ok(r) = source.read_rollout_once(locator, id) {
                        hits.extend(matches_in(&r, request, *index));
                    }
                }
                Unit::Block(source, block) => search_block(source, block, request, &mut hits),
            }
        }
        hits
    };
    // One unit at a time per core, in order: early units (the top of the list) finish first.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    load::runs::in_order(units.len(), 1, threads, &work, |_, hits: Vec<RolloutHits>| {
        if !hits.is_empty() {
            on_hits(hits);
        }
    });
}

fn units(plan: &SearchPlan) -> Vec<Unit<'_>> {
    let mut units = Vec::new();
    for (source, rollouts) in &plan.sources {
        let mut block: Vec<&Target> = Vec::new();
        let mut block_bytes = 0u64;
        for entry in rollouts {
            match &entry.1 {
                Locator::Decoded(_) | Locator::Entry(_) => units.push(Unit::One(source, entry)),
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
    units
}

/// Reads a run of consecutive spans in one read, then checks the rollouts that can match.
fn search_block(source: &Source, block: &[&Target], request: &Request, hits: &mut Vec<RolloutHits>) {
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
        if !request.pattern.may_match_raw(raw) {
            continue;
        }
        let found = match source.json_log {
            None => json_text::utf8(raw).ok().and_then(|json| matches_in_line(json, None, request, *index)),
            Some(_) => source.decode_span(raw, *s, id).ok().and_then(|r| matches_in(&r, request, *index)),
        };
        hits.extend(found);
    }
}

/// Bytes of context either side of a match in its snippet.
const CONTEXT: usize = 40;

/// A match with up to `CONTEXT` bytes of its own line either side (`…` where cut), sanitised.
fn snippet(text: &str, start: usize, end: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let mut from = start.saturating_sub(CONTEXT).max(line_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (end + CONTEXT).min(line_end);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let mut out = String::new();
    if from > line_start {
        out.push('…');
    }
    out.push_str(&sanitize::clean(&text[from..to]));
    if to < line_end {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
