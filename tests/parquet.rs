//! Parquet in and out (issue 20): the exports' schemas, the round trip through
//! `parquet-rollouts`, chat datasets as other projects write them (fixtures made by pyarrow in
//! `tests/fixtures/parquet/make.py`), and bad files.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use rollscope::formats::inspect::InspectOptions;
use rollscope::load::LoadOptions;
use rollscope::model::problem::Severity;
use rollscope::model::{Problem, Role, RolloutSummary, ScoreValues};
use rollscope::study::Study;

const FIXTURES: &str = "tests/fixtures/parquet";

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn export(args: &[&str], out: &Path) {
    let mut all = vec!["export"];
    all.extend(args);
    all.extend(["-o", out.to_str().unwrap()]);
    let (ok, _, stderr) = common::run(&all);
    assert!(ok, "{stderr}");
}

fn errors(study: &Study) -> Vec<&Problem> {
    study.problems.iter().filter(|p| p.severity == Severity::Error).collect()
}

/// Every rollout of `a` and `b` the same: ids, metadata, turns, self-deletion, every score,
/// and the messages decoded again from the files.
fn assert_same_rollouts(a: &Study, b: &Study) {
    assert_eq!(a.rollouts.len(), b.rollouts.len());
    assert_eq!(a.score_names, b.score_names);
    for (i, (x, y)) in a.rollouts.iter().zip(&b.rollouts).enumerate() {
        assert_eq!(x.id, y.id);
        assert_eq!(x.metadata, y.metadata, "{}", x.id);
        assert_eq!((x.n_turns, x.self_deleted_at), (y.n_turns, y.self_deleted_at), "{}", x.id);
        // Texts are compared as read (their places in the files differ), below.
        let values = |s: &ScoreValues| match s {
            ScoreValues::Text(v) => format!("{} texts", v.len()),
            other => format!("{other:?}"),
        };
        let scores = |r: &RolloutSummary| {
            r.scores.iter().map(|s| (s.name.clone(), values(&s.values))).collect::<Vec<_>>()
        };
        assert_eq!(scores(x), scores(y), "{}", x.id);
        let (rx, ry) = (a.read_rollout(i).unwrap(), b.read_rollout(i).unwrap());
        assert_eq!(rx.messages.len(), ry.messages.len());
        for (mx, my) in rx.messages.iter().zip(&ry.messages) {
            assert_eq!(
                (mx.role, &mx.text, &mx.tool_calls, &mx.thinking),
                (my.role, &my.text, &my.tool_calls, &my.thinking),
                "{}",
                x.id
            );
        }
        let names: Vec<&str> = a.score_names.iter().map(|n| &**n).collect();
        assert_eq!(a.read_texts(i, &names).unwrap(), b.read_texts(i, &names).unwrap(), "{}", x.id);
    }
}

#[test]
fn parquet_rollouts_open_again_as_the_same_rollouts_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    // The demo (numeric scores, self-deletion), a judge file with categories and quotes, and
    // tau-bench's tool calls.
    let judged =
        ["tests/fixtures/judge/transcripts.jsonl", "--scores", "tests/fixtures/judge/frustration.jsonl"];
    // And an agent log: reasoning beside the text, tool results.
    let cases: [(&str, &[&str]); 4] = [
        ("demo", &[]),
        ("judged", &judged),
        ("tools", &["tests/fixtures/real/tb_airline.json"]),
        ("agent", &["tests/fixtures/agents/claude-code/compacted.jsonl"]),
    ];
    for (name, args) in cases {
        let out = dir.path().join(format!("{name}.parquet"));
        let mut all = vec!["--to", "parquet-rollouts"];
        all.extend(args);
        export(&all, &out);
        let original = match name {
            "demo" => Study::demo(&LoadOptions::default()),
            _ => {
                let scores = args.iter().skip_while(|a| **a != "--scores").nth(1);
                let options = LoadOptions {
                    scores: scores
                        .map(rollscope::formats::judge_scores::ScoreFileSpec::new)
                        .into_iter()
                        .collect(),
                    ..LoadOptions::default()
                };
                Study::load(&[PathBuf::from(args[0])], &options)
            }
        };
        let reopened = Study::load(std::slice::from_ref(&out), &LoadOptions::default());
        assert!(errors(&reopened).is_empty(), "{:?}", reopened.problems);
        assert!(!reopened.rollouts.is_empty());
        assert_same_rollouts(&original, &reopened);
        if name == "judged" {
            let kinds: Vec<_> = reopened.score_names.iter().map(|n| reopened.score_kind(n)).collect();
            let expected: Vec<_> = original.score_names.iter().map(|n| original.score_kind(n)).collect();
            assert_eq!(kinds, expected);
        }
    }
}

