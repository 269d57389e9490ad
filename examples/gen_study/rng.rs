//! SplitMix64: one independent stream per rollout, so a rollout's text does not depend on
//! the ones before it.

pub struct Rng(u64);

pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// An independent stream for rollout `index` under `seed`.
    pub fn for_rollout(seed: u64, index: u64) -> Rng {
        Rng(mix64(seed ^ mix64(index.wrapping_add(0x5EED_0F57_DD15))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn int(&mut self, lo: u8, hi: u8) -> u8 {
        lo + self.below((hi - lo + 1) as usize) as u8
    }

    /// Approximately standard normal (Irwin-Hall with four uniforms): no libm needed.
    pub fn gauss(&mut self) -> f64 {
        let s = self.f64() + self.f64() + self.f64() + self.f64();
        (s - 2.0) * 1.732_050_807_568_877_2
    }

    pub fn weighted<T: Copy>(&mut self, items: &[(f64, T)]) -> T {
        let total: f64 = items.iter().map(|(w, _)| w).sum();
        let mut x = self.f64() * total;
        for &(w, v) in items {
            if x < w {
                return v;
            }
            x -= w;
        }
        items[items.len() - 1].1
    }
}
