//! .NET Framework setup logs: the 2.0/3.0/3.5 `dd_*.txt` logs (`[MM/DD/YY,HH:MM:SS] Component: message`), the
//! 4.x and chainer logs (`[M/D/YYYY, H:MM:SS] message`), bootstrapper prerequisite checks, the old hotfix logs
//! (`12.345: message`) and a package manager's line about the setup's exit code.
//!
//! Setup runs component MSIs and logs only their return code (`InstallReturnValue: …, 0x643`,
//! `MSI returned 0x643`); the cause is in the component's own MSI log, which the setup log names
//! (`Enabling MSI log file: …`, `Msi Log: …`). That name becomes a detail of the finding and the `log_path`
//! fact, so several files given together can be chained. An `INSTALLMESSAGE_ERROR [Error 1935. …]` or a
//! failed prerequisite check is a cause in the setup log itself.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::kinds::{Kinds, line_kinds};
use crate::codes::{self, Code};
use crate::read::{Line, Output, re};
use kb::cause;
use kb::tree;
use model::diagnosis::{Role, Verdict};
use model::facts::Fact;

#[derive(Default)]
pub struct DotnetLog {
    first_cause: Option<usize>,
    first_failure: Option<usize>,
    /// The component MSI log named last, before the failure.
    component_log: Option<String>,
    /// The component whose log it is.
    component: Option<String>,
    exit_code: Option<u32>,
    success: bool,
}

