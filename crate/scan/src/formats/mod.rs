//! Log formats: detection from content (never from the file name) and one reader per format.
//!
//! A reader sees every line of its file once, in order, and writes findings, facts and a verdict into an
//! [`Output`]. It keeps only small state: the failing action, candidate lines' indexes, counters. Every reader
//! is wrapped in [`paste::Pasted`], which undoes what pasting does to a log (quote marks, line numbers, a log
//! flattened onto one line…), so a snippet pasted into a forum post is read by its own format's rules.

// Each reader's line kinds in one table (`line_kinds!`).
mod kinds;
mod msi;
mod paste;
mod text;
// Setup chains: .NET Framework setup, WiX Burn bundles, Inno Setup.
mod burn;
mod dotnet;
mod inno;

pub use paste::{clean as clean_pasted_line, pieces as pasted_pieces};

// Windows Update, CBS/DISM, event-log exports, undecoded traces, Windows Setup.
mod cbs;
pub(crate) mod event;
pub(crate) mod windows_update;

// ---- setup-logs: Windows Setup (feature updates, clean installs, Sysprep, setupapi, SetupDiag) ----
mod setup;

use crate::read::{Line, Output, re_set};
use std::sync::OnceLock;

/// The formats the engine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// A Windows Installer log, verbose (`/l*v`) or not.
    Msi,
    /// Anything else: pasted text, an error message, an unknown log.
    Text,
    // Setup chains.
    /// A .NET Framework setup log: 2.0/3.0/3.5 `dd_*.txt`, 4.x and chainer logs, bootstrapper logs.
    Dotnet,
    /// A WiX Burn bundle log (`[PID:TID][time]i001: Burn v3…`).
    Burn,
    /// An Inno Setup log (`YYYY-MM-DD HH:MM:SS.mmm   Setup version: Inno Setup version 6…`).
    Inno,

    // Windows servicing and its records.
    /// WindowsUpdate.log: the Vista/7 tab-separated log or the Windows 10+ `Get-WindowsUpdateLog` output.
    WindowsUpdate,
    /// `%windir%\SoftwareDistribution\ReportingEvents.log`: one tab-separated line per update event.
    ReportingEvents,
    /// A Configuration Manager log in CMTrace format (`<![LOG[…]LOG]!><time=… type="3">`).
    CmTrace,
    /// A binary Event Tracing for Windows trace (`.etl`), not decoded into text.
    EtlTrace,
    /// CBS.log (servicing stack, SFC `[SR]` lines).
    Cbs,
    /// DISM.log.
    Dism,
    /// Event-log exports: Event Viewer text, FRST lists, single event messages.
    EventLog,
    /// An archive whose entries were read as files of their own; it holds no lines itself.
    Archive,

    // ---- setup-logs ----
    /// Windows Setup: Panther `setupact.log` / `setuperr.log` (also Rollback and Sysprep's), `setupapi.dev.log`,
    /// SetupDiag's results.
    WindowsSetup,
}

impl LogFormat {
    /// The id used in [`model::diagnosis::FileSummary::format`].
    pub fn id(self) -> &'static str {
        match self {
            LogFormat::Msi => "msi",
            LogFormat::Text => "text",
            LogFormat::Dotnet => "dotnet",
            LogFormat::Burn => "burn",
            LogFormat::Inno => "inno",
            LogFormat::WindowsUpdate => "windowsupdate",
            LogFormat::ReportingEvents => "reportingevents",
            LogFormat::CmTrace => "cmtrace",
            LogFormat::EtlTrace => "etl",
            LogFormat::Cbs => "cbs",
            LogFormat::Dism => "dism",
            LogFormat::EventLog => "event",
            LogFormat::Archive => "archive",
            LogFormat::WindowsSetup => "setup",
        }
    }

    /// How deep in the chain of installers a log sits: a cause found in a deeper log explains the failure
    /// reported by a shallower one (Windows Update → .NET setup or Burn bundle → MSI).
    pub fn depth(self) -> u8 {
        match self {
            LogFormat::Msi => 5,
            LogFormat::Text => 1,
            LogFormat::Dotnet | LogFormat::Burn | LogFormat::Inno => 3,
            LogFormat::EventLog => 1,
            LogFormat::WindowsUpdate | LogFormat::ReportingEvents | LogFormat::CmTrace => 2,
            LogFormat::Cbs | LogFormat::Dism => 3,
            LogFormat::EtlTrace | LogFormat::Archive => 0,
            // Setup runs DISM, CBS and driver installs of its own: their logs explain its failures.
            LogFormat::WindowsSetup => 2,
        }
    }
}

/// How much of a file's text decides its format: the scanner waits for this much before it picks a reader.
pub const DETECT_LEN: usize = 64 * 1024;

