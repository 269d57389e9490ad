//! A study: the sources, the index of every rollout, and the problems met while loading.
//! Built incrementally from `LoadEvent`s so the app can show it while it loads.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::load::{self, LoadEvent, LoadOptions, Origin, Source, TextFile, TextFiles, TurnTexts};
use crate::model::{Problem, Rollout, RolloutSummary, ScoreKind, ScoreValues, TurnScores};

mod fields;
mod ids;
mod scales;

use ids::IdCounts;

pub use fields::{MAX_ID_FIELDS, suggest_id_fields};
pub use scales::{JUDGE_MAX, Scales, ScoreScale};

/// The demo study compiled into the binary.
pub const DEMO_NAME: &str = "demo.jsonl";
pub static DEMO_BYTES: &[u8] = include_bytes!("../../assets/demo.jsonl");

/// Load progress, for the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub files: usize,
    pub bytes_total: u64,
    pub bytes_read: u64,
    pub finished: bool,
}

/// Everything loaded so far.
#[derive(Debug, Default)]
pub struct Study {
    pub sources: Vec<Arc<Source>>,
    pub rollouts: Vec<RolloutSummary>,
    pub problems: Vec<Problem>,
    /// Score names in first-seen order.
    pub score_names: Vec<Arc<str>>,
    /// The kind of each of `score_names` (same index): see `score_kind`.
    score_kinds: Vec<ScoreKind>,
    /// The files judges' texts are read from (score files, then the rollout sources): a
    /// worker thread takes a clone of the `Arc` to read texts with `load::read_texts`.
    pub text_files: Arc<TextFiles>,
    /// Each source's index among `text_files`.
    source_text_files: Vec<u32>,
    /// How each score is drawn.
    pub scales: Scales,
    pub progress: Progress,
    /// What the judge strings' names were told to be at the end of the load (`StringKinds`),
    /// for rows added by following.
    string_kinds: Vec<(Arc<str>, ScoreKind)>,
    /// How many rollouts carry each id, to disambiguate duplicates.
    id_counts: IdCounts,
}

impl Study {
    /// Applies one load event; returns the index of the first new rollout when rows were added.
    pub fn apply(&mut self, event: LoadEvent) -> Option<usize> {
        match event {
            LoadEvent::Planned { files, bytes } => {
                self.progress.files += files;
                self.progress.bytes_total += bytes;
            }
            LoadEvent::Source(source) => {
                let file = TextFile { display: source.display.clone(), origin: source.origin.clone() };
                self.source_text_files.push(Arc::make_mut(&mut self.text_files).push(file));
                self.sources.push(Arc::from(source));
            }
            LoadEvent::TextFile(file) => {
                Arc::make_mut(&mut self.text_files).push(file);
            }
            LoadEvent::Rollouts(batch) => {
                let first = self.rollouts.len();
                self.add_rollouts(batch);
                // Rows a followed file added after the study was read: their judge strings are
                // what the same names were over the study (a name new to them stays unread).
                if self.progress.finished && !self.string_kinds.is_empty() {
                    let kinds = std::mem::take(&mut self.string_kinds);
                    self.classify_from(first, &kinds);
                    self.string_kinds = kinds;
                }
                return (self.rollouts.len() > first).then_some(first);
            }
            LoadEvent::StringKinds(kinds) => self.classify_strings(&kinds),
            LoadEvent::Problem(problem) => self.problems.push(problem),
            LoadEvent::BytesRead(n) => self.progress.bytes_read += n,
            LoadEvent::Finished => self.progress.finished = true,
            LoadEvent::Restart { .. } => *self = Study::default(),
        }
        None
    }

    fn add_rollouts(&mut self, mut batch: Vec<RolloutSummary>) {
        self.reserve_for(batch.len());
        for summary in &batch {
            for scores in &summary.scores {
                self.add_score_name(&scores.name, scores.values.kind());
            }
            self.scales.add(summary);
        }
        let first = self.rollouts.len();
        // Moved into the list in one copy.
        self.rollouts.append(&mut batch);
        for index in first..self.rollouts.len() {
            self.count_id(index);
        }
    }

