//! Windows Installer logs, verbose (`/l*v`) and not.
//!
//! The cause sits above the first `Return value 3.`: inside the failing action, the first error message
//! that is not a known decoy. The client-side tail (`MainEngineThread is returning 1603`) repeats the code
//! but never the cause.

use std::sync::OnceLock;

use regex::bytes::Regex;

use crate::codes::{self, Code};
use std::collections::VecDeque;

use super::kinds::{Kinds, line_kinds};

use crate::read::{Line, Output, re};
use kb::cause::{self, CauseId};
use kb::tree;
use model::diagnosis::{Role, Timeline, TimelineAction, Verdict};
use model::facts::Fact;

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

line_kinds! {
    /// The lines an MSI log's reader acts on. A line may be of several kinds: the reader handles them in this
    /// order (a missing cached package, a held mutex and a failed system call end the line's handling).
    pub(super) enum MsiLine {
        /// `=== Verbose logging started: …`: whether the log is verbose.
        Header: Fact {
            pattern: r"^=== (?:Verbose logging|Logging) started",
            prefilter: ["=== "],
            example: "=== Verbose logging started: 1/17/2020  13:00:03  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\WINDOWS\\system32\\msiexec.exe ===",
        },
        /// Another installation holds the _MSIExecute mutex (1618).
        Mutex: Cause {
            pattern: r"Failed to grab execution mutex",
            prefilter: ["grab execution mutex"],
            example: "MSI (c) (94:F8) [14:35:16:163]: Failed to grab execution mutex. System error 258.",
        },
        /// The copy of an installed package that Windows Installer keeps is gone (1612 follows unless the
        /// original source is found).
        CachedMissing: Cause {
            pattern: r"Local cached package '[^']*' is missing",
            prefilter: ["ached package"],
            example: "MSI (s) (08:3C) [05:54:13:979]: Warning: Local cached package 'C:\\Windows\\Installer\\3f1a2.msi' is missing.",
        },
        /// Windows Installer's own call to Windows failing (`SHELL32::SHGetKnownFolderPath failed with error:
        /// -2147024891`): the reason when no error message names one.
        ApiFailed: Cause {
            pattern: r"\]: [A-Z0-9]+::[A-Za-z]+ failed with error",
            prefilter: ["fail"],
            example: "MSI (s) (A4:B8) [10:12:30:351]: SHELL32::SHGetKnownFolderPath failed with error: -2147024891",
        },
        /// `Property(S): ProductName = …`: the product.
        ProductProp: Fact {
            pattern: r"^Property\([SC]\): ProductName = (.+)?",
            prefilter: ["ProductName = "],
            example: "Property(S): ProductName = Contoso Überwachung",
        },
        /// The Windows version as Windows Installer sees it; the side-by-side version carries the real build.
        WindowsProp: Fact {
            pattern: r"^Property\([SC]\): (VersionNT|WindowsBuild|MsiWin32AssemblySupport) = (?:([0-9]+)(?:\.[0-9]+\.([0-9]+))?)?",
            prefilter: ["nNT = ", "sBuild = ", "MsiWin32AssemblySupport = "],
            example: "Property(S): MsiWin32AssemblySupport = 6.3.19041.1",
        },
        /// A patch's lines; a local copy of a patch that is gone (1612) breaks the patch's registration.
        Patch: Cause {
            pattern: r"PATCH SEQUENCER|Couldn't find local patch|[Pp]atch .*(?:1612|source is not available)|Error 1612\.",
            prefilter: ["PATCH SEQUENCER", "1612", "available", "ldn't find local patch", "Error [0-9]{4}"],
            example: "MSI (s) (C4:D0) [11:02:41:093]: Couldn't find local patch 'C:\\WINDOWS\\Installer\\5a1b2.msp'. Looking for it at its source.",
        },
        /// The package's ProductCode, which must be a well-formed GUID.
        ProductCode: Fact {
            pattern: r"ProductCode(?: = |[ ]?')(\{[^'} \t]{0,60}\}?)",
            prefilter: ["ProductCode"],
            example: "Property(S): ProductCode = {5A1B2C3D-1111-2222-3333-444455556666}",
        },
        /// MsiInstaller 11708's text, `Product: X -- Installation failed.`
        ProductFailed: Failure {
            pattern: r"-- (?:Installation|Removal|Configuration) (?:operation )?failed\.",
            prefilter: ["fail", "Product: "],
            example: "MSI (s) (58:90) [02:26:01:266]: Product: Contoso Agent -- Installation failed.",
        },
        /// An action starts, for the timeline (English and Simplified Chinese).
        TimelineStart: Fact {
            pattern: r"^(?:Action start|操作开始) [0-9:]+: ([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?",
            prefilter: ["n start ", "操作"],
            example: "操作开始 23:49:51: InstallFinalize。",
        },
        /// An action ends with its return value, for the timeline (English and Simplified Chinese:
        /// `操作结束 23:49:51: InstallFinalize。返回值 3。`).
        ActionEnded: Fact {
            pattern: r"^(?:Action ended|操作结束) [0-9:]+: (?:([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?:\. Return value |。返回值 )([0-9]+))?",
            prefilter: ["n ended ", "操作"],
            example: "操作结束 23:49:51: InstallFinalize。返回值 3。",
        },
        /// An action starts (`Action start` or `Doing action:`): the span of a failure begins here.
        ActionStart: Fact {
            pattern: r"^(?:Action start [0-9:]+: |MSI \([cs]\) \([0-9A-Fa-f:!]+\) \[[0-9:]+\]: Doing action: )",
            fields: r"(?:Action start [0-9:]+: |Doing action: )([A-Za-z0-9_.]+)",
            prefilter: ["n start ", "Doing action: "],
            example: "MSI (s) (84:F4) [13:00:03:078]: Doing action: InstallFiles",
        },
        /// A user-facing error message, `Error 1935.` (alone or after `Product: X -- `).
        ErrorMessage: Cause {
            pattern: r"(?:^|-- )Error [0-9]{4}\.",
            prefilter: ["Error [0-9]{4}"],
            example: "MSI (s) (58:90) [02:26:01:266]: Product: Contoso Agent -- Error 1722. There is a problem with this Windows Installer package.",
        },
        /// An internal error message, `DEBUG: Error 2826:`.
        DebugError: Cause {
            pattern: r"^DEBUG: Error [0-9]{4}:",
            prefilter: ["Error [0-9]{4}"],
            example: "DEBUG: Error 2235: Database: . Column 'Action' not present or ambiguous in SQL query",
        },
        /// The error dialog of an internal error, with its number.
        Unexpected: Cause {
            pattern: r"The installer has encountered an unexpected error installing this package.*error code is [0-9]+",
            prefilter: ["unexpected error installing"],
            example: "The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503.",
        },
        /// The internal form of a user-facing error, printed before its text: `Note: 1: 1721 2: InstallVSIX`.
        NoteError: Cause {
            pattern: r"Note: 1: 1[0-9]{3} ",
            prefilter: ["1: 1[0-9]{3} "],
            example: "MSI (s) (6C:AC) [16:40:52:570]: Note: 1: 1722 2: InstallVSIX 3: C:\\Program Files\\Contoso\\setup.exe 4: /quiet ",
        },
        /// A custom action's host printing an error (`WixQuietExec64:  Error 0x80070005: …`).
        CaHost: Cause {
            pattern: r"^(?:WixQuietExec(?:64)?|CAQuietExec(?:64)?|SFXCA|CPLog|[A-Za-z]+CA): .*(?i:error|fail|exception|returned [1-9])",
            prefilter: ["QuietExec", "CPLog", "CA: "],
            example: "WixQuietExec64:  Error 0x80070005: Command line returned an error.",
        },
        /// A managed (DTF) custom action's exception, as its host prints it.
        Managed: Cause {
            pattern: r"^(?:Exception thrown by custom action:|System\.[A-Za-z.]+Exception: |Unhandled [Ee]xception|CustomActionException)",
            prefilter: ["xception"],
            example: "Exception thrown by custom action:",
        },
        /// A custom action's error code, or a host's error line (`DDSet_Error`, Wine's `err:msi:`).
        CaError: Cause {
            pattern: r"CustomAction \S+ returned actual error code [1-9]|Custom Action failed with code|InstallAssembly ended with return value [1-9]|DDSet_Error|err:msi:",
            prefilter: ["eturn", "fail", "DDSet_Error", "err:msi:"],
            example: "CustomAction CA_Setup returned actual error code 1603 (note this may not be 100% accurate)",
        },
        /// An error a custom action says it turns into a success: not a cause.
        Translated: Decoy {
            pattern: r"but will be translated to success",
            prefilter: ["success"],
            example: "CustomAction CA_Check returned actual error code 1 but will be translated to success due to continue marking",
        },
        /// Host chatter that looks like an error and never is one.
        CaDecoy: Decoy {
            pattern: r"Wow64(?:Disable|Revert)Wow64FsRedirection returned|returned actual error code 259\b",
            prefilter: ["eturn"],
            example: "CustomAction CA_Wait returned actual error code 259 (note this may not be 100% accurate)",
        },
        /// An action that returned 3 (English, or the word for "return value" in a translated log).
        ActionEndFail: Failure {
            pattern: r"^(?:Action ended [0-9:]+: .*Return value 3\.|.*(?:返回值 3。|傳回值 3。|戻り値 3。|Rückgabewert 3\.|Valeur de retour 3\.|Valeur renvoyée 3\.|Valor devuelto 3\.|Возвращенное значение 3\.|Возвращаемое значение 3\.|Návratová hodnota 3\.|Wartość zwracana 3\.))",
            fields: r"[0-9]{1,2}:[0-9]{2}:[0-9]{2} ?: ([A-Za-z0-9_.]+)(?:\.|。)",
            prefilter: [
                "n ended ",
                " 3。",
                "wert 3",
                "retour 3",
                "renvoyée 3",
                "devuelto 3",
                "значение 3",
                "hodnota 3",
                "zwracana 3",
            ],
            example: "Action ended 13:00:09: InstallFinalize. Return value 3.",
        },
        /// The installation's final code, from the client, the server or the tail.
        Final: Failure {
            pattern: r"MainEngineThread is returning [0-9]+|Installation success or error status: [0-9]+|Back from server\. Return value: [0-9]+",
            fields: r"(?:returning|error status:|Return value:) ([0-9]+)",
            prefilter: ["eturn", "success"],
            example: "MSI (c) (7C:2C) [13:00:09:700]: MainEngineThread is returning 1603",
        },
        /// Windows Installer says the installation worked.
        Success: Success {
            pattern: r"-- (?:Installation|Configuration|Removal) (?:operation )?completed successfully|Installation completed successfully",
            prefilter: ["success"],
            example: "MSI (s) (58:90) [02:26:01:266]: Product: Contoso Agent -- Installation completed successfully.",
        },
    }
}

