//! Small regression tests for the bugs the hostile-input work (issue 9) found, one per bug,
//! each named after what went wrong. The broad corpus tests are in `hostile.rs`.
#![allow(clippy::unwrap_used)]

mod common;

use rollscope::load::LoadOptions;
use rollscope::study::Study;

#[test]
fn a_file_that_fails_before_it_is_announced_does_not_shift_the_files_after_it() {
    // A truncated .eval (and an unreadable or undetectable file) fails before its source is
    // announced. Rollouts of the files after it were attributed to the source before theirs:
    // read from the wrong file's bytes, labelled with the wrong `source`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.eval"), b"PK\x03\x04 not really a zip").unwrap();
    std::fs::write(dir.path().join("b.jsonl"), "{\"id\": \"b1\", \"messages\": []}\n").unwrap();
    std::fs::write(dir.path().join("c.jsonl"), "{\"id\": \"c1\", \"messages\": [{\"role\": \"user\"}]}\n")
        .unwrap();
    let study = Study::load(&[dir.path().to_path_buf()], &LoadOptions::default());
    assert_eq!(study.problems.len(), 1, "{:?}", study.problems);
    for (i, id) in ["b1", "c1"].into_iter().enumerate() {
        assert_eq!(&*study.rollouts[i].id, id);
        let source = study.source_of(i).unwrap();
        assert!(source.display.ends_with(&format!("{}.jsonl", &id[..1])), "{id} from {}", source.display);
        assert_eq!(study.read_rollout(i).unwrap().id, id);
    }
    assert_eq!(study.read_rollout(1).unwrap().messages.len(), 1);
}

#[test]
fn ls_on_a_terminal_keeps_an_id_with_a_newline_on_its_own_row() {
    // On a terminal, ls sanitised each row but kept newlines, so an id holding "\r\n" (or a
    // file name holding "\n") printed a second line of the model's choosing: a forged row.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.jsonl");
    let forged = "fake-row                     baseline   math           9   9.0   9.0      -";
    let line = serde_json::json!({"id": format!("real\r\n{forged}"), "messages": []}).to_string();
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let Some((_, text)) = common::on_a_terminal(&["ls", &file.display().to_string()]) else { return };
    assert_eq!(text.lines().count(), 2, "a header and one row:\n{text}");
    assert!(text.contains("real␍⏎fake-row"), "{text}");
}

#[test]
fn ls_json_on_a_terminal_escapes_what_serde_json_leaves_raw() {
    // serde_json escapes C0 controls only: a DEL, a C1 CSI (U+009B, which terminals obey as ESC [)
    // or a bidi override in an id went to the terminal as they were.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.jsonl");
    let id = "x\u{9b}2J\u{7f}\u{202e}\u{2066}y\u{1b}[31m";
    let line = serde_json::json!({"id": id, "metadata": {"k\u{9d}": "\u{85}"}, "messages": []}).to_string();
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let Some((_, text)) = common::on_a_terminal(&["ls", "--json", &file.display().to_string()]) else {
        return;
    };
    assert!(text.chars().all(|c| c == '\n' || rollscope::sanitize::is_safe(c)), "{text:?}");
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rows[0]["id"], id, "the same JSON: the id decodes to exactly what the file holds");
    assert_eq!(rows[0]["metadata"]["k\u{9d}"], "\u{85}");
}
