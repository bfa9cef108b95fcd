//! Log formats: detection from content (never from the file name) and one reader per format.
//!
//! A reader sees every line of its file once, in order, and writes findings, facts and a verdict into an
//! [`Output`]. It keeps only small state: the failing action, candidate lines' indexes, counters. Every reader
//! is wrapped in [`paste::Pasted`], which undoes what pasting does to a log (quote marks, line numbers, a log
//! flattened onto one line…), so a snippet pasted into a forum post is read by its own format's rules.

mod msi;
mod paste;
mod text;
// Setup chains: .NET Framework setup and WiX Burn bundles (readers-a).
mod burn;
mod dotnet;

pub use paste::{clean as clean_pasted_line, pieces as pasted_pieces};

use super::scan::{Line, Output, re_set};
use std::sync::OnceLock;

/// The formats the engine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// A Windows Installer log, verbose (`/l*v`) or not.
    Msi,
    /// Anything else: pasted text, an error message, an unknown log.
    Text,
    // Setup chains (readers-a).
    /// A .NET Framework setup log: 2.0/3.0/3.5 `dd_*.txt`, 4.x and chainer logs, bootstrapper logs.
    Dotnet,
    /// A WiX Burn bundle log (`[PID:TID][time]i001: Burn v3…`).
    Burn,
}

impl LogFormat {
    /// The id used in [`crate::engine::diagnosis::FileSummary::format`].
    pub fn id(self) -> &'static str {
        match self {
            LogFormat::Msi => "msi",
            LogFormat::Text => "text",
            LogFormat::Dotnet => "dotnet",
            LogFormat::Burn => "burn",
        }
    }

    /// How deep in the chain of installers a log sits: a cause found in a deeper log explains the failure
    /// reported by a shallower one (Windows Update → .NET setup or Burn bundle → MSI).
    pub fn depth(self) -> u8 {
        match self {
            LogFormat::Msi => 5,
            LogFormat::Text => 1,
            LogFormat::Dotnet | LogFormat::Burn => 3,
        }
    }
}

/// How much of a file's text decides its format (equal to the scanner's own `DETECT_LEN`, the text it waits for).
pub const DETECT_LEN: usize = 64 * 1024;

/// Signatures of each format, tested in one pass over the start of a file. When several match, the one
/// matching earliest in the text wins (a .NET setup log may quote MSI lines further down).
const SIGNATURES: &[(LogFormat, &str)] = &[
    (
        LogFormat::Msi,
        r"(?m)^=== (?:Verbose logging|Logging) started: |MSI \([csa]\) \([0-9A-Fa-f]{1,4}[:!][0-9A-Fa-f]{1,4}\) \[|^Action ended [0-9]{1,2}:[0-9]{2}:[0-9]{2}: [A-Za-z0-9_.]+\. Return value [0-9]|^CustomAction [A-Za-z0-9_.]+ returned actual error code|^操作结束 [0-9:]+: ",
    ),
    // Setup chains (readers-a).
    (
        LogFormat::Burn,
        r"(?m)^\[?[0-9A-Fa-f]{3,5}:[0-9A-Fa-f]{3,5}\]\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\][iwe][0-9]{3}: |^[iwe][0-9]{3}: (?:Burn v|Detect|Plan|Apply|Applied|Applying|Registering|Acquiring|Error 0x|Failed )",
    ),
    (
        LogFormat::Dotnet,
        r"(?m)^\[[0-9]{2}/[0-9]{2}/[0-9]{2},[0-9]{2}:[0-9]{2}:[0-9]{2}\] [^:\r\n]{1,80}: |^\[[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}, ?[0-9]{1,2}:[0-9]{2}:[0-9]{2}\] ?(?:OS Version|Installer version|Environment details|Final Result|Action: |Action complete|Exe \(|MSI \(|Entering Function|Loading localized)|Result of checks for command '|RunCheck result: |A prerequisite failed for Package|(?i:ndp)[0-9]{2,3}[-A-Za-z0-9]*\.exe.{0,200}(?:exited with|Exit code was) '?[0-9]+|^[0-9]{1,6}\.[0-9]{3}: (?:={20,}|Update\.exe extended error code|Hotfix)",
    ),
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
    if !hits.matched_any() {
        return LogFormat::Text;
    }
    let each = EACH.get_or_init(|| SIGNATURES.iter().map(|s| super::scan::re(s.1)).collect());
    hits.iter()
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
    /// One line, in order.
    fn line(&mut self, line: &Line<'_>, out: &mut Output);
    /// The end of the file: decide the verdict and the root cause.
    fn finish(&mut self, out: &mut Output);
}

/// A fresh reader for a format, seeing lines cleaned of paste artefacts.
pub fn reader(format: LogFormat) -> Box<dyn LogReader> {
    let inner: Box<dyn LogReader> = match format {
        LogFormat::Msi => Box::new(msi::MsiLog::default()),
        LogFormat::Text => Box::new(text::TextLog::default()),
        // Setup chains (readers-a).
        LogFormat::Dotnet => Box::new(dotnet::DotnetLog::default()),
        LogFormat::Burn => Box::new(burn::BurnLog::default()),
    };
    Box::new(paste::Pasted::new(inner, format == LogFormat::Text))
}
