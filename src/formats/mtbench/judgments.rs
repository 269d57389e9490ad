//! MT-Bench judgments (`model_judgment/*.jsonl`, FastChat's single-answer grading): one row per
//! judged answer turn, `{"question_id", "model", "turn", "score", "judgment", "judge",
//! "user_prompt", "tstamp"}`. `turn` counts from 1 here (turn 1 is the first answer). The score
//! is the number; the rationale (`judgment`) is kept beside it as the text `<score>.judgment`;
//! `judge`, `user_prompt` (the whole prompt again) and `tstamp` are not judge output.
//!
//! The score name is `score` when the folder has one judgment file, else each file's stem
//! (`gpt-4_single`), so two judges never overwrite each other. `-1` is FastChat's mark of a
//! failed judge call: a missing score that never replaces a valid one (its rationale,
//! `$ERROR$`, is not kept). Any other second row for a turn is a warning naming both lines,
//! and the last one is used. Pairwise judgments (`model_1`, `model_2`) compare two answers,
//! not one turn, and are reported as not read.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Records, display, read_objects, stem};
use crate::formats::chat::id_text;
use crate::formats::fields::kind_of;
use crate::model::words::plural;
use crate::model::{Limit, Problem, Role, Rollout};

/// The score name of a folder's only judgment file.
pub const SCORE_NAME: &str = "score";
/// What a score's rationale is named after the score: `score.judgment`.
pub const TEXT_SUFFIX: &str = ".judgment";
/// FastChat's score for a failed judge call.
const FAILED: f64 = -1.0;

/// The judgment of one turn so far.
struct Judged {
    line: u64,
    /// `None`: the judge failed (`-1`) or gave no number.
    score: Option<f64>,
    text: Option<Arc<str>>,
}

/// Reads every judgment file and puts its scores and rationales on the assistant turns of
/// `rollouts`, found by (model, question id) in `keys`.
pub fn attach(
    files: &[PathBuf],
    rollouts: &mut [Rollout],
    keys: &HashMap<(String, String), usize>,
    limit: Limit,
    problems: &mut Vec<Problem>,
) {
    for path in files {
        let name = if files.len() == 1 { SCORE_NAME.to_string() } else { stem(path) };
        match read_objects(path, limit) {
            Ok((objects, bad)) => {
                problems.extend(bad);
                let mut file = JudgmentFile { shown: display(path), keys, rollouts: &*rollouts, problems };
                let judged = file.read(objects);
                put_on_turns(rollouts, judged, &name);
            }
            Err(problem) => problems.push(problem),
        }
    }
}

/// One judgment file being read.
struct JudgmentFile<'a> {
    shown: String,
    keys: &'a HashMap<(String, String), usize>,
    rollouts: &'a [Rollout],
    problems: &'a mut Vec<Problem>,
}

