//! From `report` options and a loaded study to a written report: the filter, the score, the
//! grouping and the labels resolved as the other commands resolve them (an unknown field is an
//! error naming the closest one), the provenance filled in. `rollscope report` and the app's
//! `R` both come through here.

use std::path::PathBuf;

use super::provenance::Provenance;
use super::{Labels, Request, Settings, Written};
use crate::app::filter::Filter;
use crate::cli::ReportArgs;
use crate::metrics::study::DEFAULT_THRESHOLD;
use crate::model::ScoreKind;
use crate::store::annotators::{self, Read};
use crate::store::output::Inputs;
use crate::study::{DEMO_BYTES, DEMO_NAME, Study};

/// Writes the report `args` asks for on `study` (loaded from `args.paths`, or the demo when
/// they are empty); `command` is the command line recorded in the provenance. Returns what was
/// written and the label files' warnings.
pub fn run(mut study: Study, args: &ReportArgs, command: String) -> Result<(Written, Vec<String>), String> {
    let definition = &args.study.study;
    let score =
        study.active_score(definition.score.as_deref())?.ok_or("this study has no judge scores to report")?;
    let threshold = definition.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if study.score_kind(&score) == Some(ScoreKind::Text) {
        return Err(format!(
            "{score:?} is a text (a quote or a rationale); report draws numeric and categorical scores"
        ));
    }
    let mut problems: Vec<String> =
        crate::model::problem::group(&study.problems).iter().map(ToString::to_string).collect();
    if let Some(expr) = args.filter.as_deref().filter(|e| !e.trim().is_empty()) {
        let fields = study.metadata_fields();
        let scores: Vec<&str> = study.score_names.iter().map(|n| &**n).collect();
        let filter = Filter::parse(expr)
            .map_err(|e| format!("--filter: {e}"))?
            .resolve(&fields, &scores, &score)
            .map_err(|e| format!("--filter: {e}"))?;
        if filter.uses_labels() {
            return Err(
                "--filter: labelled and lab count the app's own labels; a report filters by the study".into(),
            );
        }
        study.rollouts.retain(|r| filter.matches(r, &score, threshold, &|_| 0));
        if study.rollouts.is_empty() {
            return Err(format!("no rollout matches --filter {expr:?}"));
        }
    }
    let options = args.comparing.options(&study, score.clone(), threshold).map_err(|e| e.to_string())?;
    let dir = args.study.labels.dir(&args.paths);
    let only = args.study.labels.annotator.as_deref();
    let read = dir
        .is_dir()
        .then(|| annotators::read(&study, &dir, only, args.study.labels.label_file_limit(), None));
    let (labels, warnings) = match read {
        Some(Read { annotators: Ok(annotators), warnings, files }) => {
            (Some(Labels { annotators, files }), warnings)
        }
        // No labels yet is no problem: the page says so.
        Some(Read { warnings, .. }) => (None, warnings),
        None => (None, Vec::new()),
    };
    problems.extend(warnings.iter().cloned());
    let score_paths = &definition.score_files.paths;
    let mut input_files: Vec<(PathBuf, &'static str)> =
        study.source_paths().into_iter().map(|p| (p, "rollouts")).collect();
    input_files.extend(score_paths.iter().map(|p| (p.clone(), "scores")));
    if let Some(l) = &labels {
        input_files.extend(l.files.iter().map(|p| (p.clone(), "labels")));
    }
    let provenance = Provenance {
        rollscope: env!("CARGO_PKG_VERSION"),
        command,
        date: crate::store::stamp::now_utc(),
        score,
        threshold,
        hatch: definition
            .hatch
            .clone()
            .unwrap_or_else(|| crate::model::Hatch::default().pattern().to_string()),
        by: options.by.clone(),
        baseline: options.baseline.as_ref().map(|(f, v)| format!("{f}={v}")),
        pair_on: options.pair_on.clone(),
        cluster: options.cluster.clone(),
        filter: args.filter.clone(),
        boot: options.boot,
        perm: options.perm,
        seed: options.seed,
        inputs: Vec::new(),
    };
    let request = Request {
        settings: Settings { options, wide: args.wide, png: args.png },
        out: args.output.clone(),
        force: args.force,
        labels,
        problems,
        provenance,
        input_files,
        demo: args.paths.is_empty().then_some((DEMO_NAME, DEMO_BYTES)),
        inputs: Inputs::of_study(&args.paths, score_paths, &dir),
    };
    super::write(&study, &request).map(|w| (w, warnings))
}
