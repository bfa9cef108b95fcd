//! Windows Installer logs, verbose (`/l*v`) and not.
//!
//! The cause sits above the first `Return value 3.`: inside the failing action, the first error message
//! that is not a known decoy. The client-side tail (`MainEngineThread is returning 1603`) repeats the code
//! but never the cause.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};

use super::super::codes::{self, Code};
use super::super::diagnosis::{Role, Verdict};
use super::super::scan::{Line, Output, re, re_set};
use super::super::tree;

#[derive(Default)]
pub struct MsiLog {
    verbose: Option<bool>,
    product: Option<String>,
    /// The action running now, and the finding index where it started (for the span search).
    current_action: Option<String>,
    action_start_finding: usize,
    /// Cause candidates: finding indexes, in order.
    candidates: Vec<usize>,
    /// The first `Return value 3.` and the action it ended.
    failed: Option<(usize, String)>,
    /// Index of the first candidate inside the failing action's span.
    failed_span_start: usize,
    success: bool,
    final_code: Option<u32>,
    summary_line: Option<usize>,
}

// Line classes, tested in one pass.
const HEADER: usize = 0;
const ACTION_START: usize = 1;
const ACTION_END_FAIL: usize = 2;
const ERROR_MESSAGE: usize = 3;
const DEBUG_ERROR: usize = 4;
const CA_ERROR: usize = 5;
const CA_HOST: usize = 6;
const FINAL: usize = 7;
const SUCCESS: usize = 8;
const TRANSLATED: usize = 9;
const PRODUCT_PROP: usize = 10;
const UNEXPECTED: usize = 11;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"^=== (?:Verbose logging|Logging) started",
            r"^(?:Action start [0-9:]+: |MSI \([cs]\) \([0-9A-Fa-f:!]+\) \[[0-9:]+\]: Doing action: )",
            r"^(?:Action ended [0-9:]+: .*Return value 3\.|.*返回值 3。)",
            r"(?:^|-- )Error [0-9]{4}\.",
            r"^DEBUG: Error [0-9]{4}:",
            r"CustomAction \S+ returned actual error code [1-9]|Custom Action failed with code|InstallAssembly ended with return value [1-9]|DDSet_Error|err:msi:",
            r"^(?:WixQuietExec(?:64)?|CAQuietExec(?:64)?|SFXCA|CPLog|[A-Za-z]+CA): .*(?i:error|fail|exception|returned [1-9])",
            r"MainEngineThread is returning [0-9]+|Installation success or error status: [0-9]+|Back from server\. Return value: [0-9]+",
            r"-- (?:Installation|Configuration|Removal) (?:operation )?completed successfully|Installation completed successfully",
            r"but will be translated to success",
            r"^Property\([SC]\): ProductName = ",
            r"The installer has encountered an unexpected error installing this package.*error code is [0-9]+",
        ])
    })
}

struct Patterns {
    action: Regex,
    ended: Regex,
    number: Regex,
    final_code: Regex,
    product: Regex,
    product_prop: Regex,
    custom_action: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        action: re(r"(?:Action start [0-9:]+: |Doing action: )([A-Za-z0-9_.]+)"),
        ended: re(r"(?:Action ended [0-9:]+: |操作结束 [0-9:]+: )([A-Za-z0-9_.]+)"),
        number: re(r"Error ([0-9]{4})"),
        final_code: re(r"(?:returning|error status:|Return value:) ([0-9]+)"),
        product: re(r"Product: (.+?) -- "),
        product_prop: re(r"ProductName = (.+)$"),
        custom_action: re(
            r"CustomAction (\S+) returned actual error code|Action: ?([A-Za-z0-9_.]+)",
        ),
    })
}