impl JudgmentFile<'_> {
    /// The judgment of each (rollout, 0-based turn) the file has a row for.
    fn read(&mut self, objects: Records) -> HashMap<(usize, usize), Judged> {
        let mut judged: HashMap<(usize, usize), Judged> = HashMap::new();
        let mut unmatched: Vec<(u64, String)> = Vec::new();
        let mut pairwise: Vec<u64> = Vec::new();
        for (line, row) in objects {
            if !row.contains_key("model") && row.contains_key("model_1") {
                pairwise.push(line);
                continue;
            }
            let model = row.get("model").and_then(Value::as_str);
            let (Some(model), Some(question)) = (model, id_text(row.get("question_id"))) else {
                self.warn(line, "judgment skipped: it needs a \"model\" and a \"question_id\"".to_string());
                continue;
            };
            let Some(&index) = self.keys.get(&(model.to_string(), question.clone())) else {
                unmatched.push((line, format!("{model}/{question}")));
                continue;
            };
            let Some(turn) = self.turn(line, &row, index) else { continue };
            let score = self.score(line, &row);
            let text = score.and(row.get("judgment").and_then(Value::as_str)).map(Arc::from);
            let new = Judged { line, score, text };
            match judged.get(&(index, turn)) {
                // A failed judge never replaces a score.
                Some(old) if old.score.is_some() && new.score.is_none() => continue,
                Some(old) if old.score.is_some() => {
                    let (id, before, after) =
                        (&self.rollouts[index].id, number(old.score), number(new.score));
                    let message = format!(
                        "{id} turn {} judged again ({before} on line {}, {after} here); the last is used",
                        turn + 1,
                        old.line
                    );
                    self.warn(line, message);
                }
                _ => {}
            }
            judged.insert((index, turn), new);
        }
        self.report_unmatched(&unmatched);
        if let Some(&first) = pairwise.first() {
            let count = plural(pairwise.len() as u64, "pairwise judgment");
            self.warn(first, format!("{count} (model_1, model_2) not read: only single-answer grading is"));
        }
        judged
    }

    /// The 0-based turn of a row's 1-based `turn`, within the rollout's answers.
    fn turn(&mut self, line: u64, row: &Map<String, Value>, index: usize) -> Option<usize> {
        let rollout = &self.rollouts[index];
        let turns = rollout.messages.iter().filter(|m| m.role == Role::Assistant).count();
        let message = match row.get("turn").and_then(Value::as_u64) {
            Some(turn @ 1..) if turn as usize <= turns => return Some(turn as usize - 1),
            Some(0) => "judgment skipped: turn 0 (turns count from 1 in MT-Bench judgments)".to_string(),
            Some(turn) => {
                format!("judgment skipped: turn {turn} is past {}'s {turns} answer turns", rollout.id)
            }
            None => match row.get("turn") {
                Some(other) => {
                    format!("judgment skipped: \"turn\" must be a turn number from 1, found {other}")
                }
                None => "judgment skipped: no \"turn\"".to_string(),
            },
        };
        self.warn(line, message);
        None
    }

    /// A row's score: `None` for a failed judge (`-1`), `null`, or a value that is not a number
    /// (a warning).
    fn score(&mut self, line: u64, row: &Map<String, Value>) -> Option<f64> {
        match row.get("score") {
            Some(Value::Number(n)) => n.as_f64().filter(|x| *x != FAILED),
            None | Some(Value::Null) => None,
            Some(other) => {
                let message = format!("score is {} ({other}), not a number; read as missing", kind_of(other));
                self.warn(line, message);
                None
            }
        }
    }

    /// One warning for the rows that joined no answer, at the first, with a few examples.
    fn report_unmatched(&mut self, rows: &[(u64, String)]) {
        let Some((first, _)) = rows.first() else { return };
        let examples: Vec<&str> = rows.iter().take(3).map(|(_, key)| key.as_str()).collect();
        let verb = if rows.len() == 1 { "matches" } else { "match" };
        let count = plural(rows.len() as u64, "judgment");
        self.warn(*first, format!("{count} {verb} no answer (first: {}); not read", examples.join(", ")));
    }

    fn warn(&mut self, line: u64, message: String) {
        self.problems.push(Problem::at(&self.shown, line, 1, message).warning());
    }
}

/// Puts a file's judgments on the assistant messages: the score under `name` (missing when
/// the judge failed), the rationale under `name.judgment`.
fn put_on_turns(rollouts: &mut [Rollout], judged: HashMap<(usize, usize), Judged>, name: &str) {
    let mut judged: Vec<((usize, usize), Judged)> = judged.into_iter().collect();
    judged.sort_unstable_by_key(|(key, _)| *key);
    let text_name = format!("{name}{TEXT_SUFFIX}");
    for ((index, turn), judgment) in judged {
        let message = rollouts[index].messages.iter_mut().filter(|m| m.role == Role::Assistant).nth(turn);
        let Some(message) = message else { continue };
        message.scores.push((name.to_string(), judgment.score));
        if let Some(text) = judgment.text {
            message.judge_strings.push((text_name.clone(), text));
        }
    }
}

fn number(score: Option<f64>) -> String {
    score.map_or_else(|| "missing".to_string(), |x| x.to_string())
}
