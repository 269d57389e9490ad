//! `rollscope report`: the folder it writes, checked against the commands it gathers — every
//! CSV number equals `stats --json` / `agree --json`, `report.json` holds their JSON as they
//! print it, each input's SHA-256 equals `sha256sum`'s, each SVG draws one line and one marker
//! per turn for each group (read from the SVG itself), and the page fetches nothing.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).display().to_string()
}

/// Rows of a CSV file as maps from column to cell.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader
        .records()
        .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect())
        .collect()
}

fn number(cell: &str) -> Value {
    if cell.is_empty() { Value::Null } else { serde_json::json!(cell.parse::<f64>().unwrap()) }
}

/// A CSV cell equals a JSON number. Both are written as the shortest text that reads back to
/// the same f64, but serde_json's parser (without its `float_roundtrip` feature) may land one
/// unit in the last place off when reading the JSON back, so that much is allowed.
#[track_caller]
fn same(cell: &str, json: &Value, what: &str) {
    match (number(cell).as_f64(), json.as_f64()) {
        (Some(a), Some(b)) => {
            assert!((a - b).abs() <= 2.0 * f64::EPSILON * a.abs().max(1.0), "{what}: {a} vs {b}")
        }
        (a, b) => assert_eq!(a, b, "{what}"),
    }
}

