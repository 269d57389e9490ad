//! The `:` command palette: every action of the main screen by its keymap name, fuzzy-matched
//! as it is typed, and commands with arguments (`:sort task_id`, `:id r17`, `:by model`).

use std::sync::Arc;

use super::action::Action;
use super::keymap::Context;
use super::{App, Outcome};
use crate::model::names;

/// A command typed after `:` with its arguments.
pub struct Command {
    pub name: &'static str,
    pub usage: &'static str,
    pub help: &'static str,
}

const fn command(name: &'static str, usage: &'static str, help: &'static str) -> Command {
    Command { name, usage, help }
}

pub const COMMANDS: &[Command] = &[
    command(
        "id",
        ":id NAME",
        "jump to the rollout whose id matches NAME best (whole, last part, start, any part, then fuzzy)",
    ),
    command(
        "sort",
        ":sort FIELD",
        "sort by id, max, mean, first, turns, file, or any metadata field; -FIELD sorts descending",
    ),
    command("filter", ":filter EXPR", "filter the rollouts, as f does (empty: clear)"),
    command("by", ":by FIELDS", "group the statistics and compare views by these fields (comma-separated)"),
    command("score", ":score NAME", "show another score"),
    command("threshold", ":threshold T", "the threshold: a turn scoring T or more counts as high"),
    command(
        "columns",
        ":columns FIELDS",
        "the list's metadata columns (comma-separated; empty: the default)",
    ),
    command(
        "export",
        ":export FORMAT PATH",
        "export the rollouts shown with every annotator's labels (FORMAT as export --to: csv, jsonl, rollouts or a parquet table)",
    ),
    command(
        "report",
        ":report [DIR]",
        "write the report of the study as shown (default: in the labels folder)",
    ),
];

/// One row of the palette: an action with its key, or a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: &'static str,
    pub key: Option<String>,
    pub help: &'static str,
    pub action: Option<Action>,
}

/// What the palette draws above the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PaletteView {
    /// Entries matching the first word, best first.
    pub entries: Vec<Entry>,
    pub choice: usize,
    /// For a command being given its arguments: what it takes (`fields: …`).
    pub hint: Option<String>,
}

/// Contexts whose actions the palette offers: the main screen's.
const CONTEXTS: [Context; 4] = [Context::Global, Context::List, Context::Reader, Context::Chart];

impl App {
    /// Every entry matching `text` (its first word), best first.
    pub fn palette_entries(&self, text: &str) -> Vec<Entry> {
        let word = text.split_whitespace().next().unwrap_or("");
        let mut entries: Vec<Entry> =
            COMMANDS.iter().map(|c| Entry { name: c.name, key: None, help: c.help, action: None }).collect();
        for b in self.keymap.bindings().filter(|b| CONTEXTS.contains(&b.context)) {
            let numbered = matches!(b.action, Action::SetScore(n) if n > 0);
            if numbered || b.action == Action::Close || entries.iter().any(|e| e.action == Some(b.action)) {
                continue;
            }
            let name = b.action.name();
            if entries.iter().any(|e| e.name == name) {
                continue;
            }
            let key = b.keys.first().map(ToString::to_string);
            entries.push(Entry { name, key, help: b.help, action: Some(b.action) });
        }
        let mut scored: Vec<(i64, Entry)> =
            entries.into_iter().filter_map(|e| Some((fuzzy(word, e.name)?, e))).collect();
        scored.sort_by_key(|(score, e)| (-score, e.name));
        scored.into_iter().map(|(_, e)| e).collect()
    }

    pub fn palette_view(&self) -> Option<PaletteView> {
        let Some(super::Modal::Prompt(prompt)) = &self.modal else { return None };
        if prompt.kind != super::prompt::PromptKind::Command {
            return None;
        }
        let entries = self.palette_entries(&prompt.text);
        let choice = prompt.choice.min(entries.len().saturating_sub(1));
        let word = prompt.text.split_whitespace().next().unwrap_or("");
        let takes = prompt.text.contains(' ');
        let join = |v: Vec<&str>| v.join(", ");
        let hint = match word {
            "sort" if takes => {
                Some(format!("id, max, mean, first, turns, file, {}", join(self.study.metadata_fields())))
            }
            "by" if takes => Some(join(self.study.grouping_fields())),
            "columns" if takes => Some(join(self.columns.fields().iter().map(|f| &*f.name).collect())),
            "score" if takes => Some(join(self.study.valued_score_names())),
            _ => None,
        };
        Some(PaletteView { entries, choice, hint: hint.map(|h| format!("one of: {h}")) })
    }

    /// Runs what was typed: a command with its arguments, else the entry highlighted.
    pub(super) fn run_palette(&mut self, text: &str, selected: usize, out: &mut Outcome) {
        let text = text.trim();
        let (word, rest) = text.split_once(' ').map_or((text, ""), |(w, r)| (w, r.trim()));
        if let Some(command) = COMMANDS.iter().find(|c| c.name == word) {
            return self.run_command(command.name, rest, out);
        }
        let entries = self.palette_entries(text);
        match entries.get(selected).or(entries.first()) {
            Some(Entry { action: Some(action), .. }) => self.perform(*action, out),
            Some(Entry { name, .. }) => self.run_command(name, rest, out),
            None => self.toast = Some(format!(":{text}: no such command or action (? lists them)")),
        }
    }

