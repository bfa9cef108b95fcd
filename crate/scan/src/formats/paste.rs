//! What pasting does to a log, undone line by line before a format's reader sees it.
//!
//! People paste logs into issues, forums and chat: the text arrives with `> ` quote prefixes, a tool's time
//! prefix (`12:26:46 PM: `), leading line numbers (`4: `), markdown fences and backticks, table pipes
//! (` |  `), JSON escaping (`\\`, `\"`), or a whole log flattened onto one line. [`Pasted`] wraps any reader
//! and hands it clean lines.
//!
//! Line numbers keep meaning the original pasted line: a line cleaned of its prefix keeps its number and its
//! offset moves past the prefix; a flattened line split into pieces gives every piece the same line number
//! (the N-th LF-separated line of the decoded text), with the offset of the piece when the line was not
//! rewritten (JSON unescaping shortens the text, so pieces then carry the line's own offset). In free text, lines
//! hard-wrapped at 72–80 columns are joined again and read as the first part's line.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::LogReader;
use crate::read::{Line, Output, re};

/// A reader that sees pasted lines cleaned.
pub struct Pasted {
    pub inner: Box<dyn LogReader>,
    /// Join lines hard-wrapped at 80 columns (for free text only: a real log's line lengths mean nothing).
    pub unwrap: bool,
    /// A line held back in case the next one continues it: (line number, offset, text).
    held: Option<(u64, u64, String)>,
}

/// Pasting tools and mail wrap at 72 to 80 columns; a line that long may continue on the next one.
const WRAP_MIN: usize = 72;
const WRAP_MAX: usize = 80;

impl Pasted {
    pub fn new(inner: Box<dyn LogReader>, unwrap: bool) -> Pasted {
        Pasted {
            inner,
            unwrap,
            held: None,
        }
    }

    /// Hands a piece on, joining hard-wrapped lines first when asked to. A joined line keeps the number and
    /// offset of its first part.
    fn deliver(&mut self, no: u64, offset: u64, text: &str, out: &mut Output) {
        if !self.unwrap {
            self.inner.line(&Line { no, offset, text }, out);
            return;
        }
        if let Some((_, _, held)) = self.held.as_mut() {
            let p = patterns();
            // A line that starts like a log line (a known start, a date, a bracket) begins a new line.
            let continues = !text.is_empty()
                && !text.starts_with([' ', '\t'])
                && !p.new_line.is_match(text.as_bytes())
                && p.line_start
                    .find(text.as_bytes())
                    .is_none_or(|m| m.start() != 0);
            let last_len = held.rsplit('\n').next().map_or(0, |l| l.chars().count());
            if continues && (WRAP_MIN..=WRAP_MAX).contains(&last_len) && held.len() < 4096 {
                // A wrap inside a word or a code leaves no space; a wrap between words lost its space.
                held.push('\n');
                held.push_str(text);
                return;
            }
        }
        self.flush(out);
        self.held = Some((no, offset, text.to_string()));
    }

    fn flush(&mut self, out: &mut Output) {
        if let Some((no, offset, text)) = self.held.take() {
            let joined = join_wrapped(&text);
            self.inner.line(
                &Line {
                    no,
                    offset,
                    text: &joined,
                },
                out,
            );
        }
    }
}

/// Joins the parts of a hard-wrapped line: a part cut at exactly 80 columns was cut inside a word, a path or a
/// code (`0x8007` + `0643`) and joins without a space; a shorter part was wrapped at a space, which comes back.
fn join_wrapped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_len = 0;
    for (i, part) in text.split('\n').enumerate() {
        if i > 0 && last_len < WRAP_MAX && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(part);
        last_len = part.chars().count();
    }
    out
}

