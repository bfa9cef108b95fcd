//! Share links: a [`Case`] (what reopens the same guide without the log) and its URL-fragment codec.
//!
//! A case holds the facts, the person's answers, the verdict, the root cause's evidence (file name, line
//! number, codes, summary and the line's text, redacted), the guide's id and the position in the guide
//! (current step, steps done, steps that failed). Of the log's text only the redacted evidence line travels.
//! Opening a case walks today's knowledge base again from its facts and answers ([`Case::to_diagnosis`]), so
//! links survive changes to the knowledge base; when the walk now ends in another guide, the diagnosis says so
//! in a note.
//!
//! # Link format, version 1
//!
//! ```text
//! https://example.org/setup-triage/#c=1.<payload>[&s=<step>]
//! ```
//!
//! - The case travels in the URL fragment (after `#`), which browsers never send to a server.
//! - `c=` holds `<version>.<payload>`; the version is a decimal number, `1` today. A link of a later version
//!   gets [`LinkError::FutureVersion`], never a misread.
//! - `<payload>` is base64url without padding (`A–Z a–z 0–9 - _`), so the link needs no escaping in a URL,
//!   in Markdown, in BBCode or in a forum's auto-linker.
//! - `s=` (optional, 1-based) is a deep link to one step: "do step 3" is `&s=3`. It overrides the position
//!   saved in the case. Anything else there (`abc`, `0`, `-1`, a number past [`MAX_STEPS`]) is
//!   [`LinkError::BadStep`], and a step past the end of the guide the case walks to is
//!   [`LinkError::NoSuchStep`] (the page checks it): the link is not opened, and the person is told why.
//! - Decoded, the payload is a list of records `tag, length (LEB128), data`, then a 2-byte Fletcher-16
//!   checksum of the records, so a damaged or truncated link is caught. Records of unknown tags are skipped:
//!   version 1 can grow new records without breaking old pages.
//!
//! | tag | record | data |
//! |-----|--------|------|
//! | 1 | verdict | 1 byte: 0 failed, 1 succeeded, 2 inconclusive |
//! | 2 | guide id | text |
//! | 3 | fact | key, then text value |
//! | 4 | answer | key, then text value |
//! | 5 | evidence file name | text |
//! | 6 | evidence line number | LEB128 |
//! | 7 | evidence codes | text, comma-separated |
//! | 8 | evidence summary | text |
//! | 9 | evidence line | text |
//! | 10 | current step (0-based) | LEB128 |
//! | 11 | steps done | bit set, bit i = step i |
//! | 12 | steps failed | bit set |
//! | 13 | the summary is the code table's reading of the codes (rebuilt on opening) | none |
//!
//! A key is one byte indexing [`FACT_KEYS`], or 255, a length byte and the key's name. Text is UTF-8 where
//! the bytes 1–30 stand for the phrases of [`PHRASES`] (`1` is `PHRASES[0]`), 31 followed by a byte `n` for
//! `PHRASES[30 + n]`, and 0 followed by a byte for that byte itself (a literal control character). Both tables
//! are append-only: their entries never change meaning, or old links would read wrong.
//!
//! Sizes are capped on decoding (the link, each text, the number of records), so a hostile link costs
//! little; decoding any string never panics.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::redact::{Redacted, Redactor, squeeze};
use kb::tree::{self, Answers};
use model::diagnosis::{Confidence, Diagnosis, Finding, Note, Role, Verdict};
use model::facts::Fact;
use model::facts::Facts;

/// The link format this code writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// The root cause's evidence as shared: the line, redacted, and what the engine said of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The file's name, without its folder.
    pub file: String,
    /// 1-based line number in that file.
    pub line: u64,
    pub codes: Vec<String>,
    pub summary: String,
    /// The line's text, redacted, with runs of blanks as one space, and cut to [`MAX_EVIDENCE`] bytes.
    pub text: String,
}

/// Where the person is in the guide. Step numbers are 0-based indices into the guide's steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The step shown.
    pub current: usize,
    /// Steps done, sorted.
    pub done: Vec<usize>,
    /// Steps tried that did not help (or whose method failed), sorted.
    pub failed: Vec<usize>,
}

