//! Which metadata fields the rollout list shows beside the id, and how wide each is.
//!
//! Widths and defaults come from the first `SAMPLE` rollouts, measured once per load step, so
//! the columns do not jump while scrolling and a million rollouts cost no more than ten
//! thousand.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use crate::model::RolloutSummary;
use crate::sanitize;

/// Rollouts measured for widths and defaults.
const SAMPLE: usize = 10_000;
/// A field whose values are wider than this is not shown by default (a prompt, a path).
const WIDEST_DEFAULT: usize = 32;
/// Columns shown by default, at most.
const MOST_DEFAULT: usize = 4;

/// One metadata field as the list sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: Arc<str>,
    /// The widest value among the measured rollouts, in terminal columns (0: always empty).
    pub width: usize,
    /// Distinct non-empty values among the measured rollouts.
    pub distinct: usize,
}

/// The list's metadata columns.
#[derive(Debug, Clone, Default)]
pub struct ListColumns {
    /// Fields chosen by the config (`columns = [...]`) or the column picker; `None`: the
    /// default (see `shown`).
    pub chosen: Option<Vec<String>>,
    /// Every scalar field of the measured rollouts, by name.
    fields: Vec<FieldInfo>,
    /// How many rollouts `fields` measured.
    measured: usize,
    /// Each field's widest value and distinct values so far, so that rows arriving a run at a
    /// time are measured once each (measuring the sample again per run of 32 was a third of
    /// the app's work while a big Inspect log loaded).
    seen: BTreeMap<Arc<str>, (usize, HashSet<String>)>,
}

impl ListColumns {
    pub fn new(chosen: Option<Vec<String>>) -> ListColumns {
        ListColumns { chosen, ..ListColumns::default() }
    }

    /// Measures the rollouts the study gained within the sample (all again if it started over).
    pub fn refresh(&mut self, rollouts: &[RolloutSummary]) {
        let n = rollouts.len().min(SAMPLE);
        if n < self.measured {
            (self.seen, self.measured) = (BTreeMap::new(), 0);
        }
        if n != self.measured {
            measure(&mut self.seen, &rollouts[self.measured..n]);
            self.fields = self
                .seen
                .iter()
                .map(|(name, (width, values))| FieldInfo {
                    name: name.clone(),
                    width: *width,
                    distinct: values.len(),
                })
                .collect();
            self.measured = n;
        }
    }

    /// Every field measured, by name (the column picker offers them).
    pub fn fields(&self) -> &[FieldInfo] {
        &self.fields
    }

    /// The columns to draw, in order. Chosen fields are shown unless always empty. By default:
    /// `condition` first, then the short fields that tell some rollouts apart (not one value
    /// for all, not one per rollout), fewest values first — the fields a study varies.
    pub fn shown(&self) -> Vec<&FieldInfo> {
        let drawn = |f: &&FieldInfo| f.width > 0;
        if let Some(chosen) = &self.chosen {
            return chosen
                .iter()
                .filter_map(|name| self.fields.iter().find(|f| &*f.name == name))
                .filter(drawn)
                .collect();
        }
        let mut shown: Vec<&FieldInfo> = self
            .fields
            .iter()
            .filter(drawn)
            .filter(|f| {
                &*f.name == "condition"
                    || (f.distinct >= 2 && f.distinct < self.measured && f.width <= WIDEST_DEFAULT)
            })
            .collect();
        shown.sort_by_key(|f| (&*f.name != "condition", f.distinct, f.name.clone()));
        shown.truncate(MOST_DEFAULT);
        shown
    }

    /// Shows or hides a field (the column picker); the first change starts from the default.
    pub fn toggle(&mut self, name: &str) {
        let mut chosen = match self.chosen.take() {
            Some(chosen) => chosen,
            None => self.shown().iter().map(|f| f.name.to_string()).collect(),
        };
        match chosen.iter().position(|c| c == name) {
            Some(at) => {
                chosen.remove(at);
            }
            None => chosen.push(name.to_string()),
        }
        self.chosen = Some(chosen);
    }
}

