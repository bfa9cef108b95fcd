//! The knowledge base and the walk through it.
//!
//! The knowledge base is data: `data/*.toml`, compiled into the program and checked by tests (every reference
//! resolves, no cycles, every node reachable, every leaf a guide, every step cited). It holds:
//! - **causes**: what a finding's codes mean for the decision (`1618` → `another-install`);
//! - **nodes**: the decision tree. A node branches on one fact; a node with a question asks it when no fact
//!   answers it, and every question has an "I don't know" way on (`otherwise`);
//! - **guides**: leaves, each an ordered list of steps, safe ones first;
//! - **steps**: the instructions, with per-Windows variants and `{fact}` placeholders;
//! - **sources**: the KB articles and documentation pages the steps cite.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use model::facts::{self, Fact, Facts};
use model::guide::{Command, Guide, Risk, Script, Shell, Source, SourceKind, Step};

use crate::cause::{self, CauseId};
use crate::codes::{self, Code};

pub use model::answers::{AnsweredBy, Answers, Choice, Question, UNKNOWN};

/// The knowledge base's files, in the order they are read. Each may hold any of the tables.
const KB_FILES: &[(&str, &str)] = &[
    ("sources.toml", include_str!("../data/sources.toml")),
    // Windows Setup: before causes.toml, whose generic `install-failure` stays the last cause (see setup.toml).
    ("setup.toml", include_str!("../data/setup.toml")),
    ("causes.toml", include_str!("../data/causes.toml")),
    ("tree.toml", include_str!("../data/tree.toml")),
    ("steps.toml", include_str!("../data/steps.toml")),
    ("updates.toml", include_str!("../data/updates.toml")),
    ("installer.toml", include_str!("../data/installer.toml")),
    ("programs.toml", include_str!("../data/programs.toml")),
    // What codes mean: scanning's knowledge, which build.rs compiles into Rust data for `codes.rs` and not into
    // JSON (see [`CodeTables`]); read here for checking.
    ("codes.toml", include_str!("../data/codes.toml")),
];

/// The same files compiled to JSON by build.rs (all but codes.toml, which is Rust data): what [`kb`] reads, so that no TOML parser ships in the page.
const KB_COMPILED: &[(&str, &str)] = &[
    (
        "sources.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-sources.json")),
    ),
    (
        "setup.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-setup.json")),
    ),
    (
        "causes.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-causes.json")),
    ),
    (
        "tree.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-tree.json")),
    ),
    (
        "steps.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-steps.json")),
    ),
    (
        "updates.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-updates.json")),
    ),
    (
        "installer.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-installer.json")),
    ),
    (
        "programs.toml",
        include_str!(concat!(env!("OUT_DIR"), "/kb-programs.json")),
    ),
];

/// Every file's causes, gathered by build.rs as Rust data: all the scan needs of the knowledge base (see
/// [`causes`]).
mod compiled_causes {
    include!(concat!(env!("OUT_DIR"), "/kb-causes.rs"));
}

// ---- The data model, as written in data/*.toml ----

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KbFile {
    #[serde(default)]
    source: Vec<SourceDef>,
    #[serde(default)]
    cause: Vec<CauseDef>,
    #[serde(default)]
    node: Vec<NodeDef>,
    #[serde(default)]
    guide: Vec<GuideDef>,
    #[serde(default)]
    step: Vec<StepDef>,
    #[serde(default)]
    code_source: Vec<CodeSourceDef>,
    #[serde(default)]
    facility: Vec<FacilityDef>,
    #[serde(default)]
    hresult: Vec<CodeDef<String>>,
    #[serde(default)]
    win32: Vec<CodeDef<u32>>,
    #[serde(default)]
    message: Vec<CodeDef<u32>>,
    #[serde(default)]
    update_cause: Vec<UpdateCauseDef>,
}

/// Where the meaning of codes comes from (`codes.toml`'s `[[code_source]]`), named by the rows' `source`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSourceDef {
    pub id: String,
    pub text: String,
}

/// An HRESULT facility's number and name (`codes.toml`'s `[[facility]]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityDef {
    pub number: u32,
    pub name: String,
}

/// What one code means (`codes.toml`'s `[[hresult]]`, `[[win32]]` and `[[message]]`). An HRESULT's code is text
/// (`0x80070643`), a Win32 code's or a message's a number.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeDef<C> {
    pub code: C,
    pub name: String,
    pub meaning: String,
    /// A [`CodeSourceDef`]'s id.
    pub source: String,
}

/// The cause a Windows Update or servicing HRESULT names when no cause lists it (`codes.toml`'s
/// `[[update_cause]]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCauseDef {
    /// `0x` and 8 lowercase hex digits.
    pub code: String,
    /// A cause's id.
    pub cause: String,
}

/// The code tables of `codes.toml`, as a writer edits them. The engine reads them as Rust data that build.rs
/// writes (`codes::HRESULTS`, …; the tests check both agree); here they are only checked ([`Kb::validate`]). The
/// compiled knowledge base ([`kb`]) leaves them empty.
#[derive(Clone, Debug, Default)]
pub struct CodeTables {
    pub sources: Vec<CodeSourceDef>,
    pub facilities: Vec<FacilityDef>,
    pub hresults: Vec<CodeDef<String>>,
    pub win32: Vec<CodeDef<u32>>,
    pub messages: Vec<CodeDef<u32>>,
    pub update_causes: Vec<UpdateCauseDef>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub url: String,
    /// Microsoft, archived or third-party; validation wants every source marked.
    #[serde(default)]
    pub kind: SourceKind,
    /// Tools this source says are retired or no longer offered: no step may name them (a test checks).
    #[serde(default)]
    pub retired: Vec<String>,
}

