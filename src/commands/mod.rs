//! Headless subcommands. Each loads the study the same way the app does, prints problems to
//! stderr, and prints its figures to stdout as a table or as JSON.

pub mod agree;
pub mod compare;
pub mod export;
pub mod grep;
pub mod labels;
pub mod ls;
pub mod output;
pub mod report;
pub mod sample;
pub mod stats;
#[cfg(feature = "testkit")]
pub mod stress;
pub mod validate;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cli::{LabelOptions, StudyDefinition};
use crate::formats::Format;
use crate::formats::inspect::InspectOptions;
use crate::formats::judge_scores::JoinField;
use crate::load::LoadOptions;
use crate::model::Hatch;
use crate::model::names::{self, FieldError};
use crate::model::{LabelSet, ScoreKind, ScoreValues};
use crate::store::annotators;
use crate::study::Study;

pub use output::{Output, warn};

pub use crate::metrics::study::DEFAULT_THRESHOLD;

/// Load options from the study's definition.
pub fn load_options(study: &StudyDefinition) -> Result<LoadOptions> {
    let hatch = match &study.hatch {
        Some(pattern) => Hatch::new(pattern).map_err(anyhow::Error::msg)?,
        None => Hatch::default(),
    };
    let format = study.format.map(Format::from);
    let score_files = &study.score_files;
    let scores = score_files.specs().map_err(anyhow::Error::msg)?;
    Ok(LoadOptions {
        hatch,
        format,
        threads: 0,
        scores,
        limits: study.read_limits(),
        categorical: score_files.categorical.clone(),
        text: score_files.text.clone(),
        range: score_files.range,
        inspect: InspectOptions { turn_array: study.turn_array.clone() },
        id_fields: study.id_fields.clone(),
        // Commands read every rollout from its file when they need it; the app's executor
        // turns this on.
        hold_huge_record: false,
        // Only the app follows files.
        follow: false,
        // `grep --count` sets its own (`load_study_visiting`).
        visitor: None,
    })
}

/// Loads the study named by `paths` (the demo when empty) and reports its problems on stderr.
/// Fails when nothing at all could be read.
pub fn load_study(paths: &[PathBuf], definition: &StudyDefinition) -> Result<Loaded> {
    load_study_visiting(paths, definition, None)
}

/// `load_study`, showing each JSONL record to `visitor` as it is indexed.
pub fn load_study_visiting(
    paths: &[PathBuf],
    definition: &StudyDefinition,
    visitor: Option<std::sync::Arc<dyn crate::formats::RecordVisitor>>,
) -> Result<Loaded> {
    let options = LoadOptions { visitor, ..load_options(definition)? };
    let study = if paths.is_empty() { Study::demo(&options) } else { Study::load(paths, &options) };
    let study = Loaded::new(study);
    for group in crate::model::problem::group(&study.problems) {
        warn(&group.to_string());
    }
    if study.rollouts.is_empty() && !study.problems.is_empty() {
        bail!("no rollouts could be read");
    }
    check_fields(&study, definition)?;
    Ok(study)
}

/// A study loaded for one command, never freed: the process ends when the command returns and
/// gives its memory back at once, while freeing 2,000,000 summaries one by one took 9 % of
/// `stats` on them.
pub struct Loaded(std::mem::ManuallyDrop<Study>);

impl Loaded {
    pub fn new(study: Study) -> Loaded {
        Loaded(std::mem::ManuallyDrop::new(study))
    }

    /// The study itself, for a command that hands it on (and frees it as usual).
    pub fn into_inner(self) -> Study {
        std::mem::ManuallyDrop::into_inner(self.0)
    }
}

impl std::ops::Deref for Loaded {
    type Target = Study;
    fn deref(&self) -> &Study {
        &self.0
    }
}

impl std::ops::DerefMut for Loaded {
    fn deref_mut(&mut self) -> &mut Study {
        &mut self.0
    }
}

/// The fields the study's definition names that the rollouts must have: `--id-fields`, and the
/// rollout side of `--join`. One no rollout has is an error naming the closest one.
pub fn check_fields(study: &Study, definition: &StudyDefinition) -> Result<(), FieldError> {
    if definition.id_fields.is_empty() && definition.score_files.join.is_empty() {
        // Nothing to check: the fields are not gathered (a walk over every rollout).
        return Ok(());
    }
    let metadata = study.metadata_fields();
    names::check(Some("--id-fields"), definition.id_fields.iter().map(String::as_str), &metadata)?;
    let join: Vec<String> = definition
        .score_files
        .join
        .iter()
        .filter_map(|spec| JoinField::parse(spec).ok())
        .map(|field| field.rollout)
        .filter(|field| field != "id")
        .collect();
    let mut with_id = metadata.clone();
    with_id.insert(0, "id");
    names::check(Some("--join"), join.iter().map(String::as_str), &with_id)
}

/// The score name to use: `--score` (checked against the study), else the study's default.
pub fn active_score(study: &Study, definition: &StudyDefinition) -> Result<Option<String>> {
    study.active_score(definition.score.as_deref()).map_err(anyhow::Error::msg)
}

/// What a score name holds in this study (numeric, categorical or text), as the rollouts that
/// have it say; `None` when no rollout has it.
pub fn score_kind(study: &Study, name: &str) -> Option<ScoreKind> {
    study.rollouts.iter().find_map(|r| r.score_values(name)).map(ScoreValues::kind)
}

/// Every annotator's labels in the folder (or just `--annotator`'s), replayed, the label
/// files' warnings printed; see `store::annotators::read`.
pub fn read_annotators(
    study: &Study,
    dir: &Path,
    labels: &LabelOptions,
    queue: Option<&str>,
) -> Result<Vec<(String, LabelSet)>> {
    let read = annotators::read(study, dir, labels.annotator.as_deref(), labels.label_file_limit(), queue);
    read.warnings.iter().for_each(|w| warn(w));
    read.annotators.map_err(anyhow::Error::msg)
}
