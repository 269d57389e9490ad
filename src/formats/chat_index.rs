//! Fast path of the chat decoder: builds a rollout's index entry straight from its bytes,
//! borrowing strings and skipping message text that no summary needs. It must agree with
//! `decode_chat` + `RolloutSummary::from_rollout`; a test compares the two on every fixture.
//! Anything unusual (wrong shapes) returns `None` and the caller falls back to the full decoder,
//! which also produces the precise error.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::chat::{CONTENT_KEYS, MESSAGE_KEYS, ROLE_KEYS};
use super::json_scalar::{MessageScores, Scalar, ScoreMap, Skip, Text, scalars_give};
use crate::model::{Hatch, Interner, Locator, NO_ROLE, Role, RolloutSummary, SummaryBuilder, response_hash};
use raw_values::{Record, raw_content_text, readable, string_value};

mod raw_values;

/// Everything the indexer needs besides the bytes.
pub struct IndexContext<'a> {
    pub hatch: &'a Hatch,
    pub source: u32,
    /// Whether to hash each assistant turn's text (`RolloutSummary::response_hashes`), for a score
    /// file whose rows repeat the turns' texts: it costs decoding every turn's text.
    pub hash_turns: bool,
}

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
    let IndexContext { hatch, source, hash_turns } = *ctx;
    let mut de = serde_json::Deserializer::from_str(json);
    // String scores are kept by their place in the file when the record has one.
    let record = match locator {
        Locator::Span { start, .. } => Some(Record { json, start }),
        Locator::Decoded(_) | Locator::Entry(_) => None,
    };
    let top = TopSeed { hatch, strings, record, hash_turns }.deserialize(&mut de).ok()??;
    de.end().ok()?;
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
    let (_, builder) = top.messages?;
    Some(builder.finish(id, source, locator, metadata, rollout_scores))
}

type Fields<'a> = Vec<(Cow<'a, str>, Scalar<'a>)>;

struct Top<'a> {
    id: Option<Cow<'a, str>>,
    metadata: Fields<'a>,
    extras: Fields<'a>,
    rollout_scores: Vec<(Cow<'a, str>, Option<f64>)>,
    /// The chosen message list: (preference rank among MESSAGE_KEYS, summary so far).
    messages: Option<(usize, SummaryBuilder)>,
}

struct TopSeed<'h, 's, 'j> {
    hatch: &'h Hatch,
    strings: &'s mut Interner,
    record: Option<Record<'j>>,
    hash_turns: bool,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = Option<Top<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = Option<Top<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rollout object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = Top {
            id: None,
            metadata: Vec::new(),
            extras: Vec::new(),
            rollout_scores: Vec::new(),
            messages: None,
        };
        // Each message-list key present, by rank: the last value of a repeated key counts, and
        // the best-ranked key present is the list, as in `decode_chat`; `None` if it is broken.
        let mut lists: [Option<Option<SummaryBuilder>>; MESSAGE_KEYS.len()] = Default::default();
        while let Some(key) = map.next_key::<Text>()? {
            let key = key.0;
            if let Some(rank) = MESSAGE_KEYS.iter().position(|k| *k == key) {
                let seed = MessagesSeed {
                    hatch: self.hatch,
                    strings: self.strings,
                    record: self.record,
                    hash_turns: self.hash_turns,
                };
                lists[rank] = Some(map.next_value_seed(seed)?);
                continue;
            }
            match &*key {
                "id" => top.id = map.next_value::<Scalar>()?.id(),
                "metadata" => match map.next_value::<MetadataField>()? {
                    MetadataField::Object(fields) => top.metadata = fields,
                    MetadataField::Scalar(value) => top.extras.push((key, value)),
                },
                "scores" => top.rollout_scores = map.next_value::<ScoreMap>()?.0,
                _ => {
                    let value = map.next_value::<Scalar>()?;
                    top.extras.push((key, value));
                }
            }
        }
        match lists.into_iter().enumerate().find_map(|(rank, list)| Some((rank, list?))) {
            // The full decoder reports a broken list (and ignores the others).
            Some((_, None)) => return Ok(None),
            Some((rank, Some(builder))) => top.messages = Some((rank, builder)),
            None => {}
        }
        Ok(Some(top))
    }
}

