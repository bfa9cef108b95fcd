//! The scanner: bytes in (in chunks, any size), a [`model::Diagnosis`] out.
//!
//! No I/O and no web types: callers hand it bytes. Diagnosing never fails and never panics: any input gives a
//! diagnosis, with notes for what was odd. The result does not depend on where the chunks are cut, and memory
//! grows with what was found, not with the size of the file. Every regex is compiled once, without Unicode
//! tables, and runs over bytes.
//!
//! Modules, in the order the data flows, each using only those listed before it:
//! - [`re`]: compiling patterns (on bytes, without Unicode tables).
//! - [`codes`]: finding error codes in text.
//! - [`facts`]: learning facts from lines.
//! - [`read`]: what readers read and write ([`read::Line`], [`read::Output`]).
//! - [`text`]: decoding bytes (UTF-8, UTF-16LE/BE, Windows-1252) into text, chunk by chunk.
//! - [`archive`]: telling a zip, a cabinet, a trace or a binary log from text by its first bytes; unpacking.
//! - [`formats`]: one reader per log format; each turns lines into findings and facts.
//! - [`scan`]: one text file: splitting it into lines, detecting the format, the prefiltered search, feeding
//!   the reader; a `FileReport` out, and the [`FilePart`] of it that combining needs.
//! - `combine`: the verdict and the root cause across files, then the guide.
//! - [`diagnoser`]: the front door, [`Diagnoser`]: the files of a case, archives unpacked, reports combined
//!   (or given as parts, which [`combine_parts`] combines: the page's workers read different files).

pub mod archive;
pub mod codes;
mod combine;
pub mod diagnoser;
pub mod facts;
pub mod formats;
pub mod re;
pub mod read;
pub mod scan;
pub mod text;

pub use diagnoser::{Diagnoser, combine_parts};
pub use scan::FilePart;

use model::{Answers, Diagnosis};

/// Diagnoses one text, as pasted into the page or piped to the CLI.
pub fn diagnose_text(name: &str, text: &str, answers: &Answers) -> Diagnosis {
    let mut d = Diagnoser::new();
    d.add_file(name, text.as_bytes());
    d.finish(answers)
}

/// Diagnoses several files given whole, in order. Large files should go through [`Diagnoser`] in chunks.
pub fn diagnose_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    answers: &Answers,
) -> Diagnosis {
    let mut d = Diagnoser::new();
    for (name, bytes) in files {
        d.add_file(name, bytes);
    }
    d.finish(answers)
}
