//! A tiny seeded pseudo-random generator (SplitMix64) for reproducible resampling.
//!
//! We hand-roll it instead of using the `rand` family on purpose: a study's bootstrap
//! intervals must come out byte-identical for the same seed on every machine and in every
//! future build. External crates are free to change their algorithms, seeding or
//! range-reduction between versions (and have done so); the dozen lines below cannot.
//! Everything here is fixed: the SplitMix64 algorithm of Steele, Lea and Flood (2014) as
//! published in Vigna's reference `splitmix64.c`, seeded with the raw seed as its state,
//! and Lemire's (2019) multiply-and-reject reduction for [`SplitMix64::below`].

/// Golden-ratio increment added to the state before every output (SplitMix64's gamma).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64 generator: 64-bit state, one `u64` output per step, period 2^64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// Generator whose state is `seed` itself (as in the reference `splitmix64.c`).
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Next output: state += gamma, then the two xor-shift-multiply mixing rounds of the reference.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform in [0, 1) from the top 53 bits of one output: `(next_u64() >> 11) · 2⁻⁵³`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` without modulo bias (Lemire's method); 0 for `n == 0`.
    ///
    /// Draws x = `next_u64()` and forms the 128-bit product x·n; the answer is its high
    /// 64 bits. When the low 64 bits fall below 2^64 mod n the draw is rejected and repeated,
    /// so a call consumes one output, rarely (probability < n / 2^64) more. `n == 0` is an
    /// empty range: it returns 0 and consumes nothing.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // usize is at most 64 bits on every target Rust supports, so this is lossless.
        let range = n as u64;
        let mut product = u128::from(self.next_u64()) * u128::from(range);
        let mut low = product as u64;
        if low < range {
            // 2^64 mod range, computed without 128-bit division.
            let threshold = range.wrapping_neg() % range;
            while low < threshold {
                product = u128::from(self.next_u64()) * u128::from(range);
                low = product as u64;
            }
        }
        // The high half is < range <= usize::MAX, so the cast cannot truncate.
        (product >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values come from two independent sources that agree:
    // * Rosetta Code, "Pseudo-random numbers/Splitmix64" (seed 1234567), and the output of
    //   Vigna's splitmix64.c for seed 0;
    // * this Python transcription of splitmix64.c and of Lemire's method (run on CPython 3.11):
    //
    //   M = (1 << 64) - 1
    //   class SM:
    //       def __init__(self, seed): self.s = seed & M
    //       def next(self):
    //           self.s = (self.s + 0x9E3779B97F4A7C15) & M
    //           z = self.s
    //           z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    //           z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    //           return z ^ (z >> 31)
    //       def below(self, n):
    //           m = self.next() * n; l = m & M
    //           if l < n:
    //               t = ((1 << 64) - n) % n
    //               while l < t:
    //                   m = self.next() * n; l = m & M
    //           return m >> 64

    #[test]
    fn matches_published_vectors_for_seed_1234567() {
        let mut rng = SplitMix64::new(1_234_567);
        let expected: [u64; 5] = [
            6_457_827_717_110_365_317,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for want in expected {
            assert_eq!(rng.next_u64(), want);
        }
    }

    #[test]
    fn matches_reference_vectors_for_seed_0() {
        let mut rng = SplitMix64::new(0);
        let expected: [u64; 5] = [
            0xe220_a839_7b1d_cdaf,
            0x6e78_9e6a_a1b9_65f4,
            0x06c4_5d18_8009_454f,
            0xf88b_b8a8_724c_81ec,
            0x1b39_896a_51a8_749b,
        ];
        for want in expected {
            assert_eq!(rng.next_u64(), want);
        }
    }

    #[test]
    fn below_matches_python_reference() {
        // r = SM(42); [r.below(10) for _ in range(20)]
        let mut rng = SplitMix64::new(42);
        let got: Vec<usize> = (0..20).map(|_| rng.below(10)).collect();
        assert_eq!(got, [7, 1, 2, 3, 0, 8, 2, 8, 3, 6, 2, 4, 5, 5, 6, 2, 1, 4, 0, 6]);
    }

    #[test]
    fn below_one_is_zero_and_consumes_one_draw() {
        // r = SM(42); [r.below(1) for _ in range(3)], r.next() -> [0, 0, 0] 6349198060258255764
        let mut rng = SplitMix64::new(42);
        for _ in 0..3 {
            assert_eq!(rng.below(1), 0);
        }
        assert_eq!(rng.next_u64(), 6_349_198_060_258_255_764);
    }

    #[test]
    fn below_zero_is_zero_and_consumes_nothing() {
        let mut rng = SplitMix64::new(5);
        let mut fresh = SplitMix64::new(5);
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.next_u64(), fresh.next_u64());
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn below_rejection_path_matches_python_reference() {
        // n = 2^63 + 1 rejects about half of all draws, so the retry loop runs.
        // r = SM(7) with a draw counter; [r.below(2**63 + 1) for _ in range(8)] used 13 draws.
        let n = (1usize << 63) + 1;
        let mut rng = SplitMix64::new(7);
        let got: Vec<usize> = (0..8).map(|_| rng.below(n)).collect();
        assert_eq!(
            got,
            [
                3_595_544_800_446_187_243,
                8_308_050_873_407_804_673,
                2_300_599_727_732_774_152,
                1_238_314_238_945_538_992,
                3_810_556_812_210_252_212,
                955_171_922_480_135_541,
                8_853_275_716_766_052_758,
                8_467_236_170_921_859_495,
            ]
        );
        // 13 outputs consumed: the next output is the 14th of the raw stream.
        let mut raw = SplitMix64::new(7);
        for _ in 0..13 {
            raw.next_u64();
        }
        assert_eq!(rng.next_u64(), raw.next_u64());
    }

    #[test]
    fn below_stays_in_range_and_hits_every_value() {
        let mut rng = SplitMix64::new(99);
        let mut seen = [0usize; 7];
        for _ in 0..7_000 {
            let k = rng.below(7);
            assert!(k < 7);
            seen[k] += 1;
        }
        // Each bucket expects 1000; 6 sigma is about 180.
        for count in seen {
            assert!((820..=1180).contains(&count), "bucket count {count}");
        }
    }
}
