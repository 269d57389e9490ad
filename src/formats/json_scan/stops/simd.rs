//! Classifying bytes a vector at a time: AVX2 when the CPU has it (checked once, at run time),
//! SSE2 otherwise on x86_64 (every such CPU has it), and plain code elsewhere. Each gives the
//! same bits as `Portable`, which a test checks byte by byte.

#[cfg(any(test, not(target_arch = "x86_64")))]
use super::is_stop;
use super::scan;

/// A way to classify bytes.
pub trait Classify {
    /// The first 16 bytes of a string: (quotes, stops) a bit per byte.
    fn head(bytes: &[u8; 16]) -> (u64, u64);
    /// A block's quotes, backslashes and control characters (< 0x20), a bit per byte.
    fn block(bytes: &[u8; 64]) -> [u64; 3];
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
