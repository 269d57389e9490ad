use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use rollscope::app::keymap::Keymap;
use rollscope::app::labels::DEFAULT_TAGS;
use rollscope::app::{App, DEFAULT_REASONS, Settings};
use rollscope::cli::{BootstrapOptions, Cli, Command, LabelsCommand, StudyOptions};
use rollscope::commands;
use rollscope::config::{self, Config};
use rollscope::load::LoadOptions;
use rollscope::runtime::{self, StudyInput};

/// mimalloc instead of glibc's malloc: a study is millions of small allocations made on the
/// loader's threads and kept. On 2,000,000 two-message rollouts it loads them 14 % faster in
/// 26 % less memory (farm-bench, `validate`). Built without transparent huge pages: with them,
/// clearing 2 MiB pages took 10 s of system time on that study. `benches/scale.rs` uses it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `rollscope ... | head` closes the pipe early: that is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            commands::warn(&format!("rollscope: {e:#}"));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(mut cli: Cli) -> Result<ExitCode> {
    if cli.print_config_path {
        let mut out = commands::Output::stdout();
        match config::config_path() {
            Some(path) => out.line(&path.display().to_string())?,
            None => out.line("(no config directory on this platform)")?,
        }
        out.finish()?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = Config::load().map_err(anyhow::Error::msg)?;
    cli.apply_config(&config);
    let command = match cli.command {
        None => {
            let by = cli.by.as_deref().map(rollscope::model::names::list);
            let follow = cli.follow || config.follow.unwrap_or(false);
            let views = Views { by, baseline: cli.baseline.clone(), pair_on: cli.pair_on.clone(), follow };
            return open_app(cli.paths, &cli.study, &config, None, views);
        }
        // grep's exit status is grep's: 1 when nothing matched, 2 on an error.
        Some(Command::Grep(args)) => {
            return Ok(match commands::grep::run(&args) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
                Err(e) => {
                    commands::warn(&format!("rollscope: {e:#}"));
                    ExitCode::from(2)
                }
            });
        }
        Some(command) => command,
    };
    run_command(command, &config).map(|()| ExitCode::SUCCESS)
}

fn run_command(command: Command, config: &Config) -> Result<()> {
    match command {
        Command::Ls { paths, study, json } => commands::ls::run(&paths, json, &study),
        Command::Stats { paths, study, by, bootstrap: BootstrapOptions { boot, seed }, cluster, json } => {
            commands::stats::run(
                &paths,
                &commands::stats::StatsArgs { by, cluster, boot, seed, json },
                &study,
            )
        }
        Command::Compare(args) => commands::compare::run(&args),
        Command::Report(args) => commands::report::run(&args),
        Command::Agree {
            paths,
            study,
            bootstrap: BootstrapOptions { boot, seed },
            queue,
            queue_dir,
            by,
            blind_only,
            json,
        } => {
            let args = commands::agree::AgreeArgs { boot, seed, json, queue, by, blind_only, queue_dir };
            commands::agree::run(&paths, &args, &study, config)
        }
        Command::Export(args) => commands::export::run(&args),
        // `run` answers grep itself, for its exit status; here it is the same search.
        Command::Grep(args) => commands::grep::run(&args).map(|_| ()),
        Command::Sample { paths, sample, study } => commands::sample::run(&paths, &sample, &study),
        Command::Review { queue, blinding, adjudicate, study } => {
            let (mut parsed, paths) = commands::sample::open_queue(&queue, study.labels.label_file_limit())?;
            let name = rollscope::sample::Queue::name_of(&queue);
            let mut study = commands::sample::review_options(&queue, &parsed, &study, config)?;
            parsed.adjudicate |= adjudicate;
            if parsed.adjudicate {
                // An adjudicator's scores go to a file of their own beside the annotators'.
                let name = study.labels.annotator_name();
                study.labels.annotator = Some(format!("{}{name}", rollscope::app::labels::ADJUDICATED));
            }
            parsed.reveal = blinding.reveal.unwrap_or(parsed.reveal);
            parsed.show_earlier |= blinding.show_earlier;
            let mut review = rollscope::app::review::Review::new(name, parsed);
            review.path = Some(queue.clone());
            review.labels = Some(study.labels.dir(&paths));
            open_app(paths, &study, config, Some(review), Views::default()).map(|_| ())
        }
        Command::Validate { paths, study, json } => commands::validate::run(&paths, json, &study),
        Command::Labels(LabelsCommand::Migrate { paths, json, study }) => {
            commands::labels::migrate(&paths, json, &study)
        }
        #[cfg(feature = "testkit")]
        Command::LabelStress { count, prefix, labels } => {
            commands::stress::run(&labels.dir(&[]), &labels.annotator_name(), count, &prefix)
        }
    }
}

