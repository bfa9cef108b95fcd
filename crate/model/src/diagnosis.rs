//! The result of a diagnosis: plain, serialisable data. Its JSON form is a contract (see README.md).

use serde::{Deserialize, Serialize};

use crate::answers::Question;
use crate::facts::Facts;
use crate::guide::Guide;
use crate::lexicon::Lexicon;

/// Did the installation or update fail?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Failed,
    /// Succeeded, including "installed, restart pending".
    Succeeded,
    /// The input does not say.
    Inconclusive,
}

/// How sure the diagnosis is, from the kind of evidence behind it (ARCHITECTURE.md, "How sure"): a person
/// reads it to know whether to follow the guide or to ask for help with the logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The input does not say, or only that it failed.
    #[default]
    Low,
    /// An error line without a specific cause, a result code alone that names one, or a success the log
    /// implies without stating it.
    Medium,
    /// A named error that says why (inside the failing action, for an installer log), or a stated success.
    High,
}

impl Confidence {
    /// The confidence that a verdict and its evidence warrant. `cause` is the case's `cause` fact.
    pub fn of(
        verdict: Verdict,
        root: Option<&Finding>,
        cause: Option<&str>,
        stated_success: bool,
    ) -> Confidence {
        let specific = cause.is_some_and(|c| !matches!(c, "no-cause-in-log" | "install-failure"));
        match (verdict, root) {
            (Verdict::Succeeded, _) if stated_success => Confidence::High,
            (Verdict::Succeeded, _) => Confidence::Medium,
            (Verdict::Inconclusive, _) | (Verdict::Failed, None) => Confidence::Low,
            (Verdict::Failed, Some(r)) => match (r.role, specific) {
                (Role::Cause, true) => Confidence::High,
                (Role::Cause, false) | (_, true) => Confidence::Medium,
                _ => Confidence::Low,
            },
        }
    }

    /// In plain words, for the page and the text output.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::High => "High: the log names the error that caused it.",
            Confidence::Medium => {
                "Medium: the log shows the failure and a code, but not a named cause."
            }
            Confidence::Low => "Low: the input does not say why; the logs named in the guide will.",
        }
    }
}

/// What a finding is to the failure. The root cause is chosen among `Cause` findings first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A line that explains the failure (an error message, a failing custom action's output).
    Cause,
    /// A line that marks where it failed without saying why (`Return value 3.`, a failed action).
    Failure,
    /// A line that repeats the outcome (`MainEngineThread is returning 1603`, `Final Result: …`).
    Summary,
    /// A line that shows success (`Installation completed successfully`, `Return value 1.` at the end).
    Success,
    /// Worth showing, but neither cause nor outcome (the product's name, the Windows version).
    Context,
}

/// One line of a log that matters, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The file's name as given (a path for the CLI, the file name in the page, `archive.zip/inner.log`).
    pub file: String,
    /// 1-based line number: the N-th piece of the decoded text split at LF.
    pub line: u64,
    /// That line, without its line end (cut to a few hundred characters).
    pub text: String,
    /// Codes on or implied by the line, normalised (see [`crate::code`]).
    pub codes: Vec<String>,
    /// One plain sentence saying what the line means.
    pub summary: String,
    /// What the line is to the failure.
    pub role: Role,
    /// The knowledge base's cause this finding points to (e.g. `another-install`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Byte offset of the line's start in the decoded text of its file.
    pub offset: u64,
    /// The lines around it, for showing the evidence in place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextLine>,
    /// Extra labelled details (failing action, custom action, product, update title…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

/// A neighbouring line of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextLine {
    pub line: u64,
    pub text: String,
}

/// A labelled detail of a finding, such as `action: InstallFinalize`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub label: String,
    pub value: String,
}

/// Something odd about the input that the person should know (bad bytes, a log too short to tell…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The file it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub message: String,
}

/// What was read of one input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub name: String,
    /// The detected log format (see the scanner's `LogFormat`).
    pub format: String,
    /// The detected encoding: `utf-8`, `utf-16le`, `utf-16be` or `windows-1252`; `binary` for an archive or a
    /// binary trace, which are not decoded as text.
    pub encoding: String,
    pub bytes: u64,
    pub lines: u64,
    pub verdict: Verdict,
}

/// The actions of one Windows Installer log in the order they ran, and where it went wrong: a short timeline
/// for the page. Only some actions are kept, so that a log of any size costs the same: the first
/// [`Timeline::HEAD`], and [`Timeline::AROUND`] on each side of the first failing action (the last ones when no
/// action failed). `skipped_before` on an action says how many were left out just before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// The log's file name, as in [`Finding::file`].
    pub file: String,
    /// The actions kept, in the order they started.
    pub actions: Vec<TimelineAction>,
    /// How many actions the log started in all.
    pub total: u64,
}

impl Timeline {
    /// Actions kept from the start of the log.
    pub const HEAD: usize = 50;
    /// Actions kept before and after the first failing action.
    pub const AROUND: usize = 50;
}

/// One action of a Windows Installer log (`Action start …: Name.` to `Action ended …: Name. Return value N.`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineAction {
    /// The action's name (`CostInitialize`, `InstallFiles`, a custom action's name).
    pub name: String,
    /// The line of its `Action start`.
    pub start: u64,
    /// The line of its `Action ended`, when the log has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<u64>,
    /// Its return value: 1 success, 0 not run, 2 cancelled by the user, 3 failed, 4 suspended (see the Windows
    /// Installer's "Logging of action return values").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<u32>,
    /// Whether this is the action that failed: the first one that returned 3. Actions that contain it (INSTALL)
    /// return 3 too, afterwards, and are not marked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub failed: bool,
    /// How many actions were left out just before this one (a gap in the timeline).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_before: u64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The whole answer for one case: one or several files, or a pasted text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub verdict: Verdict,
    /// How sure the verdict and the root cause are (see [`Confidence::of`]).
    #[serde(default)]
    pub confidence: Confidence,
    /// The first line that explains the failure, or none when the input holds no cause.
    pub root_cause: Option<Finding>,
    /// Every finding that matters, in input order, the root cause among them.
    pub findings: Vec<Finding>,
    /// Every code found, normalised, without repeats, in order of first appearance; related forms
    /// (1603 ⇄ 0x80070643) follow each other.
    pub codes: Vec<String>,
    /// What the input told about the machine and the update.
    pub facts: Facts,
    /// The questions on the path through the knowledge base, with the answer taken.
    pub questions: Vec<Question>,
    /// The guide the knowledge base chose.
    pub guide: Guide,
    /// Notes about the input itself.
    pub notes: Vec<Note>,
    /// One entry per input file.
    pub files: Vec<FileSummary>,
    /// The actions of each Windows Installer log, and which one failed (none for other formats).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<Timeline>,
    /// The personal values the redaction patterns found in these texts, for redacting on the page, whose
    /// WebAssembly has no regex engine: the worker fills it in (see [`crate::lexicon`]). Empty elsewhere,
    /// and then left out of the JSON.
    #[serde(default, skip_serializing_if = "Lexicon::is_empty")]
    pub personal: Lexicon,
}
