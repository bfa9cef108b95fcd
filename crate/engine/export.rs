//! The diagnosis as text for people: plain text (terminal, e-mail) and Markdown (GitHub, Discourse, Reddit).

use std::fmt::Write;

use super::diagnosis::{Diagnosis, Finding, Verdict};
use super::facts;
use super::guide::Guide;
use super::tree::AnsweredBy;

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Failed => "failed",
        Verdict::Succeeded => "succeeded",
        Verdict::Inconclusive => "inconclusive (the input does not say whether it failed)",
    }
}

/// Plain text, for a terminal.
pub fn text(d: &Diagnosis) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Verdict: {}", verdict_words(d.verdict));
    match &d.root_cause {
        Some(f) => {
            let _ = writeln!(s, "Root cause: {}:{}", f.file, f.line);
            let _ = writeln!(s, "  {}", f.text.trim());
            let _ = writeln!(s, "  {}", f.summary);
            for det in &f.details {
                let _ = writeln!(s, "  {}: {}", det.label, det.value);
            }
        }
        None => {
            let _ = writeln!(s, "Root cause: not in the input");
        }
    }
    if !d.codes.is_empty() {
        let _ = writeln!(s, "Codes: {}", d.codes.join(", "));
    }
    if !d.facts.is_empty() {
        let _ = writeln!(s, "Facts:");
        for (k, v) in d.facts.iter() {
            let _ = writeln!(s, "  {} ({k}): {v}", facts::label(k));
        }
    }
    let open: Vec<_> = d
        .questions
        .iter()
        .filter(|q| q.answered_by == AnsweredBy::Open)
        .collect();
    if !open.is_empty() {
        let _ = writeln!(
            s,
            "Open questions (answer with --answer FACT=VALUE; unanswered takes \"I don't know\"):"
        );
        for q in open {
            let _ = writeln!(s, "  {}: {}", q.fact, q.text);
            for c in &q.choices {
                let _ = writeln!(s, "      {}={}  {}", q.fact, c.value, c.label);
            }
        }
    }
    for n in &d.notes {
        let _ = writeln!(
            s,
            "Note: {}{}",
            n.file
                .as_deref()
                .map(|f| format!("{f}: "))
                .unwrap_or_default(),
            n.message
        );
    }
    let _ = writeln!(s);
    guide_text(&mut s, &d.guide);
    s
}

fn guide_text(s: &mut String, g: &Guide) {
    let _ = writeln!(s, "{}", g.title);
    let _ = writeln!(s, "{}", "=".repeat(g.title.chars().count().min(80)));
    if !g.intro.is_empty() {
        let _ = writeln!(s, "{}\n", g.intro);
    }
    for (i, step) in g.steps.iter().enumerate() {
        let _ = writeln!(s, "Step {}. {}  [{}]", i + 1, step.title, step.risk.label());
        for para in step.body.split("\n\n") {
            let _ = writeln!(s, "   {}", para.trim());
        }
        if !step.backup.is_empty() {
            let _ = writeln!(s, "   Before you start: {}", step.backup);
        }
        for c in &step.commands {
            let _ = writeln!(s, "   > {c}");
        }
        if !step.undo.is_empty() {
            let _ = writeln!(s, "   Undo: {}", step.undo);
        }
        if !step.check.is_empty() {
            let _ = writeln!(s, "   Did it work? {}", step.check);
        }
        for src in &step.sources {
            let _ = writeln!(s, "   Source: {src}");
        }
        let _ = writeln!(s);
    }
}

/// Markdown, for GitHub, Discourse and Reddit.
pub fn markdown(d: &Diagnosis) -> String {
    let mut s = String::new();
    let g = &d.guide;
    let _ = writeln!(s, "## {}\n", md_escape(&g.title));
    if let Some(f) = &d.root_cause {
        evidence_md(&mut s, f);
    }
    if !g.intro.is_empty() {
        let _ = writeln!(s, "{}\n", md_escape(&g.intro));
    }
    for (i, step) in g.steps.iter().enumerate() {
        let _ = writeln!(s, "### Step {}. {}\n", i + 1, md_escape(&step.title));
        let _ = writeln!(s, "*{}*\n", step.risk.label());
        for para in step.body.split("\n\n") {
            let _ = writeln!(s, "{}\n", md_escape(para.trim()));
        }
        if !step.backup.is_empty() {
            let _ = writeln!(s, "**Before you start:** {}\n", md_escape(&step.backup));
        }
        if !step.commands.is_empty() {
            let _ = writeln!(s, "```bat");
            for c in &step.commands {
                let _ = writeln!(s, "{c}");
            }
            let _ = writeln!(s, "```\n");
        }
        if !step.check.is_empty() {
            let _ = writeln!(s, "**Did it work?** {}\n", md_escape(&step.check));
        }
        let _ = writeln!(s, "Sources:\n");
        for src in &step.source_links {
            if src.url.is_empty() {
                let _ = writeln!(s, "- {}", md_escape(&src.title));
            } else {
                let _ = writeln!(s, "- [{}]({})", md_escape(&src.title), src.url);
            }
        }
        let _ = writeln!(s);
    }
    s
}

fn evidence_md(s: &mut String, f: &Finding) {
    let _ = writeln!(
        s,
        "**Cause found** in `{}`, line {}:\n",
        f.file.replace('`', "'"),
        f.line
    );
    let _ = writeln!(s, "```\n{}\n```\n", f.text.replace("```", "'''"));
    let _ = writeln!(s, "{}\n", md_escape(&f.summary));
}

/// Escapes the characters Markdown would take as formatting.
pub fn md_escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