/// The most steps a case keeps progress for; guides are far shorter.
pub const MAX_STEPS: usize = 64;

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Marks a step done (and no longer failed).
    pub fn mark_done(&mut self, step: usize) {
        self.failed.retain(|s| *s != step);
        self.done.push(step);
        self.normalize();
    }

    /// Marks a step failed (and no longer done).
    pub fn mark_failed(&mut self, step: usize) {
        self.done.retain(|s| *s != step);
        self.failed.push(step);
        self.normalize();
    }

    /// Sorts, removes repeats and steps beyond [`MAX_STEPS`]; a step both done and failed counts as failed.
    pub fn normalize(&mut self) {
        let failed: BTreeSet<usize> = self
            .failed
            .iter()
            .copied()
            .filter(|s| *s < MAX_STEPS)
            .collect();
        let done: BTreeSet<usize> = self
            .done
            .iter()
            .copied()
            .filter(|s| *s < MAX_STEPS && !failed.contains(s))
            .collect();
        self.failed = failed.into_iter().collect();
        self.done = done.into_iter().collect();
        self.current = self.current.min(MAX_STEPS - 1);
    }
}

/// What reopens the same guide without the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub verdict: Verdict,
    pub facts: Facts,
    pub answers: Answers,
    pub evidence: Option<Evidence>,
    /// The guide the case led to when it was made.
    pub guide: String,
    pub progress: Progress,
}

/// The longest evidence line a case keeps, in bytes.
pub const MAX_EVIDENCE: usize = 240;

impl Case {
    /// The case of a diagnosis, redacted: names learned from everything the diagnosis holds are replaced in
    /// the evidence line, the file name and the facts.
    #[cfg(feature = "patterns")]
    pub fn from_diagnosis(d: &Diagnosis, answers: &Answers, progress: &Progress) -> Case {
        Case::from_diagnosis_with(d, answers, progress, Redactor::new())
    }

    /// The same with a fresh redactor of the caller's: the page's finds the values of
    /// [`Diagnosis::personal`] ([`Redactor::with_lexicon`]).
    pub fn from_diagnosis_with(
        d: &Diagnosis,
        answers: &Answers,
        progress: &Progress,
        mut redactor: Redactor,
    ) -> Case {
        redactor.learn_diagnosis(d);
        Case::build(d, answers, progress, Some(&mut redactor))
    }

    /// The case of a diagnosis with a given redactor (one that learned from the whole input, say), or
    /// unredacted when `redactor` is `None` (`--no-redact`).
    pub fn build(
        d: &Diagnosis,
        answers: &Answers,
        progress: &Progress,
        mut redactor: Option<&mut Redactor>,
    ) -> Case {
        let mut red = |s: &str| match redactor.as_deref_mut() {
            Some(r) => r.redact_str(s),
            None => s.to_string(),
        };
        let mut facts = Facts::new();
        for (k, v) in d.facts.iter() {
            facts.set_key(k, red(v));
        }
        let mut shared_answers = Answers::new();
        for (k, v) in &answers.0 {
            shared_answers.set(k, &red(v));
        }
        let evidence = d.root_cause.as_ref().map(|f| Evidence {
            file: red(base_name(&f.file)),
            line: f.line,
            codes: f.codes.clone(),
            summary: red(&f.summary),
            text: cut(squeeze(&red(f.text.trim())), MAX_EVIDENCE),
        });
        let mut progress = progress.clone();
        progress.normalize();
        Case {
            verdict: d.verdict,
            facts,
            answers: shared_answers,
            evidence,
            guide: d.guide.id.clone(),
            progress,
        }
    }

