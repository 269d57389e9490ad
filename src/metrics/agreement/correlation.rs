//! Distance and correlation between paired scores: MAE, Pearson's r, Spearman's ρ.
//!
//! All three take the human scores and the judge scores as two slices of equal length (item i
//! pairs `human[i]` with `judge[i]`) and return `None` for mismatched lengths or any
//! non-finite value, never NaN.

use crate::metrics::describe::{finite, mean};

/// Both slices when they pair up (equal length) and hold only finite values.
fn finite_pairs<'a>(x: &'a [f64], y: &'a [f64]) -> Option<(&'a [f64], &'a [f64])> {
    let all_finite = x.iter().chain(y).all(|v| v.is_finite());
    (x.len() == y.len() && all_finite).then_some((x, y))
}

/// Mean absolute error Σ|hᵢ − jᵢ| / n; `None` when empty (or mismatched / non-finite).
pub fn mae(human: &[f64], judge: &[f64]) -> Option<f64> {
    let (h, j) = finite_pairs(human, judge)?;
    let errors: Vec<f64> = h.iter().zip(j).map(|(a, b)| (a - b).abs()).collect();
    mean(&errors)
}

/// Pearson's r = Σ(xᵢ − x̄)(yᵢ − ȳ) / √(Σ(xᵢ − x̄)² · Σ(yᵢ − ȳ)²); `None` for n < 2 or zero variance.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let (x, y) = finite_pairs(x, y)?;
    if x.len() < 2 {
        return None;
    }
    let (x_mean, y_mean) = (mean(x)?, mean(y)?);
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - x_mean, b - y_mean);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    // A constant input has exactly zero deviations (see `mean`), so this test is exact.
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    // Rounding can push |r| a hair past 1; the true value cannot exceed it.
    finite((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// Spearman's ρ: Pearson's r of the ranks, tied values sharing their average rank;
/// `None` for n < 2 or when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (x, y) = finite_pairs(x, y)?;
    pearson(&average_ranks(x), &average_ranks(y))
}

/// 1-based ranks where each run of equal values gets the mean of the ranks it spans.
fn average_ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut ranks = vec![0.0; xs.len()];
    let mut start = 0;
    while start < order.len() {
        let value = xs[order[start]];
        let end =
            order[start..].iter().position(|&i| xs[i] != value).map_or(order.len(), |offset| start + offset);
        // Positions start..end hold ranks start+1 ..= end; their mean is (start + 1 + end) / 2.
        let shared = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = shared;
        }
        start = end;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-12;

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= TOL)
    }

    // References: scipy 1.17.1 pearsonr / spearmanr, scikit-learn 1.9.1 mean_absolute_error.
    //   h = [0, 2, 5, 5, 7, 10, 3, 8]; j = [1, 2, 6, 4, 7, 9, 3, 10]
    //   -> mae 0.75, pearson 0.9505002260280274, spearman 0.9700772721497398
    const H: [f64; 8] = [0.0, 2.0, 5.0, 5.0, 7.0, 10.0, 3.0, 8.0];
    const J: [f64; 8] = [1.0, 2.0, 6.0, 4.0, 7.0, 9.0, 3.0, 10.0];

    #[test]
    fn mae_by_hand_and_reference() {
        // |0−1| + 0 + |5−6| + |5−4| + 0 + |10−9| + 0 + |8−10| = 1+1+1+1+2 = 6; 6 / 8 = 0.75
        assert!(close(mae(&H, &J), 0.75));
    }

    #[test]
    fn pearson_and_spearman_match_scipy() {
        assert!(close(pearson(&H, &J), 0.950_500_226_028_027_4));
        assert!(close(spearman(&H, &J), 0.970_077_272_149_739_8));
    }

    #[test]
    fn ties_on_both_sides_match_scipy() {
        // a = [1, 2, 2, 3, 3, 3, 0, 9]; b = [2, 1, 2, 3, 3, 4, 4, 4]
        // -> pearson 0.37060747147524986, spearman 0.36306468960955884, mae 1.5
        let a = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 0.0, 9.0];
        let b = [2.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 4.0];
        assert!(close(pearson(&a, &b), 0.370_607_471_475_249_86));
        assert!(close(spearman(&a, &b), 0.363_064_689_609_558_84));
        assert!(close(mae(&a, &b), 1.5));
    }

    #[test]
    fn negative_association_matches_scipy() {
        // x = [0.5, 1.5, 2.0, 7.25, 3.0]; y = [9.0, 8.0, 8.0, 1.0, 4.5]
        // -> pearson -0.9667747416451288, spearman -0.9746794344808964, mae 5.75
        let x = [0.5, 1.5, 2.0, 7.25, 3.0];
        let y = [9.0, 8.0, 8.0, 1.0, 4.5];
        assert!(close(pearson(&x, &y), -0.966_774_741_645_128_8));
        assert!(close(spearman(&x, &y), -0.974_679_434_480_896_4));
        assert!(close(mae(&x, &y), 5.75));
    }

    #[test]
    fn pearson_by_hand() {
        // x̄ = ȳ = 2; dx = (−1, 0, 1), dy = (−1, 1, 0); Σdxdy = 1, Σdx² = Σdy² = 2 → r = 1/2
        assert!(close(pearson(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]), 0.5));
    }

    #[test]
    fn spearman_by_hand_with_a_tie() {
        // ranks x = (1, 2.5, 2.5, 4), y = (1, 3, 2, 4); both means 2.5;
        // dx = (−1.5, 0, 0, 1.5), dy = (−1.5, 0.5, −0.5, 1.5): Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5
        // ρ = 4.5 / √22.5 = 3/√10 = 0.9486832980505138
        let rho = spearman(&[1.0, 2.0, 2.0, 4.0], &[1.0, 3.0, 2.0, 4.0]);
        assert!(close(rho, 3.0 / 10f64.sqrt()));
    }

    #[test]
    fn average_ranks_share_ties() {
        assert_eq!(average_ranks(&[3.0, 1.0, 3.0, 2.0, 3.0]), [4.0, 1.0, 4.0, 2.0, 4.0]);
        assert_eq!(average_ranks(&[5.0, 5.0]), [1.5, 1.5]);
        assert_eq!(average_ranks(&[]), Vec::<f64>::new());
    }

    #[test]
    fn perfect_and_perfectly_reversed() {
        let x = [1.0, 2.0, 4.0, 8.0];
        assert!(close(pearson(&x, &x), 1.0));
        assert!(close(spearman(&x, &[0.0, 1.0, 2.0, 100.0]), 1.0));
        assert!(close(spearman(&x, &[9.0, 7.0, 3.0, 1.0]), -1.0));
        assert_eq!(mae(&x, &x), Some(0.0));
    }

    #[test]
    fn undefined_cases_are_none() {
        // Empty input: nothing is defined.
        assert_eq!(mae(&[], &[]), None);
        assert_eq!(pearson(&[], &[]), None);
        assert_eq!(spearman(&[], &[]), None);
        // One pair: MAE exists, correlations do not.
        assert_eq!(mae(&[3.0], &[5.0]), Some(2.0));
        assert_eq!(pearson(&[3.0], &[5.0]), None);
        assert_eq!(spearman(&[3.0], &[5.0]), None);
        // Zero variance on either side (all-equal scores).
        assert_eq!(pearson(&[4.0, 4.0, 4.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[0.1, 0.1, 0.1]), None);
        assert_eq!(spearman(&[7.0, 7.0], &[1.0, 2.0]), None);
        assert_eq!(mae(&[4.0, 4.0], &[4.0, 4.0]), Some(0.0));
        // Mismatched lengths and non-finite values.
        assert_eq!(mae(&[1.0, 2.0], &[1.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[1.0, 2.0]), None);
        assert_eq!(pearson(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[1.0, f64::INFINITY, 3.0]), None);
        assert_eq!(mae(&[f64::NAN], &[1.0]), None);
    }
}
