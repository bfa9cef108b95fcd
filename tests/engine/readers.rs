//! The format readers on fixtures of our own (tests/fixtures/<format>/), modelled on real logs: one check per
//! format and per decoy, and snapshots of the diagnoses' compact summaries.

use setup_triage::model::facts::Fact;
use setup_triage::{Answers, Diagnoser, Diagnosis, Verdict};

pub(super) fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("fixture {full}: {e}"))
}

/// UTF-16LE with a BOM and CR LF line ends, as Windows Installer writes its logs.
pub(super) fn utf16le(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// Diagnoses files given as (name, bytes), each fed in small chunks.
fn diagnose(files: &[(&str, Vec<u8>)]) -> Diagnosis {
    let mut d = Diagnoser::new();
    for (name, bytes) in files {
        d.begin(name);
        for chunk in bytes.chunks(777) {
            d.feed(chunk);
        }
        d.end();
    }
    d.finish(&Answers::new())
}

/// What a diagnosis should say.
struct Expect<'a> {
    format: &'a str,
    verdict: Verdict,
    /// The root cause's line, or `None` for no root cause.
    line: Option<u64>,
    /// The root cause's cause id.
    cause: Option<&'a str>,
}

fn check(name: &str, input: Vec<u8>, expected: Expect<'_>) -> Diagnosis {
    let d = diagnose(&[(name, input)]);
    let got_format = d.files.first().map(|f| f.format.as_str()).unwrap_or("");
    assert_eq!(got_format, expected.format, "{name}: format");
    assert_eq!(d.verdict, expected.verdict, "{name}: verdict");
    let root = d.root_cause.as_ref();
    assert_eq!(
        root.map(|r| r.line),
        expected.line,
        "{name}: root line; root = {root:#?}"
    );
    if expected.cause.is_some() {
        assert_eq!(
            root.and_then(|r| r.cause.as_deref()),
            expected.cause,
            "{name}: cause"
        );
    }
    d
}

/// A detail of the root cause, by its label.
pub(super) fn detail<'a>(d: &'a Diagnosis, label: &str) -> Option<&'a str> {
    d.root_cause
        .as_ref()?
        .details
        .iter()
        .find(|x| x.label == label)
        .map(|x| x.value.as_str())
}

/// A compact summary for snapshots: verdict, root cause, codes, facts, guide id (not the guide's text).
fn summary(d: &Diagnosis) -> String {
    let mut s = format!("verdict: {:?}\n", d.verdict);
    match &d.root_cause {
        Some(r) => {
            s += &format!("root: {}:{}: {}\n", r.file, r.line, r.text);
            s += &format!("role: {:?}, cause: {:?}\n", r.role, r.cause);
            for x in &r.details {
                s += &format!("  {}: {}\n", x.label, x.value);
            }
        }
        None => s += "root: none\n",
    }
    s += &format!("codes: {:?}\n", d.codes);
    for (k, v) in d.facts.iter() {
        s += &format!("fact {k} = {v}\n");
    }
    s += &format!("guide: {}\n", d.guide.id);
    for f in &d.files {
        s += &format!(
            "file {} [{} {}] {:?}\n",
            f.name, f.format, f.encoding, f.verdict
        );
    }
    s
}

#[test]
fn msi_verbose_root_passes_over_decoys() {
    let d = check(
        "verbose.log",
        fixture("msi/verbose_1935_decoys.log"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(20),
            cause: None,
        },
    );
    assert_eq!(detail(&d, "action"), Some("InstallFinalize"));
    assert_eq!(detail(&d, "product"), Some("Contoso Widgets 2.1"));
    assert_eq!(d.facts.get(Fact::Windows), Some("7"));
    assert_eq!(d.facts.get(Fact::WindowsBuild), Some("7601"));
    assert_eq!(d.codes.first().map(String::as_str), Some("1935"));
    insta::assert_snapshot!("msi_verbose_1935", summary(&d));
}

#[test]
fn msi_utf16_reads_like_utf8() {
    let d = check(
        "verbose16.log",
        utf16le(&fixture("msi/verbose_1935_decoys.log")),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(20),
            cause: None,
        },
    );
    assert_eq!(d.files[0].encoding, "utf-16le");
}

#[test]
fn msi_non_verbose_has_no_cause() {
    let d = check(
        "nonverbose.log",
        utf16le(&fixture("msi/nonverbose_tail.log")),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(4),
            cause: Some("no-cause-in-log"),
        },
    );
    assert!(
        d.notes.iter().any(|n| n.message.contains("/l*v")),
        "{:?}",
        d.notes
    );
    insta::assert_snapshot!("msi_nonverbose", summary(&d));
}

