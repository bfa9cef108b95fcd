//! Redaction: each kind is replaced, marked, and what the guide needs (codes, KB numbers, GUIDs, versions,
//! the structure of paths) survives.

use setup_triage::case::patterns::redact;
use setup_triage::case::redact::{RedactionKind as K, Redactor};
use setup_triage::scan::read::re;
use setup_triage::{Answers, Diagnosis, diagnose_text};

use super::corpus::{corpus_dir, corpus_files};

/// Redacts `input` on its own and compares the text and the kinds marked, in order.
fn check(input: &str, expected: &str, kinds: &[K]) {
    let r = redact(input);
    assert_eq!(r.text, expected, "input: {input}");
    let got: Vec<K> = r.redactions.iter().map(|x| x.kind).collect();
    assert_eq!(got, kinds, "input: {input}");
    // Every mark covers its replacement in the output.
    for x in &r.redactions {
        assert_eq!(&r.text[x.start..x.end], x.replacement, "{input}");
    }
}

#[test]
fn user_names_in_paths() {
    check(
        r"Error 1310. Error writing to file: C:\Users\alice\AppData\Local\Temp\x.dll",
        r"Error 1310. Error writing to file: C:\Users\USER1\AppData\Local\Temp\x.dll",
        &[K::UserName],
    );
    check(
        r"C:\Documents and Settings\bob smith\Local Settings\Temp\dd_NDP35.txt",
        r"C:\Documents and Settings\USER1\Local Settings\Temp\dd_NDP35.txt",
        &[K::UserName],
    );
    check(
        "/Users/carol/Library/Logs",
        "/Users/USER1/Library/Logs",
        &[K::UserName],
    );
    check(
        r#"failed to install assembly L"C:\\users\\sette\\Temp\\msi6.tmp""#,
        r#"failed to install assembly L"C:\\users\\USER1\\Temp\\msi6.tmp""#,
        &[K::UserName],
    );
    check(
        "HidOverGattReg=C%3A%5CUsers%5Cdave%5CAppData",
        "HidOverGattReg=C%3A%5CUsers%5CUSER1%5CAppData",
        &[K::UserName],
    );
    // Well-known profiles are not personal.
    check(r"C:\Users\Public\Desktop", r"C:\Users\Public\Desktop", &[]);
    check(
        r"C:\Documents and Settings\All Users\Application Data",
        r"C:\Documents and Settings\All Users\Application Data",
        &[],
    );
}

#[test]
fn a_learned_name_is_replaced_everywhere() {
    check(
        r"Log: C:\Users\alice\x.log; the profile of Alice is broken; alice.",
        r"Log: C:\Users\USER1\x.log; the profile of USER1 is broken; USER1.",
        &[K::UserName, K::UserName, K::UserName],
    );
    // Not inside other words.
    check(
        r"C:\Users\ann\x.log annual planning",
        r"C:\Users\USER1\x.log annual planning",
        &[K::UserName],
    );
    // Across texts, with one redactor: learned from the input, applied to the evidence line.
    let mut r = Redactor::new();
    r.learn(r"MSI (c) (34:7C): Command Line: CURRENTDIRECTORY=C:\Users\karll\Desktop");
    assert_eq!(
        r.redact_str("Product: Redball -- profile karll could not be read"),
        "Product: Redball -- profile USER1 could not be read"
    );
    // Generic names are replaced where found, not everywhere.
    check(
        r"C:\Users\User\x.log: User Account Control",
        r"C:\Users\USER1\x.log: User Account Control",
        &[K::UserName],
    );
}

#[test]
fn two_users_stay_two() {
    check(
        r"C:\Users\alice\a C:\Users\bob\b C:\Users\alice\c",
        r"C:\Users\USER1\a C:\Users\USER2\b C:\Users\USER1\c",
        &[K::UserName, K::UserName, K::UserName],
    );
}

