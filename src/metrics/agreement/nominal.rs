//! Agreement on categories without an order (a judge's tag: none / mild / despair / refusal):
//! percent agreement, unweighted Cohen's κ and Krippendorff's α with the nominal metric.
//!
//! Ratings are category indices `0..categories` (the caller maps names to indices once, so a
//! bootstrap replicate costs no hashing). Counts are integers, so perfect agreement comes out
//! as exactly 1 and "every rating is the same category" is an exact test.

/// Fraction of pairs on the same category; `None` when empty or the lengths differ.
pub fn percent_agreement(a: &[usize], b: &[usize]) -> Option<f64> {
    if a.is_empty() || a.len() != b.len() {
        return None;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    Some(same as f64 / a.len() as f64)
}

/// Unweighted Cohen's κ = (p_o − p_e) / (1 − p_e), with p_o the fraction of pairs that agree
/// and p_e = Σ_c r_c·c_c / n² from the two raters' marginal counts r and c.
///
/// Computed as (n·Σ O_cc − Σ r_c c_c) / (n² − Σ r_c c_c) in integers. `None` when empty, the
/// lengths differ, a rating is not below `categories`, or p_e = 1 (both raters used one and
/// the same category throughout).
pub fn cohen_kappa_unweighted(a: &[usize], b: &[usize], categories: usize) -> Option<f64> {
    if a.is_empty() || a.len() != b.len() {
        return None;
    }
    let (mut rows, mut columns) = (vec![0u64; categories], vec![0u64; categories]);
    let mut agree = 0u64;
    for (&x, &y) in a.iter().zip(b) {
        *rows.get_mut(x)? += 1;
        *columns.get_mut(y)? += 1;
        agree += u64::from(x == y);
    }
    let n = u128::try_from(a.len()).ok()?;
    let chance: u128 = rows.iter().zip(&columns).map(|(&r, &c)| u128::from(r) * u128::from(c)).sum();
    let denominator = n * n - chance;
    if denominator == 0 {
        return None;
    }
    let numerator = (n * u128::from(agree)) as f64 - chance as f64;
    Some(numerator / denominator as f64)
}

/// Krippendorff's α, nominal metric (δ = 0 for equal categories, 1 otherwise), any number of
/// raters, missing ratings allowed: α = 1 − D_o / D_e over the coincidence matrix.
///
/// `units[u][r]` is rater r's category for unit u (`None` = not rated). Units with fewer than
/// two ratings are not pairable and are dropped. With n pairable ratings in all, n_c of them
/// category c, and in unit u m_u ratings of which n_uc are category c:
/// α = 1 − (n − 1)·Σ_u (m_u² − Σ_c n_uc²)/(m_u − 1) / (n² − Σ_c n_c²).
/// `None` when fewer than two pairable ratings remain, a rating is not below `categories`, or
/// every pairable rating is the same category (D_e = 0).
pub fn krippendorff_alpha_nominal(units: &[Vec<Option<usize>>], categories: usize) -> Option<f64> {
    let present: Vec<Vec<usize>> =
        units.iter().map(|unit| unit.iter().flatten().copied().collect()).collect();
    alpha_nominal_of_present(&present, categories)
}

/// [`krippendorff_alpha_nominal`] for units that list only their present ratings.
pub(crate) fn alpha_nominal_of_present<U: AsRef<[usize]>>(units: &[U], categories: usize) -> Option<f64> {
    let mut totals = vec![0u64; categories];
    let mut in_unit = vec![0u64; categories];
    let mut disagreement = 0.0;
    for unit in units.iter().map(AsRef::as_ref).filter(|u| u.len() >= 2) {
        in_unit.fill(0);
        for &c in unit {
            *in_unit.get_mut(c)? += 1;
            *totals.get_mut(c)? += 1;
        }
        let m = unit.len() as u64;
        let same: u64 = in_unit.iter().map(|&k| k * k).sum();
        // Ordered pairs of different categories within the unit, each weighted 1/(m_u − 1).
        disagreement += (m * m - same) as f64 / (m - 1) as f64;
    }
    let n: u64 = totals.iter().sum();
    let expected =
        u128::from(n) * u128::from(n) - totals.iter().map(|&k| u128::from(k) * u128::from(k)).sum::<u128>();
    if n < 2 || expected == 0 {
        return None;
    }
    Some(1.0 - (n - 1) as f64 * disagreement / expected as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-12;

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= TOL)
    }

    /// Units from rows of raters (the layout of the Python package); `-1` = missing.
    fn units_from_rater_rows(rows: &[&[i64]]) -> Vec<Vec<Option<usize>>> {
        let width = rows.first().map_or(0, |r| r.len());
        (0..width).map(|u| rows.iter().map(|row| usize::try_from(row[u]).ok()).collect()).collect()
    }

    #[test]
    fn percent_agreement_counts_equal_pairs() {
        assert_eq!(percent_agreement(&[0, 1, 2, 2], &[0, 2, 2, 1]), Some(0.5));
        assert_eq!(percent_agreement(&[], &[]), None);
        assert_eq!(percent_agreement(&[1], &[1, 2]), None);
    }

    #[test]
    fn kappa_by_hand_and_against_sklearn() {
        // a = 0 0 1 1 2 2 0 1, b = 0 1 1 1 2 0 0 2: agree 5 of 8; marginals a (3, 3, 2),
        // b (3, 3, 2); Σ r·c = 9 + 9 + 4 = 22; κ = (8·5 − 22)/(64 − 22) = 18/42 = 3/7.
        // scikit-learn 1.9.1 cohen_kappa_score(a, b) -> 0.4285714285714286.
        let (a, b) = ([0, 0, 1, 1, 2, 2, 0, 1], [0, 1, 1, 1, 2, 0, 0, 2]);
        assert!(close(cohen_kappa_unweighted(&a, &b, 3), 3.0 / 7.0));
        assert!(close(cohen_kappa_unweighted(&a, &b, 3), 0.428_571_428_571_428_6));
        // Unused categories change nothing.
        assert_eq!(cohen_kappa_unweighted(&a, &b, 9), cohen_kappa_unweighted(&a, &b, 3));
    }

    #[test]
    fn kappa_extremes_and_undefined_cases() {
        assert_eq!(cohen_kappa_unweighted(&[0, 1, 2], &[0, 1, 2], 3), Some(1.0));
        assert_eq!(cohen_kappa_unweighted(&[0, 1], &[1, 0], 2), Some(-1.0));
        // Both raters used one category throughout: p_e = 1.
        assert_eq!(cohen_kappa_unweighted(&[2, 2], &[2, 2], 3), None);
        // One rater constant, the other not: defined, and 0.
        assert_eq!(cohen_kappa_unweighted(&[1, 1, 1, 1], &[0, 1, 2, 1], 3), Some(0.0));
        assert_eq!(cohen_kappa_unweighted(&[], &[], 3), None);
        assert_eq!(cohen_kappa_unweighted(&[0, 3], &[0, 1], 3), None, "out of range");
        assert_eq!(cohen_kappa_unweighted(&[0], &[0, 1], 3), None);
    }

    // References: the `krippendorff` package 0.9.0 (numpy 2.4.6),
    //   krippendorff.alpha(reliability_data=np.array(d, dtype=float), level_of_measurement="nominal")
    // with d raters × units and nan (here -1) for a missing rating.

    #[test]
    fn krippendorff_2011_worked_example_nominal() {
        // K. Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C
        // (4 observers, 12 units, missing values): published nominal α = 0.743; the package
        // gives 0.743421052631579.
        let units = units_from_rater_rows(&[
            &[1, 2, 3, 3, 2, 1, 4, 1, 2, -1, -1, -1],
            &[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, -1, 3],
            &[-1, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, -1],
            &[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, -1],
        ]);
        assert!(close(krippendorff_alpha_nominal(&units, 6), 0.743_421_052_631_579));
    }

    #[test]
    fn three_raters_with_missing_ratings_match_the_package() {
        // d = [[0, 1, nan, 2, 0, 1], [0, nan, 1, 2, 1, 1], [nan, 1, 1, 2, 0, nan]]
        //   -> 0.7868852459016393
        let units =
            units_from_rater_rows(&[&[0, 1, -1, 2, 0, 1], &[0, -1, 1, 2, 1, 1], &[-1, 1, 1, 2, 0, -1]]);
        assert!(close(krippendorff_alpha_nominal(&units, 3), 0.786_885_245_901_639_3));
    }

    #[test]
    fn alpha_by_hand_for_two_raters() {
        // Units (0, 0), (0, 1), (1, 1): n = 6 ratings, n_0 = n_1 = 3; one disagreeing unit
        // contributes (4 − 2)/1 = 2; α = 1 − 5·2/(36 − 18) = 4/9 (package: 0.4444444444444444).
        let units = vec![vec![Some(0), Some(0)], vec![Some(0), Some(1)], vec![Some(1), Some(1)]];
        assert!(close(krippendorff_alpha_nominal(&units, 2), 4.0 / 9.0));
        let pairs = [[0, 0], [0, 1], [1, 1]];
        assert_eq!(alpha_nominal_of_present(&pairs, 2), krippendorff_alpha_nominal(&units, 2));
    }

    #[test]
    fn alpha_undefined_cases_are_none() {
        assert_eq!(krippendorff_alpha_nominal(&[], 3), None);
        let lonely = vec![vec![Some(1), None], vec![None, Some(2)]];
        assert_eq!(krippendorff_alpha_nominal(&lonely, 3), None);
        // Every pairable rating is category 2; the lone 0 is not pairable.
        let flat = vec![vec![Some(2), Some(2)], vec![Some(2), Some(2), Some(2)], vec![Some(0), None]];
        assert_eq!(krippendorff_alpha_nominal(&flat, 3), None);
        assert_eq!(krippendorff_alpha_nominal(&[vec![Some(0), Some(5)]], 3), None, "out of range");
        let perfect = vec![vec![Some(0), Some(0)], vec![Some(1), Some(1), Some(1)]];
        assert_eq!(krippendorff_alpha_nominal(&perfect, 2), Some(1.0));
    }
}
