//! Reading rollout files: format detection and decoding of one record (a JSONL line or a JSON
//! array element) into an index entry or a full rollout.

pub mod agents;
pub mod chat;
pub mod chat_index;
pub mod chat_roles;
pub mod chat_text;
pub mod fields;
pub mod input;
pub mod inspect;
pub mod json_scalar;
pub mod json_scan;
pub mod json_text;
pub mod judge_scores;
pub mod mtbench;
pub mod parquet;
mod record;
mod record_value;

pub use chat_index::{IndexContext, RecordVisitor, summary_of};
pub use fields::stand_in_id;
pub use record::{RecordError, ShapeError, parse_value, record_error};

use std::path::{Path, PathBuf};

use crate::model::{Interner, Locator, Rollout, RolloutSummary};

/// How a file holds its rollouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// One rollout object per line (native, OpenAI or ShareGPT records).
    Jsonl,
    /// One rollout object, or an array of them.
    Json,
    /// An Inspect log in JSON.
    InspectJson,
    /// An Inspect `.eval` archive (zip).
    InspectEval,
    /// FastChat's MT-Bench folder: questions, model answers and judgments (`mtbench`).
    MtBench,
    /// Apache Parquet, one rollout per row with a list of messages (`parquet`).
    Parquet,
    /// Claude Code session logs: one event per line (`agents::claude_code`).
    ClaudeCode,
    /// An ATIF agent trajectory (`agents::atif`).
    Atif,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::InspectJson => "inspect-json",
            Format::InspectEval => "inspect-eval",
            Format::MtBench => "mt-bench",
            Format::Parquet => "parquet",
            Format::ClaudeCode => "claude-code",
            Format::Atif => "atif",
        }
    }

    /// The names `--format` accepts.
    pub fn parse(name: &str) -> Result<Format, FormatError> {
        match name {
            "jsonl" | "native" | "openai" => Ok(Format::Jsonl),
            "json" | "sharegpt" => Ok(Format::Json),
            "inspect" | "inspect-json" => Ok(Format::InspectJson),
            "eval" | "inspect-eval" => Ok(Format::InspectEval),
            "parquet" => Ok(Format::Parquet),
            "claude-code" => Ok(Format::ClaudeCode),
            "atif" => Ok(Format::Atif),
            _ => Err(FormatError::UnknownName { name: name.to_string() }),
        }
    }
}

/// A format that cannot be named or told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// `--format` with a name no format has.
    #[error(
        "unknown format {name:?}: expected jsonl (native, openai), json (sharegpt), inspect, eval, parquet, claude-code or atif"
    )]
    UnknownName { name: String },
    /// Neither the file's extension nor its first bytes tell its format.
    #[error("unknown format: expected a .json, .jsonl, .eval or .parquet file holding rollouts")]
    Unrecognised { path: PathBuf },
}

/// Whether a directory walk should pick up this file.
pub fn is_rollout_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("json" | "jsonl" | "ndjson" | "eval" | "parquet")
    )
}

/// Whether a file's name says it is JSON Lines (`.jsonl`, `.ndjson`).
pub fn is_jsonl_path(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("jsonl" | "ndjson"))
}

/// Detects the format from the extension, then from the first bytes.
pub fn detect(path: &Path, head: &[u8]) -> Result<Format, FormatError> {
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::InspectEval);
    }
    // Parquet's magic number (`parquet::is_parquet`, spelled here so detection needs no reader).
    if head.starts_with(b"PAR1") || path.extension().is_some_and(|e| e == "parquet") {
        return Ok(Format::Parquet);
    }
    let head = json_text::strip_bom(head);
    if agents::atif::looks_like_atif(head) {
        return Ok(Format::Atif);
    }
    if agents::claude_code::looks_like_claude_code(head) {
        return Ok(Format::ClaudeCode);
    }
    if inspect::looks_like_inspect_json(head) {
        return Ok(Format::InspectJson);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("eval") => return Ok(Format::InspectEval),
        Some("jsonl" | "ndjson") => return Ok(Format::Jsonl),
        // Many projects name their JSONL files `.json`: one object per line gives it away.
        Some("json") if json_text::first_significant(head) == Some(b'{') && looks_like_jsonl(head) => {
            return Ok(Format::Jsonl);
        }
        Some("json") => return Ok(Format::Json),
        _ => {}
    }
    match json_text::first_significant(head) {
        Some(b'[') => Ok(Format::Json),
        Some(b'{') if looks_like_jsonl(head) => Ok(Format::Jsonl),
        Some(b'{') => Ok(Format::Json),
        _ => Err(FormatError::Unrecognised { path: path.to_path_buf() }),
    }
}

/// A second line that starts a new object means one record per line.
fn looks_like_jsonl(head: &[u8]) -> bool {
    head.split(|b| *b == b'\n')
        .skip(1)
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with(b"{"))
}

/// Indexes one record. `fallback_id` stands in for a missing `id`; callers that cannot know it
/// yet pass an empty one and fill it in later (see `load`).
pub fn index_record(
    json: &str,
    ctx: &IndexContext,
    strings: &mut Interner,
    fallback_id: &dyn Fn() -> String,
    locator: Locator,
) -> Result<RolloutSummary, RecordError> {
    // The fast path shows the record to the context's visitor itself, with its messages.
    if let Some(summary) = chat_index::index_chat(json, ctx, strings, fallback_id, locator.clone()) {
        return Ok(summary);
    }
    let (summary, _) = index_decoded(json, ctx, strings, fallback_id, locator.clone())?;
    chat_index::visit(ctx, &locator, json, None);
    Ok(summary)
}

/// Indexes one record by decoding it whole (as `index_record` does when its fast path cannot),
/// giving the rollout too.
pub fn index_decoded(
    json: &str,
    ctx: &IndexContext,
    strings: &mut Interner,
    fallback_id: &dyn Fn() -> String,
    locator: Locator,
) -> Result<(RolloutSummary, Rollout), RecordError> {
    let rollout = decode_record(json, &fallback_id())?;
    let mut summary = RolloutSummary::from_rollout(&rollout, ctx.hatch, ctx.source, locator, strings);
    if ctx.hash_turns {
        summary.response_hashes = rollout.response_hashes();
    }
    Ok((summary, rollout))
}

/// Decodes one record in full, accepting `NaN` and `Infinity` as missing values.
pub fn decode_record(json: &str, fallback_id: &str) -> Result<Rollout, RecordError> {
    let value = record_value::parse_record(json)?;
    let mut rollout = chat::decode_chat(value, fallback_id).map_err(|e| RecordError {
        line: 1,
        column: 1,
        message: e.to_string(),
    })?;
    if rollout.id.is_empty() {
        rollout.id = fallback_id.to_string();
    }
    Ok(rollout)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod tests_generated;
