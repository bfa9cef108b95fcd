//! Windows Installer logs, verbose (`/l*v`) and not.
//!
//! The cause sits above the first `Return value 3.`: inside the failing action, the first error message
//! that is not a known decoy. The client-side tail (`MainEngineThread is returning 1603`) repeats the code
//! but never the cause.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};

use super::super::codes::{self, Code};
use std::collections::VecDeque;

use super::super::diagnosis::{Role, Timeline, TimelineAction, Verdict};
use super::super::scan::{Line, Output, re, re_set};
use super::super::tree;

#[derive(Default)]
pub struct MsiLog {
    verbose: Option<bool>,
    product: Option<String>,
    /// The action running now, and the finding index where it started (for the span search).
    current_action: Option<String>,
    action_start_finding: usize,
    /// Cause candidates: finding indexes, in order.
    candidates: Vec<usize>,
    /// The first `Return value 3.` and the action it ended.
    failed: Option<(usize, String)>,
    /// Index of the first candidate inside the failing action's span.
    failed_span_start: usize,
    success: bool,
    final_code: Option<u32>,
    summary_line: Option<usize>,
    /// A `Product: X -- Installation failed.` line (MsiInstaller 11708's text).
    product_failed: Option<usize>,
    /// Whether any line speaks of a patch (`PATCH SEQUENCER`, `Couldn't find local patch`).
    patch: bool,
    /// A finding that shows a patch's registration broken (the local copy of the patch is missing).
    patch_registration: Option<usize>,
    version_nt: Option<u32>,
    windows_build: Option<u32>,
    /// The build in `MsiWin32AssemblySupport`, which is not held back at 9600 like `WindowsBuild`.
    sxs_build: Option<u32>,
    /// Whether a user-facing `Error NNNN.` (1xxx) was seen before the failure.
    user_error: bool,
    /// The client side's `Back from server` line: the tail of a log whose server side is elsewhere.
    client_tail: bool,
    /// The last `Note: 1: NNNN` candidate: its number, position in `candidates` and line.
    last_note: Option<(u32, usize, u64)>,
    /// The first custom action that returned an error before the failure.
    failed_ca: Option<String>,
    /// Candidates that came from a custom action or its host (`CustomAction X returned actual error code`,
    /// `WixQuietExec: Error …`, a managed exception): a root cause among them is a custom action's failure.
    ca_candidates: Vec<usize>,
    /// The actions in order, for the timeline.
    timeline: ActionTimeline,
    /// The package's ProductCode when it is not a well-formed GUID: a package authoring fault that breaks its
    /// registration (`Error 1406. Could not write value … to key \Products\.`), however the error reads.
    bad_product_code: Option<String>,
    /// The first action that returned 2 (`Return value 2.`: the user cancelled), as a finding.
    cancelled: Option<usize>,
    /// A line that is a failure by itself, in a snippet that may hold nothing else: a custom action's error
    /// code, a missing cached package, a held execution mutex.
    failure_line: bool,
    /// The first of Windows Installer's own system calls that failed, kept apart: it explains a failure only
    /// when no error message does.
    api_failure: Option<usize>,
}

/// The timeline of actions, kept in bounded memory: the first [`Timeline::HEAD`] actions, then a ring of the last
/// [`Timeline::AROUND`]; once an action fails, the ring is frozen as the actions before it and the next
/// [`Timeline::AROUND`] are kept after it. Everything else is only counted.
#[derive(Default)]
struct ActionTimeline {
    head: Vec<(u64, TimelineAction)>,
    /// The latest actions after the head (before the failure), each with its sequence number.
    ring: VecDeque<(u64, TimelineAction)>,
    /// The failing action and those after it (once an action failed).
    after: Vec<(u64, TimelineAction)>,
    failed: bool,
    /// Actions started so far.
    total: u64,
    /// Actions started and not yet ended: (sequence number, name). Bounded: nesting is shallow in real logs.
    open: Vec<(u64, String)>,
}

impl ActionTimeline {
    const MAX_OPEN: usize = 64;

    fn start(&mut self, name: &str, line: u64) {
        let seq = self.total;
        self.total += 1;
        let action = TimelineAction {
            name: name.to_string(),
            start: line,
            end: None,
            result: None,
            failed: false,
            skipped_before: 0,
        };
        if self.head.len() < Timeline::HEAD {
            self.head.push((seq, action));
        } else if !self.failed {
            if self.ring.len() == Timeline::AROUND {
                self.ring.pop_front();
            }
            self.ring.push_back((seq, action));
        } else if self.after.len() < Timeline::AROUND {
            self.after.push((seq, action));
        }
        if self.open.len() == Self::MAX_OPEN {
            self.open.remove(0);
        }
        self.open.push((seq, name.to_string()));
    }

    fn end(&mut self, name: &str, line: u64, result: Option<u32>) {
        let Some(pos) = self.open.iter().rposition(|(_, n)| n == name) else {
            return;
        };
        let (seq, _) = self.open.remove(pos);
        // Actions that started inside it and never ended are closed with it.
        self.open.truncate(pos);
        let fails = result == Some(3) && !self.failed;
        let kept = self
            .head
            .iter_mut()
            .chain(self.ring.iter_mut())
            .chain(self.after.iter_mut())
            .rev()
            .find(|(s, _)| *s == seq);
        if let Some((_, a)) = kept {
            a.end = Some(line);
            a.result = result;
            a.failed = fails;
        }
        if fails {
            self.failed = true;
            // The failing action sits in the ring (or the head); what follows it is kept in `after`.
            if let Some(i) = self.ring.iter().position(|(s, _)| *s == seq) {
                let tail: Vec<_> = self.ring.drain(i + 1..).collect();
                self.after.extend(tail);
            }
        }
    }

