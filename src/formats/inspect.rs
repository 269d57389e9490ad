//! Inspect (`inspect_ai`) logs: the JSON log (`{"version", "status", "eval", ..., "samples"}`)
//! and the `.eval` zip archive (`header.json` plus one `samples/<id>_epoch_<n>.json` entry per
//! sample). Each sample and epoch becomes one rollout; see `sample` for the id scheme and what
//! the metadata holds, and `values` for how scores and `attachment://` references are read.
//!
//! A file that cannot be read at all is an `Err`; a sample that cannot be read is a warning in
//! the `Ok` list and the other samples still load. The non-standard literals `NaN`, `Infinity`
//! and `-Infinity` (an unscored sample is `"value": NaN`) are read as `null`, i.e. missing.
//! Positions in problems are counted in the text after that mapping: lines are exact, a column
//! is off by the length difference only after such a literal on the same line.

mod archive;
mod entries;
mod eval;
mod json_log;
mod layout;
mod sample;
mod shared_file;
mod turn_values;
mod values;

#[cfg(test)]
mod tests_archive;
#[cfg(test)]
mod tests_built;
#[cfg(test)]
mod tests_entries;
#[cfg(test)]
mod tests_real;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

pub use archive::{decode_inspect_eval, decode_inspect_eval_bytes};
pub use eval::EvalArchive;
pub use json_log::JsonLog;
pub use layout::Elements;
pub use sample::InspectOptions;
use sample::{LogContext, decode_sample};
pub use turn_values::TURN_ARRAYS;

use super::fields::kind_of;
use super::json_text::{line_column, nonfinite_to_null, strip_bom, utf8};
use super::record::record_error;
use crate::model::{Problem, Rollout, StringKinds};

/// Whether the head of a .json file looks like an Inspect log (an object with "eval" and "samples"/"version" keys near the start).
pub fn looks_like_inspect_json(head: &[u8]) -> bool {
    let keys = top_level_keys(strip_bom(head), 16);
    keys.contains(&&b"eval"[..]) && keys.iter().any(|k| *k == b"samples" || *k == b"version")
}

/// Decodes an Inspect JSON log. Err = the whole file is unreadable (with line:column when it is a JSON syntax error); Ok carries per-sample problems (warnings) too.
pub fn decode_inspect_json(
    bytes: &[u8],
    display: &str,
    options: &InspectOptions,
) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let bytes = strip_bom(bytes);
    let text = utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        Problem::at(display, line, column, "the file is not UTF-8 text")
    })?;
    let text = nonfinite_to_null(text);
    let log: LogFile = serde_json::from_str(&text).map_err(|e| {
        let (line, column, message) = json_error(&e);
        Problem::at(display, line, column, message)
    })?;
    let eval = match log.eval {
        Some(Value::Object(eval)) => eval,
        Some(other) => {
            let message = format!("\"eval\" must be an object, found {}", kind_of(&other));
            return Err(Problem::file(display, message));
        }
        None => {
            let message = format!(
                "not an Inspect log: expected an object with \"eval\" and \"samples\"; found keys: {}",
                if log.keys.is_empty() { "none".to_string() } else { log.keys.join(", ") }
            );
            return Err(Problem::file(display, message));
        }
    };
    let ctx = LogContext::from_eval(&eval).with_options(options);
    let Some(samples) = log.samples else {
        let warning = Problem::file(display, no_samples(log.status.as_deref())).warning();
        return Ok((Vec::new(), vec![warning]));
    };
    let mut rollouts = Vec::with_capacity(samples.len());
    let mut positions = Vec::with_capacity(samples.len());
    let mut problems = Vec::new();
    for (i, raw) in samples.iter().enumerate() {
        let offset = raw.get().as_ptr().addr().saturating_sub(text.as_ptr().addr());
        let (line, column) = line_column(text.as_bytes(), offset);
        let decoded = serde_json::from_str::<Value>(raw.get())
            .map_err(|e| record_error(&e).message)
            .and_then(|value| decode_sample(&value, &ctx, i).map_err(|e| e.to_string()));
        match decoded {
            Ok((rollout, warnings)) => {
                let at = |w: String| Problem::at(display, line, column, w).warning();
                problems.extend(warnings.into_iter().map(at));
                rollouts.push(rollout);
                positions.push((line, column));
            }
            Err(message) => {
                let message = format!("sample {i} skipped: {message}");
                problems.push(Problem::at(display, line, column, message).warning());
            }
        }
    }
    for (first, message) in mixed_values(&rollouts) {
        let (line, column) = positions[first];
        problems.push(Problem::at(display, line, column, message).warning());
    }
    problems.extend(dedupe_ids(&mut rollouts, display, None));
    Ok((rollouts, problems))
}

