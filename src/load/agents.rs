//! Agent logs read whole (a session log or a trajectory is small beside a study): Claude Code
//! session logs and ATIF trajectories (`formats::agents`), delivered as decoded rollouts.

use super::{Origin, Source};
use crate::formats::{Format, agents};
use crate::model::{Limit, Problem, Rollout};

/// The rollouts of an agent log and the problems met reading it.
pub fn decode(
    source: &Source,
    format: Format,
    limit: Limit,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let display = source.display.as_str();
    match (format, &source.origin) {
        (Format::Atif, Origin::File(path)) => agents::atif::decode_atif(path, display, limit),
        // A continuation is named relative to its file: a trajectory not in a file cannot have one.
        (Format::Atif, _) => Err(Problem::file(display, "an ATIF trajectory is read from files only")),
        _ => {
            let bytes = source.read_all(limit)?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|e| Problem::file(display, format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
            let stem = source.file_name().trim_end_matches(".jsonl");
            Ok(agents::claude_code::decode_claude_code(text, display, stem))
        }
    }
}
