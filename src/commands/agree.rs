//! `rollscope agree`: human labels against the judge (and against each other): scores for a
//! numeric score, categories for a categorical one; `--by` adds each group's judge figures,
//! `--blind-only` pairs only labels given blind.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::output::columns;
use super::{Output, active_score, load_study, read_annotators, score_kind};
use crate::cli::StudyOptions;
use crate::config::Config;
use crate::metrics::agreement::{Agreement, CategoricalAgreement};
use crate::metrics::pairs::{
    AgreementReport, CategoricalReport, JudgeAgreement, PairOptions, ReportScope, categories_report, report,
};
use crate::metrics::study::{GroupKey, value_text};
use crate::model::{Label, LabelSet, ScoreKind};
use crate::study::Study;

pub struct AgreeArgs {
    pub boot: usize,
    pub seed: u64,
    pub json: bool,
    /// Only labels given in this spot-check queue.
    pub queue: Option<String>,
    /// `--by`: comma-separated fields whose groups get their own judge figures.
    pub by: Option<String>,
    /// Pair only labels given blind.
    pub blind_only: bool,
    /// `--queue-dir`: the queues `sample --annotators` wrote; the study and each annotator's
    /// labels come from them.
    pub queue_dir: Option<PathBuf>,
}

pub fn run(paths: &[PathBuf], agree: &AgreeArgs, given: &StudyOptions, config: &Config) -> Result<()> {
    // `--queue FILE`: a queue file, read as `--queue-dir` reads one (labels by its id, so two
    // rounds of the same name do not mix); `--queue NAME` matches labels by the queue's name.
    let queue_file = agree.queue.as_deref().map(Path::new).filter(|p| p.is_file());
    if let Some(dir) = agree.queue_dir.as_deref().or(queue_file) {
        if !paths.is_empty() {
            bail!("--queue-dir reads the study from its queues: give no paths with it");
        }
        let opened = queues::open(dir, given, config)?;
        return agree_on(
            &opened.study,
            opened.annotators,
            &opened.options,
            agree,
            &opened.labels,
            &opened.progress,
        );
    }
    let study = load_study(paths, &given.study)?;
    let dir = given.labels.dir(paths);
    let annotators = read_annotators(&study, &dir, &given.labels, agree.queue.as_deref())?;
    agree_on(&study, annotators, given, agree, &dir, &[])
}

/// The report on a study's labels, printed: `progress` (per assigned queue) heads it.
fn agree_on(
    study: &Study,
    mut annotators: Vec<(String, LabelSet)>,
    options: &StudyOptions,
    agree: &AgreeArgs,
    dir: &Path,
    progress: &[queues::Progress],
) -> Result<()> {
    let Some(score) = active_score(study, &options.study)? else {
        bail!("this study has no judge scores to compare labels with");
    };
    let kind = score_kind(study, &score);
    if kind == Some(ScoreKind::Text) {
        bail!("{score:?} is a text (a quote or a rationale); agree compares numeric and categorical scores");
    }
    let by: Option<Vec<String>> = agree.by.as_deref().map(crate::model::names::list);
    if let Some(by) = &by {
        if kind == Some(ScoreKind::Categorical) {
            bail!("--by groups a numeric score's figures; {score:?} is categorical");
        }
        study.check_grouping("--by", by.iter().map(String::as_str))?;
    }
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
    if !agree.json {
        for line in queues::progress_lines(progress) {
            out.line(&line)?;
        }
    }
    if kind == Some(ScoreKind::Categorical) {
        let report = categories_report(study, &annotators, &options, agree.blind_only);
        if agree.json {
            out.json(&queues::with_progress(&report, progress)?)?;
        } else {
            for line in categorical_lines(&report, dir) {
                out.line(&line)?;
            }
        }
        return out.finish();
    }
    let scope = ReportScope { blind_only: agree.blind_only, by };
    let report = report(study, &annotators, &options, &scope);
    if agree.json {
        out.json(&queues::with_progress(&report, progress)?)?;
    } else {
        for line in numeric_lines(&report, dir) {
            out.line(&line)?;
        }
    }
    out.finish()
}

