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

use regex::bytes::Regex;

use super::LogReader;
use super::kinds::line_kinds;
use crate::codes;
use crate::read::{Line, Output, re};
use kb::cause;
use kb::tree;
use model::diagnosis::{Role, Verdict};
use model::facts::Fact;

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

line_kinds! {
    /// The lines [`CbsLog`] acts on. A line may be of several kinds: the reader handles them in this order, and
    /// every kind from `AppxAddFailed` on ends the line's handling (but a store marked corrupt outside an
    /// error line, and a repair when no damaged file waits for one).
    pub(super) enum CbsLine {
        /// The DISM command being run: the failures after it belong to that command.
        CommandLine: Fact {
            pattern: r"Executing command line: (.*)",
            prefilter: [r"Executing command line: "],
            example: "2024-01-10 10:00:00, Info                  DISM   DISM.EXE: Executing command line: Dism  /online /enable-feature /featurename:NetFx3 /all",
        },
        /// A servicing operation, a repair or a DISM session that ended well.
        Success: Success {
            pattern: r"\[SR\] (?:Verify complete|Repair complete)|The operation completed successfully|Ending TrustedInstaller finalization|CBS_S_SUCCESS|finalized\. Reboot required: no \[HRESULT = 0x00000000|<----- Ending Dism(?:\.exe|Api\.dll) session",
            prefilter: [
                r"\[SR\] (?:Cannot repair|Repair|Verify complete|Could not reproject)",
                r"The operation completed successfully",
                r"Ending TrustedInstaller finalization",
                r"CBS_S_SUCCESS",
                r"finalized\. Reboot required: ",
                r"<----- Ending Dism",
            ],
            example: "2024-03-10 10:12:01, Info                  DISM   DISM.EXE: <----- Ending Dism.exe session ----->",
        },
        /// An update's servicing session starts: its KB, for the failures in it.
        SessionStarted: Fact {
            pattern: r"Exec: Processing started\..*Package: Package_for_KB[0-9]{6,7}~",
            fields: r"Package_for_(KB[0-9]{6,7})~",
            prefilter: [r"Exec: Processing started\."],
            example: "2024-03-10 10:12:00, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 1_1, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7, Rollback: 0",
        },
        /// The Appx provider says adding (provisioning) a package failed, with its HRESULT written bare before
        /// the message (`C1570118 Msg:[…`).
        AppxAddFailed: Cause {
            pattern: r"Appx Provider: .*\) [0-9A-Fa-f]{8} +Msg:\[Failed (?:while adding package|to add package|to provision)",
            fields: r"\) ([0-9A-Fa-f]{8}) +Msg:\[",
            prefilter: [r"Msg:\[Failed (?:while adding package|to add package|to provision)"],
            example: "2024-06-06 15:27:09, Error                 DISM   DISM Appx Provider: PID=4312 TID=2216 Failed while adding package (hr:0x8) C1570118 Msg:[Failed while adding package C:\\drivers\\app.appxbundle] - CAppxProvider::AddProvisionedPackage",
        },
        /// A servicing operation failed.
        ErrorInOperation: Cause {
            pattern: r"Error in operation: ",
            prefilter: [r"Error in operation: "],
            example: "2024-01-10 10:00:05, Error                 DISM   DISM Package Manager: PID=1234 TID=5678 Error in operation: source for package or file not found, ResolveSource() unsuccessful. (CBS HRESULT=0x800f081f) - CCbsConUIHandler::Error",
        },
        /// An advanced installer failed, so the update is rolled back.
        QueueItem: Cause {
            pattern: r"Failed execution of queue item Installer: |A rollback will be initiated",
            prefilter: [r"Failed execution of queue item Installer: ", r"A rollback will be initiated"],
            example: "2024-03-10 10:12:00, Error                 CSI    00000151 (F) Failed execution of queue item Installer: Generic Command ({2d3a2a4c-c2a6-4a31-9c54-7a3fc7d3e1a5}) with HRESULT HRESULT_FROM_WIN32(1392).  Failure will not be ignored: A rollback will be initiated after all the operations in the installer queue are completed; installer is reliable[gle=0x80004005]",
        },
        /// A file of the store that does not match its hash: a cause only when a CSI error follows it.
        HashMismatch: Fact {
            pattern: r"Hashes for file member .* do not match",
            prefilter: [r"Hashes for file member "],
            example: "2024-03-10 10:12:00, Info                  CSI    00000001 Hashes for file member [l:10]'a.manifest' do not match.",
        },
        /// A fatal CSI error: damaged data in the component store.
        CsiFatal: Cause {
            pattern: r", Error +CSI +[0-9a-f]{8}(?:@[0-9/:.]+)? \(F\) ",
            prefilter: [r"\(F\) "],
            example: "2024-03-10 10:12:00, Error                 CSI    00000002 (F) STATUS_SXS_COMPONENT_STORE_CORRUPT #1# from x [HRESULT = 0x80073712]",
        },
        /// The store marked corrupt: a cause on an error line.
        StoreCorrupt: Cause {
            pattern: r"Attempting to mark store corrupt|CBS_E_STORE_CORRUPTION|ERROR_SXS_COMPONENT_STORE_CORRUPT",
            prefilter: [r"mark store corrupt", r"CBS_E_STORE_CORRUPTION", r"ERROR_SXS_COMPONENT_STORE_CORRUPT"],
            example: "2024-03-10 10:12:00, Error                 CSI    00000003 Attempting to mark store corrupt with category [l:15 ml:16]'CorruptPayload'",
        },
        /// System File Checker could not repair a file (unless a later line says it did).
        SfcCannotRepair: Cause {
            pattern: r"\[SR\] Cannot repair member file",
            prefilter: [r"\[SR\] (?:Cannot repair|Repair|Verify complete|Could not reproject)"],
            example: "2024-03-10 10:12:00, Info                  CSI    00000003 [SR] Cannot repair member file [l:5]'b.dll' of x",
        },
        /// System File Checker could not put a repaired file back.
        SfcCannotReproject: Cause {
            pattern: r"\[SR\] Could not reproject corrupted file",
            prefilter: [r"\[SR\] (?:Cannot repair|Repair|Verify complete|Could not reproject)"],
            example: "2024-03-10 10:12:00, Info                  CSI    00000005 [SR] Could not reproject corrupted file \\??\\C:\\WINDOWS\\System32\\b.dll; source file in store is also corrupted",
        },
        /// System File Checker repaired a file it could not repair before.
        SfcRepaired: Fact {
            pattern: r"\[SR\] Repair(?:ing|ed) (?:corrupted )?(?:file|member)|\[SR\] Repaired file",
            prefilter: [r"\[SR\] (?:Cannot repair|Repair|Verify complete|Could not reproject)"],
            example: "2024-03-10 10:12:00, Info                  CSI    00000004 [SR] Repairing corrupted file \\??\\C:\\b.dll from store",
        },
        /// A damaged item a store scan lists (`(Fixed)` marks the ones repaired).
        ChecksurCorrupt: Fact {
            pattern: r"(?:^|    )\((?:p|f)\)\t(?:CSI|CBS) [A-Za-z ]*(?:Corrupt|Missing|Mismatch)",
            prefilter: [r"\(p\)\t", r"\(f\)\t"],
            example: "2024-03-10 10:12:00, Info                  CBS        (p)\tCSI Payload Corrupt\t\tamd64_x",
        },
        /// Whether a store scan repairs what it finds.
        ChecksurMode: Fact {
            pattern: r"(?:^|    )Operation: (?:Detect and Repair|Detect only)",
            prefilter: [r"Operation: Detect"],
            example: "2024-03-10 10:12:00, Info                  CBS    Operation: Detect and Repair",
        },
        /// A store scan's or repair's result: when it failed, a cause that yields to any line before it.
        ChecksurResult: Cause {
            pattern: r"(?:^|    )Operation result: 0x[0-9A-Fa-f]+",
            prefilter: [r"Operation result: 0x"],
            example: "2024-03-10 10:12:00, Info                  CBS        Operation result: 0x800f081f",
        },
        /// Words of lines that look like errors on every run and explain nothing.
        Decoy: Decoy {
            pattern: r"(?i)EnumeratePathEx|Appx|Failed to get |Package_for_KB3025096|SQM:|Failed to create backup log cab|Failed to load the provider|LastScavenging|scavenging starvation|Error, file not found '[^']+\.inf'|Failed to check whether package is partially installed|Failed to call external evaluate applicability",
            example: "2024-03-10 10:12:00, Error                 CBS    Failed to get session package state [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]",
        },
        /// A servicing session's result: the root only when no line before it says more.
        SessionFailed: Cause {
            pattern: r"(?:Exec: Processing complete|finalized\. Reboot required: [a-z]+|Failed to execute execution chain|Failed to process single phase execution)[^\[]*\[HRESULT = 0x8",
            prefilter: [r"HRESULT = 0x8", r"finalized\. Reboot required: "],
            example: "2024-03-10 10:12:01, Info                  CBS    Exec: Processing complete.  Session: 31091234_123, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7 [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]",
        },
        /// DISM did not recognise the command.
        NoProvider: Cause {
            pattern: r"DISM\.EXE: No providers were found that support the command",
            prefilter: [r"No providers were found that support the command"],
            example: "2014-02-17 15:22:47, Error                 DISM   DISM.EXE: No providers were found that support the command. Host machine: Windows 10. Image: Windows 10.",
        },
        /// A DISM provider failed.
        ProviderError: Cause {
            pattern: r", Error +DISM +[A-Za-z ]*(?:Provider|Manager|DISM\.EXE)[A-Za-z ]*: .*\(hr:0x8[0-9A-Fa-f]{7}\)",
            prefilter: [r"\(hr:0x8"],
            example: "2024-01-10 10:00:05, Error                 DISM   DISM OS Provider: PID=1234 TID=5678 Failed to set the windows directory - CDISMOSServiceManager::SetWindowsDirectory(hr:0x80070003)",
        },
        /// The servicing stack's error with an HRESULT.
        CbsErrorHresult: Cause {
            pattern: r", Error +(?:CBS|CSI|DEPLOY) +.*(?:\[HRESULT = 0x8[0-9A-Fa-f]{7}|\(hr:0x8|HRESULT=0x8)",
            prefilter: [r"HRESULT = 0x8", r"\(hr:0x8", r"HRESULT=0x8"],
            example: "2024-03-10 10:12:00, Error                 CBS    Failed to install. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]",
        },
        /// DISM could not run the command as typed.
        DismCommandLine: Cause {
            pattern: r", Error +DISM +DISM\.EXE: (?:Failed validating command line|Failed to access the image folder)",
            prefilter: [r"Failed validating command line", r"Failed to access the image folder"],
            example: "2014-02-17 15:22:47, Error                 DISM   DISM.EXE: Failed validating command line: \"DISM.exe\" /OnlineDISM.exe /Get-Features",
        },
    }
    set: re_set_no_prefilter,
}

