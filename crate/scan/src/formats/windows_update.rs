//! Windows Update: WindowsUpdate.log (the Vista/7 tab-separated log and the Windows 10+ `Get-WindowsUpdateLog`
//! output), ReportingEvents.log, ConfigMgr logs in CMTrace format, and undecoded `.etl` traces.
//!
//! `*FAILED* [80070002]` lines are the agent's internal chatter: thousands per log, nearly all harmless.
//! The signals are the outcome lines: `LogHistory … resultMapped=`, `Method failed for update …, hrDeploy =`,
//! `Install call complete (… failed = N`, `Return code is 0x…`, the Vista/7 handler's `MSI result = …` and
//! `WARNING: Install failed, error = …`. `80242014` (and `00240005`) means installed, restart pending.
//! A failed download or search is retried by the agent on its own, so it counts only when the same update
//! never downloads later (a search: when no later search succeeds).

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::LogReader;
use super::event;
use super::kinds::line_kinds;
use crate::codes::{self, Code};
use crate::facts;
use crate::read::{Line, Output, re};
use kb::cause;
use kb::tree;
use model::diagnosis::{Role, Verdict};
use model::facts::Fact;

/// WU result codes that mean success: installed (0), installed with restart pending, already installed.
const SUCCESS_RESULTS: &[u32] = &[0, 0x0024_0005, 0x0024_0006, 0x8024_2014];
/// Of those, the ones that mean "restart to finish".
const RESTART_RESULTS: &[u32] = &[0x0024_0005, 0x8024_2014];

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim().to_string()
}

fn hex(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b).ok()?;
    u32::from_str_radix(s.trim_start_matches("0x").trim_start_matches("0X"), 16).ok()
}

fn guid(b: &[u8]) -> String {
    text(b).to_ascii_lowercase()
}

/// A failure seen while reading, waiting for the end of the file to know whether it stands.
struct Candidate {
    idx: usize,
    /// 0: a line that names the failure's code at its source; 1: an outcome line; 2: a summary.
    rank: u8,
    kind: Kind,
    update: Option<String>,
    line: u64,
}

/// A failure line as a reader method reports it.
struct Found {
    role: Role,
    /// See [`Candidate::rank`].
    rank: u8,
    kind: Kind,
    update: Option<String>,
    summary: String,
    /// The outcome's own code, put first among the line's codes.
    code: Option<u32>,
}

