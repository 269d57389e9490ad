//! The groups of a study and how they are compared: the flags `compare` and `report` share,
//! and the `CompareOptions` they make once the study is loaded.

use clap::Args;

use super::{BootstrapOptions, bounds};
use crate::metrics::compare::CompareOptions;
use crate::metrics::study::grouping;
use crate::model::names::FieldError;
use crate::study::Study;

#[derive(Debug, Args, Clone)]
pub struct Comparing {
    /// Group by these fields, comma-separated (default: condition,dataset where present).
    #[arg(long)]
    pub by: Option<String>,
    /// The baseline groups: FIELD=VALUE, FIELD one of --by; each group is compared with the one
    /// that has this value and its other --by values (compare's default: condition=baseline;
    /// report compares only with it).
    #[arg(long, value_name = "FIELD=VALUE", value_parser = bounds::field_value)]
    pub baseline: Option<(String, String)>,
    /// Pair rollouts across the two sides by this field's value (e.g. prompt_id): differences
    /// within pairs, pairs resampled, signs flipped, McNemar for self-deletion.
    #[arg(long, value_name = "FIELD", conflicts_with = "cluster")]
    pub pair_on: Option<String>,
    /// Resample and permute whole clusters of rollouts sharing this field's value (e.g.
    /// prompt_id), as rollouts of one prompt are not independent.
    #[arg(long, value_name = "FIELD")]
    pub cluster: Option<String>,
    #[command(flatten)]
    pub bootstrap: BootstrapOptions,
    /// Permutations of each permutation test (at most 1000000); the seed is --seed's.
    #[arg(long, default_value_t = bounds::DEFAULT_PERM, value_parser = bounds::perm)]
    pub perm: usize,
}

impl Comparing {
    /// The options of `metrics::compare` for `score` at `threshold`, each field the flags name
    /// checked against the study (an unknown one is an error naming the closest).
    pub fn options(
        &self,
        study: &Study,
        score: String,
        threshold: f64,
    ) -> Result<CompareOptions, FieldError> {
        let by = grouping(self.by.as_deref(), &study.rollouts);
        study.check_grouping("--by", by.iter().map(String::as_str))?;
        study.check_grouping("--baseline", self.baseline.iter().map(|(field, _)| field.as_str()))?;
        study.check_grouping("--pair-on", self.pair_on.iter().map(String::as_str))?;
        study.check_grouping("--cluster", self.cluster.iter().map(String::as_str))?;
        Ok(CompareOptions {
            score,
            threshold,
            by,
            baseline: self.baseline.clone(),
            pair_on: self.pair_on.clone(),
            cluster: self.cluster.clone(),
            boot: self.bootstrap.boot,
            perm: self.perm,
            seed: self.bootstrap.seed,
        })
    }
}