/// The file a System File Checker line names.
fn member_file() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r#"member file \[l:[0-9]+(?: ml:[0-9]+)?\]["']([^"']+)["']"#))
}

/// How many unrepaired SFC files are tracked; past that the rest count as unrepaired.
const MAX_UNREPAIRED: usize = 500;

fn summary(kind: CbsLine, line: &str) -> String {
    let found = codes::find_codes(line.as_bytes());
    let codes = if found.is_empty() {
        String::new()
    } else {
        format!(" {}", super::text::summary_for(&found))
    };
    let head = match kind {
        CbsLine::ErrorInOperation => "The servicing operation failed.",
        CbsLine::QueueItem => {
            "An advanced installer failed during servicing, so the update is rolled back."
        }
        CbsLine::CsiFatal => "The component store (WinSxS) holds damaged data.",
        CbsLine::HashMismatch => {
            "A file in the component store (WinSxS) does not match its recorded hash."
        }
        CbsLine::ProviderError => "A DISM provider failed.",
        CbsLine::NoProvider => "DISM did not recognise the command: the command line is mistyped.",
        CbsLine::CbsErrorHresult => "The servicing stack (CBS) reported an error.",
        CbsLine::SfcCannotRepair | CbsLine::SfcCannotReproject => {
            "System File Checker found a damaged system file it could not repair."
        }
        CbsLine::DismCommandLine => "DISM could not run the command as typed.",
        CbsLine::StoreCorrupt => "The component store (WinSxS) is marked corrupt.",
        CbsLine::ChecksurCorrupt => {
            "The store scan found a damaged item in the component store (WinSxS)."
        }
        CbsLine::ChecksurResult => "The component store scan or repair failed.",
        CbsLine::SessionFailed => "The servicing session ended in failure.",
        CbsLine::AppxAddFailed => "DISM could not add (provision) the app package.",
        _ => "The servicing log reports an error.",
    };
    format!("{head}{codes}")
}

