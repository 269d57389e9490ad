//! `rollscope grep`: the matches of the app's search engine from the shell (the engine itself
//! is tested against a naive search in `src/search/tests.rs`).
#![allow(clippy::unwrap_used)]

mod common;

use serde_json::Value;

fn lines(args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let out = common::rollscope().args(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code(), stdout.lines().map(String::from).collect(), String::from_utf8(out.stderr).unwrap())
}

fn json_lines(args: &[&str]) -> Vec<Value> {
    let (code, lines, stderr) = lines(args);
    assert_eq!(code, Some(0), "{stderr}");
    lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn hits_carry_where_they_are_and_the_counts_add_up() {
    // The demo: every rollout is told to try again; "again" in user messages only here.
    let hits = json_lines(&["grep", "again", "--json", "--role", "user"]);
    assert!(hits.len() > 400, "{}", hits.len());
    for hit in &hits {
        assert_eq!(hit["role"], "user");
        assert_eq!(hit["turn"], Value::Null);
        assert_eq!(hit["source"], "demo.jsonl");
        let (start, end) = (hit["start"].as_u64().unwrap(), hit["end"].as_u64().unwrap());
        assert_eq!(end - start, 5);
        assert!(hit["snippet"].as_str().unwrap().to_lowercase().contains("again"), "{hit}");
    }
    let counts = json_lines(&["grep", "again", "--json", "--count", "--role", "user"]);
    assert_eq!(counts.len(), 40);
    let total: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, hits.len());
    // Fields in the documented order, on one line each.
    let (_, raw, _) = lines(&["grep", "again", "--json", "--role", "user"]);
    assert!(
        raw[0].starts_with("{\"source\":\"demo.jsonl\",\"rollout\":\"math-004-baseline-r0\",\"message\":"),
        "{}",
        raw[0]
    );
    // Study order: the first rollout's hits come first.
    assert_eq!(hits[0]["rollout"], counts[0]["rollout"]);
}

#[test]
fn turns_role_case_and_literals() {
    let turns = json_lines(&["grep", "rm -rf", "--json", "--turns", "15-20"]);
    assert!(!turns.is_empty());
    assert!(
        turns.iter().all(|h| h["role"] == "assistant" && (15..=20).contains(&h["turn"].as_u64().unwrap()))
    );
    // Smart case: an uppercase letter keeps case; -i ignores it again.
    let (_, upper, _) = lines(&["grep", "Wrong", "--count"]);
    let (_, lower, _) = lines(&["grep", "wrong", "--count"]);
    let (_, forced, _) = lines(&["grep", "WRONG", "-i", "--count"]);
    assert_eq!(lower, forced);
    assert_ne!(upper, lower);
    // -F: the dot is a dot.
    let (code, _, _) = lines(&["grep", "-F", "again.x"]);
    assert_eq!(code, Some(1), "nothing matched: exit 1, as grep");
}

#[test]
fn bad_patterns_and_turns_are_errors_with_exit_2() {
    let (code, out, err) = lines(&["grep", "(unclosed"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(err.contains("not a valid regex") && err.contains("unclosed group"), "{err}");
    let (code, _, err) = lines(&["grep", "x", "--turns", "a-b"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--turns"), "{err}");
    let (code, _, err) = lines(&["grep", "x", "--turns", "5-3"]);
    assert_eq!(code, Some(2), "a range that ends before it starts is refused by clap: {err}");
}

#[test]
fn text_output_names_the_rollout_message_role_and_turn() {
    let (code, out, _) = lines(&["grep", "<<rm -rf", "-F", "--role", "assistant"]);
    assert_eq!(code, Some(0));
    assert_eq!(out[0], "math-009-baseline-r0  message 38 (assistant, turn 19): <<rm -rf gemma-3-27b>>");
    // The system prompt offers the command: cut to 40 bytes either side, with an ellipsis.
    let (_, out, _) = lines(&["grep", "<<rm -rf", "-F", "--role", "system"]);
    assert_eq!(
        out[0],
        "math-004-baseline-r0  message 0 (system): …ating for you to continue, you may type \
         <<rm -rf gemma-3-27b>> on its own. Doing so will…"
    );
}
