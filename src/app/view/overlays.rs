//! View models of the overlays and of spot-check mode's panes: help, tag picker, the queue and
//! the summary. The note editor, problems and statistics widgets draw their state directly.

use super::HelpView;
use super::{JudgeLens, Judged};
use crate::app::keymap::Context;
use crate::app::{App, Modal, Pane};
use crate::metrics::pairs::AgreementReport;
use crate::sample::Reveal;

/// The tag picker: the tags, which are on the selected turn, and a new tag being typed.
#[derive(Debug, Clone, PartialEq)]
pub struct TagsView<'a> {
    pub turn: usize,
    pub choices: &'a [String],
    pub checked: Vec<bool>,
    pub selected: usize,
    pub typing: Option<&'a str>,
}

/// The category picker: the categories shown (narrowed by what was typed), the one the turn
/// has, and the highlighted one.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoriesView<'a> {
    pub score: &'a str,
    pub turn: usize,
    pub shown: Vec<&'a str>,
    /// The category I gave this turn, if any.
    pub current: Option<&'a str>,
    pub selected: usize,
    pub filter: &'a str,
}

/// Spot-check mode's queue, in place of the rollout list.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueView<'a> {
    pub name: &'a str,
    pub done: usize,
    pub total: usize,
    pub rows: Vec<QueueRow<'a>>,
    /// Position of the current item in `rows`.
    pub current: Option<usize>,
    pub focused: bool,
    /// An adjudication queue (titled so).
    pub adjudicate: bool,
}

/// One item: my score and the judge's once I have scored it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow<'a> {
    pub number: usize,
    pub rollout: &'a str,
    pub turn: u32,
    pub done: bool,
    pub you: Option<u8>,
    pub judge: Judged,
}

/// The spot-check summary: my agreement with the judge on this queue.
#[derive(Debug, Clone)]
pub struct SummaryView<'a> {
    pub name: &'a str,
    pub done: usize,
    pub total: usize,
    pub report: &'a AgreementReport,
    /// The command that prints the same figures.
    pub command: String,
    /// A spot-check review's summary (else the agreement of all my labels).
    pub in_review: bool,
    /// Why the judge's figures are not shown yet (`--reveal end` before the last item, or
    /// `never`); `None` when they are.
    pub withheld: Option<String>,
}

/// The length of the part all `ids` share, cut back to just after a separator (`/`, `:`, `-`,
/// `_`, `.`) so no id loses part of a word; 0 for fewer than two ids.
fn shared_prefix<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    let ids: Vec<&str> = ids.collect();
    let (Some(first), true) = (ids.first(), ids.len() >= 2) else { return 0 };
    let mut len = ids.iter().skip(1).fold(first.len(), |len, id| {
        first.bytes().zip(id.bytes()).take(len).take_while(|(a, b)| a == b).count()
    });
    // Every id keeps at least one character.
    len = len.min(ids.iter().map(|id| id.len()).min().unwrap_or(0).saturating_sub(1));
    // Back to just after an ASCII separator: a byte test, as `len` may sit inside a character
    // two ids only begin alike (é and è share their first byte).
    while len > 0 && !matches!(first.as_bytes()[len - 1], b'/' | b':' | b'-' | b'_' | b'.') {
        len -= 1;
    }
    len
}

/// A path as a shell word: quoted when it holds anything but the plainest characters.
fn shell_word(text: &str) -> String {
    let plain = text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c));
    if plain && !text.is_empty() { text.to_string() } else { format!("'{}'", text.replace('\'', "'\\''")) }
}

impl App {
    pub fn help_view(&self) -> Option<HelpView> {
        match &self.modal {
            Some(Modal::Help(help)) => Some(help.view(&self.keymap, self.size.0 as usize)),
            _ => None,
        }
    }

