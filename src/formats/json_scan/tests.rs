//! The cursor must never accept what serde_json refuses, and should accept what it reads.

use proptest::prelude::*;
use serde_json::Value;

use super::*;

/// The whole text as one value, as the cursor reads it.
fn scanned(text: &str) -> Option<&str> {
    let mut cursor = Cursor::new(text);
    let value = cursor.value(1)?;
    cursor.at_end().then_some(value)
}

#[test]
fn values_serde_json_reads_are_read_whole() {
    for text in [
        r#"{"a": [1, -2.5e-3, true, false, null, {"b": {}}, []], "c": "x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#,
        " [ ] ",
        "0",
        "-0.0E+2",
        "18446744073709551616",
        r#""""#,
        "{\"k\":\t{\"k\" : [ 1 , 2 ]}\r\n}",
    ] {
        assert!(serde_json::from_str::<Value>(text).is_ok(), "{text}");
        assert_eq!(scanned(text), Some(text.trim()), "{text}");
    }
}

#[test]
fn what_serde_json_refuses_is_refused() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for text in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\u0041""#,
        r#""\ud800x""#,
        r#""\x""#,
        r#""\u12""#,
        "\"tab\there\"",
        "\"nul\u{0}\"",
        "01",
        "1.",
        ".5",
        "1e",
        "+1",
        "-",
        "1e400",
        &"9".repeat(400),
        "NaN",
        "[1,]",
        "[,1]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{1:2}",
        "[1 2]",
        "{\"a\":1]",
        "[1}",
        "tru",
        "nul",
        "\"open",
        &deep,
    ] {
        assert!(scanned(text).is_none(), "accepted {text:?}");
    }
}

#[test]
fn nesting_is_counted_from_the_records_depth() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(scanned(&nested(MAX_DEPTH - 1)).is_some());
    assert!(scanned(&nested(MAX_DEPTH)).is_none());
    assert!(Cursor::new(&nested(MAX_DEPTH - 3)).value(3).is_some());
    assert!(Cursor::new(&nested(MAX_DEPTH - 2)).value(3).is_none());
}

#[test]
fn literals_decode_as_serde_json_decodes_them() {
    for text in [r#""plain""#, r#""a\nb\"c""#, r#""\u00e9\ud83d\ude00 é""#, r#""""#] {
        let literal = Cursor::new(text).literal().expect(text);
        assert_eq!(literal.text, text);
        assert_eq!(literal.escaped, text.contains('\\'));
        let expected: String = serde_json::from_str(text).expect(text);
        assert_eq!(literal.decode().as_deref(), Some(expected.as_str()));
    }
}

#[test]
fn objects_and_arrays_are_walked_key_by_key() {
    let mut cursor = Cursor::new(r#" { "a" : [1, "x"], "b\u0041": {} } "#);
    cursor.open_object().expect("object");
    let a = cursor.key(true).expect("key").expect("a");
    assert_eq!(a.text, r#""a""#);
    cursor.open_array().expect("array");
    assert_eq!(cursor.element(true), Some(true));
    assert_eq!(cursor.number(), Some("1"));
    assert_eq!(cursor.element(false), Some(true));
    assert_eq!(cursor.literal().map(|l| l.text), Some(r#""x""#));
    assert_eq!(cursor.element(false), Some(false));
    let b = cursor.key(false).expect("key").expect("b");
    assert_eq!(b.decode().as_deref(), Some("bA"));
    assert_eq!(cursor.value(2), Some("{}"));
    assert_eq!(cursor.key(false), Some(None));
    assert!(cursor.at_end());
    let mut empty = Cursor::new("[]");
    empty.open_array().expect("array");
    assert_eq!(empty.element(true), Some(false));
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[\\\\\"\\n\\t\u{1}\u{1f}é😀 a]{0,80}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_value_serde_json_writes_is_read_whole(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }
            .expect("serialises");
        prop_assert_eq!(scanned(&text), Some(text.as_str()));
    }

    #[test]
    fn a_mangled_value_is_accepted_only_if_serde_json_reads_it(
        value in json_value(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(
            vec!["", "\\", "\"", "\\u", "d83d", "\\ud800", "\\udc00", "[", "]", "{", "}", ",", ":", "-", "0", "1e999", "\u{1}", "x"],
        )), 1..4),
    ) {
        let mut text = serde_json::to_string(&value).expect("serialises");
        for (at, insert) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, insert);
        }
        if scanned(&text).is_some() {
            prop_assert!(serde_json::from_str::<Value>(&text).is_ok(), "accepted {:?}", text);
        }
    }
}
