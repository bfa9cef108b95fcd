//! Text of no known log format: a pasted error message, an event's text, a few lines from a forum post.
//!
//! Every line with a code and a word of failure is a finding; the first one that names a specific cause is
//! the root cause, else the first failure.

use std::sync::OnceLock;

use regex::bytes::RegexSet;

use super::kinds::line_kinds;
use crate::codes;
use crate::re::re_set_no_prefilter;
use crate::read::{Line, Output};
use kb::cause;
use kb::tree;
use model::diagnosis::{Role, Verdict};
use model::facts::Fact;

#[derive(Default)]
pub struct TextLog {
    first_cause: Option<usize>,
    first_failure: Option<usize>,
    succeeded: bool,
    /// The end of the lines just before this one (up to a blank line), joined by spaces: a dialog's text that
    /// the person's mail or forum wrapped over several lines is recognised across the breaks.
    recent: String,
    /// The line before asked PowerShell for an exit code (`$p.ExitCode`, `$LASTEXITCODE`): a number alone on
    /// this line is that code.
    asked_exit_code: bool,
    /// The last line with text, when short: the update's title above a Settings page's `Status: … error`.
    previous: String,
}

line_kinds! {
    /// What package managers and consoles print around an installer's failure: the package's name, the verbose
    /// log the installer was told to write, an exit code asked for. The reader has no prefilter, so the rows have
    /// no literals.
    pub(super) enum ConsoleLine {
        /// winget's `Found <name> [<id>] Version …`.
        WingetFound: Fact {
            pattern: r"^Found .+ \[[^\]]+\] Version ",
            fields: r"^Found (.+?) \[[^\]]+\] Version ",
            example: "Found Contoso Notes [Contoso.Notes] Version 2.1.0",
        },
        /// Chocolatey's package, failing or being installed.
        ChocoPackage: Fact {
            pattern: r"^The (?:install|upgrade|uninstall) of \S+ was NOT successful|^Installing \S+\.\.\.$",
            fields: r"^(?:The (?:install|upgrade|uninstall) of (\S+) was NOT successful|Installing (\S+)\.\.\.$)",
            example: "The install of contoso-notes was NOT successful.",
        },
        /// The verbose MSI log a command line asked for (`/l*v "C:\…\install.log"`).
        VerboseLog: Fact {
            pattern: r"(?i)/l\*?v?x?\+? +\x22?([A-Za-z]:\\[^\x22]+\.log)",
            example: "msiexec /i contoso.msi /l*v \"C:\\Temp\\install.log\"",
        },
        /// PowerShell asked for the exit code: a number alone on the next line is it.
        ExitCodeAsked: Fact {
            pattern: r"(?i)(?:\.ExitCode|\$LASTEXITCODE)\s*$",
            example: "PS C:\\> $LASTEXITCODE",
        },
        /// Windows Update's Settings page and history: the update's title, then `Status: Download error -
        /// 0x80070643` (or `Install error`, `Failed to install on <date> - 0x…`) on the next line.
        UpdateStatus: Fact {
            pattern: r"(?i)^\s*Status\s*:?\s*(?:(?:Download|Install|Installation) error|Failed to install)",
            example: "Status: Install error - 0x80070643",
        },
    }
    set: re_set_no_prefilter,
}

/// How much of the preceding lines a wrapped dialog text is looked for in.
const RECENT: usize = 300;
/// How much of a line is joined to the recent lines to find a wrapped dialog text (longer than any match).
const JOINED: usize = 2048;

