//! `rollscope validate`: what each file yields (format, rollouts, turns, scores) and every
//! problem with its place, so a data set can be checked before it is studied. Exits 1 when any
//! file has a problem.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::{Output, load_options};
use crate::cli::StudyOptions;
use crate::formats::judge_scores::ScoreReport;
use crate::load::{self, LoadEvent};
use crate::model::words::plural;
use crate::model::{Problem, ScoreKind, problem};
use crate::study::Study;

/// The format name of a `--scores` file.
pub const SCORES_FORMAT: &str = "judge-scores";

/// What one file yielded.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub path: String,
    /// `None` when the file could not be read far enough to tell.
    pub format: Option<&'static str>,
    pub rollouts: u64,
    pub turns: u64,
    /// Score names (first seen first) and their number of non-missing per-turn values.
    pub scores: Vec<(String, u64)>,
    pub problems: Vec<Problem>,
    /// For a `--scores` file: how it was joined and what became of its rows.
    pub score_file: Option<ScoreReport>,
    /// For a file read as part of a folder source (an MT-Bench folder): that folder.
    pub part_of: Option<String>,
}

pub fn run(paths: &[PathBuf], json: bool, study_options: &StudyOptions) -> Result<()> {
    let options = load_options(&study_options.study)?;
    let study = Mutex::new(Study::default());
    let order = Mutex::new(Vec::<String>::new());
    let reports = load::load_paths_scored(paths, &options, &|event| {
        let path = match &event {
            LoadEvent::Source(source) => Some(source.display.clone()),
            LoadEvent::Problem(problem) => Some(problem.path.clone()),
            _ => None,
        };
        if let (Some(path), Ok(mut order)) = (path, order.lock())
            && !order.contains(&path)
        {
            order.push(path);
        }
        if let Ok(mut study) = study.lock() {
            study.apply(event);
        }
    });
    let study = super::Loaded::new(study.into_inner().unwrap_or_else(|p| p.into_inner()));
    let mut order = order.into_inner().unwrap_or_else(|p| p.into_inner());
    // In the order the paths were given (a path that does not exist is met first otherwise).
    order.sort_by_key(|path| paths.iter().position(|p| std::path::Path::new(path).starts_with(p)));
    let score_paths: Vec<String> = options.scores.iter().map(|s| s.path.display().to_string()).collect();
    let files = file_reports(&study, &order, &score_paths, &reports);
    let ids = study_options.study.id_fields.is_empty().then(|| IdReport::of(&study)).flatten();
    let mut out = Output::stdout();
    if json {
        let mut report = to_json(&files);
        if let (Some(ids), Some(fields)) = (&ids, report.as_object_mut()) {
            fields.insert(
                "ids".into(),
                json!({"without_id": ids.without_id, "suggested_id_fields": ids.suggested}),
            );
        }
        out.json_text(&report.to_string())?;
        out.json_text("\n")?;
    } else {
        for file in &files {
            for line in text_lines(file) {
                out.line(&line)?;
            }
        }
        if let Some(ids) = &ids {
            out.line(&ids.text())?;
        }
        out.line(&summary_line(&files))?;
    }
    out.finish()?;
    super::check_fields(&study, &study_options.study)?;
    let problems: usize = files.iter().map(|f| f.problems.len()).sum();
    if problems > 0 {
        let with = files.iter().filter(|f| !f.problems.is_empty()).count();
        bail!("{} in {with} of {} files", plural(problems as u64, "problem"), files.len());
    }
    Ok(())
}

/// Rollouts without ids, and the fields that would give every rollout one (`--id-fields`).
#[derive(Debug, Clone, PartialEq)]
pub struct IdReport {
    pub without_id: usize,
    /// Sets of fields that tell every rollout apart, smallest first.
    pub suggested: Vec<Vec<String>>,
}

impl IdReport {
    /// `None` when every rollout has an id of its own.
    pub fn of(study: &Study) -> Option<IdReport> {
        let without_id = study.stand_in_ids();
        (without_id > 0).then(|| IdReport { without_id, suggested: study.suggest_id_fields() })
    }

