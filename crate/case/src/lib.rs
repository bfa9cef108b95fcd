//! A diagnosis as it leaves the person's hands: redacted, as a share link, as a forum post.
//!
//! - [`redact`]: replacing what identifies a person or a machine, by patterns (where the regex engine is at
//!   hand: the CLI and the page's worker) or by a [`Lexicon`](model::lexicon::Lexicon) of the values they
//!   found (the page).
//! - [`share`]: the case (facts, answers, progress, the evidence line), squeezed into a link, and back.
//! - [`export`]: the guide as text, Markdown or BBCode for a forum post.

pub mod export;
pub mod redact;
pub mod share;
