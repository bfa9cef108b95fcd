//! Choosing the root cause across files: each file's part ([`FilePart`]) gives a verdict, findings and facts; the
//! combined [`Diagnosis`] takes the verdict of the case, ranks each failed file's root (a cause beats a
//! pointer to another log, an installer's own log beats the chain that ran it) and decides the cause and
//! the guide. ARCHITECTURE.md, "Choosing the root cause", gives the ranking in words.

use kb::cause;
use kb::tree::{self, Answers};
use model::diagnosis::{Confidence, Detail, Diagnosis, Finding, Note, Role, Timeline, Verdict};
use model::facts::Facts;

use crate::codes;
use crate::scan::FilePart;
use model::facts::Fact;

/// Combines the files' parts, in the files' order: the verdict, the root cause across files, the facts, then
/// the guide (without `answers`, none: see [`Diagnoser::finish_unguided`](crate::Diagnoser::finish_unguided)).
pub(crate) fn combine(reports: Vec<FilePart>, answers: Option<&Answers>) -> Diagnosis {
    let mut facts = Facts::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut files = Vec::new();
    let mut verdict = Verdict::Inconclusive;
    // Each failed file's root: (rank, index into findings, depth, file name).
    let mut roots: Vec<(u8, usize, u8, String)> = Vec::new();
    // Logs that failed files point to (a .NET setup log's component MSI log, a bundle's package log).
    let named_logs = named_logs(&reports);
    // Each file's facts, with the index of its first finding.
    let mut file_facts: Vec<(usize, Facts)> = Vec::new();
    let mut timeline = Vec::new();

    for report in reports {
        let base = findings.len();
        let file_verdict = report.summary.verdict;
        verdict = match (verdict, file_verdict) {
            (Verdict::Failed, _) | (_, Verdict::Failed) => Verdict::Failed,
            (Verdict::Succeeded, _) | (_, Verdict::Succeeded) => Verdict::Succeeded,
            _ => Verdict::Inconclusive,
        };
        if let (Verdict::Failed, Some(r)) = (file_verdict, report.root) {
            if let Some(f) = report.findings.get(r) {
                // A cause beats a mere failure marker; among equals, the deeper log (MSI under .NET setup
                // under Windows Update) explains more, and a log another file names explains that file.
                let named = named_logs
                    .iter()
                    .any(|n| same_file(n, &report.summary.name));
                let rank = (if f.role == Role::Cause
                    && f.cause.as_deref() != Some(cause::NO_CAUSE_IN_LOG.as_str())
                {
                    20
                } else {
                    0
                }) + (if named { 10 } else { 0 })
                    + report.depth;
                roots.push((rank, base + r, report.depth, report.summary.name.clone()));
            }
        }
        if !report.timeline.is_empty() {
            timeline.push(Timeline {
                file: report.summary.name.clone(),
                actions: report.timeline,
                total: report.timeline_total,
            });
        }
        file_facts.push((base, report.facts));
        findings.extend(report.findings);
        notes.extend(report.notes);
        files.push(report.summary);
    }
    // A file of only a byte order mark (or only NULs, which decoding drops) holds no text: it is empty too.
    if files.is_empty()
        || files
            .iter()
            .all(|f| f.bytes == 0 || (f.encoding != "binary" && f.lines == 0))
    {
        notes.push(Note {
            file: None,
            message: "The input was empty.".into(),
        });
    }

    // The first best rank wins (files keep their given order among equals).
    let best = roots
        .iter()
        .enumerate()
        .max_by_key(|(i, r)| (r.0, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    if let Some(b) = best {
        link_roots(&mut findings, &roots, b);
    }
    // The root cause's file speaks first about the product and the machine; then the files in order.
    let root_file = best
        .map(|b| roots[b].1)
        .and_then(|idx| file_facts.iter().rposition(|(base, _)| *base <= idx));
    if let Some(i) = root_file {
        facts.absorb(&file_facts[i].1);
    }
    for (_, f) in &file_facts {
        facts.absorb(f);
    }
    let root_cause = best.map(|b| findings[roots[b].1].clone());
    let codes = all_codes(&findings, root_cause.as_ref());
    decide_cause(&mut facts, verdict, root_cause.as_ref(), &findings, &codes);
    // An installer's log that neither fails nor succeeds stopped early (cut, copied while the installer ran, or
    // only its start pasted): it has a guide of its own, never a fix for a failure it does not show. The logs of
    // agents that run on and on (Windows Update, servicing, Configuration Manager) have no end to stop before.
    let a_log = files.iter().any(|f| {
        matches!(
            f.format.as_str(),
            "msi" | "burn" | "dotnet" | "inno" | "setup"
        )
    });
    if verdict == Verdict::Inconclusive
        && root_cause.is_none()
        && a_log
        && facts.get(Fact::Cause).is_none()
    {
        facts.set(Fact::Cause, cause::LOG_INCOMPLETE.as_str());
    }

    let (questions, guide) = match answers {
        Some(answers) => tree::guide_for(&facts, answers),
        None => Default::default(),
    };
    let stated_success = findings.iter().any(|f| f.role == Role::Success);
    let confidence = Confidence::of(
        verdict,
        root_cause.as_ref(),
        facts.get(Fact::Cause),
        stated_success,
    );
    Diagnosis {
        verdict,
        confidence,
        root_cause,
        findings,
        codes,
        facts,
        questions,
        guide,
        notes,
        files,
        timeline,
        personal: Default::default(),
    }
}

/// The log files that failed files name as holding their cause.
fn named_logs(reports: &[FilePart]) -> Vec<String> {
    let mut out = Vec::new();
    for r in reports {
        if r.summary.verdict != Verdict::Failed {
            continue;
        }
        for f in &r.findings {
            for d in &f.details {
                if matches!(d.label.as_str(), "component log" | "package log") {
                    out.push(d.value.clone());
                }
            }
        }
        if let Some(p) = r.facts.get(Fact::LogPath) {
            out.push(p.to_string());
        }
    }
    out
}

/// Whether a path a log names is the file given: same file name, ignoring folders and case (the path is
/// the machine's, the name the one the person gave; `archive.zip/inner.log` counts by its last part).
fn same_file(path: &str, name: &str) -> bool {
    let last = |s: &str| {
        s.rsplit(['\\', '/'])
            .next()
            .unwrap_or(s)
            .trim()
            .to_ascii_lowercase()
    };
    let (a, b) = (last(path), last(name));
    !a.is_empty() && a == b
}

/// Says which file and line each link of the chain came from: the root cause `explains` the failure other
/// (shallower) files report, and each of those is `explained by` the root cause.
fn link_roots(findings: &mut [Finding], roots: &[(u8, usize, u8, String)], best: usize) {
    let (_, root_idx, root_depth, root_file) = roots[best].clone();
    let Some(root_line) = findings.get(root_idx).map(|f| f.line) else {
        return;
    };
    let mut explains = Vec::new();
    for (i, (_, idx, depth, file)) in roots.iter().enumerate() {
        if i == best || *file == root_file || *depth > root_depth {
            continue;
        }
        if let Some(f) = findings.get_mut(*idx) {
            explains.push(format!("{}:{}", f.file, f.line));
            if !f.details.iter().any(|d| d.label == "explained by") {
                f.details.push(Detail {
                    label: "explained by".into(),
                    value: format!("{root_file}:{root_line}"),
                });
            }
        }
    }
    if let Some(f) = findings.get_mut(root_idx) {
        for e in explains {
            f.details.push(Detail {
                label: "explains".into(),
                value: e,
            });
        }
    }
}

/// Every code in the findings, normalised, each followed by its related forms, without repeats. The root
/// cause's codes come first.
fn all_codes(findings: &[Finding], root: Option<&Finding>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |c: String| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    for f in root.into_iter().chain(findings.iter()) {
        if f.role == Role::Context || f.role == Role::Success {
            continue;
        }
        // A normalised string has lost its kind: "1935" may be message 1935 (no HRESULT form) or Win32
        // 1935. The line itself says which, so the kind comes from finding the codes in it again.
        let on_line = codes::find_codes(f.text.as_bytes());
        for c in &f.codes {
            push(c.clone());
            let code = on_line
                .iter()
                .map(|m| m.code)
                .find(|k| k.normalized() == *c)
                .or_else(|| codes::parse(c));
            for r in code.iter().flat_map(|k| k.related()) {
                push(r.normalized());
            }
        }
    }
    out
}

/// Sets the `cause` and `code` facts from the root cause, or from the codes when there is none.
fn decide_cause(
    facts: &mut Facts,
    verdict: Verdict,
    root: Option<&Finding>,
    findings: &[Finding],
    codes: &[String],
) {
    if let Some(code) = root.and_then(|r| r.codes.first()).or(codes.first()) {
        facts.learn(Fact::Code, code.clone());
    }
    // The HRESULT a root-cause line carries besides its message number (`Error 1935. … HRESULT: 0x8002802F`)
    // says which fix applies; the generic 1603 forms say nothing.
    if let Some(h) = root.and_then(|r| {
        r.codes
            .iter()
            .find(|c| c.starts_with("0x") && c.as_str() != "0x80070643")
    }) {
        facts.learn(Fact::Hresult, h.clone());
    }
    // A root that only says "the cause is in another log" still carries the installer's result; when that
    // result names a specific cause (0x80070020, a file in use), the result is the better guide. The generic
    // 1603 forms name no specific cause and keep "get the log".
    let specific = |r: &Finding| {
        tree::cause_id_for_codes(&r.codes)
            .filter(|c| *c != cause::INSTALL_FAILURE)
            .map(|c| c.as_str())
    };
    if let Some(cause) = root
        .filter(|r| r.cause.as_deref() == Some(cause::NO_CAUSE_IN_LOG.as_str()))
        .and_then(specific)
    {
        facts.learn(Fact::Cause, cause);
    } else if let Some(cause) = root.and_then(|r| r.cause.clone()) {
        facts.learn(Fact::Cause, cause);
    } else if let Some(c) = root.and_then(|r| tree::cause_for_codes(&r.codes)) {
        facts.learn(Fact::Cause, c.id.clone());
    } else if let Some(c) = findings
        .iter()
        .filter_map(|f| f.cause.clone())
        // Another file's "no cause here" says nothing about a root cause found elsewhere.
        .find(|c| {
            c != cause::NO_CAUSE_IN_LOG.as_str() || root.is_none_or(|r| r.role != Role::Cause)
        })
    {
        facts.learn(Fact::Cause, c);
    } else if let Some(c) = tree::cause_for_codes(codes) {
        facts.learn(Fact::Cause, c.id.clone());
    }
    // A log that ends in success is a success, even when it retried past an error on the way (a Burn download
    // that failed once): the guide must not send the person to fix what already worked.
    if verdict == Verdict::Succeeded {
        facts.set(Fact::Cause, cause::SUCCEEDED.as_str());
    }
}
