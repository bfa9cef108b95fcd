//! What people typically paste, end to end: each must reach the right guide and start with the right step.

use setup_triage::model::facts::Fact;
use setup_triage::{Answers, diagnose_text};

/// Diagnoses `input` as a paste and checks the guide and its first step.
fn check(input: &str, guide_id: &str, first_step_id: &str) {
    let d = diagnose_text("paste", input, &Answers::new());
    let steps: Vec<&str> = d.guide.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        (d.guide.id.as_str(), steps.first().copied()),
        (guide_id, Some(first_step_id)),
        "input {input:?}: facts {:?}, steps {steps:?}",
        d.facts
    );
}

#[test]
fn dotnet_update_title_with_0x80070643() {
    check(
        "Error 0x80070643\n2024-01 Security Update for Microsoft .NET Framework 3.5 and 4.8.1 for Windows 11 (KB5033920)",
        "dotnet-update",
        "dotnet-restart-first",
    );
    // On Windows 7 the .NET Framework 4 is a Windows Installer program, so Microsoft's first method, the
    // patch-registration repair, is in its guide; safe steps (restart, the update's own log) come before it.
    check(
        "Security Update for Microsoft .NET Framework 4 on Windows 7 (KB2858302) - Error 0x80070643",
        "dotnet-update",
        "dotnet-restart-first",
    );
    let d = diagnose_text(
        "paste",
        "Security Update for Microsoft .NET Framework 4 on Windows 7 (KB2858302) - Error 0x80070643",
        &Answers::new(),
    );
    assert!(
        d.guide
            .steps
            .iter()
            .any(|s| s.id == "dotnet-patch-registration")
    );
}

#[test]
fn defender_definition_update() {
    check(
        "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.403.123.0) - Error 0x80070643",
        "defender-definitions",
        "defender-update-now",
    );
    check(
        "windows update error 0x80070643 defender",
        "defender-definitions",
        "defender-update-now",
    );
}

#[test]
fn winre_update_kb5034441() {
    check(
        "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441) - Error 0x80070643",
        "winre-partition",
        "winre-check",
    );
    check(
        "KB5034441 0x80070643 failed",
        "winre-partition",
        "winre-check",
    );
}

#[test]
fn dism_enabling_netfx3_without_source() {
    check(
        "C:\\>Dism /online /enable-feature /featurename:NetFx3 /all\n\nDeployment Image Servicing and Management tool\nVersion: 10.0.19041.844\n\nImage Version: 10.0.19045.3803\n\nEnabling feature(s)\n[==========================100.0%==========================]\n\nError: 0x800f081f\n\nThe source files could not be found.\nUse the \"Source\" option to specify the location of the files that are required to restore the feature.",
        "netfx3-feature",
        "netfx3-meaning",
    );
    // IIS-NetFxExtensibility depends on NetFx3: enabling it fails for the same reason.
    check(
        "`dism /online /enable-feature /featurename:IIS-NetFxExtensibility /All`\n\n`Error: 0x800f081f\nThe source files could not be found.`",
        "netfx3-feature",
        "netfx3-meaning",
    );
}

#[test]
fn msi_log_whose_cause_is_1618() {
    check(
        "=== Verbose logging started: 3/10/2024  17:26:19  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
MSI (c) (2C:E0) [17:26:19:579]: Resetting cached policy values\n\
MSI (c) (2C:E0) [17:26:19:580]: Machine policy value 'Debug' is 0\n\
MSI (c) (2C:E0) [17:26:20:000]: Product: Fabrikam Agent -- Error 1500. Another installation is in progress. You must complete that installation before continuing this one.\n\
MSI (c) (2C:E0) [17:26:20:100]: MainEngineThread is returning 1618\n\
=== Verbose logging stopped: 3/10/2024  17:26:20 ===\n",
        "another-install",
        "wait-other-install",
    );
}

