//! CBS.log and DISM.log: `YYYY-MM-DD HH:MM:SS, Level<pad>Component<pad>message`.
//!
//! Both logs are full of errors that mean nothing: `Package_for_KB3025096 … CBS_E_INVALID_PACKAGE` in nearly
//! every Windows 10/11 log, `EnumeratePathEx: FindFirstFile failed`, the DISM Appx provider's `Error` lines,
//! `Failed to get …` probes, CSI hash checks that a later check passes, SFC's `Cannot repair member file`
//! for a file it repairs a few lines on. The root cause is the first real failure: an `Error in operation`
//! (often logged at `Info` level), a failed advanced installer that starts a rollback, a CSI `(F)` error after a
//! hash mismatch, a DISM provider failing with an HRESULT. A mistyped DISM command line comes last: people
//! retype the command, and the retyped one's failure is the one that matters.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};

use super::super::codes;
use super::super::diagnosis::{Role, Verdict};
use super::super::scan::{Line, Output, re, re_set_no_prefilter as re_set};
use super::LogReader;
use super::windows_update::cause_for;

#[derive(Default)]
pub struct CbsLog {
    /// Real failures: (finding index, rank, line). Rank 0 explains a failure; rank 1 is a mistyped command;
    /// rank 2 is a summary that repeats a failure.
    failures: Vec<(usize, u8, u64)>,
    /// The last CSI hash mismatch: (finding index, line), promoted when a CSI error follows it.
    hash_mismatch: Option<(usize, u64)>,
    /// SFC files it could not repair, by lowercase file name, waiting for a later repair.
    unrepaired: Vec<(String, usize, u64)>,
    success: bool,
    /// Corruption that the servicing summary listed and no repair fixed yet: (finding index, line).
    corrupt: Vec<(usize, u64)>,
    /// The summary being read is of a repair (`Operation: Detect and Repair`).
    repairing: bool,
    /// The update the running servicing session installs (`Package_for_KB5034441`).
    session_kb: Option<String>,
    /// The session's update at each failure, by finding index.
    failure_kb: Vec<(usize, String)>,
    /// The command line of the DISM run being read (`Executing command line: …`).
    command_line: Option<String>,
    /// The first Appx provider line saying that adding a package failed.
    appx_failed: Option<usize>,
}

const ERROR_IN_OPERATION: usize = 0;
const QUEUE_ITEM: usize = 1;
const CSI_FATAL: usize = 2;
const HASH_MISMATCH: usize = 3;
const PROVIDER_ERROR: usize = 4;
const NO_PROVIDER: usize = 5;
const CBS_ERROR_HRESULT: usize = 6;
const SFC_CANNOT_REPAIR: usize = 7;
const SFC_REPAIRED: usize = 8;
const DISM_COMMAND_LINE: usize = 9;
const SUCCESS: usize = 10;
const DECOY: usize = 11;
const SFC_CANNOT_REPROJECT: usize = 12;
const STORE_CORRUPT: usize = 13;
const CHECKSUR_CORRUPT: usize = 14;
const CHECKSUR_MODE: usize = 15;
const CHECKSUR_RESULT: usize = 16;
const SESSION_FAILED: usize = 17;
const SESSION_STARTED: usize = 18;
const APPX_ADD_FAILED: usize = 19;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"Error in operation: ",
            r"Failed execution of queue item Installer: |A rollback will be initiated",
            r", Error +CSI +[0-9a-f]{8}(?:@[0-9/:.]+)? \(F\) ",
            r"Hashes for file member .* do not match",
            r", Error +DISM +[A-Za-z ]*(?:Provider|Manager|DISM\.EXE)[A-Za-z ]*: .*\(hr:0x8[0-9A-Fa-f]{7}\)",
            r"DISM\.EXE: No providers were found that support the command",
            r", Error +(?:CBS|CSI|DEPLOY) +.*(?:\[HRESULT = 0x8[0-9A-Fa-f]{7}|\(hr:0x8|HRESULT=0x8)",
            r"\[SR\] Cannot repair member file",
            r"\[SR\] Repair(?:ing|ed) (?:corrupted )?(?:file|member)|\[SR\] Repaired file",
            r", Error +DISM +DISM\.EXE: (?:Failed validating command line|Failed to access the image folder)",
            r"\[SR\] (?:Verify complete|Repair complete)|The operation completed successfully|Ending TrustedInstaller finalization|CBS_S_SUCCESS|finalized\. Reboot required: no \[HRESULT = 0x00000000|<----- Ending Dism(?:\.exe|Api\.dll) session",
            r"(?i)EnumeratePathEx|Appx|Failed to get |Package_for_KB3025096|SQM:|Failed to create backup log cab|Failed to load the provider|LastScavenging|scavenging starvation|Error, file not found '[^']+\.inf'|Failed to check whether package is partially installed|Failed to call external evaluate applicability",
            r"\[SR\] Could not reproject corrupted file",
            r"Attempting to mark store corrupt|CBS_E_STORE_CORRUPTION|ERROR_SXS_COMPONENT_STORE_CORRUPT",
            r"(?:^|    )\((?:p|f)\)\t(?:CSI|CBS) [A-Za-z ]*(?:Corrupt|Missing|Mismatch)",
            r"(?:^|    )Operation: (?:Detect and Repair|Detect only)",
            r"(?:^|    )Operation result: 0x[0-9A-Fa-f]+",
            r"(?:Exec: Processing complete|finalized\. Reboot required: [a-z]+|Failed to execute execution chain|Failed to process single phase execution)[^\[]*\[HRESULT = 0x8",
            r"Exec: Processing started\..*Package: Package_for_KB[0-9]{6,7}~",
            r"Appx Provider: .*\) [0-9A-Fa-f]{8} +Msg:\[Failed (?:while adding package|to add package|to provision)",
        ])
    })
}

