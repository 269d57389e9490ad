//! The corpus's cases, by kind: each function writes its files and says what must load from
//! each and which problems must appear.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::content::*;
use super::*;

/// Files that fail as a whole, named to sort first.
pub fn failing_wholes(b: &mut Builder) {
    // --- Files that must fail as a whole, named to sort before the good ones: a file that
    // fails before it is announced must not shift which file later rollouts are read from.
    b.add(
        "0-garbage.eval",
        &[b"PK\x03\x04".as_slice(), &noise(7, 3000)].concat(),
        vec![],
        vec![whole("not a readable .eval archive")],
    );
    let cut_eval = eval_archive(&[("header.json", header_json().into_bytes())]);
    b.add(
        "0-truncated.eval",
        &cut_eval[..cut_eval.len() / 2],
        vec![],
        vec![whole("not a readable .eval archive")],
    );
    b.add(
        "0-unreadable.jsonl",
        &jsonl(&[line(&json!({"id": "secret", "messages": []}))]),
        vec![],
        vec![whole("Permission denied")],
    );
}

/// Escape sequences, controls and bidi in every field; wide text.
pub fn terminal_attacks(b: &mut Builder) {
    // --- Terminal attacks in every field.
    let escape_ids: Vec<String> = HOSTILE.iter().map(|(name, h)| format!("esc-{name}-{h}")).collect();
    let mut lines: Vec<String> =
        HOSTILE.iter().zip(&escape_ids).map(|((_, h), id)| line(&hostile_rollout(id, h))).collect();
    lines.push(line(&hostile_rollout("esc-all", &all_hostile())));
    let mut expected = escape_ids.clone();
    expected.push("esc-all".into());
    b.add("escapes.jsonl", &jsonl(&lines), expected, vec![]);

    let array: Vec<Value> =
        HOSTILE[..4].iter().map(|(name, h)| hostile_rollout(&format!("escj-{name}"), h)).collect();
    let array_ids = HOSTILE[..4].iter().map(|(name, _)| format!("escj-{name}")).collect();
    b.add("escapes.json", serde_json::to_string_pretty(&array).unwrap().as_bytes(), array_ids, vec![]);

    // A raw ESC inside a JSON string is invalid JSON: that line is reported, the rest load.
    let raw = [
        line(&json!({"id": "raw-1", "messages": [{"role": "user", "content": "fine"}]})),
        "{\"id\": \"raw-2\", \"messages\": [{\"role\": \"user\", \"content\": \"a\x1b[2Jb\"}]}".to_string(),
        "{\"id\": \"raw-3\u{9b}\u{202e}\", \"messages\": []}".to_string(),
    ];
    b.add(
        "raw_controls.jsonl",
        &jsonl(&raw),
        ids(&["raw-1", "raw-3\u{9b}\u{202e}"]),
        vec![at(2, 60, "control character")],
    );

    // A file name that is itself an attack; its rollout has no id, so the name is in the id.
    let evil_name = "evil-\x1b[2J\x1b]0;owned\x07\u{202e}\t\u{9b}name\n.jsonl";
    let evil = [
        line(&json!({"messages": [{"role": "assistant", "content": "ok", "scores": {"frustration": 1}}]})),
        "{oops".into(),
    ];
    b.add(evil_name, &jsonl(&evil), vec![format!("{evil_name}:1")], vec![at(2, 2, "key must be a string")]);

    // Wide and combining characters in ids and metadata: the list must stay aligned.
    let wide: Vec<String> = [
        ("w-cjk", "世界世界世界世界世界世界"),
        ("w-emoji", "👩\u{200d}👩\u{200d}👧❤\u{fe0f}👍🏽🏳\u{fe0f}\u{200d}🌈"),
        ("w-comb", "e\u{301}e\u{301}e\u{301}Z\u{336}\u{337}"),
        ("w-plain", "plain"),
    ]
    .iter()
    .map(|(id, s)| {
        line(&json!({"id": format!("{id}-{s}"), "metadata": {"condition": s, "dataset": s},
                "messages": [{"role": "assistant", "content": s, "scores": {"frustration": 7}}]}))
    })
    .collect();
    let wide_ids = vec![
        "w-cjk-世界世界世界世界世界世界".to_string(),
        "w-emoji-👩\u{200d}👩\u{200d}👧❤\u{fe0f}👍🏽🏳\u{fe0f}\u{200d}🌈".to_string(),
        "w-comb-e\u{301}e\u{301}e\u{301}Z\u{336}\u{337}".to_string(),
        "w-plain-plain".to_string(),
    ];
    b.add("wide.jsonl", &jsonl(&wide), wide_ids, vec![]);
}

