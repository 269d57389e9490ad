//! One score row read as a (join values, turn, value) entry, or why it is a bad row.

use super::rows::{Cell, Rows};
use super::{Entry, JUDGE_FAILED, Key};

/// Why a score row gives no entry; the caller knows its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum RowError {
    #[error("missing field {field:?}")]
    MissingField { field: String },
    #[error("join field {field:?} is {found}, expected text or a number")]
    JoinValue { field: String, found: String },
    #[error("{field:?} must be a 0-based assistant-turn number, found {found}")]
    Turn { field: String, found: String },
    #[error("{field:?} must be a number, -1 (judge failed) or null, found {found}")]
    Value { field: String, found: String },
}

/// The columns a row's entry is made of, with their field names (`None`: no row has it).
pub(super) struct Columns<'a> {
    pub join: Vec<(&'a str, Option<&'a [Cell]>)>,
    pub turn: (&'a str, Option<&'a [Cell]>),
    pub value: (&'a str, Option<&'a [Cell]>),
}

/// Row `row`'s key and entry, or why it is a bad row.
pub(super) fn entry_of(
    rows: &Rows,
    columns: &Columns,
    row: usize,
    line: u64,
) -> Result<(Key, Entry), RowError> {
    let cell = |(name, column): (&str, Option<&[Cell]>)| match column.and_then(|c| c.get(row)) {
        None | Some(Cell::Absent) => Err(RowError::MissingField { field: name.to_string() }),
        Some(cell) => Ok(*cell),
    };
    let mut key = Vec::with_capacity(columns.join.len());
    for &(name, column) in &columns.join {
        let value = cell((name, column))?;
        let text = rows
            .text(value)
            .ok_or_else(|| RowError::JoinValue { field: name.to_string(), found: rows.found(value) })?;
        key.push(text.into_owned());
    }
    let (turn_name, value_name) = (columns.turn.0, columns.value.0);
    let turn = cell(columns.turn)?;
    let turn = turn_of(rows, turn)
        .ok_or_else(|| RowError::Turn { field: turn_name.to_string(), found: rows.found(turn) })?;
    let value = cell(columns.value)?;
    let value = value_of(rows, value)
        .ok_or_else(|| RowError::Value { field: value_name.to_string(), found: rows.found(value) })?;
    Ok((key.into_boxed_slice(), Entry { turn, value, line, used: false, past_end_of: None }))
}

/// A 0-based turn: a non-negative integer, or text holding one.
fn turn_of(rows: &Rows, cell: Cell) -> Option<u32> {
    let turn = match cell {
        Cell::Int(i) => u64::try_from(i).ok()?,
        Cell::Float(f) if f.fract() == 0.0 && f >= 0.0 => f as u64,
        Cell::Text(_) => rows.text(cell)?.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    u32::try_from(turn).ok()
}

/// A score: `Some(None)` for `-1` and `null` (missing), `Some(Some(x))` for a number or text
/// holding one, `None` for anything else.
fn value_of(rows: &Rows, cell: Cell) -> Option<Option<f64>> {
    let x = match cell {
        Cell::Null => return Some(None),
        Cell::Int(i) => i as f64,
        Cell::Float(f) => f,
        Cell::Text(_) => rows.text(cell)?.trim().parse::<f64>().ok().filter(|f| f.is_finite())?,
        _ => return None,
    };
    Some(if x == JUDGE_FAILED { None } else { Some(x) })
}
