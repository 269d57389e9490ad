//! `rollscope export`: one row per assistant turn (CSV or JSONL) with metadata, judge scores,
//! self-deletion and every annotator's label; or the rollouts themselves in the native format
//! with the labels merged in. Rows are written as they are made, never built up in memory.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::load_study;
use crate::cli::{ExportArgs, ExportFormat};
use crate::model::{Rollout, RolloutSummary};
use crate::store::{Label, LabelSet, stamp};
use crate::study::Study;

pub fn run(args: &ExportArgs) -> Result<()> {
    if let Some(note) = args.deprecation_note() {
        eprintln!("rollscope: {note}");
    }
    let paths = &args.paths;
    let study = load_study(paths, &args.study.study)?;
    let dir = args.study.labels.dir(paths);
    // No labels yet is fine for an export: the label columns stay empty. Only an explicit
    // --annotator narrows the export to one annotator; the config file's name does not.
    let annotators =
        super::read_annotators(&dir, args.study.labels.annotator.as_deref(), None).unwrap_or_default();
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            crate::store::output::create(path, &study.source_paths()).map_err(anyhow::Error::msg)?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.target() {
        ExportFormat::Csv => write_csv(&mut out, &study, &annotators)?,
        ExportFormat::Jsonl => write_turn_rows(&mut out, &study, &annotators)?,
        ExportFormat::Rollouts => write_rollouts(&mut out, &study, &annotators)?,
    }
    out.flush().context("cannot write the export")
}

/// Metadata fields and score names over the whole study, in a stable order.
fn columns(study: &Study) -> (Vec<String>, Vec<String>) {
    let fields: BTreeSet<String> =
        study.rollouts.iter().flat_map(|r| r.metadata.iter().map(|(k, _)| k.to_string())).collect();
    let scores = study.score_names.iter().map(|s| s.to_string()).collect();
    (fields.into_iter().collect(), scores)
}

const FIXED: [&str; 5] = ["source", "rollout", "turn", "self_deletion_turn", "self_deleted_at"];

fn write_csv(out: &mut dyn Write, study: &Study, annotators: &[(String, LabelSet)]) -> Result<()> {
    let (fields, scores) = columns(study);
    let mut header: Vec<String> = FIXED[..2].iter().map(|s| s.to_string()).collect();
    let taken = |name: &str| FIXED.contains(&name) || scores.iter().any(|s| s == name);
    header.extend(fields.iter().map(|f| if taken(f) { format!("meta_{f}") } else { f.clone() }));
    header.extend(FIXED[2..].iter().map(|s| s.to_string()));
    header.extend(scores.iter().cloned());
    for (name, _) in annotators {
        for suffix in ["score", "tags", "note", "rollout_note"] {
            header.push(format!("{name}_{suffix}"));
        }
    }
    csv_row(out, header.iter().map(String::as_str))?;
    for r in &study.rollouts {
        let source = source_of(study, r);
        for turn in 1..=r.n_turns {
            let mut row: Vec<String> = vec![source.clone(), r.id.to_string()];
            row.extend(fields.iter().map(|f| r.meta(f).map_or(String::new(), |v| v.text().into_owned())));
            row.push(turn.to_string());
            row.push((r.self_deleted_at == Some(turn)).to_string());
            row.push(r.self_deleted_at.map_or(String::new(), |t| t.to_string()));
            row.extend(
                scores.iter().map(|s| r.score_at(s, turn as usize).map_or(String::new(), |v| v.to_string())),
            );
            for (_, set) in annotators {
                let label = set.get(&r.id, Some(turn));
                row.push(label.and_then(|l| l.score).map_or(String::new(), |s| s.to_string()));
                row.push(label.map_or(String::new(), |l| l.tags.join(";")));
                row.push(label.and_then(|l| l.note.clone()).unwrap_or_default());
                row.push(set.get(&r.id, None).and_then(|l| l.note.clone()).unwrap_or_default());
            }
            csv_row(out, row.iter().map(String::as_str))?;
        }
    }
    Ok(())
}

/// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted.
fn csv_row<'a>(out: &mut dyn Write, fields: impl Iterator<Item = &'a str>) -> Result<()> {
    let line: Vec<String> = fields
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_string()
            }
        })
        .collect();
    writeln!(out, "{}", line.join(",")).context("cannot write the export")
}

fn write_turn_rows(out: &mut dyn Write, study: &Study, annotators: &[(String, LabelSet)]) -> Result<()> {
    for r in &study.rollouts {
        let metadata: Map<String, Value> =
            r.metadata.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect();
        for turn in 1..=r.n_turns {
            let scores: Map<String, Value> = r
                .scores
                .iter()
                .map(|s| (s.name.to_string(), json!(r.score_at(&s.name, turn as usize))))
                .collect();
            let labels: Map<String, Value> = annotators
                .iter()
                .filter_map(|(name, set)| Some((name.clone(), label_json(set.get(&r.id, Some(turn))?, None))))
                .collect();
            let row = json!({
                "source": source_of(study, r),
                "rollout": &*r.id,
                "metadata": metadata,
                "turn": turn,
                "scores": scores,
                "self_deletion_turn": r.self_deleted_at == Some(turn),
                "self_deleted_at": r.self_deleted_at,
                "labels": labels,
            });
            writeln!(out, "{row}").context("cannot write the export")?;
        }
    }
    Ok(())
}

/// The native format with `labels` on each assistant message (and on the rollout for notes);
/// a label whose turn text has changed is marked `"stale": true`.
fn write_rollouts(out: &mut dyn Write, study: &Study, annotators: &[(String, LabelSet)]) -> Result<()> {
    for (index, summary) in study.rollouts.iter().enumerate() {
        let rollout = match study.read_rollout(index) {
            Ok(r) => r,
            Err(problem) => {
                eprintln!("{}", crate::sanitize::clean(&problem.to_string()));
                continue;
            }
        };
        writeln!(out, "{}", rollout_json(&rollout, summary, annotators))
            .context("cannot write the export")?;
    }
    Ok(())
}

/// A rollout in the native format with labels merged in.
pub fn rollout_json(rollout: &Rollout, summary: &RolloutSummary, annotators: &[(String, LabelSet)]) -> Value {
    let mut turn = 0u32;
    let messages: Vec<Value> = rollout
        .messages
        .iter()
        .map(|m| {
            let mut message = json!({"role": m.role_name, "content": m.text});
            if !m.tool_calls.is_empty() {
                message["tool_calls"] = m
                    .tool_calls
                    .iter()
                    .map(|c| json!({"type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
                    .collect();
            }
            if m.role == crate::model::Role::Assistant {
                turn += 1;
                let scores: Map<String, Value> = m.scores.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
                message["scores"] = Value::Object(scores);
                let hash = stamp::text_hash(&m.full_text());
                let labels: Map<String, Value> = annotators
                    .iter()
                    .filter_map(|(name, set)| {
                        Some((name.clone(), label_json(set.get(&summary.id, Some(turn))?, Some(&hash))))
                    })
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
        .filter_map(|(name, set)| Some((name.clone(), label_json(set.get(&summary.id, None)?, None))))
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

fn label_json(label: &Label, current_hash: Option<&str>) -> Value {
    let mut value = json!({"score": label.score, "tags": label.tags, "note": label.note});
    if let Some(hash) = current_hash {
        value["stale"] = json!(label.is_stale(hash));
    }
    value
}

fn source_of(study: &Study, r: &RolloutSummary) -> String {
    study.sources.get(r.source as usize).map_or(String::new(), |s| s.display.clone())
}
