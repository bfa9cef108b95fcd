//! Error codes: finding them in text, normalising them, and the table of what they mean.
//!
//! Three kinds of code appear in setup logs:
//! - HRESULTs, written `0x80070643`, `80070643` (Windows Update logs), or as a negative decimal
//!   (`-2147023293`);
//! - Win32 / Windows Installer return codes (`1603`, or `0x643`, the low word of `0x80070643`);
//! - Windows Installer message numbers (`Error 1935.`), which share numbers with unrelated Win32 codes.
//!
//! Normalised forms: HRESULTs as `0x` and 8 lowercase hex digits; return codes and message numbers as
//! decimal strings.

use std::fmt;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::scan::re;

/// A code found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A 32-bit HRESULT with the failure bit set (or any 8-digit hex code).
    HResult(u32),
    /// A Win32 error or Windows Installer return code.
    Win32(u32),
    /// A Windows Installer error-message number (`Error 1935.`).
    MsiMessage(u32),
}

/// `HRESULT_FROM_WIN32`'s facility (0x8007xxxx).
pub const FACILITY_WIN32: u32 = 7;

impl Code {
    /// The normalised form.
    pub fn normalized(&self) -> String {
        match *self {
            Code::HResult(h) => format!("0x{h:08x}"),
            Code::Win32(n) | Code::MsiMessage(n) => n.to_string(),
        }
    }

    /// The same failure in its other forms: 1603 ⇄ 0x80070643.
    pub fn related(&self) -> Vec<Code> {
        match *self {
            Code::HResult(h) if facility(h) == FACILITY_WIN32 && h & 0x8000_0000 != 0 => {
                vec![Code::Win32(h & 0xFFFF)]
            }
            Code::Win32(n) if n > 0 && n <= 0xFFFF => vec![Code::HResult(0x8007_0000 | n)],
            _ => Vec::new(),
        }
    }

    /// The facility of an HRESULT.
    pub fn facility(&self) -> Option<u32> {
        match *self {
            Code::HResult(h) => Some(facility(h)),
            _ => None,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized())
    }
}

fn facility(h: u32) -> u32 {
    (h >> 16) & 0x1FFF
}

/// Parses one code as a person would type it: `0x80070643`, `80070643`, `0x643`, `1603`, `-2147023293`,
/// `Error 1935`.
pub fn parse(s: &str) -> Option<Code> {
    let t = s.trim().trim_end_matches('.');
    let lower = t.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix("error").map(str::trim) {
        return n.parse().ok().map(Code::MsiMessage);
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(from_hex(v));
    }
    if let Some(neg) = lower.strip_prefix('-') {
        let v: i64 = neg.parse().ok()?;
        let v = -v;
        return (v >= i32::MIN as i64).then(|| Code::HResult(v as i32 as u32));
    }
    if lower.len() == 8
        && lower.bytes().all(|b| b.is_ascii_hexdigit())
        && !lower.bytes().all(|b| b.is_ascii_digit())
    {
        return u32::from_str_radix(&lower, 16).ok().map(Code::HResult);
    }
    if lower.len() == 8 && lower.starts_with('8') {
        return u32::from_str_radix(&lower, 16).ok().map(Code::HResult);
    }
    lower.parse().ok().map(Code::Win32)
}

/// A hex value is an HRESULT when its top bits say so, else a Win32 code written in hex (`0x643`, `0x00000643`).
fn from_hex(v: u32) -> Code {
    if v > 0xFFFF {
        Code::HResult(v)
    } else {
        Code::Win32(v)
    }
}

/// A code found at a byte range of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeMatch {
    pub start: usize,
    pub end: usize,
    pub code: Code,
}

struct Finders {
    any: Regex,
    hex: Regex,
    bare_hex: Regex,
    negative: Regex,
    message: Regex,
    return_code: Regex,
}

fn finders() -> &'static Finders {
    static F: OnceLock<Finders> = OnceLock::new();
    F.get_or_init(|| Finders {
        any: re(r"(?i)0x[0-9a-f]|\b8[0-9a-f]{7}\b|-2[0-9]{9}|error|return|exit|status|code|returning|result|\b16[0-9]{2}\b|\b3010\b"),
        hex: re(r"(?i)\b0x([0-9a-f]{1,8})\b"),
        // Windows Update and CBS write HRESULTs without 0x: `[80070002]`, `resultMapped=80242014`. GUIDs also
        // hold 8-digit hex runs, hence the dash and brace checks done by the caller.
        bare_hex: re(r"(?i)(?:^|[\[\s=:(,])(8[0-9a-f]{7})(?:$|[\]\s,.);])"),
        negative: re(r"(?:^|[\s=:(])(-2[0-9]{9})\b"),
        message: re(r"(?i)\b(?:Error|Fehler|Erreur|Ошибка)[ :]+([1-2][0-9]{3})(?:[.:]| -)"),
        return_code: re(
            r"(?i)(?:Return value:?|returning|error status:?|completed with status:?|error code:?|exit code:?|exited with|returned|exit code is|result:?|error code is)[ '=(]*([0-9]{1,5})\b",
        ),
    })
}

