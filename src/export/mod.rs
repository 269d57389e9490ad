//! The export writers: one row per assistant turn (CSV or JSONL) with metadata, judge scores,
//! self-deletion and every annotator's label, or the rollouts themselves in the native format
//! with the labels merged in. Shared by `rollscope export` and the app's `:export`; they write
//! to any `Write` (the caller owns the file: `store::output`). Rows are written as they are
//! made, never built up in memory.

mod csv_table;
pub mod parquet;
mod rollouts;
pub mod rows;

pub use rollouts::rollout_json;

use std::io::Write;

use anyhow::{Context, Result};

use crate::cli::ExportFormat;
use crate::model::LabelSet;
use crate::study::Study;

/// Where a text that cannot be read is reported (its row gets an empty cell): stderr for the
/// command, the status line for the app.
pub type Warn<'a> = &'a dyn Fn(&str);

/// Writes `study` in `format` with the labels of `annotators`.
pub fn write(
    format: ExportFormat,
    out: &mut dyn Write,
    study: &Study,
    annotators: &[(String, LabelSet)],
    spreadsheet_safe: bool,
    warn: Warn,
) -> Result<()> {
    match format {
        ExportFormat::Csv => csv_table::write(out, study, annotators, spreadsheet_safe, warn),
        ExportFormat::Jsonl => write_jsonl(out, study, annotators, warn),
        ExportFormat::Rollouts => rollouts::write(out, study, annotators, warn),
        parquet => self::parquet::write(parquet, out, study, annotators, warn),
    }
}

/// The JSONL export: one object per turn row. It goes through a `Value` so that keys come out
/// sorted, as this format has always written them.
fn write_jsonl(
    out: &mut dyn Write,
    study: &Study,
    annotators: &[(String, LabelSet)],
    warn: Warn,
) -> Result<()> {
    for row in rows::study_rows(study, annotators, warn) {
        let value = serde_json::to_value(&row).context("cannot write the export")?;
        let text = crate::sanitize::json::to_string(&value).context("cannot write the export")?;
        writeln!(out, "{text}").context("cannot write the export")?;
    }
    Ok(())
}

/// A write error, keeping an I/O error as the source so a closed pipe stays recognisable.
fn write_error(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => anyhow::Error::new(io).context("cannot write the export"),
        other => anyhow::anyhow!("cannot write the export: {other:?}"),
    }
}
