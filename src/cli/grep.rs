//! `rollscope grep`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::StudyOptions;

/// Search the message text of every rollout (Rust regex syntax, like grep).
#[derive(Debug, Clone, Args)]
pub struct GrepArgs {
    /// A regex (Rust `regex` syntax); with -F, a literal. Case is ignored unless it has an
    /// uppercase letter (smart case).
    pub pattern: String,
    /// Files or folders (none: the demo study).
    pub paths: Vec<PathBuf>,
    /// Ignore case, whatever the pattern's letters.
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Match the pattern literally, not as a regex.
    #[arg(short = 'F', long)]
    pub fixed_strings: bool,
    /// Only messages of this role (system, user, assistant, tool, or a file's own role name).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Only assistant turns in this list: `1-20`, `5,10,15`, `10-` (1-based).
    #[arg(long, value_name = "SPEC", value_parser = super::bounds::turns)]
    pub turns: Option<String>,
    /// One JSON object per line: per hit, or per rollout with --count.
    #[arg(long)]
    pub json: bool,
    /// One line per rollout with a match: its id and how many matches it holds.
    #[arg(long)]
    pub count: bool,
    #[command(flatten)]
    pub study: StudyOptions,
}
