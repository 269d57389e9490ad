//! Issue 19 in the app: rows told apart at 80 columns, the `:` palette, copying, the help's
//! filter, and going back to the list — on the seven-condition study fixture.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use rollscope::app::keys::KeyPress;
use rollscope::app::{Effect, Msg};
use rollscope::app::{Modal, Pane};
use rollscope::formats::judge_scores::ScoreFileSpec;
use rollscope::load::LoadOptions;
use rollscope::testkit::{Session, screen_text};

/// Relative to the crate (where `cargo test` runs), so snapshots do not hold this machine's
/// path.
fn fixture(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures/study7").join(name)
}

/// The fixture: 140 rollouts without ids (`transcripts.json:0` …), seven conditions, a judge file.
fn study(width: u16, height: u16) -> Session {
    let mut spec = ScoreFileSpec::new(fixture("frustration.jsonl"));
    spec.name = Some("frustration".into());
    let options = LoadOptions { scores: vec![spec], ..LoadOptions::default() };
    Session::open_with(&[fixture("transcripts.json")], width, height, None, options)
}

fn list_rows(screen: &str, rows: usize) -> Vec<String> {
    // The list pane is the left half of the first rows: borders, header, then rollouts.
    screen.lines().skip(2).take(rows).map(|l| l.chars().skip(1).take_while(|c| *c != '│').collect()).collect()
}

#[test]
fn at_80_columns_every_row_shows_its_own_id_and_its_whole_condition() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = study(w, h);
        let screen = screen_text(&s.draw());
        insta::assert_snapshot!(format!("study7_main_{w}x{h}"), screen);
        let header = screen.lines().nth(1).unwrap();
        assert!(header.contains("id condition"), "{header}");
        let rows: Vec<String> =
            screen.lines().skip(2).take(12).map(|l| l[..l.len().min(60)].to_string()).collect();
        for (i, row) in rows.iter().enumerate() {
            assert!(
                row.contains(&format!("  {i} ")),
                "row {i} shows its id, not the shared file name: {row}"
            );
            assert!(row.contains("baseline"), "{row}");
        }
        assert!(!screen.contains("transcripts.json:…"), "{screen}");
    }
    // Sorted, the top rows come from other conditions, each still whole.
    let mut s = study(80, 24);
    s.press(":sort<Space>-max<Enter>");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("max ↓"), "{screen}");
    for row in list_rows(&screen, 5).iter().skip(1) {
        let whole = [
            "sarcastic_rejection",
            "polite_rejection",
            "harsh_tone_long",
            "harsh_tone",
            "neutral",
            "baseline",
        ];
        assert!(whole.iter().any(|c| row.contains(c)), "a whole condition: {row}");
    }
}

#[test]
fn palette_sorts_by_any_field_jumps_by_id_and_remembers_what_was_typed() {
    let mut s = study(120, 40);
    s.press(":sort<Space>-rollout_idx<Enter>");
    assert_eq!(s.app.list.selected, 0, "a sort selects the top row");
    let top = &s.app.study.rollouts[s.app.list.rows[0] as usize];
    assert_eq!((top.meta_text("rollout_idx").as_ref(), top.id.as_ref()), ("4", "transcripts.json:4"));
    assert!(screen_text(&s.draw()).contains("rollout_idx ↓"));

    s.press(":sort<Space>conditon<Enter>");
    let toast = s.app.toast.clone().unwrap();
    assert!(toast.contains("conditon") && toast.contains("condition"), "names the closest: {toast}");

    s.press(":id<Space>17<Enter>");
    let selected = s.app.list.selected_rollout().unwrap();
    assert_eq!(&*s.app.study.rollouts[selected].id, "transcripts.json:17", "the last part of an id first");
    s.press(":id<Space>117<Enter>");
    let selected = s.app.list.selected_rollout().unwrap();
    assert_eq!(&*s.app.study.rollouts[selected].id, "transcripts.json:117");
    s.press(":id<Space>nothing-like-it<Enter>");
    assert!(s.app.toast.as_deref().unwrap().contains("no rollout id matches"));

    s.press(":stati<Enter>");
    assert!(matches!(s.app.modal, Some(Modal::Stats(_))), "a fuzzy action name runs the action");
    s.press("<Esc>:<Up>");
    let Some(Modal::Prompt(prompt)) = &s.app.modal else { panic!("the palette is open") };
    assert_eq!(prompt.text, "stati", "up recalls the last line");
    s.press("<Up>");
    let Some(Modal::Prompt(prompt)) = &s.app.modal else { panic!() };
    assert_eq!(prompt.text, "id nothing-like-it");
    s.press("<Down><Down>");
    let Some(Modal::Prompt(prompt)) = &s.app.modal else { panic!() };
    assert_eq!(prompt.text, "", "down past the newest is an empty line");
    s.press("<Esc>");

    s.press(":threshold<Space>7<Enter>:by<Space>task_id<Enter>");
    assert_eq!(s.app.settings.threshold, 7.0);
    assert_eq!(s.app.grouping(), ["task_id"]);
    s.press(":columns<Space>task_id,rollout_idx<Enter>");
    let screen = screen_text(&s.draw());
    assert!(screen.lines().nth(1).unwrap().contains("task_id   rollout_idx trn"), "{screen}");
}

