//! Event-log exports: Event Viewer text (`Event Type:` / `Event Source:` / `Event ID:`), FRST lists
//! (`Error: (03/06/2025 03:05:39 PM) (Source: X) (EventID: N) (User: )`), and single event messages.
//!
//! The messages that matter come from a handful of sources: Windows Update (events 19/20/21),
//! MsiInstaller (11707/11708, 1033…1037, 1022…1024), Servicing and WinRE (4502). [`classify_line`] knows their
//! text and is shared with the pasted-text reader, since people paste these one-liners on their own.
//! Other lines go to the plain-text reader, so a paste that happens to hold one event is still read whole.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::LogReader;
use super::kinds::line_kinds;
use super::text::TextLog;
use crate::codes::{self, Code};
use crate::facts;
use crate::read::{Line, Output, re};
use kb::cause::{self, CauseId};
use kb::tree;
use model::diagnosis::{Role, Verdict};
use model::facts::Fact;

/// What tells an event export (or a file made of event messages) from other text.
pub(crate) const SIGNATURE: &str = concat!(
    // Event Viewer's text export, and `Get-WinEvent | Format-List`.
    r"(?m)^(?:Event Type:|Event Source:|Log Name:|Source: +(?:MsiInstaller|Microsoft-Windows-WindowsUpdateClient)|ProviderName *: *(?:MsiInstaller|Microsoft-Windows-WindowsUpdateClient|Microsoft-Windows-Servicing))",
    // FRST.
    r"|\(Source: [^)]*\) \(EventID: [0-9]+\)",
    // Event Viewer's \"Save as\" .txt (tab-separated) and .csv.
    r"|(?m)^(?:Error|Warning|Information|Critical)[\t,][^\t\n]*[\t,](?:MsiInstaller|Microsoft-Windows-WindowsUpdateClient|Microsoft-Windows-Servicing)[\t,][0-9]+[\t,]",
    // Single event messages, pasted on their own (maybe quoted).
    r"|(?m)^[> ]*(?:Installation Failure: Windows failed to install|Product: [^\n]{1,200} -- Installation (?:operation )?failed|Product: [^\n]{1,200} - Update '[^\n]{1,300}' (?:could not be installed|installed successfully)|Windows Installer (?:installed|reconfigured|removed) the (?:product|update)\. |Windows Recovery Environment servicing failed)",
);

/// What one event message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EventLine {
    /// The event it is (e.g. `WindowsUpdateClient 20`, `MsiInstaller 11708`).
    pub event: &'static str,
    /// Cause, failure, or success.
    pub role: Role,
    /// What it means, in one sentence.
    pub summary: String,
    /// The main code, normalised, if the message names one.
    pub code: Option<String>,
    /// The update's or product's title.
    pub title: Option<String>,
    /// The title names an installed product (MsiInstaller), not an update.
    pub is_product: bool,
    /// The KB number (`KB5034441`).
    pub kb: Option<String>,
    /// A log file the message names.
    pub log_path: Option<String>,
    /// A cause id for the knowledge base, when the message alone names one.
    pub cause: Option<CauseId>,
    /// Installed, but a restart is pending.
    pub restart_pending: bool,
}

impl EventLine {
    /// The verdict this message alone gives (for the pasted-text reader, which reads one-liners).
    #[allow(dead_code)]
    pub fn verdict(&self) -> Verdict {
        match self.role {
            Role::Cause | Role::Failure | Role::Summary => Verdict::Failed,
            Role::Success => Verdict::Succeeded,
            Role::Context => Verdict::Inconclusive,
        }
    }
}

