//! A Parquet file given with `--scores`: its rows become JSON lines for the score-file reader,
//! so every rule of that reader (joins, turn bases, kinds, unmatched rows) holds for Parquet
//! too. The per-turn table `export --to parquet` writes is recognised by its footer and read
//! as one score file per score column, joined on `rollout` (the id) and its 1-based `turn`;
//! any other file's rows are read as they are, one object per row of its scalar columns.

use std::io::Write;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{Map, Value};

use super::value::value_at;
use super::{guard, is_parquet, not_parquet, open_file};
use crate::formats::judge_scores::ScoreFileSpec;
use crate::model::{Limit, Problem};

/// The footer key `export --to parquet` names its score columns under (the same list as the
/// rollouts table's `rollscope.turn_scores`).
pub const TURNS_TABLE_KEY: &str = "rollscope.turns_table";

/// Whether the file at `path` is Parquet (by its first bytes). Opened as every input is (a
/// regular file only, never blocking on a FIFO); one that cannot be opened is not, and the
/// score-file reader says why.
pub fn is_parquet_file(path: &std::path::Path) -> bool {
    let mut head = [0u8; 4];
    super::super::input::open_regular(path)
        .is_ok_and(|(mut f, _)| std::io::Read::read_exact(&mut f, &mut head).is_ok() && is_parquet(&head))
}

/// The score files a Parquet file given as `spec` makes: each with its spec and its rows as
/// JSON lines.
pub fn score_files(spec: &ScoreFileSpec, limit: Limit) -> Result<Vec<(ScoreFileSpec, Vec<u8>)>, Problem> {
    let display = spec.path.display().to_string();
    let file = open_file(&spec.path, &display)?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > limit.bytes {
        return Err(Problem::file(&display, format!("over {}", limit.describe())));
    }
    let read = || -> Result<_, Problem> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(
            file.try_clone().map_err(|e| Problem::file(&display, e.to_string()))?,
        )
        .map_err(|e| Problem::file(&display, not_parquet(&file, e)))?;
        let footer = builder.metadata().file_metadata().key_value_metadata().cloned().unwrap_or_default();
        let listed = footer.iter().find(|kv| kv.key == TURNS_TABLE_KEY).and_then(|kv| kv.value.clone());
        let reader = builder.build().map_err(|e| Problem::file(&display, e.to_string()))?;
        let mut batches = Vec::new();
        for batch in reader {
            batches.push(batch.map_err(|e| Problem::file(&display, format!("cannot read the rows: {e}")))?);
        }
        Ok((listed, batches))
    };
    let (listed, batches) = guard::guarded(read).map_err(|e| Problem::file(&display, e))??;
    match listed.and_then(|l| serde_json::from_str::<Vec<Value>>(&l).ok()) {
        Some(columns) => {
            let columns: Vec<Listed> = columns
                .iter()
                .filter_map(|c| {
                    let text = |k: &str| Some(c.get(k)?.as_str()?.to_string());
                    Some(Listed { column: text("column")?, score: text("score")?, kind: text("kind")? })
                })
                .collect();
            Ok(by_base(&columns)
                .into_iter()
                .map(|group| (own_spec(spec, &group), own_rows(&batches, &group)))
                .collect())
        }
        None => Ok(vec![(spec.clone(), any_rows(&batches))]),
    }
}

/// A score column the footer lists.
struct Listed {
    column: String,
    score: String,
    kind: String,
}

/// The score columns grouped by the score their name starts with (`frustration`,
/// `frustration.tag`, `frustration.quote`): a score file has one value and keeps the rest of a
/// row as `<score>.<field>`, which gives back the same names.
fn by_base(columns: &[Listed]) -> Vec<Vec<&Listed>> {
    let mut groups: Vec<Vec<&Listed>> = Vec::new();
    for c in columns {
        let base = c.score.split('.').next().unwrap_or(&c.score);
        match groups.iter_mut().find(|g| g[0].score.split('.').next() == Some(base)) {
            Some(group) => group.push(c),
            None => groups.push(vec![c]),
        }
    }
    groups
}

fn base_of(group: &[&Listed]) -> String {
    group[0].score.split('.').next().unwrap_or_default().to_string()
}

/// The spec of one group of score columns of rollscope's per-turn table.
fn own_spec(spec: &ScoreFileSpec, group: &[&Listed]) -> ScoreFileSpec {
    let base = base_of(group);
    let mut own = spec.clone();
    own.name = Some(base.clone());
    own.join = Some(vec!["rollout=id".into()]);
    own.turn_field = Some("turn".into());
    own.turn_base = 1;
    own.value_field = Some(base.clone());
    for c in group {
        // Kept whatever its name looks like (a `model` field is not noise here).
        if let Some(field) = c.score.strip_prefix(&format!("{base}.")) {
            own.keep.push(field.to_string());
        }
        match c.kind.as_str() {
            "categorical" => own.categorical.push(c.score.clone()),
            "text" => own.text.push(c.score.clone()),
            _ => {}
        }
    }
    own
}

/// One line per row where a column of the group has a value: `{"rollout", "turn", <base>,
/// <field>...}`.
fn own_rows(batches: &[RecordBatch], group: &[&Listed]) -> Vec<u8> {
    let base = base_of(group);
    let mut out = Vec::new();
    for batch in batches {
        let (Some(rollout), Some(turn)) = (batch.column_by_name("rollout"), batch.column_by_name("turn"))
        else {
            continue;
        };
        let columns: Vec<(&str, &arrow_array::ArrayRef)> = group
            .iter()
            .filter_map(|c| {
                let field = c.score.strip_prefix(&format!("{base}.")).unwrap_or(&base);
                Some((field, batch.column_by_name(&c.column)?))
            })
            .collect();
        for i in 0..batch.num_rows() {
            if columns.iter().all(|(_, values)| values.is_null(i)) {
                continue;
            }
            let mut row = Map::new();
            row.insert("rollout".into(), value_at(rollout.as_ref(), i));
            row.insert("turn".into(), value_at(turn.as_ref(), i));
            for (field, values) in &columns {
                row.insert(field.to_string(), value_at(values.as_ref(), i));
            }
            let _ = writeln!(out, "{}", Value::Object(row));
        }
    }
    out
}

/// One line per row: an object of the row's scalar columns (lists and structs are not score
/// fields; the score reader lists what it drops).
fn any_rows(batches: &[RecordBatch]) -> Vec<u8> {
    let mut out = Vec::new();
    for batch in batches {
        let schema = batch.schema();
        for i in 0..batch.num_rows() {
            let row: Map<String, Value> = schema
                .fields()
                .iter()
                .zip(batch.columns())
                .filter(|(f, _)| !f.data_type().is_nested())
                .map(|(f, c)| (f.name().clone(), value_at(c.as_ref(), i)))
                .collect();
            let _ = writeln!(out, "{}", Value::Object(row));
        }
    }
    out
}