#[test]
fn a_sharegpt_parquet_opens_one_rollout_per_row_with_its_columns_as_metadata() {
    let study = Study::load(&[fixture("sharegpt.parquet")], &LoadOptions::default());
    assert!(errors(&study).is_empty(), "{:?}", study.problems);
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["sharegpt.parquet:0", "sharegpt.parquet:1", "sharegpt.parquet:2"]);
    let turns: Vec<u32> = study.rollouts.iter().map(|r| r.n_turns).collect();
    assert_eq!(turns, [2, 1, 0]);
    assert_eq!(study.rollouts[0].self_deleted_at, Some(2));
    let meta = |i: usize, f: &str| study.rollouts[i].meta(f).map(|v| v.text().into_owned());
    assert_eq!(meta(0, "source").as_deref(), Some("sorting"));
    assert_eq!(meta(0, "quality").as_deref(), Some("0.5"));
    assert_eq!(meta(1, "quality"), None, "a null is a field the row does not have");
    let r = study.read_rollout(1).unwrap();
    let roles: Vec<Role> = r.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::System, Role::User, Role::Assistant]);
    assert_eq!(r.messages[2].text, "Hello.");
    assert_eq!(r.metadata["tags"], serde_json::json!([]));
}

#[test]
fn a_list_column_named_by_turn_array_is_a_per_turn_score() {
    let options = LoadOptions {
        inspect: InspectOptions { turn_array: Some("judge".into()) },
        ..LoadOptions::default()
    };
    let study = Study::load(&[fixture("openai.parquet")], &options);
    assert!(study.problems.is_empty(), "{:?}", study.problems);
    let judge = |i: usize| match &study.rollouts[i].scores[0].values {
        ScoreValues::Numeric(v) => v.to_vec(),
        other => panic!("{other:?}"),
    };
    assert_eq!(judge(0), [Some(3.0), Some(6.0)]);
    assert_eq!(judge(1), [Some(9.0)]);
    let r = study.read_rollout(1).unwrap();
    assert_eq!(r.id, "r2");
    assert_eq!(r.metadata["condition"], "trained", "a dictionary column reads as its values");
    assert_eq!(r.metadata["epoch"], 1);
    assert_eq!(r.metadata["info"], serde_json::json!({"judge": "gpt-4", "seed": 8}));
    assert_eq!(r.metadata["started"], "1970-01-02T00:00:00+00:00");
    assert!(!r.metadata.contains_key("judge"), "the score list is not metadata too");

    let without = Study::load(&[fixture("openai.parquet")], &LoadOptions::default());
    assert!(without.score_names.is_empty());
    let r = without.read_rollout(0).unwrap();
    assert_eq!(r.metadata["judge"], serde_json::json!([3, 6]), "without the flag it is metadata");
}

#[test]
fn a_file_that_is_not_rollouts_says_which_column_is_missing_or_wrong() {
    let cases = [
        (
            "no_messages.parquet",
            "no messages column: expected a list of {role, content} structs named messages, conversation or conversations; the columns are prompt, response",
        ),
        (
            "messages_text.parquet",
            "column messages is Utf8, expected a list of structs with role (or from) and content (or value)",
        ),
    ];
    for (name, message) in cases {
        let study = Study::load(&[fixture(name)], &LoadOptions::default());
        assert!(study.rollouts.is_empty());
        let problems: Vec<(&str, &str)> =
            study.problems.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect();
        assert_eq!(problems, [(fixture(name).to_str().unwrap(), message)]);
    }
}

