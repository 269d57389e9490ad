//! Shared by the property tests: case counts, the unsafe-character predicate, and the
//! strategies that build hostile text and chat records.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// `cases` unless PROPTEST_CASES says otherwise.
pub fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// Characters that must never leave the sanitiser as they are.
pub fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

// ---------------------------------------------------------------------------------------------
// Strategies.

/// Text biased towards what breaks terminals and layouts, mixed with anything at all.
pub fn nasty_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        4 => any::<char>().prop_map(String::from),
        3 => "[a-z ]{1,6}",
        2 => prop::sample::select(vec![
            "\x1b[2J", "\x1b]52;c;QQ==\x07", "\x1b]8;;x\x1b\\", "\u{9b}31m", "\u{9d}0;t\u{9c}", "\r", "\r\n",
            "\n", "\t", "\x7f", "\0", "\u{202e}", "\u{2066}", "\u{61c}", "\u{200b}", "\u{feff}", "\u{2028}",
            "\u{e0041}\u{e007f}", "世界", "👩\u{200d}👩\u{200d}👧", "❤\u{fe0f}", "e\u{301}", "\u{ff9e}", "\u{200d}", "<<rm -rf x>>",
            "NaN", "Infinity", "\"", "\\", "[", "{", "}", "]",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(atom, 0..24).prop_map(|parts| parts.concat())
}

/// Any JSON value (finite numbers), up to a few levels deep.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        nasty_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

pub fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "role",
            "from",
            "content",
            "value",
            "scores",
            "metadata",
            "messages",
            "conversations",
            "conversation",
            "traj",
            "type",
            "text",
            "tool_calls",
            "function",
            "name",
            "arguments",
        ])
        .prop_map(String::from),
        nasty_text(),
    ]
}

pub fn score_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0.0f64..10.0).prop_map(|f| json!(f)),
        2 => (0i64..11).prop_map(|n| json!(n)),
        1 => Just(Value::Null),
        1 => json_value(),
    ]
}

pub fn scores() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::vec(
            (prop::sample::select(vec!["frustration", "self_blame", "x"]).prop_map(String::from), score_value()),
            0..4
        )
        .prop_map(|s| Value::Object(s.into_iter().collect())),
        1 => json_value(),
    ]
}

pub fn content() -> impl Strategy<Value = Value> {
    let part = prop_oneof![
        nasty_text().prop_map(|t| json!({"type": "text", "text": t})),
        nasty_text().prop_map(|t| json!({"type": "reasoning", "reasoning": t})),
        Just(json!({"type": "image", "image": "data:"})),
        json_value(),
    ];
    prop_oneof![
        5 => nasty_text().prop_map(Value::String),
        2 => prop::collection::vec(part, 0..4).prop_map(Value::Array),
        1 => Just(Value::Null),
        1 => json_value(),
    ]
}

pub fn message() -> impl Strategy<Value = Value> {
    let role = prop_oneof![
        6 => prop::sample::select(vec!["assistant", "user", "system", "tool", "gpt", "human", "narrator"])
            .prop_map(|r| json!(r)),
        1 => json_value(),
    ];
    let call = (nasty_text(), prop_oneof![nasty_text().prop_map(Value::String), json_value()])
        .prop_map(|(name, arguments)| json!({"function": {"name": name, "arguments": arguments}}));
    (
        prop::option::of(role),
        prop::option::of(role_alias()),
        prop::option::of(content()),
        prop::option::of(content()),
        prop::option::of(scores()),
        prop::option::of(prop::collection::vec(call, 0..3)),
        prop::collection::vec((key(), json_value()), 0..2),
    )
        .prop_map(|(role, from, content, value, scores, calls, extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            let fields =
                [("role", role), ("from", from), ("content", content), ("value", value), ("scores", scores)];
            for (k, v) in fields {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            }
            if let Some(calls) = calls {
                m.insert("tool_calls".into(), Value::Array(calls));
            }
            Value::Object(m)
        })
}

pub fn role_alias() -> impl Strategy<Value = Value> {
    prop::sample::select(vec!["gpt", "human", "user", "assistant"]).prop_map(|r| json!(r))
}

/// Chat-shaped records, right and wrong: the shapes the fast indexer must get right or leave to
/// the full decoder.
pub fn chat_record() -> impl Strategy<Value = Value> {
    let messages = prop_oneof![
        8 => prop::collection::vec(message(), 0..6).prop_map(Value::Array),
        1 => prop::collection::vec(json_value(), 0..3).prop_map(Value::Array),
        1 => json_value(),
    ];
    let id =
        prop_oneof![nasty_text().prop_map(Value::String), any::<i64>().prop_map(|n| json!(n)), json_value()];
    (
        prop::sample::select(vec!["messages", "conversations", "conversation", "traj"]),
        messages,
        prop::option::of((prop::sample::select(vec!["messages", "traj"]), json_value())),
        prop::option::of(id),
        prop::option::of(json_value()),
        prop::option::of(scores()),
        prop::collection::vec((key(), json_value()), 0..3),
    )
        .prop_map(|(list_key, list, second, id, metadata, scores, extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            if let Some((k, v)) = second {
                m.insert(k.into(), v);
            }
            m.insert(list_key.into(), list);
            for (k, v) in [("id", id), ("metadata", metadata), ("scores", scores)] {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            }
            Value::Object(m)
        })
}
