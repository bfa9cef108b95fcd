//! The code table and code finding: tables sorted and complete, every written form found, no false codes.

use proptest::prelude::*;
use setup_triage::scan::codes::{
    self, Code, CodeInfo, FACILITIES, HRESULTS, MSI_MESSAGES, WIN32, find_codes, info, parse,
};

/// How `check` writes a found code: HRESULTs and return codes normalised, message numbers as `msg N`
/// (their normalised form is a bare decimal, which would hide a wrong kind).
fn show(code: &Code) -> String {
    match code {
        Code::MsiMessage(n) => format!("msg {n}"),
        c => c.normalized(),
    }
}

/// The codes `find_codes` finds in `text`, in order, must be exactly `expected`.
#[track_caller]
fn check(text: &str, expected: &[&str]) {
    let found = find_codes(text.as_bytes());
    let got: Vec<String> = found.iter().map(|m| show(&m.code)).collect();
    assert_eq!(got, expected, "in {text:?}");
    for m in &found {
        assert!(m.start < m.end && m.end <= text.len(), "{m:?} in {text:?}");
    }
}

// ---- the tables ----------------------------------------------------------------------------------

fn assert_sorted_unique(name: &str, numbers: impl Iterator<Item = u32>) {
    let v: Vec<u32> = numbers.collect();
    for w in v.windows(2) {
        assert!(
            w[0] < w[1],
            "{name}: {:#x} then {:#x} is out of order or repeated",
            w[0],
            w[1]
        );
    }
}

#[test]
fn tables_are_sorted_and_unique() {
    assert_sorted_unique("HRESULTS", HRESULTS.iter().map(|e| e.0));
    assert_sorted_unique("WIN32", WIN32.iter().map(|e| e.0));
    assert_sorted_unique("MSI_MESSAGES", MSI_MESSAGES.iter().map(|e| e.0));
    assert_sorted_unique("FACILITIES", FACILITIES.iter().map(|e| e.0));
    assert_sorted_unique("UPDATE_CAUSES", codes::UPDATE_CAUSES.iter().map(|e| e.0));
}

#[test]
fn every_entry_has_name_one_sentence_and_source() {
    let all: Vec<(String, &CodeInfo)> = HRESULTS
        .iter()
        .map(|(n, i)| (format!("{n:#010x}"), i))
        .chain(WIN32.iter().map(|(n, i)| (n.to_string(), i)))
        .chain(
            MSI_MESSAGES
                .iter()
                .map(|(n, i)| (format!("message {n}"), i)),
        )
        .collect();
    for (code, i) in all {
        assert!(!i.name.trim().is_empty(), "{code}: no name");
        assert!(!i.source.trim().is_empty(), "{code}: no source");
        assert!(
            i.meaning.ends_with('.') && !i.meaning.contains('\n') && i.meaning.len() > 10,
            "{code}: meaning is not one sentence: {:?}",
            i.meaning
        );
        assert!(
            i.meaning
                .starts_with(|c: char| c.is_ascii_uppercase() || c == '.'),
            "{code}: meaning should start with a capital: {:?}",
            i.meaning
        );
    }
}

#[test]
fn success_codes_say_success() {
    let success = [
        Code::Win32(0),
        Code::Win32(1641),
        Code::Win32(3010),
        Code::HResult(0x8024_2014),
        Code::HResult(0x0024_0005),
        Code::HResult(0x0024_0006),
        Code::HResult(0x8007_0bc2),
    ];
    for c in success {
        let i = info(&c).unwrap_or_else(|| panic!("{c} missing"));
        assert!(codes::is_success(&c), "{c} should count as success");
        let m = i.meaning.to_ascii_lowercase();
        assert!(
            m.contains("success") || m.contains("not a failure"),
            "{c}: {}",
            i.meaning
        );
    }
    // And the failures do not.
    for c in [
        Code::Win32(1603),
        Code::HResult(0x8007_0643),
        Code::HResult(0x8024_200b),
    ] {
        assert!(!codes::is_success(&c), "{c}");
    }
    // Every table entry that counts as success says so.
    for (n, i) in HRESULTS {
        if codes::is_success(&Code::HResult(*n)) {
            let m = i.meaning.to_ascii_lowercase();
            assert!(
                m.contains("success") || m.contains("not a failure"),
                "{n:#x}: {}",
                i.meaning
            );
        }
    }
}

