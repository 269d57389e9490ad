//! The options every command that reads a study shares, and the app too: one struct flattened
//! into each, so a flag added here reaches all of them at once. The part that says what the
//! study is (`StudyDefinition`) is serialisable, to be stored beside what was computed from it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::formats::Format;
use crate::formats::judge_scores::ScoreFileSpec;
use crate::model::{ByteSize, ReadLimits, ScoreRange};

/// Options of every command that reads a study, and of the app.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct StudyOptions {
    #[command(flatten)]
    pub study: StudyDefinition,
    #[command(flatten)]
    pub labels: LabelOptions,
}

/// What the study is: its input format, its score files, the score looked at, the threshold
/// and the self-deletion pattern. Everything else (labels, output) is about the reader.
#[derive(Debug, Clone, Default, PartialEq, Args, Serialize, Deserialize)]
#[command(next_help_heading = "Study options")]
#[serde(default)]
pub struct StudyDefinition {
    /// Score name to show and measure (default: `frustration` if present, else the first found).
    #[arg(long, value_name = "NAME")]
    pub score: Option<String>,
    /// Threshold for "clearly high" scores (default 5).
    #[arg(long, value_name = "T", value_parser = super::bounds::finite)]
    pub threshold: Option<f64>,
    /// Regex marking a self-deletion turn (default `<<rm -rf[^>]*>>`); it must not match the
    /// empty string.
    #[arg(long, value_name = "REGEX", value_parser = super::bounds::hatch)]
    pub hatch: Option<String>,
    /// Force the input format instead of detecting it from the file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<InputFormat>,
    #[command(flatten)]
    pub score_files: ScoreFiles,
    /// An Inspect score's metadata field holding one value per assistant turn, read besides
    /// `per_turn` and `turn_scores`; in a Parquet file, a list column aligned with the turns.
    #[arg(long, value_name = "FIELD")]
    pub turn_array: Option<String>,
    /// Metadata fields whose values, joined by `/`, are each rollout's id (e.g.
    /// condition,task_id,rollout_idx gives harsh_tone/puzzle_07/3), so labels do not depend on
    /// line order.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub id_fields: Vec<String>,
    /// How much one file may hold: about the machine reading, not the study, so not stored.
    #[command(flatten)]
    #[serde(skip)]
    pub limits: FileLimits,
}

/// `--max-file` and `--max-entry`: what one rollout file, score file or archive may hold.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct FileLimits {
    /// Largest rollout or --scores file read, and the most one .eval archive inflates to in
    /// all (default 16GiB; units K, M, G, T).
    #[arg(long, value_name = "SIZE")]
    pub max_file: Option<ByteSize>,
    /// The most one .eval archive entry inflates to (default 1GiB).
    #[arg(long, value_name = "SIZE")]
    pub max_entry: Option<ByteSize>,
}

/// `--scores` files: per-turn judge scores kept apart from the transcripts, and how to join them.
#[derive(Debug, Clone, Default, PartialEq, Args, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreFiles {
    /// Per-turn judge scores in their own JSONL file, one row per assistant turn, joined to the
    /// rollouts (repeatable).
    #[arg(long = "scores", id = "scores", value_name = "FILE")]
    pub paths: Vec<PathBuf>,
    /// Score name of the matching --scores file, in order (default: the file's stem).
    #[arg(long = "score-name", id = "score_name", value_name = "NAME")]
    pub names: Vec<String>,
    /// Fields joining score rows to rollouts (`id` or metadata), comma-separated; `ROW=ROLLOUT`
    /// when the names differ (default: the fields both share).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub join: Vec<String>,
    /// Score-file field holding the 0-based assistant turn (default: turn, turn_index, turn_idx,
    /// assistant_turn or step).
    #[arg(long, value_name = "FIELD")]
    pub turn_field: Option<String>,
    /// Score-file field holding the value, -1 meaning the judge failed (default: the score name,
    /// score, value, rating, judge_score, or the single numeric field left).
    #[arg(long, value_name = "FIELD")]
    pub value_field: Option<String>,
    /// Score-file column whose values are score names, in a long file with one row per
    /// (rollout, turn, score name) (default: detected when one text column tells such rows apart).
    #[arg(long, value_name = "FIELD")]
    pub name_field: Option<String>,
    /// What the score files' first turn is numbered: 0 (default) or 1.
    #[arg(long, value_name = "0|1", value_parser = super::bounds::turn_base)]
    pub turn_base: Option<u32>,
    /// Score-file fields to keep although they look like noise (timestamps, prompt echoes, ids
    /// of the judge call) or repeat the turn's text (repeatable, or comma-separated).
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub keep: Vec<String>,
    /// Score-file fields not to keep (repeatable, or comma-separated).
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub drop: Vec<String>,
    /// String fields (score-file fields or score names) to read as categorical scores, however
    /// many values they have (repeatable, or comma-separated).
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// String fields (score-file fields or score names) to read as texts: quotes, rationales
    /// (repeatable, or comma-separated).
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub text: Vec<String>,
    /// The range the study's scores live in, such as 0-10: a score outside it is read as
    /// missing, with a warning (default: none).
    #[arg(long, value_name = "LOW-HIGH", allow_hyphen_values = true)]
    pub range: Option<ScoreRange>,
}

