//! Property tests for the loaders and the sanitiser (issue 9): on any input, no panic; the
//! fast paths agree with the slow ones; sanitised text never holds a control character.
//! Case counts are kept small so `cargo test` stays fast; `PROPTEST_CASES=5000 cargo test
//! --release --test hostile_props` runs a longer search.
#![allow(clippy::unwrap_used)]

use std::sync::Mutex;

use proptest::prelude::*;
use ratatui::buffer::CellWidth;
use ratatui::style::Style;
use ratatui::text::Span;
use serde_json::{Map, Value, json};

use rollscope::app::wrap::wrap_text;
use rollscope::formats::{self, IndexContext, chat_index, json_text};
use rollscope::load::LoadEvent;
use rollscope::load::jsonl::{CHUNK_BYTES, index_jsonl};
use rollscope::model::{Hatch, Interner, Locator, Problem, RolloutSummary};
use rollscope::sanitize::{self, Piece};

/// `cases` unless PROPTEST_CASES says otherwise.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// Characters that must never leave the sanitiser as they are.
fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

// ---------------------------------------------------------------------------------------------
// Strategies.

/// Text biased towards what breaks terminals and layouts, mixed with anything at all.
fn nasty_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        4 => any::<char>().prop_map(String::from),
        3 => "[a-z ]{1,6}",
        2 => prop::sample::select(vec![
            "\x1b[2J", "\x1b]52;c;QQ==\x07", "\x1b]8;;x\x1b\\", "\u{9b}31m", "\u{9d}0;t\u{9c}", "\r", "\r\n",
            "\n", "\t", "\x7f", "\0", "\u{202e}", "\u{2066}", "\u{61c}", "\u{200b}", "\u{feff}", "\u{2028}",
            "世界", "👩\u{200d}👩\u{200d}👧", "❤\u{fe0f}", "e\u{301}", "\u{ff9e}", "\u{200d}", "<<rm -rf x>>",
            "NaN", "Infinity", "\"", "\\", "[", "{", "}", "]",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(atom, 0..24).prop_map(|parts| parts.concat())
}

/// Any JSON value (finite numbers), up to a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
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

fn key() -> impl Strategy<Value = String> {
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

fn score_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0.0f64..10.0).prop_map(|f| json!(f)),
        2 => (0i64..11).prop_map(|n| json!(n)),
        1 => Just(Value::Null),
        1 => json_value(),
    ]
}

fn scores() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::vec(
            (prop::sample::select(vec!["frustration", "self_blame", "x"]).prop_map(String::from), score_value()),
            0..4
        )
        .prop_map(|s| Value::Object(s.into_iter().collect())),
        1 => json_value(),
    ]
}