/// domain.md §1.3: the Windows Installer return codes and their HRESULTs.
const SECTION_1_3: &[(u32, u32, &str)] = &[
    (1601, 0x8007_0641, "ERROR_INSTALL_SERVICE_FAILURE"),
    (1602, 0x8007_0642, "ERROR_INSTALL_USEREXIT"),
    (1603, 0x8007_0643, "ERROR_INSTALL_FAILURE"),
    (1605, 0x8007_0645, "ERROR_UNKNOWN_PRODUCT"),
    (1612, 0x8007_064C, "ERROR_INSTALL_SOURCE_ABSENT"),
    (1618, 0x8007_0652, "ERROR_INSTALL_ALREADY_RUNNING"),
    (1619, 0x8007_0653, "ERROR_INSTALL_PACKAGE_OPEN_FAILED"),
    (1620, 0x8007_0654, "ERROR_INSTALL_PACKAGE_INVALID"),
    (1624, 0x8007_0658, "ERROR_INSTALL_TRANSFORM_FAILURE"),
    (1625, 0x8007_0659, "ERROR_INSTALL_PACKAGE_REJECTED"),
    (1632, 0x8007_0660, "ERROR_INSTALL_TEMP_UNWRITABLE"),
    (1635, 0x8007_0663, "ERROR_PATCH_PACKAGE_OPEN_FAILED"),
    (1636, 0x8007_0664, "ERROR_PATCH_PACKAGE_INVALID"),
    (1638, 0x8007_0666, "ERROR_PRODUCT_VERSION"),
    (1639, 0x8007_0667, "ERROR_INVALID_COMMAND_LINE"),
    (1641, 0x8007_0669, "ERROR_SUCCESS_REBOOT_INITIATED"),
    (1642, 0x8007_066A, "ERROR_PATCH_TARGET_NOT_FOUND"),
    (1643, 0x8007_066B, "ERROR_PATCH_PACKAGE_REJECTED"),
    (1644, 0x8007_066C, "ERROR_INSTALL_TRANSFORM_REJECTED"),
    (1645, 0x8007_066D, "ERROR_INSTALL_REMOTE_PROHIBITED"),
    (1646, 0x8007_066E, "ERROR_PATCH_REMOVAL_UNSUPPORTED"),
    (1649, 0x8007_0671, "ERROR_PATCH_REMOVAL_DISALLOWED"),
    (3010, 0x8007_0BC2, "ERROR_SUCCESS_REBOOT_REQUIRED"),
];

#[test]
fn section_1_3_codes_are_present_in_both_forms() {
    for &(n, hr, name) in SECTION_1_3 {
        let w = info(&Code::Win32(n)).unwrap_or_else(|| panic!("{n} missing"));
        let h = info(&Code::HResult(hr)).unwrap_or_else(|| panic!("{hr:#x} missing"));
        assert_eq!(w.name, name, "{n}");
        assert_eq!(h.name, name, "{hr:#x}");
        assert_eq!(Code::Win32(n).related(), vec![Code::HResult(hr)]);
        assert_eq!(Code::HResult(hr).related(), vec![Code::Win32(n)]);
        // The short form Windows Update shows (`0x643`) is the same code.
        assert_eq!(parse(&format!("0x{n:x}")), Some(Code::Win32(n)));
    }
}

