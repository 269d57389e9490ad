//! Chance-corrected agreement on categories: quadratic-weighted and binary Cohen's κ.
//!
//! Both κ are computed from integer counts, so "the denominator is zero" is an exact test and
//! perfect (or perfectly reversed) agreement comes out as exactly 1 (or −1).

use serde::Serialize;

/// Nearest integer with halves rounded towards +∞ (2.5 → 3, 0.5 → 1, −2.5 → −2); NaN → 0,
/// ±∞ and out-of-range values saturate to `i64::MIN` / `i64::MAX`.
pub fn round_half_up(x: f64) -> i64 {
    let floor = x.floor();
    // x − ⌊x⌋ is computed exactly whenever it is below 0.5, so halves are never misjudged
    // (unlike ⌊x + 0.5⌋, which sends 0.49999999999999994 to 1).
    let rounded = if x - floor >= 0.5 { floor + 1.0 } else { floor };
    rounded as i64
}

/// A 0–10 score as its category: [`round_half_up`] clamped to 0..=10.
pub fn score_category(score: f64) -> i64 {
    round_half_up(score).clamp(0, 10)
}

/// Quadratic-weighted Cohen's κ = 1 − Σ wᵢⱼ·Oᵢⱼ / Σ wᵢⱼ·Eᵢⱼ with wᵢⱼ = (i − j)²/(k − 1)²,
/// O the observed and E the chance-expected (row × column marginals / n) contingency counts.
///
/// Ratings must lie in `0..categories` (11 for scores 0..=10). `None` when the slices are
/// empty or differ in length, a rating is out of range, `categories < 2`, or Σ w·E = 0
/// (both raters used one and the same category throughout).
pub fn cohen_kappa_quadratic(a: &[i64], b: &[i64], categories: usize) -> Option<f64> {
    if a.is_empty() || a.len() != b.len() || categories < 2 {
        return None;
    }
    let k = i128::try_from(categories).ok()?;
    // The (k − 1)² normalisation cancels in the ratio, and the weighted sums reduce to moments:
    //   Σᵢⱼ (i − j)² Oᵢⱼ = Σₜ (aₜ − bₜ)²
    //   n·Σᵢⱼ (i − j)² Eᵢⱼ = Σᵢⱼ (i − j)² rᵢ cⱼ = n·Σa² − 2·Σa·Σb + n·Σb²
    // so κ = (D_E − n·D_O) / D_E with both terms exact integers (no k×k table needed).
    let (mut sum_a, mut sum_b, mut sum_a2, mut sum_b2) = (0i128, 0i128, 0i128, 0i128);
    let mut observed = 0i128;
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (i128::from(x), i128::from(y));
        if !(0..k).contains(&x) || !(0..k).contains(&y) {
            return None;
        }
        sum_a = sum_a.checked_add(x)?;
        sum_b = sum_b.checked_add(y)?;
        sum_a2 = sum_a2.checked_add(x.checked_mul(x)?)?;
        sum_b2 = sum_b2.checked_add(y.checked_mul(y)?)?;
        observed = observed.checked_add((x - y).checked_mul(x - y)?)?;
    }
    let n = i128::try_from(a.len()).ok()?;
    let expected =
        n.checked_mul(sum_a2.checked_add(sum_b2)?)?.checked_sub(sum_a.checked_mul(sum_b)?.checked_mul(2)?)?;
    if expected == 0 {
        return None;
    }
    let numerator = expected.checked_sub(n.checked_mul(observed)?)?;
    Some(numerator as f64 / expected as f64)
}

/// 2×2 table of human versus judge "high" (≥ threshold) calls, one count per item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BinaryConfusion {
    /// Items both human and judge called high.
    pub both_high: usize,
    /// Items the human called high and the judge low (judge misses).
    pub human_high_judge_low: usize,
    /// Items the human called low and the judge high (judge false alarms).
    pub human_low_judge_high: usize,
    /// Items both called low.
    pub both_low: usize,
}

impl BinaryConfusion {
    /// Table of paired calls (`human_high[i]`, `judge_high[i]`); `None` when the lengths differ.
    pub fn from_calls(human_high: &[bool], judge_high: &[bool]) -> Option<Self> {
        if human_high.len() != judge_high.len() {
            return None;
        }
        let mut table = Self::default();
        for (&human, &judge) in human_high.iter().zip(judge_high) {
            match (human, judge) {
                (true, true) => table.both_high += 1,
                (true, false) => table.human_high_judge_low += 1,
                (false, true) => table.human_low_judge_high += 1,
                (false, false) => table.both_low += 1,
            }
        }
        Some(table)
    }

    /// Number of items in the table.
    pub fn total(&self) -> usize {
        self.both_high + self.human_high_judge_low + self.human_low_judge_high + self.both_low
    }

