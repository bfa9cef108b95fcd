//! Finding error codes in text. The code values are the model's and what they mean is the knowledge base's
//! (both re-exported here, so that readers name one module).
//!
//! Finding favours precision: a number counts as a code only in a form or a context that says so. Bare
//! decimals count only after words such as `Return value:`, `returning`, `exit code`; bare 8-digit hex
//! only between the delimiters Windows Update and CBS use and with a known facility; message numbers only
//! as `Error NNNN.` / `Error NNNN:`. `Note: 1: 2205 2: …` lines are *not* read as message numbers: they
//! are Windows Installer's debug notes (mostly benign lookups of missing tables), and counting them would
//! bury the real error among dozens of notes.

use std::sync::OnceLock;

use regex::bytes::Regex;

use crate::re::{re, re_set_no_prefilter};

pub use kb::codes::*;

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