#[test]
fn section_2_and_3_codes_are_in_the_table() {
    // §2.1 return codes (+ .NET setup's 5100/5101).
    for n in [
        0, 13, 87, 1259, 1601, 1602, 1603, 1604, 1605, 1612, 1618, 1619, 1620, 1624, 1625, 1632,
        1633, 1635, 1636, 1638, 1639, 1641, 1642, 1643, 1644, 1645, 1646, 1647, 1648, 1649, 1652,
        3010, 5100, 5101,
    ] {
        assert!(info(&Code::Win32(n)).is_some(), "return code {n}");
    }
    // §2.3 message numbers.
    for n in [
        1303, 1304, 1305, 1306, 1307, 1308, 1310, 1311, 1316, 1321, 1324, 1327, 1334, 1335, 1401,
        1402, 1404, 1406, 1500, 1601, 1603, 1704, 1705, 1706, 1707, 1708, 1714, 1719, 1720, 1721,
        1722, 1723, 1730, 1904, 1905, 1906, 1911, 1920, 1921, 1923, 1925, 1931, 1932, 1933, 1935,
        1936, 1937, 1938, 2203, 2350, 2502, 2503, 2738, 2739, 2755, 2762, 2908, 2909, 2932, 2933,
    ] {
        assert!(info(&Code::MsiMessage(n)).is_some(), "message {n}");
    }
    // §3.1–3.3 and the companions named in §1–2 and the brief.
    for hr in [
        0x8024_0016u32,
        0x8024_0017,
        0x8024_001E,
        0x8024_0020,
        0x8024_0022,
        0x8024_000B,
        0x8024_2006,
        0x8024_200B,
        0x8024_2014,
        0x8024_2017,
        0x8024_4007,
        0x8024_4019,
        0x8024_401B,
        0x8024_4022,
        0x8024_402C,
        0x8024_402F,
        0x8024_6017,
        0x8024_A10A,
        0x8024_1001,
        0x8024_1002,
        0x8024_1003,
        0x8024_1004,
        0x0024_0005,
        0x0024_0006,
        0x8007_2EE2,
        0x8007_2EFD,
        0x8007_2EFE,
        0x8007_2F8F,
        0x8007_0422,
        0x800F_081F,
        0x800F_0831,
        0x800F_0906,
        0x800F_0907,
        0x800F_0922,
        0x800F_0954,
        0x800F_0821,
        0x800F_0920,
        0x800F_0825,
        0x800F_090D,
        0x800F_090E,
        0x8007_3712,
        0x8007_3701,
        0x8007_371B,
        0x8007_36CC,
        0x8007_0BC9,
        0x8007_06BE,
        0x8007_0002,
        0x8007_0003,
        0x8007_0005,
        0x8007_000D,
        0x8007_0020,
        0x8007_0057,
        0x8007_0070,
        0x8007_0490,
        0x8007_0570,
        0x8007_0643,
        0x8007_0652,
        0x8020_0053,
        0x8002_802F,
        0x8013_1047,
        0x8009_2004,
        0x8009_1007,
        0x800B_0003,
        0x800B_0109,
    ] {
        assert!(info(&Code::HResult(hr)).is_some(), "{hr:#010x}");
    }
}

#[test]
fn related_links_every_win32_code_to_its_hresult() {
    assert_eq!(
        Code::Win32(1603).related(),
        vec![Code::HResult(0x8007_0643)]
    );
    assert_eq!(
        Code::HResult(0x8007_0643).related(),
        vec![Code::Win32(1603)]
    );
    for &(n, _) in WIN32 {
        let c = Code::Win32(n);
        if n == 0 || n == 5100 || n == 5101 {
            // Success has no HRESULT_FROM_WIN32 failure form; .NET setup exit codes are not Win32 codes.
            assert!(c.related().is_empty(), "{n}");
            continue;
        }
        let hr = Code::HResult(0x8007_0000 | n);
        assert_eq!(c.related(), vec![hr], "{n}");
        assert_eq!(hr.related(), vec![c], "{n}");
        assert!(info(&hr).is_some(), "{hr} has no meaning");
    }
    // Every 0x8007xxxx entry wraps a Win32 code the table knows.
    for &(h, _) in HRESULTS {
        if h & 0xFFFF_0000 == 0x8007_0000 {
            let n = h & 0xFFFF;
            assert!(
                info(&Code::Win32(n)).is_some(),
                "{h:#x} wraps {n}, which is missing"
            );
            assert_eq!(Code::HResult(h).related(), vec![Code::Win32(n)]);
        }
    }
    // Message numbers are no HRESULTs' relatives.
    assert!(Code::MsiMessage(1603).related().is_empty());
    // Other facilities wrap nothing.
    assert!(Code::HResult(0x8024_200B).related().is_empty());
}

#[test]
fn message_numbers_are_looked_up_in_the_message_table() {
    assert_eq!(
        info(&Code::Win32(1722)).map(|i| i.name),
        Some("RPC_S_SERVER_UNAVAILABLE")
    );
    assert_eq!(
        info(&Code::MsiMessage(1722)).map(|i| i.name),
        Some("custom action program failed")
    );
    assert_eq!(
        codes::other_reading(&Code::Win32(1722)),
        Some(Code::MsiMessage(1722))
    );
    assert_eq!(
        codes::other_reading(&Code::MsiMessage(1935)),
        Some(Code::Win32(1935))
    );
    assert_eq!(codes::other_reading(&Code::Win32(1618)), None);
}

