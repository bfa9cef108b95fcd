//! setup-triage: finds the real cause of a failed Windows update or installation in its logs, and walks the
//! person to a fix.
//!
//! The crate is a map of three parts:
//!
//! - [`engine`]: pure Rust, no I/O and no web types. Bytes go in (in chunks, any size), a [`engine::Diagnosis`]
//!   comes out: verdict, findings, root cause, facts, questions and the guide. It builds natively and for wasm32.
//! - `web` (feature `web`): the Yew page. Nothing leaves the page.
//! - `worker` (feature `worker`): the Web Worker that reads and scans files for the page, and its messages.
//! - The binaries in `crate/bin/`: the command line (`setup-triage`) and the few lines that start the page.
//!
//! `ARCHITECTURE.md` at the top of the repository states the flow and the invariants.

pub mod engine;

#[cfg(feature = "web")]
pub mod web;

#[cfg(feature = "worker")]
pub mod worker;
