//! Fast path of the chat decoder: builds a rollout's index entry straight from its bytes with
//! a `Cursor`, borrowing strings and skipping message text that no summary needs. It must agree
//! with `decode_chat` + `RolloutSummary::from_rollout`; tests compare the two on every fixture
//! and on generated records. Anything unusual (wrong shapes, a literal `NaN`) returns `None`
//! and the caller falls back to the full decoder, which also produces the precise error.

use std::borrow::Cow;
use std::sync::Arc;

use super::chat::{CONTENT_KEYS, MESSAGE_KEYS, ROLE_KEYS};
use super::json_scalar::{MessageScores, Scalar, rollout_scores};
use super::json_scan::Cursor;
use crate::model::{Hatch, Interner, Locator, NO_ROLE, Role, RolloutSummary, SummaryBuilder, response_hash};
pub use raw_values::{Content, RawMessage};
use raw_values::{Record, raw_content_text, string_value};

mod raw_values;

/// Everything the indexer needs besides the bytes.
pub struct IndexContext<'a> {
    pub hatch: &'a Hatch,
    pub source: u32,
    /// Whether to hash each assistant turn's text (`RolloutSummary::response_hashes`), for a score
    /// file whose rows repeat the turns' texts: it costs decoding every turn's text.
    pub hash_turns: bool,
    /// Shown each JSONL record that became a rollout (see `RecordVisitor`).
    pub visitor: Option<&'a dyn RecordVisitor>,
}