/// Windows Installer messages people paste without their number, by a phrase of their text that no other
/// message shares (texts from the Windows Installer error-message reference). Sorted by number.
pub const DIALOGS: &[(u32, &str)] = &[
    (
        1303,
        r"(?i)The installer has insufficient privileges to access this directory",
    ),
    (
        1306,
        r"(?i)The file .{0,200} is in use\. +If you can, please close the application",
    ),
    (1308, r"(?i)Source file not found"),
    (1310, r"(?i)Error writing to file"),
    (1311, r"(?i)Could not locate source file cabinet"),
    (
        1316,
        r"(?i)A network error occurred while attempting to read from the file",
    ),
    (
        1317,
        r"(?i)An error occurred while attempting to create the directory",
    ),
    (
        1330,
        r"(?i)cabinet file .{0,80} has an invalid digital signature",
    ),
    (
        1334,
        r"(?i)cannot be installed because the file cannot be found in cabinet file",
    ),
    (
        1335,
        r"(?i)The cabinet file .{0,200} required for this installation is corrupt",
    ),
    (1402, r"(?i)Could not open key: "),
    (1406, r"(?i)Could not write value .{0,200} to key"),
    (1500, r"(?i)Another installation is in progress"),
    (
        1601,
        r"(?i)The Windows Installer service could(?:n.{1,3}t| not) be accessed\. +Contact your support personnel",
    ),
    (
        1602,
        r"(?i)The user cancel+ed (?:the )?installation|User cancel+ed installation",
    ),
    (
        1603,
        r"(?i)A fatal error occurred during installation|Fatal error during installation",
    ),
    (
        1612,
        r"(?i)The installation source for this product is(?:n.{1,3}t| not) available",
    ),
    (
        1618,
        r"(?i)Another installation is already in progress|Another program is being installed",
    ),
    (
        1619,
        r"(?i)This installation package could(?:n.{1,3}t| not) be opened\. +Verify that the package exists",
    ),
    (
        1620,
        r"(?i)This installation package could(?:n.{1,3}t| not) be opened\. +Contact the application vendor",
    ),
    (1625, r"(?i)This installation is forbidden by system policy"),
    (
        1632,
        r"(?i)The Temp folder is (?:either full or inaccessible|on a drive that is full)",
    ),
    (
        1633,
        r"(?i)This installation package is(?:n.{1,3}t| not) supported (?:on this platform|by this processor type)",
    ),
    (
        1638,
        r"(?i)Another version of this product is already installed",
    ),
    (
        1639,
        r"(?i)Invalid command line argument\. +Consult the Windows Installer SDK",
    ),
    (
        1642,
        r"(?i)can(?:n.{1,3}t| not) install the upgrade patch because the program being upgraded may be missing",
    ),
    (
        1643,
        r"(?i)The (?:patch|update) package is(?:n.{1,3}t| not) permitted by (?:system|software restriction) policy",
    ),
    (1714, r"(?i)The older version of .{0,200} cannot be removed"),
    (
        1719,
        r"(?i)The Windows Installer Service could not be accessed",
    ),
    (
        1720,
        r"(?i)A script required for this install to complete could not be run",
    ),
    (
        1721,
        r"(?i)A program required for this install to complete could not be run",
    ),
    (
        1722,
        r"(?i)A program run as part of the setup did not finish as expected",
    ),
    (
        1723,
        r"(?i)A DLL required for this install to complete could not be run",
    ),
    (
        1730,
        r"(?i)You must be an Administrator to remove this application",
    ),
    (1904, r"(?i)Module .{0,200} failed to register\. +HRESULT"),
    (1911, r"(?i)Could not register type library for file"),
    (
        1920,
        r"(?i)Service .{0,200} failed to start\. +Verify that you have sufficient privileges to start system services",
    ),
    (
        1925,
        r"(?i)You do not have sufficient privileges to complete this installation for all users",
    ),
    (
        1935,
        r"(?i)An error occurred during the installation of assembly",
    ),
    (
        2502,
        r"(?i)Called InstallFinalize when no install in progress",
    ),
    (2503, r"(?i)Called RunScript when not marked in progress"),
];

fn dialogs() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| re_set_no_prefilter(&DIALOGS.iter().map(|d| d.1).collect::<Vec<_>>()))
}

/// The message number of an error dialog's text, when the text is one people paste without it.
pub fn dialog_number(text: &[u8]) -> Option<u32> {
    dialogs().matches(text).iter().next().map(|i| DIALOGS[i].0)
}