line_kinds! {
    /// The event messages [`classify_line`] knows. The reader has no prefilter (see [`EventLog`]), so the rows
    /// have no literals. A line is read as its first kind in this order.
    pub(super) enum EventMessage {
        /// WindowsUpdateClient 20.
        WuFailed: Failure {
            pattern: r"Installation Failure: Windows failed to install the following update with error",
            example: "Installation Failure: Windows failed to install the following update with error 0x80070643: Security Update for Microsoft .NET Framework 4 on Windows 7 x64 (KB2656351).",
        },
        /// WindowsUpdateClient 19.
        WuOk: Success {
            pattern: r"Installation Successful: Windows successfully installed the following update",
            example: "Installation Successful: Windows successfully installed the following update: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)",
        },
        /// WindowsUpdateClient 21: installed, waiting for a restart.
        WuRestart: Success {
            pattern: r"Restart Required: To complete the installation of the following updates?, the computer must be restarted",
            example: "Restart Required: To complete the installation of the following update, the computer must be restarted. Update: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)",
        },
        /// MsiInstaller 1xxxx: an error message with its number.
        MsiProductError: Cause {
            pattern: r"Product: .+ -- Error [0-9]{4,5}[.:]",
            example: "Product: Contoso Agent -- Error 1500. Another installation is in progress. You must complete that installation before continuing this one.",
        },
        /// MsiInstaller 11708.
        MsiProductFailed: Failure {
            pattern: r"Product: .+ -- Installation (?:operation )?failed",
            example: "Product: Contoso Agent -- Installation operation failed.",
        },
        /// A setup's own event with its result (Service Pack Installer 8: `Service Pack installation failed
        /// with error code 0x800f0826.`).
        SetupFailedCode: Failure {
            pattern: r"(?i)(?:installation|setup|update) failed with error code:? (?:0x)?[0-9A-Fa-f]{8}\b",
            example: "Service Pack installation failed with error code 0x80070643.",
        },
        /// MsiInstaller 11707.
        MsiProductOk: Success {
            pattern: r"Product: .+ -- (?:Installation|Removal|Configuration) (?:operation )?completed successfully",
            example: "Product: Contoso Agent -- Installation operation completed successfully.",
        },
        /// MsiInstaller 1033 and its kin: the product and its status.
        MsiStatus: Failure {
            pattern: r"Windows Installer (?:installed|reconfigured|removed) the (?:product|update)\..*(?:success or error status|completed with status): *-?[0-9]+",
            fields: r"Product Name: (.+?)\. Product Version.*(?:success or error status|completed with status): *(-?[0-9]+)",
            example: "Windows Installer installed the product. Product Name: Contoso Agent. Product Version: 2.1.0. Product Language: 1033. Manufacturer: Contoso. Installation success or error status: 1603.",
        },
        /// MsiInstaller 1023: an update that could not be installed, with its error and log.
        MsiUpdateFailed: Failure {
            pattern: r"Product: .+ - Update '.+' could not be installed\. Error code [0-9]+",
            fields: r"Product: (.+?) - Update '(.+?)' (?:installed successfully|could not be installed\. Error code ([0-9]+))",
            example: "Product: Microsoft Office Professional Plus 2016 - Update 'Security Update for Microsoft Office 2016 (KB4484103) 64-Bit Edition' could not be installed. Error code 1603. Additional information is available in the log file C:\\Windows\\TEMP\\KB4484103.log.",
        },
        /// MsiInstaller 1022.
        MsiUpdateOk: Success {
            pattern: r"Product: .+ - Update '.+' installed successfully",
            fields: r"Product: (.+?) - Update '(.+?)' (?:installed successfully|could not be installed\. Error code ([0-9]+))",
            example: "Product: Microsoft Office Professional Plus 2016 - Update 'Security Update for Microsoft Office 2016 (KB4484103) 64-Bit Edition' installed successfully.",
        },
        /// WinRE 4502; in phase 2, the recovery partition is too small.
        WinreFailed: Failure {
            pattern: r"Windows Recovery Environment servicing failed",
            example: "Windows Recovery Environment servicing failed.",
        },
        /// Servicing: a package that could not change state, with its status.
        ServicingFailed: Failure {
            pattern: r"Package (?:KB[0-9]+|[A-Za-z0-9_~.-]+) failed to be changed to the [A-Za-z]+ state\. Status: 0x[0-9A-Fa-f]+",
            fields: r"Package (\S+) failed to be changed to the [A-Za-z]+ state\. Status: (0x[0-9A-Fa-f]+)",
            example: "Package KB5034441 failed to be changed to the Installed state. Status: 0x80070643.",
        },
        /// WindowsUpdateClient 16.
        WuConnect: Failure {
            pattern: r"Unable to Connect: Windows is unable to connect to the automatic updates service",
            example: "Unable to Connect: Windows is unable to connect to the automatic updates service and therefore cannot download and install updates according to the set schedule.",
        },
    }
}

