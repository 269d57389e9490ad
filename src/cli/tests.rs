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
        &["compare"],
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
    assert!(
        err.contains("[possible values: jsonl, json, inspect, eval, parquet, claude-code, atif]"),
        "{err}"
    );
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

/// Arguments that let `command` parse: "x" for each required positional, "1" for each required
/// option (the flag under test is added after them).
fn required_args(command: &clap::Command) -> Vec<String> {
    let mut args = Vec::new();
    for arg in command.get_arguments().filter(|a| a.is_required_set()) {
        match arg.get_long() {
            Some(long) => args.extend([format!("--{long}"), "1".to_string()]),
            None => args.push("x".to_string()),
        }
    }
    args
}

#[test]
fn every_command_inherits_the_bounds_of_the_options_it_takes() {
    // Issue 13: a bound lives on the option, not in each command, so a command added later
    // that takes one of these flags refuses the same values. Walks every command clap knows.
    let refused: &[(&str, &[&str])] = &[
        ("boot", &["100001", "1000000000"]),
        ("perm", &["1000001"]),
        ("threshold", &["NaN", "inf", "-inf"]),
        ("oversample-above", &["nan", "inf"]),
        ("hatch", &["", ".*", "a?"]),
        ("turns", &["5-3", "0"]),
    ];
    let cli = Cli::command();
    let mut commands: Vec<(Option<&str>, &clap::Command)> = vec![(None, &cli)];
    commands.extend(cli.get_subcommands().map(|c| (Some(c.get_name()), c)));
    let mut checked = Vec::new();
    for (name, command) in &commands {
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            let Some((_, values)) = refused.iter().find(|(flag, _)| *flag == long) else { continue };
            for value in *values {
                let mut args: Vec<String> =
                    std::iter::once("rollscope").chain(*name).map(String::from).collect();
                args.extend(required_args(command));
                args.push(format!("--{long}={value}"));
                let err = Cli::try_parse_from(&args).expect_err(&format!("{args:?} was accepted"));
                assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation, "{args:?}: {err}");
            }
            checked.push(format!("{} --{long}", name.unwrap_or("(app)")));
        }
    }
    for expected in [
        "stats --boot",
        "compare --boot",
        "compare --perm",
        "agree --boot",
        "sample --turns",
        "grep --turns",
        "sample --oversample-above",
        "ls --hatch",
    ] {
        assert!(checked.iter().any(|c| c == expected), "{expected} not checked: {checked:?}");
    }
    assert!(checked.iter().filter(|c| c.ends_with("--threshold")).count() >= 8, "{checked:?}");
    // The bounds themselves are allowed.
    let stats = parse(&["stats", "--boot", "100000", "--threshold=-2.5", "--hatch", "x+"]);
    assert!(matches!(
        stats.command,
        Some(Command::Stats { bootstrap: BootstrapOptions { boot: 100_000, .. }, .. })
    ));
    parse(&["sample", "runs", "--n", "5", "--turns", "3-5,9,12-", "--oversample-above", "7"]);
}

#[test]
fn compare_takes_its_flags_and_pairs_or_clusters_but_not_both() {
    let args = [
        "compare",
        "runs",
        "--by",
        "model",
        "--baseline",
        "model=llama-normal",
        "--pair-on",
        "question_id",
        "--perm",
        "500",
        "--seed",
        "3",
    ];
    let Some(Command::Compare(CompareArgs { comparing: compare, .. })) = parse(&args).command else {
        panic!("not compare")
    };
    assert_eq!(compare.baseline, Some(("model".into(), "llama-normal".into())));
    assert_eq!((compare.pair_on.as_deref(), compare.cluster.as_deref()), (Some("question_id"), None));
    assert_eq!((compare.perm, compare.bootstrap.boot, compare.bootstrap.seed), (500, 2000, 3));
    let Some(Command::Compare(CompareArgs { comparing: defaults, .. })) = parse(&["compare"]).command else {
        panic!("not compare")
    };
    assert_eq!((defaults.perm, defaults.baseline, defaults.by), (10_000, None, None));
    let both =
        Cli::try_parse_from(["rollscope", "compare", "--pair-on", "prompt_id", "--cluster", "prompt_id"]);
    assert_eq!(both.unwrap_err().kind(), clap::error::ErrorKind::ArgumentConflict);
    let bad = Cli::try_parse_from(["rollscope", "compare", "--baseline", "baseline"]).unwrap_err();
    assert!(bad.to_string().contains("is not FIELD=VALUE"), "{bad}");
    let Some(Command::Stats { cluster, .. }) = parse(&["stats", "--cluster", "prompt_id"]).command else {
        panic!("not stats")
    };
    assert_eq!(cluster.as_deref(), Some("prompt_id"));
}

#[test]
fn options_given_override_a_queues_and_the_rest_come_from_it() {
    let stored = StudyDefinition {
        threshold: Some(5.0),
        hatch: Some("<<bye>>".into()),
        id_fields: vec!["task_id".into()],
        score_files: ScoreFiles {
            paths: vec!["s.jsonl".into()],
            join: vec!["task_id".into()],
            turn_field: Some("turn_index".into()),
            ..ScoreFiles::default()
        },
        ..StudyDefinition::default()
    };
    let given = StudyDefinition { threshold: Some(7.0), ..StudyDefinition::default() };
    let merged = given.over(stored.clone());
    assert_eq!(merged.threshold, Some(7.0), "given on the command line: wins");
    assert_eq!(merged.hatch.as_deref(), Some("<<bye>>"), "not given: the queue's");
    assert_eq!(merged.score_files, stored.score_files, "the queue's score files and how they join");
    assert_eq!(merged.id_fields, stored.id_fields);
    let other = StudyDefinition {
        score_files: ScoreFiles { paths: vec!["t.jsonl".into()], ..ScoreFiles::default() },
        ..StudyDefinition::default()
    };
    let merged = other.over(stored);
    assert_eq!(merged.score_files.paths, vec![std::path::PathBuf::from("t.jsonl")]);
    assert_eq!(merged.score_files.turn_field.as_deref(), Some("turn_index"), "field by field");
}

#[test]
fn without_user_variables_the_annotator_is_the_system_user() {
    let table = "root:x:0:0:root:/root:/bin/bash\n# a comment\nana:x:1000:1000::/home/ana:/bin/sh\n";
    assert_eq!(super::study::user_of(table, 1000).as_deref(), Some("ana"));
    assert_eq!(super::study::user_of(table, 0).as_deref(), Some("root"));
    assert_eq!(super::study::user_of(table, 7), None);
}
