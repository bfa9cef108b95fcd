//! Outcomes any setup can meet and the evidence that names them, on inputs of our own modelled on real logs:
//! a cancelled installation, a version already installed, an app package, a refused certificate, a file in
//! use, a bundle's lost helper process, a WSUS server's self-update, and the snippets people paste that hold
//! one line of evidence. One `check` per input: the verdict, the root cause's line, its cause and the guide.

use setup_triage::{Answers, Diagnoser, Diagnosis, Verdict};

use super::readers::{fixture, utf16le};
use setup_triage::model::facts::Fact;

/// A success: no root cause, the `succeeded` cause and its guide.
const SUCCEEDED: Expect<'static> = Expect {
    verdict: Verdict::Succeeded,
    line: None,
    cause: Some("succeeded"),
    guide: "succeeded",
};

/// What a diagnosis should say: verdict, root-cause line, the `cause` fact and the guide's id.
struct Expect<'a> {
    verdict: Verdict,
    line: Option<u64>,
    /// The `cause` fact, `None` when nothing names one.
    cause: Option<&'a str>,
    guide: &'a str,
}

fn check(name: &str, input: &[u8], expected: Expect<'_>) -> Diagnosis {
    let mut d = Diagnoser::new();
    d.begin(name);
    for chunk in input.chunks(97) {
        d.feed(chunk);
    }
    d.end();
    let d = d.finish(&Answers::new());
    assert_eq!(d.verdict, expected.verdict, "{name}: verdict");
    assert_eq!(
        d.root_cause.as_ref().map(|r| r.line),
        expected.line,
        "{name}: root line; root = {:#?}",
        d.root_cause
    );
    assert_eq!(d.facts.get(Fact::Cause), expected.cause, "{name}: cause");
    assert_eq!(d.guide.id, expected.guide, "{name}: guide");
    d
}

const MSI_CANCELLED: &str = "=== Verbose logging started: 4/17/2024  19:29:30  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===
MSI (c) (60:04) [19:29:30:100]: Doing action: CostFinalize
Action start 19:29:30: CostFinalize.
CustomAction ProbeOldVersion returned actual error code 1 (note this may not be 100% accurate if translation happened inside sandbox)
Action ended 19:29:31: CostFinalize. Return value 1.
MSI (c) (60:04) [19:29:31:200]: Doing action: WelcomeDlg
Action start 19:29:31: WelcomeDlg.
Action 19:29:43: CancelDlg. Dialog created
Action ended 19:29:46: WelcomeDlg. Return value 2.
MSI (c) (60:98) [19:29:46:475]: Doing action: UserExit
Action start 19:29:46: UserExit.
Action ended 19:29:47: UserExit. Return value 2.
MSI (c) (60:98) [19:29:47:855]: Product: Contoso Notes 3.2 -- Installation failed.
MSI (c) (60:98) [19:29:47:856]: MainEngineThread is returning 1602
=== Verbose logging stopped: 4/17/2024  19:29:47 ===
";

/// A cancel is the cause even when an error came earlier: the error did not end the installation.
#[test]
fn msi_cancel_outranks_an_earlier_error() {
    let d = check(
        "MSI1234.LOG",
        &utf16le(MSI_CANCELLED.as_bytes()),
        Expect {
            verdict: Verdict::Failed,
            line: Some(9),
            cause: Some("cancelled"),
            guide: "cancelled",
        },
    );
    assert!(d.codes.contains(&"1602".to_string()), "{:?}", d.codes);
    assert!(d.guide.title.contains("cancelled"), "{}", d.guide.title);
}

#[test]
fn burn_abort_while_installing_is_a_cancel() {
    check(
        "bundle.log",
        b"[2590:4550][2024-01-15T11:44:40]i301: Applying execute package: ContosoCore, action: Install\n\
          [2590:4550][2024-01-15T11:44:40]e000: Error 0x80070642: Bootstrapper application aborted during EXE progress.\n\
          [2590:4550][2024-01-15T11:44:40]e000: Error 0x80070642: Failed to configure per-user EXE package.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("cancelled"),
            guide: "cancelled",
        },
    );
}

