//! `rollscope export`: one row per assistant turn (CSV or JSONL) with metadata, judge scores,
//! self-deletion and every annotator's label; or the rollouts themselves in the native format
//! with the labels merged in. Rows are written as they are made, never built up in memory.

mod csv_table;
mod rollouts;
pub mod rows;

pub use rollouts::rollout_json;

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::load_study;
use crate::cli::{ExportArgs, ExportFormat};
use crate::model::LabelSet;
use crate::store::output;
use crate::study::Study;

pub fn run(args: &ExportArgs) -> Result<()> {
    if let Some(note) = args.deprecation_note() {
        super::warn(&format!("rollscope: {note}"));
    }
    if args.spreadsheet_safe && args.target() != ExportFormat::Csv {
        bail!("--spreadsheet-safe applies to --to csv only (JSON has no formulas)");
    }
    let paths = &args.paths;
    let dir = args.study.labels.dir(paths);
    // Refused before the study is loaded when it is an input; in place only once written whole.
    let inputs = output::Inputs::of_study(paths, &args.study.study.score_files.paths, &dir);
    let mut file = args.output.as_deref().map(|path| output::create(path, &inputs)).transpose()?;
    let study = load_study(paths, &args.study.study)?;
    // No labels yet is fine for an export: the label columns stay empty. Only an explicit
    // --annotator narrows the export to one annotator; the config file's name does not.
    let annotators = super::read_annotators(&study, &dir, &args.study.labels, None).unwrap_or_default();
    {
        let mut out: Box<dyn Write + '_> = match file.as_mut() {
            Some(file) => Box::new(file),
            None => super::output::data_stdout(),
        };
        match args.target() {
            ExportFormat::Csv => csv_table::write(&mut out, &study, &annotators, args.spreadsheet_safe)?,
            ExportFormat::Jsonl => write_jsonl(&mut out, &study, &annotators)?,
            ExportFormat::Rollouts => rollouts::write(&mut out, &study, &annotators)?,
        }
        out.flush().context("cannot write the export")?;
    }
    file.map_or(Ok(()), output::OutputFile::commit).context("cannot write the export")
}

/// The JSONL export: one object per turn row. It goes through a `Value` so that keys come out
/// sorted, as this format has always written them.
fn write_jsonl(out: &mut dyn Write, study: &Study, annotators: &[(String, LabelSet)]) -> Result<()> {
    for row in rows::study_rows(study, annotators) {
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
