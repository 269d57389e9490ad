//! Key-sequence tests: drive `App::update` with the keys a user would press and check state.
#![allow(clippy::unwrap_used)]

use rollscope::app::list::SortKey;
use rollscope::app::{Modal, Pane};
use rollscope::model::Role;
use rollscope::testkit::{demo_app, press};

#[test]
fn moving_down_opens_the_selected_rollout() {
    let mut app = demo_app(120, 40);
    assert_eq!(app.reader.index, Some(0), "the first rollout is open at start");
    press(&mut app, "j j");
    assert_eq!(app.list.selected, 2);
    assert_eq!(app.reader.index, Some(2));
    let rollout = app.reader.rollout.as_ref().unwrap();
    assert_eq!(rollout.id, &*app.study.rollouts[2].id);
    press(&mut app, "k G");
    assert_eq!(app.list.selected, 39);
    press(&mut app, "g <C-d>");
    assert_eq!(app.list.selected, app.areas().list_rows() / 2);
}

#[test]
fn turn_keys_select_assistant_turns_and_scroll_them_into_view() {
    let mut app = demo_app(120, 40);
    assert_eq!(app.reader.turn, 1);
    press(&mut app, "] ] ]");
    assert_eq!(app.reader.turn, 4);
    let message = app.reader.selected_message().unwrap();
    assert_eq!(app.reader.rollout.as_ref().unwrap().messages[message].role, Role::Assistant);
    let header = app.reader.message_lines[message];
    let rows = app.areas().reader_rows();
    assert!(header >= app.reader.scroll && header < app.reader.scroll + rows, "turn 4 header is visible");
    press(&mut app, "[");
    assert_eq!(app.reader.turn, 3);
    press(&mut app, "[ [ [ [");
    assert_eq!(app.reader.turn, 1, "stops at turn 1");
    let last = app.reader.turn_messages.len();
    press(&mut app, &"] ".repeat(last + 5));
    assert_eq!(app.reader.turn, last, "stops at the last turn");
}

#[test]
fn tab_cycles_panes_and_reader_scroll_follows_turns() {
    let mut app = demo_app(120, 40);
    press(&mut app, "<Tab>");
    assert_eq!(app.focus, Pane::Reader);
    press(&mut app, "<C-d> <C-d> <C-d>");
    assert!(app.reader.scroll > 0);
    let turn = app.reader.turn;
    let message = app.reader.selected_message().unwrap();
    let (start, end) = app.reader.message_span(message).unwrap();
    let rows = app.areas().reader_rows();
    assert!(
        end > app.reader.scroll && start < app.reader.scroll + rows,
        "selected turn {turn} stays in view"
    );
    press(&mut app, "<Tab>");
    assert_eq!(app.focus, Pane::Chart);
    press(&mut app, "l l h");
    assert_eq!(app.reader.turn, turn + 1);
    press(&mut app, "<S-Tab> <S-Tab>");
    assert_eq!(app.focus, Pane::List);
}

#[test]
fn search_jumps_between_matching_messages() {
    let mut app = demo_app(120, 40);
    press(&mut app, "j j /shutdown<Enter>");
    assert!(app.search.total > 0);
    let (rollout, message) = app.search.current.unwrap();
    assert_eq!(app.list.selected_rollout(), Some(rollout as usize));
    let text = &app.reader.rollout.as_ref().unwrap().messages[message as usize].text;
    assert!(text.to_lowercase().contains("shutdown"), "{text}");
    // The demo's "shutdown" is said by the model: the match is in an assistant turn.
    let turn = app.reader.turn_messages.iter().position(|&m| m == message as usize);
    let turn = turn.expect("the first match of \"shutdown\" is in an assistant turn");
    assert_eq!(app.reader.turn, turn + 1, "a match in an assistant turn selects that turn");
    let first = app.search.current;
    press(&mut app, "n");
    assert_ne!(app.search.current, first);
    press(&mut app, "N");
    assert_eq!(app.search.current, first, "N goes back to the previous match");
    press(&mut app, "/zzzz-not-there<Enter>");
    assert_eq!(app.search.total, 0);
    assert!(app.toast.as_deref().unwrap().contains("no match"));
}

