//! Windows Setup logs: Panther setupact/setuperr (upgrades, clean installs, rollbacks), Sysprep, setupapi.dev.log
//! and SetupDiag's results. Each fixture holds the harmless Error lines a naive search would stop at.

use setup_triage::model::diagnosis::Role;
use setup_triage::{Answers, Diagnosis, Verdict, diagnose_text};

use crate::digest::{check_fixture, digest};
use crate::readers::detail;

/// Diagnoses one fixture and checks its verdict, its root-cause line and the cause that line names.
fn check(name: &str, verdict: Verdict, line: Option<u64>, cause: Option<&str>) -> Diagnosis {
    let d = check_fixture("setup", name, (verdict, line));
    assert_eq!(d.files[0].format, "setup", "{}", digest(&d));
    assert_eq!(
        d.root_cause.as_ref().and_then(|r| r.cause.as_deref()),
        cause,
        "{}",
        digest(&d)
    );
    d
}

#[test]
fn the_first_error_with_the_final_result_code_is_the_root() {
    // CSI, DU and dynamic-update errors come first; the run reports 0x80070070, first written by SP on line 8.
    let d = check(
        "upgrade_disk_space.log",
        Verdict::Failed,
        Some(8),
        Some("setup-disk-space"),
    );
    assert!(d.codes.contains(&"0x80070070".to_string()));
    assert_eq!(d.guide.id, "setup-disk-space");
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn a_crash_setup_detected_explains_the_rollback() {
    let d = check(
        "rollback_crash.log",
        Verdict::Failed,
        Some(5),
        Some("setup-driver"),
    );
    assert!(d.codes.contains(&"0xc1900101".to_string()));
    assert_eq!(d.guide.id, "setup-driver");
    assert_eq!(
        detail(&d, "extend code"),
        Some("0x30018: first boot of the new Windows, sysprep operation")
    );
}

#[test]
fn a_completed_install_full_of_harmless_errors_succeeded() {
    let d = check(
        "clean_install_success_with_errors.log",
        Verdict::Succeeded,
        None,
        None,
    );
    assert_eq!(d.guide.id, "succeeded");
}

#[test]
fn a_log_that_only_starts_is_inconclusive() {
    check("upgrade_starts_only.log", Verdict::Inconclusive, None, None);
}

#[test]
fn sysprep_names_the_app_not_provisioned_for_all_users() {
    let d = check(
        "sysprep_appx.log",
        Verdict::Failed,
        Some(8),
        Some("sysprep-appx"),
    );
    assert!(d.codes.contains(&"0x80073cf2".to_string()));
    assert_eq!(d.guide.id, "sysprep-appx");
}

#[test]
fn a_cancelled_upgrade_is_cancelled_not_its_error_cascade() {
    let d = check(
        "upgrade_cancelled.log",
        Verdict::Failed,
        Some(5),
        Some("cancelled"),
    );
    assert!(d.codes.contains(&"0x800704c7".to_string()));
}

#[test]
fn the_latest_run_decides_and_its_failed_operation_names_the_code() {
    // An interrupted earlier run (0x800705BB) is superseded by the run whose specialize failed with 0x80070005.
    let d = check(
        "setuperr_access_denied.log",
        Verdict::Failed,
        Some(7),
        Some("setup-access-denied"),
    );
    assert_eq!(d.guide.id, "setup-access-denied");
    let earlier = d.findings.iter().find(|f| f.line == 3).map(|f| f.role);
    assert_ne!(earlier, Some(Role::Cause));
}

#[test]
fn setupapi_failed_section_roots_at_its_first_error() {
    let d = check(
        "setupapi_driver_failure.log",
        Verdict::Failed,
        Some(27),
        Some("setup-driver"),
    );
    assert!(detail(&d, "section").is_some_and(|s| s.contains("contosonic.inf")));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn setupapi_sections_all_successful_succeeded_despite_an_error_line() {
    check("setupapi_all_success.log", Verdict::Succeeded, None, None);
}

#[test]
fn setupdiag_result_names_rule_code_and_phase() {
    let d = check(
        "setupdiag_driver_failure.log",
        Verdict::Failed,
        Some(22),
        Some("setup-driver"),
    );
    assert_eq!(detail(&d, "SetupDiag rule"), Some("DriverInstallFailure"));
    assert!(detail(&d, "extend code").is_some_and(|s| s.starts_with("0x30018: first boot")));
}

#[test]
fn servicing_logs_stay_cbs_and_dism() {
    // CBS and DISM lines in a setup log do not make it a servicing log, and the reverse must hold too.
    let cbs = "2025-01-14 09:02:11, Info                  CBS    Starting TrustedInstaller initialization.\n\
               2025-01-14 09:02:12, Info                  CSI    00000001@2025/1/14:09:02:12.100 WcpInitialize: wcp.dll version 0.0.0.6\n";
    let d = diagnose_text("CBS.log", cbs, &Answers::new());
    assert_eq!(d.files[0].format, "cbs");
    let setup = format!(
        "{cbs}2025-01-14 09:02:13, Info                  MOUPG  SetupHost::Initialize: CmdLine = [/Install]\n"
    );
    let d = diagnose_text("setupact.log", &setup, &Answers::new());
    assert_eq!(d.files[0].format, "setup");
}

#[test]
fn setupdiag_xml_on_one_line_names_its_failure() {
    let d = check(
        "setupdiag_results_oneline.xml",
        Verdict::Failed,
        Some(1),
        Some("setup-disk-space"),
    );
    assert_eq!(detail(&d, "SetupDiag rule"), Some("FindSPFatalError"));
    assert!(d.codes.contains(&"0x80070070".to_string()));
}

#[test]
fn a_failed_sysprep_provider_roots_at_the_error_with_sysprep_s_code() {
    // The provider's own error line holds the 0x80070005 that Sysprep reports last; the DLL's failure line follows.
    let d = check(
        "sysprep_provider_failure.log",
        Verdict::Failed,
        Some(6),
        Some("setup-access-denied"),
    );
    assert!(d.findings.iter().any(|f| f.line == 7));
}

#[test]
fn a_rollback_without_a_code_is_a_failure_for_the_driver_guide() {
    let d = check(
        "rollback_no_code.log",
        Verdict::Failed,
        Some(2),
        Some("setup-driver"),
    );
    assert_eq!(d.guide.id, "setup-driver");
}

#[test]
fn setupapi_failure_fixed_by_a_later_install_of_the_same_device_succeeded() {
    let d = check(
        "setupapi_failure_fixed_later.log",
        Verdict::Succeeded,
        None,
        None,
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n.message.contains("0 of them did not succeed later")),
        "{}",
        digest(&d)
    );
}

#[test]
fn a_failed_device_installation_without_a_setup_code_is_a_driver_problem() {
    let text = ">>>  [Device Install (Hardware initiated) - USB\\VID_1234&PID_5678\\0001]\n\
                >>>  Section start 2025/06/02 08:15:40.118\n\
                !!!  dvi: Device not started: Device has problem: 0x0a (CM_PROB_FAILED_START).\n\
                <<<  Section end 2025/06/02 08:15:41.002\n\
                <<<  [Exit status: FAILURE(0xe0000219)]\n";
    let d = diagnose_text("setupapi.dev.log", text, &Answers::new());
    assert_eq!(d.files[0].format, "setup", "{}", digest(&d));
    assert_eq!(d.root_cause.as_ref().map(|r| r.line), Some(3));
    assert_eq!(
        d.root_cause.as_ref().and_then(|r| r.cause.as_deref()),
        Some("setup-driver")
    );
}

#[test]
fn a_setup_failure_no_code_explains_takes_the_general_procedure() {
    let text = "2025-01-14 09:04:30, Error                 SP     CSetupPlatformPrivate::Execute: Execution of operations queue failed, abandoning. Error: 0x8007042B\n\
                2025-01-14 09:04:31, Info                  MOUPG  SetupHost: Reporting error event -> [0x8007042B, 0x4000D]\n";
    let d = diagnose_text("setupact.log", text, &Answers::new());
    assert_eq!(d.verdict, Verdict::Failed, "{}", digest(&d));
    assert_eq!(d.root_cause.as_ref().map(|r| r.line), Some(1));
    assert_eq!(d.guide.id, "setup-failure");
}

#[test]
fn an_appended_log_roots_in_its_last_run() {
    // setupact.log is appended by every attempt: the same failure twice is explained by the second run's line.
    let once =
        String::from_utf8(crate::digest::fixture("setup", "upgrade_disk_space.log")).unwrap();
    let twice = format!("{once}{once}");
    let d = diagnose_text("setupact.log", &twice, &Answers::new());
    let lines = once.lines().count() as u64;
    assert_eq!(
        d.root_cause.as_ref().map(|r| r.line),
        Some(lines + 8),
        "{}",
        digest(&d)
    );
}

#[test]
fn rollback_lines_after_a_failed_operation_leave_its_origin_the_root() {
    // The rollback is the consequence; the plug-in's 0x8007042B, which the failed operation reports, the cause.
    let d = check(
        "rollback_after_failed_operation.log",
        Verdict::Failed,
        Some(3),
        Some("setup-failure"),
    );
    assert!(d.codes.contains(&"0x8007042b".to_string()));
}