/// The sentences of the dialogs people most often retype, as plain lowercase words, for recognising them with
/// small typos ([`dialog_number_retyped`]).
/// Sorted by number; a test checks that each number is a dialog of [`DIALOGS`] and its sentence reads as it.
pub const RETYPED: &[(u32, &str)] = &[
    (1602, "the user canceled installation"),
    (1603, "a fatal error occurred during installation"),
    (
        1612,
        "the installation source for this product is not available",
    ),
    (1618, "another installation is already in progress"),
    (
        1619,
        "this installation package could not be opened verify that the package exists",
    ),
    (
        1620,
        "this installation package could not be opened contact the application vendor",
    ),
    (1632, "the temp folder is either full or inaccessible"),
    (1638, "another version of this product is already installed"),
    (1719, "the windows installer service could not be accessed"),
    (
        1721,
        "a program required for this install to complete could not be run",
    ),
    (
        1722,
        "a program run as part of the setup did not finish as expected",
    ),
    (
        1723,
        "a dll required for this install to complete could not be run",
    ),
    (
        1730,
        "you must be an administrator to remove this application",
    ),
    (
        1925,
        "you do not have sufficient privileges to complete this installation for all users",
    ),
    (
        1935,
        "an error occurred during the installation of assembly",
    ),
    (2503, "called runscript when not marked in progress"),
];

/// The message number of a dialog's sentence retyped with small mistakes: each word of the sentence found in
/// order, at most two of them misspelt by one letter (a letter missing, added, changed or two swapped), and
/// `couldn't`, `isn't` read as `could not`, `is not`. Only for short texts that a person typed.
pub fn dialog_number_retyped(text: &str) -> Option<u32> {
    let words = plain_words(text);
    if words.len() < 4 {
        return None;
    }
    RETYPED.iter().find_map(|&(n, sentence)| {
        let want: Vec<&str> = sentence.split(' ').collect();
        (0..=words.len().saturating_sub(want.len())).find_map(|start| {
            let mut typos = 0;
            for (w, got) in want.iter().zip(&words[start..]) {
                if w == got {
                    continue;
                }
                if w.len() >= 3 && one_typo(w.as_bytes(), got.as_bytes()) {
                    typos += 1;
                } else {
                    return None;
                }
            }
            (typos <= 2).then_some(n)
        })
    })
}

/// Lowercase ASCII words, with `n't` contractions spelt out.
fn plain_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text
        .split(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '"' | '>' | ':' | '!' | '?'))
    {
        let w: String = raw
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '\'' | '\u{2019}'))
            .collect::<String>()
            .to_ascii_lowercase();
        if w.is_empty() {
            continue;
        }
        let bare: String = w.chars().filter(char::is_ascii_alphanumeric).collect();
        match bare
            .strip_suffix("nt")
            .filter(|_| w.contains(['\'', '\u{2019}']))
        {
            Some(stem) => {
                out.push(if stem == "ca" {
                    "can".to_string()
                } else {
                    stem.to_string()
                });
                out.push("not".to_string());
            }
            None => out.push(bare),
        }
    }
    out
}

/// Whether two words differ by one edit: a letter missing, added or changed, or two neighbours swapped.
fn one_typo(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra.len() <= 1
                || ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    }
}

