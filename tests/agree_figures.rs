//! `agree`'s judge-validation figures through the real binary: bias, limits of agreement,
//! calibration by judge level and the level table, checked against values computed here from
//! `ls --json` and hand-written label files; blind and non-blind labels counted (and left out
//! under `--blind-only`); `--by` groups equal to the report on each group's rollouts alone.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use common::{json, run};

/// One label: rollout, turn, score, given blind, and whether its text hash is out of date.
type LabelRow = (String, u32, u8, bool, bool);

fn write_labels(dir: &Path, annotator: &str, rows: &[LabelRow]) {
    std::fs::create_dir_all(dir).unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|(rollout, turn, score, blind, stale)| {
            let hash = if *stale { Value::from("fnv1a64:0000000000000000") } else { Value::Null };
            serde_json::json!({"rollout": rollout, "turn": turn, "score": score, "tags": [], "note": null,
                "annotator": annotator, "time": "2026-11-23T00:00:00Z", "source": "demo.jsonl",
                "text_hash": hash, "blind": blind})
            .to_string()
        })
        .collect();
    std::fs::write(dir.join(format!("{annotator}.jsonl")), lines.join("\n") + "\n").unwrap();
}

/// The demo's lines whose condition is `condition` (all of them for `None`), as a study file.
fn write_study(path: &Path, condition: Option<&str>) {
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl")).unwrap();
    let kept: Vec<&str> = demo
        .lines()
        .filter(|line| {
            let rollout: Value = serde_json::from_str(line).unwrap();
            condition.is_none_or(|c| rollout["metadata"]["condition"] == c)
        })
        .collect();
    std::fs::write(path, kept.join("\n") + "\n").unwrap();
}

/// (human, judge) of every label the report should pair: not stale, judged, and blind when
/// only blind labels count.
fn pairs(
    rows: &[LabelRow],
    judge: &BTreeMap<(String, u32), Option<f64>>,
    blind_only: bool,
) -> Vec<(f64, f64)> {
    rows.iter()
        .filter(|(_, _, _, blind, stale)| !stale && (*blind || !blind_only))
        .filter_map(|(r, t, h, _, _)| judge[&(r.clone(), *t)].map(|j| (f64::from(*h), j)))
        .collect()
}

/// 0–10 level, halves rounded up.
fn level(x: f64) -> usize {
    (x + 0.5).floor().clamp(0.0, 10.0) as usize
}

fn close(got: &Value, want: f64) -> bool {
    got.as_f64().is_some_and(|g| (g - want).abs() < 1e-9)
}

