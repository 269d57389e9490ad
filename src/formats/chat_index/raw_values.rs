//! The raw values the fast chat indexer keeps as it goes, read only as far as a summary needs:
//! an assistant message's content (decoded only when the hatch could match it or the turns are
//! hashed), a string score's literal (kept by its place in the file), and whether the full
//! decoder would accept a value that was skipped, so the two paths never disagree on what loads.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::formats::chat::content_text;
use crate::formats::json_scalar::Skip;
use crate::formats::json_text::{nests_deeper_than, unescape_string};
use crate::model::string_score::may_be_category;
use crate::model::{Hatch, Interner, MAX_CATEGORY_LEN, StringAt, StringValue};

/// A record's text and the file offset of its first byte.
#[derive(Clone, Copy)]
pub(super) struct Record<'j> {
    pub json: &'j str,
    pub start: u64,
}

/// The text of an assistant message's raw content value, decoded only when the hatch could
/// match it or `always` (decoding escaped text is the indexer's costliest step); `None` if the
/// full decoder would refuse it.
pub(super) fn raw_content_text<'a>(raw: &'a RawValue, hatch: &Hatch, always: bool) -> Option<Cow<'a, str>> {
    let json = raw.get();
    if json.starts_with('"') && !json.contains('\\') && json.len() >= 2 {
        return Some(Cow::Borrowed(&json[1..json.len() - 1]));
    }
    if !json.starts_with('"') && nests_deeper_than(json.as_bytes(), CONTENT_MAX_DEPTH) {
        return None;
    }
    if !always && !hatch.may_match_encoded(json) {
        // Not decoded, so checked the way other skipped content is.
        return readable(json).then_some(Cow::Borrowed(""));
    }
    if json.starts_with('"') {
        // One copy, not serde_json's scratch buffer and then the string.
        return unescape_string(json).map(Cow::Owned);
    }
    let value = serde_json::from_str::<serde_json::Value>(json).ok()?;
    Some(Cow::Owned(content_text(&value)))
}

/// A string score's value from its literal: kept by its place in the file when the record has
/// one (else held), with its text when it may be a category. `None` if the full decoder would
/// refuse the literal (a lone surrogate escape).
pub(super) fn string_value(
    name: &str,
    literal: &str,
    record: Option<Record>,
    strings: &mut Interner,
) -> Option<StringValue> {
    let plain = !literal.contains('\\');
    let body = || &literal[1..literal.len() - 1];
    // An escape stands for one character at most six bytes long, so a longer literal cannot
    // decode to a category.
    let decoded: Option<Cow<str>> = if plain {
        Some(Cow::Borrowed(body()))
    } else if record.is_none() || literal.len() <= 6 * MAX_CATEGORY_LEN + 2 {
        Some(Cow::Owned(unescape_string(literal)?))
    } else {
        None
    };
    if decoded.is_none() && !readable(literal) {
        return None;
    }
    let short = decoded.as_deref().filter(|t| may_be_category(t)).and_then(|t| strings.category(name, t));
    let at = match (record, decoded) {
        (Some(record), _) => {
            let offset = literal.as_ptr() as usize - record.json.as_ptr() as usize;
            StringAt::InSource {
                start: record.start + offset as u64,
                len: u32::try_from(literal.len()).ok()?,
            }
        }
        (None, Some(text)) => StringAt::Held(Arc::from(text.as_ref())),
        (None, None) => return None,
    };
    Some(StringValue { short, at })
}

/// Deepest message content read raw: with the three levels above it (record, list, message)
/// it stays well inside serde_json's limit of 128, which the full decoder applies.
const CONTENT_MAX_DEPTH: usize = 100;

/// Whether the full decoder can read a content value the fast path skipped raw. serde_json
/// skips a raw value checking its syntax only: not its depth, number range or surrogates.
/// `\ud` and `\uD`, built once (building a searcher per string cost more than the search).
static SURROGATE_STARTS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
    std::sync::LazyLock::new(|| [memchr::memmem::Finder::new(b"\\ud"), memchr::memmem::Finder::new(b"\\uD")]);

pub(super) fn readable(json: &str) -> bool {
    if json.starts_with('"') {
        // A string can only fail on a `\uD800`-`\uDFFF` escape (a `\\` before `ud8..` is a
        // false alarm, which only costs the check).
        // Searched for as `\ud` and `\uD` (rare, so each is one SIMD pass), not by stopping
        // at every backslash: model text has a `\n` on every line, and stopping at each took a
        // tenth of indexing a study.
        let bytes = json.as_bytes();
        let surrogate = SURROGATE_STARTS.iter().any(|finder| {
            finder
                .find_iter(bytes)
                .any(|i| matches!(bytes.get(i + 3), Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')))
        });
        return !surrogate || serde_json::from_str::<Skip>(json).is_ok();
    }
    !nests_deeper_than(json.as_bytes(), CONTENT_MAX_DEPTH) && serde_json::from_str::<Skip>(json).is_ok()
}
