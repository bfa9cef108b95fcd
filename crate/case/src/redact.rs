//! Redaction: replaces what identifies a person or a machine before text leaves the page.
//!
//! What is replaced, and how it is found (from what real setup logs carry):
//! - **user names** in profile paths (`C:\Users\alice\…`, `C:\Documents and Settings\bob\…`, `/Users/x`,
//!   `/home/x`, `C%3A%5CUsers%5Cx`), in MSI properties (`LogonUser = alice`, `USERNAME="alice"`,
//!   `Adding USERNAME property. Its value is 'alice'`), in event exports (`User: DOMAIN\alice`) and in FRST
//!   headers (`Ran by alice (administrator) on PC (…)`);
//! - **computer and domain names**: `\\PCNAME\share`, `Computer: NAME`, `ComputerName = NAME`,
//!   `USERDOMAIN=`, `DOMAIN\user`, and Windows' default names (`DESKTOP-1A2B3C4`, `LAPTOP-…`, `WIN-…`);
//! - **organisations**: `COMPANYNAME`, `RegisteredOrganization`;
//! - **SIDs** of accounts (`S-1-5-21-…`, `S-1-12-1-…`); well-known SIDs (`S-1-5-18`) stay;
//! - **e-mail addresses**, **IPv4 and IPv6 addresses**;
//! - **serial-like values**: product keys (`XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`) and values labelled as serial
//!   numbers or product keys. Bare long hex runs stay: in setup logs they are packed product codes, public
//!   key tokens and file hashes, which the guide and helpers need, like GUIDs, HRESULTs and KB numbers.
//!
//! IPv4 addresses look like four-part version numbers (`10.0.1.3` is a version in many logs), so a dotted
//! quad counts as an address only with an address-like context (`IP`, `server`, `://`, `\\`, a `:port`) or
//! with two parts of three digits (`192.168.1.20`), and never after `version`.
//!
//! A [`Redactor`] also **learns** names: a user name found in one path is replaced wherever it appears, in
//! every text the same redactor redacts afterwards. Names too short or too common to be safe to replace
//! everywhere (`User`, `Admin`, `SYSTEM`) are replaced only where the pattern found them.
//!
//! Each distinct value gets a numbered token (`USER1`, `PC1`, `DOMAIN1`, `ORG1`, `SID1`, `EMAIL1`, `IP1`,
//! `SERIAL1`): ASCII letters and digits only, so it is inert in Markdown, BBCode and URLs, and two users stay
//! two users. [`Redacted`] lists every replacement with its byte range in the redacted text, for the page to
//! mark them.
//!
//! The patterns need the regex engine, which the page's own WebAssembly does without (it would double the
//! first view's weight). So the page's worker, which has the patterns anyway, runs them once over a diagnosis
//! and sends along a [`Lexicon`]: every value they found, with the text before it that the pattern needed
//! (`\Users\` before `alice`). A [`Redactor::with_lexicon`] finds those values by plain substring search; on
//! the texts of that diagnosis it finds what the patterns find (a test checks this on every fixture and the
//! corpus), and in texts made from them (a guide step quoting the log's path) it finds them again.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use model::diagnosis::Diagnosis;
pub use model::lexicon::{Found, Lexicon, RedactionKind};

/// One replacement: `start..end` are byte offsets in the redacted text, covering `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    pub start: usize,
    pub end: usize,
    pub kind: RedactionKind,
    pub replacement: String,
}

/// A redacted text and where each replacement sits in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    pub text: String,
    pub redactions: Vec<Redaction>,
}