/// `<tag …>` elements of an SVG with their attributes.
fn elements(svg: &str, tag: &str) -> Vec<std::collections::HashMap<String, String>> {
    let attribute = regex::Regex::new(r#"([a-z-]+)="([^"]*)""#).unwrap();
    svg.split(&format!("<{tag} "))
        .skip(1)
        .map(|rest| {
            let head = &rest[..rest.find('>').unwrap()];
            attribute.captures_iter(head).map(|c| (c[1].to_string(), c[2].to_string())).collect()
        })
        .collect()
}

const OKABE_ITO: [&str; 4] = ["#E69F00", "#56B4E9", "#009E73", "#F0E442"];

fn sha256sum(path: &str) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().expect("sha256sum runs");
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

#[test]
fn the_demo_report_holds_every_figure_with_the_numbers_of_stats_and_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let labels = tmp.path().join("no-labels").display().to_string();
    let dir = out.display().to_string();
    let speed = ["--boot", "200", "--perm", "200", "--labels", &labels];
    let (ok, stdout, stderr) =
        common::run(&[&["report", "-o", &dir, "--baseline", "condition=baseline"][..], &speed].concat());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("index.html"), "{stdout}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let stats = common::json(&[&["stats", "--json"][..], &speed[..2], &speed[4..]].concat());
    assert_eq!(report["stats"], stats);
    let compare =
        common::json(&[&["compare", "--json", "--baseline", "condition=baseline"][..], &speed].concat());
    assert_eq!(report["compare"], compare);

    // Each per-turn CSV row is `stats --json`'s turn, group by group.
    let groups = stats["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 4);
    for (name, value, ci) in [
        ("mean_per_turn", "mean", "mean_ci"),
        ("frac_at_or_above", "frac_at_or_above", "frac_ci"),
        ("self_deletion_cumulative", "self_deleted_cum", "self_deleted_cum_ci"),
    ] {
        let rows = csv_rows(&out.join(format!("data/{name}.csv")));
        let turns: Vec<&Value> = groups.iter().flat_map(|g| g["per_turn"].as_array().unwrap()).collect();
        assert_eq!(rows.len(), turns.len(), "{name}");
        for (row, turn) in rows.iter().zip(&turns) {
            assert_eq!(
                number(&row["turn"]),
                turn["turn"].as_f64().map_or(Value::Null, |t| serde_json::json!(t))
            );
            same(&row["value"], &turn[value], name);
            same(&row["ci_low"], turn[ci].get(0).unwrap_or(&Value::Null), name);
            same(&row["ci_high"], turn[ci].get(1).unwrap_or(&Value::Null), name);
        }
        // The SVG: per group one band, and one marker per turn with a value plus the legend's.
        let svg = std::fs::read_to_string(out.join(format!("figures/{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg width=\"3.40in\""), "{name}: sized for a column");
        let polygons = elements(&svg, "polygon");
        for (g, colour) in groups.iter().zip(OKABE_ITO) {
            let with_value = g["per_turn"].as_array().unwrap().iter().filter(|t| !t[value].is_null()).count();
            let markers = polygons.iter().filter(|p| p["fill"] == colour && p["opacity"] == "1").count();
            assert_eq!(markers, with_value + 1, "{name} {colour}");
            let bands = polygons.iter().filter(|p| p["fill"] == colour && p["opacity"] == "0.18").count();
            assert_eq!(bands, 1, "{name} {colour}");
        }
    }
    // The AUC strip: one dot per rollout with an AUC, the diamond at the group's mean.
    let strip = csv_rows(&out.join("data/auc_strip.csv"));
    assert_eq!(strip.len(), 40);
    for g in groups {
        let name = format!(
            "{} · {}",
            g["key"]["condition"].as_str().unwrap(),
            g["key"]["dataset"].as_str().unwrap()
        );
        let mine: Vec<_> = strip.iter().filter(|r| r["group"] == name).collect();
        assert_eq!(mine.len() as u64, g["n_rollouts"].as_u64().unwrap(), "{name}");
        mine.iter().for_each(|r| same(&r["group_mean"], &g["auc_mean"], &name));
    }
    let svg = std::fs::read_to_string(out.join("figures/auc_strip.svg")).unwrap();
    assert_eq!(elements(&svg, "circle").len(), 40);
    // The headline: three bars per group, the compared groups with their differences.
    let headline = csv_rows(&out.join("data/headline.csv"));
    assert_eq!(headline.len(), 12);
    let trained_auc =
        headline.iter().find(|r| r["group"] == "trained · math" && r["measure"] == "auc").unwrap();
    let c = compare["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"]["condition"] == "trained" && c["group"]["dataset"] == "math")
        .unwrap();
    same(&trained_auc["diff"], &c["auc_diff"], "AUC difference");
    same(&trained_auc["p"], &c["auc_p_value"], "AUC p");

    // The demo's bytes are the input, hashed.
    let input = &report["provenance"]["inputs"][0];
    assert_eq!(input["sha256"], sha256sum(&format!("{}/assets/demo.jsonl", env!("CARGO_MANIFEST_DIR"))));
    let command = report["provenance"]["command"].as_str().unwrap();
    assert!(
        command.contains(&format!("report -o {dir} --baseline condition=baseline --boot 200")),
        "{command}"
    );

    // The page holds every figure inline and reaches for nothing outside itself.
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"));
    assert_eq!(page.matches("<svg ").count(), 5);
    for outside in ["<script", "src=", "href=", "url(", "@import", "<link", "<iframe", "<object"] {
        assert!(!page.contains(outside), "the page holds {outside}");
    }
    let only_namespace =
        page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").replace("<meta http-equiv=", "");
    assert!(!only_namespace.contains("http"), "nothing but the SVG namespace names a URL");
    assert!(page.contains("trained·math vs baseline·math: AUC"), "the headline sentence");

    // A second report into the same folder is refused; --force writes it.
    let (ok, _, stderr) = common::run(&[&["report", "-o", &dir][..], &speed].concat());
    assert!(!ok && stderr.contains("is not empty") && stderr.contains("--force"), "{stderr}");
    let (ok, _, stderr) = common::run(&[&["report", "-o", &dir, "--force"][..], &speed].concat());
    assert!(ok, "{stderr}");
}

#[test]
fn a_study_with_a_judge_file_and_labels_gets_category_and_agreement_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let (transcripts, judge) = (fixture("judge/transcripts.jsonl"), fixture("judge/frustration.jsonl"));
    let labels = tmp.path().join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    let ids = common::json(&["ls", "--json", "--scores", &judge, &transcripts]);
    let first = ids[0]["id"].as_str().unwrap().to_string();
    let line = |turn: u32, score: u8| {
        serde_json::json!({"rollout": first, "turn": turn, "score": score, "tags": [], "note": null,
            "annotator": "ana", "time": "2026-11-23T00:00:00Z", "source": "transcripts.jsonl",
            "text_hash": null, "blind": true})
        .to_string()
    };
    std::fs::write(labels.join("ana.jsonl"), [line(1, 2), line(2, 3), line(3, 6)].join("\n") + "\n").unwrap();
    let (labels, out) = (labels.display().to_string(), tmp.path().join("r"));
    let study = ["--scores", &judge, &transcripts, "--labels", &labels, "--boot", "200"];
    let (ok, _, stderr) = common::run(&[&["report", "-o", &out.display().to_string()][..], &study].concat());
    assert!(ok, "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["agree"], common::json(&[&["agree", "--json"][..], &study].concat()));
    // Every input hashed as sha256sum hashes it: the transcripts, the judge file, the labels.
    let inputs = report["provenance"]["inputs"].as_array().unwrap();
    let label_file = format!("{labels}/ana.jsonl");
    for (path, role) in [(&transcripts, "rollouts"), (&judge, "scores"), (&label_file, "labels")] {
        let found = inputs.iter().find(|i| i["role"] == role).unwrap_or_else(|| panic!("{role}"));
        assert_eq!(found["sha256"], sha256sum(path), "{role}");
        assert_eq!(found["bytes"], std::fs::metadata(path).unwrap().len(), "{role}");
    }
    // The judge's tag: stacked fractions per turn, the counts of `stats --score frustration.tag`.
    let tags =
        common::json(&["stats", "--json", "--score", "frustration.tag", "--scores", &judge, &transcripts]);
    let rows = csv_rows(&out.join("data/categories_frustration.tag.csv"));
    let categories = tags["categories"].as_array().unwrap();
    let turns: Vec<&Value> =
        tags["groups"].as_array().unwrap().iter().flat_map(|g| g["per_turn"].as_array().unwrap()).collect();
    assert_eq!(rows.len(), turns.len() * categories.len());
    for (row, (turn, category)) in
        rows.iter().zip(turns.iter().flat_map(|t| categories.iter().map(move |c| (t, c))))
    {
        let c = category.as_str().unwrap();
        assert_eq!(row["category"], c);
        assert_eq!(row["count"].parse::<u64>().unwrap(), turn["counts"][c].as_u64().unwrap_or(0));
        same(&row["fraction"], &turn["fractions"][c], c);
    }
    // ana against the judge: the heat map's counts, the calibration and Bland–Altman points.
    let agreement = &report["agree"]["judge"][0];
    let n = agreement["n"].as_u64().unwrap();
    assert!(n >= 2, "{agreement}");
    let confusion = csv_rows(&out.join("data/agreement_confusion_ana.csv"));
    assert_eq!(confusion.len(), 121);
    assert_eq!(confusion.iter().map(|r| r["count"].parse::<u64>().unwrap()).sum::<u64>(), n);
    let calibration = csv_rows(&out.join("data/calibration_ana.csv"));
    assert_eq!(calibration.len(), agreement["calibration"].as_array().unwrap().len());
    for (row, level) in calibration.iter().zip(agreement["calibration"].as_array().unwrap()) {
        same(&row["human_mean"], &level["human_mean"], "human mean");
    }
    let bland = csv_rows(&out.join("data/bland_altman_ana.csv"));
    assert_eq!(bland.len() as u64, n);
    let mean_difference: f64 =
        bland.iter().map(|r| r["difference"].parse::<f64>().unwrap()).sum::<f64>() / n as f64;
    assert!((mean_difference - agreement["bias"]["value"].as_f64().unwrap()).abs() < 1e-12);
    let svg = std::fs::read_to_string(out.join("figures/bland_altman_ana.svg")).unwrap();
    assert_eq!(elements(&svg, "circle").len() as u64, n);
    // The loading problems are on the page.
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("is &quot;N/A&quot;, not a number"), "the judge file's problems are listed");
}