    /// The diagnosis this case stands for, walked through today's knowledge base. The root cause is the
    /// shared evidence line; notes say the log was not shared, and whether the guide has changed.
    pub fn to_diagnosis(&self) -> Diagnosis {
        let (questions, guide) = tree::guide_for(&self.facts, &self.answers);
        let mut notes = vec![Note {
            file: None,
            message: "Opened from a share link: only the facts and the redacted evidence line were shared, \
                      not the log."
                .into(),
        }];
        if guide.id != self.guide {
            notes.push(Note {
                file: None,
                message: format!(
                    "This link was made with an older knowledge base, which led to the guide '{}'; today the \
                     same facts and answers lead to '{}', shown here. Saved progress may not match its steps.",
                    self.guide, guide.id
                ),
            });
        }
        let root_cause = self.evidence.as_ref().map(|e| Finding {
            file: e.file.clone(),
            line: e.line,
            text: e.text.clone(),
            codes: e.codes.clone(),
            summary: e.summary.clone(),
            role: Role::Cause,
            cause: self.facts.get(Fact::Cause).map(str::to_string),
            offset: 0,
            context: Vec::new(),
            details: Vec::new(),
        });
        let mut codes: Vec<String> = Vec::new();
        let evidence_codes = self.evidence.iter().flat_map(|e| e.codes.iter().cloned());
        for c in evidence_codes.chain(self.facts.get(Fact::Code).map(str::to_string)) {
            if !codes.contains(&c) {
                codes.push(c.clone());
            }
            if let Some(code) = kb::codes::parse(&c) {
                for r in code.related() {
                    let r = r.normalized();
                    if !codes.contains(&r) {
                        codes.push(r);
                    }
                }
            }
        }
        Diagnosis {
            verdict: self.verdict,
            // A link carries the evidence line, not the success lines around it.
            confidence: Confidence::of(
                self.verdict,
                root_cause.as_ref(),
                self.facts.get(Fact::Cause),
                self.verdict == Verdict::Succeeded,
            ),
            findings: root_cause.iter().cloned().collect(),
            root_cause,
            codes,
            facts: self.facts.clone(),
            questions,
            guide,
            notes,
            files: Vec::new(),
            timeline: Vec::new(),
            personal: Default::default(),
        }
    }

    /// A key for saving progress in the browser: what the logs said (facts, verdict, evidence), encoded,
    /// without the answers and the progress, which are what the page saves under it. Two visits of the same
    /// case (from the log or from its link) get the same key.
    pub fn storage_key(&self) -> String {
        let mut bare = self.clone();
        bare.progress = Progress::default();
        bare.answers = Answers::new();
        encode(&bare)
    }
}

/// What sharing a case will send, for the page to show before the person copies the link: the link, the
/// case, and the evidence line and facts with each replacement marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub link: String,
    pub case: Case,
    /// The evidence line as shared, with its replacements marked (byte ranges into `text`).
    pub evidence: Option<Redacted>,
    /// The file name as shared, marked.
    pub file: Option<Redacted>,
    /// Each fact as shared, marked.
    pub facts: Vec<SharedFact>,
}

/// One fact as shared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedFact {
    pub key: String,
    pub label: String,
    pub value: Redacted,
}

/// The preview of sharing a diagnosis: redacted unless `redact` is false (then nothing is marked). `base`
/// is the page's address (empty for a bare `#c=…` fragment).
#[cfg(feature = "patterns")]
pub fn preview(
    d: &Diagnosis,
    answers: &Answers,
    progress: &Progress,
    base: &str,
    redact: bool,
) -> Preview {
    preview_with(d, answers, progress, base, redact, Redactor::new())
}

/// The same with a fresh redactor of the caller's (see [`Case::from_diagnosis_with`]).
pub fn preview_with(
    d: &Diagnosis,
    answers: &Answers,
    progress: &Progress,
    base: &str,
    redact: bool,
    mut r: Redactor,
) -> Preview {
    r.learn_diagnosis(d);
    let mut mark = |s: &str| {
        if redact {
            r.redact(s)
        } else {
            Redacted {
                text: s.to_string(),
                redactions: Vec::new(),
            }
        }
    };
    let evidence = d.root_cause.as_ref().map(|f| {
        let mut m = mark(&squeeze(f.text.trim()));
        if m.text.len() > MAX_EVIDENCE {
            m.text = cut(m.text, MAX_EVIDENCE);
            let len = m.text.len();
            m.redactions.retain(|x| x.end <= len);
        }
        m
    });
    let file = d.root_cause.as_ref().map(|f| mark(base_name(&f.file)));
    let facts = d
        .facts
        .iter()
        .map(|(k, v)| SharedFact {
            key: k.to_string(),
            label: model::facts::label(k).to_string(),
            value: mark(v),
        })
        .collect();
    let case = Case::build(d, answers, progress, redact.then_some(&mut r));
    Preview {
        link: link(base, &case),
        case,
        evidence,
        file,
        facts,
    }
}