#[test]
fn msi_localised_return_value() {
    let d = check(
        "zh.log",
        fixture("msi/chinese_return_value.log"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(5),
            cause: None,
        },
    );
    assert_eq!(d.facts.get(Fact::Action), Some("InstallFinalize"));
    assert_eq!(d.facts.get(Fact::CustomAction), Some("RegisterDriver"));
}

#[test]
fn msi_custom_action_host_output() {
    let d = check(
        "wix.log",
        fixture("msi/wixquietexec.log"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(10),
            cause: None,
        },
    );
    assert!(d.codes.contains(&"0x800700d8".to_string()), "{:?}", d.codes);
    // VersionNT 603 / WindowsBuild 9600 is what Windows Installer says on 8.1, 10 and 11 alike.
    assert_eq!(d.facts.get(Fact::Windows), Some("11"));
    assert_eq!(d.facts.get(Fact::WindowsBuild), Some("22631"));
    assert_eq!(detail(&d, "action"), Some("InstallPlugin"));
    assert_eq!(d.facts.get(Fact::CustomAction), Some("InstallPlugin"));
}

#[test]
fn msi_missing_local_patch_is_patch_registration() {
    let d = check(
        "patch.log",
        fixture("msi/patch_1612.log"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(3),
            cause: Some("patch-registration"),
        },
    );
    assert_eq!(d.facts.get(Fact::Cause), Some("patch-registration"));
    insta::assert_snapshot!("msi_patch_1612", summary(&d));
}

#[test]
fn msi_nested_uninstall_of_old_version() {
    check(
        "upgrade.log",
        fixture("msi/nested_upgrade.log"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(8),
            cause: None,
        },
    );
}

#[test]
fn msi_success_with_decoys_is_success() {
    check(
        "ok.log",
        utf16le(&fixture("msi/success_with_decoys.log")),
        Expect {
            format: "msi",
            verdict: Verdict::Succeeded,
            line: None,
            cause: None,
        },
    );
}

#[test]
fn dotnet_35_points_to_component_log() {
    let d = check(
        "dd_dotnetfx35install.txt",
        utf16le(&fixture("dotnet/dd_dotnetfx35install.txt")),
        Expect {
            format: "dotnet",
            verdict: Verdict::Failed,
            line: Some(7),
            cause: Some("no-cause-in-log"),
        },
    );
    assert_eq!(
        d.facts.get(Fact::LogPath),
        Some(r"C:\Users\alice\AppData\Local\Temp\dd_NET_Framework20_Setup1234.txt")
    );
    assert!(detail(&d, "component log").is_some());
}

#[test]
fn dotnet_4_installmessage_error() {
    let d = check(
        "netfx4.log",
        fixture("dotnet/netfx4_1935.log"),
        Expect {
            format: "dotnet",
            verdict: Verdict::Failed,
            line: Some(5),
            cause: None,
        },
    );
    assert_eq!(d.codes.first().map(String::as_str), Some("1935"));
    insta::assert_snapshot!("dotnet_4_1935", summary(&d));
}

#[test]
fn dotnet_prerequisite_check_fails() {
    check(
        "install.log",
        fixture("dotnet/bootstrapper_prereq_fail.log"),
        Expect {
            format: "dotnet",
            verdict: Verdict::Failed,
            line: Some(3),
            cause: Some("prerequisite-not-met"),
        },
    );
}

#[test]
fn dotnet_exit_code_5100() {
    check(
        "choco.log",
        fixture("dotnet/choco_exit_5100.log"),
        Expect {
            format: "dotnet",
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("prerequisite-not-met"),
        },
    );
}

#[test]
fn dotnet_setup_and_its_msi_log_chain() {
    let d = diagnose(&[
        (
            "dd_dotnetfx35install.txt",
            utf16le(&fixture("dotnet/dd_dotnetfx35install.txt")),
        ),
        (
            "dd_NET_Framework20_Setup1234.txt",
            utf16le(&fixture("dotnet/dd_NET_Framework20_Setup1234.txt")),
        ),
    ]);
    assert_eq!(d.verdict, Verdict::Failed);
    let root = d.root_cause.as_ref().expect("a root cause");
    assert_eq!(
        (root.file.as_str(), root.line),
        ("dd_NET_Framework20_Setup1234.txt", 6)
    );
    assert_eq!(detail(&d, "explains"), Some("dd_dotnetfx35install.txt:7"));
    let setup = d
        .findings
        .iter()
        .find(|f| f.file == "dd_dotnetfx35install.txt" && f.line == 7)
        .expect("the setup log's failure");
    assert!(
        setup
            .details
            .iter()
            .any(|x| x.label == "explained by" && x.value == "dd_NET_Framework20_Setup1234.txt:6"),
        "{:?}",
        setup.details
    );
    insta::assert_snapshot!("dotnet_chain", summary(&d));
}

