//! `rollscope export`: one row per assistant turn (CSV or JSONL) with metadata, judge scores,
//! self-deletion and every annotator's label; or the rollouts themselves in the native format
//! with the labels merged in. Rows are written as they are made, never built up in memory.

mod csv_table;
mod rollouts;
pub mod rows;

pub use rollouts::rollout_json;

use std::io::Write;

use anyhow::{Context, Result};

use super::load_study;
use crate::cli::{ExportArgs, ExportFormat};
use crate::model::LabelSet;
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
    let annotators = super::read_annotators(&study, &dir, &args.study.labels, None).unwrap_or_default();
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            crate::store::output::create(path, &study.source_paths()).map_err(anyhow::Error::msg)?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.target() {
        ExportFormat::Csv => csv_table::write(&mut out, &study, &annotators)?,
        ExportFormat::Jsonl => write_jsonl(&mut out, &study, &annotators)?,
        ExportFormat::Rollouts => rollouts::write(&mut out, &study, &annotators)?,
    }
    out.flush().context("cannot write the export")
}

/// The JSONL export: one object per turn row. It goes through a `Value` so that keys come out
/// sorted, as this format has always written them.
fn write_jsonl(out: &mut dyn Write, study: &Study, annotators: &[(String, LabelSet)]) -> Result<()> {
    for row in rows::study_rows(study, annotators) {
        let value = serde_json::to_value(&row).context("cannot write the export")?;
        writeln!(out, "{value}").context("cannot write the export")?;
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
