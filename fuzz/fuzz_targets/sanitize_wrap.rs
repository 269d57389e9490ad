//! Any text through the sanitiser and the reader's wrapping: nothing unsafe ever comes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollscope::app::wrap::wrap_text;
use rollscope::sanitize::{self, Piece};

fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

fuzz_target!(|data: &[u8]| {
    let Some((&width, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let clean = sanitize::clean(&text);
    assert!(!clean.chars().any(unsafe_char), "{clean:?}");
    let multi = sanitize::clean_multiline(&text);
    assert!(!multi.chars().any(|c| c != '\n' && unsafe_char(c)), "{multi:?}");
    for line in sanitize::lines_of(&text) {
        for piece in sanitize::pieces(line) {
            let shown = match &piece {
                Piece::Text(t) => *t,
                Piece::Placeholder(p) => p.as_str(),
            };
            assert!(!shown.chars().any(unsafe_char), "{shown:?}");
        }
    }
    for line in wrap_text(&text, usize::from(width % 120)) {
        for segment in line {
            assert!(!segment.text.chars().any(unsafe_char), "{:?}", segment.text);
        }
    }
});
