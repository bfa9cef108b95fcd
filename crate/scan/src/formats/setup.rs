//! Windows Setup: feature updates, clean installs and Sysprep. The Panther logs (`setupact.log`, `setuperr.log`,
//! the Rollback folder's copies, Sysprep's own `setupact.log`), `setupapi.dev.log` / `setupapi.app.log`, and
//! SetupDiag's text, XML or JSON results.
//!
//! A Panther log is `YYYY-MM-DD HH:MM:SS, Level [id] COMPONENT message` (components MOUPG, SP, PANTHR, MIG,
//! CONX, SYSPRP, IBS…, or a `[windeploy.exe]` process tag). It is full of `Error` lines that mean nothing:
//! CSI registry probes, migration plug-ins, dynamic-update downloads, the `Result = 0x…` of every function a
//! failure passes through on its way up. Microsoft's advice is to take the final result code and find where it
//! first appeared, and that is what this reader does, by evidence kind, strongest first:
//!
//! 1. **A culprit**: a line that names what broke and why: a user who cancelled (`User cancel confirmed`),
//!    a Store app installed for one user but not provisioned (Sysprep's 0x80073cf2), a crash or boot failure
//!    that setup detected, the first `!!!` line of a `setupapi` section that ended in failure.
//! 2. **The origin of the final result**: the first `Error` line of the run (not a `Result = 0x…`
//!    pass-through) that holds the code the run finally reported.
//! 3. **A final result line**: SetupDiag's `Error: 0xC1900101 - 0x30018` or `<FailureDetails>`, `SetupHost:
//!    Reporting error event -> [0x…]`, `ImageExit: Initializing SetupResult: [0x…]`, `CSetupHost::Execute(…):
//!    Result = 0x…`, the setup platform's `Operation failed: … Error: 0x…` and the fatal points Microsoft names
//!    (`Execution of operations queue failed`, `Abandoning apply due to error for object`), Sysprep's
//!    `WinMain: … hr = 0x…`, a failed Sysprep provider, `setupapi`'s `<<<  [Exit status: FAILURE(0x…)]`. Such a
//!    line is the root when no line of kind 1 or 2 says more; the first one of a run stays the root when later
//!    ones repeat its code or name none (`Finalize: Reporting result value` is telemetry's remapped value and
//!    never replaces it).
//! 4. **A rollback line** (`Rollback-Online-System started`): the run failed, but the line says nothing of why;
//!    the root only while no line above says more.
//!
//! A run starts at `SetupHost Logging Begin`, `Beginning of a new sysprep run` or `WinDeploy.exe launched`.
//! A generic `Error` line never makes a log failed. The outcome is the latest one the log states: a setup log
//! is appended by every attempt, so a failed run followed by a completed one (`First boot phase of setup
//! done`, `WinDeploy.exe exiting with code [0x0]`, `Successfully ran oobeSystem pass`) succeeded, and the
//! reverse failed; an earlier attempt's root is kept as context. A `setupapi` log is failed while an installation
//! that failed was not done again successfully under the same title. A log that states no outcome (it only
//! starts, or stops early) is inconclusive. The cause follows the code: 0xC1900101 (a driver or incompatible
//! software rolled the upgrade back), 0x80070070 / 0xC190020E (disk space), 0xC1900200 / 0xC1900202
//! (requirements), 0x80073CF2 in Sysprep (a per-user app), 0x80070005 (access denied), 0x80070032 with the
//! storage management (VDS/WMI) lines it comes with, and a cancel (0x800704C7) is `cancelled`; a failure no
//! code explains is `setup-failure`, Microsoft's general procedure for upgrade errors.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::LogReader;
use super::kinds::{Kinds, line_kinds};
use crate::codes::{self, Code};
use crate::read::{Line, Output, re};
use kb::cause::{self, CauseId};
use kb::tree;
use model::diagnosis::{Role, Verdict};

