//! The block scan against a byte-at-a-time reference.

use proptest::prelude::*;

use super::simd::{Classify, Portable};
use super::*;

/// The end of a string body starting at `from`, one byte at a time, as serde_json reads it.
fn reference(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut i = from;
    let mut escapes = false;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some((i, escapes)),
            b'\\' => {
                escapes = true;
                i += match *bytes.get(i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                    b'u' => unicode_escape_len(&bytes[i..])?,
                    _ => return None,
                };
            }
            b if b < 0x20 => return None,
            _ => i += 1,
        }
    }
}

#[test]
fn every_byte_value_at_every_lane_is_classified_as_the_portable_rule_does() {
    use super::simd::{Classify, Portable};
    for x in 0..=255u8 {
        for lane in [0, 1, 15, 16, 31, 32, 47, 63] {
            let mut block = [b'a'; 64];
            block[lane] = x;
            let expected = Portable::block(&block);
            assert_eq!(expected.iter().filter(|m| **m != 0).count(), usize::from(is_stop(x)), "{x:#x}");
            let letters = Portable::simple_letters(&block);
            assert_eq!(letters, u64::from(b"/bfnrt".contains(&x)) << lane, "{x:#x}");
            #[cfg(target_arch = "x86_64")]
            {
                use super::simd::x86::{Avx2, Sse2};
                assert_eq!(Sse2::block(&block), expected, "{x:#x} at {lane}");
                assert_eq!(Sse2::simple_letters(&block), letters, "{x:#x} at {lane}");
                if std::arch::is_x86_feature_detected!("avx2") {
                    assert_eq!(Avx2::block(&block), expected, "{x:#x} at {lane}");
                    assert_eq!(Avx2::simple_letters(&block), letters, "{x:#x} at {lane}");
                }
                let head: &[u8; 16] = block[..16].try_into().expect("16");
                assert_eq!(Sse2::head(head), Portable::head(head), "{x:#x} at {lane}");
            }
        }
    }
}

#[test]
fn escaped_bytes_follow_odd_backslash_runs_across_blocks() {
    // Runs of every length ending at every place around a block boundary.
    for run in 1..=5 {
        for end in 55..75 {
            let mut text = [b'a'; 128];
            text[end - run..end].fill(b'\\');
            let mut expected = Vec::new();
            let mut escaping = false;
            for (i, &b) in text.iter().enumerate() {
                // A backslash escaped inside a run is not marked: only what a run escapes.
                if escaping && b != b'\\' {
                    expected.push(i);
                }
                escaping = !escaping && b == b'\\';
            }
            let mut carry = 0;
            let mut found = Vec::new();
            for (k, block) in text.chunks(64).enumerate() {
                let [_, backslash, _] = Portable::block(block.try_into().expect("64"));
                let bits = escaped_bytes(backslash, &mut carry);
                found.extend((0..64).filter(|i| bits >> i & 1 == 1).map(|i| 64 * k + i));
            }
            assert_eq!(found, expected, "a run of {run} ending at {end}");
        }
    }
}

#[test]
fn ends_and_refusals_match_the_reference() {
    let long = "x".repeat(70);
    for body in [
        "\"".to_string(),
        "abc\"".to_string(),
        format!("{long}\\\"{long}\\\\\"after"),
        format!("{long}\\n\\u00e9\\ud83d\\ude00{long}\""),
        format!("{}\\\"", "a".repeat(62)),
        format!("{}\\\\\"", "a".repeat(62)),
        format!("{}\\ud83d\\ude00\"", "a".repeat(60)),
        format!("{long}\\ud800\""),
        format!("{long}\\udc00\""),
        format!("{long}\\q\""),
        format!("{long}\t\""),
        format!("{long}\"\t"),
        format!("{long}\\"),
        long.clone(),
    ] {
        assert_eq!(string_end(body.as_bytes(), 0), reference(body.as_bytes(), 0), "{body:?}");
    }
}

proptest! {
    #[test]
    fn any_text_ends_where_the_reference_says(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "a", "é", "😀", "\\", "\\\\", "\"", "\\\"", "\\n", "\\t", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\ud800",
            "\\udc00", "\\u12", "\\x", "\u{1}", "0123456789abcdef0123456789abcdef", " ",
        ]), 0..60),
        from in 0usize..4,
    ) {
        let text = pieces.concat();
        let from = from.min(text.len());
        prop_assert_eq!(string_end(text.as_bytes(), from), reference(text.as_bytes(), from), "{:?}", text);
    }
}