/// The file name without its folder (either slash).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Cuts a text to at most `max` bytes at a character boundary, marking the cut.
fn cut(mut s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
    s
}

// ---- The link ----

/// Why a link could not be opened. The message is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkError {
    /// No `c=` part: not a share link.
    NoCase,
    /// Made by a newer setup-triage.
    FutureVersion(u32),
    /// Too long to be one of ours.
    TooLong,
    /// Cut short or changed on the way.
    Damaged(String),
    /// The step part (`&s=…`) is not a step number: what it holds.
    BadStep(String),
    /// The step part names a step the guide does not have: the step (1-based) and how many the guide has.
    NoSuchStep { step: usize, steps: usize },
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::NoCase => write!(
                f,
                "This is not a setup-triage share link: it holds no case (#c=…)."
            ),
            LinkError::FutureVersion(v) => write!(
                f,
                "This link was made by a newer version of setup-triage (link format {v}; this page reads format \
                 {VERSION}). Open it with the newest version of the page."
            ),
            LinkError::TooLong => write!(
                f,
                "This link is far longer than a share link can be, so it was not opened."
            ),
            LinkError::Damaged(why) => write!(
                f,
                "This share link is damaged or incomplete ({why}). Copy the whole link again, up to its last \
                 character."
            ),
            LinkError::BadStep(step) => {
                let shown: String = step.chars().take(20).collect();
                let shown = if shown.chars().all(|c| c.is_ascii_graphic()) && !shown.is_empty() {
                    format!("\"{shown}\"")
                } else {
                    "no number".to_string()
                };
                write!(
                    f,
                    "This share link's step (&s=) is {shown}, not a step number from 1 to {MAX_STEPS}. Copy the \
                     whole link again, or remove its &s= part to open the guide at its start."
                )
            }
            LinkError::NoSuchStep { step, steps } => write!(
                f,
                "This share link opens step {step}, but its guide has {steps} step(s). Copy the whole link again, \
                 or remove its &s= part to open the guide at its start."
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// The longest link (or fragment) decoding looks at.
pub const MAX_LINK: usize = 8192;
const MAX_TEXT: usize = 4096;
const MAX_RECORDS: usize = 512;

/// The case as the value of `c=`: `1.<payload>`.
pub fn encode(case: &Case) -> String {
    let mut out = Vec::new();
    record(&mut out, 1, &[verdict_byte(case.verdict)]);
    record(&mut out, 2, &pack(&case.guide));
    for (k, v) in case.facts.iter() {
        record(&mut out, 3, &keyed(k, v));
    }
    for (k, v) in &case.answers.0 {
        record(&mut out, 4, &keyed(k, v));
    }
    if let Some(e) = &case.evidence {
        record(&mut out, 5, &pack(&e.file));
        record(&mut out, 6, &leb(e.line));
        if !e.codes.is_empty() {
            record(&mut out, 7, &pack(&e.codes.join(",")));
        }
        if !e.summary.is_empty() && e.summary == table_summary(&e.codes) {
            // The code table's words: the page rebuilds them (in its own version's wording).
            record(&mut out, 13, &[]);
        } else if !e.summary.is_empty() {
            record(&mut out, 8, &pack(&e.summary));
        }
        if !e.text.is_empty() {
            record(&mut out, 9, &pack(&e.text));
        }
    }
    let p = &case.progress;
    if p.current != 0 {
        record(&mut out, 10, &leb(p.current as u64));
    }
    if !p.done.is_empty() {
        record(&mut out, 11, &bits(&p.done));
    }
    if !p.failed.is_empty() {
        record(&mut out, 12, &bits(&p.failed));
    }
    let sum = fletcher16(&out);
    out.extend_from_slice(&sum.to_be_bytes());
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(&out))
}

