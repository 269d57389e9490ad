//! `rollscope grep PATTERN PATHS...`: the app's search engine from the shell. Matches stream
//! in study order while the rest is searched; each line is a match. With `--count`, each line
//! is a rollout, and JSONL records are searched in the pass that loads them. Exit status as
//! grep's: 0 when something matched, 1 when nothing did.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use serde::Serialize;

use super::{Output, load_study, load_study_visiting};
use crate::cli::GrepArgs;
use crate::sample::parse_turns;
use crate::search::{
    self, CountWhileLoading, Counted, Pattern, PatternOptions, Request, RolloutHits, Scope, SearchPlan,
};
use crate::study::Study;

/// Runs the search; `Ok(true)` when something matched.
pub fn run(args: &GrepArgs) -> Result<bool> {
    let options =
        PatternOptions { literal: args.fixed_strings, ignore_case: args.ignore_case.then_some(true) };
    let pattern = Pattern::new(&args.pattern, options).with_context(|| format!("grep {:?}", args.pattern))?;
    let turns = args.turns.as_deref().map(parse_turns).transpose()?;
    let request = Request { pattern, scope: Scope { role: args.role.clone(), turns }, snippets: !args.count };
    if args.count {
        return count(args, request);
    }
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

/// `--count`: JSONL records are searched while the study loads (`CountWhileLoading`), anything
/// else after it; the counts are printed in study order once all are known.
fn count(args: &GrepArgs, request: Request) -> Result<bool> {
    let visitor = Arc::new(CountWhileLoading::new(request.clone()));
    let study = load_study_visiting(&args.paths, &args.study.study, Some(visitor.clone()))?;
    let Counted { mut counts, rest } = visitor.counted(&study);
    if !rest.is_empty() {
        let found = search::search(&rest, &request, &|| false);
        counts.extend(found.iter().map(|r| (r.rollout, r.count())));
        counts.sort_unstable();
    }
    let mut out = Output::stdout();
    for &(index, count) in &counts {
        let Some(summary) = study.rollouts.get(index as usize) else { continue };
        let source = study.sources.get(summary.source as usize).map_or("", |s| s.display.as_str());
        let id = &*summary.id;
        match args.json {
            true => {
                let line = CountLine { source, rollout: id, count };
                out.json_text(&format!("{}\n", serde_json::to_string(&line)?))?
            }
            false => out.line(&format!("{id}  {count}"))?,
        }
    }
    out.finish()?;
    Ok(!counts.is_empty())
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