/// Redacts texts with a memory: names learned from one text are replaced in all, and each value keeps its
/// token (`USER1` is the same person in the evidence line and in the guide).
#[derive(Clone)]
pub struct Redactor {
    /// What finds values in a text: the patterns (`Redactor::new`, in [`crate::patterns`]) or a lexicon of what they found
    /// ([`Redactor::with_lexicon`]). Behind a pointer so that a program that never builds the patterns' finder
    /// (the page) does not carry the regex engine.
    finder: Rc<dyn Finder>,
    /// Names to replace wherever they appear: (lowercased value, kind), in the order learned.
    learned: Vec<(String, RedactionKind)>,
    /// The token of each value seen: (kind, lowercased value) → token.
    tokens: HashMap<(RedactionKind, String), String>,
    counters: [u32; 8],
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("learned", &self.learned)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

/// A value found in a text, in input offsets: `start..end` is the value, `from` where the pattern's match
/// began (the context it needed, such as `\Users\` before a user name).
#[derive(Clone, Debug)]
pub(crate) struct Hit {
    // Read by the patterns' lexicon (`patterns::lexicon_of_diagnosis`) only.
    #[cfg_attr(not(feature = "patterns"), allow(dead_code))]
    pub(crate) from: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: RedactionKind,
}

/// Finds the values to replace in a text (possibly overlapping hits, in input offsets).
pub(crate) trait Finder {
    fn find(&self, text: &[u8]) -> Vec<Hit>;
}

/// The tokens (`USER1`, `PC2`…) in the texts of a diagnosis, as a lexicon: a case opened from a share link
/// holds only those, and the page marks them as the sharer's page did. Needs no patterns.
pub fn lexicon_of_tokens(d: &Diagnosis) -> Lexicon {
    let mut found = Vec::new();
    for text in &texts_of(d) {
        for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            if let Some(kind) = RedactionKind::ALL
                .into_iter()
                .find(|k| token_number(*k, word).is_some())
            {
                found.push(Found {
                    text: word.to_string(),
                    at: 0,
                    kind,
                });
            }
        }
    }
    Lexicon::from_found(found)
}

/// Runs of spaces and tabs as one space: CBS and Windows Update logs pad their columns, which costs link
/// length and says nothing. Redaction sees the evidence line this way too ([`texts_of`]).
pub(crate) fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' {
            if !blank {
                out.push(' ');
            }
            blank = true;
        } else {
            out.push(c);
            blank = false;
        }
    }
    out
}

/// `n` when `value` is the token `<stem of kind><n>`.
fn token_number(kind: RedactionKind, value: &str) -> Option<u32> {
    let digits = value.strip_prefix(kind.stem())?;
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Every text of a diagnosis that a redactor may see: what [`Redactor::learn_diagnosis`] learns from and
/// [`Redactor::redact_diagnosis`] redacts (the guide aside: its texts are the knowledge base's, with the
/// facts quoted), and the evidence line as a share link squeezes it.
pub(crate) fn texts_of(d: &Diagnosis) -> Vec<std::borrow::Cow<'_, str>> {
    let mut texts: Vec<std::borrow::Cow<'_, str>> = Vec::new();
    for f in d.root_cause.iter().chain(d.findings.iter()) {
        texts.extend([f.file.as_str(), f.text.as_str(), f.summary.as_str()].map(Into::into));
        texts.push(squeeze(f.text.trim()).into());
        texts.extend(f.context.iter().map(|c| c.text.as_str().into()));
        texts.extend(f.details.iter().map(|det| det.value.as_str().into()));
    }
    texts.extend(d.facts.iter().map(|(_, v)| v.into()));
    texts.extend(d.questions.iter().map(|q| q.answer.as_str().into()));
    for n in &d.notes {
        texts.extend(n.file.iter().map(|f| f.as_str().into()));
        texts.push(n.message.as_str().into());
    }
    texts.extend(d.files.iter().map(|f| f.name.as_str().into()));
    texts
}