fn content() -> impl Strategy<Value = Value> {
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

fn message() -> impl Strategy<Value = Value> {
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

fn role_alias() -> impl Strategy<Value = Value> {
    prop::sample::select(vec!["gpt", "human", "user", "assistant"]).prop_map(|r| json!(r))
}

/// Chat-shaped records, right and wrong: the shapes the fast indexer must get right or leave to
/// the full decoder.
fn chat_record() -> impl Strategy<Value = Value> {
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

// ---------------------------------------------------------------------------------------------
// The sanitiser and wrapping.

/// Columns a line takes in the buffer: per grapheme, as ratatui draws it.
fn drawn_width(text: &str) -> usize {
    Span::raw(text).styled_graphemes(Style::new()).map(|g| g.symbol.cell_width() as usize).sum()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn clean_never_lets_a_control_through(s in nasty_text()) {
        let out = sanitize::clean(&s).into_owned();
        prop_assert!(!out.chars().any(unsafe_char), "{out:?}");
        prop_assert!(out.chars().all(sanitize::is_safe));
        // Cleaning twice changes nothing more: placeholders are themselves printable.
        prop_assert_eq!(sanitize::clean(&out), out.as_str());
        // Plain text passes untouched.
        if !s.chars().any(unsafe_char) {
            prop_assert_eq!(out, s);
        }
    }

    #[test]
    fn clean_multiline_keeps_lines_and_nothing_else(s in nasty_text()) {
        let out = sanitize::clean_multiline(&s);
        prop_assert!(!out.chars().any(|c| c != '\n' && unsafe_char(c)), "{out:?}");
        prop_assert_eq!(out.split('\n').count(), s.split('\n').count());
    }

    #[test]
    fn pieces_split_a_line_into_safe_text_and_placeholders(s in nasty_text()) {
        let line = s.replace('\n', "");
        let mut shown = String::new();
        for piece in sanitize::pieces(&line) {
            match piece {
                Piece::Text(t) => {
                    prop_assert!(!t.is_empty());
                    prop_assert!(!t.chars().any(unsafe_char), "{t:?}");
                    shown.push_str(t);
                }
                Piece::Placeholder(p) => {
                    prop_assert!(!p.is_empty() && !p.chars().any(unsafe_char), "{p:?}");
                    shown.push_str(&p);
                }
            }
        }
        prop_assert_eq!(shown, sanitize::clean(&line).into_owned());
    }

    #[test]
    fn wrapping_keeps_every_line_within_the_width_and_loses_nothing(s in nasty_text(), width in 1usize..40) {
        let lines = wrap_text(&s, width);
        prop_assert!(lines.len() >= sanitize::lines_of(&s).count());
        for line in &lines {
            let text: String = line.iter().map(|seg| seg.text.as_str()).collect();
            prop_assert!(!text.chars().any(unsafe_char), "{text:?}");
            // One grapheme wider than the line (a wide character at width 1) is placed anyway.
            let graphemes = Span::raw(text.as_str()).styled_graphemes(Style::new()).count();
            if graphemes > 1 {
                prop_assert!(drawn_width(&text) <= width, "{text:?} is {} wide at {width}", drawn_width(&text));
            }
        }
        // Spaces may be dropped at a break; everything else is shown, in order.
        let shown: String = lines.iter().flatten().map(|seg| seg.text.as_str()).collect::<String>().replace(' ', "");
        let expected: String = sanitize::lines_of(&s).map(|l| sanitize::clean(l).into_owned()).collect::<String>().replace(' ', "");
        prop_assert_eq!(shown, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// The record decoders.

fn index(json: &str) -> Result<RolloutSummary, formats::RecordError> {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0 };
    formats::index_record(json, &ctx, &mut Interner::default(), &|| "f:1".into(), Locator::Decoded(0))
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn the_fast_indexer_agrees_with_the_full_decoder(record in chat_record()) {
        let json = serde_json::to_string(&record).unwrap();
        let hatch = Hatch::default();
        let mut strings = Interner::default();
        let fast = chat_index::index_chat(&json, &hatch, &mut strings, || "f:1".into(), 0, Locator::Decoded(0));
        let full = formats::decode_record(&json, "f:1");
        match (&fast, &full) {
            (Some(fast), Ok(rollout)) => {
                let slow = RolloutSummary::from_rollout(rollout, &hatch, 0, Locator::Decoded(0), &mut strings);
                prop_assert_eq!(fast, &slow, "{}", json);
            }
            (Some(_), Err(e)) => prop_assert!(false, "indexed but not readable: {e:?}: {json}"),
            (None, _) => {}
        }
        // Through the entry point the loader uses: listed exactly when readable.
        prop_assert_eq!(index(&json).is_ok(), full.is_ok(), "{}", json);
    }

    #[test]
    fn any_text_is_a_record_or_an_error_with_a_position(text in prop_oneof![
        nasty_text(),
        json_value().prop_map(|v| v.to_string()),
        chat_record().prop_map(|v| v.to_string()).prop_flat_map(|s| {
            let len = s.len();
            (Just(s), 0..=len)
        }).prop_map(|(s, cut)| String::from_utf8_lossy(&s.as_bytes()[..cut]).into_owned()),
    ]) {
        match index(&text) {
            Ok(_) => prop_assert!(formats::decode_record(&text, "f").is_ok()),
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1, "{e:?}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn nonfinite_to_null_leaves_valid_json_alone(value in json_value()) {
        let text = value.to_string();
        prop_assert_eq!(json_text::nonfinite_to_null(&text), text.as_str());
    }

    #[test]
    fn nonfinite_literals_become_null_where_a_value_is(value in json_value(), which in 0usize..3) {
        // Replace every number with a non-finite literal: the text then reads as nulls there.
        fn swap(v: &Value, lit: &str, out: &mut String) {
            match v {
                Value::Number(_) => out.push_str(lit),
                Value::Array(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 { out.push(','); }
                        swap(item, lit, out);
                    }
                    out.push(']');
                }
                Value::Object(fields) => {
                    out.push('{');
                    for (i, (k, item)) in fields.iter().enumerate() {
                        if i > 0 { out.push(','); }
                        out.push_str(&Value::String(k.clone()).to_string());
                        out.push(':');
                        swap(item, lit, out);
                    }
                    out.push('}');
                }
                other => out.push_str(&other.to_string()),
            }
        }
        fn nulled(v: &Value) -> Value {
            match v {
                Value::Number(_) => Value::Null,
                Value::Array(items) => Value::Array(items.iter().map(nulled).collect()),
                Value::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), nulled(v))).collect()),
                other => other.clone(),
            }
        }
        let mut text = String::new();
        swap(&value, ["NaN", "Infinity", "-Infinity"][which], &mut text);
        let patched = json_text::nonfinite_to_null(&text);
        let parsed: Value = serde_json::from_str(&patched).unwrap();
        prop_assert_eq!(parsed, nulled(&value));
    }

    #[test]
    fn nonfinite_to_null_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = json_text::nonfinite_to_null(&text);
    }

    #[test]
    fn array_spans_are_the_elements(items in prop::collection::vec(json_value(), 0..6), pretty in any::<bool>()) {
        let value = Value::Array(items.clone());
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        let spans = json_text::array_element_spans(text.as_bytes()).unwrap();
        prop_assert_eq!(spans.len(), items.len());
        for (span, item) in spans.iter().zip(&items) {
            // Compared after the same parse: serde_json does not round-trip every float exactly.
            let parsed: Value = serde_json::from_str(&text[span.clone()]).unwrap();
            let expected: Value = serde_json::from_str(&item.to_string()).unwrap();
            prop_assert_eq!(parsed, expected);
        }
    }

    #[test]
    fn array_spans_of_any_bytes_are_in_order_and_in_bounds(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        prop::collection::vec(prop::sample::select(b"[]{}\",\\ 1a\n".to_vec()), 0..64),
    ]) {
        if let Some(spans) = json_text::array_element_spans(&bytes) {
            let mut end = 0;
            for span in spans {
                // An element may be empty (`[1,,2]`): the indexer then reports it where it is.
                prop_assert!(span.start >= end && span.start <= span.end && span.end <= bytes.len(), "{span:?}");
                end = span.end;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The JSONL chunk indexer, against a line-by-line reference.

/// What loading gives: rollouts and (line, column, message) of each problem.
type Loaded = (Vec<RolloutSummary>, Vec<(Option<u64>, Option<u64>, String)>);

fn index_bytes(bytes: &[u8], threads: usize) -> Loaded {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0 };
    let events = Mutex::new(Vec::new());
    let sink = |e: LoadEvent| events.lock().unwrap().push(e);
    let open = || Ok(bytes);
    index_jsonl(&open, bytes.len() as u64, "f.jsonl", "f.jsonl", &ctx, threads, &sink).unwrap();
    let mut rollouts = Vec::new();
    let mut problems = Vec::new();
    let mut read = 0;
    for event in events.into_inner().unwrap() {
        match event {
            LoadEvent::Rollouts(batch) => rollouts.extend(batch),
            LoadEvent::Problem(p) => problems.push(problem_place(&p)),
            LoadEvent::BytesRead(n) => read += n,
            _ => {}
        }
    }
    assert_eq!(read, bytes.len() as u64, "progress adds up to the file size");
    (rollouts, problems)
}

fn problem_place(p: &Problem) -> (Option<u64>, Option<u64>, String) {
    (p.line, p.column, p.message.clone())
}

/// The same, one line at a time, with none of the chunking.
fn reference(bytes: &[u8]) -> Loaded {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0 };
    let mut strings = Interner::default();
    let mut rollouts = Vec::new();
    let mut problems = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let start = offset;
        offset += raw.len() + 1;
        let (line, start) = match raw.strip_prefix(json_text::BOM) {
            Some(rest) if start == 0 => (rest, json_text::BOM.len()),
            _ => (raw, start),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() {
            continue;
        }
        let number = i as u64 + 1;
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                let message = "invalid UTF-8 (the file must be UTF-8 text)".to_string();
                problems.push((Some(number), Some(e.valid_up_to() as u64 + 1), message));
                continue;
            }
        };
        let locator = Locator::Span { start: start as u64, len: line.len() as u32 };
        match formats::index_record(text, &ctx, &mut strings, &String::new, locator) {
            Ok(mut summary) => {
                if summary.id.is_empty() {
                    summary.id = format!("f.jsonl:{number}").into();
                }
                rollouts.push(summary);
            }
            Err(e) => problems.push((Some(number + e.line - 1), Some(e.column), e.message)),
        }
    }
    (rollouts, problems)
}

