//! Generated records: wherever the fast indexer reads a record, the full decoder reads it and
//! gives the same index entry; records without oddities never leave the fast path.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::chat_index::{IndexContext, index_chat, summary_of};
use super::decode_record;
use crate::model::{Hatch, Interner, Locator};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,12}",
        "[\\\\\"\\n\\t\u{1}é😀<>a-z -]{0,40}",
        Just("I give up <<rm -rf gemma-3-27b>>".to_string()),
        "[a-z\n]{60,200}",
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        text().prop_map(Value::from),
        prop::collection::vec(any::<u8>(), 0..3).prop_map(|v| json!(v)),
        Just(json!({"nested": [1, {"x": "y"}]})),
    ]
}

fn message() -> impl Strategy<Value = Value> {
    let role = prop_oneof![
        Just(json!("assistant")),
        Just(json!("user")),
        Just(json!("system")),
        Just(json!("gpt")),
        Just(json!("tool")),
        Just(json!(7)),
    ];
    let content = prop_oneof![
        text().prop_map(Value::from),
        Just(Value::Null),
        text().prop_map(|t| json!([{"type": "text", "text": t}, {"type": "image"}])),
    ];
    let scores = prop::collection::vec(
        (prop::sample::select(vec!["frustration", "tag", "quote", "n"]), scalar()),
        0..4,
    );
    (prop::option::of(role), prop::option::of(content), scores, any::<bool>(), any::<bool>()).prop_map(
        |(role, content, scores, alias, extra)| {
            let mut m = serde_json::Map::new();
            if let Some(role) = role {
                m.insert(if alias { "from" } else { "role" }.into(), role);
            }
            if let Some(content) = content {
                m.insert(if alias { "value" } else { "content" }.into(), content);
            }
            if !scores.is_empty() {
                m.insert("scores".into(), scores.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            }
            // Shown beside the text: tool calls under the OpenAI key, reasoning as the
            // persona-drift files write it.
            if extra && alias {
                m.insert("thinking".into(), json!("let me think"));
            } else if extra {
                m.insert(
                    "tool_calls".into(),
                    json!([{"function": {"name": "f", "arguments": "{\"a\": 1}"}}]),
                );
            }
            Value::Object(m)
        },
    )
}

pub(crate) fn record() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop_oneof![text().prop_map(Value::from), any::<u32>().prop_map(Value::from)]),
        prop::collection::vec(
            (prop::sample::select(vec!["condition", "model", "epoch", "x"]), scalar()),
            0..4,
        ),
        prop::collection::vec(message(), 0..8),
        prop::sample::select(vec!["messages", "conversations", "traj"]),
        prop::collection::vec((prop::sample::select(vec!["pass", "reward"]), scalar()), 0..2),
    )
        .prop_map(|(id, metadata, messages, list, scores)| {
            let mut r = serde_json::Map::new();
            if let Some(id) = id {
                r.insert("id".into(), id);
            }
            r.insert("metadata".into(), metadata.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            r.insert(list.into(), Value::Array(messages));
            r.insert("scores".into(), scores.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            r.insert("temperature".into(), json!(0.7));
            Value::Object(r)
        })
}

fn agree(json: &str, hash_turns: bool, span: bool) -> Result<(), TestCaseError> {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns, visitor: None };
    let locator = if span { Locator::Span { start: 0, len: json.len() as u32 } } else { Locator::Decoded(0) };
    let mut strings = Interner::default();
    let fast = index_chat(json, &ctx, &mut strings, || "f:1".into(), locator.clone());
    prop_assert!(fast.is_some(), "left the fast path: {}", json);
    let rollout = decode_record(json, "f:1").expect("the full decoder reads what the fast path read");
    let full = summary_of(&rollout, &ctx, locator, &mut strings);
    let fast = fast.expect("checked");
    // Judge strings are kept by their place in the file on the fast path, held on the other.
    prop_assert_eq!(fast.unclassified.len(), full.unclassified.len());
    for (a, b) in fast.unclassified.iter().zip(&full.unclassified) {
        prop_assert_eq!(&a.name, &b.name);
        let shorts = |u: &crate::model::string_score::UnclassifiedScore| {
            u.values.iter().map(|v| v.as_ref().map(|v| v.short.clone())).collect::<Vec<_>>()
        };
        prop_assert_eq!(shorts(a), shorts(b));
    }
    let (mut fast, mut full) = (fast, full);
    fast.unclassified.clear();
    full.unclassified.clear();
    prop_assert_eq!(fast, full, "{}", json);
    Ok(())
}

/// The record as Python's `json.dumps` writes it: every non-ASCII character as a `\u` escape.
pub(crate) fn python_ascii(json: &str) -> String {
    json.chars()
        .flat_map(|c| {
            if c.is_ascii() {
                vec![c.to_string()]
            } else {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units).iter().map(|u| format!("\\u{u:04x}")).collect()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn generated_records_index_alike_on_both_paths(record in record(), pretty in any::<bool>(), hash_turns in any::<bool>(), span in any::<bool>()) {
        let json = if pretty { serde_json::to_string_pretty(&record) } else { serde_json::to_string(&record) }.expect("serialises");
        agree(&json, hash_turns, span)?;
        agree(&python_ascii(&json), hash_turns, span)?;
    }
}

/// Keeps what the indexer shows its visitor: the messages it found, as text.
#[derive(Debug, Default)]
struct Capture(std::sync::Mutex<Option<Option<String>>>);

impl super::RecordVisitor for Capture {
    fn visit(&self, _: u32, _: u64, _: &str, messages: Option<&[super::chat_text::RawMessage<'_>]>) {
        *self.0.lock().expect("one thread") = Some(messages.map(|m| format!("{m:?}")));
    }
}

proptest! {
    #[test]
    fn the_messages_the_indexer_shows_a_visitor_are_those_a_search_reads(
        record in record(),
        shown_beside in prop::option::of((any::<prop::sample::Index>(), prop::sample::select(vec!["thinking", "tool_calls", "name"]))),
    ) {
        let mut record = record;
        if let Some((at, key)) = shown_beside {
            let key_of_list = super::chat::MESSAGE_KEYS
                .iter()
                .find(|k| record.get(**k).and_then(Value::as_array).is_some_and(|l| !l.is_empty()));
            if let Some(list) = key_of_list.and_then(|k| record.get_mut(*k)?.as_array_mut()) {
                let n = list.len();
                if let Some(m) = list[at.index(n)].as_object_mut() {
                    m.insert(key.to_string(), json!("let me think"));
                }
            }
        }
        let json = serde_json::to_string(&record).expect("serialises");
        let hatch = Hatch::default();
        let capture = Capture::default();
        let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: Some(&capture) };
        let locator = Locator::Span { start: 0, len: json.len() as u32 };
        prop_assert!(index_chat(&json, &ctx, &mut Interner::default(), || "f:1".into(), locator).is_some());
        let shown = capture.0.lock().expect("one thread").take();
        let read = super::chat_text::chat_messages(&json).map(|m| format!("{m:?}"));
        prop_assert_eq!(shown, Some(read), "{}", json);
    }
}