/// While a file is fetched, the same code is the prompt for the file's location being cancelled.
#[test]
fn burn_cancel_while_fetching_is_a_missing_payload() {
    check(
        "bundle.log",
        b"[0C50:0650][2024-01-15T11:44:40]e000: Error 0x80070642: Failed while prompting for source (original path 'C:\\setup\\core.cab').\n\
          [0C50:0650][2024-01-15T11:44:40]e000: Error 0x80070642: Failed to acquire payload: core.cab\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("burn-payload-missing"),
            guide: "burn-payload",
        },
    );
}

#[test]
fn burn_chained_redistributable_reports_a_newer_version() {
    let d = check(
        "bundle.log",
        b"[12E8:1274][2024-07-04T17:27:03]i301: Applying execute package: vcredist_x64.exe, action: Install, path: C:\\ProgramData\\Package Cache\\AB12\\vcredist_x64.exe\n\
          [12E8:1274][2024-07-04T17:27:04]e000: Error 0x80070666: Process returned error: 0x666\n\
          [12E8:1274][2024-07-04T17:27:04]e000: Error 0x80070666: Failed to execute EXE package.\n\
          [12E8:1274][2024-07-04T17:27:04]i319: Applied execute package: vcredist_x64.exe, result: 0x80070666, restart: None\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("newer-installed"),
            guide: "newer-installed",
        },
    );
    // The guide names what was being installed, and says when the message is harmless.
    assert_eq!(d.facts.get(Fact::ProductName), Some("vcredist_x64.exe"));
    assert!(d.guide.intro.contains("harmless"), "{}", d.guide.intro);
}

#[test]
fn burn_download_with_a_refused_certificate() {
    check(
        "bundle.log",
        b"[0C50:0650][2024-09-29T19:18:03]e000: Error 0x80072f0d: Unknown HTTP status code 0, returned from URL: https://download.example.com/redist.exe\n\
          [0C50:0650][2024-09-29T19:18:03]e000: Error 0x80072f0d: Failed to send request to URL: https://download.example.com/redist.exe\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("certificate"),
            guide: "certificate",
        },
    );
}

#[test]
fn burn_lost_helper_process() {
    check(
        "bundle.log",
        b"[2D84:3450][2024-01-29T10:17:57]e000: Error 0x800700e8: Failed to pump messages from parent process.\n\
          [2D84:3450][2024-01-29T10:17:57]i399: Apply complete, result: 0x800700e8, restart: None, ba requested restart:  No\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("setup-process-lost"),
            guide: "setup-process-lost",
        },
    );
}

/// A bundle's result alone says no more than its code; a specific code still names its guide.
#[test]
fn bundle_result_alone_with_a_file_in_use() {
    check(
        "bundle.log",
        b"[0AF4:1168][2024-06-25T20:47:08]i399: Apply complete, result: 0x80070020, restart: None, ba requested restart:  No\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("file-in-use"),
            guide: "file-in-use",
        },
    );
}

#[test]
fn add_appx_package_dependency_failure() {
    check(
        "paste.txt",
        b"Add-AppxPackage : Deployment failed with HRESULT: 0x80073CF3, Package failed updates, dependency or conflict validation.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("app-package"),
            guide: "app-package",
        },
    );
    // With the deployment engine's reason on the next lines, the reason is the evidence.
    let d = check(
        "paste.txt",
        b"Add-AppxPackage : Deployment failed with HRESULT: 0x80073CF3, Package failed updates, dependency or conflict validation.\n\
          Windows cannot install package Contoso.Notes_3.2.0.0_x64__8wekyb3d8bbwe because this package depends on a framework that\n\
          could not be found. Provide the framework \"Microsoft.VCLibs.140.00\" published by \"CN=Microsoft Corporation\".\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("app-package"),
            guide: "app-package",
        },
    );
    assert_eq!(d.codes.first().map(String::as_str), Some("0x80073cf3"));
}

