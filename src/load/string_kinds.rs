//! What the rollouts' own score values are, told as they pass on their way to the study:
//! numbers outside `--range` are read as missing (and reported), and each name holding strings
//! under a message's `scores` is tallied, so that when everything is read it can be told
//! categorical or text over the whole study (`kind_of_strings`, `--categorical`, `--text`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{LoadEvent, LoadOptions, Sink};
use crate::formats::fields::names_field;
use crate::model::{
    MAX_CATEGORIES, Problem, RolloutSummary, ScoreKind, ScoreRange, ScoreValues, kind_of_strings,
};

/// Where a value was first met: the rollout's source, id and 1-based turn.
#[derive(Debug, Clone)]
struct Place {
    source: u32,
    rollout: Arc<str>,
    turn: usize,
}

/// One string-score name so far.
struct NameTally {
    name: Arc<str>,
    /// Turns with a value.
    rows: u64,
    /// Distinct values, up to one more than a categorical score may have.
    distinct: HashSet<Arc<str>>,
    /// A value was too long to be a category, or not kept: the name is a text.
    unknown: bool,
    first: Place,
    first_text: Option<Arc<str>>,
}

/// Tallies the rollouts' own scores as they load.
pub struct StringTally<'o> {
    options: &'o LoadOptions,
    sources: Vec<String>,
    names: Vec<NameTally>,
    /// Names holding numbers in some rollout.
    numeric: HashSet<Arc<str>>,
    /// Per (source, name): values outside the range, and the first.
    out_of_range: HashMap<(u32, Arc<str>), (u64, Place, f64)>,
}

impl<'o> StringTally<'o> {
    pub fn new(options: &'o LoadOptions) -> StringTally<'o> {
        StringTally {
            options,
            sources: Vec::new(),
            names: Vec::new(),
            numeric: HashSet::new(),
            out_of_range: HashMap::new(),
        }
    }

    /// Wraps `sink`: batches are checked and tallied on their way, and the string kinds are
    /// sent just before `Finished`.
    pub fn observe(&mut self, event: &mut LoadEvent, sink: &Sink) {
        match event {
            LoadEvent::Source(source) => self.sources.push(source.display.clone()),
            LoadEvent::Rollouts(batch) => self.batch(batch),
            LoadEvent::Finished => {
                let (kinds, problems) = self.finish();
                for problem in problems {
                    sink(LoadEvent::Problem(problem));
                }
                if !kinds.is_empty() {
                    sink(LoadEvent::StringKinds(kinds));
                }
            }
            _ => {}
        }
    }

    fn batch(&mut self, batch: &mut [RolloutSummary]) {
        for summary in batch {
            for score in &mut summary.scores {
                let ScoreValues::Numeric(values) = &mut score.values else { continue };
                if !self.numeric.contains(&score.name) {
                    self.numeric.insert(score.name.clone());
                }
                if let Some(range) = self.options.range {
                    check_range(
                        range,
                        values,
                        summary.source,
                        &summary.id,
                        &score.name,
                        &mut self.out_of_range,
                    );
                }
            }
            for score in &summary.unclassified {
                let i = match self.names.iter().position(|t| t.name == score.name) {
                    Some(i) => i,
                    None => {
                        self.names.push(NameTally {
                            name: score.name.clone(),
                            rows: 0,
                            distinct: HashSet::new(),
                            unknown: false,
                            first: Place { source: summary.source, rollout: summary.id.clone(), turn: 0 },
                            first_text: None,
                        });
                        self.names.len() - 1
                    }
                };
                let tally = &mut self.names[i];
                for (turn, value) in score.values.iter().enumerate() {
                    let Some(value) = value else { continue };
                    if tally.rows == 0 {
                        tally.first =
                            Place { source: summary.source, rollout: summary.id.clone(), turn: turn + 1 };
                        tally.first_text = value.short.clone();
                    }
                    tally.rows += 1;
                    match &value.short {
                        Some(text) if tally.distinct.len() <= MAX_CATEGORIES => {
                            tally.distinct.insert(text.clone());
                        }
                        Some(_) => {}
                        None => tally.unknown = true,
                    }
                }
            }
        }
    }

    /// The kind of every string-score name, and the problems met.
    fn finish(&mut self) -> (Vec<(Arc<str>, ScoreKind)>, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut out_of_range: Vec<_> = self.out_of_range.drain().collect();
        out_of_range.sort_by(|a, b| (a.0.0, &a.0.1).cmp(&(b.0.0, &b.0.1)));
        if let Some(range) = self.options.range {
            for ((source, name), (count, first, value)) in out_of_range {
                let message = format!(
                    "{} of {name:?} outside --range {range} read as missing (first: {value} at rollout {:?} turn {})",
                    values(count),
                    first.rollout,
                    first.turn
                );
                problems.push(Problem::file(self.display(source), message).warning());
            }
        }
        let mut kinds = Vec::with_capacity(self.names.len());
        for tally in &self.names {
            let kind = if self.numeric.contains(&tally.name) {
                let example = tally.first_text.as_ref().map_or(String::new(), |t| format!("{t:?} "));
                let message = format!(
                    "{} of the numeric score {:?} {} a string where a number is expected, read as missing \
                     (first: {example}at rollout {:?} turn {})",
                    values(tally.rows),
                    tally.name,
                    if tally.rows == 1 { "is" } else { "are each" },
                    tally.first.rollout,
                    tally.first.turn
                );
                problems.push(Problem::file(self.display(tally.first.source), message).warning());
                ScoreKind::Numeric
            } else if self.options.text.iter().any(|f| names_field(&tally.name, f)) {
                ScoreKind::Text
            } else if self.options.categorical.iter().any(|f| names_field(&tally.name, f)) {
                ScoreKind::Categorical
            } else if tally.unknown {
                ScoreKind::Text
            } else {
                kind_of_strings(tally.distinct.len(), tally.rows as usize)
            };
            kinds.push((tally.name.clone(), kind));
        }
        (kinds, problems)
    }

    fn display(&self, source: u32) -> &str {
        self.sources.get(source as usize).map_or("?", String::as_str)
    }
}

fn values(n: u64) -> String {
    if n == 1 { "1 value".to_string() } else { format!("{n} values") }
}

fn check_range(
    range: ScoreRange,
    values: &mut [Option<f64>],
    source: u32,
    rollout: &Arc<str>,
    name: &Arc<str>,
    out: &mut HashMap<(u32, Arc<str>), (u64, Place, f64)>,
) {
    for (turn, value) in values.iter_mut().enumerate() {
        let Some(x) = *value else { continue };
        if range.contains(x) {
            continue;
        }
        *value = None;
        let place = Place { source, rollout: rollout.clone(), turn: turn + 1 };
        out.entry((source, name.clone())).or_insert((0, place, x)).0 += 1;
    }
}
