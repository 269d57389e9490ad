//! Each pane and overlay drawn alone from a view model built by hand (no `App`), at a small
//! fixed size: a widget draws exactly the data it is given.
#![allow(clippy::unwrap_used)]

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use rollscope::app::keymap::Keymap;
use rollscope::app::view::{
    CategoriesView, ChartView, HelpView, HumanMark, Judged, LabelStatus, ListRow, ListView, QueueRow,
    QueueView, SaveState, StatusView, TagsView, help_lines,
};
use std::sync::Arc;

use rollscope::model::{Problem, ScoreValues};
use rollscope::study::Progress;
use rollscope::study::ScoreScale;
use rollscope::ui::annotate::{CategoriesWidget, TagsWidget};
use rollscope::ui::chart::ChartWidget;
use rollscope::ui::list::ListWidget;
use rollscope::ui::overlay::{HelpWidget, ProblemsWidget};
use rollscope::ui::review::QueueWidget;
use rollscope::ui::status::{HintsWidget, StatusWidget};
use rollscope::ui::theme::Theme;

const PLAIN: Theme = Theme { color: false, truecolor: false };

fn draw(widget: impl Widget, width: u16, height: u16) -> String {
    let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
    widget.render(buffer.area, &mut buffer);
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn row<'a>(id: &'a str, scores: Option<&'a ScoreValues>, labelled: u32) -> ListRow<'a> {
    ListRow {
        id,
        meta: vec!["baseline".into(), "math".into()],
        turns: 3,
        labelled,
        self_deleted: id.ends_with('x'),
        scores,
        hidden: scores.is_none(),
    }
}

fn numbers(values: &[Option<f64>]) -> ScoreValues {
    ScoreValues::Numeric(values.into())
}

fn categories(values: &[Option<&str>]) -> ScoreValues {
    ScoreValues::Categorical(values.iter().map(|v| v.map(Arc::from)).collect())
}

fn tag_scale() -> ScoreScale {
    ScoreScale::Categories(["despair", "mild", "none"].map(Arc::from).into())
}

#[test]
fn list_alone_draws_its_rows_hidden_scores_as_question_marks() {
    let scores = numbers(&[Some(2.0), None, Some(8.0)]);
    let view = ListView {
        shown: 3,
        total: 5,
        sort: Some(("max".into(), true)),
        filter: "condition=baseline",
        columns: vec![("condition", 8), ("dataset", 4)],
        rows: vec![row("a", Some(&scores), 0), row("bx", Some(&scores), 3), row("c", None, 1)],
        selected: Some(1),
        empty: None,
        threshold: 5.0,
        scale: ScoreScale::Judge,
        focused: true,
    };
    insta::assert_snapshot!(draw(ListWidget { view, theme: PLAIN }, 70, 7));
}

#[test]
fn list_of_a_categorical_score_shows_the_most_given_category_and_a_cell_per_turn() {
    let tags = categories(&[Some("none"), Some("despair"), Some("despair")]);
    let untagged = categories(&[None, None, None]);
    let view = ListView {
        shown: 2,
        total: 2,
        sort: None,
        filter: "",
        columns: vec![("condition", 8), ("dataset", 4)],
        rows: vec![row("a", Some(&tags), 0), row("b", Some(&untagged), 0)],
        selected: None,
        empty: None,
        threshold: 5.0,
        scale: tag_scale(),
        focused: true,
    };
    let text = draw(ListWidget { view, theme: PLAIN }, 70, 5);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].contains("trn lab most"), "{text}");
    assert!(
        lines[2].contains("despair") && lines[2].contains("3     despair   ▒██"),
        "none is the third shade: {text}"
    );
    assert!(lines[3].contains("3     -         ···"), "{text}");
}

#[test]
fn chart_alone_draws_bars_hidden_turns_humans_and_reports_its_hits() {
    let view = ChartView {
        title: " frustration · turn 2/4 = 6 · T=5 ".into(),
        values: vec![Judged::Score(1.0), Judged::Score(6.0), Judged::Missing, Judged::Hidden],
        selected: 2,
        threshold: 5.0,
        scale: ScoreScale::Judge,
        humans: vec![
            HumanMark { turn: 2, score: 9, mine: true },
            HumanMark { turn: 1, score: 4, mine: false },
        ],
        self_deleted_at: Some(3),
        focused: false,
    };
    let mut buffer = Buffer::empty(Rect::new(0, 0, 40, 8));
    let hits = ChartWidget { view: view.clone(), theme: PLAIN }.draw(buffer.area, &mut buffer).unwrap();
    assert_eq!((hits.first_turn, hits.visible, hits.slot), (1, 4, 6));
    assert_eq!(hits.turn_at(hits.x + 13), Some(3));
    insta::assert_snapshot!(draw(ChartWidget { view, theme: PLAIN }, 40, 8));
}

