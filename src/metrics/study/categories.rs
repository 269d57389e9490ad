//! A categorical score per group of rollouts: how many turns fell in each category, per turn
//! with the fraction and its Wilson interval, and per group over all turns — the
//! per-condition tag table papers print.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{GroupKey, StatsOptions, grouped};
use crate::metrics::describe::wilson_ci;
use crate::model::{RolloutSummary, ScoreKind};

/// Every group's category counts for one categorical score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryStats {
    pub score: String,
    /// Always `categorical`, to tell these figures from the numeric ones.
    pub kind: ScoreKind,
    pub by: Vec<String>,
    /// Every category the score takes in the study, sorted; every `counts`, `fractions` and
    /// `fraction_cis` lists them all (zero counts included), so groups line up as columns.
    pub categories: Vec<String>,
    pub groups: Vec<CategoryGroup>,
}

/// One group's counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryGroup {
    /// Field → value (JSON `null` when the rollouts lack the field).
    pub key: GroupKey,
    pub n_rollouts: usize,
    /// Turns with a category, over all turns of the group's rollouts.
    pub n: usize,
    /// Turns per category over all turns (the row of the per-group table).
    pub counts: BTreeMap<String, usize>,
    pub per_turn: Vec<CategoryTurn>,
}

/// One turn of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryTurn {
    pub turn: usize,
    /// Rollouts with a category at this turn.
    pub n: usize,
    pub counts: BTreeMap<String, usize>,
    /// count / n per category; `null` when n = 0.
    pub fractions: BTreeMap<String, Option<f64>>,
    /// 95 % Wilson score interval of each fraction; `null` when n = 0.
    pub fraction_cis: BTreeMap<String, Option<(f64, f64)>>,
}

