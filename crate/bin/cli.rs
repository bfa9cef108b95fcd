//! The command line: `setup-triage diagnose FILE...`, `setup-triage share FILE...`, `setup-triage explain CODE`,
//! `setup-triage tree`, `setup-triage kb review`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use model::facts::Fact;
use setup_triage::case::export;
use setup_triage::case::export::Format as Export;
use setup_triage::case::redact::Redactor;
use setup_triage::case::share::{self, Case, Progress};
use setup_triage::scan::codes;
use setup_triage::scan::text::Decoder;
use setup_triage::{Answers, Diagnoser};

mod each;

const USAGE: &str = "\
usage: setup-triage diagnose [--format text|markdown|bbcode|json] [--answer FACT=VALUE]... [--base-url URL]
                             [--no-redact] FILE...
       setup-triage diagnose --each [--answer FACT=VALUE]... FILE-OR-FOLDER...
       setup-triage share [--answer FACT=VALUE]... [--base-url URL] [--step N] [--no-redact] FILE...
       setup-triage explain CODE
       setup-triage tree [--format text|dot|mermaid]
       setup-triage kb review | check [FOLDER] | show CAUSE [--answer FACT=VALUE]...
       setup-triage --help

diagnose   reads logs or pasted text (FILE may be - for standard input) and prints the cause and the guide.
           markdown and bbcode are for forums: redacted (user, computer and domain names, SIDs, e-mail and IP
           addresses, serials) and ending with the share link. text and json are for you: not redacted, and
           text ends with the (redacted) share link only when --base-url is given.
           --each diagnoses every case on its own, on all cores: a file given or in a folder given is a case,
           and so is each subfolder (all its files together). It writes one JSON object per case and line
           (JSON Lines: a \"case\" field, then the JSON contract, or \"case\" and \"error\" when it cannot be read), and a
           table of the causes found to standard error.
share      prints the share link: the guide, reopened from the link, without the log (only the redacted
           evidence line travels). --step N links to step N.
explain    decodes one error code: 0x80070643, 80070643, 0x643, 1603, -2147023293, \"Error 1935\".
tree       prints the whole knowledge base (questions, choices, guides, steps) for review.
kb check   checks the knowledge base (or the *.toml files of FOLDER, as a writer edits them) with the rules the
           tests use, and prints each problem in words; exit status 1 when there is one.
kb show    prints the guide a cause leads to, and the questions on the way.
kb review  prints every step with its text, commands (with their shell and whether they need an administrator),
           script, variants and sources (Microsoft, archived or third-party), for a person to review in one read.

--base-url URL  where the page is hosted; the link is URL#c=... (default: https://setup-triage.invalid/,
                a placeholder: put your page's address, or open the part from # on in any copy of the page).
--no-redact     keeps names and addresses in the markdown and bbcode exports and in the link.";

/// The base URL of links when `--base-url` is not given: a reserved name that cannot resolve, so nobody
/// mistakes it for a real page.
const DEFAULT_BASE_URL: &str = "https://setup-triage.invalid/";

/// Bad usage or an unreadable file: a one-line message and exit code 2.
struct Fail(String);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("setup-triage: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let cmd = match parser.next().map_err(usage)? {
        Some(Value(v)) => v.string().map_err(usage)?,
        Some(Long("help") | Short('h')) => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => return Err(usage(other.unexpected())),
        None => return Err(Fail("missing command; try --help".into())),
    };
    match cmd.as_str() {
        "diagnose" => diagnose(parser),
        "share" => share_link(parser),
        "explain" => explain(parser),
        "tree" => tree(parser),
        "kb" => kb(parser),
        other => Err(Fail(format!("unknown command '{other}'; try --help"))),
    }
}

/// Takes the value of `--answer FACT=VALUE` into the answers.
fn add_answer(parser: &mut lexopt::Parser, answers: &mut Answers) -> Result<(), Fail> {
    use lexopt::ValueExt;
    let v = parser.value().map_err(usage)?.string().map_err(usage)?;
    let Some((k, val)) = v.split_once('=') else {
        return Err(Fail(format!("--answer wants FACT=VALUE, got '{v}'")));
    };
    answers.set(k.trim(), val.trim());
    Ok(())
}

fn usage(e: impl std::fmt::Display) -> Fail {
    Fail(format!("{e}; try --help"))
}

