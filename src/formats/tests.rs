//! The fast indexer must agree with the full decoder on every record shape.

use super::*;
use crate::model::{Hatch, Interner, Locator, response_hash};

fn both_paths(json: &str) -> (Option<RolloutSummary>, RolloutSummary) {
    let hatch = Hatch::default();
    let mut strings = Interner::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let fast = chat_index::index_chat(json, &ctx, &mut strings, || "f:1".into(), Locator::Decoded(0));
    let rollout = decode_record(json, "f:1").expect("record decodes");
    let full = RolloutSummary::from_rollout(&rollout, &hatch, 0, Locator::Decoded(0), &mut strings);
    (fast, full)
}

/// Records the fast path must handle itself (no fallback) and agree on.
const AGREEING: &[&str] = &[
    r#"{"id":"a","metadata":{"condition":"baseline","dataset":"math","n":3,"x":1.5,"flag":true,"nested":{"a":1},"nil":null},"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"},{"role":"assistant","content":"ok","scores":{"frustration":2,"self_blame":null}},{"role":"user","content":"no"},{"role":"assistant","content":"line\nbreak <<rm -rf gemma>>","scores":{"self_blame":4,"frustration":7.5}}]}"#,
    r#"{"messages":[{"role":"assistant","content":[{"type":"text","text":"<<rm -rf x>>"},{"type":"image"}]}],"model":"gpt","temperature":0.7,"tags":["a"]}"#,
    r#"{"id":12,"conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"<<rm -rf \u0067>>"}]}"#,
    r#"{"traj":[{"role":"user","content":"x"},{"role":"assistant","content":null,"tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}],"reward":1.0}"#,
    r#"{"metadata":"odd","scores":{"pass":1,"name":"C"},"conversation":[{"role":"assistant","value":"v","content":"c <<rm -rf>>"}]}"#,
    r#"{"id":"dup","metadata":{"k":"first","k":"second"},"messages":[{"from":"gpt","role":"user","content":"x","scores":{"s":1,"s":2}}]}"#,
    r#"{"messages":[],"conversations":[{"from":"gpt","value":"ignored"}],"condition":"c"}"#,
    r#"{"messages":[{"role":"user","scores":{"tag":"not a turn"}},{"role":"assistant","content":"a","scores":{"frustration":7,"tag":"despair","quote":"I \"give\" up","n":-2.5e-1,"big":18446744073709551616,"flag":true,"deep":[[1]],"tag":"mild"}},{"role":"assistant","content":"b","scores":{"tag":"none","frustration":"N/A","frustration":1}}]}"#,
    // Escaped text and content parts the hatch cannot match: skipped unless turns are hashed.
    r#"{"messages":[{"role":"assistant","content":"I \"give\" up\n"},{"role":"user","content":"why"},{"role":"assistant","content":[{"type":"text","text":"caf\u00e9"},{"type":"text","text":"ok"}]},{"role":"assistant"}]}"#,
];

#[test]
fn fast_index_agrees_with_full_decoder() {
    for json in AGREEING {
        let (fast, full) = both_paths(json);
        assert_eq!(fast.as_ref(), Some(&full), "record: {json}");
    }
}

