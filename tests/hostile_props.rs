//! Property tests for the sanitiser, wrapping and the record decoders (issue 9): on any input,
//! no panic; the fast paths agree with the slow ones; sanitised text never holds a control
//! character. The file-level loaders are in `hostile_props_files.rs`. Case counts are kept
//! small so `cargo test` stays fast; `PROPTEST_CASES=5000 cargo test --release --test
//! hostile_props` runs a longer search.
#![allow(clippy::unwrap_used)]

// Shared with the other property tests, each of which uses part of it.
#[allow(dead_code)]
#[path = "hostile/strategies.rs"]
mod strategies;

use proptest::prelude::*;
use ratatui::buffer::CellWidth;
use ratatui::style::Style;
use ratatui::text::Span;
use serde_json::Value;

use rollscope::app::wrap::wrap_text;
use rollscope::formats::{self, IndexContext, chat_index, json_text};
use rollscope::model::{Hatch, Interner, Locator, RolloutSummary};
use rollscope::sanitize::{self, Piece};
use strategies::*;

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
    fn json_escaping_leaves_nothing_unsafe_and_reads_back_the_same(value in json_value()) {
        // Issue 13: JSON outputs escape what serde_json leaves raw; escaping loses nothing (read
        // back, it is what serde_json's own text reads back as: its floats do not round-trip
        // exactly, escapes or not).
        let plain: Value = serde_json::from_str(&value.to_string()).unwrap();
        for text in [sanitize::json::to_string(&value).unwrap(), sanitize::json::to_string_pretty(&value).unwrap()] {
            prop_assert!(!text.chars().any(|c| c != '\n' && unsafe_char(c)), "{text:?}");
            let back: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &plain);
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
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    formats::index_record(json, &ctx, &mut Interner::default(), &|| "f:1".into(), Locator::Decoded(0))
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn the_fast_indexer_agrees_with_the_full_decoder(record in chat_record()) {
        let json = serde_json::to_string(&record).unwrap();
        let hatch = Hatch::default();
        let mut strings = Interner::default();
        // Turns hashed too, as when a score file repeats their texts: every text is decoded.
        let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: true, visitor: None };
        let mut fast = chat_index::index_chat(&json, &ctx, &mut strings, || "f:1".into(), Locator::Decoded(0));
        let full = formats::decode_record(&json, "f:1");
        match (&mut fast, &full) {
            (Some(fast), Ok(rollout)) => {
                prop_assert_eq!(std::mem::take(&mut fast.response_hashes), rollout.response_hashes(), "{}", json);
                let slow = RolloutSummary::from_rollout(rollout, &hatch, 0, Locator::Decoded(0), &mut strings);
                prop_assert_eq!(&*fast, &slow, "{}", json);
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
