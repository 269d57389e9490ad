//! `--follow`: a JSONL file that grows, a torn last line, a file truncated or replaced, and a
//! new file in a followed folder — through the follower the app's follow thread polls, into a
//! study, read back as the app reads it.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rollscope::load::follow::{Follower, Known};
use rollscope::load::{LoadEvent, LoadOptions, Origin};
use rollscope::study::Study;

const DEMO: &str = include_str!("../assets/demo.jsonl");

fn lines(from: usize, to: usize) -> String {
    DEMO.lines().skip(from).take(to - from).map(|l| format!("{l}\n")).collect()
}

fn append(path: &Path, text: &str) {
    std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(text.as_bytes()).unwrap();
}

fn options() -> LoadOptions {
    LoadOptions { follow: true, ..LoadOptions::default() }
}

/// The study of `root` and a follower going on from it.
fn open(root: &Path) -> (Study, Follower) {
    let study = Study::load(&[root.to_path_buf()], &options());
    let known: Vec<Known> = study
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| Known {
            index: i as u32,
            path: match &s.origin {
                Origin::File(p) => p.clone(),
                Origin::Embedded(_) | Origin::Memory(_) => PathBuf::new(),
            },
            display: s.display.clone(),
            format: s.format,
            size: s.size,
        })
        .collect();
    let follower = Follower::new(&[root.to_path_buf()], &known, &options());
    (study, follower)
}

/// Polls once and applies what came to the study; the problems' messages.
fn poll(study: &mut Study, follower: &mut Follower, walk: bool) -> Vec<String> {
    let events = Mutex::new(Vec::new());
    follower.poll(walk, &|e| events.lock().unwrap().push(e));
    let mut problems = Vec::new();
    for event in events.into_inner().unwrap() {
        if let LoadEvent::Problem(p) = &event {
            problems.push(p.to_string());
        }
        study.apply(event);
    }
    problems
}

fn ids(study: &Study) -> Vec<String> {
    study.rollouts.iter().map(|r| r.id.to_string()).collect()
}

#[test]
fn appended_lines_join_and_a_torn_line_waits_for_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    let third = lines(2, 3);
    std::fs::write(&path, lines(0, 2) + &third[..200]).unwrap();
    let (mut study, mut follower) = open(&path);
    assert_eq!(study.rollouts.len(), 2);
    assert!(
        study.problems.is_empty(),
        "a torn last line is the follower's, not a problem: {:?}",
        study.problems
    );
    // Nothing new, nothing happens.
    assert!(poll(&mut study, &mut follower, false).is_empty());
    assert_eq!(study.rollouts.len(), 2);
    // The writer finishes the line and adds two more.
    append(&path, &(third[200..].to_string() + &lines(3, 5)));
    assert!(poll(&mut study, &mut follower, false).is_empty());
    let want: Vec<String> = (0..5)
        .map(|i| {
            serde_json::from_str::<serde_json::Value>(DEMO.lines().nth(i).unwrap()).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids(&study), want);
    // Each new row reads back from its place in the file.
    for (i, id) in want.iter().enumerate() {
        assert_eq!(&study.read_rollout(i).unwrap().id, id);
    }
    // A line torn again: what quitting now would say; then, past the wait, reported once.
    append(&path, &lines(5, 6)[..100]);
    poll(&mut study, &mut follower, false);
    let at_quit: Vec<String> = follower.torn().iter().map(ToString::to_string).collect();
    assert_eq!(at_quit.len(), 1);
    assert!(
        at_quit[0].ends_with(
            ":6:1: warning: line 6 is incomplete: the writer had not finished it when rollscope quit"
        ),
        "{at_quit:?}"
    );
    follower.torn_after = Duration::ZERO;
    let problems = poll(&mut study, &mut follower, false);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].ends_with(":6:1: warning: line 6 is incomplete: the file has not grown for 0 s (the writer may have stopped mid-line)"), "{problems:?}");
    assert!(poll(&mut study, &mut follower, false).is_empty(), "once");
    assert!(follower.torn().is_empty(), "told already: not again at quit");
    // It is finished after all: read.
    append(&path, &lines(5, 6)[100..]);
    poll(&mut study, &mut follower, false);
    assert_eq!(study.rollouts.len(), 6);
}

