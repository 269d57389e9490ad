use super::*;

const LIMIT: Limit = Limit { bytes: 256 << 20, setting: "max-label-file" };

fn record(rollout: &str, turn: u32, score: u8) -> LabelRecord {
    LabelRecord {
        rollout: rollout.into(),
        turn: Some(turn),
        score: Some(score),
        score_name: None,
        category: None,
        tags: vec!["hopeless".into()],
        note: Some("a \"note\"\nwith a break".into()),
        annotator: "ana".into(),
        time: "2026-11-23T00:00:00Z".into(),
        source: "study.jsonl".into(),
        text_hash: Some("fnv1a64:0123456789abcdef".into()),
        queue: None,
        queue_id: None,
        blind: false,
        reason: None,
        adjudicator: None,
        line: SourceLine::default(),
    }
}

#[test]
fn appended_records_replay_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut opened = open(dir.path(), "ana", &[], LIMIT);
    assert!(opened.read_only.is_none() && opened.records.is_empty());
    let writer = &mut opened.writer;
    let written: Vec<LabelRecord> = (1..=3).map(|t| record("r1", t, t as u8)).collect();
    for r in &written {
        writer.append(r).unwrap();
    }
    drop(opened);
    let again = open(dir.path(), "ana", &[], LIMIT);
    assert_eq!(again.records, written);
    assert!(again.warnings.is_empty());
    let text = std::fs::read_to_string(dir.path().join("ana.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 3, "one line per change");
}

#[test]
fn a_torn_last_line_is_skipped_and_the_next_write_starts_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ana.jsonl");
    let good = serde_json::to_string(&record("r1", 1, 4)).unwrap();
    std::fs::write(&path, format!("{good}\n{}", &good[..good.len() / 2])).unwrap();
    let mut opened = open(dir.path(), "ana", &[], LIMIT);
    assert_eq!(opened.records.len(), 1);
    assert_eq!(opened.warnings.len(), 1);
    assert!(opened.warnings[0].message.contains("incomplete last line"), "{:?}", opened.warnings);
    assert_eq!(opened.warnings[0].line, Some(2));
    opened.writer.append(&record("r1", 2, 9)).unwrap();
    drop(opened);
    let again = open(dir.path(), "ana", &[], LIMIT);
    assert_eq!(again.records.len(), 2, "the new record is on its own line");
    assert_eq!(again.records[1].score, Some(9));
    assert_eq!(again.warnings.len(), 1, "the torn line is still reported, never rewritten");
}

#[test]
fn a_hand_broken_line_is_skipped_and_nothing_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ana.jsonl");
    let good = serde_json::to_string(&record("r1", 1, 4)).unwrap();
    let before = format!("{good}\n{{\"rollout\": oops}}\n{good}\n");
    std::fs::write(&path, &before).unwrap();
    let mut opened = open(dir.path(), "ana", &[], LIMIT);
    assert_eq!(opened.records.len(), 2);
    assert_eq!(opened.warnings[0].line, Some(2));
    opened.writer.append(&record("r2", 1, 1)).unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before), "existing bytes are never rewritten");
}

#[test]
fn a_second_writer_is_refused_and_the_lock_dies_with_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = open(dir.path(), "ana", &[], LIMIT);
    first.writer.append(&record("r1", 1, 1)).unwrap();
    let second = open(dir.path(), "ana", &[], LIMIT);
    assert!(second.read_only.as_deref().unwrap().contains("another rollscope"), "{:?}", second.read_only);
    assert_eq!(second.records.len(), 1, "its labels are still read");
    drop(first);
    let mut third = open(dir.path(), "ana", &[], LIMIT);
    assert!(third.read_only.is_none(), "a released lock does not block the next start");
    third.writer.append(&record("r1", 2, 2)).unwrap();
}

#[test]
fn the_lock_is_taken_at_the_first_append_and_found_held_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = open(dir.path(), "ana", &[], LIMIT);
    let mut second = open(dir.path(), "ana", &[], LIMIT);
    assert!(first.read_only.is_none() && second.read_only.is_none(), "nothing is locked by opening");
    first.writer.append(&record("r1", 1, 1)).unwrap();
    let err = second.writer.append(&record("r1", 1, 9)).unwrap_err();
    assert!(matches!(&err, AppendError::ReadOnly(m) if m.contains("another rollscope")), "{err}");
    drop(first);
    let err = second.writer.append(&record("r1", 1, 9)).unwrap_err();
    assert!(matches!(err, AppendError::ReadOnly(_)), "read-only for the rest of the session: {err}");
    let (records, _) = read_records(&dir.path().join("ana.jsonl"), LIMIT);
    assert_eq!(records.len(), 1);
}

#[test]
fn a_file_changed_after_it_was_read_is_not_appended_to() {
    // Another instance labelled and quit between this one's start and its first label: appending
    // on a stale view could undo those labels (the last line for a turn wins).
    let dir = tempfile::tempdir().unwrap();
    let mut late = open(dir.path(), "ana", &[], LIMIT);
    let mut early = open(dir.path(), "ana", &[], LIMIT);
    early.writer.append(&record("r1", 1, 1)).unwrap();
    drop(early);
    let err = late.writer.append(&record("r1", 1, 9)).unwrap_err();
    assert!(
        matches!(&err, AppendError::ReadOnly(m) if m.contains("changed after this session read it")),
        "{err}"
    );
    assert_eq!(read_records(&dir.path().join("ana.jsonl"), LIMIT).0.len(), 1);
}

