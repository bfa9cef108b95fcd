//! The knowledge base: what codes and causes mean, the decision tree, and the guides it leads to.
//!
//! The knowledge is data: `data/*.toml`, which a support writer edits and `setup-triage kb check` checks;
//! `build.rs` compiles it in (as JSON, and the causes as Rust data), so that neither the page nor its worker
//! carries a TOML parser. No regex, no I/O.
//!
//! Modules, each using only those listed before it:
//! - [`cause`]: cause ids as constants the compiler checks (generated from the TOML).
//! - [`codes`]: the tables of error codes and what each means, with its source.
//! - [`tree`]: causes, nodes, guides, steps and sources; the walk from facts and answers to a guide.
//! - [`tree_print`]: the whole knowledge base as text, Graphviz dot or Mermaid, for reviewers.

pub mod cause;
pub mod codes;
pub mod tree;
pub mod tree_print;

pub use cause::CauseId;
pub use tree::{Kb, answer, guide_for};
