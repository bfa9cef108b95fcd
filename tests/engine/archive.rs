//! Archives: a zip (or cab) of logs is read entry by entry as files of its own.

use std::io::{Cursor, Write};

use setup_triage::scan::archive;
use setup_triage::{Diagnoser, Verdict};

use crate::digest::{diagnose, digest, fixture};

/// Builds a zip of named entries, deflated.
pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).expect("start");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// Diagnoses one archive and checks its verdict and where the root cause is (`file:line`).
fn check(input: Vec<u8>, expected: (Verdict, Option<&str>)) -> setup_triage::Diagnosis {
    let d = diagnose(&[("logs.zip", input)]);
    let root = d
        .root_cause
        .as_ref()
        .map(|r| format!("{}:{}", r.file, r.line));
    assert_eq!((d.verdict, root.as_deref()), expected, "{}", digest(&d));
    d
}

#[test]
fn zip_entries_become_files_and_the_deepest_cause_wins() {
    let z = zip(&[
        (
            "Logs/ReportingEvents.txt",
            &fixture("event", "wu_event20.txt"),
        ),
        (
            "Logs/CBS/CBS.log",
            &fixture("cbs", "cbs_installer_rollback.log"),
        ),
        ("empty/", b""),
    ]);
    let d = check(z, (Verdict::Failed, Some("logs.zip/Logs/CBS/CBS.log:8")));
    let names: Vec<&str> = d.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "logs.zip",
            "logs.zip/Logs/ReportingEvents.txt",
            "logs.zip/Logs/CBS/CBS.log",
            "logs.zip/empty/"
        ]
        .iter()
        .filter(|n| !n.ends_with('/'))
        .copied()
        .collect::<Vec<_>>()
    );
    insta::assert_snapshot!(digest(&d));
}

#[test]
fn nested_zip_one_level_is_read_deeper_is_not() {
    let inner = zip(&[("event.txt", &fixture("event", "msi_1033.txt"))]);
    let middle = zip(&[("inner.zip", &inner)]);
    let d = check(
        middle.clone(),
        (Verdict::Failed, Some("logs.zip/inner.zip/event.txt:1")),
    );
    assert_eq!(d.files.len(), 3);
    let outer = zip(&[("middle.zip", &middle)]);
    let d = check(outer, (Verdict::Inconclusive, None));
    assert!(
        d.notes
            .iter()
            .any(|n| n.message.contains("archive inside an archive")),
        "{}",
        digest(&d)
    );
}

#[test]
fn corrupt_and_truncated_zips_give_a_note_not_a_panic() {
    let good = zip(&[("a.log", &fixture("cbs", "sfc_unrepaired.log"))]);
    for cut in [4, 30, 60, good.len() / 2, good.len() - 10] {
        let d = diagnose(&[("logs.zip", good[..cut].to_vec())]);
        assert_ne!(d.verdict, Verdict::Succeeded);
        assert!(!d.notes.is_empty(), "cut at {cut}: {}", digest(&d));
    }
    let mut flipped = good.clone();
    for i in (40..flipped.len()).step_by(7) {
        flipped[i] ^= 0x5A;
    }
    let _ = diagnose(&[("logs.zip", flipped)]);
}

#[test]
fn zip_is_detected_by_content_fed_in_small_chunks() {
    let z = zip(&[("w.log", &fixture("windows_update", "win7_msi_handler.log"))]);
    let mut d = Diagnoser::new();
    d.begin("download.bin");
    for c in z.chunks(7) {
        d.feed(c);
    }
    d.end();
    let diag = d.finish(&Default::default());
    assert_eq!(diag.verdict, Verdict::Failed);
    assert_eq!(
        diag.root_cause.as_ref().map(|r| r.file.as_str()),
        Some("download.bin/w.log")
    );
}

#[test]
fn entry_limit_is_said_in_a_note() {
    let names: Vec<String> = (0..archive::MAX_ENTRIES + 5)
        .map(|i| format!("f{i}.txt"))
        .collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), &b"hello\n"[..]))
        .collect();
    let d = diagnose(&[("many.zip", zip(&entries))]);
    assert_eq!(d.files.len(), archive::MAX_ENTRIES + 1);
    assert!(
        d.notes
            .iter()
            .any(|n| n.message.contains("only the first 1000"))
    );
}

