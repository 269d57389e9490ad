//! `export --to parquet-labels`: every annotator's current labels (the last line per key of
//! their file), one row each: `annotator`, `rollout`, `turn` (null on the whole rollout),
//! `score`, `category_score` and `category`, `tags`, `note`, `blind`, `queue`, `reason`.
//! Sorted by annotator, rollout and turn, so the same labels give the same file.

use std::io::Write;

use anyhow::Result;
use arrow_schema::{DataType, Field};

use super::columns::{Builder, category_type, texts_type};
use super::{BATCH_ROWS, ParquetOut, ROW_GROUP_ROWS};
use crate::model::{Label, LabelKey, LabelSet};

pub fn write(out: &mut dyn Write, annotators: &[(String, LabelSet)]) -> Result<()> {
    let types = [
        ("annotator", category_type()),
        ("rollout", DataType::Utf8),
        ("turn", DataType::Int32),
        ("score", DataType::Int32),
        ("category_score", category_type()),
        ("category", category_type()),
        ("tags", texts_type()),
        ("note", DataType::Utf8),
        ("blind", DataType::Boolean),
        ("queue", DataType::Utf8),
        ("reason", DataType::Utf8),
    ];
    let fields = types.iter().map(|(name, t)| Field::new(*name, t.clone(), true)).collect();
    let mut b: Vec<Builder> = types.iter().map(|(_, t)| Builder::of(t)).collect();
    let mut file = ParquetOut::new(out, fields, ROW_GROUP_ROWS, None, Vec::new())?;
    let mut rows = 0;
    for (annotator, set) in annotators {
        let mut labels: Vec<(&LabelKey, &Label)> = set.labels.iter().collect();
        labels.sort_by(|a, b| a.0.cmp(b.0));
        for ((rollout, turn), label) in labels {
            let category = label.category.as_ref();
            b[0].text(Some(annotator));
            b[1].text(Some(rollout));
            b[2].int(turn.map(i64::from));
            b[3].int(label.score.map(i64::from));
            b[4].text(category.map(|c| c.score_name.as_str()));
            b[5].text(category.map(|c| c.category.as_str()));
            b[6].texts(Some(&label.tags));
            b[7].text(label.note.as_deref());
            b[8].bool(Some(label.blind));
            b[9].text(label.queue.as_deref());
            b[10].text(label.reason.as_deref());
            rows += 1;
            if rows == BATCH_ROWS {
                file.write(b.iter_mut().map(Builder::finish).collect())?;
                rows = 0;
            }
        }
    }
    if rows > 0 {
        file.write(b.iter_mut().map(Builder::finish).collect())?;
    }
    file.finish()
}