struct Patterns {
    member: Regex,
    package_kb: Regex,
    bare_hresult: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        package_kb: re(r"Package_for_(KB[0-9]{6,7})~"),
        bare_hresult: re(r"\) ([0-9A-Fa-f]{8}) +Msg:\["),
        member: re(r#"member file \[l:[0-9]+(?: ml:[0-9]+)?\]["']([^"']+)["']"#),
    })
}

/// How many unrepaired SFC files are tracked; past that the rest count as unrepaired.
const MAX_UNREPAIRED: usize = 500;

fn summary(class: usize, line: &str) -> String {
    let found = codes::find_codes(line.as_bytes());
    let codes = if found.is_empty() {
        String::new()
    } else {
        format!(" {}", super::text::summary_for(&found))
    };
    let head = match class {
        ERROR_IN_OPERATION => "The servicing operation failed.",
        QUEUE_ITEM => {
            "An advanced installer failed during servicing, so the update is rolled back."
        }
        CSI_FATAL => "The component store (WinSxS) holds damaged data.",
        HASH_MISMATCH => "A file in the component store (WinSxS) does not match its recorded hash.",
        PROVIDER_ERROR => "A DISM provider failed.",
        NO_PROVIDER => "DISM did not recognise the command: the command line is mistyped.",
        CBS_ERROR_HRESULT => "The servicing stack (CBS) reported an error.",
        SFC_CANNOT_REPAIR | SFC_CANNOT_REPROJECT => {
            "System File Checker found a damaged system file it could not repair."
        }
        DISM_COMMAND_LINE => "DISM could not run the command as typed.",
        STORE_CORRUPT => "The component store (WinSxS) is marked corrupt.",
        CHECKSUR_CORRUPT => "The store scan found a damaged item in the component store (WinSxS).",
        CHECKSUR_RESULT => "The component store scan or repair failed.",
        SESSION_FAILED => "The servicing session ended in failure.",
        APPX_ADD_FAILED => "DISM could not add (provision) the app package.",
        _ => "The servicing log reports an error.",
    };
    format!("{head}{codes}")
}

impl CbsLog {
    fn failure(
        &mut self,
        out: &mut Output,
        line: &Line<'_>,
        class: usize,
        rank: u8,
    ) -> Option<usize> {
        let idx = out.finding_with(line, Role::Cause, || summary(class, line.text))?;
        let cause = cause_for(&out.findings[idx].codes).or_else(|| match class {
            CSI_FATAL | HASH_MISMATCH | SFC_CANNOT_REPAIR | SFC_CANNOT_REPROJECT
            | STORE_CORRUPT => Some("component-store".to_string()),
            NO_PROVIDER | DISM_COMMAND_LINE => Some("dism-command-line".to_string()),
            _ => None,
        });
        if let Some(c) = cause {
            out.cause(idx, &c);
        }
        if let Some(c) = &self.command_line {
            out.detail(idx, "command line", c.clone());
        }
        self.failures.push((idx, rank, line.no));
        if let Some(kb) = &self.session_kb {
            self.failure_kb.push((idx, kb.clone()));
        }
        Some(idx)
    }
}

impl CbsLog {
    /// Makes a context finding (a hash mismatch, a scan's damaged item) a cause.
    fn promote(&mut self, out: &mut Output, idx: usize, at: u64) {
        if let Some(f) = out.findings.get_mut(idx) {
            f.role = Role::Cause;
        }
        out.cause(idx, "component-store");
        self.failures.push((idx, 0, at));
    }
}