/// Builds an MSZIP cabinet holding one DISM log, as Microsoft's log collector writes them.
fn cab_of_dism_log() -> Vec<u8> {
    let mut builder = cab::CabinetBuilder::new();
    builder
        .add_folder(cab::CompressionType::MsZip)
        .add_file("Logs\\dism.log");
    let mut writer = builder.build(Cursor::new(Vec::new())).expect("build");
    while let Some(mut f) = writer.next_file().expect("next") {
        f.write_all(&fixture("cbs", "dism_source_missing.log"))
            .expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

#[test]
fn damaged_cabs_give_a_note_not_a_panic() {
    let good = cab_of_dism_log();
    for cut in [8, 40, good.len() / 2, good.len() - 3] {
        let d = diagnose(&[("vslogs.cab", good[..cut].to_vec())]);
        assert_ne!(d.verdict, Verdict::Succeeded);
        assert!(!d.notes.is_empty(), "cut at {cut}: {}", digest(&d));
    }
    for step in [3, 5, 11, 29] {
        let mut flipped = good.clone();
        for i in (36..flipped.len()).step_by(step) {
            flipped[i] ^= 0xA5;
        }
        let _ = diagnose(&[("vslogs.cab", flipped)]);
    }
}

#[test]
fn cab_entries_are_read_like_zip_entries() {
    let bytes = cab_of_dism_log();
    let d = diagnose(&[("vslogs.cab", bytes)]);
    assert_eq!(
        d.root_cause
            .as_ref()
            .map(|r| format!("{}:{}", r.file, r.line))
            .as_deref(),
        Some("vslogs.cab/Logs/dism.log:7"),
        "{}",
        digest(&d)
    );
}

/// Every fixture of these readers gives the same diagnosis whatever the chunk size, inside a zip or not.
#[test]
fn chunking_and_zipping_do_not_change_the_diagnosis() {
    for dir in ["windows_update", "cbs", "event"] {
        let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        for name in names {
            let bytes = fixture(dir, &name);
            let whole = diagnose(&[(name.as_str(), bytes.clone())]);
            for size in [1, 3, 4095, 4097] {
                let mut d = Diagnoser::new();
                d.begin(&name);
                for c in bytes.chunks(size) {
                    d.feed(c);
                }
                let chunked = d.finish(&Default::default());
                assert_eq!(
                    digest(&chunked),
                    digest(&whole),
                    "{dir}/{name} in chunks of {size}"
                );
            }
            let zipped = diagnose(&[("z.zip", zip(&[(name.as_str(), &bytes)]))]);
            assert_eq!(zipped.verdict, whole.verdict, "{dir}/{name} zipped");
            assert_eq!(
                zipped.root_cause.as_ref().map(|r| r.line),
                whole.root_cause.as_ref().map(|r| r.line),
                "{dir}/{name} zipped"
            );
        }
    }
}

mod never_panics {
    use proptest::prelude::*;

    use super::diagnose;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Bytes that start like a zip, a cabinet, an event log or a trace, and then go wrong.
        #[test]
        fn on_damaged_containers(
            magic in prop::sample::select(vec![
                &b"PK\x03\x04"[..], &b"PK\x05\x06"[..], &b"MSCF\0\0\0\0"[..], &b"ElfFile\0"[..],
                &b"\x00\x00\x01\x00"[..],
            ]),
            tail in prop::collection::vec(any::<u8>(), 0..3000),
        ) {
            let mut bytes = magic.to_vec();
            bytes.extend_from_slice(&tail);
            let _ = diagnose(&[("x", bytes)]);
        }

        /// Lines made of the readers' own vocabulary, in any order and cut anywhere.
        #[test]
        fn on_scrambled_log_lines(parts in prop::collection::vec(prop::sample::select(vec![
            "2024/02/14 10:15:00.1234567 4412  6120  Agent  ", "2013-06-12\t10:30:00:000\t 908\t1a2c\tHandler\t",
            "2023-05-17 12:00:00, Error                 CSI    00000008 (F) ", "LogHistory called. idUpdate={",
            "7D3A61F2-5B1C-4E2A-9C0D-1A2B3C4D5E6F", "}.1, resultMapped=", "80070643", "hrDeploy = 0x",
            "Method failed for update ", "Download call complete (succeeded = 0, succeeded with errors = 0, failed = ",
            "[SR] Cannot repair member file [l:10]\"", "Hashes for file member [l:9]'a' do not match.",
            "REPORT EVENT: {", "\t", "\r\n", "\n", "<![LOG[", "]LOG]!><time=\"1\" date=\"2\" component=\"c\" type=\"3\"",
            "Event Source:\tMsiInstaller\n", "Event Type:\tError\n", "Description:\n", "Product: X -- Error 1935.",
            "Installation Failure: Windows failed to install the following update with error 0x", "(KB5034441).",
            "Operation result: 0x800f081f", "(p)\tCSI Payload Corrupt", "Windows Installer installed the product. Product Name: ",
            "é", "\u{FFFD}", "\0",
        ]), 0..60)) {
            let text: String = parts.concat();
            let _ = diagnose(&[("x", text.clone().into_bytes())]);
            let mut d = setup_triage::Diagnoser::new();
            d.begin("y");
            for c in text.as_bytes().chunks(5) {
                d.feed(c);
            }
            let _ = d.finish(&Default::default());
        }
    }
}

#[test]
fn binary_event_log_says_how_to_export_text() {
    let mut evtx = b"ElfFile\0".to_vec();
    evtx.resize(8192, 0);
    let d = diagnose(&[("System.evtx", evtx)]);
    assert_eq!(d.verdict, Verdict::Inconclusive);
    assert!(d.findings.is_empty());
    assert!(
        d.notes.iter().any(|n| n.message.contains("wevtutil")),
        "{}",
        digest(&d)
    );
}
