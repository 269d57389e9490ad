//! View models of the three panes: the rollout list, the score chart and the transcript.

use std::borrow::Cow;

use super::{JudgeLens, Judged};
use crate::app::columns::short_ids;
use crate::app::list::SortKey;
use crate::app::reader::{ReaderLine, TurnReader};
use crate::app::{App, Pane};
use crate::model::{Role, ScoreValues};
use crate::study::ScoreScale;

/// The rows of the list that fit, and what its title says.
#[derive(Debug, Clone)]
pub struct ListView<'a> {
    pub shown: usize,
    pub total: usize,
    /// The sort, when not file order: its label and whether it is descending.
    pub sort: Option<(String, bool)>,
    pub filter: &'a str,
    /// The metadata columns: field name and the width its values need.
    pub columns: Vec<(&'a str, usize)>,
    pub rows: Vec<ListRow<'a>>,
    /// Position of the selected row in `rows`.
    pub selected: Option<usize>,
    /// Why there are no rows.
    pub empty: Option<&'static str>,
    pub threshold: f64,
    /// How the active score is drawn.
    pub scale: ScoreScale,
    pub focused: bool,
}

/// One rollout in the list.
#[derive(Debug, Clone)]
pub struct ListRow<'a> {
    /// The id without the part every visible row shares (`columns::short_ids`).
    pub id: &'a str,
    /// The value of each of the view's `columns`.
    pub meta: Vec<Cow<'a, str>>,
    pub turns: u32,
    /// Turns I have scored.
    pub labelled: u32,
    pub self_deleted: bool,
    /// Per-turn judge values of the active score; `None` while any is hidden or when the
    /// rollout has none.
    pub scores: Option<&'a ScoreValues>,
    /// The judge's values are hidden (spot-check mode).
    pub hidden: bool,
}

/// The selected rollout's per-turn scores.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    pub title: String,
    /// Turns drawn (in spot-check mode the transcript ends at the sampled turn).
    pub values: Vec<Judged>,
    /// Selected turn, 1-based; 0 when none.
    pub selected: usize,
    pub threshold: f64,
    /// How the values are drawn: bars on 0–10 or on their own range, or coloured cells.
    pub scale: ScoreScale,
    pub humans: Vec<HumanMark>,
    pub self_deleted_at: Option<u32>,
    pub focused: bool,
}

/// A human score drawn beside the judge's bar: mine (`●`) or another annotator's (`○`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HumanMark {
    pub turn: usize,
    pub score: u8,
    pub mine: bool,
}

