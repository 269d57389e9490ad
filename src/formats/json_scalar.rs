//! Small borrowed JSON value visitors used by the fast indexers: a scalar shown as text, a map
//! of score names to numbers, and a message's scores (numbers and string literals).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::json_text::nests_deeper_than;

use crate::model::{Interner, MetaValue};

/// Visitor methods for every scalar (string, number, bool, null), all giving the same value:
/// for visitors that expect a list or a map and treat any scalar alike.
macro_rules! scalars_give {
    ($value:expr) => {
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}
pub(crate) use scalars_give;

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

    /// Strings only.
    pub fn string(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Drains an array that stands where a scalar was expected.
    pub fn visit_seq_value<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Scalar<'a>, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Scalar::Nested)
    }
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::UInt(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Scalar::visit_seq_value(seq)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<Skip, Skip>()?.is_some() {}
                Ok(Scalar::Nested)
            }
        }
        d.deserialize_any(V)
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

/// `{"name": number | null, ...}`; other values are skipped, as in `chat::scores_of`.
pub struct ScoreMap<'a>(pub Vec<(Cow<'a, str>, Option<f64>)>);

impl<'de> de::Deserialize<'de> for ScoreMap<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScoreMap<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of scores")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut scores: Vec<(Cow<'de, str>, Option<f64>)> = Vec::new();
                while let Some(name) = map.next_key::<Scalar>()? {
                    let Some(name) = name.string() else { continue };
                    let value = match map.next_value::<Scalar>()? {
                        Scalar::Null => Some(None),
                        Scalar::Int(i) => Some(Some(i as f64)),
                        Scalar::UInt(u) => Some(Some(u as f64)),
                        Scalar::Float(f) => Some(Some(f)),
                        _ => None,
                    };
                    if let Some(value) = value {
                        scores.retain(|(n, _)| *n != name);
                        scores.push((name, value));
                    } else {
                        // serde_json's Map keeps the last value of a repeated key, even a string.
                        scores.retain(|(n, _)| *n != name);
                    }
                }
                Ok(ScoreMap(scores))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Scalar::visit_seq_value(seq).map(|_| ScoreMap(Vec::new()))
            }
            scalars_give!(ScoreMap(Vec::new()));
        }
        d.deserialize_any(V)
    }
}

/// A message's `scores`: numbers (and `null`, missing) by name, and string values as their raw
/// literals (quotes included, borrowed from the record, so their place in the file is known).
/// Other values are skipped; a repeated name keeps its last value, as serde_json's `Map` does.
#[derive(Default)]
pub struct MessageScores<'a> {
    pub numbers: Vec<(Cow<'a, str>, Option<f64>)>,
    pub strings: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'de> de::Deserialize<'de> for MessageScores<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MessageScores<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of scores")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut scores = MessageScores::default();
                while let Some(name) = map.next_key::<Scalar>()? {
                    let Some(name) = name.string() else {
                        map.next_value::<Skip>()?;
                        continue;
                    };
                    let raw = map.next_value::<&RawValue>()?;
                    scores.numbers.retain(|(n, _)| *n != name);
                    scores.strings.retain(|(n, _)| *n != name);
                    let json = raw.get();
                    match json.as_bytes().first() {
                        Some(b'"') => scores.strings.push((name, raw)),
                        Some(b'n') => scores.numbers.push((name, None)),
                        Some(b'-' | b'0'..=b'9') => scores.numbers.push((name, Some(number(json)?))),
                        // Captured raw, a nested value escapes serde_json's depth count: one
                        // the full decoder might refuse is left to it.
                        Some(b'[' | b'{') if nests_deeper_than(json.as_bytes(), MAX_SCORE_DEPTH) => {
                            return Err(de::Error::custom("nesting the full decoder may refuse"));
                        }
                        _ => {}
                    }
                }
                Ok(scores)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Scalar::visit_seq_value(seq).map(|_| MessageScores::default())
            }
            scalars_give!(MessageScores::default());
        }
        d.deserialize_any(V)
    }
}

/// Deepest nested value under a message's `scores` read raw: with the four levels above it
/// (record, list, message, scores) it stays well inside serde_json's limit of 128.
const MAX_SCORE_DEPTH: usize = 100;

/// A JSON number literal as serde_json reads it into a `Value` and `as_f64` gives it (plain
/// integers, the common case, without a second parser).
fn number<E: de::Error>(json: &str) -> Result<f64, E> {
    if json.len() <= 15 && json.bytes().all(|b| b.is_ascii_digit()) {
        return json.parse::<u64>().map(|u| u as f64).map_err(E::custom);
    }
    serde_json::from_str::<f64>(json).map_err(E::custom)
}

/// A JSON string, borrowed from the input when it has no escapes.
pub struct Text<'a>(pub Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}
