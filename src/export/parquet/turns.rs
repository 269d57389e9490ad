//! `export --to parquet`: one row per assistant turn, the rows the CSV export writes, in typed
//! columns: `source`, `rollout`, each metadata field, `turn`, each score (numbers as float,
//! categories dictionary-encoded, judge texts as text), `self_deleted_at`, `self_deleted`, then
//! per annotator `label__<name>__score`, `__category`, `__tags` (a list), `__note`,
//! `__rollout_note` and `__blind`.

use std::io::Write;

use anyhow::Result;
use arrow_schema::{DataType, Field};

use super::TurnScoreColumn;
use super::columns::{Builder, MetaColumn, category_type, texts_type};
use super::names::Names;
use super::{ParquetOut, ROW_GROUP_ROWS};
use crate::export::Warn;
use crate::export::rows::{ScoreCell, TurnRow, rollout_rows};
use crate::formats::parquet::scores::TURNS_TABLE_KEY;
use crate::model::{LabelSet, ScoreKind};
use crate::study::Study;
use parquet::file::metadata::KeyValue;

/// The columns that are not metadata, scores or labels.
pub const FIXED: [&str; 5] = ["source", "rollout", "turn", "self_deleted_at", "self_deleted"];

/// Where a column's value comes from in a row.
#[derive(Clone)]
enum Fill {
    Source,
    Rollout,
    Meta(std::sync::Arc<str>),
    Turn,
    Score(std::sync::Arc<str>),
    SelfDeletedAt,
    SelfDeleted,
    /// Annotator (by position) and which part of their label.
    Label(usize, LabelPart),
}

#[derive(Clone, Copy)]
enum LabelPart {
    Score,
    Category,
    Tags,
    Note,
    RolloutNote,
    Blind,
}

struct Column {
    field: Field,
    builder: Builder,
    fill: Fill,
}

impl Column {
    fn new(name: String, data_type: DataType, fill: Fill) -> Column {
        Column { builder: Builder::of(&data_type), field: Field::new(name, data_type, true), fill }
    }

    /// The same column, empty (each row group fills its own).
    fn empty_like(&self) -> Column {
        Column::new(self.field.name().clone(), self.field.data_type().clone(), self.fill.clone())
    }

    fn push(&mut self, row: &TurnRow) {
        let b = &mut self.builder;
        match &self.fill {
            Fill::Source => b.text(Some(row.source)),
            Fill::Rollout => b.text(Some(row.rollout)),
            Fill::Meta(field) => b.meta(row.meta(field)),
            Fill::Turn => b.int(Some(i64::from(row.turn))),
            Fill::Score(name) => match row.cell(name) {
                Some(ScoreCell::Number(x)) => b.float(Some(*x)),
                Some(ScoreCell::Category(c)) => b.text(Some(c)),
                Some(ScoreCell::Text(t)) => b.text(Some(t)),
                Some(ScoreCell::Missing) | None => b.null(),
            },
            Fill::SelfDeletedAt => b.int(row.self_deleted_at.map(i64::from)),
            Fill::SelfDeleted => b.bool(Some(row.self_deleted_at.is_some())),
            Fill::Label(a, part) => {
                let labels = &row.labels[*a];
                let label = labels.turn;
                match part {
                    LabelPart::Score => b.int(label.and_then(|l| l.score).map(i64::from)),
                    LabelPart::Category => {
                        b.text(label.and_then(|l| l.category.as_ref()).map(|c| c.category.as_str()))
                    }
                    LabelPart::Tags => b.texts(label.map(|l| l.tags.as_slice())),
                    LabelPart::Note => b.text(label.and_then(|l| l.note.as_deref())),
                    LabelPart::RolloutNote => b.text(labels.rollout.and_then(|l| l.note.as_deref())),
                    LabelPart::Blind => b.bool(label.map(|l| l.blind)),
                }
            }
        }
    }
}

