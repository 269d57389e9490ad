//! Command-line interface: `rollscope [PATHS]` opens the app; subcommands print figures as text
//! or `--json`, write errors to stderr and exit non-zero on failure.

use std::path::PathBuf;

pub mod bounds;
mod comparing;
mod grep;
mod report;
mod study;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use bounds::BootstrapOptions;
pub use comparing::Comparing;
pub use grep::GrepArgs;
pub use report::ReportArgs;
pub use study::{InputFormat, LabelOptions, ScoreFiles, StudyDefinition, StudyOptions};

use crate::config::Config;

/// Browse, label and measure LLM rollouts and their judge scores.
#[derive(Debug, Parser)]
#[command(name = "rollscope", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Rollout files or folders to open (none: the built-in demo study).
    pub paths: Vec<PathBuf>,
    /// Print where the config file is looked for, and exit.
    #[arg(long)]
    pub print_config_path: bool,
    /// Groups of the statistics (v) and compare (C) views, comma-separated (default:
    /// condition,dataset where present).
    #[arg(long)]
    pub by: Option<String>,
    /// The compare view's first baseline: FIELD=VALUE, FIELD one of --by (b cycles it).
    #[arg(long, value_name = "FIELD=VALUE", value_parser = bounds::field_value)]
    pub baseline: Option<(String, String)>,
    /// Pair rollouts across groups by this field (compare view; `=` finds the counterpart by
    /// it); default for `=`: the first of prompt_id, task_id, question_id, sample_id present.
    #[arg(long, value_name = "FIELD")]
    pub pair_on: Option<String>,
    /// Follow the files while a run writes them: lines appended to JSONL files and new rollout
    /// files in the folders given join the list within about a second (config: follow = true).
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub study: StudyOptions,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List rollouts: one row each with turns, scores and the self-deletion turn.
    Ls {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        study: StudyOptions,
    },
    /// Study figures per group and turn: mean score (bootstrap CI), % ≥ threshold (Wilson),
    /// cumulative self-deletion, per-conversation AUC.
    Stats {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        /// Group by these metadata fields, comma-separated (default: condition,dataset where present).
        #[arg(long)]
        by: Option<String>,
        #[command(flatten)]
        bootstrap: BootstrapOptions,
        /// Bootstrap whole clusters of rollouts sharing this field's value (e.g. prompt_id), as
        /// rollouts of one prompt are not independent.
        #[arg(long, value_name = "FIELD")]
        cluster: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        study: StudyOptions,
    },
    /// Each group against its baseline: differences per turn (mean, % ≥ threshold, cumulative
    /// self-deletion) and of AUC and self-deletion, with 95% CIs and p-values.
    Compare(CompareArgs),
    /// The study's figures for a paper and a page to share: SVG (and PNG) figures, the numbers
    /// behind each as CSV, stats/compare/agree JSON with the provenance, and one self-contained
    /// index.html, all in one folder.
    Report(ReportArgs),
    /// Agreement of human labels with the judge and with each other: MAE, Pearson, Spearman,
    /// quadratic and binary κ, Krippendorff's α, bias, each with a bootstrap CI; limits of
    /// agreement and the human mean at each judge level.
    Agree {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        bootstrap: BootstrapOptions,
        /// Only labels given in this spot-check queue: its name (the file's stem), or the queue
        /// file itself (then its labels by the queue's id, and the study from it).
        #[arg(long)]
        queue: Option<String>,
        /// The folder of queues `sample --annotators` wrote: the study comes from them, each
        /// annotator's labels from their own queue; progress per annotator is reported.
        #[arg(long, value_name = "DIR", conflicts_with = "queue")]
        queue_dir: Option<PathBuf>,
        /// Also each group of these metadata fields, comma-separated: the judge figures on the
        /// group's rollouts alone (numeric scores).
        #[arg(long)]
        by: Option<String>,
        /// Pair only labels given blind (in a spot-check review, before the judge's score was
        /// shown); the others are left out and counted.
        #[arg(long)]
        blind_only: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        study: StudyOptions,
    },
    /// Regex search over the message text of every rollout: one line per match (source,
    /// rollout, message, turn, role, byte range, snippet), or per rollout with --count. Exits 1
    /// when nothing matches, like grep.
    Grep(GrepArgs),
    /// One row per assistant turn with metadata, judge scores, self-deletion and every
    /// annotator's label (csv, jsonl); or the rollouts with labels merged in (rollouts).
    Export(ExportArgs),
    /// Draw a seeded, stratified sample of judge-scored turns into a spot-check queue file.
    Sample {
        /// Files or folders to sample from.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        sample: SampleArgs,
        #[command(flatten)]
        study: StudyOptions,
    },
    /// Work through a spot-check queue blind: the judge's score appears only after yours.
    Review {
        /// The queue file written by `rollscope sample` (it says which files, score files and
        /// options to open; options given here override them).
        queue: PathBuf,
        #[command(flatten)]
        blinding: Blinding,
        /// Adjudicate (a queue `sample --disagree` drew is adjudicated anyway): the judge and
        /// every annotator's value and note shown, a final score and a reason asked, saved to
        /// `adjudicated-<your name>.jsonl`.
        #[arg(long)]
        adjudicate: bool,
        #[command(flatten)]
        study: StudyOptions,
    },
    /// Check files: the format, rollouts, turns and scores read from each, and every problem with
    /// its place. Exits 1 when any file has a problem.
    Validate {
        /// Files or folders to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of a summary per file.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        study: StudyOptions,
    },
    /// Label files: carry labels over to new rollout ids.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Test aid (hidden): writes COUNT labels to the store in --labels, printing `ack N` after
    /// each one is fsync'd, so a test can kill -9 it at any moment and check nothing
    /// acknowledged is lost.
    #[cfg(feature = "testkit")]
    #[command(name = "__label-stress", hide = true)]
    LabelStress {
        #[arg(long)]
        count: u32,
        #[arg(long, default_value = "stress")]
        prefix: String,
        #[command(flatten)]
        labels: LabelOptions,
    },
}

