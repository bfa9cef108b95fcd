//! Compiling patterns: every regex of the scanner (and of the redaction patterns) is compiled here, once,
//! on bytes and without Unicode tables. The bottom of the scanner: it uses no other module.

use regex::bytes::{Regex, RegexBuilder};

/// Compiles a pattern for matching bytes, without Unicode tables (they would triple the page's size).
/// Every pattern in the engine is a constant checked by tests, so a failure here is a bug; it yields a
/// regex that never matches rather than a panic.
pub fn re(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .unwrap_or_else(|e| {
            debug_assert!(false, "bad pattern {pattern}: {e}");
            Regex::new("[^\\x00-\\xFF]").expect("the never-matching pattern compiles")
        })
}

/// Same as [`re`], for a set of patterns tested in one pass.
pub fn re_set(patterns: &[&str]) -> regex::bytes::RegexSet {
    regex::bytes::RegexSetBuilder::new(patterns)
        .unicode(false)
        .build()
        .unwrap_or_else(|e| {
            debug_assert!(false, "bad pattern set: {e}");
            regex::bytes::RegexSet::empty()
        })
}