/// The signature of a Panther log line with a setup component or a process tag, for [`super::detect`].
/// CBS, CSI and DISM lines are in setup logs too, but a CBS.log or DISM.log never holds these components.
pub(crate) const SIGNATURE: &str = r"(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}, (?:Info|Warning|Error|Fatal Error|Perf) +(?:\[0x[0-9a-fA-F]{6}\] +)?(?:MOUPG|SP|PANTHR|MIG|SYSPRP|CONX|IBS|IBSLIB|SETUPCL|SETUPUGC|DU|DIAGER|WINPE|OOBE|UI|BLOCK) |(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}, (?:Info|Warning|Error) +\[(?:windeploy|setup|oobeldr|msoobe|SETUPUGC|sysprep)(?:\.exe)?\] |(?m)^>>>  \[(?:Device Install|Install Driver|Setup|Import Driver|Delete Device|Sysprep)|^<<<  \[Exit [Ss]tatus|^\[Device Install Log\]|Matching Profile found: [A-Za-z]|<ProfileName>[A-Za-z]+</ProfileName>|\x22ProfileName\x22 ?: ?\x22[A-Za-z]+\x22";

/// How many distinct codes of one run are remembered with their first error line.
const MAX_ORIGINS: usize = 64;
/// How many error lines of the whole file become findings as possible origins: the rest of the file's findings
/// (scan::MAX_FINDINGS) stay free for the results, culprits and outcomes of its later runs.
const MAX_ORIGIN_FINDINGS: usize = 200;

