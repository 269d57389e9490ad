//! Seeded percentile bootstrap over item indices (draw order documented on [`bootstrap_ci`]).

use rayon::prelude::*;

use super::{finite, mean, percentile};
use crate::metrics::rng::SplitMix64;

/// Percentile bootstrap 95 % CI: the 2.5th and 97.5th percentiles (numpy "linear") of the
/// statistic over `boot` resamples of `n_items` indices drawn with replacement.
///
/// Replicates where `statistic` returns `None` (or a non-finite value) are skipped. `None`
/// when `n_items == 0` or no replicate was computable (including `boot == 0`).
///
/// Reproducibility contract: the generator is `SplitMix64::new(seed)` and the draws happen in
/// exactly this order, whatever the statistic returns:
///
/// ```text
/// for replicate in 0..boot {
///     for i in 0..n_items { sample[i] = rng.below(n_items) }
///     value[replicate] = statistic(&sample)   // kept only when Some and finite
/// }
/// ```
///
/// Because the statistic never influences the draws, calls with the same `n_items`, `boot`
/// and `seed` see identical index samples, so figures bootstrapped side by side are paired
/// replicate by replicate.
pub fn bootstrap_ci(
    n_items: usize,
    boot: usize,
    seed: u64,
    mut statistic: impl FnMut(&[usize]) -> Option<f64>,
) -> Option<(f64, f64)> {
    if n_items == 0 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut sample = vec![0usize; n_items];
    let mut replicates = Vec::with_capacity(boot);
    for _ in 0..boot {
        for slot in sample.iter_mut() {
            *slot = rng.below(n_items);
        }
        if let Some(value) = statistic(&sample).filter(|v| v.is_finite()) {
            replicates.push(value);
        }
    }
    replicates.sort_by(f64::total_cmp);
    Some((percentile(&replicates, 2.5)?, percentile(&replicates, 97.5)?))
}

/// Percentile bootstrap 95 % CI of the mean of `xs` ([`bootstrap_ci`] with [`mean`] as the statistic).
///
/// `None` when `xs` is empty or its mean is not computable (a non-finite value anywhere), so
/// an interval never comes from the lucky resamples that happened to miss a bad value.
pub fn bootstrap_mean_ci(xs: &[f64], boot: usize, seed: u64) -> Option<(f64, f64)> {
    mean(xs)?;
    let [ci] = shared_draws([xs], boot, seed);
    ci
}

/// [`bootstrap_mean_ci`] of several samples at once, each giving exactly the interval it would
/// alone. Samples of one size draw the same indices (same n, boot and seed: [`bootstrap_ci`]'s
/// contract), so each index is drawn once and added to the sums of up to four samples: the
/// same sums in the same order, while the four independent additions keep the core busy where
/// one waited on the last (a study's groups are often all of one size).
pub fn bootstrap_mean_cis(samples: &[&[f64]], boot: usize, seed: u64) -> Vec<Option<(f64, f64)>> {
    let mut out = vec![None; samples.len()];
    let mut by_size: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for (k, xs) in samples.iter().enumerate() {
        if mean(xs).is_some() {
            by_size.entry(xs.len()).or_default().push(k);
        }
    }
    let tasks: Vec<&[usize]> = by_size.values().flat_map(|ks| ks.chunks(4)).collect();
    let cis: Vec<Vec<Option<(f64, f64)>>> = tasks
        .par_iter()
        .map(|ks| {
            let xs: Vec<&[f64]> = ks.iter().map(|&k| samples[k]).collect();
            match *xs.as_slice() {
                [a] => shared_draws([a], boot, seed).to_vec(),
                [a, b] => shared_draws([a, b], boot, seed).to_vec(),
                [a, b, c] => shared_draws([a, b, c], boot, seed).to_vec(),
                [a, b, c, d] => shared_draws([a, b, c, d], boot, seed).to_vec(),
                _ => Vec::new(),
            }
        })
        .collect();
    for (ks, cis) in tasks.iter().zip(cis) {
        for (&k, ci) in ks.iter().zip(cis) {
            out[k] = ci;
        }
    }
    out
}