    /// The kept actions in order, each gap marked on the action after it.
    fn finish(&mut self) -> Vec<TimelineAction> {
        let mut out: Vec<TimelineAction> = Vec::new();
        let mut next = 0u64;
        let parts = std::mem::take(&mut self.head)
            .into_iter()
            .chain(std::mem::take(&mut self.ring))
            .chain(std::mem::take(&mut self.after));
        for (seq, mut a) in parts {
            a.skipped_before = seq.saturating_sub(next);
            next = seq + 1;
            out.push(a);
        }
        out
    }
}

// Line classes, tested in one pass.
const HEADER: usize = 0;
const ACTION_START: usize = 1;
const ACTION_END_FAIL: usize = 2;
const ERROR_MESSAGE: usize = 3;
const DEBUG_ERROR: usize = 4;
const CA_ERROR: usize = 5;
const CA_HOST: usize = 6;
const FINAL: usize = 7;
const SUCCESS: usize = 8;
const TRANSLATED: usize = 9;
const PRODUCT_PROP: usize = 10;
const UNEXPECTED: usize = 11;
const NOTE_ERROR: usize = 12;
const PRODUCT_FAILED: usize = 13;
const PATCH: usize = 14;
const WINDOWS_PROP: usize = 15;
const CA_DECOY: usize = 16;
const MANAGED: usize = 17;
const ACTION_ENDED: usize = 18;
const PRODUCT_CODE: usize = 19;
const TIMELINE_START: usize = 20;
const CACHED_MISSING: usize = 21;
const MUTEX: usize = 22;
const API_FAILED: usize = 23;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"^=== (?:Verbose logging|Logging) started",
            r"^(?:Action start [0-9:]+: |MSI \([cs]\) \([0-9A-Fa-f:!]+\) \[[0-9:]+\]: Doing action: )",
            r"^(?:Action ended [0-9:]+: .*Return value 3\.|.*(?:返回值 3。|傳回值 3。|戻り値 3。|Rückgabewert 3\.|Valeur de retour 3\.|Valeur renvoyée 3\.|Valor devuelto 3\.|Возвращенное значение 3\.|Возвращаемое значение 3\.|Návratová hodnota 3\.|Wartość zwracana 3\.))",
            r"(?:^|-- )Error [0-9]{4}\.",
            r"^DEBUG: Error [0-9]{4}:",
            r"CustomAction \S+ returned actual error code [1-9]|Custom Action failed with code|InstallAssembly ended with return value [1-9]|DDSet_Error|err:msi:",
            r"^(?:WixQuietExec(?:64)?|CAQuietExec(?:64)?|SFXCA|CPLog|[A-Za-z]+CA): .*(?i:error|fail|exception|returned [1-9])",
            r"MainEngineThread is returning [0-9]+|Installation success or error status: [0-9]+|Back from server\. Return value: [0-9]+",
            r"-- (?:Installation|Configuration|Removal) (?:operation )?completed successfully|Installation completed successfully",
            r"but will be translated to success",
            r"^Property\([SC]\): ProductName = ",
            r"The installer has encountered an unexpected error installing this package.*error code is [0-9]+",
            // The internal form of a user-facing error, printed before its text: `Note: 1: 1721 2: InstallVSIX`.
            r"Note: 1: 1[0-9]{3} ",
            r"-- (?:Installation|Removal|Configuration) (?:operation )?failed\.",
            r"PATCH SEQUENCER|Couldn't find local patch|[Pp]atch .*(?:1612|source is not available)|Error 1612\.",
            r"^Property\([SC]\): (?:VersionNT|WindowsBuild|MsiWin32AssemblySupport) = ",
            // Host chatter that looks like an error and never is one.
            r"Wow64(?:Disable|Revert)Wow64FsRedirection returned|returned actual error code 259\b",
            // A managed (DTF) custom action's exception, as its host prints it.
            r"^(?:Exception thrown by custom action:|System\.[A-Za-z.]+Exception: |Unhandled [Ee]xception|CustomActionException)",
            // English and Simplified Chinese logs (`操作结束 23:49:51: InstallFinalize。返回值 3。`).
            r"^(?:Action ended|操作结束) [0-9:]+: ",
            r"ProductCode(?: = |[ ]?')\{",
            r"^(?:Action start|操作开始) [0-9:]+: ",
            // The copy of an installed package that Windows Installer keeps is gone (1612 follows unless the
            // original source is found).
            r"Local cached package '[^']*' is missing",
            // Another installation holds the _MSIExecute mutex (1618).
            r"Failed to grab execution mutex",
            // Windows Installer's own call to Windows failing (`SHELL32::SHGetKnownFolderPath failed with error:
            // -2147024891`): the reason when no error message names one.
            r"\]: [A-Z0-9]+::[A-Za-z]+ failed with error",
        ])
    })
}