    pub fn text(&self) -> String {
        let head = format!(
            "{} no id, so {} shown as <file>:<line> and labels depend on line order",
            if self.without_id == 1 {
                "1 rollout has".to_string()
            } else {
                format!("{} rollouts have", self.without_id)
            },
            if self.without_id == 1 { "it is" } else { "they are" },
        );
        let flags: Vec<String> =
            self.suggested.iter().map(|set| format!("--id-fields {}", set.join(","))).collect();
        match flags.split_first() {
            None => format!(
                "{head}; no set of up to {} metadata fields tells every rollout apart",
                crate::study::MAX_ID_FIELDS
            ),
            Some((first, [])) => format!("{head}; these fields tell every rollout apart: {first}"),
            Some((first, others)) => {
                format!(
                    "{head}; these fields tell every rollout apart: {first} (or {})",
                    others.join(", or ")
                )
            }
        }
    }
}

/// One report per path: rollout files in the order they were met (a path that could not be
/// read at all included), then the score files in `--scores` order.
pub fn file_reports(
    study: &Study,
    order: &[String],
    score_paths: &[String],
    reports: &[ScoreReport],
) -> Vec<FileReport> {
    let mut paths: Vec<&str> =
        order.iter().map(String::as_str).filter(|p| !score_paths.iter().any(|s| s == p)).collect();
    for problem in &study.problems {
        if !paths.contains(&problem.path.as_str()) && !score_paths.contains(&problem.path) {
            paths.push(&problem.path);
        }
    }
    let mut files: Vec<FileReport> = paths.iter().map(|path| rollout_file(study, path)).collect();
    for path in score_paths {
        let report = reports.iter().find(|r| &r.path == path).cloned();
        let stats = report.as_ref().map(|r| r.stats).unwrap_or_default();
        let scores = report.as_ref().map(|r| r.scores.iter().map(|s| (s.name.clone(), s.values)).collect());
        files.push(FileReport {
            path: path.clone(),
            format: Some(SCORES_FORMAT),
            rollouts: stats.rollouts,
            turns: stats.used,
            scores: scores.unwrap_or_default(),
            problems: problems_of(study, path),
            score_file: report,
            part_of: None,
        });
    }
    files
}

fn rollout_file(study: &Study, path: &str) -> FileReport {
    let sources: Vec<usize> =
        study.sources.iter().enumerate().filter(|(_, s)| s.display == path).map(|(i, _)| i).collect();
    let mut report = FileReport {
        path: path.to_string(),
        format: sources.first().and_then(|&i| study.sources.get(i)).map(|s| s.format.name()),
        rollouts: 0,
        turns: 0,
        scores: Vec::new(),
        problems: problems_of(study, path),
        score_file: None,
        part_of: None,
    };
    if sources.is_empty()
        && let Some(folder) = study.sources.iter().find(|s| Path::new(path).starts_with(&s.display))
    {
        report.format = Some(folder.format.name());
        report.part_of = Some(folder.display.clone());
        return report;
    }
    for rollout in study.rollouts.iter().filter(|r| sources.contains(&(r.source as usize))) {
        report.rollouts += 1;
        report.turns += u64::from(rollout.n_turns);
        for scores in &rollout.scores {
            let count = scores.values.present() as u64;
            match report.scores.iter_mut().find(|(n, _)| *n == *scores.name) {
                Some((_, n)) => *n += count,
                None => report.scores.push((scores.name.to_string(), count)),
            }
        }
    }
    report
}

fn problems_of(study: &Study, path: &str) -> Vec<Problem> {
    study.problems.iter().filter(|p| p.path == path).cloned().collect()
}

/// `{"files": [...], "ok": bool}`.
pub fn to_json(files: &[FileReport]) -> Value {
    let files: Vec<Value> = files
        .iter()
        .map(|f| {
            let scores: Map<String, Value> = f.scores.iter().map(|(n, c)| (n.clone(), json!(c))).collect();
            let problems: Vec<Value> = f
                .problems
                .iter()
                .map(|p| {
                    json!({"line": p.line, "column": p.column, "entry": p.entry, "severity": p.severity,
                           "message": p.message})
                })
                .collect();
            let mut object = json!({"path": f.path, "format": f.format, "rollouts": f.rollouts, "turns": f.turns,
                                    "scores": scores, "problems": problems});
            if let (Some(report), Some(fields)) = (&f.score_file, object.as_object_mut()) {
                fields.insert("score_file".into(), json!(report));
            }
            if let (Some(folder), Some(fields)) = (&f.part_of, object.as_object_mut()) {
                fields.insert("part_of".into(), json!(folder));
            }
            object
        })
        .collect();
    let ok = files.iter().all(|f| f["problems"].as_array().is_some_and(Vec::is_empty));
    json!({"files": files, "ok": ok})
}