#[derive(Clone, Copy)]
enum Format {
    Text,
    Markdown,
    BBCode,
    Json,
}

fn diagnose(mut parser: lexopt::Parser) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut format = Format::Text;
    let mut answers = Answers::new();
    let mut files: Vec<String> = Vec::new();
    let mut base_url: Option<String> = None;
    let mut redact = true;
    let mut each = false;
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Long("base-url") => {
                base_url = Some(parser.value().map_err(usage)?.string().map_err(usage)?)
            }
            Long("no-redact") => redact = false,
            Long("format") | Short('f') => {
                format = match parser
                    .value()
                    .map_err(usage)?
                    .string()
                    .map_err(usage)?
                    .as_str()
                {
                    "text" => Format::Text,
                    "markdown" | "md" => Format::Markdown,
                    "bbcode" => Format::BBCode,
                    "json" => Format::Json,
                    other => {
                        return Err(Fail(format!(
                            "unknown format '{other}' (text, markdown, bbcode or json)"
                        )));
                    }
                }
            }
            Long("answer") | Short('a') => add_answer(&mut parser, &mut answers)?,
            Long("each") => each = true,
            Value(v) => files.push(v.string().map_err(usage)?),
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(other.unexpected())),
        }
    }
    if each {
        return each::run(&files, &answers);
    }
    if files.is_empty() {
        return Err(Fail(
            "diagnose needs at least one FILE (or - for standard input)".into(),
        ));
    }
    // Names are learned from the whole input only when something redacted is printed.
    let needs_redactor =
        redact && (matches!(format, Format::Markdown | Format::BBCode) || base_url.is_some());
    let mut redactor = needs_redactor.then(Redactor::new);
    let mut d = Diagnoser::new();
    for name in &files {
        read_into(&mut d, name, redactor.as_mut())?;
    }
    let diagnosis = d.finish(&answers);
    let progress = Progress::default();
    let forum_base = base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
    let out = match format {
        Format::Text => export::export(
            &diagnosis,
            &answers,
            &progress,
            Export::Text,
            base_url.as_deref(),
            redactor.as_mut(),
        ),
        Format::Markdown => export::export(
            &diagnosis,
            &answers,
            &progress,
            Export::Markdown,
            Some(forum_base),
            redactor.as_mut(),
        ),
        Format::BBCode => export::export(
            &diagnosis,
            &answers,
            &progress,
            Export::BBCode,
            Some(forum_base),
            redactor.as_mut(),
        ),
        Format::Json => {
            serde_json::to_string_pretty(&diagnosis).map_err(|e| Fail(e.to_string()))? + "\n"
        }
    };
    let _ = io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}

/// `setup-triage share`: diagnoses the files and prints the share link.
fn share_link(mut parser: lexopt::Parser) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut answers = Answers::new();
    let mut files: Vec<String> = Vec::new();
    let mut base_url = DEFAULT_BASE_URL.to_string();
    let mut redact = true;
    let mut step: Option<usize> = None;
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Long("base-url") => {
                base_url = parser.value().map_err(usage)?.string().map_err(usage)?
            }
            Long("no-redact") => redact = false,
            Long("step") | Short('s') => {
                let v = parser.value().map_err(usage)?.string().map_err(usage)?;
                step = Some(
                    v.parse::<usize>()
                        .ok()
                        .filter(|n| (1..=share::MAX_STEPS).contains(n))
                        .ok_or_else(|| {
                            Fail(format!("--step wants a step number from 1, got '{v}'"))
                        })?,
                );
            }
            Long("answer") | Short('a') => add_answer(&mut parser, &mut answers)?,
            Value(v) => files.push(v.string().map_err(usage)?),
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(other.unexpected())),
        }
    }
    if files.is_empty() {
        return Err(Fail(
            "share needs at least one FILE (or - for standard input)".into(),
        ));
    }
    let mut redactor = redact.then(Redactor::new);
    let mut d = Diagnoser::new();
    for name in &files {
        read_into(&mut d, name, redactor.as_mut())?;
    }
    let diagnosis = d.finish(&answers);
    if let Some(r) = redactor.as_mut() {
        r.learn_diagnosis(&diagnosis);
    }
    let mut progress = Progress::default();
    if let Some(n) = step {
        progress.current = n - 1;
    }
    let case = Case::build(&diagnosis, &answers, &progress, redactor.as_mut());
    let link = match step {
        Some(n) => share::link_to_step(&base_url, &case, n - 1),
        None => share::link(&base_url, &case),
    };
    let _ = writeln!(io::stdout().lock(), "{link}");
    Ok(())
}

