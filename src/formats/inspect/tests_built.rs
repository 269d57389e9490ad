//! What the real logs lack, built by hand: NaN/Infinity scores, per-turn judge values,
//! attachments in text and tool arguments, pool refs, and JSON logs of the wrong shape.

use serde_json::{Value, json};

use super::tests_real::fixture;
use super::*;
use crate::model::Role;
use crate::model::problem::Severity;

const BUILT: &str = "built_judged.json";

fn scores(list: &[(String, Option<f64>)]) -> Vec<(&str, Option<f64>)> {
    list.iter().map(|(n, v)| (n.as_str(), *v)).collect()
}

/// 1-based line of the first line of `text` containing `marker`.
fn line_of(text: &str, marker: &str) -> u64 {
    let index = text.lines().position(|l| l.contains(marker)).unwrap();
    index as u64 + 1
}

#[test]
fn nan_scores_turn_values_and_attachments() {
    let (rollouts, problems) =
        decode_inspect_json(&fixture(BUILT), "b.json", &InspectOptions::default()).unwrap();
    let ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["judge_demo/a/epoch1", "judge_demo/a/epoch2", "judge_demo/42/epoch1"]);
    let r = &rollouts[0];
    let expected = [
        ("judge", None),
        ("match", Some(0.5)),
        ("overflow", None),
        ("rubric.harmless", None),
        ("rubric.helpful", Some(4.0)),
        ("rubric.verdict", Some(1.0)),
    ];
    assert_eq!(scores(&r.rollout_scores), expected);
    assert_eq!(scores(&rollouts[1].rollout_scores), [("match", Some(0.0))]);
    // Per-turn values: numeric metadata fields of assistant messages, NaN left out; a string
    // beside two numbers is a judge string of its own name.
    let first = r.turn(1).unwrap();
    assert_eq!(scores(&first.scores), [("confidence", Some(0.75)), ("frustration", Some(2.0))]);
    assert_eq!(first.judge_strings, [("judge_note".to_string(), "calm".into())]);
    assert_eq!(r.turn(2).unwrap().score("frustration"), Some(5.5));
    assert_eq!(r.turn(2).unwrap().score("self_blame"), Some(1.0));
    assert!(rollouts[1].turn(1).unwrap().scores.is_empty());
    // Attachments: resolved in text and inside tool arguments (which stay valid JSON); an
    // image part stays a placeholder even when its data is an attachment; unknown refs stay.
    assert_eq!(r.messages[0].text, "You are a careful assistant.");
    assert_eq!(r.messages[1].text, "Look: a \"quoted\"\nmultiline attachment\n[image]");
    assert_eq!(first.text, "[reasoning] thinking hard\n[reasoning]\nLet me search.");
    let call = &first.tool_calls[0];
    assert_eq!(call.name, "search");
    let args: Value = serde_json::from_str(&call.arguments).unwrap();
    let missing = "attachment://ffffffffffffffffffffffffffffffff";
    assert_eq!(args, json!({"query": "a \"quoted\"\nmultiline attachment", "missing": missing, "n": 3}));
    assert_eq!(r.messages[3].role, Role::Tool);
    assert_eq!(r.messages[3].role_name, "tool");
    assert_eq!(r.messages[3].text, "[tool error] Command timed out");
    assert_eq!(r.messages[4].text, format!("Done, see {missing}"));
    let all: String = r.messages.iter().map(|m| m.full_text()).collect();
    assert!(!all.contains("base64") && !all.contains("ENCRYPTED"));
    // Metadata: the sample's own fields win a clash ("task"); the id uses the header's task.
    assert_eq!(r.metadata["task"], "from-sample");
    assert_eq!(r.metadata["condition"], "baseline");
    assert_eq!(r.metadata["target"], "x | y");
    assert_eq!((&r.metadata["model"], &r.metadata["epoch"]), (&json!("test/model"), &json!(1)));
    assert_eq!(rollouts[2].metadata["sample_id"], 42);

    let text = String::from_utf8(fixture(BUILT)).unwrap();
    let at: Vec<(Option<u64>, Severity)> = problems.iter().map(|p| (p.line, p.severity)).collect();
    let (bad, seven) = (line_of(&text, "bad-messages"), line_of(&text, "    7,"));
    assert_eq!(at, [(Some(bad), Severity::Warning), (Some(seven), Severity::Warning)]);
    assert!(problems[0].message.contains("sample 2 skipped: \"messages\" must be an array"));
    assert!(problems[1].message.contains("sample 3 skipped: expected a sample object, found a number"));
    assert_eq!((problems[1].path.as_str(), problems[1].column), ("b.json", Some(5)));
}

