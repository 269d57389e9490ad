//! `rollscope export` (the writers are `crate::export`, shared with the app's `:export`): one row per assistant turn (CSV or JSONL) with metadata, judge scores,
//! self-deletion and every annotator's label; or the rollouts themselves in the native format
//! with the labels merged in. Rows are written as they are made, never built up in memory.

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::load_study;
use crate::cli::{ExportArgs, ExportFormat};
use crate::store::output;

pub fn run(args: &ExportArgs) -> Result<()> {
    if let Some(note) = args.deprecation_note() {
        super::warn(&format!("rollscope: {note}"));
    }
    if args.spreadsheet_safe && args.target() != ExportFormat::Csv {
        bail!("--spreadsheet-safe applies to --to csv only (JSON has no formulas)");
    }
    if args.target().is_parquet() && args.output.is_none() && super::output::stdout_is_terminal() {
        bail!("--to {} writes a binary file: give it with -o FILE.parquet", args.target().name());
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
        let warn = |message: &str| super::warn(message);
        crate::export::write(args.target(), &mut out, &study, &annotators, args.spreadsheet_safe, &warn)?;
        out.flush().context("cannot write the export")?;
    }
    file.map_or(Ok(()), output::OutputFile::commit).context("cannot write the export")
}
