//! Text of no known log format: a pasted error message, an event's text, a few lines from a forum post.
//!
//! Every line with a code and a word of failure is a finding; the first one that names a specific cause is
//! the root cause, else the first failure.

use std::sync::OnceLock;

use regex::bytes::RegexSet;

use super::super::codes;
use super::super::diagnosis::{Role, Verdict};
use super::super::scan::{Line, Output, re_set};
use super::super::tree;

#[derive(Default)]
pub struct TextLog {
    first_cause: Option<usize>,
    first_failure: Option<usize>,
    succeeded: bool,
    /// The end of the lines just before this one (up to a blank line), joined by spaces: a dialog's text that
    /// the person's mail or forum wrapped over several lines is recognised across the breaks.
    recent: String,
}

/// How much of the preceding lines a wrapped dialog text is looked for in.
const RECENT: usize = 300;
/// How much of a line is joined to the recent lines to find a wrapped dialog text (longer than any match).
const JOINED: usize = 2048;

/// Windows Installer messages people paste without their number, by a phrase of their text that no other
/// message shares (texts from the Windows Installer error-message reference). Sorted by number.
pub const DIALOGS: &[(u32, &str)] = &[
    (
        1303,
        r"(?i)The installer has insufficient privileges to access this directory",
    ),
    (1310, r"(?i)Error writing to file"),
    (1311, r"(?i)Could not locate source file cabinet"),
    (
        1330,
        r"(?i)cabinet file .{0,80} has an invalid digital signature",
    ),
    (1406, r"(?i)Could not write value .{0,200} to key"),
    (1500, r"(?i)Another installation is in progress"),
    (
        1612,
        r"(?i)The installation source for this product is not available",
    ),
    (
        1618,
        r"(?i)Another installation is already in progress|Another program is being installed",
    ),
    (1714, r"(?i)The older version of .{0,200} cannot be removed"),
    (
        1719,
        r"(?i)The Windows Installer Service could not be accessed",
    ),
    (
        1721,
        r"(?i)A program required for this install to complete could not be run",
    ),
    (
        1722,
        r"(?i)A program run as part of the setup did not finish as expected",
    ),
    (
        1723,
        r"(?i)A DLL required for this install to complete could not be run",
    ),
    (
        1920,
        r"(?i)Service .{0,200} failed to start\. +Verify that you have sufficient privileges to start system services",
    ),
    (
        1925,
        r"(?i)You do not have sufficient privileges to complete this installation for all users",
    ),
    (
        1935,
        r"(?i)An error occurred during the installation of assembly",
    ),
    (
        2502,
        r"(?i)Called InstallFinalize when no install in progress",
    ),
    (2503, r"(?i)Called RunScript when not marked in progress"),
];

fn dialogs() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| re_set(&DIALOGS.iter().map(|d| d.1).collect::<Vec<_>>()))
}

/// The message number of an error dialog's text, when the text is one people paste without it.
pub fn dialog_number(text: &[u8]) -> Option<u32> {
    dialogs().matches(text).iter().next().map(|i| DIALOGS[i].0)
}

const FAIL: usize = 0;
const SUCCESS: usize = 1;
const PRODUCT_FAILED: usize = 2;
const SXS_MISSING: usize = 3;
const PREREQUISITE: usize = 4;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"(?i)fail|error|unable|could not|couldn't|cannot|not installed|aborted|rolled back|rollback",
            r"(?i)completed successfully|installed successfully|installation successful|succeeded|success or error status: 0\b",
            // MsiInstaller 11708/11725's text: it says that, not why.
            r"-- (?:Installation|Removal|Configuration) (?:operation )?failed\.",
            // SideBySide 33/59: a dependent assembly (a Visual C++ runtime) is missing, in English or German.
            r"(?i)(?:dependent assembly|abh.{0,3}ngige Assemblierung).{0,300}(?:could not be found|konnte nicht gefunden werden)",
            r"is 'Fail'|RunCheck result: Fail|A prerequisite failed for Package",
        ])
    })
}

