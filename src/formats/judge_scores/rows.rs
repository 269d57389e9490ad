//! Score rows kept compactly until the join fields are known: one column of 16-byte cells per
//! field, short texts interned (a study repeats the same conditions, ids and tags on every
//! turn's row), and long texts (a judge's explanation) not kept at all: only where their
//! literal is, so they can be read when they are shown. A 200,000-row file takes a few tens of
//! megabytes instead of a `serde_json::Map` per row.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::de;
use serde_json::{Number, Value};

use super::plan::RESPONSE_FIELDS;
use super::row_parse::{RawRow, raw_row};
use crate::formats::json_text::{nonfinite_literals, nonfinite_to_null, unescape_string};
use crate::formats::{RecordError, record_error};
use crate::model::{MAX_CATEGORY_LEN, response_hash};

/// Texts longer than this (bytes) are not kept: no join key, value or category is that long.
pub const MAX_TEXT: usize = MAX_CATEGORY_LEN;

/// One field of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// The row has no such field.
    Absent,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text, by its index in the row store's strings; `len` is its literal's length in bytes.
    Text {
        id: u32,
        len: u32,
    },
    /// Text longer than `MAX_TEXT`, not kept; `len` is its literal's length in bytes.
    LongText {
        len: u32,
    },
    /// `NaN`, `Infinity` or `-Infinity`: not JSON, read as missing and reported.
    NonFinite,
    Array,
    Object,
}

/// One field's column.
#[derive(Debug, Default)]
pub struct Field {
    pub name: String,
    /// Rows that have the field.
    pub count: u64,
    pub cells: Vec<Cell>,
    /// 1-based byte column of each row's value in its line (0 where absent).
    pub columns: Vec<u32>,
    /// For a response-text field, each row's `response_hash` (0 where it has none); empty for
    /// other fields.
    pub hashes: Vec<u64>,
}

/// Rows by column.
#[derive(Default)]
pub struct Rows {
    /// The file line of each row.
    pub lines: Vec<u64>,
    /// The file offset of each row's line.
    pub offsets: Vec<u64>,
    /// Fields in first-seen order (each row's fields sorted by name).
    pub fields: Vec<Field>,
    strings: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

/// A row's fields: name, cell, 1-based column of the value, and the response hash of a
/// response-text field's text (else 0).
pub type RowFields = Vec<(String, Cell, u32, u64)>;

impl Rows {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds one row read at `line`, whose first byte is at `offset` in the file.
    pub fn push(&mut self, line: u64, offset: u64, fields: RowFields) {
        let row = self.lines.len();
        self.lines.push(line);
        self.offsets.push(offset);
        for (key, cell, column, hash) in fields {
            let index = match self.fields.iter().position(|f| f.name == key) {
                Some(i) => i,
                None => {
                    let field = Field {
                        name: key,
                        count: 0,
                        cells: vec![Cell::Absent; row],
                        columns: vec![0; row],
                        hashes: Vec::new(),
                    };
                    self.fields.push(field);
                    self.fields.len() - 1
                }
            };
            let field = &mut self.fields[index];
            field.count += 1;
            field.cells.push(cell);
            field.columns.push(column);
            if RESPONSE_FIELDS.contains(&field.name.as_str()) {
                field.hashes.resize(row, 0);
                field.hashes.push(hash);
            }
        }
        for field in &mut self.fields {
            if field.cells.len() == row {
                field.cells.push(Cell::Absent);
                field.columns.push(0);
            }
        }
    }

    /// Parses one line into its fields, or names what it is when it is not an object.
    /// Non-finite literals are read as `Cell::NonFinite`, at their place in the line.
    pub fn parse_row(&mut self, text: &str) -> Result<Result<RowFields, &'static str>, RecordError> {
        match self.parse_fields(text, &[]) {
            Ok(parsed) => Ok(parsed),
            Err(first) => {
                let literals = nonfinite_literals(text);
                if literals.is_empty() {
                    return Err(record_error(&first));
                }
                let patched = nonfinite_to_null(text);
                self.parse_fields(&patched, &literals).map_err(|_| record_error(&first))
            }
        }
    }

