//! A label file's bytes: every line is a record or a warning with its place, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollscope::model::LabelSet;
use rollscope::store::file::parse_records;

fuzz_target!(|data: &[u8]| {
    let (records, warnings) = parse_records(data, "ana.jsonl");
    for w in &warnings {
        assert!(w.line.is_some(), "{w}");
    }
    let lines = data.split(|b| *b == b'\n').filter(|l| !l.trim_ascii().is_empty()).count();
    assert_eq!(records.len() + warnings.len(), lines);
    let _ = LabelSet::replay(&records);
});
