//! What each column of a Parquet rollouts file is: the messages, the id, a per-turn score list
//! or metadata. Told once from the schema and the footer; every row is then filled into the
//! object the chat decoder reads (`fill`).

use std::collections::HashMap;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema};
use parquet::file::metadata::KeyValue;
use serde_json::{Map, Value};

use super::fast::FastPlan;
use super::value::{is_supported, value_at};
use crate::formats::chat::{CONTENT_KEYS, MESSAGE_KEYS, ROLE_KEYS};

/// The footer key `export --to parquet-rollouts` names its per-turn score lists under.
const TURN_SCORES_KEY: &str = "rollscope.turn_scores";

#[derive(Debug, Clone)]
pub(super) enum Column {
    Messages,
    /// The rollout's id (`id`, or `rollout` in a file rollscope wrote).
    Id,
    /// A list aligned with the assistant turns: the score it holds.
    TurnScore(String),
    Metadata(String),
    /// Not read: rollscope's own `source` column (the file exported from), or a type no
    /// value is read from (reported when the file is opened).
    Skip,
}

#[derive(Debug, Clone)]
pub struct Layout {
    columns: Vec<Column>,
    /// How rows are indexed without decoding them whole, when the layout allows.
    pub(super) fast: Option<FastPlan>,
}

/// The score lists a file rollscope wrote names in its footer: column → score name.
fn footer_scores(footer: Option<&[KeyValue]>) -> Option<HashMap<String, String>> {
    let value = footer?.iter().find(|kv| kv.key == TURN_SCORES_KEY)?.value.as_deref()?;
    let listed: Vec<Value> = serde_json::from_str(value).ok()?;
    Some(
        listed
            .iter()
            .filter_map(|v| {
                Some((v.get("column")?.as_str()?.to_string(), v.get("score")?.as_str()?.to_string()))
            })
            .collect(),
    )
}

/// A list of structs with a role and a content field: a message list.
fn is_message_list(data_type: &DataType) -> bool {
    let item = match data_type {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => f.data_type(),
        _ => return false,
    };
    match item {
        DataType::Struct(fields) => {
            let has = |keys: &[&str]| fields.iter().any(|f| keys.contains(&f.name().as_str()));
            has(&ROLE_KEYS) && has(&CONTENT_KEYS)
        }
        _ => false,
    }
}

impl Layout {
    /// The layout of `schema`; `Err` says why it holds no rollouts (naming the columns), `Ok`
    /// carries warnings about columns not read.
    pub fn of(
        schema: &Schema,
        footer: Option<&[KeyValue]>,
        turn_array: Option<&str>,
    ) -> Result<(Layout, Vec<String>), String> {
        let fields = schema.fields();
        let named = |key: &str| fields.iter().position(|f| f.name() == key);
        let Some(messages) = MESSAGE_KEYS.iter().find_map(|k| named(k)) else {
            let names: Vec<&str> = fields.iter().take(12).map(|f| f.name().as_str()).collect();
            return Err(format!(
                "no messages column: expected a list of {{role, content}} structs named messages, \
                 conversation or conversations; the columns are {}",
                names.join(", ")
            ));
        };
        let field = &fields[messages];
        if !is_message_list(field.data_type()) {
            return Err(format!(
                "column {} is {}, expected a list of structs with role (or from) and content (or value)",
                field.name(),
                field.data_type()
            ));
        }
        let ours = footer_scores(footer);
        let id_column = named("id").or_else(|| ours.as_ref().and(named("rollout")));
        let mut warnings = Vec::new();
        let columns: Vec<Column> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let name = f.name();
                if i == messages {
                    Column::Messages
                } else if Some(i) == id_column {
                    Column::Id
                } else if ours.is_some() && name == "source" {
                    Column::Skip
                } else if !is_supported(f.data_type()) {
                    warnings.push(format!("column {name} is {}, which is not read", f.data_type()));
                    Column::Skip
                } else if let Some(score) = ours.as_ref().and_then(|s| s.get(name.as_str())) {
                    Column::TurnScore(score.clone())
                } else if turn_array == Some(name.as_str()) && matches!(f.data_type(), DataType::List(_)) {
                    Column::TurnScore(name.clone())
                } else {
                    Column::Metadata(name.clone())
                }
            })
            .collect();
        if let Some(wanted) = turn_array
            && named(wanted).is_none()
        {
            warnings.push(format!("--turn-array {wanted}: no such column"));
        }
        let fast = FastPlan::of(schema, messages, id_column, &columns);
        Ok((Layout { columns, fast }, warnings))
    }

    /// Fills row `i` of `batch` into a chat object, as a JSONL line of the same rollout would
    /// be: `id`, `messages` (each assistant message with its per-turn scores under `scores`),
    /// and every other column as a top-level field (so a `metadata` struct and a `scores`
    /// column mean what they mean in JSONL).
    pub fn fill(&self, batch: &RecordBatch, i: usize, object: &mut Map<String, Value>) {
        let mut messages = Vec::new();
        let mut turn_scores = Vec::new();
        for (role, column) in self.columns.iter().zip(batch.columns()) {
            match role {
                Column::Messages => {
                    if let Value::Array(list) = value_at(column.as_ref(), i) {
                        messages = list;
                    }
                }
                Column::Id => {
                    object.insert("id".into(), value_at(column.as_ref(), i));
                }
                Column::TurnScore(score) => {
                    if !column.is_null(i) {
                        turn_scores.push((score, value_at(column.as_ref(), i)));
                    }
                }
                // Every row has every column: a null is a field the row does not have.
                Column::Metadata(name) if !column.is_null(i) => {
                    object.insert(name.clone(), value_at(column.as_ref(), i));
                }
                Column::Metadata(_) => {}
                Column::Skip => {}
            }
        }
        messages.iter_mut().for_each(parse_tool_calls);
        for (score, values) in turn_scores {
            let Value::Array(values) = values else { continue };
            let assistant = messages.iter_mut().filter(|m| is_assistant(m));
            for (message, value) in assistant.zip(values) {
                if let Value::Object(m) = message {
                    let scores = m.entry("scores").or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(scores) = scores {
                        scores.insert(score.clone(), value);
                    }
                }
            }
        }
        object.insert("messages".into(), Value::Array(messages));
    }
}

/// Whether a message object is the assistant's (by its role or `from` field).
fn is_assistant(message: &Value) -> bool {
    ROLE_KEYS
        .iter()
        .find_map(|k| message.get(*k))
        .and_then(Value::as_str)
        .is_some_and(|role| crate::model::Role::parse(role) == crate::model::Role::Assistant)
}

/// Tool calls kept as JSON text in a string column (as `parquet-rollouts` writes them, and many
/// datasets do) read as the calls they spell.
fn parse_tool_calls(message: &mut Value) {
    if let Some(calls) = message.get_mut("tool_calls")
        && let Value::String(text) = calls
        && let Ok(parsed @ Value::Array(_)) = serde_json::from_str::<Value>(text)
    {
        *calls = parsed;
    }
}
