//! Krippendorff's α for interval data, any number of raters, missing values allowed.

use crate::metrics::describe::{finite, mean};

/// Krippendorff's α (interval metric δ² = (a − b)²) = 1 − D_o / D_e over the coincidence matrix.
///
/// `units[u][r]` is rater r's value for unit u (`None` = not rated). Units with fewer than two
/// values are not pairable and are dropped. With n pairable values in all, mᵤ in unit u:
/// D_o = (1/n) Σᵤ Σ_{i≠j in u} δ²(vᵢ, vⱼ) / (mᵤ − 1) and D_e = Σ_{i≠j over all} δ²(vᵢ, vⱼ) / (n(n − 1)).
/// `None` when fewer than two pairable values remain, a value is not finite, or D_e = 0 (every
/// pairable value is the same).
pub fn krippendorff_alpha_interval(units: &[Vec<Option<f64>>]) -> Option<f64> {
    let present: Vec<Vec<f64>> = units.iter().map(|unit| unit.iter().flatten().copied().collect()).collect();
    alpha_interval_of_present(&present)
}

/// [`krippendorff_alpha_interval`] for units that list only their present values.
pub(crate) fn alpha_interval_of_present<U: AsRef<[f64]>>(units: &[U]) -> Option<f64> {
    let pairable = || units.iter().map(AsRef::as_ref).filter(|u| u.len() >= 2);
    let values: Vec<f64> = pairable().flatten().copied().collect();
    if values.len() < 2 || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // For squared differences Σ_{i≠j} (vᵢ − vⱼ)² = 2m·Σ(vᵢ − v̄)², so with SS the sum of
    // squared deviations: D_e = 2·SS_all / (n − 1) and D_o = (1/n) Σᵤ 2mᵤ·SSᵤ / (mᵤ − 1).
    let n = values.len() as f64;
    let expected = 2.0 * sum_squared_deviations(&values)? / (n - 1.0);
    // A constant set of values has exactly zero deviations (see `mean`), so this is exact.
    if expected == 0.0 {
        return None;
    }
    let mut within = 0.0;
    for unit in pairable() {
        let m = unit.len() as f64;
        within += 2.0 * m * sum_squared_deviations(unit)? / (m - 1.0);
    }
    let observed = within / n;
    finite(1.0 - observed / expected)
}

