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

/// Same as [`re_set`], without the literal prefilter the regex crate would build for the set. A set is only
/// ever asked which of its patterns match somewhere in a text (`matches`, from the text's start), a search that
/// does not use the prefilter; yet building it can cost more than all the set's searches in a run (the code
/// finders' case-insensitive hexadecimal digits, the Windows Installer dialogs' long texts: tens of millions
/// of instructions, several milliseconds at every start). Each pattern is compiled as `(?s:.)*?(?:pattern)`,
/// which matches exactly when the pattern matches somewhere and yields no literal prefix. The loop in every
/// pattern makes each state of the lazy DFA costlier to build, so this pays only for a set whose prefilter is
/// costly to build, or that sees few lines (measured: it doubles the cost of the Windows Update reader's
/// classes).
pub fn re_set_no_prefilter(patterns: &[&str]) -> regex::bytes::RegexSet {
    let looped: Vec<String> = (patterns.iter())
        .map(|p| format!("(?s:.)*?(?:{p})"))
        .collect();
    let looped: Vec<&str> = looped.iter().map(String::as_str).collect();
    regex::bytes::RegexSetBuilder::new(&looped)
        .unicode(false)
        .build()
        .unwrap_or_else(|_| re_set(patterns))
}
