//! FastChat's MT-Bench layout (`fastchat/llm_judge/data/mt_bench/`): a folder holding
//! `question.jsonl` (one question per line: `question_id`, `category`, and `turns`, the user's
//! messages), `model_answer/<model>.jsonl` (one answer per line: `question_id` and
//! `choices[0].turns`, the assistant's messages) and `model_judgment/<judge>.jsonl` (one
//! judgment per answered turn: `model`, `question_id`, `turn` counted from 1, `score`, and the
//! judge's rationale in `judgment`; see `judgments`).
//!
//! Each (question, model) is one rollout with the id `<model>/<question_id>`, the model named
//! by its answer file's stem, as the judgments name it, and the metadata `model`, `category`
//! and `question_id` (so two models' answers pair up by question). The folder is read whole
//! at load time (80 questions and a few models are a few megabytes), so the rationales are
//! held in memory like the answers (`TextAt::Held`): a location in the judgment file would
//! save little and need the file again for every turn shown.

mod judgments;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::chat::{content_text, id_text};
use super::fields::kind_of;
use super::{input, json_text, parse_value};
use crate::model::{Limit, Message, Problem, Role, Rollout, ScoreKind, StringKinds};

/// The questions, in the folder.
pub const QUESTION_FILE: &str = "question.jsonl";
/// The folder of answers, one file per model.
pub const ANSWER_DIR: &str = "model_answer";
/// The folder of judgments, one file per judge (and grading mode).
pub const JUDGMENT_DIR: &str = "model_judgment";

/// The files of an MT-Bench folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MtBenchFolder {
    pub questions: PathBuf,
    /// `model_answer/*.jsonl`, sorted.
    pub answers: Vec<PathBuf>,
    /// `model_judgment/*.jsonl`, sorted (none before the answers are judged).
    pub judgments: Vec<PathBuf>,
}

impl MtBenchFolder {
    /// The layout of `dir`, when it has `question.jsonl` and at least one
    /// `model_answer/*.jsonl`.
    pub fn find(dir: &Path) -> Option<MtBenchFolder> {
        let questions = dir.join(QUESTION_FILE);
        if !questions.is_file() {
            return None;
        }
        let answers = jsonl_files(&dir.join(ANSWER_DIR));
        if answers.is_empty() {
            return None;
        }
        Some(MtBenchFolder { questions, answers, judgments: jsonl_files(&dir.join(JUDGMENT_DIR)) })
    }

    /// Every file the folder is read from.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(&self.questions).chain(&self.answers).chain(&self.judgments).map(PathBuf::as_path)
    }

    /// Leaves out the answer and judgment files `keep` refuses.
    pub fn retain(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        self.answers.retain(|p| keep(p));
        self.judgments.retain(|p| keep(p));
    }
}

/// The `*.jsonl` files directly in `dir` (hidden ones left out), sorted.
fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or(".");
            !name.starts_with('.') && name.ends_with(".jsonl")
        })
        .collect();
    files.sort();
    files
}

