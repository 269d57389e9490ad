//! Splitting a drawn sample between annotators with an overlap: a share of the items goes to
//! every annotator (their agreement with each other is measured on those), the rest are split
//! evenly, and each annotator's queue is shuffled on its own.

use super::{Item, Queue, allocate, shuffle};
use crate::metrics::rng::SplitMix64;

/// Why a sample cannot be split so.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssignError {
    #[error("--overlap {0} is not a fraction between 0 and 1")]
    Overlap(f64),
    #[error("--annotators needs at least one name")]
    NoAnnotators,
    #[error("--annotators names {0:?} twice")]
    Repeated(String),
}

/// How many of `n` items every annotator gets (`overlap` of them, rounded).
pub fn shared_count(n: usize, overlap: f64) -> usize {
    ((n as f64 * overlap).round() as usize).min(n)
}

/// One queue per annotator, in the order given: the items `shared_count` says are shared —
/// chosen across strata in proportion to how many of each were drawn, at least one per
/// stratum while there are more shared items than strata — in every queue, the others dealt
/// out in turn, each queue shuffled with a stream of its own from `seed`.
pub fn assign(queue: &Queue, annotators: &[String], overlap: f64) -> Result<Vec<Queue>, AssignError> {
    if !(0.0..=1.0).contains(&overlap) || overlap.is_nan() {
        return Err(AssignError::Overlap(overlap));
    }
    if annotators.is_empty() {
        return Err(AssignError::NoAnnotators);
    }
    for (i, name) in annotators.iter().enumerate() {
        if annotators[..i].contains(name) {
            return Err(AssignError::Repeated(name.clone()));
        }
    }
    let items = &queue.items;
    let shared_n = shared_count(items.len(), overlap);
    // Drawn items per stratum, in the (already shuffled) queue order.
    let mut by_stratum: Vec<Vec<usize>> = vec![Vec::new(); queue.strata.len().max(1)];
    for (i, item) in items.iter().enumerate() {
        let s = item.stratum.min(by_stratum.len() - 1);
        by_stratum[s].push(i);
    }
    let present: Vec<usize> = (0..by_stratum.len()).filter(|&s| !by_stratum[s].is_empty()).collect();
    let sizes: Vec<usize> = present.iter().map(|&s| by_stratum[s].len()).collect();
    let take = if shared_n >= present.len() {
        allocate(shared_n, &sizes)
    } else {
        // Fewer shared items than strata: the largest strata get one each.
        let mut order: Vec<usize> = (0..present.len()).collect();
        order.sort_by_key(|&k| (std::cmp::Reverse(sizes[k]), k));
        let mut take = vec![0; present.len()];
        for &k in order.iter().take(shared_n) {
            take[k] = 1;
        }
        take
    };
    let mut shared = vec![false; items.len()];
    for (k, &s) in present.iter().enumerate() {
        for &i in by_stratum[s].iter().take(take[k]) {
            shared[i] = true;
        }
    }
    let mut queues: Vec<Vec<Item>> = vec![Vec::new(); annotators.len()];
    let mut dealt = 0;
    for (i, item) in items.iter().enumerate() {
        if shared[i] {
            queues.iter_mut().for_each(|q| q.push(item.clone()));
        } else {
            queues[dealt % annotators.len()].push(item.clone());
            dealt += 1;
        }
    }
    let out = queues
        .into_iter()
        .zip(annotators)
        .enumerate()
        .map(|(k, (mut own, name))| {
            let mut rng = SplitMix64::new(queue.seed ^ (0x9e37_79b9_7f4a_7c15u64.wrapping_mul(k as u64 + 1)));
            shuffle(&mut rng, &mut own);
            Queue { annotator: Some(name.clone()), n: own.len(), items: own, ..queue.clone() }
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{QUEUE_VERSION, Reveal, Stratum};

    fn queue(per_stratum: &[usize]) -> Queue {
        let mut items = Vec::new();
        for (s, &n) in per_stratum.iter().enumerate() {
            for k in 0..n {
                items.push(Item {
                    source: "f".into(),
                    rollout: format!("s{s}-{k}"),
                    turn: 1,
                    stratum: s,
                    oversampled: false,
                });
            }
        }
        let strata = per_stratum
            .iter()
            .map(|&n| Stratum { key: Default::default(), eligible: n * 2, drawn: n })
            .collect();
        Queue {
            version: QUEUE_VERSION,
            id: None,
            annotator: None,
            score: "frustration".into(),
            seed: 7,
            n: items.len(),
            stratify: vec!["condition".into()],
            turns: None,
            oversample_above: None,
            paths: vec![],
            id_fields: vec![],
            study: None,
            reveal: Reveal::End,
            show_earlier: false,
            adjudicate: false,
            strata,
            items,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn three_hundred_items_with_a_fifth_shared_give_sixty_to_all_and_eighty_to_each() {
        let q = queue(&[150, 90, 60]);
        let queues = assign(&q, &names(&["ana", "ben", "cy"]), 0.2).unwrap();
        assert_eq!(queues.len(), 3);
        let ids =
            |q: &Queue| q.items.iter().map(|i| i.rollout.clone()).collect::<std::collections::BTreeSet<_>>();
        let (a, b, c) = (ids(&queues[0]), ids(&queues[1]), ids(&queues[2]));
        let shared: std::collections::BTreeSet<_> = a.intersection(&b).cloned().collect();
        assert_eq!(shared.len(), 60, "20 % of 300 in every queue");
        assert!(shared.iter().all(|id| c.contains(id)));
        for q in &queues {
            assert_eq!(q.items.len(), 60 + 80, "the shared items and an even share of the rest");
            assert_eq!(q.n, 140);
        }
        let all: std::collections::BTreeSet<_> = a.union(&b).chain(c.iter()).cloned().collect();
        assert_eq!(all.len(), 300, "every item drawn is in some queue");
        // Shared items across strata in proportion: 150/90/60 of 300 → 30/18/12 of 60.
        let per = |s: usize| shared.iter().filter(|id| id.starts_with(&format!("s{s}-"))).count();
        assert_eq!((per(0), per(1), per(2)), (30, 18, 12));
        assert_eq!(
            queues.iter().map(|q| q.annotator.clone().unwrap()).collect::<Vec<_>>(),
            names(&["ana", "ben", "cy"])
        );
        assert_ne!(queues[0].items[..10], queues[1].items[..10], "each queue in an order of its own");
    }

    #[test]
    fn every_stratum_shares_one_while_there_are_enough_and_bad_splits_are_refused() {
        let q = queue(&[50, 2, 1]);
        let queues = assign(&q, &names(&["ana", "ben"]), 0.06).unwrap();
        let shared = queues[0].items.iter().filter(|i| queues[1].items.contains(i)).collect::<Vec<_>>();
        assert_eq!(shared.len(), 3);
        for s in 0..3 {
            assert!(shared.iter().any(|i| i.stratum == s), "stratum {s} has a shared item");
        }
        assert_eq!(assign(&q, &names(&["ana"]), 1.5), Err(AssignError::Overlap(1.5)));
        assert_eq!(assign(&q, &[], 0.2), Err(AssignError::NoAnnotators));
        assert_eq!(assign(&q, &names(&["ana", "ana"]), 0.2), Err(AssignError::Repeated("ana".into())));
        let none = assign(&q, &names(&["ana", "ben"]), 0.0).unwrap();
        assert_eq!(none[0].items.len() + none[1].items.len(), 53, "no overlap: a partition");
    }
}