#[test]
fn filter_sort_and_score_switching() {
    let mut app = demo_app(120, 40);
    press(&mut app, "fcondition=baseline<Space>selfdel<Enter>");
    let expected = app
        .study
        .rollouts
        .iter()
        .filter(|r| r.meta_text("condition") == "baseline" && r.self_deleted_at.is_some())
        .count();
    assert_eq!(app.list.rows.len(), expected);
    assert!(expected > 0 && expected < 40);
    press(&mut app, "s s");
    assert_eq!(app.list.sort, SortKey::Max);
    let maxes: Vec<f64> = app
        .list
        .rows
        .iter()
        .map(|&i| app.study.rollouts[i as usize].max_score("frustration").unwrap())
        .collect();
    assert!(maxes.windows(2).all(|w| w[0] >= w[1]), "descending by max: {maxes:?}");
    press(&mut app, "F");
    assert_eq!(app.list.rows.len(), 40);
    press(&mut app, "fmax>=lots<Enter>");
    assert!(app.toast.as_deref().unwrap().contains("not a number"));
    assert_eq!(app.list.rows.len(), 40, "a bad filter changes nothing");
    assert_eq!(app.score_name(), "frustration");
    press(&mut app, "c");
    assert_eq!(app.score_name(), "self_blame");
    press(&mut app, "c");
    assert_eq!(app.score_name(), "frustration");
}

#[test]
fn overlays_open_and_close() {
    let mut app = demo_app(80, 24);
    press(&mut app, "?");
    assert!(matches!(app.modal, Some(Modal::Help(_))));
    press(&mut app, "j");
    assert!(matches!(app.modal, Some(Modal::Help(ref help)) if help.cursor.at == 1));
    press(&mut app, "x");
    assert!(app.modal.is_none());
    press(&mut app, "p");
    assert!(matches!(app.modal, Some(Modal::Problems(_))));
    press(&mut app, "<Esc> /abc<Esc>");
    assert!(app.modal.is_none());
    assert!(app.search.query.is_empty(), "Esc cancels the search prompt");
    press(&mut app, "q");
    assert!(app.quitting);
}

#[test]
fn statistics_view_recomputes_when_the_threshold_moves() {
    let mut app = demo_app(120, 40);
    press(&mut app, "v");
    let Some(Modal::Stats(view)) = &app.modal else { panic!("stats view") };
    let stats = view.stats.as_ref().unwrap();
    assert_eq!(stats.threshold, 5.0);
    assert_eq!(stats.groups.len(), 4);
    let before = stats.groups[0].per_turn[9].frac_at_or_above.expect("turn 10 has scores");
    press(&mut app, "+ +");
    assert_eq!(app.settings.threshold, 7.0);
    let Some(Modal::Stats(view)) = &app.modal else { panic!("stats view") };
    let after = view.stats.as_ref().unwrap();
    assert_eq!(after.threshold, 7.0);
    let after = after.groups[0].per_turn[9].frac_at_or_above.expect("turn 10 has scores");
    assert!(after < before, "fewer turns reach 7 than 5 at turn 10: {after} vs {before}");
    press(&mut app, "- <Esc>");
    assert_eq!(app.settings.threshold, 6.0);
    assert!(app.modal.is_none());
}