/// Whose labels, and where they are kept.
#[derive(Debug, Clone, Default, PartialEq, Args)]
#[command(next_help_heading = "Label options")]
pub struct LabelOptions {
    /// Labels folder (default: `rollscope-labels/` beside the first path).
    #[arg(long, value_name = "DIR")]
    pub labels: Option<PathBuf>,
    /// Your name as an annotator (default: the config file, else the login name).
    #[arg(long, value_name = "NAME")]
    pub annotator: Option<String>,
    /// The config file's `annotator`: names your own labels like --annotator, but, unlike it,
    /// does not narrow `agree` or `export` to one annotator.
    #[arg(skip)]
    pub config_annotator: Option<String>,
    /// Largest label file or spot-check queue read (default 256MiB).
    #[arg(long, value_name = "SIZE")]
    pub max_label_file: Option<ByteSize>,
}

/// What `--format` accepts: the canonical names, and the older names kept as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// One rollout per line: native, OpenAI or ShareGPT records (also: native, openai).
    #[value(alias = "native", alias = "openai")]
    #[serde(alias = "native", alias = "openai")]
    Jsonl,
    /// One rollout object, or an array of them (also: sharegpt).
    #[value(alias = "sharegpt")]
    #[serde(alias = "sharegpt")]
    Json,
    /// An Inspect log in JSON (also: inspect-json).
    #[value(alias = "inspect-json")]
    #[serde(alias = "inspect-json")]
    Inspect,
    /// An Inspect `.eval` archive (also: inspect-eval).
    #[value(alias = "inspect-eval")]
    #[serde(alias = "inspect-eval")]
    Eval,
    /// Apache Parquet with a messages column, one rollout per row.
    Parquet,
    /// Claude Code session logs (one event per line).
    ClaudeCode,
    /// An ATIF agent trajectory.
    Atif,
}

impl From<InputFormat> for Format {
    fn from(format: InputFormat) -> Format {
        match format {
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Json => Format::Json,
            InputFormat::Inspect => Format::InspectJson,
            InputFormat::Eval => Format::InspectEval,
            InputFormat::Parquet => Format::Parquet,
            InputFormat::ClaudeCode => Format::ClaudeCode,
            InputFormat::Atif => Format::Atif,
        }
    }
}

impl StudyOptions {
    /// Config-file values go under command-line ones. This, with `Cli::apply_config`, is the
    /// one place they meet.
    pub fn apply_config(&mut self, config: &Config) {
        self.study.apply_config(config);
        self.labels.apply_config(config);
    }

    /// The `--scores` files and how to read them.
    pub fn score_files(&self) -> Result<Vec<ScoreFileSpec>, String> {
        self.study.score_files.specs()
    }

    /// Every size limit: the study's and the label files'.
    pub fn read_limits(&self) -> ReadLimits {
        let mut limits = self.study.read_limits();
        if let Some(size) = self.labels.max_label_file {
            limits.label_file = size.0;
        }
        limits
    }
}

impl StudyDefinition {
    /// These options (the command line's) over `stored` ones (a queue's): every option given
    /// here wins, every other is the stored one. Done on the serialised form, so an option
    /// added later needs nothing here.
    pub fn over(self, stored: StudyDefinition) -> StudyDefinition {
        fn overlay(base: &mut serde_json::Value, top: serde_json::Value) {
            match (base, top) {
                (serde_json::Value::Object(base), serde_json::Value::Object(top)) => {
                    for (key, value) in top {
                        overlay(base.entry(key).or_insert(serde_json::Value::Null), value);
                    }
                }
                (_, serde_json::Value::Null) => {}
                (_, serde_json::Value::Array(items)) if items.is_empty() => {}
                (base, top) => *base = top,
            }
        }
        let limits = self.limits.clone();
        let (Ok(mut base), Ok(top)) = (serde_json::to_value(&stored), serde_json::to_value(&self)) else {
            return self;
        };
        overlay(&mut base, top);
        let merged: Option<StudyDefinition> = serde_json::from_value(base).ok();
        StudyDefinition { limits, ..merged.unwrap_or(stored) }
    }

