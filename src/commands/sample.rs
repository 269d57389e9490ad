//! `rollscope sample`: a seeded, stratified spot-check queue.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{Output, active_score, load_study};
use crate::app::labels::ADJUDICATED;
use crate::cli::{SampleArgs, StudyDefinition, StudyOptions};
use crate::config::Config;
use crate::formats::input::folder_of;
use crate::sample::{
    Queue, SampleOptions, adjudication_queue, assign, disagreements, draw, new_queue_id, relative_to,
    shared_count,
};
use crate::store::output;
use crate::study::Study;

pub fn run(paths: &[PathBuf], sample: &SampleArgs, study_options: &StudyOptions) -> Result<()> {
    let options = study_options;
    if paths.is_empty() {
        bail!("give the rollout files to sample from (the demo study cannot be reviewed from a queue)");
    }
    let labels = options.labels.dir(paths);
    let inputs = output::Inputs::of_study(paths, &options.study.score_files.paths, &labels);
    let study = load_study(paths, &options.study)?;
    let Some(score) = active_score(&study, &options.study)? else {
        bail!("this study has no judge scores: nothing to spot-check");
    };
    if let Some(apart) = sample.disagree {
        return write_adjudication(&study, &score, apart, sample, study_options, &inputs, paths);
    }
    let n = sample.n.unwrap_or_default();
    let options = SampleOptions {
        n,
        seed: sample.seed,
        score,
        stratify: sample
            .stratify
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        turns: sample.turns.clone(),
        oversample_above: sample.oversample_above,
        extra: sample.extra.unwrap_or(n.div_ceil(5)),
        id_fields: options.study.id_fields.clone(),
    };
    let fields =
        options.stratify.iter().map(String::as_str).filter(|s| *s != "turn" && !s.starts_with("turn:"));
    study.check_grouping("--stratify", fields)?;
    let sources: Vec<String> = study.sources.iter().map(|s| s.display.clone()).collect();
    // Paths are stored relative to the queue's folder: the queue moves with its data. With
    // --annotators, -o names the folder the queues go in.
    let assigned = !sample.annotators.is_empty();
    for name in &sample.annotators {
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            bail!(
                "--annotators: {name:?} cannot name a queue file (no path separators, not starting with a dot)"
            );
        }
    }
    let folder = match assigned {
        true => sample.output.as_path(),
        false => folder_of(&sample.output),
    };
    let relative = |p: &Path| relative_to(p, folder).display().to_string();
    let given: Vec<String> = paths.iter().map(|p| relative(p)).collect();
    let mut queue = draw(&study.rollouts, &sources, &given, &options).map_err(anyhow::Error::msg)?;
    record_study(&mut queue, paths, folder, study_options)?;
    queue.reveal = sample.blinding.reveal.unwrap_or_default();
    queue.show_earlier = sample.blinding.show_earlier;
    // More than there are is all there are, said, and the queue records what was drawn.
    let eligible: usize = queue.strata.iter().map(|s| s.eligible).sum();
    if queue.n > eligible {
        super::warn(&format!(
            "rollscope: --n {} is more than the {eligible} eligible turns: all {eligible} are drawn",
            queue.n
        ));
        queue.n = eligible;
    }
    if assigned {
        return write_assigned(&queue, sample, &inputs);
    }
    // Escaped like every JSON output: a queue is read in a terminal too (`cat`, `less`).
    let text = crate::sanitize::json::to_string_pretty(&queue)? + "\n";
    output::write(&sample.output, text.as_bytes(), &inputs)?;
    let mut out = Output::stdout();
    if sample.json {
        let report = serde_json::json!({"queue": sample.output.display().to_string(), "items": queue.items.len(), "strata": queue.strata});
        out.json(&report)?;
    } else {
        out.line(&format!(
            "{} turns drawn into {} (seed {})",
            queue.items.len(),
            sample.output.display(),
            queue.seed
        ))?;
        for s in &queue.strata {
            let key: Vec<String> = s
                .key
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect();
            out.line(&format!("  {:<40} {:>5} of {:>6} eligible", key.join(" "), s.drawn, s.eligible))?;
        }
        out.line(&format!("Review them blind with: rollscope review {}", sample.output.display()))?;
    }
    out.finish()
}

/// What a queue records of the study (paths and `--scores` files relative to `folder`, where
/// the queue is written; the study options), and a new id.
fn record_study(queue: &mut Queue, paths: &[PathBuf], folder: &Path, options: &StudyOptions) -> Result<()> {
    let relative = |p: &Path| relative_to(p, folder).display().to_string();
    queue.paths = paths.iter().map(|p| relative(p)).collect();
    let mut definition = options.study.clone();
    definition.score_files.paths = definition.score_files.paths.iter().map(|p| relative(p).into()).collect();
    queue.study = Some(serde_json::to_value(&definition)?);
    queue.id = Some(new_queue_id());
    Ok(())
}

