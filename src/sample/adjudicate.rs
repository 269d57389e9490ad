//! Drawing an adjudication queue: the labelled turns where a human and the judge, or two
//! humans, are at least `D` apart — the turns whose truth is in question.

use super::{Item, QUEUE_VERSION, Queue, Reveal, Stratum, choose};
use crate::metrics::rng::SplitMix64;
use crate::model::{LabelSet, RolloutSummary};

/// The labelled turns (study index, turn) where some human score is at least `apart` from the
/// judge's `score`, or two human scores are at least `apart` from each other; in study order.
pub fn disagreements(
    rollouts: &[RolloutSummary],
    annotators: &[(String, LabelSet)],
    score: &str,
    apart: f64,
) -> Vec<(usize, u32)> {
    let index: std::collections::HashMap<&str, usize> =
        rollouts.iter().enumerate().map(|(i, r)| (&*r.id, i)).collect();
    let mut humans: std::collections::BTreeMap<(usize, u32), Vec<f64>> = Default::default();
    for (_, set) in annotators {
        for ((rollout, turn), label) in &set.labels {
            let (Some(turn), Some(value), Some(&i)) = (turn, label.score, index.get(&**rollout)) else {
                continue;
            };
            humans.entry((i, *turn)).or_default().push(f64::from(value));
        }
    }
    humans
        .into_iter()
        .filter(|((i, turn), values)| {
            let judge = rollouts[*i].score_at(score, *turn as usize);
            let off_judge = judge.is_some_and(|j| values.iter().any(|h| (h - j).abs() >= apart));
            let (lo, hi) = values.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
            off_judge || (values.len() >= 2 && hi - lo >= apart)
        })
        .map(|(key, _)| key)
        .collect()
}

/// The adjudication queue: at most `cap` of `turns` (all when `None`), drawn with `seed`, in
/// a seeded order; the judge and every annotator are shown in it.
pub fn adjudication_queue(
    rollouts: &[RolloutSummary],
    sources: &[String],
    turns: &[(usize, u32)],
    score: &str,
    cap: Option<usize>,
    seed: u64,
) -> Queue {
    let mut rng = SplitMix64::new(seed);
    let take = cap.unwrap_or(turns.len()).min(turns.len());
    let items: Vec<Item> = choose(&mut rng, turns, take)
        .into_iter()
        .map(|(i, turn)| {
            let r = &rollouts[i];
            Item {
                source: sources.get(r.source as usize).cloned().unwrap_or_default(),
                rollout: r.id.to_string(),
                turn,
                stratum: 0,
                oversampled: false,
            }
        })
        .collect();
    Queue {
        version: QUEUE_VERSION,
        id: None,
        annotator: None,
        score: score.to_string(),
        seed,
        n: items.len(),
        stratify: Vec::new(),
        turns: None,
        oversample_above: None,
        paths: Vec::new(),
        id_fields: Vec::new(),
        study: None,
        reveal: Reveal::AfterScore,
        show_earlier: true,
        adjudicate: true,
        strata: vec![Stratum { key: Default::default(), eligible: turns.len(), drawn: take }],
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hatch, Interner, Label, Locator, Message, Role, Rollout};

    fn rollout(id: &str, judge: &[f64]) -> RolloutSummary {
        let mut messages = vec![Message::new(Role::User, "go")];
        for j in judge {
            let mut m = Message::new(Role::Assistant, "answer");
            m.scores.push(("frustration".into(), Some(*j)));
            messages.push(m);
        }
        let r = Rollout { id: id.into(), messages, ..Rollout::default() };
        RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
    }

    fn labels(scores: &[(&str, u32, u8)]) -> LabelSet {
        let mut set = LabelSet::default();
        for (id, turn, score) in scores {
            set.set(
                (std::sync::Arc::from(*id), Some(*turn)),
                Some(Label { score: Some(*score), ..Label::default() }),
            );
        }
        set
    }

    #[test]
    fn turns_far_from_the_judge_or_between_humans_are_drawn() {
        let rollouts = vec![rollout("a", &[2.0, 6.0, 8.0]), rollout("b", &[5.0, 5.0])];
        let ana = labels(&[("a", 1, 2), ("a", 2, 3), ("a", 3, 8), ("b", 1, 5), ("zz", 1, 0)]);
        let ben = labels(&[("a", 3, 8), ("b", 1, 2), ("b", 2, 6)]);
        let annotators = vec![("ana".to_string(), ana), ("ben".to_string(), ben)];
        // a/2: ana 3 vs judge 6 (3 apart); b/1: ben 2 vs judge 5 and vs ana 5; a/1, a/3 and
        // b/2 (6 vs 5) agree within 3; zz is not in the study.
        assert_eq!(disagreements(&rollouts, &annotators, "frustration", 3.0), vec![(0, 2), (1, 1)]);
        assert_eq!(disagreements(&rollouts, &annotators, "frustration", 1.0).len(), 3, "b/2 too");
        let queue =
            adjudication_queue(&rollouts, &["s".into()], &[(0, 2), (1, 1)], "frustration", Some(1), 5);
        assert_eq!((queue.items.len(), queue.strata[0].eligible, queue.adjudicate), (1, 2, true));
        let all = adjudication_queue(&rollouts, &["s".into()], &[(0, 2), (1, 1)], "frustration", None, 5);
        assert_eq!(all.items.len(), 2);
    }
}
