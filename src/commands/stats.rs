//! `rollscope stats`: the study's figures per group and per turn, as a table or `--json`; for a
//! categorical score, counts per category (the per-group table papers print).

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::output::columns;
use super::{Output, active_score, load_study, score_kind};
use crate::cli::StudyOptions;
use crate::metrics::study::{CategoryStats, StatsOptions, StudyStats, category_stats, grouping, study_stats};
use crate::model::ScoreKind;

pub struct StatsArgs {
    pub by: Option<String>,
    /// `--cluster`: bootstrap whole clusters of rollouts sharing this field's value.
    pub cluster: Option<String>,
    pub boot: usize,
    pub seed: u64,
    pub json: bool,
}

pub fn run(paths: &[PathBuf], stats: &StatsArgs, options: &StudyOptions) -> Result<()> {
    let study = load_study(paths, &options.study)?;
    let Some(score) = active_score(&study, &options.study)? else {
        bail!("this study has no judge scores to summarise");
    };
    let by = grouping(stats.by.as_deref(), &study.rollouts);
    let kind = score_kind(&study, &score);
    if kind == Some(ScoreKind::Text) {
        bail!(
            "{score:?} is a text (a quote or a rationale); stats summarises numeric and categorical scores"
        );
    }
    study.check_grouping("--by", by.iter().map(String::as_str))?;
    study.check_grouping("--cluster", stats.cluster.iter().map(String::as_str))?;
    let options = StatsOptions {
        score,
        threshold: options.study.threshold.unwrap_or(super::DEFAULT_THRESHOLD),
        by,
        boot: stats.boot,
        seed: stats.seed,
        cluster: stats.cluster.clone(),
    };
    let mut out = Output::stdout();
    if kind == Some(ScoreKind::Categorical) {
        let counts = category_stats(&study.rollouts, &options);
        if stats.json {
            out.json(&counts)?;
        } else {
            for line in category_table(&counts) {
                out.line(&line)?;
            }
        }
        return out.finish();
    }
    let figures = study_stats(&study.rollouts, &options);
    if stats.json {
        out.json(&figures)?;
    } else {
        print_table(&mut out, &figures)?;
    }
    out.finish()
}

fn print_table(out: &mut Output, s: &StudyStats) -> Result<()> {
    let resampled = s.cluster.as_ref().map_or_else(String::new, |c| format!(" of clusters by {c}"));
    out.line(&format!(
        "score {} · threshold {} · 95% CIs: mean by percentile bootstrap{resampled} (B={}, seed {}), fractions by Wilson",
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

/// The per-group table of a categorical score: a row per group, a column per category, each
/// cell the group's turns in that category over all turns.
fn category_table(s: &CategoryStats) -> Vec<String> {
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let mut rows = vec![
        [
            if s.by.is_empty() { "group".to_string() } else { s.by.join(" / ") },
            "rollouts".into(),
            "turns".into(),
        ]
        .into_iter()
        .chain(s.categories.iter().cloned())
        .collect::<Vec<_>>(),
    ];
    for g in &s.groups {
        let key: Vec<String> = g.key.values().map(text).collect();
        let name = if key.is_empty() { "all rollouts".to_string() } else { key.join(" / ") };
        let counts = s.categories.iter().map(|c| g.counts.get(c).copied().unwrap_or(0).to_string());
        rows.push([name, g.n_rollouts.to_string(), g.n.to_string()].into_iter().chain(counts).collect());
    }
    let mut lines = vec![
        format!(
            "score {} (categorical) · turns per category over all turns; per turn with fractions and 95% Wilson CIs in --json",
            s.score
        ),
        String::new(),
    ];
    lines.extend(columns(&rows));
    lines
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::study::category_stats;
    use crate::model::RolloutSummary;

    fn tagged(condition: &str, tags: &[&str]) -> RolloutSummary {
        let tags: Vec<Option<&str>> = tags.iter().map(|t| Some(*t)).collect();
        crate::metrics::study::tagged_rollout(condition, tags.len(), Some(&tags))
    }

    #[test]
    fn the_text_is_the_per_group_table_with_categories_as_columns() {
        let rollouts = vec![
            tagged("harsh_tone", &["none", "despair", "despair"]),
            tagged("neutral", &["none", "mild"]),
            tagged("harsh_tone", &["mild", "despair"]),
        ];
        let options = crate::metrics::study::tag_options();
        let lines = category_table(&category_stats(&rollouts, &options));
        assert_eq!(
            lines[2..],
            [
                "condition   rollouts  turns  despair  mild  none",
                "harsh_tone         2      5        3     1     1",
                "neutral            1      2        0     1     1",
            ]
        );
        let all = category_table(&category_stats(&rollouts, &StatsOptions { by: Vec::new(), ..options }));
        assert_eq!(all[3], "all rollouts         3      7        3     2     2");
    }
}