/// A command as the knowledge base writes it: a plain string runs in a Command Prompt without administrator
/// rights; a table says where it runs (`{ run = "...", shell = "powershell", admin = true }`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum CommandDef {
    Plain(String),
    Full {
        run: String,
        #[serde(default)]
        shell: Shell,
        #[serde(default)]
        admin: bool,
    },
}

impl CommandDef {
    pub fn run(&self) -> &str {
        match self {
            CommandDef::Plain(r) | CommandDef::Full { run: r, .. } => r,
        }
    }

    /// The command with its shell and rights, its text filled with the facts.
    pub fn to_command(&self, facts: &Facts) -> Command {
        match self {
            CommandDef::Plain(r) => Command {
                run: fill(r, facts),
                shell: Shell::Cmd,
                admin: false,
            },
            CommandDef::Full { run, shell, admin } => Command {
                run: fill(run, facts),
                shell: *shell,
                admin: *admin,
            },
        }
    }
}

/// A sequence typed line by line into one tool (see [`Script`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptDef {
    pub shell: Shell,
    #[serde(default)]
    pub admin: bool,
    pub text: String,
}

/// A cause the engine can name: the codes and message numbers that point to it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseDef {
    pub id: String,
    pub title: String,
    /// Normalised codes (see `codes`): any of them on the root-cause line names this cause.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The plain-words explanation shown with the evidence.
    #[serde(default)]
    pub explain: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeDef {
    pub id: String,
    /// The fact this node branches on. Absent on leaves.
    #[serde(default)]
    pub fact: String,
    /// Asked when no fact answers; absent for branches the person is never asked about.
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub choice: Vec<ChoiceDef>,
    /// Where to go when the fact is unknown, the answer is "I don't know", or no choice matches.
    #[serde(default)]
    pub otherwise: String,
    /// A leaf: the guide it ends in.
    #[serde(default)]
    pub guide: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceDef {
    /// Fact values that take this way; answering the question with this choice sets the first.
    pub values: Vec<String>,
    #[serde(default)]
    pub label: String,
    pub next: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideDef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub steps: Vec<String>,
}

/// Conditions on facts: each listed fact must have one of the listed values. A fact nobody knows passes,
/// so that a person who could not say which Windows they have still sees the step (with every variant).
pub type Conditions = BTreeMap<String, Vec<String>>;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub commands: Vec<CommandDef>,
    /// A sequence typed line by line into one tool (diskpart): shown, never one copy.
    #[serde(default)]
    pub script: Option<ScriptDef>,
    pub sources: Vec<String>,
    pub risk: Risk,
    #[serde(default)]
    pub undo: String,
    #[serde(default)]
    pub backup: String,
    #[serde(default)]
    pub check: String,
    /// The step applies only when these hold.
    #[serde(default)]
    pub when: Conditions,
    /// The step applies only when one of these holds (each as `when`): for steps that fit, say, Windows XP
    /// for every .NET version but Windows 7 only for the .NET Framework 4.x.
    #[serde(default)]
    pub when_any: Vec<Conditions>,
    /// The step is left out when any of these facts has one of the listed values.
    #[serde(default)]
    pub unless: Conditions,
    /// Alternative bodies and commands, each for some facts (usually Windows versions).
    #[serde(default)]
    pub variant: Vec<VariantDef>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    /// Shown before the variant's body when the facts do not pick one variant ("On Windows XP:").
    pub label: String,
    pub when: Conditions,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub commands: Vec<CommandDef>,
}

/// The whole knowledge base, loaded and indexed.
#[derive(Debug)]
pub struct Kb {
    pub sources: Vec<SourceDef>,
    pub causes: Vec<CauseDef>,
    pub nodes: Vec<NodeDef>,
    pub guides: Vec<GuideDef>,
    pub steps: Vec<StepDef>,
    /// What codes mean (`codes.toml`), when read from TOML.
    pub codes: CodeTables,
    node_index: HashMap<String, usize>,
    guide_index: HashMap<String, usize>,
    step_index: HashMap<String, usize>,
    source_index: HashMap<String, usize>,
}

/// The id of the node every walk starts at.
pub const ROOT: &str = "root";

impl Kb {
    /// Parses knowledge-base files. Errors name the file; tests make sure the built-in one parses.
    #[cfg(feature = "toml")]
    pub fn parse(files: &[(&str, &str)]) -> Result<Kb, String> {
        Kb::read(files, |text| {
            basic_toml::from_str::<KbFile>(text).map_err(|e| e.to_string())
        })
    }

    /// Reads the files as build.rs compiled them (JSON); errors name the file.
    pub fn parse_compiled(files: &[(&str, &str)]) -> Result<Kb, String> {
        Kb::read(files, |text| {
            serde_json::from_str::<KbFile>(text).map_err(|e| e.to_string())
        })
    }

