//! What each action does to the app: keys are looked up in the keymap, then handled here by
//! intent, never by key.

use super::keymap::{Action, Context};
use super::keys::{Key, KeyPress};
use super::layout::contains;
use super::list::SortKey;
use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::{App, Effect, Modal, Mouse, Outcome, Pane};
use crate::search::SearchPlan;

impl App {
    pub(super) fn on_key(&mut self, key: KeyPress, out: &mut Outcome) {
        match &mut self.modal {
            Some(Modal::Prompt(prompt)) => {
                let kind = prompt.kind;
                match prompt.on_key(key) {
                    PromptEvent::Editing => {}
                    PromptEvent::Cancel => self.modal = None,
                    PromptEvent::Submit(text) => {
                        self.modal = None;
                        self.submit_prompt(kind, text, out);
                    }
                }
                return;
            }
            Some(Modal::Help { scroll }) => {
                match self.keymap.action(Context::Global, key) {
                    Some(Action::Down) => *scroll += 1,
                    Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                    Some(Action::Quit) if key.ctrl => self.quitting = true,
                    _ => self.modal = None,
                }
                return;
            }
            Some(Modal::Tags(_)) => return self.on_tag_key(key, out),
            Some(Modal::Stats(_)) => return self.on_stats_key(key, out),
            Some(Modal::ReviewSummary(_)) => {
                if key.ctrl && key.key == Key::Char('c') {
                    self.quitting = true;
                }
                self.modal = None;
                return;
            }
            Some(Modal::Note(_)) => return self.on_note_key(key, out),
            Some(Modal::Problems { selected }) => {
                let count = self.study.problems.len();
                match self.keymap.action(Context::Problems, key) {
                    Some(Action::Down) => *selected = (*selected + 1).min(count.saturating_sub(1)),
                    Some(Action::Up) => *selected = selected.saturating_sub(1),
                    Some(Action::Top) => *selected = 0,
                    Some(Action::Bottom) => *selected = count.saturating_sub(1),
                    Some(Action::Quit) if key.ctrl => self.quitting = true,
                    _ => self.modal = None,
                }
                return;
            }
            None => {}
        }
        let context = match self.focus {
            Pane::List => Context::List,
            Pane::Reader => Context::Reader,
            Pane::Chart => Context::Chart,
        };
        match self.keymap.action(context, key) {
            Some(action) if action.needs_transcript() && self.reader_is_loading() => {
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
            Action::ToggleHelp => self.modal = Some(Modal::Help { scroll: 0 }),
            Action::ShowProblems => self.modal = Some(Modal::Problems { selected: 0 }),
            Action::Close => self.modal = None,
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
                self.list.sort = self.list.sort.next();
                self.list.descending = matches!(self.list.sort, SortKey::Max | SortKey::Mean);
                self.refresh_list(out);
            }
            Action::ReverseSort => {
                self.list.descending = !self.list.descending;
                self.refresh_list(out);
            }
            Action::NextScoreName => self.next_score_name(out),
            Action::SetScore(n) => self.set_score(Some(n.min(10)), out),
            Action::ClearScore => self.set_score(None, out),
            Action::Undo => self.undo(out),
            Action::Redo => self.redo(out),
            Action::OpenTags => self.open_tag_picker(),
            Action::EditNote => self.open_note_editor(false),
            Action::EditRolloutNote => self.open_note_editor(true),
            Action::NextUnlabelledTurn => self.next_unlabelled_turn(out),
            Action::NextUnlabelledRollout => self.next_unlabelled_rollout(out),
            Action::OpenStats => self.open_stats(out),
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

    fn submit_prompt(&mut self, kind: PromptKind, text: String, out: &mut Outcome) {
        match kind {
            PromptKind::Filter => self.apply_filter(&text, out),
            PromptKind::Search => {
                self.search = super::SearchState {
                    query: text.clone(),
                    generation: self.search.generation + 1,
                    running: !text.is_empty(),
                    ..super::SearchState::default()
                };
                if !text.is_empty() {
                    out.effects.push(Effect::Search {
                        generation: self.search.generation,
                        query: text,
                        plan: SearchPlan::of(&self.study),
                    });
                }
            }
        }
    }

    fn apply_filter(&mut self, text: &str, out: &mut Outcome) {
        match super::filter::Filter::parse(text) {
            Ok(filter) => {
                self.list.filter = filter;
                self.refresh_list(out);
            }
            Err(message) => self.toast = Some(message),
        }
    }

    /// Rebuilds the list rows and keeps the reader on the selection.
    pub(super) fn refresh_list(&mut self, out: &mut Outcome) {
        let view = super::list::ScoreView {
            name: self.settings.score.as_deref().unwrap_or(""),
            threshold: self.settings.threshold,
        };
        self.list.rebuild(&self.study.rollouts, view);
        self.list.scroll_into_view(self.areas().list_rows());
        self.open_selected(out);
    }

    fn next_score_name(&mut self, out: &mut Outcome) {
        let names = &self.study.score_names;
        if names.is_empty() {
            self.toast = Some("this study has no scores".into());
            return;
        }
        let at = names.iter().position(|n| Some(n) == self.settings.score.as_ref());
        let next = at.map_or(0, |i| (i + 1) % names.len());
        self.settings.score = Some(names[next].clone());
        if self.list.sort != SortKey::FileOrder || !self.list.filter.is_empty() {
            self.refresh_list(out);
        }
    }

    pub(super) fn on_mouse(&mut self, mouse: Mouse, out: &mut Outcome) {
        if self.modal.is_some() {
            if matches!(mouse, Mouse::Click { .. }) {
                self.modal = None;
            }
            return;
        }
        let areas = self.areas();
        let (column, row, delta) = match mouse {
            Mouse::Click { column, row } => (column, row, 0),
            Mouse::ScrollUp { column, row } => (column, row, -3),
            Mouse::ScrollDown { column, row } => (column, row, 3),
        };
        let pane = if contains(areas.list, column, row) {
            Pane::List
        } else if contains(areas.chart, column, row) {
            Pane::Chart
        } else if contains(areas.reader, column, row) {
            Pane::Reader
        } else {
            out.changed = false;
            return;
        };
        if delta != 0 {
            match pane {
                Pane::List => {
                    let max = self.list.rows.len().saturating_sub(areas.list_rows());
                    self.list.offset = (self.list.offset as isize + delta).clamp(0, max as isize) as usize;
                }
                Pane::Reader => self.reader.scroll_by(delta, areas.reader_rows()),
                Pane::Chart => self.reader.select_turn(
                    (self.reader.turn as isize + delta.signum()).max(1) as usize,
                    areas.reader_rows(),
                ),
            }
            return;
        }
        self.focus = pane;
        match pane {
            Pane::List => {
                // Row 0 is the border, row 1 the column header.
                let row_in_list = row.saturating_sub(areas.list.y + 2) as usize;
                if row > areas.list.y + 1 && self.list.offset + row_in_list < self.list.rows.len() {
                    self.list.selected = self.list.offset + row_in_list;
                    self.open_selected(out);
                }
            }
            Pane::Chart => {
                if let Some(turn) = crate::ui::chart::turn_at_column(self, areas.chart, column) {
                    self.reader.select_turn(turn, areas.reader_rows());
                }
            }
            Pane::Reader => {
                let line = self.reader.scroll + row.saturating_sub(areas.reader.y + 1) as usize;
                if let Some(turn) = self.reader.turn_at_line(line) {
                    self.reader.turn = turn;
                }
            }
        }
    }
}

impl App {
    /// Spot-check mode's own meaning of some actions; `true` when the action was handled.
    fn perform_in_review(&mut self, action: Action, out: &mut Outcome) -> bool {
        let in_list = self.focus == Pane::List;
        match action {
            Action::NextTurn => self.next_review_item(true, false, out),
            Action::PrevTurn => self.next_review_item(false, false, out),
            Action::Down | Action::PageDown if in_list => self.next_review_item(true, false, out),
            Action::Up | Action::PageUp if in_list => self.next_review_item(false, false, out),
            Action::Top if in_list => self.open_item(0, out),
            Action::Bottom if in_list => {
                let last = self.review.as_ref().map_or(0, |r| r.queue.items.len().saturating_sub(1));
                self.open_item(last, out);
            }
            Action::NextUnlabelledTurn | Action::NextUnlabelledRollout => {
                self.next_review_item(true, true, out)
            }
            Action::OpenStats => self.open_review_summary(),
            Action::Search | Action::NextMatch | Action::PrevMatch | Action::Filter | Action::CycleSort => {
                // Each could open a rollout past the sampled turn, before it is scored.
                self.toast = Some("not available in spot-check mode".into());
            }
            Action::SetScore(_) | Action::ClearScore => {
                let Some(turn) = self.review.as_ref().and_then(|r| r.item()).map(|it| it.turn as usize)
                else {
                    return true;
                };
                self.reader.turn = turn;
                let score = match action {
                    Action::SetScore(n) => Some(n.min(10)),
                    _ => None,
                };
                self.set_score(score, out);
                self.reveal_toast();
            }
            _ => return false,
        }
        true
    }

    /// After a score in spot-check mode: the judge's score beside mine, and the difference.
    fn reveal_toast(&mut self) {
        let Some(item) = self.review.as_ref().and_then(|r| r.item().cloned()) else { return };
        let Some(index) = self.review.as_ref().and_then(|r| r.index.get(&item.rollout).copied()) else {
            return;
        };
        let mine = self.labels.mine.get(&item.rollout, Some(item.turn)).and_then(|l| l.score);
        let judge = self.study.rollouts[index].score_at(self.score_name(), item.turn as usize);
        if let (Some(h), Some(j)) = (mine, judge) {
            let (done, total) = self.review_progress().unwrap_or((0, 0));
            let delta = super::review::delta_text(f64::from(h) - j);
            self.toast = Some(format!("you {h} · judge {j} · Δ {delta} · {done}/{total} done · . next"));
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
            let hidden = app.search.hits.keys().filter(|r| !app.list.rows.contains(r)).count();
            let note =
                if hidden > 0 { format!(" ({hidden} rollouts hidden by the filter)") } else { String::new() };
            app.toast =
                Some(format!("{} matches in {} rollouts{note}", app.search.total, app.search.hits.len()));
            return;
        }
    }
}