line_kinds! {
    /// The lines [`SetupLog`] acts on. A line may be of several kinds: the reader handles the first of them in
    /// this order (a SetupDiag profile on a line that also holds SetupDiag's failure goes on to it).
    pub(super) enum SetupLine {
        /// A new run of setup or Sysprep starts: what the previous run waited for is forgotten.
        RunStart: Fact {
            pattern: r"SetupHost Logging (?:Begin|Start)|Beginning of a new sysprep run|WinDeploy\.exe launched",
            prefilter: [r"SetupHost Logging", r"Beginning of a new sysprep run", r"WinDeploy\.exe launched"],
            example: "2024-03-10 10:00:00, Info                  MOUPG  SetupHost Logging Start - Version 10.0.19041.1",
        },
        /// The rule SetupDiag matched (`Matching Profile found: …`, XML or JSON).
        SetupdiagProfile: Fact {
            pattern: r"Matching Profile found: |<ProfileName>|\x22ProfileName\x22 ?: ?\x22",
            prefilter: [r"Matching Profile found", r"ProfileName"],
            example: "Matching Profile found: CompatBlockedApplicationAutoUninstall - BDD18AFC-6E1A-4A95-B498-B2E5A5BC1D20",
        },
        /// A setupapi section's title (`>>>  [Device Install …]`; the paste cleaner takes `>>>` for quote marks).
        SectionStart: Fact {
            pattern: r"^(?:>>>  )?\[.*\] *\r?$",
            prefilter: [r">>>  \["],
            example: ">>>  [Device Install (Hardware initiated) - USB\\VID_046D&PID_C52B\\5&2E2B5A1E&0&2]",
        },
        /// A setupapi section's error line: the first one explains the section's failure.
        SectionError: Fact {
            pattern: r"^!!!  ",
            prefilter: [r"!!!  "],
            example: "!!!  dvi:                     Device not started: Device has problem: 0x1f (CM_PROB_FAILED_ADD), problem status: 0xc0000001.",
        },
        /// A setupapi section's end, with its status.
        SectionExit: Cause {
            pattern: r"^<<<  \[Exit [Ss]tatus",
            prefilter: [r"<<<  \[Exit"],
            example: "<<<  [Exit status: FAILURE(0xe0000219)]",
        },
        /// A Store app Sysprep cannot generalize.
        AppxNotProvisioned: Cause {
            pattern: r"was installed for a user, but not provisioned for all users",
            prefilter: [r"not provisioned for all users"],
            example: "2024-03-10 10:00:00, Error                 SYSPRP Package Contoso.Notes_1.0.0.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.",
        },
        /// Setup cancelled, by the person or a program acting for them.
        Cancel: Cause {
            pattern: r"User cancel confirmed|[Uu]ser has chosen to cancel|Cancel is requested",
            prefilter: [r"cancel", r"Cancel"],
            example: "2024-03-10 10:00:00, Info                  MOUPG  User cancel confirmed",
        },
        /// A crash, a boot failure or a system setup could not recover: it rolls back.
        Crash: Cause {
            pattern: r"Crash 0x[0-9A-Fa-f]{8} detected|Cannot recover the system|[Bb]oot failure detected",
            prefilter: [r"detected", r"Cannot recover the system"],
            example: "2024-03-10 10:00:00, Info                  SP     Crash 0x0000003B detected",
        },
        /// SetupDiag's failure details.
        SetupdiagError: Cause {
            pattern: r"(?:^|[ \t-])Error(?: =|:) *0x[0-9A-Fa-f]{8} *- *0x[0-9A-Fa-f]+|<FailureDetails>|Err = 0x[0-9A-Fa-f]{8}",
            prefilter: [r"Error = 0x", r"Error: 0x", r"Error:0x", r"<FailureDetails>", r"Err = 0x"],
            example: "FailureData = Error: 0xC1900101 - 0x30018",
        },
        /// The run's result.
        FinalResult: Cause {
            pattern: r"Reporting error event -> \[|Reporting result value: \[|ImageExit: Initializing SetupResult: +\[|CSetupHost::Execute\([0-9]+\): Result = |, (?:Fatal )?Error .*Operation failed: .*Error: 0x|Execution of operations queue failed|Shell application requested abort|Abandoning apply due to error for object|SetupDiag reports .*0x[0-9A-Fa-f]{8}",
            prefilter: [
                r"Reporting error event",
                r"Reporting result value",
                r"Initializing SetupResult",
                r"CSetupHost::Execute",
                r"Operation failed: ",
                r"operations queue failed",
                r"requested abort",
                r"Abandoning apply",
                r"SetupDiag reports",
            ],
            example: "2024-03-10 10:00:00, Info                  MOUPG  Finalize: Reporting result value: [0xc1900101]",
        },
        /// Sysprep stopping with an error, or a provider of it failing.
        SysprepFatal: Cause {
            pattern: r"SYSPRP +WinMain:.*hr = 0x|halting sysprep execution|fatal error occurred while trying to sysprep|LaunchModule: Failure occurred while executing",
            prefilter: [r"hr = 0x", r"halting sysprep", r"while trying to sysprep", r"LaunchModule: Failure"],
            example: "2024-03-10 10:00:00, Error                 SYSPRP ActionPlatform::LaunchModule: Failure occurred while executing 'SysprepGeneralizeValidate' from C:\\Windows\\System32\\AppxSysprep.dll; dwRet = 0x3cf2",
        },
        /// A phase of setup or Sysprep that completed.
        Success: Success {
            pattern: r"First boot phase of setup done|Setup has completed phase [0-9]|WinDeploy\.exe exiting with code \[0x0\]|Successfully ran oobeSystem pass|Exiting 'oobeSystem' pass with status 0x00000000|Operation: End OOBE boot, Percentage: 100%|Received DONE progress message|[Ss]etup completed successfully|FindSuccessfulUpgrade|[Ss]ysprep (?:process )?(?:has )?completed successfully",
            prefilter: [
                r"phase of setup done",
                r"Setup has completed phase",
                r"exiting with code",
                r"ran oobeSystem pass",
                r"Exiting 'oobeSystem'",
                r"End OOBE boot",
                r"DONE progress message",
                r"etup completed successfully",
                r"FindSuccessfulUpgrade",
                r"ysprep process",
                r"ysprep completed",
                r"ysprep has completed",
            ],
            example: "2024-03-10 10:00:00, Info                  SYSPRP Sysprep completed successfully",
        },
        /// Setup undoing the upgrade.
        Rollback: Cause {
            pattern: r"Rollback-Online-System started|Initiating rollback|Rollback: Showing splash window",
            prefilter: [r"Rollback-Online-System", r"Initiating rollback", r"Showing splash window"],
            example: "2024-03-10 10:00:00, Info                  SP     Initiating rollback of the upgrade",
        },
        /// A result passed up from a call inside setup: it repeats an error line, it does not start one.
        Propagation: Decoy {
            pattern: r"\): Result = 0x",
            example: "2024-03-10 10:00:00, Error                 MOUPG  CSetupManager::Execute(245): Result = 0x80070032",
        },
        /// A Panther error line: where a failure code of the run first appears.
        ErrorLine: Fact {
            pattern: r"^(?:\xEF\xBB\xBF)?[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}, (?:Fatal )?Error ",
            prefilter: [r", Error ", r", Fatal Error "],
            example: "2024-03-10 10:00:00, Error                 CONX   Failed to open file C:\\$WINDOWS.~BT\\Sources\\compat.xml: 0x80070002",
        },
    }
}

