use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use rollscope::app::keymap::Keymap;
use rollscope::app::{App, Settings};
use rollscope::cli::{Cli, Command, StudyArgs};
use rollscope::commands;
use rollscope::config::{self, Config};
use rollscope::runtime::{self, StudyInput};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rollscope: {}", rollscope::sanitize::clean(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
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
        Some(Command::Ls { paths, json }) => commands::ls::run(&paths, json, &study),
        None => open_app(cli.paths, &study, &config),
    }
}

/// Command-line flags win over the config file.
fn merge_config(args: &StudyArgs, config: &Config) -> StudyArgs {
    StudyArgs {
        score: args.score.clone().or(config.score.clone()),
        threshold: args.threshold.or(config.threshold),
        hatch: args.hatch.clone().or(config.hatch.clone()),
        format: args.format.clone(),
    }
}

fn open_app(paths: Vec<std::path::PathBuf>, args: &StudyArgs, config: &Config) -> Result<()> {
    let options = commands::load_options(args)?;
    let keymap = Keymap::with_overrides(&config.keys).map_err(anyhow::Error::msg)?;
    let title = if paths.is_empty() {
        "demo".to_string()
    } else {
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let settings = Settings {
        score: args.score.as_deref().map(Into::into),
        threshold: args.threshold.unwrap_or(commands::DEFAULT_THRESHOLD),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        title,
    };
    let input = if paths.is_empty() {
        StudyInput::Demo
    } else {
        StudyInput::Paths(paths)
    };
    runtime::run(App::new(settings, keymap), input, options)
}
