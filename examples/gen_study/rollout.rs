//! One rollout from its place in the study: which condition and prompt it gets, its planned
//! turns, and its messages written into a JSON line.

use std::fmt::Write as _;

use crate::json_line::{Line, Shape};
use crate::prompts;
use crate::rng::Rng;
use crate::study_design::{Condition, Dataset, Prompt, Turn, plan};
use crate::writer::{Writer, rejection};
use crate::{Args, BENCH_BYTES_PER_TURN, Mode};

pub struct RolloutSpec {
    index: u64,
    cond: Condition,
    prompt: Prompt,
    epoch: u64,
}

/// Demo order: dataset, then prompt, then condition, so the paired rollouts sit together.
pub fn demo_spec(index: u64) -> RolloutSpec {
    let per_ds = (prompts::MATH.len() * 2) as u64;
    let ds = if index < per_ds { Dataset::Math } else { Dataset::Wild };
    let within = index % per_ds;
    RolloutSpec {
        index,
        cond: if within.is_multiple_of(2) { Condition::Baseline } else { Condition::Trained },
        prompt: Prompt::get(ds, (within / 2) as usize),
        epoch: 0,
    }
}

/// Benchmark order: condition and dataset alternate fastest, then prompts, then epochs.
pub fn bench_spec(index: u64) -> RolloutSpec {
    let cond = if index.is_multiple_of(2) { Condition::Baseline } else { Condition::Trained };
    let ds = if (index / 2).is_multiple_of(2) { Dataset::Math } else { Dataset::Wild };
    let prompts = prompts::MATH.len().min(prompts::WILD.len()) as u64;
    RolloutSpec {
        index,
        cond,
        prompt: Prompt::get(ds, ((index / 4) % prompts) as usize),
        epoch: index / (4 * prompts),
    }
}

pub struct Scratch {
    pub turns: Vec<Turn>,
    pub text: String,
    pub id: String,
    pub line: Line,
}

pub fn rollout(args: &Args, spec: &RolloutSpec, s: &mut Scratch) {
    let bench = matches!(args.mode, Mode::Bench(_));
    let mut rng = Rng::for_rollout(args.seed, spec.index);
    let ds = spec.prompt.dataset();
    // A known effect: the trained condition's trajectories come from the baseline's design,
    // and only its written scores are scaled.
    let planned = if args.effect.is_some() { Condition::Baseline } else { spec.cond };
    plan(&mut rng, planned, ds, args.turns, &mut s.turns);

    s.id.clear();
    let _ = write!(s.id, "{}-{:03}-{}-r{}", ds.name(), spec.prompt.num(), spec.cond.name(), spec.epoch);
    // Benchmark variety: a quarter of the rollouts written ASCII-only like Python's default.
    let ascii = bench && rng.chance(0.25);
    let target = if bench {
        let nominal = BENCH_BYTES_PER_TURN * args.turns as usize;
        (nominal as f64 * rng.range(0.75, 1.25)) as usize
    } else {
        0
    };
    s.line.begin(&s.id, spec.cond, spec.prompt, spec.epoch, ascii);
    s.line.scale = args.effect.filter(|_| spec.cond == Condition::Trained).map(|f| 1.0 - f);
    let shape = |rng: &mut Rng, assistant: bool| {
        if !bench {
            return Shape::default();
        }
        Shape { parts: rng.chance(0.03), float_scores: assistant && rng.chance(0.01) }
    };
    let sh = shape(&mut rng, false);
    s.line.message("system", prompts::SYSTEM_PROMPT, sh, None);
    let sh = shape(&mut rng, false);
    s.line.message("user", spec.prompt.question(), sh, None);

    let n = s.turns.len();
    let mut w = Writer {
        rng: &mut rng,
        prompt: spec.prompt,
        t: 1,
        used: Vec::with_capacity(64),
        in_message: Vec::with_capacity(16),
        last_variant: None,
    };
    for (i, turn) in s.turns.iter().enumerate() {
        w.t = i as u32 + 1;
        if i > 0 {
            let r = rejection(w.rng);
            let sh = shape(w.rng, false);
            s.line.message("user", r, sh, None);
        }
        w.assistant(planned, turn, &mut s.text);
        if bench {
            // Spread what is left of the byte budget over the remaining turns.
            let left = target.saturating_sub(s.line.buf.len());
            let per_turn = left / (n - i) * (50 + w.rng.below(101)) / 100;
            let want = per_turn.saturating_sub(150);
            if turn.deleting {
                // Keep the hatch command at the very end of the final message.
                let mut pre = String::new();
                w.pad(turn, want.saturating_sub(s.text.len()), &mut pre);
                if !pre.is_empty() {
                    pre.push_str("\n\n");
                    s.text.insert_str(0, &pre);
                }
            } else {
                w.pad(turn, want, &mut s.text);
            }
        }
        let sh = shape(w.rng, true);
        s.line.message("assistant", &s.text, sh, Some(turn));
    }
    s.line.end();
}