#[test]
fn chart_gives_the_eleven_scores_eleven_heights_and_a_human_mark_its_own_bar() {
    // The chart pane at 80×24: 40 × 8.
    let view = ChartView {
        title: " frustration ".into(),
        values: (0..=10).map(|v| Judged::Score(f64::from(v))).collect(),
        selected: 0,
        threshold: 5.0,
        scale: ScoreScale::Judge,
        humans: vec![HumanMark { turn: 3, score: 9, mine: true }],
        self_deleted_at: None,
        focused: false,
    };
    let mut buffer = Buffer::empty(Rect::new(0, 0, 40, 8));
    let hits = ChartWidget { view: view.clone(), theme: PLAIN }.draw(buffer.area, &mut buffer).unwrap();
    let bar = |turn: usize| -> String {
        let x = hits.x + (turn as u16 - 1) * hits.slot;
        (1..6).map(|y| buffer[(x, y)].symbol().to_string()).collect()
    };
    let heights: std::collections::HashSet<String> = (1..=11).filter(|t| *t != 3).map(bar).collect();
    assert_eq!(heights.len(), 10, "every score its own bar: {heights:?}");
    assert_ne!(bar(10), bar(11), "9 and 10 differ");
    let x3 = hits.x + 2 * hits.slot;
    let mark = (1..6).find_map(|y| (x3..x3 + hits.slot).find(|x| buffer[(*x, y)].symbol() == "●"));
    assert!(mark.is_some_and(|x| x < x3 + hits.slot - 1), "the mark is on turn 3's bar, not in the gap");
}

#[test]
fn chart_of_a_probe_is_drawn_on_its_own_range_with_the_ends_labelled_and_no_threshold() {
    let view = ChartView {
        title: " probe ".into(),
        values: vec![Judged::Score(-2.5), Judged::Score(0.0), Judged::Score(1.5)],
        selected: 0,
        threshold: 5.0,
        scale: ScoreScale::Range { lo: -2.5, hi: 1.5 },
        humans: Vec::new(),
        self_deleted_at: None,
        focused: false,
    };
    let text = draw(ChartWidget { view, theme: PLAIN }, 30, 7);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("│ 1.5 "), "top label: {text}");
    assert!(lines[4].starts_with("│-2.5 "), "bottom label: {text}");
    assert!(!text.contains('╌'), "no threshold line on a probe's range: {text}");
    // -2.5 is the bottom (an empty bar), 1.5 the full height (4 rows), 0 is 5/8 of it: 20
    // eighths, two full rows and a half.
    let column = |x: usize| lines[1..5].iter().map(|l| l.chars().nth(x).unwrap_or(' ')).collect::<String>();
    assert_eq!(column(19), "████", "{text}");
    assert_eq!(column(13), " ▄██", "{text}");
}

#[test]
fn chart_of_a_categorical_score_is_a_coloured_cell_per_turn_under_a_legend() {
    let view = ChartView {
        title: " frustration.tag ".into(),
        values: vec![Judged::Category(2), Judged::Category(0), Judged::Missing],
        selected: 0,
        threshold: 5.0,
        scale: tag_scale(),
        humans: Vec::new(),
        self_deleted_at: None,
        focused: false,
    };
    insta::assert_snapshot!(draw(ChartWidget { view, theme: PLAIN }, 34, 6));
}

