//! The tag picker overlay: toggle a tag on the selected turn, or type a new one.

use super::action::Action;
use super::{App, Modal, Outcome};

/// The tag picker's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPicker {
    pub choices: Vec<String>,
    pub selected: usize,
    /// A new tag being typed (after `a`).
    pub typing: Option<String>,
}

/// What a key in the picker asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEvent {
    None,
    Toggle(String),
    Close,
}

impl TagPicker {
    /// One action of the `Tags` or `TagInput` context.
    pub fn apply(&mut self, action: Action) -> TagEvent {
        if let Some(text) = &mut self.typing {
            match action {
                Action::Submit => {
                    let tag = text.trim().to_string();
                    self.typing = None;
                    if tag.is_empty() {
                        return TagEvent::None;
                    }
                    if !self.choices.contains(&tag) {
                        self.choices.push(tag.clone());
                    }
                    self.selected = self.choices.iter().position(|t| *t == tag).unwrap_or(0);
                    return TagEvent::Toggle(tag);
                }
                Action::Cancel => self.typing = None,
                Action::DeleteBack => {
                    text.pop();
                }
                _ => {}
            }
            return TagEvent::None;
        }
        let last = self.choices.len().saturating_sub(1);
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::NewTag => self.typing = Some(String::new()),
            Action::ToggleTag => {
                if let Some(tag) = self.choices.get(self.selected) {
                    return TagEvent::Toggle(tag.clone());
                }
            }
            Action::ToggleTagNumber(n) => {
                if let Some(tag) = usize::from(n).checked_sub(1).and_then(|i| self.choices.get(i)) {
                    return TagEvent::Toggle(tag.clone());
                }
            }
            Action::Close => return TagEvent::Close,
            _ => {}
        }
        TagEvent::None
    }

    /// Types a character of a new tag.
    pub fn insert(&mut self, c: char) {
        if let Some(text) = &mut self.typing
            && !c.is_control()
        {
            text.push(c);
        }
    }
}

impl App {
    pub(super) fn open_tag_picker(&mut self) {
        if self.reader.turn == 0 || self.reader.rollout.is_none() {
            self.toast = Some("no turn selected".into());
            return;
        }
        let blind = self.review.is_some();
        let choices = self.labels.tag_choices(&self.settings.tags, |l| !blind || self.given_here(l));
        self.modal = Some(Modal::Tags(TagPicker { choices, selected: 0, typing: None }));
    }

    pub(super) fn on_tag_event(&mut self, event: TagEvent, out: &mut Outcome) {
        match event {
            TagEvent::None => {}
            TagEvent::Toggle(tag) => self.toggle_tag(&tag, out),
            TagEvent::Close => self.modal = None,
        }
    }
}