impl LogReader for Pasted {
    /// The inner reader's prefilter, matched against the line before cleaning: cleaning only drops prefixes
    /// and undoes escapes, so a prefilter of plain words (no `^`, no `\\` or `"`) still finds its lines. Not
    /// when joining hard-wrapped lines: that needs every line.
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        if self.unwrap {
            None
        } else {
            self.inner.prefilter()
        }
    }

    fn prefilter_lowercase(&self) -> Option<&'static [&'static str]> {
        if self.unwrap {
            None
        } else {
            self.inner.prefilter_lowercase()
        }
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let Some((skip, text)) = clean(line.text) else {
            return;
        };
        let rewritten = matches!(text, Cow::Owned(_));
        let base = line.offset + skip as u64;
        // Nearly every line of a real log: short enough not to be a flattened log, and not unescaped.
        if !rewritten && text.len() < FLATTENED_MIN {
            self.deliver(line.no, base, &text, out);
            return;
        }
        for (start, piece) in pieces(&text) {
            let offset = if rewritten {
                line.offset
            } else {
                base + start as u64
            };
            self.deliver(line.no, offset, piece, out);
        }
    }

    fn finish(&mut self, out: &mut Output) {
        self.flush(out);
        self.inner.finish(out);
    }
}

struct Patterns {
    /// Prefixes pasting adds, any number of them: quote marks, line numbers, tool time stamps, list bullets.
    prefix: Regex,
    /// Where a log line starts inside a flattened line.
    line_start: Regex,
    /// A line that starts like a log line of any format: a date, a time, a bracket or a tag.
    new_line: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        prefix: re(concat!(
            r"^(?:[ \t]*>[ \t]?",
            r"|[ \t]*[0-9]{1,5}: (?:[ \t]*)",
            r"|[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?: ?[AP]M)?: ",
            r"|[ \t]*[-*] (?:`)?",
            r"|[ \t]+(?:\[|MSI \(|Action |CustomAction|Property\()",
            r"|`)+",
        )),
        line_start: re(concat!(
            r"(?:MSI \([csa]\) \([0-9A-Fa-f]{1,5}[:!][0-9A-Fa-f]{1,5}\) \[",
            r"|Action (?:start|ended) [0-9]{1,2}:[0-9]{2}:[0-9]{2}: ",
            r"|\[[0-9A-Fa-f]{3,5}:[0-9A-Fa-f]{3,5}\]\[[0-9]{4}-",
            r"|(?:WixQuietExec|CAQuietExec)(?:64)?: ",
            r"|SFXCA: |CPLog: |DEBUG: Error ",
            r"|CustomAction [A-Za-z0-9_.]+ returned actual error code",
            r"|Property\([SC]\): [A-Za-z0-9_.]+ = ",
            r"|=== (?:Verbose )?[Ll]ogging (?:started|stopped)",
            r"|\[[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}, ?[0-9]{1,2}:[0-9]{2}:[0-9]{2}\]",
            r"|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.,][0-9]{3} [0-9]+ \[",
            r")",
        )),
        new_line: re(r"^(?:[0-9]{1,4}[-/.:][0-9]{1,2}|[\[<(=*#|])"),
    })
}

/// A flattened line is long; real log lines that hold two log-line starts are rare, so two are needed.
const FLATTENED_MIN: usize = 160;

/// Cleans one pasted line: the bytes skipped at its start and the text left, or `None` for a line that is
/// only pasting furniture (a markdown fence).
pub fn clean(text: &str) -> Option<(usize, Cow<'_, str>)> {
    if text.trim_start_matches(['>', ' ', '\t']).starts_with("```") {
        return None;
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'x');
    let mut skip = 0;
    let mut t = text;
    // A line that starts with digits has a prefix only when a colon follows them (`4: `, `12:26:46 PM: `):
    // most log lines start with a date, and skip the regex.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0 && digits <= 5 && text.as_bytes().get(digits) == Some(&b':');
    if matches!(first, b'>' | b' ' | b'\t' | b'`' | b'-' | b'*') || numbered {
        if let Some(m) = patterns().prefix.find(t.as_bytes()) {
            // Keep the `[` or `MSI (` that the indented-line alternative ends on.
            let mut end = m.end();
            let rest = &t[..end];
            for keep in ["[", "MSI (", "Action ", "CustomAction", "Property("] {
                if rest.ends_with(keep) {
                    end -= keep.len();
                    break;
                }
            }
            skip = end;
            t = &t[end..];
        }
        if t.trim_start().starts_with("```") {
            return None;
        }
    }
    // Table pipes and closing backticks at the end.
    let trimmed = t.trim_end_matches([' ', '\t', '|', '`']);
    let t = if trimmed.len() + 1 < t.len() || t.ends_with('`') || t.ends_with('|') {
        trimmed
    } else {
        t
    };
    // JSON escaping: a doubled backslash before a path part, or escaped quotes.
    if t.contains("\\\\") && (t.contains(":\\\\") || t.contains("\\\"")) {
        let mut s = String::with_capacity(t.len());
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.peek() {
                    Some('\\') | Some('"') | Some('/') => {
                        s.push(chars.next().unwrap_or('\\'));
                        continue;
                    }
                    Some('n') => {
                        chars.next();
                        s.push('\n');
                        continue;
                    }
                    Some('r') | Some('t') => {
                        chars.next();
                        s.push(' ');
                        continue;
                    }
                    _ => {}
                }
            }
            s.push(c);
        }
        return Some((skip, Cow::Owned(s)));
    }
    Some((skip, Cow::Borrowed(t)))
}

