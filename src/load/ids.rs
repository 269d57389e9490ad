//! Stable ids from metadata (`--id-fields condition,task_id,rollout_idx`): a rollout's id is
//! its values of those fields joined by `/` (`harsh_tone/puzzle_07/3`), so labels follow the
//! rollout, not its line in a file. Ids are built as each batch loads, from the rollout's own
//! metadata only, before `--scores` files are attached and before the study renames duplicates:
//! the same ids whatever score files are given.

use std::borrow::Cow;
use std::sync::Mutex;

use super::source::stand_in_number;
use super::{LoadEvent, Sink};
use crate::formats::Format;
use crate::model::names::closest;
use crate::model::{MetaValue, Problem, RolloutSummary};

/// What separates the fields' values in an id.
pub const SEPARATOR: char = '/';

/// The id made of `fields`' values, or the first field the rollout lacks (absent or `null`).
pub fn build_id(summary: &RolloutSummary, fields: &[String]) -> Result<String, String> {
    let mut id = String::new();
    for (i, field) in fields.iter().enumerate() {
        let value = match summary.meta(field) {
            None | Some(MetaValue::Null) => return Err(field.clone()),
            Some(value) => value.text(),
        };
        if i > 0 {
            id.push(SEPARATOR);
        }
        id.push_str(&escape(&value));
    }
    Ok(id)
}

/// A value as one part of an id: `/` is written `%2F` so it cannot pass for a separator, and
/// `%` is written `%25` so two different values never make the same id.
pub fn escape(value: &str) -> Cow<'_, str> {
    if !value.contains(['/', '%']) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(value.replace('%', "%25").replace('/', "%2F"))
}

/// Runs `load` with a sink that gives every rollout its id from `fields` (nothing changes when
/// there are none). A rollout lacking one of them keeps the id it had, with a warning naming
/// it, at its line when it has a stand-in id in a JSONL file.
pub fn with_ids(fields: &[String], sink: &Sink, load: impl FnOnce(&Sink)) {
    if fields.is_empty() {
        load(sink);
        return;
    }
    // (display, file name, format) of each source, in the order they are announced: a
    // rollout's `source` indexes them.
    let sources: Mutex<Vec<(String, String, Format)>> = Mutex::default();
    let identified = |event: LoadEvent| match event {
        LoadEvent::Source(source) => {
            if let Ok(mut sources) = sources.lock() {
                sources.push((source.display.clone(), source.file_name().to_string(), source.format));
            }
            sink(LoadEvent::Source(source));
        }
        LoadEvent::Rollouts(mut batch) => {
            let sources = sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for summary in &mut batch {
                match build_id(summary, fields) {
                    Ok(id) => summary.id = id.into(),
                    Err(missing) => {
                        let source = sources.get(summary.source as usize);
                        sink(LoadEvent::Problem(missing_field(summary, &missing, source)));
                    }
                }
            }
            drop(sources);
            sink(LoadEvent::Rollouts(batch));
        }
        other => sink(other),
    };
    load(&identified);
}

/// The warning for a rollout without `field`, with the closest field it does have.
fn missing_field(
    summary: &RolloutSummary,
    field: &str,
    source: Option<&(String, String, Format)>,
) -> Problem {
    let known: Vec<&str> = summary.metadata.iter().map(|(k, _)| &**k).collect();
    let hint = closest(field, &known).map_or_else(String::new, |c| format!("; did you mean `{c}`?"));
    let message = format!("rollout {:?} has no {field} (--id-fields{hint}): it keeps this id", summary.id);
    let Some((display, file_name, format)) = source else {
        return Problem::file("?", message).warning();
    };
    match stand_in_number(file_name, &summary.id) {
        Some(Some(line)) if *format == Format::Jsonl => Problem::at(display, line, 1, message).warning(),
        _ => Problem::file(display, message).warning(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Interner, Locator, Rollout};
    use serde_json::json;

    fn summary(id: &str, metadata: serde_json::Value) -> RolloutSummary {
        let rollout = Rollout {
            id: id.into(),
            metadata: metadata.as_object().cloned().unwrap_or_default(),
            ..Rollout::default()
        };
        RolloutSummary::from_rollout(
            &rollout,
            &crate::model::Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        )
    }

    fn fields(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn the_id_is_the_values_joined_by_slashes_in_the_order_given() {
        let s = summary(
            "t.jsonl:4",
            json!({"condition": "harsh_tone", "task_id": "puzzle_07", "rollout_idx": 3}),
        );
        let id = build_id(&s, &fields(&["condition", "task_id", "rollout_idx"]));
        assert_eq!(id.as_deref(), Ok("harsh_tone/puzzle_07/3"));
        let id = build_id(&s, &fields(&["rollout_idx", "condition"]));
        assert_eq!(id.as_deref(), Ok("3/harsh_tone"));
        let typed = summary("x", json!({"a": 2.5, "b": true, "c": ""}));
        assert_eq!(build_id(&typed, &fields(&["a", "b", "c"])).as_deref(), Ok("2.5/true/"));
    }

    #[test]
    fn a_slash_in_a_value_is_escaped_so_values_never_run_together() {
        let s = summary("x", json!({"condition": "harsh/tone", "task_id": "100%"}));
        let id = build_id(&s, &fields(&["condition", "task_id"]));
        assert_eq!(id.as_deref(), Ok("harsh%2Ftone/100%25"));
        let literal = summary("y", json!({"condition": "harsh%2Ftone", "task_id": "100%"}));
        assert_ne!(build_id(&literal, &fields(&["condition", "task_id"])), id, "a value that looks escaped");
    }

    #[test]
    fn a_missing_or_null_field_is_named() {
        let s = summary("x", json!({"condition": "a", "task_id": null}));
        assert_eq!(build_id(&s, &fields(&["condition", "task_id"])), Err("task_id".to_string()));
        assert_eq!(build_id(&s, &fields(&["conditon"])), Err("conditon".to_string()));
    }

    #[test]
    fn a_rollout_without_a_field_keeps_its_id_with_a_warning_at_its_line() {
        let s = summary("t.jsonl:12", json!({"condition": "a"}));
        let source = ("runs/t.jsonl".to_string(), "t.jsonl".to_string(), Format::Jsonl);
        let p = missing_field(&s, "conditon", Some(&source));
        assert_eq!(
            p.to_string(),
            "runs/t.jsonl:12:1: warning: rollout \"t.jsonl:12\" has no conditon (--id-fields; did you mean \
             `condition`?): it keeps this id"
        );
        let own = summary("r-1", json!({}));
        let p = missing_field(&own, "task_id", Some(&source));
        assert_eq!(
            p.to_string(),
            "runs/t.jsonl: warning: rollout \"r-1\" has no task_id (--id-fields): it keeps this id"
        );
    }
}
