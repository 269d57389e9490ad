use clap::{CommandFactory, Parser};

use super::*;

/// Every shared study option, as a user would type it.
const SHARED: &[&str] = &[
    "--score",
    "self_blame",
    "--threshold",
    "7",
    "--hatch",
    "rm",
    "--scores",
    "a/frustration.jsonl",
    "--score-name",
    "anger",
    "--join",
    "task_id,run=id",
    "--turn-field",
    "step",
    "--value-field",
    "v",
    "--labels",
    "labels",
    "--annotator",
    "ana",
];

fn parse(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("rollscope").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

#[test]
fn the_definitions_are_consistent() {
    // Duplicate flags, a renamed --format that was not found, and the like, fail here.
    Cli::command().debug_assert();
}

#[test]
fn every_command_that_reads_a_study_takes_every_shared_option() {
    let commands: &[&[&str]] = &[
        &[],
        &["ls"],
        &["stats"],
        &["agree"],
        &["export"],
        &["sample", "runs", "--n", "5"],
        &["review", "q.json"],
        &["validate", "runs"],
    ];
    for command in commands {
        let input = if command.first() == Some(&"export") { "--input-format" } else { "--format" };
        let args: Vec<&str> = command.iter().chain(SHARED).chain(&[input, "sharegpt"]).copied().collect();
        let cli = parse(&args);
        let options = cli.study_options().unwrap_or_else(|| panic!("{command:?}"));
        let study = &options.study;
        assert_eq!(study.score.as_deref(), Some("self_blame"), "{command:?}");
        assert_eq!(study.threshold, Some(7.0));
        assert_eq!(study.hatch.as_deref(), Some("rm"));
        assert_eq!(study.format, Some(InputFormat::Json), "{command:?}");
        assert_eq!(study.score_files.join, ["task_id", "run=id"]);
        assert_eq!(study.score_files.specs().unwrap()[0].score_name(), "anger");
        assert_eq!(
            (study.score_files.turn_field.as_deref(), study.score_files.value_field.as_deref()),
            (Some("step"), Some("v"))
        );
        assert_eq!(options.labels.labels.as_deref(), Some(std::path::Path::new("labels")));
        assert_eq!(options.labels.annotator.as_deref(), Some("ana"));
    }
}

#[test]
fn export_names_its_output_with_to_and_its_input_with_input_format() {
    let Some(Command::Export(args)) = parse(&["export", "--to", "jsonl", "--input-format", "eval"]).command
    else {
        panic!("not export");
    };
    assert_eq!((args.target(), args.study.study.format), (ExportFormat::Jsonl, Some(InputFormat::Eval)));
    assert_eq!(args.deprecation_note(), None);
    let Some(Command::Export(args)) = parse(&["export", "--format", "rollouts"]).command else {
        panic!("not export");
    };
    assert_eq!(args.target(), ExportFormat::Rollouts);
    assert_eq!(
        args.deprecation_note().as_deref(),
        Some("--format on export is deprecated: use --to rollouts")
    );
    let Some(Command::Export(args)) = parse(&["export"]).command else { panic!("not export") };
    assert_eq!(args.target(), ExportFormat::Csv);
    assert!(Cli::try_parse_from(["rollscope", "export", "--to", "csv", "--format", "csv"]).is_err());
}

#[test]
fn an_unknown_input_format_is_refused_with_the_known_names() {
    let err = Cli::try_parse_from(["rollscope", "ls", "--format", "xml"]).unwrap_err().to_string();
    assert!(err.contains("invalid value 'xml' for '--format <FORMAT>'"), "{err}");
    assert!(err.contains("[possible values: jsonl, json, inspect, eval]"), "{err}");
}

#[test]
fn the_config_file_goes_under_the_command_line_for_the_command_that_runs() {
    let config = Config { threshold: Some(7.0), annotator: Some("ana".into()), ..Config::default() };
    let mut cli = parse(&["stats", "--threshold", "3"]);
    cli.apply_config(&config);
    let options = cli.study_options().unwrap();
    assert_eq!(options.study.threshold, Some(3.0));
    assert_eq!(options.labels.annotator_name(), "ana");
    let mut cli = parse(&["ls"]);
    cli.apply_config(&config);
    assert_eq!(cli.study_options().unwrap().study.threshold, Some(7.0));
    let mut cli = parse(&["__label-stress", "--count", "1"]);
    cli.apply_config(&config);
    let Some(Command::LabelStress { labels, .. }) = cli.command else { panic!("not label-stress") };
    assert_eq!(labels.annotator_name(), "ana");
}
