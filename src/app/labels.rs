//! Labelling in the app: the annotator's labels and the others', the undo/redo history, and the
//! save state. Every change becomes one `WriteLabel` effect; the writer acknowledges it once it
//! is fsync'd, and only then does the status bar say "saved".

use std::collections::HashMap;
use std::sync::Arc;

use super::{App, Effect, Outcome};
use crate::model::{CategoryLabel, Label, LabelKey, LabelRecord, LabelSet};
use crate::store::file::drop_past_last_turn;

/// The tags offered when the config file names none.
pub const DEFAULT_TAGS: [&str; 6] =
    ["hopeless", "self-blame", "user-blame", "eval-aware", "persona-shift", "judge-wrong"];

/// One label change, as undo/redo needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: LabelKey,
    pub before: Option<Label>,
    pub after: Option<Label>,
}

/// Labels in the app.
#[derive(Debug, Clone, Default)]
pub struct LabelState {
    pub annotator: String,
    /// Where the annotator's file is (for the status bar and messages).
    pub path: String,
    pub mine: LabelSet,
    pub others: Vec<(String, LabelSet)>,
    pub show_others: bool,
    pub undo: Vec<Change>,
    pub redo: Vec<Change>,
    /// Changes sent to the writer and not yet acknowledged as on disk.
    pub unsaved: usize,
    /// The changes not yet acknowledged, oldest first, described for a person (what a forced
    /// exit lists as not saved).
    pub in_flight: std::collections::VecDeque<String>,
    /// The last write error, shown until every change is saved.
    pub write_error: Option<String>,
    /// Why labels cannot be written this session.
    pub read_only: Option<String>,
    /// The store has been opened (labels before that would race the replay).
    pub opened: bool,
    /// The label file exists: nothing creates it before the first label.
    pub on_disk: bool,
    /// Set in spot-check mode: labels are marked with the queue's name.
    pub queue: Option<String>,
    /// Each label file's records (path, records) until the study has loaded and their turns
    /// can be checked against their rollouts.
    pub unchecked: Vec<(String, Vec<LabelRecord>)>,
}

pub use crate::model::label::ADJUDICATED;

impl LabelState {
    /// The tag list for the picker: the configured tags, then tags found in the labels `shown`
    /// lets through (in a blind review, only those given in it).
    pub fn tag_choices(&self, configured: &[String], shown: impl Fn(&Label) -> bool) -> Vec<String> {
        let mut tags: Vec<String> = configured.to_vec();
        let mut used: Vec<&String> =
            self.mine.labels.values().filter(|l| shown(l)).flat_map(|l| &l.tags).collect();
        used.sort();
        for tag in used {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        tags
    }
}

impl App {
    /// The key of the selected turn (or of the rollout, for `turn = None`), with the current
    /// hash of the turn's text.
    fn label_target(&self, turn: Option<u32>) -> Option<(LabelKey, Option<String>)> {
        let index = self.reader.index?;
        let summary = self.study.rollouts.get(index)?;
        let hash = match turn {
            Some(t) => Some(self.reader.turn_hashes.get(t as usize - 1)?.clone()),
            None => None,
        };
        Some(((summary.id.clone(), turn), hash))
    }

    fn selected_turn(&self) -> Option<u32> {
        (self.reader.turn > 0 && self.reader.rollout.is_some()).then_some(self.reader.turn as u32)
    }

    /// Whether labels can be changed now; says why not in the status bar.
    fn can_label(&mut self) -> bool {
        let why = if !self.labels.opened {
            Some("labels are still opening…".to_string())
        } else if let Some(reason) = &self.labels.read_only {
            Some(reason.clone())
        } else if self.selected_turn().is_none() {
            Some("no turn selected".to_string())
        } else {
            None
        };
        if let Some(why) = &why {
            self.toast = Some(why.clone());
        }
        why.is_none()
    }