struct Patterns {
    action: Regex,
    ended: Regex,
    number: Regex,
    final_code: Regex,
    product: Regex,
    product_prop: Regex,
    windows_prop: Regex,
    custom_action: Regex,
    action_ended: Regex,
    product_code: Regex,
    guid: Regex,
    timeline_start: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        action: re(r"(?:Action start [0-9:]+: |Doing action: )([A-Za-z0-9_.]+)"),
        ended: re(r"[0-9]{1,2}:[0-9]{2}:[0-9]{2} ?: ([A-Za-z0-9_.]+)(?:\.|。)"),
        number: re(r"(?:Error|Note: 1:) ([0-9]{4})"),
        final_code: re(r"(?:returning|error status:|Return value:) ([0-9]+)"),
        product: re(r"Product: (.+?) -- "),
        product_prop: re(r"ProductName = (.+)$"),
        windows_prop: re(
            r"^Property\([SC]\): (VersionNT|WindowsBuild|MsiWin32AssemblySupport) = ([0-9]+)(?:\.[0-9]+\.([0-9]+))?",
        ),
        custom_action: re(
            r"CustomAction (\S+) returned actual error code|Action: ?([A-Za-z0-9_.]+)",
        ),
        action_ended: re(
            r"^(?:Action ended|操作结束) [0-9:]+: ([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?:\. Return value |。返回值 )([0-9]+)",
        ),
        timeline_start: re(
            r"^(?:Action start|操作开始) [0-9:]+: ([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)",
        ),
        product_code: re(r"ProductCode(?: = |[ ]?')(\{[^'} \t]{0,60}\}?)"),
        guid: re(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$"),
    })
}

/// Internal message numbers that real logs print in passing and that never explain a failure.
const DECOY_MESSAGES: &[u32] = &[1402, 1712, 2205, 2228, 2262, 2727, 2826, 2911];

/// Whether a message number never explains a failure: a known decoy, or one of the informational messages
/// 1700–1729 (installed, configured, removed, "installation failed") other than the real errors among them
/// (1714 old version not removed, 1718 file rejected by policy, 1719–1723 service and custom-action errors).
fn is_decoy(n: u32) -> bool {
    DECOY_MESSAGES.contains(&n) || ((1700..=1729).contains(&n) && !matches!(n, 1714 | 1718..=1723))
}