#[test]
fn burn_first_error_of_cascade() {
    let d = check(
        "bundle.log",
        fixture("burn/cascade_certchain.log"),
        Expect {
            format: "burn",
            verdict: Verdict::Failed,
            line: Some(4),
            cause: Some("burn-payload-certificate"),
        },
    );
    assert_eq!(d.facts.get(Fact::Windows), Some("10"));
    assert_eq!(
        d.facts.get(Fact::ProductName),
        Some("Adventure Works Suite")
    );
    // Downloading the file again cannot help with a key the bundle does not expect: its own guide.
    assert_eq!(d.guide.id, "burn-certificate");
    insta::assert_snapshot!("burn_certchain", summary(&d));
}

#[test]
fn burn_hash_mismatch_is_a_damaged_download() {
    let d = check(
        "bundle.log",
        fixture("burn/hash_mismatch.log"),
        Expect {
            format: "burn",
            verdict: Verdict::Failed,
            line: Some(4),
            cause: Some("burn-payload-signature"),
        },
    );
    // A file that is not what the bundle expects byte for byte was damaged on the way: download it again.
    assert_eq!(d.guide.id, "burn-payload");
    assert_eq!(d.guide.steps[0].id, "burn-redownload");
}

#[test]
fn burn_package_failure_points_to_package_log() {
    let d = check(
        "bundle.log",
        fixture("burn/package_0x643.log"),
        Expect {
            format: "burn",
            verdict: Verdict::Failed,
            line: Some(10),
            cause: Some("no-cause-in-log"),
        },
    );
    assert_eq!(detail(&d, "package"), Some("WingtipCore"));
    assert!(detail(&d, "package log").is_some_and(|p| p.ends_with("_001_WingtipCore.log")));
    assert_eq!(d.facts.get(Fact::Windows), Some("7"));
}

#[test]
fn burn_warning_is_not_failure() {
    check(
        "bundle.log",
        fixture("burn/success_decoy_warning.log"),
        Expect {
            format: "burn",
            verdict: Verdict::Succeeded,
            line: None,
            cause: None,
        },
    );
}

#[test]
fn burn_truncated_and_leading_space_prefixes() {
    let text = "FB24:F184][2017-06-20T18:43:05]e054: Failed to resolve source for file: C:\\x\\setup.exe, error: 0x80070642.\n [FB24:F184][2017-06-20T18:43:05]e000: Error 0x80070642: Failed while prompting for source.\n";
    check(
        "paste",
        text.as_bytes().to_vec(),
        Expect {
            format: "burn",
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("burn-payload-missing"),
        },
    );
}

#[test]
fn burn_apply_result_alone() {
    check(
        "paste",
        b"[3458:1F54][2025-05-25T22:19:30]i399: Apply complete, result: 0x80070643, restart: None, ba requested restart:  No".to_vec(),
        Expect { format: "burn", verdict: Verdict::Failed, line: Some(1), cause: Some("no-cause-in-log") },
    );
}

#[test]
fn pasted_quoted_time_prefixed_msi_snippet() {
    let d = check(
        "paste",
        fixture("text/quoted_time_prefixed_msi.txt"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(4),
            cause: None,
        },
    );
    assert_eq!(d.facts.get(Fact::CustomAction), Some("CheckRuntime"));
}

#[test]
fn pasted_flattened_log_is_split() {
    let d = check(
        "paste",
        fixture("text/flattened_wixquietexec.txt"),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(2),
            cause: None,
        },
    );
    let root = d.root_cause.expect("root");
    assert!(
        root.text.starts_with("WixQuietExec:  Error 0x80070005"),
        "{}",
        root.text
    );
}

#[test]
fn pasted_numbered_burn_in_fences() {
    check(
        "paste.md",
        fixture("text/numbered_burn_fenced.md"),
        Expect {
            format: "burn",
            verdict: Verdict::Failed,
            line: Some(5),
            cause: Some("another-install"),
        },
    );
}