line_kinds! {
    /// The lines [`DotnetLog`] acts on (many of them case-insensitive, so their literals are lowercase). A line
    /// may be of several kinds: the reader handles them in this order, and an exit code, a cause or a failure
    /// ends the line's handling.
    pub(super) enum DotnetLine {
        /// The component MSI log setup names (`Enabling MSI log file: …`, `Msi Log: …`).
        LogPointer: Fact {
            pattern: r"(?i)Enabling MSI log file: |Msi Log: |MSI log file: |Log File: .*\.(?:txt|log)",
            fields: r"(?i)(?:Enabling MSI log file: |Msi Log: |MSI log file: |Log File: )[ ]*(.+?)[ \t]*$",
            lowercase: [r"msi log", r"log file: "],
            example: "[03/10/24,10:00:01] Microsoft .NET Framework 2.0a: Enabling MSI log file: C:\\Users\\alice\\AppData\\Local\\Temp\\dd_NET_Framework20_Setup1234.txt",
        },
        /// Setup says it worked.
        Success: Success {
            pattern: r"Final Result: Installation completed successfully|SETUP EXIT CODE - 0\b|Setup completed successfully|Installation completed successfully",
            lowercase: [r"completed successfully", r"setup exit code - "],
            example: "[3/10/2024, 10:05:00] Final Result: Installation completed successfully with success code: (0x00000000), \"The operation completed successfully.\"",
        },
        /// Setup's own exit code.
        ExitCode: Failure {
            pattern: r"SETUP EXIT CODE - [0-9]+",
            lowercase: [r"setup exit code - "],
            example: "[03/10/24,10:05:00] SETUP EXIT CODE - 1603",
        },
        /// A package manager's line about the setup's exit code (5100: requirements not met).
        ProcessExit: Failure {
            pattern: r"(?i)(?:exited with|exit code was|returned exit code) '?(?:[1-9][0-9]*)'?",
            lowercase: [r"exited with", r"exit code was", r"returned"],
            example: "Process C:\\ProgramData\\chocolatey\\lib\\dotnetfx\\tools\\ndp48-x86-x64-allos-enu.exe exited with '5100'.",
        },
        /// An Installer error message setup quotes (`INSTALLMESSAGE_ERROR [Error 1935. …]`).
        MessageError: Cause {
            pattern: r"INSTALLMESSAGE_ERROR \[",
            lowercase: [r"error"],
            example: "[03/10/24,10:03:12] Microsoft .NET Framework 2.0a: INSTALLMESSAGE_ERROR [Error 1935. An error occurred during the installation of assembly component {4B2A9D93-2E7D-4F6F-AE65-0B9E6D0B7C1A}. HRESULT: 0x80070005.]",
        },
        /// A prerequisite check that failed: setup will not run on this computer as it is.
        Prerequisite: Cause {
            pattern: r"is 'Fail'|RunCheck result: Fail|A prerequisite failed for Package|Blocking issue|Blocker[s]? (?:found|encountered)|does not meet (?:the )?(?:system )?requirements",
            lowercase: [r"fail", r"blocking issue", r"blocker", r"does not meet"],
            example: "[3/10/2024, 10:00:02] RunCheck result: Fail",
        },
        /// The old hotfix installer (update.exe): `12.345: DoInstallation:CopyFiles Failed: 0x5`; its own summary
        /// (`Update.exe extended error code`, `return code was masked to 0x643`) is not a cause.
        HotfixError: Cause {
            pattern: r"^[0-9]{1,6}\.[0-9]{3}: (?:[^U].*)?(?i:failed|error)[^\r\n]*(?:0x[0-9a-fA-F]+|error code)",
            lowercase: [r"fail", r"error"],
            example: "12.345: DoInstallation:CopyFiles Failed: 0x5",
        },
        /// A component's MSI returned an error.
        ReturnValue: Failure {
            pattern: r"InstallReturnValue: .*, 0x0*[1-9a-fA-F][0-9a-fA-F]*",
            lowercase: [r"installreturnvalue: "],
            example: "[03/10/24,10:03:15] Microsoft .NET Framework 3.5 SP1: [2] Error: Installation failed for component Microsoft .NET Framework 3.5 SP1. InstallReturnValue: Microsoft .NET Framework 3.5 SP1, 0x643",
        },
        /// The 2.0–3.5 setup's error event for a failed component.
        Errorlog: Failure {
            pattern: r"\*\*\*ERRORLOG EVENT\*\*\*.*(?i:fail|error code)",
            lowercase: [r"error"],
            example: "[03/10/24,10:03:15] Microsoft .NET Framework 2.0a: ***ERRORLOG EVENT*** : Error: Installation failed for component Microsoft .NET Framework 2.0a. MSI returned error code 1603",
        },
        /// The 4.x setup's final result, a failure.
        FinalFailed: Failure {
            pattern: r"Final Result: Installation failed",
            lowercase: [r"fail"],
            example: "[3/10/2024, 10:05:00] Final Result: Installation failed with error code: (0x80070643), \"Fatal error during installation.\"",
        },
        /// A package of the 4.x chainer that failed, or returned an error code.
        PackageFailed: Failure {
            pattern: r"(?:^|\] ?)(?:Exe|MSI|MSU|Msp|Patch) \(.*\) (?:Installation )?failed|(?:Exe|MSI|MSU) .*(?:returned|failed with) 0x0*[1-9a-fA-F]|MSI returned (?:error code )?(?:0x0*[1-9a-fA-F]|[1-9])",
            lowercase: [r"fail", r"returned"],
            example: "MSI (C:\\temp\\NDP462\\netfx_Full_x64.msi) Installation failed. Msi Log: Microsoft .NET Framework 4.6.2 Setup_20170612_111914_netfx_Full_x64_MSI.log",
        },
    }
}

/// The component a line names before its log or its error event.
fn component_named() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"\] ?([^:\[\]]{2,80}): (?:Enabling MSI log|\*\*\*ERRORLOG)"))
}

/// The exit code on an exit line (setup's own or a package manager's).
fn exit_code() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?:SETUP EXIT CODE - |exited with '?|exit code was '?|returned exit code '?)([0-9]+)")
    })
}

/// The Installer message a cause line quotes.
fn message_number() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"INSTALLMESSAGE_ERROR \[(?:Error )?([0-9]{4})"))
}