impl Found {
    /// An installer's own failure code: the most direct cause an update log gives.
    fn install_cause(update: Option<String>, summary: String, code: u32) -> Found {
        Found {
            role: Role::Cause,
            rank: 0,
            kind: Kind::Install,
            update,
            summary,
            code: Some(code),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Installation failed: stands whatever happens later.
    Install,
    /// A download failed: stands unless the update downloads or installs later.
    Download,
    /// A search failed: stands unless a later search succeeds.
    Search,
}

#[derive(Default)]
pub struct WindowsUpdateLog {
    candidates: Vec<Candidate>,
    /// Whether the agent's self-update already failed (its first failing line is the one kept).
    self_update_failed: bool,
    /// Updates that downloaded or installed, with the last line saying so.
    recovered: HashMap<String, u64>,
    /// Updates whose download was suspended or hit a transient error: the agent resumes those on its own.
    suspended: HashMap<String, u64>,
    last_search_ok: u64,
    success: bool,
    restart_pending: bool,
    /// Update id → title, from `Title = ` / `UpdateId = ` pairs and `Deserialized installable update` lines.
    titles: HashMap<String, String>,
    pending_title: Option<String>,
    /// The update and code of the last download error, for the `Download call complete` line that follows.
    download_errors: Vec<(String, Option<u32>)>,
    last_title: Option<String>,
    build: Option<String>,
}

line_kinds! {
    /// The lines [`WindowsUpdateLog`] acts on. Lines that keep state (a `Title = ` waiting for its
    /// `UpdateId = `, a download error waiting for its `Download call complete`) are kinds too, so they are all
    /// seen. A line may be of several kinds: the reader handles them in this order (the agent's failed
    /// self-update ends the line's handling).
    pub(super) enum UpdateLine {
        /// An update's title, for the `UpdateId = ` line that follows it (and for the handler's failure).
        Title: Fact {
            pattern: r"\bTitle = (.+?)[ \t]*$",
            prefilter: [r"Title = "],
            example: "  Title = Security Update for Microsoft .NET Framework 4 on Windows 7 x64 (KB2656351)",
        },
        /// The id of the update whose title came just before.
        UpdateId: Fact {
            pattern: r"\bUpdateId = \{?([0-9A-Fa-f-]{36})",
            prefilter: [r"UpdateId = "],
            example: "  UpdateId = {7D3A61F2-5B1C-4E2A-9C0D-1A2B3C4D5E6F}.200",
        },
        /// An update's title and id on one line.
        Deserialized: Fact {
            pattern: r"Deserialized installable update (.+), UpdateID = \{([0-9A-Fa-f-]{36})",
            prefilter: [r"Deserialized installable update "],
            example: "Deserialized installable update 2024-01 Security Update for Windows 10 Version 1809 for x64-based Systems (KB5034127), UpdateID = {5E4D3C2B-1A09-4F8E-B7D6-C5B4A3928170.1}, CallbackInfo",
        },
        /// The machine's Windows build.
        OsVersion: Fact {
            pattern: r"OS ?Version ?= ?([0-9]+\.[0-9]+\.[0-9]{4,5}(?:\.[0-9]+)?)",
            prefilter: [r"OS ?Version ?="],
            example: "  * OS Version = 6.1.7601.1.0.65792",
        },
        /// An update downloaded: an earlier failure to download it does not stand.
        DownloadOk: Success {
            pattern: r"job \{[^}]*\} completed successfully, updateId = [0-9A-Fa-f-]{36}",
            fields: r"completed successfully, updateId = ([0-9A-Fa-f-]{36})",
            prefilter: [r"updateId = "],
            example: "DnldMgr   BITS job {0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D} completed successfully, updateId = 7D3A61F2-5B1C-4E2A-9C0D-1A2B3C4D5E6F.200",
        },
        /// A search that worked: an earlier failed search does not stand.
        SearchOk: Success {
            pattern: r"Found [0-9]+ updates and [0-9]+ categories in search",
            prefilter: [r" categories in search"],
            example: "Agent     Found 3 updates and 89 categories in search; evaluated appl. rules of 1866 out of 3463 deployed entities",
        },
        /// The agent updated itself (Vista/7 self-update): an installation that worked.
        SelfUpdateOk: Success {
            pattern: r"Install of setup package .* succeeded",
            prefilter: [r"Install of setup package "],
            example: "Setup     Install of setup package WUClient-Core.cab succeeded",
        },
        /// A download the agent suspended or that hit a transient error: it resumes it on its own.
        Suspended: Fact {
            pattern: r"[0-9A-Fa-f-]{36}\}? download suspended|hit a transient error, updateId = [0-9A-Fa-f-]{36}",
            fields: r"([0-9A-Fa-f-]{36})\}? download suspended|updateId = ([0-9A-Fa-f-]{36})",
            prefilter: [r" download suspended", r"updateId = "],
            example: "DnldMgr   DO job {0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D} hit a transient error, updateId = 7D3A61F2-5B1C-4E2A-9C0D-1A2B3C4D5E6F.200, hr = 0x80D02002",
        },
        /// A download error, for the `Download call complete` line that follows it.
        DownloadError: Fact {
            pattern: r"Error occurred while downloading update [0-9A-Fa-f-]{36}|BITS job \{[^}]*\} failed, updateId = [0-9A-Fa-f-]{36}, hr = 0x[0-9A-Fa-f]+|OnDownloadJobFailure - UUP update [0-9A-Fa-f-]{36}.* failed with 0x8[0-9A-Fa-f]{7}",
            fields: r"(?:update|updateId = |UUP update) ([0-9A-Fa-f-]{36})(?:.*(?:hr = 0x|failed with 0x)([0-9A-Fa-f]{8}))?",
            prefilter: [
                r"Error occurred while downloading update ",
                r"updateId = ",
                r"OnDownloadJobFailure - UUP update ",
            ],
            example: "DnldMgr   Error occurred while downloading update 11111111-2222-3333-4444-555555555555; *FAILED* [80072EE2]",
        },
        /// The history the agent records for an update: installed, or failed with its result.
        LogHistory: Failure {
            pattern: r"LogHistory called.*resultMapped=[0-9A-Fa-f]+",
            fields: r"idUpdate=\{?([0-9A-Fa-f-]{36})\}?.*resultMapped=([0-9A-Fa-f]+)",
            prefilter: [r"LogHistory called"],
            example: "LogHistory called. idUpdate={576B0DD6-57CC-457B-A5EC-E888491B395D}.200, resultMapped=80070643, resultUnMapped=800F0828",
        },
        /// The deployment handler's result for an update: its installer's own failure code.
        HrDeploy: Cause {
            pattern: r"Method (failed|succeeded) for update ([0-9A-Fa-f-]{36}).*hrDeploy = 0x([0-9A-Fa-f]+)",
            prefilter: [r"hrDeploy = 0x"],
            example: "Handler   Method failed for update 7D3A61F2-5B1C-4E2A-9C0D-1A2B3C4D5E6F.200, hrDeploy = 0x80070643",
        },
        /// The Vista/7 handler's result for an update, and whether it wants a restart.
        ReturnCode: Cause {
            pattern: r"Install complete for update ID: ([0-9A-Fa-f-]{36}).* Return code is 0x([0-9A-Fa-f]+)(.*Requires Reboot: ?Yes)?",
            prefilter: [r"Return code is 0x"],
            example: "Handler   Install complete for update ID: 7D3A61F2-5B1C-4E2A-9C0D-1A2B3C4D5E6F.200. Return code is 0x80070643. Requires Reboot:No",
        },
        /// The MSI or command-line handler's result: the installer's own code, and the MSI action it failed in.
        Handler: Cause {
            pattern: r"(?i)transaction error = 0x[0-9a-f]+, MSI result = 0x[0-9a-f]+|Command line install completed\. Return code = 0x[0-9A-Fa-f]+",
            fields: r"(?i)(?:MSI )?transaction error = (0x[0-9a-f]+), MSI result = (0x[0-9a-f]+)(?:, MSI action = ([A-Za-z0-9_.]+))?|Return code = (0x[0-9A-Fa-f]+)",
            lowercase: [r"transaction error = 0x", r"command line install completed\. return code = 0x"],
            example: "Handler   Command line install completed. Return code = 0x800f0828, Result = Failed, Reboot required = false",
        },
        /// How many updates an install, download or uninstall call installed or failed.
        CallComplete: Failure {
            pattern: r"(Install|Download|Uninstall) call complete \(succeeded = ([0-9]+), succeeded with errors = ([0-9]+), failed = ([0-9]+)",
            prefilter: [r" call complete \(succeeded = "],
            example: "AU        #  WARNING: Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)",
        },
        /// The end of a search, download or installation, with its exit code.
        ExitCode: Failure {
            pattern: r"\* END \* +(?:Finding updates|Downloading updates|Installing updates).*Exit code = 0x[0-9A-Fa-f]+|WARNING: Exit code = 0x[0-9A-Fa-f]+",
            fields: r"(Finding updates|Downloading updates|Installing updates|WARNING: Exit code).*Exit code = 0x([0-9A-Fa-f]+)",
            prefilter: [r"Exit code = 0x"],
            example: "Agent     * END * Finding updates CallerId = Update;ScanForUpdates, Id = 5618, Exit code = 0x8024402C (cV = xS24Yd5ZFEOijniv.1.0.1.0.0.2.1)",
        },
        /// The agent's self-update from its update server failing (`…/selfupdate/wuident.cab: error 0x80190194`,
        /// `SelfUpdate: … IsUpdateRequired failed: 0x80244019`).
        SelfUpdateFailed: Cause {
            pattern: r"(?i:selfupdate)[^\r\n]*(?:failed|error)[^0-9\r\n]*(?:0x)?8[0-9A-Fa-f]{7}",
            prefilter: [r"elfupdate", r"elfUpdate"],
            example: "Misc      WARNING: DownloadFileInternal failed for http://wsus01:8530/selfupdate/wuident.cab: error 0x80190194",
        },
        /// The Vista/7 agent's warnings and fatal errors with their code.
        ClassicWarning: Failure {
            pattern: r"WARNING: (Install failed|Download failed|Failed to synchronize|Failed to find updates|Uninstall failed|Search callback failed)[^=]*?(?:, error = 0x| with error code |, result = 0x)([0-9A-Fa-f]+)|(FATAL): .*?(?:error|Error|hr|result)(?: with)?[ =:]+(?:0x)?(8[0-9A-Fa-f]{7})",
            prefilter: [
                r"WARNING: (?:Install failed|Download failed|Failed to synchronize|Failed to find updates|Uninstall failed|Search callback failed)",
                r"FATAL: ",
            ],
            example: "Handler   WARNING: Install failed, error = 0x80070643 / 0x80070643",
        },
        /// A ReportingEvents row quoted in the Vista/7 log.
        ReportEvent: Failure {
            pattern: r"REPORT EVENT: \{",
            prefilter: [r"REPORT EVENT: \{"],
            example: "Report    REPORT EVENT: {D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6}\t2013-06-12 10:31:22:000-0400\t1\t182\t101\t{8F2C5A10-3B4D-4E6F-9A1B-2C3D4E5F6A7B}\t201\t80070643\tAutomaticUpdates\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x80070643: Contoso Server Service Pack 2 (KB948465).",
        },
        /// The event-log message of an installation, quoted on its own (read only when not in a report row).
        EventMessage: Failure {
            pattern: r"Installation Failure: Windows failed to install|Installation Successful: Windows successfully installed",
            prefilter: [
                r"Installation Failure: Windows failed to install",
                r"Installation Successful: Windows successfully installed",
            ],
            example: "Installation Failure: Windows failed to install the following update with error 0x80070643: Security Update for Microsoft .NET Framework 4 on Windows 7 x64 (KB2656351).",
        },
    }
}

/// A KB number in an update's title.
fn kb_in_title() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\bKB ?([0-9]{6,7})\b"))
}

/// The agent's `*FAILED* [80070002]`, the code of a download error that names none of its own.
fn failed_bracket() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"\*FAILED\* \[([0-9A-Fa-f]{8})\]"))
}

