//! Broken and hostile inputs (issue 17): bounded memory and work on any bytes, terminal-safe text, a word for
//! binary input, and the cause line's number in a file that changes encoding.

use setup_triage::scan::scan::{LONG_LINE, MAX_HELD};
use setup_triage::{Answers, Diagnoser, Diagnosis, Verdict};

/// Feeds `total` bytes of `piece` repeated, in chunks of `chunk`, checking after every chunk that the engine
/// holds at most [`MAX_HELD`] bytes; returns the diagnosis and the bytes of text the scan went over.
fn feed_repeated(name: &str, piece: &[u8], total: usize, chunk: usize) -> (Diagnosis, u64) {
    let block: Vec<u8> = piece.iter().copied().cycle().take(chunk).collect();
    let mut d = Diagnoser::new();
    d.begin(name);
    let mut fed = 0;
    let mut most = 0;
    while fed < total {
        let n = chunk.min(total - fed);
        d.feed(&block[..n]);
        fed += n;
        most = most.max(d.held());
        assert!(
            d.held() <= MAX_HELD,
            "{} bytes held after {fed} bytes",
            d.held()
        );
    }
    d.end();
    let scanned = d.scanned();
    eprintln!("{name}: {total} bytes, at most {most} held, {scanned} scanned");
    (d.finish(&Answers::new()), scanned)
}

/// Issue 17, 1: a file of 1 GB with no line break, fed in 1 MiB chunks. Before, the scan kept the whole line
/// (about 4 GB at its peak) and searched it again for every chunk.
#[test]
fn a_gigabyte_without_a_line_break_is_read_in_bounded_memory() {
    let total = 1usize << 30;
    let (d, scanned) = feed_repeated("no-breaks.log", b"A", total, 1 << 20);
    assert!(
        scanned <= 4 * total as u64,
        "{scanned} bytes scanned for {total}"
    );
    assert_eq!(d.files[0].lines, 1);
    let note = d
        .notes
        .iter()
        .find(|n| n.message.contains("longer than 1 MiB"));
    assert!(note.is_some(), "{:?}", d.notes);
}

/// A CR-only file (no LF in the text its format is detected from) splits at its CRs: the cause line has its
/// own number, and a CR LF file keeps the LF rule (a stray CR inside a line does not end it).
#[test]
fn cr_only_line_ends_split_lines_and_crlf_files_keep_the_lf_rule() {
    let mut lines: Vec<String> = (1..=20).map(|i| format!("Step {i} done")).collect();
    lines.push("Installation failed with error 0x80070643".into());
    lines.push("End".into());
    let cr_only = lines.join("\r");
    let d = setup_triage::diagnose_text("mac.log", &cr_only, &Answers::new());
    assert_eq!(d.files[0].lines, 22);
    assert_eq!(d.root_cause.as_ref().map(|r| r.line), Some(21));
    assert!(!d.root_cause.as_ref().unwrap().text.contains('\r'));
    let crlf = format!("a stray \r in a line\r\n{}", lines.join("\r\n"));
    let d = setup_triage::diagnose_text("win.log", &crlf, &Answers::new());
    assert_eq!(d.files[0].lines, 23);
    assert_eq!(d.root_cause.as_ref().map(|r| r.line), Some(22));
}

/// A CR-only file of many megabytes is read in bounded memory, line by line (before: the whole file was one
/// line, held whole).
#[test]
fn a_large_cr_only_file_is_read_line_by_line() {
    let line = b"2024-03-10 10:12:01, Info CBS a line of a log with CR-only line ends\r";
    let total = 16 << 20;
    let (d, scanned) = feed_repeated("cr.log", line, total, 1 << 20);
    assert!(scanned <= 4 * total as u64);
    // Each chunk holds whole copies of the line and the start of one more; the file ends without a CR.
    let per_chunk = (1 << 20) / line.len();
    assert_eq!(d.files[0].lines, (16 * per_chunk) as u64 + 1);
    assert!(
        !d.notes.iter().any(|n| n.message.contains("longer than")),
        "{:?}",
        d.notes
    );
}