/// A message list; `None` when it is not an array of objects (the full decoder reports it).
struct MessagesSeed<'h, 's, 'j> {
    hatch: &'h Hatch,
    strings: &'s mut Interner,
    record: Option<Record<'j>>,
    hash_turns: bool,
}

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_, '_, '_> {
    type Value = Option<SummaryBuilder>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_, '_, '_> {
    type Value = Option<SummaryBuilder>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of messages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut builder = SummaryBuilder::default();
        let mut all_objects = true;
        while let Some(item) = seq.next_element::<MessageItem>()? {
            match item {
                MessageItem::Message(m) => {
                    let role_name = m.role.as_deref().unwrap_or(NO_ROLE);
                    let (role, roleless) = (Role::parse(role_name), role_name == NO_ROLE);
                    let text = match (&role, m.content) {
                        (Role::Assistant, Some(raw)) => raw_content_text(raw, self.hatch, self.hash_turns)
                            .ok_or_else(|| de::Error::custom("content the full decoder refuses"))?,
                        _ => Cow::Borrowed(""),
                    };
                    let mut scores = m.scores;
                    scores.sort_by(|a, b| a.0.cmp(&b.0));
                    builder.push_message(role, &text, &scores, self.hatch, self.strings);
                    if roleless {
                        builder.mark_roleless();
                    }
                    if role == Role::Assistant && self.hash_turns {
                        builder.push_response_hash(response_hash(&text));
                    }
                    if role == Role::Assistant {
                        let mut strings = m.strings;
                        strings.sort_by(|a, b| a.0.cmp(&b.0));
                        for (name, raw) in strings {
                            let value = string_value(&name, raw.get(), self.record, self.strings)
                                .ok_or_else(|| de::Error::custom("a string the full decoder refuses"))?;
                            builder.push_string(&name, value, self.strings);
                        }
                    }
                }
                MessageItem::NotAnObject => all_objects = false,
            }
        }
        Ok(all_objects.then_some(builder))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(None)
    }
    scalars_give!(None);
}

struct Message<'a> {
    role: Option<Cow<'a, str>>,
    content: Option<&'a RawValue>,
    scores: Vec<(Cow<'a, str>, Option<f64>)>,
    strings: Vec<(Cow<'a, str>, &'a RawValue)>,
}

enum MessageItem<'a> {
    Message(Message<'a>),
    NotAnObject,
}

impl<'de> de::Deserialize<'de> for MessageItem<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MessageVisitor)
    }
}

struct MessageVisitor;

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = MessageItem<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a message object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Preference among aliases follows ROLE_KEYS / CONTENT_KEYS order, as in decode_chat.
        let mut roles: [Option<Cow<'de, str>>; 2] = [None, None];
        let mut contents: [Option<&'de RawValue>; 2] = [None, None];
        // Every content value seen (a repeated key too): the full decoder parses them all.
        let mut raws: Vec<&'de RawValue> = Vec::new();
        let mut scores = MessageScores::default();
        while let Some(key) = map.next_key::<Text>()? {
            if let Some(i) = ROLE_KEYS.iter().position(|k| *k == key.0) {
                roles[i] = map.next_value::<Scalar>()?.string();
            } else if let Some(i) = CONTENT_KEYS.iter().position(|k| *k == key.0) {
                let raw = map.next_value::<&RawValue>()?;
                contents[i] = Some(raw);
                raws.push(raw);
            } else if key.0 == "scores" {
                scores = map.next_value::<MessageScores>()?;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        let [role, from] = roles;
        let [content, value] = contents;
        let (role, content) = (role.or(from), content.or(value));
        // An assistant's content is decoded (and so checked) when the message is indexed; every
        // other content value skipped raw is checked here. If the full decoder would refuse
        // one, the record is left to it (it reports where).
        let decoded_later = Role::parse(role.as_deref().unwrap_or("?")) == Role::Assistant;
        for raw in raws {
            let is_decoded = decoded_later && content.is_some_and(|c| std::ptr::eq(c, raw));
            if !is_decoded && !readable(raw.get()) {
                return Err(de::Error::custom("content the full decoder refuses"));
            }
        }
        let MessageScores { numbers: scores, strings } = scores;
        Ok(MessageItem::Message(Message { role, content, scores, strings }))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(MessageItem::NotAnObject)
    }
    scalars_give!(MessageItem::NotAnObject);
}

/// `metadata`: an object of fields, or (oddly) a scalar kept as a field named "metadata".
enum MetadataField<'a> {
    Object(Fields<'a>),
    Scalar(Scalar<'a>),
}

impl<'de> de::Deserialize<'de> for MetadataField<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetadataField<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("metadata")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields: Fields<'de> = Vec::new();
                while let Some(key) = map.next_key::<Text>()? {
                    let value = map.next_value::<Scalar>()?;
                    // A repeated key keeps its last value, as serde_json's Map does.
                    fields.retain(|(k, _)| *k != key.0);
                    fields.push((key.0, value));
                }
                Ok(MetadataField::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Scalar::visit_seq_value(seq).map(MetadataField::Scalar)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::Str(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::Float(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::UInt(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::Bool(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(MetadataField::Scalar(Scalar::Null))
            }
        }
        d.deserialize_any(V)
    }
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
