//! Spot-check queues: a seeded, stratified sample of judge-scored assistant turns, written as a
//! JSON file that `rollscope review` works through blind. Same inputs and seed, same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metrics::rng::SplitMix64;
use crate::metrics::study::{GroupKey, group_value};
use crate::model::RolloutSummary;

mod adjudicate;
mod assign;
mod queue;

pub use adjudicate::{adjudication_queue, disagreements};
pub use assign::{AssignError, assign, shared_count};

pub use queue::{QUEUE_VERSION, Queue, QueueError, Reveal, new_queue_id, relative_to};

/// How to draw.
#[derive(Debug, Clone)]
pub struct SampleOptions {
    pub n: usize,
    pub seed: u64,
    pub score: String,
    /// Metadata fields, and `turn:W` for turn buckets of width W.
    pub stratify: Vec<String>,
    /// Which turns are eligible (`1-20`, `5,10,15`, `10-`); all when `None`.
    pub turns: Option<String>,
    /// Also draw `extra` more turns among those with a judge score ≥ this.
    pub oversample_above: Option<f64>,
    pub extra: usize,
    /// The `--id-fields` the study was loaded with, recorded in the queue.
    pub id_fields: Vec<String>,
}

/// One stratum's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stratum {
    pub key: BTreeMap<String, serde_json::Value>,
    pub eligible: usize,
    pub drawn: usize,
}

/// One turn to label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub source: String,
    pub rollout: String,
    pub turn: u32,
    /// Index into `strata`.
    pub stratum: usize,
    #[serde(default)]
    pub oversampled: bool,
}

/// Why no sample can be drawn with these options.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// `part` of the `--turns` list `spec` is not a number.
    #[error("--turns {spec:?}: {part:?} is not a turn number")]
    TurnNumber { spec: String, part: String },
    #[error("--stratify {spec:?}: the bucket width must be a positive number")]
    BucketWidth { spec: String },
    #[error("no eligible turns: none has a {score:?} score in the turns asked for")]
    NothingEligible { score: String },
    #[error("--n {n} is smaller than the {strata} non-empty strata; every stratum gets at least one item")]
    TooFewItems { n: usize, strata: usize },
}

/// Parses `--turns`: `1-20`, `5,10,15`, `10-`, `-5`.
pub fn parse_turns(spec: &str) -> Result<Vec<(u32, u32)>, DrawError> {
    spec.split(',')
        .map(|part| {
            let part = part.trim();
            let number = |s: &str, default: u32| {
                if s.is_empty() {
                    Ok(default)
                } else {
                    s.parse::<u32>()
                        .map_err(|_| DrawError::TurnNumber { spec: spec.to_string(), part: s.to_string() })
                }
            };
            match part.split_once('-') {
                Some((a, b)) => Ok((number(a, 1)?, number(b, u32::MAX)?)),
                None => {
                    let t = number(part, 0)?;
                    Ok((t, t))
                }
            }
        })
        .collect()
}

/// A stratifier: a field, or turn buckets of a width.
enum Stratifier {
    Field(String),
    TurnBucket(u32),
}

fn stratifiers(spec: &[String]) -> Result<Vec<Stratifier>, DrawError> {
    spec.iter()
        .map(|s| match s.strip_prefix("turn:") {
            Some(w) => match w.parse::<u32>() {
                Ok(width) if width > 0 => Ok(Stratifier::TurnBucket(width)),
                _ => Err(DrawError::BucketWidth { spec: s.clone() }),
            },
            None if s == "turn" => Ok(Stratifier::TurnBucket(1)),
            None => Ok(Stratifier::Field(s.clone())),
        })
        .collect()
}