#[test]
fn opening_writes_nothing_and_the_first_append_makes_the_folder_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("a/b/labels");
    let mut opened = open(&labels, "ana", &[], LIMIT);
    assert!(opened.read_only.is_none() && !opened.exists);
    assert!(!dir.path().join("a").exists(), "nothing is made by opening");
    opened.writer.append(&record("r1", 1, 1)).unwrap();
    assert_eq!(read_records(&labels.join("ana.jsonl"), LIMIT).0.len(), 1);
    assert!(!open(&labels, "bo", &[], LIMIT).exists);
}

#[test]
fn a_label_file_is_never_written_through_a_symlink_or_a_second_name() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("study.jsonl");
    std::fs::write(&target, "{}\n").unwrap();
    // A symlink planted after the session opened: the no-follow open at the first label sees it.
    let mut opened = open(dir.path(), "ana", &[], LIMIT);
    std::os::unix::fs::symlink(&target, dir.path().join("ana.jsonl")).unwrap();
    let err = opened.writer.append(&record("r1", 1, 1)).unwrap_err();
    assert!(matches!(&err, AppendError::ReadOnly(m) if m.contains("symbolic link")), "{err}");
    // A hard link, found at opening and at the first label alike.
    let mut opened = open(dir.path(), "bo", &[], LIMIT);
    std::fs::hard_link(&target, dir.path().join("bo.jsonl")).unwrap();
    let err = opened.writer.append(&record("r1", 1, 1)).unwrap_err();
    assert!(matches!(&err, AppendError::ReadOnly(m) if m.contains("hard links")), "{err}");
    assert!(open(dir.path(), "bo", &[], LIMIT).read_only.unwrap().contains("hard links"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}\n");
}

#[test]
fn a_labels_folder_holding_a_studied_file_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.jsonl");
    std::fs::write(&study, "{}\n").unwrap();
    let mut opened = open(dir.path(), "study", std::slice::from_ref(&study), LIMIT);
    assert!(opened.read_only.as_deref().unwrap().contains("a rollout file being studied"));
    assert!(matches!(opened.writer.append(&record("r1", 1, 1)), Err(AppendError::ReadOnly(_))));
    assert_eq!(std::fs::read_to_string(&study).unwrap(), "{}\n");
    let elsewhere = dir.path().join("labels");
    assert!(open(&elsewhere, "study", &[study], LIMIT).read_only.is_none());
}

#[test]
fn an_unwritable_folder_is_read_only_at_the_first_label_with_a_reason() {
    let mut opened = open(Path::new("/proc/rollscope-labels-test"), "ana", &[], LIMIT);
    assert!(opened.read_only.is_none(), "opening tries nothing");
    let err = opened.writer.append(&record("r1", 1, 1)).unwrap_err();
    assert!(matches!(&err, AppendError::ReadOnly(m) if m.contains("read-only")), "{err}");
}

#[test]
fn annotator_names_cannot_escape_the_folder() {
    let dir = Path::new("/labels");
    assert_eq!(label_path(dir, "ana"), Path::new("/labels/ana.jsonl"));
    assert_eq!(label_path(dir, "../evil"), Path::new("/labels/_evil.jsonl"));
    assert_eq!(label_path(dir, "a b/c"), Path::new("/labels/a_b_c.jsonl"));
    assert_eq!(label_path(dir, ""), Path::new("/labels/annotator.jsonl"));
}

#[test]
fn other_annotators_are_read_but_not_mine() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = open(dir.path(), "ana", &[], LIMIT);
    mine.writer.append(&record("r1", 1, 1)).unwrap();
    let mut bo = open(dir.path(), "bo", &[], LIMIT);
    bo.writer.append(&record("r1", 1, 8)).unwrap();
    let (others, warnings) = read_others(dir.path(), "ana", LIMIT);
    assert!(warnings.is_empty());
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].0, "bo");
    assert_eq!(others[0].1[0].score, Some(8));
}

#[test]
fn annotator_files_are_the_jsonl_files_sorted_and_named_by_their_stem() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["zed.jsonl", "ana.jsonl", "notes.txt", "bo b.jsonl"] {
        std::fs::write(dir.path().join(name), "").unwrap();
    }
    let files = annotator_files(dir.path()).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ana", "bo b", "zed"]);
    assert_eq!(files[0].1, dir.path().join("ana.jsonl"));
    assert!(annotator_files(&dir.path().join("missing")).is_err());
}

#[test]
fn category_labels_are_written_and_read_beside_old_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ana.jsonl");
    // A line from before categories could be labelled, then one naming a category without its
    // score name (hand-edited): the first reads as it always did, the second is a warning.
    let old = r#"{"rollout":"r1","turn":1,"score":4,"tags":[],"note":null,"annotator":"ana","time":"t","source":"s","text_hash":null}"#;
    let nameless =
        r#"{"rollout":"r1","turn":2,"score":null,"category":"despair","annotator":"ana","time":"t"}"#;
    std::fs::write(&path, format!("{old}\n{nameless}\n")).unwrap();
    let mut opened = open(dir.path(), "ana", &[], LIMIT);
    assert_eq!(opened.records.len(), 1);
    assert_eq!((opened.records[0].score, opened.records[0].category.as_deref()), (Some(4), None));
    assert_eq!(opened.warnings.len(), 1);
    assert_eq!(opened.warnings[0].line, Some(2));
    assert!(opened.warnings[0].message.contains("score_name"), "{:?}", opened.warnings);
    let tagged = LabelRecord {
        score_name: Some("frustration.tag".into()),
        category: Some("despair".into()),
        ..record("r1", 3, 8)
    };
    opened.writer.append(&tagged).unwrap();
    drop(opened);
    let again = open(dir.path(), "ana", &[], LIMIT);
    assert_eq!(again.records.len(), 2);
    assert_eq!(again.records[1], tagged);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&format!("{old}\n{nameless}\n")), "existing lines are never rewritten");
}