#[test]
fn status_and_hints_alone() {
    let view = StatusView {
        prompt: None,
        toast: Some("undid a change"),
        review: None,
        labels: Some(LabelStatus {
            annotator: "ana",
            scored: 3,
            turns: 60,
            save: SaveState::Failed { unsaved: 2, error: "disk full" },
        }),
        progress: Progress { files: 1, bytes_total: 10, bytes_read: 10, finished: true },
        rollouts: 1234,
        files: 2,
        problems: 4,
        searching: Some("rm -rf"),
        score: "frustration",
        threshold: 5.0,
        following: Some(37),
    };
    let hints = vec![("j".to_string(), "move"), ("?".to_string(), "help")];
    let text = draw(StatusWidget { view, theme: PLAIN }, 150, 1)
        + "\n"
        + &draw(HintsWidget { hints: &hints, theme: PLAIN }, 40, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn help_alone_lists_every_context_and_scrolls() {
    let lines = help_lines(&Keymap::default());
    for heading in [
        "Everywhere",
        "Rollout list",
        "Score chart",
        "Spot-check review",
        "Tag picker",
        "Note editor",
        "Statistics view",
    ] {
        assert!(
            lines.iter().any(|l| format!("{l:?}").contains(heading)),
            "the help has a section for {heading}"
        );
    }
    let top = draw(
        HelpWidget { view: HelpView { lines: lines.clone(), ..HelpView::default() }, theme: PLAIN },
        80,
        12,
    );
    let down =
        draw(HelpWidget { view: HelpView { lines, scroll: 3, ..HelpView::default() }, theme: PLAIN }, 80, 12);
    assert_ne!(top, down, "scrolling moves the text");
    insta::assert_snapshot!(top);
}

#[test]
fn problems_alone_list_each_problem_with_its_place_and_the_selection() {
    let problems = vec![
        Problem::at("runs/a.jsonl", 3, 17, "expected `,` or `}`").warning(),
        Problem::file("runs/b.eval", "truncated archive").in_entry("samples/1_epoch_1.json"),
        Problem::at("runs/c.jsonl", 9, 1, "a score that is not a number: \"high\"").warning(),
    ];
    insta::assert_snapshot!(draw(ProblemsWidget { problems: &problems, selected: 1, theme: PLAIN }, 72, 8));
}

#[test]
fn one_problem_is_titled_in_the_singular() {
    let problems = vec![Problem::file("runs/b.eval", "truncated archive")];
    let screen = draw(ProblemsWidget { problems: &problems, selected: 0, theme: PLAIN }, 60, 5);
    assert!(screen.contains(" 1 problem ─"), "{screen}");
}

#[test]
fn problems_of_one_kind_are_one_row_with_their_count_and_first_place() {
    let mut problems: Vec<Problem> = (1..=1120)
        .map(|line| {
            Problem::at("runs/t.jsonl", line, 14, format!("message {} has no role", line % 4 + 1)).warning()
        })
        .collect();
    problems.push(Problem::at("runs/c.jsonl", 9, 1, "a score that is not a number: \"high\"").warning());
    let screen = draw(ProblemsWidget { problems: &problems, selected: 1, theme: PLAIN }, 80, 6);
    assert!(screen.contains("1121 problems"), "the title counts every problem:\n{screen}");
    assert!(
        screen.contains("runs/t.jsonl: 1,120 rows, first at 1:14: warning: message 2 has no role"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn tags_alone_check_the_tags_of_the_turn() {
    let choices = vec!["hopeless".to_string(), "self-blame".to_string(), "eval-aware".to_string()];
    let view =
        TagsView { turn: 4, choices: &choices, checked: vec![false, true, false], selected: 2, typing: None };
    insta::assert_snapshot!(draw(TagsWidget { view, theme: PLAIN }, 50, 10));
}

#[test]
fn queue_alone_shows_the_judge_only_for_scored_items() {
    let view = QueueView {
        name: "q1",
        done: 1,
        total: 2,
        rows: vec![
            QueueRow {
                number: 1,
                rollout: "r3",
                turn: 2,
                done: true,
                you: Some(6),
                judge: Judged::Score(5.5),
            },
            QueueRow { number: 2, rollout: "r4", turn: 3, done: false, you: None, judge: Judged::Hidden },
        ],
        current: Some(1),
        focused: true,
        adjudicate: false,
    };
    insta::assert_snapshot!(draw(QueueWidget { view, theme: PLAIN }, 50, 4));
}

#[test]
fn category_picker_alone_numbers_the_shown_categories_and_marks_the_turns() {
    let view = CategoriesView {
        score: "frustration.tag",
        turn: 3,
        shown: vec!["despair", "mild", "none"],
        current: Some("mild"),
        selected: 2,
        filter: "",
    };
    insta::assert_snapshot!(draw(CategoriesWidget { view, theme: PLAIN }, 50, 10));
}
