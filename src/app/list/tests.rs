//! The list's sort, merge and selection.

use super::*;
use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};

fn summaries(maxes: &[Option<f64>]) -> Vec<RolloutSummary> {
    maxes
        .iter()
        .enumerate()
        .map(|(i, max)| {
            let mut m = Message::new(Role::Assistant, "x");
            m.scores = vec![("s".into(), *max)];
            let r = Rollout { id: format!("r{i}"), messages: vec![m], ..Rollout::default() };
            let mut strings = Interner::default();
            RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut strings)
        })
        .collect()
}

#[test]
fn sorts_by_max_with_missing_last_both_ways() {
    let rollouts = summaries(&[Some(3.0), None, Some(9.0), Some(3.0)]);
    let view = ScoreView { name: "s", threshold: 5.0, mine: None };
    let mut list = TranscriptList { sort: SortKey::Max, ..TranscriptList::default() };
    list.rebuild(&rollouts, view);
    assert_eq!(list.rows, vec![0, 3, 2, 1]);
    list.descending = true;
    list.rebuild(&rollouts, view);
    assert_eq!(list.rows, vec![2, 0, 3, 1]);
}

#[test]
fn appended_rows_merge_into_the_sort_and_keep_the_selection() {
    let rollouts = summaries(&[Some(5.0), Some(1.0), Some(7.0), Some(2.0)]);
    let view = ScoreView { name: "s", threshold: 5.0, mine: None };
    let mut list = TranscriptList { sort: SortKey::Max, ..TranscriptList::default() };
    list.rebuild(&rollouts[..2], view);
    list.selected = 1; // rollout 0 (max 5)
    list.append(&rollouts, 2, view);
    assert_eq!(list.rows, vec![1, 3, 0, 2]);
    assert_eq!(list.selected_rollout(), Some(0));
}

#[test]
fn selection_and_offset_stay_in_bounds() {
    let mut list = TranscriptList { rows: (0..10).collect(), ..TranscriptList::default() };
    list.move_by(100);
    assert_eq!(list.selected, 9);
    list.scroll_into_view(4);
    assert_eq!(list.offset, 6);
    list.move_by(-100);
    list.scroll_into_view(4);
    assert_eq!((list.selected, list.offset), (0, 0));
}

mod category_sort_tests {
    use super::*;
    use crate::metrics::study::tagged_rollout;

    #[test]
    fn s_counts_each_category_in_turn_most_first_then_goes_on_to_turns() {
        let rollouts = vec![
            tagged_rollout("a", 3, Some(&[Some("despair"), Some("none"), Some("none")])),
            tagged_rollout("b", 3, Some(&[Some("despair"), Some("despair"), Some("none")])),
            tagged_rollout("c", 1, Some(&[Some("none")])),
        ];
        let categories: Vec<Arc<str>> = ["despair", "none"].map(Arc::from).into();
        let view = ScoreView { name: "frustration.tag", threshold: 5.0, mine: None };
        let mut list = TranscriptList::default();
        let order = |list: &mut TranscriptList| {
            list.cycle_sort(&categories);
            list.rebuild(&rollouts, view);
            (list.sort_label(), list.rows.clone())
        };
        assert_eq!(order(&mut list), ("id".to_string(), vec![0, 1, 2]));
        assert_eq!(order(&mut list), ("count of despair".to_string(), vec![1, 0, 2]));
        assert_eq!(order(&mut list), ("count of none".to_string(), vec![0, 1, 2]), "ties keep file order");
        assert_eq!(order(&mut list), ("turns".to_string(), vec![2, 0, 1]));
        assert!(!list.descending);
    }
}
