//! The seam the page's workers use: each reads some of the files (`Diagnoser::finish_parts`), the parts cross
//! to another worker as data, and `combine_parts` gives what one `Diagnoser` that read every file gives.

use std::path::Path;

use setup_triage::Diagnoser;
use setup_triage::scan::{FilePart, combine_parts};

/// Every fixture folder's files, in name order: each folder is one case of many files (an MSI log beside
/// the .NET setup log that names it, logs that succeed beside logs that fail).
fn cases() -> Vec<Vec<(String, Vec<u8>)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("the fixtures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut cases = Vec::new();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("a fixture folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let case: Vec<_> = files
            .iter()
            .map(|p| {
                let name = p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string();
                (name, std::fs::read(p).expect("a fixture"))
            })
            .collect();
        if case.len() > 1 {
            cases.push(case);
        }
    }
    cases
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serialisable")
}

/// Reads `files` in `workers` groups of neighbouring files, sends each group's parts through JSON (as they
/// cross between workers, as data only), and combines them in order.
fn in_groups(files: &[(String, Vec<u8>)], workers: usize) -> String {
    let per = files.len().div_ceil(workers);
    let mut parts: Vec<FilePart> = Vec::new();
    for group in files.chunks(per) {
        let mut d = Diagnoser::new();
        for (name, bytes) in group {
            d.add_file(name, bytes);
        }
        let crossed: Vec<FilePart> =
            serde_json::from_str(&json(&d.finish_parts())).expect("parts come back");
        parts.extend(crossed);
    }
    json(&combine_parts(parts))
}

#[test]
fn files_read_apart_and_combined_give_one_readers_diagnosis() {
    let cases = cases();
    assert!(
        cases.len() >= 5,
        "the fixture folders hold cases of many files"
    );
    for files in cases {
        let mut one = Diagnoser::new();
        for (name, bytes) in &files {
            one.add_file(name, bytes);
        }
        let expected = json(&one.finish_unguided());
        for workers in [1, 2, 3, files.len()] {
            assert_eq!(
                in_groups(&files, workers),
                expected,
                "{} files in {workers} groups ({})",
                files.len(),
                files[0].0
            );
        }
    }
}

#[test]
fn a_part_survives_the_crossing_whole() {
    let mut d = Diagnoser::new();
    d.add_file(
        "MSI1.log",
        b"MSI (s) (A4:B8) [10:11:12:123]: Product: Test -- Error 1935. An error occurred.\nAction ended 10:11:12: InstallFinalize. Return value 3.\n",
    );
    let parts = d.finish_parts();
    let back: Vec<FilePart> = serde_json::from_str(&json(&parts)).expect("parts come back");
    assert_eq!(back, parts);
    assert_eq!(parts.len(), 1);
    assert!(parts[0].root.is_some());
}
