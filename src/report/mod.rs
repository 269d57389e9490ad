//! `rollscope report` (and the app's `R`): the study's figures as SVG (and PNG), the numbers
//! behind each as CSV, `stats`/`compare`/`agree` as JSON with the provenance, and one
//! self-contained HTML page with all of it. Nothing here loads a study: the command and the
//! app hand over the one they have (the app's with its filter applied).

pub mod agreement;
pub mod categories;
pub mod draw;
pub mod figure;
pub mod figures;
mod html;
pub mod provenance;
mod run;

pub use run::run;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::metrics::compare::{CompareOptions, CompareReport, compare};
use crate::metrics::pairs::{
    AgreementReport, CategoricalReport, PairOptions, ReportScope, categories_report, report,
};
use crate::metrics::study::{
    CategoryStats, StatsOptions, StudyStats, category_stats, rollout_aucs, study_stats,
};
use crate::model::{LabelSet, ScoreKind};
use crate::store::output::{self, Inputs};
use crate::study::Study;
use figure::Figure;
use provenance::Provenance;

/// What to compute and draw.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The score, threshold, groups and resampling of every figure, as `compare` takes them
    /// (`stats` takes its part; a comparison is made only with a baseline).
    pub options: CompareOptions,
    /// Also `NAME.wide.svg`, a full page wide.
    pub wide: bool,
    /// Also a 300 dpi PNG beside each SVG.
    pub png: bool,
}

/// The labels to compare with the judge: every annotator's in the folder.
#[derive(Debug, Clone)]
pub struct Labels {
    pub annotators: Vec<(String, LabelSet)>,
    /// The label files read (hashed in the provenance).
    pub files: Vec<PathBuf>,
}

