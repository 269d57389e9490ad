//! With labels: per annotator, the human × judge heat map with counts, the calibration (human
//! mean at each judge level with its CI, the diagonal drawn) and the Bland–Altman plot.

use super::figure::{Figure, Mark, Plot, Rule, Table, cell, span};
use crate::metrics::pairs::{AgreementReport, JudgeAgreement};

/// The three figures for each annotator who has pairs with the judge.
pub fn figures(report: &AgreementReport) -> Vec<Figure> {
    report.judge.iter().filter(|j| j.agreement.n > 0).flat_map(|j| annotator(report, j)).collect()
}

fn annotator(report: &AgreementReport, j: &JudgeAgreement) -> [Figure; 3] {
    let who = &j.annotator;
    let stem = super::file_stem(who);
    let a = &j.agreement;
    let levels: Vec<String> = (0..a.confusion_levels.len()).map(|l| l.to_string()).collect();
    let mut confusion = Table::new(&["human", "judge", "count"]);
    for (h, row) in a.confusion_levels.iter().enumerate() {
        for (l, count) in row.iter().enumerate() {
            confusion.rows.push(vec![h.to_string(), l.to_string(), count.to_string()]);
        }
    }
    let heat = Figure {
        name: format!("agreement_confusion_{stem}"),
        title: format!("{who} vs judge: {} turns by level", a.n),
        x_label: format!("judge {}", report.score),
        y_label: who.to_string(),
        plot: Plot::Heat {
            rows: levels.clone(),
            columns: levels,
            counts: a.confusion_levels.iter().map(|row| row.to_vec()).collect(),
        },
        legend: Vec::new(),
        table: confusion,
    };
    let mut table = Table::new(&["judge_level", "n", "human_mean", "ci_low", "ci_high"]);
    let mut marks = Vec::new();
    for level in &a.calibration {
        table.rows.push(vec![
            level.level.to_string(),
            level.n.to_string(),
            level.human_mean.to_string(),
            cell(level.ci.map(|c| c.0)),
            cell(level.ci.map(|c| c.1)),
        ]);
        marks.push(Mark { x: f64::from(level.level), y: level.human_mean, ci: level.ci });
    }
    let top = (a.confusion_levels.len().max(1) - 1) as f64;
    let calibration = Figure {
        name: format!("calibration_{stem}"),
        title: format!("{who}: mean at each judge level (95 % CI)"),
        x_label: format!("judge {}", report.score),
        y_label: format!("{who} mean"),
        plot: Plot::Scatter { marks, x: (-0.5, top + 0.5), y: (0.0, top), diagonal: true, rules: Vec::new() },
        legend: Vec::new(),
        table,
    };
    let mut table = Table::new(&["human", "judge", "mean", "difference"]);
    let mut marks = Vec::new();
    for &(h, judge) in &a.pairs {
        let (mean, diff) = ((h + judge) / 2.0, h - judge);
        table.rows.push(vec![h.to_string(), judge.to_string(), mean.to_string(), diff.to_string()]);
        marks.push(Mark { x: mean, y: diff, ci: None });
    }
    let mut rules = Vec::new();
    if let Some(l) = &a.limits_of_agreement {
        rules.push(Rule { y: l.bias, label: format!("bias {:.2}", l.bias), dashed: false });
        rules.push(Rule { y: l.upper, label: format!("+1.96 SD {:.2}", l.upper), dashed: true });
        rules.push(Rule { y: l.lower, label: format!("−1.96 SD {:.2}", l.lower), dashed: true });
    }
    let limits: Vec<f64> = rules.iter().map(|r| r.y).collect();
    let y = span(marks.iter().map(|m| m.y), &[limits.as_slice(), &[0.0]].concat());
    let x = span(marks.iter().map(|m| m.x), &[]);
    let bland_altman = Figure {
        name: format!("bland_altman_{stem}"),
        title: format!("{who} − judge against their mean ({} turns)", a.n),
        x_label: "mean of the two scores".into(),
        y_label: format!("{who} − judge"),
        plot: Plot::Scatter {
            marks,
            x: (x.0 - 0.5, x.1 + 0.5),
            y: (y.0 - 0.5, y.1 + 0.5),
            diagonal: false,
            rules,
        },
        legend: Vec::new(),
        table,
    };
    [heat, calibration, bland_altman]
}
