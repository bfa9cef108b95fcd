//! Forum exports: every step appears in each format; Markdown parses to the intended structure; BBCode tags
//! balance; user names never reach redacted exports or links.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use setup_triage::case::export::{self, Format, LINK_LABEL};
use setup_triage::case::redact::Redactor;
use setup_triage::case::share::{self, Progress};
use setup_triage::kb::tree::{self, UNKNOWN};
use setup_triage::{Answers, Diagnosis, diagnose_text};

const BASE: &str = "https://example.org/setup-triage/";
const EVIDENCE: &str = r"C:\Users\alice\AppData\Local\Temp\dd_NDP35.log: Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643";

/// One diagnosis per guide the knowledge base can reach, with a user name in the evidence line.
fn cases() -> Vec<(Answers, Diagnosis)> {
    let kb = tree::kb();
    let mut out: Vec<(Answers, Diagnosis)> = Vec::new();
    let mut seen = Vec::new();
    // Each node's choices and "I don't know", one fact at a time, is enough to reach every guide here; the
    // codec test walks every full path.
    for node in &kb.nodes {
        if node.fact.is_empty() {
            continue;
        }
        let values = node
            .choice
            .iter()
            .flat_map(|c| c.values.iter().cloned())
            .chain([UNKNOWN.to_string()]);
        for v in values {
            let mut a = Answers::new();
            a.set(&node.fact, &v);
            let d = diagnose_text("paste", EVIDENCE, &a);
            if !seen.contains(&d.guide.id) {
                seen.push(d.guide.id.clone());
                out.push((a, d));
            }
        }
    }
    assert!(out.len() >= 3, "{seen:?}");
    out
}

fn export(d: &Diagnosis, a: &Answers, format: Format, redact: bool) -> String {
    let mut r = Redactor::new();
    export::export(
        d,
        a,
        &Progress::default(),
        format,
        Some(BASE),
        if redact { Some(&mut r) } else { None },
    )
}

#[test]
fn every_step_appears_in_every_format() {
    for (a, d) in cases() {
        for format in [Format::Text, Format::Markdown, Format::BBCode] {
            let out = export(&d, &a, format, true);
            for (i, step) in d.guide.steps.iter().enumerate() {
                let title = step.title.replace('[', "(").replace(']', ")");
                let title = if format == Format::Markdown {
                    export::md_escape(&title)
                } else {
                    title
                };
                assert!(
                    out.contains(&title),
                    "{format:?} lacks step {i} {title}:\n{out}"
                );
                for c in &step.commands {
                    assert!(out.contains(c.as_str()), "{format:?} lacks command {c}");
                }
            }
            assert!(
                out.contains(&format!("{BASE}#c=1.")),
                "{format:?} has no link"
            );
        }
    }
}

/// What a Markdown text turns into: level-3 heading texts, code block texts, link destinations and texts.
#[derive(Default, Debug)]
struct MdShape {
    step_headings: Vec<String>,
    code_blocks: Vec<String>,
    links: Vec<(String, String)>,
}

fn md_shape(md: &str) -> MdShape {
    let mut shape = MdShape::default();
    let mut heading: Option<String> = None;
    let mut code: Option<String> = None;
    let mut link: Option<(String, String)> = None;
    for ev in Parser::new(md) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H3,
                ..
            }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H3)) => {
                shape.step_headings.extend(heading.take());
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => shape.code_blocks.extend(code.take()),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Link) => shape.links.extend(link.take()),
            Event::Text(t) | Event::Code(t) => {
                for buf in [
                    heading.as_mut(),
                    code.as_mut(),
                    link.as_mut().map(|l| &mut l.1),
                ]
                .into_iter()
                .flatten()
                {
                    buf.push_str(&t);
                }
            }
            _ => {}
        }
    }
    shape
}

#[test]
fn markdown_parses_to_the_intended_structure() {
    for (a, d) in cases() {
        let md = export(&d, &a, Format::Markdown, true);
        let shape = md_shape(&md);
        let expected: Vec<String> = d
            .guide
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("Step {}. {}", i + 1, s.title))
            .collect();
        assert_eq!(shape.step_headings, expected, "{md}");
        for step in &d.guide.steps {
            // Each run of commands in one shell is a code block of its own, under the line that says where it
            // runs; a script is one block too.
            for (_, commands) in step.command_groups() {
                let block = format!("{}\n", commands.join("\n"));
                assert!(
                    shape.code_blocks.contains(&block),
                    "{block:?} not in {:?}",
                    shape.code_blocks
                );
            }
            if let Some(script) = &step.script {
                let block = format!("{}\n", script.text);
                assert!(shape.code_blocks.contains(&block), "{block:?}");
            }
            for src in step.source_links.iter().filter(|s| !s.url.is_empty()) {
                assert!(
                    shape
                        .links
                        .iter()
                        .any(|(url, text)| *url == src.url && *text == src.title),
                    "no link to {} in {:?}",
                    src.url,
                    shape.links
                );
            }
        }
        // The evidence line is a code block, and the share link the last link.
        assert!(
            shape.code_blocks.iter().any(|b| b.contains("0x643")),
            "{md}"
        );
        let (url, text) = shape.links.last().unwrap();
        assert_eq!(text, LINK_LABEL);
        assert_eq!(share::decode(url).unwrap().guide, d.guide.id);
    }
}

