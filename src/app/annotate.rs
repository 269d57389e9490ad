//! The annotation overlays: the tag picker (toggle a tag, or type a new one) and the note
//! editor (ratatui-textarea: multi-line, the usual editing keys, Ctrl-s saves, Esc cancels);
//! and the label lines the reader shows under each turn.

use ratatui_textarea::{Input, Key as TextKey, TextArea};

use super::keys::{Key, KeyPress};
use super::reader::Annotations;
use super::{App, Modal, Outcome};
use crate::model::Rollout;
use crate::model::text_hash;

/// The tag picker's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPicker {
    pub choices: Vec<String>,
    pub selected: usize,
    /// A new tag being typed (after `a`).
    pub typing: Option<String>,
}

/// The note editor: which note, and the text being edited.
#[derive(Debug, Clone)]
pub struct NoteEditor {
    /// `true`: the rollout's note; `false`: the selected turn's.
    pub rollout_level: bool,
    pub turn: usize,
    pub textarea: TextArea<'static>,
}

impl App {
    pub(super) fn open_tag_picker(&mut self) {
        if self.reader.turn == 0 || self.reader.rollout.is_none() {
            self.toast = Some("no turn selected".into());
            return;
        }
        let choices = self.labels.tag_choices(&self.settings.tags);
        self.modal = Some(Modal::Tags(TagPicker { choices, selected: 0, typing: None }));
    }

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
            .and_then(|s| self.labels.mine.get(&s.id, turn))
            .and_then(|l| l.note.clone())
            .unwrap_or_default();
        // A hand-edited file may hold control characters: the editor shows them as placeholders.
        let current = crate::sanitize::clean_multiline(&current);
        let mut textarea = TextArea::new(current.lines().map(str::to_string).collect());
        textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
        textarea.move_cursor(ratatui_textarea::CursorMove::End);
        self.modal =
            Some(Modal::Note(Box::new(NoteEditor { rollout_level, turn: self.reader.turn, textarea })));
    }

    /// Keys in the tag picker: j/k move, Space/Enter toggle, `a` types a new tag, Esc closes.
    pub(super) fn on_tag_key(&mut self, key: KeyPress, out: &mut Outcome) {
        let Some(Modal::Tags(picker)) = &mut self.modal else { return };
        if let Some(text) = &mut picker.typing {
            match key.key {
                Key::Enter => {
                    let tag = text.trim().to_string();
                    picker.typing = None;
                    if !tag.is_empty() {
                        if !picker.choices.contains(&tag) {
                            picker.choices.push(tag.clone());
                        }
                        picker.selected = picker.choices.iter().position(|t| *t == tag).unwrap_or(0);
                        self.toggle_tag(&tag, out);
                    }
                }
                Key::Esc => picker.typing = None,
                Key::Backspace => {
                    text.pop();
                }
                Key::Char(c) if !key.ctrl && !c.is_control() => text.push(c),
                _ => {}
            }
            return;
        }
        let count = picker.choices.len();
        match key.key {
            Key::Char('j') | Key::Down => {
                picker.selected = (picker.selected + 1).min(count.saturating_sub(1))
            }
            Key::Char('k') | Key::Up => picker.selected = picker.selected.saturating_sub(1),
            Key::Char('a') | Key::Char('+') => picker.typing = Some(String::new()),
            Key::Char(' ') | Key::Enter => {
                if let Some(tag) = picker.choices.get(picker.selected).cloned() {
                    self.toggle_tag(&tag, out);
                }
            }
            Key::Char(c @ '1'..='9') => {
                if let Some(tag) = picker.choices.get(c as usize - '1' as usize).cloned() {
                    self.toggle_tag(&tag, out);
                }
            }
            _ => self.modal = None,
        }
    }

    /// Keys in the note editor: Ctrl-s saves, Esc cancels, everything else edits.
    pub(super) fn on_note_key(&mut self, key: KeyPress, out: &mut Outcome) {
        let Some(Modal::Note(editor)) = &mut self.modal else { return };
        match (key.key, key.ctrl) {
            (Key::Char('s'), true) => {
                let text = editor.textarea.lines().join("\n");
                let rollout_level = editor.rollout_level;
                self.modal = None;
                self.set_note(rollout_level, text, out);
            }
            (Key::Esc, _) => {
                self.modal = None;
                self.toast = Some("note not changed".into());
            }
            _ => {
                editor.textarea.input(text_input(key));
            }
        }
    }

    /// The label lines under each turn (mine, and the others' when shown), with stale labels
    /// flagged; the rollout note goes under the metadata.
    pub fn annotations(&self, index: usize, rollout: &Rollout) -> Annotations {
        let mut notes = Annotations::new();
        let Some(summary) = self.study.rollouts.get(index) else { return notes };
        for (who, label) in self.labels_on(&summary.id, None) {
            if let Some(note) = &label.note {
                notes.entry(None).or_default().push(format!("✎ {who}: {note}"));
            }
        }
        for (t, m) in rollout.turn_messages().into_iter().enumerate() {
            let turn = t as u32 + 1;
            let found = self.labels_on(&summary.id, Some(turn));
            if found.is_empty() {
                continue;
            }
            let hash = text_hash(&rollout.messages[m].full_text());
            let lines = notes.entry(Some(m)).or_default();
            for (who, label) in found {
                let mut line = format!("✎ {who}");
                if let Some(score) = label.score {
                    line.push_str(&format!(" {score}"));
                }
                for tag in &label.tags {
                    line.push_str(&format!(" #{tag}"));
                }
                if label.is_stale(&hash) {
                    line.push_str(" · stale: the turn's text changed since this label");
                }
                lines.push(line);
                if let Some(note) = &label.note {
                    lines.push(format!("  “{note}”"));
                }
            }
        }
        notes
    }
}

/// Our key as ratatui-textarea's input.
fn text_input(key: KeyPress) -> Input {
    let k = match key.key {
        Key::Char(c) => TextKey::Char(c),
        Key::Enter => TextKey::Enter,
        Key::Esc => TextKey::Esc,
        Key::Tab => TextKey::Tab,
        Key::BackTab => TextKey::Tab,
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
