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

/// Who stands behind a source, as `sources.toml` marks it (a test checks that every source has one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A current page of Microsoft's (learn.microsoft.com, support.microsoft.com, microsoft.com).
    Microsoft,
    /// An old Microsoft page kept in an archive, for products that old, or an archived copy of one.
    Archived,
    /// Anyone else: a forum, a blog, a script, a press report. Steps say so in their text.
    ThirdParty,
    /// Not marked: only a knowledge base that fails validation has such a source.
    #[default]
    Unmarked,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Microsoft => "Microsoft",
            SourceKind::Archived => "archived",
            SourceKind::ThirdParty => "third-party",
            SourceKind::Unmarked => "unmarked",
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
    /// Microsoft, archived or third-party.
    #[serde(default)]
    pub kind: SourceKind,
}

/// Where a command is run. The exports and the page name it before the command, so that nobody pastes a
/// PowerShell line into a Command Prompt or a diskpart line anywhere at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    /// A Command Prompt (cmd.exe).
    #[default]
    Cmd,
    /// Windows PowerShell.
    Powershell,
    /// diskpart, started from a Command Prompt opened as administrator.
    Diskpart,
    /// The Run box (Windows key + R), or the search box of the Start menu.
    Run,
}

impl Shell {
    /// The place, as a sentence names it: "in a Command Prompt".
    pub fn place(self) -> &'static str {
        match self {
            Shell::Cmd => "a Command Prompt",
            Shell::Powershell => "PowerShell",
            Shell::Diskpart => "diskpart",
            Shell::Run => "the Run box (Windows key + R)",
        }
    }

    /// A short label for a command: "Command Prompt", "PowerShell", "diskpart", "Run box".
    pub fn label(self) -> &'static str {
        match self {
            Shell::Cmd => "Command Prompt",
            Shell::Powershell => "PowerShell",
            Shell::Diskpart => "diskpart",
            Shell::Run => "Run box",
        }
    }
}

/// How one command of [`Step::commands`] is run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// The command itself, the same text as the matching entry of `commands`.
    pub run: String,
    pub shell: Shell,
    /// Whether it needs a prompt opened as administrator ("Run as administrator").
    #[serde(default)]
    pub admin: bool,
}

impl Command {
    /// The sentence the exports and the page put before a group of commands: "In a Command Prompt opened as
    /// administrator:".
    pub fn lead(&self) -> String {
        match (self.shell, self.admin) {
            (Shell::Run, false) => "In the Run box (Windows key + R):".to_string(),
            (Shell::Run, true) => {
                "In the Run box (Windows key + R), as administrator (press Ctrl+Shift+Enter instead of Enter):"
                    .to_string()
            }
            (sh, true) => format!("In {} opened as administrator:", sh.place()),
            (sh, false) => format!("In {}:", sh.place()),
        }
    }

    /// "Command Prompt, as administrator", the label the exports put before a command.
    pub fn where_label(&self) -> String {
        if self.admin {
            format!("{}, as administrator", self.shell.label())
        } else {
            self.shell.label().to_string()
        }
    }
}

/// A sequence typed into one tool (diskpart) line by line, with placeholders the person fills in (disk N,
/// partition M). It is shown, never offered as one copy: its lines act on whatever an earlier line selected,
/// so a wrong number or a skipped line can delete the wrong partition.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub shell: Shell,
    #[serde(default)]
    pub admin: bool,
    /// The lines, one command each; `rem` lines explain.
    pub text: String,
}

impl Script {
    /// "In diskpart, started from a Command Prompt opened as administrator, type one line at a time:".
    pub fn lead(&self) -> String {
        let place = match (self.shell, self.admin) {
            (Shell::Diskpart, _) => {
                "diskpart (start it with the command diskpart in a Command Prompt opened as administrator)"
                    .to_string()
            }
            (sh, true) => format!("{} opened as administrator", sh.place()),
            (sh, false) => sh.place().to_string(),
        };
        format!(
            "Type these lines in {place}, one at a time, with your own numbers in place of the letters; do not paste them all at once:"
        )
    }
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
    /// How each command of `commands` is run, in the same order: its shell and whether it needs an
    /// administrator. The label line of a variant that may not apply (`REM <label>:`, `# <label>:` in PowerShell)
    /// has the shell of the commands it labels.
    #[serde(default)]
    pub command_details: Vec<Command>,
    /// A sequence typed line by line into one tool (diskpart), shown but not offered as one copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Script>,
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

impl Step {
    /// The commands in runs of the same shell and rights, each run with the sentence that says where it goes
    /// ("In a Command Prompt opened as administrator:"). A variant's label line (`REM <label>:`) has the shell of
    /// the commands it labels, so it stays in their run. Without details (a step from an older share link),
    /// every command is a Command Prompt line.
    pub fn command_groups(&self) -> Vec<(String, Vec<String>)> {
        let details: Vec<Command> = if self.command_details.len() == self.commands.len() {
            self.command_details.clone()
        } else {
            self.commands
                .iter()
                .map(|c| Command {
                    run: c.clone(),
                    ..Command::default()
                })
                .collect()
        };
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        let mut last: Option<(Shell, bool)> = None;
        for c in &details {
            let key = (c.shell, c.admin);
            if last != Some(key) {
                let lead = Command {
                    run: String::new(),
                    shell: key.0,
                    admin: key.1,
                }
                .lead();
                groups.push((lead, Vec::new()));
                last = Some(key);
            }
            if let Some(g) = groups.last_mut() {
                g.1.push(c.run.clone());
            }
        }
        groups
    }
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
