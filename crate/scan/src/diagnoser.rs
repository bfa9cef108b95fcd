//! The scanner's front door: a [`Diagnoser`] takes the files of a case, each as byte chunks cut anywhere,
//! tells archives and binary files from text by their first bytes, hands text to a `FileScan` per file, and
//! combines the files' reports into one diagnosis, or gives them as parts ([`FilePart`]) that another
//! `Diagnoser`'s caller combines ([`combine_parts`]).

use kb::tree::Answers;
use model::diagnosis::Diagnosis;

use crate::archive::{self, EntrySink};
use crate::combine;
use crate::formats::LogFormat;
use crate::scan::{FilePart, FileReport, FileScan, Search};

/// Diagnoses a case made of one or more files, each fed in chunks.
///
/// A file's first bytes say what it is ([`archive::sniff`]): a zip or a cabinet is held until it ends, then each
/// of its entries is read as a file of its own (`logs.zip/CBS/CBS.log`); a binary trace gets a note; anything
/// else is read as text.
///
/// ```
/// use model::{Answers, Verdict};
/// use setup_triage_scan::Diagnoser;
/// let mut d = Diagnoser::new();
/// d.begin("paste");
/// d.feed(b"Installation Failure: Windows failed to install the following update with error 0x80070643: ");
/// d.feed(b"Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906).");
/// d.end();
/// let diagnosis = d.finish(&Answers::new());
/// assert_eq!(diagnosis.verdict, Verdict::Failed);
/// ```
#[derive(Default)]
pub struct Diagnoser {
    current: Option<FileScan>,
    /// What the current file turned out to be, from its first bytes (see [`archive::sniff`]).
    intake: Intake,
    /// How deep in archives the current file sits (0: a file the caller gave).
    depth: u8,
    /// Bytes unpacked from the archive being read, its nested archives included.
    budget: archive::Budget,
    reports: Vec<FileReport>,
    search: Search,
    /// Bytes of text the scans of the files ended so far went over (see [`Diagnoser::scanned`]).
    scanned: u64,
    /// How many archives nested too deep to unpack the outer archive being read holds, and the first one's
    /// name (one note says so).
    too_deep: (u64, Option<String>),
}

/// The current file, while its first bytes decide what it is.
#[derive(Default)]
enum Intake {
    /// No file open.
    #[default]
    Idle,
    /// The first bytes, until [`archive::SNIFF_LEN`] of them (or the file's end) decide.
    Sniffing { name: String, head: Vec<u8> },
    /// Text: the bytes go to the [`FileScan`] in `current`.
    Text,
    /// A zip or a cabinet, held whole until its end (past [`archive::MAX_ARCHIVE`], only counted).
    Archive {
        name: String,
        kind: archive::Kind,
        data: Vec<u8>,
        bytes: u64,
    },
    /// A binary file: only counted.
    Binary {
        name: String,
        kind: archive::Kind,
        bytes: u64,
    },
}

impl Diagnoser {
    pub fn new() -> Diagnoser {
        Diagnoser::default()
    }

    /// Hands every line to the readers and the facts, ignoring their prefilters: the slow reference that
    /// tests compare the fast path with. The diagnosis must be the same.
    #[doc(hidden)]
    pub fn every_line(mut self) -> Diagnoser {
        self.search = Search::EveryLine;
        self
    }

    /// Finds candidate lines with one search over the text, as the WebAssembly build does by default (see
    /// `Search::OnePass`): for the tests, which compare it with the reference natively.
    #[doc(hidden)]
    pub fn one_pass(mut self) -> Diagnoser {
        self.search = Search::OnePass;
        self
    }

    /// The bytes held for the current file: its first bytes while they decide what it is, or the text scan's
    /// buffers, at most [`MAX_HELD`](crate::scan::MAX_HELD) whatever the input. An archive is held whole up to its own limit
    /// ([`archive::MAX_ARCHIVE`]) and not counted here. For the tests of bounded memory.
    #[doc(hidden)]
    pub fn held(&self) -> usize {
        let head = match &self.intake {
            Intake::Sniffing { head, .. } => head.capacity(),
            _ => 0,
        };
        head + self.current.as_ref().map_or(0, FileScan::held)
    }

    /// Bytes of decoded text the scans went over so far (line ends and candidate searches): the tests check
    /// that it stays within a small multiple of the input, so the time stays linear.
    #[doc(hidden)]
    pub fn scanned(&self) -> u64 {
        self.scanned + self.current.as_ref().map_or(0, |s| s.scanned)
    }

    /// Starts a file. A file still open is ended first.
    pub fn begin(&mut self, name: &str) {
        self.end();
        self.intake = Intake::Sniffing {
            name: name.to_string(),
            head: Vec::new(),
        };
    }