/// A finding inside a very long line keeps the line's number; the lines around it are numbered as before.
#[test]
fn a_finding_in_a_cut_line_keeps_its_line_number() {
    let mut input = b"first line\nsecond line\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', LONG_LINE + 100));
    input.extend_from_slice(b" Error 0x80070643 near the end of the long line\nlast line\n");
    let mut d = Diagnoser::new();
    d.begin("long.log");
    for c in input.chunks(64 * 1024) {
        d.feed(c);
    }
    let d = d.finish(&Answers::new());
    assert_eq!(d.files[0].lines, 4);
    assert_eq!(
        d.root_cause.as_ref().map(|r| r.line),
        Some(3),
        "{:?}",
        d.root_cause
    );
    assert_eq!(d.verdict, Verdict::Failed);
}

const HOSTILE_LINE: &str = "Error 0x80070643 \x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x07CLICK\x1b]8;;\x07 back\x08\x08 cr\rX \u{9b}31m \u{202e}txt.exe";

/// Whether `s` holds a character a terminal acts on (other than a line break or a tab).
fn has_controls(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
    })
}

/// Issue 17, 3: the text output shows the control characters of a log line, a fact and a zip entry's name
/// visibly, never raw.
#[test]
fn text_output_shows_control_characters_visibly() {
    use setup_triage::case::export;
    let entry = "logs/\x1b]0;title\x07evil.log";
    let line = format!(
        "{HOSTILE_LINE}\r\nSecurity Update for Microsoft .NET Framework 3.5 SP1 (KB979906\x1b[31m)\n"
    );
    let zipped = crate::archive::zip(&[(entry, line.as_bytes())]);
    let mut d = Diagnoser::new();
    d.add_file("logs.zip", &zipped);
    d.add_file("paste\x07", line.as_bytes());
    let d = d.finish(&Answers::new());
    assert_eq!(d.verdict, Verdict::Failed);
    let text = export::text(&d);
    assert!(!has_controls(&text), "{text:?}");
    assert!(
        text.contains("^[[2J^[]0;pwned^G^[]8;;http://evil.example/^GCLICK"),
        "{text}"
    );
    assert!(
        text.contains("back^H^H cr^MX <U+009B>31m <U+202E>txt.exe"),
        "{text}"
    );
    assert!(
        text.contains("logs.zip/logs/^[]0;title^Gevil.log"),
        "{text}"
    );
    assert!(text.contains("paste^G"), "{text}");
    // The input really reached the output: the same diagnosis has the raw characters.
    assert!(d.findings.iter().any(|f| f.text.contains('\x1b')));
    assert_eq!(export::visible("plain\ttext\n"), "plain\ttext\n");
    assert_eq!(export::visible("\0\x1f\x7f"), "^@^_^?");
}

/// Markdown and BBCode keep their escaping on the same hostile line: the evidence stays inside its code fence
/// or `[code]`, and no tag or link comes from the log.
#[test]
fn forum_formats_keep_hostile_lines_inside_their_blocks() {
    use setup_triage::case::export;
    let line = "Error 0x80070643 ``` [/code][url=http://evil.example/]x[/url] <script>alert(1)</script> [CLICK](http://evil.example/)";
    let d = setup_triage::diagnose_text("paste ` [b]", line, &Answers::new());
    let md = export::markdown(&d);
    // The fence is longer than any run of backticks in the line, so the line cannot close it.
    assert!(md.contains(&format!("````\n{line}\n````")), "{md}");
    assert!(md.contains("in `paste ' [b]`"), "{md}");
    let bb = export::bbcode(&d);
    assert!(
        bb.contains("[code]Error 0x80070643 ``` [/ code][url=http://evil.example/]x[/url]"),
        "{bb}"
    );
    assert!(bb.contains("Cause found in paste ` (b)"), "{bb}");
    assert_eq!(
        bb.matches("[/code]").count(),
        bb.matches("[code]").count(),
        "{bb}"
    );
}

/// Bytes that look random (a fixed xorshift sequence).
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn diagnose_one(name: &str, bytes: &[u8]) -> Diagnosis {
    let mut d = Diagnoser::new();
    d.begin(name);
    for c in bytes.chunks(1 << 16) {
        d.feed(c);
    }
    d.finish(&Answers::new())
}

fn notes(d: &Diagnosis) -> String {
    d.notes.iter().map(|n| format!("{}\n", n.message)).collect()
}