#[test]
fn pasted_json_escaped() {
    let d = check(
        "paste",
        fixture("text/json_escaped_dism.txt"),
        Expect {
            format: "text",
            verdict: Verdict::Failed,
            line: Some(1),
            cause: None,
        },
    );
    assert!(d.codes.contains(&"0x800f0906".to_string()), "{:?}", d.codes);
    assert!(
        d.root_cause
            .expect("root")
            .text
            .starts_with("Error: 0x800f0906")
    );
}

#[test]
fn pasted_dialog_without_number() {
    let d = check(
        "paste",
        fixture("text/dialog_1935_unnumbered.txt"),
        Expect {
            format: "text",
            verdict: Verdict::Failed,
            line: Some(3),
            cause: None,
        },
    );
    assert_eq!(d.codes.first().map(String::as_str), Some("1935"));
    let d = check(
        "paste",
        fixture("text/another_install.txt"),
        Expect {
            format: "text",
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("another-install"),
        },
    );
    assert_eq!(d.codes.first().map(String::as_str), Some("1500"));
}

#[test]
fn pasted_event_text_has_no_cause() {
    let d = check(
        "event.txt",
        fixture("text/eventlog_11708.txt"),
        Expect {
            // An Event Viewer export has its own reader (formats/event.rs).
            format: "event",
            verdict: Verdict::Failed,
            line: Some(5),
            cause: Some("no-cause-in-log"),
        },
    );
    insta::assert_snapshot!("text_event_11708", summary(&d));
}

#[test]
fn garbage_never_panics() {
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(20_000).collect();
    bytes.extend_from_slice(
        "> 1: [1:2][x]e000: \\\\ \\\" MSI (s) (1:2) [ 操作结束 0: x。返回值 3。\n"
            .repeat(50)
            .as_bytes(),
    );
    let _ = diagnose(&[("junk", bytes)]);
}

#[test]
fn pasted_hard_wrap_splitting_a_code() {
    // One sentence hard-wrapped at 80 columns, the cut falling inside 0x80070643.
    let sentence = "Security Update for Microsoft .NET Framework 4.8 (KB5011111) failed, error:: 0x80070643 on Windows 10, again after a restart.";
    let wrapped: Vec<String> = sentence
        .as_bytes()
        .chunks(80)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    assert!(wrapped[0].ends_with(" 0x8"), "{wrapped:?}");
    let text = format!("My history says:\n{}\n", wrapped.join("\n"));
    let d = check(
        "paste",
        text.into_bytes(),
        Expect {
            format: "text",
            verdict: Verdict::Failed,
            line: Some(2),
            cause: None,
        },
    );
    assert!(d.codes.contains(&"0x80070643".to_string()), "{:?}", d.codes);
    assert_eq!(d.facts.get(Fact::Kb), Some("KB5011111"));
}

#[test]
fn msi_managed_custom_action_exception() {
    let text = "=== Verbose logging started: 5/2/2022  9:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===
Action start 9:00:01: ConfigureService.
SFXCA: Extracting custom action to temporary directory: C:\\Windows\\Installer\\MSI1.tmp-\\
SFXCA: Binding to CLR version v4.0.30319
Calling custom action Contoso.Actions!Contoso.Actions.Service.Configure
Exception thrown by custom action:
System.Reflection.TargetInvocationException: Exception has been thrown by the target of an invocation. ---> System.UnauthorizedAccessException: Access to the path 'C:\\ProgramData\\Contoso\\service.json' is denied.
CustomAction ConfigureService returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)
Action ended 9:00:02: ConfigureService. Return value 3.
";
    let d = check(
        "managed.log",
        text.as_bytes().to_vec(),
        Expect {
            format: "msi",
            verdict: Verdict::Failed,
            line: Some(6),
            cause: None,
        },
    );
    assert_eq!(d.facts.get(Fact::CustomAction), Some("ConfigureService"));
}

#[test]
fn burn_bundle_and_its_package_log_chain() {
    let d = diagnose(&[
        ("Wingtip_Toys_20240310172619.log", fixture("burn/package_0x643.log")),
        ("logs.zip/Wingtip_Toys_20240310172619_001_WingtipCore.log", utf16le(&fixture("msi/wixquietexec.log"))),
        ("wu.txt", b"Installation Failure: Windows failed to install the following update with error 0x80070643: Wingtip Toys.".to_vec()),
    ]);
    let root = d.root_cause.as_ref().expect("a root cause");
    assert_eq!(
        root.file,
        "logs.zip/Wingtip_Toys_20240310172619_001_WingtipCore.log"
    );
    assert_eq!(root.line, 10);
    let explains: Vec<&str> = root
        .details
        .iter()
        .filter(|x| x.label == "explains")
        .map(|x| x.value.as_str())
        .collect();
    assert_eq!(explains, ["Wingtip_Toys_20240310172619.log:10", "wu.txt:1"]);
    insta::assert_snapshot!("burn_chain", summary(&d));
}