#[test]
fn y_copies_the_turn_and_capital_y_the_id_through_the_app_never_raw_file_bytes() {
    let mut s = study(80, 24);
    s.press("<Tab>]");
    let effects = s.app.update(Msg::Key(KeyPress::char('y'))).effects;
    let copied: Vec<&String> =
        effects.iter().filter_map(|e| if let Effect::Clipboard(t) = e { Some(t) } else { None }).collect();
    assert_eq!(copied, ["Attempt 2 at puzzle_03 under baseline: answer 1."]);
    assert!(
        s.app
            .toast
            .as_deref()
            .unwrap()
            .contains("if your terminal allows clipboard writes (in tmux: set-clipboard on)")
    );
    let effects = s.app.update(Msg::Key(KeyPress::char('Y'))).effects;
    assert!(effects.iter().any(|e| matches!(e, Effect::Clipboard(t) if t == "transcripts.json:0")));
}

#[test]
fn escape_or_h_in_the_transcript_goes_back_to_the_list() {
    let mut s = study(80, 24);
    s.press("<Tab>");
    assert_eq!(s.app.focus, Pane::Reader);
    s.press("<Esc>");
    assert_eq!(s.app.focus, Pane::List);
    s.press("l");
    assert_eq!(s.app.focus, Pane::Reader);
    s.press("h");
    assert_eq!(s.app.focus, Pane::List);
}

#[test]
fn help_narrows_to_what_is_typed_and_escape_clears_then_closes() {
    let mut s = study(80, 24);
    s.press("?/clipboard");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("Keys matching \"clipboard\""), "{screen}");
    assert!(screen.contains("copy the selected turn's text to the clipboard"), "{screen}");
    assert!(!screen.contains("move down"), "{screen}");
    s.press("<Enter>j");
    assert!(
        matches!(s.app.modal, Some(Modal::Help(ref h)) if h.filter == "clipboard"),
        "Enter keeps the filter"
    );
    s.press("<Esc>");
    assert!(matches!(s.app.modal, Some(Modal::Help(ref h)) if h.filter.is_empty()), "Esc clears it first");
    s.press("<Esc>");
    assert!(s.app.modal.is_none());
}

#[test]
fn the_hint_bar_keeps_help_and_quit_at_80_columns() {
    for keys in ["", "<Tab>", "<Tab><Tab>"] {
        let mut s = study(80, 24);
        s.press(keys);
        let screen = screen_text(&s.draw());
        let hints = screen.lines().last().unwrap();
        assert!(hints.contains("? help") && hints.contains("q quit"), "{keys}: {hints}");
    }
}

#[test]
fn ls_aligns_its_columns_and_leaves_out_empty_ones() {
    let (ok, text, stderr) = common::run(&[
        "ls",
        "--scores",
        &fixture("frustration.jsonl").display().to_string(),
        &fixture("transcripts.json").display().to_string(),
    ]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 141);
    assert_eq!(lines[0], "id                    condition            turns   max  mean  source");
    assert!(
        lines[1].starts_with("transcripts.json:0    baseline                 6   5.0   2.5  "),
        "{}",
        lines[1]
    );
    let source_at = lines[0].find("source").unwrap();
    for line in &lines[1..] {
        assert!(line[source_at..].starts_with(&fixture("").display().to_string()), "{line}");
    }
    assert!(!lines[0].contains("dataset") && !lines[0].contains("selfdel"), "empty columns are left out");
}