/// How many updates a log keeps titles and outcomes for (a log lists hundreds of updates in its searches).
const MAX_TITLES: usize = 2000;

impl WindowsUpdateLog {
    fn candidate(&mut self, out: &mut Output, line: &Line<'_>, found: Found) -> Option<usize> {
        let Found {
            role,
            rank,
            kind,
            update,
            summary,
            code,
        } = found;
        let idx = out.finding(line, role, summary)?;
        if let Some(h) = code {
            // The outcome's own code leads: it is the one people search for.
            let c = Code::HResult(h).normalized();
            let f = &mut out.findings[idx];
            f.codes.retain(|x| *x != c);
            f.codes.insert(0, c);
        }
        if let Some(c) = tree::servicing_cause_for(&out.findings[idx].codes) {
            out.cause(idx, c);
        }
        if let Some(u) = &update {
            out.detail(idx, "update id", u.clone());
        }
        self.candidates.push(Candidate {
            idx,
            rank,
            kind,
            update,
            line: line.no,
        });
        Some(idx)
    }

    fn recover(&mut self, update: String, line: u64) {
        if self.recovered.len() < MAX_TITLES || self.recovered.contains_key(&update) {
            self.recovered.insert(update, line);
        }
    }

    fn remember_title(&mut self, id: String, title: String) {
        if self.titles.len() < MAX_TITLES || self.titles.contains_key(&id) {
            self.titles.insert(id, title);
        }
    }
}