    pub fn apply_config(&mut self, config: &Config) {
        self.score = self.score.take().or_else(|| config.score.clone());
        self.threshold = self.threshold.or(config.threshold);
        self.hatch = self.hatch.take().or_else(|| config.hatch.clone());
        if self.id_fields.is_empty() {
            self.id_fields = config.id_fields.clone().unwrap_or_default();
        }
        self.limits.max_file = self.limits.max_file.or(config.max_file);
        self.limits.max_entry = self.limits.max_entry.or(config.max_entry);
    }

    /// The size limits of rollout files, score files and archives (label files at their
    /// default: see `StudyOptions::read_limits`).
    pub fn read_limits(&self) -> ReadLimits {
        let defaults = ReadLimits::default();
        ReadLimits {
            file: self.limits.max_file.map_or(defaults.file, |s| s.0),
            entry: self.limits.max_entry.map_or(defaults.entry, |s| s.0),
            ..defaults
        }
    }
}

impl ScoreFiles {
    /// The `--scores` files and how to read them; the i-th `--score-name` names the i-th file.
    pub fn specs(&self) -> Result<Vec<ScoreFileSpec>, String> {
        if self.names.len() > self.paths.len() {
            return Err(format!(
                "--score-name given {} times but --scores only {}: one name per score file, in order",
                self.names.len(),
                self.paths.len()
            ));
        }
        let needs_scores = [
            ("--join", !self.join.is_empty()),
            ("--turn-field", self.turn_field.is_some()),
            ("--value-field", self.value_field.is_some()),
            ("--name-field", self.name_field.is_some()),
            ("--turn-base", self.turn_base.is_some()),
            ("--keep", !self.keep.is_empty()),
            ("--drop", !self.drop.is_empty()),
        ];
        if self.paths.is_empty()
            && let Some((flag, _)) = needs_scores.iter().find(|(_, given)| *given)
        {
            return Err(format!("{flag} applies to --scores files; give one with --scores FILE"));
        }
        Ok(self
            .paths
            .iter()
            .enumerate()
            .map(|(i, path)| ScoreFileSpec {
                path: path.clone(),
                name: self.names.get(i).cloned(),
                join: (!self.join.is_empty()).then(|| self.join.clone()),
                turn_field: self.turn_field.clone(),
                value_field: self.value_field.clone(),
                name_field: self.name_field.clone(),
                turn_base: self.turn_base.unwrap_or(0),
                keep: self.keep.clone(),
                drop: self.drop.clone(),
                categorical: self.categorical.clone(),
                text: self.text.clone(),
                range: self.range,
            })
            .collect())
    }
}

impl LabelOptions {
    /// The config file's annotator, used when --annotator is not given.
    pub fn apply_config(&mut self, config: &Config) {
        self.config_annotator = config.annotator.clone();
        self.max_label_file = self.max_label_file.or(config.max_label_file);
    }

    /// The label-file limit: `--max-label-file`, else the config's, else 256 MiB.
    pub fn label_file_limit(&self) -> crate::model::Limit {
        let mut limits = ReadLimits::default();
        if let Some(size) = self.max_label_file {
            limits.label_file = size.0;
        }
        limits.label_file()
    }

    /// The labels folder: `--labels`, else `rollscope-labels/` inside a folder path or beside a
    /// file path; for the demo, a folder in the platform data directory.
    pub fn dir(&self, paths: &[PathBuf]) -> PathBuf {
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

    /// Your annotator name: `--annotator`, else the config file's, else the login name, else
    /// "annotator".
    pub fn annotator_name(&self) -> String {
        self.annotator
            .clone()
            .or_else(|| self.config_annotator.clone())
            .or_else(|| ["USER", "LOGNAME", "USERNAME"].iter().find_map(|v| std::env::var(v).ok()))
            .filter(|n| !n.trim().is_empty())
            .or_else(os_user_name)
            .unwrap_or_else(|| "annotator".to_string())
    }
}

/// The name of the user running rollscope, from the system's user table, for when `$USER` is
/// unset (a container, a cron job, `sudo -i`): labels are then still one person's. The uid is
/// that of `/proc/self`, so no unsafe call is needed.
fn os_user_name() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        let table = std::fs::read_to_string("/etc/passwd").ok()?;
        user_of(&table, uid)
    }
    #[cfg(not(unix))]
    None
}

/// The name of `uid` in `/etc/passwd` text (`name:x:uid:gid:…`).
pub(super) fn user_of(table: &str, uid: u32) -> Option<String> {
    table.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests;
