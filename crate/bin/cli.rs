//! The command line: `setup-triage diagnose FILE...`, `setup-triage explain CODE`, `setup-triage tree`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use setup_triage::engine::{self, Answers, Diagnoser, codes, export};

const USAGE: &str = "\
usage: setup-triage diagnose [--format text|markdown|json] [--answer FACT=VALUE]... FILE...
       setup-triage explain CODE
       setup-triage tree [--format text|dot|mermaid]
       setup-triage --help

diagnose   reads logs or pasted text (FILE may be - for standard input) and prints the cause and the guide.
explain    decodes one error code: 0x80070643, 80070643, 0x643, 1603, -2147023293, \"Error 1935\".
tree       prints the whole knowledge base (questions, choices, guides, steps) for review.";

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
        "explain" => explain(parser),
        "tree" => tree(parser),
        other => Err(Fail(format!("unknown command '{other}'; try --help"))),
    }
}

fn usage(e: impl std::fmt::Display) -> Fail {
    Fail(format!("{e}; try --help"))
}

#[derive(Clone, Copy)]
enum Format {
    Text,
    Markdown,
    Json,
}

fn diagnose(mut parser: lexopt::Parser) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut format = Format::Text;
    let mut answers = Answers::new();
    let mut files: Vec<String> = Vec::new();
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
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
                    "json" => Format::Json,
                    other => {
                        return Err(Fail(format!(
                            "unknown format '{other}' (text, markdown or json)"
                        )));
                    }
                }
            }
            Long("answer") | Short('a') => {
                let v = parser.value().map_err(usage)?.string().map_err(usage)?;
                let Some((k, val)) = v.split_once('=') else {
                    return Err(Fail(format!("--answer wants FACT=VALUE, got '{v}'")));
                };
                answers.set(k.trim(), val.trim());
            }
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
            "diagnose needs at least one FILE (or - for standard input)".into(),
        ));
    }
    let mut d = Diagnoser::new();
    for name in &files {
        read_into(&mut d, name)?;
    }
    let diagnosis = d.finish(&answers);
    let out = match format {
        Format::Text => export::text(&diagnosis),
        Format::Markdown => export::markdown(&diagnosis),
        Format::Json => {
            serde_json::to_string_pretty(&diagnosis).map_err(|e| Fail(e.to_string()))? + "\n"
        }
    };
    let _ = io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}

/// Reads one file (or standard input) in pieces into the diagnoser, so a large log is never held whole.
fn read_into(d: &mut Diagnoser, name: &str) -> Result<(), Fail> {
    let mut reader: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(name).map_err(|e| Fail(format!("cannot read {name}: {e}")))?)
    };
    d.begin(if name == "-" { "stdin" } else { name });
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => d.feed(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Fail(format!("cannot read {name}: {e}"))),
        }
    }
    d.end();
    Ok(())
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
    if let Some(cause) = engine::tree::kb().cause_for_codes(&[code.normalized()]) {
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
    let kb = engine::tree::kb();
    let out = match format.as_str() {
        "text" => engine::tree_print::text(kb),
        "dot" => engine::tree_print::dot(kb),
        "mermaid" => engine::tree_print::mermaid(kb),
        other => {
            return Err(Fail(format!(
                "unknown format '{other}' (text, dot or mermaid)"
            )));
        }
    };
    let _ = io::stdout().lock().write_all(out.as_bytes());
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