/// Draws the sample. `sources[r.source]` names each rollout's file.
pub fn draw(
    rollouts: &[RolloutSummary],
    sources: &[String],
    paths: &[String],
    options: &SampleOptions,
) -> Result<Queue, DrawError> {
    let ranges = options.turns.as_deref().map(parse_turns).transpose()?;
    let stratifiers = stratifiers(&options.stratify)?;
    // Eligible turns by stratum, in file order.
    let mut strata: BTreeMap<Vec<SortPart>, (GroupKey, Vec<Eligible>)> = BTreeMap::new();
    for (index, r) in rollouts.iter().enumerate() {
        for turn in 1..=r.n_turns {
            if r.score_at(&options.score, turn as usize).is_none() || !in_ranges(&ranges, turn) {
                continue;
            }
            let mut key = BTreeMap::new();
            let mut sort_key = Vec::new();
            for s in &stratifiers {
                match s {
                    Stratifier::Field(f) => {
                        let value = group_value(r, f);
                        sort_key.push(SortPart::of(&value));
                        key.insert(f.clone(), value);
                    }
                    Stratifier::TurnBucket(w) => {
                        sort_key.push(SortPart::Number(((turn - 1) / w * w + 1) as u64));
                        key.insert("turn".into(), serde_json::Value::String(bucket(turn, *w)));
                    }
                }
            }
            strata.entry(sort_key).or_insert_with(|| (key, Vec::new())).1.push((index, turn));
        }
    }
    let sizes: Vec<usize> = strata.values().map(|(_, e)| e.len()).collect();
    let total: usize = sizes.iter().sum();
    if total == 0 {
        return Err(DrawError::NothingEligible { score: options.score.clone() });
    }
    if options.n < sizes.len() {
        return Err(DrawError::TooFewItems { n: options.n, strata: sizes.len() });
    }
    let allocation = allocate(options.n.min(total), &sizes);
    let mut rng = SplitMix64::new(options.seed);
    let mut items = Vec::new();
    let mut out_strata = Vec::new();
    for (s, ((key, eligible), take)) in strata.into_values().zip(&allocation).enumerate() {
        for (index, turn) in choose(&mut rng, &eligible, *take) {
            items.push(item(rollouts, sources, index, turn, s, false));
        }
        out_strata.push(Stratum { key, eligible: eligible.len(), drawn: *take });
    }
    if let Some(t) = options.oversample_above {
        let taken: std::collections::HashSet<(String, u32)> =
            items.iter().map(|i| (i.rollout.clone(), i.turn)).collect();
        let mut high: Vec<(usize, u32, usize)> = Vec::new();
        for it in rollouts.iter().enumerate().flat_map(|(index, r)| {
            (1..=r.n_turns).filter_map(move |turn| {
                r.score_at(&options.score, turn as usize).filter(|v| *v >= t).map(|_| (index, turn))
            })
        }) {
            let (index, turn) = it;
            if !taken.contains(&(rollouts[index].id.to_string(), turn)) && in_ranges(&ranges, turn) {
                high.push((index, turn, stratum_of(&out_strata, &stratifiers, &rollouts[index], turn)));
            }
        }
        let pairs: Vec<(usize, u32)> = high.iter().map(|(i, t, _)| (*i, *t)).collect();
        for (index, turn) in choose(&mut rng, &pairs, options.extra.min(pairs.len())) {
            let s = high.iter().find(|(i, t, _)| (*i, *t) == (index, turn)).map_or(0, |h| h.2);
            out_strata[s].drawn += 1;
            items.push(item(rollouts, sources, index, turn, s, true));
        }
    }
    // The annotator sees the items in a seeded random order, not stratum by stratum.
    shuffle(&mut rng, &mut items);
    Ok(Queue {
        version: QUEUE_VERSION,
        score: options.score.clone(),
        seed: options.seed,
        n: options.n,
        stratify: options.stratify.clone(),
        turns: options.turns.clone(),
        oversample_above: options.oversample_above,
        paths: paths.to_vec(),
        id_fields: options.id_fields.clone(),
        strata: out_strata,
        items,
        // Given when the queue is written (`draw` is a pure function of the study and seed),
        // as are the study options, the annotator and the reveal setting.
        id: None,
        annotator: None,
        study: None,
        reveal: Reveal::default(),
        show_earlier: false,
        adjudicate: false,
    })
}