#[test]
fn dotnet_old_hotfix_log() {
    let d = check(
        "KB958481.log",
        fixture("dotnet/hotfix_update_exe.log"),
        Expect {
            format: "dotnet",
            verdict: Verdict::Failed,
            line: Some(6),
            cause: None,
        },
    );
    assert!(
        d.codes.contains(&"0x80070005".to_string()) || d.codes.contains(&"5".to_string()),
        "{:?}",
        d.codes
    );
}

#[test]
fn dialog_1618_already_in_progress() {
    check(
        "paste",
        b"Another installation is already in progress. Complete that installation before proceeding with this install.".to_vec(),
        Expect { format: "text", verdict: Verdict::Failed, line: Some(1), cause: Some("another-install") },
    );
}

/// The same diagnosis whatever the chunk size: every fixture fed whole, in 1-byte and in 4 KB chunks.
#[test]
fn chunking_does_not_change_the_diagnosis() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for format in ["msi", "dotnet", "burn", "text"] {
        let Ok(entries) = std::fs::read_dir(format!("{dir}/{format}")) else {
            continue;
        };
        for e in entries.flatten() {
            let bytes = std::fs::read(e.path()).expect("fixture");
            let bytes = if format == "msi" {
                utf16le(&bytes)
            } else {
                bytes
            };
            let run = |size: usize| {
                let mut d = Diagnoser::new();
                d.begin("f");
                for c in bytes.chunks(size) {
                    d.feed(c);
                }
                serde_json::to_string(&d.finish(&Answers::new())).expect("json")
            };
            let whole = run(bytes.len().max(1));
            assert_eq!(whole, run(1), "{:?} in 1-byte chunks", e.path());
            assert_eq!(whole, run(4096), "{:?} in 4 KB chunks", e.path());
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} fixtures");
}

#[test]
fn msi_return_value_in_other_languages() {
    for ended in [
        "Aktion beendet 12:00:09: InstallFinalize. Rückgabewert 3.",
        "Действие завершено 12:00:09: InstallFinalize. Возвращенное значение 3.",
        "Action terminée 12:00:09 : InstallFinalize. Valeur de retour 3.",
    ] {
        let text = format!(
            "=== Verbose logging started: 2.3.2021  12:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===
MSI (s) (10:20) [12:00:01:000]: Doing action: InstallFinalize
MSI (s) (10:20) [12:00:08:000]: Product: Contoso -- Error 1920. Service 'Contoso Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services.
{ended}
MSI (s) (10:20) [12:00:10:000]: MainEngineThread is returning 1603
"
        );
        let d = check(
            ended,
            utf16le(text.as_bytes()),
            Expect {
                format: "msi",
                verdict: Verdict::Failed,
                line: Some(3),
                cause: None,
            },
        );
        assert_eq!(
            d.facts.get(Fact::Action),
            Some("InstallFinalize"),
            "{ended}"
        );
    }
}

#[test]
fn burn_translated_exit_code_is_success() {
    // A newer version already installed (0x666) is translated to success; only the bundle's result counts.
    let text = "[0C70:06C8][2024-01-05T10:00:01]i301: Applying execute package: vcredist_x64, action: Install, path: C:\\ProgramData\\Package Cache\\vc_redist.x64.exe, arguments: '/q'
[0C70:06C8][2024-01-05T10:00:05]e000: Error 0x80070666: Process returned error: 0x666
[0C70:06C8][2024-01-05T10:00:05]i366: The exit code for package vcredist_x64 was translated: 0x666 to Success
[0C70:06C8][2024-01-05T10:00:05]i319: Applied execute package: vcredist_x64, result: 0x0, restart: None
[0C70:06C8][2024-01-05T10:00:06]i399: Apply complete, result: 0x0, restart: None, ba requested restart:  No
[0C70:06C8][2024-01-05T10:00:06]i007: Exit code: 0x0, restarting: No
";
    check(
        "bundle.log",
        text.as_bytes().to_vec(),
        Expect {
            format: "burn",
            verdict: Verdict::Succeeded,
            line: None,
            cause: None,
        },
    );
}
