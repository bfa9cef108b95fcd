//! The diagnosis as text for people: plain text (terminal, e-mail), Markdown (GitHub, Discourse, Reddit) and
//! BBCode (phpBB, vBulletin, XenForo, SMF and most other forums).
//!
//! [`export`] is the front door for copying a guide elsewhere: it redacts (see [`crate::redact`]) and ends
//! with the share link. The forum formats and the link are redacted unless the caller says not to; plain text
//! is for the person's own use and keeps the input's words.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::redact::Redactor;
use crate::share::{self, Case, Progress};
use kb::tree::{AnsweredBy, Answers};
use model::diagnosis::{Diagnosis, Finding, Timeline, Verdict};
use model::facts;
use model::guide::Guide;

/// A format to copy a guide in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    #[serde(rename = "bbcode")]
    BBCode,
}

impl Format {
    /// Whether this format is meant for others to read (and so redacted by default).
    pub fn is_for_forums(self) -> bool {
        matches!(self, Format::Markdown | Format::BBCode)
    }
}

/// The words of the share link in the exports.
pub const LINK_LABEL: &str = "Open this guide in setup-triage";

/// A guide to copy: in `format`, ending with the share link when `base_url` is given.
///
/// With a `redactor` (one that may have learned names from the whole input), the link is redacted, and so is
/// the text of the forum formats; plain text keeps the input's words. Without one (`--no-redact`), nothing
/// is redacted.
pub fn export(
    d: &Diagnosis,
    answers: &Answers,
    progress: &Progress,
    format: Format,
    base_url: Option<&str>,
    mut redactor: Option<&mut Redactor>,
) -> String {
    if let Some(r) = redactor.as_deref_mut() {
        r.learn_diagnosis(d);
    }
    let shown = match (format.is_for_forums(), redactor.as_deref_mut()) {
        (true, Some(r)) => r.redact_diagnosis(d),
        _ => d.clone(),
    };
    let mut out = match format {
        Format::Text => text(&shown),
        Format::Markdown => markdown(&shown),
        Format::BBCode => bbcode(&shown),
    };
    if let Some(base) = base_url {
        let case = Case::build(d, answers, progress, redactor);
        let link = share::link(base, &case);
        let _ = match format {
            Format::Text => writeln!(out, "Share link: {link}"),
            Format::Markdown => writeln!(out, "[{LINK_LABEL}]({link})"),
            Format::BBCode => writeln!(out, "[url={link}]{LINK_LABEL}[/url]"),
        };
    }
    out
}

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Failed => "failed",
        Verdict::Succeeded => "succeeded",
        Verdict::Inconclusive => "inconclusive (the input does not say whether it failed)",
    }
}

/// Plain text, for a terminal. Control characters from the input (a log line, a fact, a file or entry name) are
/// shown visibly ([`visible`]): a log must not clear the screen, retitle the window or hide a link.
pub fn text(d: &Diagnosis) -> String {
    visible(&text_raw(d)).into_owned()
}