line_kinds! {
    /// The words of a line of free text that the reader weighs (with the codes on the line and the dialogs'
    /// texts). The reader has no prefilter, so the rows have no literals.
    pub(super) enum TextLine {
        /// A word of failure.
        Fail: Failure {
            pattern: r"(?i)fail|error|unable|could not|couldn't|cannot|not installed|aborted|rolled back|rollback",
            example: "The installation failed with error 0x80070643.",
        },
        /// A word of success.
        Success: Success {
            pattern: r"(?i)completed successfully|installed successfully|installation successful|succeeded|success or error status: 0\b",
            example: "Contoso Notes installed successfully.",
        },
        /// MsiInstaller 11708/11725's text: it says that, not why.
        ProductFailed: Failure {
            pattern: r"-- (?:Installation|Removal|Configuration) (?:operation )?failed\.",
            example: "Product: Contoso Notes -- Installation operation failed.",
        },
        /// SideBySide 33/59: a dependent assembly (a Visual C++ runtime) is missing, in English or German.
        SxsMissing: Cause {
            pattern: r"(?i)(?:dependent assembly|abh.{0,3}ngige Assemblierung).{0,300}(?:could not be found|konnte nicht gefunden werden)",
            example: "Activation context generation failed for \"C:\\Program Files\\Contoso\\notes.exe\". Dependent Assembly Microsoft.VC90.CRT,processorArchitecture=\"amd64\",publicKeyToken=\"1fc8b3b9a1e18e3b\",type=\"win32\",version=\"9.0.21022.8\" could not be found.",
        },
        /// A prerequisite check that failed.
        Prerequisite: Cause {
            pattern: r"is 'Fail'|RunCheck result: Fail|A prerequisite failed for Package",
            example: "RunCheck result: Fail",
        },
    }
    set: re_set_no_prefilter,
}

impl TextLog {
    /// Learns what a package manager's or a console's lines say: the package, the MSI log it asked for, and an
    /// exit code printed alone after PowerShell was asked for it. Returns whether the line was such a code.
    fn console_line(&mut self, line: &Line<'_>, out: &mut Output) -> bool {
        let text = line.text.trim();
        let asked = std::mem::take(&mut self.asked_exit_code);
        let bytes = line.text.as_bytes();
        let kinds = ConsoleLine::of(bytes);
        // A kind's first group that matched, trimmed: the name or the path it gives.
        let capture = |kind: ConsoleLine| {
            kind.captures(bytes).and_then(|m| {
                m.iter()
                    .skip(1)
                    .flatten()
                    .next()
                    .map(|g| String::from_utf8_lossy(g.as_bytes()).trim().to_string())
            })
        };
        for kind in kinds.iter() {
            match kind {
                ConsoleLine::WingetFound | ConsoleLine::ChocoPackage => {
                    if let Some(name) = capture(kind) {
                        out.facts.learn(Fact::ProductName, name);
                    }
                }
                ConsoleLine::VerboseLog => {
                    if let Some(path) = capture(kind) {
                        out.facts.learn(Fact::LogPath, path);
                    }
                }
                // Read below, on every line: the next line is the code only right after this one.
                ConsoleLine::ExitCodeAsked => {}
                ConsoleLine::UpdateStatus => {
                    if !self.previous.is_empty() {
                        let title = std::mem::take(&mut self.previous);
                        match crate::facts::product_from_text(title.as_bytes()) {
                            Some(kind) => out.facts.learn(Fact::Product, kind),
                            // Another program's update, delivered by Windows Update: its title names what
                            // failed.
                            None => out.facts.learn(
                                Fact::ProductName,
                                title.trim_end_matches([' ', '-']).to_string(),
                            ),
                        }
                        out.facts.learn(Fact::UpdateTitle, title);
                    }
                }
            }
        }
        self.asked_exit_code = kinds.has(ConsoleLine::ExitCodeAsked);
        // Every line of a text passes here: the buffer is reused, not allocated per line.
        if !text.is_empty() {
            self.previous.clear();
            if text.len() <= 200 {
                self.previous.push_str(text);
            }
        }
        let number = text.parse::<i64>().ok().filter(|n| *n != 0);
        if let (true, Some(n)) = (asked, number) {
            let code = codes::parse(&n.to_string());
            if let Some(code) = code.filter(|c| codes::info(c).is_some()) {
                let summary = format!(
                    "The installer's exit code, printed by PowerShell: {}",
                    summary_for(&[codes::CodeMatch {
                        start: 0,
                        end: 0,
                        code
                    }])
                );
                if let Some(idx) = out.finding(line, Role::Failure, summary) {
                    out.findings[idx].codes = std::iter::once(code)
                        .chain(code.related())
                        .map(|c| c.normalized())
                        .collect();
                    let cause = tree::cause_id_for_codes(&out.findings[idx].codes);
                    if let Some(c) = cause {
                        out.cause(idx, c);
                    }
                    if cause.is_some_and(|c| c != cause::INSTALL_FAILURE) {
                        out.findings[idx].role = Role::Cause;
                        self.first_cause.get_or_insert(idx);
                    }
                    self.first_failure.get_or_insert(idx);
                }
                return true;
            }
        }
        false
    }
}

