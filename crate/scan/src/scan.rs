//! Scanning one text file: text in chunks → lines → the format's reader → the file's report.
//!
//! [`Diagnoser`](crate::Diagnoser), the front door, hands each text file to a `FileScan`, which takes its
//! chunks cut anywhere and keeps only what the reader found: a handful of lines around each finding, never
//! the file.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use model::diagnosis::{ContextLine, FileSummary, Finding, Note, TimelineAction, Verdict};

use crate::facts::{self, Fact, Facts};
use crate::formats::{self, LogFormat, LogReader};
use crate::read::{CONTEXT, Line, MAX_FINDINGS, Output, clip};
use crate::text::Decoder;

/// Which lines of a log of this format may name the kind of product, or the .NET Framework version
/// (`facts::learn_from_log_line`'s `product`). Servicing logs, Windows Update logs and event lists name
/// products in passing; a DISM command line (`/FeatureName:NetFx3`) still says which feature was being enabled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ProductLines {
    /// Every line.
    All,
    /// No line.
    None,
    /// Only lines that hold one of the `cased` literals, or one of the `lower` literals once lowercased: the
    /// scanner then searches these, not the products' words, to find them.
    With {
        cased: &'static [&'static str],
        lower: &'static [&'static str],
    },
    /// The first lines only.
    First(u64),
}

fn product_lines(format: LogFormat) -> ProductLines {
    match format {
        LogFormat::Cbs
        | LogFormat::Dism
        | LogFormat::EventLog
        | LogFormat::WindowsUpdate
        | LogFormat::ReportingEvents
        | LogFormat::CmTrace => ProductLines::With {
            cased: &[],
            lower: &["featurename"],
        },
        // A long text of no known format is a report (FRST lists every service's path, Windows Defender's
        // among them): only its first lines, where a pasted title sits, name the product.
        LogFormat::Text => ProductLines::First(TEXT_PRODUCT_LINES),
        // An MSI log names its own product in `ProductName = …` and `Product: … --`; other lines quote
        // properties, launch conditions and file names (an `ExcelAddin` is no Office update).
        LogFormat::Msi => ProductLines::With {
            cased: &["ProductName = ", "Product: "],
            lower: &[],
        },
        // A bundle log lists the packages it chains (a .NET Framework prerequisite among them).
        LogFormat::Burn => ProductLines::None,
        // A Windows Setup log lists every app, driver and feature it migrates: what it installs is Windows.
        LogFormat::WindowsSetup => ProductLines::None,
        // An Inno Setup log names each file it installs, whatever they are.
        LogFormat::Inno => ProductLines::None,
        _ => ProductLines::All,
    }
}

/// Whether this line of a log of this format may name the kind of product (see [`product_lines`]).
fn learns_product(format: LogFormat, line: &Line<'_>) -> bool {
    match product_lines(format) {
        ProductLines::All => true,
        ProductLines::None => false,
        ProductLines::First(n) => line.no <= n,
        ProductLines::With { cased, lower } => {
            let text = line.text.as_bytes();
            cased.iter().any(|l| contains(text, l.as_bytes()))
                || lower.iter().any(|l| contains_lowercase(text, l.as_bytes()))
        }
    }
}

/// Whether `text` (a line) contains `word`: `memchr` for its first byte, then a comparison. It is asked of every
/// candidate line of an MSI log, where building a substring searcher for each call cost more than the search.
fn contains(text: &[u8], word: &[u8]) -> bool {
    let Some(&first) = word.first() else {
        return true;
    };
    memchr::memchr_iter(first, text).any(|i| text[i..].starts_with(word))
}

