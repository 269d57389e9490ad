//! Carrying labels over to new rollout ids (`rollscope labels migrate`): the label of each
//! (rollout, turn) given under a rollout's old id is appended again under its new id, through
//! the annotator file's own append path (locked, fsync'd, never through a link). Nothing is
//! rewritten: the old lines stay where they are, still readable, and the file stays
//! append-only. Running it again appends nothing more.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::file;
use crate::model::{LabelRecord, Limit, Problem};

/// How rollout ids changed: each rollout's old id mapped to its new one (only those that
/// changed), and every id the study has now.
#[derive(Debug, Clone, Default)]
pub struct IdChanges {
    pub renamed: HashMap<String, String>,
    pub current: HashSet<String>,
}

/// What migrating one annotator's file did, counted in labels (one per rollout and turn, or
/// rollout note), not lines.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Migration {
    pub path: PathBuf,
    /// Appended under the new id.
    pub appended: usize,
    /// Left as they are: the new id already has a label for that turn (migrated before, or
    /// given since).
    pub already: usize,
    /// Under an id that did not change.
    pub unchanged: usize,
    /// Under an id no rollout of the study has, old or new: left as they are.
    pub not_in_study: usize,
    /// Lines that could not be used (a torn or hand-broken line), as reading reports them.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

/// Why an annotator's file could not be migrated.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// It cannot be written (locked by a running rollscope, a symlink, a read-only folder).
    #[error("{0}")]
    ReadOnly(String),
    /// A write failed part way; what was appended is on disk, and running again finishes.
    #[error("{reason} (after {appended} labels were appended; run again to finish)")]
    Write { appended: usize, reason: String },
}

/// Migrates `<dir>/<annotator>.jsonl`. `study` is the paths the study was opened from (a labels
/// folder holding one of its rollout files is refused, as when labelling).
pub fn migrate(
    dir: &Path,
    annotator: &str,
    study: &[PathBuf],
    limit: Limit,
    changes: &IdChanges,
) -> Result<Migration, MigrateError> {
    let opened = file::open(dir, annotator, study, limit);
    if let Some(reason) = opened.read_only {
        return Err(MigrateError::ReadOnly(reason));
    }
    let mut migration = Migration {
        path: opened.writer.path().to_path_buf(),
        warnings: opened.warnings,
        ..Migration::default()
    };
    let mut writer = opened.writer;
    for record in plan(&opened.records, changes, &mut migration) {
        writer
            .append(&record)
            .map_err(|e| MigrateError::Write { appended: migration.appended, reason: e.to_string() })?;
        migration.appended += 1;
    }
    Ok(migration)
}

/// The records to append, in the order their labels were last changed, counting the rest.
fn plan(records: &[LabelRecord], changes: &IdChanges, counts: &mut Migration) -> Vec<LabelRecord> {
    // The line that holds each label's state: its last.
    let mut last: HashMap<(&str, Option<u32>), usize> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        last.insert((record.rollout.as_str(), record.turn), i);
    }
    let mut latest: Vec<usize> = last.values().copied().collect();
    latest.sort_unstable();
    let mut appended = Vec::new();
    for i in latest {
        let record = &records[i];
        match changes.renamed.get(&record.rollout) {
            Some(new) if last.contains_key(&(new.as_str(), record.turn)) => counts.already += 1,
            // A cleared label has nothing to carry over.
            Some(_) if is_cleared(record) => {}
            Some(new) => appended.push(LabelRecord { rollout: new.clone(), ..record.clone() }),
            None if changes.current.contains(&record.rollout) => counts.unchanged += 1,
            None => counts.not_in_study += 1,
        }
    }
    appended
}

/// A line with no score, no tags and no note removes its label.
fn is_cleared(record: &LabelRecord) -> bool {
    record.score.is_none() && record.tags.is_empty() && record.note.as_deref().is_none_or(str::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built from JSON, as read from a file, so fields added to records later need no change.
    fn record(rollout: &str, turn: Option<u32>, score: Option<u8>) -> LabelRecord {
        let line = serde_json::json!({"rollout": rollout, "turn": turn, "score": score, "annotator": "ana",
                                      "time": "2026-11-23T01:02:03Z", "source": "t.jsonl"});
        serde_json::from_value(line).unwrap()
    }

    fn changes() -> IdChanges {
        IdChanges {
            renamed: [("t.jsonl:1", "a/0"), ("t.jsonl:2", "a/1")]
                .into_iter()
                .map(|(o, n)| (o.to_string(), n.to_string()))
                .collect(),
            current: ["a/0", "a/1", "own-id"].into_iter().map(String::from).collect(),
        }
    }

    #[test]
    fn each_label_under_an_old_id_is_carried_over_once_in_the_order_last_changed() {
        let records = vec![
            record("t.jsonl:1", Some(1), Some(3)),
            record("t.jsonl:2", Some(1), Some(5)),
            record("t.jsonl:1", Some(1), Some(4)),
            record("t.jsonl:1", Some(2), Some(2)),
            record("t.jsonl:1", Some(2), None),
            record("own-id", Some(1), Some(1)),
            record("gone.jsonl:9", Some(1), Some(1)),
            record("t.jsonl:2", None, None),
        ];
        let mut counts = Migration::default();
        let planned = plan(&records, &changes(), &mut counts);
        let got: Vec<(&str, Option<u32>, Option<u8>)> =
            planned.iter().map(|r| (r.rollout.as_str(), r.turn, r.score)).collect();
        assert_eq!(got, [("a/1", Some(1), Some(5)), ("a/0", Some(1), Some(4))]);
        assert_eq!(planned[0].time, "2026-11-23T01:02:03Z", "when it was given, not when it moved");
        assert_eq!((counts.unchanged, counts.not_in_study, counts.already), (1, 1, 0));
    }

    #[test]
    fn a_label_already_under_the_new_id_is_left_as_it_is() {
        let records = vec![record("t.jsonl:1", Some(1), Some(3)), record("a/0", Some(1), Some(9))];
        let mut counts = Migration::default();
        assert!(plan(&records, &changes(), &mut counts).is_empty());
        assert_eq!((counts.already, counts.unchanged), (1, 1));
    }
}
