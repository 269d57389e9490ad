//! The field names a study's rollouts have (what `--by`, `--stratify`, `--join`, `--id-fields`
//! and filters are checked against), and, for rollouts without ids, the metadata fields that
//! would tell every rollout apart (`validate` suggests them for `--id-fields`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::Study;
use crate::model::{MetaValue, RolloutSummary};

/// The largest set of fields tried for an id.
pub const MAX_ID_FIELDS: usize = 3;
/// Fields tried for an id, at most (the search is over their subsets).
const MAX_CANDIDATES: usize = 12;
/// A value longer than this (a prompt, a transcript) makes a poor id: its field is not tried.
const MAX_ID_VALUE: usize = 64;
/// Id suggestions given, at most.
const MAX_SUGGESTIONS: usize = 3;

impl Study {
    /// Every scalar metadata field some rollout has, sorted.
    pub fn metadata_fields(&self) -> Vec<&str> {
        let mut names = BTreeSet::new();
        let mut last: &[(Arc<str>, MetaValue)] = &[];
        for r in &self.rollouts {
            // Rollouts read together share their (interned) field names: a list of the same
            // names as the one before adds nothing, and 2,000,000 lookups in the set took 3 %
            // of `stats` on as many rollouts.
            let same = r.metadata.len() == last.len()
                && r.metadata.iter().zip(last).all(|((a, _), (b, _))| Arc::ptr_eq(a, b));
            if !same {
                names.extend(r.metadata.iter().map(|(k, _)| &**k));
                last = &r.metadata;
            }
        }
        names.into_iter().collect()
    }

    /// The fields rollouts can be grouped by (`--by`, `--stratify`): metadata fields and
    /// rollout-level scores, sorted.
    /// `--by`, `--stratify` and the like: `Ok` when each of `fields` (given to `flag`) is a
    /// field some rollout has, else the error naming the closest one (`turn`, `turn:W` and the
    /// like are the caller's to leave out).
    pub fn check_grouping<'a>(
        &self,
        flag: &str,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), crate::model::names::FieldError> {
        crate::model::names::check(Some(flag), fields, &self.grouping_fields())
    }

    pub fn grouping_fields(&self) -> Vec<&str> {
        let mut names: BTreeSet<&str> = self.metadata_fields().into_iter().collect();
        for r in &self.rollouts {
            names.extend(r.rollout_scores.iter().map(|(k, _)| &**k));
        }
        names.into_iter().collect()
    }

    /// How many rollouts have no id of their own (they show a `<file>:<line>` stand-in).
    pub fn stand_in_ids(&self) -> usize {
        self.rollouts
            .iter()
            .filter(|r| self.sources.get(r.source as usize).is_some_and(|s| s.is_stand_in(&r.id)))
            .count()
    }

    /// Sets of metadata fields whose values tell every rollout apart, smallest first (at most
    /// `MAX_ID_FIELDS` fields each, none holding a smaller set), each ordered from the field with
    /// the fewest values to the one with the most. Empty when there are fewer than two
    /// rollouts or no such set.
    pub fn suggest_id_fields(&self) -> Vec<Vec<String>> {
        suggest_id_fields(&self.rollouts)
    }
}

/// A candidate field: its name, and each rollout's value as a small code.
struct Column<'a> {
    name: &'a str,
    codes: Vec<u32>,
    distinct: usize,
}

/// See `Study::suggest_id_fields`.
pub fn suggest_id_fields(rollouts: &[RolloutSummary]) -> Vec<Vec<String>> {
    if rollouts.len() < 2 {
        return Vec::new();
    }
    let columns = candidates(rollouts);
    let mut found: Vec<Vec<usize>> = Vec::new();
    for size in 1..=MAX_ID_FIELDS.min(columns.len()) {
        for set in subsets(columns.len(), size) {
            if found.len() >= MAX_SUGGESTIONS {
                break;
            }
            let holds_a_smaller_one = found.iter().any(|f| f.iter().all(|i| set.contains(i)));
            if !holds_a_smaller_one && tells_apart(&columns, &set, rollouts.len()) {
                found.push(set);
            }
        }
    }
    found
        .into_iter()
        .map(|mut set| {
            set.sort_by_key(|&i| (columns[i].distinct, columns[i].name));
            set.into_iter().map(|i| columns[i].name.to_string()).collect()
        })
        .collect()
}