impl Cli {
    /// Puts the config file's values under the command line's, for whichever command runs.
    pub fn apply_config(&mut self, config: &Config) {
        match &mut self.command {
            #[cfg(feature = "testkit")]
            Some(Command::LabelStress { labels, .. }) => labels.apply_config(config),
            // A review's options are the queue's under the command line's, and the config
            // file's under both: `commands::sample::review_options` puts them together.
            Some(Command::Review { .. }) | Some(Command::Agree { queue_dir: Some(_), .. }) => {}
            Some(command) => {
                if let Some(study) = command.study_options_mut() {
                    study.apply_config(config);
                }
            }
            None => self.study.apply_config(config),
        }
    }

    /// The study options of the command that runs (the app's without a subcommand).
    pub fn study_options(&self) -> Option<&StudyOptions> {
        match &self.command {
            None => Some(&self.study),
            Some(Command::Ls { study, .. })
            | Some(Command::Stats { study, .. })
            | Some(Command::Compare(CompareArgs { study, .. }))
            | Some(Command::Report(ReportArgs { study, .. }))
            | Some(Command::Agree { study, .. })
            | Some(Command::Export(ExportArgs { study, .. }))
            | Some(Command::Grep(GrepArgs { study, .. }))
            | Some(Command::Sample { study, .. })
            | Some(Command::Review { study, .. })
            | Some(Command::Validate { study, .. })
            | Some(Command::Labels(LabelsCommand::Migrate { study, .. })) => Some(study),
            #[cfg(feature = "testkit")]
            Some(Command::LabelStress { .. }) => None,
        }
    }
}

impl Command {
    fn study_options_mut(&mut self) -> Option<&mut StudyOptions> {
        match self {
            Command::Ls { study, .. }
            | Command::Stats { study, .. }
            | Command::Compare(CompareArgs { study, .. })
            | Command::Report(ReportArgs { study, .. })
            | Command::Agree { study, .. }
            | Command::Export(ExportArgs { study, .. })
            | Command::Grep(GrepArgs { study, .. })
            | Command::Sample { study, .. }
            | Command::Review { study, .. }
            | Command::Validate { study, .. }
            | Command::Labels(LabelsCommand::Migrate { study, .. }) => Some(study),
            #[cfg(feature = "testkit")]
            Command::LabelStress { .. } => None,
        }
    }
}

/// `rollscope labels …`: work on the label files themselves.
#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Append every label given under a rollout's old id (its `<file>:<line>` stand-in, or the
    /// file's own id) again under the id --id-fields builds. Nothing is rewritten: the old
    /// lines stay, and running it again appends nothing more.
    Migrate {
        /// The study's files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print the counts per label file as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        study: StudyOptions,
    },
}

/// `rollscope compare` options.
#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// Files or folders (none: the demo study).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub comparing: Comparing,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub study: StudyOptions,
}

/// `rollscope export` options. Here `--format` named the output format before `--to` did, so
/// the input format is `--input-format`; `--format` still works for one release, with a note.
#[derive(Debug, Args, Clone)]
#[command(mut_arg("format", |arg| arg.long("input-format")))]
pub struct ExportArgs {
    /// Files or folders (none: the demo study).
    pub paths: Vec<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Option<ExportFormat>,
    /// Deprecated: the old spelling of --to.
    #[arg(long = "format", id = "deprecated_format", value_enum, value_name = "FORMAT", hide = true)]
    #[arg(conflicts_with = "to")]
    pub deprecated_format: Option<ExportFormat>,
    /// Write here instead of to standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// CSV for a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`, a tab or a CR gets a
    /// leading `'`, so it is shown, not run as a formula (numbers are left as they are). Leave
    /// it off for pandas and other programs: they would read the `'`.
    #[arg(long)]
    pub spreadsheet_safe: bool,
    #[command(flatten)]
    pub study: StudyOptions,
}