/// The whole link: `base` (an address, or empty for a bare fragment) followed by `#c=…`.
pub fn link(base: &str, case: &Case) -> String {
    let base = base.split('#').next().unwrap_or("");
    format!("{base}#c={}", encode(case))
}

/// A deep link to one step (0-based `step`; the link shows it 1-based, `&s=3` for the third step).
pub fn link_to_step(base: &str, case: &Case, step: usize) -> String {
    format!("{}&s={}", link(base, case), step + 1)
}

/// Reads a case from a whole link, a fragment (`#c=…&s=…`), or the bare `c=` value. `s=` sets the current
/// step.
pub fn decode(link: &str) -> Result<Case, LinkError> {
    if link.len() > MAX_LINK {
        return Err(LinkError::TooLong);
    }
    let fragment = match link.split_once('#') {
        Some((_, f)) => f,
        None => link,
    };
    let mut value = None;
    let mut step = None;
    for part in fragment.trim().split('&') {
        if let Some(v) = part.strip_prefix("c=") {
            value = Some(v);
        } else if let Some(s) = part.strip_prefix("s=") {
            // Punctuation a forum adds after the link is not part of the number; anything else that is not a
            // step number is said, never silently read as step 1.
            let number = s.trim_end_matches(|c: char| !c.is_ascii_digit());
            step = Some(
                number
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_STEPS).contains(n))
                    .ok_or_else(|| LinkError::BadStep(s.to_string())),
            );
        }
    }
    // The bare value, as `encode` returns it.
    if value.is_none()
        && fragment
            .trim()
            .split('.')
            .next()
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    {
        value = Some(fragment.trim());
    }
    let value = value.ok_or(LinkError::NoCase)?;
    let (version, payload) = value
        .split_once('.')
        .ok_or_else(|| LinkError::Damaged("no version".into()))?;
    let version: u32 = version
        .trim()
        .parse()
        .map_err(|_| LinkError::Damaged("the version is not a number".into()))?;
    if version > VERSION {
        return Err(LinkError::FutureVersion(version));
    }
    if version != VERSION {
        return Err(LinkError::Damaged(format!("unknown link format {version}")));
    }
    // Forums and mail programs add punctuation after a link, or break it: keep the base64url alphabet.
    let payload: String = payload
        .trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.as_bytes())
        .map_err(|_| LinkError::Damaged("characters are missing or wrong".into()))?;
    let mut case = read_records(&bytes)?;
    if let Some(s) = step {
        case.progress.current = s? - 1;
    }
    Ok(case)
}

