//! The guide: a title and numbered steps, each with its commands and sources, tailored to the facts.

use serde::{Deserialize, Serialize};

/// How much a step can cost if it goes wrong. Guides order their steps from `Safe` to `Destructive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Reads or retries; nothing changes that matters.
    Safe,
    /// Changes settings or repairs files; can be undone or is harmless if it does not help.
    Moderate,
    /// Removes software, edits the registry or the disk layout: can cost data or time.
    Destructive,
}

impl Risk {
    pub fn label(self) -> &'static str {
        match self {
            Risk::Safe => "Safe",
            Risk::Moderate => "Changes settings",
            Risk::Destructive => "Can cost data or time",
        }
    }
}

/// A source a step rests on: a KB article or a documentation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

impl Source {
    /// The one-line form used in the JSON contract's `sources` and in the exports.
    pub fn line(&self) -> String {
        if self.url.is_empty() {
            self.title.clone()
        } else {
            format!("{}: {}", self.title, self.url)
        }
    }
}

/// One step of a guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Stable id from the knowledge base, used for deep links and saved progress.
    pub id: String,
    pub title: String,
    /// Plain words, paragraphs separated by blank lines.
    pub body: String,
    /// Commands to copy, each one line.
    pub commands: Vec<String>,
    /// Each source as one line: "title: url".
    pub sources: Vec<String>,
    /// The same sources, structured.
    pub source_links: Vec<Source>,
    pub risk: Risk,
    /// Whether the step can be undone, and how.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub undo: String,
    /// What to back up or write down first (for risky steps).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub backup: String,
    /// How to tell that the step fixed it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub check: String,
}

/// The guide chosen for a case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    /// Stable id from the knowledge base.
    pub id: String,
    pub title: String,
    /// A short paragraph before the steps: what the problem is, in plain words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intro: String,
    pub steps: Vec<Step>,
}
