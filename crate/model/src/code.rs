//! Error codes as values: the three kinds that appear in setup logs, their normalised forms, and reading one
//! as a person types it.
//!
//! - HRESULTs, written `0x80070643`, `80070643` (Windows Update and CBS logs), or as a negative decimal
//!   (`-2147023293`);
//! - Win32 / Windows Installer return codes (`1603`, or `0x643`, the low word of `0x80070643`);
//! - Windows Installer message numbers (`Error 1935.`), which share numbers with unrelated Win32 codes.
//!
//! Normalised forms: HRESULTs as `0x` and 8 lowercase hex digits; return codes and message numbers as
//! decimal strings. What each code means is the knowledge base's (`kb::codes`); finding codes in text is
//! the scanner's (`scan::codes`).

use std::fmt;

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
pub const NOT_WIN32: &[u32] = &[5100, 5101];

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

pub fn facility(h: u32) -> u32 {
    (h >> 16) & 0x1FFF
}

/// The Win32 code a failure HRESULT of facility 7 wraps (`0x80070643` → 1603).
pub fn wrapped_win32(h: u32) -> Option<u32> {
    (h & 0xFFFF_0000 == 0x8007_0000 && h & 0xFFFF != 0).then_some(h & 0xFFFF)
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
pub fn from_hex(v: u32) -> Code {
    if v > 0xFFFF {
        Code::HResult(v)
    } else {
        Code::Win32(v)
    }
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