    /// Feeds the next chunk of the current file (starting an unnamed one if none is open).
    pub fn feed(&mut self, chunk: &[u8]) {
        if matches!(self.intake, Intake::Idle) {
            self.begin("input");
        }
        match &mut self.intake {
            Intake::Sniffing { head, .. } => {
                // Only the first bytes are held to decide: a chunk handed over whole (a file of any size)
                // goes on to its reader once they have.
                let take = (archive::SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() >= archive::SNIFF_LEN {
                    self.decide();
                    if take < chunk.len() {
                        self.feed(&chunk[take..]);
                    }
                }
            }
            Intake::Text => {
                if let Some(scan) = self.current.as_mut() {
                    scan.feed(chunk);
                }
            }
            Intake::Archive { data, bytes, .. } => {
                *bytes += chunk.len() as u64;
                if *bytes <= archive::MAX_ARCHIVE as u64 {
                    data.extend_from_slice(chunk);
                } else if !data.is_empty() {
                    *data = Vec::new();
                }
            }
            Intake::Binary { bytes, .. } => *bytes += chunk.len() as u64,
            Intake::Idle => {}
        }
    }

    /// Decides what the current file is from its first bytes.
    fn decide(&mut self) {
        if !matches!(self.intake, Intake::Sniffing { .. }) {
            return;
        }
        let Intake::Sniffing { name, head } = std::mem::take(&mut self.intake) else {
            return;
        };
        self.intake = match archive::sniff(&head) {
            kind @ (archive::Kind::Zip | archive::Kind::Cab) => Intake::Archive {
                name,
                kind,
                bytes: head.len() as u64,
                data: head,
            },
            archive::Kind::Text => {
                let mut scan = FileScan::new(&name);
                if let Some(note) =
                    archive::binary_note(&head[..head.len().min(archive::SNIFF_LEN)])
                {
                    scan.out.note(note);
                }
                scan.search = self.search;
                scan.feed(&head);
                self.current = Some(scan);
                Intake::Text
            }
            kind => Intake::Binary {
                name,
                kind,
                bytes: head.len() as u64,
            },
        };
    }

    /// Ends the current file.
    pub fn end(&mut self) {
        self.decide();
        match std::mem::take(&mut self.intake) {
            Intake::Idle | Intake::Sniffing { .. } => {}
            Intake::Text => {
                if let Some(scan) = self.current.take() {
                    let report = scan.finish();
                    self.scanned += report.scanned;
                    self.reports.push(report);
                }
            }
            Intake::Binary { name, kind, bytes } => {
                let format = match kind {
                    archive::Kind::Etl => LogFormat::EtlTrace,
                    _ => LogFormat::Archive,
                };
                let mut report = FileScan::with_format(&name, format).finish();
                report.summary.bytes = bytes;
                report.summary.encoding = "binary".into();
                if let archive::Kind::Unreadable(note) = kind {
                    report.out.note(note);
                }
                self.reports.push(report);
            }
            Intake::Archive {
                name,
                kind,
                data,
                bytes,
            } => self.unpack(name, kind, data, bytes),
        }
    }

    /// Reads an archive's entries as files of their own; the archive itself gets a report for its notes.
    fn unpack(&mut self, name: String, kind: archive::Kind, data: Vec<u8>, bytes: u64) {
        let mut report = FileScan::with_format(&name, LogFormat::Archive).finish();
        report.summary.bytes = bytes;
        report.summary.encoding = "binary".into();
        let at = self.reports.len();
        self.reports.push(report);
        let notes = if bytes > archive::MAX_ARCHIVE as u64 {
            vec![format!(
                "{name} is larger than {} MiB, so it was not unpacked. Zip only the logs that matter.",
                archive::MAX_ARCHIVE >> 20
            )]
        } else if self.depth >= archive::MAX_DEPTH {
            // Said once for the outer archive, with a count: a nest of 16 zips of 16 zips is one note, not 256.
            self.too_deep.0 += 1;
            self.too_deep.1.get_or_insert_with(|| name.clone());
            Vec::new()
        } else {
            if self.depth == 0 {
                self.budget = archive::Budget::default();
                self.too_deep = (0, None);
            }
            self.depth += 1;
            let mut notes = if kind == archive::Kind::Cab {
                archive::unpack_cab(&name, &data, self)
            } else {
                archive::unpack_zip(&name, &data, self)
            };
            self.depth -= 1;
            if self.depth == 0 {
                match std::mem::take(&mut self.too_deep) {
                    (0, _) | (_, None) => {}
                    (1, Some(first)) => notes.push(format!(
                        "{first} is an archive inside an archive inside an archive; it was not unpacked. Unpack it and drop its logs."
                    )),
                    (n, Some(first)) => notes.push(format!(
                        "{n} archives inside archives inside {name} were not unpacked (the first: {first}). Unpack them and drop their logs."
                    )),
                }
            }
            notes
        };
        if let Some(r) = self.reports.get_mut(at) {
            for n in notes {
                r.out.note(n);
            }
        }
    }

    /// Adds a whole file.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) {
        self.begin(name);
        self.feed(bytes);
        self.end();
    }

    /// The reports of the files ended so far.
    pub fn reports(&self) -> &[FileReport] {
        &self.reports
    }

    /// Combines the files into one diagnosis and walks the knowledge base.
    pub fn finish(self, answers: &Answers) -> Diagnosis {
        combine::combine(self.finish_parts(), Some(answers))
    }

    /// Like [`finish`](Self::finish) but without walking the knowledge base: no questions, an empty guide.
    /// The page's worker uses it, so that it carries only the causes; the page walks the tree with
    /// [`kb::answer`], which gives what `finish` would have.
    pub fn finish_unguided(self) -> Diagnosis {
        combine::combine(self.finish_parts(), None)
    }

    /// Ends the current file and gives what each file gave, in order, for [`combine_parts`]: the page's
    /// workers read different files, and one of them combines.
    pub fn finish_parts(mut self) -> Vec<FilePart> {
        self.end();
        self.reports
            .into_iter()
            .map(FileReport::into_part)
            .collect()
    }
}

/// Combines the parts of several [`Diagnoser`]s, in the files' order, into what
/// [`Diagnoser::finish_unguided`] gives for one that read every file.
pub fn combine_parts(parts: Vec<FilePart>) -> Diagnosis {
    combine::combine(parts, None)
}

impl EntrySink for Diagnoser {
    fn begin_entry(&mut self, name: &str) {
        self.begin(name);
    }

    fn feed_entry(&mut self, chunk: &[u8]) {
        self.feed(chunk);
    }

    fn end_entry(&mut self) {
        self.end();
    }

    fn budget(&mut self) -> &mut archive::Budget {
        &mut self.budget
    }
}