/// Invalid JSON, wrong types, bad UTF-8, BOM and CRLF, truncation, NaN.
pub fn bad_files(b: &mut Builder) {
    // --- Bad files.
    // A hole in an array (`,,`): the elements around it still load, the hole is reported.
    b.add(
        "holes.json",
        b"[{\"id\": \"h-1\", \"messages\": []},\n , {\"id\": \"h-3\", \"messages\": []}]\n",
        ids(&["h-1", "h-3"]),
        vec![at(2, 2, "rollout 1: EOF")],
    );
    b.add(
        "invalid.json",
        b"{\"id\": \"x\",\n \"messages\": [}\n",
        vec![],
        vec![at(2, 15, "expected a value")],
    );

    let wrong = [
        line(&json!({"id": "wt-1", "messages": [{"role": "assistant", "content": "ok"}]})),
        line(&json!({"id": "wt-2", "messages": "not a list"})),
        line(&json!({"id": "wt-3", "messages": [1, 2]})),
        line(&json!({"id": {"nested": true}, "messages": []})),
        line(
            &json!({"id": "wt-5", "messages": [{"role": 5, "content": 7, "scores": {"frustration": "high", "x": true}}]}),
        ),
        "[1, 2, 3]".into(),
        "\"just a string\"".into(),
        line(&json!({"\u{1b}[2J\u{202e}": 1})),
        line(&json!({"id": "wt-9", "messages": [{"role": "assistant", "content": {"weird": "object"}}]})),
        line(&json!({"id": "wt-10", "messages": null})),
        "null".into(),
        line(&json!({"id": "wt-12", "metadata": [1, 2], "messages": []})),
        "{\"id\": 1e400, \"messages\": []}".into(),
        "{\"id\": 12345678901234567890123, \"messages\": []}".into(),
        line(&json!({"id": true, "messages": [{"role": "assistant", "content": [1, null, {"type": 5}]}]})),
        // Values the fast indexer skips raw must be refused as the reader refuses them.
        "{\"id\": \"wt-16\", \"messages\": [{\"role\": \"user\", \"content\": \"cut emoji \\ud83d\"}]}"
            .into(),
        "{\"id\": \"wt-17\", \"messages\": [{\"role\": \"user\", \"meta\": 1e400}]}".into(),
        "{\"id\": \"wt-18\", \"messages\": [{\"role\": \"user\", \"content\": [{\"n\": -1e999}]}]}".into(),
        "{\"id\": \"wt-19\", \"messages\": [{\"role\": \"user\", \"content\": \"emoji \\ud83d\\ude00 ok\"}]}"
            .into(),
    ];
    b.add(
        "wrong_types.jsonl",
        &jsonl(&wrong),
        ids(&[
            "wt-1",
            "wrong_types.jsonl:4",
            "wt-5",
            "wt-9",
            "wt-12",
            "1.2345678901234568e+22",
            "wrong_types.jsonl:15",
            "wt-19",
        ]),
        vec![
            at(2, 1, "must be an array, found a string"),
            at(3, 1, "message 0 is a number"),
            at(5, 26, "message 1 has no role"),
            at(6, 1, "expected a rollout object, found an array"),
            at(7, 1, "expected a rollout object, found a string"),
            at(8, 1, "found keys: \u{1b}[2J\u{202e}"),
            at(10, 1, "must be an array, found null"),
            at(11, 1, "expected a rollout object, found null"),
            at(13, 12, "number out of range"),
            at(16, 75, "hex escape"),
            at(17, 59, "number out of range"),
            at(18, 70, "number out of range"),
        ],
    );

    let mut bad_utf8 = Vec::new();
    bad_utf8.extend(line(&json!({"id": "u-1", "messages": []})).as_bytes());
    bad_utf8
        .extend(b"\n{\"id\": \"u-2\", \"messages\": [{\"role\": \"user\", \"content\": \"a\xff\xfeb\"}]}\n");
    bad_utf8.extend(line(&json!({"id": "u-3", "messages": []})).as_bytes());
    bad_utf8.extend(b"\n{\"id\": \"overlong\xc0\xaf\", \"messages\": []}\n{\"id\": \"surrogate\xed\xa0\x80\", \"messages\": []}\n");
    bad_utf8.extend(line(&json!({"id": "u-6", "messages": []})).as_bytes());
    bad_utf8.extend(b"\n{\"id\": \"cut\xe4\xb8");
    b.add(
        "bad_utf8.jsonl",
        &bad_utf8,
        ids(&["u-1", "u-3", "u-6"]),
        vec![
            at(2, 58, "invalid UTF-8"),
            at(4, 17, "invalid UTF-8"),
            at(5, 18, "invalid UTF-8"),
            at(7, 12, "invalid UTF-8"),
        ],
    );
    b.add(
        "bad_utf8.json",
        b"[{\"id\": \"bu-1\", \"messages\": []},\n {\"id\": \"b\xff\", \"messages\": []}]\n",
        vec![],
        vec![at(2, 11, "invalid UTF-8")],
    );

    let mut bom_crlf = b"\xEF\xBB\xBF".to_vec();
    for l in [
        line(&json!({"id": "bc-1", "messages": [{"role": "assistant", "content": "one\r\ntwo"}]})),
        String::new(),
        line(&json!({"id": "bc-3", "messages": []})),
        "{\"id\": \"bc-bad\", \"messages\": [}".into(),
        "\u{feff}{\"id\": \"bc-midfile-bom\", \"messages\": []}".into(),
        line(&json!({"id": "bc-6", "messages": []})),
    ] {
        bom_crlf.extend(l.as_bytes());
        bom_crlf.extend(b"\r\n");
    }
    b.add(
        "bom_crlf.jsonl",
        &bom_crlf,
        ids(&["bc-1", "bc-3", "bc-6"]),
        vec![at(4, 31, "expected a value"), at(5, 1, "expected a value")],
    );
    let bom_json = [
        b"\xEF\xBB\xBF".as_slice(),
        b"[\r\n  {\"id\": \"bj-1\", \"messages\": []},\r\n  {\"messages\": []}\r\n]\r\n",
    ]
    .concat();
    b.add("bom_crlf.json", &bom_json, ids(&["bj-1", "bom_crlf.json:1"]), vec![]);

    let trunc = [
        line(&json!({"id": "t-1", "messages": []})),
        line(&json!({"id": "t-2", "messages": []})),
        "{\"id\": \"t-3\", \"messages\": [{\"role\": \"assistant\", \"content\": \"cut he".into(),
    ];
    b.add("truncated.jsonl", trunc.join("\n").as_bytes(), ids(&["t-1", "t-2"]), vec![at(3, 67, "EOF")]);
    b.add(
        "truncated.json",
        b"[\n {\"id\": \"tj-1\", \"messages\": []},\n {\"id\": \"tj-2\", \"mess",
        vec![],
        vec![at(3, 21, "EOF")],
    );

    let nonfinite = [
        "{\"id\": \"nf-1\", \"messages\": [{\"role\": \"assistant\", \"content\": \"NaN and Infinity stay text\", \"scores\": {\"frustration\": NaN}}, {\"role\": \"assistant\", \"content\": \"x\", \"scores\": {\"frustration\": Infinity}}, {\"role\": \"assistant\", \"content\": \"y\", \"scores\": {\"frustration\": -Infinity}}, {\"role\": \"assistant\", \"content\": \"z\", \"scores\": {\"frustration\": 1}}]}".to_string(),
        "{\"id\": \"nf-2\", \"metadata\": {\"temperature\": NaN}, \"messages\": []}".into(),
        "{\"id\": \"nf-3\", \"messages\": [], \"x\": NaNa}".into(),
    ];
    b.add("nonfinite.jsonl", &jsonl(&nonfinite), ids(&["nf-1", "nf-2"]), vec![at(3, 37, "expected a value")]);
    b.add(
        "nonfinite.json",
        b"[{\"id\": \"nfj-1\", \"messages\": [{\"role\": \"assistant\", \"content\": \"a\", \"scores\": {\"frustration\": NaN}}]}]",
        ids(&["nfj-1"]),
        vec![],
    );
}