/// Codes that mean the person (or a program acting for them) cancelled setup: ERROR_CANCELLED, the internal
/// ERROR_REQUEST_ABORTED that setup remaps to it, and setup's own "user has chosen to cancel" results.
const CANCEL_CODES: &[u32] = &[
    0x8007_04C7,
    0x8007_04D3,
    0xC190_0110,
    0xC190_0113,
    0xC190_0201,
    0xC190_0203,
    0xC190_0205,
    0xC190_0207,
    0xC190_0209,
    0xC190_020B,
    0xC190_020D,
    0xC190_020F,
];

/// Words of the lines that storage management (the Virtual Disk Service, WMI's storage classes) writes when
/// setup cannot reach it; with 0x80070032 they name the cause.
const STORAGE_WORDS: &[&str] = &[
    "Disk provisioning",
    "VdsPlatform",
    "VDS loader",
    "SmPlatform",
    "WMI Helper",
    "MSFT_Partition",
    "DismHostManager",
];

/// The knowledge base's cause for a Windows Setup failure with this code, on this line.
fn setup_cause(code: Option<u32>, text: &str, found: &[String]) -> Option<CauseId> {
    let id = match code {
        _ if text.contains("not provisioned for all users") => cause::SYSPREP_APPX,
        Some(c) if CANCEL_CODES.contains(&c) => cause::CANCELLED,
        Some(0xC190_0101) => cause::SETUP_DRIVER,
        Some(0x8007_0070 | 0xC190_020E) => cause::SETUP_DISK_SPACE,
        Some(0xC190_0200 | 0xC190_0202) => cause::SETUP_REQUIREMENTS,
        Some(0x8007_3CF2) => cause::SYSPREP_APPX,
        Some(0x8007_0005) => cause::SETUP_ACCESS_DENIED,
        // A cleanup of an earlier attempt waits for a restart; an incompatible app or driver blocks setup.
        Some(0xC190_0107) => cause::RESTART_PENDING,
        Some(0xC190_0208) => cause::SETUP_DRIVER,
        Some(0x8007_0032) => cause::SETUP_STORAGE,
        _ if STORAGE_WORDS.iter().any(|w| text.contains(w)) => cause::SETUP_STORAGE,
        // Any other failure of Windows Setup takes Microsoft's general procedure for upgrade errors.
        _ => return tree::servicing_cause_for(found).or(Some(cause::SETUP_FAILURE)),
    };
    Some(id)
}

/// Whether a root names no cause more specific than a failure of Windows Setup.
fn generic_cause(out: &Output, root: usize) -> bool {
    out.findings.get(root).is_some_and(|f| {
        f.cause
            .as_deref()
            .is_none_or(|c| c == cause::SETUP_FAILURE.as_str())
    })
}

/// The first failure HRESULT on a line (`[0x80070032, 0x50013]` gives 0x80070032; `[gle=0x00000002]` is a
/// Win32 code, not a result).
fn first_failure(line: &str) -> Option<u32> {
    codes::find_codes(line.as_bytes())
        .iter()
        .find_map(|m| match m.code {
            Code::HResult(h) if h & 0x8000_0000 != 0 => Some(h),
            _ => None,
        })
}