impl super::LogReader for TextLog {
    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        if self.console_line(line, out) {
            return;
        }
        let kinds = TextLine::of(line.text.as_bytes());
        let text = line.text.trim();
        // A dialog's text wrapped across lines starts in the recent lines; its match, at most a few hundred bytes,
        // ends within the start of this line. Only that start is joined, so that a very long line (a piece of a
        // file without line breaks) is not copied and searched twice.
        let joined = (!self.recent.is_empty()).then(|| {
            let mut head = text.len().min(JOINED);
            while !text.is_char_boundary(head) {
                head -= 1;
            }
            format!("{} {}", self.recent, &text[..head])
        });
        let dialog = dialog_number(line.text.as_bytes())
            .or_else(|| joined.as_deref().and_then(|j| dialog_number(j.as_bytes())))
            // A person retyping the message box makes typos; only the first lines of a text are typed.
            .or_else(|| {
                (line.no <= SHORT_LINES)
                    .then(|| dialog_number_retyped(joined.as_deref().unwrap_or(text)))
                    .flatten()
            });
        // Remember this line's end for the next one (a blank line ends a paragraph).
        if text.is_empty() {
            self.recent.clear();
        } else {
            if !self.recent.is_empty() {
                self.recent.push(' ');
            }
            // Only the end of a line can be recent: a long line is not copied whole.
            let mut tail = text.len().saturating_sub(RECENT);
            while !text.is_char_boundary(tail) {
                tail += 1;
            }
            self.recent.push_str(&text[tail..]);
            if self.recent.len() > RECENT {
                let mut cut = self.recent.len() - RECENT;
                while !self.recent.is_char_boundary(cut) {
                    cut += 1;
                }
                self.recent.drain(..cut);
            }
        }
        // A code pasted on its own (`0x80070652`, `Error code: 0x8024402c`) is the error the person saw.
        let bare = !kinds.has(TextLine::Fail) && is_bare_code(line.text);
        let short = line.no <= SHORT_LINES && line.text.len() <= 200;
        if !kinds.any() && dialog.is_none() && !bare && !short {
            return;
        }
        if self.first_cause.is_none() {
            let special = if let Some(n) = dialog {
                Some((
                    crate::codes::Code::MsiMessage(n).normalized(),
                    None,
                    format!("The text of Windows Installer error {n}, pasted without its number."),
                ))
            } else if kinds.has(TextLine::SxsMissing) {
                Some((
                    "14001".to_string(),
                    Some(cause::SXS_MISSING_ASSEMBLY),
                    "A program could not start: a side-by-side assembly it depends on (usually a Visual C++ runtime) is not installed.".to_string(),
                ))
            } else if kinds.has(TextLine::Prerequisite) {
                Some((
                    String::new(),
                    Some(cause::PREREQUISITE_NOT_MET),
                    "A prerequisite check failed: setup will not run on this computer as it is."
                        .to_string(),
                ))
            } else {
                None
            };
            if let Some((code, cause, summary)) = special {
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    if !code.is_empty() && !out.findings[idx].codes.contains(&code) {
                        out.findings[idx].codes.insert(0, code);
                    }
                    let cause =
                        cause.or_else(|| tree::cause_id_for_codes(&out.findings[idx].codes));
                    if let Some(c) = cause {
                        out.cause(idx, c);
                    }
                    self.first_cause = Some(idx);
                    self.first_failure.get_or_insert(idx);
                }
                return;
            }
        }
        // PowerShell prints an app deployment error as the HRESULT's line, then the deployment engine's own
        // reason ("Windows cannot install package X because this package depends on a framework that could not
        // be found…"): the reason is the evidence, with the code of the line before it.
        if line.text.contains("Windows cannot ") && line.text.contains(" because ") {
            let before = self.first_cause.filter(|&i| {
                out.findings[i].cause.as_deref() == Some(cause::APP_PACKAGE.as_str())
                    && line.no.saturating_sub(out.findings[i].line) <= 3
            });
            if let Some(prev) = before {
                let summary = "Windows' app deployment says why it refused the package.";
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    out.findings[idx].codes = out.findings[prev].codes.clone();
                    out.cause(idx, cause::APP_PACKAGE);
                    self.first_cause = Some(idx);
                    if self.first_failure == Some(prev) {
                        self.first_failure = Some(idx);
                    }
                }
                return;
            }
        }
        if kinds.has(TextLine::ProductFailed) && self.first_failure.is_none() {
            if let Some(idx) = out.finding(
                line,
                Role::Failure,
                "Windows Installer reports that the installation failed, without saying why.",
            ) {
                self.first_failure = Some(idx);
            }
            return;
        }
        let mut found = codes::find_codes(line.text.as_bytes());
        // What a worried person types: a short line near the top with a known failure HRESULT and no word of
        // failure (`0x80070643 windows 11`), or `error 1603` in lower case (a return code, not a message).
        let mut typed = None;
        if short && found.is_empty() && kinds.has(TextLine::Fail) {
            typed = typed_return_code(line.text).map(|code| codes::CodeMatch {
                start: 0,
                end: 0,
                code,
            });
            found.extend(typed);
        }
        // A code counts alone when it is a known failure HRESULT, or names a cause (`msiexec returned 1601`).
        let code_alone = short
            && found.iter().any(|m| {
                (matches!(m.code, codes::Code::HResult(h) if h >= 0x8000_0000)
                    && codes::info(&m.code).is_some())
                    || tree::cause_id_for_codes(&[m.code.normalized()])
                        .is_some_and(|c| c != cause::SUCCEEDED)
            });
        if (kinds.has(TextLine::Fail) || bare || code_alone) && !found.is_empty() {
            let normalized: Vec<String> = found
                .iter()
                .flat_map(|m| std::iter::once(m.code).chain(m.code.related()))
                .map(|c| c.normalized())
                .collect();
            let cause = tree::cause_id_for_codes(&normalized);
            // A generic code (1603) only says that setup failed; a specific one says why.
            let specific = cause.is_some_and(|c| c != cause::INSTALL_FAILURE);
            let role = if specific { Role::Cause } else { Role::Failure };
            let summary = summary_for(&found);
            if let Some(idx) = out.finding(line, role, summary) {
                if let Some(m) = typed {
                    let code = m.code.normalized();
                    if !out.findings[idx].codes.contains(&code) {
                        out.findings[idx].codes.insert(0, code);
                    }
                }
                if let Some(c) = cause {
                    out.cause(idx, c);
                }
                if specific && self.first_cause.is_none() {
                    self.first_cause = Some(idx);
                }
                if self.first_failure.is_none() {
                    self.first_failure = Some(idx);
                }
            }
        } else if kinds.has(TextLine::Success) && !kinds.has(TextLine::Fail) {
            self.succeeded = true;
            out.finding(line, Role::Success, "This line reports success.");
        }
    }

    fn finish(&mut self, out: &mut Output) {
        out.root = self.first_cause.or(self.first_failure);
        if let (None, Some(idx)) = (self.first_cause, out.root) {
            // A line with a code keeps it as its cause (0x800f0906 says why; and the knowledge base knows
            // where 0x643 on a .NET update mostly comes from). A failure with no code at all names no cause.
            if out.findings[idx].cause.is_none() && out.findings[idx].codes.is_empty() {
                out.cause(idx, cause::NO_CAUSE_IN_LOG);
                out.note("The text says that the installation failed but not why. The installer's own log holds the cause: for an MSI package, a verbose log (msiexec /i <package>.msi /l*v install.log, or the Windows Installer Logging policy, then %TEMP%\\MSI*.LOG).");
            }
        }
        out.verdict = Some(if out.root.is_some() {
            Verdict::Failed
        } else if self.succeeded {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
    }
}

/// Lines at the top of a text that count as typed by a person (a pasted title, a question).
const SHORT_LINES: u64 = 40;

/// A return code typed as `error 1603` (lower case, which the code finder leaves alone: in logs `Error 1603.`
/// is a message number), when the code table knows it.
/// Also the Windows Installer's dialog for an internal error, "… The error code is 2503.", whose number is a
/// message number.
fn typed_return_code(text: &str) -> Option<codes::Code> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re =
        RE.get_or_init(|| crate::read::re(r"(?:\b(error code is) |\berror[ :#]+)([0-9]{4})\b"));
    let c = re.captures(text.as_bytes())?;
    let n: u32 = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
    if c.get(1).is_some() {
        return Some(codes::Code::MsiMessage(n));
    }
    let code = codes::Code::Win32(n);
    codes::info(&code).map(|_| code)
}

