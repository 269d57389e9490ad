//! `rollscope report` options. The app builds the same options for `R` (its filter, score,
//! threshold and grouping), and `argv` writes them back as the command line that makes the
//! same report, for the report's provenance.

use std::path::PathBuf;

use clap::Args;

use super::{BootstrapOptions, Comparing, StudyOptions, bounds};

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Files or folders (none: the demo study).
    pub paths: Vec<PathBuf>,
    /// The folder to write (refused when it exists and is not empty, unless --force).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Write into a folder that is not empty (files of the same names are replaced).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub comparing: Comparing,
    /// Only rollouts matching this filter (the app's `f` filter language, e.g.
    /// `condition=harsh_tone max>=5`).
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Also a full-width (7 in) variant of each figure, `NAME.wide.svg`.
    #[arg(long)]
    pub wide: bool,
    /// Also a 300 dpi PNG beside each SVG.
    #[arg(long)]
    pub png: bool,
    #[command(flatten)]
    pub study: StudyOptions,
}

impl ReportArgs {
    /// The app's `R`: the study as opened, the defaults of `report`, the labels folder in
    /// `--labels` and as the output (the app puts its report in it).
    pub fn template(paths: Vec<PathBuf>, study: StudyOptions, labels: PathBuf) -> ReportArgs {
        let mut study = study;
        study.labels.labels = Some(labels.clone());
        ReportArgs {
            paths,
            output: labels,
            force: false,
            comparing: Comparing {
                by: None,
                baseline: None,
                pair_on: None,
                cluster: None,
                bootstrap: BootstrapOptions { boot: bounds::DEFAULT_BOOT, seed: 0 },
                perm: bounds::DEFAULT_PERM,
            },
            filter: None,
            wide: false,
            png: false,
            study,
        }
    }

    /// The command line that writes this report: the options that change it, in a fixed order.
    pub fn argv(&self) -> Vec<String> {
        let mut words = vec!["rollscope".to_string(), "report".to_string()];
        words.extend(self.paths.iter().map(|p| p.display().to_string()));
        let mut flag = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                words.push(name.to_string());
                words.push(v);
            }
        };
        let definition = &self.study.study;
        for scores in &definition.score_files.paths {
            flag("--scores", Some(scores.display().to_string()));
        }
        flag("--score", definition.score.clone());
        flag("--threshold", definition.threshold.map(|t| t.to_string()));
        flag("--hatch", definition.hatch.clone());
        let c = &self.comparing;
        flag("--by", c.by.clone());
        flag("--baseline", c.baseline.as_ref().map(|(f, v)| format!("{f}={v}")));
        flag("--pair-on", c.pair_on.clone());
        flag("--cluster", c.cluster.clone());
        flag("--filter", self.filter.clone());
        flag("--labels", self.study.labels.labels.as_ref().map(|p| p.display().to_string()));
        flag("--boot", Some(c.bootstrap.boot.to_string()));
        flag("--perm", Some(c.perm.to_string()));
        flag("--seed", Some(c.bootstrap.seed.to_string()));
        flag("-o", Some(self.output.display().to_string()));
        words
    }
}
