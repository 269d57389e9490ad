//! An Inspect JSON log read lazily: laid out once (`layout`), its samples then decoded one at
//! a time from their own bytes — on every core while indexing, and again when shown — so the
//! log's samples are never all held decoded.

use std::ops::Range;
use std::sync::Mutex;

use serde_json::{Map, Value};

use super::layout::{head, layout};
use super::sample::{InspectOptions, LogContext, decode_sample};
use crate::formats::json_text::{nonfinite_to_null, strip_bom};
use crate::formats::record::record_error;
use crate::model::Rollout;

/// A laid-out Inspect JSON log: the context its samples are decoded in, and where each starts.
#[derive(Debug)]
pub struct JsonLog {
    ctx: LogContext,
    /// Byte offset of each sample laid out so far, ascending (a sample's place in the log).
    starts: Mutex<Vec<u64>>,
}

impl JsonLog {
    /// Lays out the whole file `bytes`: the log and the byte range of each sample. `None` when
    /// it is not a well-formed log with an `eval` object and a `samples` array: the full parser
    /// (`decode_inspect_json`) then says what is wrong, where.
    pub fn open(bytes: &[u8], options: &InspectOptions) -> Option<(JsonLog, Vec<Range<usize>>)> {
        let start = bytes.len() - strip_bom(bytes).len();
        let layout = layout(bytes, start)?;
        let eval = eval_object(bytes, layout.value("eval")?)?;
        let samples = layout.samples?;
        let log = JsonLog::new(&eval, options);
        log.laid_out(&samples);
        Some((log, samples))
    }

    /// Lays out only the head of the file, up to the `samples` array, when `eval` comes
    /// before it (as inspect_ai writes it): the samples can then be laid out one by one
    /// (`Elements`, from the index returned: just past the array's `[`), the first decoded
    /// before the rest is read. `None` also when `bytes` end before the array does begin.
    pub fn open_head(bytes: &[u8], options: &InspectOptions) -> Option<(JsonLog, usize)> {
        let start = bytes.len() - strip_bom(bytes).len();
        let (values, first) = head(bytes, start)?;
        let eval_range = values.iter().find(|(k, _)| k == "eval").map(|(_, r)| r.clone())?;
        let eval = eval_object(bytes, eval_range)?;
        Some((JsonLog::new(&eval, options), first))
    }

    fn new(eval: &Map<String, Value>, options: &InspectOptions) -> JsonLog {
        JsonLog { ctx: LogContext::from_eval(eval).with_options(options), starts: Mutex::default() }
    }

    /// Notes where the next samples start (they come in file order).
    pub fn laid_out(&self, samples: &[Range<usize>]) {
        if let Ok(mut starts) = self.starts.lock() {
            starts.extend(samples.iter().map(|r| r.start as u64));
        }
    }

    /// Decodes the sample whose bytes start at `start` in the file; `Err` says why it cannot
    /// be (with line:column inside the sample for a JSON error).
    pub fn decode(&self, bytes: &[u8], start: u64) -> Result<(Rollout, Vec<String>), String> {
        let position =
            self.starts.lock().map_or(0, |starts| starts.binary_search(&start).unwrap_or_default());
        self.decode_at(bytes, position)
    }

    /// Decodes the sample at `position` in the log (its place stands in for a missing id), from
    /// its bytes: the indexer knows the place, a sample read again is found by its start.
    pub fn decode_at(&self, bytes: &[u8], position: usize) -> Result<(Rollout, Vec<String>), String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
        let value: Value = serde_json::from_str(&nonfinite_to_null(text)).map_err(|e| {
            let e = record_error(&e);
            format!("{} (line {}, column {} of the sample)", e.message, e.line.max(1), e.column.max(1))
        })?;
        decode_sample(&value, &self.ctx, position).map_err(|e| e.to_string())
    }
}

/// The `eval` object at `range`, `None` when it is not one.
fn eval_object(bytes: &[u8], range: Range<usize>) -> Option<Map<String, Value>> {
    let text = std::str::from_utf8(&bytes[range]).ok()?;
    match serde_json::from_str(&nonfinite_to_null(text)) {
        Ok(Value::Object(eval)) => Some(eval),
        _ => None,
    }
}