#[test]
fn file_text_is_escaped_png_and_wide_are_written_and_bad_fields_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let study: PathBuf = tmp.path().join("study.jsonl");
    let line = |condition: &str, score: u8| {
        serde_json::json!({"id": format!("{condition}-{score}"), "metadata": {"condition": condition},
            "messages": [{"role": "user", "content": "no"},
                {"role": "assistant", "content": "ok", "scores": {"frustration": score}}]})
        .to_string()
    };
    let hostile = "<script>alert(1)</script>";
    std::fs::write(&study, [line(hostile, 3), line(hostile, 4), line("plain", 7)].join("\n")).unwrap();
    let (study, out) = (study.display().to_string(), tmp.path().join("r"));
    let dir = out.display().to_string();
    let (ok, _, stderr) = common::run(&["report", &study, "-o", &dir, "--by", "conditon"]);
    assert!(!ok && stderr.contains("condition"), "the closest field is named: {stderr}");
    let (ok, _, stderr) = common::run(&["report", &study, "-o", &dir, "--png", "--wide", "--boot", "100"]);
    assert!(ok, "{stderr}");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!page.contains("<script"), "file text is escaped on the page");
    assert!(page.contains("&lt;script&gt;"));
    let svg = std::fs::read_to_string(out.join("figures/mean_per_turn.svg")).unwrap();
    assert!(!svg.contains("<script") && svg.contains("&lt;script&gt;"), "and in the SVG");
    let wide = std::fs::read_to_string(out.join("figures/mean_per_turn.wide.svg")).unwrap();
    assert!(wide.starts_with("<svg width=\"7.00in\""));
    // PNG at 300 dpi: 3.4 in is 1019 pixels wide (326 CSS pixels × 300/96), pHYs 11811 per metre.
    let png = std::fs::read(out.join("figures/mean_per_turn.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1019);
    let phys = png.windows(4).position(|w| w == b"pHYs").expect("a pHYs chunk");
    assert_eq!(u32::from_be_bytes(png[phys + 4..phys + 8].try_into().unwrap()), 11_811);
    // No rollout self-deleted: that figure is left out, the others are there.
    assert!(!out.join("figures/self_deletion_cumulative.svg").exists());
    assert!(out.join("figures/headline.png").exists());
}

#[test]
fn r_in_the_app_writes_the_report_of_the_filtered_study_in_the_labels_folder() {
    use rollscope::testkit::Session;
    let tmp = tempfile::tempdir().unwrap();
    let labels = tmp.path().join("labels");
    let mut session = Session::demo(120, 40, Some((&labels, "ana")));
    session.press("fcondition=trained<Enter>");
    session.press("R");
    let toast = session.app.toast.clone().unwrap_or_default();
    assert!(toast.starts_with("report written: "), "{toast}");
    let reports: Vec<PathBuf> = std::fs::read_dir(&labels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("report-"))
        .collect();
    assert_eq!(reports.len(), 1, "one report folder in the labels folder");
    let name = reports[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(regex::Regex::new(r"^report-\d{4}-\d\d-\d\d-\d{6}$").unwrap().is_match(&name), "{name}");
    assert!(toast.contains(&name));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(reports[0].join("report.json")).unwrap()).unwrap();
    // The filter, score, threshold and grouping the app shows, as the command line that
    // writes the same report.
    let command = report["provenance"]["command"].as_str().unwrap();
    for part in [
        "rollscope report --score frustration --threshold 5 --by condition,dataset",
        "--filter condition=trained",
    ] {
        assert!(command.contains(part), "{command}");
    }
    assert!(!command.contains("--baseline"), "one condition left: nothing to compare with: {command}");
    assert_eq!(report["compare"], Value::Null);
    let groups = report["stats"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "only the trained groups: {groups:?}");
    assert!(groups.iter().all(|g| g["key"]["condition"] == "trained"));
    assert_eq!(report["stats"]["boot"], 2000);
}

#[test]
fn a_report_written_from_the_app_is_not_read_as_rollouts_when_the_folder_is_opened_again() {
    use rollscope::testkit::Session;
    let tmp = tempfile::tempdir().unwrap();
    let study = tmp.path().join("runs");
    std::fs::create_dir_all(&study).unwrap();
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl")).unwrap();
    std::fs::write(study.join("a.jsonl"), demo).unwrap();
    // The default labels folder of a folder opened: inside it.
    let labels = study.join("rollscope-labels");
    let mut session = Session::open(std::slice::from_ref(&study), 120, 40, Some((&labels, "ana")));
    session.press("R");
    let toast = session.app.toast.clone().unwrap_or_default();
    assert!(toast.starts_with("report written: "), "{toast}");
    let folder = study.display().to_string();
    let (ok, stdout, stderr) = common::run(&["validate", &folder]);
    assert!(ok, "the folder holds its rollouts and nothing else read as one: {stdout}{stderr}");
    assert!(stdout.contains("1 file"), "{stdout}");
    // Unfiltered, the report compares with the compare view's baseline.
    let report = std::fs::read_dir(&labels).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir()).unwrap();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("report.json")).unwrap()).unwrap();
    assert!(report["provenance"]["command"].as_str().unwrap().contains("--baseline condition=baseline"));
    assert_eq!(report["compare"]["comparisons"].as_array().unwrap().len(), 2);
}
