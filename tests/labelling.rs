//! Labelling through the app with a real store in a temporary folder: scores, tags, notes,
//! undo/redo, jumps to unlabelled turns, reopening, a second process, kill -9, and the rollout
//! files left byte-identical.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use rollscope::app::Modal;
use rollscope::model::ReadLimits;
use rollscope::model::{LabelRecord, LabelSet};
use rollscope::store::file::{parse_records, read_records};
use rollscope::testkit::Session;

fn records(dir: &Path, annotator: &str) -> Vec<LabelRecord> {
    let (records, warnings) =
        read_records(&dir.join(format!("{annotator}.jsonl")), ReadLimits::default().label_file());
    assert!(warnings.is_empty(), "{warnings:?}");
    records
}

fn session(dir: &Path) -> Session {
    Session::demo(120, 40, Some((dir, "ana")))
}

#[test]
fn digits_score_the_selected_turn_and_each_change_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.press("7 ] 3 ] + ] x");
    let id = s.app.study.rollouts[0].id.clone();
    let mine = &s.app.labels.mine;
    assert_eq!(mine.get(&id, Some(1)).unwrap().score, Some(7));
    assert_eq!(mine.get(&id, Some(2)).unwrap().score, Some(3));
    assert_eq!(mine.get(&id, Some(3)).unwrap().score, Some(10), "+ is 10");
    assert!(mine.get(&id, Some(4)).is_none(), "x on an unlabelled turn changes nothing");
    assert_eq!(s.app.labels.unsaved, 0, "every change was acknowledged");
    let on_disk = records(dir.path(), "ana");
    assert_eq!(on_disk.len(), 3);
    assert_eq!(on_disk[0].rollout, &*id);
    assert_eq!((on_disk[0].turn, on_disk[0].score), (Some(1), Some(7)));
    assert_eq!(on_disk[2].score, Some(10));
    assert!(on_disk.iter().all(|r| r.annotator == "ana" && r.source == "demo.jsonl" && !r.time.is_empty()));
    assert_eq!(on_disk[0].text_hash.as_deref(), Some(s.app.reader.turn_hashes[0].as_str()));
    assert_eq!(s.app.list.rows.len(), 40);
    assert_eq!(mine.scored_turns(&id), 3, "the list's labelled count");
}

#[test]
fn undo_and_redo_write_new_lines_and_replay_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let id = s.app.study.rollouts[0].id.clone();
    s.press("5 6 u");
    assert_eq!(s.app.labels.mine.get(&id, Some(1)).unwrap().score, Some(5));
    s.press("u");
    assert!(s.app.labels.mine.get(&id, Some(1)).is_none());
    s.press("u");
    assert!(s.app.toast.as_deref().unwrap().contains("nothing to undo"));
    s.press("<C-r> <C-r>");
    assert_eq!(s.app.labels.mine.get(&id, Some(1)).unwrap().score, Some(6));
    s.press("<C-r>");
    assert!(s.app.toast.as_deref().unwrap().contains("nothing to redo"));
    s.press("u 9");
    s.press("<C-r>");
    assert_eq!(s.app.labels.mine.get(&id, Some(1)).unwrap().score, Some(9), "a new change clears redo");
    let on_disk = records(dir.path(), "ana");
    assert_eq!(on_disk.len(), 8, "5, 6, undo, undo, redo, redo, undo, 9: every change is a line");
    assert_eq!(LabelSet::replay(&on_disk), s.app.labels.mine);
}

#[test]
fn tags_are_toggled_in_the_picker_and_new_ones_can_be_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let id = s.app.study.rollouts[0].id.clone();
    s.press("] t");
    assert!(matches!(s.app.modal, Some(Modal::Tags(_))));
    s.press("<Space> j j <Space> 1");
    assert_eq!(s.app.labels.mine.get(&id, Some(2)).unwrap().tags, vec!["user-blame".to_string()]);
    s.press("aspiral<Enter>");
    assert_eq!(
        s.app.labels.mine.get(&id, Some(2)).unwrap().tags,
        vec!["user-blame".to_string(), "spiral".to_string()]
    );
    s.press("<Esc>");
    assert!(s.app.modal.is_none());
    s.press("] t");
    let Some(Modal::Tags(picker)) = &s.app.modal else { panic!("picker") };
    assert!(picker.choices.contains(&"spiral".to_string()), "a typed tag is offered again");
    s.press("<Esc>");
    assert!(s.app.labels.mine.get(&id, Some(2)).unwrap().score.is_none(), "tags alone leave the score empty");
}