    /// Sets or clears the selected turn's human score.
    pub fn set_score(&mut self, score: Option<u8>, out: &mut Outcome) {
        if !self.can_label() {
            return;
        }
        let Some((key, hash)) = self.selected_turn().and_then(|t| self.label_target(Some(t))) else { return };
        let mut label = self.my_label(&key.0, key.1).cloned().unwrap_or_default();
        label.score = score;
        label.text_hash = hash;
        self.change(key, Some(label), out);
    }

    /// Sets or clears the selected turn's category of the categorical score `score`.
    pub fn set_category(&mut self, score: &str, category: Option<&str>, out: &mut Outcome) {
        if !self.can_label() {
            return;
        }
        let Some((key, hash)) = self.selected_turn().and_then(|t| self.label_target(Some(t))) else { return };
        let mut label = self.my_label(&key.0, key.1).cloned().unwrap_or_default();
        label.category =
            category.map(|c| CategoryLabel { score_name: score.to_string(), category: c.to_string() });
        label.text_hash = hash;
        self.change(key, Some(label), out);
    }

    /// The reason code of the selected turn's adjudicated score.
    pub fn set_reason(&mut self, reason: &str, out: &mut Outcome) {
        if !self.can_label() {
            return;
        }
        let Some((key, hash)) = self.selected_turn().and_then(|t| self.label_target(Some(t))) else { return };
        let mut label = self.my_label(&key.0, key.1).cloned().unwrap_or_default();
        label.reason = Some(reason.to_string());
        label.text_hash = hash;
        self.change(key, Some(label), out);
    }

    /// Adds or removes a tag on the selected turn.
    pub fn toggle_tag(&mut self, tag: &str, out: &mut Outcome) {
        if !self.can_label() {
            return;
        }
        let Some((key, hash)) = self.selected_turn().and_then(|t| self.label_target(Some(t))) else { return };
        let mut label = self.my_label(&key.0, key.1).cloned().unwrap_or_default();
        match label.tags.iter().position(|t| t == tag) {
            Some(i) => {
                label.tags.remove(i);
            }
            None => label.tags.push(tag.to_string()),
        }
        label.text_hash = hash;
        self.change(key, Some(label), out);
    }

    /// Replaces the note of the selected turn (`rollout_level`: of the rollout).
    pub fn set_note(&mut self, rollout_level: bool, note: String, out: &mut Outcome) {
        if !self.labels.opened || self.labels.read_only.is_some() {
            self.can_label();
            return;
        }
        let turn = if rollout_level { None } else { self.selected_turn() };
        if !rollout_level && turn.is_none() {
            self.toast = Some("no turn selected".into());
            return;
        }
        let Some((key, hash)) = self.label_target(turn) else { return };
        let mut label = self.my_label(&key.0, key.1).cloned().unwrap_or_default();
        let note = note.trim_end().to_string();
        label.note = (!note.is_empty()).then_some(note);
        label.text_hash = hash;
        self.change(key, Some(label), out);
    }

    /// Applies a change, records it for undo, and asks for it to be written.
    fn change(&mut self, key: LabelKey, after: Option<Label>, out: &mut Outcome) {
        let after = after.filter(|l| !l.is_empty());
        // In a review an earlier label is not shown: clearing it there would erase what the
        // annotator never saw.
        if after.is_none() && self.my_label(&key.0, key.1).is_none() {
            return;
        }
        let before = self.labels.mine.labels.get(&key).cloned();
        if before == after {
            return;
        }
        self.labels.redo.clear();
        self.labels.undo.push(Change { key: key.clone(), before, after: after.clone() });
        self.write(key, after, out);
    }

    /// Undoes the last change (written as a new line: the file stays append-only).
    pub fn undo(&mut self, out: &mut Outcome) {
        if self.labels.read_only.is_some() {
            self.can_label();
            return;
        }
        let Some(change) = self.labels.undo.pop() else {
            self.toast = Some("nothing to undo".into());
            return;
        };
        self.write(change.key.clone(), change.before.clone(), out);
        self.toast = Some(format!("undid a change to {}", describe(&change.key)));
        self.labels.redo.push(change);
    }