/// The app's options for the statistics, compare and side-by-side views.
#[derive(Default)]
struct Views {
    by: Option<Vec<String>>,
    baseline: Option<(String, String)>,
    pair_on: Option<String>,
    /// `--follow` (never in a review: its queue is a fixed sample).
    follow: bool,
}

fn open_app(
    paths: Vec<std::path::PathBuf>,
    args: &StudyOptions,
    config: &Config,
    review: Option<rollscope::app::review::Review>,
    views: Views,
) -> Result<ExitCode> {
    let follow = views.follow && !paths.is_empty();
    let options = LoadOptions { follow, ..commands::load_options(&args.study)? };
    let keymap = Keymap::with_overrides(&config.keys).map_err(anyhow::Error::msg)?;
    let title = if paths.is_empty() {
        "demo".to_string()
    } else {
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ")
    };
    let settings = Settings {
        score: args.study.score.as_deref().map(Into::into),
        threshold: args.study.threshold.unwrap_or(commands::DEFAULT_THRESHOLD),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        truecolor: rollscope::ui::palette::terminal_has_truecolor(),
        title,
        tags: config.tags.clone().unwrap_or_else(|| DEFAULT_TAGS.iter().map(|t| t.to_string()).collect()),
        review_advance: config.review.advance.unwrap_or(true),
        reasons: config
            .review
            .reasons
            .clone()
            .unwrap_or_else(|| DEFAULT_REASONS.iter().map(|r| r.to_string()).collect()),
        by: views.by,
        baseline: views.baseline,
        pair_on: views.pair_on,
        follow,
        columns: config.columns.clone(),
    };
    let labels = runtime::LabelsInput {
        dir: args.labels.dir(&paths),
        annotator: args.labels.annotator_name(),
        study: paths.clone(),
        limit: args.labels.label_file_limit(),
    };
    let report = rollscope::cli::ReportArgs::template(paths.clone(), args.clone(), labels.dir.clone());
    let input = if paths.is_empty() { StudyInput::Demo } else { StudyInput::Paths(paths) };
    let mut app = App::new(settings, keymap);
    app.report = Some(report);
    app.labels.annotator = labels.annotator.clone();
    if let Some(review) = review {
        app.labels.queue = Some(review.name.clone());
        app.focus = rollscope::app::Pane::Reader;
        app.review = Some(review);
    }
    let ending = runtime::run(app, input, options, labels)?;
    // A followed file whose last line a writer had not finished (`--follow`): said once the
    // terminal is back.
    for line in runtime::torn_at_quit() {
        commands::warn(&format!("rollscope: {line}"));
    }
    match ending {
        runtime::Ending::Quit => Ok(ExitCode::SUCCESS),
        runtime::Ending::Signal { signal, unsaved } => {
            for change in &unsaved {
                commands::warn(&format!("rollscope: NOT saved: {change}"));
            }
            // The shell's convention for "ended by signal n".
            Ok(ExitCode::from(128u8.saturating_add(u8::try_from(signal).unwrap_or(0))))
        }
    }
}