// ---- parsing one code ----------------------------------------------------------------------------

#[test]
fn parse_reads_every_written_form() {
    let cases: &[(&str, Option<Code>)] = &[
        ("0x80070643", Some(Code::HResult(0x8007_0643))),
        ("0X80070643", Some(Code::HResult(0x8007_0643))),
        ("80070643", Some(Code::HResult(0x8007_0643))),
        ("800f081f", Some(Code::HResult(0x800F_081F))),
        ("0x643", Some(Code::Win32(1603))),
        ("0x00000643", Some(Code::Win32(1603))),
        ("1603", Some(Code::Win32(1603))),
        (" 1603. ", Some(Code::Win32(1603))),
        ("-2147023293", Some(Code::HResult(0x8007_0643))),
        ("-2147024864", Some(Code::HResult(0x8007_0020))),
        ("Error 1935", Some(Code::MsiMessage(1935))),
        ("Error 1935.", Some(Code::MsiMessage(1935))),
        ("error 0x80070643", Some(Code::HResult(0x8007_0643))),
        ("0x00240005", Some(Code::HResult(0x0024_0005))),
        ("hello", None),
        ("", None),
        ("0x", None),
        ("0x123456789", None),
        ("-5", None),
        ("-", None),
        ("Error", None),
        ("16 03", None),
        ("99999999999", None),
    ];
    for (s, want) in cases {
        assert_eq!(parse(s), *want, "parse({s:?})");
    }
}

#[test]
fn normalized_forms() {
    assert_eq!(Code::HResult(0x800F_081F).normalized(), "0x800f081f");
    assert_eq!(Code::Win32(1603).normalized(), "1603");
    assert_eq!(Code::MsiMessage(1935).normalized(), "1935");
    assert_eq!(Code::HResult(0x0024_0005).normalized(), "0x00240005");
}

// ---- finding codes in text -----------------------------------------------------------------------

#[test]
fn hex_forms() {
    check("Windows Update error 0x80070643", &["0x80070643"]);
    check("WINDOWS UPDATE ERROR 0X80070643", &["0x80070643"]);
    check("failed with Windows Update error 0x643", &["1603"]);
    check("Process returned 0x00000643", &["1603"]);
    check(
        "[HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]",
        &["0x800f081f"],
    );
    check("Failed to stage (hr:0x800f0922)", &["0x800f0922"]);
    check("Agent * WARNING: Exit code = 0x8024402C", &["0x8024402c"]);
    check(
        "transaction error = 0x8024200b, MSI result = 0x80070643, MSI action = StartCache",
        &["0x8024200b", "0x80070643"],
    );
    check(
        "InstallReturnValue: Microsoft .NET Framework 3.5 SP1, 0x643",
        &["1603"],
    );
    check(
        "Final Result: Installation failed with error code: (0x80070643), \"Fatal error during installation. \"",
        &["0x80070643"],
    );
    check(
        "[0A5C:0B18][2019-05-28T13:14:15]e000: Error 0x80070643: Failed to install MSI package.",
        &["0x80070643"],
    );
    check(
        "[0A5C:0B18][2019-05-28T13:14:15]i007: Exit code: 0x643, restarting: No",
        &["1603"],
    );
    check(
        "Exe failed with 0x1a90 - The function attempted to use a name",
        &["6800"],
    );
    check("WU_S_REBOOT_REQUIRED 0x00240005", &["0x00240005"]);
    check(
        "EnumeratePathEx: FindFirstFile failed for [C:\\x\\*]; GLE = 0x3[gle=0x00000003]",
        &["3"],
    );
    check(
        "Error 0xfffd0000: Command line returned an error.",
        &["0xfffd0000"],
    );
}

