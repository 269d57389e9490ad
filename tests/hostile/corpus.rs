//! The hostile corpus: every kind of bad input issue 9 names, written into a temporary folder
//! with what must load from each file and which problems (with their positions) must appear.
//!
//! Nothing here is random at run time: "random" bytes come from a fixed xorshift seed, so a
//! failure always reproduces.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// Strings a model could write to attack the terminal or the layout, by name.
pub const HOSTILE: &[(&str, &str)] = &[
    ("csi-clear", "\x1b[2J\x1b[H"),
    ("sgr", "\x1b[31;1mred\x1b[0m"),
    ("osc52-clipboard", "\x1b]52;c;cm0gLXJmIH4=\x07"),
    ("osc8-link", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
    ("osc-title", "\x1b]0;pwned\x1b\\"),
    ("dcs", "\x1bP+q544e\x1b\\"),
    ("apc-pm-sos", "\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\"),
    ("c1-csi", "\u{9b}2J\u{9b}31m"),
    ("c1-osc", "\u{9d}52;c;AAAA\u{9c}"),
    ("c1-all", "\u{80}\u{85}\u{8d}\u{90}\u{9f}"),
    ("c0", "a\0b\x07c\x08d\x0be\x0cf\x0eg\x0fh\x1bi\x1fj"),
    ("del", "x\x7fy"),
    ("cr", "visible\rHIDDEN"),
    ("crlf-and-tabs", "a\r\nb\tc\t\td"),
    ("rlo", "invoice\u{202e}fdp.exe"),
    ("bidi-embeddings", "\u{202a}a\u{202b}b\u{202c}c\u{202d}d\u{202e}e"),
    ("bidi-isolates", "\u{2066}a\u{2067}b\u{2068}c\u{2069}"),
    ("bidi-marks", "x\u{200e}y\u{200f}z\u{61c}w"),
    ("invisible", "a\u{200b}b\u{feff}c\u{2060}d\u{2061}e"),
    ("separators", "a\u{2028}b\u{2029}c\u{85}d"),
    ("annotation", "\u{fff9}x\u{fffa}y\u{fffb}"),
    ("cjk", "世界こんにちは한국어漢字"),
    ("emoji-zwj", "👩\u{200d}👩\u{200d}👧\u{200d}👦🏳\u{fe0f}\u{200d}🌈❤\u{fe0f}👍🏽"),
    ("combining", "e\u{301}\u{302}\u{303}Z\u{336}\u{337}\u{338}a\u{20dd}"),
    ("fullwidth", "ＡＢＣ１２３"),
];

/// Characters that must never be in a rendered cell: C0 (newline and tab included: a cell is
/// one line), DEL, C1, bidi controls, and the invisible format characters the sanitiser turns
/// into placeholders.
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// All hostile strings in one.
pub fn all_hostile() -> String {
    HOSTILE.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(" | ")
}

/// A problem that must be reported: its line and column (`None`: the whole file, or not
/// pinned) and a piece of its message.
#[derive(Debug, Clone)]
pub struct Expected {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub contains: &'static str,
}

fn at(line: u64, column: u64, contains: &'static str) -> Expected {
    Expected { line: Some(line), column: Some(column), contains }
}

fn on_line(line: u64, contains: &'static str) -> Expected {
    Expected { line: Some(line), column: None, contains }
}

fn whole(contains: &'static str) -> Expected {
    Expected { line: None, column: None, contains }
}

/// One file of the corpus and what loading it alone must give.
#[derive(Debug, Clone)]
pub struct FileCase {
    /// Path relative to the corpus root (the name may itself be hostile).
    pub rel: PathBuf,
    /// Ids that load, in order (exactly these).
    pub ids: Vec<String>,
    /// Problems that must be reported (exactly this many, each matching one of these).
    pub problems: Vec<Expected>,
    /// Problems to skip checking: set for `chmod 000` when running as root (see `privileged`).
    pub skip_problems: bool,
}

/// The generated corpus.
pub struct Corpus {
    _tmp: tempfile::TempDir,
    /// The folder holding every rollout file (walked by the loader).
    pub root: PathBuf,
    /// A labels folder outside the root, with a hand-broken line and hostile labels.
    pub labels: PathBuf,
    pub files: Vec<FileCase>,
    /// `chmod 000` does not stop this process from reading (it runs as root or with
    /// CAP_DAC_OVERRIDE): the unreadable-file assertion is skipped.
    pub privileged: bool,
}

impl Corpus {
    pub fn path(&self, case: &FileCase) -> PathBuf {
        self.root.join(&case.rel)
    }

    pub fn case(&self, rel: &str) -> &FileCase {
        self.files.iter().find(|c| c.rel == Path::new(rel)).unwrap_or_else(|| panic!("no case {rel}"))
    }

    /// Every regular file under the root and the labels folder (symlinks not followed), for
    /// hashing before and after.
    pub fn all_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        collect_files(&self.root, &mut out);
        out.sort();
        out
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            collect_files(&path, out);
        } else if meta.is_file() {
            out.push(path);
        }
    }
}

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

