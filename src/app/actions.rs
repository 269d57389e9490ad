//! What each action does to the app: keys are looked up in the keymap, then handled here by
//! intent, never by key.

use super::action::Action;
use super::help::HelpState;
use super::keys::{Key, KeyPress};
use super::list::SortKey;
use super::modal::Cursor;
use super::prompt::{Prompt, PromptKind};
use super::{App, Effect, Modal, Outcome, Pane};
use crate::search::{Pattern, Request, SearchPlan};

impl App {
    pub(super) fn on_key(&mut self, key: KeyPress, out: &mut Outcome) {
        let chain = self.key_contexts();
        if self.modal.is_some() {
            return self.on_modal_key(chain[0], key, out);
        }
        match self.keymap.action(&chain, key) {
            Some(action) if action.needs_transcript() && self.reader_is_loading() => {
                self.deferred_keys.push(key);
            }
            // A huge rollout is shown before its turns are hashed; a label waits for them.
            Some(action) if action.changes_labels() && self.reader.hashes_pending => {
                self.toast = Some("hashing the turns' text… the label follows".into());
                self.deferred_keys.push(key);
            }
            Some(action) => self.perform(action, out),
            None => {
                out.changed = false;
                if key.key != Key::Esc {
                    self.toast = Some(format!("{key} does nothing here · ? for help"));
                    out.changed = true;
                }
            }
        }
    }

