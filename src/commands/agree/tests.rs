use std::sync::Arc;

use super::*;
use crate::load::LoadOptions;
use crate::metrics::agreement::categorical_agreement;
use crate::model::{LabelRecord, ScoreValues, SourceLine, TurnScores, text_hash};

/// Two rollouts of two turns ("a1", "a2") with a numeric judge score, and — added to the index
/// in-process, as a score file with a tag column will — the judge's tag per turn.
fn study_with_tags(dir: &Path) -> Study {
    let path = dir.join("study.jsonl");
    let line = |id: &str| {
        format!(
            r#"{{"id": "{id}", "messages": [{{"role": "user", "content": "q"}}, {{"role": "assistant", "content": "a1", "scores": {{"frustration": 2}}}}, {{"role": "user", "content": "no"}}, {{"role": "assistant", "content": "a2", "scores": {{"frustration": 7}}}}]}}"#
        )
    };
    std::fs::write(&path, format!("{}\n{}\n", line("r1"), line("r2"))).unwrap();
    let mut study = Study::load(&[path], &LoadOptions::default());
    assert_eq!(study.rollouts.len(), 2, "{:?}", study.problems);
    for (r, tags) in study.rollouts.iter_mut().zip([["none", "despair"], ["mild", "despair"]]) {
        let values: Vec<Option<Arc<str>>> = tags.iter().map(|t| Some(Arc::from(*t))).collect();
        r.scores.push(TurnScores {
            name: "frustration.tag".into(),
            values: ScoreValues::Categorical(values.into()),
        });
    }
    study
}

fn labels(entries: &[(&str, u32, &str, &str)]) -> LabelSet {
    let records: Vec<LabelRecord> = entries
        .iter()
        .map(|(rollout, turn, category, text)| LabelRecord {
            rollout: rollout.to_string(),
            turn: Some(*turn),
            score: None,
            score_name: Some("frustration.tag".into()),
            category: Some(category.to_string()),
            tags: Vec::new(),
            note: None,
            annotator: String::new(),
            time: String::new(),
            source: String::new(),
            text_hash: Some(text_hash(text)),
            queue: None,
            queue_id: None,
            blind: false,
            reason: None,
            adjudicator: None,
            line: SourceLine::default(),
        })
        .collect();
    LabelSet::replay(&records)
}

#[test]
fn a_categorical_score_pairs_human_categories_with_the_judge_s_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let study = study_with_tags(dir.path());
    assert_eq!(super::super::score_kind(&study, "frustration.tag"), Some(ScoreKind::Categorical));
    assert_eq!(super::super::score_kind(&study, "frustration"), Some(ScoreKind::Numeric));
    // ana's (r2, 2) was labelled when the turn read differently: stale.
    let ana = labels(&[
        ("r1", 1, "none", "a1"),
        ("r1", 2, "despair", "a2"),
        ("r2", 1, "none", "a1"),
        ("r2", 2, "mild", "old"),
    ]);
    let bo = labels(&[("r1", 1, "none", "a1"), ("r2", 1, "mild", "a1")]);
    let options = PairOptions { score: "frustration.tag".into(), threshold: 5.0, boot: 50, seed: 1 };
    let report = categories_report(&study, &[("ana".into(), ana), ("bo".into(), bo)], &options, false);
    let a = &report.judge[0];
    assert_eq!((a.labelled, a.stale, a.unmatched, a.no_judge_score), (4, 1, 0, 0));
    let expected = categorical_agreement(&["none", "despair", "none"], &["none", "despair", "mild"], 50, 1);
    assert_eq!(a.agreement, expected);
    assert_eq!(report.humans[0].agreement.n, 2);
    let lines = categorical_lines(&report, Path::new("labels"));
    let at = lines.iter().position(|l| l.starts_with("ana vs judge")).unwrap();
    assert_eq!(
        lines[at..at + 8],
        [
            "ana vs judge: 4 labelled turns (0 blind, 4 not blind), 3 paired; left out: 1 stale, 0 not in the study, 0 without a judge category",
            &format!("  agreement (0–1) {}", expected.percent_agreement.text()),
            &format!("  κ unweighted    {}", expected.kappa_unweighted.text()),
            &format!("  Krippendorff α  {}", expected.krippendorff_alpha.text()),
            "  ana ↓ judge →  despair  mild  none",
            "  despair              1     0     0",
            "  mild                 0     0     0",
            "  none                 0     1     1",
        ]
    );
    assert!(lines.iter().any(|l| l.starts_with("Krippendorff's α (nominal) across 2 annotators (2 turns")));
}