    /// Cohen's κ = (p_o − p_e) / (1 − p_e) of this table; `None` when p_e = 1 (or the table is empty).
    ///
    /// p_o = (both_high + both_low)/n; p_e = P(human high)·P(judge high) + P(human low)·P(judge low).
    /// Multiplied through by n², κ = (n·agree − S) / (n² − S) with S = hₕ·jₕ + hₗ·jₗ, all integers.
    pub fn kappa(&self) -> Option<f64> {
        let count = |c: usize| i128::try_from(c).ok();
        let (hh, hl, lh, ll) = (
            count(self.both_high)?,
            count(self.human_high_judge_low)?,
            count(self.human_low_judge_high)?,
            count(self.both_low)?,
        );
        // Each count is below 2^64, so these sums cannot overflow an i128.
        let n = hh + hl + lh + ll;
        let (human_high, judge_high) = (hh + hl, hh + lh);
        let chance =
            human_high.checked_mul(judge_high)?.checked_add((n - human_high).checked_mul(n - judge_high)?)?;
        let denominator = n.checked_mul(n)?.checked_sub(chance)?;
        if denominator == 0 {
            return None;
        }
        let numerator = n.checked_mul(hh + ll)?.checked_sub(chance)?;
        Some(numerator as f64 / denominator as f64)
    }
}