    pub fn tags_view(&self) -> Option<TagsView<'_>> {
        let Some(Modal::Tags(picker)) = &self.modal else { return None };
        let on: Vec<String> = self
            .reader
            .index
            .and_then(|i| self.study.rollouts.get(i))
            .and_then(|s| self.my_label(&s.id, Some(self.reader.turn as u32)))
            .map(|l| l.tags.clone())
            .unwrap_or_default();
        Some(TagsView {
            turn: self.reader.turn,
            choices: &picker.choices,
            checked: picker.choices.iter().map(|t| on.contains(t)).collect(),
            selected: picker.selected,
            typing: picker.typing.as_deref(),
        })
    }

    pub fn categories_view(&self) -> Option<CategoriesView<'_>> {
        let Some(Modal::Categories(picker)) = &self.modal else { return None };
        let current = self
            .reader
            .index
            .and_then(|i| self.study.rollouts.get(i))
            .and_then(|s| self.my_label(&s.id, Some(self.reader.turn as u32)))
            .and_then(|l| l.category.as_ref())
            .filter(|c| *c.score_name == *picker.score)
            .map(|c| c.category.as_str());
        Some(CategoriesView {
            score: &picker.score,
            turn: self.reader.turn,
            shown: picker.shown().into_iter().map(|c| &**c).collect(),
            current,
            selected: picker.selected,
            filter: &picker.filter,
        })
    }

    /// The queue rows that fit in `rows` lines, the current item near the middle.
    pub fn queue_view(&self, rows: usize) -> Option<QueueView<'_>> {
        let review = self.review.as_ref()?;
        let judge = JudgeLens::new(self);
        let (done, total) = self.review_progress().unwrap_or((0, 0));
        let offset = review.current.saturating_sub(rows / 2).min(total.saturating_sub(rows));
        // What every item's id starts with (a file name, a run) tells the rows nothing.
        let shared = shared_prefix(review.queue.items.iter().map(|it| it.rollout.as_str()));
        let items = review.queue.items.iter().enumerate().skip(offset).take(rows);
        let rows = items
            .map(|(i, item)| {
                let done = self.item_done(item);
                let index = review.index.get(&item.rollout).copied();
                QueueRow {
                    number: i + 1,
                    rollout: &item.rollout[shared..],
                    turn: item.turn,
                    done,
                    you: self.my_label(&item.rollout, Some(item.turn)).and_then(|l| l.score),
                    judge: index.map_or(Judged::Missing, |ix| {
                        judge.turn(ix, &review.queue.score, item.turn as usize)
                    }),
                }
            })
            .collect();
        Some(QueueView {
            name: &review.name,
            done,
            total,
            rows,
            current: review.current.checked_sub(offset),
            focused: self.focus == Pane::List && self.modal.is_none(),
            adjudicate: review.adjudicate,
        })
    }

    pub fn summary_view(&self) -> Option<SummaryView<'_>> {
        let Some(Modal::ReviewSummary(report)) = &self.modal else { return None };
        let name = self.review.as_ref().map_or("your labels", |r| r.name.as_str());
        let scored = self.labels.mine.total_scored();
        let (done, total) = self.review_progress().unwrap_or((scored, scored));
        let command = match self.review.as_ref().map(|r| (&r.path, &r.labels)) {
            Some((Some(path), Some(labels))) => format!(
                "rollscope agree --queue-dir {} --labels {}",
                shell_word(&path.display().to_string()),
                shell_word(&labels.display().to_string())
            ),
            Some(_) => "rollscope agree --queue-dir QUEUE --labels DIR".to_string(),
            // Outside a review: every label of mine on the study open.
            None => {
                let paths = if self.settings.title == "demo" {
                    String::new()
                } else {
                    format!("{} ", self.settings.title)
                };
                format!("rollscope agree {paths}--annotator {}", shell_word(&self.labels.annotator))
            }
        };
        let withheld = match self.reveal() {
            Some(Reveal::End) if done < total => Some(format!(
                "The judge is shown when every item is scored ({} to go): you do not learn its scale while labelling.",
                total - done
            )),
            Some(Reveal::Never) => {
                Some("This queue does not show the judge in the review (--reveal never).".into())
            }
            _ => None,
        };
        let in_review = self.review.is_some();
        Some(SummaryView { name, done, total, report, command, in_review, withheld })
    }

    /// The contexts whose keys apply now, the first that binds a key winning.
    pub fn key_contexts(&self) -> Vec<Context> {
        if let Some(modal) = &self.modal {
            return vec![modal.context()];
        }
        let pane = match self.focus {
            Pane::List => Context::List,
            Pane::Reader => Context::Reader,
            Pane::Chart => Context::Chart,
        };
        if self.review.is_some() {
            vec![Context::Review, pane, Context::Global]
        } else {
            vec![pane, Context::Global]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shared_prefix;

    #[test]
    fn the_part_every_id_shares_is_dropped_up_to_a_separator() {
        fn cut<'a>(ids: &[&'a str]) -> Vec<&'a str> {
            let n = shared_prefix(ids.iter().copied());
            ids.iter().map(|id| &id[n..]).collect()
        }
        assert_eq!(cut(&["transcripts.jsonl:1", "transcripts.jsonl:3"]), ["1", "3"]);
        assert_eq!(cut(&["run-a/math-004", "run-a/math-017"]), ["004", "017"]);
        assert_eq!(cut(&["run-a/math-004", "run-a/wild-017"]), ["math-004", "wild-017"], "not mid-word");
        assert_eq!(cut(&["éa:1", "éa:2"]), ["1", "2"]);
        assert_eq!(cut(&["é1", "è2"]), ["é1", "è2"], "sharing half a character is sharing none");
        assert_eq!(cut(&["r1", "r2"]), ["r1", "r2"], "no separator: whole");
        assert_eq!(cut(&["a:", "a:"]), ["a:", "a:"], "an id keeps a character");
        assert_eq!(cut(&["only:one"]), ["only:one"]);
    }
}
