//! The engine: bytes → text → findings → facts → decision tree → guide.
//!
//! Invariants, each kept by tests:
//! - The engine does no I/O and knows nothing of the web; callers hand it bytes.
//! - Diagnosing never fails and never panics: any input gives a [`Diagnosis`], with [`Note`]s for what was odd.
//! - Input arrives in chunks of any size; the result does not depend on where the chunks are cut, and memory
//!   grows with what was found, not with the size of the file.
//! - Every regex is compiled once, without Unicode tables, and runs over bytes.
//!
//! Modules, in the order the data flows:
//! - [`archive`]: telling a zip, a trace or a binary log from text by its first bytes; unpacking zips.
//! - [`text`]: decoding bytes (UTF-8, UTF-16LE/BE, Windows-1252) into text, chunk by chunk.
//! - [`scan`]: splitting the text into lines, detecting the log format, feeding the format readers.
//! - [`formats`]: one reader per log format; each turns lines into [`Finding`]s and facts.
//! - [`codes`]: the table of error codes, and finding codes in text.
//! - [`facts`]: what the input told us about the machine and the update.
//! - [`diagnosis`]: the result types, and choosing the root cause among the findings.
//! - [`tree`]: the knowledge base (a data file compiled in) and the walk that picks a guide.
//! - [`guide`]: the guide and its steps, tailored to the facts.
//! - [`tree_print`]: the whole knowledge base as text, Graphviz dot or Mermaid, for reviewers.

pub mod archive;
pub mod codes;
pub mod diagnosis;
pub mod export;
pub mod facts;
pub mod formats;
pub mod guide;
pub mod redact;
pub mod scan;
pub mod share;
pub mod text;
pub mod tree;
pub mod tree_print;

pub use diagnosis::{Confidence, Diagnosis, Finding, Note, Verdict};
pub use facts::Facts;
pub use guide::{Guide, Step};
pub use scan::Diagnoser;
pub use tree::Answers;

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