    /// Carries out one action in the focused pane.
    pub fn perform(&mut self, action: Action, out: &mut Outcome) {
        if action != Action::Quit {
            self.quit_armed = false;
        }
        if self.review.is_some() && self.perform_in_review(action, out) {
            return;
        }
        let areas = self.areas();
        let page = |rows: usize| (rows / 2).max(1) as isize;
        match action {
            Action::Quit => {
                if self.labels.unsaved > 0 && !self.quit_armed {
                    self.quit_armed = true;
                    self.toast = Some(format!(
                        "{} label changes are not saved yet · q again to quit anyway",
                        self.labels.unsaved
                    ));
                } else {
                    self.quitting = true;
                }
            }
            Action::Suspend => out.effects.push(Effect::Suspend),
            Action::ToggleHelp => self.modal = Some(Modal::Help(HelpState::default())),
            Action::OpenPalette => self.modal = Some(Modal::Prompt(Prompt::new(PromptKind::Command, ""))),
            Action::PickColumns => {
                let shown: Vec<&str> = self.columns.shown().iter().map(|f| &*f.name).collect();
                let text = format!("columns {}", shown.join(","));
                self.modal = Some(Modal::Prompt(Prompt::new(PromptKind::Command, &text)));
                let known: Vec<&str> = self.columns.fields().iter().map(|f| &*f.name).collect();
                self.toast = Some(format!("fields: {}", known.join(", ")));
            }
            Action::ToggleMetadata => {
                self.reader.meta_expanded = !self.reader.meta_expanded;
                self.rewrap_reader();
            }
            Action::ToggleFolds => {
                self.reader.unfolded = !self.reader.unfolded;
                self.rewrap_reader();
            }
            Action::CopyTurn => self.copy_turn(out),
            Action::CopyId => self.copy_id(out),
            Action::ShowProblems => self.modal = Some(Modal::Problems(Cursor::default())),
            Action::Close => {
                self.modal = None;
                self.focus = Pane::List;
            }
            Action::FocusNext => self.focus = next_pane(self.focus, 1),
            Action::FocusPrev => self.focus = next_pane(self.focus, 2),
            Action::Down => self.move_in_pane(1, out),
            Action::Up => self.move_in_pane(-1, out),
            Action::PageDown => self.move_in_pane(page(self.pane_rows()), out),
            Action::PageUp => self.move_in_pane(-page(self.pane_rows()), out),
            Action::Top => self.move_in_pane(isize::MIN / 2, out),
            Action::Bottom => self.move_in_pane(isize::MAX / 2, out),
            Action::NextTurn => self.reader.select_turn(self.reader.turn + 1, areas.reader_rows()),
            Action::PrevTurn => {
                self.reader.select_turn(self.reader.turn.saturating_sub(1), areas.reader_rows())
            }
            Action::Open => self.focus = Pane::Reader,
            Action::Search => self.modal = Some(Modal::Prompt(Prompt::new(PromptKind::Search, ""))),
            Action::NextMatch => jump_to_match(self, true, false, out),
            Action::PrevMatch => jump_to_match(self, false, false, out),
            Action::Filter => {
                let text = self.list.filter.text.clone();
                self.modal = Some(Modal::Prompt(Prompt::new(PromptKind::Filter, &text)));
            }
            Action::ClearFilter => self.apply_filter("", out),
            Action::CycleSort => {
                let categories = match self.study.scales.of(self.score_name()) {
                    crate::study::ScoreScale::Categories(all) => all,
                    _ => Vec::new().into(),
                };
                self.list.cycle_sort(&categories);
                self.resort(out);
            }
            Action::ReverseSort => {
                self.list.descending = !self.list.descending;
                self.resort(out);
            }
            Action::NextScoreName => self.next_score_name(out),
            Action::SetScore(n) => self.set_score(Some(n.min(10)), out),
            Action::ClearScore => self.set_score(None, out),
            Action::Undo => self.undo(out),
            Action::Redo => self.redo(out),
            Action::OpenTags => self.open_tag_picker(),
            Action::OpenCategories => self.open_category_picker(),
            Action::EditNote => self.open_note_editor(false),
            Action::EditRolloutNote => self.open_note_editor(true),
            Action::NextUnlabelledTurn => self.next_unlabelled_turn(out),
            Action::NextUnlabelledRollout => self.next_unlabelled_rollout(out),
            Action::OpenStats => self.open_stats(out),
            Action::OpenCompare => self.open_compare(out),
            Action::OpenAgreement => self.open_agreement(),
            Action::OpenSideBySide => self.open_side_by_side(out),
            Action::WriteReport => self.write_report(out),
            Action::ToggleOthers => {
                self.labels.show_others = !self.labels.show_others;
                let names: Vec<&str> = self.labels.others.iter().map(|(n, _)| n.as_str()).collect();
                self.toast = Some(match (self.labels.show_others, names.is_empty()) {
                    (_, true) => "no other annotator's labels in this folder".to_string(),
                    (true, false) => format!("showing labels of {}", names.join(", ")),
                    (false, false) => "other annotators' labels hidden".to_string(),
                });
                self.rewrap_reader();
            }
            // Actions of overlays and of spot-check mode mean nothing on the main screen.
            Action::NextItem
            | Action::PrevItem
            | Action::NextPendingItem
            | Action::ShowSummary
            | Action::NextBaseline
            | Action::NextCounterpart
            | Action::PrevCounterpart
            | Action::ThresholdUp
            | Action::ThresholdDown
            | Action::ToggleTag
            | Action::ToggleTagNumber(_)
            | Action::ChooseNumber(_)
            | Action::NewTag
            | Action::Submit
            | Action::Cancel
            | Action::HistoryBack
            | Action::HistoryForward
            | Action::NextChoice
            | Action::PrevChoice
            | Action::FilterHelp
            | Action::ToggleTable
            | Action::SaveNote
            | Action::ClearLine
            | Action::DeleteWord
            | Action::CursorStart
            | Action::CursorEnd
            | Action::CursorLeft
            | Action::CursorRight
            | Action::DeleteBack
            | Action::DeleteForward => {}
        }
    }

    fn pane_rows(&self) -> usize {
        match self.focus {
            Pane::List => self.areas().list_rows(),
            _ => self.areas().reader_rows(),
        }
    }