#[test]
fn windows_update_bare_hex() {
    check(
        "2023/05/22 08:10:12.8487568 6996  7148  Agent           *FAILED* [80248014] GetServiceObject couldn't find service '855E8A7C-ECB4-4CA3-B045-1DFA50104289'.",
        &["0x80248014"],
    );
    check("*FAILED* [80070002] Method failed", &["0x80070002"]);
    check(
        "Agent LogHistory called. idUpdate={D5B4...}.200, resultHr=80070643, resultMapped=80242014",
        &["0x80070643", "0x80242014"],
    );
    check(
        "CBS: Failed to resolve package, hr=800f081f",
        &["0x800f081f"],
    );
    check("Installation failed, error 80070643.", &["0x80070643"]);
    // ReportingEvents.log: tab-separated, HRESULT without 0x.
    check(
        "{1C3A8F22-71E3-4A7B-8E5C-0D1F2A3B4C5D}\t2020-11-19 15:25:56:399-0800\t1\t182\t101\t{00000000-0000-0000-0000-000000000000}\t0\t80070643\tAutomaticUpdates\tFailure\tContent Install",
        &["0x80070643"],
    );
}

#[test]
fn negative_decimals() {
    check(
        "DDSet_Error: Failed to install assembly: IAssemblyCache->InstallAssembly() returned -2147024864",
        &["0x80070020"],
    );
    check("CustomAction returned -2147023293", &["0x80070643"]);
    check(
        "MSI (s) (2C:E0) [15:44:12:956]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287038",
        &["0x80030002"],
    );
}

#[test]
fn return_codes_in_context() {
    check(
        "MSI (c) (94:A0) [15:44:13:123]: Back from server. Return value: 1603",
        &["1603"],
    );
    check(
        "MSI (c) (94:A0) [15:44:13:123]: MainEngineThread is returning 1603",
        &["1603"],
    );
    check(
        "MSI (s) (2C:E0) [15:44:13:123]: Windows Installer installed the product. Product Name: Foo. Product Version: 5.00.10011.00. Product Language: 1033. Manufacturer: Bar. Installation success or error status: 1603.",
        &["1603"],
    );
    check(
        "Product: Foo -- Installation completed with status: 1603.",
        &["1603"],
    );
    check("The installer exited with exit code 1603", &["1603"]);
    check(
        "ERROR: Running [\"NDP462-KB3151800-x86-x64-AllOS-ENU.exe\" /Quiet /NoRestart] was not successful. Exit code was '5101'. See log for possible error messages.",
        &["5101"],
    );
    check(
        "NDP462-KB3151800-x86-x64-AllOS-ENU.exe exited with '5101'",
        &["5101"],
    );
    check(
        "[08/12/09,10:11:12] setup.exe: [2] SETUP EXIT CODE - 1603",
        &["1603"],
    );
    check(
        "[03/10/10,12:34:56] Microsoft .NET Framework 3.5 SP1: [2] Error: Installation failed for component Microsoft .NET Framework 3.5 SP1. MSI returned error code 1603",
        &["1603"],
    );
    check(
        "CustomAction CA_Foo returned actual error code 1603 (note this may not be 100% accurate)",
        &["1603"],
    );
    check(
        "Windows Installer reconfigured the product. Error code 1612.",
        &["1612"],
    );
    check("Install failed with error 1618.", &["1618"]);
    check("Install failed with Error 1603.", &["1603"]);
    check(
        "Error 1310. Error writing to file: C:\\x.dll. System error 5. Verify that you have access",
        &["msg 1310", "5"],
    );
    check("MSI returned 3010", &["3010"]);
}

#[test]
fn message_numbers() {
    check(
        "MSI (s) (2C:E0) [15:44:12:956]: Product: Microsoft .NET Framework 4.8 -- Error 1935. An error occurred during the installation of assembly 'Foo'. HRESULT: 0x80131047.",
        &["msg 1935", "0x80131047"],
    );
    check(
        "Product: Foo -- Error 1722. There is a problem with this Windows Installer package.",
        &["msg 1722"],
    );
    check(
        "DEBUG: Error 2826:  Control Line1 on dialog CustomizeDlg extends beyond the boundaries",
        &["msg 2826"],
    );
    check(
        "Error 1603. The file C:\\x.dll is being held in use.",
        &["msg 1603"],
    );
    check(
        "INSTALLMESSAGE_ERROR [Error 1935. An error occurred during the installation of assembly]",
        &["msg 1935"],
    );
    check(
        "Fehler 1935. Fehler beim Installieren der Assemblykomponente",
        &["msg 1935"],
    );
    check(
        "Ошибка 1722. Проблема с пакетом установщика Windows.",
        &["msg 1722"],
    );
    check("错误 1935。安装程序集组件时出错", &["msg 1935"]);
    // Installer debug notes are not messages.
    check("MSI (s) (2C:E0) [15:44:12:956]: Note: 1: 1926", &[]);
    check(
        "MSI (s) (2C:E0) [15:44:12:956]: Note: 1: 2205 2:  3: Error ",
        &[],
    );
}

