//! An Inspect JSON log read lazily: laid out once (`layout`), its samples then decoded one at
//! a time from their own bytes — on every core while indexing, and again when shown — so the
//! log's samples are never all held decoded.

use std::ops::Range;

use serde_json::Value;

use super::layout::layout;
use super::sample::{InspectOptions, LogContext, decode_sample};
use crate::formats::json_text::{nonfinite_to_null, strip_bom};
use crate::formats::record::record_error;
use crate::model::Rollout;

/// A laid-out Inspect JSON log: the context its samples are decoded in, and where each starts.
#[derive(Debug)]
pub struct JsonLog {
    ctx: LogContext,
    /// Byte offset of each sample in the file, ascending (a sample's place in the log).
    starts: Vec<u64>,
}

impl JsonLog {
    /// Lays out the whole file `bytes`: the log and the byte range of each sample. `None` when
    /// it is not a well-formed log with an `eval` object and a `samples` array: the full parser
    /// (`decode_inspect_json`) then says what is wrong, where.
    pub fn open(bytes: &[u8], options: &InspectOptions) -> Option<(JsonLog, Vec<Range<usize>>)> {
        let start = bytes.len() - strip_bom(bytes).len();
        let layout = layout(bytes, start)?;
        let eval_text = std::str::from_utf8(&bytes[layout.value("eval")?]).ok()?;
        let Ok(Value::Object(eval)) = serde_json::from_str(&nonfinite_to_null(eval_text)) else {
            return None;
        };
        let samples = layout.samples?;
        let starts = samples.iter().map(|r| r.start as u64).collect();
        let ctx = LogContext::from_eval(&eval).with_options(options);
        Some((JsonLog { ctx, starts }, samples))
    }

    /// Decodes the sample whose bytes start at `start` in the file; `Err` says why it cannot
    /// be (with line:column inside the sample for a JSON error).
    pub fn decode(&self, bytes: &[u8], start: u64) -> Result<(Rollout, Vec<String>), String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
        let value: Value = serde_json::from_str(&nonfinite_to_null(text)).map_err(|e| {
            let e = record_error(&e);
            format!("{} (line {}, column {} of the sample)", e.message, e.line.max(1), e.column.max(1))
        })?;
        // The place stands in for a missing id, as it did when the log was indexed.
        let position = self.starts.binary_search(&start).unwrap_or_default();
        decode_sample(&value, &self.ctx, position).map_err(|e| e.to_string())
    }
}