/// A Windows Update message's code and update title.
fn update_named() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"the following update(?: with error (0x[0-9A-Fa-f]{1,8}|[0-9A-Fa-f]{8}))?: *(.+?)\.?[ \t]*$")
    })
}

/// The product an Installer message names.
fn product_named() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"Product: (.+?) --? "))
}

/// The log file an Installer message names.
fn log_file() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)log file ([A-Za-z]:\\[^\r\n]+?\.(?:log|txt))"))
}

/// A KB number in a title or a message.
fn kb_number() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\bKB ?([0-9]{6,7})\b"))
}

/// The phase a WinRE servicing failure names.
fn error_phase() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)ErrorPhase:? *([0-9]+)"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim().to_string()
}

fn kb_of(s: &str) -> Option<String> {
    kb_number()
        .captures(s.as_bytes())
        .map(|c| format!("KB{}", text(&c[1])))
}

/// Normalises a code as written in an event (`0x80070643`, `80070643`, `1603`).
fn norm(code: &str) -> Option<String> {
    codes::parse(code).map(|c| c.normalized())
}

/// A cause the knowledge base names for a code, unless it is the generic installer failure.
fn specific_cause(code: &str) -> Option<CauseId> {
    let mut all = vec![code.to_string()];
    if let Some(c) = codes::parse(code) {
        all.extend(c.related().iter().map(Code::normalized));
    }
    tree::cause_id_for_codes(&all).filter(|c| *c != cause::INSTALL_FAILURE)
}

/// ` with 0x…` for a summary, when the event names a code.
fn with_code(code: &Option<String>) -> String {
    code.as_ref()
        .map(|c| format!(" with {c}"))
        .unwrap_or_default()
}