/// The product named on any line the reader handles (`Product: X -- Error 1722.`).
fn product_named() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"Product: (.+?) -- "))
}

/// The number of an error message or of its internal note, on any error line.
fn message_number() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?:Error|Note: 1:) ([0-9]{4})"))
}

/// The custom action an error line names.
fn custom_action_named() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"CustomAction (\S+) returned actual error code|Action: ?([A-Za-z0-9_.]+)"))
}

/// A well-formed ProductCode.
fn guid() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$")
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
/// most of the lines the reader is handed, so they are parsed by hand rather than through [`MsiLine`]; a line
/// in any other form (another language, a failing action, odd spacing) goes through the kinds. A test checks
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

impl MsiLog {
    /// An action starts (`Doing action:` and `Action start` both name it): the span of a failure begins here.
    fn enter_action(&mut self, name: &str) {
        if self.current_action.as_deref() != Some(name) {
            self.action_start_finding = self.candidates.len();
            self.current_action = Some(name.to_string());
        }
    }

    /// A line that is a failure by itself, with its code and cause: a held execution mutex, a missing cached
    /// package.
    fn failure_by_itself(
        &mut self,
        line: &Line<'_>,
        out: &mut Output,
        code: &str,
        cause: CauseId,
        summary: &str,
    ) {
        if let Some(idx) = out.finding(line, Role::Cause, summary) {
            let f = &mut out.findings[idx];
            if !f.codes.iter().any(|c| c == code) {
                f.codes.insert(0, code.to_string());
            }
            out.cause(idx, cause);
            self.candidates.push(idx);
            self.failure_line = true;
        }
    }

