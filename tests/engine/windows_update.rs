//! Windows Update logs: WindowsUpdate.log (Windows 10+ and Vista/7), ReportingEvents.log, CMTrace, .etl.

use setup_triage::{Diagnosis, Verdict};

use crate::digest::{check_fixture, diagnose, digest, fixture};
use setup_triage::model::facts::Fact;

/// Diagnoses one fixture and checks its verdict and root-cause line.
fn check(input: &str, expected: (Verdict, Option<u64>)) -> Diagnosis {
    check_fixture("windows_update", input, expected)
}

#[test]
fn win10_install_failure_names_the_update() {
    let d = check("win10_install_failed.log", (Verdict::Failed, Some(11)));
    assert_eq!(d.facts.get(Fact::Kb), Some("KB5034582"));
    assert_eq!(d.facts.get(Fact::Product), Some("dotnet"));
    assert_eq!(d.facts.get(Fact::WindowsBuild), Some("10.0.19045.3930"));
    assert_eq!(d.facts.get(Fact::Windows), Some("10"));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn failed_chatter_and_restart_pending_are_success() {
    let d = check("win10_restart_pending.log", (Verdict::Succeeded, None));
    assert_eq!(d.facts.get(Fact::RestartPending), Some("yes"));
}

#[test]
fn download_that_never_succeeds_is_the_cause() {
    let d = check("win10_download_failed.log", (Verdict::Failed, Some(8)));
    assert!(d.codes.contains(&"0x8020002b".to_string()), "{:?}", d.codes);
    assert_eq!(d.facts.get(Fact::Kb), Some("KB5034127"));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn download_and_search_retried_with_success_are_not_failures() {
    check("win10_download_retried.log", (Verdict::Succeeded, None));
}

#[test]
fn win7_msi_handler_line_is_the_cause() {
    let d = check("win7_msi_handler.log", (Verdict::Failed, Some(7)));
    let root = d.root_cause.as_ref().expect("root");
    assert!(
        root.details
            .iter()
            .any(|x| x.label == "action" && x.value == "StartCache")
    );
    assert_eq!(d.facts.get(Fact::Kb), Some("KB2656351"));
    assert_eq!(d.facts.get(Fact::Windows), Some("7"));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn win7_search_failure_later_retried_is_not_a_failure() {
    // The agent retried the search on its own and it completed: nothing failed in the end.
    check("win7_search_retried.log", (Verdict::Succeeded, None));
}

#[test]
fn cmtrace_first_error_is_the_cause() {
    let d = check("cmtrace_error.log", (Verdict::Failed, Some(4)));
    assert_eq!(d.files[0].format, "cmtrace");
    assert!(d.codes.contains(&"0x87d00215".to_string()));
    // A Configuration Manager code leads to the guide for a managed computer, not to the generic one.
    assert_eq!(d.guide.id, "configmgr");
    assert_eq!(d.guide.steps[0].id, "configmgr-policy-refresh");
}

#[test]
fn cmtrace_warnings_only_are_not_a_failure() {
    check("cmtrace_clean.log", (Verdict::Inconclusive, None));
}

/// ReportingEvents.log rows, as the file holds them: UTF-16LE with a BOM, CRLF.
fn reporting_events(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut text = String::new();
    for (i, (update, hr, outcome, message)) in rows.iter().enumerate() {
        text += &format!(
            "{{5E0A3C2B-1D4F-4A6B-9C8D-7E6F5A4B3C2{i}}}\t2013-06-12 10:3{i}:22:000-0400\t1\t182\t101\t{{{update}}}\t201\t{hr}\tAutomaticUpdates\t{outcome}\tContent Install\t{message}\r\n"
        );
    }
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes
}

#[test]
fn reporting_events_utf16_failure_and_success() {
    let failed = reporting_events(&[
        (
            "11111111-2222-3333-4444-555555555555",
            "0",
            "Success",
            "Installation Successful: Windows successfully installed the following update: Definition Update for Windows Defender - KB915597 (Definition 1.151.1292.0)",
        ),
        (
            "8F2C5A10-3B4D-4E6F-9A1B-2C3D4E5F6A7B",
            "80070643",
            "Failure",
            "Installation Failure: Windows failed to install the following update with error 0x80070643: Security Update for Microsoft .NET Framework 4 on Windows 7 x64 (KB2656351).",
        ),
    ]);
    let d = diagnose(&[("ReportingEvents.log", failed)]);
    assert_eq!(d.verdict, Verdict::Failed, "{}", digest(&d));
    assert_eq!(d.root_cause.as_ref().map(|r| r.line), Some(2));
    assert_eq!(d.files[0].format, "reportingevents");
    assert_eq!(d.facts.get(Fact::Kb), Some("KB2656351"));
    assert!(d.codes.contains(&"1603".to_string()));

    let ok = reporting_events(&[(
        "11111111-2222-3333-4444-555555555555",
        "0",
        "Success",
        "Installation Successful: Windows successfully installed the following update: Definition Update for Windows Defender - KB915597 (Definition 1.151.1292.0)",
    )]);
    let d = diagnose(&[("ReportingEvents.log", ok)]);
    assert_eq!(d.verdict, Verdict::Succeeded, "{}", digest(&d));
}

/// The start of an ETW trace as Windows writes it: a WMI buffer header, then the logger's header naming its file
/// in UTF-16, then binary events.
fn etl_trace() -> Vec<u8> {
    let mut b = vec![0u8; 0x10000];
    b[..4].copy_from_slice(&0x10000u32.to_le_bytes());
    b[0x48..0x4c].copy_from_slice(&[0x02, 0x00, 0x02, 0xC0]);
    let path = r"C:\Windows\Logs\WindowsUpdate\WindowsUpdate.20231005.101010.123.1.etl";
    let mut at = 0x200;
    for u in path.encode_utf16() {
        b[at..at + 2].copy_from_slice(&u.to_le_bytes());
        at += 2;
    }
    for (i, x) in b.iter_mut().enumerate().skip(0x400) {
        *x = (i.wrapping_mul(2654435761) >> 13) as u8;
    }
    b
}

#[test]
fn undecoded_etl_says_how_to_get_the_log() {
    let d = diagnose(&[("WindowsUpdate.20231005.101010.123.1.etl", etl_trace())]);
    assert_eq!(d.verdict, Verdict::Inconclusive);
    assert!(d.root_cause.is_none());
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(d.facts.get(Fact::Cause), Some("etl-undecoded"));
    assert_eq!(d.files[0].format, "etl");
    assert!(
        d.notes
            .iter()
            .any(|n| n.message.contains("Get-WindowsUpdateLog"))
    );
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn etl_detection_is_by_content_not_name() {
    // The same bytes named .log are still a trace; a text log named .etl is still text.
    let d = diagnose(&[("WindowsUpdate.log", etl_trace())]);
    assert_eq!(d.files[0].format, "etl");
    let d = diagnose(&[(
        "trace.etl",
        fixture("windows_update", "win10_install_failed.log"),
    )]);
    assert_eq!(d.files[0].format, "windowsupdate");
}

#[test]
fn windows_10_placeholder_log_points_to_the_trace() {
    let d = check("win10_placeholder.log", (Verdict::Inconclusive, None));
    assert_eq!(d.facts.get(Fact::Cause), Some("etl-undecoded"));
    assert!(
        d.notes
            .iter()
            .any(|n| n.message.contains("Get-WindowsUpdateLog"))
    );
}

#[test]
fn failed_installation_beats_failed_searches_before_it() {
    let d = check("win7_search_and_fatal.log", (Verdict::Failed, Some(3)));
    assert_eq!(d.codes.first().map(String::as_str), Some("0x800f0922"));
}

#[test]
fn cmtrace_message_over_several_lines_keeps_its_start() {
    let d = check("cmtrace_multiline.log", (Verdict::Failed, Some(3)));
    let root = d.root_cause.as_ref().expect("root");
    assert!(root.summary.contains("WUAHandler"), "{}", root.summary);
    assert!(d.codes.contains(&"0x80244022".to_string()), "{:?}", d.codes);
}