impl Finder for Lexicon {
    fn find(&self, text: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        for f in self.found() {
            let needle = f.text.as_bytes();
            let Some(&last) = needle.last() else { continue };
            for from in memchr::memmem::find_iter(text, needle) {
                let end = from + needle.len();
                // A value found where its pattern starts (`\b`) is a whole word here too.
                if f.at == 0 && is_word(needle[0]) && from > 0 && is_word(text[from - 1]) {
                    continue;
                }
                // The pattern took the longest value: a longer name here is another value.
                if is_word(last) && text.get(end).is_some_and(|b| is_word(*b)) {
                    continue;
                }
                let start = from + f.at;
                // A dotted quad is an address only in an address's context, here as where it was found.
                if f.kind == RedactionKind::IpAddress
                    && is_ipv4(&text[start..end])
                    && !ipv4_in_context(text, start, end)
                {
                    continue;
                }
                hits.push(Hit {
                    from,
                    start,
                    end,
                    kind: f.kind,
                });
            }
        }
        hits
    }
}

/// Caps what one redactor learns, so a hostile input cannot make every later redaction slow.
const MAX_LEARNED: usize = 256;

impl Redactor {
    /// A redactor that finds the values of a lexicon (see the module's doc): the page's, which has no
    /// regex engine.
    pub fn with_lexicon(lexicon: Lexicon) -> Redactor {
        Redactor::with_finder(Rc::new(lexicon))
    }

    pub(crate) fn with_finder(finder: Rc<dyn Finder>) -> Redactor {
        Redactor {
            finder,
            learned: Vec::new(),
            tokens: HashMap::new(),
            counters: [0; 8],
        }
    }

    /// Learns the names a text holds (user, computer, domain and organisation names, e-mail addresses), so
    /// that later redactions replace them wherever they appear. Feed it the whole input, file by file, or
    /// line by line: names are found within lines.
    pub fn learn(&mut self, text: &str) {
        for hit in self.finder.find(text.as_bytes()) {
            if !matches!(
                hit.kind,
                RedactionKind::UserName
                    | RedactionKind::ComputerName
                    | RedactionKind::DomainName
                    | RedactionKind::Organization
                    | RedactionKind::Email
            ) {
                continue;
            }
            let Some(value) = text.get(hit.start..hit.end) else {
                continue;
            };
            self.remember(value, hit.kind);
        }
    }

    /// Learns from everything a diagnosis holds of the input: file names, findings, their lines around,
    /// details, and the facts.
    pub fn learn_diagnosis(&mut self, d: &Diagnosis) {
        for f in d.root_cause.iter().chain(d.findings.iter()) {
            self.learn(&f.file);
            self.learn(&f.text);
            for c in &f.context {
                self.learn(&c.text);
            }
            for det in &f.details {
                self.learn(&det.value);
            }
        }
        for (_, v) in d.facts.iter() {
            self.learn(v);
        }
        for f in &d.files {
            self.learn(&f.name);
        }
        for n in &d.notes {
            self.learn(&n.message);
        }
    }

    /// The names learned so far, with their tokens, for the page's "what will be shared" preview.
    pub fn learned(&self) -> Vec<(RedactionKind, String)> {
        self.learned.iter().map(|(v, k)| (*k, v.clone())).collect()
    }

    fn remember(&mut self, value: &str, kind: RedactionKind) {
        let lower = value.trim().to_ascii_lowercase();
        if !learnable(&lower) || self.learned.len() >= MAX_LEARNED {
            return;
        }
        if self.learned.iter().any(|(v, _)| *v == lower) {
            return;
        }
        self.learned.push((lower, kind));
        // Longest first, so that "alice.smith" is replaced whole before "alice".
        self.learned
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    }

    fn token(&mut self, kind: RedactionKind, value: &str) -> String {
        let key = (kind, value.to_ascii_lowercase());
        if let Some(t) = self.tokens.get(&key) {
            return t.clone();
        }
        let n = &mut self.counters[kind.index()];
        // A token already (a case from a share link is redacted once more when shared again): it stays, so that
        // the text, and the case's storage key, do not change; later values are numbered after it.
        if let Some(m) = token_number(kind, value) {
            *n = (*n).max(m);
            self.tokens.insert(key, value.to_string());
            return value.to_string();
        }
        *n += 1;
        let t = format!("{}{}", kind.stem(), n);
        self.tokens.insert(key, t.clone());
        t
    }

