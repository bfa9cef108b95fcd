//! Text of no known log format: a pasted error message, an event's text, a few lines from a forum post.
//!
//! Every line with a code and a word of failure is a finding; the first one that names a specific cause is
//! the root cause, else the first failure.

use std::sync::OnceLock;

use regex::bytes::RegexSet;

use super::super::codes;
use super::super::diagnosis::{Role, Verdict};
use super::super::scan::{Line, Output, re_set};
use super::super::tree;

#[derive(Default)]
pub struct TextLog {
    first_cause: Option<usize>,
    first_failure: Option<usize>,
    succeeded: bool,
}

const FAIL: usize = 0;
const SUCCESS: usize = 1;

fn classes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        re_set(&[
            r"(?i)fail|error|unable|could not|couldn't|cannot|not installed|aborted|rolled back|rollback",
            r"(?i)completed successfully|installed successfully|installation successful|succeeded|success or error status: 0\b",
        ])
    })
}

impl super::LogReader for TextLog {
    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let hits = classes().matches(line.text.as_bytes());
        if !hits.matched(FAIL) && !hits.matched(SUCCESS) {
            return;
        }
        let found = codes::find_codes(line.text.as_bytes());
        if hits.matched(FAIL) && !found.is_empty() {
            let normalized: Vec<String> = found
                .iter()
                .flat_map(|m| std::iter::once(m.code).chain(m.code.related()))
                .map(|c| c.normalized())
                .collect();
            let cause = tree::kb().cause_for_codes(&normalized);
            // A generic code (1603) only says that setup failed; a specific one says why.
            let specific = cause.is_some_and(|c| c.id != "install-failure");
            let role = if specific { Role::Cause } else { Role::Failure };
            let summary = summary_for(&found);
            if let Some(idx) = out.finding(line, role, summary) {
                if let Some(c) = cause {
                    out.cause(idx, &c.id);
                }
                if specific && self.first_cause.is_none() {
                    self.first_cause = Some(idx);
                }
                if self.first_failure.is_none() {
                    self.first_failure = Some(idx);
                }
            }
        } else if hits.matched(SUCCESS) && !hits.matched(FAIL) {
            self.succeeded = true;
            out.finding(line, Role::Success, "This line reports success.");
        }
    }

    fn finish(&mut self, out: &mut Output) {
        out.root = self.first_cause.or(self.first_failure);
        out.verdict = Some(if out.root.is_some() {
            Verdict::Failed
        } else if self.succeeded {
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
    }
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