#[test]
fn msi_removal_needs_an_administrator() {
    let d = check(
        "MSI77.LOG",
        b"MSI (s) (6C:AC) [16:40:52:570]: Note: 1: 1730 \n\
          MSI (s) (6C:AC) [16:40:52:572]: Product: Contoso Agent -- Error 1730. You must be an Administrator to remove this application. To remove this application, you can log on as an Administrator, or contact your technical support group for assistance.\n\
          Action ended 16:40:53: INSTALL. Return value 3.\n\
          MSI (s) (6C:AC) [16:40:53:100]: MainEngineThread is returning 1603\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("needs-admin"),
            guide: "needs-admin",
        },
    );
    assert!(d.guide.title.contains("administrator"), "{}", d.guide.title);
}

/// Burn 3.6 and earlier wrote no level and message id; the same messages still say how the bundle ended.
#[test]
fn burn_without_message_ids_succeeded() {
    let d = check(
        "vcredist.log",
        b"[4604:3BD4][2024-11-01T22:07:33]: Burn v3.6.3542.0, Windows v6.3 (Build 9600: Service Pack 0), path: C:\\setup\\vcredist_x64.exe\n\
          [4604:3BD4][2024-11-01T22:07:33]: Detect complete, result: 0x0\n\
          [4604:3BD4][2024-11-01T22:07:33]: Plan complete, result: 0x0\n\
          [4604:3BD4][2024-11-01T22:07:33]: Apply complete, result: 0x0, restart: None, ba requested restart:  No\n\
          [4604:3BD4][2024-11-01T22:07:33]: Shutting down, exit code: 0x0\n\
          [4604:3BD4][2024-11-01T22:07:33]: Exit code: 0x0, restarting: No\n",
        SUCCEEDED,
    );
    assert_eq!(d.files[0].format, "burn");
    // The same log ending in a failure is read as one.
    let failed = "[4604:3BD4][2024-11-01T22:07:33]: Burn v3.6.3542.0, Windows v6.3 (Build 9600: Service Pack 0), path: C:\\setup\\vcredist_x64.exe\n\
                  [4604:3BD4][2024-11-01T22:07:40]: Error 0x80070666: Process returned error: 0x666\n\
                  [4604:3BD4][2024-11-01T22:07:41]: Exit code: 0x80070666, restarting: No\n";
    check(
        "vcredist.log",
        failed.as_bytes(),
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("newer-installed"),
            guide: "newer-installed",
        },
    );
}

/// A Windows 7 WindowsUpdate.log whose searches completed and where nothing failed: the agent did its work.
#[test]
fn windows_update_searches_that_completed() {
    check(
        "WindowsUpdate.log",
        b"2022-04-18\t16:32:01:900\t 420\tdbc\tAgent\t** START **  Agent: Finding updates [CallerId = AutomaticUpdates]\n\
          2022-04-18\t16:32:01:950\t 420\tdbc\tAgent\t  * Found 0 updates and 12 categories in search; evaluated appl. rules of 200 out of 300 deployed entities\n\
          2022-04-18\t16:32:01:989\t 420\tdbc\tAgent\t**  END  **  Agent: Finding updates [CallerId = AutomaticUpdates]\n",
        SUCCEEDED,
    );
}

const DISM_APPX: &str = "2024-06-06 15:27:07, Info                  DISM   DISM.EXE: <----- Starting Dism.exe session ----->
2024-06-06 15:27:07, Info                  DISM   DISM.EXE: Executing command line: DISM.exe /Online /Add-ProvisionedAppxPackage /PackagePath:C:\\drivers\\app.appxbundle /SkipLicense
2024-06-06 15:27:08, Error                 DISM   DISM Appx Provider: PID=1384 TID=8396 onecore\\admin\\appmodel\\provisionhelper.cpp(120)\\AppxProvider.dll!00007FF8EA265DC7: (caller: 00007FF8EA271375) LogHr(1) tid(20cc) 80070003 The system cannot find the path specified.
2024-06-06 15:27:08, Error                 DISM   DISM Appx Provider: PID=1384 TID=8396 onecore\\admin\\appmodel\\provisionrequest.cpp(878)\\AppxProvider.dll!00007FF8EA26760C: (caller: 00007FF8EA2660BE) ReturnHr(1) tid(20cc) C1570118     Msg:[Failed while adding package Contoso.Tools_2.0.0.0_x64 to the image]
2024-06-06 15:27:08, Error                 DISM   DISM Appx Provider: PID=1384 TID=8396 onecore\\admin\\appmodel\\provisionrequest.cpp(180)\\AppxProvider.dll!00007FF8EA26609B: (caller: 00007FF8EA2659AC) ReturnHr(2) tid(20cc) C1570118     Msg:[Failed to add package Contoso.Tools]
2024-06-06 15:27:08, Info                  DISM   DISM.EXE: <----- Ending Dism.exe session ----->
";

