//! One cell of an Arrow column as a JSON value, so a Parquet row goes through the same chat
//! decoder as a JSONL line (roles, `from`/`value`, content parts, scores under messages).
//! Nested lists, structs and maps become arrays and objects; timestamps and dates become
//! ISO 8601 text; binary data a placeholder. A type not listed here is reported once per
//! column when the file is opened (`is_supported`), never read as something else.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrowPrimitiveType};
use arrow_schema::{DataType, TimeUnit};
use serde_json::{Map, Number, Value};

/// Whether `value_at` reads every value of this type (all nested types included).
pub fn is_supported(data_type: &DataType) -> bool {
    use DataType::*;
    match data_type {
        Null | Boolean | Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 | Float32
        | Float64 | Utf8 | LargeUtf8 | Utf8View | Binary | LargeBinary | BinaryView | FixedSizeBinary(_)
        | Date32 | Date64 | Timestamp(..) => true,
        List(f) | LargeList(f) | FixedSizeList(f, _) => is_supported(f.data_type()),
        Struct(fields) => fields.iter().all(|f| is_supported(f.data_type())),
        Map(entries, _) => is_supported(entries.data_type()),
        Dictionary(key, value) => key.is_integer() && is_supported(value),
        _ => false,
    }
}

/// The value at `row`; `Null` for a null (and for a type `is_supported` refuses).
pub fn value_at(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => int_at(array, row).into(),
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => int_at(array, row).into(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(row))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => array.as_string::<i32>().value(row).into(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row).into(),
        DataType::Utf8View => array.as_string_view().value(row).into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            Value::String("[binary]".into())
        }
        DataType::Date32 => date(i64::from(array.as_primitive::<Date32Type>().value(row)) * 86_400_000),
        DataType::Date64 => date(array.as_primitive::<Date64Type>().value(row)),
        DataType::Timestamp(unit, _) => {
            let raw = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row),
            };
            timestamp(raw, *unit)
        }
        DataType::List(_) => list(array.as_list::<i32>().value(row).as_ref()),
        DataType::LargeList(_) => list(array.as_list::<i64>().value(row).as_ref()),
        DataType::FixedSizeList(..) => list(array.as_fixed_size_list().value(row).as_ref()),
        DataType::Struct(_) => {
            let s = array.as_struct();
            let fields = s.fields().iter().zip(s.columns());
            Value::Object(
                fields.map(|(f, column)| (f.name().clone(), value_at(column.as_ref(), row))).collect(),
            )
        }
        DataType::Map(..) => {
            let entries = array.as_map().value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            let mut object = Map::new();
            for i in 0..entries.len() {
                let key = match value_at(keys.as_ref(), i) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                object.insert(key, value_at(values.as_ref(), i));
            }
            Value::Object(object)
        }
        DataType::Dictionary(..) => match array.as_any_dictionary_opt() {
            Some(dict) => match usize::try_from(int_at(dict.keys(), row)) {
                Ok(key) if key < dict.values().len() => value_at(dict.values().as_ref(), key),
                _ => Value::Null,
            },
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// An integer column's value as i64 (0 for a type that is not one, or that does not fit).
fn int_at(array: &dyn Array, row: usize) -> i64 {
    fn get<T: ArrowPrimitiveType>(array: &dyn Array, row: usize) -> i64
    where
        T::Native: TryInto<i64>,
    {
        array.as_primitive::<T>().value(row).try_into().unwrap_or(0)
    }
    match array.data_type() {
        DataType::Int8 => get::<Int8Type>(array, row),
        DataType::Int16 => get::<Int16Type>(array, row),
        DataType::Int32 => get::<Int32Type>(array, row),
        DataType::Int64 => get::<Int64Type>(array, row),
        DataType::UInt8 => get::<UInt8Type>(array, row),
        DataType::UInt16 => get::<UInt16Type>(array, row),
        DataType::UInt32 => get::<UInt32Type>(array, row),
        DataType::UInt64 => get::<UInt64Type>(array, row),
        _ => 0,
    }
}

fn list(items: &dyn Array) -> Value {
    Value::Array((0..items.len()).map(|i| value_at(items, i)).collect())
}

/// A float as a JSON number; NaN and infinities (which JSON has not) as null.
fn float(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn date(millis: i64) -> Value {
    match chrono::DateTime::from_timestamp_millis(millis) {
        Some(t) => Value::String(t.format("%Y-%m-%d").to_string()),
        None => Value::Null,
    }
}

fn timestamp(raw: i64, unit: TimeUnit) -> Value {
    let t = match unit {
        TimeUnit::Second => chrono::DateTime::from_timestamp(raw, 0),
        TimeUnit::Millisecond => chrono::DateTime::from_timestamp_millis(raw),
        TimeUnit::Microsecond => chrono::DateTime::from_timestamp_micros(raw),
        TimeUnit::Nanosecond => Some(chrono::DateTime::from_timestamp_nanos(raw)),
    };
    t.map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}