/// Whether `text`, ASCII-lowercased, contains `word` (lowercase), without a lowercased copy.
fn contains_lowercase(text: &[u8], word: &[u8]) -> bool {
    let Some(&first) = word.first() else {
        return true;
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), text).any(|i| {
        text.get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

/// Lines of a text of no known format that may name the kind of product (see `FileScan::drain_lines`).
const TEXT_PRODUCT_LINES: u64 = 40;
// How much text a file's format is detected from: the detector's own constant.
use crate::formats::DETECT_LEN;
/// The longest piece of one line read at once. A longer line (a file without line breaks, a binary file) is
/// read in pieces of this size, each like a line of its own with the line's number, so that the text held
/// stays bounded whatever the input; a note says so.
pub const LONG_LINE: usize = 1 << 20;
/// The most bytes decoded at once: a caller may hand over a whole file in one chunk, and the text held must
/// not grow to its size.
const FEED_PIECE: usize = 1 << 20;
/// A bound on the bytes a [`Diagnoser`](crate::Diagnoser) holds for the text file being read (see [`Diagnoser::held`](crate::Diagnoser::held)): the
/// partial line (under [`LONG_LINE`]) and one decoded [`FEED_PIECE`] (at most three bytes of UTF-8 for an
/// input byte, in Windows-1252), in buffers that may have doubled once, and the lowercased copy of a block.
pub const MAX_HELD: usize = 4 * (LONG_LINE + 3 * FEED_PIECE);

/// How the scanner finds the lines worth reading ([`Diagnoser::every_line`](crate::Diagnoser::every_line) and [`Diagnoser::one_pass`](crate::Diagnoser::one_pass)
/// choose; the default suits the platform). Every way gives the same diagnosis: the tests check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Search {
    /// Every line, to the reader and the facts: the slow reference.
    EveryLine,
    /// Literal searches: the reader's case-sensitive prefilter over the text, and the lowercase words over
    /// a lowercased copy. Fastest where the regex crate's SIMD literal search runs (natively).
    Literals,
    /// One search over the text, with the lowercase words made case-insensitive, and the facts learned from
    /// every line it finds. In WebAssembly the regex engine is a lazy DFA alone (no literal search), which
    /// reads every byte whatever the patterns: one pass over the bytes beats three and a lowercased copy.
    OnePass,
}

impl Default for Search {
    fn default() -> Search {
        if cfg!(target_arch = "wasm32") {
            Search::OnePass
        } else {
            Search::Literals
        }
    }
}

/// What one file gave.
#[derive(Debug)]
pub struct FileReport {
    pub summary: FileSummary,
    pub out: Output,
    pub format: LogFormat,
    /// Bytes of text the scan went over (see [`Diagnoser::scanned`](crate::Diagnoser::scanned)).
    pub(crate) scanned: u64,
}

/// What one file gave, in the form that crosses between the page's workers: each worker reads some of the
/// files ([`Diagnoser::finish_parts`](crate::Diagnoser::finish_parts)) and one combines the parts of all of
/// them, in the files' order ([`combine_parts`](crate::combine_parts)). Files are read independently of one
/// another (only the combining looks across them), so the diagnosis is the same as one
/// [`Diagnoser`](crate::Diagnoser) given every file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilePart {
    pub summary: FileSummary,
    pub findings: Vec<Finding>,
    pub facts: Facts,
    pub notes: Vec<Note>,
    /// Index into `findings` of the file's root cause.
    pub root: Option<usize>,
    pub timeline: Vec<TimelineAction>,
    pub timeline_total: u64,
    /// [`LogFormat::depth`] of the file's format: all that combining needs of it.
    pub depth: u8,
}

impl FileReport {
    /// What of the report outlives the scan: all that combining needs.
    pub(crate) fn into_part(self) -> FilePart {
        FilePart {
            summary: self.summary,
            findings: self.out.findings,
            facts: self.out.facts,
            notes: self.out.notes,
            root: self.out.root,
            timeline: self.out.timeline,
            timeline_total: self.out.timeline_total,
            depth: self.format.depth(),
        }
    }
}

