//! Score rows kept compactly until the join fields are known: one column of 16-byte cells per
//! field, texts interned (a study repeats the same conditions and ids on every turn's row), and
//! long texts (a judge's explanation) not kept at all, since they can be neither a join key nor a
//! value. A 200,000-row file takes a few tens of megabytes instead of a `serde_json::Map` per row.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

/// Texts longer than this (bytes) are not kept: no join key or value is that long.
pub const MAX_TEXT: usize = 128;

/// One field of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// The row has no such field.
    Absent,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text, by its index in the row store's strings.
    Text(u32),
    /// Text longer than `MAX_TEXT`.
    LongText,
    Array,
    Object,
}

/// Rows by column.
#[derive(Default)]
pub struct Rows {
    /// The file line of each row.
    pub lines: Vec<u64>,
    /// Field names in first-seen order, how many rows have each, and its cells (one per row).
    pub fields: Vec<(String, u64, Vec<Cell>)>,
    strings: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds one row (a JSON object) read at `line`.
    pub fn push(&mut self, line: u64, object: Map<String, Value>) {
        let row = self.lines.len();
        self.lines.push(line);
        for (key, value) in &object {
            let cell = self.cell_of(value);
            let column = match self.fields.iter().position(|(name, _, _)| name == key) {
                Some(i) => i,
                None => {
                    self.fields.push((key.clone(), 0, vec![Cell::Absent; row]));
                    self.fields.len() - 1
                }
            };
            let (_, count, cells) = &mut self.fields[column];
            *count += 1;
            cells.push(cell);
        }
        for (_, _, cells) in &mut self.fields {
            if cells.len() == row {
                cells.push(Cell::Absent);
            }
        }
    }

    /// The cell of a JSON value, interning short texts.
    pub fn cell_of(&mut self, value: &Value) -> Cell {
        match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => number_cell(n),
            Value::String(s) if s.len() > MAX_TEXT => Cell::LongText,
            Value::String(s) => Cell::Text(self.intern(s)),
            Value::Array(_) => Cell::Array,
            Value::Object(_) => Cell::Object,
        }
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        let shared: Arc<str> = Arc::from(s);
        self.strings.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    /// The column of a field.
    pub fn column(&self, name: &str) -> Option<&[Cell]> {
        self.fields.iter().find(|(n, _, _)| n == name).map(|(_, _, cells)| cells.as_slice())
    }

    /// A cell as join text: texts as they are, numbers printed (integral floats as integers,
    /// so `3`, `3.0` and `"3"` match), booleans and null as words; `None` for anything else.
    pub fn text(&self, cell: Cell) -> Option<Cow<'_, str>> {
        Some(match cell {
            Cell::Text(id) => Cow::Borrowed(self.strings.get(id as usize)?),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(float_text(f)),
            Cell::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Cell::Null => Cow::Borrowed("null"),
            Cell::Absent | Cell::LongText | Cell::Array | Cell::Object => return None,
        })
    }

    /// What a cell holds, for error messages.
    pub fn found(&self, cell: Cell) -> String {
        match cell {
            Cell::Text(_) => format!("{:?}", self.text(cell).unwrap_or_default()),
            Cell::Int(_) | Cell::Float(_) | Cell::Bool(_) => self.text(cell).unwrap_or_default().into_owned(),
            Cell::Null => "null".into(),
            Cell::LongText => format!("a text longer than {MAX_TEXT} bytes"),
            Cell::Array => "an array".into(),
            Cell::Object => "an object".into(),
            Cell::Absent => "nothing".into(),
        }
    }
}

fn number_cell(n: &Number) -> Cell {
    match n.as_i64() {
        Some(i) => Cell::Int(i),
        None => n.as_f64().map_or(Cell::Null, Cell::Float),
    }
}

/// Integral floats as integers (`3.0` → `3`), others as JSON prints them.
pub fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        return format!("{}", f as i64);
    }
    Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn columns_line_up_whatever_fields_each_row_has() {
        let mut rows = Rows::default();
        rows.push(3, json!({"a": "x", "b": 1}).as_object().cloned().unwrap());
        rows.push(5, json!({"b": 2.5, "c": [1]}).as_object().cloned().unwrap());
        rows.push(6, json!({"a": "x", "d": "y".repeat(MAX_TEXT + 1)}).as_object().cloned().unwrap());
        assert_eq!(rows.lines, [3, 5, 6]);
        let a = rows.column("a").unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0], a[2], "the same text is one string");
        assert_eq!(a[1], Cell::Absent);
        assert_eq!(rows.column("b").unwrap(), [Cell::Int(1), Cell::Float(2.5), Cell::Absent]);
        assert_eq!(rows.column("c").unwrap(), [Cell::Absent, Cell::Array, Cell::Absent]);
        assert_eq!(rows.column("d").unwrap()[2], Cell::LongText);
        let counts: Vec<(&str, u64)> = rows.fields.iter().map(|(n, c, _)| (n.as_str(), *c)).collect();
        assert_eq!(counts, [("a", 2), ("b", 2), ("c", 1), ("d", 1)]);
        assert_eq!(rows.text(a[0]).as_deref(), Some("x"));
        assert_eq!(rows.found(Cell::LongText), "a text longer than 128 bytes");
    }
}
