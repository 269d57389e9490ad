//! `export --to parquet-messages`: one row per message of every rollout (`source`, `rollout`,
//! `index`, `role`, `turn` for an assistant message, `content`, `tool_calls` as JSON text,
//! `thinking`, the reasoning an agent log records).
//! Rollouts are decoded again from their files on every core, a run at a time, and encoded in
//! order.

use std::io::Write;

use anyhow::Result;
use arrow_schema::{DataType, Field};
use rayon::prelude::*;

use super::columns::{Builder, category_type};
use super::{BATCH_ROWS, ParquetOut, ROW_GROUP_ROWS};
use crate::export::Warn;
use crate::model::{Role, Rollout};
use crate::study::Study;

/// Rollouts decoded at a time.
const RUN: usize = 256;
/// Row groups of at most this many bytes: messages are long.
const ROW_GROUP_BYTES: usize = 128 << 20;

pub fn write(out: &mut dyn Write, study: &Study, warn: Warn) -> Result<()> {
    let types = [
        ("source", DataType::Utf8),
        ("rollout", DataType::Utf8),
        ("index", DataType::Int32),
        ("role", category_type()),
        ("turn", DataType::Int32),
        ("content", DataType::Utf8),
        ("tool_calls", DataType::Utf8),
        ("thinking", DataType::Utf8),
    ];
    let fields = types.iter().map(|(name, t)| Field::new(*name, t.clone(), *name != "index")).collect();
    let mut builders: Vec<Builder> = types.iter().map(|(_, t)| Builder::of(t)).collect();
    let mut file = ParquetOut::new(out, fields, ROW_GROUP_ROWS, Some(ROW_GROUP_BYTES), Vec::new())?;
    let mut rows = 0;
    for start in (0..study.rollouts.len()).step_by(RUN) {
        let end = (start + RUN).min(study.rollouts.len());
        let decoded: Vec<_> = (start..end).into_par_iter().map(|i| study.read_rollout(i)).collect();
        for (index, rollout) in (start..end).zip(decoded) {
            let rollout = match rollout {
                Ok(r) => r,
                Err(problem) => {
                    warn(&problem.to_string());
                    continue;
                }
            };
            let source = study.source_name(index);
            rows += push_rollout(&mut builders, source, &rollout);
            if rows >= BATCH_ROWS {
                file.write(builders.iter_mut().map(Builder::finish).collect())?;
                rows = 0;
            }
        }
    }
    if rows > 0 {
        file.write(builders.iter_mut().map(Builder::finish).collect())?;
    }
    file.finish()
}

/// Appends one row per message; returns how many.
fn push_rollout(b: &mut [Builder], source: &str, rollout: &Rollout) -> usize {
    let mut turn = 0;
    for (index, m) in rollout.messages.iter().enumerate() {
        let is_turn = m.role == Role::Assistant;
        turn += usize::from(is_turn);
        b[0].text(Some(source));
        b[1].text(Some(&rollout.id));
        b[2].int(Some(index as i64));
        b[3].text(Some(&m.role_name));
        b[4].int(is_turn.then_some(turn as i64));
        b[5].text(Some(&m.text));
        b[6].text(tool_calls_json(m).as_deref());
        b[7].text((!m.thinking.is_empty()).then_some(m.thinking.as_str()));
    }
    rollout.messages.len()
}

/// A message's tool calls as a JSON array of `{name, arguments}`, `None` when it makes none.
pub fn tool_calls_json(m: &crate::model::Message) -> Option<String> {
    if m.tool_calls.is_empty() {
        return None;
    }
    let calls: Vec<serde_json::Value> =
        m.tool_calls.iter().map(|c| serde_json::json!({"name": c.name, "arguments": c.arguments})).collect();
    Some(serde_json::Value::Array(calls).to_string())
}