/// Learns names from decoded text as it arrives, a whole line at a time (a name is never cut in two).
struct LineLearner<'a> {
    redactor: &'a mut Redactor,
    decoder: Decoder,
    pending: String,
}

impl LineLearner<'_> {
    fn feed(&mut self, chunk: &[u8]) {
        self.decoder.decode(chunk, &mut self.pending);
        if let Some(cut) = self.pending.rfind('\n') {
            self.redactor.learn(&self.pending[..cut]);
            self.pending.drain(..=cut);
        }
        // A "line" this long is not text; keep memory bounded.
        if self.pending.len() > 1 << 20 {
            self.redactor.learn(&self.pending);
            self.pending.clear();
        }
    }

    fn finish(mut self) {
        self.decoder.finish(&mut self.pending);
        self.redactor.learn(&self.pending);
    }
}

/// Reads one file (or standard input) in pieces into the diagnoser, so a large log is never held whole.
/// With a redactor, it also learns the names the whole file holds.
fn read_into(d: &mut Diagnoser, name: &str, redactor: Option<&mut Redactor>) -> Result<(), Fail> {
    let mut learner = redactor.map(|redactor| LineLearner {
        redactor,
        decoder: Decoder::new(),
        pending: String::new(),
    });
    if let Some(l) = learner.as_mut() {
        // The name given may itself be a path with a user name in it.
        l.redactor.learn(name);
    }
    d.begin(if name == "-" { "stdin" } else { name });
    each_piece(name, |piece| {
        d.feed(piece);
        if let Some(l) = learner.as_mut() {
            l.feed(piece);
        }
    })
    .map_err(|e| Fail(format!("cannot read {name}: {e}")))?;
    d.end();
    if let Some(l) = learner {
        l.finish();
    }
    Ok(())
}

/// The size of the pieces handed to the diagnoser: its buffers grow to a piece's size.
const PIECE: usize = 1 << 20;
/// Files at least this large are read through a memory map.
#[cfg(not(target_arch = "wasm32"))]
const MAP_MIN: u64 = 4 << 20;
/// How much of a file is mapped at a time (a multiple of the page size, as map offsets must be).
#[cfg(not(target_arch = "wasm32"))]
const MAP_WINDOW: u64 = 8 << 20;

/// Hands the bytes of a file (or of standard input, `-`) to `piece`, in order, [`PIECE`] bytes at a time.
///
/// A large regular file is read through a memory map, one window at a time: the pages come straight from
/// the page cache, where `read` copies them (on a 100 MB log, the copy took a third of the diagnosis), and
/// unmapping each window before the next keeps the resident memory to one window. Anything else (standard
/// input, a pipe, a small file, or a file that cannot be mapped) is read with `read`.
fn each_piece(name: &str, mut piece: impl FnMut(&[u8])) -> io::Result<()> {
    let mut reader: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(name)?;
        if mapped(&file, &mut piece)? {
            return Ok(());
        }
        Box::new(file)
    };
    let mut buf = vec![0u8; PIECE];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => piece(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Hands a large regular file to `piece` through memory-map windows; `false` when the file is not one to
/// map (small, not a regular file, or on a file system that cannot map it), and nothing was handed on.
#[cfg(not(target_arch = "wasm32"))]
fn mapped(file: &std::fs::File, piece: &mut impl FnMut(&[u8])) -> io::Result<bool> {
    let size = file.metadata()?;
    let size = if size.is_file() { size.len() } else { 0 };
    let mut offset = 0;
    while size >= MAP_MIN && offset < size {
        let len = (size - offset).min(MAP_WINDOW);
        // SAFETY: the map is only read, and dropped before the next. Another process truncating the file
        // while it is mapped would end this one (SIGBUS), as it would ripgrep, which maps files the same
        // way; logs are diagnosed after the fact, not while they are cut short.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(offset)
                .len(len as usize)
                .map(file)
        };
        match map {
            Ok(map) => map.chunks(PIECE).for_each(&mut *piece),
            // A file system that cannot map files: read it instead, from the start.
            Err(_) if offset == 0 => break,
            Err(e) => return Err(e),
        }
        offset += len;
    }
    Ok(offset > 0)
}