/// Reads one file: decoding, line splitting, format detection, then the reader.
///
/// The hot path works like a search tool: decoded text is kept in blocks of whole lines; one multi-pattern
/// search over a block (the reader's prefilter and the patterns of the facts still unknown, see [`Filter`])
/// finds the candidate lines; line breaks in between are only counted. Only candidate lines reach the
/// reader and [`facts::learn_from_line`]. The context of a finding comes from the block itself, and from the
/// last lines of the previous block.
pub(crate) struct FileScan {
    name: String,
    decoder: Decoder,
    /// Decoded text not yet split into lines (at most one partial line once the format is known).
    text: String,
    reader: Option<Box<dyn LogReader>>,
    format: LogFormat,
    pub(crate) out: Output,
    /// Lines read so far.
    line_no: u64,
    /// Offset in the decoded text of `text`'s start.
    offset: u64,
    /// The search for candidate lines, for the facts still unknown.
    filter: Filter,
    /// The last lines before `text` (at most [`CONTEXT`]), for the context of a finding early in a block.
    tail: VecDeque<ContextLine>,
    /// The block, ASCII-lowercased, for the facts' search (kept to reuse its memory).
    lower: Vec<u8>,
    /// How candidate lines are found.
    pub(crate) search: Search,
    /// Whether the file ends its lines with a CR alone (decided from the text its format is detected from:
    /// CRs and no LF); every CR is then read as an LF.
    cr_only: bool,
    /// How much of `text` is known to hold no LF (the partial line already searched).
    searched: usize,
    /// Lines longer than [`LONG_LINE`], read in pieces; and whether the partial line in `text` is one.
    long_lines: u64,
    in_long_line: bool,
    /// Bytes of text the scan went over (searches for line ends and candidates): the tests check that it
    /// stays proportional to the input.
    pub(crate) scanned: u64,
}

/// Which lines go to the reader and to [`facts::learn_from_line`].
#[derive(Clone, Copy)]
enum Filter {
    /// Every line to both (the reference, [`Diagnoser::every_line`](crate::Diagnoser::every_line), and the fallback when a pattern does
    /// not compile).
    All,
    /// Lines where the reader's prefilter matches the text, where `lower` (the reader's lowercase
    /// prefilter and the words of the facts still `unknown`, see [`facts::unknown`]) matches the text
    /// lowercased, or where `kb` (the KB number's pattern, while the KB is unknown) matches. With `every`, the
    /// reader (which has no prefilter) still gets every line; the facts only the lines `lower` and `kb` find.
    Search {
        every: bool,
        reader: Option<&'static Regex>,
        lower: Option<&'static Regex>,
        kb: bool,
        unknown: u8,
        /// Whether the reader's search also finds the lines that may name the product
        /// ([`ProductLines::With`]), in place of the products' words in `lower`.
        product_gate: bool,
        /// Whether `reader` also holds the facts' words (made case-insensitive, [`Search::OnePass`]): every
        /// line it finds may teach a fact.
        facts_in_reader: bool,
    },
}

/// The search for the KB number's pattern, in the text itself rather than in a lowercased copy: that copy is
/// then made only for the words, and an MSI log, whose reader's search finds the lines naming the product,
/// needs none once its Windows version is known. Every match starts with `kb` in some case, and
/// [`facts::kb_at`] checks the pattern there by hand, with ASCII case folding as the lowercased copy had it:
/// the pattern made case-insensitive has too many literals (in every case) for a fast regex search, and costs
/// a millisecond to compile. Where the processor has AVX2, 32 positions are tested for `kb` at once; else
/// `memchr2` finds each `k` or `K` (one byte in two hundred of a verbose MSI log, which makes it the slower).
fn find_kb(text: &[u8], at: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 is available (checked just above).
        return unsafe { find_kb_avx2(text, at) };
    }
    find_kb_bytes(text, at)
}

/// [`find_kb`] with `memchr2`.
fn find_kb_bytes(text: &[u8], at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    memchr::memchr2_iter(b'k', b'K', rest)
        .map(|i| at + i)
        .find(|&i| facts::kb_at(text, i))
}

/// [`find_kb`] 32 positions at a time: a position holds `kb` in some case when its byte, with bit 0x20 set,
/// is `k` and the next one's is `b` (only `K` and `k`, `B` and `b` give those); [`facts::kb_at`] decides.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn find_kb_avx2(text: &[u8], at: usize) -> Option<usize> {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8,
    };
    let (fold, k, b) = (
        _mm256_set1_epi8(0x20),
        _mm256_set1_epi8(b'k' as i8),
        _mm256_set1_epi8(b'b' as i8),
    );
    let mut i = at;
    while i + 33 <= text.len() {
        // SAFETY: `i + 33 <= text.len()`: the loads read `text[i..i + 32]` and `text[i + 1..i + 33]`.
        let (x, y) = unsafe {
            (
                _mm256_loadu_si256(text.as_ptr().add(i).cast::<__m256i>()),
                _mm256_loadu_si256(text.as_ptr().add(i + 1).cast::<__m256i>()),
            )
        };
        let pairs = _mm256_and_si256(
            _mm256_cmpeq_epi8(_mm256_or_si256(x, fold), k),
            _mm256_cmpeq_epi8(_mm256_or_si256(y, fold), b),
        );
        let mut mask = _mm256_movemask_epi8(pairs) as u32;
        while mask != 0 {
            let j = i + mask.trailing_zeros() as usize;
            if facts::kb_at(text, j) {
                return Some(j);
            }
            mask &= mask - 1;
        }
        i += 32;
    }
    find_kb_bytes(text, i)
}