fn line(v: &Value) -> String {
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

fn jsonl(lines: &[String]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

/// Writes the corpus.
pub fn generate() -> Corpus {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    let labels = tmp.path().join("labels");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&labels).unwrap();
    let mut files = Vec::new();
    let mut add = |rel: &str, bytes: &[u8], ids: Vec<String>, problems: Vec<Expected>| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        files.push(FileCase { rel: PathBuf::from(rel), ids, problems, skip_problems: false });
    };
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    // --- Files that must fail as a whole, named to sort before the good ones: a file that
    // fails before it is announced must not shift which file later rollouts are read from.
    add(
        "0-garbage.eval",
        &[b"PK\x03\x04".as_slice(), &noise(7, 3000)].concat(),
        vec![],
        vec![whole("not a readable .eval archive")],
    );
    let cut_eval = eval_archive(&[("header.json", header_json().into_bytes())]);
    add(
        "0-truncated.eval",
        &cut_eval[..cut_eval.len() / 2],
        vec![],
        vec![whole("not a readable .eval archive")],
    );
    add(
        "0-unreadable.jsonl",
        &jsonl(&[line(&json!({"id": "secret", "messages": []}))]),
        vec![],
        vec![whole("Permission denied")],
    );

    // --- Terminal attacks in every field.
    let escape_ids: Vec<String> = HOSTILE.iter().map(|(name, h)| format!("esc-{name}-{h}")).collect();
    let mut lines: Vec<String> =
        HOSTILE.iter().zip(&escape_ids).map(|((_, h), id)| line(&hostile_rollout(id, h))).collect();
    lines.push(line(&hostile_rollout("esc-all", &all_hostile())));
    let mut expected = escape_ids.clone();
    expected.push("esc-all".into());
    add("escapes.jsonl", &jsonl(&lines), expected, vec![]);

    let array: Vec<Value> =
        HOSTILE[..4].iter().map(|(name, h)| hostile_rollout(&format!("escj-{name}"), h)).collect();
    let array_ids = HOSTILE[..4].iter().map(|(name, _)| format!("escj-{name}")).collect();
    add("escapes.json", serde_json::to_string_pretty(&array).unwrap().as_bytes(), array_ids, vec![]);

    // A raw ESC inside a JSON string is invalid JSON: that line is reported, the rest load.
    let raw = [
        line(&json!({"id": "raw-1", "messages": [{"role": "user", "content": "fine"}]})),
        "{\"id\": \"raw-2\", \"messages\": [{\"role\": \"user\", \"content\": \"a\x1b[2Jb\"}]}".to_string(),
        "{\"id\": \"raw-3\u{9b}\u{202e}\", \"messages\": []}".to_string(),
    ];
    add(
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
    add(evil_name, &jsonl(&evil), vec![format!("{evil_name}:1")], vec![at(2, 2, "key must be a string")]);

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
    add("wide.jsonl", &jsonl(&wide), wide_ids, vec![]);

    // --- Bad files.
    // A hole in an array (`,,`): the elements around it still load, the hole is reported.
    add(
        "holes.json",
        b"[{\"id\": \"h-1\", \"messages\": []},\n , {\"id\": \"h-3\", \"messages\": []}]\n",
        ids(&["h-1", "h-3"]),
        vec![at(2, 2, "rollout 1: EOF")],
    );
    add("invalid.json", b"{\"id\": \"x\",\n \"messages\": [}\n", vec![], vec![at(2, 15, "expected value")]);

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
    add(
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
    add(
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
    add(
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
    add(
        "bom_crlf.jsonl",
        &bom_crlf,
        ids(&["bc-1", "bc-3", "bc-6"]),
        vec![at(4, 31, "expected value"), at(5, 1, "expected value")],
    );
    let bom_json = [
        b"\xEF\xBB\xBF".as_slice(),
        b"[\r\n  {\"id\": \"bj-1\", \"messages\": []},\r\n  {\"messages\": []}\r\n]\r\n",
    ]
    .concat();
    add("bom_crlf.json", &bom_json, ids(&["bj-1", "bom_crlf.json:1"]), vec![]);

    let trunc = [
        line(&json!({"id": "t-1", "messages": []})),
        line(&json!({"id": "t-2", "messages": []})),
        "{\"id\": \"t-3\", \"messages\": [{\"role\": \"assistant\", \"content\": \"cut he".into(),
    ];
    add("truncated.jsonl", trunc.join("\n").as_bytes(), ids(&["t-1", "t-2"]), vec![at(3, 67, "EOF")]);
    add(
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
    add("nonfinite.jsonl", &jsonl(&nonfinite), ids(&["nf-1", "nf-2"]), vec![at(3, 37, "expected value")]);
    add(
        "nonfinite.json",
        b"[{\"id\": \"nfj-1\", \"messages\": [{\"role\": \"assistant\", \"content\": \"a\", \"scores\": {\"frustration\": NaN}}]}]",
        ids(&["nfj-1"]),
        vec![],
    );

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
    add(
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
    add(
        "deep_array.json",
        format!("[{open}{close}]").as_bytes(),
        vec![],
        vec![on_line(1, "recursion limit")],
    );
    add("deep_object.json", objects.as_bytes(), vec![], vec![on_line(1, "recursion limit")]);
    add(
        "deep_inspect.json",
        format!("{{\"version\": 2, \"eval\": {{\"task\": {open}{close}}}, \"samples\": []}}").as_bytes(),
        vec![],
        vec![on_line(1, "recursion limit")],
    );

    add("empty.jsonl", b"", vec![], vec![]);
    add("blank.jsonl", b"\n\n   \r\n\t\n", vec![], vec![]);
    add("empty.json", b"", vec![], vec![at(1, 1, "EOF")]);
    add("blank.json", b"  \n\n", vec![], vec![at(3, 1, "EOF")]);

    // Binary garbage (NULs, 0xFF, newlines): every non-blank line is reported, nothing loads.
    let binary = noise(42, 4096);
    let binary_problems = binary
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.strip_suffix(b"\r").unwrap_or(l).trim_ascii().is_empty())
        .map(|(i, _)| Expected { line: Some(i as u64 + 1), column: None, contains: "" })
        .collect();
    add("binary.jsonl", &binary, vec![], binary_problems);
    add("binary.json", &noise(43, 4096), vec![], vec![on_line(1, "")]);

    // Duplicate ids across files, including one that collides with a rename.
    add(
        "dup_a.jsonl",
        &jsonl(&[line(&json!({"id": "dup", "messages": []})), line(&json!({"id": "dup#2", "messages": []}))]),
        ids(&["dup", "dup#2"]),
        vec![],
    );
    add(
        "dup_b.jsonl",
        &jsonl(&[line(&json!({"id": "dup", "messages": []})), line(&json!({"id": "dup", "messages": []}))]),
        ids(&["dup", "dup#2"]),
        vec![whole("duplicate rollout id")],
    );

    // Huge content.
    add("huge_message.jsonl", &jsonl(&[line(&huge_rollout())]), ids(&["huge-300k"]), vec![]);
    add("long_rollout.jsonl", &jsonl(&[line(&long_rollout(10_000))]), ids(&["long-10000"]), vec![]);

    // Inspect logs with hostile text, a broken sample, bad UTF-8 and a deep sample.
    let (inspect_json, inspect_ids) = inspect_log();
    add(
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
    add(
        "inspect_hostile.eval",
        &eval,
        vec![format!("{task}/1/epoch1")],
        vec![whole("EOF"), whole("not UTF-8"), whole("recursion limit")],
    );

    // A directory symlink loop and a dangling link: reported, never followed forever.
    std::fs::create_dir_all(root.join("loop/sub")).unwrap();
    std::os::unix::fs::symlink("..", root.join("loop/sub/back")).unwrap();
    std::os::unix::fs::symlink("nowhere.jsonl", root.join("loop/dangling.jsonl")).unwrap();
    std::fs::write(
        root.join("loop/sub/inside.jsonl"),
        jsonl(&[line(&json!({"id": "in-loop", "messages": []}))]),
    )
    .unwrap();
    files.push(FileCase {
        rel: PathBuf::from("loop"),
        ids: ids(&["in-loop"]),
        problems: vec![whole("symlink loop"), whole("cannot open")],
        skip_problems: false,
    });

    // The unreadable file last: chmod 000.
    let unreadable = root.join("0-unreadable.jsonl");
    set_mode(&unreadable, 0o000);
    let privileged = std::fs::File::open(&unreadable).is_ok();
    if privileged {
        // Running as root (or with CAP_DAC_OVERRIDE): chmod does not block reading, so this
        // file loads like any other and its "Permission denied" cannot be checked here.
        let case = files.iter_mut().find(|c| c.rel == Path::new("0-unreadable.jsonl")).unwrap();
        case.ids = ids(&["secret"]);
        case.skip_problems = true;
    }

    write_labels(&labels);
    Corpus { _tmp: tmp, root, labels, files, privileged }
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

fn header_json() -> String {
    line(
        &json!({"version": 2, "status": "success", "eval": {"task": format!("task-{}", all_hostile()), "model": all_hostile()}}),
    )
}

fn inspect_sample(id: u64, h: &str) -> Value {
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
fn inspect_log() -> (String, Vec<String>) {
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
fn write_labels(dir: &Path) {
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