/// Reads one line as an event message. `None` when it is not one of the messages this module knows.
pub(crate) fn classify_line(line: &str) -> Option<EventLine> {
    let bytes = line.as_bytes();
    // A line is read as its first kind.
    let kind = EventMessage::of(bytes).iter().next()?;
    let mut e = EventLine {
        event: "",
        role: Role::Context,
        summary: String::new(),
        code: None,
        title: None,
        is_product: false,
        kb: None,
        log_path: None,
        cause: None,
        restart_pending: false,
    };
    match kind {
        EventMessage::WuFailed | EventMessage::WuOk => {
            let c = update_named().captures(bytes);
            e.code = c
                .as_ref()
                .and_then(|c| c.get(1))
                .and_then(|m| norm(&text(m.as_bytes())));
            e.title = c
                .as_ref()
                .and_then(|c| c.get(2))
                .map(|m| text(m.as_bytes()));
            if kind == EventMessage::WuFailed {
                e.event = "WindowsUpdateClient 20";
                e.role = Role::Failure;
                e.summary = format!(
                    "Windows Update reports that the update failed to install{}.",
                    with_code(&e.code)
                );
            } else {
                e.event = "WindowsUpdateClient 19";
                e.role = Role::Success;
                e.summary = "Windows Update reports that the update was installed.".into();
            }
        }
        EventMessage::WuRestart => {
            e.event = "WindowsUpdateClient 21";
            e.role = Role::Success;
            e.restart_pending = true;
            e.summary = "The update was installed; a restart is needed to complete it.".into();
        }
        EventMessage::MsiProductError => msi_product_error(line, &mut e),
        EventMessage::SetupFailedCode => {
            e.event = "setup result";
            e.code = codes::find_codes(bytes)
                .into_iter()
                .find(|m| matches!(m.code, Code::HResult(h) if h & 0x8000_0000 != 0))
                .map(|m| m.code.normalized());
            // The setup's own code says why, unless it is the generic installer failure.
            e.cause = e.code.as_deref().and_then(specific_cause);
            e.role = match e.code.as_deref() {
                Some("0x80070643") | None => Role::Failure,
                Some(_) => Role::Cause,
            };
            e.summary = format!("A setup reports its own failure{}.", with_code(&e.code));
        }
        EventMessage::MsiProductFailed => {
            e.event = "MsiInstaller 11708";
            e.is_product = true;
            e.role = Role::Failure;
            e.title = product_named().captures(bytes).map(|c| text(&c[1]));
            e.summary = "Windows Installer reports that the installation failed (event 11708). The event does not say why; the installer's verbose log does.".into();
        }
        EventMessage::MsiProductOk => {
            e.event = "MsiInstaller 11707";
            e.is_product = true;
            e.role = Role::Success;
            e.title = product_named().captures(bytes).map(|c| text(&c[1]));
            e.summary =
                "Windows Installer reports that the operation completed successfully.".into();
        }
        EventMessage::MsiStatus => {
            e.event = "MsiInstaller 1033";
            e.is_product = true;
            let c = kind.captures(bytes);
            e.title = c.as_ref().map(|c| text(&c[1]));
            let status = c
                .as_ref()
                .and_then(|c| text(&c[2]).parse::<i64>().ok())
                .unwrap_or(0);
            if matches!(status, 0 | 1641 | 3010) {
                e.role = Role::Success;
                e.restart_pending = status != 0;
                e.summary = format!("Windows Installer reports success (status {status}).");
            } else {
                e.role = Role::Failure;
                e.code = norm(&status.to_string());
                e.summary = format!(
                    "Windows Installer reports that the operation ended with status {status}; its verbose log holds the cause."
                );
            }
        }
        EventMessage::MsiUpdateFailed | EventMessage::MsiUpdateOk => {
            let c = kind.captures(bytes);
            let product = c.as_ref().map(|c| text(&c[1]));
            e.title = c.as_ref().map(|c| text(&c[2])).or(product);
            if kind == EventMessage::MsiUpdateFailed {
                e.event = "MsiInstaller 1023";
                e.role = Role::Failure;
                e.code = c
                    .as_ref()
                    .and_then(|c| c.get(3))
                    .and_then(|m| norm(&text(m.as_bytes())));
                e.log_path = log_file().captures(bytes).map(|c| text(&c[1]));
                e.summary = format!(
                    "Windows Installer could not install the update{}.",
                    e.code
                        .as_ref()
                        .map(|c| format!(" (error {c})"))
                        .unwrap_or_default()
                );
            } else {
                e.event = "MsiInstaller 1022";
                e.role = Role::Success;
                e.summary = "Windows Installer installed the update.".into();
            }
        }
        EventMessage::WinreFailed => {
            e.event = "WinRE 4502";
            e.role = Role::Failure;
            e.title = Some("Windows Recovery Environment".into());
            let phase = error_phase().captures(bytes).map(|c| text(&c[1]));
            if phase.as_deref() == Some("2") {
                e.cause = Some(cause::WINRE_PARTITION);
                e.summary = "Windows Recovery Environment servicing failed in phase 2: the recovery partition is too small.".into();
            } else {
                e.summary = "Windows Recovery Environment servicing failed (event 4502).".into();
            }
        }
        EventMessage::ServicingFailed => {
            e.event = "Servicing";
            e.role = Role::Failure;
            let c = kind.captures(bytes);
            e.title = c.as_ref().map(|c| text(&c[1]));
            e.code = c.as_ref().and_then(|c| norm(&text(&c[2])));
            e.summary = "The servicing stack could not install the package.".into();
        }
        EventMessage::WuConnect => {
            e.event = "WindowsUpdateClient 16";
            e.role = Role::Failure;
            e.cause = Some(cause::WU_NETWORK);
            e.summary = "Windows Update could not connect to the update service.".into();
        }
    }
    if e.event.is_empty() {
        return None;
    }
    if e.kb.is_none() {
        e.kb = e.title.as_deref().and_then(kb_of).or_else(|| kb_of(line));
    }
    if e.role == Role::Failure {
        if let Some(c) = e.code.as_deref().and_then(specific_cause) {
            // A code that names its own cause (1618, 0x800f081f…) makes the message a cause, not a mere failure.
            e.role = Role::Cause;
            e.cause = Some(c);
        }
    }
    Some(e)
}

