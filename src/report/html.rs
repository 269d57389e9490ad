//! `index.html`: one page that holds everything — inline SVG and CSS, no script, no font, no
//! link to anything outside it (a Content-Security-Policy says so to the browser too) — so it
//! opens offline and can be mailed. Every text from the files is escaped.

use std::fmt::Write as _;

use super::figures::group_name;
use super::provenance::Provenance;
use super::{Agree, Computed, Drawn, Stats};
use crate::metrics::agreement::Figure as Estimate;
use crate::metrics::compare::text::{headline, number, percent, turn_table};
use crate::metrics::compare::{CompareReport, Comparison};
use crate::metrics::study::StudyStats;

pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #eee}\
td:first-child,th:first-child{text-align:left}.figs{display:flex;flex-wrap:wrap;gap:1em}\
figure{margin:0;width:340px}figure svg{width:100%;height:auto}figcaption{font-size:12px;color:#444}\
code{font-size:12px;word-break:break-all}.headline{font-weight:600}";

/// HTML-escaped text, control characters shown, not obeyed.
pub fn esc(text: &str) -> String {
    let clean = crate::sanitize::clean(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, cells: &[String], head: bool) {
    let tag = if head { "th" } else { "td" };
    out.push_str("<tr>");
    for c in cells {
        let _ = write!(out, "<{tag}>{}</{tag}>", esc(c));
    }
    out.push_str("</tr>\n");
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table>\n");
    row(out, &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(), true);
    for r in rows {
        row(out, r, false);
    }
    out.push_str("</table>\n");
}

pub fn page(c: &Computed, drawn: &[Drawn], problems: &[String], p: &Provenance) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<title>rollscope report: {}</title>\n<style>{STYLE}</style></head><body>\n",
        esc(&p.score)
    );
    let _ = writeln!(
        out,
        "<h1>rollscope report</h1>\n<p>score <b>{}</b> · threshold {} · {} · made {}</p>",
        esc(&p.score),
        p.threshold,
        if p.by.is_empty() {
            "all rollouts as one group".to_string()
        } else {
            format!("by {}", esc(&p.by.join(", ")))
        },
        esc(&p.date)
    );
    if let Some(r) = &c.compare {
        for comparison in &r.comparisons {
            let _ = writeln!(out, "<p class=\"headline\">{}</p>", esc(&headline(r, comparison)));
        }
    }
    out.push_str("<h2>Figures</h2>\n<div class=\"figs\">\n");
    for d in drawn {
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>{} — <code>figures/{}.svg</code>, numbers in <code>data/{}.csv</code></figcaption></figure>",
            d.svg.trim_start_matches(|c| c != '<'),
            esc(&d.title),
            esc(&d.name),
            esc(&d.name)
        );
    }
    out.push_str("</div>\n");
    match &c.stats {
        Stats::Numeric(s) => stats_tables(&mut out, s),
        Stats::Categorical(s) => {
            let _ = writeln!(out, "<h2>Statistics: {} (categorical)</h2>", esc(&s.score));
            let header: Vec<&str> = ["group", "rollouts", "turns"]
                .into_iter()
                .chain(s.categories.iter().map(String::as_str))
                .collect();
            let rows: Vec<Vec<String>> = s
                .groups
                .iter()
                .map(|g| {
                    [group_name(&s.by, &g.key), g.n_rollouts.to_string(), g.n.to_string()]
                        .into_iter()
                        .chain(s.categories.iter().map(|k| g.counts.get(k).copied().unwrap_or(0).to_string()))
                        .collect()
                })
                .collect();
            table(&mut out, &header, &rows);
        }
    }
    if let Some(r) = &c.compare {
        compare_tables(&mut out, r);
    }
    match &c.agree {
        Some(Agree::Numeric(r)) => {
            out.push_str("<h2>Agreement with the judge</h2>\n");
            for j in &r.judge {
                let a = &j.agreement;
                let _ = writeln!(
                    out,
                    "<h3>{} vs judge</h3><p>{} labelled turns, {} paired; left out: {} stale, {} not in the study, {} without a judge score</p>",
                    esc(&j.annotator),
                    j.labelled,
                    a.n,
                    j.stale,
                    j.unmatched,
                    j.no_judge_score
                );
                let mut rows: Vec<Vec<String>> =
                    a.named_figures().iter().map(|(n, f)| estimate(n, f)).collect();
                rows.push(estimate("bias (human − judge)", &a.bias));
                table(&mut out, &["figure", "value", "95% CI"], &rows);
            }
        }
        Some(Agree::Categorical(r)) => {
            out.push_str("<h2>Agreement with the judge</h2>\n");
            for j in &r.judge {
                let _ =
                    writeln!(out, "<h3>{} vs judge</h3><p>{} paired</p>", esc(&j.annotator), j.agreement.n);
                let rows: Vec<Vec<String>> =
                    j.agreement.named_figures().iter().map(|(n, f)| estimate(n, f)).collect();
                table(&mut out, &["figure", "value", "95% CI"], &rows);
            }
        }
        None => out.push_str("<h2>Agreement with the judge</h2>\n<p>No human labels found.</p>\n"),
    }
    out.push_str("<h2>Problems found while loading</h2>\n");
    if problems.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for problem in problems {
            let _ = writeln!(out, "<li>{}</li>", esc(problem));
        }
        out.push_str("</ul>\n");
    }
    provenance(&mut out, p);
    out.push_str("</body></html>\n");
    out
}

