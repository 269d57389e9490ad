//! The importer on real Inspect logs (byte-for-byte copies from inspect_ai's own test data,
//! see tests/fixtures/inspect/README.md).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;

use super::sample::{LogContext, decode_sample};
use super::*;
use crate::model::{ReadLimits, Role};

const DEDUP: &str = "log_message_deduplication.eval";
const BROWSER: &str = "2025-05-12T20-27-36-04-00_browser.json";
const SECURITY: &str = "2025-05-12T20-28-26-04-00_security-guide.json";
const POPULARITY: &str = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect").join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap()
}

/// Decodes a fixture by its extension, insisting on no problems.
pub fn load(name: &str) -> Vec<Rollout> {
    let (rollouts, problems) = if name.ends_with(".eval") {
        decode_inspect_eval(&fixture_path(name), name, &ReadLimits::default(), &InspectOptions::default())
            .unwrap()
    } else {
        decode_inspect_json(&fixture(name), name, &InspectOptions::default()).unwrap()
    };
    assert!(problems.is_empty(), "{name}: {problems:?}");
    rollouts
}

fn ids(rollouts: &[Rollout]) -> Vec<&str> {
    rollouts.iter().map(|r| r.id.as_str()).collect()
}

fn roles(rollout: &Rollout) -> Vec<Role> {
    rollout.messages.iter().map(|m| m.role).collect()
}

fn keys(rollout: &Rollout) -> BTreeSet<&str> {
    rollout.metadata.keys().map(String::as_str).collect()
}

fn scores(rollout: &Rollout) -> Vec<(&str, Option<f64>)> {
    rollout.rollout_scores.iter().map(|(n, v)| (n.as_str(), *v)).collect()
}

fn all_text(rollout: &Rollout) -> String {
    rollout.messages.iter().map(|m| m.full_text()).collect::<Vec<_>>().join("\n")
}

const SUA: [Role; 3] = [Role::System, Role::User, Role::Assistant];

#[test]
fn security_guide_json_has_three_graded_single_turn_samples() {
    let rollouts = load(SECURITY);
    assert_eq!(
        ids(&rollouts),
        ["security_guide/1/epoch1", "security_guide/2/epoch1", "security_guide/3/epoch1"]
    );
    for r in &rollouts {
        assert_eq!(roles(r), SUA);
        assert_eq!(r.turn_messages(), [2]);
        assert_eq!(scores(r), [("model_graded_fact", Some(1.0))]);
        assert_eq!(keys(r), BTreeSet::from(["epoch", "model", "sample_id", "target", "task"]));
        assert_eq!(r.metadata["model"], "openai/gpt-4o-mini");
    }
    assert_eq!(rollouts[1].messages[1].text, "How do I prevent sqli?");
    assert_eq!(rollouts[0].metadata["target"], "use parameterized queries and prepared statements");
}