/// Issue 17, 4: binary input says what it looks like and which log to give instead.
#[test]
fn binary_input_gets_a_note_naming_what_it_looks_like() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(noise(5000));
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 48));
    exe.extend(b"This program cannot be run in DOS mode.\r\n");
    exe.extend(noise(8000));
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "random.bin",
            noise(100_000),
            "does not look like a text log",
        ),
        ("shot.png", png, "This is a PNG image, not a text log"),
        ("setup.exe", exe, "This is a Windows program or library"),
        (
            "nuls.bin",
            vec![0u8; 3 << 20],
            "It starts with nothing but NUL bytes",
        ),
        (
            "package.msi",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0".repeat(400),
            "an installer package (.msi, .msp)",
        ),
    ];
    for (name, bytes, want) in cases {
        let d = diagnose_one(name, &bytes);
        let notes = notes(&d);
        assert!(notes.contains(want), "{name}: {notes}");
        assert!(
            notes.contains("Give the setup's log instead"),
            "{name}: {notes}"
        );
        assert_eq!(d.verdict, Verdict::Inconclusive, "{name}");
    }
}

/// A log with a NUL every fourth byte is read as the text it is (the NULs dropped), with the note; real
/// UTF-16 logs without a BOM are still UTF-16 and get no note.
#[test]
fn a_log_with_sprinkled_nuls_is_read_with_a_note() {
    let log = "=== Verbose logging started: 1/17/2020  13:00:03 ===\r\n\
               Action start 13:00:05: InstallFiles.\r\n\
               MSI (s) (84:F4) [13:00:07:881]: Product: Contoso -- Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.\r\n\
               Action ended 13:00:09: InstallFiles. Return value 3.\r\n"
        .repeat(20);
    let sprinkled: Vec<u8> = log
        .as_bytes()
        .chunks(3)
        .flat_map(|c| c.iter().copied().chain([0u8]))
        .collect();
    let d = diagnose_one("nuls.log", &sprinkled);
    assert!(
        notes(&d).contains("are NUL or control characters"),
        "{}",
        notes(&d)
    );
    assert_eq!(d.verdict, Verdict::Failed);
    assert_eq!(d.files[0].encoding, "utf-8");
    let utf16: Vec<u8> = log.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let d = diagnose_one("utf16.log", &utf16);
    assert_eq!(d.files[0].encoding, "utf-16le");
    assert_eq!(d.verdict, Verdict::Failed);
    assert!(!notes(&d).contains("text log"), "{}", notes(&d));
}

/// A file holding only a byte order mark is empty, like a file of no bytes.
#[test]
fn a_file_of_only_a_bom_is_empty() {
    for bom in [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"] {
        let d = diagnose_one("bom.txt", bom);
        assert!(
            notes(&d).contains("The input was empty."),
            "{bom:?}: {}",
            notes(&d)
        );
    }
    let d = diagnose_one("one-line.txt", b"\xEF\xBB\xBF\n");
    assert!(!notes(&d).contains("The input was empty."));
}

/// Issue 17, 5: a nest of 16 zips of 16 zips gives one note with a count, not 256.
#[test]
fn archives_nested_too_deep_are_one_note_with_a_count() {
    let leaf = crate::archive::zip(&[(
        "deep/MSI1234.LOG",
        b"Error 1925. You do not have sufficient privileges.\r\n",
    )]);
    let middle: Vec<(String, Vec<u8>)> = (0..16)
        .map(|i| (format!("leaf{i}.zip"), leaf.clone()))
        .collect();
    let middle_refs: Vec<(&str, &[u8])> = middle
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let middle = crate::archive::zip(&middle_refs);
    let outer: Vec<(String, Vec<u8>)> = (0..16)
        .map(|i| (format!("mid{i}.zip"), middle.clone()))
        .collect();
    let outer_refs: Vec<(&str, &[u8])> = outer
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let outer = crate::archive::zip(&outer_refs);
    let d = diagnose_one("nest.zip", &outer);
    let deep: Vec<_> = d
        .notes
        .iter()
        .filter(|n| {
            n.message.contains("inside an archive") || n.message.contains("inside archives")
        })
        .collect();
    assert_eq!(deep.len(), 1, "{}", notes(&d));
    assert!(
        deep[0].message.starts_with("256 archives inside archives inside nest.zip were not unpacked (the first: nest.zip/mid0.zip/leaf0.zip)"),
        "{}",
        deep[0].message
    );
    assert!(notes(&d).len() < 2000, "{}", notes(&d));
}