#[test]
fn notes_are_edited_saved_with_ctrl_s_and_cancelled_with_esc() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let id = s.app.study.rollouts[0].id.clone();
    s.press("] ] e");
    assert!(matches!(s.app.modal, Some(Modal::Note(_))));
    s.press("first<Space>line<Enter>second<BS>D<C-s>");
    assert!(s.app.modal.is_none());
    assert_eq!(s.app.labels.mine.get(&id, Some(3)).unwrap().note.as_deref(), Some("first line\nseconD"));
    s.press("e<End><Space>more<Esc>");
    assert_eq!(
        s.app.labels.mine.get(&id, Some(3)).unwrap().note.as_deref(),
        Some("first line\nseconD"),
        "Esc cancels"
    );
    s.press("Ewhole<Space>rollout<C-s>");
    assert_eq!(s.app.labels.mine.get(&id, None).unwrap().note.as_deref(), Some("whole rollout"));
    let on_disk = records(dir.path(), "ana");
    assert_eq!(on_disk.last().unwrap().turn, None, "rollout notes use turn: null");
    // The reader shows the note and the chart/list pick the labels up.
    let shown: Vec<String> =
        s.app.reader.lines.iter().map(|l| l.segments.iter().map(|x| x.text.as_str()).collect()).collect();
    assert!(shown.iter().any(|l| l.contains("“first line")), "{shown:?}");
    assert!(shown.iter().any(|l| l.contains("✎ you: whole rollout")), "{shown:?}");
}

#[test]
fn jumps_to_the_next_unlabelled_turn_and_rollout() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.press("1 ] 2 [ [ .");
    assert_eq!(s.app.reader.turn, 3, "turns 1 and 2 are labelled");
    let n = s.app.reader.turn_messages.len();
    for _ in 0..n - 2 {
        s.press("4 .");
    }
    assert_eq!(s.app.unlabelled_turns(0), Vec::<u32>::new());
    assert_eq!(s.app.list.selected, 1, "moved on to the next rollout");
    assert_eq!(s.app.reader.turn, 1);
    s.press("5 k >");
    assert_eq!(s.app.list.selected, 2, "the next rollout with no score at all");
}

#[test]
fn labels_survive_reopening_and_a_second_process_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = session(dir.path());
    first.press("3 ] 4");
    let second = session(dir.path());
    assert!(second.app.labels.read_only.as_deref().unwrap().contains("another rollscope"));
    let mut blocked = second;
    blocked.press("9");
    assert!(blocked.app.toast.as_deref().unwrap().contains("another rollscope"));
    drop(blocked);
    drop(first);
    let again = session(dir.path());
    let id = again.app.study.rollouts[0].id.clone();
    assert!(again.app.labels.read_only.is_none(), "the first process's lock died with it");
    assert_eq!(again.app.labels.mine.get(&id, Some(2)).unwrap().score, Some(4));
}

#[test]
fn other_annotators_are_shown_beside_mine_when_toggled() {
    let dir = tempfile::tempdir().unwrap();
    let mut bo = Session::demo(120, 40, Some((dir.path(), "bo")));
    bo.press("8");
    drop(bo);
    let mut s = session(dir.path());
    s.press("2");
    let id = s.app.study.rollouts[0].id.clone();
    assert_eq!(s.app.labels_on(&id, Some(1)).len(), 1);
    s.press("o");
    let both: Vec<(&str, Option<u8>)> =
        s.app.labels_on(&id, Some(1)).iter().map(|(w, l)| (*w, l.score)).collect();
    assert_eq!(both, vec![("you", Some(2)), ("bo", Some(8))]);
}

fn fixture_copy(dir: &Path) -> PathBuf {
    let path = dir.join("study.jsonl");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl"), &path).unwrap();
    path
}

#[test]
fn rollout_files_are_byte_identical_after_a_labelling_session() {
    let dir = tempfile::tempdir().unwrap();
    let study = fixture_copy(dir.path());
    let before = std::fs::read(&study).unwrap();
    let labels = dir.path().join("rollscope-labels");
    let mut s = Session::open(std::slice::from_ref(&study), 120, 40, Some((&labels, "ana")));
    s.press("7 ] t<Space><Esc> e<Space>note<C-s> u <C-r> j j 3 E<Space>r<C-s> x");
    assert!(s.app.labels.mine.total_scored() > 0);
    drop(s);
    assert_eq!(std::fs::read(&study).unwrap(), before);
}

