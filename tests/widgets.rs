//! Each pane and overlay drawn alone from a view model built by hand (no `App`), at a small
//! fixed size: a widget draws exactly the data it is given.
#![allow(clippy::unwrap_used)]

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use rollscope::app::keymap::Keymap;
use rollscope::app::view::{
    ChartView, HelpView, HumanMark, Judged, LabelStatus, ListRow, ListView, QueueRow, QueueView, SaveState,
    StatusView, TagsView, help_lines,
};
use rollscope::model::Problem;
use rollscope::study::Progress;
use rollscope::ui::annotate::TagsWidget;
use rollscope::ui::chart::ChartWidget;
use rollscope::ui::list::ListWidget;
use rollscope::ui::overlay::{HelpWidget, ProblemsWidget};
use rollscope::ui::review::QueueWidget;
use rollscope::ui::status::{HintsWidget, StatusWidget};
use rollscope::ui::theme::Theme;

const PLAIN: Theme = Theme { color: false };

fn draw(widget: impl Widget, width: u16, height: u16) -> String {
    let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
    widget.render(buffer.area, &mut buffer);
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn row<'a>(id: &'a str, scores: Option<&'a [Option<f64>]>, labelled: u32) -> ListRow<'a> {
    ListRow {
        id,
        condition: "baseline".into(),
        dataset: "math".into(),
        turns: 3,
        labelled,
        self_deleted: id.ends_with('x'),
        scores,
    }
}

#[test]
fn list_alone_draws_its_rows_hidden_scores_as_question_marks() {
    let scores = [Some(2.0), None, Some(8.0)];
    let view = ListView {
        shown: 3,
        total: 5,
        sort: Some(("max", true)),
        filter: "condition=baseline",
        rows: vec![row("a", Some(&scores), 0), row("bx", Some(&scores), 3), row("c", None, 1)],
        selected: Some(1),
        empty: None,
        threshold: 5.0,
        focused: true,
    };
    insta::assert_snapshot!(draw(ListWidget { view, theme: PLAIN }, 70, 7));
}

#[test]
fn chart_alone_draws_bars_hidden_turns_humans_and_reports_its_hits() {
    let view = ChartView {
        title: " frustration · turn 2/4 = 6 · T=5 ".into(),
        values: vec![Judged::Score(1.0), Judged::Score(6.0), Judged::Missing, Judged::Hidden],
        selected: 2,
        threshold: 5.0,
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
    let top = draw(HelpWidget { view: HelpView { lines: lines.clone(), scroll: 0 }, theme: PLAIN }, 80, 12);
    let down = draw(HelpWidget { view: HelpView { lines, scroll: 3 }, theme: PLAIN }, 80, 12);
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
    };
    insta::assert_snapshot!(draw(QueueWidget { view, theme: PLAIN }, 50, 4));
}