/// The command line is built for wasm too (the browser tests build every target), where nothing is mapped.
#[cfg(target_arch = "wasm32")]
fn mapped(_: &std::fs::File, _: &mut impl FnMut(&[u8])) -> io::Result<bool> {
    Ok(false)
}

fn explain(mut parser: lexopt::Parser) -> Result<(), Fail> {
    use lexopt::ValueExt;
    let mut words = Vec::new();
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            // A negative decimal (`-2147023293`) reads as an option to lexopt: take it as the code.
            lexopt::Arg::Short(c) if c.is_ascii_digit() => {
                let rest = parser
                    .optional_value()
                    .map(|v| v.string().unwrap_or_default())
                    .unwrap_or_default();
                words.push(format!("-{c}{rest}"));
            }
            lexopt::Arg::Value(v) => words.push(v.string().map_err(usage)?),
            lexopt::Arg::Short('h') | lexopt::Arg::Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(other.unexpected())),
        }
    }
    let text = words.join(" ");
    if text.trim().is_empty() {
        return Err(Fail(
            "explain needs a CODE, such as 0x80070643 or 1603".into(),
        ));
    }
    let Some(code) = codes::parse(&text) else {
        return Err(Fail(format!(
            "'{text}' is not an error code I can read (try 0x80070643, 80070643, 0x643, 1603, -2147023293 or \"Error 1935\")"
        )));
    };
    let mut out = String::new();
    let mut shown = Vec::new();
    explain_one(&mut out, &code);
    shown.push(code);
    for c in code.related() {
        if !shown.contains(&c) {
            out.push('\n');
            explain_one(&mut out, &c);
            shown.push(c);
        }
    }
    // The same number may be a Win32 code and an Installer message number: `Error 1722` in an MSI log is
    // a failed custom action, not RPC_S_SERVER_UNAVAILABLE. A bare decimal shows both readings.
    let bare_decimal = text.trim().bytes().all(|b| b.is_ascii_digit());
    if let Some(other) = codes::other_reading(&code)
        .filter(|_| bare_decimal || matches!(code, codes::Code::MsiMessage(_)))
    {
        let n = code.number();
        out.push_str(&match other {
            codes::Code::MsiMessage(_) => format!(
                "\n{n} can also be read as a Windows Installer message number: in an MSI log, `Error {n}.` is this message.\n"
            ),
            _ => format!(
                "\n{n} can also be read as a Win32 code, which is what it means outside an `Error {n}.` message:\n"
            ),
        });
        explain_one(&mut out, &other);
    }
    if let Some(cause) = kb::tree::kb().cause_for_codes(&[code.normalized()]) {
        out.push_str(&format!("\nCause: {}\n  {}\n", cause.title, cause.explain));
    }
    let _ = io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}

fn tree(mut parser: lexopt::Parser) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut format = "text".to_string();
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Long("format") | Short('f') => {
                format = parser.value().map_err(usage)?.string().map_err(usage)?;
            }
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(other.unexpected())),
        }
    }
    let kb = kb::tree::kb();
    let out = match format.as_str() {
        "text" => kb::tree_print::text(kb),
        "dot" => kb::tree_print::dot(kb),
        "mermaid" => kb::tree_print::mermaid(kb),
        other => {
            return Err(Fail(format!(
                "unknown format '{other}' (text, dot or mermaid)"
            )));
        }
    };
    let _ = io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}

/// `kb review`: the only `kb` subcommand so far.
fn kb(mut parser: lexopt::Parser) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut words: Vec<String> = Vec::new();
    let mut answers = Answers::new();
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Value(v) => words.push(v.string().map_err(usage)?),
            Long("answer") | Short('a') => add_answer(&mut parser, &mut answers)?,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(other.unexpected())),
        }
    }
    let mut words = words.into_iter();
    match words.next().as_deref() {
        Some("review") => {
            let out = kb::tree_print::review(kb::tree::kb());
            let _ = io::stdout().lock().write_all(out.as_bytes());
            Ok(())
        }
        Some("check") => kb_check(words.next()),
        Some("show") => match words.next() {
            Some(cause) => kb_show(&cause, &answers),
            None => Err(Fail(
                "kb show needs a CAUSE (an id of causes.toml, such as disk-full)".into(),
            )),
        },
        Some(other) => Err(Fail(format!(
            "unknown kb command '{other}' (review, check, show)"
        ))),
        None => Err(Fail(
            "missing kb command (review, check, show); try --help".into(),
        )),
    }
}