fn jsonl_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => chat_record().prop_map(|v| v.to_string().into_bytes()),
        1 => Just(b"{\"id\": \"\", \"messages\": []}".to_vec()),
        1 => Just(Vec::new()),
        1 => Just(b"  \r".to_vec()),
        1 => chat_record().prop_map(|v| { let mut b = v.to_string().into_bytes(); b.push(b'\r'); b }),
        1 => Just(b"\xEF\xBB\xBF{\"messages\": []}".to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..40),
        1 => nasty_text().prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_chunk_indexer_matches_a_line_by_line_reference(
        lines in prop::collection::vec(jsonl_line(), 0..12),
        trailing_newline in any::<bool>(),
        threads in 1usize..4,
    ) {
        let mut bytes = lines.join(&b'\n');
        if trailing_newline {
            bytes.push(b'\n');
        }
        let (rollouts, problems) = index_bytes(&bytes, threads);
        let (expected_rollouts, expected_problems) = reference(&bytes);
        prop_assert_eq!(rollouts, expected_rollouts);
        prop_assert_eq!(problems, expected_problems);
    }

    #[test]
    fn the_chunk_indexer_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024), threads in 1usize..4) {
        let (rollouts, problems) = index_bytes(&bytes, threads);
        let (expected_rollouts, expected_problems) = reference(&bytes);
        prop_assert_eq!(rollouts, expected_rollouts);
        prop_assert_eq!(problems, expected_problems);
    }
}

