//! Exact tests on counts, and the Holm adjustment: Fisher's exact test of a 2×2 table (are two
//! groups' self-deletion rates different?), McNemar's exact test of paired binary outcomes, and
//! Holm's step-down adjustment of a family of p-values (the turns of one comparison).

/// ln(k!) for k = 0..=n, summed term by term (exact enough: the error grows like n·ε·ln n,
/// far below the tolerance the tests on these tables use).
pub(crate) fn ln_factorials(n: usize) -> Vec<f64> {
    let mut table = Vec::with_capacity(n + 1);
    let mut acc = 0.0;
    table.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        table.push(acc);
    }
    table
}

/// Two probabilities of a table closer than this (relatively) count as equal, so a table as
/// likely as the observed one is never left out by rounding (R's `fisher.test` uses the same).
const RELATIVE_TIE: f64 = 1e-7;

/// Fisher's exact test, two-sided, of the 2×2 table [[a, b], [c, d]] (rows: the two groups;
/// columns: with and without the outcome): the probability, under the hypergeometric
/// distribution with the table's margins fixed, of a table no more likely than the observed
/// one (scipy's `fisher_exact(table, alternative="two-sided")`).
///
/// `None` when a row is empty (no rollouts on one side: nothing to test).
pub fn fisher_exact_two_sided(a: u64, b: u64, c: u64, d: u64) -> Option<f64> {
    let (row1, row2, col1) = (a + b, c + d, a + c);
    if row1 == 0 || row2 == 0 {
        return None;
    }
    let n = row1 + row2;
    let ln_fact = ln_factorials(usize::try_from(n).ok()?);
    let ln = |k: u64| ln_fact[k as usize];
    // P(X = x) for X ~ Hypergeometric(n, col1, row1): x of the first row have the outcome.
    let ln_pmf = |x: u64| {
        ln(col1) - ln(x) - ln(col1 - x) + ln(n - col1) - ln(row1 - x) - ln(n - col1 + x - row1) - ln(n)
            + ln(row1)
            + ln(n - row1)
    };
    let low = (row1 + col1).saturating_sub(n);
    let high = row1.min(col1);
    let observed = ln_pmf(a);
    let cutoff = observed + RELATIVE_TIE.ln_1p();
    let p: f64 = (low..=high).map(ln_pmf).filter(|&l| l <= cutoff).map(f64::exp).sum();
    Some(p.min(1.0))
}

/// McNemar's exact test of paired binary outcomes: of the discordant pairs, `b` had the outcome
/// on the first side only and `c` on the second side only; under no difference each discordant
/// pair is a fair coin, so p = min(1, 2·P(Bin(b + c, ½) ≤ min(b, c))) (statsmodels'
/// `mcnemar(table, exact=True)`). With no discordant pair, p = 1.
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    let k = b.min(c);
    let Ok(size) = usize::try_from(n) else { return 1.0 };
    let ln_fact = ln_factorials(size);
    let half_n = n as f64 * std::f64::consts::LN_2;
    let tail: f64 = (0..=k)
        .map(|i| (ln_fact[size] - ln_fact[i as usize] - ln_fact[(n - i) as usize] - half_n).exp())
        .sum();
    (2.0 * tail).min(1.0)
}