/// Internal message numbers that real logs print in passing and that never explain a failure.
const DECOY_MESSAGES: &[u32] = &[1712, 2205, 2228, 2262, 2727, 2826, 2911];

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl super::LogReader for MsiLog {
    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let bytes = line.text.as_bytes();
        let hits = classes().matches(bytes);
        if !hits.matched_any() {
            return;
        }
        let p = patterns();
        if hits.matched(HEADER) && self.verbose.is_none() {
            self.verbose = Some(line.text.contains("Verbose logging"));
        }
        if hits.matched(PRODUCT_PROP) {
            if let Some(c) = p.product_prop.captures(bytes) {
                self.product
                    .get_or_insert_with(|| text_of(&c[1]).trim().to_string());
            }
        }
        if hits.matched(ACTION_START) {
            if let Some(c) = p.action.captures(bytes) {
                let name = text_of(&c[1]);
                if self.current_action.as_deref() != Some(&name) {
                    self.action_start_finding = self.candidates.len();
                }
                self.current_action = Some(name);
            }
        }
        let is_error =
            hits.matched(ERROR_MESSAGE) || hits.matched(DEBUG_ERROR) || hits.matched(UNEXPECTED);
        if self.failed.is_none()
            && (is_error || hits.matched(CA_ERROR) || hits.matched(CA_HOST))
            && !hits.matched(TRANSLATED)
        {
            let number = p
                .number
                .captures(bytes)
                .and_then(|c| text_of(&c[1]).parse::<u32>().ok());
            if !number.is_some_and(|n| DECOY_MESSAGES.contains(&n)) {
                let summary = summarize(line.text, number);
                if let Some(idx) = out.finding(line, Role::Cause, summary) {
                    if let Some(n) = number {
                        // `Error 1935.` is a message number, not Win32 error 1935.
                        let code = Code::MsiMessage(n).normalized();
                        let f = &mut out.findings[idx];
                        if !f.codes.contains(&code) {
                            f.codes.insert(0, code);
                        }
                    }
                    if let Some(a) = &self.current_action {
                        out.detail(idx, "action", a.clone());
                    }
                    if let Some(c) = p.custom_action.captures(bytes) {
                        if let Some(m) = c.get(1).or(c.get(2)) {
                            out.detail(idx, "custom action", text_of(m.as_bytes()));
                        }
                    }
                    let cause = tree::kb()
                        .cause_for_codes(&out.findings[idx].codes)
                        .map(|c| c.id.clone());
                    if let Some(c) = cause {
                        out.cause(idx, &c);
                    }
                    self.candidates.push(idx);
                }
            }
        }
        if hits.matched(ACTION_END_FAIL) && self.failed.is_none() {
            let action = p
                .ended
                .captures(bytes)
                .map(|c| text_of(&c[1]))
                .unwrap_or_default();
            if let Some(idx) = out.finding(
                line,
                Role::Failure,
                format!("The installer action {action} failed (return value 3 = error 1603)."),
            ) {
                out.findings[idx].codes = vec!["1603".into()];
                out.detail(idx, "action", action.clone());
                // Only candidates inside the failing action's span explain it, when it had any.
                self.failed_span_start = if self.current_action.as_deref() == Some(&action) {
                    self.action_start_finding
                } else {
                    0
                };
                self.failed = Some((idx, action));
            }
        }
        if hits.matched(FINAL) {
            if let Some(c) = p.final_code.captures(bytes) {
                if let Ok(n) = text_of(&c[1]).parse::<u32>() {
                    if self.final_code.is_none() || n != 0 {
                        self.final_code = Some(n);
                    }
                    if !matches!(n, 0 | 1641 | 3010) && self.summary_line.is_none() {
                        self.summary_line = out.finding(
                            line,
                            Role::Summary,
                            format!("The installation ended with code {n}."),
                        );
                    }
                }
            }
        }
        if hits.matched(SUCCESS) {
            self.success = true;
        }
        if self.product.is_none() {
            if let Some(c) = p.product.captures(bytes) {
                self.product = Some(text_of(&c[1]).trim().to_string());
            }
        }
    }

    fn finish(&mut self, out: &mut Output) {
        if let Some(p) = &self.product {
            out.facts.learn("product_name", p.clone());
        }
        let failed_code = self.final_code.filter(|n| !matches!(n, 0 | 1641 | 3010));
        let failed = self.failed.is_some() || failed_code.is_some();
        out.verdict = Some(if failed {
            Verdict::Failed
        } else if self.success || matches!(self.final_code, Some(0 | 1641 | 3010)) {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
        if !failed {
            return;
        }
        if let Some((_, action)) = &self.failed {
            out.facts.learn("action", action.clone());
        }
        // The first candidate inside the failing action's span; else the last one before the failure.
        let in_span = self.candidates.get(self.failed_span_start).copied();
        let root = in_span.or_else(|| self.candidates.last().copied());
        match root {
            Some(idx) => {
                out.root = Some(idx);
                if let Some(ca) = out.findings[idx]
                    .details
                    .iter()
                    .find(|d| d.label == "custom action")
                {
                    let ca = ca.value.clone();
                    out.facts.learn("custom_action", ca);
                }
                if let Some(p) = &self.product {
                    out.detail(idx, "product", p.clone());
                }
            }
            None => {
                let idx = self.failed.as_ref().map(|f| f.0).or(self.summary_line);
                out.root = idx;
                if let Some(idx) = idx {
                    out.cause(idx, "no-cause-in-log");
                }
                if self.verbose == Some(false) {
                    out.note("This is a non-verbose Windows Installer log: it records that the installation failed but not why. A verbose log (msiexec /l*v) holds the cause.");
                } else {
                    out.note("The log shows where the installation failed but no error message before it.");
                }
            }
        }
    }
}

/// One sentence for an error line: the message number's meaning when the table has it.
fn summarize(text: &str, number: Option<u32>) -> String {
    if let Some(i) = number.and_then(|n| codes::info(&Code::MsiMessage(n))) {
        return format!(
            "Windows Installer error {}: {}",
            number.unwrap_or_default(),
            i.meaning
        );
    }
    let found = codes::find_codes(text.as_bytes());
    if !found.is_empty() {
        return super::text::summary_for(&found);
    }
    "An error reported by the installer or one of its custom actions.".to_string()
}
