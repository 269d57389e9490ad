//! The hidden `__label-stress` command: the child process of the kill -9 test. It writes labels
//! through the same store as the app and acknowledges each one only after it is on disk.

use std::path::Path;

use anyhow::{Result, bail};

use crate::model::LabelRecord;
use crate::runtime::labels::LabelStore;

pub fn run(dir: &Path, annotator: &str, count: u32, prefix: &str) -> Result<()> {
    let (mut store, opened) =
        LabelStore::open(dir, annotator, &[], crate::model::ReadLimits::default().label_file());
    if let Some(reason) = opened.read_only {
        bail!(reason);
    }
    let mut out = super::Output::stdout();
    for i in 0..count {
        let record = LabelRecord {
            rollout: format!("{prefix}-{i}"),
            turn: Some(i % 20 + 1),
            score: Some((i % 11) as u8),
            score_name: None,
            category: None,
            tags: vec!["stress".into()],
            note: Some("x".repeat((i % 7) as usize * 40)),
            annotator: annotator.to_string(),
            time: String::new(),
            source: "stress".into(),
            text_hash: Some(crate::model::text_hash(&i.to_string())),
            queue: None,
            queue_id: None,
            blind: false,
            reason: None,
            adjudicator: None,
            line: Default::default(),
        };
        store.write(record)?;
        out.line(&format!("ack {prefix}-{i}"))?;
        out.flush()?;
    }
    Ok(())
}