fn describe(h: u32) -> String {
    match codes::info(&Code::HResult(h)) {
        Some(i) => format!(
            "0x{h:08x} ({}): {}",
            i.name,
            i.meaning.trim_end_matches('.')
        ),
        None => format!("0x{h:08x}"),
    }
}

impl LogReader for WindowsUpdateLog {
    /// The rows' literals (see [`UpdateLine`]). Checked against handing every line to the reader by the chunking
    /// tests and the corpus.
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(UpdateLine::prefilter())
    }

    /// The case-insensitive handler lines' words, lowercase.
    fn prefilter_lowercase(&self) -> Option<&'static [&'static str]> {
        Some(UpdateLine::prefilter_lowercase())
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let kinds = UpdateLine::of(bytes);
        if !kinds.any() {
            return;
        }
        for kind in kinds.iter() {
            match kind {
                UpdateLine::Title => {
                    if let Some(c) = kind.captures(bytes) {
                        let t = text(&c[1]);
                        self.last_title = Some(t.clone());
                        self.pending_title = Some(t);
                    }
                }
                UpdateLine::UpdateId => {
                    if let (Some(t), Some(c)) = (self.pending_title.take(), kind.captures(bytes)) {
                        self.remember_title(guid(&c[1]), t);
                    }
                }
                UpdateLine::Deserialized => {
                    if let Some(c) = kind.captures(bytes) {
                        self.remember_title(guid(&c[2]), text(&c[1]));
                    }
                }
                UpdateLine::OsVersion => {
                    if self.build.is_none() {
                        if let Some(c) = kind.captures(bytes) {
                            self.build = Some(text(&c[1]));
                        }
                    }
                }
                UpdateLine::DownloadOk => {
                    if let Some(c) = kind.captures(bytes) {
                        self.recover(guid(&c[1]), line.no);
                    }
                }
                UpdateLine::SearchOk => self.last_search_ok = line.no,
                UpdateLine::SelfUpdateOk => self.success = true,
                UpdateLine::Suspended => {
                    if self.suspended.len() < MAX_TITLES {
                        if let Some(c) = kind.captures(bytes) {
                            if let Some(m) = c.get(1).or(c.get(2)) {
                                self.suspended.insert(guid(m.as_bytes()), line.no);
                            }
                        }
                    }
                }
                UpdateLine::DownloadError => self.download_error(kind, bytes),
                UpdateLine::LogHistory => self.log_history(line, kind, out),
                UpdateLine::HrDeploy => self.hr_deploy(line, kind, out),
                UpdateLine::ReturnCode => self.return_code(line, kind, out),
                UpdateLine::Handler => self.handler(line, kind, out),
                UpdateLine::CallComplete => self.call_complete(line, kind, out),
                UpdateLine::ExitCode => self.exit_code(line, kind, out),
                UpdateLine::SelfUpdateFailed => {
                    if !self.self_update_failed {
                        self.self_update_failed(line, out);
                        return;
                    }
                }
                UpdateLine::ClassicWarning => self.classic_warning(line, kind, out),
                UpdateLine::ReportEvent => {
                    if let Some(pos) = line.text.find("REPORT EVENT: ") {
                        if let Some(r) =
                            ReportRow::parse(&line.text[pos + "REPORT EVENT: ".len()..])
                        {
                            self.report_row(&r, line, out);
                        }
                    }
                }
                UpdateLine::EventMessage => {
                    // A report row quotes the message too: the row says more.
                    if !kinds.has(UpdateLine::ReportEvent) {
                        self.event_message(line, out);
                    }
                }
            }
        }
    }

    fn finish(&mut self, out: &mut Output) {
        // A Windows Update log names hundreds of updates in passing (search results, downloads): the KB,
        // product and .NET version learned from its lines belong to whichever came first, not to the one that
        // failed. Only the failing update's own title may set them, below.
        for key in [
            Fact::Kb,
            Fact::Product,
            Fact::DotnetTarget,
            Fact::UpdateTitle,
        ] {
            out.facts.remove(key);
        }
        if let Some(b) = &self.build {
            out.facts.set(Fact::WindowsBuild, b.clone());
            // The machine's build beats a Windows version named in an update's title.
            if let Some(w) = facts::windows_from_text(b.as_bytes()) {
                out.facts.set(Fact::Windows, w);
            }
        }
        let recovered = &self.recovered;
        let suspended = &self.suspended;
        let last_search_ok = self.last_search_ok;
        let mut standing: Vec<&Candidate> = Vec::new();
        for c in &self.candidates {
            let stands = match c.kind {
                Kind::Install => true,
                Kind::Download => !c.update.as_ref().is_some_and(|u| {
                    recovered.get(u).is_some_and(|l| *l > c.line) || suspended.contains_key(u)
                }),
                Kind::Search => last_search_ok < c.line,
            };
            if stands {
                standing.push(c);
            } else if let Some(f) = out.findings.get_mut(c.idx) {
                f.role = Role::Context;
                f.summary.push_str(
                    " Windows Update retried it later, or the download was only suspended.",
                );
            }
        }
        let root = standing
            .iter()
            // An installation that failed explains more than a download or a search that did.
            .min_by_key(|c| {
                (
                    c.rank,
                    c.kind != Kind::Install,
                    c.kind == Kind::Search,
                    c.line,
                )
            })
            .map(|c| (c.idx, c.update.clone()));
        if let Some((idx, update)) = root {
            out.root = Some(idx);
            out.verdict = Some(Verdict::Failed);
            let title = update
                .as_ref()
                .and_then(|u| self.titles.get(u).cloned())
                .or_else(|| {
                    out.findings[idx]
                        .details
                        .iter()
                        .find(|d| d.label == "update")
                        .map(|d| d.value.clone())
                });
            if let Some(t) = title {
                out.detail(idx, "update", t.clone());
                let kb = kb_in_title()
                    .captures(t.as_bytes())
                    .map(|c| format!("KB{}", text(&c[1])));
                if let Some(kb) = &kb {
                    out.detail(idx, "KB", kb.clone());
                    out.facts.set(Fact::Kb, kb.clone());
                }
                out.facts.set(Fact::UpdateTitle, t.clone());
                if let Some(p) = facts::product_from_text(t.as_bytes()) {
                    out.facts.set(Fact::Product, p);
                }
                facts::learn_from_line(t.as_bytes(), &mut out.facts);
            }
        } else if self.success || self.restart_pending || self.last_search_ok > 0 {
            // A log whose searches completed and where nothing failed: the agent did what it was asked.
            out.verdict = Some(Verdict::Succeeded);
            if self.restart_pending {
                out.facts.learn(Fact::RestartPending, "yes");
                out.note("Windows Update installed updates that wait for a restart (80242014): restart the computer to finish them.");
            }
        } else {
            out.verdict = Some(Verdict::Inconclusive);
        }
    }
}

