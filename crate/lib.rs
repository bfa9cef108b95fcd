//! setup-triage: finds the real cause of a failed Windows update or installation in its logs, and walks the
//! person to a fix.
//!
//! This crate is the front of a workspace whose crates follow the flow (`ARCHITECTURE.md` draws it):
//!
//! - [`model`]: what a diagnosis is (findings, facts, codes, guides). No regex, no I/O.
//! - [`kb`]: the knowledge base, compiled in from TOML: code tables, causes, the decision tree, guides.
//! - [`scan`]: bytes in (in chunks, any size), a diagnosis out: decoding, archives, one reader per format.
//! - [`case`]: the diagnosis as it leaves the person's hands: redaction, share links, forum posts.
//! - The page, for wasm32 only: `crate/messages` (what the page and its worker say), `crate/worker` (the Web
//!   Worker, the only side that links the scanner) and `crate/web` (the Yew page: model, kb and case, no
//!   scanner and no regex).
//! - The binaries in `crate/bin/`: the command line (`setup-triage`) and the log generator of the benchmarks.

pub use case;
pub use kb;
pub use model;
pub use scan;

pub use model::{Answers, Confidence, Diagnosis, Facts, Finding, Guide, Note, Step, Verdict};
pub use scan::{Diagnoser, diagnose_files, diagnose_text};
