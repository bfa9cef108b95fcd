//! Log formats: detection from content (never from the file name) and one reader per format.
//!
//! A reader sees every line of its file once, in order, and writes findings, facts and a verdict into an
//! [`Output`]. It keeps only small state: the failing action, candidate lines' indexes, counters.

mod msi;
mod text;

use super::scan::{Line, Output, re_set};
use std::sync::OnceLock;

/// The formats the engine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// A Windows Installer log, verbose (`/l*v`) or not.
    Msi,
    /// Anything else: pasted text, an error message, an unknown log.
    Text,
}

impl LogFormat {
    /// The id used in [`crate::engine::diagnosis::FileSummary::format`].
    pub fn id(self) -> &'static str {
        match self {
            LogFormat::Msi => "msi",
            LogFormat::Text => "text",
        }
    }

    /// How deep in the chain of installers a log sits: a cause found in a deeper log explains the failure
    /// reported by a shallower one (Windows Update → .NET setup → MSI).
    pub fn depth(self) -> u8 {
        match self {
            LogFormat::Msi => 5,
            LogFormat::Text => 1,
        }
    }
}

/// Signatures of each format, tested in one pass over the start of a file.
const SIGNATURES: &[(LogFormat, &str)] = &[(
    LogFormat::Msi,
    r"=== (?:Verbose logging|Logging) started: |MSI \([csa]\) \([0-9A-Fa-f]{1,4}[:!][0-9A-Fa-f]{1,4}\) \[",
)];

/// Detects the format of a file from the start of its text.
pub fn detect(head: &str) -> LogFormat {
    static SET: OnceLock<regex::bytes::RegexSet> = OnceLock::new();
    let set = SET.get_or_init(|| re_set(&SIGNATURES.iter().map(|s| s.1).collect::<Vec<_>>()));
    let hits = set.matches(head.as_bytes());
    SIGNATURES
        .iter()
        .enumerate()
        .find(|(i, _)| hits.matched(*i))
        .map(|(_, s)| s.0)
        .unwrap_or(LogFormat::Text)
}

/// A reader for one format.
pub trait LogReader {
    /// One line, in order.
    fn line(&mut self, line: &Line<'_>, out: &mut Output);
    /// The end of the file: decide the verdict and the root cause.
    fn finish(&mut self, out: &mut Output);
}

/// A fresh reader for a format.
pub fn reader(format: LogFormat) -> Box<dyn LogReader> {
    match format {
        LogFormat::Msi => Box::new(msi::MsiLog::default()),
        LogFormat::Text => Box::new(text::TextLog::default()),
    }
}
