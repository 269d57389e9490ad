//! The layouts people write beside the native one: Inspect logs with per-turn judge values in
//! message metadata or in a score's per-turn array, and FastChat's MT-Bench folder. Each
//! asserts the exact values read, through the loader as the app and the commands use it.
#![allow(clippy::unwrap_used)]

mod layouts {
    pub mod inspect;
    pub mod mtbench;
}

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rollscope::model::{RolloutSummary, ScoreValues, TextAt};
use rollscope::study::Study;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn by_id<'a>(study: &'a Study, id: &str) -> &'a RolloutSummary {
    study.rollouts.iter().find(|r| &*r.id == id).unwrap_or_else(|| panic!("no rollout {id}"))
}

/// Per-turn categories, `None` where missing.
pub fn categories(summary: &RolloutSummary, name: &str) -> Vec<Option<String>> {
    match summary.score_values(name) {
        Some(ScoreValues::Categorical(values)) => {
            values.iter().map(|v| v.as_deref().map(str::to_string)).collect()
        }
        other => panic!("{name} is not categorical: {other:?}"),
    }
}

/// Per-turn held texts, `None` where missing.
pub fn texts(summary: &RolloutSummary, name: &str) -> Vec<Option<Arc<str>>> {
    match summary.score_values(name) {
        Some(ScoreValues::Text(values)) => values
            .iter()
            .map(|v| match v {
                Some(TextAt::Held(text)) => Some(text.clone()),
                Some(TextAt::Span { .. }) => panic!("{name}: a span, expected a held text"),
                None => None,
            })
            .collect(),
        other => panic!("{name} is not a text: {other:?}"),
    }
}