/// Shows the characters a terminal would act on instead of printing: C0 controls and DEL in caret notation
/// (`^[` for ESC, `^G` for BEL, `^M` for CR, `^H` for backspace, `^?` for DEL), the C1 controls (U+0080 to
/// U+009F; some terminals take U+009B as the start of an escape sequence) and the bidirectional overrides and
/// isolates (which can make a line read in an order other than its own) as `<U+XXXX>`. Line breaks and tabs
/// stay: they are the layout.
pub fn visible(t: &str) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !t.chars().any(shown) {
        return std::borrow::Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len() + 16);
    for c in t.chars() {
        match c {
            c if !shown(c) => out.push(c),
            '\u{7f}' => out.push_str("^?"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            c => {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

fn text_raw(d: &Diagnosis) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Verdict: {}", verdict_words(d.verdict));
    let _ = writeln!(s, "How sure: {}", d.confidence.label());
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
    for t in &d.timeline {
        timeline_text(&mut s, t);
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

/// The actions just before the failing one, the failing one and the next: where an MSI log went wrong.
fn timeline_text(s: &mut String, t: &Timeline) {
    let Some(at) = t.actions.iter().position(|a| a.failed) else {
        return;
    };
    let _ = writeln!(s, "Actions in {} ({} in all):", t.file, t.total);
    let from = at.saturating_sub(4);
    if from > 0 || t.actions.first().is_some_and(|a| a.skipped_before > 0) {
        let _ = writeln!(s, "  …");
    }
    for a in t.actions.iter().skip(from).take(at - from + 3) {
        if a.skipped_before > 0 && a.start != t.actions[from].start {
            let _ = writeln!(s, "  … ({} more)", a.skipped_before);
        }
        let lines = match a.end {
            Some(e) => format!("lines {}-{e}", a.start),
            None => format!("line {}", a.start),
        };
        let result = a
            .result
            .map(|r| format!(", returned {r}"))
            .unwrap_or_default();
        let mark = if a.failed { "  <-- failed here" } else { "" };
        let _ = writeln!(s, "  {} ({lines}{result}){mark}", a.name);
    }
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
        for (lead, commands) in step.command_groups() {
            let _ = writeln!(s, "   {lead}");
            for c in commands {
                let _ = writeln!(s, "   > {c}");
            }
        }
        if let Some(script) = &step.script {
            let _ = writeln!(s, "   {}", script.lead());
            for line in script.text.lines() {
                let _ = writeln!(s, "   | {line}");
            }
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

/// Markdown, for GitHub, Discourse and Reddit: a heading per step, commands in code blocks, sources as links.
pub fn markdown(d: &Diagnosis) -> String {
    let mut s = String::new();
    let g = &d.guide;
    let _ = writeln!(s, "## {}\n", md_escape(&g.title));
    if let Some(f) = &d.root_cause {
        evidence_md(&mut s, f);
    }
    if !g.intro.is_empty() {
        let _ = writeln!(s, "{}\n", md_block(&g.intro));
    }
    for (i, step) in g.steps.iter().enumerate() {
        let _ = writeln!(s, "### Step {}. {}\n", i + 1, md_escape(&step.title));
        let _ = writeln!(s, "*{}*\n", step.risk.label());
        for para in step.body.split("\n\n") {
            if !para.trim().is_empty() {
                let _ = writeln!(s, "{}\n", md_block(para.trim()));
            }
        }
        if !step.backup.is_empty() {
            let _ = writeln!(s, "**Before you start:** {}\n", md_escape(&step.backup));
        }
        for (lead, commands) in step.command_groups() {
            let _ = writeln!(s, "{}\n", md_escape(&lead));
            let fence = md_fence(&commands.join("\n"));
            let lang = if lead.contains("PowerShell") {
                "powershell"
            } else {
                "bat"
            };
            let _ = writeln!(s, "{fence}{lang}");
            for c in &commands {
                let _ = writeln!(s, "{c}");
            }
            let _ = writeln!(s, "{fence}\n");
        }
        if let Some(script) = &step.script {
            // A destructive sequence is shown as text to read, not as a block to paste: the lead says so.
            let _ = writeln!(s, "**{}**\n", md_escape(&script.lead()));
            let fence = md_fence(&script.text);
            let _ = writeln!(s, "{fence}text\n{}\n{fence}\n", script.text);
        }
        if !step.undo.is_empty() {
            let _ = writeln!(s, "**Undo:** {}\n", md_escape(&step.undo));
        }
        if !step.check.is_empty() {
            let _ = writeln!(s, "**Did it work?** {}\n", md_escape(&step.check));
        }
        if !step.source_links.is_empty() {
            let _ = writeln!(s, "Sources:\n");
            for src in &step.source_links {
                if src.url.is_empty() {
                    let _ = writeln!(s, "- {}", md_escape(&src.title));
                } else {
                    let _ = writeln!(s, "- [{}]({})", md_escape(&src.title), md_url(&src.url));
                }
            }
            let _ = writeln!(s);
        }
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
    let fence = md_fence(&f.text);
    let _ = writeln!(s, "{fence}\n{}\n{fence}\n", f.text);
    let _ = writeln!(s, "{}\n", md_escape(&f.summary));
}

/// A code fence longer than any run of backticks in the text, so the text cannot close it.
fn md_fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// A link destination: in angle brackets when it holds characters that would end a bare one.
fn md_url(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Escapes the characters Markdown would take as formatting.
pub fn md_escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a paragraph, including what would start a list, a heading or a quote at the start of a line.
fn md_block(t: &str) -> String {
    t.lines()
        .map(|line| {
            let e = md_escape(line);
            let trimmed = e.trim_start();
            let indent = &e[..e.len() - trimmed.len()];
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            if trimmed.starts_with(['-', '+', '=']) {
                format!("{indent}\\{trimmed}")
            } else if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
                format!("{indent}{}\\{}", &trimmed[..digits], &trimmed[digits..])
            } else {
                e
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// BBCode, for forums: the steps as a numbered list (`[list=1]`), commands in `[code]`, sources as `[url]`,
/// the evidence in a `[quote]`. Only tags every common dialect knows.
pub fn bbcode(d: &Diagnosis) -> String {
    let mut s = String::new();
    let g = &d.guide;
    let _ = writeln!(s, "[b]{}[/b]\n", bb_text(&g.title));
    if let Some(f) = &d.root_cause {
        let _ = writeln!(
            s,
            "[quote]Cause found in {}, line {}:\n[code]{}[/code]\n{}[/quote]\n",
            bb_text(&f.file),
            f.line,
            bb_code(&f.text),
            bb_text(&f.summary)
        );
    }
    if !g.intro.is_empty() {
        let _ = writeln!(s, "{}\n", bb_text(&g.intro));
    }
    let _ = writeln!(s, "[list=1]");
    for step in &g.steps {
        let _ = writeln!(
            s,
            "[*][b]{}[/b] [i]({})[/i]",
            bb_text(&step.title),
            step.risk.label()
        );
        for para in step.body.split("\n\n") {
            if !para.trim().is_empty() {
                let _ = writeln!(s, "{}\n", bb_text(para.trim()));
            }
        }
        if !step.backup.is_empty() {
            let _ = writeln!(s, "[b]Before you start:[/b] {}\n", bb_text(&step.backup));
        }
        for (lead, commands) in step.command_groups() {
            let _ = writeln!(s, "{}", bb_text(&lead));
            let _ = writeln!(s, "[code]{}[/code]", bb_code(&commands.join("\n")));
        }
        if let Some(script) = &step.script {
            let _ = writeln!(s, "[b]{}[/b]", bb_text(&script.lead()));
            let _ = writeln!(s, "[code]{}[/code]", bb_code(&script.text));
        }
        if !step.undo.is_empty() {
            let _ = writeln!(s, "[b]Undo:[/b] {}\n", bb_text(&step.undo));
        }
        if !step.check.is_empty() {
            let _ = writeln!(s, "[b]Did it work?[/b] {}\n", bb_text(&step.check));
        }
        if !step.source_links.is_empty() {
            let links: Vec<String> = step
                .source_links
                .iter()
                .map(|src| {
                    if src.url.is_empty() {
                        bb_text(&src.title)
                    } else {
                        format!("[url={}]{}[/url]", bb_url(&src.url), bb_text(&src.title))
                    }
                })
                .collect();
            let _ = writeln!(s, "Sources: {}\n", links.join(", "));
        }
    }
    let _ = writeln!(s, "[/list]\n");
    s
}

/// Text outside code: square brackets become round ones, since no escape works across forum dialects and a
/// bracketed word could be taken for a tag.
fn bb_text(t: &str) -> String {
    t.replace('[', "(").replace(']', ")")
}

/// Text inside `[code]`: forums show it as written, except a closing tag.
fn bb_code(t: &str) -> String {
    let mut out = t.to_string();
    for close in ["[/code]", "[/CODE]", "[/Code]"] {
        out = out.replace(close, "[/ code]");
    }
    out
}

/// A URL inside `[url=…]`: the characters that would end the tag are percent-encoded.
fn bb_url(u: &str) -> String {
    u.replace('[', "%5B")
        .replace(']', "%5D")
        .replace(' ', "%20")
        .replace('"', "%22")
}
