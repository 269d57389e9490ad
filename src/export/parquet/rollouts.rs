//! `export --to parquet-rollouts`: one row per rollout, the layout `formats::parquet` opens:
//! `rollout` (the id), `source`, each metadata field, `messages` as a list of
//! `{role, content, tool_calls}`, and each per-turn score as a list aligned with the assistant
//! turns (numbers as floats, categories and texts as strings). The footer names the score
//! lists (`TURN_SCORES_KEY`), so they open again as the same scores without flags.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use arrow_array::ArrayRef;
use arrow_array::builder::{ArrayBuilder, Float64Builder, ListBuilder, StringBuilder, StructBuilder};
use arrow_schema::{DataType, Field, Fields};
use parquet::file::metadata::KeyValue;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::columns::{Builder, MetaColumn};
use super::messages::tool_calls_json;
use super::names::Names;
use super::{BATCH_ROWS, ParquetOut};
use crate::export::Warn;
use crate::model::{Rollout, ScoreKind, ScoreValues};
use crate::study::Study;

/// The footer key whose value lists the per-turn score columns (JSON: `TurnScoreColumn`s).
pub const TURN_SCORES_KEY: &str = "rollscope.turn_scores";

/// One per-turn score list in the footer: its column, the score's own name and its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnScoreColumn {
    pub column: String,
    pub score: String,
    /// `numeric`, `categorical` or `text`.
    pub kind: String,
}

const RUN: usize = 256;
const ROW_GROUP_BYTES: usize = 128 << 20;

/// A score kind as the footers name it.
pub fn kind_name(kind: ScoreKind) -> &'static str {
    match kind {
        ScoreKind::Numeric => "numeric",
        ScoreKind::Categorical => "categorical",
        ScoreKind::Text => "text",
    }
}

/// The struct each message is.
pub fn message_fields() -> Fields {
    Fields::from(vec![
        Field::new("role", DataType::Utf8, true),
        Field::new("content", DataType::Utf8, true),
        Field::new("tool_calls", DataType::Utf8, true),
        Field::new("thinking", DataType::Utf8, true),
    ])
}

fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(item, true)))
}

/// A per-turn score's list column.
enum ScoreList {
    Numbers(ListBuilder<Float64Builder>),
    Strings(ListBuilder<StringBuilder>),
}