    fn run_command(&mut self, name: &str, args: &str, out: &mut Outcome) {
        match name {
            "id" => self.jump_to_id(args, out),
            "sort" => self.sort_by_name(args, out),
            "filter" => self.submit_prompt(super::prompt::PromptKind::Filter, args.to_string(), out),
            "by" => self.regroup(args, out),
            "score" => self.use_score(args, out),
            "threshold" => match args.parse::<f64>() {
                Ok(t) if t.is_finite() => {
                    self.settings.threshold = t;
                    self.refresh_list(out);
                    self.refresh_figures(out);
                }
                _ => self.toast = Some(format!(":threshold needs a number, not {args:?}")),
            },
            "columns" => {
                let fields = names::list(args);
                let known: Vec<&str> = self.columns.fields().iter().map(|f| &*f.name).collect();
                match names::check(None, fields.iter().map(String::as_str), &known) {
                    Ok(()) => self.columns.chosen = (!fields.is_empty()).then_some(fields),
                    Err(e) => self.toast = Some(e.to_string()),
                }
            }
            "export" => self.export_to(args, out),
            "report" => self.write_report_to((!args.is_empty()).then(|| args.into()), out),
            _ => {}
        }
    }

    fn jump_to_id(&mut self, name: &str, out: &mut Outcome) {
        if name.is_empty() {
            self.toast = Some(":id needs an id (or part of one)".into());
            return;
        }
        let ids = || self.list.rows.iter().map(|&i| &*self.study.rollouts[i as usize].id);
        // A whole id, then its last part (`:id 81` for `model/81`), its start, any part, then
        // the letters in order.
        let ends_a_part = |id: &str| {
            id.strip_suffix(name)
                .is_some_and(|head| head.is_empty() || head.ends_with(|c: char| !c.is_alphanumeric()))
        };
        let best = ids()
            .position(|id| id == name)
            .or_else(|| ids().position(ends_a_part))
            .or_else(|| ids().position(|id| id.starts_with(name)))
            .or_else(|| ids().position(|id| id.contains(name)))
            .or_else(|| {
                let scored = ids().enumerate().filter_map(|(row, id)| Some((fuzzy(name, id)?, row)));
                scored.max_by_key(|(score, row)| (*score, std::cmp::Reverse(*row))).map(|(_, row)| row)
            });
        match best {
            Some(row) => {
                self.list.selected = row;
                self.list.scroll_into_view(self.areas().list_rows());
                self.open_selected(out);
            }
            None if self.study.rollouts.iter().any(|r| r.id.contains(name)) => {
                self.toast = Some(format!("{name:?} is hidden by the filter · F clears it"));
            }
            None => self.toast = Some(format!("no rollout id matches {name:?}")),
        }
    }

    fn regroup(&mut self, args: &str, out: &mut Outcome) {
        let fields = names::list(args);
        if fields.is_empty() {
            self.settings.by = None;
        } else {
            let known = self.study.grouping_fields();
            if let Err(e) = names::check(Some("by"), fields.iter().map(String::as_str), &known) {
                self.toast = Some(e.to_string());
                return;
            }
            self.settings.by = Some(fields);
        }
        self.toast = Some(format!("grouped by {}", self.grouping().join(", ")));
        self.refresh_figures(out);
    }

    fn use_score(&mut self, name: &str, out: &mut Outcome) {
        let names = self.study.valued_score_names();
        if names.contains(&name) {
            self.show_score(Arc::from(name), out);
            self.refresh_figures(out);
        } else {
            self.toast = Some(match names::closest(name, &names) {
                Some(close) => {
                    format!("no score {name:?}; did you mean {close:?}? (scores: {})", names.join(", "))
                }
                None => format!("no score {name:?} (scores: {})", names.join(", ")),
            });
        }
    }
}

/// How well `pattern` matches `text` as a subsequence, ignoring case: `None` when it does not;
/// higher for letters in a row and at word starts, and for shorter texts.
pub fn fuzzy(pattern: &str, text: &str) -> Option<i64> {
    let mut score = 0i64;
    let mut chars = text.char_indices().peekable();
    let mut last: Option<usize> = None;
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    for p in pattern.chars().map(lower) {
        let (at, _) = chars.by_ref().find(|(_, c)| lower(*c) == p)?;
        score += 1;
        if last.is_some_and(|l| l + 1 == at) {
            score += 4;
        }
        let start = at == 0 || text[..at].ends_with(|c: char| !c.is_alphanumeric());
        if start {
            score += 3;
        }
        last = Some(at);
    }
    Some(score * 100 - text.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_prefers_runs_and_word_starts() {
        assert!(fuzzy("nut", "next_unlabelled_turn").is_some());
        assert!(fuzzy("xyz", "next_turn").is_none());
        let stats = fuzzy("stat", "statistics").unwrap();
        let spread = fuzzy("stat", "suspend_that").unwrap_or(i64::MIN);
        assert!(stats > spread);
        assert!(fuzzy("Sort", "sort").is_some(), "case is ignored");
        assert!(fuzzy("", "anything").is_some());
    }
}
