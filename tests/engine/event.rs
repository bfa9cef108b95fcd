//! Event-log exports and single event messages.

use setup_triage::{Diagnosis, Verdict};

use crate::digest::{check_fixture, digest};
use setup_triage::model::facts::Fact;

/// Diagnoses one fixture and checks its verdict and root-cause line.
fn check(input: &str, expected: (Verdict, Option<u64>)) -> Diagnosis {
    check_fixture("event", input, expected)
}

#[test]
fn event_viewer_11708_is_a_failure_without_cause() {
    let d = check("eventvwr_11708.txt", (Verdict::Failed, Some(23)));
    assert_eq!(d.files[0].format, "event");
    assert!(d.notes.iter().any(|n| n.message.contains("msiexec /l*v")));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn msi_error_event_is_the_cause_not_the_11708_after_it() {
    let d = check("eventvwr_1935.txt", (Verdict::Failed, Some(10)));
    assert_eq!(d.codes.first().map(String::as_str), Some("1935"));
}

#[test]
fn frst_list_finds_the_windows_update_event_among_service_errors() {
    let d = check("frst_wu_error.txt", (Verdict::Failed, Some(17)));
    assert_eq!(d.facts.get(Fact::Kb), Some("KB5034441"));
    assert_eq!(d.facts.get(Fact::Product), Some("winre"));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn frst_list_without_setup_errors_is_not_a_failure() {
    check("frst_no_setup_errors.txt", (Verdict::Inconclusive, None));
}

#[test]
fn windows_update_event_20_gives_title_and_kb() {
    let d = check("wu_event20.txt", (Verdict::Failed, Some(1)));
    assert_eq!(d.facts.get(Fact::Kb), Some("KB2656356"));
    assert_eq!(d.facts.get(Fact::DotnetTarget), Some("3.5"));
    let root = d.root_cause.as_ref().expect("root");
    assert!(
        root.details
            .iter()
            .any(|x| x.label == "KB" && x.value == "KB2656356")
    );
}

#[test]
fn windows_update_event_19_is_success() {
    check("wu_event19.txt", (Verdict::Succeeded, None));
}

#[test]
fn msi_1033_status_1603_is_a_failure() {
    let d = check("msi_1033.txt", (Verdict::Failed, Some(1)));
    assert!(d.codes.contains(&"1603".to_string()));
}

#[test]
fn msi_1023_names_the_update_and_its_log() {
    let d = check("msi_1023.txt", (Verdict::Failed, Some(1)));
    assert_eq!(d.facts.get(Fact::Kb), Some("KB4484103"));
    assert_eq!(
        d.facts.get(Fact::LogPath),
        Some(r"C:\Windows\TEMP\msp-kb4484103.log")
    );
    assert_eq!(d.facts.get(Fact::Product), Some("office"));
}

#[test]
fn winre_4502_phase_2_is_the_recovery_partition() {
    let d = check("winre_4502.txt", (Verdict::Failed, Some(1)));
    assert_eq!(
        d.root_cause.as_ref().and_then(|r| r.cause.as_deref()),
        Some("winre-partition")
    );
}

#[test]
fn event_viewer_saved_as_tab_separated_text() {
    let d = check("eventvwr_saved.txt", (Verdict::Failed, Some(3)));
    assert_eq!(d.files[0].format, "event");
    assert_eq!(
        d.root_cause.as_ref().and_then(|r| r.cause.as_deref()),
        Some("another-install")
    );
}

#[test]
fn event_viewer_saved_as_csv() {
    let d = check("eventvwr_saved.csv", (Verdict::Failed, Some(2)));
    assert_eq!(d.facts.get(Fact::Kb), Some("KB5034441"));
    assert_eq!(
        d.facts.get(Fact::UpdateTitle),
        Some(
            "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)"
        )
    );
}

#[test]
fn get_winevent_format_list() {
    let d = check("get_winevent.txt", (Verdict::Failed, Some(6)));
    assert_eq!(d.facts.get(Fact::Product), Some("winre"));
}

#[test]
fn frst_program_list_does_not_decide_what_failed() {
    let d = check(
        "frst_msi_failure_with_programs.txt",
        (Verdict::Failed, Some(17)),
    );
    assert_eq!(d.facts.get(Fact::ProductName), Some("Example Agent"));
    assert_eq!(d.facts.get(Fact::Product), None, "{:?}", d.facts);
    assert_eq!(d.facts.get(Fact::Kb), None, "{:?}", d.facts);
    assert_eq!(d.facts.get(Fact::Cause), Some("no-cause-in-log"));
}