/// Σ(xᵢ − x̄)²; `None` when empty or not finite.
fn sum_squared_deviations(xs: &[f64]) -> Option<f64> {
    let centre = mean(xs)?;
    finite(xs.iter().map(|x| (x - centre) * (x - centre)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-12;

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= TOL)
    }

    /// Build units from rows of raters (the layout of the Python package), `NAN` = missing.
    fn units_from_rater_rows(rows: &[&[f64]]) -> Vec<Vec<Option<f64>>> {
        let width = rows.first().map_or(0, |r| r.len());
        (0..width).map(|u| rows.iter().map(|row| Some(row[u]).filter(|v| !v.is_nan())).collect()).collect()
    }

    const NAN: f64 = f64::NAN;

    // References: the `krippendorff` package 0.9.0 (numpy 2.4.6), with
    //   a = lambda d: krippendorff.alpha(reliability_data=np.array(d, dtype=float),
    //                                    level_of_measurement="interval")
    // where d is raters × units and nan marks a missing value.

    #[test]
    fn krippendorff_2011_worked_example() {
        // K. Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C
        // (4 observers, 12 units, missing values): published interval α = 0.849;
        // the package gives 0.8491071428571428.
        let units = units_from_rater_rows(&[
            &[1.0, 2.0, 3.0, 3.0, 2.0, 1.0, 4.0, 1.0, 2.0, NAN, NAN, NAN],
            &[1.0, 2.0, 3.0, 3.0, 2.0, 2.0, 4.0, 1.0, 2.0, 5.0, NAN, 3.0],
            &[NAN, 3.0, 3.0, 3.0, 2.0, 3.0, 4.0, 2.0, 2.0, 5.0, 1.0, NAN],
            &[1.0, 2.0, 3.0, 3.0, 2.0, 4.0, 4.0, 1.0, 2.0, 5.0, 1.0, NAN],
        ]);
        assert!(close(krippendorff_alpha_interval(&units), 0.849_107_142_857_142_8));
    }

    #[test]
    fn two_units_by_hand() {
        // Units (1, 2) and (3, 3): n = 4 pairable values.
        // D_o = (1/4)·[ (1−2)² + (2−1)² ]/(2 − 1) = 2/4 = 0.5.
        // D_e: unordered pair sums over {1, 2, 3, 3} = 1 + 4 + 4 + 1 + 1 + 0 = 11, ordered 22;
        //      22 / (4·3) = 11/6.  α = 1 − 0.5·6/11 = 8/11 = 0.7272727… (package: 0.7272727272727273).
        let units = vec![vec![Some(1.0), Some(2.0)], vec![Some(3.0), Some(3.0)]];
        assert!(close(krippendorff_alpha_interval(&units), 8.0 / 11.0));
        // A unit with a single value is not pairable and changes nothing (package agrees).
        let mut with_single = units.clone();
        with_single.push(vec![Some(5.0), None]);
        with_single.push(vec![None, None]);
        with_single.push(vec![]);
        assert!(close(krippendorff_alpha_interval(&with_single), 8.0 / 11.0));
    }

    #[test]
    fn three_raters_with_missing_values() {
        // d = [[1.5, nan, 3.0, 4.0, nan, 7.25],
        //      [2.0, 2.5, nan, 4.5, 6.0, 7.0],
        //      [nan, 3.0, 3.5, 3.0, 6.5, nan]]  -> 0.9430379746835443
        let units = units_from_rater_rows(&[
            &[1.5, NAN, 3.0, 4.0, NAN, 7.25],
            &[2.0, 2.5, NAN, 4.5, 6.0, 7.0],
            &[NAN, 3.0, 3.5, 3.0, 6.5, NAN],
        ]);
        assert!(close(krippendorff_alpha_interval(&units), 0.943_037_974_683_544_3));
    }

    #[test]
    fn two_complete_raters_match_the_package() {
        // d = [[0, 2, 5, 5, 7, 10, 3, 8], [1, 2, 6, 4, 7, 9, 3, 10]] -> 0.9505766062602965
        let h = [0.0, 2.0, 5.0, 5.0, 7.0, 10.0, 3.0, 8.0];
        let j = [1.0, 2.0, 6.0, 4.0, 7.0, 9.0, 3.0, 10.0];
        let units: Vec<Vec<Option<f64>>> = h.iter().zip(&j).map(|(&a, &b)| vec![Some(a), Some(b)]).collect();
        assert!(close(krippendorff_alpha_interval(&units), 0.950_576_606_260_296_5));
        let pairs: Vec<[f64; 2]> = h.iter().zip(&j).map(|(&a, &b)| [a, b]).collect();
        assert_eq!(alpha_interval_of_present(&pairs), krippendorff_alpha_interval(&units));
    }

    #[test]
    fn perfect_agreement_is_one_and_systematic_disagreement_is_negative() {
        let perfect = units_from_rater_rows(&[&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]]);
        assert_eq!(krippendorff_alpha_interval(&perfect), Some(1.0));
        // Units (0,10) ×2 and (10,0) ×2: every unit has SS = 50, so D_o = 4·(2·2·50)/8 = 100;
        // all 8 values have mean 5 and SS = 200, D_e = 2·200/7; α = 1 − 100·7/400 = −0.75
        // (package: -0.7500000000000002).
        let reversed = units_from_rater_rows(&[&[0.0, 10.0, 0.0, 10.0], &[10.0, 0.0, 10.0, 0.0]]);
        assert!(close(krippendorff_alpha_interval(&reversed), -0.75));
    }

    #[test]
    fn undefined_cases_are_none() {
        assert_eq!(krippendorff_alpha_interval(&[]), None);
        // Nothing pairable: every unit has at most one value.
        let lonely = vec![vec![Some(1.0), None], vec![None, Some(4.0)]];
        assert_eq!(krippendorff_alpha_interval(&lonely), None);
        // All pairable values equal: D_e = 0, even though the lone 9 differs (it is dropped).
        let flat =
            vec![vec![Some(3.0), Some(3.0)], vec![Some(3.0), Some(3.0), Some(3.0)], vec![Some(9.0), None]];
        assert_eq!(krippendorff_alpha_interval(&flat), None);
        let bad = vec![vec![Some(1.0), Some(f64::NAN)], vec![Some(2.0), Some(3.0)]];
        assert_eq!(krippendorff_alpha_interval(&bad), None);
    }
}
