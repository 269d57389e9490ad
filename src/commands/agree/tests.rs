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
    let report = categories_report(&study, &[("ana".into(), ana), ("bo".into(), bo)], &options);
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
            "ana vs judge: 4 labelled turns, 3 paired; left out: 1 stale, 0 not in the study, 0 without a judge category",
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
