use super::*;
use crate::metrics::describe::bootstrap_mean_ci;

/// The Monte-Carlo tolerance of a permutation p-value estimated with P permutations around an
/// exact p: 3 standard errors and the 1/P the "+1" adds.
fn within_monte_carlo(got: Option<f64>, exact: f64, perm: usize) -> bool {
    let p = perm as f64;
    got.is_some_and(|g| (g - exact).abs() <= 3.0 * (exact * (1.0 - exact) / p).sqrt() + 1.0 / p)
}

/// Permutations per run, and runs (seeds 0..RUNS) averaged: a check of P·RUNS permutations,
/// whose tolerance is tighter than one run's, and which no single unlucky seed decides.
const PERM: usize = 20_000;
const RUNS: u64 = 8;

/// The mean p over RUNS seeds is within the Monte-Carlo tolerance of P·RUNS permutations.
fn averaged_within_monte_carlo(exact: f64, p_of_seed: impl Fn(u64) -> Option<f64>) -> bool {
    let ps: Option<Vec<f64>> = (0..RUNS).map(&p_of_seed).collect();
    let mean = ps.map(|ps| ps.iter().sum::<f64>() / ps.len() as f64);
    // Each run adds its own 1/(P + 1): the mean's bias is 1/P, not 1/(P·RUNS).
    mean.is_some_and(|m| {
        (m - exact).abs()
            <= 3.0 * (exact * (1.0 - exact) / (PERM as f64 * RUNS as f64)).sqrt() + 1.0 / PERM as f64
    })
}

fn values(xs: &[f64]) -> Sample {
    Sample::Values(xs.to_vec())
}

#[test]
fn permutation_p_of_judge_scores_matches_scipys_exact_test() {
    // scipy 1.17.1, every split enumerated:
    //   stat = lambda x, y, axis=-1: np.abs(np.mean(x, axis=axis) - np.mean(y, axis=axis))
    //   permutation_test((x, y), stat, permutation_type="independent", alternative="greater",
    //                    n_resamples=np.inf, vectorized=True).pvalue
    // i.e. P(|Δ*| ≥ |Δ|) over all relabellings, which (b + 1)/(P + 1) estimates.
    let cases = [
        (
            vec![3.0, 5.0, 6.0, 8.0, 9.0, 9.0, 10.0, 7.0],
            vec![1.0, 2.0, 2.0, 4.0, 5.0, 6.0, 7.0],
            0.022_688_422_688_422_69,
        ),
        (
            vec![0.0, 1.0, 1.0, 2.0, 3.0, 5.0, 2.0, 1.0, 0.0, 4.0],
            vec![1.0, 2.0, 3.0, 3.0, 4.0, 2.0, 5.0, 6.0],
            0.140_362_905_068_787_43,
        ),
    ];
    for (x, y, exact) in cases {
        let (x, y) = (values(&x), values(&y));
        assert!(averaged_within_monte_carlo(exact, |seed| permutation_p(&x, &y, PERM, seed)));
        // One run on its own, as the issue states the tolerance.
        assert!(within_monte_carlo(permutation_p(&x, &y, PERM, 100), exact, PERM));
        // The test is symmetric: swapping the sides gives the same law.
        assert!(averaged_within_monte_carlo(exact, |seed| permutation_p(&y, &x, PERM, seed + 50)));
    }
}

#[test]
fn permutation_p_of_many_distinct_values_matches_an_exact_count() {
    // 70 distinct values (above the 64 levels of the per-level draw, so units are shuffled):
    // vᵢ = 0.37·i − 5 for i = 1..=70, side a taking the 33 i below. Python, exactly: count the
    // 33-subsets of 1..=70 by their sum with a dynamic programme over (size, sum), and keep
    // those whose |S·37 − (2485 − S)·33| is at least the observed one (the affine map from i
    // to vᵢ changes no comparison): 0.04763809528809096.
    let a_index = [
        1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50,
        52, 54, 56, 58, 60, 69,
    ];
    let value = |i: i32| 0.37 * f64::from(i) - 5.0;
    let a: Vec<f64> = a_index.iter().map(|&i| value(i)).collect();
    let b: Vec<f64> = (1..=70).filter(|i| !a_index.contains(i)).map(value).collect();
    let (a, b) = (values(&a), values(&b));
    assert!(averaged_within_monte_carlo(0.047_638_095_288_090_96, |seed| permutation_p(&a, &b, PERM, seed)));
}

