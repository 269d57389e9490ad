//! Building blocks of the corpus: JSON lines, hostile rollouts, huge content, Inspect logs
//! and archives, label files, and reproducible noise.

use std::path::Path;

use serde_json::{Value, json};

use super::{HOSTILE, all_hostile};

/// Deterministic bytes (xorshift64*).
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

pub fn line(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// A rollout carrying `h` in every string a file can hold: id, metadata keys and values,
/// rollout and turn score names, role names, text parts, part types, tool names and arguments.
pub fn hostile_rollout(id: &str, h: &str) -> Value {
    json!({
        "id": id,
        "metadata": {"condition": h, "dataset": h, h: h, "nested": {"k": h}, "n": 1},
        "scores": {h: 1, "total": 2},
        "messages": [
            {"role": "system", "content": h},
            {"role": h, "content": format!("from a role named by the model: {h}")},
            {"role": "user", "content": [{"type": "text", "text": h}, {"type": h, "data": h}]},
            {"role": "assistant", "content": format!("before {h} after"),
             "scores": {"frustration": 3, h: 7},
             "tool_calls": [{"id": h, "type": "function",
                             "function": {"name": h, "arguments": line(&json!({"arg": h}))}}]},
            {"role": "tool", "content": h},
            {"role": "assistant", "content": format!("{h}\n{h}\t{h}"), "scores": {"frustration": 8}},
        ],
    })
}

pub fn jsonl(lines: &[String]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

/// Sets a file's permission bits.
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// One assistant message of about 300 KB: words, one 60 KB word with no space, wide
/// characters and hostile strings spread through it.
pub fn huge_rollout() -> Value {
    let mut text = String::with_capacity(310_000);
    let mut i = 0;
    while text.len() < 300_000 {
        match i % 50 {
            7 => text.push_str(HOSTILE[(i / 50) % HOSTILE.len()].1),
            13 => text.push_str("世界は広い "),
            29 => text.push('\n'),
            _ => text.push_str("lorem ipsum dolor sit amet "),
        }
        if i == 1000 {
            text.push_str(&"x".repeat(60_000));
        }
        i += 1;
    }
    json!({"id": "huge-300k", "messages": [
        {"role": "user", "content": "Write a lot."},
        {"role": "assistant", "content": text, "scores": {"frustration": 4}},
    ]})
}

/// A rollout of `turns` assistant turns, each after a user message, all scored.
pub fn long_rollout(turns: usize) -> Value {
    let mut messages = Vec::with_capacity(turns * 2);
    for t in 0..turns {
        messages.push(json!({"role": "user", "content": "That's not right, try again."}));
        messages
            .push(json!({"role": "assistant", "content": format!("Attempt {t}: the answer is {}.", t * 7),
            "scores": {"frustration": (t % 11) as f64}}));
    }
    json!({"id": format!("long-{turns}"), "metadata": {"condition": "long"}, "messages": messages})
}

pub fn header_json() -> String {
    line(
        &json!({"version": 2, "status": "success", "eval": {"task": format!("task-{}", all_hostile()), "model": all_hostile()}}),
    )
}

pub fn inspect_sample(id: u64, h: &str) -> Value {
    json!({"id": id, "epoch": 1, "input": h, "target": h,
    "metadata": {h: h, "condition": h},
    "scores": {h: {"value": 1}, "match": {"value": "C"}},
    "messages": [
        {"role": "system", "content": h},
        {"role": "user", "content": [{"type": "text", "text": h}, {"type": "image", "image": h}]},
        {"role": "assistant", "content": [{"type": "reasoning", "reasoning": h}, {"type": "text", "text": h}],
         "tool_calls": [{"id": "c1", "function": h, "arguments": {"q": h}}],
         "metadata": {"frustration": 6, h: 2}},
        {"role": "tool", "content": h, "error": {"type": h, "message": h}},
    ]})
}

/// A JSON Inspect log: two hostile samples, a sample of the wrong shape, a deep sample, and
/// a NaN score. Lines are fixed so the problem positions are known.
pub fn inspect_log() -> (String, Vec<String>) {
    let task = format!("task-{}", all_hostile());
    let text = format!(
        "{{\"version\": 2, \"status\": \"success\",\n\"eval\": {{\"task\": {}, \"model\": {}}},\n\"samples\": [\n{},\n{},\n{{\"id\": 3, \"messages\": 5}},\n{{\"id\": 4, \"metadata\": {}{}}},\n{{\"id\": 5, \"epoch\": 1, \"scores\": {{\"s\": {{\"value\": NaN}}}}, \"messages\": [{{\"role\": \"assistant\", \"content\": \"ok\"}}]}}\n]}}\n",
        line(&json!(task)),
        line(&json!(all_hostile())),
        line(&inspect_sample(1, &all_hostile())),
        line(&inspect_sample(2, HOSTILE[0].1)),
        "[".repeat(200_000),
        "]".repeat(200_000),
    );
    (text, vec![format!("{task}/1/epoch1"), format!("{task}/2/epoch1"), format!("{task}/5/epoch1")])
}

/// A zip archive of stored entries.
pub fn eval_archive(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The annotator `ana`'s file: labels with hostile tags and notes on hostile rollouts, a
/// hand-broken line and a line with a raw control character; and another annotator whose
/// file name is an attack.
pub fn write_labels(dir: &Path) {
    let record =
        |rollout: &str, turn: Option<u32>, score: Option<u8>, tags: Vec<String>, note: Option<String>| {
            line(&json!({"rollout": rollout, "turn": turn, "score": score, "tags": tags, "note": note,
            "annotator": "ana", "time": "2026-11-23T00:00:00Z", "source": "escapes.jsonl"}))
        };
    let first = format!("esc-{}-{}", HOSTILE[0].0, HOSTILE[0].1);
    let tags: Vec<String> = HOSTILE.iter().take(8).map(|(_, h)| format!("tag{h}")).collect();
    let mut text = [
        record(&first, Some(1), Some(4), tags.clone(), Some(all_hostile())),
        "{\"rollout\": \"esc-all\", \"turn\": 1, \"score\": oops}".to_string(),
        record("esc-all", Some(2), Some(9), vec![all_hostile()], Some(format!("note {}", HOSTILE[3].1))),
        "{\"rollout\": \"raw\x1b[2J\", \"turn\": 1}".to_string(),
        record("esc-all", None, None, vec![], Some(format!("rollout note {}", all_hostile()))),
    ]
    .join("\n");
    text.push('\n');
    std::fs::write(dir.join("ana.jsonl"), text).unwrap();
    let other = record(&first, Some(1), Some(2), tags, Some(all_hostile())).replace("\"ana\"", "\"bob\"");
    std::fs::write(dir.join("bob\x1b]0;evil\x07\u{202e}.jsonl"), format!("{other}\n")).unwrap();
}
