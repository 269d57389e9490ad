//! Headless subcommands. Each loads the study the same way the app does, prints problems to
//! stderr, and prints its figures to stdout as a table or as JSON.

pub mod agree;
pub mod compare;
pub mod export;
pub mod labels;
pub mod ls;
pub mod output;
pub mod sample;
pub mod stats;
#[cfg(feature = "testkit")]
pub mod stress;
pub mod validate;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::app::labels::ADJUDICATED;
use crate::cli::{LabelOptions, StudyDefinition};
use crate::formats::Format;
use crate::formats::inspect::InspectOptions;
use crate::formats::judge_scores::JoinField;
use crate::load::LoadOptions;
use crate::model::Hatch;
use crate::model::names::{self, FieldError};
use crate::model::{LabelSet, ScoreKind, ScoreValues};
use crate::store::file;
use crate::study::Study;

pub use output::{Output, warn};

/// Default threshold for "clearly high" scores, as in the study (≥ 5 = clearly frustrated).
pub const DEFAULT_THRESHOLD: f64 = 5.0;

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
    })
}

/// Loads the study named by `paths` (the demo when empty) and reports its problems on stderr.
/// Fails when nothing at all could be read.
pub fn load_study(paths: &[PathBuf], definition: &StudyDefinition) -> Result<Study> {
    let options = load_options(definition)?;
    let study = if paths.is_empty() { Study::demo(&options) } else { Study::load(paths, &options) };
    for group in crate::model::problem::group(&study.problems) {
        warn(&group.to_string());
    }
    if study.rollouts.is_empty() && !study.problems.is_empty() {
        bail!("no rollouts could be read");
    }
    check_fields(&study, definition)?;
    Ok(study)
}

/// The fields the study's definition names that the rollouts must have: `--id-fields`, and the
/// rollout side of `--join`. One no rollout has is an error naming the closest one.
pub fn check_fields(study: &Study, definition: &StudyDefinition) -> Result<(), FieldError> {
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

/// `--by` and `--stratify` fields: each must be a field some rollout has (`turn`, `turn:W`
/// and the like are the caller's to leave out).
pub fn check_grouping<'a>(
    study: &Study,
    flag: &str,
    fields: impl IntoIterator<Item = &'a str>,
) -> Result<(), FieldError> {
    names::check(Some(flag), fields, &study.grouping_fields())
}

/// The score name to use: `--score` (checked against the study), else the study's default.
pub fn active_score(study: &Study, definition: &StudyDefinition) -> Result<Option<String>> {
    match &definition.score {
        Some(name) => {
            if !study.score_names.iter().any(|n| &**n == name) {
                let known: Vec<&str> = study.score_names.iter().map(|n| &**n).collect();
                bail!(
                    "unknown score name {name:?}; this study has: {}",
                    if known.is_empty() { "no scores".to_string() } else { known.join(", ") }
                );
            }
            Ok(Some(name.clone()))
        }
        None => Ok(study.default_score().map(|n| n.to_string())),
    }
}

/// What a score name holds in this study (numeric, categorical or text), as the rollouts that
/// have it say; `None` when no rollout has it.
pub fn score_kind(study: &Study, name: &str) -> Option<ScoreKind> {
    study.rollouts.iter().find_map(|r| r.score_values(name)).map(ScoreValues::kind)
}

/// Every annotator's labels in the folder (or just `--annotator`'s), replayed; with `queue`,
/// only the labels given in that spot-check queue. Annotators without a rated turn (a score or
/// a category) are left out; a label on a turn its rollout does not have is a warning and is not used.
pub fn read_annotators(
    study: &Study,
    dir: &Path,
    labels: &LabelOptions,
    queue: Option<&str>,
) -> Result<Vec<(String, LabelSet)>> {
    let only = labels.annotator.as_deref();
    let n_turns: std::collections::HashMap<&str, u32> =
        study.rollouts.iter().map(|r| (&*r.id, r.n_turns)).collect();
    let files = match file::annotator_files(dir) {
        Ok(files) => files,
        Err(e) => bail!("no labels found: cannot read {}: {e}", dir.display()),
    };
    let mut annotators = Vec::new();
    // `--annotator adjudicated`: every adjudicator's file as one set, the latest line per turn.
    if only == Some("adjudicated") {
        let mut records = Vec::new();
        for (_, path) in files.iter().filter(|(name, _)| name.starts_with(ADJUDICATED)) {
            let (found, warnings) = file::read_records(path, labels.label_file_limit());
            warnings.iter().for_each(|w| warn(&w.to_string()));
            records.extend(found.into_iter().filter(|r| queue.is_none_or(|q| r.queue.as_deref() == Some(q))));
        }
        records.sort_by(|a, b| a.time.cmp(&b.time));
        let set = LabelSet::replay(&records);
        if set.total_scored() == 0 {
            bail!("no adjudicated scores in {} (review a `sample --disagree` queue first)", dir.display());
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
        let (mut records, mut warnings) = file::read_records(&path, labels.label_file_limit());
        let display = path.display().to_string();
        warnings.extend(file::drop_past_last_turn(&mut records, &display, &|id| n_turns.get(id).copied()));
        for w in warnings {
            warn(&w.to_string());
        }
        if let Some(q) = queue {
            records.retain(|r| r.queue.as_deref() == Some(q));
        }
        let set = LabelSet::replay(&records);
        if set.total_scored() > 0 {
            annotators.push((name, set));
        }
    }
    if annotators.is_empty() {
        bail!(
            "no labels found in {}{}",
            dir.display(),
            only.map_or(String::new(), |o| format!(" for annotator {o:?}"))
        );
    }
    Ok(annotators)
}