#[test]
fn cluster_permutation_moves_whole_clusters() {
    // Clusters as (sum, size); the statistic is the difference of ratio means. Python, with
    // fractions, over all C(11, 6) = 462 ways to give six clusters to side a: 24 have
    // |Δ*| ≥ |Δ|, p = 0.05194805194805195.
    let a = Sample::Clusters { sums: vec![12.0, 20.0, 7.0, 15.0, 30.0, 9.0], sizes: vec![3, 4, 2, 3, 5, 2] };
    let b = Sample::Clusters { sums: vec![8.0, 14.0, 3.0, 10.0, 12.0], sizes: vec![3, 4, 2, 2, 3] };
    assert!(averaged_within_monte_carlo(24.0 / 462.0, |seed| permutation_p(&a, &b, PERM, seed)));
    // Had the 33 rollouts been independent, the same values would look far more significant.
    let flat = |s: &Sample| match s {
        Sample::Clusters { sums, sizes } => {
            sums.iter().zip(sizes).flat_map(|(&sum, &n)| vec![sum / f64::from(n); n as usize]).collect()
        }
        Sample::Values(xs) => xs.clone(),
    };
    let independent = permutation_p(&Sample::Values(flat(&a)), &Sample::Values(flat(&b)), PERM, 11);
    assert!(independent.unwrap() < 0.01, "{independent:?}");
}

#[test]
fn sign_flip_p_matches_scipys_exact_paired_test() {
    // scipy 1.17.1, all 2^12 sign patterns:
    //   permutation_test((a, b), stat, permutation_type="samples", alternative="greater",
    //                    n_resamples=np.inf, vectorized=True).pvalue -> 0.029296875
    let a = [7.0, 8.0, 6.0, 9.0, 5.0, 7.0, 8.0, 4.0, 6.0, 7.0, 9.0, 3.0];
    let b = [5.0, 6.0, 6.0, 7.0, 6.0, 4.0, 5.0, 4.0, 5.0, 6.0, 7.0, 4.0];
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    assert!(averaged_within_monte_carlo(0.029_296_875, |seed| sign_flip_p(&d, PERM, seed)));
    // 80 distinct |d| (more than the 64 levels: one random bit per pair): dᵢ = ±0.13·i, with
    // the signs below negative. Python, exactly: the distribution of Σ ±i over all 2^80 sign
    // patterns by a dynamic programme over the sum; P(|Σ| ≥ 1026) = 0.013410979358242125.
    let negative = [
        3, 4, 6, 8, 9, 11, 12, 14, 15, 17, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63,
        66, 69, 72, 75, 78,
    ];
    let d: Vec<f64> = (1..=80)
        .map(|i| if negative.contains(&i) { -0.13 * f64::from(i) } else { 0.13 * f64::from(i) })
        .collect();
    assert!(averaged_within_monte_carlo(0.013_410_979_358_242_125, |seed| sign_flip_p(&d, PERM, seed)));
}

#[test]
fn no_difference_gives_p_one_and_nothing_to_test_gives_none() {
    assert_eq!(permutation_p(&values(&[2.0, 2.0]), &values(&[2.0, 2.0, 2.0]), 100, 0), Some(1.0));
    assert_eq!(sign_flip_p(&[0.0, 0.0], 100, 0), Some(1.0));
    assert_eq!(permutation_p(&values(&[]), &values(&[1.0]), 100, 0), None);
    assert_eq!(permutation_p(&values(&[1.0]), &values(&[2.0]), 0, 0), None);
    assert_eq!(sign_flip_p(&[], 100, 0), None);
    // The smallest p a run of P permutations can give is 1/(P + 1).
    let far = permutation_p(&values(&[10.0; 30]), &values(&[0.0; 30]), 999, 1);
    assert_eq!(far, Some(1.0 / 1000.0));
}