    fn read(
        files: &[(&str, &str)],
        parse: impl Fn(&str) -> Result<KbFile, String>,
    ) -> Result<Kb, String> {
        let mut all = KbFile::default();
        for (name, text) in files {
            let f: KbFile = parse(text).map_err(|e| format!("{name}: {e}"))?;
            all.source.extend(f.source);
            all.cause.extend(f.cause);
            all.node.extend(f.node);
            all.guide.extend(f.guide);
            all.step.extend(f.step);
            all.code_source.extend(f.code_source);
            all.facility.extend(f.facility);
            all.hresult.extend(f.hresult);
            all.win32.extend(f.win32);
            all.message.extend(f.message);
            all.update_cause.extend(f.update_cause);
        }
        let index = |ids: Vec<&String>| {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect()
        };
        Ok(Kb {
            node_index: index(all.node.iter().map(|n| &n.id).collect()),
            guide_index: index(all.guide.iter().map(|n| &n.id).collect()),
            step_index: index(all.step.iter().map(|n| &n.id).collect()),
            source_index: index(all.source.iter().map(|n| &n.id).collect()),
            sources: all.source,
            causes: all.cause,
            nodes: all.node,
            guides: all.guide,
            steps: all.step,
            codes: CodeTables {
                sources: all.code_source,
                facilities: all.facility,
                hresults: all.hresult,
                win32: all.win32,
                messages: all.message,
                update_causes: all.update_cause,
            },
        })
    }

    pub fn node(&self, id: &str) -> Option<&NodeDef> {
        self.node_index.get(id).map(|&i| &self.nodes[i])
    }
    pub fn guide(&self, id: &str) -> Option<&GuideDef> {
        self.guide_index.get(id).map(|&i| &self.guides[i])
    }
    pub fn step(&self, id: &str) -> Option<&StepDef> {
        self.step_index.get(id).map(|&i| &self.steps[i])
    }
    pub fn source(&self, id: &str) -> Option<&SourceDef> {
        self.source_index.get(id).map(|&i| &self.sources[i])
    }
    pub fn cause(&self, id: &str) -> Option<&CauseDef> {
        self.causes.iter().find(|c| c.id == id)
    }