/// Signatures of each format, tested in one pass over the start of a file. When several match, the one
/// matching earliest in the text wins (a .NET setup log may quote MSI lines further down).
const SIGNATURES: &[(LogFormat, &str)] = &[
    (
        LogFormat::Msi,
        r"(?m)^=== (?:Verbose logging|Logging) started: |MSI \([csa]\) \([0-9A-Fa-f]{1,4}[:!][0-9A-Fa-f]{1,4}\) \[|^Action ended [0-9]{1,2}:[0-9]{2}:[0-9]{2}: [A-Za-z0-9_.]+\. Return value [0-9]|^CustomAction [A-Za-z0-9_.]+ returned actual error code|^操作结束 [0-9:]+: ",
    ),
    // Setup chains.
    (
        LogFormat::Burn,
        r"(?m)^\[?[0-9A-Fa-f]{3,5}:[0-9A-Fa-f]{3,5}\]\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\][iwe][0-9]{3}: |^[iwe][0-9]{3}: (?:Burn v|Detect|Plan|Apply|Applied|Applying|Registering|Acquiring|Error 0x|Failed )|^\[[0-9A-Fa-f]{3,5}:[0-9A-Fa-f]{3,5}\]\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\]: Burn v[0-9]",
    ),
    (
        LogFormat::Dotnet,
        r"(?m)^\[[0-9]{2}/[0-9]{2}/[0-9]{2},[0-9]{2}:[0-9]{2}:[0-9]{2}\] [^:\r\n]{1,80}: |^\[[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}, ?[0-9]{1,2}:[0-9]{2}:[0-9]{2}\] ?(?:OS Version|Installer version|Environment details|Final Result|Action: |Action complete|Exe \(|MSI \(|Entering Function|Loading localized)|Result of checks for command '|RunCheck result: |A prerequisite failed for Package|(?i:ndp)[0-9]{2,3}[-A-Za-z0-9]*\.exe.{0,200}(?:exited with|Exit code was) '?[0-9]+|^[0-9]{1,6}\.[0-9]{3}: (?:={20,}|Update\.exe extended error code|Hotfix)",
    ),
    // A WindowsUpdate.log quotes event messages and a DISM.log holds CBS lines: the earliest match wins.
    // The placeholder WindowsUpdate.log of Windows 10+: it only says where the real log went (an ETW trace).
    (
        LogFormat::EtlTrace,
        r"Windows Update logs are now generated using ETW",
    ),
    (
        LogFormat::WindowsUpdate,
        r"(?m)^[0-9]{4}[-/][0-9]{2}[-/][0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3,7} +[0-9]+ +[0-9]+ +[A-Za-z]|(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2}[\t ][0-9]{2}:[0-9]{2}:[0-9]{2}:[0-9]{3}[\t ] *[0-9]+[\t ][0-9a-fA-F]+[\t ][A-Za-z]",
    ),
    (
        LogFormat::ReportingEvents,
        r"(?m)^\{[0-9A-Fa-f-]{36}\}\t[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+",
    ),
    (LogFormat::CmTrace, r"<!\[LOG\[[^\n]*\]LOG\]!><time="),
    (
        LogFormat::Dism,
        r"(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}, (?:Info|Warning|Error|Perf) +DISM ",
    ),
    (
        LogFormat::Cbs,
        r"(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}, (?:Info|Warning|Error|Perf) +(?:CBS|CSI|DEPLOY) ",
    ),
    (LogFormat::EventLog, event::SIGNATURE),
    (LogFormat::Inno, inno::SIGNATURE),
    // ---- setup-logs ----
    (LogFormat::WindowsSetup, setup::SIGNATURE),
];

/// Detects the format of a file from the start of its text, seeing through what pasting does to a log.
pub fn detect(head: &str) -> LogFormat {
    // Only the first 64 KB count, however much text the first chunks brought: the format must not depend on
    // where the chunks were cut.
    let mut end = head.len().min(DETECT_LEN);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let head = &head[..end];
    let found = detect_raw(head);
    if found != LogFormat::Text {
        return found;
    }
    // A pasted snippet: clean its lines the way readers will see them, and look again.
    let mut cleaned = String::with_capacity(head.len().min(64 * 1024));
    for line in head.split('\n').take(2000) {
        if let Some((_, text)) = paste::clean(line.trim_end_matches('\r')) {
            for (_, piece) in paste::pieces(&text) {
                cleaned.push_str(piece);
                cleaned.push('\n');
            }
        }
    }
    detect_raw(&cleaned)
}

fn detect_raw(head: &str) -> LogFormat {
    static SET: OnceLock<regex::bytes::RegexSet> = OnceLock::new();
    static EACH: OnceLock<Vec<regex::bytes::Regex>> = OnceLock::new();
    let set = SET.get_or_init(|| re_set(&SIGNATURES.iter().map(|s| s.1).collect::<Vec<_>>()));
    let hits = set.matches(head.as_bytes());
    let mut matched = hits.iter();
    match (matched.next(), matched.next()) {
        (None, _) => return LogFormat::Text,
        // One format only: no need to find where each matched (and to compile each signature alone).
        (Some(i), None) => return SIGNATURES[i].0,
        _ => {}
    }
    // A Windows Setup log holds CBS, CSI and DISM lines of the servicing it runs (often its very first lines),
    // but a CBS.log or DISM.log never holds setup's components: with setup's signature among the matches,
    // servicing's do not count.
    let setup = hits
        .iter()
        .any(|i| SIGNATURES[i].0 == LogFormat::WindowsSetup);
    let each = EACH.get_or_init(|| SIGNATURES.iter().map(|s| crate::read::re(s.1)).collect());
    hits.iter()
        .filter(|&i| !(setup && matches!(SIGNATURES[i].0, LogFormat::Cbs | LogFormat::Dism)))
        .filter_map(|i| {
            let at = each.get(i)?.find(head.as_bytes())?.start();
            Some((at, SIGNATURES[i].0))
        })
        .min_by_key(|(at, _)| *at)
        .map(|(_, f)| f)
        .unwrap_or(LogFormat::Text)
}