/// `setup-triage kb check [FOLDER]`: the knowledge base's files (the built-in ones, or the `*.toml` of a folder a
/// writer edits) parsed and checked with the rules the tests use; each problem on a line of its own.
fn kb_check(folder: Option<String>) -> Result<(), Fail> {
    let owned: Vec<(String, String)> = match &folder {
        None => kb::tree::builtin_files()
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
        Some(dir) => {
            // The built-in order first (it decides which cause a code names first), then any new file.
            let builtin: Vec<&str> = kb::tree::builtin_files().iter().map(|f| f.0).collect();
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map_err(|e| Fail(format!("cannot read the folder {dir}: {e}")))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect();
            names.sort_by_key(|n| {
                (
                    builtin.iter().position(|b| b == n).unwrap_or(usize::MAX),
                    n.clone(),
                )
            });
            let mut files = Vec::new();
            for n in names {
                let path = std::path::Path::new(dir).join(&n);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Fail(format!("cannot read {}: {e}", path.display())))?;
                files.push((n, text));
            }
            files
        }
    };
    let files: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let where_ = folder.as_deref().unwrap_or("the built-in knowledge base");
    let kb = kb::tree::Kb::parse(&files).map_err(|e| Fail(format!("{where_}: {e}")))?;
    let problems = kb.validate();
    let mut out = io::stdout().lock();
    if problems.is_empty() {
        let _ = writeln!(out, "{where_}: {} files, no problems", files.len());
        return Ok(());
    }
    for p in &problems {
        let _ = writeln!(out, "{p}");
    }
    let _ = out.flush();
    eprintln!("setup-triage: {where_}: {} problems", problems.len());
    // Problems found is not bad usage (exit 2): a writer's script can tell the two apart.
    std::process::exit(1)
}

/// `setup-triage kb show CAUSE`: the guide a cause leads to, with the questions on the way (answered with
/// `--answer`, or "I don't know").
fn kb_show(cause: &str, answers: &Answers) -> Result<(), Fail> {
    let kb = kb::tree::kb();
    if kb.cause(cause).is_none() {
        return Err(Fail(format!(
            "no cause '{cause}' in the knowledge base (see causes.toml)"
        )));
    }
    let mut facts = setup_triage::Facts::new();
    facts.set(Fact::Cause, cause);
    scan::facts::derive(&mut facts);
    let (questions, guide) = kb::tree::guide_for(&facts, answers);
    let mut s = String::new();
    use std::fmt::Write as _;
    for q in &questions {
        let _ = writeln!(s, "question ({}): {}", q.fact, q.text);
    }
    let _ = writeln!(s, "guide {}: {}", guide.id, guide.title);
    if !guide.intro.is_empty() {
        let _ = writeln!(s, "  {}", guide.intro);
    }
    for (i, step) in guide.steps.iter().enumerate() {
        let _ = writeln!(s, "{}. {} [{}]", i + 1, step.title, step.risk.label());
        for c in &step.commands {
            let _ = writeln!(s, "     > {c}");
        }
    }
    let _ = io::stdout().lock().write_all(s.as_bytes());
    Ok(())
}

/// One code's block: name, meaning, facility, wrapped code, related forms, source.
fn explain_one(out: &mut String, code: &codes::Code) {
    let e = codes::explain(code);
    out.push_str(&format!("{}  ({})\n", e.code, e.kind));
    if let Some(n) = e.name {
        out.push_str(&format!("  name:     {n}\n"));
    }
    match e.meaning {
        Some(m) => out.push_str(&format!("  meaning:  {m}\n")),
        None => out.push_str("  meaning:  not in the table\n"),
    }
    if e.success {
        out.push_str("  result:   success\n");
    }
    if let Some(d) = e.decoded {
        out.push_str(&format!("  fields:   {d}\n"));
    }
    if let Some(f) = e.facility {
        out.push_str(&format!("  facility: {f}\n"));
    }
    if let Some(w) = e.wraps {
        out.push_str(&format!(
            "  wraps:    Win32 code {w} (HRESULT_FROM_WIN32)\n"
        ));
    }
    if !e.related.is_empty() {
        out.push_str(&format!("  related:  {}\n", e.related.join(", ")));
    }
    if let Some(s) = e.source {
        out.push_str(&format!("  source:   {s}\n"));
    }
}
