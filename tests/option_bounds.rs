//! Issue 13, "upper bounds with a clear message": options that would run for hours, match
//! every turn, select nothing or compare with NaN are refused before anything is loaded, by
//! the real binary, naming the option. (`src/cli/tests.rs` checks that every command which
//! takes one of these options inherits the rule.)
#![allow(clippy::unwrap_used)]

mod common;

fn study() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let messages: Vec<serde_json::Value> = (0..3)
        .flat_map(|t| {
            [
                serde_json::json!({"role": "user", "content": "again"}),
                serde_json::json!({"role": "assistant", "content": format!("try {t}"), "scores": {"frustration": t}}),
            ]
        })
        .collect();
    let rollout = serde_json::json!({"id": "r1", "messages": messages});
    std::fs::write(dir.path().join("a.jsonl"), format!("{rollout}\n")).unwrap();
    let file = dir.path().join("a.jsonl").display().to_string();
    (dir, file)
}

#[test]
fn out_of_range_options_are_refused_with_a_message_naming_the_option() {
    // Before: --boot 100001 ran (a 10^9 --boot ran for hours), --hatch '' marked every rollout
    // self-deleted at turn 1, NaN thresholds made every comparison false, and --turns 5-3 ended
    // in "no eligible turns".
    let (dir, file) = study();
    let queue = dir.path().join("q.json").display().to_string();
    let refused: &[(&[&str], &str)] = &[
        (&["stats", "--boot", "100001"], "--boot"),
        (&["agree", "--boot", "1000000000"], "--boot"),
        (&["stats", "--threshold", "NaN"], "--threshold"),
        (&["ls", "--threshold", "inf"], "--threshold"),
        (&["export", "--threshold=-inf"], "--threshold"),
        (&["ls", "--hatch", ""], "--hatch"),
        (&["validate", &file, "--hatch", ".*"], "--hatch"),
        (&["stats", "--hatch", "a?"], "--hatch"),
        (&["sample", &file, "--n", "2", "--oversample-above", "nan", "-o", &queue], "--oversample-above"),
        (&["sample", &file, "--n", "2", "--turns", "5-3", "-o", &queue], "--turns"),
    ];
    for (args, flag) in refused {
        let out = common::rollscope().args(*args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(stderr.contains(flag), "{args:?}: the message names {flag}: {stderr}");
        assert!(!std::path::Path::new(&queue).exists(), "{args:?}: nothing written");
    }
    let out = common::rollscope().args(["stats", "--boot", "100001"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("100000"), "the message says the bound: {stderr}");
    let out = common::rollscope().args(["stats", "--boot", "100000", "--json"]).output().unwrap();
    assert!(out.status.success(), "the bound itself is allowed");
}

#[test]
fn sample_n_beyond_the_eligible_turns_draws_them_all_and_says_so() {
    // Before: --n 1000 over 3 eligible turns drew 3 without a word.
    let (dir, file) = study();
    let queue = dir.path().join("q.json");
    let out = common::rollscope().args(["sample", &file, "--n", "1000", "-o"]).arg(&queue).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("--n 1000") && stderr.contains("3 eligible"), "{stderr}");
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&queue).unwrap()).unwrap();
    assert_eq!(written["items"].as_array().unwrap().len(), 3);
    assert_eq!(written["n"], 3, "the queue says what was drawn");
}
