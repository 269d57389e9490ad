//! Agreement on a categorical score (a judge's tag against a human's category): percent
//! agreement, unweighted Cohen's κ and nominal Krippendorff's α, each with a bootstrap CI over
//! items, and the k×k table of counts.

use serde::Serialize;

use super::nominal::{alpha_nominal_of_present, cohen_kappa_unweighted, percent_agreement};
use super::{Figure, figure};

/// Two raters' categories side by side, counts only (no CI): `counts[i][j]` is the number of
/// items the first rater (the human; annotator `a`) put in `categories[i]` and the second (the
/// judge; annotator `b`) in `categories[j]`. `categories` are those either rater used, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CategoryTable {
    pub categories: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

/// Agreement on one set of paired categories, every figure with its bootstrap CI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoricalAgreement {
    /// Number of pairs used.
    pub n: usize,
    /// Bootstrap replicates behind every `ci`.
    pub boot: usize,
    /// Bootstrap seed; every figure is resampled with the same item indices.
    pub seed: u64,
    /// Fraction (0–1) of pairs on the same category.
    pub percent_agreement: Figure,
    /// Cohen's κ without weights: every disagreement counts the same.
    pub kappa_unweighted: Figure,
    /// Krippendorff's α, nominal metric, the two as raters.
    pub krippendorff_alpha: Figure,
    /// The k×k table of counts.
    pub category_table: CategoryTable,
}

