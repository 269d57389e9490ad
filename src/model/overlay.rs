//! Putting an index entry's per-turn scores back on a decoded rollout's messages: scores from
//! separate judge files (`--scores`) live only in the index, while the reader shows the scores
//! of the messages it decodes again from the file.

use super::rollout::{Role, Rollout};
use super::score::ScoreValues;
use super::summary::RolloutSummary;

/// Copies the summary's per-turn scores onto the rollout's assistant messages (turn 1 is the
/// first assistant message). A score name the transcript never carried is put on every turn,
/// missing values too (shown as missing); a name it does carry is updated where the summary
/// has a value or the message has the name, so a transcript's own scores stay as they are.
pub fn overlay_scores(rollout: &mut Rollout, summary: &RolloutSummary) {
    for scores in &summary.scores {
        let name = &*scores.name;
        let carried = rollout.messages.iter().any(|m| m.scores.iter().any(|(n, _)| n == name));
        let turns = rollout.messages.iter_mut().filter(|m| m.role == Role::Assistant);
        // Categories and texts are shown from the index, not carried on messages.
        let ScoreValues::Numeric(values) = &scores.values else { continue };
        for (message, value) in turns.zip(values.iter().copied()) {
            match message.scores.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = value,
                None if value.is_some() || !carried => message.scores.push((name.to_string(), value)),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::rollout::Message;
    use crate::model::summary::{Locator, TurnScores};
    use crate::model::{Hatch, Interner};

    fn rollout() -> Rollout {
        let mut first = Message::new(Role::Assistant, "a1");
        first.scores = vec![("inline".into(), Some(1.0))];
        Rollout {
            id: "r".into(),
            messages: vec![
                Message::new(Role::User, "q"),
                first,
                Message::new(Role::User, "no"),
                Message::new(Role::Assistant, "a2"),
                Message::new(Role::Tool, "t"),
                Message::new(Role::Assistant, "a3"),
            ],
            ..Rollout::default()
        }
    }

    #[test]
    fn summary_scores_land_on_assistant_turns_in_order() {
        let mut r = rollout();
        let mut summary = RolloutSummary::from_rollout(
            &r,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        );
        summary.scores.push(TurnScores::numeric(Arc::from("judge"), vec![Some(2.0), None, Some(7.0)]));
        overlay_scores(&mut r, &summary);
        let judge: Vec<Option<f64>> =
            r.turn_messages().iter().map(|&i| r.messages[i].score("judge")).collect();
        assert_eq!(judge, [Some(2.0), None, Some(7.0)]);
        // A name only the file has is on every turn, the missing one included.
        assert_eq!(r.messages[3].scores, vec![("judge".to_string(), None)]);
        assert!(r.messages[0].scores.is_empty() && r.messages[4].scores.is_empty(), "only assistant turns");
    }

    #[test]
    fn the_transcripts_own_scores_are_unchanged_unless_replaced() {
        let mut r = rollout();
        let before = r.clone();
        let mut summary = RolloutSummary::from_rollout(
            &r,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        );
        overlay_scores(&mut r, &summary);
        assert_eq!(r, before, "an index made from the rollout changes nothing");
        summary.scores[0].values = ScoreValues::Numeric(vec![Some(9.0), Some(4.0), None].into());
        overlay_scores(&mut r, &summary);
        assert_eq!(r.messages[1].score("inline"), Some(9.0));
        assert_eq!(r.messages[3].scores, vec![("inline".to_string(), Some(4.0))]);
        assert!(r.messages[5].scores.is_empty(), "absent stays absent for a carried name");
    }
}