/// The intervals of `K` samples of one size (at least one value each), drawn together:
/// `bootstrap_ci`'s draws with `mean`'s sums, taken as each index is drawn rather than through
/// a list of indices and one of values (the same numbers in the same order, so the same
/// figures, at a third of the cost: the AUC bootstrap of a 100,000-rollout study draws 200
/// million indices).
fn shared_draws<const K: usize>(xs: [&[f64]; K], boot: usize, seed: u64) -> [Option<(f64, f64)>; K] {
    let n = xs[0].len();
    let mut rng = SplitMix64::new(seed);
    let mut replicates: [Vec<f64>; K] = std::array::from_fn(|_| Vec::with_capacity(boot));
    // `Sum`'s own starting value, so each sum is the one `bootstrap_mean_ci` takes.
    let zero: f64 = std::iter::empty::<f64>().sum();
    for _ in 0..boot {
        let at = rng.below(n);
        let first: [f64; K] = std::array::from_fn(|k| xs[k][at]);
        let mut shifted = [zero; K];
        for _ in 1..n {
            let at = rng.below(n);
            for k in 0..K {
                shifted[k] += xs[k][at] - first[k];
            }
        }
        for k in 0..K {
            if let Some(value) = finite(first[k] + shifted[k] / n as f64) {
                replicates[k].push(value);
            }
        }
    }
    replicates.map(|mut r| {
        r.sort_by(f64::total_cmp);
        Some((percentile(&r, 2.5)?, percentile(&r, 97.5)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-12;

    fn close_pair(got: Option<(f64, f64)>, want: (f64, f64)) -> bool {
        got.is_some_and(|(lo, hi)| (lo - want.0).abs() <= TOL && (hi - want.1).abs() <= TOL)
    }

    const SAMPLE: [f64; 7] = [3.0, 7.0, 1.0, 9.0, 4.0, 4.0, 10.0];

    #[test]
    fn the_mean_drawn_in_place_is_the_mean_of_the_drawn_indices() {
        let mut rng = SplitMix64::new(3);
        for n in [1usize, 2, 7, 300, 1001] {
            // Values of every size, so a change in the order of the sums would show.
            let xs: Vec<f64> = (0..n).map(|i| (rng.unit() - 0.3) * 10f64.powi((i % 9) as i32 - 3)).collect();
            let by_indices =
                bootstrap_ci(n, 200, 11, |indices| mean(&indices.iter().map(|&i| xs[i]).collect::<Vec<_>>()));
            assert_eq!(bootstrap_mean_ci(&xs, 200, 11), by_indices, "n = {n}");
        }
        assert_eq!(bootstrap_mean_ci(&[], 200, 11), None);
        assert_eq!(bootstrap_mean_ci(&[1.0, f64::NAN], 200, 11), None);
    }

    #[test]
    fn samples_drawn_together_get_the_intervals_they_get_alone() {
        let mut rng = SplitMix64::new(5);
        let mut sample = |n: usize| -> Vec<f64> {
            (0..n).map(|i| (rng.unit() - 0.4) * 10f64.powi((i % 7) as i32 - 2)).collect()
        };
        // Six of one size (chunks of four and two), two of others, one empty, one with a NaN.
        let mut samples: Vec<Vec<f64>> = (0..6).map(|_| sample(257)).collect();
        samples.extend([sample(1), sample(40), Vec::new(), vec![1.0, f64::NAN]]);
        let refs: Vec<&[f64]> = samples.iter().map(Vec::as_slice).collect();
        let alone: Vec<_> = refs.iter().map(|xs| bootstrap_mean_ci(xs, 300, 9)).collect();
        assert_eq!(bootstrap_mean_cis(&refs, 300, 9), alone);
        assert!(alone[..8].iter().all(Option::is_some) && alone[8..].iter().all(Option::is_none));
    }

    #[test]
    fn exact_small_case_by_hand() {
        // Seed 1234567 yields 6457827717110365317, 3203168211198807973, 9817491932198370423,
        // 4593380528125082431, 16408922859458223821, 7804594928223864054,
        // 10895525637215051397, 5078158048327840177. For n = 2, below(2) is the top bit of
        // each output (never rejects: 2^64 mod 2 = 0), i.e. 1 iff output >= 2^63:
        //   0 0 | 1 0 | 1 0 | 1 0.
        // With xs = [1, 3] the replicate means are 1, 2, 2, 2; sorted [1, 2, 2, 2].
        //   2.5th:  h = 3·0.025 = 0.075 → 1 + 0.075·(2 − 1) = 1.075
        //   97.5th: h = 3·0.975 = 2.925 → 2 + 0.925·(2 − 2) = 2
        assert!(close_pair(bootstrap_mean_ci(&[1.0, 3.0], 4, 1_234_567), (1.075, 2.0)));
    }

    #[test]
    fn draws_follow_the_documented_order() {
        let (n, boot, seed) = (5, 3, 77);
        let mut seen = Vec::new();
        let _ = bootstrap_ci(n, boot, seed, |indices| {
            seen.push(indices.to_vec());
            None
        });
        let mut rng = SplitMix64::new(seed);
        let expected: Vec<Vec<usize>> = (0..boot).map(|_| (0..n).map(|_| rng.below(n)).collect()).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn matches_independent_python_bootstrap() {
        // Python: the SplitMix64/Lemire transcription from rng.rs's tests, then
        //   def boot(xs, B, seed):
        //       r = SM(seed); n = len(xs); reps = []
        //       for _ in range(B):
        //           idx = [r.below(n) for _ in range(n)]
        //           reps.append(np.mean([xs[i] for i in idx]))
        //       return np.percentile(reps, 2.5), np.percentile(reps, 97.5)
        //   boot([3, 7, 1, 9, 4, 4, 10], 1000, 20240601) -> (3.2857142857142856, 7.571428571428571)
        //   boot([0,0,1,2,2,3,5,5,6,8,9,10], 2000, 7)    -> (2.4166666666666665, 6.166666666666667)
        assert!(close_pair(
            bootstrap_mean_ci(&SAMPLE, 1000, 20_240_601),
            (3.285_714_285_714_285_6, 7.571_428_571_428_571)
        ));
        let second = [0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 6.0, 8.0, 9.0, 10.0];
        assert!(close_pair(
            bootstrap_mean_ci(&second, 2000, 7),
            (2.416_666_666_666_666_5, 6.166_666_666_666_667)
        ));
    }

    #[test]
    fn all_equal_input_gives_a_point_interval() {
        assert_eq!(bootstrap_mean_ci(&[4.0; 6], 500, 1), Some((4.0, 4.0)));
        assert_eq!(bootstrap_mean_ci(&[0.1; 9], 500, 2), Some((0.1, 0.1)));
    }

    #[test]
    fn single_element_gives_a_point_interval() {
        assert_eq!(bootstrap_mean_ci(&[7.5], 100, 3), Some((7.5, 7.5)));
    }

    #[test]
    fn same_seed_same_interval_and_different_seeds_differ() {
        let a = bootstrap_mean_ci(&SAMPLE, 400, 11);
        let b = bootstrap_mean_ci(&SAMPLE, 400, 11);
        let c = bootstrap_mean_ci(&SAMPLE, 400, 12);
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn interval_contains_the_mean_and_is_ordered() {
        let centre = 38.0 / 7.0;
        for seed in 0..20 {
            let (lo, hi) = bootstrap_mean_ci(&SAMPLE, 300, seed).unwrap();
            assert!(lo < centre && centre < hi, "seed {seed}: ({lo}, {hi})");
            // The bootstrap mean cannot leave the range of the data.
            assert!(1.0 <= lo && hi <= 10.0);
        }
    }

    #[test]
    fn replicates_without_a_value_are_skipped() {
        // n = 2, seed 1234567, B = 4: samples [0,0] [1,0] [1,0] [1,0] (see the hand case).
        // Declaring the all-zero sample uncomputable leaves replicates [2, 2, 2] → (2, 2);
        // if it were counted as 0 instead, the 2.5th percentile would move to 0.15.
        let xs = [1.0, 3.0];
        let ci = bootstrap_ci(2, 4, 1_234_567, |idx| {
            if idx.iter().all(|&i| i == 0) {
                None
            } else {
                Some(idx.iter().map(|&i| xs[i]).sum::<f64>() / 2.0)
            }
        });
        assert_eq!(ci, Some((2.0, 2.0)));
        // NaN counts as "not computable", never as a value.
        let nan_ci = bootstrap_ci(2, 4, 1_234_567, |idx| Some(if idx[0] == 0 { f64::NAN } else { 2.0 }));
        assert_eq!(nan_ci, Some((2.0, 2.0)));
    }

    #[test]
    fn nothing_to_resample_or_nothing_computable() {
        assert_eq!(bootstrap_ci(0, 100, 1, |_| Some(1.0)), None);
        assert_eq!(bootstrap_ci(5, 0, 1, |_| Some(1.0)), None);
        assert_eq!(bootstrap_ci(5, 100, 1, |_| None), None);
        assert_eq!(bootstrap_mean_ci(&[], 100, 1), None);
        assert_eq!(bootstrap_mean_ci(&[1.0, f64::NAN, 3.0], 100, 1), None);
    }
}
