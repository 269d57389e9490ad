//! Human labels: a per-turn score on the judge's 0–10 scale, a category for a categorical score
//! (`frustration.tag`), tags and a note, plus a note per rollout, and the turn-text hash that
//! tells when a label's turn has changed since. These are domain values: the store reads and
//! writes them, metrics and the app compute with them.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Adjudicators' label files are named `adjudicated-<name>.jsonl`.
pub const ADJUDICATED: &str = "adjudicated-";

/// One line of a label file: the state of one (rollout, turn) after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRecord {
    pub rollout: String,
    /// 1-based turn; `null` for the rollout-level note.
    pub turn: Option<u32>,
    /// Human score 0–10; `null` when cleared or never given.
    pub score: Option<u8>,
    /// The categorical score `category` labels (`frustration.tag`). Absent on lines written
    /// before categories could be labelled, and on lines without a category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_name: Option<String>,
    /// The human's category for `score_name` at this turn (`despair`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub annotator: String,
    /// UTC, RFC 3339.
    pub time: String,
    /// The rollout's source file, as it was opened.
    #[serde(default)]
    pub source: String,
    /// Hash of the turn's text when it was labelled (`fnv1a64:<hex>`), to flag stale labels.
    #[serde(default)]
    pub text_hash: Option<String>,
    /// The spot-check queue this label was given in, if any (its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// The queue's `id` (unique, written when it was drawn): two rounds named `ana.json` do
    /// not mix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    /// Given blind: in a spot-check review, before the judge's value could be seen.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind: bool,
    /// An adjudicated score's reason code (`judge-wrong`, `human-wrong`, `rubric-ambiguous`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who adjudicated (the file is `adjudicated-<name>.jsonl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudicator: Option<String>,
    /// The line it was read from, for warnings about it; never written.
    #[serde(skip)]
    pub line: SourceLine,
}

/// Where a record was read from: its 1-based line in its label file (0 when it was not read
/// from one). Not part of the record's value: never written, and equal to every other.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceLine(pub u64);

impl PartialEq for SourceLine {
    fn eq(&self, _: &SourceLine) -> bool {
        true
    }
}

impl LabelRecord {
    /// Why the record cannot be used, if it cannot: a score off the 0–10 scale, a category
    /// without the score name it labels (or an empty one), turn 0, or (given how many turns its
    /// rollout has) a turn past the last.
    pub fn unusable(&self, n_turns: Option<u32>) -> Option<String> {
        if let Some(score) = self.score
            && score > 10
        {
            return Some(format!("score {score} is outside 0–10"));
        }
        if let Some(category) = &self.category {
            if category.is_empty() {
                return Some("the category is empty".to_string());
            }
            if self.score_name.as_deref().is_none_or(str::is_empty) {
                return Some(format!(
                    "category {category:?} does not say which score it labels (score_name)"
                ));
            }
            if self.turn.is_none() {
                return Some(format!("category {category:?} is not on a turn (categories label turns)"));
            }
        }
        match (self.turn, n_turns) {
            (Some(0), _) => Some("turn 0 does not exist (turn 1 is the first)".to_string()),
            (Some(turn), Some(n)) if turn > n => {
                Some(format!("turn {turn} is past the last turn ({n}) of rollout {:?}", self.rollout))
            }
            _ => None,
        }
    }

    /// The record's category label, when it has a category and the score it labels.
    pub fn category_label(&self) -> Option<CategoryLabel> {
        Some(CategoryLabel { score_name: self.score_name.clone()?, category: self.category.clone()? })
    }
}

/// A human's category for a categorical score at one turn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CategoryLabel {
    /// The categorical score labelled (`frustration.tag`).
    pub score_name: String,
    /// The category given (`despair`).
    pub category: String,
}

/// What is known about one (rollout, turn).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Label {
    pub score: Option<u8>,
    /// The category given for a categorical score, if any (one per label line).
    pub category: Option<CategoryLabel>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub text_hash: Option<String>,
    pub queue: Option<String>,
    pub queue_id: Option<String>,
    /// Given blind (in a spot-check review).
    pub blind: bool,
    /// An adjudicated score's reason code.
    pub reason: Option<String>,
}

impl Label {
    /// A label with nothing in it is the same as no label.
    pub fn is_empty(&self) -> bool {
        !self.is_rated() && self.tags.is_empty() && self.note.as_deref().is_none_or(str::is_empty)
    }

    /// Whether the label rates the turn: a score or a category (tags and notes do not).
    pub fn is_rated(&self) -> bool {
        self.score.is_some() || self.category.is_some()
    }

    /// The category given for `score_name`, if this label gives one.
    pub fn category_for(&self, score_name: &str) -> Option<&str> {
        self.category.as_ref().filter(|c| c.score_name == score_name).map(|c| c.category.as_str())
    }