/// Deep nesting, empty and blank files, binary garbage.
pub fn deep_empty_and_binary(b: &mut Builder) {
    // 200,000-deep nesting in every position a decoder might recurse into.
    let depth = 200_000;
    let (open, close) = ("[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let deep = [
        line(&json!({"id": "deep-1", "messages": []})),
        format!("{{\"id\": \"deep-2\", \"messages\": [{{\"role\": \"user\", \"content\": {open}{close}}}]}}"),
        format!(
            "{{\"id\": \"deep-3\", \"messages\": [{{\"role\": \"assistant\", \"content\": {open}{close}}}]}}"
        ),
        format!("{open}{close}"),
        format!("{{\"id\": \"deep-5\", \"metadata\": {{\"x\": {objects}}}, \"messages\": []}}"),
        format!("{{\"id\": \"deep-6\", \"messages\": [], \"extra\": {open}{close}}}"),
        format!("{{\"id\": \"deep-7\", \"messages\": [{{\"role\": \"user\", \"unknown\": {objects}}}]}}"),
        format!(
            "{{\"id\": \"deep-8\", \"messages\": [{{\"role\": \"assistant\", \"scores\": {{\"s\": {open}{close}}}}}]}}"
        ),
        format!("{{\"id\": \"deep-9\", \"messages\": {open}{close}}}"),
        line(&json!({"id": "deep-10", "messages": []})),
    ];
    b.add(
        "deep.jsonl",
        &jsonl(&deep),
        ids(&["deep-1", "deep-10"]),
        vec![
            on_line(2, "recursion limit"),
            on_line(3, "recursion limit"),
            on_line(4, "recursion limit"),
            on_line(5, "recursion limit"),
            on_line(6, "recursion limit"),
            on_line(7, "recursion limit"),
            on_line(8, "recursion limit"),
            on_line(9, "recursion limit"),
        ],
    );
    b.add(
        "deep_array.json",
        format!("[{open}{close}]").as_bytes(),
        vec![],
        vec![on_line(1, "recursion limit")],
    );
    b.add("deep_object.json", objects.as_bytes(), vec![], vec![on_line(1, "recursion limit")]);
    b.add(
        "deep_inspect.json",
        format!("{{\"version\": 2, \"eval\": {{\"task\": {open}{close}}}, \"samples\": []}}").as_bytes(),
        vec![],
        vec![on_line(1, "recursion limit")],
    );

    b.add("empty.jsonl", b"", vec![], vec![]);
    b.add("blank.jsonl", b"\n\n   \r\n\t\n", vec![], vec![]);
    b.add("empty.json", b"", vec![], vec![at(1, 1, "EOF")]);
    b.add("blank.json", b"  \n\n", vec![], vec![at(3, 1, "EOF")]);

    // Binary garbage (NULs, 0xFF, newlines): every non-blank line is reported, nothing loads.
    let binary = noise(42, 4096);
    let binary_problems = binary
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.strip_suffix(b"\r").unwrap_or(l).trim_ascii().is_empty())
        .map(|(i, _)| Expected { line: Some(i as u64 + 1), column: None, contains: "" })
        .collect();
    b.add("binary.jsonl", &binary, vec![], binary_problems);
    b.add("binary.json", &noise(43, 4096), vec![], vec![on_line(1, "")]);
}

