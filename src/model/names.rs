//! Field names a user types (`--by`, `--stratify`, `--join`, `--id-fields`, a filter's
//! `condition=…`) checked against the names the rollouts have: a name that matches none is an
//! error naming the closest one, so a typo never silently groups, draws or filters by nothing.

/// A name that no rollout has, with the closest one that some rollout does have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}no rollout has `{name}`{}", flag_prefix(.flag), hint(.closest, .known))]
pub struct FieldError {
    /// The flag the name was given with (`--by`), if any.
    pub flag: Option<String>,
    pub name: String,
    /// The known name nearest to `name`, if one is near enough to be a typo.
    pub closest: Option<String>,
    /// A few of the known names, shown when none is close.
    pub known: Vec<String>,
}

/// Known names listed when none is close to the one typed.
const LISTED: usize = 12;

fn flag_prefix(flag: &Option<String>) -> String {
    flag.as_ref().map_or_else(String::new, |f| format!("{f}: "))
}

fn hint(closest: &Option<String>, known: &[String]) -> String {
    match closest {
        Some(name) => format!("; did you mean `{name}`?"),
        None if known.is_empty() => " (the rollouts have no such fields at all)".to_string(),
        None => {
            let mut listed: Vec<String> = known.iter().take(LISTED).map(|k| format!("`{k}`")).collect();
            if known.len() > LISTED {
                listed.push(format!("and {} more", known.len() - LISTED));
            }
            format!(" (rollouts have {})", listed.join(", "))
        }
    }
}

impl FieldError {
    /// The error for `name`, which is not among `known`.
    pub fn new(flag: Option<&str>, name: &str, known: &[&str]) -> FieldError {
        FieldError {
            flag: flag.map(str::to_string),
            name: name.to_string(),
            closest: closest(name, known).map(str::to_string),
            known: known.iter().map(|k| k.to_string()).collect(),
        }
    }
}

/// A comma-separated list of names (`--by condition, dataset`), blanks dropped.
pub fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
}

/// `Ok` when every name is among `known`; else the error for the first that is not.
pub fn check<'a>(
    flag: Option<&str>,
    names: impl IntoIterator<Item = &'a str>,
    known: &[&str],
) -> Result<(), FieldError> {
    match names.into_iter().find(|name| !known.contains(name)) {
        Some(name) => Err(FieldError::new(flag, name, known)),
        None => Ok(()),
    }
}

/// The known name closest to `name` by edit distance (a swap of two neighbours counts as one
/// edit, case is ignored), if it is near enough to be a typo: at most a third of the longer
/// name's length, and at least 1. Ties go to the name listed first.
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let typed: Vec<char> = name.to_lowercase().chars().collect();
    known
        .iter()
        .map(|k| {
            let candidate: Vec<char> = k.to_lowercase().chars().collect();
            let allowed = (typed.len().max(candidate.len()) / 3).max(1);
            (edit_distance(&typed, &candidate), allowed, *k)
        })
        .filter(|(distance, allowed, _)| distance <= allowed)
        .min_by_key(|(distance, _, _)| *distance)
        .map(|(_, _, k)| k)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// adjacent characters, each costing 1.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        rows[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        rows[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (rows[at(i - 1, j)] + 1).min(rows[at(i, j - 1)] + 1).min(rows[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[at(i - 2, j - 2)] + 1);
            }
            rows[at(i, j)] = best;
        }
    }
    rows[at(a.len(), b.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> usize {
        edit_distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>())
    }

    #[test]
    fn edit_distance_counts_each_kind_of_edit_once() {
        assert_eq!(distance("condition", "condition"), 0);
        assert_eq!(distance("conditon", "condition"), 1, "a deletion");
        assert_eq!(distance("condtiion", "condition"), 1, "a swap of neighbours");
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn the_closest_name_is_suggested_only_when_it_could_be_a_typo() {
        let known = ["condition", "dataset", "task_id", "rollout_idx"];
        assert_eq!(closest("conditon", &known), Some("condition"));
        assert_eq!(closest("Condition", &known), Some("condition"), "case is ignored");
        assert_eq!(closest("task", &known), None, "three edits in seven letters is not a typo");
        assert_eq!(closest("taskid", &known), Some("task_id"));
        assert_eq!(closest("model", &known), None);
        assert_eq!(closest("x", &[]), None);
    }

    #[test]
    fn the_error_names_the_flag_and_the_closest_field_or_lists_the_fields() {
        let known = ["condition", "dataset"];
        let err = check(Some("--by"), ["dataset", "conditon"], &known).unwrap_err();
        assert_eq!(err.to_string(), "--by: no rollout has `conditon`; did you mean `condition`?");
        let err = check(None, ["model"], &known).unwrap_err();
        assert_eq!(err.to_string(), "no rollout has `model` (rollouts have `condition`, `dataset`)");
        let err = check(None, ["model"], &[]).unwrap_err();
        assert_eq!(err.to_string(), "no rollout has `model` (the rollouts have no such fields at all)");
        assert_eq!(check(Some("--by"), ["condition"], &known), Ok(()));
    }
}
