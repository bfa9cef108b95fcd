//! Error codes: finding them in text, normalising them, and the table of what they mean.
//!
//! Three kinds of code appear in setup logs:
//! - HRESULTs, written `0x80070643`, `80070643` (Windows Update and CBS logs), or as a negative decimal
//!   (`-2147023293`);
//! - Win32 / Windows Installer return codes (`1603`, or `0x643`, the low word of `0x80070643`);
//! - Windows Installer message numbers (`Error 1935.`), which share numbers with unrelated Win32 codes.
//!
//! Normalised forms: HRESULTs as `0x` and 8 lowercase hex digits; return codes and message numbers as
//! decimal strings.
//!
//! Finding favours precision: a number counts as a code only in a form or a context that says so. Bare
//! decimals count only after words such as `Return value:`, `returning`, `exit code`; bare 8-digit hex
//! only between the delimiters Windows Update and CBS use and with a known facility; message numbers only
//! as `Error NNNN.` / `Error NNNN:`. `Note: 1: 2205 2: …` lines are *not* read as message numbers: they
//! are Windows Installer's debug notes (mostly benign lookups of missing tables), and counting them would
//! bury the real error among dozens of notes.

use std::fmt;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::scan::{re, re_set_no_prefilter};

/// A code found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A 32-bit HRESULT with the failure bit set (or a success HRESULT from the table).
    HResult(u32),
    /// A Win32 error or Windows Installer return code.
    Win32(u32),
    /// A Windows Installer error-message number (`Error 1935.`).
    MsiMessage(u32),
}

/// `HRESULT_FROM_WIN32`'s facility (0x8007xxxx).
pub const FACILITY_WIN32: u32 = 7;

/// Numbers in the Win32 table that are setup exit codes of their own, not Win32 codes: they have no
/// `0x8007xxxx` form.
const NOT_WIN32: &[u32] = &[5100, 5101];

impl Code {
    /// The normalised form.
    pub fn normalized(&self) -> String {
        match *self {
            Code::HResult(h) => format!("0x{h:08x}"),
            Code::Win32(n) | Code::MsiMessage(n) => n.to_string(),
        }
    }

