use super::*;
use crate::metrics::agreement::{categorical_agreement, krippendorff_alpha_nominal};
use crate::model::{CategoryLabel, Label, ScoreValues, TurnScores};
use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};

fn rollout(id: &str, judge: &[Option<f64>]) -> RolloutSummary {
    let messages = judge
        .iter()
        .map(|s| {
            let mut m = Message::new(Role::Assistant, "x");
            m.scores = vec![("frustration".into(), *s)];
            m
        })
        .collect();
    let r = Rollout { id: id.into(), messages, ..Rollout::default() };
    RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
}

fn labels(entries: &[(&str, u32, u8)]) -> LabelSet {
    let mut set = LabelSet::default();
    for (rollout, turn, score) in entries {
        let label = Label { score: Some(*score), text_hash: Some("h".into()), ..Label::default() };
        set.set((Arc::from(*rollout), Some(*turn)), Some(label));
    }
    set
}

pub(super) fn options() -> PairOptions {
    PairOptions { score: "frustration".into(), threshold: 5.0, boot: 100, seed: 3 }
}

#[test]
fn pairs_exclude_stale_unmatched_and_unjudged_turns_and_count_them() {
    let rollouts = vec![rollout("r1", &[Some(2.0), Some(6.0), Some(8.0)]), rollout("r2", &[None, Some(4.0)])];
    let ana = labels(&[
        ("r1", 1, 3),
        ("r1", 2, 6),
        ("r1", 3, 9),
        ("r2", 1, 5),
        ("r2", 2, 4),
        ("r9", 1, 1),
        ("r1", 5, 2),
    ]);
    let bo = labels(&[("r1", 1, 4), ("r1", 3, 9), ("r2", 2, 2)]);
    // r1 turn 2's text changed since it was labelled.
    let hash = |rollout: &str, turn: u32| {
        Some(if (rollout, turn) == ("r1", 2) { "changed" } else { "h" }.to_string())
    };
    let report = agreement_report(&rollouts, &[("ana".into(), ana), ("bo".into(), bo)], &hash, &options());
    let a = &report.judge[0];
    assert_eq!((a.labelled, a.stale, a.unmatched, a.no_judge_score), (7, 1, 2, 1));
    assert_eq!(a.agreement.n, 3);
    // Pairs (human, judge): (3, 2), (9, 8), (4, 4) → MAE (1 + 1 + 0) / 3.
    assert!((a.agreement.mae.value.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(a.agreement, agreement(&[3.0, 9.0, 4.0], &[2.0, 8.0, 4.0], 5.0, 100, 3));
    let b = &report.judge[1];
    assert_eq!((b.labelled, b.stale, b.unmatched, b.no_judge_score), (3, 0, 0, 0));
    // ana and bo both scored (r1,1): 3/4, (r1,3): 9/9, (r2,2): 4/2 (ana's stale r1,2 is out).
    assert_eq!(report.humans.len(), 1);
    assert_eq!(report.humans[0].agreement, agreement(&[3.0, 9.0, 4.0], &[4.0, 9.0, 2.0], 5.0, 100, 3));
    let alpha = report.krippendorff_alpha_humans.as_ref().unwrap();
    assert_eq!(alpha.units, 3);
    let units = vec![vec![Some(3.0), Some(4.0)], vec![Some(9.0), Some(9.0)], vec![Some(4.0), Some(2.0)]];
    assert_eq!(alpha.alpha.value, krippendorff_alpha_interval(&units));
}

#[test]
fn one_annotator_has_no_human_pairs_and_json_uses_the_figure_names() {
    let rollouts = vec![rollout("r1", &[Some(2.0), Some(7.0)])];
    let report = agreement_report(
        &rollouts,
        &[("ana".into(), labels(&[("r1", 1, 1), ("r1", 2, 8)]))],
        &|_, _| None,
        &options(),
    );
    assert!(report.humans.is_empty() && report.krippendorff_alpha_humans.is_none());
    let json = serde_json::to_value(&report).unwrap();
    let ana = &json["judge"][0];
    for key in [
        "n",
        "mae",
        "pearson",
        "spearman",
        "kappa_quadratic",
        "kappa_binary",
        "krippendorff_alpha",
        "confusion",
    ] {
        assert!(ana.get(key).is_some(), "{key} in {ana}");
    }
    assert_eq!(ana["confusion"]["both_high"], 1);
    assert_eq!(ana["confusion"]["both_low"], 1);
}

/// A rollout whose judge wrote `tags` (a categorical score `frustration.tag`) per turn.
fn tagged(id: &str, tags: &[Option<&str>]) -> RolloutSummary {
    let mut r = rollout(id, &vec![None; tags.len()]);
    let values = tags.iter().map(|t| t.map(Arc::from)).collect::<Vec<_>>();
    r.scores
        .push(TurnScores { name: "frustration.tag".into(), values: ScoreValues::Categorical(values.into()) });
    r
}

fn categories(entries: &[(&str, u32, &str, &str)]) -> LabelSet {
    let mut set = LabelSet::default();
    for (rollout, turn, score_name, category) in entries {
        let category = CategoryLabel { score_name: score_name.to_string(), category: category.to_string() };
        let label = Label { category: Some(category), text_hash: Some("h".into()), ..Label::default() };
        set.set((Arc::from(*rollout), Some(*turn)), Some(label));
    }
    set
}

#[test]
fn categories_pair_with_the_judge_s_category_at_the_same_turn() {
    let rollouts = vec![
        tagged("r1", &[Some("none"), Some("mild"), Some("despair")]),
        tagged("r2", &[None, Some("strong")]),
        tagged("r3", &[Some("none"), Some("none")]),
    ];
    let tag = "frustration.tag";
    let mut ana = categories(&[
        ("r1", 1, tag, "none"),
        ("r1", 2, tag, "despair"),
        ("r1", 3, tag, "despair"),
        ("r2", 1, tag, "mild"),
        ("r2", 2, tag, "mild"),
        ("r9", 1, tag, "none"),
        ("r3", 2, "other.tag", "none"),
    ]);
    // A numeric score alone rates nothing here.
    let scored = Label { score: Some(5), text_hash: Some("h".into()), ..Label::default() };
    ana.set((Arc::from("r3"), Some(1)), Some(scored));
    let bo = categories(&[("r1", 1, tag, "mild"), ("r1", 3, tag, "despair"), ("r2", 2, tag, "strong")]);
    let hash = |rollout: &str, turn: u32| {
        Some(if (rollout, turn) == ("r1", 2) { "changed" } else { "h" }.to_string())
    };
    let tag_options = PairOptions { score: tag.into(), ..options() };
    let annotators = [("ana".to_string(), ana), ("bo".to_string(), bo)];
    let report = categorical_report(&rollouts, &annotators, &hash, &tag_options, false);
    let a = &report.judge[0];
    assert_eq!((a.labelled, a.stale, a.unmatched, a.no_judge_score), (6, 1, 1, 1));
    // Pairs by (rollout, turn): (r1,1) none/none, (r1,3) despair/despair, (r2,2) mild/strong.
    let expected =
        categorical_agreement(&["none", "despair", "mild"], &["none", "despair", "strong"], 100, 3);
    assert_eq!(a.agreement, expected);
    assert_eq!(a.agreement.n, 3);
    let b = &report.judge[1];
    assert_eq!((b.labelled, b.agreement.n), (3, 3));
    assert_eq!(
        report.humans[0].agreement,
        categorical_agreement(&["none", "despair", "mild"], &["mild", "despair", "strong"], 100, 3)
    );
    // Nominal α across humans: categories numbered despair 0, mild 1, none 2, strong 3.
    let alpha = report.krippendorff_alpha_humans.as_ref().unwrap();
    assert_eq!(alpha.units, 3);
    let units = vec![vec![Some(2), Some(1)], vec![Some(0), Some(0)], vec![Some(1), Some(3)]];
    assert_eq!(alpha.alpha.value, krippendorff_alpha_nominal(&units, 4));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["kind"], "categorical");
    assert!(json.get("threshold").is_none());
    let ana = &json["judge"][0];
    for key in
        ["labelled", "n", "percent_agreement", "kappa_unweighted", "krippendorff_alpha", "category_table"]
    {
        assert!(ana.get(key).is_some(), "{key} in {ana}");
    }
    assert!(ana.get("confusion").is_none() && ana.get("kappa_quadratic").is_none());
    // The numeric report on the same labels sees only ana's one score (r3 turn 1, which the
    // judge did not score) and none of the categories.
    let numeric = agreement_report(&rollouts, &annotators, &hash, &options());
    let a = &numeric.judge[0];
    assert_eq!((a.labelled, a.no_judge_score, a.agreement.n), (1, 1, 0));
    assert_eq!(numeric.judge[1].labelled, 0);
}

/// Scores with whether each was given blind (in a spot-check review).
pub(super) fn blind_labels(entries: &[(&str, u32, u8, bool)]) -> LabelSet {
    let mut set = LabelSet::default();
    for &(rollout, turn, score, blind) in entries {
        let label = Label { score: Some(score), text_hash: Some("h".into()), blind, ..Label::default() };
        set.set((Arc::from(rollout), Some(turn)), Some(label));
    }
    set
}

#[test]
fn blind_labels_are_counted_apart_and_blind_only_pairs_only_them() {
    let rollouts = vec![rollout("r1", &[Some(2.0), Some(6.0), Some(8.0)]), rollout("r2", &[None, Some(4.0)])];
    // ana: blind on (r1,1), (r1,3), (r2,1: no judge score), (r2,2: stale) and (r9,1: not in
    // the study); not blind on (r1,2).
    let ana = blind_labels(&[
        ("r1", 1, 3, true),
        ("r1", 2, 9, false),
        ("r1", 3, 7, true),
        ("r2", 1, 5, true),
        ("r2", 2, 1, true),
        ("r9", 1, 4, true),
    ]);
    let bo = blind_labels(&[("r1", 1, 2, false), ("r1", 2, 6, false), ("r1", 3, 8, true)]);
    let hash =
        |rollout: &str, turn: u32| Some(if (rollout, turn) == ("r2", 2) { "changed" } else { "h" }.into());
    let annotators = [("ana".to_string(), ana), ("bo".to_string(), bo)];
    let all = agreement_report(&rollouts, &annotators, &hash, &options());
    let a = &all.judge[0];
    assert!(!all.blind_only);
    assert_eq!((a.labelled, a.blind_labels, a.non_blind_labels), (6, 5, 1));
    assert_eq!((a.stale, a.unmatched, a.no_judge_score, a.agreement.n), (1, 1, 1, 3));
    // Every label paired: (3, 2), (9, 6), (7, 8).
    assert_eq!(a.agreement, agreement(&[3.0, 9.0, 7.0], &[2.0, 6.0, 8.0], 5.0, 100, 3));

    let scope = ReportScope { blind_only: true, by: None };
    let blind = scoped_agreement_report(&rollouts, &annotators, &hash, &options(), &scope);
    assert!(blind.blind_only);
    let a = &blind.judge[0];
    // The counts of each kind do not change; the non-blind label is left out, not dropped.
    assert_eq!((a.labelled, a.blind_labels, a.non_blind_labels), (6, 5, 1));
    assert_eq!((a.stale, a.unmatched, a.no_judge_score, a.agreement.n), (1, 1, 1, 2));
    assert_eq!(a.labelled, a.non_blind_labels + a.stale + a.unmatched + a.no_judge_score + a.agreement.n);
    assert_eq!(a.agreement, agreement(&[3.0, 7.0], &[2.0, 8.0], 5.0, 100, 3));
    let b = &blind.judge[1];
    assert_eq!((b.labelled, b.blind_labels, b.non_blind_labels, b.agreement.n), (3, 1, 2, 1));
    // Humans meet on blind labels only: ana and bo both gave (r1,3) blind; (r1,1) is bo's non-blind.
    assert_eq!(blind.humans[0].agreement, agreement(&[7.0], &[8.0], 5.0, 100, 3));
    assert_eq!(all.humans[0].agreement, agreement(&[3.0, 9.0, 7.0], &[2.0, 6.0, 8.0], 5.0, 100, 3));
    let json = serde_json::to_value(&blind).unwrap();
    assert_eq!(json["blind_only"], true);
    assert_eq!(
        (json["judge"][0]["blind_labels"].as_u64(), json["judge"][0]["non_blind_labels"].as_u64()),
        (Some(5), Some(1))
    );
    assert!(json.get("groups").is_none() && json.get("by").is_none(), "no --by, no groups");

    // The categorical report counts and leaves out the same way.
    let tags = vec![tagged("t1", &[Some("none"), Some("mild")])];
    let tag = "frustration.tag";
    let mut labels = categories(&[("t1", 1, tag, "none"), ("t1", 2, tag, "despair")]);
    if let Some(label) = labels.labels.get_mut(&(Arc::from("t1"), Some(1))) {
        label.blind = true;
    }
    let tag_options = PairOptions { score: tag.into(), ..options() };
    let report = categorical_report(&tags, &[("ana".into(), labels)], &|_, _| None, &tag_options, true);
    let a = &report.judge[0];
    assert_eq!((a.labelled, a.blind_labels, a.non_blind_labels, a.agreement.n), (2, 1, 1, 1));
    assert!(report.blind_only);
}
