//! One typed column being filled a batch at a time, and the type a metadata field gets: the
//! narrowest that holds every value it has in the study (a field with mixed types is text).

use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
    StringDictionaryBuilder,
};
use arrow_array::types::Int32Type;
use arrow_schema::{DataType, Field};

use crate::model::{MetaValue, RolloutSummary};

/// A column's values so far.
pub enum Builder {
    Text(StringBuilder),
    /// Strings with few distinct values (categories, roles): dictionary-encoded.
    Category(StringDictionaryBuilder<Int32Type>),
    Int(Int64Builder),
    Int32(Int32Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    /// A list of strings (a label's tags).
    Texts(ListBuilder<StringBuilder>),
}

impl Builder {
    /// An empty column of the Arrow type `data_type` (one of those `field_type` gives).
    pub fn of(data_type: &DataType) -> Builder {
        match data_type {
            DataType::Dictionary(..) => Builder::Category(StringDictionaryBuilder::new()),
            DataType::Int64 => Builder::Int(Int64Builder::new()),
            DataType::Int32 => Builder::Int32(Int32Builder::new()),
            DataType::Float64 => Builder::Float(Float64Builder::new()),
            DataType::Boolean => Builder::Bool(BooleanBuilder::new()),
            DataType::List(_) => Builder::Texts(ListBuilder::new(StringBuilder::new())),
            _ => Builder::Text(StringBuilder::new()),
        }
    }

    /// The values so far as an array; the builder starts over empty.
    pub fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Category(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Int32(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Texts(b) => Arc::new(b.finish()),
        }
    }

    pub fn text(&mut self, value: Option<&str>) {
        match self {
            Builder::Text(b) => b.append_option(value),
            Builder::Category(b) => b.append_option(value),
            _ => self.null(),
        }
    }

    pub fn int(&mut self, value: Option<i64>) {
        match self {
            Builder::Int(b) => b.append_option(value),
            Builder::Int32(b) => b.append_option(value.and_then(|v| i32::try_from(v).ok())),
            Builder::Float(b) => b.append_option(value.map(|v| v as f64)),
            _ => self.null(),
        }
    }

    pub fn float(&mut self, value: Option<f64>) {
        match self {
            Builder::Float(b) => b.append_option(value),
            _ => self.null(),
        }
    }

    pub fn bool(&mut self, value: Option<bool>) {
        match self {
            Builder::Bool(b) => b.append_option(value),
            _ => self.null(),
        }
    }

    pub fn texts(&mut self, values: Option<&[String]>) {
        match (self, values) {
            (Builder::Texts(b), Some(values)) => {
                for v in values {
                    b.values().append_value(v);
                }
                b.append(true);
            }
            (this, _) => this.null(),
        }
    }

    pub fn null(&mut self) {
        match self {
            Builder::Text(b) => b.append_null(),
            Builder::Category(b) => b.append_null(),
            Builder::Int(b) => b.append_null(),
            Builder::Int32(b) => b.append_null(),
            Builder::Float(b) => b.append_null(),
            Builder::Bool(b) => b.append_null(),
            Builder::Texts(b) => b.append_null(),
        }
    }

    /// Appends a metadata value, as text when the column is text (a field of mixed types).
    pub fn meta(&mut self, value: Option<&MetaValue>) {
        match (self, value) {
            (this, None | Some(MetaValue::Null)) => this.null(),
            (Builder::Text(b), Some(v)) => b.append_value(v.text()),
            (this, Some(MetaValue::Int(i))) => this.int(Some(*i)),
            (this, Some(MetaValue::Float(x))) => this.float(Some(*x)),
            (this, Some(MetaValue::Bool(x))) => this.bool(Some(*x)),
            (this, Some(MetaValue::Text(t))) => this.text(Some(t)),
        }
    }
}

/// The Arrow types the exports write.
pub fn category_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

pub fn texts_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

/// What a metadata field's values are over the whole study.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaType {
    /// Only nulls so far.
    Empty,
    Int,
    Float,
    Bool,
    Text,
    /// More than one kind (numbers and strings): written as text.
    Mixed,
}

impl MetaType {
    /// The type that holds values of both.
    fn join(self, value: &MetaValue) -> MetaType {
        let kind = match value {
            MetaValue::Null => return self,
            MetaValue::Int(_) => MetaType::Int,
            MetaValue::Float(_) => MetaType::Float,
            MetaValue::Bool(_) => MetaType::Bool,
            MetaValue::Text(_) => MetaType::Text,
        };
        match (self, kind) {
            (MetaType::Empty, k) => k,
            (a, b) if a == b => a,
            (MetaType::Int, MetaType::Float) | (MetaType::Float, MetaType::Int) => MetaType::Float,
            _ => MetaType::Mixed,
        }
    }

    pub fn data_type(self) -> DataType {
        match self {
            MetaType::Int => DataType::Int64,
            MetaType::Float => DataType::Float64,
            MetaType::Bool => DataType::Boolean,
            MetaType::Empty | MetaType::Text | MetaType::Mixed => DataType::Utf8,
        }
    }
}

/// A metadata field as a column: its name in the data and its type over the study.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaColumn {
    pub field: Arc<str>,
    pub kind: MetaType,
}

impl MetaColumn {
    /// Every metadata field of `rollouts`, sorted by name, each with the type of its values.
    pub fn of<'a>(rollouts: impl Iterator<Item = &'a RolloutSummary>) -> Vec<MetaColumn> {
        let mut columns: std::collections::BTreeMap<Arc<str>, MetaType> = Default::default();
        for r in rollouts {
            for (field, value) in &r.metadata {
                let kind = columns.entry(field.clone()).or_insert(MetaType::Empty);
                *kind = kind.join(value);
            }
        }
        columns.into_iter().map(|(field, kind)| MetaColumn { field, kind }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(values: &[MetaValue]) -> MetaType {
        values.iter().fold(MetaType::Empty, |k, v| k.join(v))
    }

    #[test]
    fn a_field_takes_the_narrowest_type_of_all_its_values() {
        use MetaValue::*;
        assert_eq!(kind(&[Int(1), Null, Int(3)]), MetaType::Int);
        assert_eq!(kind(&[Int(1), Float(0.5)]), MetaType::Float);
        assert_eq!(kind(&[Bool(true), Bool(false)]), MetaType::Bool);
        assert_eq!(kind(&[Text("a".into()), Int(2)]), MetaType::Mixed);
        assert_eq!(kind(&[Null]), MetaType::Empty);
        assert_eq!(kind(&[Bool(true), Int(1)]), MetaType::Mixed);
    }
}
