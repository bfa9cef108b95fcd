//! The diagnosis does not depend on where the input's chunks are cut: mid-line, mid-UTF-16 code unit,
//! mid-CRLF, mid-UTF-8 sequence, one byte at a time. Inputs are built from lines modelled on real logs, in
//! every encoding the decoder knows and with mixed line ends.

use proptest::prelude::*;
use setup_triage::model::facts::Fact;
use setup_triage::{Answers, Diagnoser, Diagnosis};

/// Lines modelled on MSI verbose logs, WindowsUpdate/CBS logs and pasted text, including non-ASCII text
/// (Latin-1, CJK, an emoji that UTF-16 writes as a surrogate pair).
const LINES: &[&str] = &[
    "=== Verbose logging started: 1/17/2020  13:00:03  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\WINDOWS\\system32\\msiexec.exe ===",
    "MSI (c) (7C:58) [13:00:03:353]: Resetting cached policy values",
    "MSI (s) (84:F4) [13:00:05:953]: Doing action: InstallFiles",
    "Action start 13:00:05: InstallFiles.",
    "MSI (s) (84:F4) [13:00:06:119]: Note: 1: 2262 2: Error 3: -2147287038 ",
    "Property(S): ProductName = Contoso Überwachung",
    "MSI (s) (84:F4) [13:00:07:881]: Product: Contoso -- Error 1406. Could not write value VersionMajor to key \\Products\\.",
    "Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.",
    "DEBUG: Error 2235: Database: . Column 'Action' not present or ambiguous in SQL query",
    "CustomAction CA_Setup returned actual error code 1603 (note this may not be 100% accurate)",
    "WixQuietExec64:  Error 0x80070005: Command line returned an error.",
    "Action ended 13:00:09: InstallFinalize. Return value 3.",
    "操作结束 13:00:09: InstallFinalize。返回值 3。",
    "MSI (c) (7C:2C) [13:00:09:700]: MainEngineThread is returning 1603",
    "MSI (s) (84:F4) [13:00:09:646]: Windows Installer installed the product. Installation success or error status: 0.",
    "2024-03-10 10:12:01, Info                  CBS    Exec: Processing complete.  Session: 31091234_123, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7 [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]",
    "2024/03/10 10:12:05.1234567 1234  5678  Agent           Installing updates CallerId = UpdateOrchestrator  Id = 12",
    "Installation Failure: Windows failed to install the following update with error 0x80070643: Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906).",
    "Windows 10 Version 22H2 (OS Build 19045.3803) — café, naïve, “quoted”, € sign",
    "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.403.1234.0) failed 🚀",
    "The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2602.",
    "   ******* Product: C:\\Users\\someone\\Downloads\\contoso.msi",
    "",
    "\t indented line with a tab and trailing spaces   ",
];

#[derive(Clone, Copy, Debug)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16LeBom,
    Utf16Be,
    Utf16BeBom,
    Windows1252,
}

const ENCODINGS: &[Enc] = &[
    Enc::Utf8,
    Enc::Utf8Bom,
    Enc::Utf16Le,
    Enc::Utf16LeBom,
    Enc::Utf16Be,
    Enc::Utf16BeBom,
    Enc::Windows1252,
];

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Enc::Utf16Le | Enc::Utf16LeBom => {
            let bom = matches!(enc, Enc::Utf16LeBom).then_some(0xFEFF);
            bom.into_iter()
                .chain(text.encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect()
        }
        Enc::Utf16Be | Enc::Utf16BeBom => {
            let bom = matches!(enc, Enc::Utf16BeBom).then_some(0xFEFF);
            bom.into_iter()
                .chain(text.encode_utf16())
                .flat_map(u16::to_be_bytes)
                .collect()
        }
        // Latin-1 maps to itself; the two Windows-1252 extras the lines use get their bytes; the rest is '?'.
        Enc::Windows1252 => text
            .chars()
            .map(|c| match c {
                '€' => 0x80,
                '“' => 0x93,
                '”' => 0x94,
                '—' => 0x97,
                c if (c as u32) < 0x100 => c as u8,
                _ => b'?',
            })
            .collect(),
    }
}

/// A log text: the chosen lines, each with the chosen line end (LF, CR LF, or a lone CR).
fn build(lines: &[(usize, u8)]) -> String {
    let mut s = String::new();
    for &(i, end) in lines {
        s.push_str(LINES[i % LINES.len()]);
        s.push_str(match end % 4 {
            0 | 1 => "\r\n",
            2 => "\n",
            _ => "\r",
        });
    }
    s
}

fn diagnose(name: &str, chunks: impl IntoIterator<Item = impl AsRef<[u8]>>) -> Diagnosis {
    diagnose_with(Diagnoser::new(), name, chunks)
}