    /// `text` parsed, where the non-finite `literals` (offset, length) of the line as written
    /// became `null` (for the columns).
    fn parse_fields(
        &mut self,
        text: &str,
        literals: &[(usize, usize)],
    ) -> Result<Result<RowFields, &'static str>, serde_json::Error> {
        let mut entries = match raw_row(text)? {
            RawRow::Object(entries) => entries,
            RawRow::Other(kind) => return Ok(Err(kind)),
        };
        // As serde_json's `Map` (a `BTreeMap`): sorted by name, a repeated name's last value.
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        let mut fields = Vec::with_capacity(entries.len());
        for (key, raw) in entries {
            let json = raw.get();
            let at = json.as_ptr() as usize - text.as_ptr() as usize;
            // Back to the line as written: each `null` put in was a literal of another length.
            let mut grown: isize = 0;
            let mut nonfinite = false;
            for &(orig, len) in literals {
                let patched = (orig as isize + grown) as usize;
                if patched > at {
                    break;
                }
                if patched == at {
                    nonfinite = true;
                    break;
                }
                grown += 4 - len as isize;
            }
            let column = (at as isize - grown) as usize + 1;
            let cell = if nonfinite {
                Cell::NonFinite
            } else {
                self.cell_of_raw(json).map_err(de::Error::custom)?
            };
            let hash = if RESPONSE_FIELDS.contains(&&*key) && json.starts_with('"') {
                let text = serde_json::from_str::<Cow<str>>(json)?;
                response_hash(&text)
            } else {
                0
            };
            fields.push((key.into_owned(), cell, u32::try_from(column).unwrap_or(u32::MAX), hash));
        }
        Ok(Ok(fields))
    }

    /// The cell of a raw JSON value, interning short texts.
    fn cell_of_raw(&mut self, json: &str) -> Result<Cell, String> {
        let len = u32::try_from(json.len()).unwrap_or(u32::MAX);
        Ok(match json.as_bytes().first() {
            Some(b'"') => {
                let body = &json[1..json.len() - 1];
                if !body.contains('\\') {
                    self.text_cell(body, len)
                } else if body.len() <= 6 * MAX_TEXT {
                    let text = unescape_string(json).ok_or("a string with a lone surrogate escape")?;
                    self.text_cell(&text, len)
                } else {
                    Cell::LongText { len }
                }
            }
            Some(b'n') => Cell::Null,
            Some(b't') => Cell::Bool(true),
            Some(b'f') => Cell::Bool(false),
            Some(b'[') => Cell::Array,
            Some(b'{') => Cell::Object,
            _ => number_cell(&serde_json::from_str::<Number>(json).map_err(|e| e.to_string())?),
        })
    }

    fn text_cell(&mut self, text: &str, len: u32) -> Cell {
        if text.len() > MAX_TEXT { Cell::LongText { len } } else { Cell::Text { id: self.intern(text), len } }
    }

    /// The cell of a JSON value, interning short texts (literal lengths are not known).
    pub fn cell_of(&mut self, value: &Value) -> Cell {
        match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => number_cell(n),
            Value::String(s) => self.text_cell(s, 0),
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
        self.field(name).map(|f| f.cells.as_slice())
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// An interned text.
    pub fn string(&self, id: u32) -> Option<&Arc<str>> {
        self.strings.get(id as usize)
    }

    /// A cell as join text: texts as they are, numbers printed (integral floats as integers,
    /// so `3`, `3.0` and `"3"` match), booleans and null as words; `None` for anything else.
    pub fn text(&self, cell: Cell) -> Option<Cow<'_, str>> {
        Some(match cell {
            Cell::Text { id, .. } => Cow::Borrowed(self.strings.get(id as usize)?),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(float_text(f)),
            Cell::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Cell::Null => Cow::Borrowed("null"),
            Cell::Absent | Cell::LongText { .. } | Cell::NonFinite | Cell::Array | Cell::Object => {
                return None;
            }
        })
    }

    /// What a cell holds, for messages.
    pub fn found(&self, cell: Cell) -> String {
        match cell {
            Cell::Text { .. } => format!("{:?}", self.text(cell).unwrap_or_default()),
            Cell::Int(_) | Cell::Float(_) | Cell::Bool(_) => self.text(cell).unwrap_or_default().into_owned(),
            Cell::Null => "null".into(),
            Cell::LongText { .. } => format!("a text longer than {MAX_TEXT} bytes"),
            Cell::NonFinite => "NaN or Infinity".into(),
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
    use super::*;

    fn row(rows: &mut Rows, line: u64, text: &str) {
        let fields = rows.parse_row(text).unwrap().unwrap();
        assert!(fields.iter().all(|f| f.3 == 0), "only response texts are hashed");
        rows.push(line, line * 100, fields);
    }

    #[test]
    fn columns_line_up_whatever_fields_each_row_has() {
        let mut rows = Rows::default();
        row(&mut rows, 3, r#"{"b": 1, "a": "x"}"#);
        row(&mut rows, 5, r#"{"b": 2.5, "c": [1]}"#);
        row(&mut rows, 6, &format!(r#"{{"a": "x", "d": "{}"}}"#, "y".repeat(MAX_TEXT + 1)));
        assert_eq!(rows.lines, [3, 5, 6]);
        let a = rows.column("a").unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0], a[2], "the same text is one string");
        assert_eq!(a[1], Cell::Absent);
        assert_eq!(rows.column("b").unwrap(), [Cell::Int(1), Cell::Float(2.5), Cell::Absent]);
        assert_eq!(rows.column("c").unwrap(), [Cell::Absent, Cell::Array, Cell::Absent]);
        assert_eq!(rows.column("d").unwrap()[2], Cell::LongText { len: MAX_TEXT as u32 + 3 });
        let counts: Vec<(&str, u64)> = rows.fields.iter().map(|f| (f.name.as_str(), f.count)).collect();
        assert_eq!(counts, [("a", 2), ("b", 2), ("c", 1), ("d", 1)], "each row's fields by name");
        assert_eq!(rows.text(a[0]).as_deref(), Some("x"));
        assert_eq!(rows.field("a").unwrap().columns, [15, 0, 7], "where each value starts");
        assert_eq!(rows.found(Cell::LongText { len: 9 }), "a text longer than 128 bytes");
    }

    #[test]
    fn nonfinite_literals_are_cells_of_their_own_at_their_place() {
        let mut rows = Rows::default();
        let text = r#"{"a": -Infinity, "b": "x", "c": NaN, "d": 7}"#;
        row(&mut rows, 1, text);
        let cells: Vec<(Cell, u32)> = rows.fields.iter().map(|f| (f.cells[0], f.columns[0])).collect();
        assert!(rows.fields.iter().all(|f| f.hashes.is_empty()));
        let at = |needle: &str| text.find(needle).unwrap() as u32 + 1;
        assert_eq!(cells[0], (Cell::NonFinite, at("-Inf")));
        assert!(matches!(cells[1], (Cell::Text { len: 3, .. }, c) if c == at("\"x")));
        assert_eq!(cells[2], (Cell::NonFinite, at("NaN")));
        assert_eq!(cells[3], (Cell::Int(7), at("7")));
    }

    #[test]
    fn escaped_texts_a_repeated_name_and_what_is_not_an_object() {
        let mut rows = Rows::default();
        row(&mut rows, 1, r#"{"q": "I \"give\" up", "q": "last", "\u0074ag": "x"}"#);
        let q = rows.column("q").unwrap()[0];
        assert_eq!(rows.text(q).as_deref(), Some("last"));
        assert_eq!(rows.text(rows.column("tag").unwrap()[0]).as_deref(), Some("x"));
        let mut escaped = Rows::default();
        row(&mut escaped, 1, r#"{"q": "I \"give\" up"}"#);
        assert_eq!(escaped.text(escaped.column("q").unwrap()[0]).as_deref(), Some("I \"give\" up"));
        assert_eq!(rows.parse_row("[1, 2]").unwrap(), Err("an array"));
        let err = rows.parse_row(r#"{"a": }"#).unwrap_err();
        assert_eq!((err.line, err.column), (1, 7));
    }
}
