//! A diagnosis as it leaves the person's hands: redacted, as a share link, as a forum post.
//!
//! Modules, each using only those listed before it:
//! - [`redact`]: replacing what identifies a person or a machine, with the values a finder finds: the
//!   redaction patterns (`patterns`, feature `patterns`: the CLI and the page's worker, which carry the regex
//!   engine anyway) or a [`Lexicon`](model::lexicon::Lexicon) of what they found (the page, which carries no
//!   regex engine: without the feature this crate depends on no regex, and Cargo keeps it so).
//! - `patterns` (feature `patterns`): the redaction patterns, `Redactor::new` and `redact`.
//! - [`share`]: the case (facts, answers, progress, the evidence line), squeezed into a link, and back.
//! - [`export`]: the guide as text, Markdown or BBCode for a forum post.

pub mod export;
#[cfg(feature = "patterns")]
pub mod patterns;
pub mod redact;
pub mod share;
