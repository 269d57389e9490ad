//! The rollouts export: each rollout in the native format, decoded again from its file, with
//! every annotator's labels on its assistant messages (marked stale where the text changed)
//! and their notes on the rollout.

use std::io::Write;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::Warn;
use super::rows::{LabelFields, labels_at};
use crate::load::TurnTexts;
use crate::model::LabelSet;
use crate::model::{Rollout, RolloutSummary, ScoreKind};
use crate::study::Study;

pub fn write(
    out: &mut dyn Write,
    study: &Study,
    annotators: &[(String, LabelSet)],
    warn: Warn,
) -> Result<()> {
    for (index, summary) in study.rollouts.iter().enumerate() {
        let rollout = match study.read_rollout(index) {
            Ok(r) => r,
            Err(problem) => {
                warn(&problem.to_string());
                continue;
            }
        };
        let strings = string_scores(study, index, warn);
        let text = crate::sanitize::json::to_string(&rollout_json(&rollout, summary, &strings, annotators))
            .context("cannot write the export")?;
        writeln!(out, "{text}").context("cannot write the export")?;
    }
    Ok(())
}

/// The categorical scores and texts of rollout `index`, per turn (texts read from their files;
/// one that cannot be read is a warning, and left out).
fn string_scores(study: &Study, index: usize, warn: Warn) -> Vec<TurnTexts> {
    let r = &study.rollouts[index];
    let mut out: Vec<TurnTexts> = r
        .scores
        .iter()
        .filter(|s| s.values.kind() == ScoreKind::Categorical)
        .map(|s| {
            (s.name.clone(), s.values.categories().iter().map(|c| c.as_deref().map(str::to_string)).collect())
        })
        .collect();
    let texts: Vec<&str> =
        r.scores.iter().filter(|s| s.values.kind() == ScoreKind::Text).map(|s| &*s.name).collect();
    match study.read_texts(index, &texts) {
        Ok(read) => out.extend(read),
        Err(problem) => warn(&problem.to_string()),
    }
    out
}

/// A rollout in the native format with labels merged in; `strings` are its categorical scores
/// and texts per turn, written as strings under each turn's `scores` (which reads back as the
/// same scores).
pub fn rollout_json(
    rollout: &Rollout,
    summary: &RolloutSummary,
    strings: &[TurnTexts],
    annotators: &[(String, LabelSet)],
) -> Value {
    let mut turn = 0u32;
    let messages: Vec<Value> = rollout
        .messages
        .iter()
        .map(|m| {
            let mut message = json!({"role": m.role_name, "content": m.text});
            if !m.thinking.is_empty() {
                message["thinking"] = json!(m.thinking);
            }
            if let Some(name) = &m.answers {
                message["name"] = json!(name);
            }
            if !m.tool_calls.is_empty() {
                message["tool_calls"] = m
                    .tool_calls
                    .iter()
                    .map(|c| json!({"type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
                    .collect();
            }
            if m.role == crate::model::Role::Assistant {
                turn += 1;
                let mut scores: Map<String, Value> =
                    m.scores.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
                for (name, values) in strings {
                    if let Some(Some(value)) = values.get(turn as usize - 1) {
                        scores.insert(name.to_string(), json!(value));
                    }
                }
                message["scores"] = Value::Object(scores);
                let hash = m.text_hash();
                let labels: Map<String, Value> = labels_at(annotators, &summary.id, turn)
                    .iter()
                    .filter_map(|l| Some((l.annotator.to_string(), json!(LabelFields::new(l.turn?, Some(&hash))))))
                    .collect();
                if !labels.is_empty() {
                    message["labels"] = Value::Object(labels);
                }
            }
            message
        })
        .collect();
    let mut out = json!({"id": &*summary.id, "metadata": rollout.metadata, "messages": messages});
    let notes: Map<String, Value> = annotators
        .iter()
        .filter_map(|(name, set)| {
            Some((name.clone(), json!(LabelFields::new(set.get(&summary.id, None)?, None))))
        })
        .collect();
    if !notes.is_empty() {
        out["labels"] = Value::Object(notes);
    }
    if !rollout.rollout_scores.is_empty() {
        out["scores"] =
            rollout.rollout_scores.iter().map(|(n, v)| (n.clone(), json!(v))).collect::<Map<_, _>>().into();
    }
    out
}
