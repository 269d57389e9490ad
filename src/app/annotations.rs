//! The label lines the transcript shows under each turn's header (mine, and the others' when
//! shown), with stale labels flagged; the rollout note goes under the metadata.

use std::sync::Arc;

use super::App;
use super::reader::{Annotations, LineKind, TurnTexts};
use super::view::JudgeLens;
use crate::model::{Rollout, RolloutSummary, ScoreValues};

impl App {
    /// `hashes` are the turns' text hashes (made with the rollout, off the UI thread).
    pub fn annotations(
        &self,
        index: usize,
        rollout: &Rollout,
        hashes: &[String],
        texts: &[TurnTexts],
    ) -> Annotations {
        let mut notes = Annotations::new();
        let Some(summary) = self.study.rollouts.get(index) else { return notes };
        let judge = JudgeLens::new(self);
        if let Some(problem) = &self.reader.texts_problem {
            notes
                .entry(None)
                .or_default()
                .push((LineKind::Judge, format!("judge texts not read: {problem}")));
        }
        for (t, m) in rollout.turn_messages().into_iter().enumerate() {
            let turn = t + 1;
            if !judge.visible(index, turn) {
                continue;
            }
            if let Some(line) = judge_line(summary, self.score_name(), turn, texts) {
                notes.entry(Some(m)).or_default().push((LineKind::Judge, line));
            }
        }
        for (who, label) in self.labels_on(&summary.id, None) {
            if let Some(note) = &label.note {
                notes.entry(None).or_default().push((LineKind::Label, format!("✎ {who}: {note}")));
            }
        }
        for (t, m) in rollout.turn_messages().into_iter().enumerate() {
            let turn = t as u32 + 1;
            let found = self.labels_on(&summary.id, Some(turn));
            if found.is_empty() {
                continue;
            }
            let hash = hashes.get(t).map_or("", String::as_str);
            let lines = notes.entry(Some(m)).or_default();
            for (who, label) in found {
                let mut line = format!("✎ {who}");
                if let Some(score) = label.score {
                    line.push_str(&format!(" {score}"));
                }
                if let Some(category) = &label.category {
                    line.push_str(&format!(" {}={}", category.score_name, category.category));
                }
                for tag in &label.tags {
                    line.push_str(&format!(" #{tag}"));
                }
                // Turns not hashed yet (a huge rollout shown first) are not called stale.
                if !hash.is_empty() && label.is_stale(hash) {
                    line.push_str(" · stale: the turn's text changed since this label");
                }
                lines.push((LineKind::Label, line));
                if let Some(note) = &label.note {
                    lines.push((LineKind::Label, format!("  “{note}”")));
                }
            }
        }
        notes
    }
}

/// The score a judge field belongs to: `frustration` for `frustration.tag` and for itself.
pub fn base_score(name: &str) -> &str {
    name.split_once('.').map_or(name, |(base, _)| base)
}

/// Whether a judge field is shown beside score `active`: it is one of the same score's
/// (`frustration.tag` beside `frustration`), or it belongs to no score (`tag` in the native
/// format's `scores`, given beside every number).
pub fn shown_beside(field: &str, active: &str) -> bool {
    !field.contains('.') || base_score(field) == base_score(active)
}

/// Whether a judge text is a quote of the turn (highlighted in it) rather than a rationale.
pub fn is_quote(field: &str) -> bool {
    field.rsplit('.').next().is_some_and(|last| last.contains("quote"))
}

/// What the judge wrote about a turn beside the score shown: its categories, then its quotes
/// in quotation marks, then its rationales after a dash, e.g.
/// `despair · "I am clearly incapable of this" — Repeated self-deprecation…`.
fn judge_line(summary: &RolloutSummary, active: &str, turn: usize, texts: &[TurnTexts]) -> Option<String> {
    let ours = |name: &str| shown_beside(name, active);
    let mut parts = Vec::new();
    for scores in summary.scores.iter().filter(|s| ours(&s.name)) {
        if let ScoreValues::Categorical(_) = scores.values
            && let Some(category) = summary.category_at(&scores.name, turn)
        {
            parts.push(category.to_string());
        }
    }
    let text_at = |name: &Arc<str>, values: &Vec<Option<String>>| {
        ours(name).then(|| values.get(turn - 1).cloned().flatten()).flatten()
    };
    let (mut quotes, mut rationales) = (Vec::new(), Vec::new());
    for (name, values) in texts {
        if let Some(text) = text_at(name, values) {
            if is_quote(name) { quotes.push(format!("\"{text}\"")) } else { rationales.push(text) }
        }
    }
    parts.extend(quotes);
    let mut line = parts.join(" · ");
    if !rationales.is_empty() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str("— ");
        line.push_str(&rationales.join(" — "));
    }
    (!line.is_empty()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::study::tagged_rollout;

    #[test]
    fn the_judge_line_is_categories_then_quotes_then_rationales_of_the_score_shown() {
        let summary = tagged_rollout("a", 2, Some(&[Some("despair"), None]));
        let texts: Vec<TurnTexts> = vec![
            ("frustration.quote".into(), vec![Some("I give up".into()), None]),
            ("frustration.explanation".into(), vec![Some("Hopeless.".into()), Some("Calm.".into())]),
            ("other.explanation".into(), vec![Some("not ours".into()), None]),
        ];
        let line = |active: &str, turn: usize| judge_line(&summary, active, turn, &texts);
        assert_eq!(line("frustration", 1).as_deref(), Some("despair · \"I give up\" — Hopeless."));
        assert_eq!(line("frustration.tag", 1).as_deref(), Some("despair · \"I give up\" — Hopeless."));
        assert_eq!(line("frustration", 2).as_deref(), Some("— Calm."));
        assert_eq!(line("other", 2), None);
        assert!(is_quote("frustration.quote") && !is_quote("frustration.explanation"));
    }
}
