//! The note editor overlay (ratatui-textarea: multi-line, the usual editing keys); saving and
//! cancelling are keymap actions, every other key edits the text.

use ratatui_textarea::{CursorMove, Input, Key as TextKey, TextArea};

use super::keys::{Key, KeyPress};
use super::{App, Modal};

/// The note editor: which note, and the text being edited.
#[derive(Debug, Clone)]
pub struct NoteEditor {
    /// `true`: the rollout's note; `false`: the selected turn's.
    pub rollout_level: bool,
    pub turn: usize,
    pub textarea: TextArea<'static>,
}

impl NoteEditor {
    /// What the editor's title says it edits.
    pub fn title(&self) -> String {
        if self.rollout_level { "the rollout".to_string() } else { format!("turn {}", self.turn) }
    }

    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// A key that is not an action: it edits the text.
    pub fn edit(&mut self, key: KeyPress) {
        self.textarea.input(text_input(key));
    }
}

impl App {
    pub(super) fn open_note_editor(&mut self, rollout_level: bool) {
        if self.reader.rollout.is_none() || (!rollout_level && self.reader.turn == 0) {
            self.toast = Some("no turn selected".into());
            return;
        }
        let turn = (!rollout_level).then_some(self.reader.turn as u32);
        let current = self
            .reader
            .index
            .and_then(|i| self.study.rollouts.get(i))
            .and_then(|s| self.my_label(&s.id, turn))
            .and_then(|l| l.note.clone())
            .unwrap_or_default();
        // A hand-edited file may hold control characters: the editor shows them as placeholders.
        let current = crate::sanitize::clean_multiline(&current);
        let mut textarea = TextArea::new(current.lines().map(str::to_string).collect());
        textarea.move_cursor(CursorMove::Bottom);
        textarea.move_cursor(CursorMove::End);
        self.modal =
            Some(Modal::Note(Box::new(NoteEditor { rollout_level, turn: self.reader.turn, textarea })));
    }
}

/// Our key as ratatui-textarea's input.
fn text_input(key: KeyPress) -> Input {
    let k = match key.key {
        Key::Char(c) => TextKey::Char(c),
        Key::Enter => TextKey::Enter,
        Key::Esc => TextKey::Esc,
        Key::Tab | Key::BackTab => TextKey::Tab,
        Key::Backspace => TextKey::Backspace,
        Key::Delete => TextKey::Delete,
        Key::Up => TextKey::Up,
        Key::Down => TextKey::Down,
        Key::Left => TextKey::Left,
        Key::Right => TextKey::Right,
        Key::Home => TextKey::Home,
        Key::End => TextKey::End,
        Key::PageUp => TextKey::PageUp,
        Key::PageDown => TextKey::PageDown,
        Key::F(n) => TextKey::F(n),
    };
    Input { key: k, ctrl: key.ctrl, alt: key.alt, shift: false }
}
