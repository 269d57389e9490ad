//! Snapshots of every pane and overlay at 80×24 and 120×40 through the real render path.
#![allow(clippy::unwrap_used)]

use ratatui::buffer::Buffer;
use ratatui::style::Color;
use rollscope::app::App;
use rollscope::testkit::{demo_app, press};

fn draw(app: &App) -> Buffer {
    rollscope::testkit::render(app)
}

fn text(buffer: &Buffer) -> String {
    rollscope::testkit::screen_text(buffer)
}

fn snapshot(name: &str, keys: &str) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = demo_app(w, h);
        press(&mut app, keys);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&draw(&app)));
    }
}

#[test]
fn main_screen_list_reader_chart() {
    snapshot("main", "");
}

#[test]
fn reader_on_a_self_deleting_rollout_at_its_last_turn() {
    snapshot("selfdel", "j j <Tab> G");
}

#[test]
fn chart_focused_on_turn_seven() {
    snapshot("chart", "<Tab><Tab>llllll");
}

#[test]
fn help_overlay() {
    snapshot("help", "?");
}

#[test]
fn problems_overlay_without_problems() {
    snapshot("problems", "p");
}

#[test]
fn problems_overlay_lists_each_problem_with_its_place_and_moves_the_selection() {
    // Relative (tests run in the package folder), so the snapshot does not hold this machine's path.
    let fixture = std::path::PathBuf::from("tests/fixtures/bad_lines.jsonl");
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = rollscope::testkit::Session::open(std::slice::from_ref(&fixture), w, h, None);
        assert!(s.app.study.problems.len() >= 2, "{:?}", s.app.study.problems);
        s.press("p j");
        assert!(matches!(&s.app.modal, Some(rollscope::app::Modal::Problems(c)) if c.at == 1));
        insta::assert_snapshot!(format!("problems_listed_{w}x{h}"), text(&draw(&s.app)));
    }
}

#[test]
fn filter_prompt_and_filtered_list() {
    snapshot("filter_prompt", "fcondition=trained");
    snapshot("filtered", "fcondition=trained<Enter>");
    snapshot("filtered_empty", "fmax>=11<Enter>");
}

#[test]
fn search_match_is_shown_in_the_reader() {
    snapshot("search", "/this<Space>unit<Enter>");
}

#[test]
fn colour_marks_high_scores_and_no_color_uses_modifiers() {
    let mut app = demo_app(120, 40);
    app.settings.color = true;
    let buffer = draw(&app);
    let chart = app.areas().chart;
    let reds = (chart.x..chart.x + chart.width)
        .flat_map(|x| (chart.y..chart.y + chart.height).map(move |y| (x, y)))
        .filter(|&(x, y)| buffer[(x, y)].fg == Color::Red && buffer[(x, y)].symbol() != " ")
        .count();
    assert!(reds > 0, "bars at or above the threshold are red");
    app.settings.color = false;
    let plain = draw(&app);
    let area = plain.area;
    for y in 0..area.height {
        for x in 0..area.width {
            assert_eq!(plain[(x, y)].fg, Color::Reset, "NO_COLOR: no foreground colour at {x},{y}");
            assert_eq!(plain[(x, y)].bg, Color::Reset, "NO_COLOR: no background colour at {x},{y}");
        }
    }
}

fn labelled_snapshot(name: &str, keys: &str) {
    for (w, h) in [(80, 24), (120, 40)] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = rollscope::testkit::Session::demo(w, h, Some((dir.path(), "ana")));
        s.press(keys);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&draw(&s.app)));
    }
}

#[test]
fn chart_and_reader_with_human_scores() {
    labelled_snapshot("human_scores", "7 ] 9 ] + ] 0 ] x ] 5 [ [");
}

#[test]
fn tag_picker() {
    labelled_snapshot("tag_picker", "] t <Space> j j <Space> j");
}

#[test]
fn tag_picker_typing_a_new_tag() {
    labelled_snapshot("tag_picker_new", "t aspiral");
}

#[test]
fn note_editor() {
    labelled_snapshot(
        "note_editor",
        "] e The<Space>model<Space>blames<Space>the<Space>user.<Enter>Second<Space>line",
    );
}

#[test]
fn statistics_view() {
    snapshot("stats_view", "v");
    snapshot("stats_view_threshold_7", "v + +");
}

#[test]
fn compare_view() {
    snapshot("compare_view", "C");
    snapshot("compare_view_trained_as_baseline", "C b");
}

#[test]
fn side_by_side_on_turn_four() {
    snapshot("side_by_side", "= ] ] ]");
}

#[test]
fn agreement_view_with_calibration_and_heat_map() {
    labelled_snapshot("agreement_view", "7 ] 3 ] 5 ] 6 ] 8 ] 2 A");
}