/// What the extend code after 0xC1900101 says (`0xC1900101 - 0x30018`, `[0xC1900101, 0x30018]`): the phase
/// (its first digit) and the operation (its last two), from Microsoft's table of upgrade error codes.
fn extend_code(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| re(r"0[xX][Cc]1900101 *[-,] *0[xX]([0-5])00([0-9A-Fa-f]{2})\b"));
    let c = re.captures(line.as_bytes())?;
    let phase = match c.get(1)?.as_bytes() {
        b"1" => "down-level (in the old Windows)",
        b"2" => "SafeOS (the setup environment)",
        b"3" => "first boot of the new Windows",
        b"4" => "second boot of the new Windows (OOBE)",
        b"5" => "uninstall",
        _ => "unknown phase",
    };
    let op = u8::from_str_radix(std::str::from_utf8(c.get(2)?.as_bytes()).ok()?, 16).ok()?;
    const OPERATIONS: &[&str] = &[
        "unknown",
        "copy payload",
        "download updates",
        "install updates",
        "install recovery environment",
        "install recovery image",
        "replicate optional components",
        "install drivers",
        "prepare SafeOS",
        "prepare rollback",
        "prepare first boot",
        "prepare OOBE boot",
        "apply image",
        "migrate data",
        "set product key",
        "add unattend",
        "add driver",
        "enable feature",
        "disable feature",
        "register asynchronous process",
        "register synchronous process",
        "create file",
        "create registry",
        "boot",
        "sysprep",
        "OOBE",
        "begin first boot",
        "end first boot",
        "begin OOBE boot",
        "end OOBE boot",
        "pre-OOBE",
        "post-OOBE",
        "add provisioning package",
    ];
    let operation = OPERATIONS
        .get(usize::from(op))
        .copied()
        .unwrap_or("unknown");
    let text = String::from_utf8_lossy(c.get(0)?.as_bytes()).into_owned();
    let code = text
        .rsplit(['-', ',', ' '])
        .next()
        .unwrap_or_default()
        .to_string();
    Some(format!("{code}: {phase}, {operation} operation"))
}

fn summary(kind: &str, line: &str) -> String {
    let found = codes::find_codes(line.as_bytes());
    if found.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} {}", super::text::summary_for(&found))
    }
}

/// The outcome a log stated last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Failed { root: usize },
    Succeeded,
}

/// The `setupapi` section being read.
#[derive(Default)]
struct Section {
    /// The header line (`>>>  [Device Install (Hardware initiated) - USB\VID_…]`).
    header: Option<String>,
    /// The first `!!!` line of the section, as a finding.
    first_error: Option<usize>,
}

#[derive(Default)]
pub struct SetupLog {
    outcome: Option<Outcome>,
    /// A culprit of the current run, waiting for the run's result: (finding index, the code its kind means).
    culprit: Option<(usize, Option<u32>)>,
    /// The root the run's first result line chose, with its code: a later result line of the run that adds
    /// nothing (no code, or the same) keeps it, since the first line of a failure cascade says the most.
    run_root: Option<(usize, Option<u32>)>,
    /// The current run has a rollback line: the first one is the root until a result line says more.
    run_rollback: bool,
    /// Result lines of the current run recorded as evidence (see [`SetupLog::result`]).
    run_summaries: u8,
    /// Error lines of the whole file recorded as possible origins.
    origin_findings: usize,
    /// The first error line of the current run for each failure code: (code, finding index).
    origins: Vec<(u32, usize)>,
    section: Section,
    /// Sections that ended in failure, and in success.
    sections_failed: u32,
    sections_succeeded: u32,
    /// Failed sections no later section of the same title fixed: (title, root finding).
    unresolved: Vec<(String, usize)>,
    /// SetupDiag's matching rule (`Matching Profile found: DriverInstallFailure - …`).
    profile: Option<String>,
}

impl SetupLog {
    /// Records a failure outcome with its root finding; the root of the outcome it replaces becomes context.
    fn fail(&mut self, out: &mut Output, root: usize, code: Option<u32>) {
        self.supersede(out, root);
        self.mark_root(out, root, code);
        self.outcome = Some(Outcome::Failed { root });
    }

    /// Makes a finding a root: its role, the cause its code (or its words) name, SetupDiag's rule.
    fn mark_root(&self, out: &mut Output, root: usize, code: Option<u32>) {
        if let Some(f) = out.findings.get_mut(root) {
            f.role = Role::Cause;
        }
        let cause = out
            .findings
            .get(root)
            .and_then(|f| setup_cause(code.or_else(|| first_failure(&f.text)), &f.text, &f.codes));
        if let Some(c) = cause {
            out.cause(root, c);
        }
        if let Some(p) = &self.profile {
            out.detail(root, "SetupDiag rule", p.clone());
        }
    }

