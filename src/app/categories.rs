//! The category picker: a human's label of a categorical score (the judge's `frustration.tag`)
//! for the selected turn. A digit picks one of the first nine shown; typing narrows the list
//! to the categories containing the text; Enter picks the highlighted one.

use std::sync::Arc;

use super::action::Action;
use super::{App, Modal, Outcome};
use crate::study::ScoreScale;

/// The picker's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryPicker {
    /// The categorical score labelled.
    pub score: Arc<str>,
    pub choices: Vec<Arc<str>>,
    /// Text typed to narrow the choices.
    pub filter: String,
    /// Position in the shown choices.
    pub selected: usize,
    /// Picks an adjudicated score's reason code rather than a category.
    pub reason: bool,
}

impl CategoryPicker {
    /// The choices containing the typed text (case ignored), in scale order.
    pub fn shown(&self) -> Vec<&Arc<str>> {
        let filter = self.filter.to_lowercase();
        self.choices.iter().filter(|c| c.to_lowercase().contains(&filter)).collect()
    }

    /// One action of the `Categories` context: the category picked, if one is.
    pub fn apply(&mut self, action: Action) -> Option<Arc<str>> {
        let shown = self.shown().len();
        match action {
            Action::Down => self.selected = (self.selected + 1).min(shown.saturating_sub(1)),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Submit => return self.shown().get(self.selected).map(|c| (*c).clone()),
            Action::ChooseNumber(n) => {
                return usize::from(n).checked_sub(1).and_then(|i| self.shown().get(i).map(|c| (*c).clone()));
            }
            Action::DeleteBack => {
                self.filter.pop();
                self.selected = 0;
            }
            _ => {}
        }
        None
    }

    /// Types a character of the filter.
    pub fn insert(&mut self, c: char) {
        if !c.is_control() {
            self.filter.push(c);
            self.selected = 0;
        }
    }
}

impl App {
    /// Opens the picker for the score shown, when it is categorical.
    pub(super) fn open_category_picker(&mut self) {
        if self.reader.turn == 0 || self.reader.rollout.is_none() {
            self.toast = Some("no turn selected".into());
            return;
        }
        let score = self.score_name();
        let ScoreScale::Categories(all) = self.study.scales.of(score) else {
            self.toast = Some(format!("{score} is not categorical · c shows the next score"));
            return;
        };
        let score = Arc::from(score);
        self.modal = Some(Modal::Categories(CategoryPicker {
            score,
            choices: all.to_vec(),
            filter: String::new(),
            selected: 0,
            reason: false,
        }));
    }

    /// After an adjudicated score: the picker of reason codes.
    pub(super) fn open_reason_picker(&mut self) {
        self.modal = Some(Modal::Categories(CategoryPicker {
            score: Arc::from("reason"),
            choices: self.settings.reasons.iter().map(|r| Arc::from(r.as_str())).collect(),
            filter: String::new(),
            selected: 0,
            reason: true,
        }));
    }

    pub(super) fn on_category_action(&mut self, action: Action, out: &mut Outcome) {
        let Some(Modal::Categories(picker)) = &mut self.modal else { return };
        if matches!(action, Action::Close | Action::Cancel) {
            self.modal = None;
            return;
        }
        if let Some(category) = picker.apply(action) {
            let (score, reason) = (picker.score.clone(), picker.reason);
            self.modal = None;
            if reason {
                self.set_reason(&category, out);
                self.advance_review(out);
            } else {
                self.set_category(&score, Some(&category), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picker() -> CategoryPicker {
        let choices = ["breakdown", "despair", "mild", "none"].map(Arc::from).to_vec();
        CategoryPicker {
            score: "frustration.tag".into(),
            choices,
            filter: String::new(),
            selected: 0,
            reason: false,
        }
    }

    #[test]
    fn digits_pick_among_the_shown_typing_narrows_enter_picks_the_highlighted() {
        let mut p = picker();
        assert_eq!(p.apply(Action::ChooseNumber(2)).as_deref(), Some("despair"));
        assert_eq!(p.apply(Action::ChooseNumber(9)), None);
        p.insert('e');
        p.insert('S');
        assert_eq!(p.shown().iter().map(|c| &***c).collect::<Vec<_>>(), ["despair"]);
        assert_eq!(p.apply(Action::Submit).as_deref(), Some("despair"));
        p.apply(Action::DeleteBack);
        p.apply(Action::Down);
        assert_eq!(p.apply(Action::Submit).as_deref(), Some("despair"), "e: breakdown, despair, none");
        p.apply(Action::Down);
        p.apply(Action::Down);
        assert_eq!(p.apply(Action::Submit).as_deref(), Some("none"), "stays on the last");
    }
}