    /// The cause that a set of normalised codes points to: the first cause, in table order, listing one of them.
    pub fn cause_for_codes<'a>(&'a self, codes: &[String]) -> Option<&'a CauseDef> {
        self.causes
            .iter()
            .find(|c| c.codes.iter().any(|k| codes.contains(k)))
    }

    /// Walks from the root to a leaf, answering each node from the answers, then the facts, else taking the
    /// "I don't know" way. Returns the guide's id and the questions met on the way.
    pub fn walk(&self, facts: &Facts, answers: &Answers) -> (String, Vec<Question>) {
        let (guide, questions, _) = self.trace(facts, answers);
        (guide, questions)
    }

    /// As [`Kb::walk`], and also the ids of the nodes passed, root first, leaf last.
    pub fn trace(&self, facts: &Facts, answers: &Answers) -> (String, Vec<Question>, Vec<String>) {
        // Derived facts (`windows_family`) follow the answers: a person who says "Windows 7" moves the family too.
        let mut facts = facts.clone();
        for (k, v) in &answers.0 {
            facts.set_key(k, v.clone());
        }
        facts::derive(&mut facts);
        let facts = &facts;
        let mut questions = Vec::new();
        let mut path = Vec::new();
        let mut id = ROOT.to_string();
        // The tree is checked for cycles by tests; the bound keeps a broken custom tree from hanging the page.
        for _ in 0..self.nodes.len() + 1 {
            let Some(node) = self.node(&id) else { break };
            path.push(id.clone());
            if !node.guide.is_empty() {
                return (node.guide.clone(), questions, path);
            }
            let (value, by) = match (answers.get(&node.fact), facts.get_key(&node.fact)) {
                (Some(v), _) => (v.to_string(), AnsweredBy::Person),
                (None, Some(v)) => (v.to_string(), AnsweredBy::Facts),
                (None, None) => (UNKNOWN.to_string(), AnsweredBy::Open),
            };
            let next = node
                .choice
                .iter()
                .find(|c| c.values.iter().any(|v| v.eq_ignore_ascii_case(&value)))
                .map(|c| c.next.clone())
                .unwrap_or_else(|| node.otherwise.clone());
            if !node.question.is_empty() {
                questions.push(Question {
                    fact: node.fact.clone(),
                    text: node.question.clone(),
                    help: node.help.clone(),
                    choices: node
                        .choice
                        .iter()
                        .map(|c| Choice {
                            value: c.values[0].clone(),
                            label: if c.label.is_empty() {
                                c.values[0].clone()
                            } else {
                                c.label.clone()
                            },
                        })
                        .collect(),
                    answer: value,
                    answered_by: by,
                });
            }
            id = next;
        }
        (FALLBACK_GUIDE.to_string(), questions, path)
    }

    /// Builds the guide with the given id, tailored to the facts.
    pub fn render(&self, guide_id: &str, facts: &Facts) -> Guide {
        let mut derived = facts.clone();
        facts::derive(&mut derived);
        let facts = &derived;
        let Some(def) = self.guide(guide_id) else {
            return Guide {
                id: guide_id.to_string(),
                title: "No guide".into(),
                ..Guide::default()
            };
        };
        let steps = def
            .steps
            .iter()
            .filter_map(|sid| self.step(sid))
            .filter(|s| step_applies(s, facts))
            .map(|s| self.render_step(s, facts))
            .collect();
        Guide {
            id: def.id.clone(),
            title: fill(&def.title, facts),
            intro: fill(&def.intro, facts),
            steps,
        }
    }

    fn render_step(&self, s: &StepDef, facts: &Facts) -> Step {
        let mut body = fill(&s.body, facts);
        let mut details: Vec<Command> = s.commands.iter().map(|c| c.to_command(facts)).collect();
        let chosen: Vec<&VariantDef> = s
            .variant
            .iter()
            .filter(|v| applies(&v.when, facts))
            .collect();
        // A variant whose facts are known is shown as plain text; one that may or may not apply (its facts are
        // unknown) is labelled, so that "On Windows XP: …" never reads as advice for everyone.
        for v in &chosen {
            let vbody = fill(&v.body, facts);
            if !vbody.is_empty() {
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                if !decides(&v.when, facts) {
                    body.push_str(&v.label);
                    body.push_str(": ");
                }
                body.push_str(&vbody);
            }
            // Commands of a variant that may not apply carry its label as a comment line in the shell of its
            // first command (`REM` in a Command Prompt, `#` in PowerShell): pasted, it does nothing, and nobody
            // runs the XP command on Windows 10 by mistake.
            if let Some(first) = v.commands.first().filter(|_| !decides(&v.when, facts)) {
                let first = first.to_command(facts);
                let mark = if first.shell == Shell::Powershell {
                    "#"
                } else {
                    "REM"
                };
                details.push(Command {
                    run: format!("{mark} {}:", v.label),
                    shell: first.shell,
                    admin: first.admin,
                });
            }
            details.extend(v.commands.iter().map(|c| c.to_command(facts)));
        }
        let commands: Vec<String> = details.iter().map(|c| c.run.clone()).collect();
        let script = s.script.as_ref().map(|sc| Script {
            shell: sc.shell,
            admin: sc.admin,
            text: fill(&sc.text, facts),
        });
        let source_links: Vec<Source> = s
            .sources
            .iter()
            .map(|id| match self.source(id) {
                Some(d) => Source {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    url: d.url.clone(),
                    kind: d.kind,
                },
                None => Source {
                    id: id.clone(),
                    title: id.clone(),
                    url: String::new(),
                    kind: SourceKind::Unmarked,
                },
            })
            .collect();
        Step {
            id: s.id.clone(),
            title: fill(&s.title, facts),
            body,
            commands,
            command_details: details,
            script,
            sources: source_links.iter().map(Source::line).collect(),
            source_links,
            risk: s.risk,
            undo: fill(&s.undo, facts),
            backup: fill(&s.backup, facts),
            check: fill(&s.check, facts),
        }
    }
}

/// The guide taken when a walk cannot finish (only a broken knowledge base gets there).
pub const FALLBACK_GUIDE: &str = "unknown-cause";

/// Whether a line is a diskpart command that selects or changes something (`sel disk 0`, `shrink desired=250`,
/// `delete partition override`), wherever it was written.
pub fn is_diskpart_line(line: &str) -> bool {
    let mut words = line.split_whitespace().map(str::to_ascii_lowercase);
    let Some(first) = words.next() else {
        return false;
    };
    let second = words.next().unwrap_or_default();
    match first.as_str() {
        "sel" | "select" => {
            ["disk", "part", "partition", "vol", "volume"].contains(&second.as_str())
        }
        "delete" | "create" => ["partition", "part", "volume", "vol"].contains(&second.as_str()),
        "gpt" => second == "attributes" || second.starts_with("attributes="),
        "shrink" | "extend" | "clean" | "assign" => true,
        "format" => second.starts_with("quick") || second.starts_with("fs="),
        _ => false,
    }
}

/// What is wrong with a diskpart script: a `shrink` or `delete` before both a disk and a partition are selected,
/// a `create` or `clean` before a disk is selected. Lines starting with `rem` are comments. Empty when sound.
pub fn diskpart_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let (mut disk, mut part) = (false, false);
    for line in text.lines() {
        let words: Vec<String> = line
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let Some(first) = words.first() else { continue };
        let second = words.get(1).map(String::as_str).unwrap_or("");
        match first.as_str() {
            "rem" => {}
            "sel" | "select" if second == "disk" => {
                disk = true;
                part = false;
            }
            "sel" | "select" if second == "part" || second == "partition" => {
                if !disk {
                    problems.push(format!(
                        "«{}» selects a partition before a disk",
                        line.trim()
                    ));
                }
                part = true;
            }
            "shrink" | "delete" | "extend" | "format" if !(disk && part) => {
                problems.push(format!(
                    "«{}» runs before a disk and a partition are selected",
                    line.trim()
                ));
            }
            "create" | "clean" | "convert" if !disk => {
                problems.push(format!("«{}» runs before a disk is selected", line.trim()));
            }
            // Deleting the selected partition leaves nothing selected; what comes next must select or create.
            "delete" => part = false,
            // A new partition is selected by diskpart once it is created.
            "create" => part = true,
            _ => {}
        }
    }
    problems
}