/// Splits a cleaned line into the log lines it holds: at escaped line ends, and, for a flattened log, at
/// each recognisable log-line start. Pieces come with their byte offset in `text`.
pub fn pieces(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in text.split('\n') {
        split_flattened(part, start, &mut out);
        start += part.len() + 1;
    }
    out
}

fn split_flattened<'a>(text: &'a str, base: usize, out: &mut Vec<(usize, &'a str)>) {
    if text.len() < FLATTENED_MIN {
        out.push((base, text));
        return;
    }
    let starts: Vec<usize> = patterns()
        .line_start
        .find_iter(text.as_bytes())
        .map(|m| m.start())
        .filter(|&s| s > 0 && text.as_bytes()[s - 1] == b' ')
        .collect();
    if starts.len() < 2 {
        out.push((base, text));
        return;
    }
    let mut from = 0;
    for s in starts {
        let piece = text[from..s].trim_end();
        if !piece.trim().is_empty() {
            out.push((base + from, piece));
        }
        from = s;
    }
    out.push((base + from, &text[from..]));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(s: &str) -> Option<String> {
        clean(s).map(|(_, t)| t.into_owned())
    }

    #[test]
    fn prefixes_go() {
        assert_eq!(
            cleaned("> 12:26:46 PM: MSI (s) (74:74) [1]: x").as_deref(),
            Some("MSI (s) (74:74) [1]: x")
        );
        assert_eq!(
            cleaned("2: [1100:123C][2015-07-18T01:17:34]e000: E").as_deref(),
            Some("[1100:123C][2015-07-18T01:17:34]e000: E")
        );
        assert_eq!(
            cleaned(" [1BCC:0AA4][2015]e000: x").as_deref(),
            Some("[1BCC:0AA4][2015]e000: x")
        );
        assert_eq!(
            cleaned("`Error: 0x800f081f The source files could not be found.`").as_deref(),
            Some("Error: 0x800f081f The source files could not be found.")
        );
        assert_eq!(cleaned("a | b |  ").as_deref(), Some("a | b"));
        assert_eq!(cleaned("```text"), None);
        assert_eq!(
            cleaned("2023-05-17 08:32:31, Info  CBS x").as_deref(),
            Some("2023-05-17 08:32:31, Info  CBS x")
        );
        assert_eq!(
            cleaned(r#"C:\\Windows \"x\""#).as_deref(),
            Some(r#"C:\Windows "x""#)
        );
    }

    #[test]
    fn wrapped_codes_and_paths_join() {
        let cut = format!("{}0x8007", "x".repeat(74));
        assert_eq!(
            join_wrapped(&format!("{cut}\n0643 done")),
            format!("{cut}0643 done")
        );
        let wrapped = format!("{} failed to", "y".repeat(64));
        assert_eq!(
            join_wrapped(&format!("{wrapped}\ninstall.")),
            format!("{wrapped} install.")
        );
    }

    #[test]
    fn flattened_lines_split() {
        let line = "> Installation failed with exit code 1 ShellExecute installer failed: 1603 WixQuietExec:  Error 0x800700d8: Command failed to execute. CustomAction InstallX returned actual error code 1603 (note this) MSI (s) (58:90) [02:26:01:266]: Product: X -- Installation failed.";
        let (_, t) = clean(line).unwrap();
        let p: Vec<&str> = pieces(&t).into_iter().map(|p| p.1).collect();
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[1].starts_with("WixQuietExec:"));
        assert!(p[2].starts_with("CustomAction InstallX"));
        assert!(p[3].starts_with("MSI (s)"));
    }
}
