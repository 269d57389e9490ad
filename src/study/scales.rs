//! How each per-turn score is drawn: a judge's 0–10 on its own scale, values outside it (probe
//! activations, log-probs) on their own minimum–maximum over the study, and categories as
//! colours, one per category, the same in every rollout. Kept up to date as rollouts load, so
//! a frame never walks the whole study.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::model::{RolloutSummary, ScoreValues};

/// The judge's scale.
pub const JUDGE_MAX: f64 = 10.0;

/// How one score's values are drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreScale {
    /// 0–10, with the threshold.
    Judge,
    /// Numbers outside 0–10: drawn from `lo` (bottom) to `hi` (top).
    Range { lo: f64, hi: f64 },
    /// Categories, sorted: a value's place here is its colour.
    Categories(Arc<[Arc<str>]>),
}

impl ScoreScale {
    /// Where `value` sits between the bottom (0) and the top (1) of the scale.
    pub fn fraction(&self, value: f64) -> f64 {
        let (lo, hi) = match self {
            ScoreScale::Range { lo, hi } => (*lo, *hi),
            _ => (0.0, JUDGE_MAX),
        };
        if hi > lo { ((value - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 }
    }

    /// The place (colour) of a category, if it is one of this scale's.
    pub fn category_index(&self, category: &str) -> Option<usize> {
        match self {
            ScoreScale::Categories(all) => all.iter().position(|c| &**c == category),
            _ => None,
        }
    }
}

/// A categorical score's categories: the set grown while loading, and its sorted list.
type CategorySet = (BTreeSet<Arc<str>>, Arc<[Arc<str>]>);

/// The scales of every score name seen so far.
#[derive(Debug, Clone, Default)]
pub struct Scales {
    ranges: foldhash::HashMap<Arc<str>, (f64, f64)>,
    categories: foldhash::HashMap<Arc<str>, CategorySet>,
}

impl Scales {
    /// Takes in one rollout's values.
    pub fn add(&mut self, summary: &RolloutSummary) {
        for scores in &summary.scores {
            match &scores.values {
                // Looked up before inserting: every rollout has the same few names, and cloning
                // the name for `entry` cost two atomic operations per rollout and score (this
                // function was 4.6 % of `stats` on 2,000,000 rollouts before).
                ScoreValues::Numeric(values) => {
                    let range = match self.ranges.get_mut(&*scores.name) {
                        Some(range) => range,
                        None => self
                            .ranges
                            .entry(scores.name.clone())
                            .or_insert((f64::INFINITY, f64::NEG_INFINITY)),
                    };
                    for v in values.iter().flatten() {
                        range.0 = range.0.min(*v);
                        range.1 = range.1.max(*v);
                    }
                }
                ScoreValues::Categorical(values) => {
                    let (set, sorted) = match self.categories.get_mut(&*scores.name) {
                        Some(categories) => categories,
                        None => self.categories.entry(scores.name.clone()).or_default(),
                    };
                    let before = set.len();
                    for value in values.iter().flatten() {
                        if !set.contains(value) {
                            set.insert(value.clone());
                        }
                    }
                    if set.len() != before {
                        *sorted = set.iter().cloned().collect();
                    }
                }
                ScoreValues::Text(_) => {}
            }
        }
    }

    /// How score `name` is drawn: its categories, or the judge's 0–10 unless a value lies
    /// outside it.
    pub fn of(&self, name: &str) -> ScoreScale {
        if let Some((_, sorted)) = self.categories.get(name) {
            return ScoreScale::Categories(sorted.clone());
        }
        match self.ranges.get(name) {
            Some(&(lo, hi)) if lo <= hi && (lo < 0.0 || hi > JUDGE_MAX) => ScoreScale::Range { lo, hi },
            _ => ScoreScale::Judge,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TurnScores;

    fn summary(scores: Vec<TurnScores>) -> RolloutSummary {
        let rollout = crate::model::Rollout::default();
        let (hatch, locator) = (crate::model::Hatch::default(), crate::model::Locator::Decoded(0));
        let empty = RolloutSummary::from_rollout(&rollout, &hatch, 0, locator, &mut Default::default());
        RolloutSummary { scores, ..empty }
    }

    #[test]
    fn judge_scores_keep_zero_to_ten_probes_get_their_range_categories_their_places() {
        let mut scales = Scales::default();
        let numbers = |name: &str, v: Vec<Option<f64>>| TurnScores {
            name: name.into(),
            values: ScoreValues::Numeric(v.into()),
        };
        let tags = |v: Vec<Option<&str>>| TurnScores {
            name: "frustration.tag".into(),
            values: ScoreValues::Categorical(v.into_iter().map(|t| t.map(Arc::from)).collect()),
        };
        scales.add(&summary(vec![
            numbers("frustration", vec![Some(0.0), Some(9.0)]),
            numbers("probe", vec![Some(-2.5)]),
        ]));
        scales.add(&summary(vec![
            numbers("probe", vec![Some(1.5), None]),
            tags(vec![Some("none"), Some("despair"), None]),
        ]));
        scales.add(&summary(vec![tags(vec![Some("mild")])]));
        assert_eq!(scales.of("frustration"), ScoreScale::Judge);
        assert_eq!(scales.of("probe"), ScoreScale::Range { lo: -2.5, hi: 1.5 });
        assert_eq!(scales.of("probe").fraction(-0.5), 0.5);
        assert_eq!(scales.of("unknown"), ScoreScale::Judge);
        let categories = scales.of("frustration.tag");
        let expected: Arc<[Arc<str>]> = ["despair", "mild", "none"].map(Arc::from).into();
        assert_eq!(categories, ScoreScale::Categories(expected));
        assert_eq!(categories.category_index("none"), Some(2));
        assert_eq!(ScoreScale::Judge.fraction(5.0), 0.5);
    }
}
