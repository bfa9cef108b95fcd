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

use regex::bytes::{Regex, RegexSet};

use super::LogReader;
use super::event;
use crate::codes::{self, Code};
use crate::facts;
use crate::read::{Line, Output, re, re_set};
use kb::tree;
use model::diagnosis::{Role, Verdict};

/// WU result codes that mean success: installed (0), installed with restart pending, already installed.
const SUCCESS_RESULTS: &[u32] = &[0, 0x0024_0005, 0x0024_0006, 0x8024_2014];
/// Of those, the ones that mean "restart to finish".
const RESTART_RESULTS: &[u32] = &[0x0024_0005, 0x8024_2014];

/// Cause ids for Windows Update and servicing codes that the knowledge base's own table does not name.
/// Sorted by code (a test checks it).
const WU_CAUSES: &[(u32, &str)] = &[
    (0x8007_0005, "access-denied"),
    (0x8007_0070, "disk-full"),
    (0x8007_0652, "another-install"),
    (0x8007_2ee2, "wu-network"),
    (0x8007_2efd, "wu-network"),
    (0x8007_2efe, "wu-network"),
    (0x8007_2f8f, "wu-network"),
    (0x8007_3712, "component-store"),
    (0x8007_371b, "component-store"),
    (0x800f_081f, "source-missing"),
    (0x800f_0831, "component-store"),
    (0x800f_0906, "source-missing"),
    (0x800f_0907, "source-missing"),
    (0x800f_0922, "servicing-installer"),
    (0x800f_0954, "source-missing"),
    (0x8020_002b, "wu-network"),
    (0x8024_0009, "wu-busy"),
    (0x8024_0016, "wu-busy"),
    (0x8024_4019, "wu-network"),
    (0x8024_401b, "wu-network"),
    (0x8024_4022, "wu-network"),
    (0x8024_402c, "wu-network"),
    (0x8024_402f, "wu-network"),
];

/// The cause a finding's codes point to: the knowledge base's specific causes first, then [`WU_CAUSES`].
pub(crate) fn cause_for(codes: &[String]) -> Option<String> {
    let mut all: Vec<String> = codes.to_vec();
    for c in codes {
        if let Some(code) = codes::parse(c) {
            all.extend(code.related().iter().map(Code::normalized));
        }
    }
    if let Some(c) = tree::cause_for_codes(&all).filter(|c| c.id != "install-failure") {
        return Some(c.id.clone());
    }
    all.iter().find_map(|c| match codes::parse(c) {
        Some(Code::HResult(h)) => WU_CAUSES
            .iter()
            .find(|(k, _)| *k == h)
            .map(|(_, id)| id.to_string()),
        _ => None,
    })
}

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