/// The transcript's visible lines and the headers among them.
#[derive(Debug, Clone)]
pub struct ReaderView<'a> {
    pub id: Cow<'a, str>,
    pub state: ReaderState<'a>,
    /// The visible lines, from line `first` of `total`.
    pub lines: Vec<ReaderLine>,
    pub first: usize,
    pub total: usize,
    pub selected_message: Option<usize>,
    /// The header of each message whose header line is visible.
    pub headers: Vec<(usize, HeaderView<'a>)>,
    /// The search query, lower-cased, to highlight.
    pub query: String,
    /// The judge's quotes of the visible turns, by message, highlighted where the turn's text
    /// has them (none while the judge is hidden).
    pub quotes: Vec<(usize, &'a str)>,
    pub active_score: &'a str,
    pub threshold: f64,
    pub focused: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderState<'a> {
    NoSelection,
    /// The filter hides every rollout: nothing is shown, not the rollout shown before.
    NoMatch,
    Reading,
    Error(&'a str),
    Shown,
}

/// A message's header: role, turn, and the judge's scores unless hidden.
#[derive(Debug, Clone)]
pub struct HeaderView<'a> {
    pub role: Role,
    pub role_name: &'a str,
    /// The call a tool's output answers.
    pub answers: Option<&'a str>,
    pub turn: Option<usize>,
    pub scores: Option<&'a [(String, Option<f64>)]>,
}

impl App {
    pub fn list_view(&self) -> ListView<'_> {
        let judge = JudgeLens::new(self);
        let list = &self.list;
        let rows = self.areas().list_rows();
        let score = self.score_name();
        let shown = self.columns.shown();
        // The rows that fit: their ids are shortened together.
        let window = &list.rows[list.offset.min(list.rows.len())..(list.offset + rows).min(list.rows.len())];
        let ids =
            short_ids(&window.iter().map(|&i| &*self.study.rollouts[i as usize].id).collect::<Vec<_>>());
        let rows: Vec<ListRow> = window
            .iter()
            .zip(ids)
            .map(|(&index, id)| {
                let r = &self.study.rollouts[index as usize];
                let hidden = !judge.whole_rollout_visible(index as usize);
                ListRow {
                    id,
                    meta: shown.iter().map(|f| r.meta_text(&f.name)).collect(),
                    turns: r.n_turns,
                    labelled: self.labels.mine.scored_turns(&r.id),
                    self_deleted: r.self_deleted_at.is_some(),
                    scores: if hidden { None } else { r.score_values(score) },
                    hidden,
                }
            })
            .collect();
        let empty = match (list.rows.is_empty(), self.study.rollouts.is_empty()) {
            (false, _) => None,
            (true, false) => Some("no rollout matches the filter · F clears it"),
            (true, true) if self.study.progress.finished => {
                Some("no rollouts could be read · p for problems")
            }
            (true, true) => Some("loading…"),
        };
        let sorted = list.sort != SortKey::FileOrder || list.descending;
        ListView {
            columns: shown.iter().map(|f| (&*f.name, f.width)).collect(),
            shown: list.rows.len(),
            total: self.study.rollouts.len(),
            sort: sorted.then(|| (list.sort_label(), list.descending)),
            filter: &list.filter.text,
            selected: list.selected.checked_sub(list.offset).filter(|s| *s < rows.len()),
            rows,
            empty,
            threshold: self.settings.threshold,
            scale: self.study.scales.of(score),
            focused: self.focus == Pane::List && self.modal.is_none(),
        }
    }

    /// The rollout the chart shows: the one read, else the selected row.
    fn charted_rollout(&self) -> Option<usize> {
        self.reader.index.or(self.list.selected_rollout()).filter(|i| *i < self.study.rollouts.len())
    }

    /// Turns drawn: all of them, except in spot-check mode, where the transcript ends at the
    /// sampled turn (later turns would tell how the rollout went on).
    pub fn shown_turns(&self, index: usize) -> usize {
        let Some(summary) = self.study.rollouts.get(index) else { return 0 };
        match self.review.as_ref().and_then(|r| r.item()) {
            Some(item) if *summary.id == item.rollout => item.turn as usize,
            _ => summary.n_turns as usize,
        }
    }

    pub fn chart_view(&self) -> ChartView {
        let judge = JudgeLens::new(self);
        let label = self.score_label();
        let focused = self.focus == Pane::Chart && self.modal.is_none();
        let threshold = self.settings.threshold;
        let Some(index) = self.charted_rollout() else {
            let title = format!(" {label} ");
            return ChartView {
                title,
                values: Vec::new(),
                selected: 0,
                threshold,
                scale: ScoreScale::Judge,
                humans: Vec::new(),
                self_deleted_at: None,
                focused,
            };
        };
        let summary = &self.study.rollouts[index];
        let scale = self.study.scales.of(self.score_name());
        let turns = self.shown_turns(index);
        let selected = self.reader.turn;
        let values = judge.turns(index, self.score_name(), turns);
        let title = if selected > 0 {
            let mut value = match judge.turn(index, self.score_name(), selected) {
                Judged::Hidden => "?".to_string(),
                Judged::Score(v) => format!("{v}"),
                Judged::Category(i) => match &scale {
                    ScoreScale::Categories(all) => {
                        all.get(usize::from(i)).map_or("?".into(), |c| c.to_string())
                    }
                    _ => "?".into(),
                },
                Judged::Missing => "–".to_string(),
            };
            if let Some(human) = self.my_label(&summary.id, Some(selected as u32)).and_then(|l| l.score) {
                value.push_str(&format!(" · you {human}●"));
            }
            // The threshold belongs to the judge's 0–10 scale, not to probes or categories.
            let threshold =
                if scale == ScoreScale::Judge { format!(" · T={threshold}") } else { String::new() };
            format!(" {label} · turn {selected}/{turns} = {value}{threshold} ")
        } else {
            format!(" {label} ")
        };
        let mut humans = Vec::new();
        for turn in 1..=turns {
            for (who, l) in self.labels_on(&summary.id, Some(turn as u32)) {
                if let Some(score) = l.score {
                    humans.push(HumanMark { turn, score, mine: who == "you" });
                }
            }
        }
        ChartView {
            title,
            values,
            selected,
            threshold,
            scale,
            humans,
            self_deleted_at: summary.self_deleted_at,
            focused,
        }
    }

    pub fn reader_view(&self) -> ReaderView<'_> {
        let focused = self.focus == Pane::Reader && self.modal.is_none();
        self.reader_view_of(&self.reader, self.areas().reader_rows(), focused)
    }

    /// The view of any transcript reader (the main one, or a side of the side-by-side view)
    /// `height` rows tall.
    pub fn reader_view_of<'a>(
        &'a self,
        reader: &'a TurnReader,
        height: usize,
        focused: bool,
    ) -> ReaderView<'a> {
        let judge = JudgeLens::new(self);
        // In a review the queue stands in for the list.
        let hidden = std::ptr::eq(reader, &self.reader)
            && self.review.is_none()
            && self.list.rows.is_empty()
            && !self.study.rollouts.is_empty();
        let id =
            reader.index.and_then(|i| self.study.rollouts.get(i)).filter(|_| !hidden).map_or("", |r| &*r.id);
        let state = match (&reader.rollout, &reader.error, reader.index) {
            _ if hidden => ReaderState::NoMatch,
            (Some(_), _, _) => ReaderState::Shown,
            (None, Some(e), _) => ReaderState::Error(e),
            (None, None, Some(_)) => ReaderState::Reading,
            (None, None, None) => ReaderState::NoSelection,
        };
        let start = reader.scroll.min(reader.lines.len());
        let lines = reader.lines.window(start, height);
        let mut headers = Vec::new();
        if let (Some(rollout), Some(index)) = (&reader.rollout, reader.index) {
            for line in lines.iter().filter(|l| l.kind == crate::app::reader::LineKind::Header) {
                let Some(m) = line.message else { continue };
                let Some(message) = rollout.messages.get(m) else { continue };
                let turn = rollout.turn_of_message(m);
                let scores = match turn {
                    Some(t) => judge.message_scores(index, t, &message.scores),
                    None => Some(&message.scores[..]),
                };
                let answers = message.answers.as_deref();
                let head =
                    HeaderView { role: message.role, role_name: &message.role_name, answers, turn, scores };
                headers.push((m, head));
            }
        }
        let mut quotes = Vec::new();
        if let (Some(rollout), Some(index)) = (&reader.rollout, reader.index) {
            use crate::app::annotations::{is_quote, shown_beside};
            let active = self.score_name();
            let ours = |name: &str| shown_beside(name, active) && is_quote(name);
            let visible: std::collections::BTreeSet<usize> = lines.iter().filter_map(|l| l.message).collect();
            for m in visible {
                let Some(turn) = rollout.turn_of_message(m).filter(|t| judge.visible(index, *t)) else {
                    continue;
                };
                for (_, values) in reader.texts.iter().filter(|(name, _)| ours(name)) {
                    if let Some(Some(quote)) =
                        values.get(turn - 1).filter(|q| q.as_ref().is_some_and(|q| !q.is_empty()))
                    {
                        quotes.push((m, quote.as_str()));
                    }
                }
            }
        }
        ReaderView {
            id: Cow::Borrowed(id),
            state,
            lines,
            first: start,
            total: reader.lines.len(),
            selected_message: reader.selected_message(),
            headers,
            query: self.search.query.to_lowercase(),
            quotes,
            active_score: self.score_name(),
            threshold: self.settings.threshold,
            focused,
        }
    }
}