/// The lines a verbose log writes for every action, in the exact form Windows Installer writes them. They are
/// most of the lines the reader is handed, so they are parsed by hand rather than through [`classes`]; a line
/// in any other form (another language, a failing action, odd spacing) goes through the classes. A test checks
/// that both read these lines alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ActionLine<'a> {
    /// `Action start 13:00:03: InstallFiles.`
    Start(&'a str),
    /// `Action ended 13:00:03: InstallFiles. Return value 1.`, with any value but 3 (a failure is a finding).
    Ended(&'a str, u32),
    /// `MSI (s) (84:F4) [13:00:03:078]: Doing action: InstallFiles`
    Doing(&'a str),
}

fn action_line(text: &str) -> Option<ActionLine<'_>> {
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // `Name` or `Name.Part`: name characters in parts joined by single dots (what the timeline's pattern
    // captures), and never the one name a class would also take (`DDSet_Error`).
    let name_ok = |name: &str| {
        let b = name.as_bytes();
        !b.is_empty()
            && b.iter().all(|&c| is_name(c) || c == b'.')
            && is_name(b[0])
            && is_name(b[b.len() - 1])
            && !name.contains("..")
            && !name.contains("DDSet_Error")
    };
    // `HH:MM:SS: ` (the hour may have one digit), and what follows it.
    fn after_time(rest: &str) -> Option<&str> {
        let b = rest.as_bytes();
        let hour = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let digits = |at: usize| {
            b.get(at..at + 2)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        };
        let ok = (1..=2).contains(&hour)
            && b.get(hour) == Some(&b':')
            && digits(hour + 1)
            && b.get(hour + 3) == Some(&b':')
            && digits(hour + 4)
            && b.get(hour + 6..hour + 8) == Some(b": ");
        ok.then(|| &rest[hour + 8..])
    }
    if let Some(rest) = text.strip_prefix("Action start ") {
        let name = after_time(rest)?.strip_suffix('.')?;
        return name_ok(name).then_some(ActionLine::Start(name));
    }
    if let Some(rest) = text.strip_prefix("Action ended ") {
        let (name, value) = after_time(rest)?.split_once(". Return value ")?;
        let value = value.strip_suffix('.')?;
        let canonical = value == "0" || (!value.starts_with('0') && (1..=9).contains(&value.len()));
        let result: u32 = value.parse().ok().filter(|_| canonical)?;
        return (name_ok(name) && result != 3).then_some(ActionLine::Ended(name, result));
    }
    // `MSI (s) (84:F4) [13:00:03:078]: Doing action: Name`
    let rest = text.strip_prefix("MSI (")?;
    let rest = rest
        .strip_prefix("s) (")
        .or_else(|| rest.strip_prefix("c) ("))?;
    let close = rest.find(") [")?;
    let ids = &rest.as_bytes()[..close];
    if ids.is_empty()
        || !ids
            .iter()
            .all(|&c| c.is_ascii_hexdigit() || c == b':' || c == b'!')
    {
        return None;
    }
    let rest = &rest[close + 3..];
    let close = rest.find("]: Doing action: ")?;
    let stamp = &rest.as_bytes()[..close];
    if stamp.is_empty() || !stamp.iter().all(|&c| c.is_ascii_digit() || c == b':') {
        return None;
    }
    let name = &rest[close + "]: Doing action: ".len()..];
    name_ok(name).then_some(ActionLine::Doing(name))
}

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every line [`MsiLog`] acts on holds one of these: a literal of each line class (a superset: the classes
/// still decide). Written for the search's speed: each literal starts with four bytes that are rare in a
/// verbose log, so that the search seldom stops on a line it does not want (`Return value 1.` and
/// `Note: 1: 2205` lines, which no class takes, are not candidates). One literal covers several classes where
/// it can (`eturn`, `fail`). The literals, with `Error [0-9]{4}` and `1: 1[0-9]{3} ` cut to their first four
/// bytes, are more than 32, which makes the search take its wider algorithm; on this list that was measured
/// faster (fewer stops) than 32 literals in the narrower one.
/// Checked against handing every line to the reader by the chunking tests and the corpus.
const PREFILTER: &[&str] = &[
    // HEADER, ACTION_START and TIMELINE_START (`Action start `), ACTION_ENDED and ACTION_END_FAIL (English);
    // `eturn`: FINAL (`MainEngineThread is returning`, `Back from server. Return value: `), CA_ERROR and
    // CA_DECOY (`returned actual error code`, `FsRedirection returned`, `Assembly ended with return value`)
    r"=== |n start |Doing action: |n ended |eturn",
    // TIMELINE_START and ACTION_ENDED in Chinese (`操作开始 `, `操作结束 `); ACTION_END_FAIL, translated: each ends
    // in its word for "value" and 3 (` 3。` for Chinese and Japanese)
    r"操作| 3。|wert 3|retour 3|renvoyée 3|devuelto 3|значение 3|hodnota 3|zwracana 3",
    // ERROR_MESSAGE, DEBUG_ERROR, PATCH's `Error 1612.`, NOTE_ERROR (`Note: 1: 1721 `)
    r"Error [0-9]{4}|1: 1[0-9]{3} ",
    // `fail`: CA_ERROR's `Custom Action failed with code`, PRODUCT_FAILED; the rest of CA_ERROR, CA_HOST, MANAGED
    r"fail|DDSet_Error|err:msi:|QuietExec|CPLog|CA: |xception",
    // FINAL, SUCCESS, TRANSLATED (`success or error status`, `completed successfully`, `translated to success`)
    r"success",
    // PRODUCT_PROP, PRODUCT_CODE and `Product: X -- `, WINDOWS_PROP (`VersionNT = `, `WindowsBuild = `),
    // UNEXPECTED. Not `Product` alone: `Products\` registry keys and `ProductKey=` ops are many lines.
    r"ProductName = |ProductCode|Product: |nNT = |sBuild = |MsiWin32AssemblySupport = |unexpected error installing",
    // PATCH (`[Pp]atch … 1612`, `patch … source is not available`, `Couldn't find local patch`); CACHED_MISSING;
    // MUTEX (`Failed to grab execution mutex`). Not `atch ` and `ution mutex`: the search stops on their first
    // four bytes, which every `match`, `batch` and `execution` hold (one line in ten of a verbose log).
    r"PATCH SEQUENCER|1612|available|ldn't find local patch|ached package|grab execution mutex",
];

impl MsiLog {
    /// An action starts (`Doing action:` and `Action start` both name it): the span of a failure begins here.
    fn enter_action(&mut self, name: &str) {
        if self.current_action.as_deref() != Some(name) {
            self.action_start_finding = self.candidates.len();
            self.current_action = Some(name.to_string());
        }
    }
}

impl super::LogReader for MsiLog {
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(PREFILTER)
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        match action_line(line.text) {
            Some(ActionLine::Start(name)) => {
                self.timeline.start(name, line.no);
                self.enter_action(name);
                return;
            }
            Some(ActionLine::Ended(name, result)) => {
                self.timeline.end(name, line.no, Some(result));
                // Return value 2 is Windows Installer's "user cancelled" (ERROR_INSTALL_USEREXIT, 1602): the
                // installation did not fail, it was stopped, and whatever errors came before it are not why.
                if result == 2 && self.cancelled.is_none() {
                    let summary = format!(
                        "The installation was cancelled: the action {name} returned 2, Windows Installer's \"user cancelled\" (1602)."
                    );
                    if let Some(idx) = out.finding(line, Role::Cause, summary) {
                        out.findings[idx].codes = vec!["1602".into(), "0x80070642".into()];
                        out.cause(idx, "cancelled");
                        out.detail(idx, "action", name);
                        self.cancelled = Some(idx);
                    }
                }
                return;
            }
            Some(ActionLine::Doing(name)) => {
                self.enter_action(name);
                return;
            }
            None => {}
        }
        let bytes = line.text.as_bytes();
        let hits = classes().matches(bytes);
        if !hits.matched_any() {
            return;
        }
        let p = patterns();
        if hits.matched(HEADER) && self.verbose.is_none() {
            self.verbose = Some(line.text.contains("Verbose logging"));
        }
        if hits.matched(CACHED_MISSING) || hits.matched(MUTEX) {
            let (code, cause, summary) = if hits.matched(MUTEX) {
                (
                    "1618",
                    "another-install",
                    "Another installation holds Windows Installer's execution mutex, so this one cannot start (1618).",
                )
            } else {
                (
                    "1612",
                    "missing-cache",
                    "The copy of the installed package that Windows Installer keeps in C:\\Windows\\Installer is missing (1612 follows unless the original setup is found).",
                )
            };
            if let Some(idx) = out.finding(line, Role::Cause, summary) {
                let f = &mut out.findings[idx];
                if !f.codes.iter().any(|c| c == code) {
                    f.codes.insert(0, code.to_string());
                }
                out.cause(idx, cause);
                self.candidates.push(idx);
                self.failure_line = true;
            }
            return;
        }
        if hits.matched(API_FAILED) && self.api_failure.is_none() {
            let summary = "A call Windows Installer made to Windows failed.".to_string();
            if let Some(idx) = out.finding(line, Role::Cause, summary) {
                if let Some(c) = tree::cause_for_codes(&out.findings[idx].codes) {
                    let id = c.id.clone();
                    out.cause(idx, &id);
                }
                self.api_failure = Some(idx);
            }
            return;
        }
        if hits.matched(PRODUCT_PROP) {
            if let Some(c) = p.product_prop.captures(bytes) {
                self.product
                    .get_or_insert_with(|| text_of(&c[1]).trim().to_string());
            }
        }
        if hits.matched(WINDOWS_PROP) {
            if let Some(c) = p.windows_prop.captures(bytes) {
                let n = text_of(&c[2]).parse::<u32>().ok();
                match &c[1] {
                    b"VersionNT" => self.version_nt = self.version_nt.or(n),
                    b"WindowsBuild" => self.windows_build = self.windows_build.or(n),
                    _ => {
                        // The side-by-side version carries the real build (6.3.19041.x on Windows 10 2004).
                        self.sxs_build = self
                            .sxs_build
                            .or_else(|| c.get(3).and_then(|m| text_of(m.as_bytes()).parse().ok()));
                    }
                }
            }
        }
        if hits.matched(PATCH) {
            self.patch = true;
            if self.patch_registration.is_none()
                && (line.text.contains("Couldn't find local patch") || line.text.contains("1612"))
            {
                let summary = "The installer cannot find the local copy of a patch it needs (error 1612): the patch's registration is broken (KB971187).";
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    out.cause(idx, "patch-registration");
                    if let Some(a) = &self.current_action {
                        out.detail(idx, "action", a.clone());
                    }
                    self.patch_registration = Some(idx);
                }
            }
        }
        if hits.matched(PRODUCT_CODE) && self.bad_product_code.is_none() {
            if let Some(c) = p.product_code.captures(bytes) {
                if !p.guid.is_match(&c[1]) {
                    self.bad_product_code = Some(text_of(&c[1]));
                }
            }
        }
        if hits.matched(PRODUCT_FAILED) && self.product_failed.is_none() {
            self.product_failed = out.finding(
                line,
                Role::Failure,
                "Windows Installer reports that the installation failed.",
            );
        }
        if line.text.contains("Back from server. Return value: ") {
            self.client_tail = true;
        }
        if hits.matched(TIMELINE_START) {
            if let Some(c) = p.timeline_start.captures(bytes) {
                self.timeline.start(&text_of(&c[1]), line.no);
            }
        }
        if hits.matched(ACTION_ENDED) {
            if let Some(c) = p.action_ended.captures(bytes) {
                let result = text_of(&c[2]).parse::<u32>().ok();
                self.timeline.end(&text_of(&c[1]), line.no, result);
            }
        }
        if hits.matched(ACTION_START) {
            if let Some(c) = p.action.captures(bytes) {
                self.enter_action(text_of(&c[1]).trim_end_matches('.'));
            }
        }
        let is_error = hits.matched(ERROR_MESSAGE)
            || hits.matched(DEBUG_ERROR)
            || hits.matched(UNEXPECTED)
            || hits.matched(NOTE_ERROR);
        if self.failed.is_none()
            && (is_error
                || hits.matched(CA_ERROR)
                || hits.matched(CA_HOST)
                || hits.matched(MANAGED))
            && !hits.matched(TRANSLATED)
            && !hits.matched(CA_DECOY)
        {
            let number = p
                .number
                .captures(bytes)
                .and_then(|c| text_of(&c[1]).parse::<u32>().ok());
            if hits.matched(ERROR_MESSAGE) && number.is_some_and(|n| (1000..2000).contains(&n)) {
                self.user_error |= !number.is_some_and(is_decoy);
            }
            if !number.is_some_and(is_decoy) {
                let summary = summarize(line.text, number);
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    if hits.matched(CA_ERROR) || hits.matched(CA_HOST) || hits.matched(MANAGED) {
                        self.ca_candidates.push(idx);
                    }
                    self.failure_line |= hits.matched(CA_ERROR);
                    if let Some(n) = number {
                        // `Error 1935.` is a message number, not Win32 error 1935.
                        let code = Code::MsiMessage(n).normalized();
                        let f = &mut out.findings[idx];
                        if !f.codes.contains(&code) {
                            f.codes.insert(0, code);
                        }
                    }
                    if let Some(a) = &self.current_action {
                        out.detail(idx, "action", a.clone());
                    }
                    if let Some(c) = p.custom_action.captures(bytes) {
                        if let Some(m) = c.get(1).or(c.get(2)) {
                            out.detail(idx, "custom action", text_of(m.as_bytes()));
                        }
                    }
                    let cause =
                        tree::cause_for_codes(&out.findings[idx].codes).map(|c| c.id.clone());
                    if let Some(c) = cause {
                        out.cause(idx, &c);
                    }
                    let is_note = hits.matched(NOTE_ERROR) && !hits.matched(ERROR_MESSAGE);
                    // The server's `Product: X -- Error 1310. Error writing to file…` printed right after the
                    // internal form `Note: 1: 1310 …` says the same in words: it takes the note's place. When the
                    // words come only much later (after the user closed the dialog), the note stays first.
                    // A custom action's error (1720–1723) is the exception: its note names the action, its
                    // source and the command it ran, which the words only repeat, so the note stays.
                    match (self.last_note, number) {
                        (Some((n, pos, at)), Some(m))
                            if !is_note
                                && n == m
                                && !(1720..=1723).contains(&n)
                                && line.text.contains("-- Error")
                                && line.no.saturating_sub(at) <= 8 =>
                        {
                            self.candidates[pos] = idx;
                            self.last_note = None;
                        }
                        _ => {
                            if is_note {
                                self.last_note =
                                    number.map(|n| (n, self.candidates.len(), line.no));
                            }
                            self.candidates.push(idx);
                        }
                    }
                }
            }
        }
        if hits.matched(CA_ERROR)
            && !hits.matched(TRANSLATED)
            && !hits.matched(CA_DECOY)
            && self.failed.is_none()
            && self.failed_ca.is_none()
        {
            if let Some(c) = p.custom_action.captures(bytes) {
                if let Some(m) = c.get(1) {
                    self.failed_ca = Some(text_of(m.as_bytes()));
                }
            }
        }
        if hits.matched(ACTION_END_FAIL) && self.failed.is_none() {
            let action = p
                .ended
                .captures(bytes)
                .map(|c| text_of(&c[1]).trim_end_matches('.').to_string())
                .unwrap_or_default();
            if let Some(idx) = out.finding(
                line,
                Role::Failure,
                format!("The installer action {action} failed (return value 3 = error 1603)."),
            ) {
                out.findings[idx].codes = vec!["1603".into()];
                out.detail(idx, "action", action.clone());
                // Only candidates inside the failing action's span explain it, when it had any.
                self.failed_span_start = if self.current_action.as_deref() == Some(&action) {
                    self.action_start_finding
                } else {
                    0
                };
                self.failed = Some((idx, action));
            }
        }
        if hits.matched(FINAL) {
            if let Some(c) = p.final_code.captures(bytes) {
                if let Ok(n) = text_of(&c[1]).parse::<u32>() {
                    if self.final_code.is_none() || n != 0 {
                        self.final_code = Some(n);
                    }
                    if !matches!(n, 0 | 1641 | 3010) && self.summary_line.is_none() {
                        self.summary_line = out.finding(
                            line,
                            Role::Summary,
                            format!("The installation ended with code {n}."),
                        );
                    }
                }
            }
        }
        if hits.matched(SUCCESS) {
            self.success = true;
        }
        if self.product.is_none() {
            if let Some(c) = p.product.captures(bytes) {
                self.product = Some(text_of(&c[1]).trim().to_string());
            }
        }
    }

    fn finish(&mut self, out: &mut Output) {
        out.timeline = self.timeline.finish();
        out.timeline_total = self.timeline.total;
        if let Some(p) = &self.product {
            out.facts.learn("product_name", p.clone());
        }
        // Windows Installer reports 603 / 9600 on Windows 8.1, 10 and 11 alike; the side-by-side build tells
        // them apart, and overrides what a version number elsewhere in the log suggested.
        match self.sxs_build.filter(|&b| b >= 10240) {
            Some(b) => {
                out.facts
                    .set("windows", if b >= 22000 { "11" } else { "10" });
                out.facts.set("windows_build", b.to_string());
            }
            None => {
                if let Some(w) = windows_from_properties(self.version_nt, self.windows_build) {
                    out.facts.learn("windows", w);
                }
                if let Some(b) = self.windows_build.filter(|_| self.version_nt != Some(603)) {
                    out.facts.learn("windows_build", b.to_string());
                }
            }
        }
        let failed_code = self.final_code.filter(|n| !matches!(n, 0 | 1641 | 3010));
        let succeeded = self.success || matches!(self.final_code, Some(0 | 1641 | 3010));
        // A cancel explains the end of the installation when nothing failed before it, or when the installation
        // ended with the cancel's own code.
        let cancelled = self
            .cancelled
            .filter(|_| (self.failed.is_none() && !succeeded) || failed_code == Some(1602));
        // A snippet may hold only the error dialog's line or MsiInstaller's "Installation failed".
        let failed = self.failed.is_some()
            || cancelled.is_some()
            || failed_code.is_some()
            || (!succeeded
                && (self.product_failed.is_some() || self.user_error || self.failure_line));
        out.verdict = Some(if failed {
            Verdict::Failed
        } else if succeeded {
            if matches!(self.final_code, Some(1641 | 3010)) {
                out.facts.learn("restart_pending", "yes");
            }
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
        if !failed {
            return;
        }
        if let Some((_, action)) = &self.failed {
            out.facts.learn("action", action.clone());
        }
        // A patch whose local copy is gone explains a patch failure (1612) better than anything after it.
        let patch_root = self
            .patch_registration
            .filter(|_| self.patch || failed_code == Some(1612));
        // The first candidate inside the failing action's span; else the last one before the failure.
        let in_span = self.candidates.get(self.failed_span_start).copied();
        let root = cancelled
            .or(patch_root)
            .or(in_span)
            .or_else(|| self.candidates.last().copied())
            .or(self.api_failure);
        match root {
            Some(idx) => {
                out.root = Some(idx);
                // A custom action's own output with no more specific cause (only the generic 1603, or no code)
                // is a custom action's failure: the guide reads that action's log and program.
                let generic = matches!(
                    out.findings[idx].cause.as_deref(),
                    None | Some("install-failure")
                );
                if generic && (self.ca_candidates.contains(&idx) || self.failed_ca.is_some()) {
                    out.cause(idx, "custom-action");
                } else if generic && is_package_error(&out.findings[idx]) {
                    out.cause(idx, "package-error");
                }
                if let Some(code) = &self.bad_product_code {
                    out.cause(idx, "package-error");
                    out.detail(idx, "malformed ProductCode", code.clone());
                }
                // Host output (`WixQuietExec: Error …`) comes before the line naming its custom action.
                if let Some(ca) = &self.failed_ca {
                    out.detail(idx, "custom action", ca.clone());
                }
                if let Some(ca) = out.findings[idx]
                    .details
                    .iter()
                    .find(|d| d.label == "custom action")
                {
                    let ca = ca.value.clone();
                    out.facts.learn("custom_action", ca);
                }
                if let Some((_, action)) = &self.failed {
                    out.detail(idx, "action", action.clone());
                }
                if let Some(p) = &self.product {
                    out.detail(idx, "product", p.clone());
                }
            }
            None => {
                // No cause: the earliest line that marks the failure.
                let idx = [
                    self.failed.as_ref().map(|f| f.0),
                    self.summary_line,
                    self.product_failed,
                ]
                .into_iter()
                .flatten()
                .min_by_key(|&i| out.findings.get(i).map(|f| f.line).unwrap_or(u64::MAX));
                out.root = idx;
                if let Some(idx) = idx {
                    out.cause(idx, "no-cause-in-log");
                    if let Some(p) = &self.product {
                        out.detail(idx, "product", p.clone());
                    }
                }
                if self.verbose == Some(false) {
                    out.note("This is a non-verbose Windows Installer log: it records that the installation failed but not why. A verbose log holds the cause: run the installer again with msiexec /i <package>.msi /l*v install.log, or turn on the Windows Installer Logging policy (voicewarmupx) and look in %TEMP% for MSI*.LOG.");
                } else if self.client_tail && self.failed.is_none() {
                    out.note("This is the client side's tail of a Windows Installer log: it repeats the code but the cause is in the server side's lines (MSI (s)) above the first 'Return value 3.'; send the whole verbose log (msiexec /l*v).");
                } else {
                    out.note("The log shows where the installation failed but no error message before it; the whole verbose log (msiexec /l*v) or the custom action's own log may hold the cause.");
                }
            }
        }
    }
}

/// Whether a root cause is one of Windows Installer's internal errors (2000 and above), which "can occur if the
/// installation package has been incorrectly authored" (Windows Installer error messages). Those that point at
/// the machine instead are left out: 2350 (cabinet extraction), 2738/2739 (script engines not registered),
/// 2755 (the package's location); 2203 and 2502/2503 have causes of their own.
fn is_package_error(f: &super::super::diagnosis::Finding) -> bool {
    f.codes
        .first()
        .and_then(|c| c.parse::<u32>().ok())
        .is_some_and(|n| {
            (2000..4000).contains(&n)
                && !matches!(n, 2350 | 2738 | 2739 | 2755)
                && f.text.contains(&format!("Error {n}"))
        })
}

/// The Windows version from the `VersionNT` and `WindowsBuild` properties (`601`, `7601`), where they tell.
fn windows_from_properties(version_nt: Option<u32>, build: Option<u32>) -> Option<&'static str> {
    Some(match (version_nt?, build.unwrap_or(0)) {
        (501, _) => "xp",
        (502, _) => "server2003",
        (600, _) => "vista",
        (601, _) => "7",
        (602, _) => "8",
        // Windows Installer reports 603 / 9600 on Windows 8.1, 10 and 11 alike (it is not manifested for later
        // versions), so 603 says nothing.
        (1000, b) if b >= 22000 => "11",
        (1000, _) => "10",
        _ => return None,
    })
}

