//! Command-line interface: `rollscope [PATHS]` opens the app; subcommands print figures as text
//! or `--json`, write errors to stderr and exit non-zero on failure.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::formats::judge_scores::ScoreFileSpec;

/// Browse, label and measure LLM rollouts and their judge scores.
#[derive(Debug, Parser)]
#[command(name = "rollscope", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Rollout files or folders to open (none: the built-in demo study).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub study: StudyArgs,
    /// Print where the config file is looked for, and exit.
    #[arg(long)]
    pub print_config_path: bool,
}

/// Options every command that reads a study accepts.
#[derive(Debug, Args, Clone, Default)]
pub struct StudyArgs {
    /// Score name to show and measure (default: `frustration` if present, else the first found).
    #[arg(long, global = true)]
    pub score: Option<String>,
    /// Threshold for "clearly high" scores (default 5).
    #[arg(long, global = true)]
    pub threshold: Option<f64>,
    /// Regex marking a self-deletion turn (default `<<rm -rf[^>]*>>`).
    #[arg(long, global = true)]
    pub hatch: Option<String>,
    /// Force the input format instead of detecting it: jsonl, json, inspect or eval.
    #[arg(long)]
    pub format: Option<String>,
    /// Labels folder (default: `rollscope-labels/` beside the first path).
    #[arg(long, global = true)]
    pub labels: Option<PathBuf>,
    /// Your name as an annotator (default: the config file, else the login name).
    #[arg(long, global = true)]
    pub annotator: Option<String>,
    /// Per-turn judge scores in their own JSONL file, one row per assistant turn, joined to the
    /// rollouts (repeatable).
    #[arg(long = "scores", value_name = "FILE", global = true)]
    pub score_files: Vec<PathBuf>,
    /// Score name of the matching --scores file, in order (default: the file's stem).
    #[arg(long = "score-name", value_name = "NAME", global = true)]
    pub score_names: Vec<String>,
    /// Fields joining score rows to rollouts (`id` or metadata), comma-separated; `ROW=ROLLOUT`
    /// when the names differ (default: the fields both share).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',', global = true)]
    pub join: Vec<String>,
    /// Score-file field holding the 0-based assistant turn (default: turn, turn_index, turn_idx,
    /// assistant_turn or step).
    #[arg(long, value_name = "FIELD", global = true)]
    pub turn_field: Option<String>,
    /// Score-file field holding the value, -1 meaning the judge failed (default: the score name,
    /// score, value, rating, judge_score, or the single numeric field left).
    #[arg(long, value_name = "FIELD", global = true)]
    pub value_field: Option<String>,
}

impl StudyArgs {
    /// The labels folder: `--labels`, else `rollscope-labels/` inside a folder path or beside a
    /// file path; for the demo, a folder in the platform data directory.
    pub fn labels_dir(&self, paths: &[PathBuf]) -> PathBuf {
        if let Some(dir) = &self.labels {
            return dir.clone();
        }
        let name = crate::load::walk::LABELS_DIR_NAME;
        match paths.first() {
            Some(p) if p.is_dir() => p.join(name),
            Some(p) => p.parent().map_or_else(|| PathBuf::from(name), |d| d.join(name)),
            None => directories::ProjectDirs::from("", "", "rollscope")
                .map_or_else(|| PathBuf::from(name), |d| d.data_dir().join("demo-labels")),
        }
    }

    /// The `--scores` files and how to read them; the i-th `--score-name` names the i-th file.
    pub fn score_files(&self) -> Result<Vec<ScoreFileSpec>, String> {
        if self.score_names.len() > self.score_files.len() {
            return Err(format!(
                "--score-name given {} times but --scores only {}: one name per score file, in order",
                self.score_names.len(),
                self.score_files.len()
            ));
        }
        let needs_scores = [
            ("--join", !self.join.is_empty()),
            ("--turn-field", self.turn_field.is_some()),
            ("--value-field", self.value_field.is_some()),
        ];
        if self.score_files.is_empty()
            && let Some((flag, _)) = needs_scores.iter().find(|(_, given)| *given)
        {
            return Err(format!("{flag} applies to --scores files; give one with --scores FILE"));
        }
        Ok(self
            .score_files
            .iter()
            .enumerate()
            .map(|(i, path)| ScoreFileSpec {
                path: path.clone(),
                name: self.score_names.get(i).cloned(),
                join: (!self.join.is_empty()).then(|| self.join.clone()),
                turn_field: self.turn_field.clone(),
                value_field: self.value_field.clone(),
            })
            .collect())
    }

