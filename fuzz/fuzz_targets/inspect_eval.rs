//! An Inspect `.eval` archive's bytes (zip): decoding never panics; ids are unique.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollscope::formats::inspect;

fuzz_target!(|data: &[u8]| {
    if let Ok((rollouts, _)) = inspect::decode_inspect_eval_bytes(data, "f.eval", &rollscope::model::ReadLimits::default(), &Default::default()) {
        let mut ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rollouts.len(), "ids are unique within a log");
    }
});