/// Whether a step belongs in a guide for these facts: its `when`, one of its `when_any`, and none of `unless`.
pub fn step_applies(s: &StepDef, facts: &Facts) -> bool {
    applies(&s.when, facts)
        && (s.when_any.is_empty() || s.when_any.iter().any(|c| applies(c, facts)))
        && !excluded(&s.unless, facts)
}

fn applies(when: &Conditions, facts: &Facts) -> bool {
    when.iter().all(|(k, vs)| match facts.get_key(k) {
        None => true,
        Some(v) if v == UNKNOWN => true,
        Some(v) => vs.iter().any(|x| x.eq_ignore_ascii_case(v)),
    })
}

fn excluded(unless: &Conditions, facts: &Facts) -> bool {
    unless.iter().any(|(k, vs)| {
        facts
            .get_key(k)
            .is_some_and(|v| vs.iter().any(|x| x.eq_ignore_ascii_case(v)))
    })
}

fn decides(when: &Conditions, facts: &Facts) -> bool {
    when.keys()
        .all(|k| facts.get_key(k).is_some_and(|v| v != UNKNOWN))
}

/// Fills `{fact}` and `{fact|fallback}` placeholders. `{windows_name}` is the Windows version's display name.
/// Unknown facts take the fallback, or a neutral phrase.
pub fn fill(template: &str, facts: &Facts) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close_rel) = rest[open..].find('}') else {
            break;
        };
        let close = open + close_rel;
        let inner = &rest[open + 1..close];
        // Only `{name}` and `{name|text}` with a plain name are placeholders; anything else (a GUID in a
        // command, say) is copied as written.
        let (name, fallback) = match inner.split_once('|') {
            Some((n, f)) => (n, Some(f)),
            None => (inner, None),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            continue;
        }
        out.push_str(&rest[..open]);
        let value = match name {
            "windows_name" => facts
                .get(Fact::Windows)
                .and_then(facts::windows_name)
                .map(str::to_string),
            _ => facts
                .get_key(name)
                .filter(|v| *v != UNKNOWN)
                .map(str::to_string),
        };
        let text = match (value, fallback) {
            (Some(v), _) => v,
            (None, Some(f)) => f.to_string(),
            (None, None) => neutral(name).to_string(),
        };
        rest = &rest[close + 1..];
        // An empty fallback alone in parentheses (`fails ({code|})`) leaves no empty parentheses: a guide must not
        // show a code the input does not have, so its titles name the code only when it is known.
        if text.is_empty() && out.ends_with('(') && rest.starts_with(')') {
            out.pop();
            while out.ends_with(' ') {
                out.pop();
            }
            rest = &rest[1..];
            continue;
        }
        // An empty fallback (`update {kb|} that`) must not leave a double space or a space before punctuation.
        if text.is_empty()
            && out.ends_with(' ')
            && (rest.is_empty() || rest.starts_with([' ', ',', '.', ')', ':']))
        {
            out.pop();
        }
        out.push_str(&text);
    }
    out.push_str(rest);
    out
}

fn neutral(name: &str) -> &'static str {
    match name {
        "kb" => "the update",
        "update_title" => "the update",
        "product_name" => "the program",
        "windows_name" => "your Windows",
        "code" => "the error",
        "action" => "the failing action",
        "custom_action" => "the custom action",
        "log_path" => "the log",
        "dotnet_target" => "the .NET Framework version",
        "dotnet_installed" => "see your list",
        "program" => "the program it ran",
        "hresult" => "the HRESULT on that line",
        "product" => "the product",
        _ => "…",
    }
}

/// Applies the person's answers to a diagnosis: walks the knowledge base again from the same facts. The
/// findings stay.
pub fn answer(d: &mut model::Diagnosis, answers: &Answers) {
    let (questions, guide) = guide_for(&d.facts, answers);
    d.questions = questions;
    d.guide = guide;
}

/// Walks the built-in knowledge base for these facts and answers: the questions met and the tailored guide.
/// Answering a question later only needs this, not a new scan of the logs.
pub fn guide_for(facts: &Facts, answers: &Answers) -> (Vec<Question>, Guide) {
    let kb = kb();
    let (guide_id, questions) = kb.walk(facts, answers);
    let mut tailored = facts.clone();
    for (k, v) in &answers.0 {
        tailored.set_key(k, v.clone());
    }
    (questions, kb.render(&guide_id, &tailored))
}

/// The knowledge base built into the program.
pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    // The built-in files are checked by tests, so a parse error here is a bug caught before release; an empty
    // knowledge base still lets the page show findings.
    KB.get_or_init(|| {
        Kb::parse_compiled(KB_COMPILED).unwrap_or_else(|_| {
            Kb::parse_compiled(&[]).expect("an empty knowledge base always parses")
        })
    })
}