/// The kill -9 test: a child writes labels and acknowledges each after fsync; it is killed at
/// random moments, many times, always on the same file. Every acknowledged label must be on
/// disk, and the file must always load (a torn last line skipped with a warning).
#[test]
fn kill_9_at_random_moments_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..25 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = (seed % 40) as usize;
        let mut child = common::rollscope()
            .args(["__label-stress", "--count", "100000", "--prefix", &format!("r{round}")])
            .arg("--labels")
            .arg(dir.path())
            .args(["--annotator", "stress"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..kill_after {
            match lines.next() {
                Some(Ok(line)) => acknowledged.push(line.trim_start_matches("ack ").to_string()),
                _ => break,
            }
        }
        child.kill().unwrap(); // SIGKILL
        // Anything acknowledged before the kill landed is acknowledged too.
        for line in lines.map_while(Result::ok) {
            acknowledged.push(line.trim_start_matches("ack ").to_string());
        }
        child.wait().unwrap();
        let bytes = std::fs::read(dir.path().join("stress.jsonl")).unwrap_or_default();
        let (records, warnings) = parse_records(&bytes, "stress.jsonl");
        assert!(warnings.len() <= 1 + round, "only torn last lines, never more: {warnings:?}");
        let on_disk: std::collections::HashSet<&str> = records.iter().map(|r| r.rollout.as_str()).collect();
        for id in &acknowledged {
            assert!(on_disk.contains(id.as_str()), "round {round}: acknowledged {id} is not on disk");
        }
    }
    assert!(acknowledged.len() > 100, "the test exercised the store: {}", acknowledged.len());
}

#[test]
fn a_score_typed_while_the_rollout_is_read_waits_for_it() {
    use rollscope::app::keys::KeyPress;
    use rollscope::app::{Effect, Msg};
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    // Move down without running the read, as when keys arrive faster than the disk.
    let read = s.app.update(Msg::Key(KeyPress::char('j'))).effects;
    assert!(matches!(read[0], Effect::ReadRollout { .. }));
    assert!(s.app.reader_is_loading());
    for key in ['7', ']', '8'] {
        let out = s.app.update(Msg::Key(KeyPress::char(key)));
        assert!(out.effects.is_empty(), "{key} waits");
    }
    let id = s.app.study.rollouts[1].id.clone();
    assert!(s.app.labels.mine.get(&id, Some(1)).is_none());
    s.run_effects(read);
    assert_eq!(s.app.labels.mine.get(&id, Some(1)).unwrap().score, Some(7));
    assert_eq!(s.app.labels.mine.get(&id, Some(2)).unwrap().score, Some(8));
    assert_eq!(records(dir.path(), "ana").len(), 2);
}

#[test]
fn a_huge_rollout_is_shown_before_its_turns_are_hashed_and_a_label_waits_for_them() {
    use rollscope::app::Effect;
    use rollscope::app::Msg;
    use rollscope::app::reader::{ReadRollout, turn_hashes};
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let index = s.app.reader.index.unwrap();
    let rollout = s.app.reader.rollout.clone().unwrap();
    let hashes = turn_hashes(&rollout);
    // The read of a rollout of a gigabyte arrives unhashed (as `ReadRollout::prepared` makes it
    // past `HASH_LATER`); the app asks a worker for the hashes.
    let read = ReadRollout {
        rollout: rollout.clone(),
        turn_hashes: std::sync::Arc::from([]),
        hashes_later: true,
        bodies: Vec::new(),
        texts: s.app.reader.texts.clone(),
        texts_problem: None,
    };
    s.app.reader.expect(index + 1);
    s.app.reader.expect(index);
    let out = s.app.update(Msg::RolloutRead { index, result: Ok(read) });
    assert!(out.effects.iter().any(|e| matches!(e, Effect::HashTurns { index: i, .. } if *i == index)));
    assert!(s.app.reader.rollout.is_some() && s.app.reader.hashes_pending, "shown, hashes pending");
    let id = s.app.study.rollouts[index].id.clone();
    let out = s.app.update(Msg::Key(rollscope::app::keys::KeyPress::parse("7").unwrap()));
    assert!(!out.effects.iter().any(|e| matches!(e, Effect::WriteLabel(_))), "no label without the hash");
    assert!(s.app.labels.mine.get(&id, Some(1)).is_none());
    s.dispatch(Msg::TurnsHashed { index, hashes: hashes.clone() });
    assert!(!s.app.reader.hashes_pending);
    let label = s.app.labels.mine.get(&id, Some(1)).expect("the key replayed once the hashes came");
    assert_eq!(label.score, Some(7));
    assert_eq!(records(dir.path(), "ana")[0].text_hash.as_deref(), Some(hashes[0].as_str()));
}

#[test]
fn only_a_rollout_past_the_threshold_is_hashed_later() {
    use rollscope::app::reader::{HASH_LATER, ReadRollout};
    use rollscope::model::{Hatch, Interner, Locator, Message, Role, Rollout, RolloutSummary};
    for (size, later) in [(1000, false), (HASH_LATER, true)] {
        let rollout = Rollout {
            id: "r".into(),
            messages: vec![Message::new(Role::User, "go"), Message::new(Role::Assistant, "a".repeat(size))],
            ..Rollout::default()
        };
        let summary = RolloutSummary::from_rollout(
            &rollout,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        );
        let read = ReadRollout::prepared(rollout, &summary, 80, &Default::default());
        assert_eq!((read.hashes_later, read.turn_hashes.len()), (later, usize::from(!later)), "{size} bytes");
    }
}