#[test]
fn computer_and_domain_names() {
    check(
        r#"Command ["\\ITShare\Software\NDP462.exe" /q] exited with '5101'."#,
        r#"Command ["\\PC1\Software\NDP462.exe" /q] exited with '5101'."#,
        &[K::ComputerName],
    );
    check(
        "Computer:\tWKS-DEV-05",
        "Computer:\tPC1",
        &[K::ComputerName],
    );
    check(
        "Property(S): ComputerName = SIDSACER",
        "Property(S): ComputerName = PC1",
        &[K::ComputerName],
    );
    check(
        r"User: CORP\jdoe",
        r"User: DOMAIN1\USER1",
        &[K::DomainName, K::UserName],
    );
    check(
        r"User: NT AUTHORITY\SYSTEM",
        r"User: NT AUTHORITY\SYSTEM",
        &[],
    );
    check(
        "Ran by Thomas (administrator) on DESKTOP-SVBOKH0 (ASUS) (06-03-2025)",
        "Ran by USER1 (administrator) on PC1 (ASUS) (06-03-2025)",
        &[K::UserName, K::ComputerName],
    );
    check(
        "installing on LAPTOP-7Q2RRT9A now",
        "installing on PC1 now",
        &[K::ComputerName],
    );
}

#[test]
fn msi_properties() {
    check(
        r#"Switching to server: USERNAME="foxadmin" COMPANYNAME="20th Century Fox" ROOTDRIVE="C:\""#,
        r#"Switching to server: USERNAME="USER1" COMPANYNAME="ORG1" ROOTDRIVE="C:\""#,
        &[K::UserName, K::Organization],
    );
    check(
        "Property(C): LogonUser = daveku",
        "Property(C): LogonUser = USER1",
        &[K::UserName],
    );
    check(
        "PROPERTY CHANGE: Adding USERNAME property. Its value is 'Jane Roe'.",
        "PROPERTY CHANGE: Adding USERNAME property. Its value is 'USER1'.",
        &[K::UserName],
    );
    check(
        "Property(S): USERDOMAIN = CONTOSO",
        "Property(S): USERDOMAIN = DOMAIN1",
        &[K::DomainName],
    );
}

#[test]
fn sids_emails_addresses_serials() {
    check(
        "Property(C): UserSID = S-1-5-21-2842705977-3757629606-899479170-1001",
        "Property(C): UserSID = SID1",
        &[K::Sid],
    );
    check("running as S-1-5-18", "running as S-1-5-18", &[]);
    check(
        "USERNAME=karl.l@hotmail.com",
        "USERNAME=USER1",
        &[K::UserName],
    );
    check(
        "mail me at a.b@example.org.",
        "mail me at EMAIL1.",
        &[K::Email],
    );
    check(
        "WSUS server http://192.168.10.20:8530 unreachable",
        "WSUS server http://IP1:8530 unreachable",
        &[K::IpAddress],
    );
    check(
        "client IP 10.0.0.5 refused",
        "client IP IP1 refused",
        &[K::IpAddress],
    );
    check(
        "link-local fe80::1c2b:3d4e:5f60:7a8b%12 and 2001:db8:0:0:0:0:0:1",
        "link-local IP1%12 and IP2",
        &[K::IpAddress, K::IpAddress],
    );
    check(
        "Key: ABCDE-12345-FGHIJ-67890-KLMNO",
        "Key: SERIAL1",
        &[K::Serial],
    );
    check(
        "Serial Number: 5CG1234XYZ",
        "Serial Number: SERIAL1",
        &[K::Serial],
    );
}

#[test]
fn what_the_guide_needs_survives() {
    for keep in [
        "Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with error 0x80070643",
        "MSI (s) (7C:58) [13:00:03:462]: Product: X -- Error 1935. HRESULT: 0x80070005. assembly interface: {8B80949A-E983-4B1C-B44A-1A0AF668922E}",
        r"1: 1402 2: UNKNOWN\Components\0F926B03EF390EC49A06BEA78B5D6766 3: 2",
        "Microsoft-Windows-Foo-Package~31bf3856ad364e35~amd64~~10.0.19041.1",
        "File version 10.0.1.3 of msi.dll; AppVer=10.0.18362.449; v4.8.03761; 6.1.7601.17514",
        r"C:\Windows\SoftwareDistribution\Download\02c8b30e1937711e690a74528dc11b7a",
        "Action ended 10:22:31: InstallFinalize. Return value 3.",
        r"C:\Program Files (x86)\Segment\ and C:\ProgramData\Package Cache\",
    ] {
        check(keep, keep, &[]);
    }
}

#[test]
fn never_panics_and_marks_line_up() {
    use proptest::prelude::*;
    proptest!(|(s in r"(\PC|\\|:|[A-Fa-f0-9.@-]){0,200}")| {
        let r = redact(&s);
        for x in &r.redactions {
            prop_assert!(x.end <= r.text.len() && r.text.is_char_boundary(x.start));
            prop_assert_eq!(&r.text[x.start..x.end], x.replacement.as_str());
        }
    });
    // Profile-path-shaped noise in any script.
    proptest!(|(name in r"\PC{1,20}", tail in r"\PC{0,40}")| {
        let s = format!(r"C:\Users\{name}\{tail}");
        let r = redact(&s);
        for x in &r.redactions {
            prop_assert_eq!(&r.text[x.start..x.end], x.replacement.as_str());
        }
    });
}