#[test]
fn not_codes() {
    // GUIDs, with and without braces.
    check(
        "Update {8B80949A-E983-4E5A-9E5A-123456789012} installed",
        &[],
    );
    check(
        "Added update 89D67C93-0628-4AA9-A651-85F294D8C0B4.1 to search result",
        &[],
    );
    check(
        "Added update 885527E4-6919-4F0C-9B8E-93BE80D6CD8D.1 to search result",
        &[],
    );
    // Timestamps, PIDs, versions.
    check(
        "2021/07/13 10:53:03.3125101 4388  9428  Agent           Added update to search result",
        &[],
    );
    check(
        "MSI (s) (2C:E0) [15:44:12:956]: Doing action: InstallFinalize",
        &[],
    );
    check(
        "=== Verbose logging started: 3/10/2024  15:44:12  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===",
        &[],
    );
    // CBS sequence numbers.
    check(
        "2023-05-17 15:44:12, Info                  CSI    0000012a@2023/5/17:15:44:12.956 CSIPERF",
        &[],
    );
    check(
        "2023-05-17 15:44:12, Info                  CSI    0000000c (F) Unable to load manifest",
        &[],
    );
    // Action results are not codes.
    check(
        "Action ended 15:44:13: InstallFinalize. Return value 3.",
        &[],
    );
    check("Action ended 15:44:13: INSTALL. Return value 1.", &[]);
    check("操作结束 23:49:51: InstallFinalize。返回值 3。", &[]);
    // Byte sizes and counts.
    check("Download size: 81234567 bytes, 1603 files", &[]);
    check("Total size 80012345 bytes", &[]);
    // Flags and addresses in hex.
    check("dwFlags=0x10 options=0x3", &[]);
    check(
        "PROPERTY CHANGE: Adding FOO property. Its value is '0x10'.",
        &[],
    );
    check("gpt attributes =0x8000000000000001", &[]);
    check("loaded at 0x7ffe0000", &[]);
    check(
        "Search ClientId = TrustedInstaller MCR, Flags: 0X80010010",
        &[],
    );
    check(
        "WcpInitialize called (stack @0x7fed806eb5d @0xff83d799 @0x7fefa006ade)",
        &[],
    );
    check(
        "Created NT transaction (seq 1) result 0x00000000, handle @0xb8",
        &[],
    );
    check(
        "DISM Manager: PID=4836 TID=16728 Create session event 0x658 for current DISM session",
        &[],
    );
    check(
        "Executing op: RegOpenKey(Root=-2147483646,Key=Software\\Microsoft)",
        &[],
    );
    // S_OK and the all-ones value.
    check("[HRESULT = 0x00000000 - S_OK]", &[]);
    check("handle 0xFFFFFFFF", &[]);
    // Security identifiers hold long decimals.
    check(
        "HKU\\S-1-5-21-1380129379-2595566839-1166586904-1000\\Run",
        &[],
    );
    // Exit code 0 is success and no error.
    check("Exit code: 0", &[]);
}