const LOG_HISTORY: usize = 0;
const CALL_COMPLETE: usize = 1;
const HR_DEPLOY: usize = 2;
const RETURN_CODE: usize = 3;
const EXIT_CODE: usize = 4;
const CLASSIC_WARNING: usize = 5;
const HANDLER: usize = 6;
const REPORT_EVENT: usize = 7;
const DOWNLOAD_ERROR: usize = 8;
const TITLE: usize = 9;
const UPDATE_ID: usize = 10;
const DESERIALIZED: usize = 11;
const DOWNLOAD_OK: usize = 12;
const OS_VERSION: usize = 13;
const EVENT_MESSAGE: usize = 14;
const SUSPENDED: usize = 15;
const SEARCH_OK: usize = 16;
const SELF_UPDATE_OK: usize = 17;
const SELF_UPDATE_FAILED: usize = 18;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"LogHistory called.*resultMapped=[0-9A-Fa-f]+",
            r"(?:Install|Download|Uninstall) call complete \(succeeded = [0-9]+, succeeded with errors = [0-9]+, failed = [0-9]+",
            r"Method (?:failed|succeeded) for update [0-9A-Fa-f-]{36}.*hrDeploy = 0x[0-9A-Fa-f]+",
            r"Install complete for update ID: [0-9A-Fa-f-]{36}.* Return code is 0x[0-9A-Fa-f]+",
            r"\* END \* +(?:Finding updates|Downloading updates|Installing updates).*Exit code = 0x[0-9A-Fa-f]+|WARNING: Exit code = 0x[0-9A-Fa-f]+",
            r"WARNING: (?:Install failed|Download failed|Failed to synchronize|Failed to find updates|Uninstall failed|Search callback failed)[^=]*(?:, error = 0x| with error code |, result = 0x)[0-9A-Fa-f]+|FATAL: .*(?:error|Error|hr|result)(?: with)?[ =:]+(?:0x)?8[0-9A-Fa-f]{7}",
            r"(?i)transaction error = 0x[0-9a-f]+, MSI result = 0x[0-9a-f]+|Command line install completed\. Return code = 0x[0-9A-Fa-f]+",
            r"REPORT EVENT: \{",
            r"Error occurred while downloading update [0-9A-Fa-f-]{36}|BITS job \{[^}]*\} failed, updateId = [0-9A-Fa-f-]{36}, hr = 0x[0-9A-Fa-f]+|OnDownloadJobFailure - UUP update [0-9A-Fa-f-]{36}.* failed with 0x8[0-9A-Fa-f]{7}",
            r"\bTitle = .",
            r"\bUpdateId = \{?[0-9A-Fa-f-]{36}",
            r"Deserialized installable update .+, UpdateID = \{[0-9A-Fa-f-]{36}",
            r"job \{[^}]*\} completed successfully, updateId = [0-9A-Fa-f-]{36}",
            r"OS ?Version ?= ?[0-9]+\.[0-9]+\.[0-9]{4,5}",
            r"Installation Failure: Windows failed to install|Installation Successful: Windows successfully installed",
            r"[0-9A-Fa-f-]{36}\}? download suspended|hit a transient error, updateId = [0-9A-Fa-f-]{36}",
            r"Found [0-9]+ updates and [0-9]+ categories in search",
            r"Install of setup package .* succeeded",
            // The agent's self-update from its update server (`…/selfupdate/wuident.cab: error 0x80190194`,
            // `SelfUpdate: … IsUpdateRequired failed: 0x80244019`).
            r"(?i:selfupdate)[^\r\n]*(?:failed|error)[^0-9\r\n]*(?:0x)?8[0-9A-Fa-f]{7}",
        ])
    })
}