/// Issue 17, 8: a file that changes encoding partway (a UTF-16 log with lines appended by a tool that writes
/// 8-bit text, such as `echo … >> log` from a batch file) numbers the lines of both parts: the cause line is
/// line 21, not 10.
#[test]
fn a_file_that_changes_encoding_keeps_its_line_numbers() {
    let first: String = (1..=10)
        .map(|i| format!("Line {i}: setup is running step {i}\r\n"))
        .collect();
    let mut rest: String = (11..=20)
        .map(|i| format!("Line {i}: appended by a script\r\n"))
        .collect();
    rest.push_str("Installation failed with error 0x80070643\r\nLine 22: the end\r\n");
    for bom in [true, false] {
        for utf16_first in [true, false] {
            let utf16 = |s: &str, bom: bool| -> Vec<u8> {
                bom.then_some(0xFEFFu16)
                    .into_iter()
                    .chain(s.encode_utf16())
                    .flat_map(u16::to_le_bytes)
                    .collect()
            };
            let bytes = if utf16_first {
                [utf16(&first, bom), rest.as_bytes().to_vec()].concat()
            } else {
                [first.as_bytes().to_vec(), utf16(&rest, false)].concat()
            };
            for chunk in [1usize, 7, 4096, 1 << 20] {
                let d = diagnose_one_in("mixed.log", &bytes, chunk);
                let root = d.root_cause.as_ref().expect("a root cause");
                assert_eq!(
                    (root.line, d.files[0].lines),
                    (21, 22),
                    "bom {bom}, utf16 first {utf16_first}, chunk {chunk}: {}",
                    root.text
                );
                assert!(
                    root.text.starts_with("Installation failed"),
                    "{}",
                    root.text
                );
            }
        }
    }
}

fn diagnose_one_in(name: &str, bytes: &[u8], chunk: usize) -> Diagnosis {
    let mut d = Diagnoser::new();
    d.begin(name);
    for c in bytes.chunks(chunk) {
        d.feed(c);
    }
    d.finish(&Answers::new())
}

/// Every file of `tests/fixtures/hostile/` (the inputs of issue 17, and any crash or hang fuzzing finds:
/// `crate/fuzz/README.md` says how to add one), fed whole and in small chunks: no panic, bounded memory,
/// work linear in the input, the same diagnosis either way, and a text output with no raw control character.
#[test]
fn hostile_regression_inputs_replay() {
    use setup_triage::case::export;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/hostile")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).expect("a fixture");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let whole = diagnose_one_in(&name, &bytes, bytes.len().max(1));
        for chunk in [1, 3, 64] {
            let mut d = Diagnoser::new();
            d.begin(&name);
            for c in bytes.chunks(chunk) {
                d.feed(c);
                assert!(d.held() <= MAX_HELD, "{name}");
            }
            d.end();
            assert!(
                d.scanned() <= 8 * bytes.len() as u64 + 64,
                "{name}: {} scanned",
                d.scanned()
            );
            assert_eq!(
                d.finish(&Answers::new()),
                whole,
                "{name}, chunks of {chunk}"
            );
        }
        assert!(!has_controls(&export::text(&whole)), "{name}");
    }
}

mod any_bytes {
    use super::*;
    use proptest::prelude::*;

    /// Bytes of every kind: random, and random with many line ends, NULs and a UTF-16 BOM.
    fn inputs() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..6000),
            prop::collection::vec(
                prop::sample::select(vec![
                    b'\r', b'\n', 0, b'A', 0xFF, 0xFE, 0xD8, 0x1B, b'0', b'x', b' '
                ]),
                0..6000
            ),
            prop::collection::vec(any::<u8>(), 0..3000).prop_map(|mut v| {
                v.splice(0..0, [0xFF, 0xFE]);
                v
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Any bytes, cut anywhere: no panic, the buffers within [`MAX_HELD`], and the text gone over at most
        /// a constant times the input (decoding makes at most three bytes of text of one byte, and the scan
        /// goes over each byte of text twice: once for line ends, once for candidates).
        #[test]
        fn any_bytes_cost_bounded_work(bytes in inputs(), chunk in 1usize..4096) {
            let mut d = Diagnoser::new();
            d.begin("any");
            for c in bytes.chunks(chunk) {
                d.feed(c);
                prop_assert!(d.held() <= MAX_HELD);
            }
            d.end();
            prop_assert!(d.scanned() <= 8 * bytes.len() as u64 + 64, "{} scanned for {}", d.scanned(), bytes.len());
            let diagnosis = d.finish(&Answers::new());
            prop_assert!(!has_controls(&setup_triage::case::export::text(&diagnosis)));
        }
    }
}
