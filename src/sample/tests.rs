use super::*;
use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};

fn rollout(id: &str, condition: &str, scores: &[Option<f64>]) -> RolloutSummary {
    let messages = scores
        .iter()
        .map(|s| {
            let mut m = Message::new(Role::Assistant, "x");
            m.scores = vec![("frustration".into(), *s)];
            m
        })
        .collect();
    let mut metadata = serde_json::Map::new();
    metadata.insert("condition".into(), condition.into());
    let r = Rollout { id: id.into(), metadata, messages, ..Rollout::default() };
    RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
}

/// 30 "a" rollouts and 10 "b" rollouts of 10 turns; every 5th turn of "a" unscored.
fn study() -> Vec<RolloutSummary> {
    let mut rollouts = Vec::new();
    for i in 0..40 {
        let condition = if i < 30 { "a" } else { "b" };
        let scores: Vec<Option<f64>> =
            (1..=10).map(|t| (condition == "b" || t % 5 != 0).then_some(f64::from((i + t) % 11))).collect();
        rollouts.push(rollout(&format!("r{i}"), condition, &scores));
    }
    rollouts
}

fn options(n: usize) -> SampleOptions {
    SampleOptions {
        n,
        seed: 7,
        score: "frustration".into(),
        stratify: vec!["condition".into()],
        turns: None,
        oversample_above: None,
        extra: 0,
        id_fields: Vec::new(),
    }
}

#[test]
fn proportional_allocation_with_at_least_one_per_stratum() {
    assert_eq!(allocate(10, &[30, 10]), vec![8, 2]);
    assert_eq!(allocate(3, &[100, 1, 1]), vec![1, 1, 1]);
    assert_eq!(allocate(5, &[100, 1, 1]), vec![3, 1, 1]);
    assert_eq!(allocate(4, &[2, 2, 2, 2]), vec![1, 1, 1, 1]);
    // Quotas 3.33 / 3.33 / 3.33: one remainder seat goes to the first stratum.
    assert_eq!(allocate(10, &[10, 10, 10]), vec![4, 3, 3]);
    assert_eq!(allocate(6, &[1, 100]), vec![1, 5]);
    for n in 3..=50 {
        let a = allocate(n, &[30, 7, 1]);
        assert_eq!(a.iter().sum::<usize>(), n.min(38), "n={n}: {a:?}");
        assert!(a.iter().all(|&x| x >= 1));
    }
}

#[test]
fn stratum_counts_eligibility_and_determinism() {
    let rollouts = study();
    let sources = vec!["s.jsonl".to_string()];
    let q = draw(&rollouts, &sources, &sources, &options(20)).unwrap();
    assert_eq!(q.items.len(), 20);
    // Eligible: a = 30 rollouts × 8 scored turns, b = 10 × 10. Allocation of 20: 240/340 → 14.1, 100/340 → 5.9.
    assert_eq!(q.strata.iter().map(|s| (s.eligible, s.drawn)).collect::<Vec<_>>(), vec![(240, 14), (100, 6)]);
    for item in &q.items {
        let r = rollouts.iter().find(|r| *r.id == item.rollout).unwrap();
        assert!(r.score_at("frustration", item.turn as usize).is_some(), "only judge-scored turns: {item:?}");
    }
    let unique: std::collections::HashSet<(String, u32)> =
        q.items.iter().map(|i| (i.rollout.clone(), i.turn)).collect();
    assert_eq!(unique.len(), 20, "no turn drawn twice");
    let again = draw(&rollouts, &sources, &sources, &options(20)).unwrap();
    assert_eq!(
        serde_json::to_string(&q).unwrap(),
        serde_json::to_string(&again).unwrap(),
        "same seed, same bytes"
    );
    let other = draw(&rollouts, &sources, &sources, &SampleOptions { seed: 8, ..options(20) }).unwrap();
    assert_ne!(q.items, other.items);
}

#[test]
fn turn_buckets_and_turn_ranges() {
    let rollouts = study();
    let sources = vec!["s.jsonl".to_string()];
    let opts = SampleOptions {
        stratify: vec!["condition".into(), "turn:5".into()],
        turns: Some("1-7".into()),
        ..options(12)
    };
    let q = draw(&rollouts, &sources, &sources, &opts).unwrap();
    let keys: Vec<String> =
        q.strata.iter().map(|s| format!("{}/{}", s.key["condition"], s.key["turn"])).collect();
    assert_eq!(keys, vec!["\"a\"/\"1-5\"", "\"a\"/\"6-10\"", "\"b\"/\"1-5\"", "\"b\"/\"6-10\""]);
    // Turns 1–7 only: a has turns 1-4 and 6-7 scored, b 1-7.
    assert_eq!(q.strata.iter().map(|s| s.eligible).collect::<Vec<_>>(), vec![120, 60, 50, 20]);
    assert!(q.items.iter().all(|i| i.turn <= 7));
    assert_eq!(parse_turns("1-3,8,10-").unwrap(), vec![(1, 3), (8, 8), (10, u32::MAX)]);
    assert!(parse_turns("x").is_err());
}

#[test]
fn too_few_items_or_nothing_eligible_is_an_error() {
    let rollouts = study();
    let sources = vec!["s.jsonl".to_string()];
    let err =
        draw(&rollouts, &sources, &sources, &SampleOptions { stratify: vec!["turn:1".into()], ..options(5) })
            .unwrap_err();
    assert!(err.to_string().contains("smaller than the 10 non-empty strata"), "{err}");
    assert_eq!(err, DrawError::TooFewItems { n: 5, strata: 10 });
    let err = draw(&rollouts, &sources, &sources, &SampleOptions { score: "nope".into(), ..options(5) })
        .unwrap_err();
    assert!(err.to_string().contains("no eligible turns"), "{err}");
}

#[test]
fn oversampling_adds_high_scored_turns_not_already_drawn() {
    let rollouts = study();
    let sources = vec!["s.jsonl".to_string()];
    let opts = SampleOptions { oversample_above: Some(9.0), extra: 5, ..options(10) };
    let q = draw(&rollouts, &sources, &sources, &opts).unwrap();
    assert_eq!(q.items.len(), 15);
    let extra: Vec<&Item> = q.items.iter().filter(|i| i.oversampled).collect();
    assert_eq!(extra.len(), 5);
    for i in extra {
        let r = rollouts.iter().find(|r| *r.id == i.rollout).unwrap();
        assert!(r.score_at("frustration", i.turn as usize).unwrap() >= 9.0);
    }
    assert_eq!(q.strata.iter().map(|s| s.drawn).sum::<usize>(), 15);
}

#[test]
fn the_id_fields_are_recorded_in_the_queue_and_read_back_and_absent_when_none() {
    let rollouts = study();
    let sources = vec!["a.jsonl".to_string()];
    let plain = draw(&rollouts, &sources, &["a.jsonl".into()], &options(4)).unwrap();
    let text = serde_json::to_string(&plain).unwrap();
    assert!(!text.contains("id_fields"), "a queue without them reads as before: {text}");
    let with = SampleOptions { id_fields: vec!["condition".into(), "task".into()], ..options(4) };
    let queue = draw(&rollouts, &sources, &["a.jsonl".into()], &with).unwrap();
    let text = serde_json::to_string(&queue).unwrap();
    assert!(text.contains(r#""id_fields":["condition","task"]"#), "{text}");
    assert_eq!(serde_json::from_str::<Queue>(&text).unwrap().id_fields, ["condition", "task"]);
}