/// Unweighted Cohen's κ of two raters' yes/no calls, (p_o − p_e) / (1 − p_e) (see [`BinaryConfusion::kappa`]);
/// `None` when empty, lengths differ, or both raters made one and the same call throughout.
pub fn cohen_kappa_binary(a: &[bool], b: &[bool]) -> Option<f64> {
    BinaryConfusion::from_calls(a, b)?.kappa()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOL: f64 = 1e-12;

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= TOL)
    }

    #[test]
    fn round_half_up_cases() {
        assert_eq!(round_half_up(2.5), 3);
        assert_eq!(round_half_up(0.5), 1);
        assert_eq!(round_half_up(1.5), 2);
        assert_eq!(round_half_up(2.4999999999), 2);
        assert_eq!(round_half_up(0.499_999_999_999_999_94), 0);
        assert_eq!(round_half_up(7.0), 7);
        assert_eq!(round_half_up(9.5), 10);
        assert_eq!(round_half_up(-0.5), 0);
        assert_eq!(round_half_up(-2.5), -2);
        assert_eq!(round_half_up(-2.6), -3);
        assert_eq!(round_half_up(f64::NAN), 0);
        assert_eq!(round_half_up(f64::INFINITY), i64::MAX);
    }

    #[test]
    fn score_category_clamps_to_the_scale() {
        assert_eq!(score_category(4.5), 5);
        assert_eq!(score_category(4.49), 4);
        assert_eq!(score_category(10.5), 10);
        assert_eq!(score_category(-0.7), 0);
    }

    #[test]
    fn quadratic_kappa_by_hand() {
        // k = 3, a = (0, 1, 2), b = (0, 2, 1): O has one count at (0,0), (1,2), (2,1) → Σd²O = 0+1+1 = 2.
        // Marginals all 1, so E = 1/3 everywhere: ΣwE ∝ Σᵢⱼ(i−j)²/3 = (0+1+4+1+0+1+4+1+0)/3 = 4.
        // κ = 1 − 2/4 = 0.5 (sklearn: 0.4999999999999999).
        assert!(close(cohen_kappa_quadratic(&[0, 1, 2], &[0, 2, 1], 3), 0.5));
    }

    #[test]
    fn quadratic_kappa_matches_sklearn() {
        // scikit-learn 1.9.1: cohen_kappa_score(a, b, weights="quadratic", labels=list(range(11)))
        //   a = [0, 2, 5, 5, 7, 10, 3, 8],       b = [1, 2, 6, 4, 7, 9, 3, 10]       -> 0.9473684210526316
        //   a = [1, 2, 2, 3, 3, 3, 0, 9, 5, 5], b = [2, 1, 2, 3, 3, 4, 4, 4, 10, 0] -> 0.24315619967793878
        assert!(close(
            cohen_kappa_quadratic(&[0, 2, 5, 5, 7, 10, 3, 8], &[1, 2, 6, 4, 7, 9, 3, 10], 11),
            0.947_368_421_052_631_6
        ));
        assert!(close(
            cohen_kappa_quadratic(&[1, 2, 2, 3, 3, 3, 0, 9, 5, 5], &[2, 1, 2, 3, 3, 4, 4, 4, 10, 0], 11),
            0.243_156_199_677_938_78
        ));
    }

    #[test]
    fn quadratic_kappa_negative_and_perfect() {
        // a = (0, 10, 0, 10), b = (10, 0, 10, 0): Σd²O = 4·100 = 400; marginals 2 and 2 on both
        // sides, Σd²rc = 100·2·2 (cell 0,10) + 100·2·2 (cell 10,0) = 800; κ = 1 − 4·400/800 = −1.
        assert_eq!(cohen_kappa_quadratic(&[0, 10, 0, 10], &[10, 0, 10, 0], 11), Some(-1.0));
        // sklearn: -0.9999999999999996 for a full reversal of 2..=6; exact here.
        assert_eq!(cohen_kappa_quadratic(&[2, 3, 4, 5, 6], &[6, 5, 4, 3, 2], 11), Some(-1.0));
        assert_eq!(cohen_kappa_quadratic(&[0, 3, 3, 9], &[0, 3, 3, 9], 11), Some(1.0));
    }

    #[test]
    fn quadratic_kappa_degenerate_cases() {
        // Both raters used the single category 5: Σ w·E = 0 (sklearn returns nan).
        assert_eq!(cohen_kappa_quadratic(&[5, 5, 5], &[5, 5, 5], 11), None);
        // One rater constant, the other not: defined, and O = E, so κ = 0 (sklearn: 0.0).
        assert_eq!(cohen_kappa_quadratic(&[5, 5, 5, 5], &[3, 5, 6, 9], 11), Some(0.0));
        assert_eq!(cohen_kappa_quadratic(&[], &[], 11), None);
        assert_eq!(cohen_kappa_quadratic(&[1, 2], &[1], 11), None);
        assert_eq!(cohen_kappa_quadratic(&[1, 11], &[1, 2], 11), None);
        assert_eq!(cohen_kappa_quadratic(&[1, -1], &[1, 2], 11), None);
        assert_eq!(cohen_kappa_quadratic(&[0, 0], &[0, 0], 1), None);
        // A single item is defined when the two ratings differ (E spreads over two cells).
        assert_eq!(cohen_kappa_quadratic(&[2], &[4], 11), Some(0.0));
    }

    /// The textbook k×k form, kept deliberately naive, to check the moment form against.
    fn quadratic_kappa_by_tables(a: &[i64], b: &[i64], k: usize) -> Option<f64> {
        let n = a.len() as f64;
        let mut observed = vec![vec![0.0; k]; k];
        let (mut rows, mut cols) = (vec![0.0; k], vec![0.0; k]);
        for (&x, &y) in a.iter().zip(b) {
            observed[x as usize][y as usize] += 1.0;
            rows[x as usize] += 1.0;
            cols[y as usize] += 1.0;
        }
        let (mut wo, mut we) = (0.0, 0.0);
        for i in 0..k {
            for j in 0..k {
                let w = ((i as f64 - j as f64) / (k as f64 - 1.0)).powi(2);
                wo += w * observed[i][j];
                we += w * rows[i] * cols[j] / n;
            }
        }
        (we != 0.0).then(|| 1.0 - wo / we)
    }

    proptest! {
        #[test]
        fn quadratic_kappa_equals_the_table_definition(
            pairs in prop::collection::vec((0i64..11, 0i64..11), 1..60)
        ) {
            let (a, b): (Vec<i64>, Vec<i64>) = pairs.into_iter().unzip();
            let fast = cohen_kappa_quadratic(&a, &b, 11);
            let slow = quadratic_kappa_by_tables(&a, &b, 11);
            prop_assert_eq!(fast.is_some(), slow.is_some());
            if let (Some(f), Some(s)) = (fast, slow) {
                prop_assert!((f - s).abs() < 1e-9, "{} vs {}", f, s);
            }
        }
    }

    #[test]
    fn confusion_counts_each_cell() {
        let human = [true, true, false, false, true];
        let judge = [true, false, true, false, true];
        assert_eq!(
            BinaryConfusion::from_calls(&human, &judge),
            Some(BinaryConfusion {
                both_high: 2,
                human_high_judge_low: 1,
                human_low_judge_high: 1,
                both_low: 1,
            })
        );
        assert_eq!(BinaryConfusion::from_calls(&[true], &[]), None);
    }

    #[test]
    fn binary_kappa_by_hand() {
        // Table 20 / 5 / 10 / 15, n = 50: p_o = 35/50 = 0.7; human high 25/50, judge high 30/50;
        // p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4 (sklearn: 0.4).
        let table = BinaryConfusion {
            both_high: 20,
            human_high_judge_low: 5,
            human_low_judge_high: 10,
            both_low: 15,
        };
        assert!(close(table.kappa(), 0.4));
        // x = TFTTFTF, y = TTFTFFF: agree 4 of 7; highs 4 and 3; S = 4·3 + 3·4 = 24;
        // κ = (7·4 − 24)/(49 − 24) = 4/25 = 0.16 (sklearn: 0.15999999999999992).
        let x = [true, false, true, true, false, true, false];
        let y = [true, true, false, true, false, false, false];
        assert!(close(cohen_kappa_binary(&x, &y), 0.16));
    }

    #[test]
    fn binary_kappa_extremes() {
        assert_eq!(cohen_kappa_binary(&[true, false], &[false, true]), Some(-1.0));
        assert_eq!(cohen_kappa_binary(&[true, false, false], &[true, false, false]), Some(1.0));
        // Both raters made the same single call throughout: p_e = 1, κ undefined.
        assert_eq!(cohen_kappa_binary(&[true; 4], &[true; 4]), None);
        assert_eq!(cohen_kappa_binary(&[false; 3], &[false; 3]), None);
        // Only one rater constant: defined and 0.
        assert_eq!(cohen_kappa_binary(&[true; 4], &[true, false, true, false]), Some(0.0));
        assert_eq!(cohen_kappa_binary(&[], &[]), None);
        assert_eq!(cohen_kappa_binary(&[true], &[true, false]), None);
    }
}