/// The fields every rollout has (not `null`), with short values, at least two of them; text and
/// whole numbers before other kinds, then by name; `MAX_CANDIDATES` at most.
fn candidates(rollouts: &[RolloutSummary]) -> Vec<Column<'_>> {
    let first = &rollouts[0];
    let mut columns: Vec<(bool, Column)> = Vec::new();
    for (name, value) in &first.metadata {
        if matches!(value, MetaValue::Null) {
            continue;
        }
        let mut codes = Vec::with_capacity(rollouts.len());
        let mut seen: HashMap<std::borrow::Cow<str>, u32> = HashMap::new();
        let mut usable = true;
        for r in rollouts {
            let text = match r.meta(name) {
                None | Some(MetaValue::Null) => None,
                Some(v) => Some(v.text()).filter(|t| t.len() <= MAX_ID_VALUE && !t.contains('\n')),
            };
            let Some(text) = text else {
                usable = false;
                break;
            };
            let next = seen.len() as u32;
            codes.push(*seen.entry(text).or_insert(next));
        }
        if usable && seen.len() > 1 {
            let plain = matches!(value, MetaValue::Text(_) | MetaValue::Int(_));
            columns.push((plain, Column { name, codes, distinct: seen.len() }));
        }
    }
    columns.sort_by(|(a, x), (b, y)| b.cmp(a).then(x.name.cmp(y.name)));
    columns.into_iter().take(MAX_CANDIDATES).map(|(_, c)| c).collect()
}

/// Whether the columns of `set` together give every rollout a different value.
fn tells_apart(columns: &[Column], set: &[usize], n: usize) -> bool {
    // Too few combinations to go round: no need to look.
    let combinations = set.iter().try_fold(1usize, |acc, &i| acc.checked_mul(columns[i].distinct));
    if combinations.is_some_and(|c| c < n) {
        return false;
    }
    let mut seen = HashSet::with_capacity(n);
    (0..n).all(|r| {
        let key: Vec<u32> = set.iter().map(|&i| columns[i].codes[r]).collect();
        seen.insert(key)
    })
}

/// Every `size`-element subset of `0..n`, in lexicographic order.
fn subsets(n: usize, size: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut set: Vec<usize> = (0..size).collect();
    loop {
        out.push(set.clone());
        // The rightmost position that can still move right.
        let Some(i) = (0..size).rev().find(|&i| set[i] < n - size + i) else {
            return out;
        };
        set[i] += 1;
        for j in i + 1..size {
            set[j] = set[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hatch, Interner, Locator, Rollout};
    use serde_json::json;

    fn summary(metadata: serde_json::Value) -> RolloutSummary {
        let rollout = Rollout {
            id: "x".into(),
            metadata: metadata.as_object().cloned().unwrap_or_default(),
            ..Rollout::default()
        };
        RolloutSummary::from_rollout(
            &rollout,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        )
    }

    /// conditions × tasks × rollout indices, with a constant and a long text beside them.
    fn study_rollouts() -> Vec<RolloutSummary> {
        let mut rollouts = Vec::new();
        for condition in ["harsh_tone", "neutral"] {
            for task in ["puzzle_07", "puzzle_08", "puzzle_09"] {
                for idx in 0..4 {
                    rollouts.push(summary(json!({
                        "condition": condition, "task_id": task, "rollout_idx": idx, "model": "m",
                        "prompt": format!("{task} {condition} {idx} {}", "x".repeat(80)),
                    })));
                }
            }
        }
        rollouts
    }

    #[test]
    fn the_smallest_sets_that_tell_every_rollout_apart_are_suggested_coarse_to_fine() {
        let suggestions = suggest_id_fields(&study_rollouts());
        assert_eq!(suggestions, vec![vec!["condition", "task_id", "rollout_idx"]]);
    }

    #[test]
    fn a_unique_field_comes_first_and_sets_holding_it_are_not_suggested() {
        let mut rollouts = study_rollouts();
        for (i, r) in rollouts.iter_mut().enumerate() {
            let uuid = summary(json!({"uuid": format!("u-{i}")}));
            r.metadata.extend(uuid.metadata);
        }
        let suggestions = suggest_id_fields(&rollouts);
        assert_eq!(
            suggestions,
            vec![vec!["uuid".to_string()], vec!["condition".into(), "task_id".into(), "rollout_idx".into()]]
        );
    }

    #[test]
    fn nothing_is_suggested_when_no_set_tells_the_rollouts_apart() {
        let mut rollouts = study_rollouts();
        rollouts.push(rollouts[0].clone());
        assert!(suggest_id_fields(&rollouts).is_empty(), "two rollouts with the same values");
        assert!(suggest_id_fields(&rollouts[..1]).is_empty(), "one rollout needs no id");
        let missing = vec![summary(json!({"a": 1})), summary(json!({"b": 2}))];
        assert!(suggest_id_fields(&missing).is_empty(), "a field some rollout lacks is no id");
    }

    #[test]
    fn subsets_are_every_combination_once() {
        assert_eq!(
            subsets(4, 2),
            vec![vec![0, 1], vec![0, 2], vec![0, 3], vec![1, 2], vec![1, 3], vec![2, 3]]
        );
        assert_eq!(subsets(3, 3), vec![vec![0, 1, 2]]);
        assert_eq!(subsets(12, 3).len(), 220);
    }
}