/// What each kind of line does, for [`WindowsUpdateLog::line`]'s dispatch.
impl WindowsUpdateLog {
    /// A download error, kept for the `Download call complete` line that follows it.
    fn download_error(&mut self, kind: UpdateLine, bytes: &[u8]) {
        let Some(c) = kind.captures(bytes) else {
            return;
        };
        let code = c
            .get(2)
            .and_then(|m| hex(m.as_bytes()))
            .or_else(|| failed_bracket().captures(bytes).and_then(|b| hex(&b[1])));
        // Only the latest errors matter, for the `Download call complete` line that follows them.
        if self.download_errors.len() >= 8 {
            self.download_errors.remove(0);
        }
        self.download_errors.push((guid(&c[1]), code));
    }

    fn log_history(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let id = guid(&c[1]);
        let result = hex(&c[2]).unwrap_or(0);
        if SUCCESS_RESULTS.contains(&result) {
            self.success = true;
            self.restart_pending |= RESTART_RESULTS.contains(&result);
            self.recover(id, line.no);
        } else {
            let summary = format!(
                "Windows Update recorded the installation as failed: {}.",
                describe(result)
            );
            self.candidate(
                out,
                line,
                Found {
                    role: Role::Failure,
                    rank: 1,
                    kind: Kind::Install,
                    update: Some(id),
                    summary,
                    code: Some(result),
                },
            );
        }
    }