    /// Down/up/page/top/bottom in the focused pane.
    fn move_in_pane(&mut self, delta: isize, out: &mut Outcome) {
        let areas = self.areas();
        match self.focus {
            Pane::List => {
                self.list.move_by(delta);
                self.list.scroll_into_view(areas.list_rows());
                self.open_selected(out);
            }
            Pane::Reader => {
                self.reader.scroll_by(delta, areas.reader_rows());
                self.reader.follow_scroll(areas.reader_rows());
            }
            Pane::Chart => {
                let turn = (self.reader.turn as isize).saturating_add(delta).max(1) as usize;
                self.reader.select_turn(turn, areas.reader_rows());
            }
        }
    }

    pub(super) fn submit_prompt(&mut self, kind: PromptKind, text: String, out: &mut Outcome) {
        match kind {
            PromptKind::Filter => self.apply_filter(&text, out),
            PromptKind::Command | PromptKind::Help => {}
            PromptKind::Search => {
                // Literal unless written /regex/, smart case: `rollscope grep`'s engine.
                let pattern = match text.is_empty() {
                    true => None,
                    false => match Pattern::from_prompt(&text) {
                        Ok(pattern) => Some(pattern),
                        Err(e) => {
                            self.toast = Some(format!("search {text:?}: {e}"));
                            return;
                        }
                    },
                };
                self.search = super::SearchState {
                    query: text,
                    generation: self.search.generation + 1,
                    running: pattern.is_some(),
                    ..super::SearchState::default()
                };
                if let Some(pattern) = pattern {
                    out.effects.push(Effect::Search {
                        generation: self.search.generation,
                        request: Request::everywhere(pattern),
                        plan: SearchPlan::of(&self.study),
                    });
                }
            }
        }
    }

    /// Rebuilds the list rows and keeps the reader on the selection.
    pub(super) fn refresh_list(&mut self, out: &mut Outcome) {
        self.rebuild_rows();
        self.list.scroll_into_view(self.areas().list_rows());
        self.open_selected(out);
    }

    /// After a new sort the top row is selected: the row selected before is somewhere else
    /// now, and the top is what a sort is for.
    pub(super) fn resort(&mut self, out: &mut Outcome) {
        self.rebuild_rows();
        (self.list.selected, self.list.offset) = (0, 0);
        self.open_selected(out);
    }

    /// The list's rows filtered and sorted again under the score shown.
    fn rebuild_rows(&mut self) {
        let view = super::list::ScoreView {
            name: self.settings.score.as_deref().unwrap_or(""),
            threshold: self.settings.threshold,
            mine: Some(&self.labels.mine),
        };
        self.list.rebuild(&self.study.rollouts, view);
    }

    /// `:sort FIELD`: a sort's name (`max`, `turns`, `file`) or a metadata field; `-` before it
    /// sorts descending.
    pub(super) fn sort_by_name(&mut self, text: &str, out: &mut Outcome) {
        let (descending, name) = match text.strip_prefix('-') {
            Some(name) => (true, name.trim()),
            None => (false, text.trim()),
        };
        let key = match name {
            "file" | "file order" | "" => Some(SortKey::FileOrder),
            "id" => Some(SortKey::Id),
            "max" => Some(SortKey::Max),
            "mean" => Some(SortKey::Mean),
            "first" => Some(SortKey::FirstAtOrAbove),
            "turns" => Some(SortKey::Turns),
            _ => None,
        };
        match key {
            Some(key) => (self.list.sort, self.list.sort_field) = (key, None),
            None => {
                let fields = self.study.metadata_fields();
                if !fields.contains(&name) {
                    let mut known = vec!["id", "max", "mean", "first", "turns", "file"];
                    known.extend(fields);
                    self.toast =
                        Some(crate::model::names::FieldError::new(Some("sort"), name, &known).to_string());
                    return;
                }
                (self.list.sort, self.list.sort_field) = (SortKey::Field, Some(name.into()));
            }
        }
        self.list.sort_category = None;
        self.list.descending = descending;
        self.resort(out);
    }

    /// Remembers a submitted prompt line for its kind's history (not twice in a row).
    pub(super) fn remember(&mut self, kind: PromptKind, text: &str) {
        let history = self.history.entry(kind).or_default();
        if !text.is_empty() && history.last().is_none_or(|last| last != text) {
            history.push(text.to_string());
        }
    }

