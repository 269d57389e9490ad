//! Descriptive statistics: mean, percentiles, Wilson score intervals, and Newcombe's interval
//! of a difference of two proportions (built from the two Wilson intervals).
//!
//! The percentile bootstrap ([`bootstrap_ci`], [`bootstrap_mean_ci`]) lives in a submodule
//! and is re-exported here, so callers see one namespace for "a number and its interval".

mod bootstrap;
mod multinomial;

pub use bootstrap::{bootstrap_ci, bootstrap_mean_ci, bootstrap_mean_cis};
pub use multinomial::{COUNTS_FROM, bootstrap_mean_ci_by_counts};
pub(crate) use multinomial::{binomial, level_mean_replicates, levels};

/// Two-sided 95 % standard-normal quantile z = Φ⁻¹(0.975) (as `scipy.stats.norm.ppf(0.975)`).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// `Some(x)` when `x` is finite, otherwise `None`: the guard that keeps NaN out of results.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Arithmetic mean Σxᵢ / n; `None` when empty or when the result is not finite.
///
/// Computed as x₀ + Σ(xᵢ − x₀) / n, which equals the textbook formula but returns a
/// constant input exactly (the mean of `[0.1; 3]` is `0.1`, not `0.10000000000000002`).
pub fn mean(xs: &[f64]) -> Option<f64> {
    let (&first, rest) = xs.split_first()?;
    let shifted: f64 = rest.iter().map(|x| x - first).sum();
    finite(first + shifted / xs.len() as f64)
}

/// p-th percentile (p in [0, 100]) of ascending `sorted`, interpolating linearly between
/// closest ranks: with h = (n − 1)·p/100, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎).
///
/// This is numpy's default `method="linear"`, down to its rounding (numpy's `_lerp`, which
/// interpolates from the upper neighbour when the fraction is ≥ 0.5). `None` when `sorted` is
/// empty, contains a non-finite value or is not ascending, or when p is outside [0, 100].
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    if sorted.iter().any(|x| !x.is_finite()) || sorted.windows(2).any(|w| w[0] > w[1]) {
        return None;
    }
    let last = sorted.len() - 1;
    let h = last as f64 * (p / 100.0);
    let below = h.floor();
    let fraction = h - below;
    // 0 <= below <= last, so the cast is exact and the lookups succeed.
    let lower_index = below as usize;
    let lower = *sorted.get(lower_index)?;
    let upper = *sorted.get((lower_index + 1).min(last))?;
    let gap = upper - lower;
    let value = if fraction >= 0.5 { upper - gap * (1.0 - fraction) } else { lower + gap * fraction };
    finite(value)
}

/// 95 % Wilson score interval for a proportion k/n, clamped to [0, 1]: with p̂ = k/n and
/// z = [`Z_95`], (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
///
/// `None` when `n == 0` or `successes > n`. The lower end is exactly 0 when k = 0 and the
/// upper end exactly 1 when k = n (the formula's values there, free of rounding residue).
pub fn wilson_ci(successes: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 || successes > n {
        return None;
    }
    let trials = n as f64;
    let p_hat = successes as f64 / trials;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / trials;
    let centre = (p_hat + z2 / (2.0 * trials)) / denominator;
    let half_width =
        Z_95 * (p_hat * (1.0 - p_hat) / trials + z2 / (4.0 * trials * trials)).sqrt() / denominator;
    let low = if successes == 0 { 0.0 } else { (centre - half_width).clamp(0.0, 1.0) };
    let high = if successes == n { 1.0 } else { (centre + half_width).clamp(0.0, 1.0) };
    Some((finite(low)?, finite(high)?))
}

