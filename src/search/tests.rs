use std::path::PathBuf;

use super::*;
use crate::load::LoadOptions;

fn literal(text: &str) -> Request {
    let pattern = Pattern::new(text, PatternOptions { literal: true, ignore_case: None }).unwrap();
    Request { pattern, scope: Scope::default(), snippets: true }
}

/// (rollout, message, byte ranges of the matches).
type Found = (u32, u32, Vec<(u32, u32)>);

/// The reference: every rollout decoded one by one, every message searched with
/// `str::match_indices` (ASCII case folded for a lowercase pattern, which keeps byte offsets).
fn naive(study: &Study, needle: &str) -> Vec<Found> {
    let fold = !needle.chars().any(char::is_uppercase);
    let mut out = Vec::new();
    for i in 0..study.rollouts.len() {
        let rollout = study.read_rollout(i).unwrap();
        for (m, message) in rollout.messages.iter().enumerate() {
            let text = message.full_text();
            let hay = if fold { text.to_ascii_lowercase() } else { text.clone() };
            let spans: Vec<(u32, u32)> =
                hay.match_indices(needle).map(|(a, s)| (a as u32, (a + s.len()) as u32)).collect();
            if !spans.is_empty() {
                out.push((i as u32, m as u32, spans));
            }
        }
    }
    out
}

fn flat(found: &[RolloutHits]) -> Vec<Found> {
    found.iter().flat_map(|r| r.messages.iter().map(|m| (r.rollout, m.message, m.spans.clone()))).collect()
}