/// Numeric scores, each given blind or not.
fn scores(entries: &[(&str, u32, u8, bool)]) -> LabelSet {
    let records: Vec<LabelRecord> = entries
        .iter()
        .map(|&(rollout, turn, score, blind)| LabelRecord {
            rollout: rollout.to_string(),
            turn: Some(turn),
            score: Some(score),
            score_name: None,
            category: None,
            tags: Vec::new(),
            note: None,
            annotator: String::new(),
            time: String::new(),
            source: String::new(),
            text_hash: None,
            queue: None,
            queue_id: None,
            blind,
            reason: None,
            adjudicator: None,
            line: SourceLine::default(),
        })
        .collect();
    LabelSet::replay(&records)
}

#[test]
fn the_text_shows_blind_counts_bias_limits_and_the_calibration_table() {
    let dir = tempfile::tempdir().unwrap();
    let study = study_with_tags(dir.path());
    // Judge: 2 and 7 on both rollouts. Pairs (human, judge): (3, 2) (6, 7) (1, 2) (7, 7), the
    // second not blind. d = 1, −1, −1, 0: bias −0.25, SD √(2.75/3) = 0.957427…, limits
    // −0.25 ∓ 1.96·SD = −2.127, 1.627. Judge level 2: humans 3, 1 (mean 2); level 7: 6, 7.
    let ana = scores(&[("r1", 1, 3, true), ("r1", 2, 6, false), ("r2", 1, 1, true), ("r2", 2, 7, true)]);
    let options = PairOptions { score: "frustration".into(), threshold: 5.0, boot: 50, seed: 1 };
    let annotators = [("ana".to_string(), ana)];
    let all = report(&study, &annotators, &options, &ReportScope::default());
    let lines = numeric_lines(&all, Path::new("labels"));
    let at = lines.iter().position(|l| l.starts_with("ana vs judge")).unwrap();
    let a = &all.judge[0].agreement;
    let ci = |level: usize| {
        let (lo, hi) = a.calibration[level].ci.unwrap();
        format!("[{lo:.2}, {hi:.2}]")
    };
    assert_eq!(
        lines[at..],
        [
            "ana vs judge: 4 labelled turns (3 blind, 1 not blind), 4 paired; left out: 0 stale, 0 not in the study, 0 without a judge score",
            &format!("  MAE             {}", a.mae.text()),
            &format!("  Pearson r       {}", a.pearson.text()),
            &format!("  Spearman ρ      {}", a.spearman.text()),
            &format!("  κ quadratic     {}", a.kappa_quadratic.text()),
            &format!("  κ binary        {}", a.kappa_binary.text()),
            &format!("  Krippendorff α  {}", a.krippendorff_alpha.text()),
            &format!("  bias (h − j)    {}", a.bias.text()),
            "  95% limits         -2.127 to 1.627 (bias ± 1.96 SD, SD 0.957)",
            "  ≥5 vs <5: both high 2, human high/judge low 0, human low/judge high 0, both low 2",
            "  judge level  n  human mean      [95% CI]",
            &format!("  2            2        2.00  {}", ci(0)),
            &format!("  7            2        6.50  {}", ci(1)),
        ]
    );
    assert!(a.bias.text().trim_start().starts_with("-0.250"), "{}", a.bias.text());
    // Only blind labels: the non-blind one is left out and said so.
    let blind = report(&study, &annotators, &options, &ReportScope { blind_only: true, by: None });
    let lines = numeric_lines(&blind, Path::new("labels"));
    assert!(lines[0].contains("· blind labels only ·"), "{}", lines[0]);
    assert!(lines.contains(
        &"ana vs judge: 4 labelled turns (3 blind, 1 not blind), 3 paired; left out: 1 not blind, 0 stale, 0 not in the study, 0 without a judge score"
            .to_string()
    ));
}
