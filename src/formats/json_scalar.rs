//! Small borrowed JSON values the fast indexers read off a `Cursor`: a scalar shown as text, a
//! map of score names to numbers, and a message's scores (numbers and string literals). Each
//! gives what serde_json's `Value` holds for the same text, so the two paths agree.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::json_scan::{Cursor, Literal};
use crate::model::{Interner, MetaValue};

/// A JSON value reduced to what an index keeps: scalars, or "nested" for arrays and objects.
pub enum Scalar<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Null,
    Nested,
}

impl<'a> Scalar<'a> {
    /// Text of strings and numbers (ids); `None` otherwise.
    fn text(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Str(s) => Some(s),
            Scalar::Int(i) => Some(Cow::Owned(i.to_string())),
            Scalar::UInt(u) => Some(Cow::Owned(u.to_string())),
            Scalar::Float(f) => serde_json::Number::from_f64(f).map(|n| Cow::Owned(n.to_string())),
            _ => None,
        }
    }

    /// The metadata value, as `MetaValue::from_json` makes it from the same JSON.
    pub fn meta(self, strings: &mut Interner) -> Option<MetaValue> {
        Some(match self {
            Scalar::Str(s) => MetaValue::Text(strings.get(&s)),
            Scalar::Int(i) => MetaValue::Int(i),
            Scalar::UInt(u) => match i64::try_from(u) {
                Ok(i) => MetaValue::Int(i),
                Err(_) => MetaValue::Float(u as f64),
            },
            Scalar::Float(f) => MetaValue::Float(f),
            Scalar::Bool(b) => MetaValue::Bool(b),
            Scalar::Null => MetaValue::Null,
            Scalar::Nested => return None,
        })
    }

    /// An `id`: strings and numbers count, as in `chat::id_text`.
    pub fn id(self) -> Option<Cow<'a, str>> {
        self.text()
    }

    /// A number as `Value::as_f64` gives it; `None` for anything else.
    fn number(&self) -> Option<f64> {
        match *self {
            Scalar::Int(i) => Some(i as f64),
            Scalar::UInt(u) => Some(u as f64),
            Scalar::Float(f) => Some(f),
            _ => None,
        }
    }

    /// Strings only.
    pub fn string(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value at the cursor, which sits at nesting `depth`; `None` where the cursor refuses.
    pub fn read(c: &mut Cursor<'a>, depth: usize) -> Option<Scalar<'a>> {
        Some(match c.peek()? {
            b'"' => Scalar::Str(c.literal()?.decode()?),
            b'-' | b'0'..=b'9' => number_scalar(c.number()?)?,
            b'[' | b'{' => {
                c.value(depth)?;
                Scalar::Nested
            }
            _ => match c.word()? {
                "true" => Scalar::Bool(true),
                "false" => Scalar::Bool(false),
                _ => Scalar::Null,
            },
        })
    }
}

/// A number literal as serde_json reads it: a non-negative integer as u64, a negative one as
/// i64, anything else as f64 (plain integers, the common case, without a second parser).
fn number_scalar(literal: &str) -> Option<Scalar<'_>> {
    if literal.len() <= 19 && literal.bytes().all(|b| b.is_ascii_digit()) {
        return literal.parse().ok().map(Scalar::UInt);
    }
    let number: serde_json::Number = serde_json::from_str(literal).ok()?;
    Some(match (number.as_u64(), number.as_i64()) {
        (Some(u), _) => Scalar::UInt(u),
        (None, Some(i)) => Scalar::Int(i),
        (None, None) => Scalar::Float(number.as_f64()?),
    })
}

/// A record's `scores` (at nesting 1): `{"name": number | null, ...}`; other values are
/// skipped, as in `chat::scores_of`, and anything but an object gives no scores.
pub fn rollout_scores<'a>(c: &mut Cursor<'a>) -> Option<Vec<(Cow<'a, str>, Option<f64>)>> {
    let mut scores: Vec<(Cow<'a, str>, Option<f64>)> = Vec::new();
    c.each_field(1, |c, name| {
        let value = match Scalar::read(c, 2)? {
            Scalar::Null => Some(None),
            other => other.number().map(Some),
        };
        // serde_json's Map keeps the last value of a repeated key, even a string.
        scores.retain(|(n, _)| *n != name);
        if let Some(value) = value {
            scores.push((name, value));
        }
        Some(())
    })?;
    Some(scores)
}

/// A message's `scores`: numbers (and `null`, missing) by name, and string values as their
/// literals (borrowed from the record, so their place in the file is known). Other values are
/// skipped; a repeated name keeps its last value, as serde_json's `Map` does.
#[derive(Default)]
pub struct MessageScores<'a> {
    pub numbers: Vec<(Cow<'a, str>, Option<f64>)>,
    pub strings: Vec<(Cow<'a, str>, Literal<'a>)>,
}

impl<'a> MessageScores<'a> {
    /// The value at the cursor, which sits at nesting `depth`; anything but an object gives
    /// no scores.
    pub fn read(c: &mut Cursor<'a>, depth: usize) -> Option<Self> {
        let mut scores = MessageScores::default();
        c.each_field(depth, |c, name| {
            scores.numbers.retain(|(n, _)| *n != name);
            scores.strings.retain(|(n, _)| *n != name);
            match c.peek()? {
                b'"' => scores.strings.push((name, c.literal()?)),
                b'-' | b'0'..=b'9' => {
                    scores.numbers.push((name, Some(number_scalar(c.number()?)?.number()?)))
                }
                b'n' => {
                    c.word()?;
                    scores.numbers.push((name, None));
                }
                _ => drop(c.value(depth + 1)?),
            }
            Some(())
        })?;
        Some(scores)
    }
}

/// A value read and dropped, like serde's `IgnoredAny`, but through `deserialize_any`, so
/// serde_json counts its nesting against the same limit as the full decoder (`IgnoredAny` is
/// skipped without a limit): a record the fast indexer reads, the reader can read too.
pub struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Skip;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
                while seq.next_element::<Skip>()?.is_some() {}
                Ok(Skip)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
                while map.next_entry::<Skip, Skip>()?.is_some() {}
                Ok(Skip)
            }
        }
        d.deserialize_any(V)
    }
}