/// The bits of [`facts::unknown`] that only a line [`learns_product`] admits can teach (the .NET Framework
/// version and the product).
fn product_facts() -> u8 {
    facts::bit(Fact::DotnetTarget) | facts::bit(Fact::Product)
}

impl Filter {
    fn new(reader: &dyn LogReader, format: LogFormat, known: &Facts, search: Search) -> Filter {
        let (cased, lowercase) = (reader.prefilter(), reader.prefilter_lowercase());
        let every = cased.is_none() && lowercase.is_none();
        let unknown = facts::unknown(known);
        // Where only some lines can name the product, searching the products' words on every line is wasted:
        // the literals those lines hold find them instead, in the same pass as the reader's prefilter.
        let (words_for, cased_gate, lower_gate): (u8, &[&str], &[&str]) =
            match product_lines(format) {
                ProductLines::None => (unknown & !product_facts(), &[], &[]),
                // A reader without a prefilter runs no cased search to add the literals to.
                ProductLines::With { cased, lower } if !every || cased.is_empty() => {
                    if unknown & product_facts() != 0 {
                        (unknown & !product_facts(), cased, lower)
                    } else {
                        (unknown, &[], &[])
                    }
                }
                _ => (unknown, &[], &[]),
            };
        let escaped: Vec<String> = cased_gate.iter().map(|l| regex::escape(l)).collect();
        let cased_patterns: Option<Vec<&str>> = cased.map(|c| {
            c.iter()
                .copied()
                .chain(escaped.iter().map(String::as_str))
                .collect()
        });
        let cased_regex = cased_patterns.as_deref().map(compiled);
        let (words, kb) = facts::line_patterns(words_for);
        let lower_patterns: Vec<&str> = lowercase
            .unwrap_or_default()
            .iter()
            .copied()
            .chain(words)
            .chain(lower_gate.iter().copied())
            .collect();
        if search == Search::OnePass && !every {
            // ASCII case folding (Unicode is off) matches what the lowercased copy holds.
            let folded: Vec<String> = lower_patterns
                .iter()
                .chain(kb.iter())
                .map(|p| format!("(?i:{p})"))
                .collect();
            let all: Vec<&str> = (cased_patterns.iter().flatten().copied())
                .chain(folded.iter().map(String::as_str))
                .collect();
            return match compiled(&all) {
                None => Filter::All,
                one => Filter::Search {
                    every,
                    reader: one,
                    lower: None,
                    kb: false,
                    unknown,
                    product_gate: false,
                    facts_in_reader: true,
                },
            };
        }
        let lower_regex = (!lower_patterns.is_empty()).then(|| compiled(&lower_patterns));
        match (cased_regex, lower_regex) {
            // A pattern that does not compile (a bug, caught by a debug assertion): read every line.
            (Some(None), _) | (_, Some(None)) => Filter::All,
            (reader, lower) => Filter::Search {
                every,
                reader: reader.flatten(),
                lower: lower.flatten(),
                kb: kb.is_some(),
                unknown,
                product_gate: !cased_gate.is_empty(),
                facts_in_reader: false,
            },
        }
    }
}

/// One regex for a set of line patterns, compiled once per distinct set and kept for the process (a few
/// per format: one per combination of facts still unknown).
fn compiled(patterns: &[&str]) -> Option<&'static Regex> {
    type Cache = Vec<(String, Option<&'static Regex>)>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let alternatives: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
    // Multi-line: `^` matches after every LF, as at the start of a line read alone.
    let pattern = format!("(?m){}", alternatives.join("|"));
    let mut cache = CACHE
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((_, regex)) = cache.iter().find(|(p, _)| *p == pattern) {
        return *regex;
    }
    let regex = RegexBuilder::new(&pattern)
        .unicode(false)
        .size_limit(32 << 20)
        .build();
    debug_assert!(regex.is_ok(), "bad prefilter: {regex:?}");
    let regex = regex.ok().map(|r| &*Box::leak(Box::new(r)));
    cache.push((pattern, regex));
    regex
}

