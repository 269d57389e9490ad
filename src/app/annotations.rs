//! The label lines the transcript shows under each turn's header (mine, and the others' when
//! shown), with stale labels flagged; the rollout note goes under the metadata.

use super::App;
use super::reader::Annotations;
use crate::model::Rollout;

impl App {
    /// `hashes` are the turns' text hashes (made with the rollout, off the UI thread).
    pub fn annotations(&self, index: usize, rollout: &Rollout, hashes: &[String]) -> Annotations {
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
            let hash = hashes.get(t).map_or("", String::as_str);
            let lines = notes.entry(Some(m)).or_default();
            for (who, label) in found {
                let mut line = format!("✎ {who}");
                if let Some(score) = label.score {
                    line.push_str(&format!(" {score}"));
                }
                for tag in &label.tags {
                    line.push_str(&format!(" #{tag}"));
                }
                if label.is_stale(hash) {
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