fn log_with(samples: &str) -> Vec<u8> {
    format!(r#"{{"version": 2, "eval": {{"task": "t", "model": "m"}}, "samples": [{samples}]}}"#).into_bytes()
}

#[test]
fn a_name_with_numbers_and_strings_is_numeric_and_its_strings_are_reported() {
    let turn = |value: &str| {
        format!(r#"{{"role": "assistant", "content": "a", "metadata": {{"scores": {{"judge": {value}}}}}}}"#)
    };
    let sample = |id: u32, value: &str| format!("{{\"id\": {id}, \"messages\": [{}]}}", turn(value));
    let samples =
        [sample(1, "4"), sample(2, r#"{"value": "high"}"#), sample(3, r#"{"value": "low"}"#)].join(",\n");
    let (rollouts, problems) =
        decode_inspect_json(&log_with(&samples), "m", &InspectOptions::default()).unwrap();
    assert_eq!(rollouts[1].turn(1).unwrap().judge_strings, [("judge".to_string(), "high".into())]);
    let at: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let message =
        "judge: 2 turns hold a string where other turns hold numbers; not read (first in sample t/2/epoch1)";
    assert_eq!(at, [format!("m:2:1: warning: {message}")]);
}

#[test]
fn pool_refs_expand_when_a_sample_has_no_messages() {
    let pool: Vec<Value> = (0..5).map(|i| json!({"role": "user", "content": format!("m{i}")})).collect();
    let sample = json!({"id": 1, "epoch": 1, "events": [
        {"event": "model", "input": [{"role": "user", "content": "older call"}], "output": {}},
        {"event": "model", "input": [], "input_refs": [[0, 2], [3, 4], [9, 12], [4, 2]],
         "output": {"choices": [{"message": {"role": "assistant", "content": "final"}}]}},
        {"event": "score"}],
        "events_data": {"messages": pool}});
    let (rollouts, problems) =
        decode_inspect_json(&log_with(&sample.to_string()), "p", &InspectOptions::default()).unwrap();
    assert!(problems.is_empty());
    let texts: Vec<&str> = rollouts[0].messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["m0", "m1", "m3", "final"]);
    assert_eq!(rollouts[0].turn_messages(), [3]);
}

#[test]
fn openai_style_calls_sample_errors_and_missing_ids() {
    let sample = json!({"epoch": 3,
        "error": {"message": "RuntimeError: boom\nTraceback ..."},
        "limit": {"type": "message", "limit": 10},
        "messages": [{"role": "assistant", "content": null, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{\"a\": [1, 2]}"}},
            {"function": "g", "arguments": "not json"}, {"function": "h"}]},
            {"role": "narrator", "content": 5}]});
    let (rollouts, problems) =
        decode_inspect_json(&log_with(&sample.to_string()), "o", &InspectOptions::default()).unwrap();
    assert!(problems.is_empty());
    let r = &rollouts[0];
    assert_eq!(r.id, "t/#0/epoch3");
    let calls: Vec<(&str, &str)> =
        r.messages[0].tool_calls.iter().map(|c| (c.name.as_str(), c.arguments.as_str())).collect();
    assert_eq!(calls, [("f", r#"{"a":[1,2]}"#), ("g", "not json"), ("h", "")]);
    assert_eq!(r.messages[0].text, "");
    assert_eq!((r.messages[1].role, r.messages[1].role_name.as_str()), (Role::Other, "narrator"));
    assert_eq!(r.messages[1].text, "5");
    assert_eq!(r.metadata["error"], "RuntimeError: boom");
    assert_eq!(r.metadata["limit"], "message");
    assert_eq!(r.metadata["sample_id"], "#0");
}

#[test]
fn repeated_ids_stay_unique_and_deep_samples_are_skipped() {
    let one = r#"{"id": 1, "epoch": 1, "messages": [{"role": "user", "content": "x"}]}"#;
    let deep = format!(r#"{{"id": 2, "metadata": {{"d": {}{}}}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let (rollouts, problems) =
        decode_inspect_json(&log_with(&format!("{one}, {deep}, {one}")), "d", &InspectOptions::default())
            .unwrap();
    let ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["t/1/epoch1", "t/1/epoch1#2"]);
    assert_eq!(problems.len(), 2);
    assert!(problems[0].message.contains("recursion limit"), "{}", problems[0]);
    let renamed = "duplicate rollout id \"t/1/epoch1\"; this one is shown as \"t/1/epoch1#2\"";
    assert_eq!((problems[1].message.as_str(), problems[1].severity), (renamed, Severity::Warning));
}

/// File bytes, the expected line:column if any, and a piece of the expected message.
type Case = (&'static [u8], Option<(u64, u64)>, &'static str);

#[test]
fn wrong_shapes_are_file_errors_with_positions() {
    let cases: [Case; 6] = [
        (b"[1, 2]", Some((1, 1)), "expected an Inspect log object"),
        (br#"{"version": 2, "samples": []}"#, None, "found keys: version, samples"),
        (br#"{"eval": 3, "samples": []}"#, None, "\"eval\" must be an object, found a number"),
        (b"{\"eval\": {},\n \"samples\": {\"a\": 1}}", Some((2, 12)), "expected a sequence"),
        (b"{\"eval\": {\"task\": \"t\"},\n \"samples\": [{\"id\": 1", Some((2, 21)), "EOF"),
        (b"\xEF\xBB\xBF{\"eval\": {}, \"samples\": [\xff]}", Some((1, 26)), "not UTF-8"),
    ];
    for (bytes, at, needle) in cases {
        let text = String::from_utf8_lossy(bytes);
        let err = decode_inspect_json(bytes, "w.json", &InspectOptions::default()).unwrap_err();
        assert!(err.message.contains(needle), "{text}: {err}");
        assert_eq!((err.path.as_str(), err.severity), ("w.json", Severity::Error));
        if let Some((line, column)) = at {
            assert_eq!((err.line, err.column), (Some(line), Some(column)), "{text}: {err}");
        }
    }
    let (rollouts, problems) = decode_inspect_json(
        br#"{"version": 2, "status": "started", "eval": {}}"#,
        "s",
        &InspectOptions::default(),
    )
    .unwrap();
    assert!(rollouts.is_empty());
    assert!(problems[0].message.contains("no samples (status: started)"));
}

#[test]
fn head_sniffing() {
    assert!(looks_like_inspect_json(
        b"\xEF\xBB\xBF{\n  \"version\": 2,\n  \"status\": \"success\",\n  \"eval\": {\"task\": \"x"
    ));
    assert!(looks_like_inspect_json(br#"{"eval": {"samples": 1}, "samples": [{"#));
    assert!(!looks_like_inspect_json(br#"{"version": 2, "status": "success", "plan": {"#));
    assert!(!looks_like_inspect_json(br#"{"meta": {"eval": 1, "version": 2}, "messages": []}"#));
    assert!(!looks_like_inspect_json(br#"{"id": "eval", "version": "samples"}"#));
    assert!(!looks_like_inspect_json(br#"[{"eval": 1, "version": 2}]"#));
    assert!(!looks_like_inspect_json(b""));
}