/// The next candidate line's match, from the search of the text, the search of the lowercased text (`facts`,
/// which also holds the reader's lowercase prefilter) and the KB number's (`kb`): a position, `NONE`
/// when a search found nothing more, `STALE` when it must search again.
struct Candidates {
    reader: usize,
    facts: usize,
    kb: usize,
}

const NONE: usize = usize::MAX;
const STALE: usize = usize::MAX - 1;

impl Candidates {
    fn new() -> Candidates {
        Candidates {
            reader: STALE,
            facts: STALE,
            kb: STALE,
        }
    }

    /// Searches again, from `at`, whichever search is behind it.
    fn advance(&mut self, filter: &Filter, text: &[u8], lower: &[u8], at: usize) {
        match filter {
            Filter::All => {
                self.reader = if at < text.len() { at } else { NONE };
                self.facts = self.reader;
                self.kb = self.reader;
            }
            Filter::Search {
                every,
                reader,
                lower: lowered,
                kb,
                ..
            } => {
                // Any byte of a match names its line (matches never cross a line end), so the search asks
                // only where the shortest match ends: no backward pass to find where it starts. Its last byte
                // is in the line; an empty match (a bare `^`) ends where it starts, at or after `at`.
                let last_byte = |end: usize| end.saturating_sub(1).max(at);
                if *every {
                    self.reader = if at < text.len() { at } else { NONE };
                } else if self.reader < at || self.reader == STALE {
                    self.reader = reader
                        .and_then(|r| r.shortest_match_at(text, at))
                        .map_or(NONE, last_byte);
                }
                if self.facts < at || self.facts == STALE {
                    self.facts = lowered
                        .and_then(|f| f.shortest_match_at(lower, at))
                        .map_or(NONE, last_byte);
                }
                if self.kb < at || self.kb == STALE {
                    self.kb = kb.then(|| find_kb(text, at)).flatten().unwrap_or(NONE);
                }
            }
        }
    }

    fn next(&self) -> Option<usize> {
        let m = self.reader.min(self.lowered());
        (m < STALE).then_some(m)
    }

    /// The next match of the searches for the facts: the next line that may teach a fact.
    fn lowered(&self) -> usize {
        self.facts.min(self.kb)
    }

    /// After the filter changed: the searches for the facts must run again.
    fn refilter(&mut self) {
        self.facts = STALE;
        self.kb = STALE;
    }
}

/// Turns every CR of `text[from..]` into an LF (a file with CR-only line ends, see `FileScan::start_reader`).
fn cr_to_lf(text: &mut String, from: usize) {
    if memchr::memchr(b'\r', &text.as_bytes()[from..]).is_some() {
        let rest = text.split_off(from).replace('\r', "\n");
        text.push_str(&rest);
    }
}

/// Counts LF bytes: memchr's counting iterator runs vector compares (AVX2 where the CPU has it).
fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The line starting at `start`: its end without the line break, and the start of the next line.
fn line_at(bytes: &[u8], start: usize) -> (usize, usize) {
    match memchr::memchr(b'\n', &bytes[start..]) {
        Some(i) => {
            let nl = start + i;
            let end = if nl > start && bytes[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            (end, nl + 1)
        }
        None => {
            let len = bytes.len();
            let end = if len > start && bytes[len - 1] == b'\r' {
                len - 1
            } else {
                len
            };
            (end, len)
        }
    }
}

/// Up to `want` lines just before `start` (a line start) in `text`, oldest first; the line before `start`
/// is number `no - 1`.
fn lines_before(text: &str, start: usize, no: u64, want: usize) -> Vec<ContextLine> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(want);
    let mut end = start;
    while out.len() < want && end > 0 {
        // `end - 1` is the LF that ends the line before.
        let begin = memchr::memrchr(b'\n', &bytes[..end - 1]).map_or(0, |i| i + 1);
        let (line_end, _) = line_at(bytes, begin);
        out.push(ContextLine {
            line: no - 1 - out.len() as u64,
            text: clip(text.get(begin..line_end).unwrap_or_default()),
        });
        end = begin;
    }
    out.reverse();
    out
}

