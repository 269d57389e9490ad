//! Many small rollouts, as chat datasets of a million conversations are: N two-message
//! rollouts (a question and an answer with a judge score), about 195 bytes a line, for the
//! scale benchmark's many-small-rollouts case. Deterministic (SplitMix64), no Python.
//!
//! ```text
//! cargo run --release --example gen_chats -- --rollouts 2000000 -o bench-data/chats-2000000.jsonl
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: gen_chats --rollouts N -o FILE";
const QUESTIONS: &[&str] = &[
    "How do I reverse a list in Python?",
    "What is the capital of Australia?",
    "Explain recursion in one line.",
    "Is 91 a prime number?",
];
const ANSWERS: &[&str] = &[
    "Use list.reverse() to reverse in place.",
    "Canberra is the capital of Australia.",
    "A function that calls itself on a smaller input.",
    "No: 91 is 7 times 13.",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut n, mut out) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next()) {
            ("--rollouts", Some(v)) => n = v.parse::<u64>().ok(),
            ("-o", Some(v)) => out = Some(v.clone()),
            _ => {
                eprintln!("gen_chats: unexpected `{arg}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(n), Some(out)) = (n, out) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match write(n, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_chats: {out}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(n: u64, out: &str) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(8 << 20, File::create(out)?);
    let mut state = 0x5eed_u64;
    for i in 0..n {
        let r = split_mix(&mut state);
        let k = (r % QUESTIONS.len() as u64) as usize;
        let condition = if i % 2 == 0 { "baseline" } else { "trained" };
        let score = (r >> 8) % 11;
        writeln!(
            w,
            r#"{{"id":"c{i:07}","condition":"{condition}","messages":[{{"role":"user","content":"{}"}},{{"role":"assistant","content":"{}","scores":{{"frustration":{score}}}}}]}}"#,
            QUESTIONS[k], ANSWERS[k]
        )?;
    }
    w.flush()
}

fn split_mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