    /// A final result line: the run is over, and its root is the strongest evidence the run holds.
    fn result(&mut self, out: &mut Output, line: &Line<'_>, code: Option<u32>, kind: &str) {
        let origin = code.and_then(|c| self.origins.iter().find(|o| o.0 == c).map(|o| o.1));
        let cancel = code.is_some_and(|c| CANCEL_CODES.contains(&c));
        // The root this line leaves standing, if any; `None` makes the line itself the root.
        let kept = match (self.culprit, origin, self.run_root) {
            // A cancel is its own explanation: the error lines before it are what cancelling looks like.
            (None, _, _) if cancel => None,
            // A culprit names the cause; the result line stays the evidence of the outcome.
            (Some((c, culprit_code)), _, _) => Some((c, culprit_code.or(code))),
            (None, Some(o), _) => {
                if let Some(f) = out.findings.get_mut(o) {
                    if f.role == Role::Context {
                        f.summary = summary(
                            "Windows Setup's final result first appears here: the failure starts on this line.",
                            &f.text,
                        );
                    }
                }
                Some((o, code))
            }
            // `Finalize: Reporting result value` is the value sent to telemetry, often remapped from the real
            // result (0x80070032 becomes 0xC1900108): it never replaces the run's root.
            (None, None, Some((r, rc))) if line.text.contains("Reporting result value") => {
                Some((r, rc))
            }
            // A result that adds nothing (no code, or the same code) leaves the run's first root standing.
            (None, None, Some((r, rc))) if code.is_none() || rc.is_none() || rc == code => {
                Some((r, code.or(rc)))
            }
            _ => None,
        };
        let (root, root_code) = match kept {
            Some(k) => {
                // The outcome's evidence: a run repeats its result on several lines, and a log appended by
                // many runs must not spend the file's findings on them.
                if self.run_summaries < 2 {
                    self.run_summaries += 1;
                    out.finding_with(line, Role::Summary, || summary(kind, line.text));
                }
                k
            }
            None => {
                let Some(idx) = out.finding_with(line, Role::Failure, || summary(kind, line.text))
                else {
                    return;
                };
                (idx, code)
            }
        };
        self.run_root = Some((root, root_code));
        self.fail(out, root, root_code);
        if let Some(phase) = extend_code(line.text) {
            out.detail(root, "extend code", phase);
        }
    }

    /// A later outcome replaces the one stated before: the earlier attempt's root stays as evidence only.
    fn supersede(&mut self, out: &mut Output, new_root: usize) {
        if let Some(Outcome::Failed { root }) = self.outcome {
            if root != new_root {
                if let Some(f) = out.findings.get_mut(root) {
                    f.role = Role::Context;
                    f.summary
                        .push_str(" (An earlier attempt: a later line states the outcome.)");
                }
            }
        }
    }

    fn succeeded(&mut self, out: &mut Output, line: &Line<'_>) {
        out.finding_with(line, Role::Success, || {
            "Windows Setup reports this phase as completed.".to_string()
        });
        self.supersede(out, usize::MAX);
        self.outcome = Some(Outcome::Succeeded);
        self.culprit = None;
        self.run_root = None;
    }

    fn new_run(&mut self) {
        self.culprit = None;
        self.run_root = None;
        self.run_summaries = 0;
        self.run_rollback = false;
        self.origins.clear();
    }
}

