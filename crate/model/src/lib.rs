//! What a diagnosis is: the data every other crate of setup-triage reads or writes, and nothing else.
//!
//! No regex, no I/O, no knowledge: the types, their JSON form (a contract, see README.md), and small pure
//! functions on them.
//!
//! Modules, each using only those listed before it:
//! - [`code`]: error codes as values (HRESULT, Win32, Windows Installer message), and reading one.
//! - [`facts`]: what the input told us about the machine and the update, and the keys the knowledge base
//!   branches on.
//! - [`answers`]: the person's answers, and the questions a diagnosis asks.
//! - [`guide`]: the guide and its steps, as the knowledge base tailors them.
//! - [`lexicon`]: the personal values the redaction patterns found, for redacting where they are not at hand.
//! - [`diagnosis`]: the result: verdict, findings, root cause, notes, files, timeline.

pub mod answers;
pub mod code;
pub mod diagnosis;
pub mod facts;
pub mod guide;
pub mod lexicon;

pub use answers::Answers;
pub use diagnosis::{Confidence, Diagnosis, Finding, Note, Verdict};
pub use facts::Facts;
pub use guide::{Guide, Step};
