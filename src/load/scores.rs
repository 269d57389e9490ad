//! Attaching `--scores` files while a study loads: the score files are read first (and
//! announced as text files), then every batch of rollouts is given its scores before it is
//! passed on (so the app still fills its list as the files load), and when everything is read
//! the rows that attached to nothing are reported. The join fields are told from the first
//! rollouts seen. The rollouts' own string scores are tallied on the way (`string_kinds`).

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use rayon::prelude::*;

use super::string_kinds::StringTally;
use super::walk::FoundFile;
use super::{LoadEvent, LoadOptions, Origin, Sink, Source, TextFile};
use crate::formats::judge_scores::{ScoreFile, ScoreFileSpec, ScoreReport};
use crate::model::{Limit, Role, RolloutSummary};

/// The score files of one load.
pub struct Attacher {
    files: Mutex<Vec<ScoreFile>>,
    /// The rollout sources, kept when a score file repeats the turns' texts (to check them).
    sources: Mutex<Vec<Source>>,
}

impl Attacher {
    /// Reads every score file (`limit` at most each), announcing each as a text file; an
    /// unusable file and bad rows are reported to `sink`.
    pub fn open(specs: &[ScoreFileSpec], limit: Limit, sink: &Sink) -> Attacher {
        let mut files = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let display = spec.path.display().to_string();
            sink(LoadEvent::TextFile(TextFile { display, origin: Origin::File(spec.path.clone()) }));
            match ScoreFile::read(spec, limit) {
                Ok(mut file) => {
                    file.set_text_file(index as u32);
                    for problem in file.take_problems() {
                        sink(LoadEvent::Problem(problem));
                    }
                    files.push(file);
                }
                Err(problem) => sink(LoadEvent::Problem(problem)),
            }
        }
        Attacher { files: Mutex::new(files), sources: Mutex::new(Vec::new()) }
    }

    fn files(&self) -> MutexGuard<'_, Vec<ScoreFile>> {
        self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps a rollout source, to read turns again when a score file repeats their texts.
    /// Sources decoded whole (Inspect) are cloned only when a file repeats texts.
    pub fn add_source(&self, source: &Source) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if source.decoded.is_empty() {
            sources.push(source.clone());
        } else {
            let checks = self.files().iter().any(ScoreFile::repeats_texts);
            let mut kept = source.clone();
            if !checks {
                kept.decoded.clear();
            }
            sources.push(kept);
        }
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
            let texts = self.turn_texts(file, batch);
            for (summary, texts) in batch.iter_mut().zip(texts) {
                file.attach_checked(summary, texts.as_deref());
            }
            for problem in file.take_problems() {
                sink(LoadEvent::Problem(problem));
            }
        }
    }

    /// The assistant turns' texts of the rollouts whose rows repeat them (read again from
    /// their sources, on every core); `None` for the others.
    fn turn_texts(&self, file: &ScoreFile, batch: &[RolloutSummary]) -> Vec<Option<Vec<String>>> {
        let wanted: Vec<bool> = batch.iter().map(|s| file.needs_turn_texts(s)).collect();
        if !wanted.contains(&true) {
            return vec![None; batch.len()];
        }
        let sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        batch
            .par_iter()
            .zip(wanted)
            .map(|(summary, wanted)| {
                let source = sources.get(summary.source as usize).filter(|_| wanted)?;
                let rollout = source.read_rollout(&summary.locator, &summary.id).ok()?;
                let turns = rollout.messages.into_iter().filter(|m| m.role == Role::Assistant);
                Some(turns.map(|m| m.text).collect())
            })
            .collect()
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

/// Runs `load` with a sink that attaches `options.scores` to every batch of rollouts, tallies
/// the rollouts' own string scores (sending their kinds), and reports unmatched rows just
/// before `Finished`. Returns what each score file did.
pub fn with_scores(options: &LoadOptions, sink: &Sink, load: impl FnOnce(&Sink)) -> Vec<ScoreReport> {
    let attacher = (!options.scores.is_empty())
        .then(|| Attacher::open(&options.scores, options.limits.rollout_file(), sink));
    let tally = Mutex::new(StringTally::new(options));
    let scored = |mut event: LoadEvent| {
        if let Ok(mut tally) = tally.lock() {
            tally.observe(&mut event, sink);
        }
        match (event, &attacher) {
            (LoadEvent::Rollouts(mut batch), Some(attacher)) => {
                attacher.augment(&mut batch, sink);
                sink(LoadEvent::Rollouts(batch));
            }
            (LoadEvent::Source(source), Some(attacher)) => {
                attacher.add_source(&source);
                sink(LoadEvent::Source(source));
            }
            (LoadEvent::Finished, Some(attacher)) => {
                attacher.finish(sink);
                sink(LoadEvent::Finished);
            }
            (other, _) => sink(other),
        }
    };
    load(&scored);
    attacher.map(|a| a.reports()).unwrap_or_default()
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