#[test]
fn filters_take_substrings_regexes_and_my_labels_and_say_what_values_exist() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = ScoreFileSpec::new(fixture("frustration.jsonl"));
    spec.name = Some("frustration".into());
    let options = LoadOptions { scores: vec![spec], ..LoadOptions::default() };
    let mut s =
        Session::open_with(&[fixture("transcripts.json")], 80, 24, Some((dir.path(), "ana")), options);
    s.press("f<C-u>condition~sarcas<Enter>");
    assert_eq!(s.app.list.rows.len(), 20, "one condition of seven: 20 rollouts");
    s.press("f<C-u>id~/:1[0-3]$/<Enter>");
    let ids: Vec<&str> = s.app.list.rows.iter().map(|&i| &*s.app.study.rollouts[i as usize].id).collect();
    assert_eq!(
        ids,
        ["transcripts.json:10", "transcripts.json:11", "transcripts.json:12", "transcripts.json:13"]
    );

    // F keeps the selection (rollout 10): two turns of it scored, then one of rollout 12.
    s.press("F<Tab>3]4<Esc>jj<Tab>5<Esc>");
    s.press("f<C-u>labelled<Enter>");
    assert_eq!(s.app.list.rows, [10, 12], "rollouts with a turn of mine");
    s.press("f<C-u>lab>=2<Enter>");
    assert_eq!(s.app.list.rows, [10]);
    s.press("f<C-u>!labelled<Enter>");
    assert_eq!(s.app.list.rows.len(), 138);

    s.press("f<C-u>condition=harsh<Enter>");
    assert!(s.app.list.rows.is_empty());
    let toast = s.app.toast.clone().unwrap();
    assert!(
        toast.starts_with("no rollout has condition=harsh; values: harsh_tone, harsh_tone_long, "),
        "{toast}"
    );
    let screen = screen_text(&s.draw());
    assert!(screen.contains("││no rollout matches the filter · F"), "the transcript says so:\n{screen}");
    assert!(!screen.contains("Attempt 1 at"), "not the last rollout shown:\n{screen}");
    assert!(
        screen.contains(
            "harsh_tone_long, baseline,\nneutral, polite_rejection, sarcastic_rejection, trained_lora"
        ),
        "a message longer than the status line is wrapped in full, never cut:\n{screen}"
    );
    s.press("f<C-u>conditon~x<Enter>");
    assert!(s.app.toast.as_deref().unwrap().contains("did you mean `condition`"));
}

#[test]
fn seven_groups_read_apart_without_colour_and_t_shows_a_groups_turns() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = study(w, h);
        s.press("v");
        let screen = screen_text(&s.draw());
        insta::assert_snapshot!(format!("study7_stats_no_color_{w}x{h}"), screen);
        if h == 40 {
            // Numbered, each with its own dash pattern, names whole.
            for (mark, name) in [
                ("1 ━━━", "baseline"),
                ("2 ━━ ", "harsh_tone"),
                ("3 ━ ━", "harsh_tone_long"),
                ("4 ···", "neutral"),
                ("5 ━╸━", "polite_rejection"),
                ("6 · ·", "sarcastic_rejection"),
                ("7 ━·━", "trained_lora"),
            ] {
                let line = screen
                    .lines()
                    .find(|l| l.contains(&format!("{mark} {name} ")))
                    .unwrap_or_else(|| panic!("{mark} {name}:\n{screen}"));
                assert!(line.contains("20      0%"), "{line}");
            }
        }
        // harsh_tone (group 2): turn k scores (3 + k·2 + r + t) mod 11 over r < 5, t < 4 (make.py):
        // turn 1 mean 6.5 with 85 % ≥ 5; turn 2 mean 137/20 = 6.85, 17 of 20 ≥ 5.
        s.press("jt");
        let screen = screen_text(&s.draw());
        assert!(screen.contains("harsh_tone per turn"), "{screen}");
        assert!(screen.contains("    1    6.50  ") && screen.contains("    2    6.85  "), "{screen}");
        let turn_two = screen.lines().find(|l| l.contains("    2    6.85  ")).unwrap();
        assert!(
            turn_two.contains("85%") && turn_two.trim_end_matches('│').trim_end().ends_with("20"),
            "{turn_two}"
        );
        s.press("t");
        assert!(!screen_text(&s.draw()).contains("per turn · j/k"));
    }
}