    pub(super) fn next_score_name(&mut self, out: &mut Outcome) {
        // Numbers and categories take turns; texts are shown under the turns, not drawn.
        let names = self.study.valued_score_names();
        if names.is_empty() {
            self.toast = Some("this study has no scores".into());
            return;
        }
        let at = names.iter().position(|n| Some(*n) == self.settings.score.as_deref());
        let next = at.map_or(0, |i| (i + 1) % names.len());
        self.show_score(std::sync::Arc::from(names[next]), out);
    }

    /// Shows another score (`c`, `:score`): the list is sorted and filtered again under it.
    pub(super) fn show_score(&mut self, name: std::sync::Arc<str>, out: &mut Outcome) {
        self.settings.score = Some(name);
        if self.list.sort == SortKey::CategoryCount {
            // The count of a category of the score shown before means nothing now.
            self.list.sort = SortKey::FileOrder;
            self.list.sort_category = None;
            self.list.descending = false;
        }
        if self.list.sort != SortKey::FileOrder || !self.list.filter.is_empty() {
            self.refresh_list(out);
        }
    }
}

fn next_pane(pane: Pane, steps: usize) -> Pane {
    const ORDER: [Pane; 3] = [Pane::List, Pane::Reader, Pane::Chart];
    let at = ORDER.iter().position(|p| *p == pane).unwrap_or(0);
    ORDER[(at + steps) % ORDER.len()]
}

/// Jumps to the next (or previous) search match in list order, wrapping around. With
/// `from_start`, the first match at or after the current position counts.
pub(super) fn jump_to_match(app: &mut App, forward: bool, from_start: bool, out: &mut Outcome) {
    if app.search.hits.is_empty() {
        app.toast = Some(if app.search.running {
            "searching…".to_string()
        } else if app.search.query.is_empty() {
            "no search yet · / to search".to_string()
        } else {
            format!("no match for {:?}", app.search.query)
        });
        return;
    }
    let rows = app.list.rows.len();
    if rows == 0 {
        return;
    }
    let current_message = match app.search.current {
        Some((r, m)) if Some(r as usize) == app.list.selected_rollout() => Some(m),
        _ => app.reader.selected_message().map(|m| m as u32),
    };
    for step in 0..=rows {
        let row = if forward {
            (app.list.selected + step) % rows
        } else {
            (app.list.selected + rows * 2 - step) % rows
        };
        let rollout = app.list.rows[row];
        let Some(messages) = app.search.hits.get(&rollout) else {
            continue;
        };
        let found = match (step, current_message) {
            (0, Some(m)) if forward && from_start => messages.iter().find(|&&x| x >= m),
            (0, Some(m)) if forward => messages.iter().find(|&&x| x > m),
            (0, Some(m)) => messages.iter().rev().find(|&&x| x < m),
            (0, None) | (_, _) if forward => messages.first(),
            _ => messages.last(),
        };
        // Back at the start row after a full circle: take its first/last match.
        let found = match (found, step == rows) {
            (None, true) => {
                if forward {
                    messages.first()
                } else {
                    messages.last()
                }
            }
            (f, _) => f,
        };
        if let Some(&message) = found {
            app.search.current = Some((rollout, message));
            app.list.selected = row;
            app.list.scroll_into_view(app.areas().list_rows());
            app.open_selected(out);
            if app.reader.index == Some(rollout as usize) && app.reader.rollout.is_some() {
                let rows = app.areas().reader_rows();
                app.reader.focus_message(message as usize, rows);
            }
            let hidden = app.search.hits.keys().filter(|r| !app.list.is_shown(**r)).count();
            let note =
                if hidden > 0 { format!(" ({hidden} rollouts hidden by the filter)") } else { String::new() };
            app.toast =
                Some(format!("{} matches in {} rollouts{note}", app.search.total, app.search.hits.len()));
            return;
        }
    }
}
