use super::*;

const LIMIT: Limit = Limit { bytes: 256 << 20, setting: "max-label-file" };

fn record(rollout: &str, turn: u32, score: u8) -> LabelRecord {
    LabelRecord {
        rollout: rollout.into(),
        turn: Some(turn),
        score: Some(score),
        tags: vec!["hopeless".into()],
        note: Some("a \"note\"\nwith a break".into()),
        annotator: "ana".into(),
        time: "2026-11-23T00:00:00Z".into(),
        source: "study.jsonl".into(),
        text_hash: Some("fnv1a64:0123456789abcdef".into()),
        queue: None,
        line: SourceLine::default(),
    }
}

#[test]
fn appended_records_replay_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut opened = open(dir.path(), "ana", LIMIT);
    assert!(opened.read_only.is_none() && opened.records.is_empty());
    let writer = opened.writer.as_mut().unwrap();
    let written: Vec<LabelRecord> = (1..=3).map(|t| record("r1", t, t as u8)).collect();
    for r in &written {
        writer.append(r).unwrap();
    }
    drop(opened);
    let again = open(dir.path(), "ana", LIMIT);
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
    let mut opened = open(dir.path(), "ana", LIMIT);
    assert_eq!(opened.records.len(), 1);
    assert_eq!(opened.warnings.len(), 1);
    assert!(opened.warnings[0].message.contains("incomplete last line"), "{:?}", opened.warnings);
    assert_eq!(opened.warnings[0].line, Some(2));
    opened.writer.as_mut().unwrap().append(&record("r1", 2, 9)).unwrap();
    drop(opened);
    let again = open(dir.path(), "ana", LIMIT);
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
    let mut opened = open(dir.path(), "ana", LIMIT);
    assert_eq!(opened.records.len(), 2);
    assert_eq!(opened.warnings[0].line, Some(2));
    opened.writer.as_mut().unwrap().append(&record("r2", 1, 1)).unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before), "existing bytes are never rewritten");
}

#[test]
fn a_second_writer_is_refused_and_the_lock_dies_with_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    let first = open(dir.path(), "ana", LIMIT);
    assert!(first.writer.is_some());
    let second = open(dir.path(), "ana", LIMIT);
    assert!(second.writer.is_none());
    assert!(second.read_only.as_deref().unwrap().contains("another rollscope"), "{:?}", second.read_only);
    drop(first);
    let third = open(dir.path(), "ana", LIMIT);
    assert!(third.writer.is_some(), "a released lock does not block the next start");
}

#[test]
fn an_unwritable_folder_opens_read_only_with_a_reason() {
    let opened = open(Path::new("/proc/rollscope-labels-test"), "ana", LIMIT);
    assert!(opened.writer.is_none());
    assert!(opened.read_only.as_deref().unwrap().contains("read-only"));
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
    let mut mine = open(dir.path(), "ana", LIMIT);
    mine.writer.as_mut().unwrap().append(&record("r1", 1, 1)).unwrap();
    let mut bo = open(dir.path(), "bo", LIMIT);
    bo.writer.as_mut().unwrap().append(&record("r1", 1, 8)).unwrap();
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
