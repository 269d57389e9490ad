//! How far apart the human and the judge score, on the score's own scale (Bland–Altman):
//! the mean difference human − judge (the bias) and the limits within which 95 % of the
//! differences are expected to fall.
//!
//! A correlation or a κ can be high while the judge scores every turn two points higher than
//! the human; these figures say by how much, and in which direction.

use serde::Serialize;

use crate::metrics::describe::{finite, mean};

/// Bland and Altman's 1.96: the limits are quoted with it in their 1986 paper and in most
/// reports since, so a reader can compare them as they are.
const LIMITS_Z: f64 = 1.96;

/// Bland–Altman limits of agreement of human − judge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LimitsOfAgreement {
    /// Mean of human − judge (positive: the human scores higher).
    pub bias: f64,
    /// Sample standard deviation of the differences (n − 1 in the denominator).
    pub sd: f64,
    /// bias − 1.96·sd.
    pub lower: f64,
    /// bias + 1.96·sd.
    pub upper: f64,
}

/// The differences `human[i] − judge[i]`; `None` for mismatched lengths or a non-finite value.
fn differences(human: &[f64], judge: &[f64]) -> Option<Vec<f64>> {
    if human.len() != judge.len() {
        return None;
    }
    human.iter().zip(judge).map(|(h, j)| finite(h - j)).collect()
}

/// The bias: mean of `human[i] − judge[i]`; `None` when empty (or mismatched / non-finite).
pub fn mean_difference(human: &[f64], judge: &[f64]) -> Option<f64> {
    mean(&differences(human, judge)?)
}

/// Bias, SD of the differences and bias ± 1.96·SD; `None` for fewer than two pairs (no SD),
/// mismatched lengths or a non-finite value.
pub fn limits_of_agreement(human: &[f64], judge: &[f64]) -> Option<LimitsOfAgreement> {
    let d = differences(human, judge)?;
    if d.len() < 2 {
        return None;
    }
    let bias = mean(&d)?;
    // Two passes: deviations from the mean, not Σx² − n·x̄², which cancels badly.
    let squares: f64 = d.iter().map(|x| (x - bias) * (x - bias)).sum();
    let sd = finite((squares / (d.len() - 1) as f64).sqrt())?;
    Some(LimitsOfAgreement { bias, sd, lower: bias - LIMITS_Z * sd, upper: bias + LIMITS_Z * sd })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::agreement::levels::tests::{HUMAN, JUDGE};
    use crate::metrics::agreement::{Figure, agreement};

    const TOL: f64 = 1e-9;

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= TOL
    }

    #[test]
    fn bias_and_limits_match_numpy() {
        // Python 3.11, numpy 2.4.6, on HUMAN and JUDGE of levels.rs's tests (25 pairs):
        //   d = H - J; bias = d.mean(); sd = d.std(ddof=1)
        //   -> bias -0.8476, sd 1.2657253519886005,
        //      bias - 1.96*sd = -3.328421689897657, bias + 1.96*sd = 1.633221689897657
        assert!(close(mean_difference(&HUMAN, &JUDGE).unwrap(), -0.8476));
        let limits = limits_of_agreement(&HUMAN, &JUDGE).unwrap();
        assert!(close(limits.bias, -0.8476), "{limits:?}");
        assert!(close(limits.sd, 1.265_725_351_988_600_5), "{limits:?}");
        assert!(close(limits.lower, -3.328_421_689_897_657), "{limits:?}");
        assert!(close(limits.upper, 1.633_221_689_897_657), "{limits:?}");
    }

    #[test]
    fn limits_by_hand() {
        // d = (2, 0, 1): bias 1, Σ(d − 1)² = 2, sd = √(2/2) = 1 → limits −0.96 and 2.96.
        let limits = limits_of_agreement(&[5.0, 3.0, 4.0], &[3.0, 3.0, 3.0]).unwrap();
        assert_eq!((limits.bias, limits.sd), (1.0, 1.0));
        assert!(close(limits.lower, -0.96) && close(limits.upper, 2.96), "{limits:?}");
        // The sign says who scores higher: here the judge, by 2 on every turn (sd 0).
        let judge_higher = limits_of_agreement(&[1.0, 4.0], &[3.0, 6.0]).unwrap();
        assert_eq!(judge_higher, LimitsOfAgreement { bias: -2.0, sd: 0.0, lower: -2.0, upper: -2.0 });
    }

    #[test]
    fn fewer_than_two_pairs_have_a_bias_but_no_limits() {
        assert_eq!(mean_difference(&[3.0], &[5.0]), Some(-2.0));
        assert_eq!(limits_of_agreement(&[3.0], &[5.0]), None);
        assert_eq!(mean_difference(&[], &[]), None);
        assert_eq!(limits_of_agreement(&[], &[]), None);
        assert_eq!(mean_difference(&[1.0, 2.0], &[1.0]), None);
        assert_eq!(limits_of_agreement(&[1.0, f64::NAN], &[1.0, 2.0]), None);
    }

    #[test]
    fn the_bias_figure_resamples_the_pairs_the_other_figures_resample() {
        // Python (numpy 2.4.6): the SplitMix64/Lemire transcription in rng.rs's tests, and
        //   def sm_boot(stat, n, B, seed):
        //       r = SM(seed); reps = []
        //       for _ in range(B):
        //           reps.append(stat([r.below(n) for _ in range(n)]))
        //       return np.percentile(reps, [2.5, 97.5])
        //   sm_boot(lambda idx: d[idx].mean(), 25, 200, 2024)
        //   -> [-1.3399999999999999, -0.3472899999999998]
        let got = agreement(&HUMAN, &JUDGE, 5.0, 200, 2024);
        let (lo, hi) = got.bias.ci.unwrap();
        assert!(close(got.bias.value.unwrap(), -0.8476));
        assert!(close(lo, -1.34) && close(hi, -0.347_289_999_999_999_8), "({lo}, {hi})");
        assert_eq!(got.limits_of_agreement, limits_of_agreement(&HUMAN, &JUDGE));
    }

    #[test]
    fn the_bias_interval_agrees_with_numpy_s_own_bootstrap_within_monte_carlo_error() {
        // numpy 2.4.6, its own generator (independent of SplitMix64):
        //   rng = np.random.default_rng(1); idx = rng.integers(0, 25, size=(20000, 25))
        //   np.percentile(d[idx].mean(axis=1), [2.5, 97.5]) -> [-1.328, -0.36]
        // Over 200 more seeds each endpoint's SD at B = 20000 is 0.0041 and 0.0059, so two
        // independent runs differ by SD ≤ √2·0.0059 = 0.0083; 0.04 is about 5 of those.
        let got = agreement(&HUMAN, &JUDGE, 5.0, 20_000, 7);
        let (lo, hi) = got.bias.ci.unwrap();
        assert!((lo - -1.328).abs() < 0.04 && (hi - -0.36).abs() < 0.04, "({lo}, {hi})");
        let bias = got.bias.value.unwrap();
        assert!(lo < bias && bias < hi);
    }

    #[test]
    fn a_constant_difference_has_a_point_interval_and_no_pairs_no_figure() {
        // Every resample of a constant difference has that mean: the CI is the point.
        let got = agreement(&[1.0, 4.0, 6.0], &[3.0, 6.0, 8.0], 5.0, 100, 1);
        assert_eq!(got.bias, Figure { value: Some(-2.0), ci: Some((-2.0, -2.0)) });
        let empty = agreement(&[], &[], 5.0, 100, 1);
        assert_eq!(empty.bias, Figure { value: None, ci: None });
        assert_eq!(empty.limits_of_agreement, None);
    }
}