/// Everything a report is made from, besides the study.
#[derive(Debug)]
pub struct Request {
    pub settings: Settings,
    pub out: PathBuf,
    /// Write into a folder that is not empty.
    pub force: bool,
    pub labels: Option<Labels>,
    /// Problems found while loading (and reading labels), shown on the page.
    pub problems: Vec<String>,
    pub provenance: Provenance,
    /// Files the study was read from, with their role, for the provenance.
    pub input_files: Vec<(PathBuf, &'static str)>,
    /// The built-in demo's name and bytes, when it is the study.
    pub demo: Option<(&'static str, &'static [u8])>,
    /// Every file the study reads: an output may be none of them.
    pub inputs: Inputs,
}

/// What was written.
#[derive(Debug)]
pub struct Written {
    pub dir: PathBuf,
    pub figures: Vec<String>,
    pub files: usize,
}

/// `stats` as the command computes it, for a numeric or a categorical score.
pub enum Stats {
    Numeric(StudyStats),
    Categorical(CategoryStats),
}

/// `agree` as the command computes it.
pub enum Agree {
    Numeric(AgreementReport),
    Categorical(CategoricalReport),
}

/// The figures and reports computed from a study, before anything is written.
pub struct Computed {
    pub stats: Stats,
    pub compare: Option<CompareReport>,
    pub agree: Option<Agree>,
    pub figures: Vec<Figure>,
}

impl Computed {
    /// `report.json`'s figures: each as its command's `--json` prints it.
    fn json(&self) -> Result<(Value, Value), serde_json::Error> {
        let stats = match &self.stats {
            Stats::Numeric(s) => serde_json::to_value(s)?,
            Stats::Categorical(s) => serde_json::to_value(s)?,
        };
        let agree = match &self.agree {
            Some(Agree::Numeric(a)) => serde_json::to_value(a)?,
            Some(Agree::Categorical(a)) => serde_json::to_value(a)?,
            None => Value::Null,
        };
        Ok((stats, agree))
    }
}

/// Computes every figure of the report.
pub fn compute(study: &Study, request: &Request) -> Result<Computed, String> {
    let s = &request.settings.options;
    let options = StatsOptions {
        score: s.score.clone(),
        threshold: s.threshold,
        by: s.by.clone(),
        boot: s.boot,
        seed: s.seed,
        cluster: s.cluster.clone(),
    };
    let kind = study.score_kind(&s.score);
    let mut figures = Vec::new();
    let (stats, compared) = if kind == Some(ScoreKind::Categorical) {
        let counts = category_stats(&study.rollouts, &options);
        figures.push(categories::stacked(&counts));
        (Stats::Categorical(counts), None)
    } else {
        let (stats, compared) = rayon::join(
            || study_stats(&study.rollouts, &options),
            || s.baseline.as_ref().map(|_| compare(&study.rollouts, s)),
        );
        let compared = compared.transpose().map_err(|e| e.to_string())?;
        let aucs: Vec<Vec<(String, f64)>> = rollout_aucs(&stats, &study.rollouts, &s.score)
            .into_iter()
            .map(|g| g.into_iter().map(|(i, auc)| (study.rollouts[i].id.to_string(), auc)).collect())
            .collect();
        figures.extend(figures::turn_figures(&stats));
        figures.push(figures::auc_strip(&stats, &aucs, s.seed));
        figures.push(figures::headline(&stats, compared.as_ref()));
        (Stats::Numeric(stats), compared)
    };
    // Every other categorical score of the study (a judge's tag beside its number) gets its
    // stacked bars too.
    for name in study.score_names_of(ScoreKind::Categorical) {
        if *name != *s.score {
            let counts =
                category_stats(&study.rollouts, &StatsOptions { score: name.to_string(), ..options.clone() });
            figures.push(categories::stacked(&counts));
        }
    }
    let agree = match &request.labels {
        Some(labels) if !labels.annotators.is_empty() => {
            let pair =
                PairOptions { score: s.score.clone(), threshold: s.threshold, boot: s.boot, seed: s.seed };
            if kind == Some(ScoreKind::Categorical) {
                Some(Agree::Categorical(categories_report(study, &labels.annotators, &pair, false)))
            } else {
                let r = report(study, &labels.annotators, &pair, &ReportScope::default());
                figures.extend(agreement::figures(&r));
                Some(Agree::Numeric(r))
            }
        }
        _ => None,
    };
    Ok(Computed { stats, compare: compared, agree, figures })
}

/// Computes the report and writes its folder.
pub fn write(study: &Study, request: &Request) -> Result<Written, String> {
    let dir = &request.out;
    refuse_non_empty(dir, request.force)?;
    let (computed, inputs) = rayon::join(
        || compute(study, request),
        || provenance::hash_inputs(&request.input_files, request.demo),
    );
    let computed = computed?;
    let provenance = Provenance { inputs, ..request.provenance.clone() };
    let s = &request.settings;
    // Drawn on every core: the figures are independent.
    let drawn: Vec<Result<Drawn, String>> = {
        use rayon::prelude::*;
        computed.figures.par_iter().map(|f| Drawn::of(f, s)).collect()
    };
    let drawn: Vec<Drawn> = drawn.into_iter().collect::<Result<_, _>>()?;
    let (stats, agree) = computed.json().map_err(|e| e.to_string())?;
    let json = json!({
        "provenance": provenance,
        "stats": stats,
        "compare": computed.compare,
        "agree": agree,
        "problems": request.problems,
    });
    let json = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    let page = html::page(&computed, &drawn, &request.problems, &provenance);
    // Every file's bytes borrowed from what was drawn and made above.
    let figure = |name: &str| dir.join("figures").join(name);
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    for d in &drawn {
        files.push((figure(&format!("{}.svg", d.name)), d.svg.as_bytes()));
        if let Some(wide) = &d.wide {
            files.push((figure(&format!("{}.wide.svg", d.name)), wide.as_bytes()));
        }
        if let Some(png) = &d.png {
            files.push((figure(&format!("{}.png", d.name)), png));
        }
        files.push((dir.join("data").join(format!("{}.csv", d.name)), &d.csv));
    }
    files.push((dir.join("report.json"), json.as_bytes()));
    files.push((dir.join("index.html"), page.as_bytes()));
    for folder in [dir.clone(), dir.join("figures"), dir.join("data")] {
        output::create_folder(&folder).map_err(|e| e.to_string())?;
    }
    for (path, bytes) in &files {
        output::write(path, bytes, &request.inputs).map_err(|e| e.to_string())?;
    }
    Ok(Written {
        dir: dir.clone(),
        figures: drawn.iter().map(|d| d.name.clone()).collect(),
        files: files.len(),
    })
}

/// A figure drawn: its SVG (column wide), the wide one and the PNG when asked, its CSV.
pub struct Drawn {
    pub name: String,
    pub title: String,
    pub svg: String,
    pub wide: Option<String>,
    pub png: Option<Vec<u8>>,
    pub csv: Vec<u8>,
}

impl Drawn {
    fn of(f: &Figure, s: &Settings) -> Result<Drawn, String> {
        let fail = |e: String| format!("cannot draw {}: {e}", f.name);
        Ok(Drawn {
            name: f.name.clone(),
            title: f.title.clone(),
            svg: draw::svg(f, draw::COLUMN).map_err(fail)?,
            wide: if s.wide { Some(draw::svg(f, draw::WIDE).map_err(fail)?) } else { None },
            png: if s.png { Some(draw::png(f, draw::COLUMN).map_err(fail)?) } else { None },
            csv: f.table.csv().map_err(|e| fail(e.to_string()))?,
        })
    }
}

/// A report goes into a new or empty folder, unless `--force`.
fn refuse_non_empty(dir: &Path, force: bool) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if !force && entries.next().is_some() {
                return Err(format!(
                    "{} exists and is not empty; choose a new folder, or give --force to write into it",
                    dir.display()
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.is_file() => Err(format!("{} is a file; the report needs a folder", dir.display())),
        Err(e) => Err(format!("cannot read {}: {e}", dir.display())),
    }
}

/// A name as a file stem: letters, digits, `-`, `_` and `.` kept, anything else `_`.
pub fn file_stem(name: &str) -> String {
    let stem: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    stem.trim_start_matches('.').to_string()
}