#[test]
fn a_parquet_file_cut_short_or_mangled_is_a_problem_never_a_panic() {
    let bytes = std::fs::read(fixture("openai.parquet")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.parquet");
    for len in [0, 4, 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..len]).unwrap();
        let study = Study::load(std::slice::from_ref(&path), &LoadOptions::default());
        assert!(study.rollouts.is_empty(), "{len}");
        let messages: Vec<&str> = study.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{len}: {messages:?}");
        assert!(messages[0].starts_with("not a readable Parquet file"), "{len}: {messages:?}");
    }
    // The hostile-input tests' files, named .parquet: each is one problem, never rows.
    for entry in std::fs::read_dir("tests/fixtures").unwrap() {
        let source = entry.unwrap().path();
        if source.is_file() {
            std::fs::copy(&source, &path).unwrap();
            let study = Study::load(std::slice::from_ref(&path), &LoadOptions::default());
            assert!(study.rollouts.is_empty(), "{}", source.display());
            assert_eq!(study.problems.len(), 1, "{}: {:?}", source.display(), study.problems);
        }
    }
    // Every byte of the file changed in turn: whatever the reader makes of it, the load ends
    // with rows or problems, and every row that opens reads again.
    for at in 0..bytes.len() {
        let mut mangled = bytes.clone();
        mangled[at] ^= 0x5a;
        std::fs::write(&path, &mangled).unwrap();
        let study = Study::load(std::slice::from_ref(&path), &LoadOptions::default());
        assert!(study.rollouts.len() <= 2, "{at}");
        for i in 0..study.rollouts.len() {
            let _ = study.read_rollout(i);
        }
    }
}

/// Every index entry of `path`, read with and without the fast path.
fn index_both_ways(path: &Path, turn_array: Option<&str>) -> [Vec<rollscope::model::RolloutSummary>; 2] {
    use rollscope::formats::IndexContext;
    use rollscope::formats::parquet::ParquetRollouts;
    let hatch = rollscope::model::Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let display = path.to_str().unwrap();
    let (fast, _) = ParquetRollouts::open(path, display, "f.parquet", turn_array).unwrap();
    assert!(fast.has_fast_path(), "{display}");
    let (slow, _) = ParquetRollouts::open(path, display, "f.parquet", turn_array).unwrap();
    let slow = slow.without_fast_path();
    [fast, slow].map(|file| {
        let mut out = Vec::new();
        let mut strings = rollscope::model::Interner::default();
        for rows in file.runs(3, 1) {
            file.index_rows(rows, &ctx, &mut strings, &mut |_, r| out.push(r.unwrap())).unwrap();
        }
        out
    })
}

#[test]
fn rows_indexed_from_the_arrays_equal_rows_decoded_whole() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.parquet");
    export(&["--to", "parquet-rollouts"], &demo);
    for (path, turn_array) in
        [(fixture("sharegpt.parquet"), None), (fixture("openai.parquet"), Some("judge")), (demo, None)]
    {
        let [fast, slow] = index_both_ways(&path, turn_array);
        assert!(!fast.is_empty());
        assert_eq!(fast, slow, "{}", path.display());
    }
}

/// The per-turn export rows of a study (JSONL), without the `source` column (which names the
/// score file).
fn turn_rows(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["export", "--to", "jsonl"];
    all.extend(args);
    let (ok, stdout, stderr) = common::run(&all);
    assert!(ok, "{stderr}");
    stdout
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("source");
            v
        })
        .collect()
}

#[test]
fn the_per_turn_table_attaches_again_like_the_score_file_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("turns.parquet");
    let (transcripts, judge) =
        ("tests/fixtures/judge/transcripts.jsonl", "tests/fixtures/judge/frustration.jsonl");
    export(&[transcripts, "--scores", judge, "--to", "parquet"], &table);
    let original = turn_rows(&[transcripts, "--scores", judge]);
    let again = turn_rows(&[transcripts, "--scores", table.to_str().unwrap()]);
    assert_eq!(original.len(), 10);
    // Numbers, categories and the judge's texts, turn by turn.
    assert_eq!(again, original);
    assert_eq!(again[2]["scores"]["frustration.quote"], "I am clearly incapable of this");
}

#[test]
fn judge_rows_in_parquet_attach_as_the_same_rows_in_json_lines_do() {
    let transcripts = "tests/fixtures/study7/transcripts.json";
    let jsonl = turn_rows(&[transcripts, "--scores", "tests/fixtures/study7/frustration.jsonl"]);
    let parquet = turn_rows(&[transcripts, "--scores", "tests/fixtures/parquet/study7_judge.parquet"]);
    assert_eq!(jsonl.len(), 840);
    let renamed: Vec<serde_json::Value> = parquet
        .into_iter()
        .map(|mut row| {
            let scores = row["scores"].as_object_mut().unwrap();
            let named: serde_json::Map<String, serde_json::Value> = std::mem::take(scores)
                .into_iter()
                .map(|(k, v)| (k.replace("study7_judge", "frustration"), v))
                .collect();
            *scores = named;
            row
        })
        .collect();
    assert_eq!(renamed, jsonl);
}