    /// Counts rollout `index`'s id; a duplicate is renamed `id#2` (the next number no rollout
    /// has), and reported.
    fn count_id(&mut self, index: usize) {
        let count = self.id_counts.add(&self.rollouts, index);
        if count == 1 {
            return;
        }
        let summary = &self.rollouts[index];
        let original = summary.id.clone();
        let mut n = count;
        // `id#2` may already be a rollout's own id: take the next free number.
        let mut renamed: Arc<str> = format!("{original}#{n}").into();
        while self.id_counts.get(&self.rollouts, &renamed) > 0 {
            n += 1;
            renamed = format!("{original}#{n}").into();
        }
        self.id_counts.set(&self.rollouts, &original, n);
        let path = self.source_display(summary.source).to_string();
        let message = format!("duplicate rollout id {original:?}; this one is shown as {renamed:?}");
        let mut problem = Problem::file(path, message).warning();
        // An archive's sample is named by its entry.
        let source = self.sources.get(summary.source as usize);
        if let Some(entry) = source.and_then(|s| s.entry_name(&summary.locator)) {
            problem = problem.in_entry(entry);
        }
        self.problems.push(problem);
        self.rollouts[index].id = renamed;
        self.id_counts.add(&self.rollouts, index);
    }

    /// Makes room for `more` rollouts. When the list must grow, it grows to the number of
    /// rollouts the bytes still to read promise at the rate read so far (and at least twice):
    /// growing by doubling copied the whole list each time (3 % of loading 2,000,000 small
    /// rollouts) and held the old and new lists at once. Room never used costs address space,
    /// not memory: its pages are never touched. At most 64 times the rollouts so far, for a
    /// file whose first rows are far shorter than the rest.
    fn reserve_for(&mut self, more: usize) {
        let needed = self.rollouts.len() + more;
        if needed <= self.rollouts.capacity() {
            return;
        }
        let Progress { bytes_read, bytes_total, .. } = self.progress;
        let expected = match bytes_read {
            0 => needed as u64,
            read => (needed as u64).saturating_mul(bytes_total.max(read)) / read + needed as u64 / 8,
        };
        let expected = expected.min(64 * needed as u64) as usize;
        let target = expected.max(2 * self.rollouts.capacity());
        self.rollouts.reserve_exact(target - self.rollouts.len());
        // The ids' counts grow with the list, for the same reason: rehashing them took 4 %.
        self.id_counts.reserve(&self.rollouts, target.saturating_sub(self.id_counts.len()));
    }

    fn add_score_name(&mut self, name: &Arc<str>, kind: ScoreKind) {
        if !self.score_names.contains(name) {
            self.score_names.push(name.clone());
            self.score_kinds.push(kind);
        }
    }

    /// Moves every rollout's string scores into its scores, as categorical scores or texts
    /// (a name told numeric keeps only its numbers: its strings were reported when told).
    fn classify_strings(&mut self, kinds: &[(Arc<str>, ScoreKind)]) {
        self.classify_from(0, kinds);
        for (name, kind) in kinds {
            if *kind != ScoreKind::Numeric {
                self.add_score_name(name, *kind);
            }
        }
        self.string_kinds = kinds.to_vec();
    }

    /// Moves the judge strings of rollouts `first..` into their scores, as `kinds` tells them.
    fn classify_from(&mut self, first: usize, kinds: &[(Arc<str>, ScoreKind)]) {
        let mut unread: Vec<Problem> = Vec::new();
        for index in first..self.rollouts.len() {
            if self.rollouts[index].unclassified.is_empty() {
                continue;
            }
            let summary = &mut self.rollouts[index];
            let unclassified = std::mem::take(&mut summary.unclassified);
            let text_file = self.source_text_files.get(summary.source as usize).copied().unwrap_or(u32::MAX);
            for score in unclassified {
                let Some(&(_, kind)) = kinds.iter().find(|(n, _)| *n == score.name) else { continue };
                if kind == ScoreKind::Numeric || summary.scores.iter().any(|s| s.name == score.name) {
                    continue;
                }
                let values = match score.classify(kind, text_file) {
                    Some(values) => values,
                    // A category named by --categorical whose text was not kept: read it.
                    None => {
                        let texts = score
                            .classify(ScoreKind::Text, text_file)
                            .unwrap_or(ScoreValues::Text([].into()));
                        let read = texts
                            .texts()
                            .iter()
                            .map(|at| {
                                at.as_ref()
                                    .map(|at| load::read_text(&self.text_files, at).map(Arc::from))
                                    .transpose()
                            })
                            .collect::<Result<Vec<Option<Arc<str>>>, Problem>>();
                        match read {
                            Ok(categories) => ScoreValues::Categorical(categories.into()),
                            Err(problem) => {
                                unread.push(problem);
                                continue;
                            }
                        }
                    }
                };
                summary.scores.push(TurnScores { name: score.name, values });
            }
            // Its new categories join their scale (adding a summary again changes nothing else).
            self.scales.add(summary);
        }
        self.problems.extend(unread);
    }

