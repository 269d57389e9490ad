//! An Inspect JSON log's bytes: detection and decoding never panic; ids are unique.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollscope::formats::inspect;

fuzz_target!(|data: &[u8]| {
    let _ = inspect::looks_like_inspect_json(data);
    if let Ok((rollouts, _)) = inspect::decode_inspect_json(data, "f.json", &Default::default()) {
        let mut ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rollouts.len(), "ids are unique within a log");
    }
});