impl CategoricalAgreement {
    /// The three figures with their display names, in report order.
    pub fn named_figures(&self) -> [(&'static str, &Figure); 3] {
        [
            ("agreement (0–1)", &self.percent_agreement),
            ("κ unweighted", &self.kappa_unweighted),
            ("Krippendorff α", &self.krippendorff_alpha),
        ]
    }
}

/// All agreement figures for paired categories `a[i]`, `b[i]`, with percentile-bootstrap 95 %
/// CIs over items ([`bootstrap_ci`](crate::metrics::describe::bootstrap_ci) with `boot` and
/// `seed`, so the figures share their resamples, and the numeric report's too). Slices of
/// different lengths pair nothing (n = 0, every figure `None`, an empty table).
pub fn categorical_agreement<S: AsRef<str>>(
    a: &[S],
    b: &[S],
    boot: usize,
    seed: u64,
) -> CategoricalAgreement {
    let (a, b): (Vec<&str>, Vec<&str>) = if a.len() == b.len() {
        a.iter().zip(b).map(|(x, y)| (x.as_ref(), y.as_ref())).unzip()
    } else {
        Default::default()
    };
    let mut categories: Vec<&str> = a.iter().chain(&b).copied().collect();
    categories.sort_unstable();
    categories.dedup();
    let index = |c: &str| categories.binary_search(&c).unwrap_or_default();
    let a: Vec<usize> = a.iter().map(|c| index(c)).collect();
    let b: Vec<usize> = b.iter().map(|c| index(c)).collect();
    let k = categories.len();
    let mut counts = vec![vec![0; k]; k];
    for (&x, &y) in a.iter().zip(&b) {
        counts[x][y] += 1;
    }
    let kappa = |a: &[usize], b: &[usize]| cohen_kappa_unweighted(a, b, k);
    let alpha = |a: &[usize], b: &[usize]| {
        let units: Vec<[usize; 2]> = a.iter().zip(b).map(|(&x, &y)| [x, y]).collect();
        alpha_nominal_of_present(&units, k)
    };
    CategoricalAgreement {
        n: a.len(),
        boot,
        seed,
        percent_agreement: figure(&a, &b, boot, seed, percent_agreement),
        kappa_unweighted: figure(&a, &b, boot, seed, kappa),
        krippendorff_alpha: figure(&a, &b, boot, seed, alpha),
        category_table: CategoryTable {
            categories: categories.iter().map(|c| c.to_string()).collect(),
            counts,
        },
    }
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

    const HUMAN: &str = "none none none mild mild strong despair despair none mild strong strong \
                         refusal none mild despair none strong mild none despair refusal none mild";
    const JUDGE: &str = "none none mild mild strong strong despair strong none none strong despair \
                         refusal none mild despair mild strong mild none despair none none strong";

    #[test]
    fn matches_scikit_learn_and_the_krippendorff_package() {
        // Python 3.11 (numpy 2.4.6, scikit-learn 1.9.1, krippendorff 0.9.0), H and J the words
        // above: for each figure f, value = f(H, J); CI = np.percentile(reps, [2.5, 97.5])
        // where reps are f on the resamples drawn by the SplitMix64/Lemire transcription in
        // rng.rs's tests (r = SM(2024); per replicate idx = [r.below(24) for _ in range(24)];
        // B = 200; all 200 replicates computable). f: np.mean(h == j);
        // sklearn.metrics.cohen_kappa_score(h, j); krippendorff.alpha([code(h), code(j)],
        // level_of_measurement="nominal") with code the index in sorted(set(H) | set(J)).
        // The table is sklearn's confusion_matrix(H, J, labels=sorted(set(H) | set(J))).
        let human: Vec<&str> = HUMAN.split_whitespace().collect();
        let judge: Vec<&str> = JUDGE.split_whitespace().collect();
        let got = categorical_agreement(&human, &judge, 200, 2024);
        assert_eq!(got.n, 24);
        assert_figure(
            got.percent_agreement,
            0.666_666_666_666_666_6,
            (0.498_958_333_333_333_34, 0.833_333_333_333_333_4),
            "percent_agreement",
        );
        assert_figure(
            got.kappa_unweighted,
            0.563_636_363_636_363_6,
            (0.322_822_459_536_125_3, 0.763_575_775_137_641_3),
            "kappa_unweighted",
        );
        assert_figure(
            got.krippendorff_alpha,
            0.571_265_678_449_258_9,
            (0.312_399_341_831_650_75, 0.766_792_467_821_388_9),
            "krippendorff_alpha",
        );
        assert_eq!(got.category_table.categories, ["despair", "mild", "none", "refusal", "strong"]);
        assert_eq!(
            got.category_table.counts,
            [[3, 0, 0, 0, 1], [0, 3, 1, 0, 2], [0, 2, 6, 0, 0], [0, 0, 1, 1, 0], [1, 0, 0, 0, 3]]
        );
    }

    #[test]
    fn one_shared_category_has_agreement_but_no_chance_corrected_figure() {
        let got = categorical_agreement(&["none"; 4], &["none"; 4], 50, 1);
        assert_eq!(got.percent_agreement, Figure { value: Some(1.0), ci: Some((1.0, 1.0)) });
        let none = Figure { value: None, ci: None };
        assert_eq!((got.kappa_unweighted, got.krippendorff_alpha), (none, none));
        assert_eq!(
            got.category_table,
            CategoryTable { categories: vec!["none".into()], counts: vec![vec![4]] }
        );
    }

    #[test]
    fn empty_or_mismatched_input_pairs_nothing_and_serialises_with_nulls() {
        for got in [
            categorical_agreement::<&str>(&[], &[], 100, 1),
            categorical_agreement(&["a", "b"], &["a"], 100, 1),
        ] {
            assert_eq!(got.n, 0);
            assert_eq!(got.percent_agreement.value, None);
            assert_eq!(got.category_table, CategoryTable::default());
        }
        let json = serde_json::to_value(categorical_agreement(&["a", "b"], &["a", "a"], 10, 3)).unwrap();
        for key in ["n", "percent_agreement", "kappa_unweighted", "krippendorff_alpha", "category_table"] {
            assert!(json.get(key).is_some(), "{key} in {json}");
        }
        assert_eq!(
            json["category_table"],
            serde_json::json!({"categories": ["a", "b"], "counts": [[1, 0], [1, 0]]})
        );
        assert!(json.get("confusion").is_none(), "confusion is the numeric 2×2 split");
    }
}