/// What `export --to` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One row per assistant turn; reads in pandas without options.
    Csv,
    /// The same rows as JSON lines, with metadata, scores and labels as objects.
    Jsonl,
    /// The rollouts in the native format with `labels` on each assistant message.
    Rollouts,
    /// The per-turn rows as a typed Parquet table (zstd), for DuckDB, Polars and Spark.
    Parquet,
    /// One Parquet row per message: source, rollout, index, role, turn, content, tool_calls.
    ParquetMessages,
    /// One Parquet row per rollout, messages as a list: opens again in rollscope.
    ParquetRollouts,
    /// Every annotator's current labels as a Parquet table.
    ParquetLabels,
}

impl ExportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Rollouts => "rollouts",
            ExportFormat::Parquet => "parquet",
            ExportFormat::ParquetMessages => "parquet-messages",
            ExportFormat::ParquetRollouts => "parquet-rollouts",
            ExportFormat::ParquetLabels => "parquet-labels",
        }
    }

    /// Whether the output is a binary Parquet file (not for a terminal).
    pub fn is_parquet(self) -> bool {
        !matches!(self, ExportFormat::Csv | ExportFormat::Jsonl | ExportFormat::Rollouts)
    }
}

impl ExportArgs {
    /// `--to`, else the deprecated `--format`, else csv.
    pub fn target(&self) -> ExportFormat {
        self.to.or(self.deprecated_format).unwrap_or(ExportFormat::Csv)
    }

    /// What to tell a user who wrote `--format` for the output format.
    pub fn deprecation_note(&self) -> Option<String> {
        self.deprecated_format.map(|f| format!("--format on export is deprecated: use --to {}", f.name()))
    }
}

/// `rollscope sample` options.
#[derive(Debug, Args, Clone)]
pub struct SampleArgs {
    /// How many turns to draw (at most the eligible turns: more draws them all, with a note);
    /// with --disagree, at most this many (default: all).
    #[arg(long, required_unless_present = "disagree")]
    pub n: Option<usize>,
    /// Draw an adjudication queue instead: every labelled turn (all annotators in --labels)
    /// where a human and the judge, or two humans, are at least D apart.
    #[arg(long, value_name = "D", value_parser = bounds::finite)]
    pub disagree: Option<f64>,
    /// Seed: the same inputs and seed draw the same items in the same order.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Strata: metadata fields, and `turn:W` for turn buckets of width W (e.g. condition,dataset,turn:5).
    #[arg(long, default_value = "")]
    pub stratify: String,
    /// Eligible turns, e.g. `1-20`, `5,10,15`, `10-` (default: all).
    #[arg(long, value_parser = bounds::turns)]
    pub turns: Option<String>,
    /// Also draw extra turns whose judge score is at least this.
    #[arg(long, value_parser = bounds::finite)]
    pub oversample_above: Option<f64>,
    /// How many extra turns `--oversample-above` draws (default: a fifth of --n).
    #[arg(long)]
    pub extra: Option<usize>,
    /// The queue file to write.
    #[arg(short, long, default_value = "spot-check.json")]
    pub output: PathBuf,
    #[command(flatten)]
    pub blinding: Blinding,
    /// Split the sample between these annotators (comma-separated): one queue each, written
    /// into the folder -o names (DIR/NAME.json).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub annotators: Vec<String>,
    /// With --annotators: the fraction of the items every annotator gets (for their agreement
    /// with each other); the rest are split evenly.
    #[arg(long, default_value_t = 0.0, value_name = "F", requires = "annotators")]
    pub overlap: f64,
    /// Print the counts per stratum as JSON.
    #[arg(long)]
    pub json: bool,
}

/// When a review shows the judge: recorded in the queue by `sample`, overridden by `review`.
#[derive(Debug, Clone, Default, Args)]
pub struct Blinding {
    /// When the judge's values show: `end` (on the summary after the last item; default),
    /// `after-score` (right after each score) or `never`.
    #[arg(long, value_name = "WHEN")]
    pub reveal: Option<crate::sample::Reveal>,
    /// Show the judge's values of the turns before each item's (hidden by default: scores that
    /// climb turn by turn anchor the annotator).
    #[arg(long)]
    pub show_earlier: bool,
}

#[cfg(test)]
mod tests;