/// Every line [`CbsLog`] acts on holds one of these: a literal of each line class but the decoys (a decoy
/// only rules out a line another class matched). A superset: the classes still decide. Checked against
/// handing every line to the reader by the chunking tests and the corpus.
const PREFILTER: &[&str] = &[
    // ERROR_IN_OPERATION, QUEUE_ITEM, CSI_FATAL, HASH_MISMATCH
    r"Error in operation: |Failed execution of queue item Installer: |A rollback will be initiated|\(F\) |Hashes for file member ",
    // PROVIDER_ERROR, NO_PROVIDER, CBS_ERROR_HRESULT, DISM_COMMAND_LINE, SESSION_FAILED (all HRESULT forms)
    r"\(hr:0x8|HRESULT = 0x8|HRESULT=0x8|No providers were found that support the command|Failed validating command line|Failed to access the image folder",
    // SFC_CANNOT_REPAIR, SFC_REPAIRED, SFC_CANNOT_REPROJECT, SUCCESS
    r"\[SR\] (?:Cannot repair|Repair|Verify complete|Could not reproject)|The operation completed successfully|Ending TrustedInstaller finalization|CBS_S_SUCCESS|finalized\. Reboot required: ",
    // The DISM command being run; STORE_CORRUPT, CHECKSUR_CORRUPT, CHECKSUR_MODE, CHECKSUR_RESULT, SESSION_STARTED
    r"Executing command line: |mark store corrupt|CBS_E_STORE_CORRUPTION|ERROR_SXS_COMPONENT_STORE_CORRUPT|\(p\)\t|\(f\)\t|Operation: Detect|Operation result: 0x|Exec: Processing started\.",
    // SUCCESS (a DISM session that ends normally), APPX_ADD_FAILED
    r"<----- Ending Dism|Msg:\[Failed (?:while adding package|to add package|to provision)",
];