/// The built-in knowledge base's causes, read on their own: scanning needs only these, so the page's worker
/// (which never walks the tree) carries neither the tree, the guides nor the steps.
pub fn causes() -> &'static [CauseDef] {
    static CAUSES: OnceLock<Vec<CauseDef>> = OnceLock::new();
    CAUSES.get_or_init(|| {
        compiled_causes::CAUSES
            .iter()
            .map(|(id, title, codes, explain)| CauseDef {
                id: id.to_string(),
                title: title.to_string(),
                codes: codes.iter().map(|c| c.to_string()).collect(),
                explain: explain.to_string(),
            })
            .collect()
    })
}

/// The first built-in cause any of these codes names (see [`Kb::cause_for_codes`]).
/// [`cause_for_codes`]'s id, as the constant a reader gives its finding.
pub fn cause_id_for_codes(codes: &[String]) -> Option<CauseId> {
    cause_for_codes(codes).and_then(|c| CauseId::named(&c.id))
}

pub fn cause_for_codes(codes: &[String]) -> Option<&'static CauseDef> {
    causes()
        .iter()
        .find(|c| c.codes.iter().any(|k| codes.contains(k)))
}

/// The cause a Windows Update, servicing or Windows Setup finding's codes point to: the knowledge base's
/// specific causes first, then the causes Windows Update codes name ([`codes::UPDATE_CAUSES`], from
/// data/codes.toml).
pub fn servicing_cause_for(codes: &[String]) -> Option<CauseId> {
    let mut all: Vec<String> = codes.to_vec();
    for c in codes {
        if let Some(code) = codes::parse(c) {
            all.extend(code.related().iter().map(Code::normalized));
        }
    }
    if let Some(c) = cause_id_for_codes(&all).filter(|c| *c != cause::INSTALL_FAILURE) {
        return Some(c);
    }
    all.iter().find_map(|c| match codes::parse(c) {
        Some(Code::HResult(h)) => codes::UPDATE_CAUSES
            .iter()
            .find(|(k, _)| *k == h)
            .and_then(|(_, id)| CauseId::named(id)),
        _ => None,
    })
}

/// The built-in knowledge base's files, for validation and for printing.
pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
    KB_FILES
}

/// The fact names of the `{fact}` and `{fact|fallback}` placeholders in a template, as [`fill`] reads them.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close_rel) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close_rel];
        let name = inner.split_once('|').map_or(inner, |(n, _)| n);
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            out.push(name);
            rest = &rest[open + close_rel + 1..];
        } else {
            rest = &rest[open + 1..];
        }
    }
    out
}

impl Kb {
    /// Every text of a step that is filled with facts, with its variants' and its script.
    pub fn step_texts(s: &StepDef) -> Vec<&str> {
        let mut t = vec![
            s.title.as_str(),
            s.body.as_str(),
            s.undo.as_str(),
            s.backup.as_str(),
            s.check.as_str(),
        ];
        t.extend(s.commands.iter().map(CommandDef::run));
        if let Some(sc) = &s.script {
            t.push(sc.text.as_str());
        }
        for v in &s.variant {
            t.push(v.body.as_str());
            t.extend(v.commands.iter().map(CommandDef::run));
        }
        t
    }