/// What some kinds of line do, for [`SetupLog::line`]'s dispatch.
impl SetupLog {
    /// SetupDiag's matching rule; whether the line is done with (a rule that says the upgrade succeeded).
    fn setupdiag_profile(&mut self, line: &Line<'_>, out: &mut Output) -> bool {
        let name = [
            "Matching Profile found: ",
            "<ProfileName>",
            "\"ProfileName\"",
        ]
        .iter()
        .find_map(|k| line.text.split_once(k).map(|(_, r)| r))
        .map(|r| {
            r.trim_start_matches([' ', ':', '"'])
                .split([' ', '<', '"'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|n| !n.is_empty());
        if name.as_deref() == Some("FindSuccessfulUpgrade") {
            self.succeeded(out, line);
            return true;
        }
        self.profile = name;
        false
    }

    /// A setupapi section's end: its status decides whether the installation it holds failed.
    fn section_exit(&mut self, line: &Line<'_>, out: &mut Output) {
        let section = std::mem::take(&mut self.section);
        let title = section.header.clone().unwrap_or_default();
        let status = line.text.to_ascii_uppercase();
        if status.contains("SUCCESS") || status.contains("(0X00000000)") {
            if self.sections_succeeded == 0 {
                out.finding_with(line, Role::Success, || {
                    "A device or driver installation completed.".to_string()
                });
            }
            self.sections_succeeded += 1;
            // The same installation (same title: same device or driver package) succeeding later fixes it.
            if let Some(i) = self.unresolved.iter().rposition(|(t, _)| *t == title) {
                let (_, root) = self.unresolved.remove(i);
                if let Some(f) = out.findings.get_mut(root) {
                    f.role = Role::Context;
                    f.summary
                        .push_str(" The same installation succeeded later in the log.");
                }
            }
            return;
        }
        if !status.contains("FAILURE") && !status.contains("STATUS(0X") {
            return;
        }
        self.sections_failed += 1;
        let code = first_failure(line.text);
        let Some(exit) = out.finding_with(line, Role::Failure, || {
            summary("A device or driver installation failed.", line.text)
        }) else {
            return;
        };
        let root = match section.first_error {
            Some(e) => {
                if let Some(f) = out.findings.get_mut(exit) {
                    f.role = Role::Summary;
                }
                if let Some(f) = out.findings.get_mut(e) {
                    f.summary = summary(
                        "The first error of a device or driver installation that failed.",
                        &f.text,
                    );
                }
                e
            }
            None => exit,
        };
        if !title.is_empty() {
            out.detail(root, "section", title.clone());
        }
        self.mark_root(out, root, code);
        // A failed driver installation is a driver problem unless its code says otherwise.
        if generic_cause(out, root) {
            out.cause(root, cause::SETUP_DRIVER);
        }
        if self.unresolved.len() < MAX_ORIGINS {
            self.unresolved.push((title, root));
        }
    }

    /// A culprit of the run: a Store app Sysprep cannot generalize, a cancel, a crash.
    fn culprit(&mut self, line: &Line<'_>, kind: SetupLine, out: &mut Output) {
        let what = if kind == SetupLine::AppxNotProvisioned {
            "A Store app is installed for a user but not provisioned for all users, so Sysprep cannot generalize the image."
        } else if kind == SetupLine::Cancel {
            "Setup was cancelled: by the person at the computer, or by a program acting for them."
        } else {
            "Setup detected a crash, a boot failure or a system it could not recover, and rolls back."
        };
        if self.culprit.is_none() {
            if let Some(idx) = out.finding_with(line, Role::Cause, || summary(what, line.text)) {
                // The code each kind of culprit means: Sysprep's appx failure, ERROR_CANCELLED, a rollback.
                let code = if kind == SetupLine::AppxNotProvisioned {
                    Some(0x8007_3CF2)
                } else if kind == SetupLine::Cancel {
                    Some(0x8007_04C7)
                } else {
                    Some(0xC190_0101)
                };
                self.culprit = Some((idx, code));
                self.fail(out, idx, code);
            }
        }
    }

    /// The run's result, or Sysprep's fatal error.
    fn final_result(&mut self, line: &Line<'_>, kinds: &Kinds<SetupLine>, out: &mut Output) {
        let code = first_failure(line.text);
        if code.is_none() {
            // `Reporting result value: [0x0]`: the run reports success.
            if kinds.has(SetupLine::FinalResult) && line.text.contains("[0x0") {
                self.succeeded(out, line);
            }
            if !kinds.has(SetupLine::SysprepFatal) {
                return;
            }
        }
        let what = if line.text.contains("LaunchModule: Failure") {
            "A Sysprep provider (the DLL named on the line) failed."
        } else if kinds.has(SetupLine::SysprepFatal) {
            "Sysprep stopped with an error."
        } else {
            "Windows Setup reports the result of the run."
        };
        self.result(out, line, code, what);
    }

    fn rollback(&mut self, line: &Line<'_>, out: &mut Output) {
        // Setup is undoing the upgrade. The line names no code, so it is the root only until the run says
        // more (a result line of the run takes over); a rollback is 0xC1900101's generic case.
        if self.run_root.is_none() && self.culprit.is_none() && !self.run_rollback {
            self.run_rollback = true;
            if let Some(idx) = out.finding_with(line, Role::Failure, || {
                "Windows Setup is rolling the upgrade back.".to_string()
            }) {
                self.fail(out, idx, None);
                if generic_cause(out, idx) {
                    out.cause(idx, cause::SETUP_DRIVER);
                }
            }
        }
    }

    /// An error line: remember where each failure code of the run first appeared.
    fn error_line(&mut self, line: &Line<'_>, out: &mut Output) {
        // Remember where each failure code of the run first appeared: the run's result names one of them.
        let Some(code) = first_failure(line.text) else {
            return;
        };
        if self.origins.len() >= MAX_ORIGINS
            || self.origin_findings >= MAX_ORIGIN_FINDINGS
            || self.origins.iter().any(|o| o.0 == code)
        {
            return;
        }
        if let Some(idx) = out.finding_with(line, Role::Context, || {
            summary("Windows Setup logged an error (often harmless).", line.text)
        }) {
            self.origins.push((code, idx));
            self.origin_findings += 1;
        }
    }
}

impl LogReader for SetupLog {
    /// The rows' literals (see [`SetupLine`]). Checked against handing every line to the reader by the chunking
    /// tests and the corpus.
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(SetupLine::prefilter())
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let kinds = SetupLine::of(line.text.as_bytes());
        for kind in kinds.iter() {
            match kind {
                SetupLine::RunStart => self.new_run(),
                SetupLine::SetupdiagProfile => {
                    // SetupDiag's XML or JSON may be one line: its failure details follow on it.
                    if self.setupdiag_profile(line, out) || !kinds.has(SetupLine::SetupdiagError) {
                        return;
                    }
                    continue;
                }
                // setupapi.dev.log: sections with an exit status each.
                SetupLine::SectionStart => {
                    self.section = Section {
                        header: Some(line.text.trim().chars().take(200).collect()),
                        first_error: None,
                    };
                }
                SetupLine::SectionError => {
                    if self.section.first_error.is_none() {
                        self.section.first_error = out.finding_with(line, Role::Context, || {
                            summary("The device installation reports an error.", line.text)
                        });
                    }
                }
                SetupLine::SectionExit => self.section_exit(line, out),
                // Panther logs.
                SetupLine::AppxNotProvisioned | SetupLine::Cancel | SetupLine::Crash => {
                    self.culprit(line, kind, out)
                }
                SetupLine::SetupdiagError => {
                    let code = first_failure(line.text);
                    self.result(out, line, code, "SetupDiag names the failure.");
                }
                SetupLine::FinalResult | SetupLine::SysprepFatal => {
                    self.final_result(line, &kinds, out)
                }
                SetupLine::Success => self.succeeded(out, line),
                SetupLine::Rollback => self.rollback(line, out),
                // A propagated result is no error line of its own.
                SetupLine::Propagation => {}
                SetupLine::ErrorLine => self.error_line(line, out),
            }
            // Only a line's first kind counts (but the SetupDiag profile above).
            return;
        }
    }

    fn finish(&mut self, out: &mut Output) {
        // A setupapi log: failed while an installation that failed was never done again successfully.
        if self.sections_failed + self.sections_succeeded > 0 {
            self.outcome = match self.unresolved.last() {
                Some(&(_, root)) => Some(Outcome::Failed { root }),
                None => Some(Outcome::Succeeded),
            };
        }
        match self.outcome {
            Some(Outcome::Failed { root }) => {
                out.root = Some(root);
                out.verdict = Some(Verdict::Failed);
            }
            Some(Outcome::Succeeded) => out.verdict = Some(Verdict::Succeeded),
            None => out.verdict = Some(Verdict::Inconclusive),
        }
        if self.sections_failed > 0 {
            out.note(format!(
                "{} of {} device installations in this log failed; {} of them did not succeed later.",
                self.sections_failed,
                self.sections_failed + self.sections_succeeded,
                self.unresolved.len()
            ));
        }
    }
}
