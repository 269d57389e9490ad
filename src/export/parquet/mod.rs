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
        let writer = ArrowWriter::try_new(Vec::new(), schema.clone(), Some(properties))
            .context("cannot write the export")?;
        Ok(ParquetOut { writer, out, schema })
    }

    /// Encodes one batch of columns (in the schema's order).
    pub fn write(&mut self, columns: Vec<ArrayRef>) -> Result<()> {
        let batch = RecordBatch::try_new(self.schema.clone(), columns).context("cannot write the export")?;
        self.writer.write(&batch).context("cannot write the export")?;
        let buffer = self.writer.inner_mut();
        if !buffer.is_empty() {
            // The writer counts the bytes it wrote itself: taking them out of its buffer leaves
            // the offsets in the footer right.
            self.out.write_all(buffer).context("cannot write the export")?;
            buffer.clear();
        }
        Ok(())
    }

    /// Writes the footer.
    pub fn finish(self) -> Result<()> {
        let rest = self.writer.into_inner().context("cannot write the export")?;
        self.out.write_all(&rest).context("cannot write the export")
    }
}