#[test]
fn without_follow_a_torn_last_line_is_a_problem_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    std::fs::write(&path, lines(0, 2) + &lines(2, 3)[..200]).unwrap();
    let study = Study::load(&[path], &LoadOptions::default());
    assert_eq!(study.rollouts.len(), 2);
    assert_eq!(study.problems.len(), 1);
    assert_eq!(study.problems[0].line, Some(3));
}

#[test]
fn a_truncated_replaced_or_rewritten_file_starts_the_study_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    std::fs::write(&path, lines(0, 3)).unwrap();
    let (mut study, mut follower) = open(&path);
    std::fs::write(&path, lines(0, 1)).unwrap();
    assert!(poll(&mut study, &mut follower, false).is_empty());
    let why = follower.restart().unwrap();
    assert!(why.ends_with("run.jsonl was truncated"), "{why}");
    assert_eq!(follower.restart(), None, "told once");

    let path = dir.path().join("other.jsonl");
    std::fs::write(&path, lines(0, 2)).unwrap();
    let (mut study, mut follower) = open(&path);
    let swap = dir.path().join("swap.jsonl");
    std::fs::write(&swap, lines(0, 5)).unwrap();
    std::fs::rename(&swap, &path).unwrap();
    poll(&mut study, &mut follower, false);
    assert!(follower.restart().unwrap().ends_with("other.jsonl was replaced by another file"));
    assert_eq!(study.rollouts.len(), 2, "the rows stay until the study is read again");

    // A file read whole (an Inspect log) rewritten by a running eval: once it holds still.
    let log = dir.path().join("log.json");
    let inspect =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect/log_read_sample.json");
    std::fs::copy(&inspect, &log).unwrap();
    let (mut study, mut follower) = open(&log);
    assert_eq!(study.rollouts.len(), 1);
    assert!(poll(&mut study, &mut follower, false).is_empty());
    assert_eq!(follower.restart(), None, "unchanged");
    append(&log, "\n");
    poll(&mut study, &mut follower, false);
    assert_eq!(follower.restart(), None, "still being written");
    poll(&mut study, &mut follower, false);
    assert!(follower.restart().unwrap().ends_with("log.json was rewritten"));
}

#[test]
fn a_score_file_rewritten_starts_the_study_over() {
    use rollscope::formats::judge_scores::ScoreFileSpec;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    std::fs::write(&path, lines(0, 2)).unwrap();
    let scores = dir.path().join("judge.jsonl");
    std::fs::write(&scores, "").unwrap();
    let spec = ScoreFileSpec { path: scores.clone(), ..ScoreFileSpec::default() };
    let options = LoadOptions { scores: vec![spec], ..options() };
    let follower_known = vec![Known {
        index: 0,
        path: path.clone(),
        display: "run.jsonl".into(),
        format: rollscope::formats::Format::Jsonl,
        size: std::fs::metadata(&path).unwrap().len(),
    }];
    let mut follower = Follower::new(std::slice::from_ref(&path), &follower_known, &options);
    let mut study = Study::default();
    poll(&mut study, &mut follower, false);
    assert_eq!(follower.restart(), None);
    std::fs::write(&scores, "{\"id\": \"x\", \"turn\": 0, \"score\": 3}\n").unwrap();
    poll(&mut study, &mut follower, false);
    poll(&mut study, &mut follower, false);
    assert!(follower.restart().unwrap().ends_with("judge.jsonl was rewritten"));
}

#[test]
fn a_new_file_in_a_followed_folder_is_the_next_source_and_is_followed_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), lines(0, 2)).unwrap();
    let (mut study, mut follower) = open(dir.path());
    assert_eq!(study.sources.len(), 1);
    let new = dir.path().join("b.jsonl");
    std::fs::write(&new, lines(2, 4)).unwrap();
    // Not looked for until a walk (an event said files came).
    poll(&mut study, &mut follower, false);
    assert_eq!(study.sources.len(), 1);
    assert!(poll(&mut study, &mut follower, true).is_empty());
    assert_eq!(study.sources.len(), 2);
    assert_eq!(study.rollouts.len(), 4);
    assert!(study.rollouts[2..].iter().all(|r| r.source == 1));
    assert_eq!(study.read_rollout(3).unwrap().id, ids(&study)[3]);
    append(&new, &lines(4, 5));
    poll(&mut study, &mut follower, true);
    assert_eq!(study.rollouts.len(), 5);
    // A labels folder or a hidden one is never read.
    std::fs::create_dir(dir.path().join("rollscope-labels")).unwrap();
    std::fs::write(dir.path().join("rollscope-labels/ana.jsonl"), lines(0, 1)).unwrap();
    poll(&mut study, &mut follower, true);
    assert_eq!(study.rollouts.len(), 5);
}