fn diagnose_with(
    mut d: Diagnoser,
    name: &str,
    chunks: impl IntoIterator<Item = impl AsRef<[u8]>>,
) -> Diagnosis {
    d.begin(name);
    for c in chunks {
        d.feed(c.as_ref());
    }
    d.end();
    d.finish(&Answers::new())
}

/// Diagnoses `bytes` in pieces of `piece` bytes the ways the scanner can search (its literal searches, as
/// natively; one pass, as in WebAssembly), checks both against handing every line to the readers, and returns
/// the diagnosis.
#[track_caller]
fn check_every_way(name: &str, bytes: &[u8], piece: usize) -> Diagnosis {
    let reference = diagnose_with(Diagnoser::new().every_line(), name, [bytes]);
    let fast = diagnose(name, bytes.chunks(piece));
    assert_eq!(fast, reference, "{name}");
    let one_pass = diagnose_with(Diagnoser::new().one_pass(), name, bytes.chunks(piece));
    assert_eq!(one_pass, reference, "{name}, one pass");
    fast
}

/// Cuts `bytes` at `cuts` (positions, any order, repeats allowed).
fn cut<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|&c| c.min(bytes.len())).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

/// Diagnosing `bytes` whole, cut at `cuts`, and one byte at a time gives the same diagnosis; and the same as
/// handing every line to the readers (their prefilters miss no line they need).
fn check(bytes: &[u8], cuts: &[usize], bytewise: bool) {
    let whole = diagnose("log", [bytes]);
    let reference = diagnose_with(Diagnoser::new().every_line(), "log", [bytes]);
    assert_eq!(whole, reference, "prefiltered vs every line");
    let chunked = diagnose("log", cut(bytes, cuts));
    assert_eq!(whole, chunked, "cut at {cuts:?}");
    if bytewise {
        let bytewise = diagnose("log", bytes.chunks(1));
        assert_eq!(whole, bytewise, "one byte at a time");
    }
}

fn lines() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((0..LINES.len(), any::<u8>()), 0..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_chunking_gives_the_same_diagnosis(
        lines in lines(),
        enc in 0..ENCODINGS.len(),
        cuts in prop::collection::vec(0usize..20_000, 0..40),
        bytewise in any::<bool>(),
    ) {
        let bytes = encode(&build(&lines), ENCODINGS[enc]);
        let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        check(&bytes, &cuts, bytewise);
    }

    /// Stray bytes that no encoding accepts, anywhere, also chunk-invariant (and counted the same way).
    #[test]
    fn invalid_bytes_anywhere(
        lines in lines(),
        enc in 0..ENCODINGS.len(),
        junk in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![0x80u8, 0xC3, 0xE2, 0xF0, 0xFF, 0xD8, 0xDC, 0x00, b'\r', b'\n'])), 1..8),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..30),
    ) {
        let mut bytes = encode(&build(&lines), ENCODINGS[enc]);
        for (at, b) in junk {
            let i = at.index(bytes.len() + 1);
            bytes.insert(i, b);
        }
        let cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        check(&bytes, &cuts, true);
    }

    /// Even chunk sizes, as the page and the CLI use (powers of two and odd sizes).
    #[test]
    fn fixed_chunk_sizes(
        lines in lines(),
        enc in 0..ENCODINGS.len(),
        size in prop::sample::select(vec![1usize, 2, 3, 7, 64, 4095, 4096, 4097, 65536]),
    ) {
        let bytes = encode(&build(&lines), ENCODINGS[enc]);
        let whole = diagnose("log", [&bytes[..]]);
        let chunked = diagnose("log", bytes.chunks(size));
        prop_assert_eq!(whole, chunked);
    }
}

/// Large inputs: past the decoder's sniffing window and the format detection window, with the MSI header
/// (or the failure) on either side of those windows.
#[test]
fn large_inputs_in_every_encoding() {
    let filler: Vec<(usize, u8)> = (0..1500).map(|i| (1 + i % 3, (i % 7) as u8)).collect();
    let failure: Vec<(usize, u8)> = (6..14).map(|i| (i, 0)).collect();
    let header = vec![(0usize, 0u8)];
    // Lines without any MSI signature, so the header alone decides the format.
    let plain: Vec<(usize, u8)> = (0..1500)
        .map(|i| ([15, 16, 23][i % 3], (i % 5) as u8))
        .collect();
    let texts = [
        // The header first, the failure at the end.
        build(&[header.clone(), filler.clone(), failure.clone()].concat()),
        // The header only after the detection window: every chunking must agree on the format.
        build(
            &[
                plain.clone(),
                plain.clone(),
                header.clone(),
                failure.clone(),
            ]
            .concat(),
        ),
    ];
    for text in &texts {
        assert!(text.len() > 70_000, "{}", text.len());
        for &enc in ENCODINGS {
            let bytes = encode(text, enc);
            let whole = diagnose("log", [&bytes[..]]);
            let reference = diagnose_with(Diagnoser::new().every_line(), "log", [&bytes[..]]);
            assert_eq!(whole, reference, "{enc:?}, prefiltered vs every line");
            for size in [1usize, 3, 4096, 65_535, 65_536, 1 << 20] {
                let chunked = diagnose("log", bytes.chunks(size));
                assert_eq!(whole, chunked, "{enc:?}, chunks of {size}");
            }
            let cuts = [1, 2, 3, 4095, 4096, 4097, 65_535, 65_537, 70_001];
            let chunked = diagnose("log", cut(&bytes, &cuts));
            assert_eq!(whole, chunked, "{enc:?}, cut at {cuts:?}");
        }
    }
}