    fn hr_deploy(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let id = guid(&c[2]);
        let hr = hex(&c[3]).unwrap_or(0);
        if &c[1] == b"succeeded" || hr == 0 {
            self.success = true;
            self.recover(id, line.no);
        } else {
            let summary = format!("Installing the update failed with {}.", describe(hr));
            self.candidate(out, line, Found::install_cause(Some(id), summary, hr));
        }
    }

    fn return_code(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let id = guid(&c[1]);
        let rc = hex(&c[2]).unwrap_or(0);
        if rc == 0 || SUCCESS_RESULTS.contains(&rc) {
            self.success = true;
            self.restart_pending |= c.get(3).is_some() || RESTART_RESULTS.contains(&rc);
            self.recover(id, line.no);
        } else {
            let summary = format!("The update's installer returned {}.", describe(rc));
            self.candidate(out, line, Found::install_cause(Some(id), summary, rc));
        }
    }

    fn handler(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let result = c.get(2).or(c.get(4)).and_then(|m| hex(m.as_bytes()));
        let Some(r) = result.filter(|r| *r != 0 && !SUCCESS_RESULTS.contains(r)) else {
            return;
        };
        let action = c.get(3).map(|m| text(m.as_bytes()));
        let summary = format!(
            "The update's installer failed with {}{}.",
            describe(r),
            action
                .as_ref()
                .map(|a| format!(" in the action {a}"))
                .unwrap_or_default()
        );
        if let Some(idx) = self.candidate(out, line, Found::install_cause(None, summary, r)) {
            if let Some(a) = action {
                out.detail(idx, "action", a);
            }
            if let Some(t) = &self.last_title {
                out.detail(idx, "update", t.clone());
            }
        }
    }

    fn call_complete(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let failed: u32 = text(&c[4]).parse().unwrap_or(0);
        let ok: u32 =
            text(&c[2]).parse::<u32>().unwrap_or(0) + text(&c[3]).parse::<u32>().unwrap_or(0);
        let is_download = &c[1] == b"Download";
        if failed > 0 {
            let (update, code) = self
                .download_errors
                .last()
                .map(|(u, c)| (Some(u.clone()), *c))
                .unwrap_or((None, None));
            let found = if is_download {
                let summary = format!(
                    "Windows Update could not download {failed} update(s){}.",
                    code.map(|h| format!(": {}", describe(h)))
                        .unwrap_or_default()
                );
                Found {
                    role: Role::Failure,
                    rank: 1,
                    kind: Kind::Download,
                    update,
                    summary,
                    code,
                }
            } else {
                let summary =
                    format!("Windows Update reports {failed} update(s) failed to install.");
                Found {
                    role: Role::Summary,
                    rank: 2,
                    kind: Kind::Install,
                    update: None,
                    summary,
                    code: None,
                }
            };
            self.candidate(out, line, found);
        } else if ok > 0 {
            self.success = true;
            if is_download {
                self.download_errors.clear();
            }
        }
    }

    fn exit_code(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let code = hex(&c[2]).unwrap_or(0);
        let what = text(&c[1]);
        let benign = code == 0 || code & 0x8000_0000 == 0 || SUCCESS_RESULTS.contains(&code);
        if what == "Finding updates" && benign {
            self.last_search_ok = line.no;
            return;
        }
        if benign {
            return;
        }
        let (kind, rank, summary) = match what.as_str() {
            "Finding updates" => (
                Kind::Search,
                1,
                format!(
                    "Windows Update could not search for updates: {}.",
                    describe(code)
                ),
            ),
            "Downloading updates" => (
                Kind::Download,
                1,
                format!(
                    "Windows Update could not download updates: {}.",
                    describe(code)
                ),
            ),
            "Installing updates" => (
                Kind::Install,
                1,
                format!(
                    "Windows Update could not install updates: {}.",
                    describe(code)
                ),
            ),
            // A Vista/7 `WARNING: Exit code = …` repeats the handler's or the agent's result.
            _ => (
                Kind::Install,
                2,
                format!("A Windows Update component ended with {}.", describe(code)),
            ),
        };
        // A search that fails is Windows Update's own problem; everything else in this branch follows an
        // installation.
        if kind != Kind::Install || rank < 2 || !self.candidates.is_empty() {
            self.candidate(
                out,
                line,
                Found {
                    role: Role::Failure,
                    rank,
                    kind,
                    update: None,
                    summary,
                    code: Some(code),
                },
            );
        }
    }

    /// The first failing request of the agent's self-update names what the server did not serve; the lines
    /// after it only repeat the result.
    fn self_update_failed(&mut self, line: &Line<'_>, out: &mut Output) {
        let code = codes::find_codes(line.text.as_bytes())
            .iter()
            .find_map(|m| match m.code {
                Code::HResult(h) if h & 0x8000_0000 != 0 => Some(h),
                _ => None,
            });
        if let Some(idx) = self.candidate(
            out,
            line,
            Found {
                role: Role::Cause,
                rank: 0,
                kind: Kind::Search,
                update: None,
                summary: "Windows Update could not update itself from its update server (the server's self-update folder).".into(),
                code,
            },
        ) {
            out.cause(idx, cause::WSUS_SELFUPDATE);
            self.self_update_failed = true;
        }
    }

