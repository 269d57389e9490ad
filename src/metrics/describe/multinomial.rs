//! The bootstrap of a mean when the values take few distinct levels (judge scores 0–10): a
//! resample with replacement is fully described by how many times each distinct value is
//! drawn, and those counts follow a multinomial distribution. Drawing the counts directly — as
//! conditional binomials, each by inversion — gives exactly the distribution of resampling
//! with replacement at a cost of about one binomial per level instead of one draw per value.

use super::bootstrap::bootstrap_mean_ci;
use super::percentile;
use crate::metrics::exact::ln_factorials;
use crate::metrics::rng::SplitMix64;

/// Above this many distinct values the index resampling of [`bootstrap_mean_ci`] is used.
pub const MAX_LEVELS: usize = 64;

/// From this many values on, counts are drawn whenever there are at most n / [`VALUES_PER_LEVEL`]
/// distinct values (an AUC over 20 integer turns takes a few thousand): a replicate then costs
/// about √(k·n) steps instead of n draws, which is what makes a bootstrap over a million
/// rollouts take a second rather than a minute. Below it, the rule stays at [`MAX_LEVELS`], so
/// every figure of a smaller study is drawn as it always was.
pub const COUNTS_FROM: usize = 1 << 16;
/// See [`COUNTS_FROM`].
const VALUES_PER_LEVEL: usize = 16;

/// Percentile bootstrap 95 % CI of the mean, drawing each resample as counts per distinct value.
///
/// Same statistic and same distribution as [`bootstrap_mean_ci`]; a different, documented use
/// of the random stream: with distinct values v₁ < … < v_k (counts c_i, n values in all), each
/// replicate draws X₁ ~ Bin(n, c₁/n), then X_i ~ Bin(n − X₁ − … − X_{i−1}, c_i / (c_i + … + c_k))
/// for i < k, and X_k takes the rest; its mean is Σ v_i X_i / n. Each binomial uses one
/// uniform, `(rng.next_u64() >> 11) · 2⁻⁵³`, inverted by summing the probabilities outward from
/// the mode (mode, mode − 1, mode + 1, mode − 2, …). With more distinct values than [`levels`]
/// allows this falls back to [`bootstrap_mean_ci`]. `None` when `xs` is empty or not finite.
pub fn bootstrap_mean_ci_by_counts(xs: &[f64], boot: usize, seed: u64) -> Option<(f64, f64)> {
    if xs.is_empty() || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let Some(levels) = levels(xs) else {
        return bootstrap_mean_ci(xs, boot, seed);
    };
    let mut replicates = level_mean_replicates(&levels, boot, &mut SplitMix64::new(seed));
    replicates.sort_by(f64::total_cmp);
    Some((percentile(&replicates, 2.5)?, percentile(&replicates, 97.5)?))
}

/// The distinct values of `xs` ascending, each with how many times it occurs; `None` when
/// there are more than [`MAX_LEVELS`] (more than n / 16 from [`COUNTS_FROM`] values on), or
/// `xs` holds a value that is not finite.
pub(crate) fn levels(xs: &[f64]) -> Option<Vec<(f64, u64)>> {
    if xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let most = match xs.len() >= COUNTS_FROM {
        true => xs.len() / VALUES_PER_LEVEL,
        false => MAX_LEVELS,
    };
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut levels: Vec<(f64, u64)> = Vec::new();
    for &x in &sorted {
        match levels.last_mut() {
            Some((v, c)) if *v == x => *c += 1,
            _ => levels.push((x, 1)),
        }
        if levels.len() > most {
            return None;
        }
    }
    Some(levels)
}

/// `boot` bootstrap means of the values counted by `levels`, each drawn as counts per level
/// (the draw order documented on [`bootstrap_mean_ci_by_counts`]), in draw order.
pub(crate) fn level_mean_replicates(levels: &[(f64, u64)], boot: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let n: u64 = levels.iter().map(|&(_, c)| c).sum();
    if n == 0 {
        return Vec::new();
    }
    let ln_fact = ln_factorials(n as usize);
    let mut replicates = Vec::with_capacity(boot);
    for _ in 0..boot {
        let (mut left, mut rest) = (n, n);
        let mut sum = 0.0;
        for (i, &(value, count)) in levels.iter().enumerate() {
            let drawn = if i + 1 == levels.len() {
                left
            } else {
                binomial(rng, left, count as f64 / rest as f64, &ln_fact)
            };
            sum += value * drawn as f64;
            left -= drawn;
            rest -= count;
        }
        replicates.push(sum / n as f64);
    }
    replicates
}

/// One Bin(m, p) draw by inversion outward from the mode (any fixed order of the outcomes is a
/// valid inversion; starting at the mode makes the expected number of steps O(√(m p (1 − p)))).
pub(crate) fn binomial(rng: &mut SplitMix64, m: u64, p: f64, ln_fact: &[f64]) -> u64 {
    let u = rng.unit();
    if m == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return m;
    }
    let (q, ratio) = (1.0 - p, p / (1.0 - p));
    let mode = (((m + 1) as f64 * p).floor() as u64).min(m);
    let ln_pmf = ln_fact[m as usize] - ln_fact[mode as usize] - ln_fact[(m - mode) as usize]
        + mode as f64 * p.ln()
        + (m - mode) as f64 * q.ln();
    let f_mode = ln_pmf.exp();
    let mut acc = f_mode;
    if u < acc {
        return mode;
    }
    let (mut lo, mut hi, mut f_lo, mut f_hi) = (mode, mode, f_mode, f_mode);
    while lo > 0 || hi < m {
        if lo > 0 {
            // f(k − 1) = f(k) · k / (m − k + 1) · (1 − p) / p
            f_lo *= lo as f64 / (m - lo + 1) as f64 / ratio;
            lo -= 1;
            acc += f_lo;
            if u < acc {
                return lo;
            }
        }
        if hi < m {
            // f(k + 1) = f(k) · (m − k) / (k + 1) · p / (1 − p)
            f_hi *= (m - hi) as f64 / (hi + 1) as f64 * ratio;
            hi += 1;
            acc += f_hi;
            if u < acc {
                return hi;
            }
        }
    }
    // Rounding left the total a hair under 1 and u fell in the gap: the mode is as good as any.
    mode
}

#[cfg(test)]
mod tests;