/// The Appx provider's routine errors are decoys; the one saying that adding the package failed is the cause,
/// with its bare HRESULT.
#[test]
fn dism_appx_add_failed_with_a_higher_version_installed() {
    let d = check(
        "dism.log",
        DISM_APPX.as_bytes(),
        Expect {
            verdict: Verdict::Failed,
            line: Some(4),
            cause: Some("newer-installed"),
            guide: "newer-installed",
        },
    );
    assert_eq!(d.codes.first().map(String::as_str), Some("0xc1570118"));
}

/// A DISM run that ends its session normally, with only the provider's routine warnings, succeeded.
#[test]
fn dism_session_that_ends_normally_succeeded() {
    let text = "2024-04-26 05:20:57, Info                  DISM   DISM.EXE: <----- Starting Dism.exe session ----->
2024-04-26 05:20:57, Warning               DISM   DISM Provider Store: PID=7560 TID=7564 Failed to load the provider: C:\\Windows\\TEMP\\AB\\PEProvider.dll. - CDISMProviderStore::Internal_GetProvider(hr:0x8007007e)
2024-04-26 05:31:36, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.
2024-04-26 05:31:36, Info                  DISM   DISM.EXE: <----- Ending Dism.exe session ----->
";
    check("dism.log", text.as_bytes(), SUCCEEDED);
    // The same log cut before its end says nothing either way.
    let cut: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    let mut d = Diagnoser::new();
    d.add_file("dism.log", cut.as_bytes());
    assert_eq!(d.finish(&Answers::new()).verdict, Verdict::Inconclusive);
}

#[test]
fn msi_snippet_with_a_held_execution_mutex() {
    check(
        "paste.txt",
        b"MSI (c) (94:F8) [14:35:16:163]: Failed to grab execution mutex. System error 258.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("another-install"),
            guide: "another-install",
        },
    );
}

#[test]
fn msi_snippet_with_a_missing_cached_package() {
    check(
        "paste.txt",
        b"MSI (s) (08:40) [05:54:13:979]: Doing action: RemoveExistingProducts\n\
          Action start 5:54:13: RemoveExistingProducts.\n\
          MSI (s) (08:3C) [05:54:13:979]: ******* RunEngine:\n\
          MSI (s) (08:3C) [05:54:13:979]: Warning: Local cached package 'C:\\Windows\\Installer\\3f1a2.msi' is missing.\n\
          MSI (s) (08:3C) [05:54:13:980]: User policy value 'SearchOrder' is 'nmu'\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(4),
            cause: Some("missing-cache"),
            guide: "missing-cache",
        },
    );
}

/// A log that goes on to succeed keeps its verdict, whatever warnings it met on the way.
#[test]
fn msi_missing_cache_warning_in_a_successful_log() {
    check(
        "MSI5678.LOG",
        b"MSI (s) (08:3C) [05:54:13:979]: Warning: Local cached package 'C:\\Windows\\Installer\\3f1a2.msi' is missing.\n\
          MSI (s) (08:3C) [05:54:20:100]: Product: Contoso Notes 3.2 -- Installation completed successfully.\n\
          MSI (s) (08:3C) [05:54:20:101]: MainEngineThread is returning 0\n",
        SUCCEEDED,
    );
}