impl FileScan {
    pub(crate) fn new(name: &str) -> FileScan {
        FileScan {
            name: name.to_string(),
            decoder: Decoder::new(),
            text: String::new(),
            reader: None,
            format: LogFormat::Text,
            out: Output::new(name),
            line_no: 0,
            offset: 0,
            filter: Filter::All,
            tail: VecDeque::new(),
            lower: Vec::new(),
            search: Search::default(),
            cr_only: false,
            searched: 0,
            long_lines: 0,
            in_long_line: false,
            scanned: 0,
        }
    }

    /// The bytes this scan holds in its buffers (see [`MAX_HELD`]).
    pub(crate) fn held(&self) -> usize {
        self.text.capacity() + self.lower.capacity() + self.decoder.held()
    }

    /// A file whose format is known before reading it (a binary trace, an archive).
    pub(crate) fn with_format(name: &str, format: LogFormat) -> FileScan {
        let mut scan = FileScan::new(name);
        scan.format = format;
        scan.reader = Some(formats::reader(format));
        scan
    }

    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        for piece in chunk.chunks(FEED_PIECE) {
            if self.reader.is_some() && !self.cr_only {
                if let Some(text) = self.decoder.borrow(piece) {
                    self.feed_text(text);
                    continue;
                }
            }
            let from = self.text.len();
            self.decoder.decode(piece, &mut self.text);
            if self.cr_only {
                cr_to_lf(&mut self.text, from);
            }
            if self.reader.is_none() && self.text.len() < DETECT_LEN {
                continue;
            }
            self.start_reader();
            self.drain_lines();
            self.cut_long_line();
        }
    }

    /// Reads a piece that is text as it is (see [`Decoder::borrow`]) where it lies, the way a search tool reads a
    /// mapped file: only the line the piece's start cuts (joined to the partial line held) and the partial line
    /// at its end are copied. The lines, blocks and searches are those [`FileScan::feed`] would make of the
    /// piece decoded into `text`: a block cut at a line start reads the same.
    fn feed_text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let Some(last) = memchr::memrchr(b'\n', bytes) else {
            self.text.push_str(text);
            self.drain_lines();
            self.cut_long_line();
            return;
        };
        let mut start = 0;
        if !self.text.is_empty() {
            let first = memchr::memchr(b'\n', bytes).unwrap_or(last);
            self.text.push_str(&text[..=first]);
            // Reads the held line and its end: `text` is left empty.
            self.drain_lines();
            start = first + 1;
        }
        if start <= last {
            // The search for the last line end, as `drain_lines` counts it.
            self.scanned += (bytes.len() - start) as u64;
            self.in_long_line = false;
            self.read_lines(&text[start..=last], false);
        }
        self.text.push_str(&text[last + 1..]);
        self.searched = self.text.len();
        self.cut_long_line();
    }

    /// Reads the partial line in `text` in pieces of [`LONG_LINE`] while it is that long, so that a file
    /// without line breaks costs bounded memory and time linear in its size. Each piece is read like a line,
    /// with the number of the line it belongs to.
    fn cut_long_line(&mut self) {
        if self.reader.is_none() {
            return;
        }
        while self.text.len() >= LONG_LINE {
            let mut cut = LONG_LINE;
            while !self.text.is_char_boundary(cut) {
                cut -= 1;
            }
            // A CR at the cut may be the first half of a CR LF: it stays with the rest of the line.
            if self.text.as_bytes()[cut - 1] == b'\r' {
                cut -= 1;
            }
            if !self.in_long_line {
                self.long_lines += 1;
                self.in_long_line = true;
            }
            self.read_block(cut, true);
        }
    }

    fn start_reader(&mut self) {
        if self.reader.is_none() {
            // CR-only line ends (classic Mac OS, some tools' exports) are told by content: the text the format
            // is detected from holds CRs and no LF. Files with LF or CR LF ends keep the LF rule.
            let bytes = self.text.as_bytes();
            if memchr::memchr(b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_some() {
                self.cr_only = true;
                cr_to_lf(&mut self.text, 0);
            }
            self.format = formats::detect(&self.text);
            let reader = formats::reader(self.format);
            if self.search != Search::EveryLine {
                self.filter = Filter::new(&*reader, self.format, &self.out.facts, self.search);
            }
            self.reader = Some(reader);
        }
    }

    /// Reads the complete lines of `text`, then keeps only the partial last line.
    fn drain_lines(&mut self) {
        if self.reader.is_none() {
            return;
        }
        // Only the text after what was searched before can hold a new line end.
        let from = self.searched.min(self.text.len());
        self.scanned += (self.text.len() - from) as u64;
        let end = match memchr::memrchr(b'\n', &self.text.as_bytes()[from..]) {
            Some(i) => from + i + 1,
            None => {
                self.searched = self.text.len();
                return;
            }
        };
        self.in_long_line = false;
        self.read_block(end, false);
    }

    /// Reads `text[..end]`, then drops it. `end` is a line start, or with `piece` a cut inside a long line
    /// ([`FileScan::cut_long_line`]): the piece is read as a line, and the line goes on in the next block.
    fn read_block(&mut self, end: usize, piece: bool) {
        if self.reader.is_none() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        self.read_lines(&text[..end], piece);
        self.text = text;
        self.text.drain(..end);
        // What is left is a partial line: no LF in it.
        self.searched = self.text.len();
    }

    /// Reads the lines of `text` (whole lines, or with `piece` a piece of a long line, see
    /// [`FileScan::read_block`]), which starts where the text read before ends.
    fn read_lines(&mut self, text: &str, piece: bool) {
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let end = text.len();
        self.scanned += end as u64;
        let first_line = self.line_no;
        let bytes = text.as_bytes();
        let format = self.format;
        let out = &mut self.out;
        self.lower.clear();
        if let Filter::Search { lower, .. } = self.filter {
            if lower.is_some() {
                self.lower.extend(bytes.iter().map(u8::to_ascii_lowercase));
            }
        }
        let mut pos = 0usize;
        let mut candidates = Candidates::new();
        candidates.advance(&self.filter, bytes, &self.lower, 0);
        while pos < bytes.len() {
            if out.waiting.is_empty() {
                // Skip to the line of the next candidate, counting the lines passed over.
                let Some(m) = candidates.next() else {
                    self.line_no += count_newlines(&bytes[pos..]);
                    break;
                };
                let start = memchr::memrchr(b'\n', &bytes[pos..m]).map_or(pos, |i| pos + i + 1);
                self.line_no += count_newlines(&bytes[pos..start]);
                pos = start;
            }
            // One line: a candidate, or one a finding wants as context after it (or both).
            let (line_end, next_pos) = line_at(bytes, pos);
            self.line_no += 1;
            let line = Line {
                no: self.line_no,
                offset: self.offset + pos as u64,
                text: &text[pos..line_end],
            };
            if candidates.next().is_some_and(|m| m < next_pos) {
                let first_new = out.findings.len();
                // Only a line the lowercase search found, or one that may name the product when the reader's
                // search looks for those, can teach a fact still unknown; in one pass, any line found may.
                let (gated, all) = match self.filter {
                    Filter::Search {
                        product_gate,
                        facts_in_reader,
                        ..
                    } => (product_gate, facts_in_reader),
                    Filter::All => (false, true),
                };
                let found = all || candidates.lowered() < next_pos;
                // Whether the line may name the product is asked only of a line that may teach a fact.
                if found || gated {
                    let product = learns_product(format, &line);
                    if found || product {
                        facts::learn_from_log_line(line.text.as_bytes(), &mut out.facts, product);
                    }
                }
                reader.line(&line, out);
                if out.findings.len() > first_new {
                    let mut before = lines_before(text, pos, line.no, CONTEXT);
                    if before.len() < CONTEXT {
                        let from_tail = (CONTEXT - before.len()).min(self.tail.len());
                        let older = self.tail.iter().skip(self.tail.len() - from_tail).cloned();
                        before = older.chain(before).collect();
                    }
                    // A reader may report a line it held back (a hard-wrapped line waiting for its
                    // continuation): the context before a finding is the lines before its own line.
                    for f in &mut out.findings[first_new..] {
                        f.context = before.iter().filter(|c| c.line < f.line).cloned().collect();
                    }
                }
                // A fact learned narrows the search.
                if let Filter::Search { unknown, .. } = self.filter {
                    if facts::unknown(&out.facts) != unknown {
                        self.filter = Filter::new(&**reader, format, &out.facts, self.search);
                        candidates.refilter();
                    }
                }
                candidates.advance(&self.filter, bytes, &self.lower, next_pos);
            }
            if !out.waiting.is_empty() {
                out.seen(&line);
            }
            pos = next_pos;
        }
        if piece {
            // The line goes on: the next piece has the same number, and the lines before it stay the context.
            self.line_no = first_line;
        } else {
            // Remember the last lines for the context of findings early in the next block.
            let last = lines_before(text, end, self.line_no + 1, CONTEXT);
            if last.len() < CONTEXT {
                let keep = (CONTEXT - last.len()).min(self.tail.len());
                self.tail.drain(..self.tail.len() - keep);
            } else {
                self.tail.clear();
            }
            self.tail.extend(last);
        }
        self.offset += end as u64;
    }

    pub(crate) fn finish(mut self) -> FileReport {
        self.decoder.finish(&mut self.text);
        self.start_reader();
        // The last line ends with the file: give it its line end, so that it is read like the others (and the
        // last piece of a long line cut just before the end, even when empty, ends its line).
        if (!self.text.is_empty() || self.in_long_line) && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.drain_lines();
        if let Some(mut reader) = self.reader.take() {
            let first_new = self.out.findings.len();
            reader.finish(&mut self.out);
            // Findings on lines a reader held back until the end: the last lines before their own.
            for f in &mut self.out.findings[first_new..] {
                f.context = (self.tail.iter())
                    .filter(|c| c.line < f.line)
                    .cloned()
                    .collect();
            }
        }
        if let Some(at) = self.decoder.switched_at {
            self.out.note(format!(
                "The file changes encoding: from byte {at} on it is 8-bit text, not UTF-16 (lines appended by \
                 another program?). Both parts were read, and lines are numbered across both."
            ));
        }
        if self.long_lines > 0 {
            self.out.note(format!(
                "{} line(s) longer than {} MiB were read in pieces of {} MiB. Log lines are far shorter: this \
                 may not be a text log, or its line breaks are missing.",
                self.long_lines,
                LONG_LINE >> 20,
                LONG_LINE >> 20
            ));
        }
        if self.decoder.replaced > 0 {
            self.out.note(format!(
                "{} byte(s) could not be decoded and show as \u{FFFD}.",
                self.decoder.replaced
            ));
        }
        if self.out.dropped > 0 {
            self.out.note(format!(
                "{} more lines looked relevant; only the first {MAX_FINDINGS} are listed.",
                self.out.dropped
            ));
        }
        let encoding = self
            .decoder
            .encoding()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "utf-8".into());
        let verdict = self.out.verdict.unwrap_or(Verdict::Inconclusive);
        FileReport {
            summary: FileSummary {
                name: self.name,
                format: self.format.id().to_string(),
                encoding,
                bytes: self.decoder.bytes,
                lines: self.line_no,
                verdict,
            },
            out: self.out,
            format: self.format,
            scanned: self.scanned,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search for the KB number finds what checking every position finds, whatever the text's length and
    /// wherever the search starts (the vector loop's blocks and its tail).
    #[test]
    fn find_kb_finds_the_first_match() {
        let pieces = [
            "Task ",
            "KB123456",
            "kb 1234567",
            "xKb123456",
            "kB12345",
            "\n",
            "Package_for_KB5034441 ",
            "k",
            "b",
            "K",
            "B",
            "kbkb ",
            "é",
            "(kb654321)",
        ];
        let mut seed = 0x5EED_u64;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let bytes = text.as_bytes();
            for at in 0..=bytes.len() {
                let by_hand = (at..bytes.len()).find(|&i| facts::kb_at(bytes, i));
                assert_eq!(find_kb(bytes, at), by_hand, "{text:?} from {at}");
                assert_eq!(find_kb_bytes(bytes, at), by_hand, "{text:?} from {at}");
            }
        }
    }
}