/// Bias, limits, calibration and the level table of `entry`, computed again from `pairs`.
fn check_new_figures(entry: &Value, pairs: &[(f64, f64)]) {
    let n = pairs.len() as f64;
    let d: Vec<f64> = pairs.iter().map(|(h, j)| h - j).collect();
    let bias = d.iter().sum::<f64>() / n;
    assert!(close(&entry["bias"]["value"], bias), "{}", entry["bias"]);
    let ci = entry["bias"]["ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= bias && bias <= ci[1].as_f64().unwrap(), "{ci:?}");
    let sd = (d.iter().map(|x| (x - bias).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let limits = &entry["limits_of_agreement"];
    assert!(close(&limits["bias"], bias) && close(&limits["sd"], sd), "{limits}");
    assert!(
        close(&limits["lower"], bias - 1.96 * sd) && close(&limits["upper"], bias + 1.96 * sd),
        "{limits}"
    );
    let mut by_level: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    let mut table = vec![vec![0u64; 11]; 11];
    for &(h, j) in pairs {
        by_level.entry(level(j)).or_default().push(h);
        table[level(h)][level(j)] += 1;
    }
    let calibration = entry["calibration"].as_array().unwrap();
    assert_eq!(calibration.len(), by_level.len());
    for (got, (l, humans)) in calibration.iter().zip(&by_level) {
        let mean = humans.iter().sum::<f64>() / humans.len() as f64;
        assert_eq!((got["level"].as_u64(), got["n"].as_u64()), (Some(*l as u64), Some(humans.len() as u64)));
        assert!(close(&got["human_mean"], mean), "{got}");
        match got["ci"].as_array() {
            Some(ci) => assert!(
                humans.len() >= 2 && ci[0].as_f64().unwrap() <= mean && mean <= ci[1].as_f64().unwrap()
            ),
            None => assert_eq!(humans.len(), 1, "{got}"),
        }
    }
    let got_table: Vec<Vec<u64>> = serde_json::from_value(entry["confusion_levels"].clone()).unwrap();
    assert_eq!(got_table, table);
}

#[test]
fn agree_reports_bias_limits_calibration_blind_counts_and_groups() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("demo.jsonl");
    write_study(&study, None);
    let study = study.display().to_string();
    let rows = json(&["ls", "--json", &study]);
    let rows = rows.as_array().unwrap();
    let mut judge = BTreeMap::new();
    let mut condition = BTreeMap::new();
    for r in rows {
        let id = r["id"].as_str().unwrap().to_string();
        for (t, j) in r["judge"].as_array().unwrap().iter().enumerate() {
            judge.insert((id.clone(), t as u32 + 1), j.as_f64());
        }
        condition.insert(id, r["metadata"]["condition"].as_str().unwrap().to_string());
    }
    // ana: turns 1–5 of three rollouts of each condition, two in three blind, one stale;
    // bo: a few trained turns, none blind.
    let mut ids: Vec<&String> = Vec::new();
    for c in ["baseline", "trained"] {
        ids.extend(condition.iter().filter(|(_, v)| *v == c).map(|(id, _)| id).take(3));
    }
    let mut ana: Vec<LabelRow> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        for turn in 1..=5u32 {
            let score = ((turn as usize * 7 + i * 3) % 11) as u8;
            ana.push((
                (*id).clone(),
                turn,
                score,
                !(turn as usize + i).is_multiple_of(3),
                i == 0 && turn == 2,
            ));
        }
    }
    let bo: Vec<LabelRow> = [(3, 1, 4), (4, 2, 0), (5, 3, 2)]
        .iter()
        .map(|&(i, turn, score)| (ids[i].clone(), turn, score, false, false))
        .collect();
    let labels = dir.path().join("labels");
    write_labels(&labels, "ana", &ana);
    write_labels(&labels, "bo", &bo);
    let labels = labels.display().to_string();
    let agree = |extra: &[&str]| {
        let mut args = vec!["agree", "--json", "--boot", "200", "--labels", &labels, &study];
        args.extend(extra);
        json(&args)
    };

    for blind_only in [false, true] {
        let flags: &[&str] =
            if blind_only { &["--by", "condition", "--blind-only"] } else { &["--by", "condition"] };
        let report = agree(flags);
        for key in ["score", "threshold", "boot", "seed", "blind_only", "judge", "humans", "by", "groups"] {
            assert!(report.get(key).is_some(), "{key} in the report");
        }
        assert_eq!(report["blind_only"], blind_only);
        assert_eq!(report["by"], serde_json::json!(["condition"]));
        let a = &report["judge"][0];
        assert_eq!(a["annotator"], "ana");
        for key in [
            "labelled",
            "blind_labels",
            "non_blind_labels",
            "stale",
            "unmatched",
            "no_judge_score",
            "n",
            "mae",
            "bias",
            "limits_of_agreement",
            "calibration",
            "confusion_levels",
        ] {
            assert!(a.get(key).is_some(), "{key} in {a}");
        }
        let blind = ana.iter().filter(|row| row.3).count();
        assert_eq!((a["labelled"].as_u64(), a["blind_labels"].as_u64()), (Some(30), Some(blind as u64)));
        assert_eq!(a["non_blind_labels"].as_u64(), Some(30 - blind as u64));
        let expected = pairs(&ana, &judge, blind_only);
        assert_eq!(a["n"].as_u64(), Some(expected.len() as u64));
        check_new_figures(a, &expected);
        // bo gave no blind label: with --blind-only nothing of bo's is paired, but it is counted.
        let b = &report["judge"][1];
        assert_eq!((b["labelled"].as_u64(), b["non_blind_labels"].as_u64()), (Some(3), Some(3)));
        assert_eq!(b["n"].as_u64(), Some(if blind_only { 0 } else { 3 }));

        // Each group equals the report on a study of that group's rollouts and their labels.
        let groups = report["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 2);
        for group in groups {
            let c = group["key"]["condition"].as_str().unwrap();
            let sub = dir.path().join(format!("{c}-{blind_only}"));
            std::fs::create_dir_all(&sub).unwrap();
            write_study(&sub.join("study.jsonl"), Some(c));
            let mine = |rows: &[LabelRow]| -> Vec<LabelRow> {
                rows.iter().filter(|row| condition[&row.0] == c).cloned().collect()
            };
            let sub_labels = sub.join("labels");
            write_labels(&sub_labels, "ana", &mine(&ana));
            if !mine(&bo).is_empty() {
                write_labels(&sub_labels, "bo", &mine(&bo));
            }
            let mut args = vec!["agree", "--json", "--boot", "200", "--labels", sub_labels.to_str().unwrap()];
            if blind_only {
                args.push("--blind-only");
            }
            let path = sub.join("study.jsonl");
            args.push(path.to_str().unwrap());
            let alone = json(&args);
            assert_eq!(group["judge"], alone["judge"], "{c}, blind only {blind_only}");
            let in_group: Vec<LabelRow> = mine(&ana);
            check_new_figures(&group["judge"][0], &pairs(&in_group, &judge, blind_only));
        }
    }

    // Text: the counts, the new figures and a section per group.
    let (ok, text, err) =
        run(&["agree", "--boot", "50", "--by", "condition", "--blind-only", "--labels", &labels, &study]);
    assert!(ok, "{err}");
    let blind = ana.iter().filter(|row| row.3).count();
    assert!(
        text.contains(&format!("ana vs judge: 30 labelled turns ({blind} blind, {} not blind)", 30 - blind)),
        "{text}"
    );
    assert!(text.contains(&format!("left out: {} not blind, 1 stale", 30 - blind)), "{text}");
    for part in [
        "bias (h − j)",
        "95% limits",
        "judge level",
        "human mean",
        "── condition=baseline",
        "── condition=trained",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    // A --by field no rollout has is an error naming the closest.
    let (ok, _, err) = run(&["agree", "--by", "conditon", "--labels", &labels, &study]);
    assert!(!ok && err.contains("--by") && err.contains("did you mean `condition`"), "{err}");
}
