//! Error codes: finding them in text, normalising them, and the table of what they mean (kept in
//! `kb/codes.toml`, compiled in by build.rs).
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

use super::scan::{re, re_set};

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

struct Finders {
    /// All patterns in one pass: the cheap test that most lines fail.
    any: regex::bytes::RegexSet,
    hex: Regex,
    bare_hex: Regex,
    negative: Regex,
    message: Regex,
    return_code: Regex,
}

fn finders() -> &'static Finders {
    static F: OnceLock<Finders> = OnceLock::new();
    F.get_or_init(|| Finders {
        any: re_set(&[HEX, BARE_HEX, NEGATIVE, MESSAGE, RETURN_CODE]),
        hex: re(HEX),
        bare_hex: re(BARE_HEX),
        negative: re(NEGATIVE),
        message: re(MESSAGE),
        return_code: re(RETURN_CODE),
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
        .then(|| f.hex.captures_iter(text))
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
        .then(|| f.bare_hex.find_iter(text))
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
        .then(|| f.negative.find_iter(text))
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
        .then(|| f.message.captures_iter(text))
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
        .then(|| f.return_code.captures_iter(text))
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
// The tables of what codes mean (`FACILITIES`, `HRESULTS`, `WIN32`, `MSI_MESSAGES`) and the causes Windows Update
// codes name (`UPDATE_CAUSES`) are knowledge, kept in kb/codes.toml: build.rs writes them here as Rust data, so
// that the page's worker, which scans, needs no TOML or JSON parser.
include!(concat!(env!("OUT_DIR"), "/kb-codes.rs"));

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
