use clap::ValueEnum;

use super::*;

#[test]
fn every_format_spelling_means_what_it_always_meant() {
    // The spellings `Format::parse` has always taken, through the value enum and through serde.
    for name in
        ["jsonl", "native", "openai", "json", "sharegpt", "inspect", "inspect-json", "eval", "inspect-eval"]
    {
        let format = InputFormat::from_str(name, false).unwrap();
        assert_eq!(Format::from(format), Format::parse(name).unwrap(), "{name}");
        let from_json: InputFormat = serde_json::from_value(serde_json::json!(name)).unwrap();
        assert_eq!(from_json, format, "{name}");
    }
    assert!(InputFormat::from_str("xml", false).is_err());
    assert!(InputFormat::from_str("JSONL", false).is_err(), "case-sensitive, as before");
}

#[test]
fn the_study_definition_round_trips_through_json() {
    let definition = StudyDefinition {
        score: Some("frustration".into()),
        threshold: Some(6.5),
        hatch: Some("<<rm".into()),
        format: Some(InputFormat::Eval),
        score_files: ScoreFiles {
            paths: vec!["a/frustration.jsonl".into()],
            names: vec!["anger".into()],
            join: vec!["task_id".into(), "run=id".into()],
            turn_field: Some("step".into()),
            value_field: None,
            name_field: Some("probe".into()),
            turn_base: Some(1),
            keep: vec!["tstamp".into()],
            drop: vec!["model".into()],
            categorical: vec!["tag".into()],
            text: vec!["quote".into()],
            range: Some(ScoreRange { low: -5.0, high: 5.0 }),
        },
        turn_array: Some("judge_turns".into()),
        id_fields: vec!["condition".into(), "task_id".into()],
        limits: FileLimits::default(),
    };
    let text = serde_json::to_string(&definition).unwrap();
    assert!(text.contains(r#""format":"eval""#), "{text}");
    assert!(text.contains(r#""id_fields":["condition","task_id"]"#), "{text}");
    assert_eq!(serde_json::from_str::<StudyDefinition>(&text).unwrap(), definition);
    // Fields a later version adds are optional: an older file still reads.
    assert_eq!(serde_json::from_str::<StudyDefinition>("{}").unwrap(), StudyDefinition::default());
}

#[test]
fn command_line_values_win_over_the_config_file() {
    let config = Config {
        score: Some("self_blame".into()),
        threshold: Some(7.0),
        hatch: Some("rm".into()),
        annotator: Some("ana".into()),
        ..Config::default()
    };
    let mut given = StudyOptions::default();
    given.study.threshold = Some(3.0);
    given.apply_config(&config);
    assert_eq!(given.study.threshold, Some(3.0));
    assert_eq!(given.study.score.as_deref(), Some("self_blame"));
    assert_eq!(given.study.hatch.as_deref(), Some("rm"));
    // The config's annotator names your labels but is not an explicit --annotator.
    assert_eq!(given.labels.annotator, None);
    assert_eq!(given.labels.annotator_name(), "ana");
    given.labels.annotator = Some("bo".into());
    assert_eq!(given.labels.annotator_name(), "bo");
}

#[test]
fn id_fields_come_from_the_flag_else_the_config_file() {
    let config = Config { id_fields: Some(vec!["condition".into(), "task_id".into()]), ..Config::default() };
    let mut from_config = StudyOptions::default();
    from_config.apply_config(&config);
    assert_eq!(from_config.study.id_fields, ["condition", "task_id"]);
    let mut given = StudyOptions::default();
    given.study.id_fields = vec!["run".into()];
    given.apply_config(&config);
    assert_eq!(given.study.id_fields, ["run"]);
}

#[test]
fn score_file_options_need_a_score_file() {
    let join_alone = ScoreFiles { join: vec!["a".into()], ..ScoreFiles::default() };
    assert!(join_alone.specs().unwrap_err().contains("--join applies to --scores files"));
    let names = ScoreFiles { names: vec!["a".into()], ..ScoreFiles::default() };
    assert!(names.specs().unwrap_err().contains("--score-name given 1 times but --scores only 0"));
}