    /// The same failure in its other forms: 1603 ⇄ 0x80070643 (`HRESULT_FROM_WIN32`).
    pub fn related(&self) -> Vec<Code> {
        match *self {
            Code::HResult(h) => wrapped_win32(h).map(Code::Win32).into_iter().collect(),
            Code::Win32(n) if n > 0 && n <= 0xFFFF && !NOT_WIN32.contains(&n) => {
                vec![Code::HResult(0x8007_0000 | n)]
            }
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

    /// The bare number, whatever the kind.
    pub fn number(&self) -> u32 {
        match *self {
            Code::HResult(n) | Code::Win32(n) | Code::MsiMessage(n) => n,
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

/// The Win32 code a failure HRESULT of facility 7 wraps (`0x80070643` → 1603).
fn wrapped_win32(h: u32) -> Option<u32> {
    (h & 0xFFFF_0000 == 0x8007_0000 && h & 0xFFFF != 0).then_some(h & 0xFFFF)
}

/// Whether an HRESULT's facility is one winerror.h names: random hex runs mostly are not.
fn known_facility(h: u32) -> bool {
    FACILITIES
        .binary_search_by_key(&facility(h), |f| f.0)
        .is_ok()
}

/// Parses one code as a person would type it: `0x80070643`, `80070643`, `0x643`, `1603`, `-2147023293`,
/// `Error 1935`, `error 0x80070643`.
pub fn parse(s: &str) -> Option<Code> {
    let t = s.trim().trim_end_matches(['.', ':']).trim();
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("error") {
        let rest = rest.trim_start_matches([' ', ':', '\t']);
        if rest.len() == 4 && rest.bytes().all(|b| b.is_ascii_digit()) {
            return rest.parse().ok().map(Code::MsiMessage);
        }
        return (rest.len() < lower.len() && !rest.is_empty())
            .then(|| parse(rest))
            .flatten();
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(from_hex(v));
    }
    if let Some(neg) = lower.strip_prefix('-') {
        if neg.is_empty() || neg.len() > 10 || !neg.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i64 = neg.parse().ok()?;
        return from_negative(-v);
    }
    if lower.is_empty() || !lower.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // Eight hex digits starting with 8 are how Windows Update writes HRESULTs (`80070643`); any other run
    // of decimal digits is a return code.
    if lower.len() == 8 && lower.starts_with('8') {
        return u32::from_str_radix(&lower, 16).ok().map(Code::HResult);
    }
    if lower.len() == 8 && !lower.bytes().all(|b| b.is_ascii_digit()) {
        return u32::from_str_radix(&lower, 16).ok().map(from_hex);
    }
    if lower.len() > 10 || !lower.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    lower.parse().ok().map(Code::Win32)
}

/// A negative decimal is an HRESULT printed as a signed 32-bit number (`-2147023293` = `0x80070643`).
/// Small negatives (-1, -5) are not HRESULTs.
fn from_negative(v: i64) -> Option<Code> {
    (v >= i64::from(i32::MIN) && v < -0xFFFF).then_some(Code::HResult(v as i32 as u32))
}

/// A hex value is an HRESULT when its top bits say so, else a Win32 code written in hex (`0x643`,
/// `0x00000643`).
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

/// The finders' patterns, one per written form. [`Finders::any`] runs them all in one pass; only those that
/// hit run again for their positions and captures.
const HEX: &str = r"(?i)\b0x([0-9a-f]{1,8})\b";
/// Windows Update and CBS write HRESULTs without 0x: `[80070002]`, `resultMapped=80242014`,
/// `hr=800f081f`. The delimiters around it are checked by hand (GUIDs hold such runs too).
const BARE_HEX: &str = r"(?i)\b8[0-9a-f]{7}\b";
const NEGATIVE: &str = r"-[12][0-9]{9}\b";
/// Case-sensitive on purpose: `Error 1935.` opens an Installer message; `failed with error 1603.` is a
/// return code.
const MESSAGE: &str = r"(?:\b(?:Error|ERROR|Fehler|FEHLER|Erreur|ERREUR|Errore|Feil|Fout)|Ошибка|错误)[ ]?[: ]?[ ]?([12][0-9]{3})(?:[.:]|。| -|$)";
/// Decimal return codes, only after words that say so; `Return value 3.` (no colon) is an action result.
const RETURN_CODE: &str = r"(?i)(return value:|returning|error status:|completed with status:|error code:?|exit code:?|exit code is|exit code was|exited with|returned|return code:?|system error|with error:?|failed with)[ \t'=(:-]*([0-9]{1,5})\b";

/// The finders. Each pattern alone is compiled the first time a line needs it: compiling a regex costs far
/// more than running it on a line, and most logs hold only some of the written forms (a process diagnosing one
/// MSI log compiles two of the five).
struct Finders {
    /// All patterns in one pass: the cheap test that most lines fail.
    any: regex::bytes::RegexSet,
    hex: OnceLock<Regex>,
    bare_hex: OnceLock<Regex>,
    negative: OnceLock<Regex>,
    message: OnceLock<Regex>,
    return_code: OnceLock<Regex>,
}

fn finders() -> &'static Finders {
    static F: OnceLock<Finders> = OnceLock::new();
    F.get_or_init(|| Finders {
        // Without a prefilter: the case-insensitive hexadecimal digits make its literals costly to extract.
        any: re_set_no_prefilter(&[HEX, BARE_HEX, NEGATIVE, MESSAGE, RETURN_CODE]),
        hex: OnceLock::new(),
        bare_hex: OnceLock::new(),
        negative: OnceLock::new(),
        message: OnceLock::new(),
        return_code: OnceLock::new(),
    })
}

/// Bytes that may stand right before a bare 8-digit HRESULT (`[80070002]`, `=80242014`, `: 8024402c`).
fn opens_bare(b: Option<u8>) -> bool {
    matches!(
        b,
        None | Some(b'[' | b' ' | b'\t' | b'=' | b':' | b'(' | b',' | b'\'' | b'"')
    )
}

/// Bytes that may stand right after one.
fn closes_bare(b: Option<u8>) -> bool {
    matches!(
        b,
        None | Some(b']' | b' ' | b'\t' | b',' | b'.' | b')' | b';' | b'\'' | b'"' | b'\r' | b'\n')
    )
}

/// Whether a word saying "this is an error" stands right before `at`, with only separators between:
/// `error 0x5`, `failed with 0x1a90`, `returned 0x643`, `GLE = 0x3`, `Exit code: 0x643`.
fn error_word_before(text: &[u8], at: usize) -> bool {
    let head = &text[at.saturating_sub(40)..at];
    let end = head
        .iter()
        .rposition(|b| {
            !matches!(
                b,
                b' ' | b'\t' | b':' | b'=' | b'(' | b'[' | b'\'' | b'"' | b','
            )
        })
        .map_or(0, |i| i + 1);
    let head = head[..end].to_ascii_lowercase();
    [
        "error",
        "fail",
        "failed",
        "failed with",
        "with",
        "returned",
        "returning",
        "return",
        "result",
        "code",
        "status",
        "hr",
        "gle",
        "return value",
        "exit code",
    ]
    .iter()
    .any(|w| {
        head.ends_with(w.as_bytes())
            && (head.len() == w.len() || !head[head.len() - w.len() - 1].is_ascii_alphanumeric())
    })
}

/// Whether a word saying "this is not a code" stands right before `at`: `Flags: 0X80010010`,
/// `stack @0xff83d799`, `handle 0x80000004`.
fn not_code_before(text: &[u8], at: usize) -> bool {
    let head = &text[at.saturating_sub(24)..at];
    if head.last() == Some(&b'@') {
        return true;
    }
    let end = head
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b':' | b'=' | b'(' | b'['))
        .map_or(0, |i| i + 1);
    let head = head[..end].to_ascii_lowercase();
    [
        "flags",
        "flag",
        "attributes",
        "mask",
        "handle",
        "address",
        "options",
        "offset",
        "size",
    ]
    .iter()
    .any(|w| head.ends_with(w.as_bytes()))
}

/// Whether the line before `at` speaks of an error at all (`InstallReturnValue: …, 0x643`), for short hex
/// values the table knows. Lines about handles and events (`session event 0x644`) do not.
fn error_line_before(text: &[u8], at: usize) -> bool {
    // A bounded look back: a long text without line ends must not make every match scan to its start.
    let window = &text[at.saturating_sub(300)..at];
    let line_start = window
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let head = window[line_start..].to_ascii_lowercase();
    ["error", "fail", "returnvalue", "returned", "exit code"]
        .iter()
        .any(|w| memchr::memmem::find(&head, w.as_bytes()).is_some())
}

fn utf8_u32(bytes: &[u8], radix: u32) -> Option<u32> {
    u32::from_str_radix(std::str::from_utf8(bytes).ok()?, radix).ok()
}

/// Finds every code in a line (or any text), in order of position, without repeats of the same code.
pub fn find_codes(text: &[u8]) -> Vec<CodeMatch> {
    let f = finders();
    let hits = f.any.matches(text);
    if !hits.matched_any() {
        return Vec::new();
    }
    // Candidates from every pass, with the pass's rank: where two overlap (`with Error 1603.` reads as a
    // message and as a return code), the earlier pass wins.
    let mut found: Vec<(usize, u8, usize, Code)> = Vec::new();
    for c in hits
        .matched(0)
        .then(|| f.hex.get_or_init(|| re(HEX)).captures_iter(text))
        .into_iter()
        .flatten()
    {
        let (Some(m), Some(digits)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Some(v) = utf8_u32(digits.as_bytes(), 16) else {
            continue;
        };
        if v == 0 || v == u32::MAX || not_code_before(text, m.start()) {
            continue;
        }
        let code = from_hex(v);
        let keep = match code {
            // A failure HRESULT, or a success one the table knows (0x00240005); other 8-digit values with
            // the high bit clear are addresses and flags.
            Code::HResult(h) => h & 0x8000_0000 != 0 || info(&code).is_some(),
            // `0x643` is 1603 where the line speaks of failure; `0x10` or `event 0x644` is a flag or a
            // handle unless an error word stands right before it.
            _ => {
                error_word_before(text, m.start())
                    || (info(&code).is_some()
                        && v >= 0x100
                        && (digits.len() == 8 || error_line_before(text, m.start())))
            }
        };
        if keep {
            found.push((m.start(), 0, m.end(), code));
        }
    }
    for m in hits
        .matched(1)
        .then(|| f.bare_hex.get_or_init(|| re(BARE_HEX)).find_iter(text))
        .into_iter()
        .flatten()
    {
        let before = m.start().checked_sub(1).and_then(|i| text.get(i)).copied();
        if !opens_bare(before)
            || !closes_bare(text.get(m.end()).copied())
            || not_code_before(text, m.start())
        {
            continue;
        }
        let Some(v) = utf8_u32(m.as_bytes(), 16) else {
            continue;
        };
        let code = Code::HResult(v);
        // All-decimal runs (`81234567`) may be sizes or counts: only codes the table knows count.
        let keep = if m.as_bytes().iter().all(u8::is_ascii_digit) {
            info(&code).is_some()
        } else {
            known_facility(v)
        };
        if keep {
            found.push((m.start(), 1, m.end(), code));
        }
    }
    for m in hits
        .matched(2)
        .then(|| f.negative.get_or_init(|| re(NEGATIVE)).find_iter(text))
        .into_iter()
        .flatten()
    {
        let before = m.start().checked_sub(1).and_then(|i| text.get(i)).copied();
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            continue;
        }
        let Some(code) = std::str::from_utf8(m.as_bytes()).ok().and_then(parse) else {
            continue;
        };
        // Registry roots print as negative decimals too (`Root=-2147483646` is HKEY_LOCAL_MACHINE,
        // 0x80000002): facility 0 counts only for codes the table knows.
        let n = code.number();
        if info(&code).is_some() || (known_facility(n) && facility(n) != 0) {
            found.push((m.start(), 2, m.end(), code));
        }
    }
    for c in hits
        .matched(3)
        .then(|| f.message.get_or_init(|| re(MESSAGE)).captures_iter(text))
        .into_iter()
        .flatten()
    {
        let (Some(whole), Some(m)) = (c.get(0), c.get(1)) else {
            continue;
        };
        // `failed with Error 1603.` reports a return code, not the Installer's message 1603.
        let before = text[whole.start().saturating_sub(5)..whole.start()].to_ascii_lowercase();
        if before.ends_with(b"with ") || before.ends_with(b"code ") {
            continue;
        }
        if let Some(n) = utf8_u32(m.as_bytes(), 10) {
            found.push((m.start(), 3, m.end(), Code::MsiMessage(n)));
        }
    }
    for c in hits
        .matched(4)
        .then(|| {
            f.return_code
                .get_or_init(|| re(RETURN_CODE))
                .captures_iter(text)
        })
        .into_iter()
        .flatten()
    {
        let (Some(phrase), Some(m)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let Some(n) = utf8_u32(m.as_bytes(), 10) else {
            continue;
        };
        let code = Code::Win32(n);
        // Action results (`Return value 3.`) and counts are not error codes; installer codes are. Small
        // Win32 codes count only where the phrase says "error" (`System error 5.`, `error code 2`).
        let small_ok = phrase
            .as_bytes()
            .to_ascii_lowercase()
            .starts_with(b"error code")
            || phrase.as_bytes().eq_ignore_ascii_case(b"system error");
        if n != 0 && info(&code).is_some() && (n >= 1000 || small_ok) {
            found.push((m.start(), 4, m.end(), code));
        }
    }
    found.sort_unstable_by_key(|f| (f.0, f.1));
    // Keep the first occurrence of each code, and no match that overlaps one kept before it.
    let mut out: Vec<CodeMatch> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut last_end = 0;
    for (start, _, end, code) in found {
        if start < last_end {
            continue;
        }
        last_end = end;
        if seen.insert(code) {
            out.push(CodeMatch { start, end, code });
        }
    }
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
/// one: `Error 1722` in an MSI log is not `RPC_S_SERVER_UNAVAILABLE`. A `0x8007xxxx` HRESULT without an
/// entry of its own reads as the Win32 code it wraps.
pub fn info(code: &Code) -> Option<&'static CodeInfo> {
    let lookup = |table: &'static [(u32, CodeInfo)], n: u32| {
        table
            .binary_search_by_key(&n, |e| e.0)
            .ok()
            .map(|i| &table[i].1)
    };
    match *code {
        Code::HResult(h) => lookup(HRESULTS, h).or_else(|| {
            wrapped_win32(h)
                .filter(|n| !NOT_WIN32.contains(n))
                .and_then(|n| lookup(WIN32, n))
        }),
        Code::Win32(n) => lookup(WIN32, n),
        Code::MsiMessage(n) => lookup(MSI_MESSAGES, n),
    }
}

/// The other way to read the same number: `1722` is both a Win32 code and an Installer message number.
/// Only when the other table has it.
pub fn other_reading(code: &Code) -> Option<Code> {
    let other = match *code {
        Code::Win32(n) => Code::MsiMessage(n),
        Code::MsiMessage(n) => Code::Win32(n),
        Code::HResult(_) => return None,
    };
    info(&other).is_some().then_some(other)
}

/// Whether a code means success (0, 1641, 3010, `0x80242014`, HRESULTs with the failure bit clear).
pub fn is_success(code: &Code) -> bool {
    match *code {
        Code::HResult(h) => {
            h & 0x8000_0000 == 0
                || h == 0x8024_2014
                || wrapped_win32(h).is_some_and(|n| is_success(&Code::Win32(n)))
        }
        Code::Win32(n) => matches!(n, 0 | 1641 | 3010),
        Code::MsiMessage(n) => n == 1707,
    }
}
/// Where the table's facts come from: the short names of the sources in the domain reference (§8).
mod src {
    pub const MSI_CODES: &str = "Windows Installer error codes (learn.microsoft.com)";
    pub const MSI_MESSAGES: &str = "Windows Installer error messages (learn.microsoft.com)";
    pub const SYSTEM: &str = "System error codes (learn.microsoft.com)";
    pub const WINERROR: &str = "winerror.h (mingw-w64)";
    pub const WINHTTP: &str = "winhttp.h (mingw-w64); Windows Update errors (learn.microsoft.com)";
    pub const WUERROR: &str =
        "wuerror.h (mingw-w64); Windows Update error reference (learn.microsoft.com)";
    pub const WU_COMMON: &str = "Common Windows Update errors (learn.microsoft.com)";
    pub const DISM: &str = "Fix Windows Update errors with DISM, KB947821 (learn.microsoft.com)";
    pub const CBS_0823: &str =
        "Troubleshoot Windows Update error code 0x800F0823 (learn.microsoft.com)";
    pub const CBS_0922: &str = "Error 0x800F0922 when installing updates (learn.microsoft.com); Common Windows Update errors (learn.microsoft.com)";
    pub const NETFX35: &str = "Install .NET Framework 3.5 (learn.microsoft.com); KB2734782";
    pub const NETFX35_NAME: &str = "Install .NET Framework 3.5 (learn.microsoft.com); KB2734782; the symbolic name is not in these sources";
    pub const CBS_LOG: &str = "the name CBS.log writes beside the code (`[HRESULT = 0x… - NAME]`)";
    pub const NETFX_DEPLOY: &str =
        ".NET Framework deployment guide for developers (learn.microsoft.com)";
    pub const NETFX_LOGS: &str = ".NET Framework setup logs in the corpus (log-formats.md); not in Microsoft's list of setup return codes";
    pub const BLOG_1935_2F: &str =
        "winerror.h (mingw-w64); Aaron Stebner, 1935 error with HRESULT 0x8002802F (MS blog)";
    pub const BLOG_1935_47: &str = "Aaron Stebner, 1935 error with HRESULT 0x80131047 (MS blog)";
    pub const DELIVERY_OPTIMIZATION: &str =
        "Delivery Optimization return values (learn.microsoft.com, DO Return Values)";
    pub const CONFIGMGR: &str = "Configuration Manager application installation error codes reference (learn.microsoft.com)";
    pub const KB976982: &str = "winerror.h (mingw-w64); KB976982; KB923100";
    pub const APPX: &str = "Troubleshooting packaging, deployment, and query of Windows apps (learn.microsoft.com); winerror.h (mingw-w64)";
    pub const UPGRADE_CODES: &str =
        "Windows upgrade error codes; Windows upgrade resolution procedures (learn.microsoft.com)";
    pub const UPGRADE_SYSPREP_APPX: &str = "System error codes (learn.microsoft.com); Sysprep fails after you remove or update Microsoft Store apps (learn.microsoft.com)";
}

/// The facility names of HRESULTs, sorted by number (winerror.h; 48 and 80 from newer SDK headers).
pub const FACILITIES: &[(u32, &str)] = &[
    (0, "FACILITY_NULL (generic COM)"),
    (1, "FACILITY_RPC"),
    (2, "FACILITY_DISPATCH (COM automation)"),
    (3, "FACILITY_STORAGE (structured storage)"),
    (4, "FACILITY_ITF (interface-defined)"),
    (7, "FACILITY_WIN32 (a Win32 or Windows Installer code)"),
    (8, "FACILITY_WINDOWS"),
    (9, "FACILITY_SECURITY (cryptography)"),
    (10, "FACILITY_CONTROL"),
    (11, "FACILITY_CERT (certificates and signatures)"),
    (12, "FACILITY_INTERNET"),
    (13, "FACILITY_MEDIASERVER"),
    (14, "FACILITY_MSMQ"),
    (15, "FACILITY_SETUPAPI (SetupAPI, CBS and DISM)"),
    (16, "FACILITY_SCARD (smart card)"),
    (17, "FACILITY_COMPLUS"),
    (18, "FACILITY_AAF"),
    (19, "FACILITY_URT (.NET runtime)"),
    (20, "FACILITY_ACS"),
    (21, "FACILITY_DPLAY"),
    (22, "FACILITY_UMI"),
    (23, "FACILITY_SXS (side-by-side)"),
    (24, "FACILITY_WINDOWS_CE"),
    (25, "FACILITY_HTTP"),
    (32, "FACILITY_BACKGROUNDCOPY (BITS)"),
    (33, "FACILITY_CONFIGURATION"),
    (34, "FACILITY_STATE_MANAGEMENT"),
    (35, "FACILITY_METADIRECTORY"),
    (36, "FACILITY_WINDOWSUPDATE"),
    (37, "FACILITY_DIRECTORYSERVICE"),
    (48, "FACILITY_WINDOWS_SETUP"),
    (80, "FACILITY_WINDOWS_DEFENDER"),
];

macro_rules! table {
    ($($n:expr => $name:expr, $meaning:expr, $src:expr;)*) => {
        &[$(($n, CodeInfo { name: $name, meaning: $meaning, source: $src }),)*]
    };
}

/// HRESULTs, sorted by value. `0x8007xxxx` codes without an entry here read as the Win32 code they wrap
/// (see [`info`]).
pub const HRESULTS: &[(u32, CodeInfo)] = table! {
    0x0024_0005 => "WU_S_REBOOT_REQUIRED", "Success: the update installed, and the computer must restart to finish.", src::WUERROR;
    0x0024_0006 => "WU_S_ALREADY_INSTALLED", "Success: the update was already installed, so nothing was done.", src::WUERROR;
    0x8000_4001 => "E_NOTIMPL", "Not implemented: the component does not support the requested operation.", src::WINERROR;
    0x8000_4005 => "E_FAIL", "Unspecified failure: a generic error that names no cause; the lines before it say more.", src::WINERROR;
    0x8000_FFFF => "E_UNEXPECTED", "Catastrophic failure: something unexpected went wrong inside the component.", src::WINERROR;
    0x8002_802F => "TYPE_E_DLLFUNCTIONNOTFOUND", "A function could not be found in a DLL; with Windows Installer error 1935 it usually means mscoree.dll (the .NET loader) is damaged, fixed by repairing the newest installed .NET Framework.", src::BLOG_1935_2F;
    0x8003_0002 => "STG_E_FILENOTFOUND", "A structured-storage file could not be found (seen in Windows Installer `Note:` lines while it looks for optional files).", src::WINERROR;
    0x8007_0005 => "E_ACCESSDENIED", "Access denied (Win32 5): permissions on WinSxS, SoftwareDistribution or the CBS registry key, or antivirus holding files, blocked the update.", src::WU_COMMON;
    0x8007_0006 => "E_HANDLE", "The handle is invalid (Win32 6).", src::WINERROR;
    0x8007_000E => "E_OUTOFMEMORY", "Not enough memory or other storage was available to finish the operation (Win32 14).", src::WINERROR;
    0x8007_0057 => "E_INVALIDARG", "One or more arguments are invalid (Win32 87, ERROR_INVALID_PARAMETER).", src::WINERROR;
    0x8007_0643 => "ERROR_INSTALL_FAILURE", "Fatal error during installation: the generic Windows Installer failure (1603, shown by Windows Update as 0x643); the real cause is only in the installer's own log.", src::KB976982;
    0x8009_1007 => "CRYPT_E_HASH_VALUE", "The hash value is not correct: a downloaded or cached file does not match its expected hash, so it is corrupt or incomplete.", src::WINERROR;
    0x8009_2004 => "CRYPT_E_NOT_FOUND", "Cannot find object or property: a certificate or cryptographic object that was asked for does not exist (often harmless in WindowsUpdate.log token lookups).", src::WINERROR;
    0x8009_6004 => "TRUST_E_CERT_SIGNATURE", "The signature of a certificate could not be verified.", src::WINERROR;
    0x8009_6010 => "TRUST_E_BAD_DIGEST", "The digital signature of the file did not verify: the file was changed or damaged after signing.", src::WINERROR;
    0x800B_0003 => "TRUST_E_SUBJECT_FORM_UNKNOWN", "The file's form is not one the signature checker knows, so its signature could not be checked (often a damaged or incomplete download).", src::WINERROR;
    0x800B_0100 => "TRUST_E_NOSIGNATURE", "No signature was present in the file.", src::WINERROR;
    0x800B_0101 => "CERT_E_EXPIRED", "A required certificate is not within its validity period (expired, or the computer's clock is wrong).", src::WINERROR;
    0x800B_0109 => "CERT_E_UNTRUSTEDROOT", "A certificate chain ended in a root certificate that this computer does not trust (missing root certificate updates).", src::WINERROR;
    0x800B_010A => "CERT_E_CHAINING", "A certificate chain could not be built to a trusted root authority.", src::WINERROR;
    0x800F_0805 => "CBS_E_INVALID_PACKAGE", "The update package is not valid for this system; in CBS logs it appears for a package in almost every Windows 10/11 log and is usually not the cause.", src::CBS_LOG;
    0x800F_080D => "CBS_E_MANIFEST_INVALID_ITEM", "A manifest item is not valid; CBS logs it often while checking packages, and it is usually not the cause.", src::CBS_LOG;
    0x800F_081F => "CBS_E_SOURCE_MISSING", "The source files for a package or file were not found: repair the component store with DISM /RestoreHealth (with /Source for .NET 3.5) and then sfc /scannow.", src::DISM;
    0x800F_0821 => "CBS_E_ABORT", "The servicing operation was aborted by the watchdog timer because it took too long (give the machine more resources and retry).", src::WU_COMMON;
    0x800F_0823 => "CBS_E_NEW_SERVICING_STACK_REQUIRED", "The update needs a newer servicing stack (the part of Windows that installs updates) than the computer or image has: install the latest servicing stack update first, then the update again.", src::CBS_0823;
    0x800F_0825 => "CBS_E_CANNOT_UNINSTALL", "The package cannot be uninstalled, typically because a component is only partly installed; repair with DISM and SFC.", src::WU_COMMON;
    0x800F_0828 => "CBS_E_INSUFFICIENT_DISK_SPACE", "The servicing stack did not have enough disk space for the package; for a Windows Recovery Environment update, the recovery partition is too small.", src::WINERROR;
    0x800F_0831 => "CBS_E_STORE_CORRUPTION", "The component store is corrupt (a manifest or package the update needs is missing): repair with DISM /RestoreHealth, then sfc /scannow.", src::DISM;
    0x800F_0906 => "CBS_E_DOWNLOAD_FAILURE", "Source files could not be downloaded from Windows Update (network, proxy or firewall, or a WSUS policy); give DISM a /Source or set the alternate-source policy.", src::NETFX35_NAME;
    0x800F_0907 => "CBS_E_GROUPPOLICY_DISALLOWED", "Installing the feature (such as .NET 3.5) was blocked, usually by a network policy that stops the download from Windows Update; exact official wording unverified.", src::NETFX35_NAME;
    0x800F_090D => "CBS_E_MISSING_PACKAGE_MAPPING_INDEX", "The package mapping index (wuindex.xml) is missing, so the feature's package could not be located.", src::WU_COMMON;
    0x800F_090E => "CBS_E_EMPTY_PACKAGE_MAPPING_INDEX", "The package mapping index (wuindex.xml) is empty, so the feature's package could not be located.", src::WU_COMMON;
    0x800F_0920 => "CBS_E_HANG_DETECTED", "The servicing stack detected a hang and stopped the operation (watchdog timeout).", src::WU_COMMON;
    0x800F_0922 => "CBS_E_INSTALLERS_FAILED", "An advanced installer inside the update failed and the update was rolled back (causes include a small System Reserved/EFI partition, folder permissions, or a failed .NET 3.5 enable).", src::CBS_0922;
    0x800F_0954 => "CBS_E_INVALID_WINDOWS_UPDATE_COUNT_WSUS", "Windows Update (WSUS) returned no package for the optional feature (.NET 3.5 or another Feature on Demand) on a WSUS-managed computer.", src::NETFX35;
    0x8013_1047 => "FUSION_E_INVALID_NAME", "The assembly name is invalid; with Windows Installer error 1935 it means the assembly's name in the package does not match the assembly file itself.", src::BLOG_1935_47;
    0x8019_0193 => "BG_E_HTTP_ERROR_403", "A BITS download got HTTP 403 Forbidden from the server or proxy.", src::WINERROR;
    0x8020_002B => "BG_E_INVALID_RANGE", "A BITS download asked for a byte range beyond the end of the file on the server.", src::WINERROR;
    0x8020_0053 => "BG_E_VALIDATION_FAILED", "A BITS download failed content validation, usually because a proxy or web filter changed the content.", src::WU_COMMON;
    0x8024_0007 => "WU_E_INVALIDINDEX", "The index into a collection was invalid (an internal Windows Update Agent error).", src::WUERROR;
    0x8024_0009 => "WU_E_OPERATIONINPROGRESS", "Another conflicting Windows Update operation was in progress (installations cannot run twice at once).", src::WUERROR;
    0x8024_000B => "WU_E_CALL_CANCELLED", "The Windows Update operation was cancelled.", src::WUERROR;
    0x8024_000C => "WU_E_NOOP", "The operation did nothing because there was nothing to do (not an install failure).", src::WUERROR;
    0x8024_000E => "WU_E_XML_INVALID", "Windows Update Agent found invalid information in an update's XML data (often logged while scanning, and usually not the cause).", src::WUERROR;
    0x8024_0013 => "WU_E_DUPLICATE_ITEM", "Windows Update Agent tried to add a duplicate item to a list (an internal error while handling updates).", src::WUERROR;
    0x8024_0016 => "WU_E_INSTALL_NOT_ALLOWED", "An install was tried while another install was running or a required restart was pending.", src::WUERROR;
    0x8024_0017 => "WU_E_NOT_APPLICABLE", "The update is not applicable to this computer: superseded, already installed, wrong architecture, or a prerequisite is missing.", src::WUERROR;
    0x8024_001E => "WU_E_SERVICE_STOP", "The operation stopped because the service or the system was shutting down.", src::WUERROR;
    0x8024_0020 => "WU_E_NO_INTERACTIVE_USER", "The operation needs a signed-in user and none was signed in; sign in and allow the restart.", src::WUERROR;
    0x8024_0022 => "WU_E_ALL_UPDATES_FAILED", "The operation failed for all updates, most often because antivirus blocked folders such as SoftwareDistribution; CBS.log holds the detail.", src::WU_COMMON;
    0x8024_002E => "WU_E_WU_DISABLED", "Access to an unmanaged update server is not allowed by policy.", src::WUERROR;
    0x8024_0061 => "WU_E_FILETRUST_SHA2SIGNATURE_MISSING", "An update file does not carry the SHA-2 signature that Windows Update requires.", src::WUERROR;
    0x8024_0438 => "WU_E_PT_ENDPOINT_UNREACHABLE", "There is no route or network connectivity to the Windows Update endpoint.", src::WUERROR;
    0x8024_043D => "WU_E_SERVICEPROP_NOTAVAIL", "The requested update service property is not available (usually harmless).", src::WUERROR;
    0x8024_0FFF => "WU_E_UNEXPECTED", "A Windows Update Agent error not covered by any other code.", src::WUERROR;
    0x8024_1001 => "WU_E_MSI_WRONG_VERSION", "The search may have missed updates because Windows Installer is older than version 3.1.", src::WUERROR;
    0x8024_1002 => "WU_E_MSI_NOT_CONFIGURED", "The search may have missed updates because Windows Installer is not configured.", src::WUERROR;
    0x8024_1003 => "WU_E_MSP_DISABLED", "The search may have missed updates because policy disables Windows Installer patching.", src::WUERROR;
    0x8024_1004 => "WU_E_MSI_WRONG_APP_CONTEXT", "An update could not be applied because the application is installed per user.", src::WUERROR;
    0x8024_2006 => "WU_E_UH_INVALIDMETADATA", "The update handler found invalid update metadata: rename the DataStore, Download and catroot2 folders and retry.", src::WU_COMMON;
    0x8024_200B => "WU_E_UH_INSTALLERFAILURE", "The update's installer failed to install or uninstall one or more updates; the installer's own result (such as 0x80070643) says why.", src::WUERROR;
    0x8024_2014 => "WU_E_UH_POSTREBOOTSTILLPENDING", "Not a failure: the update is installed and waits for a restart to finish.", src::WUERROR;
    0x8024_2017 => "WU_E_UH_NEW_SERVICING_STACK_REQUIRED", "The update needs a newer servicing stack: install the latest servicing stack update first.", src::WUERROR;
    0x8024_4007 => "WU_E_PT_SOAPCLIENT_SOAPFAULT", "The Windows Update server returned a SOAP fault (with WSUS, often an expired cookie that must be renewed).", src::WUERROR;
    0x8024_4018 => "WU_E_PT_HTTP_STATUS_FORBIDDEN", "The update server or a proxy answered HTTP 403 Forbidden.", src::WUERROR;
    0x8024_4019 => "WU_E_PT_HTTP_STATUS_NOT_FOUND", "The update server answered HTTP 404 Not Found.", src::WUERROR;
    0x8024_401B => "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ", "The proxy asked for authentication (HTTP 407): configure the WinHTTP proxy.", src::WUERROR;
    0x8024_401C => "WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT", "The update server answered HTTP 408: it timed out waiting for the request.", src::WUERROR;
    0x8024_4022 => "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL", "The update server answered HTTP 503 Service Unavailable.", src::WUERROR;
    0x8024_402C => "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED", "The proxy or update server name could not be resolved: check DNS, the proxy and whether the WSUS server is reachable.", src::WUERROR;
    0x8024_402F => "WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS", "External cab files were processed with errors, often because a web filter altered the download.", src::WUERROR;
    0x8024_6007 => "WU_E_DM_NOTDOWNLOADED", "The update has not been downloaded.", src::WUERROR;
    0x8024_6008 => "WU_E_DM_FAILTOCONNECTTOBITS", "Windows Update could not start BITS (Background Intelligent Transfer Service) to download.", src::WUERROR;
    0x8024_6017 => "WU_E_DM_UNAUTHORIZED_LOCAL_USER", "The signed-in user lacks the rights to download updates.", src::WUERROR;
    0x8024_8007 => "WU_E_DS_NODATA", "The requested information is not in Windows Update's data store (common in logs and usually harmless).", src::WUERROR;
    0x8024_8014 => "WU_E_DS_UNKNOWNSERVICE", "The update service asked for is not registered in Windows Update's data store (usually harmless).", src::WUERROR;
    0x8024_801E => "WU_E_DS_DATANOTAVAILABLE", "The data asked for is not available in Windows Update's data store (usually harmless).", src::WUERROR;
    0x8024_A10A => "USO_E_SERVICE_SHUTTING_DOWN", "The update service was shutting down after being idle.", src::WU_COMMON;
    0x80D0_3805 => "DO_E_BLOCKED_BY_NO_NETWORK", "Delivery Optimization paused the download because the network connection was lost.", src::DELIVERY_OPTIMIZATION;
    0x87D0_0215 => "Configuration Manager: Item not found", "A Configuration Manager client did not find the item it looked for: the deployment, its policy, or its content is not available to this client.", src::CONFIGMGR;
    0xC157_0118 => "App provisioning: a higher version is installed", "DISM could not provision the app package because a higher version of it is already installed.", src::APPX;
    0xC190_0101 => "Generic rollback (Microsoft publishes no symbolic name)", "Windows Setup rolled the upgrade back, usually because of a driver or incompatible software; the extend code after it names the phase.", src::UPGRADE_CODES;
    0xC190_0107 => "MOSETUP_E_CLEANUP_PENDING", "A cleanup operation from a previous installation attempt is still pending, and a restart is needed to continue the upgrade.", src::UPGRADE_CODES;
    0xC190_0200 => "MOSETUP_E_COMPAT_SYSREQ_BLOCK", "The computer does not meet the minimum requirements to install the upgrade.", src::UPGRADE_CODES;
    0xC190_0202 => "MOSETUP_E_COMPAT_MINDOWNLOADREQ_BLOCK", "The computer does not meet the minimum requirements to download the upgrade.", src::UPGRADE_CODES;
    0xC190_020E => "MOSETUP_E_INSTALLDISKSPACE_BLOCK", "The system drive does not have enough free space for the upgrade.", src::UPGRADE_CODES;
};

/// Win32 and Windows Installer return codes (and the .NET setup exit codes 5100/5101), sorted.
pub const WIN32: &[(u32, CodeInfo)] = table! {
    0 => "ERROR_SUCCESS", "Success: the action completed successfully.", src::MSI_CODES;
    1 => "ERROR_INVALID_FUNCTION", "Incorrect function.", src::SYSTEM;
    2 => "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified: files are missing, often from an incomplete earlier update; CBS.log names the file or key.", src::SYSTEM;
    3 => "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified (the servicing stack could not reach a folder).", src::SYSTEM;
    5 => "ERROR_ACCESS_DENIED", "Access is denied: permissions or antivirus locks kept the installer or servicing stack from a file, folder or registry key.", src::SYSTEM;
    6 => "ERROR_INVALID_HANDLE", "The handle is invalid.", src::SYSTEM;
    13 => "ERROR_INVALID_DATA", "The data is invalid (for an update, usually a corrupt download to fetch again).", src::MSI_CODES;
    14 => "ERROR_OUTOFMEMORY", "Not enough memory resources are available to complete this operation.", src::SYSTEM;
    32 => "ERROR_SHARING_VIOLATION", "The file is being used by another process, typically a non-Microsoft filter driver such as antivirus.", src::WU_COMMON;
    33 => "ERROR_LOCK_VIOLATION", "The process cannot access the file because another process has locked a portion of it.", src::SYSTEM;
    50 => "ERROR_NOT_SUPPORTED", "The request is not supported (frequent and mostly harmless in WindowsUpdate.log).", src::SYSTEM;
    87 => "ERROR_INVALID_PARAMETER", "One of the parameters was invalid.", src::MSI_CODES;
    109 => "ERROR_BROKEN_PIPE", "The pipe has been ended: the process on its other end stopped (for a setup bundle, its elevated or its user-interface process).", src::SYSTEM;
    112 => "ERROR_DISK_FULL", "There is not enough space on the disk.", src::SYSTEM;
    120 => "ERROR_CALL_NOT_IMPLEMENTED", "A custom action called a function that custom actions may not call.", src::MSI_CODES;
    123 => "ERROR_INVALID_NAME", "The file name, directory name, or volume label syntax is incorrect.", src::SYSTEM;
    126 => "ERROR_MOD_NOT_FOUND", "The specified module (DLL) could not be found.", src::SYSTEM;
    183 => "ERROR_ALREADY_EXISTS", "Cannot create a file when that file already exists.", src::SYSTEM;
    216 => "ERROR_EXE_MACHINE_TYPE_MISMATCH", "The program is not compatible with this version of Windows (it is built for another processor type).", src::SYSTEM;
    222 => "ERROR_BAD_FILE_TYPE", "The file type being saved or retrieved has been blocked.", src::SYSTEM;
    232 => "ERROR_NO_DATA", "The pipe is being closed: the process on its other end stopped (for a setup bundle, its elevated or its user-interface process).", src::SYSTEM;
    259 => "ERROR_NO_MORE_ITEMS", "No more data is available (custom actions that return it have not failed).", src::SYSTEM;
    267 => "ERROR_DIRECTORY", "The directory name is invalid.", src::SYSTEM;
    534 => "ERROR_ARITHMETIC_OVERFLOW", "Arithmetic result exceeded 32 bits.", src::SYSTEM;
    1008 => "ERROR_NO_TOKEN", "An attempt was made to reference a token that does not exist.", src::SYSTEM;
    1058 => "ERROR_SERVICE_DISABLED", "The service is disabled: as 0x80070422 the Windows Update service (wuauserv) or a service it needs is disabled; enable and start it.", src::WU_COMMON;
    1168 => "ERROR_NOT_FOUND", "Element not found.", src::SYSTEM;
    1222 => "ERROR_NO_NETWORK", "The network is not present or not started.", src::SYSTEM;
    1223 => "ERROR_CANCELLED", "The operation was canceled by the user (as 0x800704C7, Windows Setup's result when setup was cancelled or stopped).", src::SYSTEM;
    1231 => "ERROR_NETWORK_UNREACHABLE", "The network location cannot be reached.", src::SYSTEM;
    1259 => "ERROR_APPHELP_BLOCK", "The user declined to install a product that Windows flagged as possibly incompatible.", src::MSI_CODES;
    1316 => "ERROR_USER_EXISTS", "The specified account already exists (a Win32 code; Installer message 1316 in an MSI log is a network read error instead).", src::SYSTEM;
    1327 => "ERROR_ACCOUNT_RESTRICTION", "Account restrictions are preventing this user from signing in (a Win32 code; Installer message 1327 is Invalid Drive instead).", src::SYSTEM;
    1392 => "ERROR_FILE_CORRUPT", "The file or directory is corrupted and unreadable: repair with DISM /RestoreHealth and sfc /scannow.", src::WU_COMMON;
    1601 => "ERROR_INSTALL_SERVICE_FAILURE", "The Windows Installer service could not be accessed: it is not registered properly or is disabled.", src::MSI_CODES;
    1602 => "ERROR_INSTALL_USEREXIT", "The user cancelled the installation.", src::MSI_CODES;
    1603 => "ERROR_INSTALL_FAILURE", "A fatal error occurred during installation: Windows Installer's generic failure, whose cause is only in the installer's own log.", src::MSI_CODES;
    1604 => "ERROR_INSTALL_SUSPEND", "Installation suspended, incomplete.", src::MSI_CODES;
    1605 => "ERROR_UNKNOWN_PRODUCT", "This action is only valid for products that are currently installed.", src::MSI_CODES;
    1606 => "ERROR_UNKNOWN_FEATURE", "The feature identifier is not registered.", src::MSI_CODES;
    1607 => "ERROR_UNKNOWN_COMPONENT", "The component identifier is not registered.", src::MSI_CODES;
    1608 => "ERROR_UNKNOWN_PROPERTY", "This is an unknown property.", src::MSI_CODES;
    1609 => "ERROR_INVALID_HANDLE_STATE", "The handle is in an invalid state.", src::MSI_CODES;
    1610 => "ERROR_BAD_CONFIGURATION", "The configuration data for this product is corrupt.", src::MSI_CODES;
    1611 => "ERROR_INDEX_ABSENT", "The component qualifier is not present.", src::MSI_CODES;
    1612 => "ERROR_INSTALL_SOURCE_ABSENT", "The installation source for this product is not available (missing source media or a damaged Windows Installer cache).", src::MSI_CODES;
    1613 => "ERROR_INSTALL_PACKAGE_VERSION", "The package needs a newer Windows Installer than the one on this computer.", src::MSI_CODES;
    1614 => "ERROR_PRODUCT_UNINSTALLED", "The product is uninstalled.", src::MSI_CODES;
    1615 => "ERROR_BAD_QUERY_SYNTAX", "The SQL query syntax is invalid or unsupported.", src::MSI_CODES;
    1616 => "ERROR_INVALID_FIELD", "The record field does not exist.", src::MSI_CODES;
    1618 => "ERROR_INSTALL_ALREADY_RUNNING", "Another installation is already in progress (the _MSIExecute mutex is held): wait for it or restart.", src::MSI_CODES;
    1619 => "ERROR_INSTALL_PACKAGE_OPEN_FAILED", "The installation package could not be opened: check that it exists, is accessible and is a valid package.", src::MSI_CODES;
    1620 => "ERROR_INSTALL_PACKAGE_INVALID", "The installation package could not be opened because it is not a valid Windows Installer package.", src::MSI_CODES;
    1621 => "ERROR_INSTALL_UI_FAILURE", "There was an error starting the Windows Installer user interface.", src::MSI_CODES;
    1622 => "ERROR_INSTALL_LOG_FAILURE", "The installation log file could not be opened: check that its folder exists and is writable.", src::MSI_CODES;
    1623 => "ERROR_INSTALL_LANGUAGE_UNSUPPORTED", "The language of this installation package is not supported by the system.", src::MSI_CODES;
    1624 => "ERROR_INSTALL_TRANSFORM_FAILURE", "There was an error applying transforms: check the transform paths.", src::MSI_CODES;
    1625 => "ERROR_INSTALL_PACKAGE_REJECTED", "This installation is forbidden by system policy.", src::MSI_CODES;
    1626 => "ERROR_FUNCTION_NOT_CALLED", "The function could not be executed.", src::MSI_CODES;
    1627 => "ERROR_FUNCTION_FAILED", "The function failed during execution.", src::MSI_CODES;
    1628 => "ERROR_INVALID_TABLE", "An invalid or unknown table was specified.", src::MSI_CODES;
    1629 => "ERROR_DATATYPE_MISMATCH", "The data supplied is the wrong type.", src::MSI_CODES;
    1630 => "ERROR_UNSUPPORTED_TYPE", "Data of this type is not supported.", src::MSI_CODES;
    1631 => "ERROR_CREATE_FAILED", "The Windows Installer service failed to start.", src::MSI_CODES;
    1632 => "ERROR_INSTALL_TEMP_UNWRITABLE", "The Temp folder is full or inaccessible: check that it exists and is writable.", src::MSI_CODES;
    1633 => "ERROR_INSTALL_PLATFORM_UNSUPPORTED", "This installation package is not supported on this platform (wrong package for the processor or Windows).", src::MSI_CODES;
    1634 => "ERROR_INSTALL_NOTUSED", "The component is not used on this computer.", src::MSI_CODES;
    1635 => "ERROR_PATCH_PACKAGE_OPEN_FAILED", "The patch package could not be opened: check that it exists and is accessible.", src::MSI_CODES;
    1636 => "ERROR_PATCH_PACKAGE_INVALID", "The patch package could not be opened because it is not a valid Windows Installer patch.", src::MSI_CODES;
    1637 => "ERROR_PATCH_PACKAGE_UNSUPPORTED", "The patch package needs a newer Windows Installer than the one on this computer.", src::MSI_CODES;
    1638 => "ERROR_PRODUCT_VERSION", "Another version of this product is already installed, so this one cannot continue.", src::MSI_CODES;
    1639 => "ERROR_INVALID_COMMAND_LINE", "Invalid command line argument.", src::MSI_CODES;
    1640 => "ERROR_INSTALL_REMOTE_DISALLOWED", "The user may not install from a client session of a Terminal Server.", src::MSI_CODES;
    1641 => "ERROR_SUCCESS_REBOOT_INITIATED", "Success: the installer has started a restart to finish.", src::MSI_CODES;
    1642 => "ERROR_PATCH_TARGET_NOT_FOUND", "The upgrade patch cannot be installed: the program it upgrades is missing or is a different version.", src::MSI_CODES;
    1643 => "ERROR_PATCH_PACKAGE_REJECTED", "The patch package is not permitted by system policy.", src::MSI_CODES;
    1644 => "ERROR_INSTALL_TRANSFORM_REJECTED", "One or more customizations are not permitted by system policy.", src::MSI_CODES;
    1645 => "ERROR_INSTALL_REMOTE_PROHIBITED", "Windows Installer does not permit installation from a Remote Desktop Connection.", src::MSI_CODES;
    1646 => "ERROR_PATCH_REMOVAL_UNSUPPORTED", "The patch package is not a removable patch.", src::MSI_CODES;
    1647 => "ERROR_UNKNOWN_PATCH", "The patch is not applied to this product.", src::MSI_CODES;
    1648 => "ERROR_PATCH_NO_SEQUENCE", "No valid sequence could be found for the set of patches.", src::MSI_CODES;
    1649 => "ERROR_PATCH_REMOVAL_DISALLOWED", "Patch removal was disallowed by policy.", src::MSI_CODES;
    1650 => "ERROR_INVALID_PATCH_XML", "The XML patch data is invalid.", src::MSI_CODES;
    1651 => "ERROR_PATCH_MANAGED_ADVERTISED_PRODUCT", "An administrator could not patch a managed application that is only advertised.", src::MSI_CODES;
    1652 => "ERROR_INSTALL_SERVICE_SAFEBOOT", "Windows Installer is not accessible in Safe Mode: start Windows normally and retry.", src::MSI_CODES;
    1653 => "ERROR_ROLLBACK_DISABLED", "A multiple-package transaction could not run because rollback is disabled.", src::MSI_CODES;
    1654 => "ERROR_INSTALL_REJECTED", "The package is not supported on this version of Windows (an unsigned package on an ARM computer).", src::MSI_CODES;
    1722 => "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable (a Win32 code; Installer message 1722 in an MSI log means a custom-action program failed instead).", src::SYSTEM;
    1723 => "RPC_S_SERVER_TOO_BUSY", "The RPC server is too busy to complete this operation (a Win32 code; Installer message 1723 means a custom-action DLL could not be run).", src::SYSTEM;
    1726 => "RPC_S_CALL_FAILED", "The remote procedure call failed; as 0x800706BE during a cumulative update it points to a corrupted update state.", src::WU_COMMON;
    1920 => "ERROR_CANT_ACCESS_FILE", "The file cannot be accessed by the system (a Win32 code; Installer message 1920 means a service failed to start).", src::SYSTEM;
    1935 => "ERROR_AUTHENTICATION_FIREWALL_FAILED", "The computer is not allowed to authenticate to the target (a Win32 code; Installer message 1935 is an assembly install error instead).", src::SYSTEM;
    3010 => "ERROR_SUCCESS_REBOOT_REQUIRED", "Success: the installation completed, and a restart is required to finish it.", src::MSI_CODES;
    3017 => "ERROR_FAIL_REBOOT_REQUIRED", "The operation failed and a restart is needed to roll back its changes; as 0x80070BC9 often because policy set TrustedInstaller to Manual start.", src::WU_COMMON;
    5100 => ".NET setup: requirements not met", ".NET Framework setup exit code: the computer does not meet the system requirements.", src::NETFX_DEPLOY;
    5101 => ".NET setup: stopped before installing", ".NET Framework setup exit code: setup stopped before installing, as seen when a prerequisite or requirement check failed; its log in %temp% says which.", src::NETFX_LOGS;
    12002 => "ERROR_WINHTTP_TIMEOUT", "The network request timed out (as 0x80072EE2: Windows Update could not reach its servers in time).", src::WINHTTP;
    12019 => "ERROR_WINHTTP_INCORRECT_HANDLE_STATE", "A network request handle was in the wrong state for the operation (as 0x80072EF3).", src::WINHTTP;
    12029 => "ERROR_WINHTTP_CANNOT_CONNECT", "The connection to the server could not be made (as 0x80072EFD: network, proxy or firewall).", src::WINHTTP;
    12030 => "ERROR_WINHTTP_CONNECTION_ERROR", "The connection to the server was reset or ended (as 0x80072EFE).", src::WINHTTP;
    12037 => "ERROR_INTERNET_SEC_CERT_DATE_INVALID", "The server's certificate is out of its validity dates, or the computer's clock is wrong (as 0x80072F05).", src::WINHTTP;
    12038 => "ERROR_INTERNET_SEC_CERT_CN_INVALID", "The server's certificate is for another name (as 0x80072F06): often a proxy or security software that inspects HTTPS.", src::WINHTTP;
    12045 => "ERROR_INTERNET_INVALID_CA", "The server's certificate was issued by an authority this computer does not trust (as 0x80072F0D): missing root certificates, or a proxy that inspects HTTPS.", src::WINHTTP;
    12157 => "ERROR_INTERNET_SECURITY_CHANNEL_ERROR", "The secure channel (TLS) could not be set up (as 0x80072F7D).", src::WINHTTP;
    12175 => "ERROR_WINHTTP_SECURE_FAILURE", "The secure (TLS) connection failed (as 0x80072F8F: TLS 1.2 configuration, root certificates or the clock).", src::WINHTTP;
    14028 => "ERROR_SXS_FILE_HASH_MISMATCH", "A component file does not match its manifest's hash: the component store is damaged (0x800736CC).", src::DISM;
    14081 => "ERROR_SXS_ASSEMBLY_MISSING", "A referenced component is missing or only partly installed (0x80073701).", src::WU_COMMON;
    14098 => "ERROR_SXS_COMPONENT_STORE_CORRUPT", "The component store is inconsistent (0x80073712): repair it with DISM /RestoreHealth, then sfc /scannow.", src::DISM;
    14101 => "ERROR_SXS_MANIFEST_IDENTITY_SAME_BUT_CONTENTS_DIFFERENT", "A component manifest has the same identity as one in the component store but different contents, a sign of store corruption (0x80073715).", src::WINERROR;
    14107 => "ERROR_SXS_TRANSACTION_CLOSURE_INCOMPLETE", "A component-store transaction could not be completed because the store is corrupt (0x8007371B).", src::WU_COMMON;
    15600 => "ERROR_INSTALL_OPEN_PACKAGE_FAILED", "The app package could not be opened (as 0x80073CF0): damaged, or not a package.", src::APPX;
    15602 => "ERROR_INSTALL_INVALID_PACKAGE", "The app package is not valid; as 0x80073CF2 from Sysprep it means a Store app is installed for a user but not provisioned for all users.", src::UPGRADE_SYSPREP_APPX;
    15603 => "ERROR_INSTALL_RESOLVE_DEPENDENCY_FAILED", "The app package failed its update, dependency or conflict checks (as 0x80073CF3): usually a framework package it needs is missing or too old.", src::APPX;
    15606 => "ERROR_INSTALL_REGISTRATION_FAILURE", "The app package could not be registered (as 0x80073CF6).", src::APPX;
    15609 => "ERROR_INSTALL_FAILED", "The app package could not be installed (as 0x80073CF9); the AppX deployment event log says why.", src::APPX;
    15611 => "ERROR_PACKAGE_ALREADY_EXISTS", "The app package is already installed (as 0x80073CFB), or a conflicting version of it is.", src::APPX;
    15613 => "ERROR_INSTALL_PREREQUISITE_FAILED", "A prerequisite of the app package is missing (as 0x80073CFD).", src::APPX;
    15618 => "ERROR_PACKAGES_IN_USE", "The app package is in use and could not be changed (as 0x80073D02): close the app and try again.", src::APPX;
};

/// Windows Installer error-message numbers (`Error 1935.`), sorted.
pub const MSI_MESSAGES: &[(u32, CodeInfo)] = table! {
    1303 => "insufficient privileges to a folder", "The installer lacks the privileges to access a folder: check the folder's permissions.", src::MSI_MESSAGES;
    1304 => "error writing to a file", "Error writing to a file: it may be locked by antivirus or a running program, or permissions or disk space are lacking.", src::MSI_MESSAGES;
    1305 => "error reading from a file", "Error reading from a file: the source or media is damaged or unreachable.", src::MSI_MESSAGES;
    1306 => "file in use", "Another program has a file open that the installer must change: close it, or restart.", src::MSI_MESSAGES;
    1307 => "not enough disk space for a file", "There is not enough disk space to install a file.", src::MSI_MESSAGES;
    1308 => "source file not found", "A source file was not found: the installation source or media is incomplete.", src::MSI_MESSAGES;
    1309 => "error reading from a file", "Error reading from a file; the system error on the same line says why.", src::MSI_MESSAGES;
    1310 => "error creating a file", "Error creating a destination file, usually permissions, a lock or antivirus; the system error on the same line says which.", src::MSI_MESSAGES;
    1311 => "source cabinet not found", "A source cabinet file could not be found: the installation source is missing or incomplete.", src::MSI_MESSAGES;
    1316 => "network error reading a file", "A network error occurred while reading a file from the installation source (not Win32 1316, ERROR_USER_EXISTS).", src::MSI_MESSAGES;
    1321 => "insufficient privileges to modify a file", "The installer lacks the privileges to modify a file: check its permissions.", src::MSI_MESSAGES;
    1324 => "invalid character in a folder path", "A folder path contains an invalid character (often a damaged profile or shell-folder path).", src::MSI_MESSAGES;
    1325 => "invalid short file name", "A name is not a valid short (8.3) file name.", src::MSI_MESSAGES;
    1327 => "invalid drive", "Invalid drive: a path (often a user shell folder or a cached drive letter) points to a drive that is not available.", src::MSI_MESSAGES;
    1328 => "error applying a patch to a file", "A patch could not be applied to a file, probably because the file was changed by other means and no longer matches what the patch expects.", src::MSI_MESSAGES;
    1330 => "cabinet has an invalid signature", "A cabinet file has an invalid digital signature, which may mean it is corrupt: download the package again.", src::MSI_MESSAGES;
    1334 => "file not found in cabinet", "A file was not found in its cabinet: the download or media is damaged.", src::MSI_MESSAGES;
    1335 => "cabinet corrupt", "A cabinet file is corrupt: download the package again.", src::MSI_MESSAGES;
    1401 => "could not create registry key", "A registry key could not be created: check the registry permissions.", src::MSI_MESSAGES;
    1402 => "could not open registry key", "A registry key could not be opened: check the registry permissions.", src::MSI_MESSAGES;
    1404 => "could not delete registry key", "A registry key could not be deleted: check the registry permissions.", src::MSI_MESSAGES;
    1406 => "could not write registry value", "A registry value could not be written: check the registry permissions and security software.", src::MSI_MESSAGES;
    1500 => "another installation in progress", "Another installation is in progress: finish it (or restart) before starting this one.", src::MSI_MESSAGES;
    1601 => "out of disk space", "Out of disk space on a volume (this message is not return code 1601).", src::MSI_MESSAGES;
    1603 => "file held in use", "A file the installer needs is held in use by another process (this message is not return code 1603).", src::MSI_MESSAGES;
    1704 => "suspended installation", "An earlier installation of this product was suspended and must be undone or finished first.", src::MSI_MESSAGES;
    1705 => "previous installation in progress", "A previous installation is still in progress and must be undone or finished first.", src::MSI_MESSAGES;
    1706 => "no valid source", "No valid source could be found for the product: the installation source or the Windows Installer cache is missing.", src::MSI_MESSAGES;
    1707 => "installation succeeded", "Success: the installation operation completed successfully.", src::MSI_MESSAGES;
    1708 => "installation failed", "The installation operation failed (a summary line; the cause is earlier in the log).", src::MSI_MESSAGES;
    1712 => "rollback files missing", "Files needed to restore the previous state could not be found, so rollback is not possible (it follows the real error).", src::MSI_MESSAGES;
    1714 => "older version cannot be removed", "The older version of the product cannot be removed, usually a broken earlier installation or a missing cached package.", src::MSI_MESSAGES;
    1719 => "Windows Installer service not accessible", "The Windows Installer service could not be accessed: it is disabled or badly registered.", src::MSI_MESSAGES;
    1720 => "script custom action error", "A script custom action in the package failed.", src::MSI_MESSAGES;
    1721 => "custom action program could not run", "A program needed by the installation could not be run.", src::MSI_MESSAGES;
    1722 => "custom action program failed", "A program run as part of the setup did not finish as expected (not Win32 1722, RPC_S_SERVER_UNAVAILABLE).", src::MSI_MESSAGES;
    1723 => "custom action DLL could not run", "A DLL needed by the installation could not be run: it is missing or lacks the called function.", src::MSI_MESSAGES;
    1730 => "administrator rights needed to remove", "Only an administrator can remove this application.", src::MSI_MESSAGES;
    1904 => "module failed to register", "A module failed to register; the HRESULT on the same line says why.", src::MSI_MESSAGES;
    1905 => "module failed to unregister", "A module failed to unregister; the HRESULT on the same line says why.", src::MSI_MESSAGES;
    1906 => "failed to cache package", "The package could not be cached in %windir%\\Installer (disk space or permissions).", src::MSI_MESSAGES;
    1909 => "could not create shortcut", "A shortcut could not be created: check that its folder exists and is accessible.", src::MSI_MESSAGES;
    1911 => "could not register type library", "A type library could not be registered.", src::MSI_MESSAGES;
    1920 => "service failed to start", "A service the product installs failed to start (missing dependencies or privileges).", src::MSI_MESSAGES;
    1921 => "service could not be stopped", "A service could not be stopped, usually because a process holds it.", src::MSI_MESSAGES;
    1923 => "service could not be installed", "A service could not be installed (privileges).", src::MSI_MESSAGES;
    1925 => "insufficient privileges for all users", "The user lacks the privileges to install for all users of the computer.", src::MSI_MESSAGES;
    1926 => "could not set file security", "The installer could not set a file's security permissions; the error on the same line says why.", src::MSI_MESSAGES;
    1931 => "protected Windows file", "The installer cannot update a protected Windows file.", src::MSI_MESSAGES;
    1932 => "protected Windows file", "The installer cannot update a protected Windows file.", src::MSI_MESSAGES;
    1933 => "protected Windows file", "The installer cannot update one or more protected Windows files.", src::MSI_MESSAGES;
    1935 => "assembly install error", "An error occurred while installing an assembly component; the HRESULT on the same line says why.", src::MSI_MESSAGES;
    1936 => "assembly not strongly named", "An assembly could not be installed because it is not strongly named.", src::MSI_MESSAGES;
    1937 => "assembly signature not valid", "An assembly could not be installed because its signature or catalog is not valid.", src::MSI_MESSAGES;
    1938 => "assembly module not found", "An assembly could not be installed because one of its modules was not found.", src::MSI_MESSAGES;
    2203 => "cannot open database", "The installer could not open a database file, often because the package or %TEMP% is not accessible.", src::MSI_MESSAGES;
    2235 => "column not present in SQL query", "An internal error: a column is missing or ambiguous in a database query, so the package is authored wrongly.", src::MSI_MESSAGES;
    2350 => "FDI server error", "Cabinet extraction failed (FDI server error): the package may be damaged.", src::MSI_MESSAGES;
    2502 => "InstallFinalize without an installation", "An internal error (InstallFinalize called with no install in progress), commonly reported with permission problems on %TEMP% or Windows\\Temp.", src::MSI_MESSAGES;
    2503 => "RunScript without an installation", "An internal error (RunScript called when not marked in progress), commonly reported with permission problems on %TEMP% or Windows\\Temp.", src::MSI_MESSAGES;
    2602 => "file has no media entry", "An internal error: a File table entry has no entry in the Media table, so the package is authored wrongly.", src::MSI_MESSAGES;
    2705 => "invalid table", "An internal error: a table could not be linked as a tree, so the package is authored wrongly.", src::MSI_MESSAGES;
    2738 => "VBScript runtime not accessible", "The VBScript runtime needed by a custom action could not be accessed (script engine registration).", src::MSI_MESSAGES;
    2739 => "JScript runtime not accessible", "The JScript runtime needed by a custom action could not be accessed (script engine registration).", src::MSI_MESSAGES;
    2755 => "server error installing package", "The Windows Installer service returned an unexpected error installing the package (package location or the service).", src::MSI_MESSAGES;
    2762 => "script record outside transaction", "A custom action wrote to the script outside a transaction: the package is authored wrongly (ICE77).", src::MSI_MESSAGES;
    2826 => "control extends beyond dialog", "A dialog control extends beyond its dialog: a harmless user-interface authoring warning.", src::MSI_MESSAGES;
    2869 => "error dialog misauthored", "The package's error dialog is authored wrongly, so the real error message could not be shown; look at the lines before it.", src::MSI_MESSAGES;
    2908 => "could not register component", "A component could not be registered.", src::MSI_MESSAGES;
    2909 => "could not unregister component", "A component could not be unregistered.", src::MSI_MESSAGES;
    2911 => "could not remove folder", "A folder could not be removed (usually harmless).", src::MSI_MESSAGES;
    2932 => "could not create file from script", "A file could not be created from the script data.", src::MSI_MESSAGES;
    2933 => "could not initialize rollback script", "The rollback script could not be initialized.", src::MSI_MESSAGES;
};

/// A full explanation of one code, for `setup-triage explain` and the page.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Explanation {
    pub code: String,
    pub kind: &'static str,
    pub name: Option<&'static str>,
    pub meaning: Option<&'static str>,
    pub source: Option<&'static str>,
    /// An HRESULT's facility, number and name (`7 FACILITY_WIN32 (…)`).
    pub facility: Option<String>,
    /// An HRESULT's fields: severity, facility and code (`failure, facility 36, code 0x200b`).
    pub decoded: Option<String>,
    /// The Win32 code a `0x8007xxxx` HRESULT wraps (`1603`).
    pub wraps: Option<String>,
    /// Whether the code means success.
    pub success: bool,
    /// The other forms of the same failure.
    pub related: Vec<String>,
    /// The same number read as the other kind (Win32 code ⇄ Installer message number), when the table has it.
    pub other_reading: Option<String>,
}

/// What `explain` calls each kind.
pub fn kind_name(code: &Code) -> &'static str {
    match code {
        Code::HResult(_) => "HRESULT",
        Code::Win32(_) => "Win32 / Windows Installer return code",
        Code::MsiMessage(_) => "Windows Installer message number",
    }
}

