//! View state of the rollout list: which rollouts are shown (filtered, sorted), the selection
//! and the scroll offset. Rows are study indices, so the index itself is never copied.

use std::cmp::Ordering;
use std::sync::Arc;

use super::filter::Filter;
use crate::model::{MetaValue, RolloutSummary};

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    FileOrder,
    Id,
    Max,
    Mean,
    FirstAtOrAbove,
    /// Turns the judge gave one category (`TranscriptList::sort_category`).
    CategoryCount,
    Turns,
    /// A metadata field (`TranscriptList::sort_field`): numbers by value, text by text.
    Field,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::FileOrder => SortKey::Id,
            SortKey::Id => SortKey::Max,
            SortKey::Max => SortKey::Mean,
            SortKey::Mean => SortKey::FirstAtOrAbove,
            SortKey::FirstAtOrAbove | SortKey::CategoryCount => SortKey::Turns,
            SortKey::Turns | SortKey::Field => SortKey::FileOrder,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::FileOrder => "file order",
            SortKey::Id => "id",
            SortKey::Max => "max",
            SortKey::Mean => "mean",
            SortKey::FirstAtOrAbove => "first ≥ T",
            SortKey::CategoryCount => "count",
            SortKey::Turns => "turns",
            SortKey::Field => "field",
        }
    }
}

/// What sorting and filtering read the scores under.
#[derive(Debug, Clone, Copy)]
pub struct ScoreView<'a> {
    pub name: &'a str,
    pub threshold: f64,
    /// My labels, for `labelled` and `lab>=N`.
    pub mine: Option<&'a crate::model::LabelSet>,
}

/// The rollout list pane.
#[derive(Debug, Clone)]
pub struct TranscriptList {
    /// Study indices of the rows shown, in display order.
    pub rows: Vec<u32>,
    pub selected: usize,
    pub offset: usize,
    pub sort: SortKey,
    pub descending: bool,
    pub filter: Filter,
    /// The category counted by `SortKey::CategoryCount`.
    pub sort_category: Option<Arc<str>>,
    /// The metadata field sorted by (`SortKey::Field`).
    pub sort_field: Option<Arc<str>>,
    /// Sort key per study index (see `extend_keys`).
    keys: Vec<Option<f64>>,
    /// Whether each study index is a row (passes the filter): answered in constant time, so
    /// counting the search's hits hidden by the filter stays linear.
    shown: Vec<bool>,
}

impl Default for TranscriptList {
    fn default() -> Self {
        TranscriptList {
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            sort: SortKey::FileOrder,
            descending: false,
            filter: Filter::default(),
            sort_category: None,
            sort_field: None,
            keys: Vec::new(),
            shown: Vec::new(),
        }
    }
}

impl TranscriptList {
    /// The next sort: file order, id, then max, mean and first ≥ T of a numeric score or the
    /// count of each category of a categorical one (`categories`, most first), then turns.
    pub fn cycle_sort(&mut self, categories: &[Arc<str>]) {
        let at = self.sort_category.as_ref().and_then(|c| categories.iter().position(|k| k == c));
        let next_category = match (self.sort, at) {
            (SortKey::Id, _) => categories.first(),
            (SortKey::CategoryCount, Some(i)) => categories.get(i + 1),
            _ => None,
        };
        match next_category {
            Some(category) => {
                self.sort = SortKey::CategoryCount;
                self.sort_category = Some(category.clone());
            }
            None if self.sort == SortKey::CategoryCount
                || (self.sort == SortKey::Id && !categories.is_empty()) =>
            {
                self.sort = SortKey::Turns;
                self.sort_category = None;
            }
            None => self.sort = self.sort.next(),
        }
        self.descending = matches!(self.sort, SortKey::Max | SortKey::Mean | SortKey::CategoryCount);
    }

    /// What the list is sorted by, for its title.
    pub fn sort_label(&self) -> String {
        match (&self.sort, &self.sort_category) {
            (SortKey::CategoryCount, Some(category)) => format!("count of {category}"),
            (SortKey::Field, _) => self.sort_field.as_deref().unwrap_or("field").to_string(),
            (key, _) => key.label().to_string(),
        }
    }

    /// Whether rollout `index` is a row of the list.
    pub fn is_shown(&self, index: u32) -> bool {
        self.shown.get(index as usize).copied().unwrap_or(false)
    }

    /// The study index of the selected row.
    pub fn selected_rollout(&self) -> Option<usize> {
        self.rows.get(self.selected).map(|&i| i as usize)
    }

    /// Recomputes rows after the filter, sort or score changed; the selected rollout stays
    /// selected when it is still shown.
    pub fn rebuild(&mut self, rollouts: &[RolloutSummary], view: ScoreView) {
        let keep = self.selected_rollout();
        self.keys.clear();
        self.extend_keys(rollouts, view);
        self.rows = (0..rollouts.len() as u32)
            .filter(|&i| {
                self.filter.matches(&rollouts[i as usize], view.name, view.threshold, &|id| {
                    view.mine.map_or(0, |m| m.scored_turns(id))
                })
            })
            .collect();
        self.sort_rows(rollouts);
        self.shown = vec![false; rollouts.len()];
        for &i in &self.rows {
            self.shown[i as usize] = true;
        }
        self.reselect(keep);
    }

    /// Adds rollouts `first..` (just loaded) without re-sorting what is already shown.
    /// No rows (the study starts over): the sort and the filter stay.
    pub fn clear_rows(&mut self) {
        (self.rows, self.keys, self.shown) = (Vec::new(), Vec::new(), Vec::new());
        (self.selected, self.offset) = (0, 0);
    }