struct Patterns {
    log_history: Regex,
    call_complete: Regex,
    hr_deploy: Regex,
    return_code: Regex,
    exit_code: Regex,
    classic_warning: Regex,
    handler: Regex,
    download_error: Regex,
    title: Regex,
    update_id: Regex,
    deserialized: Regex,
    download_ok: Regex,
    os_version: Regex,
    kb: Regex,
    suspended: Regex,
    failed_bracket: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        log_history: re(
            r"idUpdate=\{?([0-9A-Fa-f-]{36})\}?.*resultMapped=([0-9A-Fa-f]+)",
        ),
        call_complete: re(
            r"(Install|Download|Uninstall) call complete \(succeeded = ([0-9]+), succeeded with errors = ([0-9]+), failed = ([0-9]+)",
        ),
        hr_deploy: re(
            r"Method (failed|succeeded) for update ([0-9A-Fa-f-]{36}).*hrDeploy = 0x([0-9A-Fa-f]+)",
        ),
        return_code: re(
            r"Install complete for update ID: ([0-9A-Fa-f-]{36}).* Return code is 0x([0-9A-Fa-f]+)(.*Requires Reboot: ?Yes)?",
        ),
        exit_code: re(
            r"(Finding updates|Downloading updates|Installing updates|WARNING: Exit code).*Exit code = 0x([0-9A-Fa-f]+)",
        ),
        classic_warning: re(
            r"WARNING: (Install failed|Download failed|Failed to synchronize|Failed to find updates|Uninstall failed|Search callback failed)[^=]*?(?:, error = 0x| with error code |, result = 0x)([0-9A-Fa-f]+)|(FATAL): .*?(?:error|Error|hr|result)(?: with)?[ =:]+(?:0x)?(8[0-9A-Fa-f]{7})",
        ),
        handler: re(
            r"(?i)(?:MSI )?transaction error = (0x[0-9a-f]+), MSI result = (0x[0-9a-f]+)(?:, MSI action = ([A-Za-z0-9_.]+))?|Return code = (0x[0-9A-Fa-f]+)",
        ),
        download_error: re(
            r"(?:update|updateId = |UUP update) ([0-9A-Fa-f-]{36})(?:.*(?:hr = 0x|failed with 0x)([0-9A-Fa-f]{8}))?",
        ),
        title: re(r"\bTitle = (.+?)[ \t]*$"),
        update_id: re(r"\bUpdateId = \{?([0-9A-Fa-f-]{36})"),
        deserialized: re(r"Deserialized installable update (.+), UpdateID = \{([0-9A-Fa-f-]{36})"),
        download_ok: re(r"completed successfully, updateId = ([0-9A-Fa-f-]{36})"),
        os_version: re(r"OS ?Version ?= ?([0-9]+\.[0-9]+\.[0-9]{4,5}(?:\.[0-9]+)?)"),
        kb: re(r"(?i)\bKB ?([0-9]{6,7})\b"),
        failed_bracket: re(r"\*FAILED\* \[([0-9A-Fa-f]{8})\]"),
        suspended: re(r"([0-9A-Fa-f-]{36})\}? download suspended|updateId = ([0-9A-Fa-f-]{36})"),
    })
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
        if let Some(c) = cause_for(&out.findings[idx].codes) {
            out.cause(idx, &c);
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

/// Every line [`WindowsUpdateLog`] acts on holds one of these: a literal of each line class (a superset: the
/// classes still decide). Lines that keep state (a `Title = ` waiting for its `UpdateId = `, a download
/// error waiting for its `Download call complete`) are line classes too, so they are all seen. Checked
/// against handing every line to the reader by the chunking tests and the corpus.
const PREFILTER: &[&str] = &[
    // LOG_HISTORY, CALL_COMPLETE, HR_DEPLOY, RETURN_CODE, EXIT_CODE
    r"LogHistory called| call complete \(succeeded = |hrDeploy = 0x|Return code is 0x|Exit code = 0x",
    // CLASSIC_WARNING, REPORT_EVENT
    r"WARNING: (?:Install failed|Download failed|Failed to synchronize|Failed to find updates|Uninstall failed|Search callback failed)|FATAL: |REPORT EVENT: \{",
    // DOWNLOAD_ERROR, DOWNLOAD_OK, SUSPENDED
    r"Error occurred while downloading update |updateId = |OnDownloadJobFailure - UUP update | download suspended",
    // TITLE, UPDATE_ID, DESERIALIZED, OS_VERSION
    r"Title = |UpdateId = |Deserialized installable update |OS ?Version ?=",
    // EVENT_MESSAGE, SEARCH_OK, SELF_UPDATE_OK
    r"Installation Failure: Windows failed to install|Installation Successful: Windows successfully installed| categories in search|Install of setup package ",
    // SELF_UPDATE_FAILED
    r"elfupdate|elfUpdate",
];

/// HANDLER, which is case-insensitive, as lowercase words.
const PREFILTER_LOWERCASE: &[&str] =
    &[r"transaction error = 0x|command line install completed\. return code = 0x"];

impl LogReader for WindowsUpdateLog {
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(PREFILTER)
    }

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
        if hits.matched(TITLE) {
            if let Some(c) = p.title.captures(bytes) {
                let t = text(&c[1]);
                self.last_title = Some(t.clone());
                self.pending_title = Some(t);
            }
        }
        if hits.matched(UPDATE_ID) {
            if let (Some(t), Some(c)) = (self.pending_title.take(), p.update_id.captures(bytes)) {
                self.remember_title(guid(&c[1]), t);
            }
        }
        if hits.matched(DESERIALIZED) {
            if let Some(c) = p.deserialized.captures(bytes) {
                self.remember_title(guid(&c[2]), text(&c[1]));
            }
        }
        if hits.matched(OS_VERSION) && self.build.is_none() {
            if let Some(c) = p.os_version.captures(bytes) {
                self.build = Some(text(&c[1]));
            }
        }
        if hits.matched(DOWNLOAD_OK) {
            if let Some(c) = p.download_ok.captures(bytes) {
                self.recover(guid(&c[1]), line.no);
            }
        }
        if hits.matched(SEARCH_OK) {
            self.last_search_ok = line.no;
        }
        if hits.matched(SELF_UPDATE_OK) {
            // The agent updated itself (Vista/7 self-update): an installation that worked.
            self.success = true;
        }
        if hits.matched(SUSPENDED) && self.suspended.len() < MAX_TITLES {
            if let Some(c) = p.suspended.captures(bytes) {
                if let Some(m) = c.get(1).or(c.get(2)) {
                    self.suspended.insert(guid(m.as_bytes()), line.no);
                }
            }
        }
        if hits.matched(DOWNLOAD_ERROR) {
            if let Some(c) = p.download_error.captures(bytes) {
                let code = c
                    .get(2)
                    .and_then(|m| hex(m.as_bytes()))
                    .or_else(|| p.failed_bracket.captures(bytes).and_then(|b| hex(&b[1])));
                // Only the latest errors matter, for the `Download call complete` line that follows them.
                if self.download_errors.len() >= 8 {
                    self.download_errors.remove(0);
                }
                self.download_errors.push((guid(&c[1]), code));
            }
        }
        if hits.matched(LOG_HISTORY) {
            if let Some(c) = p.log_history.captures(bytes) {
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
        }
        if hits.matched(HR_DEPLOY) {
            if let Some(c) = p.hr_deploy.captures(bytes) {
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
        }
        if hits.matched(RETURN_CODE) {
            if let Some(c) = p.return_code.captures(bytes) {
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
        }
        if hits.matched(HANDLER) {
            if let Some(c) = p.handler.captures(bytes) {
                let result = c.get(2).or(c.get(4)).and_then(|m| hex(m.as_bytes()));
                if let Some(r) = result.filter(|r| *r != 0 && !SUCCESS_RESULTS.contains(r)) {
                    let action = c.get(3).map(|m| text(m.as_bytes()));
                    let summary = format!(
                        "The update's installer failed with {}{}.",
                        describe(r),
                        action
                            .as_ref()
                            .map(|a| format!(" in the action {a}"))
                            .unwrap_or_default()
                    );
                    if let Some(idx) =
                        self.candidate(out, line, Found::install_cause(None, summary, r))
                    {
                        if let Some(a) = action {
                            out.detail(idx, "action", a);
                        }
                        if let Some(t) = &self.last_title {
                            out.detail(idx, "update", t.clone());
                        }
                    }
                }
            }
        }
        if hits.matched(CALL_COMPLETE) {
            if let Some(c) = p.call_complete.captures(bytes) {
                let failed: u32 = text(&c[4]).parse().unwrap_or(0);
                let ok: u32 = text(&c[2]).parse::<u32>().unwrap_or(0)
                    + text(&c[3]).parse::<u32>().unwrap_or(0);
                let is_download = &c[1] == b"Download";
                if failed > 0 {
                    let (update, code) = self
                        .download_errors
                        .last()
                        .map(|(u, c)| (Some(u.clone()), *c))
                        .unwrap_or((None, None));
                    if is_download {
                        let summary = format!(
                            "Windows Update could not download {failed} update(s){}.",
                            code.map(|h| format!(": {}", describe(h)))
                                .unwrap_or_default()
                        );
                        self.candidate(
                            out,
                            line,
                            Found {
                                role: Role::Failure,
                                rank: 1,
                                kind: Kind::Download,
                                update,
                                summary,
                                code,
                            },
                        );
                    } else {
                        let summary =
                            format!("Windows Update reports {failed} update(s) failed to install.");
                        self.candidate(
                            out,
                            line,
                            Found {
                                role: Role::Summary,
                                rank: 2,
                                kind: Kind::Install,
                                update: None,
                                summary,
                                code: None,
                            },
                        );
                    }
                } else if ok > 0 {
                    self.success = true;
                    if is_download {
                        self.download_errors.clear();
                    }
                }
            }
        }
        if hits.matched(EXIT_CODE) {
            if let Some(c) = p.exit_code.captures(bytes) {
                let code = hex(&c[2]).unwrap_or(0);
                let what = text(&c[1]);
                let benign =
                    code == 0 || code & 0x8000_0000 == 0 || SUCCESS_RESULTS.contains(&code);
                if what == "Finding updates" && benign {
                    self.last_search_ok = line.no;
                } else if !benign {
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
                    // A search that fails is Windows Update's own problem; everything else in this branch
                    // follows an installation.
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
            }
        }
        if hits.matched(SELF_UPDATE_FAILED) && !self.self_update_failed {
            // The first failing request of the agent's self-update names what the server did not serve; the
            // lines after it only repeat the result.
            let code = codes::find_codes(bytes).iter().find_map(|m| match m.code {
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
                out.cause(idx, "wsus-selfupdate");
                self.self_update_failed = true;
            }
            return;
        }
        if hits.matched(CLASSIC_WARNING) {
            if let Some(c) = p.classic_warning.captures(bytes) {
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
                        "Failed to synchronize"
                        | "Failed to find updates"
                        | "Search callback failed" => Kind::Search,
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
        }
        if hits.matched(REPORT_EVENT) {
            if let Some(pos) = line.text.find("REPORT EVENT: ") {
                if let Some(r) = ReportRow::parse(&line.text[pos + "REPORT EVENT: ".len()..]) {
                    self.report_row(&r, line, out);
                }
            }
        } else if hits.matched(EVENT_MESSAGE) {
            if let Some(e) = event::classify_line(line.text) {
                if e.role == Role::Success {
                    self.success = true;
                } else {
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
        }
    }

    fn finish(&mut self, out: &mut Output) {
        // A Windows Update log names hundreds of updates in passing (search results, downloads): the KB,
        // product and .NET version learned from its lines belong to whichever came first, not to the one that
        // failed. Only the failing update's own title may set them, below.
        for key in ["kb", "product", "dotnet_target", "update_title"] {
            out.facts.remove(key);
        }
        if let Some(b) = &self.build {
            out.facts.set("windows_build", b.clone());
            // The machine's build beats a Windows version named in an update's title.
            if let Some(w) = facts::windows_from_text(b.as_bytes()) {
                out.facts.set("windows", w);
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
                let kb = patterns()
                    .kb
                    .captures(t.as_bytes())
                    .map(|c| format!("KB{}", text(&c[1])));
                if let Some(kb) = &kb {
                    out.detail(idx, "KB", kb.clone());
                    out.facts.set("kb", kb.clone());
                }
                out.facts.set("update_title", t.clone());
                if let Some(p) = facts::product_from_text(t.as_bytes()) {
                    out.facts.set("product", p);
                }
                facts::learn_from_line(t.as_bytes(), &mut out.facts);
            }
        } else if self.success || self.restart_pending || self.last_search_ok > 0 {
            // A log whose searches completed and where nothing failed: the agent did what it was asked.
            out.verdict = Some(Verdict::Succeeded);
            if self.restart_pending {
                out.facts.learn("restart_pending", "yes");
                out.note("Windows Update installed updates that wait for a restart (80242014): restart the computer to finish them.");
            }
        } else {
            out.verdict = Some(Verdict::Inconclusive);
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
            if let Some(c) = cause_for(&out.findings[idx].codes) {
                out.cause(idx, &c);
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

/// The cause id of an undecoded trace, for the knowledge base.
pub const ETL_UNDECODED: &str = "etl-undecoded";

impl LogReader for EtlTrace {
    fn line(&mut self, _line: &Line<'_>, _out: &mut Output) {
        self.placeholder = true;
    }

    fn finish(&mut self, out: &mut Output) {
        out.verdict = Some(Verdict::Inconclusive);
        out.facts.learn("cause", ETL_UNDECODED);
        out.facts.learn(
            "log_path",
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
    fn cause_table_is_sorted_and_unique() {
        assert!(WU_CAUSES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(SUCCESS_RESULTS.windows(2).all(|w| w[0] < w[1]));
    }
}
