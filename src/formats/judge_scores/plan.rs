//! What each field of a score file becomes, once the join fields are known: the value (the
//! score itself), a kept field (`<score>.<field>`, numeric, categorical or text), a response
//! text that checks the join, or noise that is dropped and listed. A long file's name column
//! (one row per score name) is found here too.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::rows::{Cell, Field, Rows};
use super::spec::DroppedField;
use super::*;
use crate::formats::fields::names_field;
use crate::model::{ScoreKind, kind_of_strings};

/// Fields that repeat the judged turn's own text: compared with it, not kept.
pub const RESPONSE_FIELDS: [&str; 3] = ["response_text", "completion", "output"];
/// Noise, dropped unless `--keep`: (field, why).
const NOISE: [(&str, &str); 16] = [
    ("tstamp", "timestamp"),
    ("time", "timestamp"),
    ("timestamp", "timestamp"),
    ("created_at", "timestamp"),
    ("user_prompt", "prompt echo"),
    ("prompt", "prompt echo"),
    ("messages", "prompt echo"),
    ("id", "judge call id"),
    ("judge_id", "judge call id"),
    ("call_id", "judge call id"),
    ("request_id", "judge call id"),
    ("response_id", "judge call id"),
    ("completion_id", "judge call id"),
    ("judgment_id", "judge call id"),
    ("judge_call_id", "judge call id"),
    ("uuid", "judge call id"),
];

/// A kept column: the value first, then the kept fields.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub field: String,
    pub kind: ScoreKind,
}

/// What the fields become.
pub(super) struct Plan {
    pub name_field: Option<String>,
    pub columns: Vec<Column>,
    pub responses: Vec<String>,
    pub dropped: Vec<DroppedField>,
}

impl ScoreFile {
    /// Decides every field's part, given the join fields.
    pub(super) fn plan(&mut self, rows: &Rows, join: &[JoinField]) -> Result<Plan, Problem> {
        let is_join = |name: &str| join.iter().any(|j| j.row == name);
        let name_field = match &self.spec.name_field {
            Some(given) => Some(given.clone()),
            None => self.detect_name_field(rows, join),
        };
        if let Some(name) = &name_field
            && (is_join(name) || self.is_turn(name))
        {
            let message = format!("--name-field {name:?} is a join or turn field");
            return Err(Problem::file(&self.display, message));
        }
        let value = self.detect_value(rows, join, name_field.as_deref())?;
        self.value_field = Some(value.clone());
        let mut plan = Plan {
            name_field,
            columns: vec![Column { field: value.clone(), kind: ScoreKind::Numeric }],
            responses: Vec::new(),
            dropped: Vec::new(),
        };
        for field in &rows.fields {
            let name = field.name.as_str();
            if is_join(name)
                || self.is_turn(name)
                || name == value
                || plan.name_field.as_deref() == Some(name)
            {
                continue;
            }
            let listed = |list: &[String]| self.listed(list, name);
            let reason = if listed(&self.spec.drop) {
                Some("--drop")
            } else if listed(&self.spec.keep) {
                None
            } else if RESPONSE_FIELDS.contains(&name) {
                plan.responses.push(name.to_string());
                continue;
            } else if let Some((_, why)) = NOISE.iter().find(|(n, _)| *n == name) {
                Some(*why)
            } else if field.cells.iter().any(|c| matches!(c, Cell::Array | Cell::Object)) {
                Some("not a scalar")
            } else {
                None
            };
            match reason {
                Some(reason) => plan.dropped.push(DroppedField { field: name.to_string(), reason }),
                None => {
                    let kind = if listed(&self.spec.text) {
                        ScoreKind::Text
                    } else if listed(&self.spec.categorical) {
                        ScoreKind::Categorical
                    } else {
                        kind_of_field(rows, field)
                    };
                    plan.columns.push(Column { field: name.to_string(), kind });
                }
            }
        }
        Ok(plan)
    }

    /// A field's score name in a wide file (for `--keep`, `--text`, ... given as a score name).
    fn score_field(&self, field: &str) -> String {
        format!("{}.{field}", self.name)
    }

    /// Whether a list of fields (`--keep`, `--drop`, `--text`, ...) names `field`, as itself or
    /// as its score name.
    fn listed(&self, list: &[String], field: &str) -> bool {
        list.iter().any(|f| f == field || names_field(&self.score_field(field), f))
    }

    /// Whether some rows repeat their turn's text in a response-text field that is neither
    /// kept nor dropped: then the loader hashes every turn's text, to check the join (known
    /// before the rollouts are read, so a file without one costs the indexer nothing).
    pub fn repeats_texts(&self) -> bool {
        self.field_counts.iter().any(|(field, _)| {
            RESPONSE_FIELDS.contains(&field.as_str())
                && !self.is_turn(field)
                && !self.is_value(field)
                && !self.listed(&self.spec.keep, field)
                && !self.listed(&self.spec.drop, field)
        })
    }