    fn classic_warning(&mut self, line: &Line<'_>, kind: UpdateLine, out: &mut Output) {
        let Some(c) = kind.captures(line.text.as_bytes()) else {
            return;
        };
        let what = c
            .get(1)
            .or(c.get(3))
            .map(|m| text(m.as_bytes()))
            .unwrap_or_default();
        let code = c
            .get(2)
            .or(c.get(4))
            .and_then(|m| hex(m.as_bytes()))
            .unwrap_or(0);
        if code != 0 && !SUCCESS_RESULTS.contains(&code) {
            let kind = match what.as_str() {
                "Download failed" => Kind::Download,
                "Failed to synchronize" | "Failed to find updates" | "Search callback failed" => {
                    Kind::Search
                }
                _ => Kind::Install,
            };
            let summary = if what == "FATAL" {
                format!("A Windows Update component failed: {}.", describe(code))
            } else {
                format!("Windows Update: {what}, {}.", describe(code))
            };
            self.candidate(
                out,
                line,
                Found {
                    role: Role::Failure,
                    rank: 1,
                    kind,
                    update: None,
                    summary,
                    code: Some(code),
                },
            );
        } else if code != 0 {
            self.success = true;
            self.restart_pending |= RESTART_RESULTS.contains(&code);
        }
    }

    /// An installation's event-log message quoted on its own.
    fn event_message(&mut self, line: &Line<'_>, out: &mut Output) {
        let Some(e) = event::classify_line(line.text) else {
            return;
        };
        if e.role == Role::Success {
            self.success = true;
            return;
        }
        let code = e
            .code
            .as_deref()
            .and_then(codes::parse)
            .and_then(|c| match c {
                Code::HResult(h) => Some(h),
                _ => None,
            });
        if let Some(idx) = self.candidate(
            out,
            line,
            Found {
                role: Role::Failure,
                rank: 1,
                kind: Kind::Install,
                update: None,
                summary: e.summary.clone(),
                code,
            },
        ) {
            add_event_details(idx, &e, out);
        }
    }
}

impl WindowsUpdateLog {
    fn report_row(&mut self, r: &ReportRow<'_>, line: &Line<'_>, out: &mut Output) {
        if r.success {
            self.success = true;
            if let Some(u) = &r.update {
                self.recover(u.clone(), line.no);
            }
            self.restart_pending |= RESTART_RESULTS.contains(&r.hresult);
            return;
        }
        if !r.failure {
            return;
        }
        let e = event::classify_line(r.message);
        let summary = e
            .as_ref()
            .map(|e| e.summary.clone())
            .unwrap_or_else(|| format!("{}: {}.", r.category, describe(r.hresult)));
        if let Some(idx) = self.candidate(
            out,
            line,
            Found {
                role: Role::Failure,
                rank: 1,
                kind: r.kind(),
                update: r.update.clone(),
                summary,
                code: (r.hresult != 0).then_some(r.hresult),
            },
        ) {
            if let Some(e) = &e {
                add_event_details(idx, e, out);
            }
        }
    }
}

fn add_event_details(idx: usize, e: &event::EventLine, out: &mut Output) {
    if let Some(t) = &e.title {
        out.detail(idx, "update", t.clone());
    }
    if let Some(kb) = &e.kb {
        out.detail(idx, "KB", kb.clone());
    }
}

/// One ReportingEvents.log row (also quoted in the Vista/7 WindowsUpdate.log after `REPORT EVENT: `):
/// `{event}  time  1  182 [AGENT_INSTALLING_FAILED]  101  {update}  rev  80070643  caller  Failure  Content Install  message`.
struct ReportRow<'a> {
    update: Option<String>,
    hresult: u32,
    success: bool,
    failure: bool,
    category: &'a str,
    message: &'a str,
}

impl<'a> ReportRow<'a> {
    fn parse(row: &'a str) -> Option<ReportRow<'a>> {
        let f: Vec<&str> = row.split('\t').map(str::trim).collect();
        if f.len() < 12 || !f[0].starts_with('{') {
            return None;
        }
        let update = f[5]
            .trim_matches(['{', '}'])
            .get(..36)
            .map(|s| s.to_ascii_lowercase());
        Some(ReportRow {
            update,
            hresult: u32::from_str_radix(f[7], 16).unwrap_or(0),
            success: f[9].eq_ignore_ascii_case("Success"),
            failure: f[9].eq_ignore_ascii_case("Failure"),
            category: f[10],
            message: f[11],
        })
    }

    fn kind(&self) -> Kind {
        match self.category {
            "Content Download" => Kind::Download,
            "Software Synchronization" | "Software Sync" => Kind::Search,
            _ => Kind::Install,
        }
    }
}

/// ReportingEvents.log: the same rows as `REPORT EVENT:` lines, one per line, UTF-16.
#[derive(Default)]
pub struct ReportingEventsLog {
    inner: WindowsUpdateLog,
}

impl LogReader for ReportingEventsLog {
    /// A row matters only when its status field says `Success` or `Failure` (in any case).
    fn prefilter_lowercase(&self) -> Option<&'static [&'static str]> {
        Some(&["success|failure"])
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        if let Some(r) = ReportRow::parse(line.text) {
            self.inner.report_row(&r, line, out);
        }
    }

