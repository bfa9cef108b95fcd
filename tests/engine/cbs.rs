//! CBS.log and DISM.log, SFC `[SR]` results, and the benign lines a naive search trips on.

use setup_triage::{Diagnosis, Verdict};

use crate::digest::{check_fixture, digest};
use setup_triage::model::facts::Fact;

/// Diagnoses one fixture and checks its verdict and root-cause line.
fn check(input: &str, expected: (Verdict, Option<u64>)) -> Diagnosis {
    check_fixture("cbs", input, expected)
}

#[test]
fn failed_advanced_installer_starts_the_rollback() {
    let d = check("cbs_installer_rollback.log", (Verdict::Failed, Some(8)));
    assert_eq!(d.files[0].format, "cbs");
    assert!(d.codes.contains(&"0x800f0922".to_string()));
    assert!(
        !d.codes.contains(&"0x800f0805".to_string()),
        "KB3025096 decoy: {:?}",
        d.codes
    );
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn dism_error_in_operation_beats_the_mistyped_command_before_it() {
    let d = check("dism_source_missing.log", (Verdict::Failed, Some(7)));
    assert_eq!(d.files[0].format, "dism");
    assert_eq!(d.codes.first().map(String::as_str), Some("0x800f081f"));
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn dism_appx_and_enumerate_errors_are_decoys() {
    check("dism_appx_decoys.log", (Verdict::Inconclusive, None));
}

#[test]
fn hash_mismatch_followed_by_csi_error_is_store_corruption() {
    let d = check("cbs_store_corrupt.log", (Verdict::Failed, Some(5)));
    assert_eq!(
        d.root_cause.as_ref().and_then(|r| r.cause.as_deref()),
        Some("component-store")
    );
}

#[test]
fn hash_mismatch_alone_is_not_a_failure() {
    check("cbs_hash_recheck.log", (Verdict::Succeeded, None));
}

#[test]
fn sfc_cannot_repair_then_repaired_is_not_a_failure() {
    check("sfc_repaired.log", (Verdict::Succeeded, None));
}

#[test]
fn sfc_cannot_repair_never_repaired_is_the_cause() {
    check("sfc_unrepaired.log", (Verdict::Failed, Some(3)));
}

#[test]
fn store_scan_damage_that_repair_cannot_fix_is_the_cause() {
    let d = check("checksur_repair_failed.log", (Verdict::Failed, Some(4)));
    assert_eq!(
        d.root_cause.as_ref().and_then(|r| r.cause.as_deref()),
        Some("component-store")
    );
}

#[test]
fn store_scan_damage_repaired_later_is_not_a_failure() {
    check("checksur_repaired.log", (Verdict::Succeeded, None));
}

#[test]
fn failed_session_result_is_the_root_when_nothing_says_more() {
    let d = check("cbs_session_failed.log", (Verdict::Failed, Some(5)));
    assert_eq!(d.codes.first().map(String::as_str), Some("0x80070643"));
    assert_eq!(d.facts.get(Fact::Kb), Some("KB5034441"));
}

#[test]
fn reboot_required_result_is_not_a_failure() {
    check("cbs_reboot_required.log", (Verdict::Succeeded, None));
}
