//! One score row read as a (join values, turn, score name) entry with a slot per kept column,
//! or why it is a bad row. A value that is dropped or changed on the way (a string where a
//! number is expected, `NaN`, a score outside `--range`) is a warning at its line:column.

use std::sync::Arc;

use super::plan::Column;
use super::rows::{Cell, Field, Rows};
use super::{JUDGE_FAILED, Key};
use crate::model::{ScoreKind, ScoreRange};

/// Why a score row gives no entry; the caller knows its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum RowError {
    #[error("missing field {field:?}")]
    MissingField { field: String },
    #[error("join field {field:?} is {found}, expected text or a number")]
    JoinValue { field: String, found: String },
    #[error("{field:?} must be a {base}-based assistant-turn number{hint}, found {found}")]
    Turn { field: String, base: u32, hint: &'static str, found: String },
    #[error("name field {field:?} is {found}, expected text")]
    Name { field: String, found: String },
}

/// One row's value of one kept column.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Slot {
    Missing,
    Number(f64),
    Category(Arc<str>),
    /// A text's literal at bytes `start..start + len` of the score file.
    Text {
        start: u64,
        len: u32,
    },
    /// A text that is not a string literal in the file (a number in a text field).
    Held(Arc<str>),
}

/// A value dropped or changed: its 1-based column and why.
pub(super) type Note = (u32, String);

/// How rows are read: the columns, and the rules for the value.
pub(super) struct Reading<'a> {
    pub join: Vec<(&'a str, Option<&'a [Cell]>)>,
    pub turn: (&'a str, Option<&'a [Cell]>),
    pub turn_base: u32,
    /// The name column of a long file.
    pub name: Option<(&'a str, &'a [Cell])>,
    pub columns: Vec<(&'a Column, Option<&'a Field>)>,
    /// The plan's response fields, in its order.
    pub responses: Vec<&'a Field>,
    /// `-1` is a failed judge (a wide file's score; a long file's values may be anything).
    pub judge_failed: bool,
    pub range: Option<ScoreRange>,
}

/// A row's copy of its turn's text, to check the join with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Response {
    /// `response_hash` of the text.
    pub hash: u64,
    /// 1-based column of the value in its line.
    pub column: u32,
    /// Which of the plan's response fields holds it (a file may name it differently on
    /// different rows).
    pub field: u32,
}

/// A row read: key, turn, name, slots (one per column), its response text, and the values
/// that were dropped or changed.
pub(super) struct RowRead {
    pub key: Key,
    pub turn: u32,
    pub name: Option<Arc<str>>,
    pub slots: Box<[Slot]>,
    pub response: Option<Response>,
    pub notes: Vec<Note>,
}