    /// The value field: given, else a field named like the score (or `score`, `value`, ...),
    /// else in a long file `<name field>_value` or the single numeric field that varies
    /// within a name, else the single numeric field besides the turn and join fields.
    fn detect_value(
        &self,
        rows: &Rows,
        join: &[JoinField],
        name_field: Option<&str>,
    ) -> Result<String, Problem> {
        if let Some(value) = &self.value_field {
            return Ok(value.clone());
        }
        let free = |k: &str| !self.is_turn(k) && !join.iter().any(|j| j.row == k) && Some(k) != name_field;
        let numeric: Vec<&Field> = rows
            .fields
            .iter()
            .filter(|f| free(&f.name) && !NOISE.iter().any(|(n, _)| *n == f.name))
            .filter(|f| {
                let all = f
                    .cells
                    .iter()
                    .all(|c| matches!(c, Cell::Int(_) | Cell::Float(_) | Cell::Null | Cell::Absent));
                all && f.cells.iter().any(|c| matches!(c, Cell::Int(_) | Cell::Float(_)))
            })
            .collect();
        if let Some(name_field) = name_field {
            let named = [format!("{name_field}_value"), format!("{name_field}_score")];
            let by_name = self.value_names.iter().chain(&named).find(|n| free(n) && rows.field(n).is_some());
            if let Some(found) = by_name {
                return Ok(found.clone());
            }
            let names = rows.column(name_field).unwrap_or_default();
            let varying: Vec<&&Field> =
                numeric.iter().filter(|f| varies_within_names(rows, names, f)).collect();
            if let [single] = varying[..] {
                return Ok(single.name.clone());
            }
        }
        match numeric[..] {
            [single] => Ok(single.name.clone()),
            _ => {
                let names: Vec<&str> = numeric.iter().map(|f| f.name.as_str()).collect();
                let found = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                let message = format!(
                    "no value field: expected one of {} or a single numeric field besides the turn and join \
                     fields (numeric fields: {found}); name it with --value-field",
                    self.value_names.join(", ")
                );
                Err(Problem::file(&self.display, message))
            }
        }
    }

    /// A long file's name column: when a (rollout, turn) occurs on several rows (on at least
    /// half of them), and exactly one text column tells those rows apart. A judge's category
    /// does not: re-judged turns are rare, and they differ in more than one text.
    fn detect_name_field(&self, rows: &Rows, join: &[JoinField]) -> Option<String> {
        let turn = rows.column(self.turn_field.as_deref()?)?;
        let keys: Vec<&[Cell]> = join.iter().filter_map(|j| rows.column(&j.row)).collect();
        let mut groups: HashMap<u64, Vec<usize>> = HashMap::new();
        for row in 0..rows.len() {
            let mut hasher = DefaultHasher::new();
            for cells in keys.iter().chain(std::iter::once(&turn)) {
                rows.text(cells[row]).hash(&mut hasher);
            }
            groups.entry(hasher.finish()).or_default().push(row);
        }
        let several: Vec<&Vec<usize>> = groups.values().filter(|rows| rows.len() > 1).collect();
        if several.is_empty() || several.len() * 2 < groups.len() {
            return None;
        }
        let candidates = rows.fields.iter().filter(|f| {
            let name = f.name.as_str();
            !self.is_turn(name)
                && !self.is_value(name)
                && !join.iter().any(|j| j.row == name)
                && !RESPONSE_FIELDS.contains(&name)
                && !NOISE.iter().any(|(n, _)| *n == name)
                && f.cells.iter().all(|c| matches!(c, Cell::Text { .. }))
        });
        let separating: Vec<&Field> = candidates
            .filter(|f| {
                several.iter().all(|group| {
                    let mut ids: Vec<Cell> = group.iter().map(|&r| f.cells[r]).collect();
                    ids.sort_by_key(|c| if let Cell::Text { id, .. } = c { *id } else { 0 });
                    ids.windows(2).all(|w| w[0] != w[1])
                })
            })
            .collect();
        match separating[..] {
            [single] => Some(single.name.clone()),
            _ => None,
        }
    }
}

/// Whether a numeric field takes more than one value under some name (a layer number is the
/// same on every row of its probe; the probe's value is not).
fn varies_within_names(rows: &Rows, names: &[Cell], field: &Field) -> bool {
    let mut first: HashMap<String, Cell> = HashMap::new();
    field.cells.iter().zip(names).any(|(cell, name)| {
        let name = rows.text(*name).map(|n| n.into_owned()).unwrap_or_default();
        *first.entry(name).or_insert(*cell) != *cell
    })
}

/// A kept field's kind: numeric when at least half its values are numbers (or text holding
/// one), else categorical or text by `kind_of_strings` over the file's rows.
fn kind_of_field(rows: &Rows, field: &Field) -> ScoreKind {
    let (mut numbers, mut strings, mut long) = (0usize, 0usize, false);
    let mut distinct: Vec<u32> = Vec::new();
    for cell in &field.cells {
        match cell {
            Cell::Int(_) | Cell::Float(_) => numbers += 1,
            Cell::Text { id, .. } => {
                if rows.text(*cell).is_some_and(|t| t.trim().parse::<f64>().is_ok_and(f64::is_finite)) {
                    numbers += 1;
                } else {
                    strings += 1;
                }
                if distinct.len() <= MAX_CATEGORIES && !distinct.contains(id) {
                    distinct.push(*id);
                }
            }
            Cell::Bool(b) => {
                strings += 1;
                let id = u32::MAX - u32::from(*b);
                if !distinct.contains(&id) {
                    distinct.push(id);
                }
            }
            Cell::LongText { .. } => {
                strings += 1;
                long = true;
            }
            Cell::Absent | Cell::Null | Cell::NonFinite | Cell::Array | Cell::Object => {}
        }
    }
    if numbers > 0 && numbers >= strings {
        ScoreKind::Numeric
    } else if long {
        ScoreKind::Text
    } else {
        kind_of_strings(distinct.len(), strings + numbers)
    }
}
