//! Finding the end of a JSON string 64 bytes at a time. Model text has an escaped newline every
//! line or so (one backslash in 40 bytes of a study), and a scan that stops at each escape
//! spent 16 ns on it; here a block's escapes are found and checked with a few vector compares
//! and bit operations (simdjson's odd-backslash-run trick), and only `\u` escapes, which need
//! their hex digits and surrogate pairs checked, are visited one by one.

use simd::Classify;

mod simd;

/// Where the string whose body starts at `from` ends: the index of its closing quote, and
/// whether it has escapes. `None` when serde_json would refuse it: a control character, an
/// unknown escape, bad hex, a lone surrogate, no closing quote.
pub fn string_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    simd::string_end(bytes, from)
}

/// `string_end` with one way of classifying bytes, inlined into each caller so the AVX2 one
/// is compiled with AVX2.
#[inline(always)]
fn scan<C: Classify>(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    // Most strings are short (keys, roles, tags): their first 16 bytes often hold the end.
    if let Some(head) = bytes.get(from..from + 16) {
        let (quote, stop) = C::head(head.try_into().ok()?);
        if stop != 0 && stop & stop.wrapping_neg() == quote & quote.wrapping_neg() {
            return Some((from + stop.trailing_zeros() as usize, false));
        }
    }
    let mut i = from;
    let mut escapes = false;
    // Whether the first byte of the next block is escaped (a backslash run ended the block).
    let mut carry = 0u64;
    loop {
        let padded: [u8; 64];
        let block: &[u8; 64] = match bytes.get(i..i + 64) {
            Some(block) => block.try_into().ok()?,
            None => {
                // The last bytes, padded with a letter: no quote there means no end.
                let tail = bytes.get(i..)?;
                let mut last = [b'x'; 64];
                last[..tail.len()].copy_from_slice(tail);
                padded = last;
                &padded
            }
        };
        let [quote, backslash, control] = C::block(block);
        let escaped = if backslash | carry == 0 { 0 } else { escaped_bytes(backslash, &mut carry) };
        let quotes = quote & !escaped;
        // The bytes before the closing quote, if it is in this block.
        let inside = if quotes == 0 { u64::MAX } else { (quotes & quotes.wrapping_neg()) - 1 };
        if control & inside != 0 {
            return None;
        }
        escapes |= backslash & inside != 0;
        // The escaped letters (one or two a block) other than `\"`, `\\` and `/bfnrt`: the
        // first is a `\u` escape or an error. Looking each letter up one by one was a quarter
        // of the scan.
        let mut letters = escaped & inside & !(quote | backslash);
        if letters != 0 {
            letters &= !C::simple_letters(block);
            if letters != 0
                && ESCAPE_LETTERS[usize::from(block[letters.trailing_zeros() as usize])] != UNICODE
            {
                return None;
            }
        }
        if letters != 0 {
            // A `\u` escape is checked on its own; the scan starts afresh after it.
            let at = i + letters.trailing_zeros() as usize - 1;
            i = at + unicode_escape_len(&bytes[at..])?;
            carry = 0;
            continue;
        }
        if quotes != 0 {
            return Some((i + quotes.trailing_zeros() as usize, escapes));
        }
        i += 64;
    }
}

/// Length of the `\u` escape at the start of `bytes`: 6, or 12 for a surrogate pair; `None`
/// for bad hex or a lone surrogate, as serde_json decodes it.
fn unicode_escape_len(bytes: &[u8]) -> Option<usize> {
    match hex4(bytes.get(2..6)?)? {
        0xD800..=0xDBFF => {
            let low = bytes.get(6..8).filter(|u| *u == b"\\u").and_then(|_| hex4(bytes.get(8..12)?))?;
            (0xDC00..=0xDFFF).contains(&low).then_some(12)
        }
        0xDC00..=0xDFFF => None,
        _ => Some(6),
    }
}

fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |acc, &d| Some(acc * 16 + (d as char).to_digit(16)?))
}

/// Bits of the bytes escaped by a backslash (the byte after an odd run of backslashes), from
/// the block's backslash bits; `carry` says whether the block starts escaped, and is set for
/// the next block. simdjson's `find_odd_backslash_sequences`.
fn escaped_bytes(backslash: u64, carry: &mut u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    const ODD: u64 = !EVEN;
    let starts = backslash & !(backslash << 1);
    let even_start_mask = EVEN ^ *carry;
    let even_starts = starts & even_start_mask;
    let odd_starts = starts & !even_start_mask;
    let even_carries = backslash.wrapping_add(even_starts);
    let (mut odd_carries, ends_odd) = backslash.overflowing_add(odd_starts);
    odd_carries |= *carry;
    *carry = u64::from(ends_odd);
    let even_carry_ends = even_carries & !backslash;
    let odd_carry_ends = odd_carries & !backslash;
    (even_carry_ends & ODD) | (odd_carry_ends & EVEN)
}

/// What a byte after a backslash makes of the escape (besides `"` and `\`).
const INVALID: u8 = 0;
const SIMPLE: u8 = 1;
const UNICODE: u8 = 2;
const ESCAPE_LETTERS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut k = 0;
    let simple = b"/bfnrt";
    while k < simple.len() {
        table[simple[k] as usize] = SIMPLE;
        k += 1;
    }
    table[b'u' as usize] = UNICODE;
    table
};

/// Whether a string scan stops at a byte: a quote, a backslash or a control character.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn is_stop(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

#[cfg(test)]
mod tests;