    /// What a score name holds: numbers, categories or texts; `None` for a name the study
    /// does not have.
    pub fn score_kind(&self, name: &str) -> Option<ScoreKind> {
        self.score_names.iter().position(|n| &**n == name).and_then(|i| self.score_kinds.get(i).copied())
    }

    /// The score names of one kind, in first-seen order.
    pub fn score_names_of(&self, kind: ScoreKind) -> Vec<Arc<str>> {
        self.score_names
            .iter()
            .zip(&self.score_kinds)
            .filter(|(_, k)| **k == kind)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The texts of rollout `index` for the given score names (those that are texts), read
    /// from their files: see `load::read_texts`.
    pub fn read_texts(&self, index: usize, names: &[&str]) -> Result<Vec<TurnTexts>, Problem> {
        let summary =
            self.rollouts.get(index).ok_or_else(|| Problem::file("?", format!("no rollout {index}")))?;
        load::read_texts(summary, &self.text_files, names)
    }

    fn source_display(&self, source: u32) -> &str {
        self.sources.get(source as usize).map_or("?", |s| s.display.as_str())
    }

    /// The per-turn scores that have values to draw, filter and sort by (numbers and
    /// categories; texts are read, not compared), in first-seen order.
    pub fn valued_score_names(&self) -> Vec<&str> {
        let valued = |n: &&Arc<str>| self.score_kind(n) != Some(ScoreKind::Text);
        self.score_names.iter().filter(valued).map(|n| &**n).collect()
    }

    /// The score shown by default: `frustration` if present, else the first with values to draw.
    pub fn default_score(&self) -> Option<Arc<str>> {
        let valued = self.valued_score_names();
        let name = valued.iter().find(|n| **n == "frustration").or(valued.first())?;
        self.score_names.iter().find(|n| &***n == *name).cloned()
    }

    /// The score to use: `requested` (which must be one of the study's), else the default.
    pub fn active_score(&self, requested: Option<&str>) -> Result<Option<String>, String> {
        match requested {
            Some(name) => {
                if !self.score_names.iter().any(|n| &**n == name) {
                    let known: Vec<&str> = self.score_names.iter().map(|n| &**n).collect();
                    return Err(format!(
                        "unknown score name {name:?}; this study has: {}",
                        if known.is_empty() { "no scores".to_string() } else { known.join(", ") }
                    ));
                }
                Ok(Some(name.to_string()))
            }
            None => Ok(self.default_score().map(|n| n.to_string())),
        }
    }

    /// A copy to compute with elsewhere (the app's report): the sources are shared, the
    /// summaries copied.
    pub fn snapshot(&self) -> Study {
        Study {
            sources: self.sources.clone(),
            rollouts: self.rollouts.clone(),
            problems: self.problems.clone(),
            score_names: self.score_names.clone(),
            score_kinds: self.score_kinds.clone(),
            text_files: self.text_files.clone(),
            source_text_files: self.source_text_files.clone(),
            scales: self.scales.clone(),
            progress: self.progress,
            id_counts: self.id_counts.clone(),
            string_kinds: self.string_kinds.clone(),
        }
    }

    /// Decodes rollout `index` in full (reads its bytes again from its source), with the index's
    /// per-turn scores (those from `--scores` files too) on its assistant messages.
    /// The file rollout `index` came from, as it was opened.
    pub fn source_name(&self, index: usize) -> &str {
        let source = self.rollouts.get(index).and_then(|r| self.sources.get(r.source as usize));
        source.map_or("", |s| s.display.as_str())
    }

    pub fn read_rollout(&self, index: usize) -> Result<Rollout, Problem> {
        let summary =
            self.rollouts.get(index).ok_or_else(|| Problem::file("?", format!("no rollout {index}")))?;
        let source = self
            .sources
            .get(summary.source as usize)
            .ok_or_else(|| Problem::file("?", "rollout without a source"))?;
        let mut rollout = source.read_rollout(&summary.locator, &summary.id)?;
        crate::model::overlay_scores(&mut rollout, summary);
        Ok(rollout)
    }

    /// The files the study was read from (not the embedded demo).
    pub fn source_paths(&self) -> Vec<PathBuf> {
        self.sources
            .iter()
            .filter_map(|s| match &s.origin {
                Origin::File(p) => Some(p.clone()),
                Origin::Embedded(_) | Origin::Memory(_) => None,
            })
            .collect()
    }

    /// The source a rollout came from.
    pub fn source_of(&self, index: usize) -> Option<&Arc<Source>> {
        let summary = self.rollouts.get(index)?;
        self.sources.get(summary.source as usize)
    }

    /// Loads paths to the end (subcommands and tests).
    pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Study {
        Study::collect(|sink| load::load_paths(paths, options, sink))
    }

    /// Loads the embedded demo study to the end.
    pub fn demo(options: &LoadOptions) -> Study {
        Study::collect(|sink| load::load_embedded(DEMO_NAME, DEMO_BYTES, options, sink))
    }

    fn collect(run: impl FnOnce(&load::Sink)) -> Study {
        let study = Mutex::new(Study::default());
        run(&|event| {
            if let Ok(mut s) = study.lock() {
                s.apply(event);
            }
        });
        study.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Locator, SummaryBuilder};

    fn summary(id: &str) -> RolloutSummary {
        SummaryBuilder::default().finish(id.into(), 0, Locator::Decoded(0), Vec::new(), Vec::new())
    }

    #[test]
    fn a_renamed_duplicate_never_takes_an_id_already_in_the_study() {
        let mut study = Study::default();
        study.apply(LoadEvent::Rollouts(["dup", "dup#2", "dup", "dup", "dup#3"].map(summary).to_vec()));
        let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, ["dup", "dup#2", "dup#3", "dup#4", "dup#3#2"]);
        assert_eq!(study.problems.len(), 3, "every rename is reported: {:?}", study.problems);
    }

