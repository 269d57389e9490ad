//! A whole JSONL file through the parallel chunk indexer: never a panic, the same rollouts and
//! problems with one worker or three, and progress adding up to the file size.
#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use rollscope::formats::IndexContext;
use rollscope::load::LoadEvent;
use rollscope::load::jsonl::index_jsonl;
use rollscope::model::{Hatch, RolloutSummary};

fn run(bytes: &[u8], threads: usize) -> (Vec<RolloutSummary>, Vec<String>) {
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false };
    let events = Mutex::new(Vec::new());
    let sink = |e: LoadEvent| events.lock().unwrap_or_else(|p| p.into_inner()).push(e);
    let open = || Ok(bytes);
    let result = index_jsonl(&open, bytes.len() as u64, "f.jsonl", "f.jsonl", &ctx, threads, &sink);
    assert!(result.is_ok(), "reading from memory cannot fail");
    let (mut rollouts, mut problems, mut read) = (Vec::new(), Vec::new(), 0);
    for event in events.into_inner().unwrap_or_else(|p| p.into_inner()) {
        match event {
            LoadEvent::Rollouts(batch) => rollouts.extend(batch),
            LoadEvent::Problem(p) => {
                assert!(p.line.is_some() && p.column.is_some_and(|c| c >= 1), "{p}");
                problems.push(p.to_string());
            }
            LoadEvent::BytesRead(n) => read += n,
            _ => {}
        }
    }
    assert_eq!(read, bytes.len() as u64);
    (rollouts, problems)
}

fuzz_target!(|data: &[u8]| {
    let one = run(data, 1);
    let three = run(data, 3);
    assert_eq!(one, three);
});
