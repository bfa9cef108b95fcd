//! Inno Setup logs (`/LOG` or `SetupLogging=yes`): `YYYY-MM-DD HH:MM:SS.mmm   message`, with the lines of a
//! message box or an exception indented under the line that announces them.
//!
//! A completed installation says `Installation process succeeded.`; its rollback, after a failure, ends with
//! `Uninstallation process succeeded.`, which is no success of the installation. The evidence, strongest first:
//!
//! 1. **What stopped it**: the message of a fatal exception (`Fatal exception during installation process`, the
//!    indented lines under it: a script's runtime error, a file that could not be written), of an error message
//!    box, or of one a silent installation answered by itself (`Defaulting to Abort for suppressed message
//!    box`), with the Windows error code the message names (`DeleteFile failed; code 5.`).
//! 2. **A cancel**: `User canceled the installation process.` with no message box before it (a silent
//!    installation's own abort reads the same and is kind 1).
//! 3. **A wizard that could not go on** (`Failed to proceed to next wizard page; aborting.`: a silent installation
//!    met a page it cannot answer).
//! 4. **The rollback** (`Rolling back changes.`), which says that it failed but not why.
//!
//! An uninstaller's log (no installation process in it) succeeds with `Uninstallation process succeeded.`.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::LogReader;
use super::kinds::line_kinds;
use crate::codes::Code;
use crate::read::{Line, Output, re};
use kb::cause;
use kb::tree;
use model::diagnosis::{Role, Verdict};

/// The signature of an Inno Setup log, for [`super::detect`]: its header, or its lines of outcome, with the
/// log's time prefix; `Setup version: Inno Setup` alone in a paste.
pub(crate) const SIGNATURE: &str = r"(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} +(?:Log opened\. \(Time zone|Setup version: Inno Setup|Setup application started|Starting the installation process\.|Installation process succeeded\.|Fatal exception during installation process|User canceled the installation process\.|Rolling back changes\.)|Setup version: Inno Setup version";

line_kinds! {
    /// The lines [`InnoLog`] acts on. The reader has no prefilter (see its `LogReader` impl), so the rows have
    /// no literals. A line is read as its first kind in this order whose state allows it (a cancel, a wizard's
    /// abort and a rollback count once each).
    pub(super) enum InnoLine {
        /// An installation starts (else the log is an uninstaller's).
        InstallStart: Fact {
            pattern: r"Starting the installation process\.",
            example: "2024-03-10 10:00:01.123   Starting the installation process.",
        },
        /// An uninstallation that worked.
        UninstallOk: Success {
            pattern: r"Uninstallation process succeeded\.",
            example: "2024-03-10 10:00:05.456   Uninstallation process succeeded.",
        },
        /// An installation that worked.
        InstallOk: Success {
            pattern: r"(?:^|   )Installation process succeeded\.",
            example: "2024-03-10 10:00:05.456   Installation process succeeded.",
        },
        /// A fatal exception: its message is the next line.
        Fatal: Fact {
            pattern: r"Fatal exception during (?:installation|uninstallation) process",
            example: "2024-03-10 10:00:04.000   Fatal exception during installation process (EAbort):",
        },
        /// A message box: an error's message is the next line (a question's is not a reason).
        MessageBox: Fact {
            pattern: r"(?:Message box|Defaulting to [A-Za-z]+ for suppressed message box) \([A-Za-z/]+\):",
            example: "2024-03-10 10:00:03.000   Message box (Abort/Retry/Ignore):",
        },
        /// The person (or a box answered with Abort) cancelled.
        Canceled: Cause {
            pattern: r"User canceled the installation process\.",
            example: "2024-03-10 10:00:06.000   User canceled the installation process.",
        },
        /// A silent installation met a page it could not answer.
        WizardAbort: Failure {
            pattern: r"Failed to proceed to next wizard page; aborting\.",
            example: "2024-03-10 10:00:02.000   Failed to proceed to next wizard page; aborting.",
        },
        /// Setup undoing the installation after a failure.
        Rollback: Failure {
            pattern: r"Rolling back changes\.",
            example: "2024-03-10 10:00:06.100   Rolling back changes.",
        },
    }
}

fn code_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // `DeleteFile failed; code 5.`, `CreateProcess failed; code 2.`, `RegSvr32 failed with exit code 0x3.`
    RE.get_or_init(|| re(r"failed(?:;| with exit) code (0x[0-9A-Fa-f]+|[0-9]+)\b"))
}

#[derive(Default)]
pub struct InnoLog {
    /// An installation process started (else this is an uninstaller's log).
    installing: bool,
    succeeded: bool,
    uninstall_succeeded: bool,
    /// A fatal exception or a message box was announced, and its message is the next indented line.
    announced: Option<Kind>,
    /// The first message of a fatal exception or an error box (kind 1): the reason, when a cancel, a rollback or
    /// the exception itself says that the installation stopped.
    stopped: Option<usize>,
    cancel: Option<usize>,
    wizard: Option<usize>,
    rollback: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Fatal,
    MessageBox,
}