#[test]
fn msi_snippet_with_a_custom_action_error_code() {
    check(
        "paste.txt",
        b"MSI (s) (60:70) [20:34:50:311]: Running as a service.\n\
          CustomAction RunNestedSetup returned actual error code 1618 (note this may not be 100% accurate if translation happened inside sandbox)\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("another-install"),
            guide: "another-install",
        },
    );
}

/// Windows Installer's own failing call explains the failure when no error message does.
#[test]
fn msi_failing_system_call_without_an_error_message() {
    check(
        "MSI9.LOG",
        b"MSI (s) (BC:F8) [03:18:54:860]: Machine policy value 'DisableAutomaticApplicationShutdown' is 0\n\
          MSI (s) (BC:F8) [03:18:54:864]: SHELL32::SHGetKnownFolderPath failed with error: -2147024891\n\
          MSI (s) (BC:F8) [03:18:54:865]: Note: 1: 1708 \n\
          MSI (s) (BC:F8) [03:18:54:865]: Product: Contoso Notes -- Installation failed.\n\
          MSI (s) (BC:F8) [03:18:54:866]: Windows Installer installed the product. Product Name: Contoso Notes. Product Version: 3.2. Product Language: 1033. Manufacturer: Contoso. Installation success or error status: 1620.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("access-denied"),
            guide: "access-denied",
        },
    );
}

/// The message box's text, retyped or wrapped by a mail program over several quoted lines, still names 1722.
#[test]
fn dialog_text_wrapped_over_lines() {
    let d = check(
        "paste.txt",
        b"I get this when installing:\n\n\
          > \"There is a problem with this Windows Installer package. A\n\
          > program run as part of the setup did not finish as expected.\n\
          > Contact your support personnel or package vendor.\"\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(4),
            cause: Some("custom-action"),
            guide: "custom-action",
        },
    );
    assert!(d.codes.contains(&"1722".to_string()), "{:?}", d.codes);
}

/// A Windows 7 WindowsUpdate.log whose tabs became spaces, with the agent's self-update failing on a WSUS
/// server: the first failing request names what was not found.
#[test]
fn windows_update_self_update_from_a_wsus_server() {
    check(
        "WindowsUpdate.log",
        b"2014-03-22 18:53:24:377 808 ba0 Misc WARNING: WinHttp: SendRequestToServerForFileInformation failed with 0x80190194\n\
          2014-03-22 18:53:24:377 808 ba0 Misc WARNING: DownloadFileInternal failed for http://wsus01:8530/selfupdate/wuident.cab: error 0x80190194\n\
          2014-03-22 18:53:24:377 808 ba0 Setup FATAL: IsUpdateRequired failed with error 0x80244019\n\
          2014-03-22 18:53:24:377 808 ba0 Setup WARNING: SelfUpdate: Default Service: IsUpdateRequired failed: 0x80244019\n\
          2014-03-22 18:53:25:002 808 ba0 Agent * WARNING: Exit code = 0x80244019\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("wsus-selfupdate"),
            guide: "wsus-selfupdate",
        },
    );
}

/// Windows Update's 0x80070643 only wraps the failure; the setup's own event beside it says which code.
#[test]
fn event_export_setup_result_beside_windows_update() {
    let d = check(
        "events.txt",
        b"Log Name: System\nSource: Microsoft-Windows-WindowsUpdateClient\nEvent ID: 20\nLevel: Error\n\
          Description:\nInstallation Failure: Windows failed to install the following update with error 0x80070643: Contoso Server Service Pack 2 (KB948465).\n\n\
          Log Name: System\nSource: Microsoft-Windows-Service Pack Installer\nEvent ID: 8\nLevel: Error\n\
          Description:\nService Pack installation failed with error code 0x800f0828.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(13),
            cause: Some("disk-full"),
            guide: "disk-full",
        },
    );
    assert!(d.codes.contains(&"0x800f0828".to_string()), "{:?}", d.codes);
}