    proptest::proptest! {
        /// The counts kept by rollout index name duplicates as counting clones of the ids did.
        #[test]
        fn duplicates_are_renamed_as_a_map_of_ids_would(
            ids in proptest::collection::vec(proptest::sample::select(vec!["a", "a#2", "a#3", "a#2#2", "b", "b#2", ""]), 0..40),
            cut in 0usize..40,
        ) {
            let mut counts: std::collections::HashMap<String, u32> = Default::default();
            let mut expected = Vec::new();
            for id in &ids {
                let count = counts.entry(id.to_string()).or_insert(0);
                *count += 1;
                let mut shown = id.to_string();
                if *count > 1 {
                    let mut n = *count;
                    while counts.contains_key(&format!("{id}#{n}")) {
                        n += 1;
                    }
                    counts.insert(id.to_string(), n);
                    shown = format!("{id}#{n}");
                    counts.insert(shown.clone(), 1);
                }
                expected.push(shown);
            }
            let mut study = Study::default();
            let (first, second) = ids.split_at(cut.min(ids.len()));
            for batch in [first, second] {
                study.apply(LoadEvent::Rollouts(batch.iter().map(|id| summary(id)).collect()));
            }
            let shown: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
            proptest::prop_assert_eq!(shown, expected);
        }
    }

    #[test]
    fn the_list_grows_to_the_rollouts_the_unread_bytes_promise() {
        let batch = |n: usize| LoadEvent::Rollouts((0..n).map(|i| summary(&i.to_string())).collect());
        let mut study = Study::default();
        study.apply(LoadEvent::Planned { files: 1, bytes: 1000 });
        study.apply(batch(10));
        assert_eq!(study.rollouts.capacity(), 10, "nothing read yet: no rate to go by");
        study.apply(LoadEvent::BytesRead(100));
        study.apply(batch(10));
        // 20 rollouts in the first 100 bytes of 1000 promise 200, and an eighth more.
        assert_eq!(study.rollouts.capacity(), 202);
        study.apply(batch(180));
        assert_eq!(study.rollouts.capacity(), 202, "it fits: no copy");
        // Short first rows in a big file: room for 64 times what is read, not millions.
        let mut study = Study::default();
        study.apply(LoadEvent::Planned { files: 1, bytes: 1 << 40 });
        study.apply(batch(10));
        study.apply(LoadEvent::BytesRead(100));
        study.apply(batch(10));
        assert_eq!(study.rollouts.capacity(), 64 * 20);
    }
}