/// Decodes an MT-Bench folder into one rollout per (question, model), in the order of the
/// answer files, then of `question.jsonl`. Err: the questions cannot be read. Ok carries a
/// warning, with its file and line:column, for every line not read or value not used.
pub fn decode_mtbench(folder: &MtBenchFolder, limit: Limit) -> Result<(Vec<Rollout>, Vec<Problem>), Problem> {
    let mut problems = Vec::new();
    let questions = Questions::read(&folder.questions, limit, &mut problems)?;
    let mut rollouts = Vec::new();
    let mut keys = HashMap::new();
    for path in &folder.answers {
        let model = stem(path);
        let answers = match read_objects(path, limit) {
            Ok((objects, bad)) => {
                problems.extend(bad);
                answers_of(objects, &questions, &display(path), &mut problems)
            }
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        for question in &questions.list {
            let Some(turns) = answers.get(&question.key) else { continue };
            keys.insert((model.clone(), question.key.clone()), rollouts.len());
            rollouts.push(question.rollout(&model, turns));
        }
    }
    judgments::attach(&folder.judgments, &mut rollouts, &keys, limit, &mut problems);
    Ok((rollouts, problems))
}

/// What the judge strings of an MT-Bench folder are: every `<score>.judgment` is a text, however
/// often a rationale repeats; other strings as `StringKinds` counts them.
pub fn string_kinds(rollouts: &[Rollout]) -> StringKinds {
    let mut kinds = StringKinds::of_rollouts(rollouts);
    let names = rollouts.iter().flat_map(|r| &r.messages).flat_map(|m| &m.judge_strings).map(|(n, _)| n);
    let rationales: Vec<&String> = names.filter(|n| n.ends_with(judgments::TEXT_SUFFIX)).collect();
    for name in rationales {
        kinds.set(name, ScoreKind::Text);
    }
    kinds
}

/// A file's stem: the model of an answer file, the judge of a judgment file.
fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// One question: its id (as written, and as text to join on), category and user turns.
struct Question {
    line: u64,
    id: Value,
    key: String,
    category: Option<Value>,
    turns: Vec<String>,
}

impl Question {
    /// The rollout of `model`'s answer: user and assistant turns in turn.
    fn rollout(&self, model: &str, answers: &[String]) -> Rollout {
        let mut messages = Vec::with_capacity(self.turns.len() + answers.len());
        for i in 0..self.turns.len().max(answers.len()) {
            if let Some(text) = self.turns.get(i) {
                messages.push(Message::new(Role::User, text.as_str()));
            }
            if let Some(text) = answers.get(i) {
                messages.push(Message::new(Role::Assistant, text.as_str()));
            }
        }
        let mut metadata = Map::new();
        metadata.insert("model".into(), Value::from(model));
        if let Some(category) = &self.category {
            metadata.insert("category".into(), category.clone());
        }
        metadata.insert("question_id".into(), self.id.clone());
        Rollout { id: format!("{model}/{}", self.key), metadata, messages, rollout_scores: Vec::new() }
    }
}

/// `question.jsonl`, in file order; a repeated id is a warning and the last one is used.
struct Questions {
    list: Vec<Question>,
    by_key: HashMap<String, usize>,
}

impl Questions {
    fn read(path: &Path, limit: Limit, problems: &mut Vec<Problem>) -> Result<Questions, Problem> {
        let (objects, bad) = read_objects(path, limit)?;
        problems.extend(bad);
        let shown = display(path);
        let mut questions = Questions { list: Vec::new(), by_key: HashMap::new() };
        for (line, object) in objects {
            let Some((id, key)) = question_id(&object) else {
                problems.push(Problem::at(&shown, line, 1, "question skipped: no question_id").warning());
                continue;
            };
            let Some(Value::Array(turns)) = object.get("turns") else {
                let message =
                    format!("question {key} skipped: \"turns\" must be a list of the user's messages");
                problems.push(Problem::at(&shown, line, 1, message).warning());
                continue;
            };
            let question = Question {
                line,
                id,
                category: object.get("category").cloned(),
                turns: turns.iter().map(content_text).collect(),
                key,
            };
            match questions.by_key.get(&question.key) {
                Some(&i) => {
                    let message = format!(
                        "question {} repeats line {}; this one is used",
                        question.key, questions.list[i].line
                    );
                    problems.push(Problem::at(&shown, line, 1, message).warning());
                    questions.list[i] = question;
                }
                None => {
                    questions.by_key.insert(question.key.clone(), questions.list.len());
                    questions.list.push(question);
                }
            }
        }
        Ok(questions)
    }
}

/// A record's `question_id`, as written and as text.
fn question_id(object: &Map<String, Value>) -> Option<(Value, String)> {
    let id = object.get("question_id")?;
    Some((id.clone(), id_text(Some(id))?))
}

/// One model's answers by question: `choices[0].turns`. A repeated question is a warning naming
/// both lines (the last is used); an answer to a question `question.jsonl` does not have is
/// counted in one warning.
fn answers_of(
    objects: Records,
    questions: &Questions,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> HashMap<String, Vec<String>> {
    let mut answers: HashMap<String, (u64, Vec<String>)> = HashMap::new();
    let mut unknown: Vec<(u64, String)> = Vec::new();
    for (line, object) in objects {
        let Some((_, key)) = question_id(&object) else {
            problems.push(Problem::at(shown, line, 1, "answer skipped: no question_id").warning());
            continue;
        };
        let Some(Value::Array(turns)) =
            object.get("choices").and_then(|c| c.get(0)).and_then(|c| c.get("turns"))
        else {
            let message = format!("answer to question {key} skipped: no choices[0].turns list");
            problems.push(Problem::at(shown, line, 1, message).warning());
            continue;
        };
        if !questions.by_key.contains_key(&key) {
            unknown.push((line, key));
            continue;
        }
        let turns = turns.iter().map(content_text).collect();
        if let Some((earlier, _)) = answers.insert(key.clone(), (line, turns)) {
            let message =
                format!("question {key} answered again (first on line {earlier}); this answer is used");
            problems.push(Problem::at(shown, line, 1, message).warning());
        }
    }
    if let Some((line, key)) = unknown.first() {
        let message = format!(
            "{} answer{} to questions not in {QUESTION_FILE} skipped (first: question {key})",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" }
        );
        problems.push(Problem::at(shown, *line, 1, message).warning());
    }
    answers.into_iter().map(|(key, (_, turns))| (key, turns)).collect()
}

/// A JSONL file's objects with their 1-based lines.
type Records = Vec<(u64, Map<String, Value>)>;

/// The JSON objects of a JSONL file with their 1-based lines (blank lines, CRLF and a BOM are
/// fine). Err: the file cannot be read; a line that is not an object is a warning at its
/// line:column.
fn read_objects(path: &Path, limit: Limit) -> Result<(Records, Vec<Problem>), Problem> {
    let shown = display(path);
    let bytes = input::read(path, limit).map_err(|e| Problem::file(&shown, format!("cannot read: {e}")))?;
    let mut objects = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in json_text::strip_bom(&bytes).split(|b| *b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let text = match json_text::jsonl_line(line) {
            None => continue,
            Some(Ok(text)) => text,
            Some(Err(column)) => {
                problems.push(Problem::at(&shown, number, column, "line skipped: not UTF-8 text").warning());
                continue;
            }
        };
        match parse_value(text) {
            Ok(Value::Object(object)) => objects.push((number, object)),
            Ok(other) => {
                let message = format!("line skipped: expected an object, found {}", kind_of(&other));
                problems.push(Problem::at(&shown, number, 1, message).warning());
            }
            Err(e) => {
                let message = format!("line skipped: {}", e.message);
                problems.push(Problem::at(&shown, number, e.column, message).warning());
            }
        }
    }
    Ok((objects, problems))
}