/// The whole-input diagnosis of the large MSI log is the one its lines call for, so the invariance above
/// compares something meaningful.
#[test]
fn large_msi_log_is_read_as_msi() {
    let filler: Vec<(usize, u8)> = (0..1500).map(|i| (1 + i % 3, 0)).collect();
    let text = build(
        &[
            vec![(0usize, 0u8)],
            filler,
            vec![(3, 0), (7, 0), (11, 0), (13, 0)],
        ]
        .concat(),
    );
    for &enc in ENCODINGS {
        let d = diagnose("log", encode(&text, enc).chunks(777));
        assert_eq!(d.files[0].format, "msi", "{enc:?}");
        let root = d.root_cause.as_ref().map(|f| f.text.as_str());
        assert!(
            root.is_some_and(|t| t.starts_with("Error 1925.")),
            "{enc:?}: {root:?}"
        );
    }
}

/// Every real log in the corpus (read at run time, never copied) gives the same diagnosis through the
/// prefilters as with every line handed to the readers, and the same in small odd chunks as whole.
#[test]
fn corpus_prefiltered_equals_every_line() {
    let Some(dir) = super::corpus::corpus_dir() else {
        eprintln!("skipped: corpus not found (set SETUP_TRIAGE_CORPUS)");
        return;
    };
    let files = super::corpus::corpus_files(&dir);
    assert!(!files.is_empty());
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let name = path.to_string_lossy();
        check_every_way(&name, &bytes, 65_537);
    }
    eprintln!(
        "{} corpus files: prefiltered = one pass = every line",
        files.len()
    );
}

/// Every fixture of every format gives the same diagnosis through the readers' prefilters (searched as
/// natively, and in one pass as in WebAssembly) as with every line handed to them; the fixtures hold the rare lines readers keep state from (a title waiting for its update
/// id, a multi-line CMTrace message, event headers, a hash mismatch before a CSI error).
#[test]
fn fixtures_prefiltered_equals_every_line() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 50, "only {} fixtures", files.len());
    for path in &files {
        let bytes = std::fs::read(path).expect("fixture");
        let name = path.to_string_lossy();
        // As written, and as UTF-16 (MSI logs mostly are).
        let utf16: Vec<u8> = String::from_utf8_lossy(&bytes)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for input in [&bytes, &utf16] {
            check_every_way(&name, input, 4096);
        }
    }
}