#[test]
fn turn_texts_are_hashed_only_when_asked_and_as_the_full_decoder_reads_them() {
    let hatch = Hatch::default();
    let hashing = IndexContext { hatch: &hatch, source: 0, hash_turns: true, visitor: None };
    let index = |json: &str, ctx: &IndexContext| {
        index_record(json, ctx, &mut Interner::default(), &|| "f".into(), Locator::Decoded(0)).unwrap()
    };
    for json in AGREEING {
        let fast = chat_index::index_chat(
            json,
            &hashing,
            &mut Interner::default(),
            || "f".into(),
            Locator::Decoded(0),
        );
        let rollout = decode_record(json, "f").unwrap();
        assert_eq!(fast.unwrap().response_hashes, rollout.response_hashes(), "{json}");
    }
    // Escaped text the hatch cannot match is skipped when indexing, but decoded to be hashed.
    let escaped = AGREEING.last().unwrap();
    let hashes = [r#"I "give" up"#, "café\nok", ""].map(response_hash);
    assert_eq!(*index(escaped, &hashing).response_hashes, hashes);
    let plain = IndexContext { hash_turns: false, ..hashing };
    assert!(index(escaped, &plain).response_hashes.is_empty(), "only when asked");
    // A record the fast path leaves to the full decoder (a NaN score) is hashed there.
    let nan = r#"{"messages":[{"role":"assistant","content":" a\n","scores":{"s":NaN}},{"role":"assistant","content":"b"}]}"#;
    assert!(
        chat_index::index_chat(nan, &hashing, &mut Interner::default(), || "f".into(), Locator::Decoded(0))
            .is_none()
    );
    assert_eq!(*index(nan, &hashing).response_hashes, [response_hash("a"), response_hash("b")]);
}

#[test]
fn string_scores_are_kept_by_their_place_in_the_file_and_agree_with_the_full_decoder() {
    use crate::model::{StringAt, StringValue};
    let long = "why ".repeat(60);
    let json = format!(
        r#"{{"messages":[{{"role":"assistant","content":"a","scores":{{"tag":"despair","quote":"I \"give\" up","why":"{long}"}}}},{{"role":"user","content":"no"}},{{"role":"assistant","content":"b","scores":{{"tag":"mild"}}}}]}}"#
    );
    let (_, full) = both_paths(&json);
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let locator = Locator::Span { start: 1000, len: json.len() as u32 };
    let fast = chat_index::index_chat(&json, &ctx, &mut Interner::default(), || "f".into(), locator).unwrap();
    assert_eq!(fast.unclassified, full.unclassified, "the same values wherever they are kept");
    let names: Vec<&str> = fast.unclassified.iter().map(|u| &*u.name).collect();
    assert_eq!(names, ["quote", "tag", "why"], "a record's names in order");
    let literal = |value: &Option<StringValue>| match &value.as_ref().unwrap().at {
        StringAt::InSource { start, len } => json[*start as usize - 1000..][..*len as usize].to_string(),
        StringAt::Held(_) => panic!("held"),
    };
    assert_eq!(literal(&fast.unclassified[0].values[0]), r#""I \"give\" up""#);
    assert_eq!(fast.unclassified[0].values[0].as_ref().unwrap().short.as_deref(), Some(r#"I "give" up"#));
    assert_eq!(literal(&fast.unclassified[1].values[1]), r#""mild""#);
    let why = fast.unclassified[2].values[0].as_ref().unwrap();
    assert_eq!(why.short, None, "too long to be a category");
    assert!(
        matches!(full.unclassified[2].values[0].as_ref().unwrap().at, StringAt::Held(ref t) if t.len() == 240)
    );
}

#[test]
fn wrong_shapes_fall_back_and_error_with_position() {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let mut strings = Interner::default();
    let cases = [
        (r#"{"messages": {"a": 1}}"#, "must be an array"),
        (r#"{"messages": [1, 2]}"#, "message 0 is a number"),
        (r#"{"prompt": "x"}"#, "found keys: prompt"),
        (r#"[1]"#, "expected a rollout object"),
    ];
    for (json, expected) in cases {
        let err =
            index_record(json, &ctx, &mut strings, &|| "f".into(), Locator::Decoded(0)).expect_err(json);
        assert!(err.message.contains(expected), "{json}: {err:?}");
    }
    let err = index_record("{\"messages\": [}", &ctx, &mut strings, &|| "f".into(), Locator::Decoded(0))
        .expect_err("syntax error");
    assert_eq!((err.line, err.column), (1, 15), "{err:?}");
}

#[test]
fn nonfinite_scores_load_as_missing() {
    let json = r#"{"messages":[{"role":"assistant","content":"a","scores":{"frustration":NaN}},{"role":"assistant","content":"b","scores":{"frustration":3}}]}"#;
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let s = index_record(json, &ctx, &mut Interner::default(), &|| "f".into(), Locator::Decoded(0))
        .expect("NaN is accepted");
    assert_eq!(s.turn_scores("frustration"), &[None, Some(3.0)]);
}

#[test]
fn detection_uses_extension_then_content() {
    assert_eq!(detect(Path::new("a.jsonl"), b"[").unwrap(), Format::Jsonl);
    assert_eq!(detect(Path::new("a.json"), b"{}\n{}").unwrap(), Format::Jsonl);
    assert_eq!(detect(Path::new("a.json"), b"{\n  \"id\": 1\n}").unwrap(), Format::Json);
    assert_eq!(detect(Path::new("a.txt"), b"\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}").unwrap(), Format::Jsonl);
    assert_eq!(detect(Path::new("a"), b"  [ {} ]").unwrap(), Format::Json);
    assert!(detect(Path::new("a.bin"), b"\x00\x01").unwrap_err().to_string().contains("unknown format"));
}

#[test]
fn deep_values_the_fast_path_would_skip_are_errors_not_unreadable_rows() {
    // The fast indexer skips values it does not need without a depth limit; the reader's full
    // decoder refuses them. A record must not be listed that the reader then cannot open.
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    for json in [
        format!(r#"{{"messages": [{{"role": "user", "content": {deep}}}]}}"#),
        format!(r#"{{"messages": [{{"role": "assistant", "content": {deep}}}]}}"#),
        format!(r#"{{"messages": [], "extra": {deep}}}"#),
        format!(r#"{{"metadata": {{"x": {deep}}}, "messages": []}}"#),
        format!(r#"{{"messages": [{{"role": "user", "scores": {{"s": {deep}}}}}]}}"#),
    ] {
        let err = index_record(&json, &ctx, &mut Interner::default(), &|| "f".into(), Locator::Decoded(0))
            .expect_err("too deep");
        assert!(err.message.contains("recursion limit"), "{err:?}");
        assert!(decode_record(&json, "f").is_err(), "the reader agrees");
    }
    // Moderate nesting still takes the fast path and agrees with the full decoder.
    let nested = format!(r#"{{"messages": [], "extra": {}{}}}"#, "[".repeat(90), "]".repeat(90));
    let (fast, full) = both_paths(&nested);
    assert_eq!(fast.as_ref(), Some(&full));
}

#[test]
fn an_end_of_input_after_a_newline_is_column_one_not_zero() {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    for (json, line) in [("", 1), ("{\"messages\": [\n", 2), ("  \n\n", 3)] {
        let err = index_record(json, &ctx, &mut Interner::default(), &|| "f".into(), Locator::Decoded(0))
            .expect_err("EOF");
        assert_eq!((err.line, err.column), (line, 1), "{json:?}: {err:?}");
    }
}

#[test]
fn an_empty_id_gets_the_stand_in_on_both_paths() {
    // The fast path kept "" while the full decoder used the stand-in: in a .json array the
    // rollout was listed with no name at all.
    let (fast, full) = both_paths(r#"{"id": "", "messages": []}"#);
    assert_eq!(&*full.id, "f:1");
    assert_eq!(fast.as_ref(), Some(&full));
}

#[test]
fn a_broken_preferred_message_list_is_an_error_on_both_paths() {
    // decode_chat reads the best-ranked list key present; the fast path used a worse-ranked
    // valid list when the better one came later in the object, so the record was listed and
    // then could not be opened.
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    for json in [
        r#"{"conversation": [], "conversations": null}"#,
        r#"{"traj": [{"role": "assistant"}], "messages": 5}"#,
        r#"{"messages": [{"role": "assistant"}], "messages": null}"#,
    ] {
        let indexed = index_record(json, &ctx, &mut Interner::default(), &|| "f".into(), Locator::Decoded(0));
        assert!(indexed.is_err(), "{json}: {indexed:?}");
        assert!(decode_record(json, "f").is_err(), "{json}");
    }
    for json in [r#"{"traj": null, "messages": []}"#, r#"{"messages": null, "messages": []}"#] {
        let (fast, full) = both_paths(json);
        assert_eq!(fast.as_ref(), Some(&full), "{json}");
    }
}

#[test]
fn values_the_fast_path_skips_are_checked_as_the_full_decoder_checks_them() {
    // Skipped values were not range-checked: a number the full decoder refuses (1e400) in a
    // message's unknown key or its content was listed, then the reader could not open it.
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    for json in [
        r#"{"messages": [{"role": "user", "meta": 1e400}]}"#,
        r#"{"messages": [{"role": "user", "content": 1e400}]}"#,
        r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "a", "n": -1e999}]}]}"#,
        r#"{"messages": [{"role": "assistant", "content": [1e400]}]}"#,
        r#"{"messages": [[1e400]]}"#,
        r#"{"messages": [{"role": "user", "content": "\ud800"}]}"#,
        r#"{"messages": [{"role": "user", "x": "\ud800"}]}"#,
        r#"{"messages": [{"role": "user", "content": ["\udc00"]}]}"#,
        r#"{"messages": [{"role": "assistant", "content": "cut \ud83d"}]}"#,
        r#"{"messages": [{"role": "assistant", "content": "ok", "value": "\ud83d"}]}"#,
        r#"{"messages": [{"content": "\ud83d", "role": "assistant", "content": "ok"}]}"#,
    ] {
        assert!(decode_record(json, "f").is_err(), "{json}");
        let indexed = index_record(json, &ctx, &mut Interner::default(), &|| "f".into(), Locator::Decoded(0));
        assert!(indexed.is_err(), "{json}: {indexed:?}");
    }
}