impl InnoLog {
    /// The message under a fatal exception or a message box: the reason the installation stopped.
    fn message(&mut self, line: &Line<'_>, kind: Kind, out: &mut Output) {
        let text = line.text.trim();
        let summary = match kind {
            Kind::Fatal => format!("Inno Setup stopped with a fatal error: {text}"),
            Kind::MessageBox => format!("Inno Setup showed an error: {text}"),
        };
        let Some(idx) = out.finding(line, Role::Cause, summary) else {
            return;
        };
        let code = code_pattern()
            .captures(text.as_bytes())
            .and_then(|c| {
                let s = std::str::from_utf8(&c[1]).ok()?;
                match s.strip_prefix("0x") {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => s.parse().ok(),
                }
            })
            .map(Code::Win32);
        if let Some(c) = code {
            let n = c.normalized();
            let f = &mut out.findings[idx];
            if !f.codes.contains(&n) {
                f.codes.insert(0, n);
            }
        }
        // A file setup could not replace or delete is held by a running program (or security software): code 5
        // or 32 there is a file in use, whatever the code's own name says. A script's runtime error is a fault of
        // the package.
        let replacing = [
            "DeleteFile",
            "MoveFile",
            "replace the existing file",
            "RestartReplace",
        ]
        .iter()
        .any(|w| text.contains(w));
        let cause = if replacing && matches!(code, Some(Code::Win32(5 | 32))) {
            Some(cause::FILE_IN_USE)
        } else if text.starts_with("Runtime error") || text.starts_with("Internal error") {
            Some(cause::PACKAGE_ERROR)
        } else {
            tree::cause_id_for_codes(&out.findings[idx].codes)
        };
        if let Some(c) = cause {
            out.cause(idx, c);
        }
        if self.stopped.is_none() {
            self.stopped = Some(idx);
        }
    }
}

// No prefilter: the message of a box or an exception is the line after its announcement, whatever it says, and
// Inno Setup logs are small.
impl LogReader for InnoLog {
    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let kinds = InnoLine::of(line.text.as_bytes());
        if let Some(kind) = self.announced.take() {
            if !kinds.any() && !line.text.trim().is_empty() {
                self.message(line, kind, out);
                return;
            }
        }
        for kind in kinds.iter() {
            match kind {
                InnoLine::InstallStart => self.installing = true,
                InnoLine::UninstallOk => self.uninstall_succeeded = true,
                InnoLine::InstallOk => {
                    self.succeeded = true;
                    out.finding(line, Role::Success, "Inno Setup finished the installation.");
                }
                InnoLine::Fatal => self.announced = Some(Kind::Fatal),
                InnoLine::MessageBox => {
                    // Every message box is logged, questions included ("Are you sure you want to cancel Setup?",
                    // with Yes/No buttons): only the boxes of an error (OK, Abort/Retry/Ignore, Retry/Cancel) can
                    // say why the installation stopped, and the cancel or rollback after them tells whether it did.
                    let question = line.text.contains("(Yes/No");
                    if !question {
                        self.announced = Some(Kind::MessageBox);
                    }
                }
                InnoLine::Canceled => {
                    if self.cancel.is_some() {
                        continue;
                    }
                    if let Some(idx) = out.finding(
                        line,
                        Role::Cause,
                        "The installation was cancelled (by the person, or by a message box answered with Abort).",
                    ) {
                        out.findings[idx].codes = vec!["1602".into(), "0x80070642".into()];
                        out.cause(idx, cause::CANCELLED);
                        self.cancel = Some(idx);
                    }
                }
                InnoLine::WizardAbort => {
                    if self.wizard.is_some() {
                        continue;
                    }
                    self.wizard = out.finding(
                        line,
                        Role::Failure,
                        "A silent installation met a wizard page it could not answer, and stopped.",
                    );
                }
                InnoLine::Rollback => {
                    if self.rollback.is_some() {
                        continue;
                    }
                    self.rollback = out.finding(
                        line,
                        Role::Failure,
                        "Inno Setup rolled the installation back after a failure.",
                    );
                }
            }
            // A line counts as its first kind.
            return;
        }
    }

    fn finish(&mut self, out: &mut Output) {
        // A message box before the cancel is what the cancel answered: the message is the reason. A message
        // box with no cancel, rollback or fatal error after it was a question that went on.
        let stopped_for_good = self.cancel.is_some() || self.rollback.is_some();
        let message = self.stopped.filter(|&i| {
            stopped_for_good
                || out.findings[i]
                    .summary
                    .starts_with("Inno Setup stopped with a fatal error")
        });
        let root = message.or(self.cancel).or(self.wizard).or(self.rollback);
        out.root = root;
        out.verdict = Some(if root.is_some() {
            if root == self.rollback {
                if let Some(idx) = root {
                    out.cause(idx, cause::NO_CAUSE_IN_LOG);
                }
            }
            Verdict::Failed
        } else if self.succeeded || (!self.installing && self.uninstall_succeeded) {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
    }
}