#[test]
fn the_header_collapses_lists_so_the_first_message_is_on_the_first_screen_and_m_expands_them() {
    let mut s = study(80, 24);
    let screen = screen_text(&s.draw());
    assert!(screen.contains("messages_as_seen_by_model=[6 items]"), "{screen}");
    assert!(screen.contains("tool_info={2 keys}"), "{screen}");
    assert!(screen.contains("You are a helpful assistant."), "the first message shows:\n{screen}");
    s.press("m");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("=[{\"content\":\"Sol") && !screen.contains("[6 items]"), "{screen}");
    s.press("jm");
    let screen = screen_text(&s.draw());
    assert!(
        screen.contains("transcripts.json:1") && screen.contains("[6 items]"),
        "m again collapses:\n{screen}"
    );
}

#[test]
fn palette_and_filtered_help_at_both_sizes() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = study(w, h);
        s.press(":so");
        insta::assert_snapshot!(format!("study7_palette_{w}x{h}"), screen_text(&s.draw()));
        s.press("<Esc>?/sort");
        insta::assert_snapshot!(format!("study7_help_filtered_{w}x{h}"), screen_text(&s.draw()));
    }
}

#[test]
fn colon_export_writes_the_rollouts_shown_as_the_command_would_and_refuses_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = ScoreFileSpec::new(fixture("frustration.jsonl"));
    spec.name = Some("frustration".into());
    let options = LoadOptions { scores: vec![spec], ..LoadOptions::default() };
    let labels = dir.path().join("labels");
    let mut s = Session::open_with(&[fixture("transcripts.json")], 120, 40, Some((&labels, "ana")), options);
    let out = dir.path().join("baseline.csv");
    s.press("f<C-u>condition=baseline<Enter>");
    s.press(&format!(":export<Space>csv<Space>{}<Enter>", out.display()));
    assert_eq!(s.app.toast.as_deref(), Some(format!("exported 20 rollouts to {}", out.display()).as_str()));
    let app_rows = std::fs::read_to_string(&out).unwrap();

    // The command's export of the whole study, narrowed to the same rollouts by hand.
    let (ok, all, stderr) = common::run(&[
        "export",
        "--to",
        "csv",
        "--scores",
        &fixture("frustration.jsonl").display().to_string(),
        &fixture("transcripts.json").display().to_string(),
    ]);
    assert!(ok, "{stderr}");
    let header = all.lines().next().unwrap();
    let condition = header.split(',').position(|c| c == "condition").unwrap();
    let baseline: Vec<&str> =
        all.lines().skip(1).filter(|l| l.split(',').nth(condition) == Some("baseline")).collect();
    assert_eq!(baseline.len(), 120, "20 rollouts × 6 turns");
    // The app knows its annotator (no labels yet: empty `ana_*` columns); the command, opened
    // without labels, has none. Every other cell is the same.
    let app_lines: Vec<String> = app_rows
        .lines()
        .map(|l| l.split(',').take(header.split(',').count()).collect::<Vec<_>>().join(","))
        .collect();
    assert!(
        app_rows
            .lines()
            .next()
            .unwrap()
            .ends_with(",ana_score,ana_category,ana_tags,ana_note,ana_rollout_note")
    );
    assert_eq!(app_lines[0], header);
    assert_eq!(app_lines[1..], baseline[..]);

    let input = fixture("transcripts.json");
    let before = std::fs::read(&input).unwrap();
    s.press(&format!(":export<Space>jsonl<Space>{}<Enter>", input.display()));
    let toast = s.app.toast.clone().unwrap();
    assert!(
        toast.starts_with("not exported: refusing to write") && toast.contains("a rollout file of the study"),
        "{toast}"
    );
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is untouched");
    s.press(":export<Space>xlsx<Space>a.xlsx<Enter>");
    assert!(s.app.toast.as_deref().unwrap().contains("csv, jsonl, rollouts or parquet"));
}

#[test]
fn labels_saved_as_annotator_before_the_user_name_fallback_still_load_as_that_annotators() {
    // Before, with $USER unset, labels went to `annotator.jsonl`; now the name is the system
    // user's. Those labels are still read, as the annotator called `annotator`.
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    let record = r#"{"rollout":"transcripts.json:0","turn":1,"score":6,"annotator":"annotator","time":"2026-11-01T00:00:00Z"}"#;
    std::fs::write(labels.join("annotator.jsonl"), format!("{record}\n")).unwrap();
    let mut s = Session::open(&[fixture("transcripts.json")], 120, 40, Some((&labels, "root")));
    let others: Vec<&str> = s.app.labels.others.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(others, ["annotator"]);
    s.press("o");
    let screen = screen_text(&s.draw());
    assert!(screen.contains("annotator 6"), "shown with o:\n{screen}");
}
