use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use rollscope::app::keymap::Keymap;
use rollscope::app::labels::DEFAULT_TAGS;
use rollscope::app::{App, Settings};
use rollscope::cli::{Cli, Command, StudyArgs};
use rollscope::commands;
use rollscope::config::{self, Config};
use rollscope::runtime::{self, StudyInput};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `rollscope ... | head` closes the pipe early: that is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rollscope: {}", rollscope::sanitize::clean(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<()> {
    if cli.print_config_path {
        match config::config_path() {
            Some(path) => println!("{}", path.display()),
            None => println!("(no config directory on this platform)"),
        }
        return Ok(());
    }
    let config = Config::load().map_err(anyhow::Error::msg)?;
    let study = merge_config(&cli.study, &config);
    match cli.command {
        Some(Command::Ls { paths, format, json }) => {
            commands::ls::run(&paths, json, &StudyArgs { format, ..study })
        }
        Some(Command::Stats { paths, format, by, boot, seed, json }) => {
            let args = StudyArgs { format, ..study };
            commands::stats::run(&paths, &commands::stats::StatsArgs { by, boot, seed, json }, &args)
        }
        Some(Command::Agree { paths, format, boot, seed, queue, json }) => {
            // Only an explicit --annotator narrows the report; the config's name does not.
            let args = StudyArgs { annotator: cli.study.annotator.clone(), format, ..study };
            commands::agree::run(&paths, &commands::agree::AgreeArgs { boot, seed, json, queue }, &args)
        }
        Some(Command::Export { paths, format, input_format, output }) => {
            let format = commands::export::ExportFormat::parse(&format)?;
            let args = StudyArgs { annotator: cli.study.annotator.clone(), format: input_format, ..study };
            commands::export::run(&paths, format, output.as_ref(), &args)
        }
        Some(Command::Sample { paths, sample, format }) => {
            commands::sample::run(&paths, &sample, &StudyArgs { format, ..study })
        }
        Some(Command::Review { queue }) => {
            let (parsed, paths) = commands::sample::open_queue(&queue)?;
            let name = rollscope::sample::Queue::name_of(&queue);
            let args = StudyArgs { score: Some(parsed.score.clone()), ..study };
            open_app(paths, &args, &config, Some(rollscope::app::review::Review::new(name, parsed)))
        }
        Some(Command::Validate { paths, format, json }) => {
            commands::validate::run(&paths, json, &StudyArgs { format, ..study })
        }
        Some(Command::LabelStress { count, prefix }) => {
            commands::stress::run(&study.labels_dir(&[]), &study.annotator_name(), count, &prefix)
        }
        None => open_app(cli.paths, &study, &config, None),
    }
}

/// Command-line flags win over the config file.
fn merge_config(args: &StudyArgs, config: &Config) -> StudyArgs {
    StudyArgs {
        score: args.score.clone().or(config.score.clone()),
        threshold: args.threshold.or(config.threshold),
        hatch: args.hatch.clone().or(config.hatch.clone()),
        format: args.format.clone(),
        labels: args.labels.clone(),
        annotator: args.annotator.clone().or(config.annotator.clone()),
        ..args.clone()
    }
}

fn open_app(
    paths: Vec<std::path::PathBuf>,
    args: &StudyArgs,
    config: &Config,
    review: Option<rollscope::app::review::Review>,
) -> Result<()> {
    let options = commands::load_options(args)?;
    let keymap = Keymap::with_overrides(&config.keys).map_err(anyhow::Error::msg)?;
    let title = if paths.is_empty() {
        "demo".to_string()
    } else {
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ")
    };
    let settings = Settings {
        score: args.score.as_deref().map(Into::into),
        threshold: args.threshold.unwrap_or(commands::DEFAULT_THRESHOLD),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        title,
        tags: config.tags.clone().unwrap_or_else(|| DEFAULT_TAGS.iter().map(|t| t.to_string()).collect()),
    };
    let labels = runtime::LabelsInput { dir: args.labels_dir(&paths), annotator: args.annotator_name() };
    let input = if paths.is_empty() { StudyInput::Demo } else { StudyInput::Paths(paths) };
    let mut app = App::new(settings, keymap);
    app.labels.annotator = labels.annotator.clone();
    if let Some(review) = review {
        app.labels.queue = Some(review.name.clone());
        app.focus = rollscope::app::Pane::Reader;
        app.review = Some(review);
    }
    runtime::run(app, input, options, labels)
}