/// One sentence for an error line: the message number's meaning when the table has it.
fn summarize(text: &str, number: Option<u32>) -> String {
    if let Some(i) = number.and_then(|n| codes::info(&Code::MsiMessage(n))) {
        return format!(
            "Windows Installer error {}: {}",
            number.unwrap_or_default(),
            i.meaning
        );
    }
    let found = codes::find_codes(text.as_bytes());
    if !found.is_empty() {
        return super::text::summary_for(&found);
    }
    "An error reported by the installer or one of its custom actions.".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the line classes make of a line the hand parser took: the classes it matches and the names and
    /// value their captures give. The two must agree for the shortcut to change nothing.
    fn by_classes(text: &str) -> Option<ActionLine<'_>> {
        let bytes = text.as_bytes();
        let hits: Vec<usize> = classes().matches(bytes).iter().collect();
        let p = patterns();
        fn name(m: Option<regex::bytes::Match<'_>>) -> Option<&str> {
            m.and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
                .map(|s| s.trim_end_matches('.'))
        }
        // Nothing else the reader looks at may be on the line.
        if p.product.is_match(bytes) || text.contains("Back from server. Return value: ") {
            return None;
        }
        if hits == [ACTION_START, TIMELINE_START] {
            let timeline = name(p.timeline_start.captures(bytes)?.get(1))?;
            let action = name(p.action.captures(bytes)?.get(1))?;
            let start = text.find(timeline)?;
            return (timeline == action)
                .then(|| ActionLine::Start(&text[start..start + timeline.len()]));
        }
        if hits == [ACTION_ENDED] {
            let c = p.action_ended.captures(bytes)?;
            let ended = name(c.get(1))?;
            let value: u32 = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
            let start = text.find(ended)?;
            return Some(ActionLine::Ended(&text[start..start + ended.len()], value));
        }
        if hits == [ACTION_START] {
            let action = name(p.action.captures(bytes)?.get(1))?;
            let start = text.rfind(action)?;
            return Some(ActionLine::Doing(&text[start..start + action.len()]));
        }
        None
    }

    fn check(text: &str, expected: Option<ActionLine<'_>>) {
        assert_eq!(action_line(text), expected, "{text:?}");
        if expected.is_some() {
            assert_eq!(
                by_classes(text),
                expected,
                "the classes read {text:?} otherwise"
            );
        }
    }

    #[test]
    fn the_action_lines_of_a_verbose_log_take_the_shortcut() {
        check(
            "Action start 13:00:03: InstallFiles.",
            Some(ActionLine::Start("InstallFiles")),
        );
        check(
            "Action start 9:00:03: Dir.Sub_1.",
            Some(ActionLine::Start("Dir.Sub_1")),
        );
        check(
            "Action ended 13:00:03: InstallFiles. Return value 1.",
            Some(ActionLine::Ended("InstallFiles", 1)),
        );
        check(
            "Action ended 13:00:03: INSTALL. Return value 0.",
            Some(ActionLine::Ended("INSTALL", 0)),
        );
        check(
            "MSI (s) (84:F4) [13:00:03:078]: Doing action: CostFinalize",
            Some(ActionLine::Doing("CostFinalize")),
        );
        check(
            "MSI (c) (7C!58) [13:00:03:078]: Doing action: A.B",
            Some(ActionLine::Doing("A.B")),
        );
    }

    #[test]
    fn other_lines_go_through_the_classes() {
        // A failure is a finding; a custom action's error name, another language, odd forms.
        check("Action ended 13:00:03: InstallFiles. Return value 3.", None);
        check(
            "Action ended 13:00:03: InstallFiles. Return value 03.",
            None,
        );
        check("Action start 13:00:03: DDSet_Error.", None);
        check("MSI (s) (!) [0]: Doing action: DDSet_Error", None);
        check("操作开始 23:49:51: InstallFinalize。", None);
        check("Action start 13:00:03: Install Files.", None);
        check("Action start 13:00:03: InstallFiles", None);
        check("Action start 13:00:03: .", None);
        check("Action start 13:00:03: A..B.", None);
        check("Action start 130:00:03: A.", None);
        check("Action start 13:00:03:A.", None);
        check("MSI (s) (84:F4) [13:00:03:078]: Doing action: ", None);
        check("MSI (a) (84:F4) [13:00:03:078]: Doing action: X", None);
        check(
            "MSI (s) (84:F4) [13:00:03:078]: Doing action: X -- Error 1722.",
            None,
        );
        check(
            "Action ended 13:00:03: X. Return value 1. Product: Y -- Z",
            None,
        );
    }

    fn line() -> impl Strategy<Value = String> {
        let name = "[A-Za-z0-9_.]{0,3}(DDSet_Error)?[A-Za-z0-9_. -]{0,6}";
        let time = "[0-9]{1,3}:[0-9]{1,2}:[0-9]{2}:? ?";
        prop_oneof![
            (time, name).prop_map(|(t, n)| format!("Action start {t}: {n}.")),
            (time, name, "[0-9]{1,3}")
                .prop_map(|(t, n, v)| { format!("Action ended {t}: {n}. Return value {v}.") }),
            ("[csa]", "[0-9A-F:!]{0,5}", "[0-9:]{0,12}", name).prop_map(|(s, id, at, n)| {
                format!("MSI ({s}) ({id}) [{at}]: Doing action: {n}")
            }),
            "(Action start |Action ended |MSI \\(s\\) \\(8:F\\) \\[1\\]: Doing action: )[0-9A-Za-z_.: ]{0,20}",
        ]
    }

    proptest! {
        // No regression file: it would land in a folder of its own at the top of the repository.
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Whenever the hand parser takes a line, the classes take it the same way.
        #[test]
        fn the_shortcut_reads_as_the_classes_do(text in line()) {
            if let Some(taken) = action_line(&text) {
                prop_assert_eq!(by_classes(&text), Some(taken), "{:?}", text);
            }
        }
    }
}
