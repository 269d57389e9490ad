//! `rollscope stats`: the study's figures per group and per turn, as a table or `--json`.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::{Output, active_score, load_study};
use crate::cli::StudyOptions;
use crate::metrics::study::{StatsOptions, StudyStats, default_grouping, study_stats};

/// Default bootstrap replicates.
pub const DEFAULT_BOOT: usize = 2000;

pub struct StatsArgs {
    pub by: Option<String>,
    pub boot: usize,
    pub seed: u64,
    pub json: bool,
}

pub fn run(paths: &[PathBuf], stats: &StatsArgs, options: &StudyOptions) -> Result<()> {
    let study = load_study(paths, &options.study)?;
    let Some(score) = active_score(&study, &options.study)? else {
        bail!("this study has no judge scores to summarise");
    };
    let by: Vec<String> = match &stats.by {
        Some(fields) => {
            fields.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
        }
        None => default_grouping(&study.rollouts),
    };
    super::check_grouping(&study, "--by", by.iter().map(String::as_str))?;
    let options = StatsOptions {
        score,
        threshold: options.study.threshold.unwrap_or(super::DEFAULT_THRESHOLD),
        by,
        boot: stats.boot,
        seed: stats.seed,
    };
    let figures = study_stats(&study.rollouts, &options);
    let mut out = Output::stdout();
    if stats.json {
        out.json(&figures)?;
    } else {
        print_table(&mut out, &figures)?;
    }
    out.finish()
}

fn print_table(out: &mut Output, s: &StudyStats) -> Result<()> {
    out.line(&format!(
        "score {} · threshold {} · 95% CIs: mean by percentile bootstrap (B={}, seed {}), fractions by Wilson",
        s.score, s.threshold, s.boot, s.seed
    ))?;
    for g in &s.groups {
        let key: Vec<String> = g
            .key
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect();
        out.line("")?;
        out.line(&format!(
            "{} · {} rollouts · self-deletion {} {} · AUC {} {}",
            if key.is_empty() { "all rollouts".to_string() } else { key.join(" ") },
            g.n_rollouts,
            percent(g.self_deletion_rate),
            interval_percent(g.self_deletion_ci),
            number(g.auc_mean),
            interval(g.auc_ci),
        ))?;
        out.line(&format!(
            "{:>4} {:>5}  {:>6} {:<15}  {:>6} {:<15}  {:>6} {:<15}",
            "turn",
            "n",
            "mean",
            "95% CI",
            format!("≥{}", s.threshold),
            "95% CI",
            "selfdel",
            "95% CI"
        ))?;
        for t in &g.per_turn {
            out.line(&format!(
                "{:>4} {:>5}  {:>6} {:<15}  {:>6} {:<15}  {:>6} {:<15}",
                t.turn,
                t.n,
                number(t.mean),
                interval(t.mean_ci),
                percent(t.frac_at_or_above),
                interval_percent(t.frac_ci),
                percent(t.self_deleted_cum),
                interval_percent(t.self_deleted_cum_ci),
            ))?;
        }
    }
    Ok(())
}

fn number(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.2}"))
}

fn interval(ci: Option<(f64, f64)>) -> String {
    ci.map_or(String::new(), |(lo, hi)| format!("[{lo:.2}, {hi:.2}]"))
}

fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.1}%", v * 100.0))
}

fn interval_percent(ci: Option<(f64, f64)>) -> String {
    ci.map_or(String::new(), |(lo, hi)| format!("[{:.1}, {:.1}]", lo * 100.0, hi * 100.0))
}