#[test]
fn same_seed_same_p_and_replicates() {
    let x = values(&[1.0, 4.0, 4.0, 7.0, 9.0, 2.0]);
    let y = values(&[0.0, 1.0, 3.0, 2.0]);
    assert_eq!(permutation_p(&x, &y, 500, 9), permutation_p(&x, &y, 500, 9));
    assert_eq!(mean_replicates(&x, 300, 4), mean_replicates(&x, 300, 4));
    assert_ne!(mean_replicates(&x, 300, 4), mean_replicates(&x, 300, 5));
    assert_ne!(stream_seed(0, &[1, 2]), stream_seed(0, &[2, 1]));
    assert_eq!(stream_seed(3, &[1, 2]), stream_seed(3, &[1, 2]));
}

#[test]
fn value_replicates_follow_the_documented_draws() {
    // Many levels: the index draws of `bootstrap_ci`, so the interval is `bootstrap_mean_ci`'s.
    let many: Vec<f64> = (0..100).map(|i| f64::from(i) * 0.5).collect();
    assert_eq!(bootstrap_sample_ci(&values(&many), 400, 8), bootstrap_mean_ci(&many, 400, 8));
    // Few levels: the per-level draws of `bootstrap_mean_ci_by_counts`.
    let scores = [0.0, 1.0, 1.0, 5.0, 9.0, 9.0, 10.0];
    assert_eq!(
        bootstrap_sample_ci(&values(&scores), 400, 8),
        crate::metrics::describe::bootstrap_mean_ci_by_counts(&scores, 400, 8)
    );
}

#[test]
fn a_cluster_bootstrap_widens_when_rollouts_within_a_prompt_are_identical() {
    // 30 prompts × 5 rollouts; every rollout of a prompt has the prompt's score. Resampling
    // rollouts pretends there are 150 independent values; resampling prompts knows there are 30.
    let prompt_score = |p: usize| ((p * 7) % 11) as f64;
    let members: Vec<(usize, f64)> = (0..150).map(|i| (i / 5, prompt_score(i / 5))).collect();
    let rollouts: Vec<f64> = members.iter().map(|m| m.1).collect();
    let clustered = Sample::clusters(members.iter().copied(), 30);
    let (lo, hi) = bootstrap_sample_ci(&clustered, 4000, 2).unwrap();
    let (flat_lo, flat_hi) = bootstrap_sample_ci(&values(&rollouts), 4000, 2).unwrap();
    // The widths should differ by about √5 ≈ 2.24.
    let ratio = (hi - lo) / (flat_hi - flat_lo);
    assert!((1.9..2.6).contains(&ratio), "cluster {lo}..{hi}, rollouts {flat_lo}..{flat_hi}: ratio {ratio}");
    // With equal cluster sizes the cluster bootstrap is the bootstrap of the 30 prompt means,
    // draw for draw (same seed, same index draws).
    let prompt_means: Vec<f64> = (0..30).map(prompt_score).collect();
    let (m_lo, m_hi) = bootstrap_mean_ci(&prompt_means, 4000, 2).unwrap();
    assert!((lo - m_lo).abs() < 1e-12 && (hi - m_hi).abs() < 1e-12, "{lo} {hi} vs {m_lo} {m_hi}");
    // Independent rollouts (no two alike within a prompt) give about the same interval either way.
    let mut rng = crate::metrics::rng::SplitMix64::new(5);
    let varied: Vec<(usize, f64)> = (0..150).map(|i| (i / 5, rng.below(11) as f64)).collect();
    let (v_lo, v_hi) = bootstrap_sample_ci(&Sample::clusters(varied.iter().copied(), 30), 4000, 2).unwrap();
    let flat: Vec<f64> = varied.iter().map(|m| m.1).collect();
    let (f_lo, f_hi) = bootstrap_sample_ci(&values(&flat), 4000, 2).unwrap();
    let ratio = (v_hi - v_lo) / (f_hi - f_lo);
    assert!((0.7..1.4).contains(&ratio), "{v_lo}..{v_hi} vs {f_lo}..{f_hi}");
}

