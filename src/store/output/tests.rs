use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn refuses_an_input_by_any_name_and_creates_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("study.jsonl");
    std::fs::write(&source, "{}\n").unwrap();
    std::fs::hard_link(&source, dir.path().join("linked.jsonl")).unwrap();
    std::os::unix::fs::symlink(&source, dir.path().join("alias.jsonl")).unwrap();
    let mut inputs = Inputs::default();
    inputs.add(&source, InputKind::Rollout);
    for name in ["./study.jsonl", "linked.jsonl", "alias.jsonl"] {
        let err = create(&dir.path().join(name), &inputs).unwrap_err();
        assert!(matches!(err, OutputError::Input { kind: InputKind::Rollout, .. }), "{name}: {err}");
        assert!(err.to_string().starts_with("refusing to write"), "{err}");
        assert!(err.to_string().contains(name.trim_start_matches("./")), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&source).unwrap(), "{}\n");
    let mut out = create(&dir.path().join("out.csv"), &inputs).unwrap();
    assert!(!dir.path().join("out.csv").exists(), "nothing at the name before the commit");
    out.write_all(b"a,b\n").unwrap();
    out.commit().unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("out.csv")).unwrap(), "a,b\n");
    assert_eq!(names(dir.path()), ["alias.jsonl", "linked.jsonl", "out.csv", "study.jsonl"]);
}

#[test]
fn a_study_s_inputs_are_every_file_found_scores_labels_and_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let labels = runs.join("rollscope-labels");
    std::fs::create_dir_all(&labels).unwrap();
    for (path, text) in [
        (runs.join("a.jsonl"), "{}\n"),
        (runs.join("broken.json"), "{"),
        (dir.path().join("judge.jsonl"), "{}\n"),
        (labels.join("bo.jsonl"), "{}\n"),
    ] {
        std::fs::write(path, text).unwrap();
    }
    let inputs = Inputs::of_study(std::slice::from_ref(&runs), &[dir.path().join("judge.jsonl")], &labels);
    let refused = |path: &Path| match create(path, &inputs) {
        Err(OutputError::Input { kind, .. }) => Some(kind),
        _ => None,
    };
    assert_eq!(refused(&runs.join("a.jsonl")), Some(InputKind::Rollout));
    assert_eq!(refused(&runs.join("broken.json")), Some(InputKind::Rollout), "found, though it did not load");
    assert_eq!(refused(&dir.path().join("judge.jsonl")), Some(InputKind::Scores));
    assert_eq!(refused(&labels.join("bo.jsonl")), Some(InputKind::Labels));
    assert_eq!(refused(&labels.join("new.jsonl")), Some(InputKind::Labels), "it would be read as labels");
    assert_eq!(refused(&labels.join("new.csv")), None);
    assert_eq!(refused(&dir.path().join("out.jsonl")), None);
}

#[test]
fn an_existing_file_is_replaced_by_rename_keeping_its_mode_and_never_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    std::fs::write(&path, "old\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::hard_link(&path, dir.path().join("kept.csv")).unwrap();
    let old_inode = std::fs::metadata(&path).unwrap().ino();
    // Abandoned half-way (an error, a crash): the old file is whole and no temporary is left.
    let mut out = create(&path, &Inputs::default()).unwrap();
    out.write_all(b"half of a new").unwrap();
    drop(out);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
    assert_eq!(names(dir.path()), ["kept.csv", "out.csv"]);
    let mut out = create(&path, &Inputs::default()).unwrap();
    out.write_all(b"new\n").unwrap();
    out.commit().unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    assert_ne!(meta.ino(), old_inode, "a new file took the name");
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert_eq!(std::fs::read_to_string(dir.path().join("kept.csv")).unwrap(), "old\n");
    assert_eq!(names(dir.path()), ["kept.csv", "out.csv"]);
}

#[test]
fn a_symlinked_output_replaces_the_file_it_names_and_a_device_is_written_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old\n").unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link.csv")).unwrap();
    write(&dir.path().join("link.csv"), b"new\n", &Inputs::default()).unwrap();
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
    assert!(std::fs::symlink_metadata(dir.path().join("link.csv")).unwrap().is_symlink());
    write(Path::new("/dev/null"), b"anything\n", &Inputs::default()).unwrap();
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    let err = create(dir.path(), &Inputs::default()).unwrap_err();
    assert!(matches!(err, OutputError::Create { .. }), "{err}");
}

#[test]
fn a_queue_is_never_replaced_by_a_different_one_but_may_be_drawn_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q1.json");
    let queue = "{\"version\": 1, \"score\": \"f\", \"paths\": [\"a\"], \"items\": []}\n";
    write(&path, queue.as_bytes(), &Inputs::default()).unwrap();
    write(&path, queue.as_bytes(), &Inputs::default()).unwrap();
    let err =
        write(&path, b"{\"version\": 1, \"paths\": [], \"items\": [1]}\n", &Inputs::default()).unwrap_err();
    assert!(matches!(err, OutputError::Input { kind: InputKind::Queue, .. }), "{err}");
    assert!(create(&path, &Inputs::default()).is_err(), "nor by an export");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), queue);
}
