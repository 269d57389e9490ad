//! `compare` benchmark (not a timed test): loads a generated study and times
//! `metrics::compare::compare` alone — the figures, not the reading — with the defaults
//! (B = 2000, P = 10,000) on the study's integer 0–10 judge scores, then on the same study with
//! continuous scores (each score plus a fixed fraction below 0.5, as probe values are, so no
//! per-level shortcut applies), then paired on `prompt_id` and clustered by it. Run with
//! `cargo bench --bench compare -- FILE...` (see benches/run.sh).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rollscope::load::LoadOptions;
use rollscope::metrics::compare::{CompareOptions, compare};
use rollscope::metrics::study::default_grouping;
use rollscope::model::{RolloutSummary, ScoreValues, TurnScores};
use rollscope::study::Study;

fn main() {
    let files: Vec<PathBuf> =
        std::env::args().skip(1).filter(|a| !a.starts_with('-')).map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("usage: cargo bench --bench compare -- FILE...");
        std::process::exit(2);
    }
    println!("threads: {}", rayon::current_num_threads());
    for file in files {
        let start = Instant::now();
        let study = Study::load(std::slice::from_ref(&file), &LoadOptions::default());
        let loaded = start.elapsed();
        let options = CompareOptions {
            score: "frustration".into(),
            threshold: 5.0,
            by: default_grouping(&study.rollouts),
            baseline: None,
            pair_on: None,
            cluster: None,
            boot: 2000,
            perm: 10_000,
            seed: 0,
        };
        let groups = options.by.join(",");
        println!(
            "{} · {} rollouts · by {groups} · loaded in {:.3} s",
            file.display(),
            study.rollouts.len(),
            loaded.as_secs_f64()
        );
        let continuous = jittered(&study.rollouts);
        let cases = [
            ("integer 0-10 scores", &study.rollouts, options.clone()),
            ("continuous scores", &continuous, options.clone()),
            (
                "integer, --pair-on prompt_id",
                &study.rollouts,
                CompareOptions { pair_on: Some("prompt_id".into()), ..options.clone() },
            ),
            (
                "integer, --cluster prompt_id",
                &study.rollouts,
                CompareOptions { cluster: Some("prompt_id".into()), ..options.clone() },
            ),
        ];
        for (name, rollouts, options) in cases {
            let (wall, cpu, comparisons) = best_of_3(rollouts, &options);
            println!(
                "  compare, {name:<30} B={} P={}: {:>7.3} s wall, {:>7.3} s CPU ({comparisons} comparisons)",
                options.boot,
                options.perm,
                wall.as_secs_f64(),
                cpu.as_secs_f64()
            );
        }
    }
}

/// The best wall time of three runs, the CPU time (all threads) of that run, and how many
/// comparisons were made. CPU time says what an idle machine would take when other work shares
/// this one: wall ≈ CPU / cores.
fn best_of_3(rollouts: &[RolloutSummary], options: &CompareOptions) -> (Duration, Duration, usize) {
    let mut best = (Duration::MAX, Duration::ZERO);
    let mut comparisons = 0;
    for _ in 0..3 {
        let (start, cpu_start) = (Instant::now(), cpu_time());
        let report = compare(rollouts, options).expect("the generated study has a baseline");
        let wall = start.elapsed();
        if wall < best.0 {
            best = (wall, cpu_time().saturating_sub(cpu_start));
        }
        comparisons = report.comparisons.len();
    }
    (best.0, best.1, comparisons)
}

/// User + system CPU time of this process so far, every thread included.
fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The rollouts with every `frustration` score plus a fraction in [0, 0.5) fixed by its place
/// (golden-ratio steps), so the scores take thousands of distinct values.
fn jittered(rollouts: &[RolloutSummary]) -> Vec<RolloutSummary> {
    let mut step = 0.0f64;
    rollouts
        .iter()
        .map(|r| {
            let mut r = r.clone();
            for scores in &mut r.scores {
                if &*scores.name != "frustration" {
                    continue;
                }
                let ScoreValues::Numeric(values) = &scores.values else { continue };
                let shifted: Vec<Option<f64>> = values
                    .iter()
                    .map(|v| {
                        step = (step + 0.618_033_988_749_895).fract();
                        v.map(|x| x + step / 2.0)
                    })
                    .collect();
                *scores = TurnScores::numeric(scores.name.clone(), shifted);
            }
            r
        })
        .collect()
}