/// Counts of `options.score`'s categories per group (`options.by`, ordered as [`study_stats`](super::study_stats)
/// orders them) and per turn. `threshold`, `boot` and `seed` are not used: a count needs no
/// bootstrap, and a fraction's interval is Wilson's.
pub fn category_stats(rollouts: &[RolloutSummary], options: &StatsOptions) -> CategoryStats {
    let name = options.score.as_str();
    let mut categories: Vec<&str> =
        rollouts.iter().flat_map(|r| r.categories(name)).flatten().map(|c| &**c).collect();
    categories.sort_unstable();
    categories.dedup();
    let groups = grouped(rollouts, &options.by)
        .into_iter()
        .map(|(key, members)| group_counts(key, &members, name, &categories))
        .collect();
    CategoryStats {
        score: options.score.clone(),
        kind: ScoreKind::Categorical,
        by: options.by.clone(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        groups,
    }
}

fn group_counts(
    key: GroupKey,
    members: &[&RolloutSummary],
    name: &str,
    categories: &[&str],
) -> CategoryGroup {
    let max_turns = members.iter().map(|r| r.n_turns as usize).max().unwrap_or(0);
    let mut total = vec![0usize; categories.len()];
    let per_turn = (1..=max_turns)
        .map(|turn| {
            let mut counts = vec![0usize; categories.len()];
            for c in members.iter().filter_map(|r| r.category_at(name, turn)) {
                if let Ok(i) = categories.binary_search(&&**c) {
                    counts[i] += 1;
                    total[i] += 1;
                }
            }
            let n: usize = counts.iter().sum();
            CategoryTurn {
                turn,
                n,
                counts: by_category(categories, &counts, |k| k),
                fractions: by_category(categories, &counts, |k| (n > 0).then(|| k as f64 / n as f64)),
                fraction_cis: by_category(categories, &counts, |k| wilson_ci(k, n)),
            }
        })
        .collect();
    CategoryGroup {
        key,
        n_rollouts: members.len(),
        n: total.iter().sum(),
        counts: by_category(categories, &total, |k| k),
        per_turn,
    }
}

/// `figure(count)` for every category, keyed by the category.
fn by_category<T>(categories: &[&str], counts: &[usize], figure: impl Fn(usize) -> T) -> BTreeMap<String, T> {
    categories.iter().zip(counts).map(|(c, &k)| (c.to_string(), figure(k))).collect()
}

/// Statistics of the judge's tag by condition, without bootstrap: the options of these tests
/// and of `stats`'s.
#[cfg(test)]
pub(crate) fn tag_options() -> StatsOptions {
    StatsOptions {
        score: "frustration.tag".into(),
        threshold: 5.0,
        by: vec!["condition".into()],
        boot: 0,
        seed: 0,
        cluster: None,
    }
}

/// A rollout of `condition` with `turns` assistant turns and, when given, the judge's tag
/// per turn (`frustration.tag`): the fixture of these tests and of `stats`'s.
#[cfg(test)]
pub(crate) fn tagged_rollout(condition: &str, turns: usize, tags: Option<&[Option<&str>]>) -> RolloutSummary {
    use std::sync::Arc;

    use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout, ScoreValues, TurnScores};
    let messages = (0..turns).map(|_| Message::new(Role::Assistant, "ok")).collect();
    let mut metadata = serde_json::Map::new();
    metadata.insert("condition".into(), condition.into());
    let r = Rollout { id: condition.into(), metadata, messages, ..Rollout::default() };
    let mut s =
        RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default());
    if let Some(tags) = tags {
        let values: Vec<Option<Arc<str>>> = tags.iter().map(|t| t.map(Arc::from)).collect();
        s.scores.push(TurnScores {
            name: "frustration.tag".into(),
            values: ScoreValues::Categorical(values.into()),
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(c, k)| (c.to_string(), *k)).collect()
    }

    #[test]
    fn counts_fractions_and_wilson_intervals_per_group_and_turn() {
        let rollouts = vec![
            tagged_rollout("b", 2, Some(&[Some("none"), Some("none")])),
            tagged_rollout("a", 3, Some(&[Some("none"), Some("despair"), Some("despair")])),
            tagged_rollout("a", 3, Some(&[Some("none"), None, Some("mild")])),
            tagged_rollout("a", 1, Some(&[Some("mild")])),
            tagged_rollout("b", 3, None),
        ];
        let stats = category_stats(&rollouts, &tag_options());
        assert_eq!(stats.categories, ["despair", "mild", "none"]);
        assert_eq!(stats.kind, ScoreKind::Categorical);
        let [a, b] = [&stats.groups[0], &stats.groups[1]];
        assert_eq!((a.key["condition"].as_str(), a.n_rollouts, a.n), (Some("a"), 3, 6));
        assert_eq!(a.counts, counts(&[("despair", 2), ("mild", 2), ("none", 2)]));
        // Turn 1: none, none, mild.
        let t1 = &a.per_turn[0];
        assert_eq!((t1.turn, t1.n), (1, 3));
        assert_eq!(t1.counts, counts(&[("despair", 0), ("mild", 1), ("none", 2)]));
        assert_eq!(t1.fractions["despair"], Some(0.0));
        assert_eq!(t1.fractions["mild"], Some(1.0 / 3.0));
        assert_eq!(t1.fractions["none"], Some(2.0 / 3.0));
        assert_eq!(t1.fraction_cis["despair"], wilson_ci(0, 3));
        assert_eq!(t1.fraction_cis["mild"], wilson_ci(1, 3));
        assert_eq!(t1.fraction_cis["none"], wilson_ci(2, 3));
        // Turn 2: a missing tag and an ended rollout leave one, despair.
        assert_eq!((a.per_turn[1].n, a.per_turn[1].counts["despair"]), (1, 1));
        assert_eq!(a.per_turn[1].fraction_cis["despair"], Some((wilson_ci(1, 1).unwrap().0, 1.0)));
        assert_eq!(a.per_turn[2].counts, counts(&[("despair", 1), ("mild", 1), ("none", 0)]));
        // Group b: the rollout without tags counts as a rollout, never as a turn.
        assert_eq!((b.n_rollouts, b.n), (2, 2));
        assert_eq!(b.counts, counts(&[("despair", 0), ("mild", 0), ("none", 2)]));
        let t3 = &b.per_turn[2];
        assert_eq!(t3.n, 0);
        assert!(t3.fractions.values().all(Option::is_none) && t3.fraction_cis.values().all(Option::is_none));
    }

    #[test]
    fn json_has_every_category_in_every_map_and_nulls_never_nan() {
        let rollouts = vec![
            tagged_rollout("a", 2, Some(&[Some("none"), None])),
            tagged_rollout("b", 1, Some(&[Some("despair")])),
        ];
        let json = serde_json::to_value(category_stats(&rollouts, &tag_options())).unwrap();
        assert_eq!(json["kind"], "categorical");
        assert_eq!(json["categories"], serde_json::json!(["despair", "none"]));
        let a = &json["groups"][0];
        for key in ["key", "n_rollouts", "n", "counts", "per_turn"] {
            assert!(a.get(key).is_some(), "{key}");
        }
        assert_eq!(a["counts"], serde_json::json!({"despair": 0, "none": 1}));
        let t1 = &a["per_turn"][0];
        assert_eq!(t1["fractions"], serde_json::json!({"despair": 0.0, "none": 1.0}));
        assert_eq!(t1["fraction_cis"]["none"][1], 1.0);
        let t2 = &a["per_turn"][1];
        assert_eq!((t2["n"].as_u64(), &t2["fractions"]["none"]), (Some(0), &serde_json::Value::Null));
        assert!(!json.to_string().contains("NaN"));
        // A numeric score has no categories: no columns, every group empty.
        let numeric =
            category_stats(&rollouts, &StatsOptions { score: "frustration".into(), ..tag_options() });
        assert!(numeric.categories.is_empty() && numeric.groups.iter().all(|g| g.n == 0));
    }
}