/// `sample --disagree D`: the labelled turns in question, into an adjudication queue.
fn write_adjudication(
    study: &Study,
    score: &str,
    apart: f64,
    sample: &SampleArgs,
    options: &StudyOptions,
    inputs: &output::Inputs,
    paths: &[PathBuf],
) -> Result<()> {
    let dir = options.labels.dir(paths);
    let mut annotators = super::read_annotators(study, &dir, &options.labels, None)?;
    // Earlier adjudications are not among the opinions being adjudicated.
    annotators.retain(|(name, _)| !name.starts_with(ADJUDICATED));
    let turns = disagreements(&study.rollouts, &annotators, score, apart);
    if turns.is_empty() {
        bail!(
            "no labelled turn is {apart} or more from the judge's {score:?} or from another annotator ({} annotators in {})",
            annotators.len(),
            dir.display()
        );
    }
    let sources: Vec<String> = study.sources.iter().map(|s| s.display.clone()).collect();
    let mut queue = adjudication_queue(&study.rollouts, &sources, &turns, score, sample.n, sample.seed);
    let folder = folder_of(&sample.output);
    record_study(&mut queue, paths, folder, options)?;
    let text = crate::sanitize::json::to_string_pretty(&queue)? + "\n";
    output::write(&sample.output, text.as_bytes(), inputs)?;
    let mut out = Output::stdout();
    if sample.json {
        out.json(&serde_json::json!({"queue": sample.output.display().to_string(), "items": queue.items.len(), "disagreeing": turns.len()}))?;
    } else {
        out.line(&format!(
            "{} of {} turns where {} annotators and the judge are {apart} or more apart, drawn into {}",
            queue.items.len(),
            turns.len(),
            annotators.len(),
            sample.output.display()
        ))?;
        out.line(&format!("Adjudicate them with: rollscope review {}", sample.output.display()))?;
    }
    out.finish()
}

/// One queue per annotator in the folder `-o` names (made if missing), each with an id of its
/// own; the counts and the review command of each.
fn write_assigned(queue: &Queue, sample: &SampleArgs, inputs: &output::Inputs) -> Result<()> {
    let queues = assign(queue, &sample.annotators, sample.overlap).map_err(anyhow::Error::msg)?;
    output::create_folder(&sample.output)?;
    let shared = shared_count(queue.items.len(), sample.overlap);
    let mut written = Vec::new();
    for mut q in queues {
        q.id = Some(new_queue_id());
        let annotator = q.annotator.clone().unwrap_or_default();
        let path = sample.output.join(format!("{annotator}.json"));
        let text = crate::sanitize::json::to_string_pretty(&q)? + "\n";
        output::write(&path, text.as_bytes(), inputs)?;
        written.push((annotator, path, q.items.len()));
    }
    let mut out = Output::stdout();
    if sample.json {
        let queues: Vec<serde_json::Value> = written
            .iter()
            .map(
                |(a, p, n)| serde_json::json!({"annotator": a, "queue": p.display().to_string(), "items": n}),
            )
            .collect();
        out.json(&serde_json::json!({"items": queue.items.len(), "shared": shared, "queues": queues, "strata": queue.strata}))?;
        return out.finish();
    }
    out.line(&format!(
        "{} turns drawn (seed {}): {shared} shared by all {} annotators, the other {} split between them",
        queue.items.len(),
        queue.seed,
        written.len(),
        queue.items.len() - shared
    ))?;
    for (annotator, path, n) in &written {
        out.line(&format!("  {annotator}: {n} items · rollscope review {}", path.display()))?;
    }
    out.line(&format!("Agreement so far: rollscope agree --queue-dir {}", sample.output.display()))?;
    out.finish()
}

/// Reads a queue and the paths to open for it (relative to the queue's folder).
pub fn open_queue(path: &Path, limit: crate::model::Limit) -> Result<(Queue, Vec<PathBuf>)> {
    let queue = Queue::read(path, limit).map_err(anyhow::Error::msg)?;
    let paths = queue.study_paths(path);
    Ok((queue, paths))
}

/// The study a review opens: the options on the command line over those the queue recorded
/// (its `--scores` files resolved against the queue's folder), the config file's under both;
/// the queue's annotator unless `--annotator` names another.
pub fn review_options(
    queue_path: &Path,
    queue: &Queue,
    given: &StudyOptions,
    config: &Config,
) -> Result<StudyOptions> {
    let mut options = given.clone();
    if let Some(stored) = &queue.study {
        let mut recorded: StudyDefinition = serde_json::from_value(stored.clone()).map_err(|e| {
            anyhow::anyhow!("{}: the queue's study options cannot be read: {e}", queue_path.display())
        })?;
        recorded.score_files.paths = recorded
            .score_files
            .paths
            .iter()
            .map(|p| queue.resolve(queue_path, &p.display().to_string()))
            .collect();
        options.study = given.study.clone().over(recorded);
    }
    options.study.apply_config(config);
    options.labels.apply_config(config);
    if options.labels.annotator.is_none() {
        options.labels.annotator = queue.annotator.clone();
    }
    // The items name rollouts by the score and ids the queue was drawn with, whatever the flags say.
    options.study.score = Some(queue.score.clone());
    options.study.id_fields = queue.id_fields.clone();
    Ok(options)
}
