//! `stats`, `agree` and `export` through the real binary, checked against figures computed
//! here independently from `ls --json` and from label files written by hand.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use common::{json, run};

fn demo_copy(dir: &Path) -> String {
    let path = dir.join("demo.jsonl");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl"), &path).unwrap();
    path.display().to_string()
}

#[test]
fn stats_per_turn_figures_match_an_independent_computation_from_ls() {
    let rows = json(&["ls", "--json"]);
    let stats = json(&["stats", "--json", "--boot", "200"]);
    assert_eq!(stats["score"], "frustration");
    assert_eq!(stats["threshold"], 5.0);
    let groups = stats["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 4, "condition × dataset");
    // Group the ls rows by (condition, dataset) here.
    let mut by_group: BTreeMap<(String, String), Vec<&Value>> = BTreeMap::new();
    for r in rows.as_array().unwrap() {
        let key = (
            r["metadata"]["condition"].as_str().unwrap().to_string(),
            r["metadata"]["dataset"].as_str().unwrap().to_string(),
        );
        by_group.entry(key).or_default().push(r);
    }
    for g in groups {
        let key = (
            g["key"]["condition"].as_str().unwrap().to_string(),
            g["key"]["dataset"].as_str().unwrap().to_string(),
        );
        let members = &by_group[&key];
        assert_eq!(g["n_rollouts"], members.len());
        let deleted = members.iter().filter(|r| !r["self_deleted_at"].is_null()).count();
        assert!(
            (g["self_deletion_rate"].as_f64().unwrap() - deleted as f64 / members.len() as f64).abs() < 1e-12
        );
        let aucs: Vec<f64> = members
            .iter()
            .filter_map(|r| {
                let s: Vec<f64> = r["judge"].as_array().unwrap().iter().filter_map(Value::as_f64).collect();
                (!s.is_empty()).then(|| s.iter().sum::<f64>() / s.len() as f64)
            })
            .collect();
        let auc = aucs.iter().sum::<f64>() / aucs.len() as f64;
        assert!((g["auc_mean"].as_f64().unwrap() - auc).abs() < 1e-9);
        for t in g["per_turn"].as_array().unwrap() {
            let turn = t["turn"].as_u64().unwrap() as usize;
            let scores: Vec<f64> =
                members.iter().filter_map(|r| r["judge"].get(turn - 1).and_then(Value::as_f64)).collect();
            assert_eq!(t["n"], scores.len(), "{key:?} turn {turn}");
            if scores.is_empty() {
                assert!(t["mean"].is_null());
                continue;
            }
            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
            assert!((t["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
            let high = scores.iter().filter(|&&s| s >= 5.0).count() as f64 / scores.len() as f64;
            assert!((t["frac_at_or_above"].as_f64().unwrap() - high).abs() < 1e-12);
            let cum = members
                .iter()
                .filter(|r| r["self_deleted_at"].as_u64().is_some_and(|d| d as usize <= turn))
                .count();
            assert!(
                (t["self_deleted_cum"].as_f64().unwrap() - cum as f64 / members.len() as f64).abs() < 1e-12
            );
            let ci = t["mean_ci"].as_array().unwrap();
            assert!(ci[0].as_f64().unwrap() <= mean && mean <= ci[1].as_f64().unwrap());
        }
    }
    // Same seed, same output; text output has a table per group.
    assert_eq!(json(&["stats", "--json", "--boot", "200"]), stats);
    let (ok, text, _) = run(&["stats", "--boot", "50", "--by", "condition"]);
    assert!(ok && text.contains("condition=baseline") && text.contains("condition=trained"));
}

#[test]
fn stats_rejects_unknown_scores_and_groups_by_any_field() {
    let (ok, _, err) = run(&["stats", "--score", "nope"]);
    assert!(!ok && err.contains("unknown score name \"nope\""), "{err}");
    let by_model = json(&["stats", "--json", "--boot", "10", "--by", "model", "--threshold", "7"]);
    assert_eq!(by_model["threshold"], 7.0);
    assert_eq!(by_model["groups"].as_array().unwrap().len(), 2);
}

fn write_labels(dir: &Path, annotator: &str, rows: &[(&str, u32, u8)], stale: Option<(&str, u32)>) {
    let labels = dir.join("rollscope-labels");
    std::fs::create_dir_all(&labels).unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|(rollout, turn, score)| {
            let hash = if stale == Some((rollout, *turn)) { "fnv1a64:0000000000000000" } else { "" };
            let hash = if hash.is_empty() { Value::Null } else { Value::from(hash) };
            serde_json::json!({"rollout": rollout, "turn": turn, "score": score, "tags": [], "note": null,
                "annotator": annotator, "time": "2026-11-23T00:00:00Z", "source": "demo.jsonl", "text_hash": hash})
            .to_string()
        })
        .collect();
    std::fs::write(labels.join(format!("{annotator}.jsonl")), lines.join("\n") + "\n").unwrap();
}

#[test]
fn agree_pairs_labels_with_the_judge_and_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let study = demo_copy(dir.path());
    let rows = json(&["ls", "--json", &study]);
    let judge = |id: &str, turn: usize| {
        rows.as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["judge"][turn - 1].as_f64()
    };
    let id = "math-004-baseline-r0";
    let ana = [(id, 1, 1), (id, 2, 3), (id, 4, 7), (id, 5, 5), (id, 6, 9)];
    write_labels(dir.path(), "ana", &ana, Some((id, 6)));
    write_labels(dir.path(), "bo", &[(id, 1, 0), (id, 2, 3), (id, 4, 8)], None);
    let report = json(&["agree", "--json", "--boot", "100", &study]);
    let a = &report["judge"][0];
    assert_eq!(a["annotator"], "ana");
    assert_eq!(a["labelled"], 5);
    assert_eq!(a["stale"], 1, "turn 6's hash does not match its text");
    let pairs: Vec<(f64, f64)> =
        ana[..4].iter().filter_map(|(r, t, h)| judge(r, *t as usize).map(|j| (f64::from(*h), j))).collect();
    assert_eq!(a["n"], pairs.len());
    let mae = pairs.iter().map(|(h, j)| (h - j).abs()).sum::<f64>() / pairs.len() as f64;
    assert!((a["mae"]["value"].as_f64().unwrap() - mae).abs() < 1e-12);
    let both_high = pairs.iter().filter(|(h, j)| *h >= 5.0 && *j >= 5.0).count();
    assert_eq!(a["confusion"]["both_high"], both_high);
    let pair = &report["humans"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str(), pair["n"].as_u64()),
        (Some("ana"), Some("bo"), Some(3))
    );
    assert!(
        (pair["mae"]["value"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12,
        "|1-0| + |3-3| + |7-8| over 3"
    );
    // Interval α over the turns both scored, units (ana, bo) = (1, 0), (3, 3), (7, 8): by hand
    // D_o = 2/3 and D_e = 308/15, so α = 1 − 5/154 = 149/154; the `krippendorff` package
    // 0.9.0 (numpy 2.4.6) gives the same, krippendorff.alpha(reliability_data=[[1, 3, 7],
    // [0, 3, 8]], level_of_measurement="interval") = 0.9675324675324676.
    let alpha = &report["krippendorff_alpha_humans"];
    assert_eq!((alpha["annotators"].as_u64(), alpha["units"].as_u64()), (Some(2), Some(3)));
    assert!((alpha["value"].as_f64().unwrap() - 0.9675324675324676).abs() < 1e-9, "{alpha}");
    let only_bo = json(&["agree", "--json", "--boot", "10", "--annotator", "bo", &study]);
    assert_eq!(only_bo["judge"].as_array().unwrap().len(), 1);
    let (ok, _, err) = run(&["agree", "--labels", "/nonexistent-labels", &study]);
    assert!(!ok && err.contains("no labels found"), "{err}");
}

/// A small RFC 4180 reader, independent of the writer.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted, mut chars) =
        (Vec::new(), Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[test]
fn export_writes_one_row_per_turn_with_labels_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let study = demo_copy(dir.path());
    let id = "math-004-baseline-r0";
    write_labels(dir.path(), "ana", &[(id, 2, 4)], None);
    let labels = dir.path().join("rollscope-labels/ana.jsonl");
    let mut text = std::fs::read_to_string(&labels).unwrap();
    text.push_str(&serde_json::json!({"rollout": id, "turn": 3, "score": null, "tags": ["a,b", "q\"x"], "note": "two\nlines",
        "annotator": "ana", "time": "t", "source": "s", "text_hash": null,
        "score_name": "frustration.tag", "category": "despair"}).to_string());
    text.push('\n');
    std::fs::write(&labels, text).unwrap();
    let total_turns: u64 = json(&["ls", "--json", &study])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["n_turns"].as_u64().unwrap())
        .sum();

    let (ok, csv, err) = run(&["export", &study, "--to", "csv"]);
    assert!(ok, "{err}");
    let rows = parse_csv(&csv);
    assert_eq!(rows.len() as u64, total_turns + 1, "header + one row per turn");
    let header = &rows[0];
    let col =
        |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
    assert!(rows.iter().all(|r| r.len() == header.len()), "every row has every column");
    let row2 = rows.iter().find(|r| r[col("rollout")] == id && r[col("turn")] == "2").unwrap();
    assert_eq!(row2[col("ana_score")], "4");
    assert_eq!(row2[col("condition")], "baseline");
    let row3 = rows.iter().find(|r| r[col("rollout")] == id && r[col("turn")] == "3").unwrap();
    assert_eq!(row3[col("ana_tags")], "a,b;q\"x");
    assert_eq!(row3[col("ana_note")], "two\nlines");
    assert_eq!(row3[col("ana_category")], "despair");
    assert_eq!(row2[col("ana_category")], "");

    let out = dir.path().join("turns.jsonl");
    let (ok, _, err) = run(&["export", &study, "--to", "jsonl", "-o", out.to_str().unwrap()]);
    assert!(ok, "{err}");
    let lines: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len() as u64, total_turns);
    let l2 = lines.iter().find(|l| l["rollout"] == id && l["turn"] == 2).unwrap();
    assert_eq!(l2["labels"]["ana"]["score"], 4);
    let l3 = lines.iter().find(|l| l["rollout"] == id && l["turn"] == 3).unwrap();
    assert_eq!(
        l3["labels"]["ana"]["category"],
        serde_json::json!({"score_name": "frustration.tag", "category": "despair"})
    );
    assert!(l2["scores"]["frustration"].is_number());

    let (ok, rollouts, err) = run(&["export", &study, "--to", "rollouts"]);
    assert!(ok, "{err}");
    let first: Value = serde_json::from_str(rollouts.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], id);
    let assistants: Vec<&Value> =
        first["messages"].as_array().unwrap().iter().filter(|m| m["role"] == "assistant").collect();
    assert_eq!(assistants[1]["labels"]["ana"]["score"], 4);
    assert_eq!(assistants[1]["labels"]["ana"]["stale"], false);
    // An unknown output format is refused by the argument parser, which lists the known ones.
    let (ok, _, err) = run(&["export", &study, "--to", "xlsx"]);
    assert!(!ok && err.contains("[possible values: csv, jsonl, rollouts, parquet, parquet-messages, parquet-rollouts, parquet-labels]"), "{err}");
    let (ok, _, err) = run(&["export", &study, "-o", &study]);
    assert!(!ok && err.contains("refusing to write") && err.contains("a rollout file"), "{err}");
}

#[test]
fn export_format_still_names_the_output_format_for_one_release_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let study = demo_copy(dir.path());
    for to in ["csv", "jsonl", "rollouts"] {
        let (ok, new, err) = run(&["export", &study, "--to", to]);
        assert!(ok && !err.contains("deprecated"), "{err}");
        let (ok, old, err) = run(&["export", &study, "--format", to]);
        assert!(ok, "{err}");
        assert_eq!(old, new, "--format {to} writes what --to {to} writes");
        assert!(err.contains(&format!("--format on export is deprecated: use --to {to}")), "{err}");
    }
    // The input format on export is --input-format.
    let (ok, _, err) = run(&["export", &study, "--input-format", "json"]);
    assert!(!ok && err.contains("trailing characters"), "read as one JSON document: {err}");
    let (ok, _, err) = run(&["export", &study, "--to", "csv", "--format", "jsonl"]);
    assert!(!ok && err.contains("cannot be used with"), "{err}");
}
