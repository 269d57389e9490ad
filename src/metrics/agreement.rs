//! Judge-versus-human agreement on paired scores (human `h[i]`, judge `j[i]` for item i).
//!
//! The single functions live in submodules and are re-exported here; [`agreement`] bundles
//! them, each with a bootstrap CI over items, into one serialisable [`Agreement`], and
//! [`categorical_agreement`] does the same for a categorical score ([`CategoricalAgreement`]).

mod bland_altman;
mod categorical;
mod correlation;
mod kappa;
mod krippendorff;
mod levels;
mod nominal;

use serde::Serialize;

use crate::metrics::describe::bootstrap_ci;

pub use bland_altman::{LimitsOfAgreement, limits_of_agreement, mean_difference};
pub use categorical::{CategoricalAgreement, CategoryTable, categorical_agreement};
pub use correlation::{mae, pearson, spearman};
pub use kappa::{BinaryConfusion, cohen_kappa_binary, cohen_kappa_quadratic, round_half_up, score_category};
pub use krippendorff::krippendorff_alpha_interval;
pub use levels::{CalibrationLevel, LevelTable, calibration, confusion_levels};
pub use nominal::{cohen_kappa_unweighted, krippendorff_alpha_nominal, percent_agreement};

/// Number of score categories on the 0–10 scale.
pub const SCORE_CATEGORIES: usize = 11;

/// One figure: its value on all items and its bootstrap 95 % CI; serialises as
/// `{"value": x | null, "ci": [lo, hi] | null}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    /// The figure on all items; `None` when it cannot be computed.
    pub value: Option<f64>,
    /// Percentile-bootstrap 95 % CI over items; `None` whenever `value` is `None`.
    pub ci: Option<(f64, f64)>,
}

impl Figure {
    /// `0.812  [0.700, 0.900]`, `0.812`, or `–`, for tables.
    pub fn text(&self) -> String {
        match (self.value, self.ci) {
            (Some(v), Some((lo, hi))) => format!("{v:>9.3}   [{lo:.3}, {hi:.3}]"),
            (Some(v), None) => format!("{v:>9.3}"),
            _ => format!("{:>9}", "–"),
        }
    }
}

/// Judge-versus-human agreement on one set of paired items, every figure with its bootstrap CI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Number of pairs used (pairs with a non-finite score are left out).
    pub n: usize,
    /// A score is "high" when it is ≥ this.
    pub threshold: f64,
    /// Bootstrap replicates behind every `ci`.
    pub boot: usize,
    /// Bootstrap seed; every figure is resampled with the same item indices.
    pub seed: u64,
    /// Mean absolute error of the raw scores.
    pub mae: Figure,
    /// Pearson's r of the raw scores.
    pub pearson: Figure,
    /// Spearman's ρ of the raw scores.
    pub spearman: Figure,
    /// Quadratic-weighted Cohen's κ of the 0–10 categories.
    pub kappa_quadratic: Figure,
    /// Cohen's κ of the high/low calls.
    pub kappa_binary: Figure,
    /// Krippendorff's α (interval) of the raw scores, human and judge as two raters.
    pub krippendorff_alpha: Figure,
    /// High/low calls of human versus judge on all items.
    pub confusion: BinaryConfusion,
    /// Mean of human − judge: how much higher (positive) or lower the human scores.
    pub bias: Figure,
    /// Bland–Altman limits: bias ± 1.96 SD of human − judge; `None` for fewer than two pairs.
    pub limits_of_agreement: Option<LimitsOfAgreement>,
    /// The human mean at each judge level present (judge scores rounded half up to 0–10).
    pub calibration: Vec<CalibrationLevel>,
    /// Pairs by human level (row) and judge level (column), both 0–10, for a heat map.
    pub confusion_levels: LevelTable,
    /// The (human, judge) pairs behind the figures, for the report's Bland–Altman plot; not
    /// printed (`agree --json` stays the figures).
    #[serde(skip)]
    pub pairs: Vec<(f64, f64)>,
}