/// The HRESULT a failure line gives in parentheses.
fn hresult_in_parentheses() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\((0x[0-9a-f]{1,8})\)"))
}

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What each kind of line does, for [`DotnetLog::line`]'s dispatch.
impl DotnetLog {
    /// The component MSI log setup names: the cause of a component's failure is in it.
    fn log_pointer(&mut self, line: &Line<'_>, kind: DotnetLine, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let Some(c) = kind.captures(bytes) else {
            return;
        };
        let path = text_of(&c[1]);
        self.component = component_named().captures(bytes).map(|c| text_of(&c[1]));
        // A pointer on a failure line (`MSI (…) Installation failed. Msi Log: …`) belongs to it.
        if let Some(idx) = self
            .first_failure
            .filter(|&i| out.findings[i].line == line.no)
        {
            out.detail(idx, "component log", path.clone());
        }
        if self.first_failure.is_none() || self.component_log.is_none() {
            self.component_log = Some(path);
        }
    }

    fn exit_code(&mut self, line: &Line<'_>, out: &mut Output) {
        let Some(c) = exit_code().captures(line.text.as_bytes()) else {
            return;
        };
        let Ok(n) = text_of(&c[1]).parse::<u32>() else {
            return;
        };
        self.exit_code = Some(n);
        if n == 0 || n == 3010 || n == 1641 {
            return;
        }
        let role = if self.first_failure.is_some() {
            Role::Summary
        } else {
            Role::Failure
        };
        let summary = match n {
            5100 => "Setup stopped: the computer does not meet its requirements (exit code 5100)."
                .to_string(),
            5101 => {
                "Setup stopped with an internal error (exit code 5101); the setup log says why."
                    .to_string()
            }
            _ => format!("Setup ended with exit code {n}."),
        };
        if let Some(idx) = out.finding(line, role, summary) {
            let code = Code::Win32(n).normalized();
            if !out.findings[idx].codes.contains(&code) {
                out.findings[idx].codes.insert(0, code);
            }
            if n == 5100 {
                out.cause(idx, cause::PREREQUISITE_NOT_MET);
                self.first_cause.get_or_insert(idx);
            }
            self.first_failure.get_or_insert(idx);
        }
    }

    /// A cause in the setup log itself: an Installer message, a failed prerequisite, a hotfix's error.
    fn cause_line(&mut self, line: &Line<'_>, kinds: &Kinds<DotnetLine>, out: &mut Output) {
        if self.first_cause.is_some() && self.first_failure.is_some() {
            return;
        }
        let prerequisite = kinds.has(DotnetLine::Prerequisite);
        let number = message_number()
            .captures(line.text.as_bytes())
            .and_then(|c| text_of(&c[1]).parse::<u32>().ok());
        let summary = match number.and_then(|n| codes::info(&Code::MsiMessage(n)).map(|i| (n, i))) {
            Some((n, i)) => format!("Windows Installer error {n}: {}", i.meaning),
            None if prerequisite => {
                "A prerequisite check failed: setup will not run on this computer as it is."
                    .to_string()
            }
            None => "Setup reported an error.".to_string(),
        };
        if let Some(idx) = out.finding(line, Role::Cause, summary) {
            if let Some(n) = number {
                let code = Code::MsiMessage(n).normalized();
                if !out.findings[idx].codes.contains(&code) {
                    out.findings[idx].codes.insert(0, code);
                }
            }
            if prerequisite {
                out.cause(idx, cause::PREREQUISITE_NOT_MET);
            } else if let Some(c) = tree::cause_id_for_codes(&out.findings[idx].codes) {
                out.cause(idx, c);
            }
            self.first_cause.get_or_insert(idx);
        }
    }

    /// A component's or setup's failure, which names no cause: the component's MSI log holds it.
    fn failure_line(&mut self, line: &Line<'_>, kinds: &Kinds<DotnetLine>, out: &mut Output) {
        let final_failed = kinds.has(DotnetLine::FinalFailed);
        let role = if final_failed || self.first_failure.is_some() {
            Role::Summary
        } else {
            Role::Failure
        };
        let summary = if final_failed {
            "Setup's final result: the installation failed.".to_string()
        } else {
            "A component of .NET Framework setup failed; its own MSI log holds the cause."
                .to_string()
        };
        let Some(idx) = out.finding(line, role, summary) else {
            return;
        };
        if let Some(c) = hresult_in_parentheses().captures(line.text.as_bytes()) {
            if let Some(code) = codes::parse(&text_of(&c[1])) {
                let n = code.normalized();
                if !out.findings[idx].codes.contains(&n) {
                    out.findings[idx].codes.insert(0, n);
                }
            }
        }
        if role == Role::Failure {
            if let Some(log) = &self.component_log {
                out.detail(idx, "component log", log.clone());
            }
            if let Some(c) = &self.component {
                out.detail(idx, "component", c.clone());
            }
            self.first_failure = Some(idx);
        }
    }
}