/// Lines each reader keeps state from, scattered among lines no prefilter matches: the prefiltered reading
/// equals reading every line.
#[test]
fn stateful_lines_survive_the_prefilters() {
    let filler = "2024-03-10 10:12:01, Info                  CBS    Lock: New lock added: CCbsPublicSessionClassFactory, level: 30, total lock:4";
    let cases: &[(&str, &[&str])] = &[
        (
            "CBS.log",
            &[
                "2024-03-10 10:12:00, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 1_1, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7, Rollback: 0",
                "2024-03-10 10:12:00, Info                  CSI    00000001 Hashes for file member [l:10]'a.manifest' do not match.",
                "2024-03-10 10:12:00, Error                 CSI    00000002 (F) STATUS_SXS_COMPONENT_STORE_CORRUPT #1# from x [HRESULT = 0x80073712]",
                "2024-03-10 10:12:00, Info                  CBS    Operation: Detect and Repair",
                "2024-03-10 10:12:00, Info                  CBS        (p)\tCSI Payload Corrupt\t\tamd64_x",
                "2024-03-10 10:12:00, Info                  CBS        Operation result: 0x800f081f",
                "2024-03-10 10:12:00, Info                  CSI    00000003 [SR] Cannot repair member file [l:5]'b.dll' of x",
                "2024-03-10 10:12:00, Info                  CSI    00000004 [SR] Repairing corrupted file \\??\\C:\\b.dll from store",
            ],
        ),
        (
            "WindowsUpdate.log",
            &[
                "2024/03/10 10:12:05.1234567 1234  5678  Agent           Title = Contoso Widget Update",
                "2024/03/10 10:12:05.1234567 1234  5678  Agent           UpdateId = {11111111-2222-3333-4444-555555555555}.200",
                "2024/03/10 10:12:05.1234567 1234  5678  DownloadManager Error occurred while downloading update 11111111-2222-3333-4444-555555555555; *FAILED* [80072EE2]",
                "2024/03/10 10:12:05.1234567 1234  5678  Agent           Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, unaccounted = 0)",
                "2024/03/10 10:12:05.1234567 1234  5678  Handler         MSI Transaction Error = 0x80070643, MSI Result = 0x80070643, MSI Action = InstallFiles",
                "2024/03/10 10:12:05.1234567 1234  5678  Agent           Method failed for update 11111111-2222-3333-4444-555555555555, hrDeploy = 0x80070643",
            ],
        ),
        (
            "ccmexec.log",
            &[
                "<![LOG[Starting]LOG]!><time=\"10:12:04.123+000\" date=\"03-10-2024\" component=\"UpdatesDeploymentAgent\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">",
                "<![LOG[Update failed: the first line of a message",
                "that spans lines]LOG]!><time=\"10:12:05.123+000\" date=\"03-10-2024\" component=\"UpdatesDeploymentAgent\" context=\"\" type=\"3\" thread=\"1\" file=\"x.cpp:1\">",
            ],
        ),
    ];
    // Facts, in every case the search of the lowercased text must find (read as a CBS.log: the reader has a
    // prefilter these lines do not match).
    let facts: &[&str] = &[
        "2024-03-10 10:12:00, Info                  CBS    Exec: Processing started.  Client: x, Session: 1_1, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7, Rollback: 0",
        "2024-03-10 10:12:00, Info                  CBS    Host: WINDOWS(R) SERVER 2008 R2 ENTERPRISE",
        "2024-03-10 10:12:00, Info                  CBS    Version 6.1.7601 of the servicing stack",
        "2024-03-10 10:12:00, Info                  CBS    Running NDP48-x86-x64-AllOS-ENU.exe for kb 4486153",
        "2024-03-10 10:12:00, Error                 CBS    Failed to install. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]",
    ];
    let cases: Vec<(&str, &[&str])> = cases.iter().copied().chain([("CBS.log", facts)]).collect();
    for (name, lines) in cases {
        let mut text = String::new();
        for (i, l) in lines.iter().enumerate() {
            // Lines no prefilter matches around each one; a format's own signature first.
            for _ in 0..(i % 3) {
                text.push_str(filler);
                text.push_str("\r\n");
            }
            text.push_str(l);
            text.push_str("\r\n");
        }
        let fast = check_every_way(name, text.as_bytes(), usize::MAX);
        assert!(!fast.findings.is_empty(), "{name}: nothing found");
    }
}

/// The lines that may name the product (an MSI log's `Product:` lines, a DISM command's `/FeatureName:`) are
/// found by literals of their own, not by the products' words: among filler, with the product named nowhere
/// else, the prefiltered reading still learns it, as reading every line does.
#[test]
fn product_lines_survive_the_prefilters() {
    let msi_filler = "MSI (s) (84:F4) [13:00:03:125]: Component: Comp000002; Installed: Absent;   Request: Local;   Action: Local";
    let dism_filler = "2024-03-10 10:12:01, Info                  DISM   DISM Provider Store: PID=1234 TID=5678 Getting the collection of providers from a local provider store type. - CDISMProviderStore::GetProviderCollection";
    let cases = [
        (
            "msi.log",
            msi_filler,
            "=== Verbose logging started: 11/20/2026  13:00:03  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\WINDOWS\\system32\\msiexec.exe ===",
            "           ******* Product: C:\\Users\\alex\\Downloads\\NDP48-x86-x64-AllOS-ENU.msi",
        ),
        (
            "dism.log",
            dism_filler,
            "2024-03-10 10:12:00, Info                  DISM   DISM.EXE: Executing command line: dism.exe /online",
            "2024-03-10 10:12:00, Info                  DISM   DISM.EXE: Executing command line: DISM /ONLINE /ENABLE-FEATURE /FEATURENAME:NETFX3 /ALL",
        ),
    ];
    for (name, filler, first, naming) in cases {
        let mut text = format!("{first}\r\n");
        for _ in 0..200 {
            text.push_str(filler);
            text.push_str("\r\n");
        }
        text.push_str(naming);
        text.push_str("\r\n");
        let fast = check_every_way(name, text.as_bytes(), usize::MAX);
        assert_eq!(
            fast.facts.get(Fact::Product),
            Some("dotnet"),
            "{name}: {:?}",
            fast.facts
        );
    }
}
