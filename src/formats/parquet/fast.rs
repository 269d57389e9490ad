//! Indexing a row straight from the Arrow arrays, for the common layout (plain-text contents,
//! numeric per-turn lists, scalar metadata): the messages' text is read where it lies, never
//! copied into a JSON value and a rollout first. Building those copies took two thirds of the
//! time of indexing a file of long transcripts (malloc and memmove in the profile). Any row
//! this path cannot read exactly as the chat decoder would (content in parts, a null message,
//! scores inside the messages, turns to hash) goes the full way, and a differential test
//! checks both give the same index entries.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};

use super::value::value_at;
use crate::formats::chat::{CONTENT_KEYS, MESSAGE_KEYS, ROLE_KEYS, id_text};
use crate::formats::chat_index::IndexContext;
use crate::model::{Interner, Locator, MetaValue, NO_ROLE, Role, RolloutSummary, SummaryBuilder};

/// Which columns the fast path reads, told from the schema.
#[derive(Debug, Clone)]
pub struct FastPlan {
    messages: usize,
    /// The struct fields naming the role, in `ROLE_KEYS` order.
    roles: Vec<usize>,
    /// The struct field holding the content (the first of `CONTENT_KEYS` present).
    content: usize,
    id: Option<usize>,
    /// Scalar metadata columns, by name (the order a JSON object's keys come in).
    metadata: Vec<(usize, Arc<str>)>,
    /// Numeric lists aligned with the assistant turns, with their score names.
    turn_scores: Vec<(usize, String)>,
}

fn is_text(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_nested(data_type: &DataType) -> bool {
    data_type.is_nested() || matches!(data_type, DataType::Map(..))
}

/// The text at `row` of a string array (`None` for a null).
fn str_at(array: &dyn Array, row: usize) -> Option<&str> {
    if array.is_null(row) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(row)),
        DataType::Utf8View => Some(array.as_string_view().value(row)),
        _ => None,
    }
}

impl FastPlan {
    /// The plan for a schema whose columns `roles` tells (see `Layout`), or `None` when rows
    /// must be decoded whole.
    pub fn of(
        schema: &Schema,
        messages: usize,
        id: Option<usize>,
        columns: &[super::layout::Column],
    ) -> Option<FastPlan> {
        use super::layout::Column;
        let DataType::List(item) = schema.field(messages).data_type() else { return None };
        let DataType::Struct(fields) = item.data_type() else { return None };
        // (Tool calls are not part of an index entry: only scores inside a message are.)
        if fields.iter().any(|f| f.name() == "scores") {
            return None;
        }
        let position = |key: &str| fields.iter().position(|f| f.name() == key);
        let roles: Vec<usize> = ROLE_KEYS.iter().filter_map(|k| position(k)).collect();
        let content = CONTENT_KEYS.iter().find_map(|k| position(k))?;
        if !roles.iter().chain([&content]).all(|&f| is_text(fields[f].data_type())) {
            return None;
        }
        let mut metadata = Vec::new();
        let mut turn_scores = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            let field = schema.field(i);
            match column {
                Column::Metadata(name) => {
                    // These mean something else at the top of a chat object.
                    if name == "metadata" || name == "scores" {
                        return None;
                    }
                    if !MESSAGE_KEYS.contains(&name.as_str()) && !is_nested(field.data_type()) {
                        metadata.push((i, Arc::from(name.as_str())));
                    }
                }
                Column::TurnScore(score) => match field.data_type() {
                    DataType::List(item) if item.data_type().is_numeric() => {
                        turn_scores.push((i, score.clone()))
                    }
                    _ => return None,
                },
                Column::Messages | Column::Id | Column::Skip => {}
            }
        }
        metadata.sort_by(|a: &(usize, Arc<str>), b| a.1.cmp(&b.1));
        Some(FastPlan { messages, roles, content, id, metadata, turn_scores })
    }

    /// The index entry of row `i` of `batch`, or `None` when this row must be decoded whole.
    pub fn index(
        &self,
        batch: &RecordBatch,
        i: usize,
        ctx: &IndexContext,
        strings: &mut Interner,
        fallback_id: &dyn Fn() -> String,
        locator: Locator,
    ) -> Option<RolloutSummary> {
        let list = batch.column(self.messages).as_list::<i32>();
        let structs = list.values().as_struct();
        let roles: Vec<&ArrayRef> = self.roles.iter().map(|&f| structs.column(f)).collect();
        let content = structs.column(self.content);
        let scores: Vec<(&str, Vec<Option<f64>>)> = self
            .turn_scores
            .iter()
            .filter(|(c, _)| !batch.column(*c).is_null(i))
            .map(|(c, name)| (name.as_str(), numbers(batch.column(*c).as_list::<i32>().value(i).as_ref())))
            .collect();
        let mut builder = SummaryBuilder::default();
        let range = if list.is_null(i) {
            0..0
        } else {
            list.value_offsets()[i] as usize..list.value_offsets()[i + 1] as usize
        };
        let mut turn = 0;
        let mut turn_scores: Vec<(&str, Option<f64>)> = Vec::with_capacity(scores.len());
        for m in range {
            if structs.is_null(m) {
                return None;
            }
            let role_name = roles.iter().find_map(|r| str_at(r.as_ref(), m)).unwrap_or(NO_ROLE);
            let role = Role::parse(role_name);
            let text = str_at(content.as_ref(), m).unwrap_or("");
            turn_scores.clear();
            if role == Role::Assistant {
                turn_scores.extend(scores.iter().filter_map(|(name, v)| Some((*name, *v.get(turn)?))));
                turn += 1;
            }
            builder.push_message(role, text, &turn_scores, ctx.hatch, strings);
            if role_name == NO_ROLE {
                builder.mark_roleless();
            }
        }
        let metadata = self
            .metadata
            .iter()
            .filter(|(c, _)| !batch.column(*c).is_null(i))
            .filter_map(|(c, name)| {
                let value = MetaValue::from_json(&value_at(batch.column(*c).as_ref(), i), strings)?;
                Some((strings.get(name), value))
            })
            .collect();
        let id = self.id.and_then(|c| id_text(Some(&value_at(batch.column(c).as_ref(), i))));
        let id = id.filter(|id| !id.is_empty());
        let id = strings.get(&id.unwrap_or_else(fallback_id));
        Some(builder.finish(id, ctx.source, locator, metadata, Vec::new()))
    }
}

/// A numeric list's values as floats (nulls as `None`), as JSON numbers would read.
fn numbers(items: &dyn Array) -> Vec<Option<f64>> {
    (0..items.len()).map(|k| value_at(items, k).as_f64()).collect()
}
