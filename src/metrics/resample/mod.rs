//! Resampling over units that may be clusters: the bootstrap of a mean (`mean_replicates`), and
//! permutation tests of a difference in means (`permutation_p`, `sign_flip_p` in
//! [`permutation`]). A unit is a rollout, or with `--cluster` a cluster of rollouts (a prompt
//! and its samples), since rollouts of one prompt are not independent: resampling them one by
//! one would make intervals too narrow.
//!
//! Every function takes its own seed and draws from its own `SplitMix64` stream, so figures
//! computed side by side on several threads come out the same whatever the scheduling;
//! [`stream_seed`] derives those seeds from the user's one.

mod permutation;

pub use permutation::{permutation_p, sign_flip_p};

use super::describe::{level_mean_replicates, levels, percentile};
use super::rng::SplitMix64;

/// One side's observations, as the units resampled.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    /// One value per unit.
    Values(Vec<f64>),
    /// Each unit the sum of `sizes[i]` values (a cluster's rollouts); its mean is the ratio
    /// Σ sums / Σ sizes over the units, so a large cluster weighs as its rollouts do.
    Clusters { sums: Vec<f64>, sizes: Vec<u32> },
}

impl Sample {
    /// Values grouped by cluster: `members` are (cluster index below `n_clusters`, value);
    /// clusters without a value are left out, the rest kept in index order.
    pub fn clusters(members: impl IntoIterator<Item = (usize, f64)>, n_clusters: usize) -> Sample {
        let mut sums = vec![0.0; n_clusters];
        let mut sizes = vec![0u32; n_clusters];
        for (cluster, value) in members {
            if let (Some(sum), Some(size)) = (sums.get_mut(cluster), sizes.get_mut(cluster)) {
                *sum += value;
                *size += 1;
            }
        }
        let (sums, sizes) = sums.into_iter().zip(sizes).filter(|&(_, size)| size > 0).unzip();
        Sample::Clusters { sums, sizes }
    }

    /// How many values (rollouts) the sample holds.
    pub fn n(&self) -> usize {
        match self {
            Sample::Values(xs) => xs.len(),
            Sample::Clusters { sizes, .. } => sizes.iter().map(|&s| s as usize).sum(),
        }
    }

    /// The units resampled: values, or clusters.
    pub fn units(&self) -> usize {
        match self {
            Sample::Values(xs) => xs.len(),
            Sample::Clusters { sizes, .. } => sizes.len(),
        }
    }

    /// Unit i as (sum, size).
    fn unit(&self, i: usize) -> (f64, f64) {
        match self {
            Sample::Values(xs) => (xs[i], 1.0),
            Sample::Clusters { sums, sizes } => (sums[i], f64::from(sizes[i])),
        }
    }

    /// The mean of every value; `None` when empty or not finite.
    pub fn mean(&self) -> Option<f64> {
        match self {
            Sample::Values(xs) => super::describe::mean(xs),
            Sample::Clusters { sums, .. } => {
                let n = self.n();
                let mean = sums.iter().sum::<f64>() / n as f64;
                (n > 0 && mean.is_finite()).then_some(mean)
            }
        }
    }
}

/// `boot` bootstrap replicates of the sample's mean, in draw order, from `SplitMix64::new(seed)`:
///
/// - values with at most 64 distinct levels (judge scores; n / 16 from
///   `describe::COUNTS_FROM` values on): counts per level, drawn as
///   `bootstrap_mean_ci_by_counts` documents;
/// - other values: `n` indices per replicate, as `bootstrap_ci` documents;
/// - clusters: as many cluster indices per replicate as there are clusters, drawn the same way,
///   and the replicate is Σ sums / Σ sizes of the clusters drawn.
///
/// Empty when the sample is, or holds a value that is not finite.
pub fn mean_replicates(sample: &Sample, boot: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    let units = sample.units();
    if units == 0 || sample.mean().is_none() {
        return Vec::new();
    }
    if let Sample::Values(xs) = sample
        && let Some(levels) = levels(xs)
    {
        return level_mean_replicates(&levels, boot, &mut rng);
    }
    let mut replicates = Vec::with_capacity(boot);
    for _ in 0..boot {
        let value = match sample {
            Sample::Values(xs) => {
                // x₀ + Σ(xᵢ − x₀)/n, as `describe::mean`: an all-equal resample is exact.
                let first = xs[rng.below(units)];
                let shifted: f64 = (1..units).map(|_| xs[rng.below(units)] - first).sum();
                first + shifted / units as f64
            }
            Sample::Clusters { sums, sizes } => {
                let (mut sum, mut size) = (0.0, 0u64);
                for _ in 0..units {
                    let i = rng.below(units);
                    sum += sums[i];
                    size += u64::from(sizes[i]);
                }
                sum / size as f64
            }
        };
        replicates.push(value);
    }
    replicates
}

/// The 2.5th and 97.5th percentiles (numpy "linear") of the finite replicates; `None` when
/// there are none.
pub fn percentile_ci(mut replicates: Vec<f64>) -> Option<(f64, f64)> {
    replicates.retain(|x| x.is_finite());
    replicates.sort_by(f64::total_cmp);
    Some((percentile(&replicates, 2.5)?, percentile(&replicates, 97.5)?))
}

/// Percentile bootstrap 95 % CI of the sample's mean ([`mean_replicates`]).
pub fn bootstrap_sample_ci(sample: &Sample, boot: usize, seed: u64) -> Option<(f64, f64)> {
    percentile_ci(mean_replicates(sample, boot, seed))
}

/// A seed of its own for one figure, from the user's seed and the figure's place (a turn, a
/// figure number, a side): each part is mixed in through a SplitMix64 step, so different
/// places get unrelated streams and the same place always the same one.
pub fn stream_seed(seed: u64, place: &[u64]) -> u64 {
    place.iter().fold(SplitMix64::new(seed).next_u64(), |h, &part| SplitMix64::new(h ^ part).next_u64())
}

#[cfg(test)]
mod tests;
