use super::*;

/// Exact Bin(m, p) probabilities, computed directly (not by the recurrence under test).
fn pmf(m: u64, p: f64, k: u64) -> f64 {
    let ln = ln_factorials(m as usize);
    (ln[m as usize] - ln[k as usize] - ln[(m - k) as usize]
        + k as f64 * p.ln()
        + (m - k) as f64 * (1.0 - p).ln())
    .exp()
}

#[test]
fn binomial_draws_follow_the_binomial_distribution() {
    // Chi-square goodness of fit for Bin(10, 0.35) over 200,000 draws; with 10 degrees of
    // freedom the 99.9th percentile of chi-square is 29.59.
    let (m, p, draws) = (10u64, 0.35, 200_000);
    let ln = ln_factorials(m as usize);
    let mut rng = SplitMix64::new(42);
    let mut counts = vec![0f64; m as usize + 1];
    for _ in 0..draws {
        counts[binomial(&mut rng, m, p, &ln) as usize] += 1.0;
    }
    let chi2: f64 = (0..=m)
        .map(|k| {
            let expected = pmf(m, p, k) * draws as f64;
            (counts[k as usize] - expected).powi(2) / expected
        })
        .sum();
    assert!(chi2 < 29.59, "chi-square {chi2}");
}

#[test]
fn binomial_mean_and_variance_for_large_and_skewed_cases() {
    for (m, p) in [(2500u64, 0.02), (2500, 0.5), (300, 0.97), (1, 0.5)] {
        let ln = ln_factorials(m as usize);
        let mut rng = SplitMix64::new(m ^ 7);
        let xs: Vec<f64> = (0..40_000).map(|_| binomial(&mut rng, m, p, &ln) as f64).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        let (mu, sigma2) = (m as f64 * p, m as f64 * p * (1.0 - p));
        // Five standard errors of the mean; 10 % on the variance.
        assert!(
            (mean - mu).abs() < 5.0 * (sigma2 / xs.len() as f64).sqrt(),
            "m={m} p={p}: mean {mean} vs {mu}"
        );
        assert!((var / sigma2 - 1.0).abs() < 0.1, "m={m} p={p}: variance {var} vs {sigma2}");
        assert!(xs.iter().all(|&x| x >= 0.0 && x <= m as f64));
    }
    let ln = ln_factorials(5);
    let mut rng = SplitMix64::new(1);
    assert_eq!(binomial(&mut rng, 5, 0.0, &ln), 0);
    assert_eq!(binomial(&mut rng, 5, 1.0, &ln), 5);
    assert_eq!(binomial(&mut rng, 0, 0.5, &ln), 0);
}

#[test]
fn same_interval_as_resampling_indices_up_to_monte_carlo_error() {
    // 2,000 scores on 0–10; both methods estimate the same 2.5th/97.5th percentiles of the
    // bootstrap distribution of the mean (sd ≈ 3.2, so the interval is about ±0.14 wide).
    let xs: Vec<f64> = (0..2000u64).map(|i| ((i * 7919) % 11) as f64).collect();
    let fast = bootstrap_mean_ci_by_counts(&xs, 4000, 3).unwrap();
    let direct = bootstrap_mean_ci(&xs, 4000, 3).unwrap();
    assert!((fast.0 - direct.0).abs() < 0.02 && (fast.1 - direct.1).abs() < 0.02, "{fast:?} vs {direct:?}");
    // And both agree with normal theory: mean ± 1.96 sd / √n.
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
    let half = 1.96 * sd / (xs.len() as f64).sqrt();
    assert!((fast.0 - (mean - half)).abs() < 0.02 && (fast.1 - (mean + half)).abs() < 0.02, "{fast:?}");
}

#[test]
fn degenerate_inputs_and_determinism() {
    assert_eq!(bootstrap_mean_ci_by_counts(&[4.0; 9], 100, 0), Some((4.0, 4.0)));
    assert_eq!(bootstrap_mean_ci_by_counts(&[7.5], 100, 0), Some((7.5, 7.5)));
    assert_eq!(bootstrap_mean_ci_by_counts(&[], 100, 0), None);
    assert_eq!(bootstrap_mean_ci_by_counts(&[1.0, f64::NAN], 100, 0), None);
    let xs = [0.0, 1.0, 1.0, 5.0, 9.0, 9.0, 10.0];
    assert_eq!(bootstrap_mean_ci_by_counts(&xs, 500, 9), bootstrap_mean_ci_by_counts(&xs, 500, 9));
    assert_ne!(bootstrap_mean_ci_by_counts(&xs, 500, 9), bootstrap_mean_ci_by_counts(&xs, 500, 10));
    // Many distinct values: the index resampling is used, exactly.
    let many: Vec<f64> = (0..100).map(f64::from).collect();
    assert_eq!(bootstrap_mean_ci_by_counts(&many, 200, 1), bootstrap_mean_ci(&many, 200, 1));
}

#[test]
fn a_large_sample_draws_counts_for_many_levels_and_keeps_the_interval() {
    // 70,000 AUC-like values taking 1,000 distinct levels (more than 64, fewer than n / 16):
    // counts are drawn (it is not the index resampling, whose stream differs), and the
    // interval is the index bootstrap's up to Monte Carlo error, and normal theory's.
    let n = COUNTS_FROM + 4_464;
    let xs: Vec<f64> = (0..n as u64).map(|i| ((i * 7919) % 1000) as f64 / 100.0).collect();
    assert_eq!(levels(&xs).map(|l| l.len()), Some(1000));
    let fast = bootstrap_mean_ci_by_counts(&xs, 1000, 5).unwrap();
    let direct = bootstrap_mean_ci(&xs, 1000, 5).unwrap();
    assert_ne!(fast, direct);
    let mean = xs.iter().sum::<f64>() / n as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let half = 1.96 * sd / (n as f64).sqrt(); // ≈ 0.0214
    for (got, what) in [(fast, "counts"), (direct, "indices")] {
        let off = (got.0 - (mean - half)).abs().max((got.1 - (mean + half)).abs());
        assert!(off < 0.15 * half, "{what}: {got:?} vs {mean} ± {half}");
    }
    // Below COUNTS_FROM, the same many levels keep the index resampling, draw for draw.
    let small = &xs[..COUNTS_FROM - 1];
    assert_eq!(bootstrap_mean_ci_by_counts(small, 200, 5), bootstrap_mean_ci(small, 200, 5));
    // And more than n / 16 distinct values at any size keep it too.
    let spread: Vec<f64> = (0..n).map(|i| i as f64).collect();
    assert_eq!(levels(&spread), None);
}