/// A file's summary line, then one indented line per kind of problem.
pub fn text_lines(file: &FileReport) -> Vec<String> {
    let mut head = format!("{}: ", file.path);
    match (&file.score_file, file.format) {
        (Some(r), _) => {
            let s = &r.stats;
            let join = if r.join.is_empty() { "nothing".to_string() } else { r.join.join(", ") };
            head.push_str(&format!(
                "{SCORES_FORMAT} {:?}, joined on {join}, turn {}, value {}; {} read, {} attached to {} ({} missing), \
                 {} not attached, {} replaced",
                r.name,
                r.turn_field.as_deref().unwrap_or("?"),
                r.value_field.as_deref().unwrap_or("?"),
                plural(s.rows, "row"),
                s.used,
                plural(s.rollouts, "rollout"),
                s.missing,
                s.unmatched_rollout + s.unmatched_turn,
                s.overwritten,
            ));
        }
        (None, Some(format)) if file.part_of.is_some() => {
            head.push_str(&format!("part of {} ({format})", file.part_of.as_deref().unwrap_or("?")));
        }
        (None, Some(format)) => {
            head.push_str(&format!(
                "{format}, {}, {}",
                plural(file.rollouts, "rollout"),
                plural(file.turns, "turn")
            ));
            if !file.scores.is_empty() {
                let scores: Vec<String> = file.scores.iter().map(|(n, c)| format!("{n} {c}")).collect();
                head.push_str(&format!(", scores: {}", scores.join(", ")));
            }
        }
        (None, None) => head.push_str("not read"),
    }
    if file.problems.is_empty() {
        head.push_str(" — ok");
    } else {
        head.push_str(&format!(" — {}", plural(file.problems.len() as u64, "problem")));
    }
    let mut lines = vec![head];
    if let Some(report) = &file.score_file {
        lines.extend(score_file_notes(report));
    }
    // One row per kind of problem (`--json` keeps every one).
    for group in problem::group(&file.problems) {
        lines.push(format!("  {}", group.in_file()));
    }
    lines
}

/// What a score file gave and what it left out: notes, not problems.
fn score_file_notes(report: &ScoreReport) -> Vec<String> {
    let mut lines = Vec::new();
    if !report.scores.is_empty() {
        let scores: Vec<String> = report
            .scores
            .iter()
            .map(|s| match s.kind {
                ScoreKind::Numeric => format!("{} {}", s.name, s.values),
                ScoreKind::Categorical => format!("{} {} (categorical)", s.name, s.values),
                ScoreKind::Text => format!("{} {} (text)", s.name, s.values),
            })
            .collect();
        lines.push(format!("  scores: {}", scores.join(", ")));
    }
    if let Some(field) = &report.name_field {
        lines.push(format!("  note: a long file: each value of {field:?} is a score name"));
    }
    if !report.checked.is_empty() {
        lines.push(format!(
            "  note: {} checked against each turn's text, not kept",
            report.checked.join(", ")
        ));
    }
    if !report.dropped.is_empty() {
        let dropped: Vec<String> =
            report.dropped.iter().map(|d| format!("{} ({})", d.field, d.reason)).collect();
        lines.push(format!("  note: not kept: {}; --keep FIELD keeps one", dropped.join(", ")));
    }
    lines
}

fn summary_line(files: &[FileReport]) -> String {
    let bad = files.iter().filter(|f| !f.problems.is_empty()).count();
    let problems: usize = files.iter().map(|f| f.problems.len()).sum();
    if problems == 0 {
        format!("{}, all ok", plural(files.len() as u64, "file"))
    } else {
        format!(
            "{}: {} ok, {bad} with {}",
            plural(files.len() as u64, "file"),
            files.len() - bad,
            plural(problems as u64, "problem")
        )
    }
}