impl super::LogReader for DotnetLog {
    /// The rows' lowercase words (see [`DotnetLine`]): a superset, the kinds still decide.
    fn prefilter_lowercase(&self) -> Option<&'static [&'static str]> {
        Some(DotnetLine::prefilter_lowercase())
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let kinds = DotnetLine::of(bytes);
        if !kinds.any() {
            return;
        }
        for kind in kinds.iter() {
            match kind {
                DotnetLine::LogPointer => self.log_pointer(line, kind, out),
                DotnetLine::Success => self.success = true,
                DotnetLine::ExitCode | DotnetLine::ProcessExit => {
                    self.exit_code(line, out);
                    return;
                }
                DotnetLine::MessageError | DotnetLine::Prerequisite | DotnetLine::HotfixError => {
                    self.cause_line(line, &kinds, out);
                    return;
                }
                DotnetLine::ReturnValue
                | DotnetLine::Errorlog
                | DotnetLine::FinalFailed
                | DotnetLine::PackageFailed => {
                    self.failure_line(line, &kinds, out);
                    return;
                }
            }
        }
    }

    fn finish(&mut self, out: &mut Output) {
        let failed_exit = self
            .exit_code
            .is_some_and(|n| !matches!(n, 0 | 1641 | 3010));
        let failed = self.first_failure.is_some() || self.first_cause.is_some() || failed_exit;
        out.verdict = Some(if failed {
            Verdict::Failed
        } else if self.success || matches!(self.exit_code, Some(0 | 1641 | 3010)) {
            if matches!(self.exit_code, Some(1641 | 3010)) {
                out.facts.learn(Fact::RestartPending, "yes");
            }
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
        if !failed {
            return;
        }
        out.root = self.first_cause.or(self.first_failure);
        let Some(idx) = out.root else {
            return;
        };
        if self.first_cause.is_some() {
            return;
        }
        // Only a return code: the component's MSI log holds the cause.
        let log = out.findings[idx]
            .details
            .iter()
            .find(|d| d.label == "component log")
            .map(|d| d.value.clone())
            .or_else(|| self.component_log.clone());
        if out.findings[idx].cause.is_none() {
            out.cause(idx, cause::NO_CAUSE_IN_LOG);
        }
        match log {
            Some(log) => {
                out.detail(idx, "component log", log.clone());
                out.facts.learn(Fact::LogPath, log.clone());
                out.note(format!(
                    "The setup log records only the component's return code; the cause is in the component's MSI log: {log}"
                ));
            }
            None => out.note(
                "The setup log records only a return code; the cause is in the component's MSI log, which .NET setup writes to %TEMP% (dd_*.txt for 2.0–3.5, *_MSI*.log / *.html for 4.x).",
            ),
        }
    }
}