pub fn explain(code: &Code) -> Explanation {
    let i = info(code);
    let (facility, decoded, wraps) = match *code {
        Code::HResult(h) => {
            let f = facility(h);
            let fname = FACILITIES
                .binary_search_by_key(&f, |x| x.0)
                .ok()
                .map(|i| FACILITIES[i].1);
            (
                Some(match fname {
                    Some(n) => format!("{f} {n}"),
                    None => format!("{f} (no facility of this number in winerror.h)"),
                }),
                Some(format!(
                    "{}, facility {f}, code 0x{:04x} ({})",
                    if h & 0x8000_0000 != 0 {
                        "failure"
                    } else {
                        "success"
                    },
                    h & 0xFFFF,
                    h & 0xFFFF
                )),
                wrapped_win32(h).map(|n| n.to_string()),
            )
        }
        _ => (None, None, None),
    };
    Explanation {
        code: code.normalized(),
        kind: kind_name(code),
        name: i.map(|i| i.name),
        meaning: i.map(|i| i.meaning),
        source: i.map(|i| i.source),
        facility,
        decoded,
        wraps,
        // Only for codes the table knows: an unknown value with the failure bit clear is likely no code.
        success: is_success(code) && i.is_some(),
        related: code.related().iter().map(Code::normalized).collect(),
        other_reading: other_reading(code).map(|c| c.normalized()),
    }
}