/// A reader for one format.
pub trait LogReader {
    /// One line, in order: every line of the file, or with a [`LogReader::prefilter`], only the lines it
    /// matches.
    fn line(&mut self, line: &Line<'_>, out: &mut Output);
    /// Patterns that, together, match somewhere in every line this reader does anything with (bytes regex
    /// syntax, Unicode off, like [`crate::read::re`]). The scanner searches whole blocks of text for them in
    /// one pass and calls [`LogReader::line`] only on lines where one matches; lines in between are counted,
    /// not read. A superset is fine (the reader still tests each line); missing a line the reader needs is a
    /// bug. The patterns see the raw line, before [`paste::Pasted`] cleans it of quote marks, prefixes and
    /// JSON escapes: write plain words, without `^`, `$`, `\\` or `"`, and never match across a line end.
    /// Prefer literals (`Return value`, `Error [0-9]{4}`): they make the pass a fast literal search. The
    /// search stops wherever the first four bytes of a literal occur, and slows down past 32 literals: start
    /// each literal with bytes rare in the format's logs (`n start ` for `Action start `, which every
    /// `Action: Local` line would stop), and let one literal cover several lines (`success`).
    /// `None` (the default) hands the reader every line.
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        None
    }
    /// Like [`LogReader::prefilter`], but matched against the line with ASCII letters lowercased: write
    /// the patterns in lowercase, without `(?i)`. Case-insensitive words (`fail`, `error`) searched this way
    /// are a fast literal search; with `(?i)` they are a slow one. A line is read when either prefilter
    /// matches; a reader with only this one gets no line it matches neither.
    fn prefilter_lowercase(&self) -> Option<&'static [&'static str]> {
        None
    }
    /// The end of the file: decide the verdict and the root cause.
    fn finish(&mut self, out: &mut Output);
}

/// A fresh reader for a format, seeing lines cleaned of paste artefacts.
pub fn reader(format: LogFormat) -> Box<dyn LogReader> {
    let inner: Box<dyn LogReader> = match format {
        LogFormat::Msi => Box::new(msi::MsiLog::default()),
        LogFormat::Text => Box::new(text::TextLog::default()),
        // Setup chains.
        LogFormat::Dotnet => Box::new(dotnet::DotnetLog::default()),
        LogFormat::Burn => Box::new(burn::BurnLog::default()),
        LogFormat::Inno => Box::new(inno::InnoLog::default()),
        // Windows servicing and its records.
        LogFormat::WindowsUpdate => Box::new(windows_update::WindowsUpdateLog::default()),
        LogFormat::ReportingEvents => Box::new(windows_update::ReportingEventsLog::default()),
        LogFormat::CmTrace => Box::new(windows_update::CmTraceLog::default()),
        LogFormat::EtlTrace => Box::new(windows_update::EtlTrace::default()),
        LogFormat::Cbs | LogFormat::Dism => Box::new(cbs::CbsLog::default()),
        LogFormat::EventLog => Box::new(event::EventLog::default()),
        LogFormat::Archive => Box::new(NoLines),
        LogFormat::WindowsSetup => Box::new(setup::SetupLog::default()),
    };
    Box::new(paste::Pasted::new(inner, format == LogFormat::Text))
}

/// The reader of a file that has no lines of its own (an archive: its entries are files of their own).
struct NoLines;

impl LogReader for NoLines {
    fn line(&mut self, _line: &Line<'_>, _out: &mut Output) {}
    fn finish(&mut self, _out: &mut Output) {}
}

/// Every reader's table of line kinds, with the format whose reader reads it, for the tests of [`kinds`].
#[cfg(test)]
fn kind_tables() -> Vec<(LogFormat, &'static [kinds::KindRow])> {
    use kinds::LineKind;
    vec![
        (LogFormat::Msi, msi::MsiLine::ROWS),
        (LogFormat::WindowsUpdate, windows_update::UpdateLine::ROWS),
        (LogFormat::Cbs, cbs::CbsLine::ROWS),
        (LogFormat::Dotnet, dotnet::DotnetLine::ROWS),
        (LogFormat::WindowsSetup, setup::SetupLine::ROWS),
        (LogFormat::EventLog, event::EventMessage::ROWS),
        (LogFormat::EventLog, event::EventHeader::ROWS),
        (LogFormat::Inno, inno::InnoLine::ROWS),
        (LogFormat::Text, text::ConsoleLine::ROWS),
        (LogFormat::Text, text::TextLine::ROWS),
    ]
}
