//! The command line, run as a program: exit codes and what `explain` prints.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_setup-triage"))
        .args(args)
        .output()
        .expect("the setup-triage binary runs")
}

/// `setup-triage diagnose --format json -` with `input` on standard input (written from a thread of its own,
/// so that a large input cannot fill the pipe while the program waits to write its output).
fn diagnose_stdin(input: Vec<u8>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_setup-triage"))
        .args(["diagnose", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("finishes");
    writer.join().expect("the writer").expect("writes stdin");
    out
}

/// `setup-triage explain CODE` exits 0 and prints every line in `expected`.
#[track_caller]
fn check_explain(code: &str, expected: &[&str]) {
    let out = run(&["explain", code]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "explain {code}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in expected {
        assert!(
            stdout.contains(want),
            "explain {code}: missing {want:?} in\n{stdout}"
        );
    }
}

/// `setup-triage ARGS` exits 2 with a one-line message on standard error.
#[track_caller]
fn check_fails(args: &[&str], message_part: &str) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {stderr}"
    );
    assert!(stderr.contains(message_part), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
}

#[test]
fn explain_short_hex_is_1603_and_its_hresult() {
    check_explain(
        "0x643",
        &[
            "1603  (Win32 / Windows Installer return code)",
            "name:     ERROR_INSTALL_FAILURE",
            "related:  0x80070643",
            "0x80070643  (HRESULT)",
            "wraps:    Win32 code 1603",
            "source:   Windows Installer error codes (learn.microsoft.com)",
        ],
    );
}

#[test]
fn explain_every_form_of_1603() {
    for form in [
        "1603",
        "80070643",
        "0x80070643",
        "0X80070643",
        "-2147023293",
        "0x00000643",
    ] {
        check_explain(
            form,
            &[
                "0x80070643  (HRESULT)",
                "1603  (Win32 / Windows Installer return code)",
                "ERROR_INSTALL_FAILURE",
                "facility: 7 FACILITY_WIN32",
            ],
        );
    }
}

#[test]
fn explain_message_number() {
    check_explain(
        "Error 1935",
        &[
            "1935  (Windows Installer message number)",
            "assembly install error",
            "Windows Installer error messages (learn.microsoft.com)",
            // The other reading, marked as such.
            "can also be read as a Win32 code",
            "ERROR_AUTHENTICATION_FIREWALL_FAILED",
        ],
    );
}

#[test]
fn explain_1722_shows_both_readings() {
    check_explain(
        "1722",
        &[
            "RPC_S_SERVER_UNAVAILABLE",
            "can also be read as a Windows Installer message number",
            "1722  (Windows Installer message number)",
            "custom action program failed",
        ],
    );
    // A hex form is unambiguous: no message reading.
    let out = run(&["explain", "0x6ba"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("message number"));
}

#[test]
fn explain_cbs_code() {
    check_explain(
        "0x800f081f",
        &[
            "0x800f081f  (HRESULT)",
            "CBS_E_SOURCE_MISSING",
            "facility: 15 FACILITY_SETUPAPI",
            "DISM",
        ],
    );
}

#[test]
fn explain_success_codes() {
    check_explain(
        "3010",
        &["ERROR_SUCCESS_REBOOT_REQUIRED", "result:   success"],
    );
    check_explain(
        "0x80242014",
        &["WU_E_UH_POSTREBOOTSTILLPENDING", "result:   success"],
    );
}

#[test]
fn explain_unknown_code_decodes_the_facility() {
    check_explain(
        "0x8024ffee",
        &[
            "0x8024ffee  (HRESULT)",
            "meaning:  not in the table",
            "fields:   failure, facility 36, code 0xffee",
            "facility: 36 FACILITY_WINDOWSUPDATE",
        ],
    );
    check_explain(
        "0x80079999",
        &["not in the table", "wraps:    Win32 code 39321"],
    );
}

#[test]
fn explain_garbage_exits_2() {
    check_fails(&["explain", "hello"], "not an error code");
    check_fails(&["explain", "0x123456789"], "not an error code");
    check_fails(&["explain"], "explain needs a CODE");
    check_fails(&["explain", "--bogus"], "try --help");
}

#[test]
fn bad_usage_exits_2() {
    check_fails(&[], "missing command");
    check_fails(&["frobnicate"], "unknown command");
    check_fails(&["diagnose"], "at least one FILE");
    check_fails(&["diagnose", "/nonexistent/setup.log"], "cannot read");
}

#[test]
fn diagnose_json_keeps_both_forms_of_the_code() {
    let out = diagnose_stdin(
        b"Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643\n"
            .to_vec(),
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let codes: Vec<&str> = v["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        codes.contains(&"0x80070643") && codes.contains(&"1603"),
        "{codes:?}"
    );
}

/// A log large enough to be read through memory-map windows (crate/bin/cli.rs, `each_piece`) gives the same
/// diagnosis as the same bytes read from standard input, piece by piece.
#[test]
fn a_large_file_reads_as_its_bytes_on_stdin() {
    let fixture = include_str!("fixtures/msi-1935.log");
    let (first, rest) = fixture.split_once('\n').expect("lines");
    let mut text = format!("{first}\n");
    // About 11 MB in UTF-16: more than one window, with windows ending mid-line.
    for i in 0..60_000 {
        text.push_str(&format!(
            "MSI (s) (84:F4) [13:00:03:125]: Component: Comp{i:06}; Installed: Absent;   Request: Local;   Action: Local\n"
        ));
    }
    text.push_str(rest);
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let path = std::env::temp_dir().join(format!("setup-triage-large-{}.log", std::process::id()));
    std::fs::write(&path, &bytes).expect("writes the log");
    let path_text = path.to_str().expect("a UTF-8 temp path");
    let from_file = run(&["diagnose", "--format", "json", path_text]);
    let _ = std::fs::remove_file(&path);
    let from_stdin = diagnose_stdin(bytes);
    assert_eq!(from_file.status.code(), Some(0));
    let from_file = String::from_utf8_lossy(&from_file.stdout).replace(path_text, "stdin");
    let from_stdin = String::from_utf8_lossy(&from_stdin.stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&from_stdin).expect("JSON");
    assert!(
        v["files"][0]["bytes"].as_u64() > Some(10 << 20),
        "{}",
        v["files"]
    );
    assert!(from_stdin.contains("1935"), "the fixture's cause is found");
    assert_eq!(from_file, from_stdin);
}

/// `setup-triage kb review` lists every step with its commands' shells and its sources with their kind: the
/// WinRE resize shows its diskpart script apart from the commands, and its Microsoft source with its address.
#[test]
fn kb_review_lists_steps_with_shells_and_sources() {
    let out = run(&["kb", "review"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let start = stdout
        .find("== winre-resize: ")
        .expect("the review lists winre-resize");
    let end = stdout[start..]
        .find("\n\n")
        .map_or(stdout.len(), |e| start + e);
    let step = &stdout[start..end];
    for want in [
        "[Can cost data or time]",
        "in guides: winre-partition",
        "> [Command Prompt, as administrator] reagentc /disable",
        "script [diskpart, as administrator], shown, never one copy:",
        "   | select disk N",
        "[Microsoft] KB5028997: ",
        "https://support.microsoft.com/",
    ] {
        assert!(step.contains(want), "missing {want:?} in\n{step}");
    }
    // A variant is listed with its condition, and a source that names retired tools says which.
    assert!(
        stdout.contains("variant \"On Windows XP and Server 2003\" when windows_family = xp-era:")
    );
    assert!(
        stdout.contains("retired tools: Fix it 50123"),
        "KB971187's retired Fix it is listed"
    );
    check_fails(&["kb"], "missing kb command");
    check_fails(&["kb", "nonsense"], "unknown kb command");
}

/// The JSON contract keeps `commands` (strings to copy) and adds, one for one, where each runs; a diskpart
/// sequence comes as `script`, outside `commands`; each source link carries its kind.
#[test]
fn json_steps_say_where_commands_run() {
    let out = diagnose_stdin(
        b"2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441) - Error 0x80070643"
            .to_vec(),
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let steps = json["guide"]["steps"].as_array().expect("steps");
    let resize = steps
        .iter()
        .find(|s| s["id"] == "winre-resize")
        .expect("the resize step");
    let commands = resize["commands"].as_array().expect("commands");
    let details = resize["command_details"]
        .as_array()
        .expect("command_details");
    assert_eq!(commands.len(), details.len());
    for (c, d) in commands.iter().zip(details) {
        assert_eq!(c, &d["run"]);
        assert_eq!(d["shell"], "cmd");
        assert_eq!(d["admin"], true);
    }
    assert_eq!(resize["script"]["shell"], "diskpart");
    assert!(
        resize["script"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("select disk N"))
    );
    assert!(
        !commands
            .iter()
            .any(|c| c.as_str().is_some_and(|c| c.starts_with("shrink")))
    );
    assert_eq!(resize["source_links"][0]["kind"], "microsoft");
}

// ---- diagnose --each: a folder of cases ----

/// A folder of cases made for a test: two files, a machine's subfolder, and an unreadable file among them.
fn each_folder(tag: &str, extra_cases: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("setup-triage-each-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b-machine")).expect("creates the folder");
    std::fs::write(dir.join("a.txt"), "Installer failed with exit code: 1618\n").expect("writes");
    std::fs::write(
        dir.join("b-machine").join("MSI1.LOG"),
        "MSI (s) (60:70) [20:34:50:311]: Product: Contoso -- Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.\n",
    )
    .expect("writes");
    std::fs::write(dir.join("b-machine").join("notes.txt"), "nothing to see\n").expect("writes");
    for i in 0..extra_cases {
        std::fs::write(dir.join(format!("d{i:05}.txt")), "Error 0x80070643\n").expect("writes");
    }
    dir
}

#[test]
fn each_writes_one_json_line_per_case_in_order() {
    let dir = each_folder("lines", 0);
    // A path that cannot be read sits between the folder's cases; the run goes on past it.
    let missing = dir.join("c-missing.log");
    let out = run(&[
        "diagnose",
        "--each",
        dir.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is a JSON object"))
        .collect();
    let cases: Vec<&str> = lines.iter().map(|l| l["case"].as_str().unwrap()).collect();
    assert_eq!(cases.len(), 3, "{cases:?}");
    assert!(
        cases[0].ends_with("a.txt")
            && cases[1].ends_with("b-machine")
            && cases[2].ends_with("c-missing.log")
    );
    assert_eq!(lines[0]["facts"]["cause"], "another-install");
    // The machine's two files are one case, and the log among them gives its cause.
    assert_eq!(lines[1]["facts"]["cause"], "needs-admin");
    assert_eq!(lines[1]["files"].as_array().map(Vec::len), Some(2));
    assert!(
        lines[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot read")),
        "{}",
        lines[2]
    );
    assert!(lines[2].get("verdict").is_none());
    // The table of causes goes to standard error, never into the JSON Lines.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 of 3 cases diagnosed"), "{stderr}");
    assert!(
        stderr.contains("needs-admin") && stderr.contains("(unreadable)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ctrl-C (SIGINT) stops a run between two lines: what was written is whole lines of JSON.
#[cfg(unix)]
#[test]
fn each_interrupted_leaves_no_partial_line() {
    use std::io::Read;
    let dir = each_folder("interrupt", 8000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_setup-triage"))
        .args(["diagnose", "--each", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdout = child.stdout.take().expect("stdout");
    // Wait for the first line, then interrupt.
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("a first byte");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).expect("reads the rest");
    let exit = child.wait().expect("ends");
    let mut all = first.to_vec();
    all.extend(rest);
    let text = String::from_utf8(all).expect("UTF-8");
    assert!(text.ends_with('\n'), "the output ends with a whole line");
    let n = text.lines().count();
    for l in text.lines() {
        serde_json::from_str::<serde_json::Value>(l).expect("every line is whole JSON");
    }
    // It stopped early, said so, and did not claim success.
    assert!(n < 8002, "{n} lines: the run was not interrupted");
    assert_ne!(exit.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- kb check and kb show: a writer's checks without cargo ----

#[test]
fn kb_check_passes_the_built_in_knowledge_base_and_names_a_writers_mistake() {
    let out = run(&["kb", "check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no problems"));

    // A copy of the knowledge base, as a writer edits it, with a step citing a source that does not exist.
    let kb_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crate/kb/data");
    let dir = std::env::temp_dir().join(format!("setup-triage-kbcheck-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates the folder");
    for e in std::fs::read_dir(&kb_dir).expect("the kb folder").flatten() {
        let text = std::fs::read_to_string(e.path()).expect("reads");
        let text = if e.file_name() == "programs.toml" {
            text.replacen(
                "sources = [\"msi-error-codes\", \"system-error-codes-1000\"]",
                "sources = [\"no-such-source\"]",
                1,
            )
        } else if e.file_name() == "codes.toml" {
            // A Windows Update code naming a cause misspelt.
            text.replacen("cause = \"wu-busy\"", "cause = \"wu-bussy\"", 1)
        } else {
            text
        };
        std::fs::write(dir.join(e.file_name()), text).expect("writes");
    }
    let out = run(&["kb", "check", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("cites unknown source 'no-such-source'"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "update_cause 0x80240009 names the cause 'wu-bussy', which no [[cause]] defines and no node on the cause routes"
        ),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kb_show_prints_the_guide_a_cause_leads_to() {
    let out = run(&["kb", "show", "cancelled"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("guide cancelled:"), "{stdout}");
    assert!(
        stdout.contains("1. Run the installation again and let it finish"),
        "{stdout}"
    );
    check_fails(&["kb", "show", "no-such-cause"], "no cause 'no-such-cause'");
}

/// Issue 17, 3: `diagnose` in text format (the default) never writes the log's control characters to the
/// terminal: clear-screen, window title, OSC 8 hyperlinks, BEL, CR and backspace are shown as `^[`, `^G`…
#[test]
fn text_output_never_writes_control_characters_to_the_terminal() {
    let dir = std::env::temp_dir().join(format!("setup-triage-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("e.log");
    std::fs::write(
        &log,
        b"Error 0x80070643 \x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x07CLICK\x1b]8;;\x07 x\x08\r\n",
    )
    .expect("write");
    let out = run(&["diagnose", log.to_str().expect("utf-8 path")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !stdout
            .bytes()
            .any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f),
        "{stdout:?}"
    );
    assert!(
        stdout.contains(
            "Error 0x80070643 ^[[2J^[]0;pwned^G^[]8;;http://evil.example/^GCLICK^[]8;;^G x^H"
        ),
        "{stdout}"
    );
}