/// In every real log, no profile path keeps its user name, and each e-mail and account SID goes.
#[test]
fn corpus_profile_paths_lose_their_names() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: no corpus (set SETUP_TRIAGE_CORPUS)");
        return;
    };
    let leftover = re(r"(?i)[\\/](?:Users|Documents and Settings)[\\/]+([^\\/:*?<>|\r\n\t]+)[\\/]");
    let sid = re(r"S-1-5-21-[0-9]+-[0-9]+-[0-9]+");
    let mut files = 0;
    // The manifest too: it quotes the logs.
    let manifest = dir.join("MANIFEST.tsv");
    for p in corpus_files(&dir).into_iter().chain([manifest]) {
        // CBS and Windows Update logs are large and hold few profile paths: the other kinds suffice.
        if p.components()
            .any(|c| c.as_os_str() == "cbs" || c.as_os_str() == "wu")
        {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let (text, _, _) = setup_triage::scan::text::decode_all(&bytes);
        let r = redact(&text);
        files += 1;
        if std::env::var_os("SHOW_REDACTIONS").is_some() {
            for x in &r.redactions {
                let a = r.text[..x.start].rfind('\n').map_or(0, |i| i + 1);
                let b = r.text[x.end..]
                    .find('\n')
                    .map_or(r.text.len(), |i| x.end + i);
                let line = &r.text[a..b];
                eprintln!("{:?}\t{}", x.kind, &line[..line.len().min(160)]);
            }
        }
        for c in leftover.captures_iter(r.text.as_bytes()) {
            let name = String::from_utf8_lossy(&c[1]).to_ascii_lowercase();
            assert!(
                name.starts_with("user")
                    || [
                        "public",
                        "default",
                        "default user",
                        "all users",
                        "defaultuser0",
                        "administrator"
                    ]
                    .contains(&name.as_str()),
                "{}: a user name survived: {}",
                p.display(),
                String::from_utf8_lossy(&c[0])
            );
        }
        assert!(
            !sid.is_match(r.text.as_bytes()),
            "{}: a SID survived",
            p.display()
        );
    }
    eprintln!("checked {files} corpus files");
}

#[test]
fn prose_is_not_an_account() {
    let t = "A program run as part of the setup did not finish as expected.";
    check(t, t, &[]);
    check(
        r"service run as CORP\svc-build",
        r"service run as DOMAIN1\USER1",
        &[K::DomainName, K::UserName],
    );
}

/// Texts full of what redaction replaces, modelled on the cases above, each as the evidence of a failure.
const PERSONAL: &[&str] = &[
    r"Error 1310. Error writing to file: C:\Users\alice\AppData\Local\Temp\x.dll",
    r"C:\Documents and Settings\bob smith\Local Settings\Temp\dd_NDP35.txt: error 0x80070643",
    r#"Command ["\\ITShare\Software\NDP462.exe" /q] exited with '5101'. Error 1603"#,
    "Property(S): ComputerName = SIDSACER\nProperty(C): LogonUser = daveku\nMainEngineThread is returning 1603",
    r#"Switching to server: USERNAME="foxadmin" COMPANYNAME="20th Century Fox" ROOTDRIVE="C:\" Error 1603"#,
    "Property(C): UserSID = S-1-5-21-2842705977-3757629606-899479170-1001\nInstallation failed 0x80070643",
    "WSUS server http://192.168.10.20:8530 unreachable: 0x8024401c, client IP 10.0.0.5, version 10.0.0.5",
    r"User: CORP\jdoe failed to install KB5034441 with 0x80070643 on LAPTOP-7Q2RRT9A; mail a.b@example.org",
    "Ran by Thomas (administrator) on DESKTOP-SVBOKH0 (ASUS) (06-03-2025)\nError 0x800f081f",
    r"Installation failed with error 0x80070643: C:\Users\admin\Downloads\setup.exe as admin; Key: ABCDE-12345-FGHIJ-67890-KLMNO",
];