#[test]
fn a_study_that_starts_over_selects_the_same_rollout_again_and_keeps_its_count() {
    use rollscope::app::Msg;
    use rollscope::testkit::{demo_app, draw, press, screen_text};
    let mut app = demo_app(120, 40);
    app.settings.follow = true;
    press(&mut app, "jjj");
    let id = app.study.rollouts[app.list.selected_rollout().unwrap()].id.clone();
    let rollouts = app.study.rollouts.clone();
    let sources: Vec<_> = app.study.sources.iter().map(|s| Box::new((**s).clone())).collect();
    app.update(Msg::Load(LoadEvent::Restart { why: "demo.jsonl was truncated".into() }));
    assert!(app.list.rows.is_empty() && app.study.rollouts.is_empty());
    assert!(screen_text(&draw(&mut app)).contains("demo.jsonl was truncated: reading the study again"));
    // Read again, in two batches: the selection comes back to the same rollout.
    for source in sources {
        app.update(Msg::Load(LoadEvent::Source(source)));
    }
    app.update(Msg::Load(LoadEvent::Rollouts(rollouts[..2].to_vec())));
    app.update(Msg::Load(LoadEvent::Rollouts(rollouts[2..].to_vec())));
    app.update(Msg::Load(LoadEvent::Finished));
    assert_eq!(app.study.rollouts[app.list.selected_rollout().unwrap()].id, id);
    assert_eq!(app.followed, 0);
    assert!(screen_text(&draw(&mut app)).contains("following · +0 since open"));
}

#[test]
fn the_app_counts_followed_rows_keeps_its_selection_and_recomputes_an_open_stats_view() {
    use rollscope::app::{Effect, Msg};
    use rollscope::testkit::{demo_app, draw, press, screen_text};
    let mut app = demo_app(120, 40);
    app.settings.follow = true;
    press(&mut app, "jj");
    let selected = app.list.selected_rollout();
    assert!(screen_text(&draw(&mut app)).contains("following · +0 since open"));
    press(&mut app, "v");
    // Two rows arrive from the follow thread (copies of the first two, under new ids).
    let mut batch: Vec<_> = app.study.rollouts[..2].to_vec();
    for (i, r) in batch.iter_mut().enumerate() {
        r.id = format!("followed-{i}").into();
    }
    let out = app.update(Msg::Load(LoadEvent::Rollouts(batch)));
    assert!(
        out.effects.iter().any(|e| matches!(e, Effect::ComputeStats { .. })),
        "the open statistics are recomputed"
    );
    assert_eq!(app.list.selected_rollout(), selected, "the selection stays");
    press(&mut app, "q");
    assert!(screen_text(&draw(&mut app)).contains("following · +2 since open"));
}

#[test]
fn rows_added_by_following_get_the_judge_strings_the_study_told_apart() {
    use rollscope::model::ScoreKind;
    let native = include_str!("fixtures/native_strings.jsonl");
    let all: Vec<&str> = native.lines().collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    std::fs::write(&path, native).unwrap();
    let (mut study, mut follower) = open(&path);
    assert_eq!(study.score_kind("tag"), Some(ScoreKind::Categorical));
    assert_eq!(study.score_kind("quote"), Some(ScoreKind::Text));
    append(&path, &format!("{}\n", all[0].replace("\"n-1\"", "\"n-4\"")));
    poll(&mut study, &mut follower, false);
    let added = &study.rollouts[3];
    assert_eq!(&*added.id, "n-4");
    assert!(added.unclassified.is_empty(), "told apart as the first rows were");
    assert_eq!(added.categories("tag"), study.rollouts[0].categories("tag"));
    assert_eq!(added.texts("quote").len(), 3);
    let quote = study.read_texts(3, &["quote"]).unwrap();
    assert_eq!(quote[0].1[0].as_deref(), Some("391."));
}