fn fixture_study() -> Study {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let paths: Vec<PathBuf> = [
        "shapes.jsonl",
        "judge/transcripts.jsonl",
        "real/tb_airline.json",
        "real/persona_drift__therapy.json",
        "inspect/log_read_sample.eval",
        "inspect/2025-05-12T20-28-26-04-00_security-guide.json",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    Study::load(&paths, &LoadOptions::default())
}

#[test]
fn hits_equal_a_naive_search_of_every_decoded_message() {
    let study = fixture_study();
    assert!(study.sources.len() >= 6 && study.rollouts.len() > 10, "{}", study.rollouts.len());
    let plan = SearchPlan::of(&study);
    // Words that are also JSON keys or role names ("content", "user", "tool"), case-sensitive
    // ones, and ones with characters JSON escapes (no raw prefilter).
    for needle in ["the", "user", "content", "tool", "I ", "The", "you'", "\"", "<", "\n", "é", "rm -rf"] {
        let found = search(&plan, &literal(needle), &|| false);
        let reference = naive(&study, needle);
        // Every needle but one is in some message (counted once by hand: "tool" in 1, "é" in
        // none, which must stay none).
        assert_eq!(reference.is_empty(), needle == "é", "{needle:?}");
        assert_eq!(flat(&found), reference, "{needle:?}");
    }
    // A key is never a match: every record has "role", only some messages say it.
    let in_text = naive(&study, "\"role\"");
    assert_eq!(flat(&search(&plan, &literal("\"role\""), &|| false)), in_text);
}

#[test]
fn the_demo_finds_what_its_messages_say_in_order() {
    let study = Study::demo(&LoadOptions::default());
    let plan = SearchPlan::of(&study);
    let order = Mutex::new(Vec::new());
    search_streaming(&plan, &literal("again"), &|| false, &|hits| {
        order.lock().unwrap().extend(hits.iter().map(|h| h.rollout));
    });
    let order = order.into_inner().unwrap();
    assert_eq!(order.len(), 40, "every demo rollout is told to try again");
    assert!(order.windows(2).all(|w| w[0] < w[1]), "handed over in study order: {order:?}");
    assert_eq!(flat(&search(&plan, &literal("again"), &|| false)), naive(&study, "again"));
    assert!(search(&plan, &literal("\"content\""), &|| false).is_empty());
}

#[test]
fn role_and_turns_narrow_the_messages_and_turns_are_numbered() {
    let study = Study::demo(&LoadOptions::default());
    let plan = SearchPlan::of(&study);
    let mut request = literal("again");
    request.scope.role = Some("user".into());
    let users = search(&plan, &request, &|| false);
    assert!(users.iter().flat_map(|r| &r.messages).all(|m| m.role == Role::User && m.turn.is_none()));
    request.scope.role = Some("assistant".into());
    request.scope.turns = Some(vec![(2, 3)]);
    let assistants = search(&plan, &request, &|| false);
    let turns: Vec<u32> = assistants.iter().flat_map(|r| &r.messages).filter_map(|m| m.turn).collect();
    assert!(!turns.is_empty() && turns.iter().all(|t| (2..=3).contains(t)), "{turns:?}");
    // The turn is the assistant message's 1-based number in its rollout.
    for r in &assistants {
        let rollout = study.read_rollout(r.rollout as usize).unwrap();
        for m in &r.messages {
            assert_eq!(rollout.turn_of_message(m.message as usize), m.turn.map(|t| t as usize));
        }
    }
    // A non-assistant message has no turn, so --turns leaves it out.
    request.scope.role = Some("user".into());
    assert!(search(&plan, &request, &|| false).is_empty());
}

#[test]
fn snippets_keep_their_line_and_cut_with_an_ellipsis() {
    let text = "first line\nsome words before the match and some words after it too\nlast";
    let start = text.find("match").unwrap();
    assert_eq!(snippet(text, start, start + 5), "some words before the match and some words after it too");
    let long = format!("{}needle{}", "a".repeat(60), "b".repeat(60));
    let s = snippet(&long, 60, 66);
    assert_eq!(s, format!("…{}needle{}…", "a".repeat(40), "b".repeat(40)));
    // Never cut inside a character; control characters are made visible.
    let wide = format!("{}x\u{1b}[31m", "é".repeat(30));
    let s = snippet(&wide, 60, 61);
    assert!(s.starts_with('…') && s.contains('x') && !s.contains('\u{1b}'), "{s:?}");
}

#[test]
fn cancelled_searches_stop_and_counts_add_up() {
    let study = Study::demo(&LoadOptions::default());
    let plan = SearchPlan::of(&study);
    assert!(search(&plan, &literal("again"), &|| true).is_empty());
    let found = search(&plan, &literal("again"), &|| false);
    let total: usize = found.iter().map(RolloutHits::count).sum();
    let reference: usize = naive(&study, "again").iter().map(|(_, _, s)| s.len()).sum();
    assert_eq!(total, reference);
    assert_eq!(Hit::of(&found).len(), naive(&study, "again").len());
}

mod raw_records {
    use proptest::prelude::*;

    use super::*;
    use crate::formats::decode_record;
    use crate::formats::tests_generated::{python_ascii, record};

    fn request() -> impl Strategy<Value = Request> {
        let pattern = prop::sample::select(vec![
            "a",
            "e",
            "n",
            "t a",
            "give up",
            "é",
            "<<rm",
            "[a-z]+ [a-z]",
            "\n",
            "😀",
            "A",
        ]);
        let role = prop::option::of(prop::sample::select(vec!["assistant", "user", "gpt", "tool"]));
        let turns = prop::option::of(Just(vec![(2u32, 3u32)]));
        (pattern, any::<bool>(), role, turns, any::<bool>()).prop_map(
            |(text, literal, role, turns, snippets)| {
                let options = PatternOptions { literal, ignore_case: None };
                let pattern = Pattern::new(text, options).expect("compiles");
                Request { pattern, scope: Scope { role: role.map(str::to_string), turns }, snippets }
            },
        )
    }

    /// Reads the record the fast way; when it does, the hits are those of the decoded rollout.
    fn agree(json: &str, request: &Request) -> Result<(), TestCaseError> {
        let decoded = decode_record(json, "f:1").expect("generated records decode");
        let reference = matches_in(&decoded, request, 7);
        let plain = !json.contains("tool_calls") && !json.contains("thinking");
        match matches_in_text(json, request, 7) {
            Some(found) => prop_assert_eq!(found, reference, "{}", json),
            // Only records with reasoning or tool calls leave.
            None => prop_assert!(!plain, "left the fast path: {}", json),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn hits_in_raw_records_equal_hits_in_decoded_ones(record in record(), request in request(), pretty in any::<bool>()) {
            let json = if pretty { serde_json::to_string_pretty(&record) } else { serde_json::to_string(&record) }.expect("serialises");
            agree(&json, &request)?;
            agree(&python_ascii(&json), &request)?;
        }
    }

    #[test]
    fn odd_records_leave_the_fast_path() {
        let request = literal("hi");
        let leave = [
            r#"{"messages": [{"role": "user", "content": "hi", "thinking": "hi"}]}"#,
            r#"{"messages": "hi"}"#,
            r#"{"messages": ["hi"]}"#,
            r#"{"messages": [{"content": "hi"}]} x"#,
            r#"{"messages": [{"content": "hi", "n": NaN}]}"#,
        ];
        for json in leave {
            assert_eq!(matches_in_text(json, &request, 0), None, "{json}");
        }
        // The best-ranked list key wins, whatever the order; null content is empty text.
        let json = r#"{"traj": [{"content": "hi"}], "messages": [{"from": "gpt", "value": "hi hi"}, {"content": null}]}"#;
        let found = matches_in_text(json, &request, 0).unwrap().unwrap();
        assert_eq!(found.messages.len(), 1);
        assert_eq!(
            (found.messages[0].role, found.messages[0].turn, found.count()),
            (Role::Assistant, Some(1), 2)
        );
        // A plain literal is found in escaped text at its offsets once decoded; one starting
        // on an escape's letter, or text with a \u escape, is decoded instead.
        let count = |needle: &str, text: &str| {
            let json = format!(r#"{{"messages": [{{"content": "{text}"}}]}}"#);
            let found = matches_in_text(&json, &Request { snippets: false, ..literal(needle) }, 0);
            found.unwrap().map(|r| r.messages[0].spans.clone()).unwrap_or_default()
        };
        assert_eq!(count("hi", r#"\"hi\" \\hi\nhi"#), vec![(1, 3), (6, 8), (9, 11)]);
        assert_eq!(count("ni", r#"\ni ni"#), vec![(3, 5)]);
        assert_eq!(count("hi", r#"\u0068i hi"#), vec![(0, 2), (3, 5)]);
        // Typed parts are joined by a newline, as shown.
        let json = r#"{"messages": [{"role": "user", "content": ["h", {"type": "text", "text": "i hi"}, {"type": "image"}]}]}"#;
        let found = matches_in_text(json, &request, 0).unwrap().unwrap();
        assert_eq!(found.messages[0].spans, vec![(4, 6)]);
    }
}

/// Matches per rollout, from (rollout, message, spans).
fn per_rollout(found: &[Found]) -> Vec<(u32, usize)> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for (rollout, _, spans) in found {
        match counts.last_mut() {
            Some((r, n)) if r == rollout => *n += spans.len(),
            _ => counts.push((*rollout, spans.len())),
        }
    }
    counts
}

#[test]
fn counts_taken_while_loading_equal_the_naive_search() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    // JSONL (one with broken lines and repeated ids), a JSON file, an Inspect log and archive.
    let paths: Vec<PathBuf> = [
        "shapes.jsonl",
        "bad_lines.jsonl",
        "judge/transcripts.jsonl",
        "real/tb_airline.json",
        "inspect/log_read_sample.eval",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    let mut both_ways = false;
    for needle in ["the", "user", "content", "I ", "The", "\n", "é", "rm -rf", "again"] {
        let visitor = std::sync::Arc::new(CountWhileLoading::new(literal(needle)));
        let options = LoadOptions { visitor: Some(visitor.clone()), ..LoadOptions::default() };
        let study = Study::load(&paths, &options);
        let Counted { mut counts, rest } = visitor.counted(&study);
        both_ways |= !counts.is_empty() && !rest.is_empty();
        counts.extend(search(&rest, &literal(needle), &|| false).iter().map(|r| (r.rollout, r.count())));
        counts.sort_unstable();
        assert_eq!(counts, per_rollout(&naive(&study, needle)), "{needle:?}");
    }
    assert!(both_ways, "some counts were taken while loading and some after");
}

#[test]
fn a_source_whose_records_were_not_all_seen_is_searched_after_loading() {
    let study = fixture_study();
    // This visitor was never shown a record: nothing is covered, all is left to search.
    let counted = CountWhileLoading::new(literal("the")).counted(&study);
    assert!(counted.counts.is_empty());
    let all: usize = SearchPlan::of(&study).sources.iter().map(|(_, list)| list.len()).sum();
    let rest: usize = counted.rest.sources.iter().map(|(_, list)| list.len()).sum();
    assert_eq!((rest, all), (study.rollouts.len(), study.rollouts.len()));
}