    /// Every fact key the knowledge base reads: node facts, conditions, placeholders. Sorted, unique.
    pub fn fact_keys_used(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for n in &self.nodes {
            if !n.fact.is_empty() {
                keys.push(n.fact.clone());
            }
        }
        for s in &self.steps {
            let conds = [&s.when, &s.unless]
                .into_iter()
                .chain(s.when_any.iter())
                .chain(s.variant.iter().map(|v| &v.when));
            for c in conds {
                keys.extend(c.keys().cloned());
            }
            for t in Self::step_texts(s) {
                keys.extend(placeholders(t).into_iter().map(str::to_string));
            }
        }
        for g in &self.guides {
            for t in [&g.title, &g.intro] {
                keys.extend(placeholders(t).into_iter().map(str::to_string));
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Checks the knowledge base's integrity and returns every problem found, one line each (empty when sound):
    /// unique ids; every reference resolves; every non-leaf node has a fact and an "I don't know" way; questions
    /// label their choices; no cycles; every node reachable from the root; every guide reached by a leaf and every
    /// step used; every step cited, with an undo and a check, and a backup when destructive; steps ordered from
    /// safe to destructive within each guide (a last, safe "get help" step excepted); every fact key known.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut dup = |kind: &str, ids: Vec<&String>| {
            let mut seen = std::collections::HashSet::new();
            for id in ids {
                if !seen.insert(id) {
                    problems.push(format!("duplicate {kind} id '{id}'"));
                }
            }
        };
        dup("source", self.sources.iter().map(|x| &x.id).collect());
        dup("cause", self.causes.iter().map(|x| &x.id).collect());
        dup("node", self.nodes.iter().map(|x| &x.id).collect());
        dup("guide", self.guides.iter().map(|x| &x.id).collect());
        dup("step", self.steps.iter().map(|x| &x.id).collect());

        for src in &self.sources {
            if !(src.url.starts_with("https://") || src.url.starts_with("http://")) {
                problems.push(format!("source '{}' has no web address", src.id));
            }
            if src.kind == SourceKind::Unmarked {
                problems.push(format!(
                    "source '{}' is not marked microsoft, archived or third-party",
                    src.id
                ));
            }
        }
        for n in &self.nodes {
            if !n.guide.is_empty() {
                if self.guide(&n.guide).is_none() {
                    problems.push(format!("node '{}' names unknown guide '{}'", n.id, n.guide));
                }
                if !n.fact.is_empty() || !n.choice.is_empty() || !n.otherwise.is_empty() {
                    problems.push(format!("leaf '{}' also branches", n.id));
                }
                continue;
            }
            if n.fact.is_empty() {
                problems.push(format!("node '{}' has neither a fact nor a guide", n.id));
            }
            if n.otherwise.is_empty() {
                problems.push(format!(
                    "node '{}' has no \"I don't know\" way (otherwise)",
                    n.id
                ));
            }
            let targets = n
                .choice
                .iter()
                .map(|c| &c.next)
                .chain(std::iter::once(&n.otherwise));
            for t in targets {
                if !t.is_empty() && self.node(t).is_none() {
                    problems.push(format!("node '{}' leads to unknown node '{t}'", n.id));
                }
            }
            for c in &n.choice {
                if c.values.is_empty() {
                    problems.push(format!("node '{}' has a choice without values", n.id));
                }
                if !n.question.is_empty() && c.label.is_empty() {
                    problems.push(format!("question '{}' has a choice without a label", n.id));
                }
            }
        }
        // Cycles and reachability: a depth-first walk from the root, colouring nodes.
        let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on the stack, 2 = done
        fn visit<'a>(
            kb: &'a Kb,
            id: &'a str,
            state: &mut HashMap<&'a str, u8>,
            problems: &mut Vec<String>,
        ) {
            match state.get(id) {
                Some(1) => {
                    problems.push(format!("cycle through node '{id}'"));
                    return;
                }
                Some(_) => return,
                None => {}
            }
            let Some(n) = kb.node(id) else { return };
            state.insert(id, 1);
            for c in &n.choice {
                visit(kb, &c.next, state, problems);
            }
            if !n.otherwise.is_empty() {
                visit(kb, &n.otherwise, state, problems);
            }
            state.insert(id, 2);
        }
        if self.node(ROOT).is_none() {
            problems.push(format!("no '{ROOT}' node"));
        }
        visit(self, ROOT, &mut state, &mut problems);
        for n in &self.nodes {
            if !state.contains_key(n.id.as_str()) {
                problems.push(format!("node '{}' is not reachable from the root", n.id));
            }
        }
        for g in &self.guides {
            let reached = self
                .nodes
                .iter()
                .any(|n| n.guide == g.id && state.contains_key(n.id.as_str()));
            if !reached {
                problems.push(format!("guide '{}' is not reached by any leaf", g.id));
            }
            if g.steps.is_empty() {
                problems.push(format!("guide '{}' has no steps", g.id));
            }
            let mut last = Risk::Safe;
            for (i, sid) in g.steps.iter().enumerate() {
                let Some(s) = self.step(sid) else {
                    problems.push(format!("guide '{}' names unknown step '{sid}'", g.id));
                    continue;
                };
                // Destructive steps come only after the safer ones. Safe and moderate steps may alternate:
                // Microsoft's own order for a .NET update puts a repair before a safe retry by hand.
                let closing_help = i + 1 == g.steps.len() && s.risk == Risk::Safe;
                if last == Risk::Destructive && s.risk < last && !closing_help {
                    problems.push(format!(
                        "guide '{}': step '{sid}' ({:?}) comes after a riskier step",
                        g.id, s.risk
                    ));
                }
                last = last.max(s.risk);
            }
        }
        for s in &self.steps {
            if !self.guides.iter().any(|g| g.steps.contains(&s.id)) {
                problems.push(format!("step '{}' is in no guide", s.id));
            }
            if s.sources.is_empty() {
                problems.push(format!("step '{}' cites no source", s.id));
            }
            for src in &s.sources {
                if self.source(src).is_none() {
                    problems.push(format!("step '{}' cites unknown source '{src}'", s.id));
                }
            }
            if s.undo.trim().is_empty() {
                problems.push(format!(
                    "step '{}' does not say whether it can be undone",
                    s.id
                ));
            }
            if s.check.trim().is_empty() {
                problems.push(format!(
                    "step '{}' does not say how to check it worked",
                    s.id
                ));
            }
            if s.risk == Risk::Destructive && s.backup.trim().is_empty() {
                problems.push(format!(
                    "destructive step '{}' says nothing to back up",
                    s.id
                ));
            }
            for v in &s.variant {
                if v.when.is_empty() {
                    problems.push(format!("step '{}' has a variant without a condition", s.id));
                }
            }
            // A tool whose lines act on what an earlier line selected is one script, never separate copies.
            let all_commands = s
                .commands
                .iter()
                .chain(s.variant.iter().flat_map(|v| &v.commands));
            for c in all_commands {
                if let CommandDef::Full {
                    shell: Shell::Diskpart,
                    ..
                } = c
                {
                    problems.push(format!(
                        "step '{}' offers the diskpart line «{}» as a command to copy",
                        s.id,
                        c.run()
                    ));
                } else if is_diskpart_line(c.run()) {
                    problems.push(format!(
                        "step '{}' offers «{}» as a command to copy: diskpart lines belong in a script",
                        s.id,
                        c.run()
                    ));
                }
            }
            if let Some(sc) = &s.script {
                if sc.shell == Shell::Diskpart {
                    for p in diskpart_problems(&sc.text) {
                        problems.push(format!("step '{}': {p}", s.id));
                    }
                }
            }
            // A retired tool is never offered: no step text names it.
            let texts = Self::step_texts(s).join("\n").to_lowercase();
            for src in &self.sources {
                for tool in &src.retired {
                    if texts.contains(&tool.to_lowercase()) {
                        problems.push(format!(
                            "step '{}' names '{tool}', which source '{}' marks retired",
                            s.id, src.id
                        ));
                    }
                }
            }
        }
        for key in self.fact_keys_used() {
            if key != "windows_name" && Fact::named(&key).is_none() {
                problems.push(format!(
                    "fact key '{key}' is not a fact the engine knows (model::facts::Fact)"
                ));
            }
        }
        problems.extend(self.code_problems());
        problems
    }