    pub fn append(&mut self, rollouts: &[RolloutSummary], first: usize, view: ScoreView) {
        let keep = self.selected_rollout();
        self.extend_keys(rollouts, view);
        let mut new: Vec<u32> = (first as u32..rollouts.len() as u32)
            .filter(|&i| {
                self.filter.matches(&rollouts[i as usize], view.name, view.threshold, &|id| {
                    view.mine.map_or(0, |m| m.scored_turns(id))
                })
            })
            .collect();
        self.shown.resize(rollouts.len(), false);
        for &i in &new {
            self.shown[i as usize] = true;
        }
        if self.sort == SortKey::FileOrder && !self.descending {
            self.rows.extend(new);
        } else {
            self.sort_slice(&mut new, rollouts);
            let old = std::mem::take(&mut self.rows);
            self.rows = merge(old, new, |a, b| self.compare(*a, *b, rollouts));
        }
        self.reselect(keep);
    }

    /// The numeric sort key of every rollout not yet keyed: computed once per rollout, not
    /// once per comparison (sorting 100,000 rows by max went from 340 ms to a few).
    fn extend_keys(&mut self, rollouts: &[RolloutSummary], view: ScoreView) {
        let sort = self.sort;
        self.keys.extend(rollouts[self.keys.len().min(rollouts.len())..].iter().map(|r| match sort {
            SortKey::Max => r.max_score(view.name),
            SortKey::Mean => r.mean_score(view.name),
            SortKey::FirstAtOrAbove => r.first_at_or_above(view.name, view.threshold).map(|t| t as f64),
            SortKey::CategoryCount => {
                let category = self.sort_category.as_deref();
                let count = r.categories(view.name).iter().filter(|c| c.as_deref() == category).count();
                Some(count as f64)
            }
            SortKey::Turns => Some(f64::from(r.n_turns)),
            SortKey::FileOrder | SortKey::Id | SortKey::Field => None,
        }));
    }

    fn reselect(&mut self, keep: Option<usize>) {
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|&r| r as usize == k))
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }

    fn sort_rows(&mut self, rollouts: &[RolloutSummary]) {
        let mut rows = std::mem::take(&mut self.rows);
        self.sort_slice(&mut rows, rollouts);
        self.rows = rows;
    }

    fn sort_slice(&self, rows: &mut [u32], rollouts: &[RolloutSummary]) {
        if self.sort == SortKey::FileOrder && !self.descending {
            rows.sort_unstable();
            return;
        }
        rows.sort_unstable_by(|a, b| self.compare(*a, *b, rollouts));
    }

    /// Row order: the sort key (missing values last in either direction), then file order.
    fn compare(&self, a: u32, b: u32, rollouts: &[RolloutSummary]) -> Ordering {
        let (ra, rb) = (&rollouts[a as usize], &rollouts[b as usize]);
        let by_key = match self.sort {
            SortKey::FileOrder => Ordering::Equal,
            SortKey::Id => ra.id.cmp(&rb.id),
            SortKey::Turns => ra.n_turns.cmp(&rb.n_turns),
            SortKey::Field => {
                let field = self.sort_field.as_deref().unwrap_or("");
                let order = compare_meta(ra.meta(field), rb.meta(field));
                // Missing values stay last either way: undo the reversal below for them.
                match (ra.meta(field).is_some(), rb.meta(field).is_some(), self.descending) {
                    (true, false, true) | (false, true, true) => order.reverse(),
                    _ => order,
                }
            }
            SortKey::Max | SortKey::Mean | SortKey::FirstAtOrAbove | SortKey::CategoryCount => {
                let key = |i: u32| self.keys.get(i as usize).copied().flatten();
                missing_last(key(a), key(b), self.descending)
            }
        };
        let by_key = if self.descending
            && !matches!(
                self.sort,
                SortKey::Max | SortKey::Mean | SortKey::FirstAtOrAbove | SortKey::CategoryCount
            ) {
            by_key.reverse()
        } else {
            by_key
        };
        let by_file = if self.sort == SortKey::FileOrder && self.descending { b.cmp(&a) } else { a.cmp(&b) };
        by_key.then(by_file)
    }

    /// Moves the selection by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    /// Keeps the selection inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}

/// Metadata values in order: numbers by value before text by text, missing (or null) last.
fn compare_meta(a: Option<&MetaValue>, b: Option<&MetaValue>) -> Ordering {
    let number = |v: &MetaValue| match v {
        MetaValue::Int(i) => Some(*i as f64),
        MetaValue::Float(f) => Some(*f),
        _ => None,
    };
    let (a, b) = (a.filter(|v| !matches!(v, MetaValue::Null)), b.filter(|v| !matches!(v, MetaValue::Null)));
    match (a, b) {
        (Some(x), Some(y)) => match (number(x), number(y)) {
            (Some(p), Some(q)) => p.total_cmp(&q),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x.text().cmp(&y.text()),
        },
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Compares optional numbers with `None` last whichever way the list is sorted.
fn missing_last(a: Option<f64>, b: Option<f64>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if descending { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Merges two sorted lists.
fn merge(a: Vec<u32>, b: Vec<u32>, mut cmp: impl FnMut(&u32, &u32) -> Ordering) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if cmp(&b[j], &a[i]) == Ordering::Less {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests;