/// Whether a line is only an error code, maybe with the words "error" or "code" and punctuation around it.
fn is_bare_code(text: &str) -> bool {
    if text.len() > 80 {
        return false;
    }
    let found = codes::find_codes(text.as_bytes());
    if found.is_empty() {
        return false;
    }
    let mut rest = String::with_capacity(text.len());
    let mut at = 0;
    for m in &found {
        if m.start >= at && m.end <= text.len() && text.is_char_boundary(m.start) {
            rest.push_str(&text[at..m.start]);
            rest.push(' ');
            at = m.end;
        }
    }
    if text.is_char_boundary(at) {
        rest.push_str(&text[at..]);
    }
    rest.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .all(|w| matches!(w, "" | "code" | "error" | "hresult" | "0x"))
}

/// One sentence naming the codes on a line.
pub(crate) fn summary_for(found: &[codes::CodeMatch]) -> String {
    let parts: Vec<String> = found
        .iter()
        .map(|m| match codes::info(&m.code) {
            Some(i) => format!("{} ({}): {}", m.code, i.name, i.meaning),
            None => format!("{}: not in the code table.", m.code),
        })
        .collect();
    parts.join(" ")
}

#[cfg(test)]
mod retyped_tests {
    use super::*;

    /// The retyped sentences are a data table: sorted, each a dialog of [`DIALOGS`], each read as its own number
    /// (no sentence is another's within two typos).
    #[test]
    fn retyped_sentences_are_their_dialogs() {
        assert!(
            RETYPED.windows(2).all(|w| w[0].0 < w[1].0),
            "RETYPED is sorted"
        );
        for &(n, sentence) in RETYPED {
            assert!(DIALOGS.iter().any(|d| d.0 == n), "{n} is no dialog");
            assert_eq!(dialog_number_retyped(sentence), Some(n), "{sentence}");
        }
    }