    fn finish(&mut self, out: &mut Output) {
        self.inner.finish(out);
    }
}

/// A Configuration Manager log in CMTrace format. `type="3"` marks an error; the first one is the cause.
#[derive(Default)]
pub struct CmTraceLog {
    first_error: Option<usize>,
    /// The start of a message that spans lines (`<![LOG[first line` … `rest]LOG]!><time=…`).
    open_message: Option<String>,
}

fn cm_patterns() -> &'static (Regex, Regex) {
    static P: OnceLock<(Regex, Regex)> = OnceLock::new();
    P.get_or_init(|| {
        (
            re(r#"\]LOG\]!><time="[^"]*" date="[^"]*" component="([^"]*)"[^>]*type="([0-9])""#),
            re(r"<!\[LOG\[(.*?)\]LOG\]!>"),
        )
    })
}

impl LogReader for CmTraceLog {
    /// A line matters only when it opens or closes a message (a line in between a message's first and last
    /// lines changes nothing).
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(&[r"<!\[LOG\[|\]LOG\]!>"])
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let Some(close) = memchr::memmem::find(bytes, b"]LOG]!>") else {
            if let Some(at) = line.text.find("<![LOG[") {
                let start: String = line.text[at + 7..].chars().take(300).collect();
                self.open_message = Some(start);
            }
            return;
        };
        let open = self.open_message.take();
        let (meta, message) = cm_patterns();
        let Some(c) = meta.captures(bytes) else {
            return;
        };
        if &c[2] != b"3" {
            return;
        }
        let component = text(&c[1]);
        let msg = match (message.captures(bytes), open) {
            (Some(m), _) => text(&m[1]),
            // The message began on an earlier line: its first line, then the rest up to here.
            (None, Some(start)) => format!("{} {}", start.trim(), text(&bytes[..close])),
            (None, None) => text(&bytes[..close]),
        };
        let found = codes::find_codes(msg.as_bytes());
        let summary = if found.is_empty() {
            format!("{component} logged an error: {msg}")
        } else {
            format!(
                "{component} logged an error. {}",
                super::text::summary_for(&found)
            )
        };
        if let Some(idx) = out.finding(line, Role::Cause, summary) {
            out.detail(idx, "component", component);
            if let Some(c) = tree::servicing_cause_for(&out.findings[idx].codes) {
                out.cause(idx, c);
            }
            self.first_error.get_or_insert(idx);
        }
    }

    fn finish(&mut self, out: &mut Output) {
        out.root = self.first_error;
        out.verdict = Some(if self.first_error.is_some() {
            Verdict::Failed
        } else {
            Verdict::Inconclusive
        });
    }
}

/// An undecoded Windows 10+ Windows Update trace. It holds no text to read; the person needs the decoded log.
#[derive(Default)]
pub struct EtlTrace {
    /// Lines were read: this is Windows 10's placeholder WindowsUpdate.log, not the binary trace.
    placeholder: bool,
}

impl LogReader for EtlTrace {
    fn line(&mut self, _line: &Line<'_>, _out: &mut Output) {
        self.placeholder = true;
    }

    fn finish(&mut self, out: &mut Output) {
        out.verdict = Some(Verdict::Inconclusive);
        out.facts.learn(Fact::Cause, cause::ETL_UNDECODED.as_str());
        out.facts.learn(
            Fact::LogPath,
            "WindowsUpdate.log on the desktop (from Get-WindowsUpdateLog)",
        );
        let what = if self.placeholder {
            "This WindowsUpdate.log is only a placeholder: Windows 10 and later keep Windows Update's log as binary Event Tracing for Windows traces (.etl) in C:\\Windows\\Logs\\WindowsUpdate."
        } else {
            "This is an undecoded Event Tracing for Windows trace (.etl), not a text log: Windows 10 and later keep Windows Update's log in this binary form."
        };
        out.note(format!("{what} To get the readable WindowsUpdate.log, open PowerShell and run Get-WindowsUpdateLog; it writes WindowsUpdate.log to your desktop. Send that file instead."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_results_are_sorted_and_unique() {
        assert!(SUCCESS_RESULTS.windows(2).all(|w| w[0] < w[1]));
    }
}