proptest! {
    // Each case writes a file of two 4 MiB chunks and more: few cases, each aimed at a boundary.
    #![proptest_config(config(4))]

    #[test]
    fn lines_across_chunk_boundaries_are_each_read_once(
        delta in -3i64..=3,
        crlf in any::<bool>(),
        wide in any::<bool>(),
        threads in 1usize..4,
    ) {
        // A first line sized so the next line break falls `delta` bytes from the boundary, a
        // record that straddles it, a line longer than a whole chunk, and records after.
        let chunk = CHUNK_BYTES as i64;
        let record = |id: &str| {
            let text = if wide { "世界👩\u{200d}👩\u{200d}👧" } else { "plain" };
            let mut b = json!({"id": id, "messages": [{"role": "assistant", "content": text, "scores": {"s": 1}}]})
                .to_string()
                .into_bytes();
            if crlf {
                b.push(b'\r');
            }
            b
        };
        let pad = |len: i64| format!("{{\"id\": \"pad\", \"messages\": [], \"pad\": \"{}\"}}", "x".repeat(len as usize - 40)).into_bytes();
        let mut bytes = record("first");
        bytes.push(b'\n');
        let first_len = chunk + delta - bytes.len() as i64 - 1;
        bytes.extend(pad(first_len));
        bytes.push(b'\n');
        prop_assert_eq!(bytes.len() as i64, chunk + delta);
        bytes.extend(record("at-boundary"));
        bytes.push(b'\n');
        bytes.extend(pad(chunk + 1000));
        bytes.push(b'\n');
        for i in 0..3 {
            bytes.extend(record(&format!("after-{i}")));
            bytes.push(b'\n');
        }
        let (rollouts, problems) = index_bytes(&bytes, threads);
        let (expected_rollouts, expected_problems) = reference(&bytes);
        prop_assert_eq!(&rollouts, &expected_rollouts);
        prop_assert_eq!(problems, expected_problems);
        let ids: Vec<&str> = rollouts.iter().map(|r| &*r.id).collect();
        prop_assert_eq!(ids, vec!["first", "pad", "at-boundary", "pad", "after-0", "after-1", "after-2"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Inspect logs.

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn inspect_sample() -> impl Strategy<Value = Value> {
    (json_value(), prop::collection::vec(message(), 0..4), json_value(), json_value()).prop_map(
        |(id, messages, scores, metadata)| {
            json!({"id": id, "epoch": 1, "messages": messages, "scores": scores, "metadata": metadata})
        },
    )
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn inspect_json_takes_any_bytes(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        (json_value(), prop::collection::vec(prop_oneof![inspect_sample(), json_value()], 0..4)).prop_map(|(eval, samples)| {
            json!({"version": 2, "eval": eval, "samples": samples}).to_string().into_bytes()
        }),
        prop::collection::vec(inspect_sample(), 0..4).prop_map(|samples| {
            json!({"version": 2, "eval": {"task": "t"}, "samples": samples}).to_string().into_bytes()
        }),
    ]) {
        match formats::inspect::decode_inspect_json(&bytes, "p.json") {
            Ok((rollouts, problems)) => {
                let ids: std::collections::HashSet<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
                prop_assert_eq!(ids.len(), rollouts.len(), "ids are unique within a log");
                for p in problems {
                    prop_assert_eq!(p.path.as_str(), "p.json");
                }
            }
            Err(p) => prop_assert!(!p.message.is_empty()),
        }
    }

    #[test]
    fn inspect_eval_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512), pk in any::<bool>()) {
        let bytes = if pk { [b"PK\x03\x04".as_slice(), &bytes].concat() } else { bytes };
        let _ = formats::inspect::decode_inspect_eval_bytes(&bytes, "p.eval");
    }

    #[test]
    fn inspect_eval_takes_any_entries(
        header in prop_oneof![json_value().prop_map(|e| json!({"eval": e})), json_value()],
        samples in prop::collection::vec(prop_oneof![
            inspect_sample().prop_map(|s| s.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..64),
        ], 0..4),
        cut in prop::option::of(0usize..4096),
    ) {
        let mut entries = vec![("header.json".to_string(), header.to_string().into_bytes())];
        for (i, sample) in samples.into_iter().enumerate() {
            entries.push((format!("samples/{i}_epoch_1.json"), sample));
        }
        let mut bytes = zip_of(&entries);
        if let Some(cut) = cut {
            bytes.truncate(cut);
        }
        if let Ok((rollouts, _)) = formats::inspect::decode_inspect_eval_bytes(&bytes, "p.eval") {
            let ids: std::collections::HashSet<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
            prop_assert_eq!(ids.len(), rollouts.len(), "ids are unique within a log");
        }
    }
}