fn read_records(bytes: &[u8]) -> Result<Case, LinkError> {
    let damaged = |why: &str| LinkError::Damaged(why.into());
    if bytes.len() < 2 {
        return Err(damaged("too short"));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 2);
    if fletcher16(body).to_be_bytes() != sum {
        return Err(damaged("the checksum does not match"));
    }
    let mut case = Case {
        verdict: Verdict::Inconclusive,
        facts: Facts::new(),
        answers: Answers::new(),
        evidence: None,
        guide: String::new(),
        progress: Progress::default(),
    };
    let mut pos = 0;
    let mut count = 0;
    let mut verdict_seen = false;
    let mut summary_from_table = false;
    while pos < body.len() {
        count += 1;
        if count > MAX_RECORDS {
            return Err(damaged("too many records"));
        }
        let tag = body[pos];
        pos += 1;
        let len = read_leb(body, &mut pos).ok_or_else(|| damaged("a record is cut"))?;
        let len = usize::try_from(len).map_err(|_| damaged("a record is too long"))?;
        let end = pos
            .checked_add(len)
            .filter(|e| *e <= body.len())
            .ok_or_else(|| damaged("a record is cut"))?;
        let data = &body[pos..end];
        pos = end;
        match tag {
            1 => {
                case.verdict = match data {
                    [0] => Verdict::Failed,
                    [1] => Verdict::Succeeded,
                    [2] => Verdict::Inconclusive,
                    _ => return Err(damaged("unknown verdict")),
                };
                verdict_seen = true;
            }
            2 => case.guide = unpack(data)?,
            3 => {
                let (k, v) = unkey(data)?;
                case.facts.set_key(&k, v);
            }
            4 => {
                let (k, v) = unkey(data)?;
                case.answers.set(&k, &v);
            }
            5..=9 => {
                let e = case.evidence.get_or_insert_with(Evidence::default);
                match tag {
                    5 => e.file = unpack(data)?,
                    6 => {
                        let mut p = 0;
                        e.line =
                            read_leb(data, &mut p).ok_or_else(|| damaged("bad line number"))?;
                    }
                    7 => {
                        e.codes = unpack(data)?
                            .split(',')
                            .filter(|c| !c.is_empty())
                            .map(str::to_string)
                            .collect()
                    }
                    8 => e.summary = unpack(data)?,
                    _ => e.text = unpack(data)?,
                }
            }
            10 => {
                let mut p = 0;
                let n = read_leb(data, &mut p).ok_or_else(|| damaged("bad step number"))?;
                case.progress.current = usize::try_from(n).unwrap_or(usize::MAX);
            }
            11 => case.progress.done = unbits(data),
            12 => case.progress.failed = unbits(data),
            13 => summary_from_table = true,
            // A record a later version 1 added: skipped.
            _ => {}
        }
    }
    if !verdict_seen || case.guide.is_empty() {
        return Err(damaged("parts are missing"));
    }
    if summary_from_table {
        if let Some(e) = case.evidence.as_mut() {
            e.summary = table_summary(&e.codes);
        }
    }
    case.progress.normalize();
    Ok(case)
}

/// What the code table says of the codes, in the words the readers use for a line that only carries codes.
/// A summary equal to it travels as one flag.
fn table_summary(codes: &[String]) -> String {
    let parts: Vec<String> = codes
        .iter()
        .map(
            |c| match kb::codes::parse(c).as_ref().and_then(kb::codes::info) {
                Some(i) => format!("{c} ({}): {}", i.name, i.meaning),
                None => format!("{c}: not in the code table."),
            },
        )
        .collect();
    parts.join(" ")
}

fn verdict_byte(v: Verdict) -> u8 {
    match v {
        Verdict::Failed => 0,
        Verdict::Succeeded => 1,
        Verdict::Inconclusive => 2,
    }
}

fn record(out: &mut Vec<u8>, tag: u8, data: &[u8]) {
    out.push(tag);
    out.extend_from_slice(&leb(data.len() as u64));
    out.extend_from_slice(data);
}

fn leb(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn read_leb(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*pos)?;
        *pos += 1;
        n |= u64::from(b & 0x7F).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

fn bits(steps: &[usize]) -> Vec<u8> {
    let top = steps
        .iter()
        .copied()
        .filter(|s| *s < MAX_STEPS)
        .max()
        .unwrap_or(0);
    let mut out = vec![0u8; top / 8 + 1];
    for &s in steps.iter().filter(|s| **s < MAX_STEPS) {
        out[s / 8] |= 1 << (s % 8);
    }
    out
}

fn unbits(data: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, b) in data.iter().enumerate().take(MAX_STEPS / 8) {
        for bit in 0..8 {
            if b & (1 << bit) != 0 {
                out.push(i * 8 + bit);
            }
        }
    }
    out
}

fn fletcher16(data: &[u8]) -> u16 {
    let (mut a, mut b) = (0u16, 0u16);
    for &x in data {
        a = (a + u16::from(x)) % 255;
        b = (b + a) % 255;
    }
    (b << 8) | a
}

/// Fact keys the link names by one byte. Append-only (see the module doc).
pub const FACT_KEYS: &[&str] = &[
    "action",
    "cause",
    "code",
    "custom_action",
    "dotnet_installed",
    "dotnet_target",
    "kb",
    "log_path",
    "product",
    "product_name",
    "program",
    "restart_pending",
    "source",
    "update_title",
    "windows",
    "windows_build",
    "hresult",
    "windows_family",
];