impl Reading<'_> {
    /// Row `row` read, or why it is a bad row.
    pub fn row(&self, rows: &Rows, row: usize) -> Result<RowRead, RowError> {
        let cell = |(name, column): (&str, Option<&[Cell]>)| match column.and_then(|c| c.get(row)) {
            None | Some(Cell::Absent) => Err(RowError::MissingField { field: name.to_string() }),
            Some(cell) => Ok(*cell),
        };
        let mut key = Vec::with_capacity(self.join.len());
        for &(name, column) in &self.join {
            let value = cell((name, column))?;
            let text = rows
                .text(value)
                .ok_or_else(|| RowError::JoinValue { field: name.to_string(), found: rows.found(value) })?;
            key.push(text.into_owned());
        }
        let turn_cell = cell(self.turn)?;
        let turn = turn_of(rows, turn_cell).and_then(|t| t.checked_sub(self.turn_base)).ok_or_else(|| {
            let hint = if self.turn_base == 1 { " (--turn-base 1)" } else { "" };
            RowError::Turn {
                field: self.turn.0.to_string(),
                base: self.turn_base,
                hint,
                found: rows.found(turn_cell),
            }
        })?;
        let name = match self.name {
            None => None,
            Some((field, cells)) => {
                let value = cell((field, Some(cells)))?;
                let text = rows.text(value).filter(|_| matches!(value, Cell::Text { .. } | Cell::Int(_)));
                let text = text
                    .ok_or_else(|| RowError::Name { field: field.to_string(), found: rows.found(value) })?;
                Some(Arc::from(text.as_ref()))
            }
        };
        // The value must be there; the other columns may be missing.
        let (value, value_field) = self.columns[0];
        cell((&value.field, value_field.map(|f| f.cells.as_slice())))?;
        let offset = rows.offsets[row];
        let mut notes = Vec::new();
        let slots = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (column, field))| {
                let Some(field) = field else { return Slot::Missing };
                let (slot, note) = self.slot(rows, column, field, row, offset, i == 0);
                notes.extend(note.map(|n| (field.columns[row], n)));
                slot
            })
            .collect();
        let response = self.responses.iter().zip(0..).find_map(|(f, field)| {
            let hash = *f.hashes.get(row)?;
            (f.cells[row] != Cell::Absent && hash != 0).then_some(Response {
                hash,
                column: f.columns[row],
                field,
            })
        });
        Ok(RowRead { key: key.into_boxed_slice(), turn, name, slots, response, notes })
    }

    /// One cell as a slot of `column`, and a note when its value was dropped or changed.
    fn slot(
        &self,
        rows: &Rows,
        column: &Column,
        field: &Field,
        row: usize,
        offset: u64,
        is_value: bool,
    ) -> (Slot, Option<String>) {
        let cell = field.cells[row];
        let name = &field.name;
        if cell == Cell::NonFinite {
            return (
                Slot::Missing,
                Some(format!("{name:?} is NaN or Infinity, not a number: read as missing")),
            );
        }
        match column.kind {
            ScoreKind::Numeric => {
                let x = match cell {
                    Cell::Absent | Cell::Null => return (Slot::Missing, None),
                    Cell::Int(i) => i as f64,
                    Cell::Float(f) => f,
                    Cell::Text { .. } => match rows.text(cell).and_then(|t| t.trim().parse::<f64>().ok()) {
                        Some(x) if x.is_finite() => x,
                        _ => return (Slot::Missing, Some(not_a_number(name, &rows.found(cell)))),
                    },
                    _ => return (Slot::Missing, Some(not_a_number(name, &rows.found(cell)))),
                };
                if is_value && self.judge_failed && x == JUDGE_FAILED {
                    return (Slot::Missing, None);
                }
                match self.range {
                    Some(range) if is_value && !range.contains(x) => {
                        let text = rows.text(cell).unwrap_or_default();
                        (
                            Slot::Missing,
                            Some(format!("{name:?} is {text}, outside --range {range}: read as missing")),
                        )
                    }
                    _ => (Slot::Number(x), None),
                }
            }
            ScoreKind::Categorical | ScoreKind::Text => match cell {
                Cell::Absent | Cell::Null | Cell::Array | Cell::Object | Cell::NonFinite => {
                    (Slot::Missing, None)
                }
                Cell::Text { id, .. } if column.kind == ScoreKind::Categorical => {
                    (rows.string(id).map_or(Slot::Missing, |s| Slot::Category(s.clone())), None)
                }
                Cell::Text { len, .. } | Cell::LongText { len } if column.kind == ScoreKind::Text => {
                    let start = offset + u64::from(field.columns[row]) - 1;
                    (Slot::Text { start, len }, None)
                }
                Cell::LongText { .. } => {
                    let note = format!("{name:?} is a text longer than a category may be: read as missing");
                    (Slot::Missing, Some(note))
                }
                other => {
                    let text: Arc<str> = Arc::from(rows.text(other).unwrap_or_default().as_ref());
                    if column.kind == ScoreKind::Categorical {
                        (Slot::Category(text), None)
                    } else {
                        (Slot::Held(text), None)
                    }
                }
            },
        }
    }
}

fn not_a_number(name: &str, found: &str) -> String {
    format!("{name:?} is {found}, not a number: read as missing")
}

/// A 0-based (or `--turn-base`) turn as written: a non-negative integer, or text holding one.
fn turn_of(rows: &Rows, cell: Cell) -> Option<u32> {
    let turn = match cell {
        Cell::Int(i) => u64::try_from(i).ok()?,
        Cell::Float(f) if f.fract() == 0.0 && f >= 0.0 => f as u64,
        Cell::Text { .. } => rows.text(cell)?.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    u32::try_from(turn).ok()
}
