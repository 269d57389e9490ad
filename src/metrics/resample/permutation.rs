//! Permutation tests of a difference in means, two-sided, p = (b + 1)/(P + 1) where b counts
//! the P permutations whose |Δ*| is at least the observed |Δ| (ties within rounding count).
//!
//! Unpaired ([`permutation_p`]): the units of both sides are pooled and a random set of as
//! many units as the smaller side had is relabelled to it. For judge scores (few distinct
//! values) a permutation is fully described by how many of each value land on that side, a
//! multivariate hypergeometric draw: one conditional hypergeometric per level instead of one
//! draw per value, the same distribution at a fraction of the cost. Paired ([`sign_flip_p`]):
//! each pair's difference keeps or flips its sign with probability ½.

use super::Sample;
use crate::metrics::describe::{binomial, levels};
use crate::metrics::exact::ln_factorials;
use crate::metrics::rng::SplitMix64;

/// A draw per level costs about as much as shuffling a dozen places: below this many places
/// per level, shuffling is the cheaper way to the same distribution.
pub const PLACES_PER_LEVEL: usize = 16;

/// Below this many pairs per distinct |d|, one random bit per pair is cheaper than a binomial
/// per level.
pub const PAIRS_PER_LEVEL: usize = 64;

/// Differences this close to the observed one (relative to the data's scale) count as equal:
/// the same split summed in another order must not fall short by a rounding error.
const TIE: f64 = 1e-12;

/// Two-sided permutation p-value of mean(a) − mean(b) over `perm` permutations from
/// `SplitMix64::new(seed)`. Units are values or whole clusters (with `--cluster`, clusters
/// move between the sides whole; the difference is then of the ratio means).
///
/// Draw order: values with at most 64 distinct levels over both sides (n / 16 from
/// `describe::COUNTS_FROM` values on) and at least
/// [`PLACES_PER_LEVEL`] places on the smaller side per level (judge scores on a large study):
/// per permutation, for each level by ascending count but the last, one hypergeometric draw
/// by inversion (one uniform, outward from the mode) of how many of the smaller side's
/// remaining places it fills. Other samples: per permutation, a partial Fisher–Yates shuffle
/// of the pooled units (b's after a's), `rng.below(N − i)` for each place i of the smaller
/// side, continuing from the previous permutation's order. `None` when a side is empty or
/// `perm` is 0.
pub fn permutation_p(a: &Sample, b: &Sample, perm: usize, seed: u64) -> Option<f64> {
    if perm == 0 || a.units() == 0 || b.units() == 0 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let units: Vec<(f64, f64)> =
        (0..a.units()).map(|i| a.unit(i)).chain((0..b.units()).map(|i| b.unit(i))).collect();
    let total_sum: f64 = units.iter().map(|u| u.0).sum();
    let total_size: f64 = units.iter().map(|u| u.1).sum();
    let scale = units.iter().map(|&(s, n)| (s / n).abs()).fold(0.0, f64::max);
    let (a_sum, a_size) =
        (0..a.units()).map(|i| a.unit(i)).fold((0.0, 0.0), |acc, u| (acc.0 + u.0, acc.1 + u.1));
    let delta = |sum_a: f64, size_a: f64| sum_a / size_a - (total_sum - sum_a) / (total_size - size_a);
    let observed = delta(a_sum, a_size).abs();
    if !observed.is_finite() {
        return None;
    }
    let cutoff = observed - TIE * scale;
    // The smaller side is drawn; the other takes the rest.
    let a_smaller = a.units() <= b.units();
    let places = a.units().min(b.units());
    let mut at_least = 0usize;
    if let (Sample::Values(x), Sample::Values(y)) = (a, b) {
        let mut pooled: Vec<f64> = x.iter().chain(y).copied().collect();
        if let Some(mut levels) = levels(&pooled).filter(|l| places >= PLACES_PER_LEVEL * l.len()) {
            // The last level takes what is left without a draw: make it the most common one,
            // whose draw would take the most steps.
            levels.sort_by_key(|&(_, count)| count);
            let tables = Tables::new(pooled.len());
            for _ in 0..perm {
                let sum = level_draw(&levels, places as u64, &mut rng, &tables);
                let sum_a = if a_smaller { sum } else { total_sum - sum };
                at_least += usize::from(delta(sum_a, a_size).abs() >= cutoff);
            }
        } else {
            // The shuffle below on bare values: half the memory moved, no sizes to add.
            let n = pooled.len();
            for _ in 0..perm {
                let mut sum = 0.0;
                for i in 0..places {
                    let j = i + rng.below(n - i);
                    pooled.swap(i, j);
                    sum += pooled[i];
                }
                let sum_a = if a_smaller { sum } else { total_sum - sum };
                at_least += usize::from(delta(sum_a, a_size).abs() >= cutoff);
            }
        }
        return Some((at_least + 1) as f64 / (perm + 1) as f64);
    }
    let mut order = units;
    let n = order.len();
    for _ in 0..perm {
        let (mut sum, mut size) = (0.0, 0.0);
        for i in 0..places {
            let j = i + rng.below(n - i);
            order.swap(i, j);
            sum += order[i].0;
            size += order[i].1;
        }
        let (sum_a, size_a) = if a_smaller { (sum, size) } else { (total_sum - sum, total_size - size) };
        at_least += usize::from(delta(sum_a, size_a).abs() >= cutoff);
    }
    Some((at_least + 1) as f64 / (perm + 1) as f64)
}

