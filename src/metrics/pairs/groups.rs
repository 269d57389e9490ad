//! `agree --by`: the judge figures of each group of rollouts, as if the study held that
//! group alone. A judge can be calibrated on one dataset and generous on another; the
//! pooled figures hide which.

use std::collections::HashMap;

use serde::Serialize;

use super::JudgeAgreement;
use crate::metrics::study::{GroupKey, grouped};
use crate::model::{LabelSet, RolloutSummary};

/// One group of `--by`: its key and each annotator against the judge on its rollouts alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAgreement {
    /// Field → value (JSON `null` for rollouts without the field), as `stats` keys its groups.
    pub key: GroupKey,
    /// Annotators with a labelled turn in the group, each against the judge.
    pub judge: Vec<JudgeAgreement>,
}

/// Splits the rollouts into the groups of `by` (ordered as `stats` orders them) and each
/// annotator's labels with them, then `pair` pairs each group's labels on its rollouts.
///
/// A group sees only the labels of its own rollouts, so they are not counted as `unmatched`
/// there; labels of rollouts outside the study belong to no group. An annotator without a
/// labelled turn in a group is left out of it, as the ungrouped report leaves them out.
pub(super) fn group_agreements(
    rollouts: &[RolloutSummary],
    annotators: &[(String, LabelSet)],
    by: &[String],
    pair: impl Fn(&[&RolloutSummary], &[(String, LabelSet)]) -> Vec<JudgeAgreement>,
) -> Vec<GroupAgreement> {
    let groups = grouped(rollouts, by);
    let group_of: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, (_, members))| members.iter().map(move |r| (&*r.id, g)))
        .collect();
    // One pass over every label, not one per group.
    let empty: Vec<(String, LabelSet)> =
        annotators.iter().map(|(name, _)| (name.clone(), LabelSet::default())).collect();
    let mut labels_of_group = vec![empty; groups.len()];
    for (a, (_, set)) in annotators.iter().enumerate() {
        for (key, label) in &set.labels {
            if let Some(&g) = group_of.get(&*key.0) {
                labels_of_group[g][a].1.set(key.clone(), Some(label.clone()));
            }
        }
    }
    groups
        .into_iter()
        .zip(labels_of_group)
        .map(|((key, members), annotators)| {
            let mut judge = pair(&members, &annotators);
            judge.retain(|j| j.labelled > 0);
            GroupAgreement { key, judge }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::agreement::agreement;
    use crate::metrics::pairs::tests::{blind_labels, options};
    use crate::metrics::pairs::{GroupAgreement, ReportScope, scoped_agreement_report};
    use crate::metrics::study::group_value;
    use crate::model::{Hatch, Interner, LabelSet, Locator, Message, Role, Rollout, RolloutSummary};

    /// A rollout of `condition` (none when `None`) with the judge's scores per turn.
    fn in_condition(id: &str, condition: Option<&str>, judge: &[Option<f64>]) -> RolloutSummary {
        let messages = judge
            .iter()
            .map(|s| {
                let mut m = Message::new(Role::Assistant, "x");
                m.scores = vec![("frustration".into(), *s)];
                m
            })
            .collect();
        let mut metadata = serde_json::Map::new();
        if let Some(c) = condition {
            metadata.insert("condition".into(), c.into());
        }
        let r = Rollout { id: id.into(), metadata, messages, ..Rollout::default() };
        RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
    }

    #[test]
    fn each_group_has_the_figures_of_its_rollouts_alone() {
        let rollouts = vec![
            in_condition("b1", Some("baseline"), &[Some(2.0), Some(6.5), Some(8.0)]),
            in_condition("t1", Some("trained"), &[Some(1.0), Some(0.0)]),
            in_condition("b2", Some("baseline"), &[Some(4.5), None]),
            in_condition("x1", None, &[Some(3.0)]),
            in_condition("t2", Some("trained"), &[Some(2.0), Some(1.0)]),
        ];
        let ana = blind_labels(&[
            ("b1", 1, 3, true),
            ("b1", 2, 4, false),
            ("b1", 3, 9, true),
            ("b2", 1, 2, false),
            ("b2", 2, 5, true),
            ("t1", 1, 1, false),
            ("t1", 2, 3, true),
            ("t2", 1, 0, true),
            ("x1", 1, 6, false),
            ("zz", 1, 2, true),
        ]);
        // bo labelled only trained rollouts: absent from the other groups.
        let bo = blind_labels(&[("t1", 1, 2, true), ("t2", 2, 1, false)]);
        // (b1, 3) changed since ana labelled it.
        let hash =
            |rollout: &str, turn: u32| Some(if (rollout, turn) == ("b1", 3) { "new" } else { "h" }.into());
        let annotators = [("ana".to_string(), ana), ("bo".to_string(), bo)];
        for blind_only in [false, true] {
            let scope = ReportScope { blind_only, by: Some(vec!["condition".into()]) };
            let report = scoped_agreement_report(&rollouts, &annotators, &hash, &options(), &scope);
            assert_eq!(report.by.as_deref(), Some(&["condition".to_string()][..]));
            let groups = report.groups.as_ref().unwrap();
            let keys: Vec<serde_json::Value> = groups.iter().map(|g| g.key["condition"].clone()).collect();
            // Ordered by the key's text, as `stats` orders them; x1 has no condition: null ("null").
            assert_eq!(
                keys,
                [serde_json::json!("baseline"), serde_json::Value::Null, serde_json::json!("trained")]
            );
            for group in groups {
                // The same report on a study of the group's rollouts and the labels on them.
                let members: Vec<RolloutSummary> = rollouts
                    .iter()
                    .filter(|r| group_value(r, "condition") == group.key["condition"])
                    .cloned()
                    .collect();
                let ids: Vec<&str> = members.iter().map(|r| &*r.id).collect();
                let alone: Vec<(String, LabelSet)> = annotators
                    .iter()
                    .map(|(name, set)| {
                        let mut mine = LabelSet::default();
                        for (key, label) in set.labels.iter().filter(|(k, _)| ids.contains(&&*k.0)) {
                            mine.set(key.clone(), Some(label.clone()));
                        }
                        (name.clone(), mine)
                    })
                    .filter(|(_, set)| set.total_scored() > 0)
                    .collect();
                let ungrouped = ReportScope { blind_only, by: None };
                let expected = scoped_agreement_report(&members, &alone, &hash, &options(), &ungrouped);
                assert_eq!(group.judge, expected.judge, "{:?}, blind only {blind_only}", group.key);
            }
            let names = |g: &GroupAgreement| g.judge.iter().map(|j| j.annotator.clone()).collect::<Vec<_>>();
            assert_eq!(names(&groups[0]), ["ana"]);
            assert_eq!(names(&groups[1]), ["ana"]);
            assert_eq!(names(&groups[2]), ["ana", "bo"]);
            // The labels of a rollout off the study (zz) are in no group, and in no group's counts.
            assert!(groups.iter().flat_map(|g| &g.judge).all(|j| j.unmatched == 0));
            assert_eq!(report.judge[0].unmatched, 1);
        }
        // Figures by hand for one group, so the comparison above is not one code path against
        // itself: trained, ana, every label: (t1,1) 1 vs 1, (t1,2) 3 vs 0, (t2,1) 0 vs 2.
        let scope = ReportScope { blind_only: false, by: Some(vec!["condition".into()]) };
        let report = scoped_agreement_report(&rollouts, &annotators, &hash, &options(), &scope);
        let trained = &report.groups.as_ref().unwrap()[2].judge[0];
        assert_eq!((trained.labelled, trained.blind_labels, trained.non_blind_labels), (3, 2, 1));
        assert_eq!(trained.agreement, agreement(&[1.0, 3.0, 0.0], &[1.0, 0.0, 2.0], 5.0, 100, 3));
        assert_eq!(trained.agreement.bias.value, Some(1.0 / 3.0));
        // baseline, ana: (b1,1) 3 vs 2, (b1,2) 4 vs 6.5, (b2,1) 2 vs 4.5; (b1,3) stale, (b2,2) unjudged.
        let baseline = &report.groups.as_ref().unwrap()[0].judge[0];
        assert_eq!((baseline.labelled, baseline.stale, baseline.no_judge_score), (5, 1, 1));
        assert_eq!(baseline.agreement, agreement(&[3.0, 4.0, 2.0], &[2.0, 6.5, 4.5], 5.0, 100, 3));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["by"], serde_json::json!(["condition"]));
        assert_eq!(json["groups"][2]["key"], serde_json::json!({"condition": "trained"}));
        for key in ["bias", "limits_of_agreement", "calibration", "confusion_levels", "blind_labels"] {
            assert!(json["groups"][2]["judge"][0].get(key).is_some(), "{key}");
        }
    }
}