impl super::LogReader for TextLog {
    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let hits = classes().matches(line.text.as_bytes());
        let text = line.text.trim();
        let dialog = dialog_number(line.text.as_bytes()).or_else(|| {
            // A dialog's text wrapped across lines starts in the recent lines; its match, at most a few hundred
            // bytes, ends within the start of this line. Only that start is joined, so that a very long line
            // (a piece of a file without line breaks) is not copied and searched twice.
            let mut head = text.len().min(JOINED);
            while !text.is_char_boundary(head) {
                head -= 1;
            }
            (!self.recent.is_empty())
                .then(|| dialog_number(format!("{} {}", self.recent, &text[..head]).as_bytes()))
                .flatten()
        });
        // Remember this line's end for the next one (a blank line ends a paragraph).
        if text.is_empty() {
            self.recent.clear();
        } else {
            if !self.recent.is_empty() {
                self.recent.push(' ');
            }
            // Only the end of a line can be recent: a long line is not copied whole.
            let mut tail = text.len().saturating_sub(RECENT);
            while !text.is_char_boundary(tail) {
                tail += 1;
            }
            self.recent.push_str(&text[tail..]);
            if self.recent.len() > RECENT {
                let mut cut = self.recent.len() - RECENT;
                while !self.recent.is_char_boundary(cut) {
                    cut += 1;
                }
                self.recent.drain(..cut);
            }
        }
        // A code pasted on its own (`0x80070652`, `Error code: 0x8024402c`) is the error the person saw.
        let bare = !hits.matched(FAIL) && is_bare_code(line.text);
        let short = line.no <= SHORT_LINES && line.text.len() <= 200;
        if !hits.matched_any() && dialog.is_none() && !bare && !short {
            return;
        }
        if self.first_cause.is_none() {
            let special = if let Some(n) = dialog {
                Some((
                    super::super::codes::Code::MsiMessage(n).normalized(),
                    None,
                    format!("The text of Windows Installer error {n}, pasted without its number."),
                ))
            } else if hits.matched(SXS_MISSING) {
                Some((
                    "14001".to_string(),
                    Some("sxs-missing-assembly"),
                    "A program could not start: a side-by-side assembly it depends on (usually a Visual C++ runtime) is not installed.".to_string(),
                ))
            } else if hits.matched(PREREQUISITE) {
                Some((
                    String::new(),
                    Some("prerequisite-not-met"),
                    "A prerequisite check failed: setup will not run on this computer as it is."
                        .to_string(),
                ))
            } else {
                None
            };
            if let Some((code, cause, summary)) = special {
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    if !code.is_empty() && !out.findings[idx].codes.contains(&code) {
                        out.findings[idx].codes.insert(0, code);
                    }
                    let cause = cause.map(str::to_string).or_else(|| {
                        tree::cause_for_codes(&out.findings[idx].codes).map(|c| c.id.clone())
                    });
                    if let Some(c) = cause {
                        out.cause(idx, &c);
                    }
                    self.first_cause = Some(idx);
                    self.first_failure.get_or_insert(idx);
                }
                return;
            }
        }
        // PowerShell prints an app deployment error as the HRESULT's line, then the deployment engine's own
        // reason ("Windows cannot install package X because this package depends on a framework that could not
        // be found…"): the reason is the evidence, with the code of the line before it.
        if line.text.contains("Windows cannot ") && line.text.contains(" because ") {
            let before = self.first_cause.filter(|&i| {
                out.findings[i].cause.as_deref() == Some("app-package")
                    && line.no.saturating_sub(out.findings[i].line) <= 3
            });
            if let Some(prev) = before {
                let summary = "Windows' app deployment says why it refused the package.";
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    out.findings[idx].codes = out.findings[prev].codes.clone();
                    out.cause(idx, "app-package");
                    self.first_cause = Some(idx);
                    if self.first_failure == Some(prev) {
                        self.first_failure = Some(idx);
                    }
                }
                return;
            }
        }
        if hits.matched(PRODUCT_FAILED) && self.first_failure.is_none() {
            if let Some(idx) = out.finding(
                line,
                Role::Failure,
                "Windows Installer reports that the installation failed, without saying why.",
            ) {
                self.first_failure = Some(idx);
            }
            return;
        }
        let mut found = codes::find_codes(line.text.as_bytes());
        // What a worried person types: a short line near the top with a known failure HRESULT and no word of
        // failure (`0x80070643 windows 11`), or `error 1603` in lower case (a return code, not a message).
        let mut typed = None;
        if short && found.is_empty() && hits.matched(FAIL) {
            typed = typed_return_code(line.text).map(|code| codes::CodeMatch {
                start: 0,
                end: 0,
                code,
            });
            found.extend(typed);
        }
        // A code counts alone when it is a known failure HRESULT, or names a cause (`msiexec returned 1601`).
        let code_alone = short
            && found.iter().any(|m| {
                (matches!(m.code, codes::Code::HResult(h) if h >= 0x8000_0000)
                    && codes::info(&m.code).is_some())
                    || tree::cause_for_codes(&[m.code.normalized()])
                        .is_some_and(|c| c.id != "succeeded")
            });
        if (hits.matched(FAIL) || bare || code_alone) && !found.is_empty() {
            let normalized: Vec<String> = found
                .iter()
                .flat_map(|m| std::iter::once(m.code).chain(m.code.related()))
                .map(|c| c.normalized())
                .collect();
            let cause = tree::cause_for_codes(&normalized);
            // A generic code (1603) only says that setup failed; a specific one says why.
            let specific = cause.is_some_and(|c| c.id != "install-failure");
            let role = if specific { Role::Cause } else { Role::Failure };
            let summary = summary_for(&found);
            if let Some(idx) = out.finding(line, role, summary) {
                if let Some(m) = typed {
                    let code = m.code.normalized();
                    if !out.findings[idx].codes.contains(&code) {
                        out.findings[idx].codes.insert(0, code);
                    }
                }
                if let Some(c) = cause {
                    out.cause(idx, &c.id);
                }
                if specific && self.first_cause.is_none() {
                    self.first_cause = Some(idx);
                }
                if self.first_failure.is_none() {
                    self.first_failure = Some(idx);
                }
            }
        } else if hits.matched(SUCCESS) && !hits.matched(FAIL) {
            self.succeeded = true;
            out.finding(line, Role::Success, "This line reports success.");
        }
    }

    fn finish(&mut self, out: &mut Output) {
        out.root = self.first_cause.or(self.first_failure);
        if let (None, Some(idx)) = (self.first_cause, out.root) {
            // A line with a code keeps it as its cause (0x800f0906 says why; and the knowledge base knows
            // where 0x643 on a .NET update mostly comes from). A failure with no code at all names no cause.
            if out.findings[idx].cause.is_none() && out.findings[idx].codes.is_empty() {
                out.cause(idx, "no-cause-in-log");
                out.note("The text says that the installation failed but not why. The installer's own log holds the cause: for an MSI package, a verbose log (msiexec /i <package>.msi /l*v install.log, or the Windows Installer Logging policy, then %TEMP%\\MSI*.LOG).");
            }
        }
        out.verdict = Some(if out.root.is_some() {
            Verdict::Failed
        } else if self.succeeded {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
    }
}

/// Lines at the top of a text that count as typed by a person (a pasted title, a question).
const SHORT_LINES: u64 = 40;

/// A return code typed as `error 1603` (lower case, which the code finder leaves alone: in logs `Error 1603.`
/// is a message number), when the code table knows it.
/// Also the Windows Installer's dialog for an internal error, "… The error code is 2503.", whose number is a
/// message number.
fn typed_return_code(text: &str) -> Option<codes::Code> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        super::super::scan::re(r"(?:\b(error code is) |\berror[ :#]+)([0-9]{4})\b")
    });
    let c = re.captures(text.as_bytes())?;
    let n: u32 = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
    if c.get(1).is_some() {
        return Some(codes::Code::MsiMessage(n));
    }
    let code = codes::Code::Win32(n);
    codes::info(&code).map(|_| code)
}

/// Whether a line is only an error code, maybe with the words "error" or "code" and punctuation around it.
fn is_bare_code(text: &str) -> bool {
    if text.len() > 80 {
        return false;
    }
    let found = codes::find_codes(text.as_bytes());
    if found.is_empty() {
        return false;
    }
    let mut rest = String::with_capacity(text.len());
    let mut at = 0;
    for m in &found {
        if m.start >= at && m.end <= text.len() && text.is_char_boundary(m.start) {
            rest.push_str(&text[at..m.start]);
            rest.push(' ');
            at = m.end;
        }
    }
    if text.is_char_boundary(at) {
        rest.push_str(&text[at..]);
    }
    rest.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .all(|w| matches!(w, "" | "code" | "error" | "hresult" | "0x"))
}

/// One sentence naming the codes on a line.
pub(crate) fn summary_for(found: &[codes::CodeMatch]) -> String {
    let parts: Vec<String> = found
        .iter()
        .map(|m| match codes::info(&m.code) {
            Some(i) => format!("{} ({}): {}", m.code, i.name, i.meaning),
            None => format!("{}: not in the code table.", m.code),
        })
        .collect();
    parts.join(" ")
}
