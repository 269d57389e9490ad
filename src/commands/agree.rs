//! `rollscope agree`: human labels against the judge (and against each other): scores for a
//! numeric score, categories for a categorical one.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::output::columns;
use super::{Output, active_score, load_study, read_annotators, score_kind};
use crate::cli::StudyOptions;
use crate::metrics::agreement::{Agreement, CategoricalAgreement};
use crate::metrics::pairs::{
    AgreementReport, CategoricalReport, PairOptions, agreement_report, categorical_report,
};
use crate::model::{Label, LabelSet, ScoreKind};
use crate::study::Study;

pub struct AgreeArgs {
    pub boot: usize,
    pub seed: u64,
    pub json: bool,
    /// Only labels given in this spot-check queue.
    pub queue: Option<String>,
}

pub fn run(paths: &[PathBuf], agree: &AgreeArgs, options: &StudyOptions) -> Result<()> {
    let study = load_study(paths, &options.study)?;
    let Some(score) = active_score(&study, &options.study)? else {
        bail!("this study has no judge scores to compare labels with");
    };
    let kind = score_kind(&study, &score);
    if kind == Some(ScoreKind::Text) {
        bail!("{score:?} is a text (a quote or a rationale); agree compares numeric and categorical scores");
    }
    let dir = options.labels.dir(paths);
    let mut annotators = read_annotators(&study, &dir, &options.labels, agree.queue.as_deref())?;
    // Only annotators who rated this score: a category for a categorical one, a score otherwise.
    let rates = |label: &Label| match kind {
        Some(ScoreKind::Categorical) => label.category_for(&score).is_some(),
        _ => label.score.is_some(),
    };
    annotators.retain(|(_, set)| set.labels.iter().any(|((_, turn), label)| turn.is_some() && rates(label)));
    if annotators.is_empty() {
        bail!("no labels found in {} for score {score:?}", dir.display());
    }
    let options = PairOptions {
        score,
        threshold: options.study.threshold.unwrap_or(super::DEFAULT_THRESHOLD),
        boot: agree.boot,
        seed: agree.seed,
    };
    let mut out = Output::stdout();
    if kind == Some(ScoreKind::Categorical) {
        let report = categories_report(&study, &annotators, &options);
        if agree.json {
            out.json(&report)?;
        } else {
            for line in categorical_lines(&report, &dir) {
                out.line(&line)?;
            }
        }
        return out.finish();
    }
    let report = report(&study, &annotators, &options);
    if agree.json {
        out.json(&report)?;
    } else {
        print_report(&mut out, &report, &dir)?;
    }
    out.finish()
}

/// The agreement report, reading the labelled rollouts again to tell stale labels.
pub fn report(study: &Study, annotators: &[(String, LabelSet)], options: &PairOptions) -> AgreementReport {
    let hashes = turn_hashes(study, annotators);
    let current = |rollout: &str, turn: u32| hashes.get(&(rollout.to_string(), turn)).cloned();
    agreement_report(&study.rollouts, annotators, &current, options)
}

/// The report for a categorical score, reading the labelled rollouts again to tell stale labels.
pub fn categories_report(
    study: &Study,
    annotators: &[(String, LabelSet)],
    options: &PairOptions,
) -> CategoricalReport {
    let hashes = turn_hashes(study, annotators);
    let current = |rollout: &str, turn: u32| hashes.get(&(rollout.to_string(), turn)).cloned();
    categorical_report(&study.rollouts, annotators, &current, options, false)
}

/// Hash of every labelled turn's current text.
fn turn_hashes(study: &Study, annotators: &[(String, LabelSet)]) -> HashMap<(String, u32), String> {
    let wanted: HashSet<&str> =
        annotators.iter().flat_map(|(_, s)| s.labels.keys().map(|(r, _)| &**r)).collect();
    let mut hashes = HashMap::new();
    for (index, summary) in study.rollouts.iter().enumerate() {
        if !wanted.contains(&*summary.id) {
            continue;
        }
        let Ok(rollout) = study.read_rollout(index) else { continue };
        for (t, m) in rollout.turn_messages().into_iter().enumerate() {
            let hash = rollout.messages[m].text_hash();
            hashes.insert((summary.id.to_string(), t as u32 + 1), hash);
        }
    }
    hashes
}

