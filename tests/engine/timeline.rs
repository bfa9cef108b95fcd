//! The timeline of a Windows Installer log: its actions in order, where it went wrong, in bounded memory.

use setup_triage::model::diagnosis::Timeline;
use setup_triage::{Answers, Diagnoser, diagnose_text};

/// An MSI log of `n` actions whose `fail`-th (0-based) returns 3, wrapped in INSTALL like real logs.
fn msi_log(n: usize, fail: Option<usize>) -> String {
    let mut s = String::from(
        "=== Verbose logging started: 3/10/2024  17:26:19  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\nAction start 17:26:19: INSTALL.\n",
    );
    for i in 0..n {
        s.push_str(&format!("Action start 17:26:20: Action{i}.\n"));
        if fail == Some(i) {
            s.push_str("MSI (s) (C0:D4) [17:26:20:000]: Product: Contoso -- Error 1310. Error writing to file: C:\\x.dll.\n");
        }
        let rv = if fail == Some(i) { 3 } else { 1 };
        s.push_str(&format!(
            "Action ended 17:26:20: Action{i}. Return value {rv}.\n"
        ));
        if fail == Some(i) {
            break;
        }
    }
    let rv = if fail.is_some() { 3 } else { 1 };
    s.push_str(&format!(
        "Action ended 17:26:21: INSTALL. Return value {rv}.\n"
    ));
    s
}

/// The one timeline of a diagnosis, with the names of its actions.
fn timeline(text: &str) -> (Timeline, Vec<String>) {
    let d = diagnose_text("install.log", text, &Answers::new());
    assert_eq!(d.timeline.len(), 1, "one MSI log, one timeline");
    let t = d.timeline[0].clone();
    let names = t.actions.iter().map(|a| a.name.clone()).collect();
    (t, names)
}

#[test]
fn actions_in_order_with_lines_results_and_the_failing_one() {
    let (t, names) = timeline(&msi_log(3, Some(1)));
    assert_eq!(names, ["INSTALL", "Action0", "Action1"]);
    assert_eq!(t.total, 3);
    let a1 = &t.actions[2];
    assert_eq!(
        (a1.start, a1.end, a1.result, a1.failed),
        (5, Some(7), Some(3), true)
    );
    // INSTALL returns 3 too, afterwards: it contains the failure, it is not the one that failed.
    let install = &t.actions[0];
    assert_eq!((install.result, install.failed), (Some(3), false));
    assert_eq!(t.actions[1].result, Some(1));
    assert_eq!(t.actions.iter().filter(|a| a.failed).count(), 1);
}

#[test]
fn a_huge_log_keeps_the_start_and_the_actions_around_the_failure() {
    let (t, names) = timeline(&msi_log(20_000, Some(12_000)));
    assert_eq!(t.total, 12_002);
    assert!(t.actions.len() <= Timeline::HEAD + 2 * Timeline::AROUND + 1);
    assert_eq!(names[0], "INSTALL");
    let at = t
        .actions
        .iter()
        .position(|a| a.failed)
        .expect("the failure is kept");
    assert_eq!(names[at], "Action12000");
    assert_eq!(at, Timeline::HEAD + Timeline::AROUND - 1);
    // The gap is marked where it is: the kept actions and the skipped ones add up to the total.
    let gap = t
        .actions
        .iter()
        .position(|a| a.skipped_before > 0)
        .expect("a gap");
    assert_eq!(gap, Timeline::HEAD);
    let skipped: u64 = t.actions.iter().map(|a| a.skipped_before).sum();
    assert_eq!(skipped + t.actions.len() as u64, t.total);
}

#[test]
fn a_successful_log_keeps_its_start_and_its_end() {
    let (t, names) = timeline(&msi_log(500, None));
    assert_eq!(t.total, 501);
    assert_eq!(t.actions.len(), Timeline::HEAD + Timeline::AROUND);
    assert!(t.actions.iter().all(|a| !a.failed));
    assert_eq!(names.last().map(String::as_str), Some("Action499"));
    assert_eq!(t.actions[Timeline::HEAD].skipped_before, 501 - 100);
}

#[test]
fn chunks_do_not_change_the_timeline() {
    let log = msi_log(300, Some(200));
    let whole = diagnose_text("install.log", &log, &Answers::new()).timeline;
    let mut d = Diagnoser::new();
    d.begin("install.log");
    for chunk in log.as_bytes().chunks(97) {
        d.feed(chunk);
    }
    d.end();
    assert_eq!(d.finish(&Answers::new()).timeline, whole);
}

#[test]
fn other_formats_have_no_timeline_and_the_json_leaves_it_out() {
    let d = diagnose_text("paste", "Error 0x80070643", &Answers::new());
    assert!(d.timeline.is_empty());
    let json = serde_json::to_value(&d).expect("serialises");
    assert!(json.get("timeline").is_none());
    let d = diagnose_text("install.log", &msi_log(2, Some(0)), &Answers::new());
    let json = serde_json::to_value(&d).expect("serialises");
    assert_eq!(json["timeline"][0]["actions"][1]["failed"], true);
}

#[test]
fn timeline_of_the_1935_fixture() {
    let log = std::fs::read_to_string(format!(
        "{}/tests/fixtures/msi/verbose_1935_decoys.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let d = diagnose_text("verbose_1935_decoys.log", &log, &Answers::new());
    insta::assert_json_snapshot!("timeline_1935", d.timeline);
}

#[test]
fn a_chinese_log_has_its_timeline_too() {
    let log = std::fs::read_to_string(format!(
        "{}/tests/fixtures/msi/chinese_return_value.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let (t, names) = timeline(&log);
    assert_eq!(names, ["InstallFinalize"]);
    assert_eq!(
        (t.actions[0].end, t.actions[0].result, t.actions[0].failed),
        (Some(6), Some(3), true)
    );
}
