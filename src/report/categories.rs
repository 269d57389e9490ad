//! A categorical score's figure: per group, per turn, the fraction of turns in each category
//! as stacked bars (the CSV adds the counts and Wilson CIs `stats --json` prints).

use super::figure::{Figure, Plot, StackedPanel, Table, cell};
use super::figures::group_name;
use crate::metrics::study::CategoryStats;

/// `legend[g]`: the name of the group with palette index g in the other figures, so a group
/// keeps its place.
pub fn stacked(stats: &CategoryStats) -> Figure {
    let mut table = Table::new(&["group", "turn", "n", "category", "count", "fraction", "ci_low", "ci_high"]);
    let mut panels = Vec::new();
    for g in &stats.groups {
        let name = group_name(&stats.by, &g.key);
        let mut turns = Vec::new();
        for t in &g.per_turn {
            let mut fractions = Vec::new();
            for c in &stats.categories {
                let fraction = t.fractions.get(c).copied().flatten();
                let ci = t.fraction_cis.get(c).copied().flatten();
                table.rows.push(vec![
                    name.clone(),
                    t.turn.to_string(),
                    t.n.to_string(),
                    c.clone(),
                    t.counts.get(c).copied().unwrap_or(0).to_string(),
                    cell(fraction),
                    cell(ci.map(|c| c.0)),
                    cell(ci.map(|c| c.1)),
                ]);
                fractions.push(fraction.unwrap_or(0.0));
            }
            if t.n > 0 {
                turns.push((t.turn, fractions));
            }
        }
        panels.push(StackedPanel { name, turns });
    }
    Figure {
        name: format!("categories_{}", super::file_stem(&stats.score)),
        title: format!("{} per turn (fraction of turns)", stats.score),
        x_label: "turn".into(),
        y_label: "turns".into(),
        plot: Plot::Stacked { categories: stats.categories.clone(), panels },
        legend: Vec::new(),
        table,
    }
}
