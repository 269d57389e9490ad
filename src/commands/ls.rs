//! `rollscope ls`: one row per rollout. `--json` streams one object per rollout.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::output::Table;
use super::{Output, active_score, load_study, warn};
use crate::cli::StudyOptions;
use crate::model::{MetaValue, RolloutSummary, ScoreKind, ScoreValues};
use crate::study::Study;

/// Rows of `ls --json` built together; a batch's text is held until it is written.
const ROWS_PER_BATCH: usize = 4096;

pub fn run(paths: &[PathBuf], json: bool, options: &StudyOptions) -> Result<()> {
    let study = load_study(paths, &options.study)?;
    let score = active_score(&study, &options.study)?.unwrap_or_default();
    let mut out = Output::stdout();
    if json {
        out.json_text("[")?;
        // Rows are built on every core, a batch at a time, and written in order: building
        // them took a quarter of listing a 100,000-rollout study on one core.
        for (b, batch) in study.rollouts.chunks(ROWS_PER_BATCH).enumerate() {
            let rows: Vec<String> = batch
                .par_iter()
                .enumerate()
                .map(|(j, _)| {
                    // Straight to bytes: `Value`'s `Display` goes through `fmt`, several times slower.
                    serde_json::to_string(&RowJson::new(&study, b * ROWS_PER_BATCH + j, &score))
                })
                .collect::<Result<_, _>>()?;
            for (j, row) in rows.iter().enumerate() {
                out.json_text(if b == 0 && j == 0 { "\n" } else { ",\n" })?;
                out.json_text(row)?;
            }
        }
        out.json_text("\n]\n")?;
    } else {
        let cells = |r: &RolloutSummary| {
            let source = study.sources.get(r.source as usize).map_or("", |s| s.display.as_str());
            vec![
                r.id.to_string(),
                r.meta_text("condition").into_owned(),
                r.meta_text("dataset").into_owned(),
                r.n_turns.to_string(),
                number(r.max_score(&score)),
                number(r.mean_score(&score)),
                r.self_deleted_at.map_or("-".to_string(), |t| t.to_string()),
                source.to_string(),
            ]
        };
        let measured: Vec<Vec<String>> = study.rollouts.iter().take(Table::MEASURED).map(cells).collect();
        let header = ["id", "condition", "dataset", "turns", "max", "mean", "selfdel", "source"];
        let right = [false, false, false, true, true, true, true, false];
        let mut table = Table::measure(&header, &right, &measured);
        // The id, turns and source say what a row is even when every rollout lacks them.
        table.show(&[0, 3, 7]);
        out.line(&table.line(&header))?;
        for row in &measured {
            out.line(&table.line(row))?;
        }
        // The rest on every core, a batch at a time, written in order: one core took as long
        // to print 2,000,000 rows as to load them.
        for batch in study.rollouts[measured.len()..].chunks(ROWS_PER_BATCH) {
            let lines: Vec<String> = batch.par_iter().map(|r| table.line(&cells(r))).collect();
            for line in &lines {
                out.line(line)?;
            }
        }
    }
    out.finish()
}

fn number(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.1}"))
}

/// The JSON object of one rollout: id, source, metadata, turns, the active score per turn,
/// every numeric and categorical score per turn (categories as strings), the self-deletion
/// turn, and the text scores (`texts_json`; texts are not in the index). Written straight
/// from the summary: a `Value` tree per row was a seventh of listing a study. Fields and
/// map keys in sorted order, as a `serde_json::Map` gave them.
#[derive(Serialize)]
struct RowJson<'a> {
    id: &'a str,
    judge: Judge<'a>,
    metadata: BTreeMap<&'a str, &'a MetaValue>,
    n_turns: u32,
    scores: BTreeMap<&'a str, &'a ScoreValues>,
    self_deleted_at: Option<u32>,
    source: Option<&'a str>,
    texts: Value,
}

impl<'a> RowJson<'a> {
    fn new(study: &'a Study, index: usize, score: &str) -> Option<RowJson<'a>> {
        let r = study.rollouts.get(index)?;
        Some(RowJson {
            id: &r.id,
            judge: Judge { values: r.turn_scores(score), n_turns: r.n_turns as usize },
            metadata: r.metadata.iter().map(|(k, v)| (&**k, v)).collect(),
            n_turns: r.n_turns,
            scores: r
                .scores
                .iter()
                .filter(|s| s.values.kind() != ScoreKind::Text)
                .map(|s| (&*s.name, &s.values))
                .collect(),
            self_deleted_at: r.self_deleted_at,
            source: study.sources.get(r.source as usize).map(|s| s.display.as_str()),
            texts: texts_json(study, index),
        })
    }
}

/// The active score at each of a rollout's turns, `null` where it has none.
struct Judge<'a> {
    values: &'a [Option<f64>],
    n_turns: usize,
}

impl Serialize for Judge<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((0..self.n_turns).map(|i| self.values.get(i).copied().flatten()))
    }
}

/// Every text score of rollout `index`, read from its file: `{NAME: [text or null per turn]}`.
/// A text that cannot be read (its file changed) is a warning, and `null`.
pub fn texts_json(study: &Study, index: usize) -> Value {
    let Some(r) = study.rollouts.get(index) else { return json!({}) };
    let names: Vec<&str> =
        r.scores.iter().filter(|s| s.values.kind() == ScoreKind::Text).map(|s| &*s.name).collect();
    match study.read_texts(index, &names) {
        Ok(texts) => texts
            .into_iter()
            .map(|(name, texts)| (name.to_string(), json!(texts)))
            .collect::<Map<_, _>>()
            .into(),
        Err(problem) => {
            warn(&problem.to_string());
            names
                .iter()
                .map(|n| (n.to_string(), json!(vec![Value::Null; r.n_turns as usize])))
                .collect::<Map<_, _>>()
                .into()
        }
    }
}