/// The table's columns over the whole study, named for SQL.
fn columns(study: &Study, annotators: &[(String, LabelSet)]) -> Vec<Column> {
    let mut names = Names::with_fixed(&FIXED);
    // Scores and label columns are named before metadata, so a metadata field is the one
    // that gives way (`meta__<name>`).
    let scores: Vec<(String, DataType, Fill)> = study
        .score_names
        .iter()
        .map(|name| {
            let data_type = match study.score_kind(name) {
                Some(ScoreKind::Categorical) => category_type(),
                Some(ScoreKind::Text) => DataType::Utf8,
                _ => DataType::Float64,
            };
            (names.give(name), data_type, Fill::Score(name.clone()))
        })
        .collect();
    let parts = [
        ("score", DataType::Int32, LabelPart::Score),
        ("category", category_type(), LabelPart::Category),
        ("tags", texts_type(), LabelPart::Tags),
        ("note", DataType::Utf8, LabelPart::Note),
        ("rollout_note", DataType::Utf8, LabelPart::RolloutNote),
        ("blind", DataType::Boolean, LabelPart::Blind),
    ];
    let mut labels = Vec::new();
    for (a, (annotator, _)) in annotators.iter().enumerate() {
        for (suffix, data_type, part) in &parts {
            let name = names.give(&format!("label__{}__{suffix}", super::names::sql_name(annotator)));
            labels.push(Column::new(name, data_type.clone(), Fill::Label(a, *part)));
        }
    }
    let mut out = vec![
        Column::new("source".into(), DataType::Utf8, Fill::Source),
        Column::new("rollout".into(), DataType::Utf8, Fill::Rollout),
    ];
    for meta in MetaColumn::of(study.rollouts.iter()) {
        let name = names.give_meta(&meta.field);
        out.push(Column::new(name, meta.kind.data_type(), Fill::Meta(meta.field)));
    }
    out.push(Column::new("turn".into(), DataType::Int32, Fill::Turn));
    out.extend(scores.into_iter().map(|(name, t, fill)| Column::new(name, t, fill)));
    out.push(Column::new("self_deleted_at".into(), DataType::Int32, Fill::SelfDeletedAt));
    out.push(Column::new("self_deleted".into(), DataType::Boolean, Fill::SelfDeleted));
    out.extend(labels);
    out
}

/// The footer naming the score columns, so the table attaches again as a score file
/// (`formats::parquet::scores`).
fn footer(study: &Study, columns: &[Column]) -> Result<Vec<KeyValue>> {
    let listed: Vec<TurnScoreColumn> = columns
        .iter()
        .filter_map(|c| match &c.fill {
            Fill::Score(name) => Some(TurnScoreColumn {
                column: c.field.name().clone(),
                score: name.to_string(),
                kind: super::rollouts::kind_name(study.score_kind(name).unwrap_or(ScoreKind::Numeric)).into(),
            }),
            _ => None,
        })
        .collect();
    Ok(vec![KeyValue::new(TURNS_TABLE_KEY.to_string(), serde_json::to_string(&listed)?)])
}

pub fn write(
    out: &mut dyn Write,
    study: &Study,
    annotators: &[(String, LabelSet)],
    warn: Warn,
) -> Result<()> {
    let columns = columns(study, annotators);
    let fields = columns.iter().map(|c| c.field.clone()).collect();
    let file = ParquetOut::new(out, fields, ROW_GROUP_ROWS, None, footer(study, &columns)?)?;
    let groups = row_groups(study);
    // A text that cannot be read is told after the groups are written (the workers cannot call
    // `warn`, which is the caller's and not shareable between threads).
    let warnings = std::sync::Mutex::new(Vec::new());
    let build = |g: usize| -> Result<Vec<arrow_array::ArrayRef>> {
        // Each row group fills columns of its own.
        let mut columns: Vec<Column> = columns.iter().map(Column::empty_like).collect();
        let note = |m: &str| warnings.lock().map(|mut w| w.push(m.to_string())).unwrap_or(());
        for index in groups[g].clone() {
            for row in rollout_rows(study, index, annotators, &note) {
                for column in &mut columns {
                    column.push(&row);
                }
            }
        }
        Ok(columns.iter_mut().map(|c| c.builder.finish()).collect())
    };
    let written = file.write_groups(groups.len(), &build);
    for message in warnings.into_inner().unwrap_or_default() {
        warn(&message);
    }
    written
}

/// Rollouts in runs of about `ROW_GROUP_ROWS` turns: one row group each.
fn row_groups(study: &Study) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let (mut start, mut rows) = (0, 0);
    for (i, r) in study.rollouts.iter().enumerate() {
        rows += r.n_turns as usize;
        if rows >= ROW_GROUP_ROWS {
            groups.push(start..i + 1);
            (start, rows) = (i + 1, 0);
        }
    }
    if start < study.rollouts.len() {
        groups.push(start..study.rollouts.len());
    }
    groups
}