/// 95 % interval of the difference of two independent proportions k₁/n₁ − k₂/n₂ by Newcombe's
/// hybrid score method (his method 10, 1998; statsmodels'
/// `confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")`): with the
/// two Wilson intervals (l₁, u₁) and (l₂, u₂) and d = p̂₁ − p̂₂, the interval is
/// (d − √((p̂₁ − l₁)² + (u₂ − p̂₂)²), d + √((u₁ − p̂₁)² + (p̂₂ − l₂)²)).
///
/// `None` when either side has no trials.
pub fn newcombe_diff_ci(k1: usize, n1: usize, k2: usize, n2: usize) -> Option<(f64, f64)> {
    let (l1, u1) = wilson_ci(k1, n1)?;
    let (l2, u2) = wilson_ci(k2, n2)?;
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let d = p1 - p2;
    let low = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let high = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((finite(low)?, finite(high)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-12;

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= TOL)
    }

    fn close_pair(got: Option<(f64, f64)>, want: (f64, f64)) -> bool {
        got.is_some_and(|(lo, hi)| (lo - want.0).abs() <= TOL && (hi - want.1).abs() <= TOL)
    }

    // Reference sample for mean and percentile; numpy 2.4.6:
    //   xs = [3, 7, 1, 9, 4, 4, 10]; np.mean(xs) -> 5.428571428571429
    //   np.percentile(sorted(xs), p) for p in [0, 2.5, 10, 25, 50, 62.5, 90, 97.5, 100]
    //   -> 1.0, 1.3, 2.2, 3.5, 4.0, 6.25, 9.4, 9.85, 10.0
    const SAMPLE: [f64; 7] = [3.0, 7.0, 1.0, 9.0, 4.0, 4.0, 10.0];
    const SORTED: [f64; 7] = [1.0, 3.0, 4.0, 4.0, 7.0, 9.0, 10.0];

    #[test]
    fn mean_of_sample() {
        // 38 / 7 = 5.428571428571429
        assert!(close(mean(&SAMPLE), 38.0 / 7.0));
        assert!(close(mean(&SAMPLE), 5.428_571_428_571_429));
    }

    #[test]
    fn mean_edge_cases() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[2.5]), Some(2.5));
        assert_eq!(mean(&[0.1, 0.1, 0.1]), Some(0.1));
        assert_eq!(mean(&[-1.0, 1.0]), Some(0.0));
        assert_eq!(mean(&[1.0, f64::NAN]), None);
        assert_eq!(mean(&[f64::INFINITY, 1.0]), None);
    }

    #[test]
    fn percentile_matches_numpy_linear() {
        let cases = [
            (0.0, 1.0),
            (2.5, 1.3),   // h = 6·0.025 = 0.15 → 1 + 0.15·(3 − 1)
            (10.0, 2.2),  // h = 0.6 → 3 − 0.4·(3 − 1)
            (25.0, 3.5),  // h = 1.5 → 4 − 0.5·(4 − 3)
            (50.0, 4.0),  // h = 3 → x₃ = 4
            (62.5, 6.25), // h = 3.75 → 7 − 0.25·(7 − 4)
            (90.0, 9.4),  // h = 5.4 → 9 + 0.4·(10 − 9)
            (97.5, 9.85), // h = 5.85 → 10 − 0.15·(10 − 9)
            (100.0, 10.0),
        ];
        for (p, want) in cases {
            assert!(close(percentile(&SORTED, p), want), "p = {p}");
        }
    }

    #[test]
    fn percentile_two_points() {
        // np.percentile([1.5, 2.0], p) for p in [0, 2.5, 50, 97.5, 100, 33.3]
        // -> 1.5, 1.5125, 1.75, 1.9875, 2.0, 1.6665
        let two = [1.5, 2.0];
        for (p, want) in
            [(0.0, 1.5), (2.5, 1.5125), (50.0, 1.75), (97.5, 1.9875), (100.0, 2.0), (33.3, 1.6665)]
        {
            assert!(close(percentile(&two, p), want), "p = {p}");
        }
    }

    #[test]
    fn percentile_reproduces_numpy_bit_for_bit() {
        // numpy interpolates from the upper neighbour when the fraction is >= 0.5, which can
        // differ in the last bit from lower + gap·fraction (here 0.6825 and 2.1):
        //   np.percentile([0.0, 0.7], 97.5) -> 0.6824999999999999
        //   np.percentile([0.0, 3.5], 60)   -> 2.0999999999999996
        assert_eq!(percentile(&[0.0, 0.7], 97.5), Some(0.682_499_999_999_999_9));
        assert_eq!(percentile(&[0.0, 3.5], 60.0), Some(2.099_999_999_999_999_6));
        // At a fraction of exactly 0.5 numpy also takes the upper form:
        //   np.percentile([-5.67, 0.94], 50) -> -2.3649999999999998 (lower form: -2.365)
        assert_eq!(percentile(&[-5.67, 0.94], 50.0), Some(-2.364_999_999_999_999_8));
    }

    #[test]
    fn percentile_edge_cases() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[4.0], 0.0), Some(4.0));
        assert_eq!(percentile(&[4.0], 97.5), Some(4.0));
        assert_eq!(percentile(&[2.0, 2.0, 2.0], 2.5), Some(2.0));
        assert_eq!(percentile(&SORTED, -0.1), None);
        assert_eq!(percentile(&SORTED, 100.1), None);
        assert_eq!(percentile(&SORTED, f64::NAN), None);
        assert_eq!(percentile(&SAMPLE, 50.0), None, "unsorted input");
        assert_eq!(percentile(&[1.0, f64::NAN], 50.0), None);
        assert_eq!(percentile(&[1.0, f64::INFINITY], 50.0), None);
    }

    #[test]
    fn wilson_by_hand_three_of_ten() {
        // p̂ = 0.3, z² = 3.841458820694124, denominator = 1.3841458820694124,
        // centre = (0.3 + 0.1920729410347062) / 1.38414588.. = 0.35550657..,
        // half = 1.95996·√(0.021 + 0.00960365) / 1.38414588.. = 0.24771531..,
        // → (0.10779127, 0.60322185); statsmodels agrees to the last digit (below).
        assert!(close_pair(wilson_ci(3, 10), (0.107_791_267_406_301_04, 0.603_221_852_538_854_6)));
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels 0.15.0: proportion_confint(k, n, alpha=0.05, method="wilson")
        let cases = [
            ((0, 10), (0.0, 0.277_532_799_862_889_26)),
            ((10, 10), (0.722_467_200_137_110_6, 1.0)),
            ((1, 1), (0.206_549_314_377_237_4, 1.0)),
            ((0, 1), (0.0, 0.793_450_685_622_762_7)),
            ((37, 120), (0.232_727_369_889_162_98, 0.395_829_977_238_006_84)),
            ((5, 5), (0.565_517_535_216_825_2, 1.0)),
        ];
        for ((k, n), want) in cases {
            assert!(close_pair(wilson_ci(k, n), want), "{k}/{n}");
        }
    }

    #[test]
    fn wilson_edge_cases() {
        assert_eq!(wilson_ci(0, 0), None);
        assert_eq!(wilson_ci(4, 3), None);
        // The extremes are pinned exactly, not merely within rounding of 0 and 1.
        assert_eq!(wilson_ci(0, 7).map(|ci| ci.0), Some(0.0));
        assert_eq!(wilson_ci(7, 7).map(|ci| ci.1), Some(1.0));
    }

    #[test]
    fn newcombe_matches_his_table_and_statsmodels() {
        // Newcombe (1998), Statistics in Medicine 17:873, Table II, method 10, to 4 decimals;
        // the full digits are statsmodels 0.15.0's
        // confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff").
        let cases = [
            ((56, 70, 48, 80), (0.052_431_472_402_364_98, 0.333_872_654_036_906_14)),
            ((9, 10, 3, 10), (0.170_522_723_934_502_9, 0.809_017_973_535_488)),
            ((6, 7, 2, 7), (0.058_227_927_482_312_09, 0.806_249_637_524_227_8)),
            ((5, 56, 0, 29), (-0.038_137_147_903_536_936, 0.192_560_013_855_111_65)),
            ((0, 10, 0, 20), (-0.161_125_158_052_819_4, 0.277_532_799_862_889_26)),
            ((0, 10, 0, 10), (-0.277_532_799_862_889_26, 0.277_532_799_862_889_26)),
            ((10, 10, 0, 20), (0.679_086_037_141_914_5, 1.0)),
            ((3, 75, 37, 75), (-0.567_098_870_394_562_6, -0.322_311_310_696_191_46)),
        ];
        for ((k1, n1, k2, n2), want) in cases {
            let got = newcombe_diff_ci(k1, n1, k2, n2);
            assert!(
                got.is_some_and(|(lo, hi)| (lo - want.0).abs() < 1e-12 && (hi - want.1).abs() < 1e-12),
                "{k1}/{n1} - {k2}/{n2}: {got:?} vs {want:?}"
            );
        }
        assert_eq!(newcombe_diff_ci(1, 0, 1, 2), None);
        assert_eq!(newcombe_diff_ci(1, 2, 0, 0), None);
    }
}