    /// The code tables' problems, in a writer's words: each table sorted by code without repeats (the engine
    /// looks codes up by binary search), HRESULTs written as the logs' normalised form, every row named, its
    /// meaning one sentence that starts with a capital, its source and its cause known.
    fn code_problems(&self) -> Vec<String> {
        let t = &self.codes;
        let mut problems = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for s in &t.sources {
            if !ids.insert(s.id.as_str()) {
                problems.push(format!("duplicate code source id '{}'", s.id));
            }
            if s.text.trim().is_empty() {
                problems.push(format!("code source '{}' has no text", s.id));
            }
        }
        // A code's written form, and its value when the form is right.
        let hresult = |what: &str, code: &str, problems: &mut Vec<String>| -> Option<u32> {
            let value = code
                .strip_prefix("0x")
                .filter(|hex| hex.len() == 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok());
            if value.is_none() || code != code.to_ascii_lowercase() {
                problems.push(format!(
                    "{what} '{code}' is not written as 0x and 8 lowercase hex digits (0x80070643)"
                ));
            }
            value
        };
        let mut order = |table: &str, shown: &dyn Fn(u32) -> String, codes: &[Option<u32>]| {
            let known: Vec<u32> = codes.iter().flatten().copied().collect();
            for w in known.windows(2) {
                if w[0] == w[1] {
                    problems.push(format!("{table} {} is listed twice", shown(w[0])));
                } else if w[0] > w[1] {
                    problems.push(format!(
                        "{table} {} comes after {}: keep the table sorted by code",
                        shown(w[1]),
                        shown(w[0])
                    ));
                }
            }
        };
        let hex = |n: u32| format!("0x{n:08x}");
        let decimal = |n: u32| n.to_string();
        let facilities: Vec<Option<u32>> = t.facilities.iter().map(|f| Some(f.number)).collect();
        order("facility", &decimal, &facilities);
        let mut hresults = Vec::new();
        let mut rows: Vec<(String, &str, &str, &str)> = Vec::new();
        let mut form_problems = Vec::new();
        for r in &t.hresults {
            hresults.push(hresult("hresult", &r.code, &mut form_problems));
            rows.push((
                format!("hresult {}", r.code),
                &r.name,
                &r.meaning,
                &r.source,
            ));
        }
        order("hresult", &hex, &hresults);
        let win32: Vec<Option<u32>> = t.win32.iter().map(|r| Some(r.code)).collect();
        order("win32 code", &decimal, &win32);
        let messages: Vec<Option<u32>> = t.messages.iter().map(|r| Some(r.code)).collect();
        order("message", &decimal, &messages);
        let mut update_causes = Vec::new();
        for u in &t.update_causes {
            update_causes.push(hresult("update_cause", &u.code, &mut form_problems));
            // A reader's cause id is either a cause of its own or one the tree routes as its nearest cause
            // (see tree.toml's head).
            let routed = self
                .nodes
                .iter()
                .any(|n| n.fact == "cause" && n.choice.iter().any(|c| c.values.contains(&u.cause)));
            if self.cause(&u.cause).is_none() && !routed {
                form_problems.push(format!(
                    "update_cause {} names the cause '{}', which no [[cause]] defines and no node on the cause routes",
                    u.code, u.cause
                ));
            }
        }
        order("update_cause", &hex, &update_causes);
        problems.extend(form_problems);
        rows.extend(t.win32.iter().map(|r| {
            (
                format!("win32 code {}", r.code),
                &*r.name,
                &*r.meaning,
                &*r.source,
            )
        }));
        rows.extend(t.messages.iter().map(|r| {
            (
                format!("message {}", r.code),
                &*r.name,
                &*r.meaning,
                &*r.source,
            )
        }));
        for (code, name, meaning, source) in rows {
            if name.trim().is_empty() {
                problems.push(format!("{code} has no name"));
            }
            let sentence = meaning.len() > 10
                && meaning.ends_with('.')
                && !meaning.contains('\n')
                && meaning.starts_with(|c: char| c.is_ascii_uppercase() || c == '.');
            if !sentence {
                problems.push(format!(
                    "{code}'s meaning is not one sentence that starts with a capital and ends with a full stop: {meaning:?}"
                ));
            }
            if !ids.contains(source) {
                problems.push(format!(
                    "{code} names the source '{source}', which no [[code_source]] defines"
                ));
            }
        }
        problems
    }
}
