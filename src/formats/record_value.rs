//! Parsing one record into a `serde_json::Value` with each message's text copied once.
//! serde_json decodes an escaped string into a scratch buffer and then copies that into the
//! value, so a 1 GB message with a `\n` in it held the record's bytes, the scratch and the
//! string at once. Here the message list is read as it streams by (its bytes scanned once,
//! not captured and parsed again), each message's content is captured raw (borrowed, not
//! copied) and unescaped straight into its `String`, on every core for a huge one: the bytes
//! and the string, twice the message at the peak. The value is the one `parse_value` gives;
//! anything unusual (a non-finite literal, deep nesting, a bad escape) is left to
//! `parse_value`, which also reports the exact error.

use std::fmt;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::chat::{CONTENT_KEYS, MESSAGE_KEYS};
use super::json_text::{first_significant, nests_deeper_than, unescape_string};
use super::record::{RecordError, parse_value};

/// Deeper records go the plain way: pieces parsed on their own must meet serde_json's
/// recursion limit (128) exactly where the whole record would.
const MAX_DEPTH: usize = 100;

/// Parses a record as `parse_value` does, copying message text once.
pub fn parse_record(json: &str) -> Result<Value, RecordError> {
    if first_significant(json.as_bytes()) != Some(b'{') || nests_deeper_than(json.as_bytes(), MAX_DEPTH) {
        return parse_value(json);
    }
    match object(json, Level::Record) {
        Some(value) => Ok(value),
        None => parse_value(json),
    }
}

/// Which fields of an object are read their own way: the message list of a record, the
/// content of a message.
#[derive(Clone, Copy)]
enum Level {
    Record,
    Message,
}

impl Level {
    fn reads_own_way(self, key: &str) -> bool {
        match self {
            Level::Record => MESSAGE_KEYS.contains(&key),
            Level::Message => CONTENT_KEYS.contains(&key),
        }
    }
}

fn object(json: &str, level: Level) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_str(json);
    let fields = ObjectSeed(level).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(Value::Object(fields))
}

/// A content value: a string unescaped in one pass into a string of its own.
fn content(json: &str) -> Option<Value> {
    if !json.starts_with('"') {
        return serde_json::from_str(json).ok();
    }
    unescape_string(json).map(Value::String)
}

struct ObjectSeed(Level);

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Map<String, Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Map<String, Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = match (self.0, self.0.reads_own_way(&key)) {
                // The list is read as it streams by: its bytes are scanned once, not captured
                // whole and then parsed again.
                (Level::Record, true) => map.next_value_seed(Shaped::Messages)?,
                (Level::Message, true) => {
                    let raw = map.next_value::<&RawValue>()?;
                    content(raw.get()).ok_or_else(|| de::Error::custom("left to the plain parser"))?
                }
                (_, false) => map.next_value::<Value>()?,
            };
            // A repeated key: the last one counts, as in `Value`.
            fields.insert(key, value);
        }
        Ok(fields)
    }
}

/// Any value, as `Value` reads it, except where it has a shape of interest: a message list
/// (`Messages`: each object in it a message) or a message (`Message`: an object, its content
/// unescaped once).
#[derive(Clone, Copy)]
enum Shaped {
    Messages,
    Message,
}

impl<'de> DeserializeSeed<'de> for Shaped {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Shaped {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        match self {
            Shaped::Messages => {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element_seed(Shaped::Message)? {
                    items.push(item);
                }
                Ok(Value::Array(items))
            }
            Shaped::Message => Value::deserialize(SeqAccessDeserializer::new(seq)),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        match self {
            Shaped::Message => ObjectSeed(Level::Message).visit_map(map).map(Value::Object),
            Shaped::Messages => Value::deserialize(MapAccessDeserializer::new(map)),
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_the_value_serde_json_gives() {
        let records = [
            r#"{"id": "a", "messages": [{"role": "assistant", "content": "x\n\"y\" \u00e9 \ud83d\ude00 \/"}]}"#,
            r#"{"messages": [{"role": "user", "value": "v", "content": [{"type": "text", "text": "t\n"}]}, 3, "s"]}"#,
            r#"{"conversations": {"not": "a list"}, "messages": [], "messages": [{"content": "again"}]}"#,
            r#"{"id": 1, "metadata": {"k": [1, 2.5, null, true]}, "traj": [{"from": "gpt", "content": null}]}"#,
            r#" {"messages": [{"role": "assistant", "content": "a", "content": "b\tc"}]} "#,
        ];
        for json in records {
            assert_eq!(parse_record(json).unwrap(), serde_json::from_str::<Value>(json).unwrap(), "{json}");
        }
    }

    #[test]
    fn what_it_cannot_read_is_left_to_the_plain_parser() {
        // A non-finite literal, a lone surrogate, a syntax error, deep nesting, not an object.
        assert_eq!(parse_record(r#"{"messages": [], "s": NaN}"#).unwrap()["s"], Value::Null);
        for json in [r#"{"messages": [{"content": "\ud800"}]}"#, r#"{"messages": [{"content": "a"]}"#, "[1]"]
        {
            assert_eq!(parse_record(json), parse_value(json), "{json}");
        }
        let deep = format!(r#"{{"messages": [{{"content": {}{}}}]}}"#, "[".repeat(126), "]".repeat(126));
        assert_eq!(parse_record(&deep), parse_value(&deep));
    }
}