    #[test]
    fn retyped_with_typos() {
        for (text, expected) in [
            (
                "A program run as part of the setup did not finsh as expected.",
                Some(1722),
            ),
            (
                "a programm run as part of teh setup did not finish as expected",
                Some(1722),
            ),
            (
                "This installation package couldn't be opened. Verify that the package exists",
                Some(1619),
            ),
            (
                "This instalation package could not be opened. Contact the application vendor",
                Some(1620),
            ),
            (
                "Another version of this product is allready installed.",
                Some(1638),
            ),
            // Three mistakes are too many to be sure; a different sentence is no dialog.
            (
                "a prgram rn as part of teh setup did not finish as expected",
                None,
            ),
            (
                "the program did not finish its work as expected today",
                None,
            ),
            ("", None),
        ] {
            assert_eq!(dialog_number_retyped(text), expected, "{text}");
        }
    }

    #[test]
    fn one_letter_apart() {
        for (a, b, expected) in [
            ("finish", "finsh", true),
            ("finish", "finishh", true),
            ("finish", "fnisih", false),
            ("the", "teh", true),
            ("setup", "setpu", true),
            ("expected", "expected", true),
            ("expected", "exp", false),
            ("vendor", "vandar", false),
        ] {
            assert_eq!(one_typo(a.as_bytes(), b.as_bytes()), expected, "{a} {b}");
        }
    }
}
