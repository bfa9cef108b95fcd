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

use regex::bytes::{Regex, RegexSet};

use crate::codes::{self, Code};
use crate::read::{Line, Output, re, re_set};
use kb::tree;
use model::diagnosis::{Role, Verdict};

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

const ERRORLOG: usize = 0;
const RETURN_VALUE: usize = 1;
const EXIT_CODE: usize = 2;
const LOG_POINTER: usize = 3;
const MESSAGE_ERROR: usize = 4;
const FINAL_FAILED: usize = 5;
const PACKAGE_FAILED: usize = 6;
const PREREQUISITE: usize = 7;
const PROCESS_EXIT: usize = 8;
const SUCCESS: usize = 9;
const HOTFIX_ERROR: usize = 10;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"\*\*\*ERRORLOG EVENT\*\*\*.*(?i:fail|error code)",
            r"InstallReturnValue: .*, 0x0*[1-9a-fA-F][0-9a-fA-F]*",
            r"SETUP EXIT CODE - [0-9]+",
            r"(?i)Enabling MSI log file: |Msi Log: |MSI log file: |Log File: .*\.(?:txt|log)",
            r"INSTALLMESSAGE_ERROR \[",
            r"Final Result: Installation failed",
            r"(?:^|\] ?)(?:Exe|MSI|MSU|Msp|Patch) \(.*\) (?:Installation )?failed|(?:Exe|MSI|MSU) .*(?:returned|failed with) 0x0*[1-9a-fA-F]|MSI returned (?:error code )?(?:0x0*[1-9a-fA-F]|[1-9])",
            r"is 'Fail'|RunCheck result: Fail|A prerequisite failed for Package|Blocking issue|Blocker[s]? (?:found|encountered)|does not meet (?:the )?(?:system )?requirements",
            r"(?i)(?:exited with|exit code was|returned exit code) '?(?:[1-9][0-9]*)'?",
            r"Final Result: Installation completed successfully|SETUP EXIT CODE - 0\b|Setup completed successfully|Installation completed successfully",
            // The old hotfix installer (update.exe): `12.345: DoInstallation:CopyFiles Failed: 0x5`; its own
            // summary (`Update.exe extended error code`, `return code was masked to 0x643`) is not a cause.
            r"^[0-9]{1,6}\.[0-9]{3}: (?:[^U].*)?(?i:failed|error)[^\r\n]*(?:0x[0-9a-fA-F]+|error code)",
        ])
    })
}

struct Patterns {
    log_path: Regex,
    component: Regex,
    exit: Regex,
    message: Regex,
    hr: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        log_path: re(
            r"(?i)(?:Enabling MSI log file: |Msi Log: |MSI log file: |Log File: )[ ]*(.+?)[ \t]*$",
        ),
        component: re(r"\] ?([^:\[\]]{2,80}): (?:Enabling MSI log|\*\*\*ERRORLOG)"),
        exit: re(
            r"(?i)(?:SETUP EXIT CODE - |exited with '?|exit code was '?|returned exit code '?)([0-9]+)",
        ),
        message: re(r"INSTALLMESSAGE_ERROR \[(?:Error )?([0-9]{4})"),
        hr: re(r"(?i)\((0x[0-9a-f]{1,8})\)"),
    })
}

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every line [`DotnetLog`] acts on holds one of these, ASCII-lowercased: a word of each line class (many
/// are case-insensitive). A superset: the classes still decide.
const PREFILTER_LOWERCASE: &[&str] = &[
    // ERRORLOG, MESSAGE_ERROR, FINAL_FAILED, PACKAGE_FAILED, PREREQUISITE, HOTFIX_ERROR
    r"fail|error|returned",
    // RETURN_VALUE, EXIT_CODE, LOG_POINTER, PROCESS_EXIT, SUCCESS
    r"installreturnvalue: |setup exit code - |msi log|log file: |exited with|exit code was|completed successfully",
    // PREREQUISITE
    r"blocking issue|blocker|does not meet",
];

impl super::LogReader for DotnetLog {
    fn prefilter_lowercase(&self) -> Option<&'static [&'static str]> {
        Some(PREFILTER_LOWERCASE)
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let hits = classes().matches(bytes);
        if !hits.matched_any() {
            return;
        }
        let p = patterns();
        if hits.matched(LOG_POINTER) {
            if let Some(c) = p.log_path.captures(bytes) {
                let path = text_of(&c[1]);
                self.component = p.component.captures(bytes).map(|c| text_of(&c[1]));
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
        }
        if hits.matched(SUCCESS) {
            self.success = true;
        }
        if hits.matched(EXIT_CODE) || hits.matched(PROCESS_EXIT) {
            if let Some(c) = p.exit.captures(bytes) {
                if let Ok(n) = text_of(&c[1]).parse::<u32>() {
                    self.exit_code = Some(n);
                    if n != 0 && n != 3010 && n != 1641 {
                        let role = if self.first_failure.is_some() {
                            Role::Summary
                        } else {
                            Role::Failure
                        };
                        let summary = match n {
                            5100 => "Setup stopped: the computer does not meet its requirements (exit code 5100).".to_string(),
                            5101 => "Setup stopped with an internal error (exit code 5101); the setup log says why.".to_string(),
                            _ => format!("Setup ended with exit code {n}."),
                        };
                        if let Some(idx) = out.finding(line, role, summary) {
                            let code = Code::Win32(n).normalized();
                            if !out.findings[idx].codes.contains(&code) {
                                out.findings[idx].codes.insert(0, code);
                            }
                            if n == 5100 {
                                out.cause(idx, "prerequisite-not-met");
                                self.first_cause.get_or_insert(idx);
                            }
                            self.first_failure.get_or_insert(idx);
                        }
                    }
                }
            }
            return;
        }
        if hits.matched(MESSAGE_ERROR) || hits.matched(PREREQUISITE) || hits.matched(HOTFIX_ERROR) {
            if self.first_cause.is_some() && self.first_failure.is_some() {
                return;
            }
            let number = p
                .message
                .captures(bytes)
                .and_then(|c| text_of(&c[1]).parse::<u32>().ok());
            let summary =
                match number.and_then(|n| codes::info(&Code::MsiMessage(n)).map(|i| (n, i))) {
                    Some((n, i)) => format!("Windows Installer error {n}: {}", i.meaning),
                    None if hits.matched(PREREQUISITE) => {
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
                if hits.matched(PREREQUISITE) {
                    out.cause(idx, "prerequisite-not-met");
                } else if let Some(c) = tree::cause_for_codes(&out.findings[idx].codes) {
                    let id = c.id.clone();
                    out.cause(idx, &id);
                }
                self.first_cause.get_or_insert(idx);
            }
            return;
        }
        if hits.matched(RETURN_VALUE)
            || hits.matched(ERRORLOG)
            || hits.matched(FINAL_FAILED)
            || hits.matched(PACKAGE_FAILED)
        {
            let role = if hits.matched(FINAL_FAILED) || self.first_failure.is_some() {
                Role::Summary
            } else {
                Role::Failure
            };
            let summary = if hits.matched(FINAL_FAILED) {
                "Setup's final result: the installation failed.".to_string()
            } else {
                "A component of .NET Framework setup failed; its own MSI log holds the cause."
                    .to_string()
            };
            if let Some(idx) = out.finding(line, role, summary) {
                if let Some(c) = p.hr.captures(bytes) {
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
                out.facts.learn("restart_pending", "yes");
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
            out.cause(idx, "no-cause-in-log");
        }
        match log {
            Some(log) => {
                out.detail(idx, "component log", log.clone());
                out.facts.learn("log_path", log.clone());
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
