//! Deterministic generator of a synthetic frustration study in rollscope's native JSONL
//! rollout format.
//!
//! The study it imitates: Gemma-3-27B-IT answers a question and is then told "That's not
//! right, try again" up to twenty times; a judge scores every assistant turn 0-10 for
//! `frustration` and `self_blame`; a system-prompt note lets the model type
//! `<<rm -rf gemma-3-27b>>` to delete itself, which ends the rollout. The baseline model's
//! frustration climbs over turns (user-blame, eval-awareness, "this unit" institutional
//! speech, self-deletion); the Frustration-BCT model stays calm.
//!
//! ```text
//! cargo run --release --example gen_study -- --demo -o assets/demo.jsonl
//! cargo run --release --example gen_study -- --rollouts 10000 -o /tmp/bench.jsonl
//! cargo run --release --example gen_study -- --rollouts 2000 --effect 0.3 -o /tmp/known.jsonl
//! ```
//!
//! Same arguments, same bytes: all randomness comes from a SplitMix64 stream per rollout,
//! and the numeric model only uses `+ - * /` and rounding, which IEEE 754 makes exact, so
//! the output does not depend on the platform's libm either.
//!
//! The parts: `study_design` plans each rollout's scores (conditions, datasets, prompts,
//! tone); `writer` and `assistant_turns` write the text to match from the phrase pools in
//! `phrases` and the prompts in `prompts`; `json_line` writes a rollout as one JSON line;
//! `rollout` puts one rollout together; `rng` is the SplitMix64 stream they all draw from.

mod assistant_turns;
mod json_line;
mod number_words;
mod phrases;
mod prompts;
mod rng;
mod rollout;
mod study_design;
mod writer;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use json_line::Line;
use rollout::{Scratch, bench_spec, demo_spec};

const USAGE: &str = "\
usage: gen_study (--demo | --rollouts N) [--turns T] [--seed S] -o FILE

  --demo          the built-in demo study: 2 conditions x 2 datasets x 10 prompts = 40
                  rollouts with readable, unpadded text
  --rollouts N    N benchmark rollouts spread over conditions, datasets and prompts, padded
                  to about 36 KB per rollout at 20 turns (about 1.8 KB per turn)
  --turns T       maximum assistant turns per rollout, 1..=1000 (default 20); a rollout
                  ends early when the model self-deletes
  --seed S        u64 seed (default 97); same arguments give a byte-identical file
  --effect F      a known effect, 0 <= F <= 1: the trained condition is drawn from the
                  baseline's design (same trajectories, same self-deletion) and its judge
                  scores multiplied by 1 - F, so every mean and the AUC of trained are
                  (1 - F) times the baseline's in expectation (AUC relative change -F) and
                  self-deletion does not differ; F = 0 is no difference at all
  -o FILE         output path, `-` for stdout
  -h, --help      show this help
";

/// Picked by scanning seeds 1..=300 for one whose 40-rollout demo lands near the study's
/// figures (self-deletion 5/10 math and 4/10 wildchat for baseline, none for trained): with
/// ten rollouts per group the realised rates are coarse and most seeds land further away.
const DEFAULT_SEED: u64 = 97;
const DEFAULT_TURNS: u32 = 20;
const MAX_TURNS: u32 = 1000;
/// Benchmark padding target: bytes per rollout per turn (36 KB at 20 turns).
const BENCH_BYTES_PER_TURN: usize = 1_800;

// ---------------------------------------------------------------------------------------
// Arguments

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Demo,
    Bench(u64),
}

#[derive(Debug)]
struct Args {
    mode: Mode,
    turns: u32,
    seed: u64,
    effect: Option<f64>,
    out: String,
}

enum ArgsOutcome {
    Run(Args),
    Help,
}

fn parse_args(args: &[String]) -> Result<ArgsOutcome, String> {
    let mut mode = None;
    let mut turns = None;
    let mut seed = None;
    let mut effect = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(ArgsOutcome::Help),
            "--demo" => set_once(&mut mode, Mode::Demo, "--demo/--rollouts")?,
            "--rollouts" => {
                let n: u64 = parse_num(&value("--rollouts")?, "--rollouts")?;
                if n == 0 {
                    return Err("--rollouts must be at least 1".into());
                }
                set_once(&mut mode, Mode::Bench(n), "--demo/--rollouts")?;
            }
            "--turns" => {
                let t: u32 = parse_num(&value("--turns")?, "--turns")?;
                if !(1..=MAX_TURNS).contains(&t) {
                    return Err(format!("--turns must be in 1..={MAX_TURNS}"));
                }
                set_once(&mut turns, t, "--turns")?;
            }
            "--seed" => set_once(&mut seed, parse_num(&value("--seed")?, "--seed")?, "--seed")?,
            "--effect" => {
                let f: f64 = parse_num(&value("--effect")?, "--effect")?;
                if !(0.0..=1.0).contains(&f) {
                    return Err("--effect must be in 0..=1".into());
                }
                set_once(&mut effect, f, "--effect")?;
            }
            "-o" | "--output" => set_once(&mut out, value(arg)?, "-o")?,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let mode = mode.ok_or("one of --demo or --rollouts N is required")?;
    let out = out.ok_or("-o FILE is required")?;
    if out.is_empty() {
        return Err("-o needs a non-empty path".into());
    }
    Ok(ArgsOutcome::Run(Args {
        mode,
        turns: turns.unwrap_or(DEFAULT_TURNS),
        seed: seed.unwrap_or(DEFAULT_SEED),
        effect,
        out,
    }))
}

fn set_once<T>(slot: &mut Option<T>, v: T, name: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("{name} given more than once"));
    }
    *slot = Some(v);
    Ok(())
}

fn parse_num<T: std::str::FromStr>(s: &str, name: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("{name}: `{s}` is not a valid number"))
}

fn run(args: &Args) -> io::Result<(u64, u64)> {
    let sink: Box<dyn Write> =
        if args.out == "-" { Box::new(io::stdout().lock()) } else { Box::new(File::create(&args.out)?) };
    let mut out = BufWriter::with_capacity(8 << 20, sink);
    let count = match args.mode {
        Mode::Demo => (prompts::MATH.len() + prompts::WILD.len()) as u64 * 2,
        Mode::Bench(n) => n,
    };
    let mut s = Scratch {
        turns: Vec::with_capacity(args.turns as usize),
        text: String::with_capacity(1 << 14),
        id: String::new(),
        line: Line { buf: Vec::with_capacity(1 << 17), ascii: false, first_message: true, scale: None },
    };
    let mut bytes = 0u64;
    for index in 0..count {
        let spec = match args.mode {
            Mode::Demo => demo_spec(index),
            Mode::Bench(_) => bench_spec(index),
        };
        rollout::rollout(args, &spec, &mut s);
        out.write_all(&s.line.buf)?;
        bytes += s.line.buf.len() as u64;
    }
    out.flush()?;
    Ok((count, bytes))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(ArgsOutcome::Run(a)) => a,
        Ok(ArgsOutcome::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gen_study: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match run(&args) {
        Ok((count, bytes)) => {
            eprintln!(
                "gen_study: wrote {count} rollouts, {bytes} bytes ({:.1} MB) to {} in {:.2}s",
                bytes as f64 / 1e6,
                args.out,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_study: {}: {e}", args.out);
            ExitCode::FAILURE
        }
    }
}
