//! What the redaction patterns found in a diagnosis: the values and the kind of each. The worker, which has
//! the patterns, fills a [`Lexicon`] in; the page, which has no regex engine, redacts with it by plain
//! substring search (see the `case` crate's `redact` module).

use serde::{Deserialize, Serialize};

/// What a replaced value was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedactionKind {
    UserName,
    ComputerName,
    DomainName,
    Organization,
    Sid,
    Email,
    IpAddress,
    Serial,
}

impl RedactionKind {
    pub const ALL: [RedactionKind; 8] = [
        RedactionKind::UserName,
        RedactionKind::ComputerName,
        RedactionKind::DomainName,
        RedactionKind::Organization,
        RedactionKind::Sid,
        RedactionKind::Email,
        RedactionKind::IpAddress,
        RedactionKind::Serial,
    ];

    /// The token's stem: `USER` gives `USER1`, `USER2`…
    pub fn stem(self) -> &'static str {
        match self {
            RedactionKind::UserName => "USER",
            RedactionKind::ComputerName => "PC",
            RedactionKind::DomainName => "DOMAIN",
            RedactionKind::Organization => "ORG",
            RedactionKind::Sid => "SID",
            RedactionKind::Email => "EMAIL",
            RedactionKind::IpAddress => "IP",
            RedactionKind::Serial => "SERIAL",
        }
    }

    /// Words for people, for the page's preview.
    pub fn label(self) -> &'static str {
        match self {
            RedactionKind::UserName => "user name",
            RedactionKind::ComputerName => "computer name",
            RedactionKind::DomainName => "domain name",
            RedactionKind::Organization => "organisation",
            RedactionKind::Sid => "account SID",
            RedactionKind::Email => "e-mail address",
            RedactionKind::IpAddress => "IP address",
            RedactionKind::Serial => "serial number or product key",
        }
    }

    pub fn index(self) -> usize {
        RedactionKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(0)
    }
}

/// What the patterns found in the texts of a diagnosis, for redacting where the patterns are not at hand
/// (the page; see the module's doc). Empty for a diagnosis that did not come from the worker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lexicon {
    found: Vec<Found>,
}

/// One value the patterns found: `text` is the context the pattern matched and then the value, which starts
/// at byte `at`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Found {
    pub text: String,
    pub at: usize,
    pub kind: RedactionKind,
}

/// Caps a lexicon, so that a hostile input cannot make every redaction on the page slow.
pub const MAX_FOUND: usize = 1024;

impl Lexicon {
    /// A lexicon of these values: sorted, without duplicates, and capped at [`MAX_FOUND`].
    pub fn from_found(mut found: Vec<Found>) -> Lexicon {
        found.sort();
        found.dedup();
        found.truncate(MAX_FOUND);
        Lexicon { found }
    }

    /// The values, sorted.
    pub fn found(&self) -> &[Found] {
        &self.found
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }
}