/// An eligible turn: (study index of the rollout, turn).
type Eligible = (usize, u32);

/// Strata order: in the order the stratifiers are given; numbers (and turn buckets) by value,
/// then text alphabetically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortPart {
    Number(u64),
    Text(String),
}

impl SortPart {
    fn of(value: &serde_json::Value) -> SortPart {
        match value {
            serde_json::Value::Number(n) if n.as_u64().is_some() => SortPart::Number(n.as_u64().unwrap_or(0)),
            serde_json::Value::String(s) => SortPart::Text(s.clone()),
            other => SortPart::Text(other.to_string()),
        }
    }
}

/// The turn bucket of width `w` holding `turn`: `6-10`, or `7` for width 1.
fn bucket(turn: u32, w: u32) -> String {
    let lo = (turn - 1) / w * w + 1;
    if w == 1 { lo.to_string() } else { format!("{lo}-{}", lo + w - 1) }
}

fn in_ranges(ranges: &Option<Vec<(u32, u32)>>, turn: u32) -> bool {
    ranges.as_ref().is_none_or(|rs| rs.iter().any(|(a, b)| (*a..=*b).contains(&turn)))
}

fn stratum_of(strata: &[Stratum], stratifiers: &[Stratifier], r: &RolloutSummary, turn: u32) -> usize {
    strata
        .iter()
        .position(|s| {
            stratifiers.iter().all(|st| match st {
                Stratifier::Field(f) => s.key.get(f) == Some(&group_value(r, f)),
                Stratifier::TurnBucket(w) => {
                    s.key.get("turn").and_then(|v| v.as_str()) == Some(bucket(turn, *w).as_str())
                }
            })
        })
        .unwrap_or(0)
}

fn item(
    rollouts: &[RolloutSummary],
    sources: &[String],
    index: usize,
    turn: u32,
    stratum: usize,
    oversampled: bool,
) -> Item {
    let r = &rollouts[index];
    Item {
        source: sources.get(r.source as usize).cloned().unwrap_or_default(),
        rollout: r.id.to_string(),
        turn,
        stratum,
        oversampled,
    }
}

/// Proportional allocation of `n` over strata of `sizes` (largest remainder), every stratum at
/// least one and at most its size. Assumes `sizes.len() <= n <= sum(sizes)`.
pub fn allocate(n: usize, sizes: &[usize]) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    let quotas: Vec<f64> = sizes.iter().map(|&s| n as f64 * s as f64 / total as f64).collect();
    let mut take: Vec<usize> =
        quotas.iter().zip(sizes).map(|(q, &s)| (q.floor() as usize).clamp(1, s)).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // Largest fractional remainder first; ties by stratum order, so the result is stable.
    order.sort_by(|&a, &b| {
        (quotas[b] - quotas[b].floor()).total_cmp(&(quotas[a] - quotas[a].floor())).then(a.cmp(&b))
    });
    let mut given: usize = take.iter().sum();
    while given < n {
        let before = given;
        for &i in &order {
            if given < n && take[i] < sizes[i] {
                take[i] += 1;
                given += 1;
            }
        }
        if given == before {
            break;
        }
    }
    // The minimum of one can overshoot: take back from the largest allocations.
    while given > n {
        let Some(i) =
            (0..take.len()).filter(|&i| take[i] > 1).max_by_key(|&i| (take[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        take[i] -= 1;
        given -= 1;
    }
    take
}

/// `k` distinct elements chosen uniformly (partial Fisher–Yates), in the order drawn.
pub(crate) fn choose<T: Copy>(rng: &mut SplitMix64, pool: &[T], k: usize) -> Vec<T> {
    let mut pool = pool.to_vec();
    let k = k.min(pool.len());
    for i in 0..k {
        let j = i + rng.below(pool.len() - i);
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool
}

pub(crate) fn shuffle<T>(rng: &mut SplitMix64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests;
