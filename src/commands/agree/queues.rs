//! `agree --queue-dir DIR`: the queues `sample --annotators` wrote, read together. The study
//! (paths, score files, options) comes from the queues; each annotator's labels are those
//! given in their own queue (its id), so an earlier round or a non-blind label never mixes in;
//! and each annotator's progress is reported.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Serialize;

use super::super::{load_study, warn};
use crate::cli::StudyOptions;
use crate::commands::sample::review_options;
use crate::config::Config;
use crate::model::LabelSet;
use crate::sample::Queue;
use crate::store::file;
use crate::study::Study;

/// One annotator's queue: how many of its items they have scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub annotator: String,
    pub queue: String,
    pub done: usize,
    pub total: usize,
}

/// What the queues open.
pub struct Opened {
    pub study: Study,
    pub options: StudyOptions,
    pub annotators: Vec<(String, LabelSet)>,
    pub progress: Vec<Progress>,
    /// Where the labels were read.
    pub labels: PathBuf,
}

/// Every queue file in `dir` (files that are not queues are skipped, each with a warning), in
/// name order; or the one queue file `dir` is.
fn queues_in(dir: &Path, limit: crate::model::Limit) -> Result<Vec<(PathBuf, Queue)>> {
    if dir.is_file() {
        return Ok(vec![(dir.to_path_buf(), Queue::read(dir, limit).map_err(anyhow::Error::msg)?)]);
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut queues = Vec::new();
    for path in paths {
        match Queue::read(&path, limit) {
            Ok(queue) => queues.push((path, queue)),
            Err(e) => warn(&format!("rollscope: skipped: {e}")),
        }
    }
    if queues.is_empty() {
        bail!("no spot-check queue in {} (sample --annotators NAMES -o DIR writes them)", dir.display());
    }
    Ok(queues)
}

pub fn open(dir: &Path, given: &StudyOptions, config: &Config) -> Result<Opened> {
    let limit = given.labels.label_file_limit();
    let queues = queues_in(dir, limit)?;
    let (first_path, first) = &queues[0];
    let options = review_options(first_path, first, given, config)?;
    let paths = first.study_paths(first_path);
    let study = load_study(&paths, &options.study)?;
    let labels = options.labels.dir(&paths);
    let mut annotators = Vec::new();
    let mut progress = Vec::new();
    for (path, queue) in &queues {
        if queue.study_paths(path) != paths {
            warn(&format!(
                "rollscope: {} was drawn from other files than {}; its labels are paired with the study of the first",
                path.display(),
                first_path.display()
            ));
        }
        let name = Queue::name_of(path);
        // An assigned queue's labels are its annotator's; anyone may have reviewed another.
        let files: Vec<(String, PathBuf)> = match &queue.annotator {
            Some(a) => vec![(a.clone(), file::label_path(&labels, a))],
            None => file::annotator_files(&labels).unwrap_or_default(),
        };
        for (annotator, file) in files {
            let set = given_in(&file, queue, &name, limit);
            let done = queue
                .items
                .iter()
                .filter(|it| set.get(&it.rollout, Some(it.turn)).is_some_and(|l| l.score.is_some()))
                .count();
            if done == 0 && queue.annotator.is_none() {
                continue;
            }
            progress.push(Progress {
                annotator: annotator.clone(),
                queue: name.clone(),
                done,
                total: queue.items.len(),
            });
            if set.total_scored() > 0 {
                annotators.push((annotator, set));
            }
        }
    }
    if annotators.is_empty() {
        bail!("no labels given in these queues yet (in {})", labels.display());
    }
    Ok(Opened { study: study.into_inner(), options, annotators, progress, labels })
}

/// An annotator's labels given in `queue` (by its id; a version 1 queue, by its name).
fn given_in(path: &Path, queue: &Queue, name: &str, limit: crate::model::Limit) -> LabelSet {
    if !path.exists() {
        return LabelSet::default();
    }
    let (mut records, warnings) = file::read_records(path, limit);
    for w in warnings {
        warn(&w.to_string());
    }
    records.retain(|r| match &queue.id {
        Some(id) => r.queue_id.as_deref() == Some(id.as_str()),
        None => r.queue.as_deref() == Some(name),
    });
    LabelSet::replay(&records)
}

/// `ana: 140 of 140 scored (queue ana)`, one line per queue, then a blank line.
pub fn progress_lines(progress: &[Progress]) -> Vec<String> {
    if progress.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = progress
        .iter()
        .map(|p| format!("{}: {} of {} scored (queue {})", p.annotator, p.done, p.total, p.queue))
        .collect();
    lines.push(String::new());
    lines
}

/// The report's JSON with `progress` beside its fields, when there are queues.
pub fn with_progress<T: Serialize>(report: &T, progress: &[Progress]) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(report)?;
    if !progress.is_empty()
        && let Some(fields) = value.as_object_mut()
    {
        fields.insert("progress".into(), serde_json::to_value(progress)?);
    }
    Ok(value)
}
