//! Command-line interface: `rollscope [PATHS]` opens the app; subcommands print figures as text
//! or `--json`, write errors to stderr and exit non-zero on failure.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Force a file format instead of detecting it: jsonl or json.
    #[arg(long, global = true)]
    pub format: Option<String>,
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
    },
}