/// Duplicate ids across files; a 300 KB message and a 10,000-turn rollout.
pub fn duplicates_and_huge(b: &mut Builder) {
    // Duplicate ids across files, including one that collides with a rename.
    b.add(
        "dup_a.jsonl",
        &jsonl(&[line(&json!({"id": "dup", "messages": []})), line(&json!({"id": "dup#2", "messages": []}))]),
        ids(&["dup", "dup#2"]),
        vec![],
    );
    b.add(
        "dup_b.jsonl",
        &jsonl(&[line(&json!({"id": "dup", "messages": []})), line(&json!({"id": "dup", "messages": []}))]),
        ids(&["dup", "dup#2"]),
        vec![whole("duplicate rollout id")],
    );

    // Huge content.
    b.add("huge_message.jsonl", &jsonl(&[line(&huge_rollout())]), ids(&["huge-300k"]), vec![]);
    b.add("long_rollout.jsonl", &jsonl(&[line(&long_rollout(10_000))]), ids(&["long-10000"]), vec![]);
}

/// Inspect logs with hostile text, a broken sample, bad UTF-8 and a deep sample.
pub fn inspect_logs(b: &mut Builder) {
    let depth = 200_000;
    let (open, close) = ("[".repeat(depth), "]".repeat(depth));
    // Inspect logs with hostile text, a broken sample, bad UTF-8 and a deep sample.
    let (inspect_json, inspect_ids) = inspect_log();
    b.add(
        "inspect_hostile.json",
        inspect_json.as_bytes(),
        inspect_ids.clone(),
        vec![on_line(6, "sample 2 skipped"), on_line(7, "sample 3 skipped")],
    );
    let eval = eval_archive(&[
        ("header.json", header_json().into_bytes()),
        ("samples/1_epoch_1.json", line(&inspect_sample(1, &all_hostile())).into_bytes()),
        ("samples/2_epoch_1.json", b"{\"id\": 2, \"messages\": [".to_vec()),
        ("samples/3_epoch_1.json", b"{\"id\": 3, \"x\": \"\xff\"}".to_vec()),
        ("samples/4_epoch_1.json", format!("{{\"id\": 4, \"metadata\": {open}{close}}}").into_bytes()),
    ]);
    let task = format!("task-{}", all_hostile());
    b.add(
        "inspect_hostile.eval",
        &eval,
        vec![format!("{task}/1/epoch1")],
        vec![whole("EOF"), whole("not UTF-8"), whole("recursion limit")],
    );
}

/// A directory symlink loop and a dangling link.
pub fn links(b: &mut Builder) {
    // A directory symlink loop and a dangling link: reported, never followed forever.
    std::fs::create_dir_all(b.root.join("loop/sub")).unwrap();
    std::os::unix::fs::symlink("..", b.root.join("loop/sub/back")).unwrap();
    std::os::unix::fs::symlink("nowhere.jsonl", b.root.join("loop/dangling.jsonl")).unwrap();
    std::fs::write(
        b.root.join("loop/sub/inside.jsonl"),
        jsonl(&[line(&json!({"id": "in-loop", "messages": []}))]),
    )
    .unwrap();
    b.files.push(FileCase {
        rel: PathBuf::from("loop"),
        ids: ids(&["in-loop"]),
        problems: vec![whole("symlink loop"), whole("cannot open")],
        skip_problems: false,
    });
}
