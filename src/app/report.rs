//! `R`: the report of the study as the app shows it — its filter, score, threshold and
//! grouping, against the compare view's baseline — written to `report-<date>-<time>/` in the
//! labels folder by a worker, the equivalent command line recorded in its provenance. In the
//! labels folder, not beside it: that is often inside the folder the study was opened from,
//! and the next open would read the report's JSON as a rollout file (the walk skips the
//! labels folder).

use std::path::PathBuf;

use super::compare_view::baseline_values;
use super::{App, Effect, Outcome};

impl App {
    pub(super) fn write_report(&mut self, out: &mut Outcome) {
        self.write_report_to(None, out);
    }

    /// The report, into `dir` when given (`:report DIR`), else a new folder in the labels folder.
    pub(super) fn write_report_to(&mut self, dir: Option<PathBuf>, out: &mut Outcome) {
        let Some(template) = &self.report else {
            self.toast = Some("no report here: the app was opened without a labels folder".into());
            return;
        };
        if !self.study.progress.finished {
            self.toast = Some("the study is still loading; write the report once it is read".into());
            return;
        }
        let mut args = template.clone();
        args.study.study.score = Some(self.score_name().to_string());
        args.study.study.threshold = Some(self.settings.threshold);
        let by = self.grouping();
        args.comparing.by = Some(by.join(","));
        let filter = &self.list.filter.text;
        args.filter = (!filter.is_empty()).then(|| filter.clone());
        args.comparing.baseline = self.report_baseline(&by);
        // 2026-12-07T01:51:46Z → report-2026-12-07-015146
        let stamp = crate::store::stamp::now_utc().replace(':', "").replace('T', "-").replace('Z', "");
        args.output = dir.unwrap_or_else(|| template.output.join(format!("report-{stamp}")));
        self.toast = Some(format!("writing the report to {}…", args.output.display()));
        out.effects
            .push(Effect::WriteReport { study: Box::new(self.study.snapshot()), args: Box::new(args) });
    }

    /// The compare view's baseline (`--baseline`, else its default among the rollouts the
    /// filter shows, as the report is of those); none when the filter leaves its field one
    /// value (every group would be its own baseline).
    fn report_baseline(&self, by: &[String]) -> Option<(String, String)> {
        by.first()?;
        if let Some(given) = &self.settings.baseline {
            return Some(given.clone());
        }
        let shown = || self.list.rows.iter().filter_map(|&i| self.study.rollouts.get(i as usize));
        let (field, value) = self.default_baseline(by, shown)?;
        (baseline_values(shown(), &field).len() >= 2).then_some((field, value))
    }

    pub(super) fn on_report_written(&mut self, result: Result<PathBuf, String>) {
        self.toast = Some(match result {
            Ok(dir) => format!("report written: {}", dir.join("index.html").display()),
            Err(e) => format!("report not written: {e}"),
        });
    }
}