    /// Redacts a text: what the patterns find, and every learned name.
    pub fn redact(&mut self, text: &str) -> Redacted {
        let bytes = text.as_bytes();
        let mut hits = self.finder.find(bytes);
        hits.extend(self.learned_hits(bytes));
        // Earliest first; at the same start the longest wins; overlapping later hits are dropped.
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out = Redacted {
            text: String::with_capacity(text.len()),
            redactions: Vec::new(),
        };
        let mut pos = 0;
        for h in hits {
            if h.start < pos
                || h.start >= h.end
                || !text.is_char_boundary(h.start)
                || !text.is_char_boundary(h.end)
            {
                continue;
            }
            let value = &text[h.start..h.end];
            if value.trim().is_empty() {
                continue;
            }
            out.text.push_str(&text[pos..h.start]);
            let replacement = self.token(h.kind, value);
            let start = out.text.len();
            out.text.push_str(&replacement);
            out.redactions.push(Redaction {
                start,
                end: out.text.len(),
                kind: h.kind,
                replacement,
            });
            pos = h.end;
        }
        out.text.push_str(&text[pos..]);
        out
    }

    /// Redacts a text, keeping only the result.
    pub fn redact_str(&mut self, text: &str) -> String {
        self.redact(text).text
    }

    /// A copy of the diagnosis with every text from the input redacted: findings, file names, facts, notes,
    /// and the guide (its steps quote facts such as the log's path). Codes, verdicts and ids are unchanged.
    pub fn redact_diagnosis(&mut self, d: &Diagnosis) -> Diagnosis {
        let mut d = d.clone();
        let mut facts = model::facts::Facts::new();
        for (k, v) in d.facts.iter() {
            facts.set_key(k, self.redact_str(v));
        }
        d.facts = facts;
        for f in d.root_cause.iter_mut().chain(d.findings.iter_mut()) {
            f.file = self.redact_str(&f.file);
            f.text = self.redact_str(&f.text);
            f.summary = self.redact_str(&f.summary);
            for c in &mut f.context {
                c.text = self.redact_str(&c.text);
            }
            for det in &mut f.details {
                det.value = self.redact_str(&det.value);
            }
        }
        for q in &mut d.questions {
            q.answer = self.redact_str(&q.answer);
        }
        for n in &mut d.notes {
            if let Some(file) = &n.file {
                n.file = Some(self.redact_str(file));
            }
            n.message = self.redact_str(&n.message);
        }
        for f in &mut d.files {
            f.name = self.redact_str(&f.name);
        }
        let g = &mut d.guide;
        g.title = self.redact_str(&g.title);
        g.intro = self.redact_str(&g.intro);
        for s in &mut g.steps {
            s.title = self.redact_str(&s.title);
            s.body = self.redact_str(&s.body);
            for c in &mut s.commands {
                *c = self.redact_str(c);
            }
            for c in &mut s.command_details {
                c.run = self.redact_str(&c.run);
            }
            if let Some(script) = &mut s.script {
                script.text = self.redact_str(&script.text);
            }
            s.undo = self.redact_str(&s.undo);
            s.backup = self.redact_str(&s.backup);
            s.check = self.redact_str(&s.check);
        }
        d
    }

    fn learned_hits(&self, bytes: &[u8]) -> Vec<Hit> {
        if self.learned.is_empty() {
            return Vec::new();
        }
        let lower = bytes.to_ascii_lowercase();
        let mut hits = Vec::new();
        for (name, kind) in &self.learned {
            let needle = name.as_bytes();
            for at in memchr::memmem::find_iter(&lower, needle) {
                let end = at + needle.len();
                let before_ok = at == 0 || !is_word(lower[at - 1]) || !is_word(needle[0]);
                let after_ok = end >= lower.len()
                    || !is_word(lower[end])
                    || !is_word(needle[needle.len() - 1]);
                if before_ok && after_ok {
                    hits.push(Hit {
                        from: at,
                        start: at,
                        end,
                        kind: *kind,
                    });
                }
            }
        }
        hits
    }
}

pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Values that are not personal (well-known folders and accounts), never replaced.
const KEEP: &[&str] = &[
    "administrator",
    "all users",
    "anonymous",
    "builtin",
    "default",
    "default user",
    "defaultapppool",
    "defaultuser0",
    "font driver host",
    "guest",
    "iis apppool",
    "local service",
    "localhost",
    "localservice",
    "localsystem",
    "network service",
    "networkservice",
    "none",
    "nt authority",
    "nt service",
    "nt-myndighet",
    "public",
    "system",
    "trustedinstaller",
    "window manager",
];

/// Generic names: replaced where a pattern finds them, but not learned, since replacing every "user" or
/// "admin" in a text would mangle it.
const GENERIC: &[&str] = &[
    "admin",
    "computer",
    "desktop",
    "domain",
    "home",
    "laptop",
    "owner",
    "pc",
    "server",
    "test",
    "user",
    "users",
    "windows",
    "workgroup",
];

pub(crate) fn kept(lower: &str) -> bool {
    KEEP.binary_search(&lower).is_ok()
}

pub(crate) fn learnable(lower: &str) -> bool {
    lower.len() >= 3
        && !kept(lower)
        && GENERIC.binary_search(&lower).is_err()
        && !lower.bytes().all(|b| b.is_ascii_digit())
        && lower.bytes().any(|b| b.is_ascii_alphanumeric())
}

/// Whether a value is a dotted quad of numbers up to 255.
pub(crate) fn is_ipv4(b: &[u8]) -> bool {
    let parts: Vec<&[u8]> = b.split(|&c| c == b'.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(p)
                    .ok()
                    .and_then(|s| s.parse::<u16>().ok())
                    .is_some_and(|n| n <= 255)
        })
}

/// A dotted quad is an address, not a version, when its context says so.
pub(crate) fn ipv4_in_context(bytes: &[u8], start: usize, end: usize) -> bool {
    // Part of a longer dotted number (a five-part version, or a version's tail).
    if start > 0 && matches!(bytes[start - 1], b'.' | b'-' | b'_') {
        return false;
    }
    if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
        return false;
    }
    let before = &bytes[start.saturating_sub(24)..start];
    let before = before.to_ascii_lowercase();
    let has = |w: &[u8]| memchr::memmem::find(&before, w).is_some();
    let has_word = |w: &[u8]| {
        memchr::memmem::find_iter(&before, w).any(|at| {
            (at == 0 || !before[at - 1].is_ascii_alphabetic())
                && before
                    .get(at + w.len())
                    .is_none_or(|c| !c.is_ascii_alphabetic())
        })
    };
    if has_word(b"version") || has_word(b"ver") || has_word(b"build") || has_word(b"v") {
        return false;
    }
    let after = &bytes[end..bytes.len().min(end + 2)];
    let port_or_prefix =
        after.len() == 2 && matches!(after[0], b':' | b'/') && after[1].is_ascii_digit();
    let context = [
        &b"ip"[..],
        b"address",
        b"addr",
        b"host",
        b"server",
        b"proxy",
        b"client",
        b"gateway",
        b"dns",
        b"peer",
        b"://",
        b"\\\\",
        b"@",
    ]
    .iter()
    .any(|w| has(w));
    let text = &bytes[start..end];
    let three_digit_parts = text.split(|&c| c == b'.').filter(|p| p.len() == 3).count();
    context || port_or_prefix || three_digit_parts >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted_and_unique() {
        for t in [KEEP, GENERIC] {
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
        }
    }
}
