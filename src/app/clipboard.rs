//! `y` and `Y`: the selected turn's text or the rollout's id put on the clipboard through an
//! OSC 52 sequence the runtime writes (the app's own bytes, never a file's).

use super::{App, Effect, Outcome};

impl App {
    /// `y`: the selected turn's text; `Y`: the rollout's id.
    pub(super) fn copy_turn(&mut self, out: &mut Outcome) {
        let message = self.reader.turn_messages.get(self.reader.turn.wrapping_sub(1)).copied();
        let text = self.reader.rollout.as_ref().zip(message).and_then(|(r, m)| r.messages.get(m));
        match text {
            Some(m) => {
                let (text, what) = (m.text.clone(), format!("turn {}", self.reader.turn));
                self.copy(&text, &what, out);
            }
            None => self.toast = Some("no turn selected to copy".into()),
        }
    }

    pub(super) fn copy_id(&mut self, out: &mut Outcome) {
        match self.list.selected_rollout().and_then(|i| self.study.rollouts.get(i)) {
            Some(r) => {
                let id = r.id.clone();
                self.copy(&id, "the id", out);
            }
            None => self.toast = Some("no rollout selected".into()),
        }
    }

    fn copy(&mut self, text: &str, what: &str, out: &mut Outcome) {
        // Control characters (an escape inside a transcript) never reach the terminal.
        let clean: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
        self.toast = Some(format!(
            "copied {what} ({} characters) if your terminal allows clipboard writes (in tmux: set-clipboard on)",
            clean.chars().count()
        ));
        out.effects.push(Effect::Clipboard(clean));
    }
}