/// What every hypergeometric draw over a pool of up to n items looks up: ln(k!) and 1/k for
/// k = 0..=n (1/0 is unused), so a step of the inversion multiplies instead of dividing.
pub(super) struct Tables {
    ln_fact: Vec<f64>,
    inverse: Vec<f64>,
}

impl Tables {
    pub(super) fn new(n: usize) -> Tables {
        let inverse = (0..=n).map(|k| if k == 0 { 0.0 } else { 1.0 / k as f64 }).collect();
        Tables { ln_fact: ln_factorials(n), inverse }
    }
}

/// The sum of `places` values drawn without replacement from the pool counted by `levels`.
fn level_draw(levels: &[(f64, u64)], places: u64, rng: &mut SplitMix64, tables: &Tables) -> f64 {
    let mut pool: u64 = levels.iter().map(|l| l.1).sum();
    let mut left = places;
    let mut sum = 0.0;
    for (i, &(value, count)) in levels.iter().enumerate() {
        let drawn = if i + 1 == levels.len() { left } else { hypergeometric(rng, pool, count, left, tables) };
        sum += value * drawn as f64;
        left -= drawn;
        pool -= count;
    }
    sum
}

/// One Hypergeometric(total, successes, draws) draw (successes among `draws` taken without
/// replacement from `total` items), by inversion outward from the mode with one uniform.
pub(super) fn hypergeometric(
    rng: &mut SplitMix64,
    total: u64,
    successes: u64,
    draws: u64,
    tables: &Tables,
) -> u64 {
    let (ln_fact, inverse) = (&tables.ln_fact, &tables.inverse);
    let u = rng.unit();
    let failures = total - successes;
    let low = draws.saturating_sub(failures);
    let high = draws.min(successes);
    if low >= high {
        return low;
    }
    let ln_choose = |n: u64, k: u64| ln_fact[n as usize] - ln_fact[k as usize] - ln_fact[(n - k) as usize];
    let mode =
        (((draws + 1) as f64 * (successes + 1) as f64 / (total + 2) as f64).floor() as u64).clamp(low, high);
    let f_mode =
        (ln_choose(successes, mode) + ln_choose(failures, draws - mode) - ln_choose(total, draws)).exp();
    let mut acc = f_mode;
    if u < acc {
        return mode;
    }
    let (mut lo, mut hi, mut f_lo, mut f_hi) = (mode, mode, f_mode, f_mode);
    while lo > low || hi < high {
        if lo > low {
            // f(k − 1) = f(k) · k (failures − draws + k) / ((successes − k + 1)(draws − k + 1))
            f_lo *= lo as f64
                * (failures + lo - draws) as f64
                * inverse[(successes - lo + 1) as usize]
                * inverse[(draws - lo + 1) as usize];
            lo -= 1;
            acc += f_lo;
            if u < acc {
                return lo;
            }
        }
        if hi < high {
            // f(k + 1) = f(k) · (successes − k)(draws − k) / ((k + 1)(failures − draws + k + 1))
            f_hi *= (successes - hi) as f64
                * (draws - hi) as f64
                * inverse[(hi + 1) as usize]
                * inverse[(failures + hi + 1 - draws) as usize];
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

/// Two-sided sign-flip permutation p-value of the mean of paired differences `d`: under no
/// difference each pair's sign is a fair coin. Draw order, from `SplitMix64::new(seed)`: with
/// at most 64 distinct non-zero |d| (judge scores; n / 16 from `describe::COUNTS_FROM` on) and at least [`PAIRS_PER_LEVEL`] pairs per
/// level, per permutation one Bin(c, ½) per level ascending (how many of its c pairs flip;
/// drawn as `bootstrap_mean_ci_by_counts` draws binomials); otherwise one `next_u64` per 64
/// non-zero differences, bit i flipping the i-th. `None` when `d` is empty or `perm` is 0.
pub fn sign_flip_p(d: &[f64], perm: usize, seed: u64) -> Option<f64> {
    if perm == 0 || d.is_empty() || d.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let observed: f64 = d.iter().sum::<f64>().abs();
    let magnitudes: Vec<f64> = d.iter().map(|x| x.abs()).filter(|&x| x > 0.0).collect();
    let cutoff = observed - TIE * magnitudes.iter().sum::<f64>();
    let mut at_least = 0usize;
    if let Some(levels) = levels(&magnitudes).filter(|l| magnitudes.len() >= PAIRS_PER_LEVEL * l.len()) {
        let ln_fact = ln_factorials(magnitudes.len());
        for _ in 0..perm {
            let sum: f64 = levels
                .iter()
                .map(|&(value, count)| {
                    value * (count as f64 - 2.0 * binomial(&mut rng, count, 0.5, &ln_fact) as f64)
                })
                .sum();
            at_least += usize::from(sum.abs() >= cutoff);
        }
    } else {
        for _ in 0..perm {
            let mut sum = 0.0;
            for chunk in magnitudes.chunks(64) {
                let bits = rng.next_u64();
                for (i, &x) in chunk.iter().enumerate() {
                    sum += if (bits >> i) & 1 == 1 { -x } else { x };
                }
            }
            at_least += usize::from(sum.abs() >= cutoff);
        }
    }
    Some((at_least + 1) as f64 / (perm + 1) as f64)
}
