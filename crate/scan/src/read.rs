//! What readers read and write: a [`Line`] in, an [`Output`] of findings, facts and notes out; and the two
//! helpers every reader compiles its patterns with ([`re`], [`re_set`], re-exported from [`crate::re`]).

use kb::CauseId;
use model::diagnosis::{ContextLine, Detail, Finding, Note, Role, TimelineAction, Verdict};
use model::facts::Facts;

use crate::codes;
pub use crate::re::{re, re_set};

/// One line of a file as readers see it.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    /// 1-based line number.
    pub no: u64,
    /// Byte offset of the line's start in the decoded text.
    pub offset: u64,
    /// The line without its LF or CR LF.
    pub text: &'a str,
}

/// How many lines of context a finding keeps on each side.
pub const CONTEXT: usize = 3;
/// Findings kept per file. Past this, readers are told no (they keep their own counts).
pub const MAX_FINDINGS: usize = 400;
/// Longest line text kept in a finding.
pub const MAX_LINE: usize = 600;
/// What a reader writes into while reading one file.
#[derive(Debug, Default)]
pub struct Output {
    pub file: String,
    pub findings: Vec<Finding>,
    pub facts: Facts,
    pub notes: Vec<Note>,
    pub verdict: Option<Verdict>,
    /// Index into `findings` of this file's root cause.
    pub root: Option<usize>,
    /// The actions of a Windows Installer log, in order (other readers leave it empty).
    pub timeline: Vec<TimelineAction>,
    /// How many actions the log started in all (more than `timeline` holds when some were left out).
    pub timeline_total: u64,
    pub(crate) dropped: u64,
    /// Findings still waiting for lines after them: (index, lines still wanted).
    pub(crate) waiting: Vec<(usize, usize)>,
}

impl Output {
    pub(crate) fn new(file: &str) -> Output {
        Output {
            file: file.to_string(),
            ..Output::default()
        }
    }

    /// Records a finding on `line`. Returns its index, or `None` once the file has too many.
    pub fn finding(
        &mut self,
        line: &Line<'_>,
        role: Role,
        summary: impl Into<String>,
    ) -> Option<usize> {
        self.finding_with(line, role, || summary.into())
    }

    /// Like [`Output::finding`], with a summary made only when the finding is kept: a log can hold
    /// thousands of lines of one kind past the [`MAX_FINDINGS`] kept, and a summary that names the line's
    /// codes costs a search of the code table.
    pub fn finding_with(
        &mut self,
        line: &Line<'_>,
        role: Role,
        summary: impl FnOnce() -> String,
    ) -> Option<usize> {
        if self.findings.len() >= MAX_FINDINGS {
            self.dropped += 1;
            return None;
        }
        let codes = codes::find_codes(line.text.as_bytes())
            .iter()
            .map(|m| m.code.normalized())
            .collect::<Vec<_>>();
        let idx = self.findings.len();
        self.findings.push(Finding {
            file: self.file.clone(),
            line: line.no,
            text: clip(line.text),
            codes: dedup(codes),
            summary: summary(),
            role,
            cause: None,
            offset: line.offset,
            // The scanner adds the lines before it once the reader is done with the line.
            context: Vec::new(),
            details: Vec::new(),
        });
        self.waiting.push((idx, CONTEXT));
        Some(idx)
    }

    /// Adds a labelled detail to a finding.
    pub fn detail(&mut self, idx: usize, label: &str, value: impl Into<String>) {
        if let Some(f) = self.findings.get_mut(idx) {
            let value = value.into();
            if !value.is_empty() && !f.details.iter().any(|d| d.label == label) {
                f.details.push(Detail {
                    label: label.to_string(),
                    value,
                });
            }
        }
    }

    /// Sets the cause of a finding: a constant of [`kb::cause`], so that a cause the knowledge base does not
    /// know does not compile.
    pub fn cause(&mut self, idx: usize, cause: CauseId) {
        if let Some(f) = self.findings.get_mut(idx) {
            f.cause = Some(cause.as_str().to_string());
        }
    }

    pub fn note(&mut self, message: impl Into<String>) {
        let file = Some(self.file.clone());
        self.notes.push(Note {
            file,
            message: message.into(),
        });
    }

    /// Gives a line to the findings still waiting for the lines after them.
    pub(crate) fn seen(&mut self, line: &Line<'_>) {
        let findings = &mut self.findings;
        self.waiting.retain_mut(|(idx, left)| {
            if let Some(f) = findings.get_mut(*idx) {
                if f.line < line.no {
                    f.context.push(ContextLine {
                        line: line.no,
                        text: clip(line.text),
                    });
                    *left -= 1;
                }
            }
            *left > 0
        });
    }
}

pub(crate) fn clip(s: &str) -> String {
    if s.len() <= MAX_LINE {
        return s.to_string();
    }
    let mut end = MAX_LINE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}