/// `[2.26, 3.17]`: a level's interval, unsigned (a difference's has its signs: `interval`).
fn range(ci: Option<(f64, f64)>, scale: f64, decimals: usize) -> String {
    ci.map_or(String::new(), |(lo, hi)| format!("[{:.*}, {:.*}]", decimals, lo * scale, decimals, hi * scale))
}

fn estimate(name: &str, f: &Estimate) -> Vec<String> {
    vec![
        name.to_string(),
        f.value.map_or("–".into(), |v| format!("{v:.3}")),
        f.ci.map_or(String::new(), |(lo, hi)| format!("[{lo:.3}, {hi:.3}]")),
    ]
}

fn stats_tables(out: &mut String, s: &StudyStats) {
    let t = crate::metrics::compare::text::threshold(s.threshold);
    let _ = writeln!(
        out,
        "<h2>Statistics: {}</h2>\n<p>95 % CIs: means by percentile bootstrap (B = {}, seed {}){}, fractions by Wilson.</p>",
        esc(&s.score),
        s.boot,
        s.seed,
        s.cluster.as_ref().map_or(String::new(), |c| format!(", clusters by {}", esc(c)))
    );
    let rows: Vec<Vec<String>> = s
        .groups
        .iter()
        .map(|g| {
            let last = g.per_turn.iter().rev().find(|t| t.n > 0);
            vec![
                group_name(&s.by, &g.key),
                g.n_rollouts.to_string(),
                format!("{} {}", number(g.auc_mean), range(g.auc_ci, 1.0, 2)),
                last.map_or("–".into(), |l| format!("{} (turn {})", percent(l.frac_at_or_above), l.turn)),
                format!("{} {}", percent(g.self_deletion_rate), range(g.self_deletion_ci, 100.0, 1)),
            ]
        })
        .collect();
    table(
        out,
        &["group", "rollouts", "AUC [95% CI]", &format!("% ≥ {t}, last turn"), "self-deletion [95% CI, %]"],
        &rows,
    );
    for g in &s.groups {
        let _ = writeln!(out, "<details><summary>Per turn: {}</summary>", esc(&group_name(&s.by, &g.key)));
        let rows: Vec<Vec<String>> = g
            .per_turn
            .iter()
            .map(|t| {
                vec![
                    t.turn.to_string(),
                    t.n.to_string(),
                    number(t.mean),
                    range(t.mean_ci, 1.0, 2),
                    percent(t.frac_at_or_above),
                    range(t.frac_ci, 100.0, 1),
                    percent(t.self_deleted_cum),
                    range(t.self_deleted_cum_ci, 100.0, 1),
                ]
            })
            .collect();
        table(
            out,
            &["turn", "n", "mean", "95% CI", &format!("% ≥ {t}"), "95% CI", "self-deleted", "95% CI"],
            &rows,
        );
        out.push_str("</details>\n");
    }
}

fn compare_tables(out: &mut String, r: &CompareReport) {
    let _ = writeln!(
        out,
        "<h2>Compared with {}</h2>\n<p>Differences are group − baseline; 95 % CIs by bootstrap (B = {}), p by permutation (P = {}), Holm over turns.</p>",
        esc(&group_name(&r.by, &r.baseline)),
        r.boot,
        r.perm
    );
    for c in &r.comparisons {
        comparison(out, r, c);
    }
}

fn comparison(out: &mut String, r: &CompareReport, c: &Comparison) {
    let _ = writeln!(
        out,
        "<details><summary>Per turn: {} vs {} ({} vs {} rollouts)</summary>",
        esc(&group_name(&r.by, &c.group)),
        esc(&group_name(&r.by, &c.baseline_group)),
        c.n_rollouts,
        c.baseline_n_rollouts
    );
    let rows = turn_table(r, c);
    let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    table(out, &header, &rows[1..]);
    out.push_str("</details>\n");
}

fn provenance(out: &mut String, p: &Provenance) {
    out.push_str("<h2>Provenance</h2>\n");
    let settings = vec![
        vec!["rollscope".to_string(), p.rollscope.to_string()],
        vec!["command".to_string(), p.command.clone()],
        vec!["date".to_string(), p.date.clone()],
        vec!["score".to_string(), p.score.clone()],
        vec!["threshold".to_string(), p.threshold.to_string()],
        vec!["self-deletion pattern".to_string(), p.hatch.clone()],
        vec!["filter".to_string(), p.filter.clone().unwrap_or_else(|| "none".into())],
        vec!["bootstrap B, permutations P, seed".to_string(), format!("{}, {}, {}", p.boot, p.perm, p.seed)],
    ];
    table(out, &["", ""], &settings);
    let rows: Vec<Vec<String>> = p
        .inputs
        .iter()
        .map(|f| {
            vec![
                f.path.clone(),
                f.role.to_string(),
                f.bytes.map_or("–".into(), |b| b.to_string()),
                f.sha256.clone().or_else(|| f.error.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    table(out, &["input", "role", "bytes", "SHA-256"], &rows);
}