fn print_report(out: &mut Output, r: &AgreementReport, dir: &Path) -> Result<()> {
    out.line(&format!(
        "score {} · threshold {} · labels in {} · 95% CIs by percentile bootstrap over turns (B={}, seed {})",
        r.score,
        r.threshold,
        dir.display(),
        r.boot,
        r.seed
    ))?;
    for j in &r.judge {
        out.line("")?;
        out.line(&format!(
            "{} vs judge: {} labelled turns, {} paired; left out: {} stale, {} not in the study, {} without a judge score",
            j.annotator, j.labelled, j.agreement.n, j.stale, j.unmatched, j.no_judge_score
        ))?;
        figures(out, &j.agreement)?;
    }
    for h in &r.humans {
        out.line("")?;
        out.line(&format!("{} vs {}: {} turns both scored", h.a, h.b, h.agreement.n))?;
        figures(out, &h.agreement)?;
    }
    if let Some(alpha) = &r.krippendorff_alpha_humans {
        out.line("")?;
        out.line(&format!(
            "Krippendorff's α across {} annotators ({} turns with 2+ scores): {}",
            alpha.annotators,
            alpha.units,
            alpha.alpha.text()
        ))?;
    }
    Ok(())
}

fn figures(out: &mut Output, a: &Agreement) -> Result<()> {
    for (name, f) in a.named_figures() {
        out.line(&format!("  {name:<15} {}", f.text()))?;
    }
    let c = &a.confusion;
    out.line(&format!(
        "  ≥{t} vs <{t}: both high {}, human high/judge low {}, human low/judge high {}, both low {}",
        c.both_high,
        c.human_high_judge_low,
        c.human_low_judge_high,
        c.both_low,
        t = a.threshold
    ))
}

/// The text of a categorical report: per pair the figures, then the k×k table of counts.
fn categorical_lines(r: &CategoricalReport, dir: &Path) -> Vec<String> {
    let mut lines = vec![format!(
        "score {} (categorical) · labels in {} · 95% CIs by percentile bootstrap over turns (B={}, seed {})",
        r.score,
        dir.display(),
        r.boot,
        r.seed
    )];
    for j in &r.judge {
        lines.push(String::new());
        lines.push(format!(
            "{} vs judge: {} labelled turns, {} paired; left out: {} stale, {} not in the study, {} without a judge category",
            j.annotator, j.labelled, j.agreement.n, j.stale, j.unmatched, j.no_judge_score
        ));
        category_figures(&mut lines, &j.agreement, &j.annotator, "judge");
    }
    for h in &r.humans {
        lines.push(String::new());
        lines.push(format!("{} vs {}: {} turns both labelled", h.a, h.b, h.agreement.n));
        category_figures(&mut lines, &h.agreement, &h.a, &h.b);
    }
    if let Some(alpha) = &r.krippendorff_alpha_humans {
        lines.push(String::new());
        lines.push(format!(
            "Krippendorff's α (nominal) across {} annotators ({} turns with 2+ categories): {}",
            alpha.annotators,
            alpha.units,
            alpha.alpha.text()
        ));
    }
    lines
}

/// The figures, then the k×k table: rows are `rows`' categories, columns `columns_by`'s.
fn category_figures(lines: &mut Vec<String>, a: &CategoricalAgreement, rows: &str, columns_by: &str) {
    for (name, f) in a.named_figures() {
        lines.push(format!("  {name:<15} {}", f.text()));
    }
    let table = &a.category_table;
    if table.categories.is_empty() {
        return;
    }
    let header = std::iter::once(format!("{rows} ↓ {columns_by} →")).chain(table.categories.iter().cloned());
    let mut cells = vec![header.collect::<Vec<_>>()];
    for (category, counts) in table.categories.iter().zip(&table.counts) {
        cells.push(std::iter::once(category.clone()).chain(counts.iter().map(usize::to_string)).collect());
    }
    lines.extend(columns(&cells).into_iter().map(|line| format!("  {line}")));
}

#[cfg(test)]
mod tests;
