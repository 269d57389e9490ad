//! Classifying bytes a vector at a time: AVX2 when the CPU has it (checked once, at run time),
//! SSE2 otherwise on x86_64 (every such CPU has it), and plain code elsewhere. Each gives the
//! same bits as `Portable`, which a test checks byte by byte.

#[cfg(any(test, not(target_arch = "x86_64")))]
use super::is_stop;
use super::{ESCAPE_LETTERS, SIMPLE, scan};

/// A way to classify bytes.
pub trait Classify {
    /// The first 16 bytes of a string: (quotes, stops) a bit per byte.
    fn head(bytes: &[u8; 16]) -> (u64, u64);
    /// A block's quotes, backslashes and control characters (< 0x20), a bit per byte.
    fn block(bytes: &[u8; 64]) -> [u64; 3];
    /// A block's letters of the one-letter escapes besides `\"` and `\\` (`/bfnrt`), a bit per byte.
    fn simple_letters(bytes: &[u8; 64]) -> u64;
}

#[cfg(any(test, not(target_arch = "x86_64")))]
pub struct Portable;

#[cfg(any(test, not(target_arch = "x86_64")))]
impl Classify for Portable {
    fn head(bytes: &[u8; 16]) -> (u64, u64) {
        let bits = |hit: &dyn Fn(u8) -> bool| bytes.iter().rev().fold(0, |m, &x| m << 1 | u64::from(hit(x)));
        (bits(&|x| x == b'"'), bits(&|x| is_stop(x)))
    }
    fn block(bytes: &[u8; 64]) -> [u64; 3] {
        let bits = |hit: &dyn Fn(u8) -> bool| bytes.iter().rev().fold(0, |m, &x| m << 1 | u64::from(hit(x)));
        [bits(&|x| x == b'"'), bits(&|x| x == b'\\'), bits(&|x| x < 0x20)]
    }
    fn simple_letters(bytes: &[u8; 64]) -> u64 {
        simple_letters_one_by_one(bytes)
    }
}

/// `simple_letters` a byte at a time.
fn simple_letters_one_by_one(bytes: &[u8; 64]) -> u64 {
    bytes.iter().rev().fold(0, |m, &x| m << 1 | u64::from(ESCAPE_LETTERS[usize::from(x)] == SIMPLE))
}

#[cfg(not(target_arch = "x86_64"))]
pub fn string_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    scan::<Portable>(bytes, from)
}

#[cfg(target_arch = "x86_64")]
pub fn string_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        unsafe { x86::scan_avx2(bytes, from) }
    } else {
        scan::<x86::Sse2>(bytes, from)
    }
}

#[cfg(target_arch = "x86_64")]
pub mod x86 {
    use std::arch::x86_64::*;

    use super::{Classify, scan};

    /// A vector's quotes, backslashes and control characters, a bit per byte (max(x, 0x1f) ==
    /// 0x1f exactly when x <= 0x1f, unsigned).
    #[inline(always)]
    fn marks16(x: __m128i) -> [u16; 3] {
        // SAFETY: SSE2 is part of every x86_64 CPU; these only compare registers.
        unsafe {
            let control = _mm_set1_epi8(0x1f);
            let low = _mm_cmpeq_epi8(_mm_max_epu8(x, control), control);
            let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
            [quote, backslash, low].map(|hits| _mm_movemask_epi8(hits) as u16)
        }
    }

    pub struct Sse2;

    impl Classify for Sse2 {
        #[inline(always)]
        fn head(bytes: &[u8; 16]) -> (u64, u64) {
            // SAFETY: SSE2 is part of every x86_64 CPU; the load reads the 16 bytes given.
            let x = unsafe { _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>()) };
            let [quote, backslash, control] = marks16(x).map(u64::from);
            (quote, quote | backslash | control)
        }
        #[inline(always)]
        fn block(bytes: &[u8; 64]) -> [u64; 3] {
            let mut out = [0u64; 3];
            for k in 0..4 {
                // SAFETY: as in `head`; each load reads 16 bytes inside the 64-byte block.
                let x = unsafe { _mm_loadu_si128(bytes.as_ptr().add(16 * k).cast::<__m128i>()) };
                for (mask, bits) in out.iter_mut().zip(marks16(x)) {
                    *mask |= u64::from(bits) << (16 * k);
                }
            }
            out
        }
        fn simple_letters(bytes: &[u8; 64]) -> u64 {
            // Only CPUs without AVX2 come here; SSE2 has no byte shuffle to look letters up.
            super::simple_letters_one_by_one(bytes)
        }
    }

    pub struct Avx2;

    impl Classify for Avx2 {
        #[inline(always)]
        fn head(bytes: &[u8; 16]) -> (u64, u64) {
            Sse2::head(bytes)
        }
        #[inline(always)]
        fn block(bytes: &[u8; 64]) -> [u64; 3] {
            let mut out = [0u64; 3];
            // SAFETY: only reached through `scan_avx2`, which runs only on CPUs with AVX2; each
            // load reads 32 bytes inside the 64-byte block.
            unsafe {
                let (quote, backslash, control) =
                    (_mm256_set1_epi8(b'"' as i8), _mm256_set1_epi8(b'\\' as i8), _mm256_set1_epi8(0x1f));
                for k in 0..2 {
                    let x = _mm256_loadu_si256(bytes.as_ptr().add(32 * k).cast::<__m256i>());
                    let low = _mm256_cmpeq_epi8(_mm256_max_epu8(x, control), control);
                    out[0] |= u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, quote)) as u32) << (32 * k);
                    out[1] |=
                        u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, backslash)) as u32) << (32 * k);
                    out[2] |= u64::from(_mm256_movemask_epi8(low) as u32) << (32 * k);
                }
            }
            out
        }
        #[inline(always)]
        fn simple_letters(bytes: &[u8; 64]) -> u64 {
            // Looked up by nibbles (simdjson's way): `/` is 0x2F, `b` `f` `n` 0x62 0x66 0x6E,
            // `r` `t` 0x72 0x74. A class bit per high nibble (2, 6, 7); each low nibble has the
            // bits of the classes holding a letter with it; a letter has both.
            const HIGH: [i8; 16] = [0, 0, 1, 0, 0, 0, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0];
            const LOW: [i8; 16] = [0, 0, 2 | 4, 0, 4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 1];
            let mut out = 0u64;
            // SAFETY: as in `block`.
            unsafe {
                let table = |t: [i8; 16]| _mm256_broadcastsi128_si256(_mm_loadu_si128(t.as_ptr().cast()));
                let (high, low, nibble) = (table(HIGH), table(LOW), _mm256_set1_epi8(0x0f));
                for k in 0..2 {
                    let x = _mm256_loadu_si256(bytes.as_ptr().add(32 * k).cast::<__m256i>());
                    let h = _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble));
                    let l = _mm256_shuffle_epi8(low, _mm256_and_si256(x, nibble));
                    let none = _mm256_cmpeq_epi8(_mm256_and_si256(h, l), _mm256_setzero_si256());
                    out |= u64::from(!(_mm256_movemask_epi8(none) as u32)) << (32 * k);
                }
            }
            out
        }
    }

    /// `scan` compiled with AVX2.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn scan_avx2(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
        scan::<Avx2>(bytes, from)
    }
}