#[test]
fn clusters_without_values_are_left_out() {
    let sample = Sample::clusters([(0, 1.0), (2, 3.0), (2, 5.0), (9, 7.0)], 3);
    assert_eq!(sample, Sample::Clusters { sums: vec![1.0, 8.0], sizes: vec![1, 2] });
    assert_eq!((sample.n(), sample.units(), sample.mean()), (3, 2, Some(3.0)));
    assert!(mean_replicates(&Sample::clusters([], 4), 10, 0).is_empty());
}

#[test]
fn hypergeometric_draws_follow_the_hypergeometric_distribution() {
    // Chi-square goodness of fit over 200,000 draws of Hypergeometric(total 40, 15 successes,
    // 12 draws), against C(15, k)·C(25, 12 − k)/C(40, 12) computed with exact integers. The
    // outcomes 10..=12 (expected about 34 draws between them) share one cell, leaving 11 cells,
    // 10 degrees of freedom, whose 99.9th percentile is 29.59.
    fn choose(n: u64, k: u64) -> f64 {
        (0..k).fold(1u128, |acc, i| acc * u128::from(n - i) / u128::from(i + 1)) as f64
    }
    let (total, successes, draws) = (40u64, 15u64, 12u64);
    let tables = super::permutation::Tables::new(total as usize);
    let mut rng = crate::metrics::rng::SplitMix64::new(17);
    let cell = |k: u64| k.min(10) as usize;
    let mut counts = [0f64; 11];
    let n = 200_000;
    for _ in 0..n {
        counts[cell(super::permutation::hypergeometric(&mut rng, total, successes, draws, &tables))] += 1.0;
    }
    let mut expected = [0f64; 11];
    for k in 0..=draws {
        expected[cell(k)] +=
            choose(successes, k) * choose(total - successes, draws - k) / choose(total, draws) * f64::from(n);
    }
    let chi2: f64 = counts.iter().zip(&expected).map(|(c, e)| (c - e).powi(2) / e).sum();
    assert!(chi2 < 29.59, "chi-square {chi2}");
    // Edges: a forced outcome consumes its uniform and returns it.
    assert_eq!(super::permutation::hypergeometric(&mut rng, 10, 10, 4, &tables), 4);
    assert_eq!(super::permutation::hypergeometric(&mut rng, 10, 0, 4, &tables), 0);
    assert_eq!(super::permutation::hypergeometric(&mut rng, 10, 6, 10, &tables), 6);
}

#[test]
fn per_level_draws_on_many_judge_scores_match_an_exact_count() {
    // Enough values per level for the per-level draws (60 places on the smaller side, 3
    // levels). Python, exactly: the 60-subsets of the 130 pooled values counted by their sum
    // with a dynamic programme over levels (Π C(cₗ, kₗ) ways), keeping those whose
    // |mean(a*) − mean(b*)| is at least the observed one, over C(130, 60): 0.19960207566245314.
    let side = |counts: [usize; 3]| -> Vec<f64> {
        counts.iter().enumerate().flat_map(|(v, &c)| vec![v as f64; c]).collect()
    };
    let (a, b) = (values(&side([20, 25, 15])), values(&side([30, 28, 12])));
    assert!(averaged_within_monte_carlo(0.199_602_075_662_453_14, |seed| permutation_p(&a, &b, PERM, seed)));
    // Sign flips per level: 90 pairs with |d| = 1 (52 positive) and 40 with |d| = 2 (22
    // positive). Python, exactly: the distribution of Σ v·(2·positives − n) convolved over the
    // two levels with C(n, positives) ways each, P(|Σ| ≥ 22) = 0.18436672800862183.
    let mut d = Vec::new();
    for (value, n, positive) in [(1.0, 90, 52), (2.0, 40, 22)] {
        d.extend((0..n).map(|i| if i < positive { value } else { -value }));
    }
    assert!(averaged_within_monte_carlo(0.184_366_728_008_621_83, |seed| sign_flip_p(&d, PERM, seed)));
}