impl LogReader for CbsLog {
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(PREFILTER)
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        // DISM logs each command it was given; the failures after it belong to that command.
        const COMMAND: &[u8] = b"Executing command line: ";
        if let Some(i) = memchr::memmem::find(bytes, COMMAND) {
            let command = line.text.get(i + COMMAND.len()..).unwrap_or_default();
            self.command_line = Some(command.trim().chars().take(300).collect());
        }
        let hits = classes().matches(bytes);
        if !hits.matched_any() {
            return;
        }
        if hits.matched(SUCCESS) {
            self.success = true;
        }
        if hits.matched(SESSION_STARTED) {
            self.session_kb = patterns()
                .package_kb
                .captures(bytes)
                .map(|c| String::from_utf8_lossy(&c[1]).into_owned());
        }
        // The Appx provider logs errors on every run; one that says adding (provisioning) the package failed is
        // the command's own failure, with its HRESULT written bare before the message (`C1570118 Msg:[…`).
        if hits.matched(APPX_ADD_FAILED) {
            if self.appx_failed.is_some() {
                return;
            }
            let Some(idx) = self.failure(out, line, APPX_ADD_FAILED, 0) else {
                return;
            };
            self.appx_failed = Some(idx);
            let bare = patterns()
                .bare_hresult
                .captures(bytes)
                .and_then(|c| u32::from_str_radix(std::str::from_utf8(&c[1]).ok()?, 16).ok());
            if let Some(code) = bare.map(codes::Code::HResult) {
                let code = code.normalized();
                let f = &mut out.findings[idx];
                if !f.codes.contains(&code) {
                    f.codes.insert(0, code.clone());
                }
                f.summary = summary(APPX_ADD_FAILED, &code);
                if let Some(c) = cause_for(&f.codes) {
                    out.cause(idx, &c);
                }
            }
            return;
        }
        // A decoy word rules a line out, except for the lines whose meaning does not depend on it.
        let decoy = hits.matched(DECOY);
        if hits.matched(ERROR_IN_OPERATION) || hits.matched(QUEUE_ITEM) {
            let class = if hits.matched(ERROR_IN_OPERATION) {
                ERROR_IN_OPERATION
            } else {
                QUEUE_ITEM
            };
            if !decoy {
                self.failure(out, line, class, 0);
            }
            return;
        }
        if hits.matched(HASH_MISMATCH) {
            // CSI checks a file against several hashes; a mismatch alone is often followed by a match. It
            // matters when a CSI error follows.
            if let Some(idx) =
                out.finding_with(line, Role::Context, || summary(HASH_MISMATCH, line.text))
            {
                self.hash_mismatch = Some((idx, line.no));
            }
            return;
        }
        if hits.matched(CSI_FATAL) || (hits.matched(STORE_CORRUPT) && line.text.contains(", Error"))
        {
            let class = if hits.matched(CSI_FATAL) {
                CSI_FATAL
            } else {
                STORE_CORRUPT
            };
            match self.hash_mismatch.take() {
                Some((idx, at)) if line.no.saturating_sub(at) <= 8 => {
                    self.promote(out, idx, at);
                    // The error itself stays as evidence, not as a second failure.
                    out.finding_with(line, Role::Context, || summary(class, line.text));
                }
                _ => {
                    self.failure(out, line, class, 0);
                }
            }
            return;
        }
        if hits.matched(SFC_CANNOT_REPAIR) || hits.matched(SFC_CANNOT_REPROJECT) {
            let class = if hits.matched(SFC_CANNOT_REPAIR) {
                SFC_CANNOT_REPAIR
            } else {
                SFC_CANNOT_REPROJECT
            };
            let name = patterns()
                .member
                .captures(bytes)
                .map(|c| String::from_utf8_lossy(&c[1]).to_ascii_lowercase());
            if let Some(idx) = out.finding_with(line, Role::Cause, || summary(class, line.text)) {
                out.cause(idx, "component-store");
                match name {
                    Some(n)
                        if class == SFC_CANNOT_REPAIR && self.unrepaired.len() < MAX_UNREPAIRED =>
                    {
                        self.unrepaired.push((n, idx, line.no));
                    }
                    _ => self.failures.push((idx, 0, line.no)),
                }
            }
            return;
        }
        if hits.matched(SFC_REPAIRED) && !self.unrepaired.is_empty() {
            let lower = line.text.to_ascii_lowercase();
            self.unrepaired.retain(|(name, idx, _)| {
                let repaired = lower.contains(name.as_str());
                if repaired {
                    if let Some(f) = out.findings.get_mut(*idx) {
                        f.role = Role::Context;
                        f.summary
                            .push_str(" System File Checker repaired it a few lines on.");
                    }
                }
                !repaired
            });
            return;
        }
        if hits.matched(CHECKSUR_CORRUPT) {
            // The summary of a store scan (`DISM /ScanHealth`, `/RestoreHealth`, CheckSUR) lists each damaged
            // item; `(Fixed)` marks the ones repaired.
            if !line.text.contains("(Fixed)") && self.corrupt.len() < MAX_UNREPAIRED {
                if let Some(idx) =
                    out.finding_with(line, Role::Context, || summary(CHECKSUR_CORRUPT, line.text))
                {
                    out.cause(idx, "component-store");
                    self.corrupt.push((idx, line.no));
                }
            }
            return;
        }
        if hits.matched(CHECKSUR_MODE) {
            self.repairing = line.text.contains("Detect and Repair");
            return;
        }
        if hits.matched(CHECKSUR_RESULT) {
            let failed = codes::find_codes(bytes)
                .iter()
                .any(|m| matches!(m.code, codes::Code::HResult(h) if h & 0x8000_0000 != 0));
            if failed {
                if let Some(&(idx, at)) = self.corrupt.first() {
                    self.promote(out, idx, at);
                }
                self.corrupt.clear();
                self.failure(out, line, CHECKSUR_RESULT, 2);
            } else if self.repairing {
                self.corrupt.clear();
                self.success = true;
            }
            return;
        }
        if decoy {
            return;
        }
        if hits.matched(SESSION_FAILED) {
            // A session's result repeats the failure of the step that failed; it is the root only when no
            // line before it says more. 0x80070bc2 (ERROR_SUCCESS_REBOOT_REQUIRED) is no failure.
            let failed = codes::find_codes(bytes).iter().any(|m| {
                matches!(m.code, codes::Code::HResult(h) if h & 0x8000_0000 != 0 && h != 0x8007_0bc2)
            });
            if failed {
                self.failure(out, line, SESSION_FAILED, 2);
            }
            return;
        }
        if hits.matched(NO_PROVIDER) || hits.matched(PROVIDER_ERROR) {
            let class = if hits.matched(NO_PROVIDER) {
                NO_PROVIDER
            } else {
                PROVIDER_ERROR
            };
            self.failure(out, line, class, 0);
        } else if hits.matched(CBS_ERROR_HRESULT) {
            self.failure(out, line, CBS_ERROR_HRESULT, 0);
        } else if hits.matched(DISM_COMMAND_LINE) {
            self.failure(out, line, DISM_COMMAND_LINE, 1);
        }
    }

    fn finish(&mut self, out: &mut Output) {
        for (_, idx, at) in self.unrepaired.drain(..) {
            self.failures.push((idx, 0, at));
        }
        // Damage a scan found and no repair fixed.
        if let Some(&(idx, at)) = self.corrupt.first() {
            self.promote(out, idx, at);
        }
        let root = self
            .failures
            .iter()
            .min_by_key(|(_, rank, at)| (*rank, *at));
        out.root = root.map(|r| r.0);
        if let Some((idx, kb)) = out
            .root
            .and_then(|r| self.failure_kb.iter().find(|(i, _)| *i == r))
            .cloned()
        {
            out.facts.set("kb", kb.clone());
            out.detail(idx, "KB", kb);
        }
        out.verdict = Some(if out.root.is_some() {
            Verdict::Failed
        } else if self.success {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
    }
}
