//! `rollscope sample`: a seeded, stratified spot-check queue.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Output, active_score, load_study};
use crate::cli::{SampleArgs, StudyOptions};
use crate::sample::{Queue, SampleOptions, draw};

pub fn run(paths: &[PathBuf], sample: &SampleArgs, options: &StudyOptions) -> Result<()> {
    if paths.is_empty() {
        bail!("give the rollout files to sample from (the demo study cannot be reviewed from a queue)");
    }
    let study = load_study(paths, &options.study)?;
    let Some(score) = active_score(&study, &options.study)? else {
        bail!("this study has no judge scores: nothing to spot-check");
    };
    let options = SampleOptions {
        n: sample.n,
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
        extra: sample.extra.unwrap_or(sample.n.div_ceil(5)),
    };
    let sources: Vec<String> = study.sources.iter().map(|s| s.display.clone()).collect();
    let given: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let queue = draw(&study.rollouts, &sources, &given, &options).map_err(anyhow::Error::msg)?;
    let text = serde_json::to_string_pretty(&queue)? + "\n";
    write_new(&sample.output, &text, &study)?;
    let mut out = Output::stdout();
    if sample.json {
        let report = serde_json::json!({"queue": sample.output.display().to_string(), "items": queue.items.len(), "strata": queue.strata});
        out.raw(&serde_json::to_string_pretty(&report)?)?;
        out.raw("\n")?;
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

/// Writes the queue, never over a rollout file.
fn write_new(path: &Path, text: &str, study: &crate::study::Study) -> Result<()> {
    use std::io::Write;
    let mut file = crate::store::output::create(path, &study.source_paths()).map_err(anyhow::Error::msg)?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a queue and the paths to open for it: as written, or relative to the queue's folder.
pub fn open_queue(path: &Path, limit: crate::model::Limit) -> Result<(Queue, Vec<PathBuf>)> {
    let queue = Queue::read(path, limit).map_err(anyhow::Error::msg)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let paths = queue
        .paths
        .iter()
        .map(|p| {
            let given = PathBuf::from(p);
            if given.exists() || given.is_absolute() { given } else { base.join(p) }
        })
        .collect();
    Ok((queue, paths))
}
