//! Windows Installer logs, verbose (`/l*v`) and not.
//!
//! The cause sits above the first `Return value 3.`: inside the failing action, the first error message
//! that is not a known decoy. The client-side tail (`MainEngineThread is returning 1603`) repeats the code
//! but never the cause.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};

use super::super::codes::{self, Code};
use super::super::diagnosis::{Role, Verdict};
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

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every line [`MsiLog`] acts on holds one of these: each line class above, as literals where the class has
/// none (a superset is fine: the classes still decide). Checked against handing every line to the reader by
/// the chunking proptest and the corpus.
const PREFILTER: &[&str] = &[
    // HEADER, ACTION_START, ACTION_END_FAIL (and its translations), FINAL
    r"=== (?:Verbose logging|Logging) started|Action start |Doing action: |Return value",
    r"值 3。|戻り値 3|Rückgabewert 3|Valeur de retour 3|Valeur renvoyée 3|Valor devuelto 3|значение 3|Návratová hodnota 3|Wartość zwracana 3",
    // ERROR_MESSAGE, DEBUG_ERROR, NOTE_ERROR
    r"Error [0-9]{4}|Note: 1: 1[0-9]{3} ",
    // CA_ERROR, CA_HOST, CA_DECOY, MANAGED
    r"returned actual error code|Custom Action failed with code|InstallAssembly ended with return value|DDSet_Error|err:msi:",
    r"QuietExec|CPLog|CA: |FsRedirection returned|Exception thrown by custom action:|Exception: |nhandled [Ee]xception|CustomActionException",
    // FINAL, SUCCESS, TRANSLATED, PRODUCT_PROP, UNEXPECTED, PRODUCT_FAILED, PATCH, WINDOWS_PROP
    r"MainEngineThread is returning|error status: |completed successfully|translated to success|ProductName = |unexpected error installing",
    r"-- (?:Installation|Removal|Configuration) (?:operation )?failed\.",
    r"PATCH SEQUENCER|Couldn't find local patch|[Pp]atch |VersionNT = |WindowsBuild = |MsiWin32AssemblySupport = ",
];

impl super::LogReader for MsiLog {
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(PREFILTER)
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let hits = classes().matches(bytes);
        if !hits.matched_any() {
            return;
        }
        let p = patterns();
        if hits.matched(HEADER) && self.verbose.is_none() {
            self.verbose = Some(line.text.contains("Verbose logging"));
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
        if hits.matched(ACTION_START) {
            if let Some(c) = p.action.captures(bytes) {
                let name = text_of(&c[1]).trim_end_matches('.').to_string();
                if self.current_action.as_deref() != Some(&name) {
                    self.action_start_finding = self.candidates.len();
                }
                self.current_action = Some(name);
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
                    let cause = tree::kb()
                        .cause_for_codes(&out.findings[idx].codes)
                        .map(|c| c.id.clone());
                    if let Some(c) = cause {
                        out.cause(idx, &c);
                    }
                    let is_note = hits.matched(NOTE_ERROR) && !hits.matched(ERROR_MESSAGE);
                    // The server's `Product: X -- Error 1310. Error writing to file…` printed right after the
                    // internal form `Note: 1: 1310 …` says the same in words: it takes the note's place. When the
                    // words come only much later (after the user closed the dialog), the note stays first.
                    match (self.last_note, number) {
                        (Some((n, pos, at)), Some(m))
                            if !is_note
                                && n == m
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
        // A snippet may hold only the error dialog's line or MsiInstaller's "Installation failed".
        let failed = self.failed.is_some()
            || failed_code.is_some()
            || (!succeeded && (self.product_failed.is_some() || self.user_error));
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
        let root = patch_root
            .or(in_span)
            .or_else(|| self.candidates.last().copied());
        match root {
            Some(idx) => {
                out.root = Some(idx);
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