#[test]
fn each_code_once_and_in_order() {
    check(
        "0x80070643 then 0x643 then 0x80070643 again, 1603 at last: returning 1603",
        &["0x80070643", "1603"],
    );
    let text = "returning 1603 after [80070002] and 0x800f081f";
    let found = find_codes(text.as_bytes());
    let spans: Vec<&str> = found.iter().map(|m| &text[m.start..m.end]).collect();
    assert_eq!(spans, ["1603", "80070002", "0x800f081f"]);
    // The first occurrence is the one kept, whichever form found it.
    let text = "returning 1603, shown as 0x643";
    let found = find_codes(text.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].start..found[0].end], "1603");
    // Many lines at once.
    check(
        "[80070002]\nMSI (c) (94:A0) [15:44:13:123]: Back from server. Return value: 1603\nError 1935. x\n",
        &["0x80070002", "1603", "msg 1935"],
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn find_codes_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let found = find_codes(&bytes);
        for w in found.windows(2) {
            prop_assert!(w[0].end <= w[1].start, "overlap or disorder: {:?}", w);
            prop_assert!(w[0].code != w[1].code);
        }
        for m in &found {
            prop_assert!(m.start < m.end && m.end <= bytes.len());
        }
    }

    /// Text made of the pieces the finders look for, so that their detailed passes run.
    #[test]
    fn find_codes_stays_in_bounds_on_code_like_text(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("0x".to_string()), Just("0X".to_string()), Just("8007".to_string()),
                Just("0643".to_string()), Just("Error ".to_string()), Just("returning ".to_string()),
                Just("-2147".to_string()), Just("[".to_string()), Just("]".to_string()),
                Just("=".to_string()), Just(" ".to_string()), Just("-".to_string()),
                Just("{".to_string()), Just("Ошибка ".to_string()), Just("。".to_string()),
                "[0-9a-fA-F]{1,9}", "[ -~]{0,6}",
            ],
            0..30,
        )
    ) {
        let text = parts.concat();
        let found = find_codes(text.as_bytes());
        for m in &found {
            prop_assert!(m.start < m.end && m.end <= text.len());
            // Each match covers the code's digits as written.
            prop_assert!(text.as_bytes()[m.start..m.end].iter().any(u8::is_ascii_hexdigit));
        }
        for w in found.windows(2) {
            prop_assert!(w[0].end <= w[1].start);
        }
    }

    #[test]
    fn parse_round_trips_normalized_hresults(h in 0x8000_0000u32..=0xFFFF_FFFE) {
        let c = Code::HResult(h);
        prop_assert_eq!(parse(&c.normalized()), Some(c));
        prop_assert_eq!(parse(&format!("{}", h as i32)), Some(c).filter(|_| (h as i32) < -0xFFFF));
    }
}

// ---- the real logs -------------------------------------------------------------------------------

use super::corpus::{corpus_dir, corpus_files};

/// CBS and DISM write the symbolic name beside the code (`[HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]`):
/// where the table knows the code, its name must be the one Windows itself prints.
#[test]
fn table_names_match_the_names_windows_writes() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: no corpus (set SETUP_TRIAGE_CORPUS)");
        return;
    };
    let named = regex::bytes::Regex::new(r"HRESULT = 0x([0-9a-fA-F]{8}) - ([A-Z][A-Z0-9_]+)")
        .expect("pattern");
    let (mut checked, mut unknown) = (0, std::collections::BTreeSet::new());
    for path in corpus_files(&dir) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let (text, _, _) = setup_triage::scan::text::decode_all(&bytes);
        for c in named.captures_iter(text.as_bytes()) {
            let hex = std::str::from_utf8(&c[1]).unwrap_or_default();
            let name = std::str::from_utf8(&c[2]).unwrap_or_default();
            let Some(code) = parse(&format!("0x{hex}")) else {
                continue;
            };
            // S_OK is no error; 0x0000xxxx forms parse as Win32 codes, whose names Windows prints alike.
            if code.number() == 0 {
                continue;
            }
            match info(&code) {
                Some(i) => {
                    assert_eq!(i.name, name, "{code} in {}", path.display());
                    checked += 1;
                }
                None => {
                    unknown.insert(format!("{code} {name}"));
                }
            }
        }
    }
    eprintln!("corpus: {checked} named codes agree with the table; not in the table: {unknown:?}");
    assert!(
        checked > 0,
        "the corpus should hold CBS lines with named codes"
    );
}

/// Finding codes over every real log: no panic, every match inside its line.
#[test]
fn find_codes_on_the_corpus() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: no corpus (set SETUP_TRIAGE_CORPUS)");
        return;
    };
    let (mut lines, mut matches, mut bytes_seen) = (0usize, 0usize, 0usize);
    let mut busy = std::time::Duration::ZERO;
    for path in corpus_files(&dir) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let (text, _, _) = setup_triage::scan::text::decode_all(&bytes);
        bytes_seen += text.len();
        // Measured, never asserted: how fast finding codes runs, line by line, over real logs.
        let started = std::time::Instant::now();
        for line in text.split('\n') {
            lines += 1;
            for m in find_codes(line.as_bytes()) {
                assert!(m.start < m.end && m.end <= line.len());
                matches += 1;
            }
        }
        busy += started.elapsed();
    }
    eprintln!(
        "corpus: {matches} codes found on {lines} lines ({:.1} MB of text in {:.2} s)",
        bytes_seen as f64 / 1e6,
        busy.as_secs_f64()
    );
}
