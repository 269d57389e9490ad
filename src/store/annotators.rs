//! Every annotator's labels in a labels folder, replayed, for the figures that compare them
//! with the judge (`agree`, `report`, `sample --disagree`).

use std::path::{Path, PathBuf};

use crate::model::label::ADJUDICATED;
use crate::model::{LabelSet, Limit};
use crate::store::file;
use crate::study::Study;

/// Each annotator's name and replayed labels.
pub type Annotators = Vec<(String, LabelSet)>;

/// Every annotator's labels in the folder (or just `--annotator`'s), replayed; with `queue`,
/// only the labels given in that spot-check queue. Annotators without a rated turn (a score or
/// a category) are left out; a label on a turn its rollout does not have is a warning and is not used.
pub fn read(study: &Study, dir: &Path, only: Option<&str>, limit: Limit, queue: Option<&str>) -> Read {
    let mut read = Read { annotators: Ok(Vec::new()), warnings: Vec::new(), files: Vec::new() };
    read.annotators = read_into(&mut read, study, dir, only, limit, queue);
    read
}

/// What `read` found.
pub struct Read {
    pub annotators: Result<Annotators, String>,
    /// The label files' warnings, with either outcome: a file over its size limit is why there
    /// may be no labels at all.
    pub warnings: Vec<String>,
    /// The label files read (a report's provenance hashes them).
    pub files: Vec<PathBuf>,
}

fn read_into(
    read: &mut Read,
    study: &Study,
    dir: &Path,
    only: Option<&str>,
    limit: Limit,
    queue: Option<&str>,
) -> Result<Annotators, String> {
    let n_turns: std::collections::HashMap<&str, u32> =
        study.rollouts.iter().map(|r| (&*r.id, r.n_turns)).collect();
    let files = match file::annotator_files(dir) {
        Ok(files) => files,
        Err(e) => return Err(format!("no labels found: cannot read {}: {e}", dir.display())),
    };
    let mut annotators = Vec::new();
    // `--annotator adjudicated`: every adjudicator's file as one set, the latest line per turn.
    if only == Some("adjudicated") {
        let mut records = Vec::new();
        for (_, path) in files.iter().filter(|(name, _)| name.starts_with(ADJUDICATED)) {
            let (found, warnings) = file::read_records(path, limit);
            read.files.push(path.clone());
            read.warnings.extend(warnings.iter().map(ToString::to_string));
            records.extend(found.into_iter().filter(|r| queue.is_none_or(|q| r.queue.as_deref() == Some(q))));
        }
        records.sort_by(|a, b| a.time.cmp(&b.time));
        let set = LabelSet::replay(&records);
        if set.total_scored() == 0 {
            return Err(format!(
                "no adjudicated scores in {} (review a `sample --disagree` queue first)",
                dir.display()
            ));
        }
        return Ok(vec![("adjudicated".to_string(), set)]);
    }
    for (name, path) in files {
        if only.is_some_and(|o| file::label_path(dir, o) != path) {
            continue;
        }
        // Adjudicated truth is not one more annotator's opinion: `--annotator adjudicated`
        // (or the file's own name) reads it.
        if only.is_none() && name.starts_with(ADJUDICATED) {
            continue;
        }
        let (mut records, mut warnings) = file::read_records(&path, limit);
        read.files.push(path.clone());
        let display = path.display().to_string();
        warnings.extend(file::drop_past_last_turn(&mut records, &display, &|id| n_turns.get(id).copied()));
        read.warnings.extend(warnings.iter().map(ToString::to_string));
        if let Some(q) = queue {
            records.retain(|r| r.queue.as_deref() == Some(q));
        }
        let set = LabelSet::replay(&records);
        if set.total_scored() > 0 {
            annotators.push((name, set));
        }
    }
    if annotators.is_empty() {
        return Err(format!(
            "no labels found in {}{}",
            dir.display(),
            only.map_or(String::new(), |o| format!(" for annotator {o:?}"))
        ));
    }
    Ok(annotators)
}