impl Agreement {
    /// The six figures with their display names, in report order.
    pub fn named_figures(&self) -> [(&'static str, &Figure); 6] {
        [
            ("MAE", &self.mae),
            ("Pearson r", &self.pearson),
            ("Spearman ρ", &self.spearman),
            ("κ quadratic", &self.kappa_quadratic),
            ("κ binary", &self.kappa_binary),
            ("Krippendorff α", &self.krippendorff_alpha),
        ]
    }
}

/// All agreement figures for paired scores, with percentile-bootstrap 95 % CIs over items.
///
/// MAE, Pearson, Spearman and α use the raw scores. For both κ figures each score becomes its
/// 0–10 category ([`score_category`]: round half up, clamp) for the quadratic κ; for the binary
/// κ a call is "high" when the raw score is ≥ `threshold` (as in `stats`' "% ≥ T");
/// `confusion` tabulates those calls. `bias` and `limits_of_agreement` are on human − judge;
/// `calibration` and `confusion_levels` use the 0–10 categories. A pair with a non-finite
/// score is left out; slices of different lengths pair nothing (n = 0, every figure `None`).
/// Each CI is [`bootstrap_ci`] with `boot` and `seed`, so all figures share their resamples
/// (but a calibration level's, which resamples that level's pairs: see [`calibration`]).
pub fn agreement(human: &[f64], judge: &[f64], threshold: f64, boot: usize, seed: u64) -> Agreement {
    let (h, j): (Vec<f64>, Vec<f64>) = if human.len() == judge.len() {
        human.iter().zip(judge).filter(|(a, b)| a.is_finite() && b.is_finite()).map(|(&a, &b)| (a, b)).unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    let categories = |xs: &[f64]| -> Vec<i64> { xs.iter().map(|&x| score_category(x)).collect() };
    // The binary split uses raw scores, so it agrees with the "% ≥ T" figure of `stats`.
    let calls = |xs: &[f64]| -> Vec<bool> { xs.iter().map(|&x| x >= threshold).collect() };
    let kappa_quadratic =
        |h: &[f64], j: &[f64]| cohen_kappa_quadratic(&categories(h), &categories(j), SCORE_CATEGORIES);
    let kappa_binary = |h: &[f64], j: &[f64]| cohen_kappa_binary(&calls(h), &calls(j));
    let alpha = |h: &[f64], j: &[f64]| {
        let units: Vec<[f64; 2]> = h.iter().zip(j).map(|(&a, &b)| [a, b]).collect();
        krippendorff::alpha_interval_of_present(&units)
    };
    Agreement {
        n: h.len(),
        threshold,
        boot,
        seed,
        mae: figure(&h, &j, boot, seed, mae),
        pearson: figure(&h, &j, boot, seed, pearson),
        spearman: figure(&h, &j, boot, seed, spearman),
        kappa_quadratic: figure(&h, &j, boot, seed, kappa_quadratic),
        kappa_binary: figure(&h, &j, boot, seed, kappa_binary),
        krippendorff_alpha: figure(&h, &j, boot, seed, alpha),
        confusion: BinaryConfusion::from_calls(&calls(&h), &calls(&j)).unwrap_or_default(),
        bias: figure(&h, &j, boot, seed, mean_difference),
        limits_of_agreement: limits_of_agreement(&h, &j),
        calibration: calibration(&h, &j, boot, seed),
        confusion_levels: confusion_levels(&h, &j),
        pairs: h.iter().copied().zip(j.iter().copied()).collect(),
    }
}

/// `statistic` on all pairs, and its bootstrap CI over pair indices when the value exists.
fn figure<T: Copy>(
    h: &[T],
    j: &[T],
    boot: usize,
    seed: u64,
    statistic: impl Fn(&[T], &[T]) -> Option<f64>,
) -> Figure {
    let value = statistic(h, j);
    let ci = value.and_then(|_| {
        let (mut h_sample, mut j_sample) = (Vec::with_capacity(h.len()), Vec::with_capacity(j.len()));
        bootstrap_ci(h.len(), boot, seed, |indices| {
            h_sample.clear();
            j_sample.clear();
            for &i in indices {
                if let (Some(&a), Some(&b)) = (h.get(i), j.get(i)) {
                    h_sample.push(a);
                    j_sample.push(b);
                }
            }
            statistic(&h_sample, &j_sample)
        })
    });
    Figure { value, ci }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-9;

    fn assert_figure(got: Figure, value: f64, ci: (f64, f64), name: &str) {
        let v = got.value.unwrap_or(f64::NAN);
        let (lo, hi) = got.ci.unwrap_or((f64::NAN, f64::NAN));
        assert!((v - value).abs() <= TOL, "{name} value {v} != {value}");
        assert!((lo - ci.0).abs() <= TOL, "{name} ci.lo {lo} != {}", ci.0);
        assert!((hi - ci.1).abs() <= TOL, "{name} ci.hi {hi} != {}", ci.1);
    }

    const HUMAN: [f64; 30] = [
        0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 5.0, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0, 8.0, 9.0, 10.0, 10.0, 3.0,
        5.0, 6.0, 2.0, 0.0, 7.0, 4.0, 9.0, 5.0, 1.0, 8.0,
    ];
    const JUDGE: [f64; 30] = [
        0.5, 1.0, 3.0, 2.0, 2.5, 4.5, 3.0, 5.0, 6.0, 4.0, 6.5, 5.0, 7.0, 8.0, 8.0, 9.5, 9.0, 10.0, 8.0, 4.49,
        5.5, 6.0, 1.0, 0.0, 6.0, 5.0, 10.0, 4.5, 2.0, 7.5,
    ];

    #[test]
    fn matches_an_independent_python_pipeline() {
        // Python (numpy 2.4.6, scipy 1.17.1, scikit-learn 1.9.1, krippendorff 0.9.0): for each
        // figure f, value = f(H, J); CI = np.percentile(reps, [2.5, 97.5]) where reps are f on
        // the resamples drawn by the SplitMix64/Lemire transcription in rng.rs's tests
        // (r = SM(2024); per replicate idx = [r.below(30) for _ in range(30)]; B = 200),
        // skipping nan. f: mean_absolute_error; pearsonr; spearmanr;
        // cohen_kappa_score(cat(h), cat(j), weights="quadratic", labels=range(11));
        // cohen_kappa_score(h >= 5, j >= 5, labels=[False, True]) (raw scores);
        // krippendorff.alpha([h, j], level_of_measurement="interval");
        // with cat(x) = min(10, max(0, floor(x + 0.5))).
        let got = agreement(&HUMAN, &JUDGE, 5.0, 200, 2024);
        assert_eq!(got.n, 30);
        assert_figure(
            got.mae,
            0.649_666_666_666_666_7,
            (0.482_591_666_666_666_64, 0.882_675_000_000_000_1),
            "mae",
        );
        assert_figure(
            got.pearson,
            0.956_572_319_093_271_6,
            (0.927_573_800_781_449_7, 0.978_086_668_690_443),
            "pearson",
        );
        assert_figure(
            got.spearman,
            0.960_354_185_281_414,
            (0.906_185_830_494_258_8, 0.978_200_834_953_106_6),
            "spearman",
        );
        assert_figure(
            got.kappa_quadratic,
            0.950_711_938_663_745_9,
            (0.913_992_817_004_430_9, 0.971_709_071_326_631_8),
            "kappa_quadratic",
        );
        assert_figure(
            got.kappa_binary,
            0.794_520_547_945_205_4,
            (0.582_984_449_760_765_6, 1.0),
            "kappa_binary",
        );
        assert_figure(
            got.krippendorff_alpha,
            0.956_848_139_368_182_6,
            (0.923_197_368_401_453_2, 0.974_773_603_229_212_1),
            "krippendorff_alpha",
        );
        // Raw scores: judge 4.5 and 4.49 are both below 5.
        assert_eq!(
            got.confusion,
            BinaryConfusion { both_high: 16, human_high_judge_low: 2, human_low_judge_high: 1, both_low: 11 }
        );
    }

    #[test]
    fn binary_calls_use_raw_scores_and_kappa_uses_rounded_categories() {
        // Judge 4.5 is below a threshold of 5 (raw), though its category rounds up to 5.
        let got = agreement(&[5.0, 5.0, 1.0], &[4.5, 5.0, 1.0], 5.0, 10, 1);
        assert_eq!(
            got.confusion,
            BinaryConfusion { both_high: 1, human_high_judge_low: 1, human_low_judge_high: 0, both_low: 1 }
        );
        // Categories 5,5,1 vs 5,5,1: perfect quadratic agreement.
        assert_eq!(got.kappa_quadratic.value, Some(1.0));
    }

    #[test]
    fn figures_without_a_value_have_no_interval() {
        // Both raters constant and identical: correlations, κ and α are undefined; MAE is 0.
        let got = agreement(&[5.0; 6], &[5.0; 6], 5.0, 100, 9);
        assert_eq!(got.n, 6);
        assert_eq!(got.mae, Figure { value: Some(0.0), ci: Some((0.0, 0.0)) });
        let none = Figure { value: None, ci: None };
        for f in [got.pearson, got.spearman, got.kappa_quadratic, got.kappa_binary, got.krippendorff_alpha] {
            assert_eq!(f, none);
        }
        assert_eq!(got.confusion.both_high, 6);
    }

    #[test]
    fn perfect_agreement() {
        let scores = [0.0, 3.0, 5.0, 7.0, 10.0, 2.0];
        let got = agreement(&scores, &scores, 5.0, 50, 3);
        assert_eq!(got.kappa_quadratic.value, Some(1.0));
        assert_eq!(got.kappa_binary.value, Some(1.0));
        assert_eq!(got.krippendorff_alpha.value, Some(1.0));
        assert_eq!(got.mae.value, Some(0.0));
        assert!((got.pearson.value.unwrap_or(0.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_mismatched_and_non_finite_input() {
        for got in [agreement(&[], &[], 5.0, 100, 1), agreement(&[1.0, 2.0], &[1.0], 5.0, 100, 1)] {
            assert_eq!(got.n, 0);
            assert_eq!(got.mae.value, None);
            assert_eq!(got.mae.ci, None);
            assert_eq!(got.kappa_quadratic.value, None);
            assert_eq!(got.confusion, BinaryConfusion::default());
        }
        // A NaN judge score drops that pair only.
        let got = agreement(&[1.0, 2.0, 8.0], &[1.0, f64::NAN, 9.0], 5.0, 20, 1);
        assert_eq!(got.n, 2);
        assert_eq!(got.mae.value, Some(0.5));
    }

    #[test]
    fn serialises_value_and_ci_with_nulls() {
        let got = agreement(&[5.0; 3], &[5.0; 3], 5.0, 10, 4);
        let json = serde_json::to_value(&got).unwrap();
        assert_eq!(json["n"], 3);
        assert_eq!(json["mae"], serde_json::json!({"value": 0.0, "ci": [0.0, 0.0]}));
        assert_eq!(json["pearson"], serde_json::json!({"value": null, "ci": null}));
        assert_eq!(
            json["confusion"],
            serde_json::json!({
                "both_high": 3,
                "human_high_judge_low": 0,
                "human_low_judge_high": 0,
                "both_low": 0
            })
        );
        // Three pairs of (5, 5): no difference, one calibration level, one cell of the table.
        assert_eq!(json["bias"], serde_json::json!({"value": 0.0, "ci": [0.0, 0.0]}));
        assert_eq!(
            json["limits_of_agreement"],
            serde_json::json!({"bias": 0.0, "sd": 0.0, "lower": 0.0, "upper": 0.0})
        );
        assert_eq!(
            json["calibration"],
            serde_json::json!([{"level": 5, "n": 3, "human_mean": 5.0, "ci": [5.0, 5.0]}])
        );
        let table = json["confusion_levels"].as_array().unwrap();
        assert_eq!(table.len(), 11);
        assert_eq!(table[5], serde_json::json!([0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0]));
        let one = serde_json::to_value(agreement(&[5.0], &[4.0], 5.0, 10, 4)).unwrap();
        assert_eq!(one["limits_of_agreement"], serde_json::Value::Null, "no SD from one pair");
        assert_eq!(one["calibration"][0]["ci"], serde_json::Value::Null);
    }

    #[test]
    fn same_seed_reproduces_and_another_seed_differs() {
        let a = agreement(&HUMAN, &JUDGE, 5.0, 100, 77);
        let b = agreement(&HUMAN, &JUDGE, 5.0, 100, 77);
        let c = agreement(&HUMAN, &JUDGE, 5.0, 100, 78);
        assert_eq!(a, b);
        assert_ne!(a.mae.ci, c.mae.ci);
        assert_eq!(a.mae.value, c.mae.value);
    }
}