/// Finds every code in a line (or any text), in order of position, without repeats of the same code.
pub fn find_codes(text: &[u8]) -> Vec<CodeMatch> {
    let f = finders();
    let mut out: Vec<CodeMatch> = Vec::new();
    if !f.any.is_match(text) {
        return out;
    }
    let mut add = |start: usize, end: usize, code: Code| {
        if !out
            .iter()
            .any(|m| m.code == code || (m.start < end && start < m.end))
        {
            out.push(CodeMatch { start, end, code });
        }
    };
    for c in f.hex.captures_iter(text) {
        let m = c.get(0).expect("group 0");
        if let Ok(v) = u32::from_str_radix(std::str::from_utf8(&c[1]).unwrap_or("x"), 16) {
            if v != 0 {
                add(m.start(), m.end(), from_hex(v));
            }
        }
    }
    for c in f.bare_hex.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        let before = text[..m.start()].last().copied();
        if matches!(before, Some(b'-') | Some(b'{')) || text.get(m.end()) == Some(&b'-') {
            continue;
        }
        if let Ok(v) = u32::from_str_radix(std::str::from_utf8(m.as_bytes()).unwrap_or("x"), 16) {
            add(m.start(), m.end(), Code::HResult(v));
        }
    }
    for c in f.negative.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        if let Some(code) = std::str::from_utf8(m.as_bytes()).ok().and_then(parse) {
            add(m.start(), m.end(), code);
        }
    }
    for c in f.message.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        if let Ok(n) = std::str::from_utf8(m.as_bytes()).unwrap_or("x").parse() {
            add(m.start(), m.end(), Code::MsiMessage(n));
        }
    }
    for c in f.return_code.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        if let Ok(n) = std::str::from_utf8(m.as_bytes())
            .unwrap_or("x")
            .parse::<u32>()
        {
            // Small action return values (`Return value 3.`) are not error codes; installer codes are.
            if n >= 1000 && info(&Code::Win32(n)).is_some() {
                add(m.start(), m.end(), Code::Win32(n));
            }
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// What the table knows about a code.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    /// The code's symbolic name (`ERROR_INSTALL_FAILURE`).
    pub name: &'static str,
    /// What it means, in one plain sentence.
    pub meaning: &'static str,
    /// Where the meaning comes from.
    pub source: &'static str,
}

/// Looks a code up. Message numbers are looked up in the Windows Installer message table, never the Win32
/// one: `Error 1722` in an MSI log is not `RPC_S_SERVER_UNAVAILABLE`.
pub fn info(code: &Code) -> Option<&'static CodeInfo> {
    let table: &[(u32, CodeInfo)] = match code {
        Code::HResult(_) => HRESULTS,
        Code::Win32(_) => WIN32,
        Code::MsiMessage(_) => MSI_MESSAGES,
    };
    let n = match *code {
        Code::HResult(n) | Code::Win32(n) | Code::MsiMessage(n) => n,
    };
    table
        .binary_search_by_key(&n, |e| e.0)
        .ok()
        .map(|i| &table[i].1)
}

/// The facility names of HRESULTs, sorted by number.
pub const FACILITIES: &[(u32, &str)] = &[
    (0, "FACILITY_NULL (generic COM)"),
    (4, "FACILITY_ITF (interface-defined)"),
    (7, "FACILITY_WIN32 (a Win32 or Windows Installer code)"),
    (8, "FACILITY_WINDOWS"),
    (11, "FACILITY_CERT"),
    (15, "FACILITY_SETUPAPI (SetupAPI, CBS and DISM)"),
    (19, "FACILITY_MSMQ"),
    (23, "FACILITY_SXS (side-by-side)"),
    (32, "FACILITY_BACKGROUNDCOPY (BITS)"),
    (36, "FACILITY_WINDOWSUPDATE"),
    (48, "FACILITY_WINDOWS_SETUP"),
    (80, "FACILITY_WINDOWS_DEFENDER"),
];

macro_rules! table {
    ($($n:expr => $name:expr, $meaning:expr, $src:expr;)*) => {
        &[$(($n, CodeInfo { name: $name, meaning: $meaning, source: $src }),)*]
    };
}

/// HRESULTs, sorted by value. Sources: domain reference §1–3 (winerror.h, wuerror.h, Microsoft Learn).
pub const HRESULTS: &[(u32, CodeInfo)] = table! {
    0x8007_0643 => "ERROR_INSTALL_FAILURE", "Fatal error during installation: Windows Installer's generic failure (1603); the cause is in the installer's own log.", "winerror.h; KB976982";
};

/// Win32 and Windows Installer return codes, sorted. Source: Windows Installer error codes (Microsoft Learn).
pub const WIN32: &[(u32, CodeInfo)] = table! {
    1603 => "ERROR_INSTALL_FAILURE", "Fatal error during installation.", "Windows Installer error codes";
    1618 => "ERROR_INSTALL_ALREADY_RUNNING", "Another installation is already in progress.", "Windows Installer error codes";
};

/// Windows Installer error-message numbers, sorted. Source: Windows Installer error messages (Microsoft Learn).
pub const MSI_MESSAGES: &[(u32, CodeInfo)] = table! {
    1935 => "assembly install error", "An error occurred during the installation of an assembly component; the HRESULT on the same line says why.", "Windows Installer error messages";
};

/// A full explanation of one code, for `setup-triage explain` and the page.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Explanation {
    pub code: String,
    pub kind: &'static str,
    pub name: Option<&'static str>,
    pub meaning: Option<&'static str>,
    pub source: Option<&'static str>,
    pub facility: Option<String>,
    /// The other forms of the same failure, each with its own explanation line.
    pub related: Vec<String>,
}

pub fn explain(code: &Code) -> Explanation {
    let i = info(code);
    Explanation {
        code: code.normalized(),
        kind: match code {
            Code::HResult(_) => "HRESULT",
            Code::Win32(_) => "Win32 / Windows Installer return code",
            Code::MsiMessage(_) => "Windows Installer message number",
        },
        name: i.map(|i| i.name),
        meaning: i.map(|i| i.meaning),
        source: i.map(|i| i.source),
        facility: code.facility().map(|f| {
            FACILITIES
                .iter()
                .find(|x| x.0 == f)
                .map(|x| format!("{f} {}", x.1))
                .unwrap_or_else(|| f.to_string())
        }),
        related: code.related().iter().map(Code::normalized).collect(),
    }
}