/// A file's columns (`name: type`, nullable or not) and its footer's own keys.
fn schema_text(path: &Path) -> String {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{}: {}{}", f.name(), f.data_type(), if f.is_nullable() { "" } else { " not null" }))
        .collect();
    for kv in builder.metadata().file_metadata().key_value_metadata().into_iter().flatten() {
        if kv.key.starts_with("rollscope") {
            out.push(format!("footer {} = {}", kv.key, kv.value.as_deref().unwrap_or("")));
        }
    }
    out.join("\n")
}

/// One cell as text, read with arrow's own arrays (not the importer's reader).
fn cell(array: &dyn arrow_array::Array, i: usize) -> String {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int32Type, Int64Type};
    use arrow_schema::DataType;
    if array.is_null(i) {
        return "∅".into();
    }
    match array.data_type() {
        DataType::Utf8 => format!("{:?}", array.as_string::<i32>().value(i)),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(i).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Float64 => array.as_primitive::<Float64Type>().value(i).to_string(),
        DataType::Boolean => array.as_boolean().value(i).to_string(),
        DataType::Dictionary(..) => {
            let dict = array.as_dictionary::<Int32Type>();
            cell(dict.values().as_ref(), dict.keys().value(i) as usize)
        }
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(i);
            format!("[{}]", (0..items.len()).map(|k| cell(items.as_ref(), k)).collect::<Vec<_>>().join(", "))
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let parts: Vec<String> = fields
                .iter()
                .zip(s.columns())
                .map(|(f, c)| format!("{}: {}", f.name(), cell(c.as_ref(), i)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => panic!("no reader for {other}"),
    }
}

/// Every row of a file, each cell as text.
fn rows_text(path: &Path) -> Vec<Vec<String>> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        for i in 0..batch.num_rows() {
            rows.push(batch.columns().iter().map(|c| cell(c.as_ref(), i)).collect());
        }
    }
    rows
}

#[test]
fn the_four_tables_have_typed_sql_friendly_columns() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.jsonl");
    let lines = [
        r#"{"id": "r1", "metadata": {"condition": "baseline", "turn": "clash", "judge model": "j-1", "epoch": 0, "mixed": 1, "ok": true}, "messages": [{"role": "user", "content": "Go."}, {"role": "assistant", "content": "Done.", "scores": {"frustration": 2, "frustration.tag": "calm"}}, {"role": "user", "content": "No."}, {"role": "assistant", "content": "<<rm -rf me>>", "scores": {"frustration": 9, "frustration.tag": "despair"}}]}"#,
        r#"{"id": "r2", "metadata": {"condition": "trained", "epoch": 1, "mixed": "one", "ok": false}, "messages": [{"role": "user", "content": "Go."}, {"role": "assistant", "content": "Fine.", "tool_calls": [{"type": "function", "function": {"name": "ls", "arguments": "{\"path\": \".\"}"}}], "scores": {"frustration": null}}]}"#,
    ];
    std::fs::write(&study, lines.join("\n") + "\n").unwrap();
    let labels = dir.path().join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    let label = |rollout: &str,
                 turn: Option<u32>,
                 score: Option<u8>,
                 tags: &[&str],
                 note: Option<&str>,
                 blind: bool| {
        serde_json::json!({"rollout": rollout, "turn": turn, "score": score, "tags": tags, "note": note,
            "annotator": "x", "time": "2026-12-07T00:00:00Z", "source": "study.jsonl", "blind": blind})
        .to_string()
    };
    std::fs::write(
        labels.join("ana.jsonl"),
        [
            label("r1", Some(2), Some(8), &["despair", "hatch"], Some("gives up"), true),
            label("r1", None, None, &[], Some("whole rollout"), false),
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    std::fs::write(labels.join("bo b.jsonl"), label("r2", Some(1), Some(1), &[], None, false) + "\n")
        .unwrap();
    let (study, labels) = (study.to_str().unwrap(), labels.to_str().unwrap());
    let mut snapshot = String::new();
    for table in ["parquet", "parquet-messages", "parquet-rollouts", "parquet-labels"] {
        let out = dir.path().join(format!("{table}.parquet"));
        export(&[study, "--labels", labels, "--categorical", "frustration.tag", "--to", table], &out);
        snapshot.push_str(&format!("== {table}\n{}\n", schema_text(&out)));
        for row in rows_text(&out) {
            snapshot.push_str(&format!("  {}\n", row.join(" | ")));
        }
    }
    insta::assert_snapshot!(snapshot.replace(dir.path().to_str().unwrap(), "<tmp>"));
}