    /// Whether the turn's text changed since the label was given.
    pub fn is_stale(&self, current_hash: &str) -> bool {
        self.text_hash.as_deref().is_some_and(|h| h != current_hash)
    }
}

/// A label's key: rollout id and turn (`None` = rollout-level).
pub type LabelKey = (Arc<str>, Option<u32>);

/// One annotator's labels, replayed from their file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSet {
    pub labels: HashMap<LabelKey, Label>,
    /// Turns with a human score or category, per rollout (for the list's "labelled" column).
    scored_turns: HashMap<Arc<str>, u32>,
}

impl LabelSet {
    pub fn get(&self, rollout: &str, turn: Option<u32>) -> Option<&Label> {
        self.labels.get(&(Arc::from(rollout), turn))
    }

    /// Applies one record: the last one for a key wins; an empty one removes the label.
    pub fn apply(&mut self, record: &LabelRecord) {
        let key: LabelKey = (Arc::from(record.rollout.as_str()), record.turn);
        let label = Label {
            score: record.score,
            category: record.category_label(),
            tags: record.tags.clone(),
            note: record.note.clone(),
            text_hash: record.text_hash.clone(),
            queue: record.queue.clone(),
            queue_id: record.queue_id.clone(),
            blind: record.blind,
            reason: record.reason.clone(),
        };
        self.set(key, (!label.is_empty()).then_some(label));
    }

    /// Sets or removes a label, keeping the per-rollout counts right.
    pub fn set(&mut self, key: LabelKey, label: Option<Label>) {
        let was_scored = self.labels.get(&key).is_some_and(|l| l.is_rated() && key.1.is_some());
        let is_scored = label.as_ref().is_some_and(|l| l.is_rated() && key.1.is_some());
        let rollout = key.0.clone();
        match label {
            Some(label) => {
                self.labels.insert(key, label);
            }
            None => {
                self.labels.remove(&key);
            }
        }
        let count = self.scored_turns.entry(rollout.clone()).or_insert(0);
        match (was_scored, is_scored) {
            (false, true) => *count += 1,
            (true, false) => *count = count.saturating_sub(1),
            _ => {}
        }
        if *count == 0 {
            self.scored_turns.remove(&rollout);
        }
    }

    /// How many turns of a rollout have a human score or category.
    pub fn scored_turns(&self, rollout: &str) -> u32 {
        self.scored_turns.get(rollout).copied().unwrap_or(0)
    }

    /// Turns with a human score or category, over the whole set.
    pub fn total_scored(&self) -> usize {
        self.scored_turns.values().map(|&n| n as usize).sum()
    }

    /// Replays records in order.
    pub fn replay<'a>(records: impl IntoIterator<Item = &'a LabelRecord>) -> LabelSet {
        let mut set = LabelSet::default();
        for r in records {
            set.apply(r);
        }
        set
    }
}

