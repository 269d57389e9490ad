//! Property tests for the file-level loaders (issue 9): the parallel JSONL chunk indexer
//! against a line-by-line reference, and the Inspect decoders on arbitrary bytes.
#![allow(clippy::unwrap_used)]

// Shared with the other property tests, each of which uses part of it.
#[allow(dead_code)]
#[path = "hostile/strategies.rs"]
mod strategies;

use std::sync::Mutex;

use proptest::prelude::*;
use serde_json::{Value, json};

use rollscope::formats::{self, IndexContext, json_text};
use rollscope::load::LoadEvent;
use rollscope::load::jsonl::{CHUNK_BYTES, index_jsonl};
use rollscope::model::{Hatch, Interner, Locator, Problem, RolloutSummary};
use strategies::*;

// ---------------------------------------------------------------------------------------------
// The JSONL chunk indexer, against a line-by-line reference.

/// What loading gives: rollouts and (line, column, message) of each problem.
type Loaded = (Vec<RolloutSummary>, Vec<(Option<u64>, Option<u64>, String)>);

fn index_bytes(bytes: &[u8], threads: usize) -> Loaded {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let events = Mutex::new(Vec::new());
    let sink = |e: LoadEvent| events.lock().unwrap().push(e);
    let open = || Ok(bytes);
    index_jsonl(&open, bytes.len() as u64, ("f.jsonl", "f.jsonl"), &ctx, threads, false, &sink).unwrap();
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
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
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
                if let Some(n) = summary.roleless {
                    let e = formats::chat_roles::roleless_warning(text, n);
                    problems.push((Some(number + e.line - 1), Some(e.column), e.message));
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
        match formats::inspect::decode_inspect_json(&bytes, "p.json", &Default::default()) {
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
        let _ = formats::inspect::decode_inspect_eval_bytes(&bytes, "p.eval", &rollscope::model::ReadLimits::default(), &Default::default());
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
        if let Ok((rollouts, _)) = formats::inspect::decode_inspect_eval_bytes(&bytes, "p.eval", &rollscope::model::ReadLimits::default(), &Default::default()) {
            let ids: std::collections::HashSet<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
            prop_assert_eq!(ids.len(), rollouts.len(), "ids are unique within a log");
        }
    }
}