/// The page redacts with the lexicon the worker sends ([`Diagnosis::personal`]): for a diagnosis, the share
/// link, the preview and every forum copy must come out as the patterns make them.
fn check_page_redacts_as_patterns(d: &Diagnosis) {
    use setup_triage::case::export::{self, Format};
    use setup_triage::case::share::{self, Case, Progress};
    let lexicon = case::patterns::lexicon_of_diagnosis(d);
    let page = || Redactor::with_lexicon(lexicon.clone());
    let (a, p) = (Answers::new(), Progress::default());
    let name = &d.files.first().map_or("?", |f| f.name.as_str());
    assert_eq!(
        Case::from_diagnosis(d, &a, &p),
        Case::from_diagnosis_with(d, &a, &p, page()),
        "{name}"
    );
    assert_eq!(
        share::preview(d, &a, &p, "https://example.org/", true),
        share::preview_with(d, &a, &p, "https://example.org/", true, page()),
        "{name}"
    );
    for format in [Format::BBCode, Format::Markdown, Format::Text] {
        let with = |mut r: Redactor| export::export(d, &a, &p, format, Some(""), Some(&mut r));
        assert_eq!(with(Redactor::new()), with(page()), "{name}, {format:?}");
    }
}

#[test]
fn the_page_redacts_as_the_patterns_do() {
    for text in PERSONAL {
        let d = diagnose_text("paste", text, &Answers::new());
        // Each text holds personal values, or the comparison would prove nothing.
        assert!(
            !case::patterns::lexicon_of_diagnosis(&d).is_empty(),
            "{text}"
        );
        check_page_redacts_as_patterns(&d);
    }
    check_page_redacts_as_patterns(&diagnose_text(
        "paste",
        &PERSONAL.join("\n"),
        &Answers::new(),
    ));
}

#[test]
fn the_page_redacts_the_corpus_as_the_patterns_do() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: no corpus (set SETUP_TRIAGE_CORPUS)");
        return;
    };
    let (mut files, mut with_values) = (0, 0);
    for p in corpus_files(&dir) {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let d = setup_triage::diagnose_files([(name.as_str(), &bytes[..])], &Answers::new());
        check_page_redacts_as_patterns(&d);
        files += 1;
        with_values += usize::from(!case::patterns::lexicon_of_diagnosis(&d).is_empty());
    }
    eprintln!(
        "{files} corpus files: the page's redaction equals the patterns' ({with_values} with personal values)"
    );
    assert!(with_values > 0);
}

/// A case opened from its share link holds only tokens; shared again on the page (which has no patterns),
/// its tokens are marked and kept, so the link and the case's storage key do not change.
#[test]
fn a_shared_case_shared_again_keeps_its_tokens() {
    use setup_triage::case::share::{self, Case, Progress};
    let (a, p) = (Answers::new(), Progress::default());
    // Two users, the second named first in the line: their numbers must survive as they are.
    let d = diagnose_text(
        "paste",
        r"C:\Users\alice\x.log: Error 0x80070643; C:\Users\bob\y.log; CORP\alice on DESKTOP-SVBOKH0",
        &a,
    );
    let case = Case::from_diagnosis(&d, &a, &p);
    let evidence = case.evidence.clone().unwrap().text;
    assert!(
        evidence.contains("USER1") && evidence.contains("USER2") && evidence.contains("PC1"),
        "{evidence}"
    );
    let opened = share::decode(&share::encode(&case)).unwrap().to_diagnosis();
    let lexicon = case::redact::lexicon_of_tokens(&opened);
    let again = Case::from_diagnosis_with(&opened, &a, &p, Redactor::with_lexicon(lexicon.clone()));
    assert_eq!(again.evidence.as_ref().map(|e| &e.text), Some(&evidence));
    assert_eq!(again.storage_key(), case.storage_key());
    let preview = share::preview_with(&opened, &a, &p, "", true, Redactor::with_lexicon(lexicon));
    let marked: Vec<&str> = preview
        .evidence
        .iter()
        .flat_map(|e| e.redactions.iter().map(|r| r.replacement.as_str()))
        .collect();
    assert!(
        marked.contains(&"USER2") && marked.contains(&"PC1"),
        "{marked:?}"
    );
    // Not inside other words: `SKIP1` is no IP token.
    let mut r = Redactor::with_lexicon(case::redact::lexicon_of_tokens(&diagnose_text(
        "paste",
        "IP1 Error 1603",
        &a,
    )));
    assert_eq!(r.redact("SKIP1 IP1").redactions.len(), 1);
}