/// The hash of a turn's text recorded with its label: FNV-1a, 64 bit, as
/// `fnv1a64:<16 hex digits>`. Stable across versions and platforms, which is all a staleness
/// check needs (it is not a security boundary).
pub fn text_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(rollout: &str, turn: Option<u32>, score: Option<u8>, tags: &[&str]) -> LabelRecord {
        LabelRecord {
            rollout: rollout.into(),
            turn,
            score,
            score_name: None,
            category: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            note: None,
            annotator: "ana".into(),
            time: "2026-11-23T00:00:00Z".into(),
            source: "s.jsonl".into(),
            text_hash: Some("fnv1a64:00".into()),
            queue: None,
            queue_id: None,
            blind: false,
            reason: None,
            adjudicator: None,
            line: SourceLine::default(),
        }
    }

    #[test]
    fn scores_off_the_scale_and_turns_outside_the_rollout_are_unusable() {
        assert_eq!(record("a", Some(3), Some(10), &[]).unusable(Some(3)), None);
        assert_eq!(record("a", None, None, &[]).unusable(Some(0)), None, "a rollout note");
        let why = |turn, score, n_turns| record("a", turn, score, &[]).unusable(n_turns).unwrap();
        assert_eq!(why(Some(1), Some(11), None), "score 11 is outside 0–10");
        assert_eq!(why(Some(1), Some(255), Some(5)), "score 255 is outside 0–10");
        assert_eq!(why(Some(0), Some(3), None), "turn 0 does not exist (turn 1 is the first)");
        assert_eq!(why(Some(4), None, Some(3)), "turn 4 is past the last turn (3) of rollout \"a\"");
    }

    #[test]
    fn last_line_wins_and_empty_records_clear() {
        let records = vec![
            record("a", Some(1), Some(3), &[]),
            record("a", Some(2), Some(7), &["hopeless"]),
            record("a", Some(1), Some(5), &[]),
            record("b", Some(1), Some(0), &[]),
            record("b", Some(1), None, &[]),
            record("a", None, None, &[]),
        ];
        let set = LabelSet::replay(&records);
        assert_eq!(set.get("a", Some(1)).unwrap().score, Some(5));
        assert_eq!(set.get("a", Some(2)).unwrap().tags, vec!["hopeless".to_string()]);
        assert!(set.get("b", Some(1)).is_none(), "cleared");
        assert_eq!(set.scored_turns("a"), 2);
        assert_eq!(set.scored_turns("b"), 0);
        assert_eq!(set.total_scored(), 2);
    }

    #[test]
    fn tags_without_a_score_are_a_label_but_not_a_scored_turn() {
        let set = LabelSet::replay(&[record("a", Some(1), None, &["eval-aware"])]);
        assert!(set.get("a", Some(1)).is_some());
        assert_eq!(set.scored_turns("a"), 0);
    }

    #[test]
    fn records_round_trip_through_json() {
        let r = LabelRecord {
            note: Some("line\nbreak \"quoted\"".into()),
            ..record("a", Some(3), Some(10), &["x"])
        };
        let line = serde_json::to_string(&r).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(serde_json::from_str::<LabelRecord>(&line).unwrap(), r);
    }

    fn categorised(rollout: &str, turn: Option<u32>, score: Option<u8>, category: &str) -> LabelRecord {
        LabelRecord {
            score_name: Some("frustration.tag".into()),
            category: Some(category.into()),
            ..record(rollout, turn, score, &[])
        }
    }

    #[test]
    fn a_category_round_trips_beside_a_score_and_old_lines_read_unchanged() {
        let both = categorised("a", Some(2), Some(7), "despair");
        let line = serde_json::to_string(&both).unwrap();
        assert!(line.contains(r#""score_name":"frustration.tag","category":"despair""#), "{line}");
        assert_eq!(serde_json::from_str::<LabelRecord>(&line).unwrap(), both);
        // A line written before categories: no keys, read as no category, written the same.
        let old = r#"{"rollout":"a","turn":1,"score":3,"tags":[],"note":null,"annotator":"ana","time":"t","source":"s","text_hash":null}"#;
        let read: LabelRecord = serde_json::from_str(old).unwrap();
        assert_eq!((read.score, read.score_name.as_deref(), read.category.as_deref()), (Some(3), None, None));
        assert_eq!(serde_json::to_string(&read).unwrap(), old, "no category keys are added");
        let set = LabelSet::replay(&[both, read]);
        let label = set.get("a", Some(2)).unwrap();
        assert_eq!((label.score, label.category_for("frustration.tag")), (Some(7), Some("despair")));
        assert_eq!(label.category_for("frustration"), None, "a category belongs to its score name");
        assert_eq!(set.get("a", Some(1)).unwrap().category, None);
    }

    #[test]
    fn a_category_alone_is_a_labelled_turn_and_clearing_it_clears_the_label() {
        let records = [categorised("a", Some(1), None, "none"), categorised("a", Some(2), None, "mild")];
        let mut set = LabelSet::replay(&records);
        assert_eq!(set.scored_turns("a"), 2);
        set.apply(&record("a", Some(1), None, &[]));
        assert!(set.get("a", Some(1)).is_none());
        assert_eq!(set.total_scored(), 1);
    }

    #[test]
    fn a_category_needs_its_score_name_a_value_and_a_turn() {
        let why = |r: LabelRecord| r.unusable(None).unwrap();
        let no_name = LabelRecord { score_name: None, ..categorised("a", Some(1), None, "mild") };
        assert_eq!(why(no_name), "category \"mild\" does not say which score it labels (score_name)");
        assert_eq!(why(categorised("a", Some(1), None, "")), "the category is empty");
        assert_eq!(
            why(categorised("a", None, None, "mild")),
            "category \"mild\" is not on a turn (categories label turns)"
        );
        // A score name without a category is no category (a cleared one), and harmless.
        let name_only = LabelRecord { category: None, ..categorised("a", Some(1), Some(2), "x") };
        assert_eq!(name_only.unusable(None), None);
        assert_eq!(name_only.category_label(), None);
    }

    #[test]
    fn stale_means_the_hash_changed() {
        let label = Label { text_hash: Some("fnv1a64:1".into()), ..Label::default() };
        assert!(label.is_stale("fnv1a64:2"));
        assert!(!label.is_stale("fnv1a64:1"));
        assert!(!Label::default().is_stale("fnv1a64:2"), "no hash, no claim");
    }

    #[test]
    fn fnv1a_matches_published_vectors() {
        // FNV-1a 64 test vectors: "" and "a" (from the reference implementation's test suite).
        assert_eq!(text_hash(""), "fnv1a64:cbf29ce484222325");
        assert_eq!(text_hash("a"), "fnv1a64:af63dc4c8601ec8c");
        assert_eq!(text_hash("foobar"), "fnv1a64:85944171f73967e8");
    }
}