/// Looks at each record of a JSONL source as it is indexed, on the worker that read it, while
/// its text is at hand: `rollscope grep --count` searches in the pass that loads the study
/// instead of reading every file again after it.
pub trait RecordVisitor: Send + Sync + std::fmt::Debug {
    /// A record that became a rollout: its source, the byte its line starts at (its
    /// `Locator::Span` start), its text, and its messages as `chat_text::chat_messages` reads
    /// them when the indexer's own walk found them (else `None`: the visitor reads them).
    fn visit(&self, source: u32, start: u64, json: &str, messages: Option<&[RawMessage<'_>]>);
}

/// Shows a record that became a rollout to the context's visitor, if any.
pub(super) fn visit(ctx: &IndexContext, locator: &Locator, json: &str, messages: Option<&[RawMessage<'_>]>) {
    if let (Some(visitor), Locator::Span { start, .. }) = (ctx.visitor, locator) {
        visitor.visit(ctx.source, *start, json, messages);
    }
}

/// Fields whose values the reader shows beside the content (`Message::full_text`): a search
/// cannot read such a message from its content alone.
pub(super) const SHOWN_BESIDE_CONTENT: [&str; 3] = ["thinking", "tool_calls", "function_call"];

/// Indexes one chat-shaped JSON object. `None` means "use the full decoder". With
/// `ctx.hash_turns`, every assistant turn's text is decoded (else skipped unless the hatch
/// could match it) and its `response_hash` kept.
pub fn index_chat(
    json: &str,
    ctx: &IndexContext,
    strings: &mut Interner,
    fallback_id: impl FnOnce() -> String,
    locator: Locator,
) -> Option<RolloutSummary> {
    // String scores are kept by their place in the file when the record has one.
    let record = match locator {
        Locator::Span { start, .. } => Some(Record { json, start }),
        Locator::Decoded(_) | Locator::Entry(_) => None,
    };
    let mut cursor = Cursor::new(json);
    let collect = ctx.visitor.is_some();
    let top = Reader { ctx, strings, record, collect, raw: None }.top(&mut cursor)?;
    if !cursor.at_end() {
        return None;
    }
    // An empty id counts as none, as in `decode_record`.
    let id = match top.id.filter(|id| !id.is_empty()) {
        // Not interned: every id is another, and a million of them would only fill the set.
        Some(id) => Arc::from(id.as_ref()),
        None => Arc::from(fallback_id()),
    };
    let mut metadata = top.metadata;
    for (key, value) in top.extras {
        if !metadata.iter().any(|(k, _)| *k == key) {
            metadata.push((key, value));
        }
    }
    metadata.sort_by(|a, b| a.0.cmp(&b.0));
    let metadata =
        metadata.into_iter().filter_map(|(k, v)| Some((strings.get(&k), v.meta(strings)?))).collect();
    let mut scores = top.rollout_scores;
    scores.sort_by(|a, b| a.0.cmp(&b.0));
    let rollout_scores = scores.into_iter().map(|(n, v)| (strings.get(&n), v)).collect();
    let builder = top.messages?;
    visit(ctx, &locator, json, top.raw.as_deref());
    Some(builder.finish(id, ctx.source, locator, metadata, rollout_scores))
}

type Fields<'a> = Vec<(Cow<'a, str>, Scalar<'a>)>;

struct Top<'a> {
    id: Option<Cow<'a, str>>,
    metadata: Fields<'a>,
    extras: Fields<'a>,
    rollout_scores: Vec<(Cow<'a, str>, Option<f64>)>,
    /// The chosen message list's summary so far.
    messages: Option<SummaryBuilder>,
    /// The chosen list's messages as a search reads them, when collected and plain.
    raw: Option<Vec<RawMessage<'a>>>,
}

/// Nesting of a record's fields, of a message list's elements, and of a message's fields.
pub(super) const FIELD: usize = 1;
const ELEMENT: usize = 2;
pub(super) const MESSAGE_FIELD: usize = 3;

struct Reader<'c, 's, 'j> {
    ctx: &'c IndexContext<'c>,
    strings: &'s mut Interner,
    record: Option<Record<'j>>,
    /// Whether to collect each list's messages for the visitor.
    collect: bool,
    /// The last list's messages, when collected and none is shown beside its content.
    raw: Option<Vec<RawMessage<'j>>>,
}

impl<'j> Reader<'_, '_, 'j> {
    fn top(&mut self, c: &mut Cursor<'j>) -> Option<Top<'j>> {
        let mut top = Top {
            id: None,
            metadata: Vec::new(),
            extras: Vec::new(),
            rollout_scores: Vec::new(),
            messages: None,
            raw: None,
        };
        // Each message-list key present, by rank: the last value of a repeated key counts, and
        // the best-ranked key present is the list, as in `decode_chat`; `None` if it is broken.
        let mut lists: [Option<Option<SummaryBuilder>>; MESSAGE_KEYS.len()] = Default::default();
        let mut raw_lists: [Option<Vec<RawMessage<'j>>>; MESSAGE_KEYS.len()] = Default::default();
        let object = c.each_field(0, |c, key| {
            if let Some(rank) = MESSAGE_KEYS.iter().position(|k| *k == key) {
                lists[rank] = Some(self.messages(c)?);
                raw_lists[rank] = self.raw.take();
                return Some(());
            }
            match &*key {
                "id" => top.id = Scalar::read(c, FIELD)?.id(),
                // `metadata`: an object of fields, or (oddly) a value kept as a field of that name.
                "metadata" if c.peek()? == b'{' => top.metadata = metadata(c)?,
                "scores" => top.rollout_scores = rollout_scores(c)?,
                _ => {
                    let value = Scalar::read(c, FIELD)?;
                    top.extras.push((key, value));
                }
            }
            Some(())
        })?;
        if !object {
            return None;
        }
        if let Some(rank) = lists.iter().position(Option::is_some) {
            top.raw = raw_lists[rank].take();
        }
        // The full decoder reports a broken list (and ignores the others).
        top.messages = match lists.into_iter().find_map(|list| list) {
            Some(None) => return None,
            Some(Some(builder)) => Some(builder),
            None => None,
        };
        Some(top)
    }

    /// A message list; `Some(None)` when it is not an array of objects (the full decoder
    /// reports it).
    fn messages(&mut self, c: &mut Cursor<'j>) -> Option<Option<SummaryBuilder>> {
        if c.peek()? != b'[' {
            c.value(FIELD)?;
            return Some(None);
        }
        c.open_array()?;
        let mut builder = SummaryBuilder::default();
        let mut all_objects = true;
        let mut first = true;
        let mut raw = self.collect.then(Vec::new);
        while c.element(first)? {
            first = false;
            if c.peek()? != b'{' {
                c.value(ELEMENT)?;
                all_objects = false;
                continue;
            }
            let m = message(c)?;
            if let Some(list) = &mut raw {
                match m.shown_beside {
                    true => raw = None,
                    false => {
                        let role_name = m.role.clone().unwrap_or(Cow::Borrowed(NO_ROLE));
                        list.push(RawMessage { role_name, content: m.content });
                    }
                }
            }
            self.push(&mut builder, m)?;
        }
        self.raw = raw;
        Some(all_objects.then_some(builder))
    }

    /// Adds one message to the summary; `None` if the full decoder would refuse a value kept.
    fn push(&mut self, builder: &mut SummaryBuilder, m: Message<'j>) -> Option<()> {
        let IndexContext { hatch, hash_turns, .. } = *self.ctx;
        let role_name = m.role.as_deref().unwrap_or(NO_ROLE);
        let (role, roleless) = (Role::parse(role_name), role_name == NO_ROLE);
        let text = match (&role, m.content) {
            (Role::Assistant, Some(content)) => raw_content_text(content, hatch, hash_turns)?,
            _ => Cow::Borrowed(""),
        };
        let mut scores = m.scores.numbers;
        scores.sort_by(|a, b| a.0.cmp(&b.0));
        builder.push_message(role, &text, &scores, hatch, self.strings);
        if roleless {
            builder.mark_roleless();
        }
        if role == Role::Assistant {
            if hash_turns {
                builder.push_response_hash(response_hash(&text));
            }
            let mut strings = m.scores.strings;
            strings.sort_by(|a, b| a.0.cmp(&b.0));
            for (name, literal) in strings {
                let value = string_value(&name, literal, self.record, self.strings)?;
                builder.push_string(&name, value, self.strings);
            }
        }
        Some(())
    }
}

struct Message<'a> {
    role: Option<Cow<'a, str>>,
    content: Option<Content<'a>>,
    scores: MessageScores<'a>,
    /// Whether it has a field shown beside its content (`SHOWN_BESIDE_CONTENT`).
    shown_beside: bool,
}

/// A message object at the cursor.
fn message<'j>(c: &mut Cursor<'j>) -> Option<Message<'j>> {
    let mut scores = MessageScores::default();
    let mut shown_beside = false;
    let (role, content) = role_and_content(c, |c, key| {
        shown_beside |= SHOWN_BESIDE_CONTENT.contains(&&*key);
        match key == "scores" {
            true => scores = MessageScores::read(c, MESSAGE_FIELD)?,
            false => {
                c.value(MESSAGE_FIELD)?;
            }
        }
        Some(())
    })?;
    Some(Message { role, content, scores, shown_beside })
}

/// The role and the content of the message object at the cursor (the content checked whole
/// by the cursor, left undecoded); every other field goes to `other`, which reads it.
pub(crate) fn role_and_content<'j>(
    c: &mut Cursor<'j>,
    mut other: impl FnMut(&mut Cursor<'j>, Cow<'j, str>) -> Option<()>,
) -> Option<(Option<Cow<'j, str>>, Option<Content<'j>>)> {
    // Preference among aliases follows ROLE_KEYS / CONTENT_KEYS order, as in decode_chat.
    let mut roles: [Option<Cow<'j, str>>; 2] = [None, None];
    let mut contents: [Option<Content<'j>>; 2] = [None, None];
    c.each_field(ELEMENT, |c, key| {
        if let Some(i) = ROLE_KEYS.iter().position(|k| *k == key) {
            roles[i] = Scalar::read(c, MESSAGE_FIELD)?.string();
        } else if let Some(i) = CONTENT_KEYS.iter().position(|k| *k == key) {
            contents[i] = Some(match c.peek()? {
                b'"' => Content::Text(c.literal()?),
                _ => Content::Other(c.value(MESSAGE_FIELD)?),
            });
        } else {
            other(c, key)?;
        }
        Some(())
    })?;
    let [role, from] = roles;
    let [content, value] = contents;
    Some((role.or(from), content.or(value)))
}

/// `metadata`'s fields; a repeated key keeps its last value, as serde_json's Map does.
fn metadata<'j>(c: &mut Cursor<'j>) -> Option<Fields<'j>> {
    let mut fields: Fields<'j> = Vec::new();
    c.each_field(FIELD, |c, key| {
        let value = Scalar::read(c, FIELD + 1)?;
        fields.retain(|(k, _)| *k != key);
        fields.push((key, value));
        Some(())
    })?;
    Some(fields)
}

/// The index entry of a rollout decoded on its own to be indexed (and decoded again when
/// shown): its judge strings left for the study to tell apart, its turns hashed when a score
/// file checks its join against them.
pub fn summary_of(
    rollout: &crate::model::Rollout,
    ctx: &IndexContext,
    locator: crate::model::Locator,
    strings: &mut crate::model::Interner,
) -> crate::model::RolloutSummary {
    let mut summary =
        crate::model::RolloutSummary::from_rollout(rollout, ctx.hatch, ctx.source, locator, strings);
    if ctx.hash_turns {
        summary.response_hashes = rollout.response_hashes();
    }
    summary
}
