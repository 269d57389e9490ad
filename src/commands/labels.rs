//! `rollscope labels migrate --id-fields A,B,C PATHS`: labels given under the ids rollouts had
//! (a `<file>:<line>` stand-in, or the file's own id) appended again under the ids
//! `--id-fields` builds, in every annotator's file in the labels folder (or `--annotator`'s).
//! The study is read twice, with its old ids and with the new: the same files in the same
//! order give the same rollouts, so the n-th old id maps to the n-th new one.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{Result, bail};
use serde_json::json;

use super::{Output, load_options, load_study, warn};
use crate::cli::StudyOptions;
use crate::model::problem;
use crate::store::file;
use crate::store::migrate::{self, IdChanges, Migration};
use crate::study::Study;

pub fn migrate(paths: &[PathBuf], json: bool, options: &StudyOptions) -> Result<()> {
    if options.study.id_fields.is_empty() {
        bail!("labels migrate needs the new ids: give --id-fields A,B,C (or id_fields in the config file)");
    }
    // Ids never depend on score files: leave them out of both reads.
    let mut new_ids = options.study.clone();
    new_ids.score_files = Default::default();
    let mut old_ids = new_ids.clone();
    old_ids.id_fields.clear();
    let old = Study::load(paths, &load_options(&old_ids)?);
    let new = load_study(paths, &new_ids)?;
    let changes = id_changes(&old, &new)?;
    let dir = options.labels.dir(paths);
    let files = match file::annotator_files(&dir) {
        Ok(files) => files,
        Err(e) => bail!("no labels to migrate: cannot read {}: {e}", dir.display()),
    };
    let only = options.labels.annotator.as_deref();
    let limit = options.labels.label_file_limit();
    let mut migrated = Vec::new();
    let mut failed = 0;
    for (annotator, path) in files {
        if only.is_some_and(|o| file::label_path(&dir, o) != path) {
            continue;
        }
        if file::label_path(&dir, &annotator) != path {
            warn(&format!("rollscope: {}: not an annotator's file name, left as it is", path.display()));
            continue;
        }
        match migrate::migrate(&dir, &annotator, paths, limit, &changes) {
            Ok(migration) => {
                for group in problem::group(&migration.warnings) {
                    warn(&group.to_string());
                }
                migrated.push(migration);
            }
            Err(e) => {
                warn(&format!("rollscope: {}: not migrated: {e}", path.display()));
                failed += 1;
            }
        }
    }
    let mut out = Output::stdout();
    if json {
        let appended: usize = migrated.iter().map(|m| m.appended).sum();
        out.json(
            &json!({"files": migrated, "appended": appended, "renamed_rollouts": changes.renamed.len()}),
        )?;
    } else {
        for m in &migrated {
            out.line(&text_line(m))?;
        }
        out.line(&summary_line(&migrated, changes.renamed.len()))?;
    }
    out.finish()?;
    if failed > 0 {
        bail!("{failed} label file{} could not be migrated", if failed == 1 { "" } else { "s" });
    }
    Ok(())
}

/// Each rollout's old id mapped to its new one, from two reads of the same files.
fn id_changes(old: &Study, new: &Study) -> Result<IdChanges> {
    let same_rollouts = old.rollouts.len() == new.rollouts.len()
        && old
            .rollouts
            .iter()
            .zip(&new.rollouts)
            .all(|(o, n)| o.source == n.source && o.locator == n.locator);
    if !same_rollouts {
        bail!("the study's files changed while they were read; nothing was migrated (run again)");
    }
    let renamed: HashMap<String, String> = old
        .rollouts
        .iter()
        .zip(&new.rollouts)
        .filter(|(o, n)| o.id != n.id)
        .map(|(o, n)| (o.id.to_string(), n.id.to_string()))
        .collect();
    let current: HashSet<String> = new.rollouts.iter().map(|r| r.id.to_string()).collect();
    Ok(IdChanges { renamed, current })
}

fn text_line(m: &Migration) -> String {
    format!(
        "{}: {} appended under new ids; left as they are: {} already under the new id, {} unchanged, {} of no \
         rollout in the study",
        m.path.display(),
        labels(m.appended),
        m.already,
        m.unchanged,
        m.not_in_study
    )
}

fn summary_line(migrated: &[Migration], renamed: usize) -> String {
    let appended: usize = migrated.iter().map(|m| m.appended).sum();
    format!(
        "{} label file{}: {} appended ({} rollout{} got a new id)",
        migrated.len(),
        if migrated.len() == 1 { "" } else { "s" },
        labels(appended),
        renamed,
        if renamed == 1 { "" } else { "s" }
    )
}

fn labels(n: usize) -> String {
    if n == 1 { "1 label".to_string() } else { format!("{n} labels") }
}