fn keyed(key: &str, value: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match FACT_KEYS.iter().position(|k| *k == key) {
        Some(i) => out.push(i as u8),
        None => {
            let k = &key.as_bytes()[..key.len().min(200)];
            out.push(255);
            out.push(k.len() as u8);
            out.extend_from_slice(k);
        }
    }
    out.extend_from_slice(&pack(value));
    out
}

fn unkey(data: &[u8]) -> Result<(String, String), LinkError> {
    let damaged = |why: &str| LinkError::Damaged(why.into());
    let (&first, rest) = data.split_first().ok_or_else(|| damaged("an empty fact"))?;
    if first == 255 {
        let (&len, rest) = rest.split_first().ok_or_else(|| damaged("a fact is cut"))?;
        let len = usize::from(len);
        if rest.len() < len {
            return Err(damaged("a fact is cut"));
        }
        let key =
            std::str::from_utf8(&rest[..len]).map_err(|_| damaged("a fact's name is not text"))?;
        if key.is_empty() {
            return Err(damaged("a fact has no name"));
        }
        Ok((key.to_string(), unpack(&rest[len..])?))
    } else {
        let key = FACT_KEYS
            .get(usize::from(first))
            .ok_or_else(|| damaged("an unknown fact"))?;
        Ok((key.to_string(), unpack(rest)?))
    }
}

/// Phrases that texts in links are made of, replaced by one or two bytes. Append-only (see the module doc):
/// the first 30 take one byte, the rest two.
pub const PHRASES: &[&str] = &[
    // One byte each: the commonest in evidence lines, summaries and facts.
    "Security Update for Microsoft ",
    ".NET Framework ",
    "Windows Update",
    "Windows ",
    "Microsoft ",
    "ERROR_INSTALL_FAILURE",
    "Fatal error during installation.",
    "installation",
    "Installation",
    "failed",
    "Failed to ",
    "error",
    "Error",
    " code ",
    "Return value 3.",
    "Action ended ",
    "install-failure",
    "dotnet",
    "Update",
    "The ",
    " the ",
    " for ",
    " with ",
    "MSI (s) (",
    "CustomAction ",
    "HRESULT: 0x8007",
    "0x8007",
    "returned ",
    ": not in the code table.",
    "Product: ",
    // Two bytes each.
    "succeeded",
    "no-cause-in-log",
    "unknown-cause",
    "dotnet-update",
    "capture-log",
    "InstallFinalize",
    "ERROR_",
    "MainEngineThread is returning ",
    "Windows Installer",
    "another installation",
    " in progress",
    "package",
    "Package",
    "update",
    "Service Pack",
    " is not ",
    "could not ",
    "Could not ",
    "cannot ",
    "access",
    "denied",
    "directory",
    "registry",
    "Program Files",
    "System32",
    "C:\\Windows\\",
    "C:\\Users\\",
    "AppData\\Local\\Temp\\",
    "Setup",
    "setup",
    ".log",
    ".msi",
    ".exe",
    "USER1",
    "The system cannot find the file specified.",
    "Access is denied.",
    "Exit code",
    "exit code",
    "Windows 10",
    "Windows 11",
    // Cause and guide ids of the knowledge base (a link names both).
    "msi-update",
    "another-install",
    "installer-service",
    "safe-mode",
    "restart-pending",
    "disk-full",
    "temp-permissions",
    "file-permissions",
    "assembly-mscoree",
    "assembly-authoring",
    "assembly-locked",
    "assembly",
    "custom-action",
    "patch-registration",
    "missing-cache",
    "not-applicable",
    "service-failed",
    "prerequisite-not-met",
    "netfx3-feature",
    "defender-definitions",
    "office-update",
    "winre-partition",
    "winre-false-error",
    "windows-update",
    "component-store",
    "wu-network",
    "etl-undecoded",
    "access-denied",
    "burn-payload",
    "wu-busy",
    // Words of the readers' summaries.
    "The bundle only reports that ",
    " failed; the cause is in ",
    "'s own log",
    "its own MSI log holds the cause.",
    "A component of ",
    "Setup ",
    "component",
    "The installer ",
    "Windows Installer reports that ",
    " (return value 3 = error 1603).",
    "The installation ended with code ",
    // Frequent in evidence lines.
    "DEBUG: ",
    "VERBOSE: ",
    "Return value ",
    "returned actual error code ",
    "Failed authenticode verification of payload: ",
    "Applied execute package: ",
    "ProgramData\\Package Cache\\",
    "error code is ",
    "There is a problem with this ",
    "You do not have sufficient privileges ",
    "Contact your support personnel or package vendor.",
    "Windows Installer package.",
    ", result: 0x",
    "Installing ",
    "Exit code: 0x",
    "Error: ",
    "ERROR: ",
    "Warning: ",
];