/// The text of a numeric report: each annotator against the judge (with the calibration
/// table), each pair of annotators, α across them, then each `--by` group's judge figures.
fn numeric_lines(r: &AgreementReport, dir: &Path) -> Vec<String> {
    let mut lines = vec![format!(
        "score {} · threshold {} · labels in {}{} · 95% CIs by percentile bootstrap over turns (B={}, seed {})",
        r.score,
        r.threshold,
        dir.display(),
        if r.blind_only { " · blind labels only" } else { "" },
        r.boot,
        r.seed
    )];
    for j in &r.judge {
        lines.push(String::new());
        judge_lines(&mut lines, j, r.blind_only);
    }
    for h in &r.humans {
        lines.push(String::new());
        lines.push(format!("{} vs {}: {} turns both scored", h.a, h.b, h.agreement.n));
        figure_lines(&mut lines, &h.agreement, &format!("bias ({} − {})", h.a, h.b));
    }
    if let Some(alpha) = &r.krippendorff_alpha_humans {
        lines.push(String::new());
        lines.push(format!(
            "Krippendorff's α across {} annotators ({} turns with 2+ scores): {}",
            alpha.annotators,
            alpha.units,
            alpha.alpha.text()
        ));
    }
    if let (Some(by), Some(groups)) = (&r.by, &r.groups) {
        lines.push(String::new());
        lines.push(format!("By {}: each group's rollouts alone", by.join(", ")));
        for group in groups {
            lines.push(String::new());
            lines.push(format!("── {}", group_name(by, &group.key)));
            if group.judge.is_empty() {
                lines.push("no labelled turns".to_string());
            }
            for (i, j) in group.judge.iter().enumerate() {
                if i > 0 {
                    lines.push(String::new());
                }
                judge_lines(&mut lines, j, r.blind_only);
            }
        }
    }
    lines
}

/// `condition=baseline · dataset=math`.
fn group_name(by: &[String], key: &GroupKey) -> String {
    let parts: Vec<String> =
        by.iter().filter_map(|f| key.get(f).map(|v| format!("{f}={}", value_text(v)))).collect();
    parts.join(" · ")
}

/// One annotator against the judge: what was paired and left out, the figures, and the human
/// mean at each judge level.
fn judge_lines(lines: &mut Vec<String>, j: &JudgeAgreement, blind_only: bool) {
    lines.push(judge_heading(j, j.agreement.n, blind_only, "score"));
    figure_lines(lines, &j.agreement, "bias (h − j)");
    calibration_lines(lines, &j.agreement);
}

/// `ana vs judge: 5 labelled turns (3 blind, 2 not blind), 4 paired; left out: …`, where
/// `n` turns were paired and the judge gave no `value` to those without one.
fn judge_heading<A>(j: &JudgeAgreement<A>, n: usize, blind_only: bool, value: &str) -> String {
    let not_blind_left_out =
        if blind_only { format!("{} not blind, ", j.non_blind_labels) } else { String::new() };
    format!(
        "{} vs judge: {} labelled turns ({} blind, {} not blind), {n} paired; left out: {not_blind_left_out}{} stale, {} not in the study, {} without a judge {value}",
        j.annotator, j.labelled, j.blind_labels, j.non_blind_labels, j.stale, j.unmatched, j.no_judge_score
    )
}

/// The figures with their CIs, the bias (shown as `bias`, saying which side minus which),
/// its limits of agreement and the high/low table.
fn figure_lines(lines: &mut Vec<String>, a: &Agreement, bias: &str) {
    for (name, f) in a.named_figures() {
        lines.push(format!("  {name:<15} {}", f.text()));
    }
    lines.push(format!("  {bias:<15} {}", a.bias.text()));
    if let Some(limits) = &a.limits_of_agreement {
        lines.push(format!(
            "  {:<15} {:>9.3} to {:.3} (bias ± 1.96 SD, SD {:.3})",
            "95% limits", limits.lower, limits.upper, limits.sd
        ));
    }
    let c = &a.confusion;
    lines.push(format!(
        "  ≥{t} vs <{t}: both high {}, human high/judge low {}, human low/judge high {}, both low {}",
        c.both_high,
        c.human_high_judge_low,
        c.human_low_judge_high,
        c.both_low,
        t = a.threshold
    ));
}

/// `judge level | n | human mean [95% CI]`, one row per judge level present.
fn calibration_lines(lines: &mut Vec<String>, a: &Agreement) {
    if a.calibration.is_empty() {
        return;
    }
    let mut rows = vec![["judge level", "n", "human mean", "[95% CI]"].map(String::from).to_vec()];
    for level in &a.calibration {
        let ci = level.ci.map_or(String::new(), |(lo, hi)| format!("[{lo:.2}, {hi:.2}]"));
        rows.push(vec![level.level.to_string(), level.n.to_string(), format!("{:.2}", level.human_mean), ci]);
    }
    lines.extend(columns(&rows).into_iter().map(|line| format!("  {line}")));
}

/// The text of a categorical report: per pair the figures, then the k×k table of counts.
fn categorical_lines(r: &CategoricalReport, dir: &Path) -> Vec<String> {
    let mut lines = vec![format!(
        "score {} (categorical) · labels in {}{} · 95% CIs by percentile bootstrap over turns (B={}, seed {})",
        r.score,
        dir.display(),
        if r.blind_only { " · blind labels only" } else { "" },
        r.boot,
        r.seed
    )];
    for j in &r.judge {
        lines.push(String::new());
        lines.push(judge_heading(j, j.agreement.n, r.blind_only, "category"));
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

mod queues;

#[cfg(test)]
mod tests;
