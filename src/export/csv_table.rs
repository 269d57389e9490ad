//! The CSV export: one header, then one record per turn row, written with the `csv` crate
//! (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; `\n`
//! ends a record), so it reads in pandas without options.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;

use super::rows::{TurnRow, study_rows};
use super::write_error;
use crate::model::LabelSet;
use crate::study::Study;

/// Columns that are not metadata: a metadata field of the same name is written `meta_<name>`.
const FIXED: [&str; 5] = ["source", "rollout", "turn", "self_deletion_turn", "self_deleted_at"];

/// The columns over the whole study: metadata fields and score names in a stable order, then
/// four per annotator.
struct Columns {
    fields: Vec<String>,
    scores: Vec<String>,
    annotators: Vec<String>,
}

impl Columns {
    fn of(study: &Study, annotators: &[(String, LabelSet)]) -> Columns {
        let fields: BTreeSet<String> =
            study.rollouts.iter().flat_map(|r| r.metadata.iter().map(|(k, _)| k.to_string())).collect();
        Columns {
            fields: fields.into_iter().collect(),
            scores: study.score_names.iter().map(|s| s.to_string()).collect(),
            annotators: annotators.iter().map(|(name, _)| name.clone()).collect(),
        }
    }

    fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = FIXED[..2].iter().map(|s| s.to_string()).collect();
        let taken = |name: &str| FIXED.contains(&name) || self.scores.iter().any(|s| s == name);
        header.extend(self.fields.iter().map(|f| if taken(f) { format!("meta_{f}") } else { f.clone() }));
        header.extend(FIXED[2..].iter().map(|s| s.to_string()));
        header.extend(self.scores.iter().cloned());
        for name in &self.annotators {
            for suffix in ["score", "category", "tags", "note", "rollout_note"] {
                header.push(format!("{name}_{suffix}"));
            }
        }
        header
    }

    /// A row's fields in header order; a missing value is an empty field.
    fn record(&self, row: &TurnRow) -> Vec<String> {
        let mut record: Vec<String> = vec![row.source.to_string(), row.rollout.to_string()];
        record
            .extend(self.fields.iter().map(|f| row.meta(f).map_or(String::new(), |v| v.text().into_owned())));
        record.push(row.turn.to_string());
        record.push(row.self_deletion_turn.to_string());
        record.push(row.self_deleted_at.map_or(String::new(), |t| t.to_string()));
        record.extend(self.scores.iter().map(|s| row.cell(s).map_or(String::new(), |v| v.text())));
        for labels in &row.labels {
            let label = labels.turn;
            record.push(label.and_then(|l| l.score).map_or(String::new(), |s| s.to_string()));
            record
                .push(label.and_then(|l| l.category.as_ref()).map_or(String::new(), |c| c.category.clone()));
            record.push(label.map_or(String::new(), |l| l.tags.join(";")));
            record.push(label.and_then(|l| l.note.clone()).unwrap_or_default());
            record.push(labels.rollout.and_then(|l| l.note.clone()).unwrap_or_default());
        }
        record
    }
}

/// Writes the table; `spreadsheet_safe` defuses every cell (header included) that a
/// spreadsheet would run as a formula.
pub fn write(
    out: &mut dyn Write,
    study: &Study,
    annotators: &[(String, LabelSet)],
    spreadsheet_safe: bool,
    warn: super::Warn,
) -> Result<()> {
    let columns = Columns::of(study, annotators);
    let mut csv = writer(out);
    let cells = |record: Vec<String>| -> Vec<String> {
        if spreadsheet_safe { record.into_iter().map(defuse).collect() } else { record }
    };
    csv.write_record(cells(columns.header())).map_err(write_error)?;
    for row in study_rows(study, annotators, warn) {
        csv.write_record(cells(columns.record(&row))).map_err(write_error)?;
    }
    csv.flush().map_err(|e| write_error(e.into()))
}

/// A cell a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a CR: OWASP's list) gets a leading `'`, which spreadsheets show as text. A number such as
/// `-3.5` or `+1e3` is left as it is: it is not a formula and must stay a number.
fn defuse(cell: String) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(&cell) { format!("'{cell}") } else { cell }
}

/// A finite decimal number and nothing else (`-inf` and `NaN` parse as f64 but are words).
fn is_plain_number(cell: &str) -> bool {
    cell.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Quotes only the fields that need it and ends records with `\n`: the bytes this export has
/// always written (the crate's defaults, spelled out so they cannot drift).
fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defusing_prefixes_formulas_and_leaves_numbers_and_text_alone() {
        for formula in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "+", "-inf", "-NaN", "-1e"] {
            assert_eq!(defuse(formula.to_string()), format!("'{formula}"), "{formula:?}");
        }
        for kept in ["-3.5", "+1e3", "-0", "3", "plain", "a=b", "", " =1", "'=1"] {
            assert_eq!(defuse(kept.to_string()), kept, "{kept:?}");
        }
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = Vec::new();
        let mut csv = writer(&mut out);
        let fields = ["a,b", "q\"x", "two\nlines", "c\rr", "plain", " lead", "", "#hash", "日本"];
        csv.write_record(fields).unwrap();
        drop(csv);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\"a,b\",\"q\"\"x\",\"two\nlines\",\"c\rr\",plain, lead,,#hash,日本\n");
    }
}
