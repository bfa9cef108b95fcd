//! The command line's sharing side: `setup-triage share` and `diagnose --format markdown|bbcode`, redacted
//! by default.

use std::path::PathBuf;
use std::process::Command;

use setup_triage::case::share;

const BIN: &str = env!("CARGO_BIN_EXE_setup-triage");

/// A log with a user name in a path (also the folder the file sits in) and in prose.
fn input(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_share")
        .join("Users")
        .join("zoltanq");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(
        &path,
        "Logs copied from C:\\Users\\zoltanq\\Desktop\\logs\r\n\
         Computer: DESKTOP-Q7W2E4R\r\n\
         Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643 (profile zoltanq)\r\n",
    )
    .unwrap();
    path
}

/// Runs the CLI, expecting success, and returns standard output.
fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn guide_id(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["guide"]["id"].as_str().unwrap().to_string()
}

#[test]
fn share_prints_a_link_to_the_same_guide() {
    let f = input("share.log");
    let f = f.to_str().unwrap();
    let link = run(&["share", "--answer", "windows=7", f]);
    let link = link.trim();
    assert!(
        link.starts_with("https://setup-triage.invalid/#c=1."),
        "{link}"
    );
    let case = share::decode(link).unwrap();
    let json = run(&["diagnose", "--format", "json", "--answer", "windows=7", f]);
    assert_eq!(case.guide, guide_id(&json));
    assert_eq!(case.to_diagnosis().guide.id, guide_id(&json));
    assert_eq!(case.answers.get("windows"), Some("7"));
    assert!(case.evidence.unwrap().text.contains("KB979906"));
}

#[test]
fn share_takes_a_base_url_and_a_step() {
    let f = input("step.log");
    let link = run(&[
        "share",
        "--base-url",
        "https://help.example.net/triage/",
        "--step",
        "3",
        f.to_str().unwrap(),
    ]);
    let link = link.trim();
    assert!(
        link.starts_with("https://help.example.net/triage/#c=1."),
        "{link}"
    );
    assert!(link.ends_with("&s=3"), "{link}");
    assert_eq!(share::decode(link).unwrap().progress.current, 2);
    let bad = Command::new(BIN)
        .args(["share", "--step", "0", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn user_names_never_leave_by_default() {
    let f = input("names.log");
    let f = f.to_str().unwrap();
    let outputs = [
        run(&["share", f]),
        run(&["diagnose", "--format", "markdown", f]),
        run(&["diagnose", "--format", "bbcode", f]),
        run(&[
            "diagnose",
            "--format",
            "text",
            "--base-url",
            "https://e.org/",
            f,
        ])
        .lines()
        .last()
        .unwrap()
        .to_string(),
    ];
    for out in &outputs {
        assert!(!out.to_ascii_lowercase().contains("zoltanq"), "{out}");
        assert!(!out.contains("DESKTOP-Q7W2E4R"), "{out}");
    }
    // The name in the evidence line is replaced, not dropped: it was learned from the path on line 1.
    let case = share::decode(outputs[0].trim()).unwrap();
    assert!(case.evidence.unwrap().text.ends_with("(profile USER1)"));
    // Forum exports end with the link.
    assert!(outputs[1].trim_end().ends_with(')') && outputs[1].contains("#c=1."));
    assert!(outputs[2].trim_end().ends_with("[/url]") && outputs[2].contains("#c=1."));
}

#[test]
fn no_redact_keeps_the_words() {
    let f = input("keep.log");
    let f = f.to_str().unwrap();
    for args in [
        vec!["diagnose", "--format", "markdown", "--no-redact", f],
        vec!["diagnose", "--format", "bbcode", "--no-redact", f],
    ] {
        assert!(run(&args).contains("zoltanq"), "{args:?}");
    }
    let link = run(&["share", "--no-redact", f]);
    let case = share::decode(link.trim()).unwrap();
    assert!(case.evidence.unwrap().text.contains("zoltanq"));
    // Plain text and JSON are for the person: never redacted.
    assert!(run(&["diagnose", "--format", "text", f]).contains("zoltanq"));
    assert!(run(&["diagnose", "--format", "json", f]).contains("zoltanq"));
}