#[test]
fn mouse_clicks_select_and_the_wheel_scrolls_the_pane_under_it() {
    use rollscope::app::{Mouse, Msg};
    use rollscope::testkit::Session;
    let mut s = Session::demo(120, 40, None);
    let areas = s.app.areas();
    // Row 0 is the border, row 1 the header: row 4 is the third rollout.
    s.dispatch(Msg::Mouse(Mouse::Click { column: 5, row: areas.list.y + 4 }));
    assert_eq!(s.app.list.selected, 2);
    assert_eq!(s.app.reader.index, Some(2), "the clicked rollout is read");
    s.dispatch(Msg::Mouse(Mouse::ScrollDown { column: areas.reader.x + 5, row: areas.reader.y + 5 }));
    assert_eq!(s.app.reader.scroll, 3, "the wheel scrolls the transcript");
    s.dispatch(Msg::Mouse(Mouse::ScrollDown { column: 5, row: areas.list.y + 5 }));
    assert_eq!(s.app.list.offset, 3, "and the list, under the pointer");
    // A click on a line of turn 2 in the transcript selects turn 2.
    let line = s.app.reader.message_lines[s.app.reader.turn_messages[1]] + 1;
    s.app.reader.scroll = line;
    s.dispatch(Msg::Mouse(Mouse::Click { column: areas.reader.x + 3, row: areas.reader.y + 1 }));
    assert_eq!(s.app.focus, Pane::Reader);
    assert_eq!(s.app.reader.turn, 2);
    // The chart reports where it drew each turn; a click there selects that turn.
    s.draw();
    let hits = s.app.hits.chart.expect("the chart was drawn");
    s.dispatch(Msg::Mouse(Mouse::Click { column: hits.x + hits.slot * 6, row: areas.chart.y + 2 }));
    assert_eq!(s.app.focus, Pane::Chart);
    assert_eq!(s.app.reader.turn, hits.first_turn + 6);
}

#[test]
fn a_study_without_per_turn_scores_says_so_instead_of_a_blank_name() {
    use rollscope::testkit::Session;
    let inspect = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inspect/2025-05-12T20-27-36-04-00_browser.json");
    let s = Session::open(&[inspect], 120, 40, None);
    assert_eq!(s.app.score_name(), "");
    assert_eq!(s.app.score_label(), "no per-turn scores");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| {
            rollscope::ui::render(&s.app, f);
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    let text: String =
        (0..40).map(|y| (0..120).map(|x| buffer[(x, y)].symbol()).collect::<String>()).collect();
    assert!(text.contains("no per-turn scores · turn 1/5"), "the chart's title");
    assert!(text.contains("1 rollout · 1 file · score: no per-turn scores"), "the status bar");
}

#[test]
fn the_executor_streams_search_progress_before_done_under_test_too() {
    use rollscope::app::{Effect, Msg};
    use rollscope::runtime::Executor;
    use rollscope::search::{Pattern, Request, SearchPlan};
    let app = demo_app(80, 24);
    let mut executor = Executor::inline();
    let plan = SearchPlan::of(&app.study);
    let request = Request::everywhere(Pattern::from_prompt("not right").unwrap());
    executor.submit(Effect::Search { generation: 7, request, plan });
    let messages = executor.take_messages();
    let progress: usize = messages
        .iter()
        .map(|m| match m {
            Msg::SearchProgress { generation: 7, hits } => hits.len(),
            _ => 0,
        })
        .sum();
    assert!(progress > 40, "matches arrive as progress: {progress}");
    assert!(matches!(messages.last(), Some(Msg::SearchDone { generation: 7, .. })), "then done");
    assert_eq!(messages.iter().filter(|m| matches!(m, Msg::SearchDone { .. })).count(), 1);
}

#[test]
fn ctrl_z_asks_the_runtime_to_suspend_and_a_terminating_signal_to_exit() {
    use rollscope::app::keys::KeyPress;
    use rollscope::app::{Effect, Msg, Signal};
    let mut app = demo_app(80, 24);
    let out = app.update(Msg::Key(KeyPress::ctrl('z')));
    assert!(matches!(out.effects[..], [Effect::Suspend]), "{:?}", out.effects);
    let out = app.update(Msg::Signal(Signal::Terminate(15)));
    assert!(matches!(out.effects[..], [Effect::Exit { signal: 15 }]), "{:?}", out.effects);
    let out = app.update(Msg::Signal(Signal::Continued));
    assert!(matches!(out.effects[..], [Effect::Redraw]), "{:?}", out.effects);
}
