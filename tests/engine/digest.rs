//! A compact, stable text form of a diagnosis for snapshots, and fixture loading.

use setup_triage::{Answers, Diagnosis, Verdict, diagnose_files};

/// Reads `tests/fixtures/<dir>/<name>`.
pub fn fixture(dir: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Diagnoses named byte strings as one case.
pub fn diagnose(files: &[(&str, Vec<u8>)]) -> Diagnosis {
    diagnose_files(
        files.iter().map(|(n, b)| (*n, b.as_slice())),
        &Answers::new(),
    )
}

/// Verdict, root cause (file:line: text), codes, facts, files and notes: what a reader decided.
pub fn digest(d: &Diagnosis) -> String {
    let mut s = format!("verdict: {:?}\n", d.verdict);
    match &d.root_cause {
        Some(r) => {
            let text: String = r.text.chars().take(160).collect();
            s += &format!("root: {}:{}: {}\n", r.file, r.line, text);
            s += &format!("root summary: {}\n", r.summary);
            if let Some(c) = &r.cause {
                s += &format!("root cause id: {c}\n");
            }
            for det in &r.details {
                s += &format!("root {}: {}\n", det.label, det.value);
            }
        }
        None => s += "root: none\n",
    }
    s += &format!("codes: {}\n", d.codes.join(", "));
    for (k, v) in d.facts.iter() {
        s += &format!("fact {k} = {v}\n");
    }
    for f in &d.files {
        s += &format!(
            "file {} [{}, {}, {:?}]\n",
            f.name, f.format, f.encoding, f.verdict
        );
    }
    for n in &d.notes {
        s += &format!("note: {}\n", n.message);
    }
    s
}

/// Diagnoses the fixture `dir/name` and checks its verdict and root-cause line; the digest explains a miss.
pub fn check_fixture(dir: &str, name: &str, expected: (Verdict, Option<u64>)) -> Diagnosis {
    let d = diagnose(&[(name, fixture(dir, name))]);
    assert_eq!(
        (d.verdict, d.root_cause.as_ref().map(|r| r.line)),
        expected,
        "{}",
        digest(&d)
    );
    d
}