/// MsiInstaller 1xxxx: an error message, with its number's meaning, or the package's own message.
fn msi_product_error(line: &str, e: &mut EventLine) {
    let bytes = line.as_bytes();
    e.event = "MsiInstaller 1xxxx";
    e.is_product = true;
    e.role = Role::Cause;
    e.title = product_named().captures(bytes).map(|c| text(&c[1]));
    let number = codes::find_codes(bytes)
        .into_iter()
        .find_map(|m| match m.code {
            Code::MsiMessage(n) => Some(n),
            _ => None,
        });
    // Numbers of 25000 and above are the package's own messages (its Error table): no code table knows
    // them, but they are the number the person sees and searches for.
    let number = number.or_else(|| {
        let at = line.find("-- Error ")? + "-- Error ".len();
        let digits: String = line[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<u32>().ok().filter(|n| *n >= 25000)
    });
    if let Some(n) = number.filter(|n| *n >= 25000) {
        e.code = Some(n.to_string());
        e.summary = format!(
            "The package's own error {n} (a message its maker defined): {}",
            line.split_once(&format!("Error {n}"))
                .map(|(_, rest)| rest.trim_start_matches(['.', ':', ' ']).trim())
                .unwrap_or_default()
        );
    } else if let Some(n) = number {
        e.code = Some(Code::MsiMessage(n).normalized());
        e.summary = match codes::info(&Code::MsiMessage(n)) {
            Some(i) => format!("Windows Installer error {n}: {}", i.meaning),
            None => format!("Windows Installer error {n}."),
        };
    } else {
        e.summary = "Windows Installer reported an error.".into();
    }
}

/// Records a classified event message as a finding with its details; learns its facts. Returns the
/// finding's index.
pub(crate) fn record(line: &Line<'_>, e: &EventLine, out: &mut Output) -> Option<usize> {
    let idx = out.finding(line, e.role, e.summary.clone())?;
    if let Some(code) = &e.code {
        let f = &mut out.findings[idx];
        if !f.codes.contains(code) {
            f.codes.insert(0, code.clone());
        }
    }
    out.detail(idx, "event", e.event);
    if let Some(t) = &e.title {
        out.detail(
            idx,
            if e.is_product { "product" } else { "update" },
            t.clone(),
        );
    }
    if let Some(kb) = &e.kb {
        out.detail(idx, "KB", kb.clone());
    }
    if let Some(c) = e.cause {
        out.cause(idx, c);
    }
    learn(e, out);
    Some(idx)
}

/// The facts an event message gives: for a failure, the failing update's title and KB replace what
/// earlier lines suggested.
pub(crate) fn learn(e: &EventLine, out: &mut Output) {
    let failed = matches!(e.role, Role::Cause | Role::Failure);
    let put = |out: &mut Output, k: Fact, v: String| {
        if failed {
            out.facts.set(k, v);
        } else {
            out.facts.learn(k, v);
        }
    };
    if let Some(t) = &e.title {
        let key = if e.is_product {
            Fact::ProductName
        } else {
            Fact::UpdateTitle
        };
        put(out, key, t.clone());
        if let Some(p) = facts::product_from_text(t.as_bytes()) {
            put(out, Fact::Product, p.to_string());
        }
        facts::learn_from_line(t.as_bytes(), &mut out.facts);
    }
    if let Some(kb) = &e.kb {
        put(out, Fact::Kb, kb.clone());
    }
    if let Some(p) = &e.log_path {
        out.facts.learn(Fact::LogPath, p.clone());
    }
    if e.restart_pending {
        out.facts.learn(Fact::RestartPending, "yes");
    }
}

/// Sources whose error events can explain a failed installation or update.
const SETUP_SOURCES: &[&str] = &[
    "cbs",
    "microsoft-windows-servicing",
    "microsoft-windows-windowsupdateclient",
    "msiinstaller",
    "servicing",
    "windows update agent",
    "windowsupdateclient",
];

#[derive(Default)]
pub struct EventLog {
    /// The event being read: its source (lowercase), id and whether it is an error.
    source: String,
    id: Option<u32>,
    error: bool,
    first_cause: Option<usize>,
    first_failure: Option<usize>,
    succeeded: bool,
    other: TextLog,
    /// The events behind `first_cause` and `first_failure`: their facts are the case's.
    cause_event: Option<EventLine>,
    failure_event: Option<EventLine>,
    /// Headers were seen: this is an export, whose other lines name updates and programs in passing.
    export: bool,
}

line_kinds! {
    /// The header lines of an event export (`wevtutil`, Event Viewer's text, PowerShell, FRST) that say which
    /// event the next lines describe. Their literals are none: the reader has no prefilter.
    pub(super) enum EventHeader {
        /// The event's level (`Event Type: Error`, `Level: Error`).
        Type: Fact {
            pattern: r"^(?:Event Type|Level|LevelDisplayName) *:[ \t]+",
            example: "Level: Warning",
        },
        /// The event's source.
        Source: Fact {
            pattern: r"^(?:Event )?Source:[ \t]+|^ProviderName *:[ \t]+",
            fields: r"^(?:(?:Event )?Source:|ProviderName *:)[ \t]+(.+?)[ \t]*$",
            example: "Source: Microsoft-Windows-WindowsUpdateClient",
        },
        /// The event's id.
        Id: Fact {
            pattern: r"^(?:Event ID:|Id +:)[ \t]+([0-9]+)?",
            example: "Event ID: 20",
        },
        /// FRST's one-line header: level, time, source and id.
        Frst: Fact {
            pattern: r"^[A-Za-z\x80-\xFF]+: \([0-9/.: APM-]+\) \(Source: [^)]*\) \(EventID: [0-9]+\)",
            fields: r"^([A-Za-z\x80-\xFF]+): \([^)]*\) \(Source: ([^)]*)\) \(EventID: ([0-9]+)\)",
            example: "Error: (03/05/2025 10:00:00 AM) (Source: MsiInstaller) (EventID: 11708) (User: Kari-PC)",
        },
        /// A level that is an error (read with [`EventHeader::Type`]).
        ErrorLevel: Fact {
            pattern: r"(?i)^(?:Event Type|Level|LevelDisplayName) *:[ \t]+(?:Error|Feil|Fehler|Erreur|Critical)",
            example: "Event Type:\tError",
        },
    }
}

impl EventLog {
    fn note_finding(&mut self, idx: usize, role: Role) {
        if role == Role::Cause && self.first_cause.is_none() {
            self.first_cause = Some(idx);
        }
        if matches!(role, Role::Cause | Role::Failure) && self.first_failure.is_none() {
            self.first_failure = Some(idx);
        }
    }
}

// No prefilter: lines outside events go to the plain-text reader, which reads the first lines of a text
// whatever they say (a code typed on its own). Event exports are small.
impl LogReader for EventLog {
    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let headers = EventHeader::of(bytes);
        if headers.any() {
            self.export = true;
            for kind in headers.iter() {
                match kind {
                    EventHeader::Type => self.error = headers.has(EventHeader::ErrorLevel),
                    EventHeader::Source => {
                        if let Some(c) = kind.captures(bytes) {
                            self.source = text(&c[1]).to_ascii_lowercase();
                        }
                    }
                    EventHeader::Id => {
                        self.id = kind
                            .captures(bytes)
                            .and_then(|c| c.get(1))
                            .and_then(|m| text(m.as_bytes()).parse().ok());
                    }
                    EventHeader::Frst => {
                        if let Some(c) = kind.captures(bytes) {
                            let level = text(&c[1]).to_ascii_lowercase();
                            self.error =
                                matches!(level.as_str(), "error" | "feil" | "fehler" | "erreur");
                            self.source = text(&c[2]).to_ascii_lowercase();
                            self.id = text(&c[3]).parse().ok();
                        }
                    }
                    // Read with `Type`.
                    EventHeader::ErrorLevel => {}
                }
            }
            return;
        }
        // Event messages sometimes come after `Description:` on the same line (FRST) or quoted.
        let body = line
            .text
            .trim_start_matches(['>', ' ', '\t'])
            .trim_start_matches("Description:")
            .trim_start();
        let body = body
            .strip_prefix("Message")
            .map(|m| m.trim_start())
            .and_then(|m| m.strip_prefix(':'))
            .map(str::trim_start)
            .unwrap_or(body)
            .trim_end_matches(['"', ' ']);
        if let Some(e) = classify_line(body) {
            if let Some(idx) = record(line, &e, out) {
                self.note_finding(idx, e.role);
                if e.role == Role::Success {
                    self.succeeded = true;
                }
                if self.first_cause == Some(idx) {
                    self.cause_event = Some(e.clone());
                }
                if self.first_failure == Some(idx) {
                    self.failure_event = Some(e);
                }
            }
            return;
        }
        // An error event from a setup source that no pattern above knows: a failure, without a cause.
        if self.error
            && SETUP_SOURCES.contains(&self.source.as_str())
            && line.text.starts_with("Description:")
            && body.len() > 3
        {
            let summary = format!(
                "An error event from {} (event {}).",
                self.source,
                self.id.map(|i| i.to_string()).unwrap_or_else(|| "?".into())
            );
            if let Some(idx) = out.finding(line, Role::Failure, summary) {
                self.note_finding(idx, Role::Failure);
            }
            self.error = false;
            return;
        }
        if self.source.is_empty() {
            // Outside any event: read as plain text.
            self.other.line(line, out);
        }
    }

    fn finish(&mut self, out: &mut Output) {
        // What the plain-text reader found counts only when no event did.
        let mut text_out_root = None;
        if self.first_failure.is_none() {
            self.other.finish(out);
            text_out_root = out.root;
        }
        out.root = self.first_cause.or(self.first_failure).or(text_out_root);
        // An export names many updates and programs in passing; the facts about "the update" are the failing
        // event's, or none.
        let root_event = self.cause_event.take().or(self.failure_event.take());
        if self.export || root_event.is_some() {
            for key in [
                Fact::Kb,
                Fact::Product,
                Fact::DotnetTarget,
                Fact::UpdateTitle,
                Fact::ProductName,
            ] {
                out.facts.remove(key);
            }
        }
        if let Some(e) = root_event {
            learn(&e, out);
        }
        let text_verdict = out.verdict.take();
        out.verdict = Some(if self.first_failure.is_some() {
            Verdict::Failed
        } else if let Some(v) = text_verdict.filter(|v| *v != Verdict::Inconclusive) {
            v
        } else if self.succeeded {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
        if out.verdict == Some(Verdict::Failed) && self.first_cause.is_none() {
            if let Some(idx) = out.root.filter(|r| {
                out.findings
                    .get(*r)
                    .is_some_and(|f| f.codes.is_empty() && f.cause.is_none())
            }) {
                // "Installation failed" and nothing else: the event names no cause, the installer's log would.
                out.cause(idx, cause::NO_CAUSE_IN_LOG);
                out.note("The event log records that the installation failed, not why. The installer's verbose log holds the cause: run the installation again with msiexec /l*v, or turn on the Windows Installer Logging policy.");
            }
        }
    }
}
