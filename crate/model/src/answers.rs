//! The person's side of the walk through the knowledge base: the answers they gave, and the questions a
//! diagnosis asks (with the answer taken, and who gave it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Answers the person gave, keyed by fact (`windows = 7`). They override what the logs suggest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    pub fn new() -> Answers {
        Answers::default()
    }

    pub fn set(&mut self, fact: &str, value: &str) {
        self.0.insert(fact.to_string(), value.to_string());
    }

    pub fn get(&self, fact: &str) -> Option<&str> {
        self.0.get(fact).map(String::as_str)
    }
}

/// The value of an "I don't know" answer.
pub const UNKNOWN: &str = "unknown";

/// A question on the path through the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The fact it asks for; `--answer FACT=VALUE` answers it.
    pub fact: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    pub choices: Vec<Choice>,
    /// The value taken: from the facts, from the person, or `unknown` when nobody said.
    pub answer: String,
    pub answered_by: AnsweredBy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnsweredBy {
    /// The logs or the pasted text said.
    Facts,
    /// The person answered.
    Person,
    /// Nobody did: the "I don't know" way was taken. The question is still open.
    Open,
}

/// One answer a question offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}