#[test]
fn msi_log_whose_cause_is_1935() {
    let log = std::fs::read_to_string(format!(
        "{}/tests/fixtures/msi/verbose_1935_decoys.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    check(&log, "assembly", "assembly-read-hresult");
}

#[test]
fn bare_codes() {
    // 0x80070643 alone says that an installer failed, not which: the guide asks what was being installed.
    let d = diagnose_text("paste", "Error 0x80070643", &Answers::new());
    assert_eq!(d.guide.id, "unknown-cause");
    assert!(d.questions.iter().any(|q| q.fact == "product"));
    check("0x80070652", "another-install", "wait-other-install");
    check("0x8024402c", "wu-network", "wu-network-check");
    check("Error code: 0x800f0922", "component-store", "restart-first");
}

#[test]
fn a_long_text_names_no_product_from_its_paths() {
    // A system report lists Windows Defender's files; that does not make the failure a Defender update's.
    let mut report = String::new();
    for i in 0..60 {
        report.push_str(&format!(
            "(services.exe ->) (Microsoft Corporation) C:\\Program Files\\Service{i}\\svc.exe\n"
        ));
    }
    report.push_str("(services.exe ->) (Microsoft Windows Publisher -> Microsoft Corporation) C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\MsMpEng.exe\n");
    let d = diagnose_text("FRST.txt", &report, &Answers::new());
    assert_eq!(d.facts.get(Fact::Product), None);
}

#[test]
fn mistyped_dism_command() {
    check(
        "2014-02-17 15:22:47, Info                  DISM   DISM.EXE: Executing command line: DISM.exe /OnlineDISM.exe /Get-Features\n\
2014-02-17 15:22:47, Error                 DISM   DISM.EXE: No providers were found that support the command(onlinedism.exe). HRESULT=0\n",
        "dism-command",
        "dism-check-command",
    );
}

#[test]
fn variant_commands_carry_their_label_when_windows_is_unknown() {
    let d = diagnose_text("paste", "0x8024402c", &Answers::new());
    let reset = d
        .guide
        .steps
        .iter()
        .find(|s| s.id == "wu-reset")
        .expect("the network guide resets Windows Update");
    let at = reset
        .commands
        .iter()
        .position(|c| c == "proxycfg -d")
        .expect("the XP command is listed when Windows is unknown");
    assert_eq!(reset.commands[at - 1], "REM On Windows XP and Server 2003:");
    // When the Windows version is known, the command is either plain or left out.
    let mut answers = Answers::new();
    answers.set("windows", "10");
    let d = diagnose_text("paste", "0x8024402c", &answers);
    assert!(
        d.guide
            .steps
            .iter()
            .flat_map(|s| &s.commands)
            .all(|c| !c.starts_with("REM ") && c != "proxycfg -d")
    );
}

#[test]
fn msi_internal_error_is_the_package_s_fault() {
    let log = "=== Verbose logging started: 3/10/2024  17:26:19  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
Action start 17:26:20: PublishFeatures.\n\
MSI (s) (C0:D4) [17:26:20:000]: Note: 1: 2262 2: Feature 3: -2147287038 \n\
DEBUG: Error 2235:  Database: . Column 'Action' not present or ambiguous in SQL query: SELECT `Feature` FROM `Feature`\n\
Action ended 17:26:20: PublishFeatures. Return value 3.\n\
MSI (s) (C0:D4) [17:26:21:000]: MainEngineThread is returning 1603\n";
    check(log, "package-error", "package-error-report");
    // A machine problem among the internal errors keeps the generic route: 2738, the VBScript engine.
    let d = diagnose_text("x.log", &log.replace("2235", "2738"), &Answers::new());
    assert_ne!(d.facts.get(Fact::Cause), Some("package-error"));
}

#[test]
fn malformed_product_code_explains_an_error_1406() {
    // 1406 reads like a registry permission problem; with a ProductCode of 11 hex digits in its last group the
    // key it names is empty, and the package is at fault.
    let log = "=== Verbose logging started: 3/10/2024  17:26:19  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
MSI (c) (7C:58) [13:00:03:414]: APPCOMPAT: looking for appcompat database entry with ProductCode '{8B80949A-E983-4B1C-B44A-1A0AF668922}'.\n\
Action start 13:00:07: InstallFinalize.\n\
MSI (s) (84:F4) [13:00:07:881]: Product: Contoso -- Error 1406. Could not write value VersionMajor to key \\Products\\.  System error .\n\
Action ended 13:00:08: InstallFinalize. Return value 3.\n";
    check(log, "package-error", "package-error-report");
    let good = log.replace("1A0AF668922}", "1A0AF6689220}");
    check(&good, "file-permissions", "run-elevated");
}

#[test]
fn a_list_of_failing_cumulative_updates_is_a_windows_update_case() {
    check(
        "List of cumulative updates failing one after another:\n2018-04 KB4093112: failure 0x80092004\n2018-02 KB4074588: failure 0x80073715",
        "windows-update",
        "restart-first",
    );
}

#[test]
fn plain_words_a_worried_person_types() {
    check(
        "net framework 4.8 update fails 0x80070643 windows 10",
        "dotnet-update",
        "dotnet-restart-first",
    );
    // A known failure code with no word of failure, and a return code in lower case, still count as failures;
    // without a product the guide asks what was being installed.
    for input in ["0x80070643 windows 11", "error 1603 when installing"] {
        let d = diagnose_text("paste", input, &Answers::new());
        assert_eq!(
            (d.verdict, d.facts.get(Fact::Code)),
            (
                setup_triage::Verdict::Failed,
                Some("1603")
                    .filter(|_| input.contains("1603"))
                    .or(Some("0x80070643"))
            ),
            "{input}"
        );
        assert!(d.questions.iter().any(|q| q.fact == "product"), "{input}");
    }
}

#[test]
fn missing_visual_cpp_runtime() {
    check(
        "Activation context generation failed for \"C:\\Program Files\\BOINC\\boinc.exe\". Dependent Assembly Microsoft.VC80.CRT,processorArchitecture=\"x86\",publicKeyToken=\"1fc8b3b9a1e18e3b\",type=\"win32\",version=\"8.0.50727.762\" could not be found. Please use sxstrace.exe for detailed diagnosis.",
        "vc-runtime",
        "vc-runtime-install",
    );
}

#[test]
fn return_codes_and_dialog_numbers_typed_alone() {
    check(
        "msiexec returned 1601",
        "installer-service",
        "msi-service-check",
    );
    check(
        "The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503.",
        "temp-permissions",
        "temp-check",
    );
}

#[test]
fn a_dism_failure_names_the_command_it_ran() {
    let d = diagnose_text(
        "dism.log",
        "2014-02-17 15:22:47, Info                  DISM   DISM.EXE: Executing command line: DISM.exe  /OnlineDISM.exe /Get-Features\n\
2014-02-17 15:22:47, Error                 DISM   DISM.EXE: No providers were found that support the command(onlinedism.exe). HRESULT=0\n",
        &Answers::new(),
    );
    let root = d.root_cause.expect("a root cause");
    assert!(
        root.details
            .iter()
            .any(|x| x.label == "command line"
                && x.value == "DISM.exe  /OnlineDISM.exe /Get-Features"),
        "{:?}",
        root.details
    );
}

#[test]
fn error_1926_is_a_file_permission_problem() {
    check(
        "MSI (s) (A8:5C) [10:01:38:358]: Product: Dummy Application Installer -- Error 1926. Could not set file security for file 'F:\\Config.Msi\\'. Error: 3. Verify that you have sufficient privileges to modify the security permissions for this file.",
        "file-permissions",
        "run-elevated",
    );
}

#[test]
fn an_msi_log_names_its_product_only_in_its_product_lines() {
    // A property that mentions Excel does not make another program's failure an Office update.
    let log = "=== Verbose logging started: 3/10/2024  17:26:19  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
Property(S): ProductName = Contoso Reports\n\
Property(S): EXCELADDINPATH = C:\\Program Files\\Microsoft Office\\root\\Office16\\Excel Addins\n\
Action start 17:26:20: InstallFinalize.\n\
Action ended 17:26:21: InstallFinalize. Return value 3.\n\
MSI (s) (C0:D4) [17:26:21:000]: MainEngineThread is returning 1603\n";
    let d = diagnose_text("install.log", log, &Answers::new());
    assert_eq!(d.facts.get(Fact::Product), None);
    assert_eq!(d.guide.id, "capture-log");
}

#[test]
fn an_office_update_in_plain_words() {
    check(
        "Office update fails with 0x80070643",
        "office-update",
        "restart-first",
    );
}

#[test]
fn a_dism_log_enabling_netfx3() {
    // In a DISM log only the command line names the product: the feature being enabled.
    check(
        "2024-01-10 10:00:00, Info                  DISM   DISM.EXE: Executing command line: Dism  /online /enable-feature /featurename:NetFx3 /all\n\
2024-01-10 10:00:05, Error                 DISM   DISM Package Manager: PID=1234 TID=5678 Error in operation: source for package or file not found, ResolveSource() unsuccessful. (CBS HRESULT=0x800f081f) - CCbsConUIHandler::Error\n",
        "netfx3-feature",
        "netfx3-meaning",
    );
    // Without the feature's name, the same error is a damaged component store.
    let d = diagnose_text(
        "dism.log",
        "2024-01-10 10:00:05, Error                 DISM   DISM Package Manager: PID=1234 TID=5678 Error in operation: source for package or file not found, ResolveSource() unsuccessful. (CBS HRESULT=0x800f081f) - CCbsConUIHandler::Error\n",
        &Answers::new(),
    );
    assert_eq!(d.guide.id, "component-store");
}

#[test]
fn servicing_stack_needed_first() {
    // A cumulative update that needs a newer servicing stack: the SSU comes first, not a store repair.
    check(
        "2024-05 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5037768) - Error 0x800f0823",
        "servicing-stack",
        "ssu-install",
    );
    // The same code from a script that updates the recovery environment's image: the same guide, with the
    // step's WinRE variant (the image's own servicing stack), not the guide for a too-small recovery partition.
    let d = diagnose_text(
        "paste",
        "Error: 0x800f0823  Package C:\\Windows\\Temp\\WinREFix.msu may have failed due to pending updates to servicing components in the image. Try the command again.",
        &Answers::new(),
    );
    assert_eq!(d.guide.id, "servicing-stack");
    assert_eq!(d.facts.get(Fact::Product), Some("winre"));
    assert!(
        d.guide.steps[0].body.contains("winre.wim"),
        "{:?}",
        d.guide.steps[0].body
    );
}
