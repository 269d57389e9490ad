//! Attaching `--scores` files while a study loads: the score files are read first, then every
//! batch of rollouts is given its scores before it is passed on (so the app still fills its
//! list as the files load), and when everything is read the rows that attached to nothing are
//! reported. The join fields are told from the first rollouts seen.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use super::walk::FoundFile;
use super::{LoadEvent, LoadOptions, Sink};
use crate::formats::judge_scores::{ScoreFile, ScoreFileSpec, ScoreReport};
use crate::model::{Limit, RolloutSummary};

/// The score files of one load.
pub struct Attacher {
    files: Mutex<Vec<ScoreFile>>,
}

impl Attacher {
    /// Reads every score file (`limit` at most each); an unusable file and bad rows are
    /// reported to `sink`.
    pub fn open(specs: &[ScoreFileSpec], limit: Limit, sink: &Sink) -> Attacher {
        let mut files = Vec::with_capacity(specs.len());
        for spec in specs {
            match ScoreFile::read(spec, limit) {
                Ok(mut file) => {
                    for problem in file.take_problems() {
                        sink(LoadEvent::Problem(problem));
                    }
                    files.push(file);
                }
                Err(problem) => sink(LoadEvent::Problem(problem)),
            }
        }
        Attacher { files: Mutex::new(files) }
    }

    fn files(&self) -> MutexGuard<'_, Vec<ScoreFile>> {
        self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Gives a batch of rollouts their scores, telling the join fields from it first if they
    /// are not known yet. Problems met on the way go to `sink`.
    pub fn augment(&self, batch: &mut [RolloutSummary], sink: &Sink) {
        let mut files = self.files();
        for file in files.iter_mut() {
            if !batch.is_empty() {
                file.resolve(batch);
            }
            for problem in file.take_problems() {
                sink(LoadEvent::Problem(problem));
            }
            for summary in batch.iter_mut() {
                file.attach(summary);
            }
        }
    }

    /// Reports what never attached; call after the last batch.
    pub fn finish(&self, sink: &Sink) {
        for file in self.files().iter_mut() {
            for problem in file.finish() {
                sink(LoadEvent::Problem(problem));
            }
        }
    }

    pub fn reports(&self) -> Vec<ScoreReport> {
        self.files().iter().map(ScoreFile::report).collect()
    }
}

/// Runs `load` with a sink that attaches `options.scores` to every batch of rollouts and
/// reports unmatched rows just before `Finished`. Returns what each score file did.
pub fn with_scores(options: &LoadOptions, sink: &Sink, load: impl FnOnce(&Sink)) -> Vec<ScoreReport> {
    if options.scores.is_empty() {
        load(sink);
        return Vec::new();
    }
    let attacher = Attacher::open(&options.scores, options.limits.rollout_file(), sink);
    let scored = |event: LoadEvent| match event {
        LoadEvent::Rollouts(mut batch) => {
            attacher.augment(&mut batch, sink);
            sink(LoadEvent::Rollouts(batch));
        }
        LoadEvent::Finished => {
            attacher.finish(sink);
            sink(LoadEvent::Finished);
        }
        other => sink(other),
    };
    load(&scored);
    attacher.reports()
}

/// Drops the score files from the rollout files (a folder holding both is walked whole).
pub fn skip_score_files(files: &mut Vec<FoundFile>, specs: &[ScoreFileSpec]) {
    if specs.is_empty() {
        return;
    }
    let real = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let scores: Vec<PathBuf> = specs.iter().map(|s| real(&s.path)).collect();
    files.retain(|f| !scores.contains(&real(&f.path)));
}