pub fn write(out: &mut dyn Write, study: &Study, warn: Warn) -> Result<()> {
    let mut names = Names::with_fixed(&["rollout", "source", "messages"]);
    let scores: Vec<(Arc<str>, ScoreKind, String)> = study
        .score_names
        .iter()
        .map(|s| (s.clone(), study.score_kind(s).unwrap_or(ScoreKind::Numeric), names.give(s)))
        .collect();
    let metas = MetaColumn::of(study.rollouts.iter());
    let meta_names: Vec<String> = metas.iter().map(|m| names.give_meta(&m.field)).collect();

    let mut fields =
        vec![Field::new("rollout", DataType::Utf8, false), Field::new("source", DataType::Utf8, true)];
    fields.extend(metas.iter().zip(&meta_names).map(|(m, n)| Field::new(n, m.kind.data_type(), true)));
    fields.push(Field::new("messages", list_of(DataType::Struct(message_fields())), true));
    let mut listed = Vec::new();
    for (name, kind, column) in &scores {
        let item = if *kind == ScoreKind::Numeric { DataType::Float64 } else { DataType::Utf8 };
        fields.push(Field::new(column, list_of(item), true));
        listed.push(TurnScoreColumn {
            column: column.clone(),
            score: name.to_string(),
            kind: kind_name(*kind).into(),
        });
    }
    let footer = vec![KeyValue::new(TURN_SCORES_KEY.to_string(), serde_json::to_string(&listed)?)];
    let mut file = ParquetOut::new(out, fields, BATCH_ROWS, Some(ROW_GROUP_BYTES), footer)?;

    let mut ids = Builder::of(&DataType::Utf8);
    let mut sources = Builder::of(&DataType::Utf8);
    let mut meta: Vec<Builder> = metas.iter().map(|m| Builder::of(&m.kind.data_type())).collect();
    let mut messages = messages_builder();
    let mut lists: Vec<ScoreList> = scores
        .iter()
        .map(|(_, kind, _)| match kind {
            ScoreKind::Numeric => ScoreList::Numbers(ListBuilder::new(Float64Builder::new())),
            _ => ScoreList::Strings(ListBuilder::new(StringBuilder::new())),
        })
        .collect();
    let mut rows = 0;
    let mut flush = |rows: &mut usize,
                     ids: &mut Builder,
                     sources: &mut Builder,
                     meta: &mut [Builder],
                     messages: &mut ListBuilder<StructBuilder>,
                     lists: &mut [ScoreList]|
     -> Result<()> {
        let mut columns: Vec<ArrayRef> = vec![ids.finish(), sources.finish()];
        columns.extend(meta.iter_mut().map(Builder::finish));
        columns.push(Arc::new(messages.finish()));
        columns.extend(lists.iter_mut().map(|l| -> ArrayRef {
            match l {
                ScoreList::Numbers(b) => Arc::new(b.finish()),
                ScoreList::Strings(b) => Arc::new(b.finish()),
            }
        }));
        *rows = 0;
        file.write(columns)
    };
    let text_names: Vec<&str> =
        scores.iter().filter(|(_, k, _)| *k == ScoreKind::Text).map(|(n, _, _)| &**n).collect();
    for start in (0..study.rollouts.len()).step_by(RUN) {
        let end = (start + RUN).min(study.rollouts.len());
        let decoded: Vec<_> = (start..end)
            .into_par_iter()
            .map(|i| {
                Ok::<_, crate::model::Problem>((study.read_rollout(i)?, study.read_texts(i, &text_names)?))
            })
            .collect();
        for (index, read) in (start..end).zip(decoded) {
            let (rollout, texts) = match read {
                Ok(read) => read,
                Err(problem) => {
                    warn(&problem.to_string());
                    continue;
                }
            };
            let summary = &study.rollouts[index];
            ids.text(Some(&summary.id));
            sources.text(Some(study.source_name(index)));
            for (b, m) in meta.iter_mut().zip(&metas) {
                b.meta(summary.meta(&m.field));
            }
            push_messages(&mut messages, &rollout);
            for ((name, _, _), list) in scores.iter().zip(&mut lists) {
                let values = summary.scores.iter().find(|s| s.name == *name).map(|s| &s.values);
                let texts = texts.iter().find(|(n, _)| n == name).map(|(_, t)| t);
                push_score(list, values, texts, summary.n_turns as usize);
            }
            rows += 1;
            // A batch of long rows is held whole until it is written: a few hundred at a time.
            if rows == RUN {
                flush(&mut rows, &mut ids, &mut sources, &mut meta, &mut messages, &mut lists)?;
            }
        }
    }
    if rows > 0 {
        flush(&mut rows, &mut ids, &mut sources, &mut meta, &mut messages, &mut lists)?;
    }
    file.finish()
}

fn messages_builder() -> ListBuilder<StructBuilder> {
    let fields = message_fields();
    let builders: Vec<Box<dyn ArrayBuilder>> =
        (0..fields.len()).map(|_| Box::new(StringBuilder::new()) as _).collect();
    ListBuilder::new(StructBuilder::new(fields, builders))
}

fn push_messages(list: &mut ListBuilder<StructBuilder>, rollout: &Rollout) {
    let items = list.values();
    for m in &rollout.messages {
        let calls = tool_calls_json(m);
        let thinking = (!m.thinking.is_empty()).then_some(m.thinking.as_str());
        let values = [Some(m.role_name.as_str()), Some(m.text.as_str()), calls.as_deref(), thinking];
        for (i, value) in values.into_iter().enumerate() {
            if let Some(b) = items.field_builder::<StringBuilder>(i) {
                b.append_option(value);
            }
        }
        items.append(true);
    }
    list.append(true);
}

/// A rollout's per-turn values of one score (`null` for a rollout without it).
fn push_score(
    list: &mut ScoreList,
    values: Option<&ScoreValues>,
    texts: Option<&Vec<Option<String>>>,
    turns: usize,
) {
    match (list, values) {
        (ScoreList::Numbers(b), Some(ScoreValues::Numeric(v))) => {
            b.values().extend((0..turns).map(|t| v.get(t).copied().flatten()));
            b.append(true);
        }
        (ScoreList::Strings(b), Some(ScoreValues::Categorical(v))) => {
            b.values().extend((0..turns).map(|t| v.get(t).cloned().flatten()));
            b.append(true);
        }
        (ScoreList::Strings(b), Some(ScoreValues::Text(_))) => {
            let texts = texts.map(Vec::as_slice).unwrap_or_default();
            b.values().extend((0..turns).map(|t| texts.get(t).cloned().flatten()));
            b.append(true);
        }
        (ScoreList::Numbers(b), _) => b.append_null(),
        (ScoreList::Strings(b), _) => b.append_null(),
    }
}
