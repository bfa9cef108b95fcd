//! What error codes mean: the tables of HRESULTs, Win32 codes and Windows Installer messages, each entry
//! with its symbolic name, a plain sentence and its source. The code values themselves are the model's
//! ([`model::code`], re-exported here). The tables are knowledge, kept in `data/codes.toml`.

pub use model::code::*;

/// Whether an HRESULT's facility is one winerror.h names: random hex runs mostly are not.
pub fn known_facility(h: u32) -> bool {
    FACILITIES
        .binary_search_by_key(&facility(h), |f| f.0)
        .is_ok()
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

// The tables of what codes mean (`FACILITIES`, `HRESULTS`, `WIN32`, `MSI_MESSAGES`) and the causes Windows Update
// codes name (`UPDATE_CAUSES`) are knowledge, kept in data/codes.toml: build.rs writes them here as Rust data, so
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