/// Adds `rollouts` to each field's widest value and distinct values.
fn measure(seen: &mut BTreeMap<Arc<str>, (usize, HashSet<String>)>, rollouts: &[RolloutSummary]) {
    for r in rollouts {
        for (name, value) in &r.metadata {
            let text = value.text();
            let (width, values) = seen.entry(name.clone()).or_default();
            *width = (*width).max(sanitize::clean(&text).width());
            if !text.is_empty() && !values.contains(&*text) {
                values.insert(text.into_owned());
            }
        }
    }
}

/// Ids as the list shows them: the part every given id shares at the start (up to a separator)
/// and at the end (from one) is dropped, so rows of `transcripts.json:0` … `:139` read `0` …
/// `139`. An id is never emptied: a lone id, or ids that differ only inside a separator-free
/// word, stay whole.
pub fn short_ids<'a>(ids: &[&'a str]) -> Vec<&'a str> {
    let [first, _, ..] = ids else { return ids.to_vec() };
    let mut prefix = first.len();
    let mut suffix = first.len();
    for id in &ids[1..] {
        prefix = common_prefix(&first[..prefix], id);
        suffix = common_suffix(&first[first.len() - suffix..], id);
    }
    // Cut back to separators: keep whole words ("r10" and "r11" share "r1", not a word).
    let prefix = first[..prefix].rfind(is_separator).map_or(0, |at| at + 1);
    let tail = &first[first.len() - suffix..];
    let suffix = tail.find(is_separator).map_or(0, |at| tail.len() - at);
    ids.iter()
        .map(|id| {
            let (start, end) = (prefix.min(id.len()), id.len().saturating_sub(suffix));
            if start < end { &id[start..end] } else { id }
        })
        .collect()
}

fn is_separator(c: char) -> bool {
    matches!(c, ':' | '/' | '#' | '_' | '-' | '.' | ' ' | '|' | '@')
}

/// Bytes of `a` at the start of `b` too (on a char boundary).
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices().zip(b.chars()).find(|((_, x), y)| x != y).map_or(a.len().min(b.len()), |((at, _), _)| at)
}

/// Bytes of `a` at the end of `b` too (on a char boundary).
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_measured_a_run_at_a_time_measure_as_all_at_once() {
        let study = crate::study::Study::demo(&crate::load::LoadOptions::default());
        let rollouts = &study.rollouts;
        let mut whole = ListColumns::default();
        whole.refresh(rollouts);
        assert!(
            whole.fields().iter().any(|f| &*f.name == "condition" && f.distinct == 2),
            "{:?}",
            whole.fields()
        );
        let mut runs = ListColumns::default();
        for n in (0..=rollouts.len()).step_by(7).chain([rollouts.len()]) {
            runs.refresh(&rollouts[..n]);
        }
        assert_eq!(runs.fields(), whole.fields());
        assert_eq!(runs.measured, rollouts.len());
        // A study that started over is measured afresh.
        runs.refresh(&rollouts[..1]);
        let mut one = ListColumns::default();
        one.refresh(&rollouts[..1]);
        assert_eq!(runs.fields(), one.fields());
        assert!(one.fields().iter().all(|f| f.distinct <= 1));
    }

    #[test]
    fn shared_starts_and_ends_are_dropped_at_separators() {
        assert_eq!(
            short_ids(&["transcripts.json:0", "transcripts.json:1", "transcripts.json:139"]),
            ["0", "1", "139"]
        );
        // "transcripts.json:1" is shared by rows 10 to 19, but `1` is not a word of its own.
        assert_eq!(short_ids(&["transcripts.json:10", "transcripts.json:11"]), ["10", "11"]);
        assert_eq!(short_ids(&["a/run1.json", "a/run2.json"]), ["run1", "run2"]);
        assert_eq!(short_ids(&["harsh/p07/0", "neutral/p07/0"]), ["harsh", "neutral"]);
        assert_eq!(short_ids(&["harsh/p07/0", "harsh/p07/1"]), ["0", "1"]);
        assert_eq!(short_ids(&["r10", "r11"]), ["r10", "r11"]);
        assert_eq!(short_ids(&["only.json:3"]), ["only.json:3"]);
        assert_eq!(short_ids(&["x:", "x:"]), ["x:", "x:"]);
        assert_eq!(short_ids(&["é:1", "é:2"]), ["1", "2"]);
        assert!(short_ids(&[]).is_empty());
    }
}
