//! Where a search finds its matches in one rollout: in a decoded rollout, or in a chat
//! record's bytes without decoding it (`formats::chat_text`), where a plain literal is even
//! found in escaped text without unescaping it.

use std::borrow::Cow;

use super::{MessageHits, Request, RolloutHits, snippet};
use crate::formats;
use crate::formats::chat_index::Content;
use crate::formats::chat_text::{RawMessage, chat_messages};
use crate::formats::json_scan::Literal;
use crate::model::{Role, Rollout};

/// The matches in one record's text (a JSONL line): from its messages when the indexer's walk
/// found them (`messages`), else read from its text as a chat record, else (not chat-shaped)
/// from the rollout decoded whole. The search after loading and the one while loading
/// (`while_loading`) both come here.
pub(super) fn matches_in_line(
    json: &str,
    messages: Option<&[RawMessage]>,
    request: &Request,
    index: u32,
) -> Option<RolloutHits> {
    let found = match messages {
        Some(messages) => matches_in_messages(messages, request, index),
        None => matches_in_text(json, request, index),
    };
    found
        .unwrap_or_else(|| formats::decode_record(json, "").ok().and_then(|r| matches_in(&r, request, index)))
}

/// The matches in a chat record's text, found without decoding the rollout (a text searched is
/// decoded only when it has escapes and the pattern cannot be found in it as it is); `None` when
/// the record needs the full decoder (see `formats::chat_text`).
pub(super) fn matches_in_text(json: &str, request: &Request, index: u32) -> Option<Option<RolloutHits>> {
    matches_in_messages(&chat_messages(json)?, request, index)
}

/// `matches_in_text` on a record's messages, as `chat_messages` reads them.
fn matches_in_messages(
    messages: &[RawMessage],
    request: &Request,
    index: u32,
) -> Option<Option<RolloutHits>> {
    let mut found = Vec::new();
    let mut turns = Turns::default();
    for (m, message) in messages.iter().enumerate() {
        let role = Role::parse(&message.role_name);
        let turn = turns.next(role);
        if !request.scope.admits(role, &message.role_name, turn) {
            continue;
        }
        let raw = match message.content {
            Some(Content::Text(literal)) if literal.escaped && !request.snippets => {
                escaped_spans(literal, request)
            }
            _ => None,
        };
        let (spans, text) = match raw {
            Some(spans) => (spans, Cow::Borrowed("")),
            None => {
                let text = message.text()?;
                (spans_in(&text, request), text)
            }
        };
        found.extend(hits_of(spans, &text, request, m, role, turn));
    }
    Some((!found.is_empty()).then_some(RolloutHits { rollout: index, messages: found }))
}

/// The matches of a plain literal (`Pattern::is_plain_literal`) in a string literal with
/// escapes, at their offsets in the decoded text, found in the escaped text as it is: unescaping
/// is the costliest part of a search. An escape (`\n`, `\"`) stands for a character such a
/// literal cannot hold, so a match never spans one and the raw text holds the same matches,
/// each shifted by one byte per escape before it. `None` (decode it) when there is a `\u`
/// escape, which can stand for anything, or when a raw match starts on an escape's letter
/// (`nagain` in `\nagain`).
fn escaped_spans(literal: Literal, request: &Request) -> Option<Vec<(u32, u32)>> {
    let body = literal.body();
    if !request.pattern.is_plain_literal() || memchr::memmem::find(body.as_bytes(), b"\\u").is_some() {
        return None;
    }
    let bytes = body.as_bytes();
    let (mut escapes, mut scan) = (0usize, 0usize);
    let mut spans = Vec::new();
    for (start, end) in request.pattern.find_iter(body) {
        while scan < start {
            match memchr::memchr(b'\\', &bytes[scan..start]) {
                Some(k) => {
                    escapes += 1;
                    scan += k + 2;
                }
                None => scan = start,
            }
        }
        if scan > start {
            return None;
        }
        spans.push(((start - escapes) as u32, (end - escapes) as u32));
    }
    Some(spans)
}

/// The matches in one decoded rollout, `None` when there are none.
pub fn matches_in(rollout: &Rollout, request: &Request, index: u32) -> Option<RolloutHits> {
    let mut found = Vec::new();
    let mut turns = Turns::default();
    for (m, message) in rollout.messages.iter().enumerate() {
        let turn = turns.next(message.role);
        if request.scope.admits(message.role, &message.role_name, turn) {
            let text = message.full_text();
            found.extend(hits_of(spans_in(&text, request), &text, request, m, message.role, turn));
        }
    }
    (!found.is_empty()).then_some(RolloutHits { rollout: index, messages: found })
}

/// Counts assistant messages: the 1-based turn of each, `None` for other messages.
#[derive(Default)]
struct Turns(usize);

impl Turns {
    fn next(&mut self, role: Role) -> Option<usize> {
        (role == Role::Assistant).then(|| {
            self.0 += 1;
            self.0
        })
    }
}

/// Byte ranges of the matches in a message's text as displayed.
fn spans_in(text: &str, request: &Request) -> Vec<(u32, u32)> {
    request.pattern.find_iter(text).map(|(a, b)| (a as u32, b as u32)).collect()
}

/// Message `m`'s hits from the spans found in its `text` (only read for snippets); `None`
/// when there are none.
fn hits_of(
    spans: Vec<(u32, u32)>,
    text: &str,
    request: &Request,
    m: usize,
    role: Role,
    turn: Option<usize>,
) -> Option<MessageHits> {
    if spans.is_empty() {
        return None;
    }
    let snippets = match request.snippets {
        true => spans.iter().map(|&(a, b)| snippet(text, a as usize, b as usize)).collect(),
        false => Vec::new(),
    };
    Some(MessageHits { message: m as u32, role, turn: turn.map(|t| t as u32), spans, snippets })
}