/// Holm's step-down adjustment: with the m p-values sorted ascending p₍₁₎ ≤ … ≤ p₍ₘ₎, the
/// adjusted p₍ᵢ₎ is max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎) (statsmodels'
/// `multipletests(p, method="holm")`). `None`s (figures that could not be computed) are left
/// as they are and do not count towards m.
pub fn holm(p_values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> =
        p_values.iter().enumerate().filter_map(|(i, p)| p.map(|p| (i, p))).collect();
    order.sort_by(|x, y| x.1.total_cmp(&y.1));
    let m = order.len();
    let mut adjusted = vec![None; p_values.len()];
    let mut running = 0.0f64;
    for (rank, (index, p)) in order.into_iter().enumerate() {
        running = running.max(((m - rank) as f64 * p).min(1.0));
        adjusted[index] = Some(running);
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: Option<f64>, want: f64, relative: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= relative * want.abs().max(1e-300))
    }

    #[test]
    fn fisher_matches_scipy_on_textbook_tables() {
        // scipy 1.17.1: scipy.stats.fisher_exact(t, alternative="two-sided").pvalue for each t.
        // The first is Fisher's lady tasting tea (3 of 4 cups right: p = 34/70).
        let cases: [([u64; 4], f64); 7] = [
            ([3, 1, 1, 3], 0.485_714_285_714_285_65),
            ([7, 17, 15, 5], 0.005_768_386_750_469_949),
            ([0, 10, 5, 5], 0.032_507_739_938_080_496),
            ([1, 9, 11, 3], 0.002_759_456_185_220_083_6),
            ([0, 75, 37, 38], 3.704_801_372_017_186e-14),
            ([10, 0, 0, 10], 1.082_508_822_446_903e-5),
            ([2, 148, 72, 78], 5.746_422_370_540_493e-24),
        ];
        for ([a, b, c, d], want) in cases {
            assert!(close(fisher_exact_two_sided(a, b, c, d), want, 1e-9), "{a} {b} {c} {d}");
        }
        assert!(close(fisher_exact_two_sided(3, 1, 1, 3), 34.0 / 70.0, 1e-12));
    }

    #[test]
    fn fisher_degenerate_tables() {
        // scipy: fisher_exact([[0, 5], [0, 5]]) -> 1.0 (no one has the outcome).
        assert_eq!(fisher_exact_two_sided(0, 5, 0, 5), Some(1.0));
        assert_eq!(fisher_exact_two_sided(5, 5, 5, 5), Some(1.0));
        assert_eq!(fisher_exact_two_sided(0, 0, 3, 4), None);
        // Swapping the rows or the columns leaves a two-sided p unchanged.
        let p = fisher_exact_two_sided(7, 17, 15, 5);
        assert!(close(fisher_exact_two_sided(15, 5, 7, 17), p.unwrap(), 1e-9));
        assert!(close(fisher_exact_two_sided(17, 7, 5, 15), p.unwrap(), 1e-9));
    }

    #[test]
    fn mcnemar_matches_statsmodels() {
        // statsmodels 0.15.0: mcnemar(table, exact=True).pvalue; b, c are the off-diagonal cells.
        //   [[10, 5], [1, 20]] -> 0.21875;  [[3, 0], [7, 10]] -> 0.015625
        //   [[5, 0], [0, 5]] -> 1.0;        [[20, 12], [2, 6]] -> 0.012939453125
        assert!(close(Some(mcnemar_exact(5, 1)), 0.21875, 1e-12));
        assert!(close(Some(mcnemar_exact(0, 7)), 0.015625, 1e-12));
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert!(close(Some(mcnemar_exact(12, 2)), 0.012_939_453_125, 1e-12));
        // By hand: b = 5, c = 1: 2·(1 + 6)/64 = 0.21875.
        assert!(close(Some(mcnemar_exact(1, 5)), 14.0 / 64.0, 1e-12));
        assert_eq!(mcnemar_exact(3, 3), 1.0, "a balanced split is capped at 1");
    }

    #[test]
    fn holm_by_hand() {
        // m = 6; sorted 0.005 0.01 0.03 0.04 0.04 0.2, times 6 5 4 3 2 1:
        // 0.03 0.05 0.12 0.12 0.08 0.2, then the running maximum: 0.03 0.05 0.12 0.12 0.12 0.2.
        // statsmodels' multipletests(p, method="holm") gives the same.
        let p = [Some(0.01), Some(0.04), Some(0.03), Some(0.005), Some(0.2), Some(0.04)];
        let want = [0.05, 0.12, 0.12, 0.03, 0.2, 0.12];
        for (got, want) in holm(&p).into_iter().zip(want) {
            assert!(close(got, want, 1e-12), "{got:?} vs {want}");
        }
        // Missing values stay missing and do not count: m = 2 here.
        assert_eq!(holm(&[None, Some(0.02), Some(0.6)]), vec![None, Some(0.04), Some(0.6)]);
        assert_eq!(holm(&[Some(0.7), Some(0.9)]), vec![Some(1.0), Some(1.0)]);
        assert!(holm(&[]).is_empty());
    }
}
