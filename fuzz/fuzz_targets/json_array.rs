//! A `.json` file's bytes: the array splitter, the non-finite literal patch and each element
//! through the record indexer. Never a panic; spans in order and in bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollscope::formats::{self, IndexContext, json_text};
use rollscope::model::{Hatch, Interner, Locator};

fuzz_target!(|data: &[u8]| {
    let body = json_text::strip_bom(data);
    let _ = json_text::first_significant(body);
    let _ = json_text::line_column(body, body.len() / 2);
    let _ = json_text::nests_deeper_than(body, 100);
    let text = String::from_utf8_lossy(body);
    let patched = json_text::nonfinite_to_null(&text);
    if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
        assert_eq!(patched, text, "valid JSON is left alone");
    }
    let Some(spans) = json_text::array_element_spans(body) else { return };
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false };
    let mut strings = Interner::default();
    let mut end = 0;
    for (i, span) in spans.into_iter().enumerate() {
        // An element may be empty (`[1,,2]`): the indexer then reports it where it is.
        assert!(span.start >= end && span.start <= span.end && span.end <= body.len(), "{span:?}");
        end = span.end;
        if let Ok(element) = std::str::from_utf8(&body[span.clone()]) {
            let locator = Locator::Span { start: span.start as u64, len: span.len() as u32 };
            let _ = formats::index_record(element, &ctx, &mut strings, &|| format!("f.json:{i}"), locator);
        }
    }
});
