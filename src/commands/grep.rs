//! `rollscope grep PATTERN PATHS...`: the app's search engine from the shell. Matches stream
//! in study order while the rest is searched; each line is a match (or a rollout, with
//! `--count`). Exit status as grep's: 0 when something matched, 1 when nothing did.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use serde::Serialize;

use super::{Output, load_study};
use crate::cli::GrepArgs;
use crate::sample::parse_turns;
use crate::search::{self, Pattern, PatternOptions, Request, RolloutHits, Scope, SearchPlan};
use crate::study::Study;

/// Runs the search; `Ok(true)` when something matched.
pub fn run(args: &GrepArgs) -> Result<bool> {
    let options =
        PatternOptions { literal: args.fixed_strings, ignore_case: args.ignore_case.then_some(true) };
    let pattern = Pattern::new(&args.pattern, options).with_context(|| format!("grep {:?}", args.pattern))?;
    let turns = args.turns.as_deref().map(parse_turns).transpose()?;
    let request = Request { pattern, scope: Scope { role: args.role.clone(), turns }, snippets: !args.count };
    let study = load_study(&args.paths, &args.study.study)?;
    let plan = SearchPlan::of(&study);
    // Workers find, this thread prints (stdout's lock stays on one thread), in study order.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RolloutHits>>(64);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let tx = Mutex::new(tx);
            search::search_streaming(&plan, &request, &|| stop.load(Ordering::Relaxed), &|found| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(found);
                }
            });
        });
        let mut out = Output::stdout();
        let mut matched = false;
        for found in rx {
            matched = true;
            // A closed pipe (`| head`) stops the search.
            if let Err(e) = print(&mut out, &study, &found, args) {
                stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
        out.finish()?;
        Ok(matched)
    })
}

/// One match, as `--json` prints it (fields in this order).
#[derive(Serialize)]
struct HitLine<'a> {
    source: &'a str,
    rollout: &'a str,
    message: u32,
    turn: Option<u32>,
    role: &'a str,
    start: u32,
    end: u32,
    snippet: &'a str,
}

/// One rollout's count, as `--json --count` prints it.
#[derive(Serialize)]
struct CountLine<'a> {
    source: &'a str,
    rollout: &'a str,
    count: usize,
}

fn print(out: &mut Output, study: &Study, found: &[RolloutHits], args: &GrepArgs) -> Result<()> {
    for rollout in found {
        let Some(summary) = study.rollouts.get(rollout.rollout as usize) else { continue };
        let source = study.sources.get(summary.source as usize).map_or("", |s| s.display.as_str());
        let id = &*summary.id;
        if args.count {
            match args.json {
                true => {
                    let line = CountLine { source, rollout: id, count: rollout.count() };
                    out.json_text(&format!("{}\n", serde_json::to_string(&line)?))?
                }
                false => out.line(&format!("{id}  {}", rollout.count()))?,
            }
            continue;
        }
        for message in &rollout.messages {
            for (&(start, end), snippet) in message.spans.iter().zip(&message.snippets) {
                match args.json {
                    true => {
                        let line = HitLine {
                            source,
                            rollout: id,
                            message: message.message,
                            turn: message.turn,
                            role: message.role.label(),
                            start,
                            end,
                            snippet,
                        };
                        out.json_text(&format!("{}\n", serde_json::to_string(&line)?))?
                    }
                    false => {
                        let turn = message.turn.map_or(String::new(), |t| format!(", turn {t}"));
                        let role = message.role.label();
                        out.line(&format!("{id}  message {} ({role}{turn}): {snippet}", message.message))?
                    }
                }
            }
        }
    }
    out.flush()
}