/// Numbers from 25000 up are a package's own messages: no table knows them, but they are what people search.
#[test]
fn event_with_a_package_defined_error_number() {
    let d = check(
        "events.txt",
        b"Log Name: Application\nSource: MsiInstaller\nEvent ID: 10005\nLevel: Error\n\
          Description:\nProduct: Contoso Reporting Server -- Error 27502. Could not connect to the database server.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(6),
            cause: None,
            guide: "msi-update",
        },
    );
    assert_eq!(d.codes.first().map(String::as_str), Some("27502"));
    assert!(
        d.guide.title.contains("Contoso Reporting Server"),
        "{}",
        d.guide.title
    );
}

/// For a Windows Recovery Environment update, too little space means the recovery partition.
#[test]
fn winre_update_without_space_leads_to_the_partition_guide() {
    check(
        "WindowsUpdate.log",
        b"2024/05/02 16:37:05.5438257 2396  8992  Agent           * Title = 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)\n\
          2024/05/02 16:40:48.0802895 6600  2648  Handler         Command line install completed. Return code = 0x800f0828, Result = Failed, Reboot required = false\n\
          2024/05/02 16:40:48.6826417 6720  4720  Agent           LogHistory called. idUpdate={576B0DD6-57CC-457B-A5EC-E888491B395D}.200, resultMapped=80070643, resultUnMapped=800F0828\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("disk-full"),
            guide: "winre-partition",
        },
    );
}

/// How sure a diagnosis is follows the kind of evidence: a line that names the cause, a code alone, a bare
/// failure.
#[test]
fn confidence_follows_the_evidence() {
    use setup_triage::Confidence;
    let of = |name: &str, input: &[u8]| {
        let mut d = Diagnoser::new();
        d.add_file(name, input);
        d.finish(&Answers::new()).confidence
    };
    assert_eq!(
        of("MSI1.LOG", &utf16le(MSI_CANCELLED.as_bytes())),
        Confidence::High
    );
    assert_eq!(
        of(
            "bundle.log",
            b"[0AF4:1168][2024-06-25T20:47:08]i399: Apply complete, result: 0x80070020, restart: None, ba requested restart:  No\n"
        ),
        Confidence::Medium
    );
    assert_eq!(of("paste.txt", b"Error 0x80070643\n"), Confidence::Low);
    assert_eq!(of("paste.txt", b"my computer is slow\n"), Confidence::Low);
}