    /// `--annotator`, else the login name, else "annotator" (the config file is merged in
    /// before this is asked).
    pub fn annotator_name(&self) -> String {
        self.annotator
            .clone()
            .or_else(|| ["USER", "LOGNAME", "USERNAME"].iter().find_map(|v| std::env::var(v).ok()))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "annotator".to_string())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List rollouts: one row each with turns, scores and the self-deletion turn.
    Ls {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        /// Force the input format instead of detecting it: jsonl, json, inspect or eval.
        #[arg(long)]
        format: Option<String>,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Study figures per group and turn: mean score (bootstrap CI), % ≥ threshold (Wilson),
    /// cumulative self-deletion, per-conversation AUC.
    Stats {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        /// Force the input format instead of detecting it: jsonl, json, inspect or eval.
        #[arg(long)]
        format: Option<String>,
        /// Group by these metadata fields, comma-separated (default: condition,dataset where present).
        #[arg(long)]
        by: Option<String>,
        /// Bootstrap replicates for the mean's confidence interval.
        #[arg(long, default_value_t = 2000)]
        boot: usize,
        /// Bootstrap seed: the same seed gives the same intervals.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Agreement of human labels with the judge and with each other: MAE, Pearson, Spearman,
    /// quadratic and binary κ, Krippendorff's α, each with a bootstrap CI.
    Agree {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        /// Force the input format instead of detecting it: jsonl, json, inspect or eval.
        #[arg(long)]
        format: Option<String>,
        /// Bootstrap replicates for the confidence intervals.
        #[arg(long, default_value_t = 2000)]
        boot: usize,
        /// Bootstrap seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Only labels given in this spot-check queue (its file name).
        #[arg(long)]
        queue: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// One row per assistant turn with metadata, judge scores, self-deletion and every
    /// annotator's label (csv, jsonl); or the rollouts with labels merged in (rollouts).
    Export {
        /// Files or folders (none: the demo study).
        paths: Vec<PathBuf>,
        /// csv, jsonl, or rollouts (the native format with `labels` on assistant messages).
        #[arg(long, default_value = "csv")]
        format: String,
        /// Force the input format instead of detecting it: jsonl, json, inspect or eval.
        #[arg(long)]
        input_format: Option<String>,
        /// Write here instead of to standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Draw a seeded, stratified sample of judge-scored turns into a spot-check queue file.
    Sample {
        /// Files or folders to sample from.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        sample: SampleArgs,
        /// Force the input format instead of detecting it.
        #[arg(long)]
        format: Option<String>,
    },
    /// Work through a spot-check queue blind: the judge's score appears only after yours.
    Review {
        /// The queue file written by `rollscope sample`.
        queue: PathBuf,
    },
    /// Check files: the format, rollouts, turns and scores read from each, and every problem with
    /// its place. Exits 1 when any file has a problem.
    Validate {
        /// Files or folders to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Force the input format instead of detecting it: jsonl, json, inspect or eval.
        #[arg(long)]
        format: Option<String>,
        /// Print JSON instead of a summary per file.
        #[arg(long)]
        json: bool,
    },
    /// Test aid (hidden): writes COUNT labels to the store in --labels, printing `ack N` after
    /// each one is fsync'd, so a test can kill -9 it at any moment and check nothing
    /// acknowledged is lost.
    #[command(name = "__label-stress", hide = true)]
    LabelStress {
        #[arg(long)]
        count: u32,
        #[arg(long, default_value = "stress")]
        prefix: String,
    },
}

/// `rollscope sample` options.
#[derive(Debug, Args, Clone)]
pub struct SampleArgs {
    /// How many turns to draw.
    #[arg(long)]
    pub n: usize,
    /// Seed: the same inputs and seed give a byte-identical queue.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Strata: metadata fields, and `turn:W` for turn buckets of width W (e.g. condition,dataset,turn:5).
    #[arg(long, default_value = "")]
    pub stratify: String,
    /// Eligible turns, e.g. `1-20`, `5,10,15`, `10-` (default: all).
    #[arg(long)]
    pub turns: Option<String>,
    /// Also draw extra turns whose judge score is at least this.
    #[arg(long)]
    pub oversample_above: Option<f64>,
    /// How many extra turns `--oversample-above` draws (default: a fifth of --n).
    #[arg(long)]
    pub extra: Option<usize>,
    /// The queue file to write.
    #[arg(short, long, default_value = "spot-check.json")]
    pub output: PathBuf,
    /// Print the counts per stratum as JSON.
    #[arg(long)]
    pub json: bool,
}