#[test]
fn markdown_escapes_what_would_format() {
    // Text that looks like Markdown stays text.
    let mut d = diagnose_text("paste", EVIDENCE, &Answers::new());
    d.guide.steps[0].title = "Use *this* [not](a link) # or `code`".into();
    d.guide.steps[0].body = "1. not a list\n- nor this\n# nor a heading".into();
    let md = export::markdown(&d);
    let shape = md_shape(&md);
    assert_eq!(
        shape.step_headings[0],
        "Step 1. Use *this* [not](a link) # or `code`"
    );
    // The only lists are the sources; the body's lines stay text.
    let lists = Parser::new(&md)
        .filter(|e| matches!(e, Event::Start(Tag::List(_))))
        .count();
    let with_sources = d
        .guide
        .steps
        .iter()
        .filter(|s| !s.source_links.is_empty())
        .count();
    assert_eq!(lists, with_sources, "{md}");
    let text: String = Parser::new(&md)
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        text.contains("1. not a list") && text.contains("# nor a heading"),
        "{md}"
    );
}

/// Checks that BBCode tags nest and close, treating `[code]` contents as opaque and `[*]` as an item
/// opener. Returns the items of each `[list=1]`, as text.
fn bb_check(bb: &str) -> Result<Vec<Vec<String>>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut lists: Vec<Vec<String>> = Vec::new();
    let mut rest = bb;
    while let Some(open) = rest.find('[') {
        if let Some(items) = lists.last_mut().and_then(|l| l.last_mut()) {
            items.push_str(&rest[..open]);
        }
        let Some(close) = rest[open..].find(']') else {
            return Err(format!("unclosed bracket at {:?}", &rest[open..]));
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let name = tag.split('=').next().unwrap_or("").to_ascii_lowercase();
        if name == "code" {
            let end = rest.find("[/code]").ok_or("unclosed [code]")?;
            if let Some(items) = lists.last_mut().and_then(|l| l.last_mut()) {
                items.push_str(&rest[..end]);
            }
            rest = &rest[end + "[/code]".len()..];
            continue;
        }
        if name == "*" {
            if stack.last().map(String::as_str) != Some("list") {
                return Err("[*] outside a list".into());
            }
            lists.last_mut().ok_or("no list")?.push(String::new());
            continue;
        }
        if let Some(closing) = name.strip_prefix('/') {
            match stack.pop() {
                Some(top) if top == closing => {}
                other => return Err(format!("[/{closing}] closes {other:?}")),
            }
            continue;
        }
        if !["b", "i", "u", "url", "quote", "list"].contains(&name.as_str()) {
            return Err(format!("unknown tag [{tag}]"));
        }
        if name == "list" {
            lists.push(Vec::new());
        }
        stack.push(name);
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    Ok(lists)
}

#[test]
fn bbcode_tags_balance_and_steps_are_list_items() {
    for (a, d) in cases() {
        let bb = export(&d, &a, Format::BBCode, true);
        let lists = bb_check(&bb).unwrap_or_else(|e| panic!("{e}:\n{bb}"));
        assert_eq!(lists.len(), 1, "{bb}");
        let items = &lists[0];
        assert_eq!(items.len(), d.guide.steps.len(), "{bb}");
        for (item, step) in items.iter().zip(&d.guide.steps) {
            assert!(item.contains(&step.title), "{item}");
            for c in &step.commands {
                assert!(item.contains(c.as_str()), "{item}");
            }
        }
        for step in &d.guide.steps {
            for src in step.source_links.iter().filter(|s| !s.url.is_empty()) {
                // Brackets in titles become parentheses, so that they cannot be read as tags.
                let title = src.title.replace('[', "(").replace(']', ")");
                assert!(
                    bb.contains(&format!("[url={}]{}[/url]", src.url, title)),
                    "{bb}"
                );
            }
        }
        assert!(bb.contains(&format!("[url={BASE}#c=1.")));
    }
    // The checker itself catches what it must.
    assert!(bb_check("[b]x[/i]").is_err());
    assert!(bb_check("[list=1][*]a[*]b").is_err());
    assert!(bb_check("[code][b][/code]").is_ok());
}

#[test]
fn bbcode_keeps_brackets_in_text_from_becoming_tags() {
    let mut d = diagnose_text("paste", EVIDENCE, &Answers::new());
    d.guide.steps[0].title = "Press [b] then [/list]".into();
    d.guide.steps[0].commands = vec!["echo [/code] [x]".into()];
    let bb = export::bbcode(&d);
    bb_check(&bb).unwrap_or_else(|e| panic!("{e}:\n{bb}"));
}

#[test]
fn user_names_stay_out_of_forum_exports_and_links() {
    for (a, d) in cases() {
        for format in [Format::Markdown, Format::BBCode] {
            let out = export(&d, &a, format, true);
            assert!(
                !out.to_ascii_lowercase().contains("alice"),
                "{format:?}:\n{out}"
            );
            assert!(out.contains("USER1"), "{format:?}:\n{out}");
            // Kept with --no-redact.
            assert!(export(&d, &a, format, false).contains("alice"));
        }
        // Plain text is for the person: the words stay, the link is still redacted.
        let text = export(&d, &a, Format::Text, true);
        assert!(text.contains("alice"));
        let link = text
            .lines()
            .last()
            .unwrap()
            .trim_start_matches("Share link: ");
        assert!(!link.contains("alice"));
        let case = share::decode(link).unwrap();
        assert!(
            case.evidence
                .unwrap()
                .text
                .contains(r"C:\Users\USER1\AppData")
        );
    }
}

#[test]
fn guides_survive_redaction() {
    // The knowledge base's own words (commands, registry paths, SIDs such as S-1-5-18) are never redacted.
    for (a, d) in cases() {
        let plain = diagnose_text("paste", "", &a);
        let mut r = Redactor::new();
        r.learn_diagnosis(&d);
        assert_eq!(r.redact_diagnosis(&plain).guide, plain.guide);
    }
}