const ONE_BYTE: usize = 30;

/// Text → bytes with phrases replaced (see the module doc).
fn pack(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        // The phrase that saves the most bytes here.
        let best = PHRASES
            .iter()
            .enumerate()
            .filter(|(_, p)| b[i..].starts_with(p.as_bytes()))
            .map(|(n, p)| {
                (
                    n,
                    p.len(),
                    p.len() as isize - if n < ONE_BYTE { 1 } else { 2 },
                )
            })
            .filter(|(_, _, saved)| *saved > 0)
            .max_by_key(|(_, _, saved)| *saved);
        if let Some((n, len, _)) = best {
            if n < ONE_BYTE {
                out.push(n as u8 + 1);
            } else {
                out.push(31);
                out.push((n - ONE_BYTE) as u8);
            }
            i += len;
            continue;
        }
        if b[i] < 32 {
            out.push(0);
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn unpack(data: &[u8]) -> Result<String, LinkError> {
    let damaged = |why: &str| LinkError::Damaged(why.into());
    let mut out = Vec::with_capacity(data.len() * 2);
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        i += 1;
        match b {
            0 => {
                out.push(*data.get(i).ok_or_else(|| damaged("a text is cut"))?);
                i += 1;
            }
            1..=30 => out.extend_from_slice(PHRASES[usize::from(b) - 1].as_bytes()),
            31 => {
                let n = *data.get(i).ok_or_else(|| damaged("a text is cut"))?;
                i += 1;
                let p = PHRASES
                    .get(ONE_BYTE + usize::from(n))
                    .ok_or_else(|| damaged("an unknown phrase"))?;
                out.extend_from_slice(p.as_bytes());
            }
            _ => out.push(b),
        }
        if out.len() > MAX_TEXT {
            return Err(damaged("a text is too long"));
        }
    }
    String::from_utf8(out).map_err(|_| damaged("a text is not valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_unique_and_fit() {
        for (i, p) in PHRASES.iter().enumerate() {
            assert!(!p.is_empty() && p.len() > 2, "{p}");
            assert!(!PHRASES[..i].contains(p), "repeated phrase {p}");
        }
        assert!(PHRASES.len() <= ONE_BYTE + 256);
    }

    #[test]
    fn fact_keys_unique() {
        // Append-only, so not necessarily sorted: an entry's position is its meaning in links.
        for (i, k) in FACT_KEYS.iter().enumerate() {
            assert!(!FACT_KEYS[..i].contains(k), "repeated key {k}");
        }
        assert!(FACT_KEYS.len() < 255);
    }

    #[test]
    fn pack_round_trips() {
        for t in [
            "",
            "Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643",
            "tab\there\u{1}\u{1f}\0 and ünïcødé…",
            "ERROR_",
        ] {
            assert_eq!(unpack(&pack(t)).as_deref(), Ok(t));
        }
    }

    #[test]
    fn leb_round_trips() {
        for n in [0u64, 1, 127, 128, 300, u64::MAX] {
            let mut p = 0;
            assert_eq!(read_leb(&leb(n), &mut p), Some(n));
        }
        let mut p = 0;
        assert_eq!(read_leb(&[0xFF; 11], &mut p), None);
    }
}