impl CbsLog {
    fn failure(
        &mut self,
        out: &mut Output,
        line: &Line<'_>,
        kind: CbsLine,
        rank: u8,
    ) -> Option<usize> {
        let idx = out.finding_with(line, Role::Cause, || summary(kind, line.text))?;
        let cause = tree::servicing_cause_for(&out.findings[idx].codes).or(match kind {
            CbsLine::CsiFatal
            | CbsLine::HashMismatch
            | CbsLine::SfcCannotRepair
            | CbsLine::SfcCannotReproject
            | CbsLine::StoreCorrupt => Some(cause::COMPONENT_STORE),
            CbsLine::NoProvider | CbsLine::DismCommandLine => Some(cause::DISM_COMMAND_LINE),
            _ => None,
        });
        if let Some(c) = cause {
            out.cause(idx, c);
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

/// What some kinds of line do, for [`CbsLog::line`]'s dispatch.
impl CbsLog {
    /// The Appx provider logs errors on every run; one that says adding (provisioning) the package failed is
    /// the command's own failure, with its HRESULT written bare before the message.
    fn appx_add_failed(&mut self, line: &Line<'_>, out: &mut Output) {
        if self.appx_failed.is_some() {
            return;
        }
        let kind = CbsLine::AppxAddFailed;
        let Some(idx) = self.failure(out, line, kind, 0) else {
            return;
        };
        self.appx_failed = Some(idx);
        let bare = kind
            .captures(line.text.as_bytes())
            .and_then(|c| u32::from_str_radix(std::str::from_utf8(&c[1]).ok()?, 16).ok());
        if let Some(code) = bare.map(codes::Code::HResult) {
            let code = code.normalized();
            let f = &mut out.findings[idx];
            if !f.codes.contains(&code) {
                f.codes.insert(0, code.clone());
            }
            f.summary = summary(kind, &code);
            if let Some(c) = tree::servicing_cause_for(&f.codes) {
                out.cause(idx, c);
            }
        }
    }

    /// A file System File Checker could not repair: a cause, unless a later line says it repaired it.
    fn sfc_cannot_repair(&mut self, line: &Line<'_>, kind: CbsLine, out: &mut Output) {
        let name = member_file()
            .captures(line.text.as_bytes())
            .map(|c| String::from_utf8_lossy(&c[1]).to_ascii_lowercase());
        if let Some(idx) = out.finding_with(line, Role::Cause, || summary(kind, line.text)) {
            out.cause(idx, cause::COMPONENT_STORE);
            match name {
                Some(n)
                    if kind == CbsLine::SfcCannotRepair
                        && self.unrepaired.len() < MAX_UNREPAIRED =>
                {
                    self.unrepaired.push((n, idx, line.no));
                }
                _ => self.failures.push((idx, 0, line.no)),
            }
        }
    }

    /// A repair of a file that waited for one: its finding becomes context.
    fn sfc_repaired(&mut self, line: &Line<'_>, out: &mut Output) {
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
    }

    /// A store scan's result: a failure makes the first damaged item the cause; a repair that worked clears them.
    fn checksur_result(&mut self, line: &Line<'_>, out: &mut Output) {
        let failed = codes::find_codes(line.text.as_bytes())
            .iter()
            .any(|m| matches!(m.code, codes::Code::HResult(h) if h & 0x8000_0000 != 0));
        if failed {
            if let Some(&(idx, at)) = self.corrupt.first() {
                self.promote(out, idx, at);
            }
            self.corrupt.clear();
            self.failure(out, line, CbsLine::ChecksurResult, 2);
        } else if self.repairing {
            self.corrupt.clear();
            self.success = true;
        }
    }
}

impl CbsLog {
    /// Makes a context finding (a hash mismatch, a scan's damaged item) a cause.
    fn promote(&mut self, out: &mut Output, idx: usize, at: u64) {
        if let Some(f) = out.findings.get_mut(idx) {
            f.role = Role::Cause;
        }
        out.cause(idx, cause::COMPONENT_STORE);
        self.failures.push((idx, 0, at));
    }
}

impl LogReader for CbsLog {
    /// The rows' literals (see [`CbsLine`]): the decoys have none, since a decoy only rules out a line another
    /// kind finds. Checked against handing every line to the reader by the chunking tests and the corpus.
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(CbsLine::prefilter())
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let kinds = CbsLine::of(bytes);
        if !kinds.any() {
            return;
        }
        // A decoy word rules a line out, except for the lines whose meaning does not depend on it.
        let decoy = kinds.has(CbsLine::Decoy);
        for kind in kinds.iter() {
            match kind {
                CbsLine::CommandLine => {
                    // DISM logs each command it was given; the failures after it belong to that command.
                    if let Some(m) = kind.captures(bytes).and_then(|c| c.get(1)) {
                        let command = line.text.get(m.start()..).unwrap_or_default();
                        self.command_line = Some(command.trim().chars().take(300).collect());
                    }
                }
                CbsLine::Success => self.success = true,
                CbsLine::SessionStarted => {
                    self.session_kb = kind
                        .captures(bytes)
                        .map(|c| String::from_utf8_lossy(&c[1]).into_owned());
                }
                CbsLine::AppxAddFailed => {
                    self.appx_add_failed(line, out);
                    return;
                }
                CbsLine::ErrorInOperation | CbsLine::QueueItem => {
                    if !decoy {
                        self.failure(out, line, kind, 0);
                    }
                    return;
                }
                CbsLine::HashMismatch => {
                    // CSI checks a file against several hashes; a mismatch alone is often followed by a match.
                    // It matters when a CSI error follows.
                    if let Some(idx) =
                        out.finding_with(line, Role::Context, || summary(kind, line.text))
                    {
                        self.hash_mismatch = Some((idx, line.no));
                    }
                    return;
                }
                CbsLine::CsiFatal | CbsLine::StoreCorrupt => {
                    if kind == CbsLine::StoreCorrupt && !line.text.contains(", Error") {
                        continue;
                    }
                    match self.hash_mismatch.take() {
                        Some((idx, at)) if line.no.saturating_sub(at) <= 8 => {
                            self.promote(out, idx, at);
                            // The error itself stays as evidence, not as a second failure.
                            out.finding_with(line, Role::Context, || summary(kind, line.text));
                        }
                        _ => {
                            self.failure(out, line, kind, 0);
                        }
                    }
                    return;
                }
                CbsLine::SfcCannotRepair | CbsLine::SfcCannotReproject => {
                    self.sfc_cannot_repair(line, kind, out);
                    return;
                }
                CbsLine::SfcRepaired => {
                    if !self.unrepaired.is_empty() {
                        self.sfc_repaired(line, out);
                        return;
                    }
                }
                CbsLine::ChecksurCorrupt => {
                    // The summary of a store scan (`DISM /ScanHealth`, `/RestoreHealth`, CheckSUR) lists each
                    // damaged item; `(Fixed)` marks the ones repaired.
                    if !line.text.contains("(Fixed)") && self.corrupt.len() < MAX_UNREPAIRED {
                        if let Some(idx) =
                            out.finding_with(line, Role::Context, || summary(kind, line.text))
                        {
                            out.cause(idx, cause::COMPONENT_STORE);
                            self.corrupt.push((idx, line.no));
                        }
                    }
                    return;
                }
                CbsLine::ChecksurMode => {
                    self.repairing = line.text.contains("Detect and Repair");
                    return;
                }
                CbsLine::ChecksurResult => {
                    self.checksur_result(line, out);
                    return;
                }
                CbsLine::Decoy => return,
                CbsLine::SessionFailed => {
                    // A session's result repeats the failure of the step that failed; it is the root only when
                    // no line before it says more. 0x80070bc2 (ERROR_SUCCESS_REBOOT_REQUIRED) is no failure.
                    let failed = codes::find_codes(bytes).iter().any(|m| {
                        matches!(m.code, codes::Code::HResult(h) if h & 0x8000_0000 != 0 && h != 0x8007_0bc2)
                    });
                    if failed {
                        self.failure(out, line, kind, 2);
                    }
                    return;
                }
                CbsLine::NoProvider | CbsLine::ProviderError | CbsLine::CbsErrorHresult => {
                    self.failure(out, line, kind, 0);
                    return;
                }
                CbsLine::DismCommandLine => {
                    self.failure(out, line, kind, 1);
                    return;
                }
            }
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
            out.facts.set(Fact::Kb, kb.clone());
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