/// Judge values that are numbers on some turns and strings on others: the name is a numeric
/// score and the strings are not read. One warning per name, with the index of the first
/// rollout holding such a string.
fn mixed_values(rollouts: &[Rollout]) -> Vec<(usize, String)> {
    let kinds = StringKinds::of_rollouts(rollouts);
    let mut out = Vec::new();
    for name in kinds.mixed() {
        let holds = |r: &Rollout| {
            r.messages.iter().filter(|m| m.judge_strings.iter().any(|(n, _)| n == name)).count()
        };
        let counts: Vec<usize> = rollouts.iter().map(holds).collect();
        let Some(first) = counts.iter().position(|c| *c > 0) else { continue };
        let turns: usize = counts.iter().sum();
        let message = format!(
            "{name}: {turns} turn{} hold a string where other turns hold numbers; not read (first in sample {})",
            if turns == 1 { "" } else { "s" },
            rollouts[first].id
        );
        out.push((first, message));
    }
    out
}

/// serde_json's message and position; a type error found before the first byte of a value is
/// reported at column 0, shown here as column 1.
fn json_error(e: &serde_json::Error) -> (u64, u64, String) {
    let e = record_error(e);
    (e.line.max(1), e.column.max(1), e.message)
}

/// The warning for a log without samples (still running, or run with `log_samples=False`).
fn no_samples(status: Option<&str>) -> String {
    match status {
        Some(status) => format!("the log holds no samples (status: {status})"),
        None => "the log holds no samples".to_string(),
    }
}

/// Ids must be unique within a file; a repeat (a malformed log) gets `#2`, `#3`, ... (a
/// number no other sample's id has), and each rename is a warning, as for JSONL files
/// (`Study::add_rollouts`). `entries`: the archive entry each rollout came from.
fn dedupe_ids(rollouts: &mut [Rollout], display: &str, entries: Option<&[String]>) -> Vec<Problem> {
    let mut taken: HashSet<String> = rollouts.iter().map(|r| r.id.clone()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut warnings = Vec::new();
    for (i, rollout) in rollouts.iter_mut().enumerate() {
        let count = seen.entry(rollout.id.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            continue;
        }
        let renamed = loop {
            let candidate = format!("{}#{count}", rollout.id);
            if taken.insert(candidate.clone()) {
                break candidate;
            }
            *count += 1;
        };
        let message = format!("duplicate rollout id {:?}; this one is shown as {renamed:?}", rollout.id);
        let mut warning = Problem::file(display, message).warning();
        if let Some(entry) = entries.and_then(|e| e.get(i)) {
            warning = warning.in_entry(entry.as_str());
        }
        warnings.push(warning);
        rollout.id = renamed;
    }
    warnings
}

/// The parts of a JSON log we read; the rest (`plan`, `results`, `stats`, ...) is skipped
/// without being built, and each sample stays raw text until it is decoded on its own.
#[derive(Default)]
struct LogFile<'a> {
    eval: Option<Value>,
    status: Option<String>,
    samples: Option<Vec<&'a RawValue>>,
    /// The first top-level keys, for the error message of a file of the wrong shape.
    keys: Vec<String>,
}

impl<'de> de::Deserialize<'de> for LogFile<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LogFile<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an Inspect log object with \"eval\" and \"samples\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut log = LogFile::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "eval" => log.eval = Some(map.next_value()?),
                        "samples" => log.samples = map.next_value()?,
                        "status" => {
                            let status: Value = map.next_value()?;
                            log.status = status.as_str().map(str::to_string);
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    if log.keys.len() < 8 {
                        log.keys.push(key.into_owned());
                    }
                }
                Ok(log)
            }
        }
        d.deserialize_map(V)
    }
}

/// Keys of the top-level object, scanning at most what `bytes` holds (a file head may end
/// anywhere). Nesting is counted, not recursed.
fn top_level_keys(bytes: &[u8], max: usize) -> Vec<&[u8]> {
    let mut keys = Vec::new();
    let mut i = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    if bytes.get(i) != Some(&b'{') {
        return keys;
    }
    i += 1;
    let (mut depth, mut expect_key) = (1usize, true);
    while i < bytes.len() && keys.len() < max {
        match bytes[i] {
            b'"' => {
                let Some(end) = string_end(bytes, i) else { break };
                if depth == 1 && expect_key {
                    keys.push(&bytes[i + 1..end - 1]);
                    expect_key = false;
                }
                i = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => expect_key = true,
            _ => {}
        }
        i += 1;
    }
    keys
}

/// Index just past the closing quote of the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    loop {
        match *bytes.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}