    pub fn redo(&mut self, out: &mut Outcome) {
        if self.labels.read_only.is_some() {
            self.can_label();
            return;
        }
        let Some(change) = self.labels.redo.pop() else {
            self.toast = Some("nothing to redo".into());
            return;
        };
        self.write(change.key.clone(), change.after.clone(), out);
        self.toast = Some(format!("redid a change to {}", describe(&change.key)));
        self.labels.undo.push(change);
    }

    fn write(&mut self, key: LabelKey, label: Option<Label>, out: &mut Outcome) {
        let source = self
            .reader
            .index
            .and_then(|i| self.study.source_of(i))
            .map(|s| s.display.clone())
            .unwrap_or_default();
        // A label given in a spot-check review is blind (the judge was not shown before it);
        // an adjudication is not, and names its adjudicator.
        let adjudicating = self.adjudicating();
        let blind = self.review.is_some() && !adjudicating;
        let adjudicator = adjudicating.then(|| {
            let name = &self.labels.annotator;
            name.strip_prefix(ADJUDICATED).unwrap_or(name).to_string()
        });
        let queue_id = self.review.as_ref().and_then(|r| r.queue.id.clone());
        let label = label.map(|mut l| {
            l.queue = self.labels.queue.clone();
            (l.queue_id, l.blind) = (queue_id.clone(), blind);
            l
        });
        let record = LabelRecord {
            rollout: key.0.to_string(),
            turn: key.1,
            score: label.as_ref().and_then(|l| l.score),
            score_name: label.as_ref().and_then(|l| l.category.as_ref()).map(|c| c.score_name.clone()),
            category: label.as_ref().and_then(|l| l.category.as_ref()).map(|c| c.category.clone()),
            tags: label.as_ref().map(|l| l.tags.clone()).unwrap_or_default(),
            note: label.as_ref().and_then(|l| l.note.clone()),
            annotator: self.labels.annotator.clone(),
            time: String::new(),
            source,
            text_hash: label.as_ref().and_then(|l| l.text_hash.clone()),
            queue: self.labels.queue.clone(),
            queue_id,
            blind,
            reason: label.as_ref().and_then(|l| l.reason.clone()),
            adjudicator,
            line: Default::default(),
        };
        let described = describe(&key);
        self.labels.mine.set(key, label);
        self.labels.unsaved += 1;
        let what = match (&record.score, record.tags.is_empty(), &record.note) {
            (Some(score), _, _) => format!("score {score}"),
            (None, false, _) => format!("tags {}", record.tags.join(", ")),
            (None, true, Some(_)) => "a note".to_string(),
            (None, true, None) => "a cleared label".to_string(),
        };
        self.labels.in_flight.push_back(format!("{described}: {what}"));
        out.effects.push(Effect::WriteLabel(Box::new(record)));
        self.rewrap_reader();
    }

    /// The store was opened: replay what it holds.
    pub(super) fn on_labels_opened(&mut self, opened: super::LabelsOpened) {
        self.labels.mine = LabelSet::replay(&opened.records);
        self.labels.others =
            opened.others.iter().map(|(name, records)| (name.clone(), LabelSet::replay(records))).collect();
        self.labels.read_only = opened.read_only;
        self.labels.on_disk = opened.exists;
        let folder = std::path::Path::new(&opened.path).parent().map(std::path::Path::to_path_buf);
        let other_path = |name: &str| folder.clone().unwrap_or_default().join(format!("{name}.jsonl"));
        self.labels.unchecked = std::iter::once((opened.path.clone(), opened.records))
            .chain(
                opened
                    .others
                    .into_iter()
                    .map(|(name, records)| (other_path(&name).display().to_string(), records)),
            )
            .collect();
        self.labels.path = opened.path;
        self.labels.opened = true;
        self.study.problems.extend(opened.warnings);
        self.check_label_turns();
        self.rewrap_reader();
    }

