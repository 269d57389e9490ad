//! Attaching `--scores` files while a study loads: the score files are read first (and
//! announced as text files), then every batch of rollouts is given its scores before it is
//! passed on (so the app still fills its list as the files load), and when everything is read
//! the rows that attached to nothing are reported. The join fields are told from the first
//! rollouts seen. The rollouts' own string scores are tallied on the way (`string_kinds`).
//! When a score file's rows repeat their turn's text (`response_text`, ...), the indexer is
//! asked to hash every turn's text as it reads it (in parallel, once) and the rows are checked
//! against those hashes; other loads skip the texts as before.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use super::string_kinds::StringTally;
use super::walk::FoundFile;
use super::{LoadEvent, LoadOptions, Origin, Sink, TextFile};
use crate::formats::judge_scores::{ScoreFile, ScoreFileSpec, ScoreReport};
use crate::formats::parquet;
use crate::model::Problem;
use crate::model::{Limit, RolloutSummary};

/// The score files of one load.
pub struct Attacher {
    files: Mutex<Vec<ScoreFile>>,
}

impl Attacher {
    /// Reads every score file (`limit` at most each), announcing each as a text file; an
    /// unusable file and bad rows are reported to `sink`.
    pub fn open(specs: &[ScoreFileSpec], limit: Limit, sink: &Sink) -> Attacher {
        let mut files = Vec::with_capacity(specs.len());
        let mut index = 0;
        for (spec, read) in specs.iter().flat_map(|spec| read_score_file(spec, limit)) {
            let display = spec.path.display().to_string();
            let origin = match &read {
                Ok((_, Some(rows))) => Origin::Memory(rows.clone()),
                _ => Origin::File(spec.path.clone()),
            };
            sink(LoadEvent::TextFile(TextFile { display, origin }));
            index += 1;
            match read.map(|(file, _)| file) {
                Ok(mut file) => {
                    file.set_text_file(index - 1);
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

    /// Whether a score file's rows repeat the turns' texts: the indexer then hashes each
    /// turn's text, to check the join.
    pub fn checks_turn_texts(&self) -> bool {
        self.files().iter().any(ScoreFile::repeats_texts)
    }

    /// Gives a batch of rollouts their scores, telling the join fields from it first if they
    /// are not known yet. Problems met on the way go to `sink`.
    pub fn augment(&self, batch: &mut [RolloutSummary], sink: &Sink) {
        // Made by the indexer for the check, and not kept.
        let hashes: Vec<Box<[u64]>> =
            batch.iter_mut().map(|s| std::mem::take(&mut s.response_hashes)).collect();
        let mut files = self.files();
        for file in files.iter_mut() {
            if !batch.is_empty() {
                file.resolve(batch);
            }
            for problem in file.take_problems() {
                sink(LoadEvent::Problem(problem));
            }
            for (summary, hashes) in batch.iter_mut().zip(&hashes) {
                file.attach_checked(summary, (!hashes.is_empty()).then_some(hashes));
            }
            for problem in file.take_problems() {
                sink(LoadEvent::Problem(problem));
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

/// A score file read: JSON lines from their file, or a Parquet file's rows turned into JSON
/// lines (one score file per score column of rollscope's own per-turn table), each with its
/// spec and, for Parquet, the lines its texts are read back from.
type ReadScores = (ScoreFileSpec, Result<(ScoreFile, Option<Arc<[u8]>>), Problem>);

fn read_score_file(spec: &ScoreFileSpec, limit: Limit) -> Vec<ReadScores> {
    if !parquet::scores::is_parquet_file(&spec.path) {
        return vec![(spec.clone(), ScoreFile::read(spec, limit).map(|file| (file, None)))];
    }
    let display = spec.path.display().to_string();
    match parquet::scores::score_files(spec, limit) {
        Ok(files) => files
            .into_iter()
            .map(|(spec, rows)| {
                let rows: Arc<[u8]> = rows.into();
                let file = ScoreFile::parse(&spec, &display, &rows).map(|file| (file, Some(rows)));
                (spec, file)
            })
            .collect(),
        Err(problem) => vec![(spec.clone(), Err(problem))],
    }
}

/// Runs `load` with a sink that attaches `options.scores` to every batch of rollouts, tallies
/// the rollouts' own string scores (sending their kinds), and reports unmatched rows just
/// before `Finished`. `load` is told whether to hash the turns' texts (a score file checks
/// them). Returns what each score file did.
pub fn with_scores(options: &LoadOptions, sink: &Sink, load: impl FnOnce(&Sink, bool)) -> Vec<ScoreReport> {
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
            (LoadEvent::Finished, Some(attacher)) => {
                attacher.finish(sink);
                sink(LoadEvent::Finished);
            }
            (other, _) => sink(other),
        }
    };
    load(&scored, attacher.as_ref().is_some_and(Attacher::checks_turn_texts));
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