    /// `VersionNT`, `WindowsBuild` or `MsiWin32AssemblySupport`: the first value of each counts.
    fn windows_property(&mut self, kind: MsiLine, bytes: &[u8]) {
        let Some(c) = kind.captures(bytes) else {
            return;
        };
        let Some(value) = c.get(2) else {
            return;
        };
        let n = text_of(value.as_bytes()).parse::<u32>().ok();
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

    /// An error line (a message, a custom action's error or its host's output), before the failure: a cause
    /// candidate unless it is a decoy.
    fn error_line(&mut self, line: &Line<'_>, kinds: &Kinds<MsiLine>, out: &mut Output) {
        if self.failed.is_some() || kinds.has(MsiLine::Translated) || kinds.has(MsiLine::CaDecoy) {
            return;
        }
        let bytes = line.text.as_bytes();
        let number = message_number()
            .captures(bytes)
            .and_then(|c| text_of(&c[1]).parse::<u32>().ok());
        if kinds.has(MsiLine::ErrorMessage) && number.is_some_and(|n| (1000..2000).contains(&n)) {
            self.user_error |= !number.is_some_and(is_decoy);
        }
        if number.is_some_and(is_decoy) {
            return;
        }
        let summary = summarize(line.text, number);
        let Some(idx) = out.finding(line, Role::Cause, summary) else {
            return;
        };
        let from_custom_action = [MsiLine::CaError, MsiLine::CaHost, MsiLine::Managed];
        if from_custom_action.iter().any(|&k| kinds.has(k)) {
            self.ca_candidates.push(idx);
        }
        self.failure_line |= kinds.has(MsiLine::CaError);
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
        if let Some(c) = custom_action_named().captures(bytes) {
            if let Some(m) = c.get(1).or(c.get(2)) {
                out.detail(idx, "custom action", text_of(m.as_bytes()));
            }
        }
        if let Some(c) = tree::cause_id_for_codes(&out.findings[idx].codes) {
            out.cause(idx, c);
        }
        let is_note = kinds.has(MsiLine::NoteError) && !kinds.has(MsiLine::ErrorMessage);
        // The server's `Product: X -- Error 1310. Error writing to file…` printed right after the internal form
        // `Note: 1: 1310 …` says the same in words: it takes the note's place. When the words come only much
        // later (after the user closed the dialog), the note stays first. A custom action's error (1720–1723)
        // is the exception: its note names the action, its source and the command it ran, which the words only
        // repeat, so the note stays.
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
                    self.last_note = number.map(|n| (n, self.candidates.len(), line.no));
                }
                self.candidates.push(idx);
            }
        }
    }

    /// The first custom action that returned an error before the failure.
    fn custom_action_failed(&mut self, bytes: &[u8], kinds: &Kinds<MsiLine>) {
        if kinds.has(MsiLine::Translated)
            || kinds.has(MsiLine::CaDecoy)
            || self.failed.is_some()
            || self.failed_ca.is_some()
        {
            return;
        }
        if let Some(m) = custom_action_named().captures(bytes).and_then(|c| c.get(1)) {
            self.failed_ca = Some(text_of(m.as_bytes()));
        }
    }

    /// The first action that returned 3: the failure, and the span its cause is looked for in.
    fn action_failed(&mut self, line: &Line<'_>, kind: MsiLine, out: &mut Output) {
        let action = kind
            .captures(line.text.as_bytes())
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

    /// The installation's final code: the last failing one wins over a 0.
    fn final_code(&mut self, line: &Line<'_>, kind: MsiLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let Ok(n) = text_of(&c[1]).parse::<u32>() else {
            return;
        };
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

impl super::LogReader for MsiLog {
    /// The rows' literals (see [`MsiLine`]). Written for the search's speed: each literal starts with four bytes
    /// that are rare in a verbose log, so that the search seldom stops on a line it does not want (`Return value
    /// 1.` and `Note: 1: 2205` lines, which no kind takes, are not candidates; nor `Products\` registry keys and
    /// `ProductKey=` operations, which `Product` alone would stop on, nor every `match`, `batch` and `execution`,
    /// which `atch ` and `ution mutex` would). One literal covers several kinds where it can (`eturn`, `fail`).
    /// The literals are more than 32, which makes the search take its wider algorithm; on this list that was
    /// measured faster (fewer stops) than 32 literals in the narrower one. Checked against handing every line to
    /// the reader by the chunking tests and the corpus.
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(MsiLine::prefilter())
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
                        out.cause(idx, cause::CANCELLED);
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
        let kinds = MsiLine::of(bytes);
        if !kinds.any() {
            return;
        }
        // An error line of several kinds is one candidate.
        let mut error_read = false;
        for kind in kinds.iter() {
            match kind {
                MsiLine::Header => {
                    if self.verbose.is_none() {
                        self.verbose = Some(line.text.contains("Verbose logging"));
                    }
                }
                MsiLine::Mutex => {
                    let summary = "Another installation holds Windows Installer's execution mutex, so this one cannot start (1618).";
                    self.failure_by_itself(line, out, "1618", cause::ANOTHER_INSTALL, summary);
                    return;
                }
                MsiLine::CachedMissing => {
                    let summary = "The copy of the installed package that Windows Installer keeps in C:\\Windows\\Installer is missing (1612 follows unless the original setup is found).";
                    self.failure_by_itself(line, out, "1612", cause::MISSING_CACHE, summary);
                    return;
                }
                MsiLine::ApiFailed => {
                    if self.api_failure.is_none() {
                        let summary =
                            "A call Windows Installer made to Windows failed.".to_string();
                        if let Some(idx) = out.finding(line, Role::Cause, summary) {
                            if let Some(c) = tree::cause_id_for_codes(&out.findings[idx].codes) {
                                out.cause(idx, c);
                            }
                            self.api_failure = Some(idx);
                        }
                        return;
                    }
                }
                MsiLine::ProductProp => {
                    if let Some(m) = kind.captures(bytes).and_then(|c| c.get(1)) {
                        self.product
                            .get_or_insert_with(|| text_of(m.as_bytes()).trim().to_string());
                    }
                }
                MsiLine::WindowsProp => self.windows_property(kind, bytes),
                MsiLine::Patch => {
                    self.patch = true;
                    if self.patch_registration.is_none()
                        && (line.text.contains("Couldn't find local patch")
                            || line.text.contains("1612"))
                    {
                        let summary = "The installer cannot find the local copy of a patch it needs (error 1612): the patch's registration is broken (KB971187).";
                        if let Some(idx) = out.finding(line, Role::Cause, summary) {
                            out.cause(idx, cause::PATCH_REGISTRATION);
                            if let Some(a) = &self.current_action {
                                out.detail(idx, "action", a.clone());
                            }
                            self.patch_registration = Some(idx);
                        }
                    }
                }
                MsiLine::ProductCode => {
                    if self.bad_product_code.is_none() {
                        if let Some(c) = kind.captures(bytes) {
                            if !guid().is_match(&c[1]) {
                                self.bad_product_code = Some(text_of(&c[1]));
                            }
                        }
                    }
                }
                MsiLine::ProductFailed => {
                    if self.product_failed.is_none() {
                        self.product_failed = out.finding(
                            line,
                            Role::Failure,
                            "Windows Installer reports that the installation failed.",
                        );
                    }
                }
                MsiLine::TimelineStart => {
                    if let Some(m) = kind.captures(bytes).and_then(|c| c.get(1)) {
                        self.timeline.start(&text_of(m.as_bytes()), line.no);
                    }
                }
                MsiLine::ActionEnded => {
                    if let Some(c) = kind.captures(bytes) {
                        if let (Some(name), Some(value)) = (c.get(1), c.get(2)) {
                            let result = text_of(value.as_bytes()).parse::<u32>().ok();
                            self.timeline
                                .end(&text_of(name.as_bytes()), line.no, result);
                        }
                    }
                }
                MsiLine::ActionStart => {
                    if let Some(c) = kind.captures(bytes) {
                        self.enter_action(text_of(&c[1]).trim_end_matches('.'));
                    }
                }
                MsiLine::ErrorMessage
                | MsiLine::DebugError
                | MsiLine::Unexpected
                | MsiLine::NoteError
                | MsiLine::CaHost
                | MsiLine::Managed
                | MsiLine::CaError => {
                    if !std::mem::replace(&mut error_read, true) {
                        self.error_line(line, &kinds, out);
                    }
                    if kind == MsiLine::CaError {
                        self.custom_action_failed(bytes, &kinds);
                    }
                }
                // Read through `kinds.has` by the error kinds above.
                MsiLine::Translated | MsiLine::CaDecoy => {}
                MsiLine::ActionEndFail => {
                    if self.failed.is_none() {
                        self.action_failed(line, kind, out);
                    }
                }
                MsiLine::Final => self.final_code(line, kind, out),
                MsiLine::Success => self.success = true,
            }
        }
        if line.text.contains("Back from server. Return value: ") {
            self.client_tail = true;
        }
        if self.product.is_none() {
            if let Some(c) = product_named().captures(bytes) {
                self.product = Some(text_of(&c[1]).trim().to_string());
            }
        }
    }

    fn finish(&mut self, out: &mut Output) {
        out.timeline = self.timeline.finish();
        out.timeline_total = self.timeline.total;
        if let Some(p) = &self.product {
            out.facts.learn(Fact::ProductName, p.clone());
        }
        // Windows Installer reports 603 / 9600 on Windows 8.1, 10 and 11 alike; the side-by-side build tells
        // them apart, and overrides what a version number elsewhere in the log suggested.
        match self.sxs_build.filter(|&b| b >= 10240) {
            Some(b) => {
                out.facts
                    .set(Fact::Windows, if b >= 22000 { "11" } else { "10" });
                out.facts.set(Fact::WindowsBuild, b.to_string());
            }
            None => {
                if let Some(w) = windows_from_properties(self.version_nt, self.windows_build) {
                    out.facts.learn(Fact::Windows, w);
                }
                if let Some(b) = self.windows_build.filter(|_| self.version_nt != Some(603)) {
                    out.facts.learn(Fact::WindowsBuild, b.to_string());
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
                out.facts.learn(Fact::RestartPending, "yes");
            }
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
        if !failed {
            return;
        }
        if let Some((_, action)) = &self.failed {
            out.facts.learn(Fact::Action, action.clone());
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
                let generic = out.findings[idx]
                    .cause
                    .as_deref()
                    .is_none_or(|c| c == cause::INSTALL_FAILURE.as_str());
                if generic && (self.ca_candidates.contains(&idx) || self.failed_ca.is_some()) {
                    out.cause(idx, cause::CUSTOM_ACTION);
                } else if generic && is_package_error(&out.findings[idx]) {
                    out.cause(idx, cause::PACKAGE_ERROR);
                }
                if let Some(code) = &self.bad_product_code {
                    out.cause(idx, cause::PACKAGE_ERROR);
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
                    out.facts.learn(Fact::CustomAction, ca);
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
                    out.cause(idx, cause::NO_CAUSE_IN_LOG);
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
fn is_package_error(f: &model::diagnosis::Finding) -> bool {
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

    /// What the line kinds make of a line the hand parser took: the kinds it has and the names and
    /// value their captures give. The two must agree for the shortcut to change nothing.
    fn by_kinds(text: &str) -> Option<ActionLine<'_>> {
        let bytes = text.as_bytes();
        let kinds: Vec<MsiLine> = MsiLine::of(bytes).iter().collect();
        fn name(m: Option<regex::bytes::Match<'_>>) -> Option<&str> {
            m.and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
                .map(|s| s.trim_end_matches('.'))
        }
        // Nothing else the reader looks at may be on the line.
        if product_named().is_match(bytes) || text.contains("Back from server. Return value: ") {
            return None;
        }
        if kinds == [MsiLine::TimelineStart, MsiLine::ActionStart] {
            let timeline = name(MsiLine::TimelineStart.captures(bytes)?.get(1))?;
            let action = name(MsiLine::ActionStart.captures(bytes)?.get(1))?;
            let start = text.find(timeline)?;
            return (timeline == action)
                .then(|| ActionLine::Start(&text[start..start + timeline.len()]));
        }
        if kinds == [MsiLine::ActionEnded] {
            let c = MsiLine::ActionEnded.captures(bytes)?;
            let ended = name(c.get(1))?;
            let value: u32 = std::str::from_utf8(c.get(2)?.as_bytes())
                .ok()?
                .parse()
                .ok()?;
            let start = text.find(ended)?;
            return Some(ActionLine::Ended(&text[start..start + ended.len()], value));
        }
        if kinds == [MsiLine::ActionStart] {
            let action = name(MsiLine::ActionStart.captures(bytes)?.get(1))?;
            let start = text.rfind(action)?;
            return Some(ActionLine::Doing(&text[start..start + action.len()]));
        }
        None
    }

    fn check(text: &str, expected: Option<ActionLine<'_>>) {
        assert_eq!(action_line(text), expected, "{text:?}");
        if expected.is_some() {
            assert_eq!(
                by_kinds(text),
                expected,
                "the kinds read {text:?} otherwise"
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
    fn other_lines_go_through_the_kinds() {
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
        /// Whenever the hand parser takes a line, the kinds take it the same way.
        #[test]
        fn the_shortcut_reads_as_the_kinds_do(text in line()) {
            if let Some(taken) = action_line(&text) {
                prop_assert_eq!(by_kinds(&text), Some(taken), "{:?}", text);
            }
        }
    }
}