    /// Once the labels are open and the study has loaded: a label on a turn its rollout does
    /// not have is a warning (file and line) and is dropped, so no figure counts it.
    pub(super) fn check_label_turns(&mut self) {
        if !self.study.progress.finished || self.labels.unchecked.is_empty() {
            return;
        }
        let n_turns: HashMap<&str, u32> = self.study.rollouts.iter().map(|r| (&*r.id, r.n_turns)).collect();
        let mut warnings = Vec::new();
        for (path, mut records) in std::mem::take(&mut self.labels.unchecked) {
            warnings.extend(drop_past_last_turn(&mut records, &path, &|id| n_turns.get(id).copied()));
        }
        let past_last =
            |key: &&LabelKey| matches!((key.1, n_turns.get(&*key.0)), (Some(t), Some(&n)) if t > n);
        let sets =
            std::iter::once(&mut self.labels.mine).chain(self.labels.others.iter_mut().map(|(_, set)| set));
        for set in sets {
            let dropped: Vec<LabelKey> = set.labels.keys().filter(past_last).cloned().collect();
            for key in dropped {
                set.set(key, None);
            }
        }
        self.study.problems.extend(warnings);
    }

    /// A write finished: `Ok` acknowledges one change; an error is shown while it is retried.
    pub(super) fn on_label_written(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.labels.on_disk = true;
                self.labels.unsaved = self.labels.unsaved.saturating_sub(1);
                self.labels.in_flight.pop_front();
                if self.labels.unsaved == 0 {
                    self.labels.write_error = None;
                }
            }
            Err(e) => self.labels.write_error = Some(e),
        }
    }

    /// The first write found the labels read-only: what was sent stays in memory, not saved,
    /// and no more labels are taken.
    pub(super) fn on_labels_read_only(&mut self, reason: String) {
        let unsaved = self.labels.unsaved;
        self.toast = Some(format!(
            "{unsaved} label change{} NOT saved: {reason}",
            if unsaved == 1 { "" } else { "s" }
        ));
        self.labels.write_error = None;
        self.labels.read_only = Some(reason);
    }

    /// Turns of rollout `index` without a human score from me.
    pub fn unlabelled_turns(&self, index: usize) -> Vec<u32> {
        let Some(summary) = self.study.rollouts.get(index) else { return Vec::new() };
        (1..=summary.n_turns)
            .filter(|t| self.labels.mine.get(&summary.id, Some(*t)).is_none_or(|l| l.score.is_none()))
            .collect()
    }

    /// My label and the others' (when shown) on a turn, for the reader and the chart.
    pub fn labels_on(&self, rollout: &Arc<str>, turn: Option<u32>) -> Vec<(&str, &Label)> {
        let key = (rollout.clone(), turn);
        let mut found = Vec::new();
        if let Some(l) = self.my_label(rollout, turn) {
            found.push(("you", l));
        }
        // Other annotators' labels would tell a blind annotator what to score; an adjudicator
        // is to see them all.
        let adjudicating = self.adjudicating();
        if (self.labels.show_others && self.review.is_none()) || adjudicating {
            for (name, set) in &self.labels.others {
                if let Some(l) = set.labels.get(&key) {
                    found.push((name.as_str(), l));
                }
            }
        }
        found
    }
}

impl App {
    /// My label of a turn as the screen may show it and a change starts from: in a review,
    /// only one given in it (a label of the same turn given before, seeing the judge, neither
    /// shows nor carries its tags or note into the blind one).
    pub fn my_label(&self, rollout: &str, turn: Option<u32>) -> Option<&Label> {
        let label = self.labels.mine.get(rollout, turn)?;
        (self.review.is_none() || self.given_here(label)).then_some(label)
    }
}

fn describe(key: &LabelKey) -> String {
    match key.1 {
        Some(t) => format!("{} turn {t}", crate::sanitize::clean(&key.0)),
        None => format!("{} (rollout note)", crate::sanitize::clean(&key.0)),
    }
}