/// A guide titled with a code is chosen only for that code: every code a guide's title names is one the input
/// has (a "file not found" is never sent to the guide for a damaged download). Checked on every fixture of ours
/// and every corpus log.
#[test]
fn a_guide_title_names_only_codes_of_the_input() {
    use setup_triage::scan::codes;
    let mut files: Vec<std::path::PathBuf> = super::corpus::corpus_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
    match super::corpus::corpus_dir() {
        Some(dir) => files.extend(super::corpus::corpus_files(&dir)),
        None => super::corpus::skipped("a_guide_title_names_only_codes_of_the_input (corpus part)"),
    }
    let mut wrong = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let mut d = Diagnoser::new();
        d.add_file(&path.to_string_lossy(), &bytes);
        let d = d.finish(&Answers::new());
        for m in codes::find_codes(d.guide.title.as_bytes()) {
            let c = m.code.normalized();
            if !d.codes.contains(&c) {
                wrong.push(format!(
                    "{}: «{}» names {c}, the input has {:?}",
                    path.display(),
                    d.guide.title,
                    d.codes
                ));
            }
        }
    }
    assert!(files.len() > 50, "only {} inputs found", files.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A log that stops before its result gets the guide to fetch the whole log, never a fix for a failure it does
/// not show; a person's text that does not say is asked which update failed instead.
#[test]
fn a_log_cut_before_its_result() {
    check(
        "MSI3.LOG",
        &utf16le(
            b"=== Verbose logging started: 4/17/2024  19:29:30  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
             MSI (c) (60:04) [19:29:30:100]: Doing action: CostFinalize\n\
             Action start 19:29:30: CostFinalize.\n",
        ),
        Expect {
            verdict: Verdict::Inconclusive,
            line: None,
            cause: Some("log-incomplete"),
            guide: "log-incomplete",
        },
    );
    let d = check(
        "paste.txt",
        b"my computer will not install the update, what can I do?\n",
        Expect {
            verdict: Verdict::Inconclusive,
            line: None,
            cause: None,
            guide: "unknown-cause",
        },
    );
    assert!(!d.guide.title.contains("0x"), "{}", d.guide.title);
}

const INNO_HEAD: &str = "2024-08-23 14:58:20.100   Log opened. (Time zone: UTC+02:00)
2024-08-23 14:58:20.101   Setup version: Inno Setup version 6.2.2
2024-08-23 14:58:20.101   Original Setup EXE: C:\\Users\\dana\\Downloads\\contoso-notes-setup.exe
2024-08-23 14:58:20.102   Windows version: 10.0.19045  (NT platform: Yes)
2024-08-23 14:58:28.200   Starting the installation process.
2024-08-23 14:58:28.319   Dest filename: C:\\Program Files\\Contoso Notes\\notes.exe
2024-08-23 14:58:28.319   Installing the file.
";

fn inno(tail: &str) -> Vec<u8> {
    format!("{INNO_HEAD}{tail}").into_bytes()
}

#[test]
fn inno_setup_completed_installation() {
    let d = check(
        "Setup Log 2024-08-23 #001.txt",
        &inno(
            "2024-08-23 14:58:30.000   Successfully installed the file.\n\
             2024-08-23 14:58:31.000   Installation process succeeded.\n\
             2024-08-23 14:58:32.000   Need to restart Windows? No\n\
             2024-08-23 14:58:32.100   Log closed.\n",
        ),
        SUCCEEDED,
    );
    assert_eq!(d.files[0].format, "inno");
}

/// A silent installation answers its own message box with Abort; the message says why, the cancel does not,
/// and the rollback's "Uninstallation process succeeded." is no success.
#[test]
fn inno_setup_silent_abort_on_a_file_in_use() {
    let d = check(
        "setup.log",
        &inno(
            "2024-08-23 14:58:28.320   DeleteFile: The existing file appears to be in use (5). Retrying.\n\
             2024-08-23 14:58:32.352   Defaulting to Abort for suppressed message box (Abort/Retry/Ignore):\n\
             \x20                         DeleteFile failed; code 5.\n\
             \x20                         Access is denied.\n\
             2024-08-23 14:58:32.352   User canceled the installation process.\n\
             2024-08-23 14:58:32.352   Rolling back changes.\n\
             2024-08-23 14:58:32.352   Starting the uninstallation process.\n\
             2024-08-23 14:58:32.353   Uninstallation process succeeded.\n\
             2024-08-23 14:58:32.358   Log closed.\n",
        ),
        Expect {
            verdict: Verdict::Failed,
            line: Some(10),
            cause: Some("file-in-use"),
            guide: "file-in-use",
        },
    );
    assert!(d.codes.contains(&"5".to_string()), "{:?}", d.codes);
}

#[test]
fn inno_setup_script_error_is_the_package() {
    check(
        "setup.log",
        &inno(
            "2024-08-23 14:58:40.931   Fatal exception during installation process (Exception):\n\
             \x20                         Runtime error (at 18:46):\n\
             \x20                         Internal error: Cannot call \"UninstallSilent\" function during Setup.\n\
             2024-08-23 14:58:40.935   Starting the uninstallation process.\n\
             2024-08-23 14:58:42.589   Uninstallation process succeeded.\n",
        ),
        Expect {
            verdict: Verdict::Failed,
            line: Some(9),
            cause: Some("package-error"),
            guide: "package-error",
        },
    );
}

#[test]
fn inno_setup_cancelled_by_the_person() {
    check(
        "setup.log",
        &inno(
            "2024-08-23 14:58:29.000   Message box (Yes/No):\n\
             \x20                         Are you sure you want to cancel Setup?\n\
             2024-08-23 14:58:30.000   User chose Yes.\n\
             2024-08-23 14:58:30.100   User canceled the installation process.\n\
             2024-08-23 14:58:30.100   Rolling back changes.\n",
        ),
        Expect {
            verdict: Verdict::Failed,
            line: Some(11),
            cause: Some("cancelled"),
            guide: "cancelled",
        },
    );
}

#[test]
fn inno_setup_uninstaller_log() {
    check(
        "uninstall.log",
        b"2024-08-24 09:00:00.000   Log opened. (Time zone: UTC+02:00)\n\
          2024-08-24 09:00:00.001   Setup version: Inno Setup version 6.2.2\n\
          2024-08-24 09:00:01.000   Starting the uninstallation process.\n\
          2024-08-24 09:00:03.000   Uninstallation process succeeded.\n\
          2024-08-24 09:00:03.100   Removed all? Yes\n\
          2024-08-24 09:00:03.200   Log closed.\n",
        SUCCEEDED,
    );
}

/// A message box's text typed again by a worried person, with typos and no number, still names its message.
#[test]
fn dialog_retyped_with_typos() {
    let d = check(
        "paste.txt",
        b"Help! I keep getting: There is a problem with this Windows Installer package. a programm run as part of teh setup did not finish as expected\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("custom-action"),
            guide: "custom-action",
        },
    );
    assert!(d.codes.contains(&"1722".to_string()), "{:?}", d.codes);
    let d = check(
        "paste.txt",
        b"Another version of this product is already installed.  Installation of this version cannot continue.\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(1),
            cause: Some("newer-installed"),
            guide: "newer-installed",
        },
    );
    assert!(d.codes.contains(&"1638".to_string()), "{:?}", d.codes);
}

