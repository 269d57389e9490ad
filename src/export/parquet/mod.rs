//! The Parquet exports (arrow-rs): typed columns a data engine reads without conversion. Four
//! tables: one row per assistant turn (`turns`), per message (`messages`), per rollout with
//! its messages as a list (`rollouts`, the layout `formats::parquet` opens again), and the
//! labels (`labels`). Column names are SQL-friendly (`names`), so the same query runs unquoted
//! on DuckDB, Polars and Spark. Rows are encoded a batch at a time and the file is handed to
//! the output as each row group is finished, so memory holds one row group, not the study.

mod columns;
mod labels;
mod messages;
pub mod names;
mod rollouts;
mod turns;

pub use columns::{Builder, MetaColumn, MetaType};
pub use rollouts::{TURN_SCORES_KEY, TurnScoreColumn};

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::Warn;
use crate::cli::ExportFormat;
use crate::model::LabelSet;
use crate::study::Study;

/// Rows of a row group in the tables of small rows (turns, labels); DuckDB and Spark split
/// work by row group, and ~64k rows keeps each one a few megabytes.
const ROW_GROUP_ROWS: usize = 64 * 1024;
/// Rows encoded at a time (an Arrow batch).
const BATCH_ROWS: usize = 8 * 1024;

/// Writes `study` as the Parquet table `format` names.
pub fn write(
    format: ExportFormat,
    out: &mut dyn Write,
    study: &Study,
    annotators: &[(String, LabelSet)],
    warn: Warn,
) -> Result<()> {
    match format {
        ExportFormat::ParquetMessages => messages::write(out, study, warn),
        ExportFormat::ParquetRollouts => rollouts::write(out, study, warn),
        ExportFormat::ParquetLabels => labels::write(out, annotators),
        _ => turns::write(out, study, annotators, warn),
    }
}

/// A Parquet file being written to any `Write`: arrow-rs wants a `Send` writer that it owns,
/// so it writes to a buffer that is handed on to `out` whenever it holds a finished row group.
pub struct ParquetOut<'w> {
    writer: ArrowWriter<Vec<u8>>,
    out: &'w mut dyn Write,
    schema: Arc<Schema>,
}

/// The context of every error writing an export.
const CANNOT_WRITE: &str = "cannot write the export";

impl<'w> ParquetOut<'w> {
    /// A file of `fields`, zstd-compressed, with `rows` rows (or `bytes` bytes) at most per row
    /// group, and `key_values` in its footer.
    pub fn new(
        out: &'w mut dyn Write,
        fields: Vec<Field>,
        rows: usize,
        bytes: Option<usize>,
        key_values: Vec<KeyValue>,
    ) -> Result<ParquetOut<'w>> {
        let schema = Arc::new(Schema::new(fields));
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(rows))
            .set_max_row_group_bytes(bytes)
            .set_key_value_metadata((!key_values.is_empty()).then_some(key_values))
            .set_created_by(format!("rollscope {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer =
            ArrowWriter::try_new(Vec::new(), schema.clone(), Some(properties)).context(CANNOT_WRITE)?;
        Ok(ParquetOut { writer, out, schema })
    }

    /// Encodes one batch of columns (in the schema's order).
    pub fn write(&mut self, columns: Vec<ArrayRef>) -> Result<()> {
        let batch = RecordBatch::try_new(self.schema.clone(), columns).context(CANNOT_WRITE)?;
        self.writer.write(&batch).context(CANNOT_WRITE)?;
        let buffer = self.writer.inner_mut();
        if !buffer.is_empty() {
            // The writer counts the bytes it wrote itself: taking them out of its buffer leaves
            // the offsets in the footer right.
            self.out.write_all(buffer).context(CANNOT_WRITE)?;
            buffer.clear();
        }
        Ok(())
    }

    /// Writes `count` row groups whose columns `build` makes (in the schema's order), built and
    /// encoded on every core a few at a time and appended in order, then the footer. For a
    /// table of many short rows, where encoding on one core took as long as indexing the study.
    pub fn write_groups(
        self,
        count: usize,
        build: &(dyn Fn(usize) -> Result<Vec<ArrayRef>> + Sync),
    ) -> Result<()> {
        use parquet::arrow::arrow_writer::{ArrowColumnChunk, compute_leaves};
        use rayon::prelude::*;
        let ParquetOut { writer, out, schema } = self;
        let (mut file, factory) = writer.into_serialized_writer().context(CANNOT_WRITE)?;
        let at_once = 2 * rayon::current_num_threads().max(1);
        for first in (0..count).step_by(at_once) {
            let groups: Vec<usize> = (first..(first + at_once).min(count)).collect();
            let mut writers = Vec::with_capacity(groups.len());
            for &g in &groups {
                writers.push(factory.create_column_writers(g).context(CANNOT_WRITE)?);
            }
            let encoded: Vec<Result<Vec<ArrowColumnChunk>>> = groups
                .into_par_iter()
                .zip(writers)
                .map(|(g, mut columns)| {
                    let arrays = build(g)?;
                    let mut leaves = columns.iter_mut();
                    for (field, array) in schema.fields().iter().zip(&arrays) {
                        for leaf in compute_leaves(field, array).context(CANNOT_WRITE)? {
                            if let Some(column) = leaves.next() {
                                column.write(&leaf).context(CANNOT_WRITE)?;
                            }
                        }
                    }
                    let chunks = columns.into_iter().map(|c| c.close().context(CANNOT_WRITE));
                    chunks.collect()
                })
                .collect();
            for chunks in encoded {
                let mut group = file.next_row_group().context(CANNOT_WRITE)?;
                for chunk in chunks? {
                    chunk.append_to_row_group(&mut group).context(CANNOT_WRITE)?;
                }
                group.close().context(CANNOT_WRITE)?;
                let buffer = file.inner_mut();
                out.write_all(buffer).context(CANNOT_WRITE)?;
                buffer.clear();
            }
        }
        file.finish().context(CANNOT_WRITE)?;
        out.write_all(file.inner_mut()).context(CANNOT_WRITE)
    }

    /// Writes the footer.
    pub fn finish(self) -> Result<()> {
        let rest = self.writer.into_inner().context(CANNOT_WRITE)?;
        self.out.write_all(&rest).context(CANNOT_WRITE)
    }
}
