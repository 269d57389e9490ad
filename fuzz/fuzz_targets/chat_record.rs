//! One JSONL record through the loader's entry point and the reader's decoder: never a panic,
//! and the fast indexer agrees with the full decoder whenever it answers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollscope::formats::{self, IndexContext, chat_index};
use rollscope::model::{Hatch, Interner, Locator, RolloutSummary};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false };
    let mut strings = Interner::default();
    let indexed = formats::index_record(json, &ctx, &mut strings, &|| "f:1".into(), Locator::Decoded(0));
    let full = formats::decode_record(json, "f:1");
    assert_eq!(indexed.is_ok(), full.is_ok(), "listed exactly when readable: {json}");
    if let Err(e) = &indexed {
        assert!(e.line >= 1 && e.column >= 1, "{e:?}");
    }
    let fast = chat_index::index_chat(json, &ctx, &mut strings, || "f:1".into(), Locator::Decoded(0));
    if let (Some(fast), Ok(rollout)) = (fast, &full) {
        let slow = RolloutSummary::from_rollout(rollout, &hatch, 0, Locator::Decoded(0), &mut strings);
        assert_eq!(fast, slow, "fast and full disagree on {json}");
    }
});
