use std::process::ExitCode;

use clap::Parser;
use rollscope::cli::{Cli, Command};
use rollscope::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Ls { paths, json }) => commands::ls::run(paths, *json, &cli.study),
        None => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rollscope: {}", rollscope::sanitize::clean(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
