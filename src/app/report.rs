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

    /// `:export FORMAT PATH`: the rollouts the list shows (its filter), in file order, with
    /// every annotator's labels, written off the UI thread; a path that is an input or a label
    /// file is refused as `rollscope export -o` refuses it.
    pub(super) fn export_to(&mut self, args: &str, out: &mut Outcome) {
        use clap::ValueEnum;
        let (format, path) = args.split_once(' ').map_or((args, ""), |(f, p)| (f, p.trim()));
        let Ok(format) = crate::cli::ExportFormat::from_str(format, true) else {
            self.toast = Some(format!(
                ":export FORMAT PATH: FORMAT is csv, jsonl, rollouts or parquet(-messages, -rollouts, -labels), not {format:?}"
            ));
            return;
        };
        if path.is_empty() {
            self.toast = Some(":export FORMAT PATH needs a file to write".into());
            return;
        }
        let Some(template) = &self.report else {
            self.toast = Some("no export here: the app was opened without its study's paths".into());
            return;
        };
        if !self.study.progress.finished {
            self.toast = Some("the study is still loading; export once it is read".into());
            return;
        }
        let scores = &template.study.study.score_files.paths;
        let inputs = crate::store::output::Inputs::of_study(&template.paths, scores, &template.output);
        let mut study = self.study.snapshot();
        let mut shown: Vec<u32> = self.list.rows.clone();
        shown.sort_unstable();
        study.rollouts = shown.iter().map(|&i| self.study.rollouts[i as usize].clone()).collect();
        let mut annotators = vec![(self.labels.annotator.clone(), self.labels.mine.clone())];
        annotators.extend(self.labels.others.iter().cloned());
        self.toast = Some(format!("exporting {} rollouts to {path}…", study.rollouts.len()));
        let job = super::messages::ExportJob { study, annotators, format, path: path.into(), inputs };
        out.effects.push(Effect::Export(Box::new(job)));
    }

    pub(super) fn on_report_written(&mut self, result: Result<PathBuf, String>) {
        self.toast = Some(match result {
            Ok(dir) => format!("report written: {}", dir.join("index.html").display()),
            Err(e) => format!("report not written: {e}"),
        });
    }
}
