//! The overlays above the panes (at most one at a time) and how a key reaches them: the keymap
//! gives an action of the overlay's context; a key bound to nothing is typed (prompt, note,
//! new tag) or closes a quick-look overlay (help, problems, statistics, summary, tag picker).

use super::action::Action;
use super::categories::CategoryPicker;
use super::compare_view::CompareView;
use super::help::HelpState;
use super::keymap::{Context, OtherKeys};
use super::keys::{Key, KeyPress};
use super::note::NoteEditor;
use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::side_by_side::SideBySide;
use super::stats_view::StatsView;
use super::tags::TagPicker;
use super::{App, Outcome};
use crate::metrics::pairs::AgreementReport;

/// An overlay above the panes.
#[derive(Debug, Clone)]
pub enum Modal {
    Help(HelpState),
    Problems(Cursor),
    Prompt(Prompt),
    Tags(TagPicker),
    Categories(CategoryPicker),
    Note(Box<NoteEditor>),
    Stats(Box<StatsView>),
    Compare(Box<CompareView>),
    SideBySide(Box<SideBySide>),
    ReviewSummary(Box<AgreementReport>),
}

/// A position in a list: the first line shown (help) or the selected item (problems).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub at: usize,
}

impl Cursor {
    /// Moves by `delta`, kept within `0..len`.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        let last = len.saturating_sub(1) as isize;
        self.at = (self.at as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
    }

    /// Down/up/page/top/bottom; `false` for other actions.
    pub fn apply(&mut self, action: Action, len: usize, page: usize) -> bool {
        let page = (page / 2).max(1) as isize;
        match action {
            Action::Down => self.move_by(1, len),
            Action::Up => self.move_by(-1, len),
            Action::PageDown => self.move_by(page, len),
            Action::PageUp => self.move_by(-page, len),
            Action::Top => self.at = 0,
            Action::Bottom => self.move_by(isize::MAX / 2, len),
            _ => return false,
        }
        true
    }
}

impl Modal {
    /// The keymap context of the overlay.
    pub fn context(&self) -> Context {
        match self {
            Modal::Help(help) if help.typing.is_some() => Context::Prompt,
            Modal::Help(_) => Context::Help,
            Modal::Problems(_) => Context::Problems,
            Modal::Prompt(_) => Context::Prompt,
            Modal::Tags(picker) if picker.typing.is_some() => Context::TagInput,
            Modal::Tags(_) => Context::Tags,
            Modal::Categories(_) => Context::Categories,
            Modal::Note(_) => Context::Note,
            Modal::Stats(_) => Context::Stats,
            Modal::Compare(_) => Context::Compare,
            Modal::SideBySide(_) => Context::SideBySide,
            Modal::ReviewSummary(_) => Context::Summary,
        }
    }
}

impl App {
    /// A key while an overlay is open.
    pub(super) fn on_modal_key(&mut self, context: Context, key: KeyPress, out: &mut Outcome) {
        match self.keymap.action(&[context], key) {
            Some(Action::Quit) => self.perform(Action::Quit, out),
            Some(action) => self.modal_action(action, out),
            None => match context.other_keys() {
                OtherKeys::Close => self.modal = None,
                OtherKeys::Text => self.modal_text(key),
                OtherKeys::Nothing => {}
            },
        }
    }

    fn modal_action(&mut self, action: Action, out: &mut Outcome) {
        let rows = self.size.1.saturating_sub(4) as usize;
        let help_len = match &self.modal {
            Some(Modal::Help(help)) => {
                help.lines(&self.keymap, self.size.0 as usize).len().saturating_sub(rows) + 1
            }
            _ => 0,
        };
        // The problems view shows one row per kind of problem.
        let problems = crate::model::problem::group(&self.study.problems).len();
        let Some(modal) = &mut self.modal else { return };
        match modal {
            Modal::Help(help) => {
                if help.typing.is_some() {
                    help.edit(action);
                } else if action == Action::FilterHelp {
                    help.typing = Some(Prompt::new(PromptKind::Help, &help.filter));
                } else if action == Action::Close && !help.filter.is_empty() {
                    help.filter.clear();
                } else if !help.cursor.apply(action, help_len, rows) {
                    self.modal = None;
                }
            }
            Modal::Problems(selected) => {
                if !selected.apply(action, problems, rows) {
                    self.modal = None;
                }
            }
            Modal::Prompt(prompt) => {
                let kind = prompt.kind;
                if matches!(action, Action::HistoryBack | Action::HistoryForward) {
                    let history = self.history.get(&kind).map_or(&[][..], Vec::as_slice);
                    let back = match action {
                        Action::HistoryBack => prompt.back + 1,
                        _ => prompt.back.saturating_sub(1),
                    };
                    prompt.recall(history, back);
                    return;
                }
                match prompt.apply(action) {
                    PromptEvent::Editing => {}
                    PromptEvent::Cancel => self.modal = None,
                    PromptEvent::Submit(text) => {
                        let choice = prompt.choice;
                        self.modal = None;
                        self.remember(kind, &text);
                        match kind {
                            PromptKind::Command => self.run_palette(&text, choice, out),
                            _ => self.submit_prompt(kind, text, out),
                        }
                    }
                }
            }
            Modal::Tags(picker) => {
                let event = picker.apply(action);
                self.on_tag_event(event, out);
            }
            Modal::Categories(_) => self.on_category_action(action, out),
            Modal::Note(editor) => match action {
                Action::SaveNote => {
                    let (text, rollout_level) = (editor.text(), editor.rollout_level);
                    self.modal = None;
                    self.set_note(rollout_level, text, out);
                }
                _ => {
                    self.modal = None;
                    self.toast = Some("note not changed".into());
                }
            },
            Modal::Stats(_) => self.on_stats_action(action, out),
            Modal::Compare(_) => self.on_compare_action(action, out),
            Modal::SideBySide(_) => self.on_side_by_side_action(action, out),
            Modal::ReviewSummary(_) => self.modal = None,
        }
    }

    /// A key bound to nothing in a text-entry overlay: it is typed.
    fn modal_text(&mut self, key: KeyPress) {
        match &mut self.modal {
            Some(Modal::Note(editor)) => editor.edit(key),
            Some(Modal::Prompt(prompt)) => {
                if let (Key::Char(c), false) = (key.key, key.ctrl) {
                    prompt.insert(c);
                }
            }
            Some(Modal::Help(help)) => {
                if let (Key::Char(c), false) = (key.key, key.ctrl) {
                    help.insert(c);
                }
            }
            Some(Modal::Tags(picker)) => {
                if let (Key::Char(c), false) = (key.key, key.ctrl) {
                    picker.insert(c);
                }
            }
            Some(Modal::Categories(picker)) => {
                if let (Key::Char(c), false) = (key.key, key.ctrl) {
                    picker.insert(c);
                }
            }
            _ => {}
        }
    }
}