#[test]
fn browser_json_keeps_tool_turns_and_object_arguments() {
    let rollouts = load(BROWSER);
    assert_eq!(ids(&rollouts), ["browser/1/epoch1"]);
    let r = &rollouts[0];
    let (u, a, t) = (Role::User, Role::Assistant, Role::Tool);
    assert_eq!(roles(r), [u, a, t, a, t, a, t, a, t, a]);
    assert_eq!(r.turn_messages().len(), 5);
    assert_eq!(scores(r), [("includes", Some(1.0))]);
    // The target is "": not worth a metadata field.
    assert_eq!(keys(r), BTreeSet::from(["epoch", "model", "sample_id", "task"]));
    let first = &r.messages[1].tool_calls;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, "web_browser_go");
    assert_eq!(first[0].arguments, r#"{"url":"https://www.aisi.gov.uk/"}"#);
    assert_eq!(r.messages[3].tool_calls[0].arguments, r#"{"element_id":151}"#);
    assert_eq!(r.messages[2].role_name, "tool");
    assert!(r.messages[2].text.starts_with("[132] link \"We are now the AI Security Institute\""));
    assert!(r.messages[9].text.starts_with("The AI Security Institute (AISI) is the premier"));
}

/// The browser run's `attachment://` references all sit in its events (its `messages` are
/// stored whole), so the real test of resolution is the conversation rebuilt from the last
/// model event: it must come out equal to `messages`.
#[test]
fn browser_event_input_resolves_attachments_to_the_stored_messages() {
    let bytes = fixture(BROWSER);
    let log: Value = serde_json::from_slice(&bytes).unwrap();
    let ctx = LogContext::from_eval(log["eval"].as_object().unwrap());
    let mut sample = log["samples"][0].clone();
    let full = decode_sample(&sample, &ctx, 0).unwrap().0;
    let events = sample["events"].as_array().unwrap();
    let last_model = events.iter().rev().find(|e| e["event"] == "model").unwrap();
    let input = serde_json::to_string(&last_model["input"]).unwrap();
    assert_eq!(input.matches("attachment://").count(), 5, "the layout changed");
    sample.as_object_mut().unwrap().remove("messages");
    let rebuilt = decode_sample(&sample, &ctx, 0).unwrap().0;
    assert!(!all_text(&rebuilt).contains("attachment://"));
    assert_eq!(rebuilt.messages, full.messages);
    assert!(!all_text(&full).contains("attachment://"));
}

#[test]
fn images_become_placeholders_never_base64() {
    let rollouts = load("log_images_tc.json");
    assert_eq!(ids(&rollouts), ["images/1/epoch1"]);
    let r = &rollouts[0];
    assert_eq!(roles(r), SUA);
    assert_eq!(r.messages[1].text, "What is this a picture of?\n[image]");
    assert!(!all_text(r).contains("base64"));
    assert_eq!(r.messages[2].text, "[hedgehog]");
    assert_eq!(scores(r), [("match", Some(0.0))]);
    assert_eq!(r.metadata["target"], "bike | bicycle");
    assert_eq!(r.metadata["model"], "openai/gpt-4o");
}

#[test]
fn read_sample_json_and_eval_give_equal_rollouts() {
    let from_json = load("log_read_sample.json");
    let from_eval = load("log_read_sample.eval");
    assert_eq!(from_json, from_eval);
    assert_eq!(ids(&from_json), ["popularity/1/epoch1"]);
    let r = &from_json[0];
    assert_eq!(roles(r), SUA);
    assert_eq!(r.messages[2].text, "Yes\n");
    assert_eq!(scores(r), [("match", Some(1.0))]);
    assert_eq!(
        keys(r),
        BTreeSet::from(["epoch", "label_confidence", "model", "sample_id", "target", "task"])
    );
    assert_eq!(r.metadata["label_confidence"], 0.8860552919198255);
    assert_eq!(r.metadata["model"], "ollama/gemma3");
}

#[test]
fn popularity_eval_loads_ten_samples_in_id_order() {
    let rollouts = load(POPULARITY);
    let expected: Vec<String> = (1..=10).map(|i| format!("popularity/{i}/epoch1")).collect();
    assert_eq!(ids(&rollouts), expected);
    for r in &rollouts {
        assert_eq!(roles(r), SUA);
        assert_eq!(r.turn_messages().len(), 1);
        assert!(r.metadata["label_confidence"].is_f64());
        // Samples 3 and 7 were graded "I" (incorrect), the rest "C".
        let wrong = matches!(r.metadata["sample_id"].as_u64(), Some(3 | 7));
        assert_eq!(scores(r), [("match", Some(if wrong { 0.0 } else { 1.0 }))], "{}", r.id);
    }
    assert_eq!(rollouts[1].metadata["target"], " No");
}

fn dedup_sample() -> Value {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(fixture(DEDUP))).unwrap();
    let mut text = String::new();
    archive.by_name("samples/0_epoch_1.json").unwrap().read_to_string(&mut text).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn message_pool_archive_loads_the_full_agent_loop() {
    let rollouts = load(DEDUP);
    assert_eq!(ids(&rollouts), ["inspect_test_utils/guess_number/0/epoch1"]);
    let r = &rollouts[0];
    let (u, a, t) = (Role::User, Role::Assistant, Role::Tool);
    assert_eq!(roles(r), [u, a, t, a, t, a, t, a, t, a, t, a]);
    assert_eq!(r.turn_messages().len(), 6);
    for turn in 1..=5 {
        let call = &r.turn(turn).unwrap().tool_calls;
        assert_eq!((call[0].name.as_str(), call[0].arguments.as_str()), ("bash", r#"{"cmd":"ls"}"#));
    }
    assert_eq!(r.turn(6).unwrap().text, "done");
    assert_eq!(scores(r), [("closeness_log", Some(0.0))]);
    assert_eq!(r.metadata["sample_id"], "0");
    assert_eq!(r.metadata["target"], "42.7");
}

/// In the real v3 layout the pool backs the model events (`input: []` plus `input_refs`); the
/// sample's `messages` stay whole. Expanding the last event's refs must rebuild that list.
#[test]
fn message_pool_refs_expand_to_the_same_messages() {
    let mut sample = dedup_sample();
    assert_eq!(sample["message_pool"].as_array().unwrap().len(), 11);
    let models: Vec<&Value> =
        sample["events"].as_array().unwrap().iter().filter(|e| e["event"] == "model").collect();
    assert_eq!(models.len(), 6);
    assert!(models.iter().all(|e| e["input"] == serde_json::json!([])));
    assert_eq!(models[5]["input_refs"], serde_json::json!([[0, 11]]));
    let ctx = LogContext {
        task: "inspect_test_utils/guess_number".into(),
        model: Some("hardcoded/hardcoded".into()),
        turn_array: None,
    };
    let full = decode_sample(&sample, &ctx, 0).unwrap().0;
    assert_eq!(full, load(DEDUP)[0]);
    sample.as_object_mut().unwrap().remove("messages");
    let expanded = decode_sample(&sample, &ctx, 0).unwrap().0;
    assert_eq!(expanded.messages.len(), 12);
    assert_eq!(expanded.messages, full.messages);
}

#[test]
fn every_real_json_head_is_recognised() {
    for name in [BROWSER, SECURITY, "log_images_tc.json", "log_read_sample.json"] {
        let bytes = fixture(name);
        assert!(looks_like_inspect_json(&bytes[..300]), "{name}");
    }
}