/// Package managers' output: the package's name becomes the product, the verbose log the installer was told to
/// write is the log to ask for, and an exit code PowerShell printed alone is the code.
#[test]
fn package_manager_and_console_output() {
    let d = check(
        "paste.txt",
        &fixture("text/choco_msi_1603.txt"),
        Expect {
            verdict: Verdict::Failed,
            line: Some(8),
            cause: Some("install-failure"),
            guide: "msi-update",
        },
    );
    assert_eq!(d.facts.get(Fact::ProductName), Some("contoso-notes"));
    assert_eq!(
        d.facts.get(Fact::LogPath),
        Some(
            "C:\\Users\\dana\\AppData\\Local\\Temp\\chocolatey\\contoso-notes.3.2.0.MsiInstall.log"
        )
    );
    let d = check(
        "paste.txt",
        &fixture("text/winget_1618.txt"),
        Expect {
            verdict: Verdict::Failed,
            line: Some(9),
            cause: Some("another-install"),
            guide: "another-install",
        },
    );
    assert_eq!(d.facts.get(Fact::ProductName), Some("Contoso Notes"));
    check(
        "paste.txt",
        &fixture("text/powershell_exitcode_1638.txt"),
        Expect {
            verdict: Verdict::Failed,
            line: Some(3),
            cause: Some("newer-installed"),
            guide: "newer-installed",
        },
    );
}

/// Windows Update's Settings page lists an update's title, then its status: the title says what failed.
#[test]
fn windows_update_settings_status_names_the_update() {
    let d = check(
        "paste.txt",
        b"Contoso Sync Driver Update - 2.4.1\nStatus : Download error - 0x80070643\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("install-failure"),
            guide: "msi-update",
        },
    );
    assert!(
        d.guide.title.contains("Contoso Sync Driver Update"),
        "{}",
        d.guide.title
    );
    check(
        "paste.txt",
        b"2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)\nStatus: Failed to install on 1/10/2024 - 0x80070643\n",
        Expect {
            verdict: Verdict::Failed,
            line: Some(2),
            cause: Some("install-failure"),
            guide: "winre-partition",
        },
    );
}

/// A dialog that returned 2 in a log that goes on to succeed did not end the installation.
#[test]
fn msi_cancelled_dialog_then_success_is_a_success() {
    check(
        "MSI8.LOG",
        b"Action ended 10:00:01: BrowseDlg. Return value 2.\n\
          MSI (s) (08:3C) [10:00:20:100]: Product: Contoso Notes 3.2 -- Installation completed successfully.\n\
          MSI (s) (08:3C) [10:00:20:101]: MainEngineThread is returning 0\n",
        SUCCEEDED,
    );
}
