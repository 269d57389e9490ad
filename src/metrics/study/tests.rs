use super::*;
use crate::metrics::describe::wilson_ci;
use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};

/// A rollout of the given condition with `scores` per turn; `hatch_at` puts the self-deletion
/// command in that (1-based) turn.
fn rollout(condition: &str, scores: &[Option<f64>], hatch_at: Option<usize>) -> RolloutSummary {
    let messages = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = if hatch_at == Some(i + 1) { "<<rm -rf me>>" } else { "ok" };
            let mut m = Message::new(Role::Assistant, text);
            m.scores = vec![("frustration".into(), *s)];
            m
        })
        .collect();
    let mut metadata = serde_json::Map::new();
    metadata.insert("condition".into(), condition.into());
    let r = Rollout { id: format!("{condition}-{}", scores.len()), metadata, messages, ..Rollout::default() };
    RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
}

fn options() -> StatsOptions {
    StatsOptions {
        score: "frustration".into(),
        threshold: 5.0,
        by: vec!["condition".into()],
        boot: 200,
        seed: 0,
        cluster: None,
    }
}

fn close(a: Option<f64>, b: f64) {
    let a = a.unwrap_or(f64::NAN);
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn figures_match_hand_computed_values() {
    let rollouts = vec![
        rollout("a", &[Some(2.0), Some(6.0), Some(8.0)], None),
        rollout("a", &[Some(4.0), None, Some(9.0)], Some(3)),
        rollout("a", &[Some(0.0)], Some(1)),
        rollout("b", &[Some(5.0), Some(5.0)], None),
    ];
    let stats = study_stats(&rollouts, &options());
    assert_eq!(stats.groups.len(), 2);
    let a = &stats.groups[0];
    assert_eq!(a.key["condition"], "a");
    assert_eq!(a.n_rollouts, 3);
    close(a.self_deletion_rate, 2.0 / 3.0);
    assert_eq!(a.self_deletion_ci, wilson_ci(2, 3));
    // Per-conversation means: 16/3, 13/2, 0 → their mean.
    close(a.auc_mean, (16.0 / 3.0 + 6.5 + 0.0) / 3.0);
    assert_eq!(a.per_turn.len(), 3);
    let [t1, t2, t3] = [&a.per_turn[0], &a.per_turn[1], &a.per_turn[2]];
    // Turn 1: 2, 4, 0.
    assert_eq!(t1.n, 3);
    close(t1.mean, 2.0);
    close(t1.frac_at_or_above, 0.0);
    assert_eq!(t1.frac_ci, wilson_ci(0, 3));
    close(t1.self_deleted_cum, 1.0 / 3.0);
    // Turn 2: a missing score and an ended rollout leave one score, 6.
    assert_eq!(t2.n, 1);
    close(t2.mean, 6.0);
    assert_eq!(t2.mean_ci, Some((6.0, 6.0)));
    close(t2.frac_at_or_above, 1.0);
    close(t2.self_deleted_cum, 1.0 / 3.0);
    // Turn 3: 8 and 9; the second self-deletion happened at turn 3.
    assert_eq!(t3.n, 2);
    close(t3.mean, 8.5);
    close(t3.self_deleted_cum, 2.0 / 3.0);
    assert_eq!(t3.self_deleted_cum_ci, wilson_ci(2, 3));
    let (lo, hi) = t3.mean_ci.unwrap();
    assert!((8.0..=9.0).contains(&lo) && (8.0..=9.0).contains(&hi) && lo <= hi);
    let b = &stats.groups[1];
    close(b.auc_mean, 5.0);
    assert_eq!(b.auc_ci, Some((5.0, 5.0)), "all-equal scores give a zero-width interval");
    assert_eq!(b.self_deletion_rate, Some(0.0));
}

#[test]
fn turns_without_scores_are_null_never_nan() {
    let rollouts = vec![rollout("a", &[None, Some(3.0)], None)];
    let stats = study_stats(&rollouts, &options());
    let json = serde_json::to_value(&stats).unwrap();
    let turn1 = &json["groups"][0]["per_turn"][0];
    assert_eq!(turn1["n"], 0);
    assert!(turn1["mean"].is_null() && turn1["mean_ci"].is_null() && turn1["frac_ci"].is_null());
    let text = serde_json::to_string(&stats).unwrap();
    assert!(!text.contains("NaN"));
    for key in
        ["n_rollouts", "self_deletion_rate", "self_deletion_ci", "auc_mean", "auc_ci", "per_turn", "key"]
    {
        assert!(json["groups"][0].get(key).is_some(), "{key}");
    }
    for key in [
        "turn",
        "n",
        "mean",
        "mean_ci",
        "frac_at_or_above",
        "frac_ci",
        "self_deleted_cum",
        "self_deleted_cum_ci",
    ] {
        assert!(turn1.get(key).is_some(), "{key}");
    }
    assert_eq!(json["groups"][0]["per_turn"][1]["mean_ci"], serde_json::json!([3.0, 3.0]));
}

#[test]
fn same_seed_same_figures_and_empty_input() {
    let rollouts: Vec<RolloutSummary> =
        (0..30).map(|i| rollout("a", &[Some(f64::from(i % 11)), Some(f64::from(i % 7))], None)).collect();
    assert_eq!(study_stats(&rollouts, &options()), study_stats(&rollouts, &options()));
    let other_seed = StatsOptions { seed: 1, ..options() };
    assert_ne!(study_stats(&rollouts, &options()), study_stats(&rollouts, &other_seed));
    assert!(study_stats(&[], &options()).groups.is_empty());
}

#[test]
fn grouping_defaults_to_present_fields_and_can_use_rollout_scores() {
    let mut r = rollout("a", &[Some(1.0)], None);
    assert_eq!(default_grouping(std::slice::from_ref(&r)), vec!["condition".to_string()]);
    r.rollout_scores = vec![("match".into(), Some(1.0))];
    assert_eq!(group_value(&r, "match"), serde_json::json!(1.0));
    assert_eq!(group_value(&r, "missing"), serde_json::Value::Null);
}

#[test]
fn human_means_follow_the_group_order_and_skip_unlabelled_turns() {
    let rollouts = vec![rollout("b", &[Some(1.0), Some(2.0)], None), rollout("a", &[Some(1.0)], None)];
    let stats = study_stats(&rollouts, &options());
    let human = |id: &str, turn: u32| match (id, turn) {
        ("b-2", 1) => Some(4.0),
        ("a-1", 1) => Some(6.0),
        _ => None,
    };
    let means = human_means(&stats, &rollouts, &human);
    assert_eq!(stats.groups[0].key["condition"], "a");
    assert_eq!(means, vec![vec![Some(6.0)], vec![Some(4.0), None]]);
}

#[test]
fn with_clusters_the_bootstrap_resamples_prompts_and_the_rest_stays() {
    // Twelve prompts, four identical rollouts each: 48 rollouts, 12 observations.
    let rollouts: Vec<RolloutSummary> = (0..48)
        .map(|i| {
            let level = f64::from((i / 4) * 7 % 11);
            let mut r = rollout("a", &[Some(level), Some(level)], None);
            r.metadata.push(("prompt_id".into(), crate::model::MetaValue::Int(i64::from(i / 4))));
            r
        })
        .collect();
    let flat = study_stats(&rollouts, &options());
    let clustered = study_stats(&rollouts, &StatsOptions { cluster: Some("prompt_id".into()), ..options() });
    let width = |ci: Option<(f64, f64)>| ci.map_or(f64::NAN, |(lo, hi)| hi - lo);
    let (f, c) = (&flat.groups[0], &clustered.groups[0]);
    assert_eq!(f.auc_mean, c.auc_mean);
    // About √4 = 2 times wider.
    assert!(width(c.auc_ci) > 1.6 * width(f.auc_ci), "{:?} vs {:?}", c.auc_ci, f.auc_ci);
    assert!(width(c.per_turn[0].mean_ci) > 1.6 * width(f.per_turn[0].mean_ci));
    assert_eq!((f.self_deletion_ci, f.per_turn[0].frac_ci), (c.self_deletion_ci, c.per_turn[0].frac_ci));
    assert_eq!(serde_json::to_value(&clustered).unwrap()["cluster"], "prompt_id");
    assert!(
        serde_json::to_value(&flat).unwrap().get("cluster").is_none(),
        "stats' JSON is unchanged without it"
    );
}

#[test]
fn clusters_are_numbered_by_first_appearance_and_a_rollout_without_the_field_is_its_own() {
    let with = |prompt: Option<i64>| {
        let mut r = rollout("a", &[Some(1.0)], None);
        if let Some(p) = prompt {
            r.metadata.push(("prompt_id".into(), crate::model::MetaValue::Int(p)));
        }
        r
    };
    let rollouts = [with(Some(7)), with(None), with(Some(3)), with(Some(7)), with(None)];
    let refs: Vec<&RolloutSummary> = rollouts.iter().collect();
    assert_eq!(cluster_ids(&refs, "prompt_id"), (vec![0, 1, 2, 0, 3], 4));
}

#[test]
fn groups_are_those_of_keying_every_rollout_by_its_values_as_text() {
    use serde_json::json;
    // What grouping did before it reused its strings: a map, a value and a text per rollout.
    fn reference<'a>(rollouts: &'a [RolloutSummary], by: &[String]) -> Vec<(GroupKey, Vec<&'a str>)> {
        let mut groups: BTreeMap<Vec<String>, (GroupKey, Vec<&str>)> = BTreeMap::new();
        for r in rollouts {
            let key: GroupKey = by.iter().map(|f| (f.clone(), group_value(r, f))).collect();
            let text: Vec<String> = key.values().map(value_text).collect();
            groups.entry(text).or_insert_with(|| (key, Vec::new())).1.push(&r.id);
        }
        groups.into_values().collect()
    }
    // Text, numbers (1 and "1" are one group, as their texts are), booleans, null, a missing
    // field, and a rollout-level score.
    let values = [json!("b"), json!(1), json!("1"), json!(2.5), json!(true), json!(null), json!("a")];
    let mut strings = Interner::default();
    let rollouts: Vec<RolloutSummary> = (0..40)
        .map(|i| {
            let mut metadata = serde_json::Map::new();
            metadata.insert("condition".into(), json!(["x", "y"][i % 2]));
            if i % 5 != 0 {
                metadata.insert("v".into(), values[i % values.len()].clone());
            }
            let decoded = Rollout { id: format!("r{i}"), metadata, ..Rollout::default() };
            let mut r = RolloutSummary::from_rollout(
                &decoded,
                &Hatch::default(),
                0,
                Locator::Decoded(0),
                &mut strings,
            );
            r.rollout_scores = vec![("judge".into(), (i % 3 != 0).then_some((i % 4) as f64))];
            r
        })
        .collect();
    for by in
        [vec!["v"], vec!["condition", "v"], vec!["v", "condition", "v"], vec!["judge", "v"], vec!["absent"]]
    {
        let by: Vec<String> = by.into_iter().map(String::from).collect();
        let got: Vec<(GroupKey, Vec<&str>)> = grouped(&rollouts, &by)
            .into_iter()
            .map(|(k, rs)| (k, rs.iter().map(|r| &*r.id).collect()))
            .collect();
        assert_eq!(got, reference(&rollouts, &by), "--by {by:?}");
        assert!(got.len() > 1 || by == ["absent"], "{by:?} makes groups: {got:?}");
    }
}
