//! The knowledge base: its data is sound, every path through the tree ends in a guide that fits the facts on
//! it, and typical cases render as expected (snapshots).

use std::collections::BTreeMap;

use setup_triage::kb::tree::{self, Answers, Kb, UNKNOWN};
use setup_triage::model::guide::{Guide, Risk, SourceKind};
use setup_triage::scan::codes;
use setup_triage::scan::facts::{self, Facts};
use setup_triage::{Verdict, diagnose_text};

fn kb() -> &'static Kb {
    tree::kb()
}

fn facts_of(pairs: &[(&str, &str)]) -> Facts {
    let mut f = Facts::new();
    for (k, v) in pairs {
        f.set_key(k, *v);
    }
    f
}

/// Walks the built-in tree with these facts (no answers) and checks the guide it ends in.
fn check(pairs: &[(&str, &str)], expected_guide: &str) {
    let (guide, _) = kb().walk(&facts_of(pairs), &Answers::new());
    assert_eq!(guide, expected_guide, "facts {pairs:?}");
}

#[test]
fn builtin_files_parse() {
    let parsed = Kb::parse(tree::builtin_files());
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    assert!(!kb().nodes.is_empty());
}

/// The knowledge base the program reads (compiled to JSON by build.rs) is the TOML's, table for table.
#[test]
fn compiled_kb_equals_the_toml() {
    let toml = Kb::parse(tree::builtin_files()).expect("the TOML parses");
    let built = kb();
    assert_eq!(
        format!("{:?}", built.sources),
        format!("{:?}", toml.sources)
    );
    assert_eq!(format!("{:?}", built.causes), format!("{:?}", toml.causes));
    assert_eq!(format!("{:?}", built.nodes), format!("{:?}", toml.nodes));
    assert_eq!(format!("{:?}", built.guides), format!("{:?}", toml.guides));
    assert_eq!(format!("{:?}", built.steps), format!("{:?}", toml.steps));
    assert!(!built.steps.is_empty());
    // The causes the scan reads on their own are the same.
    assert_eq!(
        format!("{:?}", tree::causes()),
        format!("{:?}", toml.causes)
    );
}

#[test]
fn builtin_kb_is_valid() {
    let problems = kb().validate();
    assert!(
        problems.is_empty(),
        "knowledge base problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn validation_catches_broken_data() {
    let broken = r#"
[[node]]
id = "root"
fact = "cause"
otherwise = "a"
[[node.choice]]
values = ["x"]
next = "nowhere"
[[node]]
id = "a"
fact = "product"
question = "Q?"
otherwise = "root"
[[node.choice]]
values = ["y"]
next = "leaf"
[[node]]
id = "leaf"
guide = "g"
[[node]]
id = "orphan"
guide = "g"
[[guide]]
id = "g"
title = "G"
steps = ["risky", "safe-later", "missing", "safe-end"]
[[step]]
id = "risky"
title = "R"
risk = "destructive"
sources = ["nope"]
check = "c"
undo = "u"
body = "{not_a_key}"
[[step]]
id = "safe-later"
title = "S"
risk = "safe"
sources = []
[[step]]
id = "safe-end"
title = "E"
risk = "safe"
sources = ["nope"]
undo = "u"
check = "c"
"#;
    let kb = Kb::parse(&[("broken.toml", broken)]).expect("parses");
    let problems = kb.validate().join("\n");
    for expected in [
        "leads to unknown node 'nowhere'",
        "cycle through node 'root'",
        "question 'a' has a choice without a label",
        "node 'orphan' is not reachable",
        "names unknown step 'missing'",
        "step 'safe-later' (Safe) comes after a riskier step",
        "step 'safe-later' cites no source",
        "cites unknown source 'nope'",
        "destructive step 'risky' says nothing to back up",
        "step 'safe-later' does not say how to check",
        "fact key 'not_a_key' is not a fact the engine knows",
    ] {
        assert!(
            problems.contains(expected),
            "missing «{expected}» in:\n{problems}"
        );
    }
    // The last step may be a safe "get help" step after a risky one.
    assert!(
        !problems.contains("'safe-end' (Safe) comes after"),
        "{problems}"
    );
}

/// The knowledge base as a writer edits it (the TOML, with codes.toml's tables, which the compiled one leaves to
/// Rust data) passes `kb check`'s rules.
#[test]
fn builtin_toml_with_its_code_tables_is_valid() {
    let toml = Kb::parse(tree::builtin_files()).expect("the TOML parses");
    assert!(!toml.codes.hresults.is_empty() && !toml.codes.update_causes.is_empty());
    let problems = toml.validate();
    assert!(problems.is_empty(), "problems:\n{}", problems.join("\n"));
}

/// The code tables the engine reads (written by build.rs) are codes.toml's, row for row.
#[test]
fn compiled_code_tables_equal_the_toml() {
    let toml = Kb::parse(tree::builtin_files()).expect("the TOML parses");
    let t = &toml.codes;
    let source = |id: &str| {
        t.sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    let rows = |table: &[(u32, codes::CodeInfo)]| -> Vec<(u32, String, String, String)> {
        table
            .iter()
            .map(|(n, i)| (*n, i.name.into(), i.meaning.into(), i.source.into()))
            .collect()
    };
    let hresults: Vec<_> = t
        .hresults
        .iter()
        .map(|r| {
            let n = u32::from_str_radix(r.code.trim_start_matches("0x"), 16).expect("hex");
            (n, r.name.clone(), r.meaning.clone(), source(&r.source))
        })
        .collect();
    assert_eq!(rows(codes::HRESULTS), hresults);
    let numbered = |defs: &[tree::CodeDef<u32>]| -> Vec<(u32, String, String, String)> {
        defs.iter()
            .map(|r| (r.code, r.name.clone(), r.meaning.clone(), source(&r.source)))
            .collect()
    };
    assert_eq!(rows(codes::WIN32), numbered(&t.win32));
    assert_eq!(rows(codes::MSI_MESSAGES), numbered(&t.messages));
    let facilities: Vec<(u32, String)> = t
        .facilities
        .iter()
        .map(|f| (f.number, f.name.clone()))
        .collect();
    let compiled: Vec<(u32, String)> = codes::FACILITIES
        .iter()
        .map(|(n, name)| (*n, name.to_string()))
        .collect();
    assert_eq!(compiled, facilities);
    let causes: Vec<(String, String)> = t
        .update_causes
        .iter()
        .map(|u| (u.code.clone(), u.cause.clone()))
        .collect();
    let compiled: Vec<(String, String)> = codes::UPDATE_CAUSES
        .iter()
        .map(|(n, c)| (format!("0x{n:08x}"), c.to_string()))
        .collect();
    assert_eq!(compiled, causes);
}

/// `kb check`'s words for what is wrong in a code table: `codes` is a codes.toml, read with the built-in
/// knowledge base's causes; every line of `expected` must be among the problems.
#[track_caller]
fn check_code_tables(codes: &str, expected: &[&str]) {
    let mut files: Vec<(&str, &str)> = tree::builtin_files()
        .iter()
        .copied()
        .filter(|(name, _)| *name != "codes.toml")
        .collect();
    files.push(("codes.toml", codes));
    let kb = Kb::parse(&files).expect("parses");
    let problems = kb.validate().join("\n");
    for e in expected {
        assert!(problems.contains(e), "missing «{e}» in:\n{problems}");
    }
    if expected.is_empty() {
        assert!(problems.is_empty(), "{problems}");
    }
}

#[test]
fn code_tables_name_a_writers_mistakes() {
    let source = "[[code_source]]\nid = \"winerror\"\ntext = \"winerror.h (mingw-w64)\"\n";
    let row = |table: &str, code: &str, meaning: &str, source: &str| {
        format!(
            "[[{table}]]\ncode = {code}\nname = \"NAME\"\nmeaning = \"{meaning}\"\nsource = \"{source}\"\n"
        )
    };
    let ok = "The operation failed for a reason.";
    check_code_tables(
        &[source, &row("hresult", "\"0x80070005\"", ok, "winerror")].concat(),
        &[],
    );
    check_code_tables(
        &[
            source,
            &row("hresult", "\"0x80070643\"", ok, "winerror"),
            &row("hresult", "\"0x80070005\"", ok, "winerror"),
            &row("hresult", "\"0x80070005\"", ok, "winerror"),
        ]
        .concat(),
        &[
            "hresult 0x80070005 comes after 0x80070643: keep the table sorted by code",
            "hresult 0x80070005 is listed twice",
        ],
    );
    check_code_tables(
        &[
            source,
            &row("hresult", "\"0x8007064\"", ok, "winerror"),
            &row("hresult", "\"0x800F081F\"", ok, "winerror"),
            &row("win32", "1603", "fatal error", "nowhere"),
            &row("message", "1935", ok, "winerror"),
            &row("message", "1935", ok, "winerror"),
        ]
        .concat(),
        &[
            "hresult '0x8007064' is not written as 0x and 8 lowercase hex digits (0x80070643)",
            "hresult '0x800F081F' is not written as 0x and 8 lowercase hex digits (0x80070643)",
            "win32 code 1603's meaning is not one sentence that starts with a capital and ends with a full stop: \"fatal error\"",
            "win32 code 1603 names the source 'nowhere', which no [[code_source]] defines",
            "message 1935 is listed twice",
        ],
    );
    check_code_tables(
        "[[update_cause]]\ncode = \"0x80240009\"\ncause = \"wu-busy\"\n\
         [[update_cause]]\ncode = \"0x80070005\"\ncause = \"no-such-cause\"\n",
        &[
            "update_cause 0x80070005 names the cause 'no-such-cause', which no [[cause]] defines and no node on the cause routes",
            "update_cause 0x80070005 comes after 0x80240009: keep the table sorted by code",
        ],
    );
}

/// Every code the knowledge base mentions (the causes' codes, and the `code`/`hresult` values the tree and the
/// steps branch on) must be normalised and known to the code table, under the kind of code it can be.
#[test]
fn kb_codes_are_in_the_code_table() {
    let mut mentioned: Vec<(String, String)> = Vec::new();
    for cause in &kb().causes {
        mentioned.extend(
            cause
                .codes
                .iter()
                .map(|c| (c.clone(), format!("cause {}", cause.id))),
        );
    }
    for n in &kb().nodes {
        if n.fact == "code" || n.fact == "hresult" {
            for c in n.choice.iter().flat_map(|c| &c.values) {
                mentioned.push((c.clone(), format!("node {}", n.id)));
            }
        }
    }
    for s in &kb().steps {
        let conds = [&s.when, &s.unless]
            .into_iter()
            .chain(s.variant.iter().map(|v| &v.when));
        for c in conds {
            for key in ["code", "hresult"] {
                for v in c.get(key).into_iter().flatten() {
                    mentioned.push((v.clone(), format!("step {}", s.id)));
                }
            }
        }
    }
    let mut unknown = Vec::new();
    for (c, owner) in &mentioned {
        let Some(code) = codes::parse(c) else {
            unknown.push(format!("{c} ({owner}): not a readable code"));
            continue;
        };
        assert_eq!(code.normalized(), *c, "{owner} writes {c} not normalised");
        // A decimal number may be a return code or a message number; an HRESULT_FROM_WIN32 is known when its
        // Win32 code is (that is how `explain` decodes it).
        let known = match code {
            codes::Code::Win32(n) => {
                codes::info(&codes::Code::Win32(n)).is_some()
                    || codes::info(&codes::Code::MsiMessage(n)).is_some()
            }
            other => {
                codes::info(&other).is_some()
                    || other.related().iter().any(|r| codes::info(r).is_some())
            }
        };
        if !known {
            unknown.push(format!("{c} ({owner})"));
        }
    }
    assert!(
        unknown.is_empty(),
        "{} of the {} codes the knowledge base mentions are not yet in codes::info (the codes branch adds them):\n  {}",
        unknown.len(),
        mentioned.len(),
        unknown.join("\n  ")
    );
}

#[test]
fn causes_are_unique_and_generic_last() {
    let ids: Vec<&str> = kb().causes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.last(), Some(&"install-failure"));
    let mut all: Vec<&String> = kb().causes.iter().flat_map(|c| &c.codes).collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(
        all.len(),
        n,
        "a code is listed by two causes: only the first would ever win"
    );
    for id in [
        "another-install",
        "installer-service",
        "safe-mode",
        "restart-pending",
        "temp-permissions",
        "file-permissions",
        "assembly",
        "custom-action",
        "missing-cache",
        "patch-registration",
        "not-applicable",
        "component-store",
        "netfx3-feature",
        "wu-network",
        "access-denied",
        "burn-payload",
        "service-failed",
        "disk-full",
        "no-cause-in-log",
        "etl-undecoded",
        "install-failure",
        "succeeded",
    ] {
        assert!(kb().cause(id).is_some(), "cause {id} missing");
    }
}

#[test]
fn fact_keys_sorted_and_cover_the_kb() {
    let keys: Vec<&str> = facts::Fact::ALL.iter().map(|f| f.key()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);
    for k in kb().fact_keys_used() {
        assert!(k == "windows_name" || keys.contains(&k.as_str()), "{k}");
    }
}

#[test]
fn windows_family_is_derived_in_one_place() {
    for (id, _) in facts::WINDOWS {
        assert!(facts::windows_family(id).is_some(), "{id} has no family");
    }
    let cases = [
        ("xp", "xp-era"),
        ("server2003", "xp-era"),
        ("vista", "vista-era"),
        ("7", "vista-era"),
        ("server2008r2", "vista-era"),
        ("8", "win8-era"),
        ("server2012r2", "win8-era"),
        ("10", "win10-era"),
        ("11", "win10-era"),
        ("server2025", "win10-era"),
    ];
    for (w, fam) in cases {
        let mut f = facts_of(&[("windows", w)]);
        facts::derive(&mut f);
        assert_eq!(f.get(Fact::WindowsFamily), Some(fam), "{w}");
    }
    // A stale family goes when the version is unknown.
    let mut f = facts_of(&[("windows", "unknown"), ("windows_family", "xp-era")]);
    facts::derive(&mut f);
    assert_eq!(f.get(Fact::WindowsFamily), None);
    // An answer moves the family with it: Windows 7 from the logs, 10 from the person → no Cleanup Tool.
    let logs = facts_of(&[
        ("cause", "install-failure"),
        ("product", "dotnet"),
        ("windows", "7"),
    ]);
    let mut answers = Answers::new();
    answers.set("windows", "10");
    let (questions, guide) = tree::guide_for(&logs, &answers);
    assert!(
        !questions.iter().any(|q| q.fact == "dotnet_installed"),
        "{questions:?}"
    );
    assert!(
        !guide
            .steps
            .iter()
            .any(|s| s.id == "dotnet-cleanup-reinstall")
    );
}

#[test]
fn typical_walks() {
    check(&[], "unknown-cause");
    check(&[("cause", "install-failure")], "unknown-cause");
    check(
        &[("cause", "install-failure"), ("product", "dotnet")],
        "dotnet-update",
    );
    check(&[("product", "defender")], "defender-definitions");
    check(&[("product", "office")], "office-update");
    check(
        &[("product", "winre"), ("kb", "KB5034441")],
        "winre-partition",
    );
    check(
        &[("product", "winre"), ("kb", "KB5057589")],
        "winre-false-error",
    );
    check(&[("product", "windows")], "windows-update");
    check(&[("product", "msi")], "msi-update");
    check(&[("cause", "another-install")], "another-install");
    check(
        &[("cause", "assembly"), ("hresult", "0x8002802f")],
        "assembly-mscoree",
    );
    check(
        &[("cause", "assembly"), ("hresult", "0x80131047")],
        "assembly-authoring",
    );
    check(&[("cause", "assembly")], "assembly");
    check(&[("cause", "component-store")], "component-store");
    check(
        &[
            ("cause", "component-store"),
            ("product", "dotnet"),
            ("windows", "10"),
        ],
        "netfx3-feature",
    );
    check(
        &[
            ("cause", "component-store"),
            ("product", "dotnet"),
            ("windows", "7"),
        ],
        "dotnet-update",
    );
    check(&[("cause", "netfx3-feature")], "netfx3-feature");
    check(
        &[("cause", "netfx3-feature"), ("windows", "xp")],
        "dotnet-update",
    );
    check(&[("cause", "no-cause-in-log")], "capture-log");
    check(&[("cause", "succeeded")], "succeeded");
    check(&[("cause", "prerequisite-not-met")], "prerequisite-not-met");
    // Cause ids that readers assign besides causes.toml's.
    check(&[("cause", "wu-busy")], "another-install");
    check(&[("cause", "burn-payload-signature")], "burn-payload");
    check(&[("cause", "burn-payload-certificate")], "burn-certificate");
    check(&[("cause", "burn-payload-missing")], "burn-payload");
    check(
        &[("cause", "source-missing"), ("product", "windows")],
        "component-store",
    );
    check(&[("cause", "servicing-installer")], "component-store");
    check(&[("cause", "winre-partition")], "winre-partition");
    // An id nobody planned for still reaches the product question, not a dead end.
    check(
        &[("cause", "something-new"), ("product", "office")],
        "office-update",
    );
}

// ---- Every path through the tree ----

/// A phrase that belongs to some Windows generations only (menu paths, commands).
const PHRASES: &[(&str, &[&str])] = &[
    ("Add or Remove Programs", &["xp-era"]),
    ("Programs and Features", &["vista-era", "win8-era"]),
    ("Settings > ", &["win10-era"]),
    ("Control Panel > Windows Update", &["vista-era", "win8-era"]),
    ("Review your update history", &["xp-era"]),
    ("msiexec /fpecmsu", &["xp-era"]),
    ("proxycfg", &["xp-era"]),
    ("/FeatureName:NetFx3", &["win8-era", "win10-era"]),
    (
        "DISM.exe /Online /Cleanup-image /Restorehealth",
        &["win8-era", "win10-era"],
    ),
    ("Get-WindowsUpdateLog", &["win10-era"]),
];

/// Steps that remove a .NET Framework, or treat it as a Windows Installer product: never from Windows 8 on,
/// where every .NET version is part of Windows and its updates are Windows updates.
const NOT_ON_WIN8: &[&str] = &["dotnet-cleanup-reinstall", "dotnet-patch-registration"];

fn guide_words(g: &Guide) -> Vec<(String, String)> {
    g.steps
        .iter()
        .map(|s| {
            let mut t = vec![
                s.title.clone(),
                s.body.clone(),
                s.undo.clone(),
                s.backup.clone(),
                s.check.clone(),
            ];
            t.extend(s.commands.iter().cloned());
            (s.id.clone(), t.join("\n"))
        })
        .collect()
}

/// Checks that a rendered guide fits the facts it was rendered for; returns the problems.
fn misfits(g: &Guide, f: &Facts, labels: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if g.steps.is_empty() {
        out.push(format!("guide {} has no step", g.id));
    }
    let mut last = Risk::Safe;
    for (i, s) in g.steps.iter().enumerate() {
        let closing = i + 1 == g.steps.len() && s.risk == Risk::Safe;
        if last == Risk::Destructive && s.risk < last && !closing {
            out.push(format!(
                "{}: step {} is less risky than one before it",
                g.id, s.id
            ));
        }
        last = last.max(s.risk);
    }
    let Some(family) = f.get(Fact::Windows).and_then(facts::windows_family) else {
        return out;
    };
    for (step, text) in guide_words(g) {
        if matches!(family, "win8-era" | "win10-era") && NOT_ON_WIN8.contains(&step.as_str()) {
            out.push(format!("{}: step {step} on {family}", g.id));
        }
        for (phrase, families) in PHRASES {
            if text.contains(phrase) && !families.contains(&family) {
                out.push(format!("{}: step {step} says «{phrase}» on {family}", g.id));
            }
        }
        // The Windows version is known, so no per-Windows variant should show its label.
        for label in labels {
            if text.contains(&format!("{label}: ")) {
                out.push(format!(
                    "{}: step {step} shows the label «{label}» on {family}",
                    g.id
                ));
            }
        }
    }
    out
}

struct Path {
    facts: Facts,
    nodes: Vec<String>,
    guide: String,
}

/// Every path from `id`: each choice's every value, and "unknown", for each node on the way. A derived fact
/// (`windows_family`) is never chosen freely: its node branches on the Windows versions that give it.
fn paths(kb: &Kb, id: &str, f: Facts, nodes: Vec<String>, out: &mut Vec<Path>) {
    let Some(n) = kb.node(id) else {
        panic!("no node {id}")
    };
    let mut nodes = nodes;
    nodes.push(id.to_string());
    if !n.guide.is_empty() {
        out.push(Path {
            facts: f,
            nodes,
            guide: n.guide.clone(),
        });
        return;
    }
    let follow = |value: &str| {
        n.choice
            .iter()
            .find(|c| c.values.iter().any(|v| v.eq_ignore_ascii_case(value)))
            .map_or(n.otherwise.as_str(), |c| c.next.as_str())
    };
    let (key, values): (&str, Vec<String>) = if n.fact == "windows_family" {
        (
            "windows",
            facts::WINDOWS.iter().map(|w| w.0.to_string()).collect(),
        )
    } else {
        (
            n.fact.as_str(),
            n.choice.iter().flat_map(|c| c.values.clone()).collect(),
        )
    };
    if f.get_key(key).is_some() {
        let mut d = f.clone();
        facts::derive(&mut d);
        let v = d.get_key(&n.fact).unwrap_or(UNKNOWN).to_string();
        paths(kb, follow(&v), f, nodes, out);
        return;
    }
    for v in values.iter().map(String::as_str).chain([UNKNOWN]) {
        let mut g = f.clone();
        g.set_key(key, v);
        let mut d = g.clone();
        facts::derive(&mut d);
        let next = follow(d.get_key(&n.fact).unwrap_or(UNKNOWN));
        paths(kb, next, g, nodes.clone(), out);
    }
}

#[test]
fn every_path_ends_in_a_guide_that_fits() {
    let kb = kb();
    let mut all = Vec::new();
    paths(kb, tree::ROOT, Facts::new(), Vec::new(), &mut all);
    let labels: Vec<&str> = kb
        .steps
        .iter()
        .flat_map(|s| &s.variant)
        .filter(|v| v.when.len() == 1 && v.when.contains_key("windows_family"))
        .map(|v| v.label.as_str())
        .collect();
    let mut problems = Vec::new();
    let mut guides_seen = std::collections::BTreeSet::new();
    let mut renders = 0;
    for p in &all {
        // The engine's own walk agrees with the enumeration.
        let (guide, _, trace) = kb.trace(&p.facts, &Answers::new());
        assert_eq!(guide, p.guide, "facts {:?}", p.facts);
        assert_eq!(trace, p.nodes, "facts {:?}", p.facts);
        guides_seen.insert(guide.clone());
        // Facts the path did not ask about may still come from logs: the guide must fit any Windows version
        // that leads the same way.
        let windows: Vec<&str> = if p.facts.get(Fact::Windows).is_some() {
            vec![p.facts.get(Fact::Windows).unwrap_or(UNKNOWN)]
        } else {
            facts::WINDOWS
                .iter()
                .map(|w| w.0)
                .chain([UNKNOWN])
                .collect()
        };
        for w in windows {
            let mut f = p.facts.clone();
            f.set(Fact::Windows, w);
            if kb.walk(&f, &Answers::new()).0 != p.guide {
                continue;
            }
            let g = kb.render(&p.guide, &f);
            renders += 1;
            problems.extend(
                misfits(&g, &f, &labels)
                    .into_iter()
                    .map(|m| format!("{m} (path {})", p.nodes.join(" > "))),
            );
        }
    }
    println!("walked {} paths, rendered {renders} guides", all.len());
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} misfits:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let unseen: Vec<&str> = kb
        .guides
        .iter()
        .map(|g| g.id.as_str())
        .filter(|g| !guides_seen.contains(*g))
        .collect();
    assert!(unseen.is_empty(), "guides no path reaches: {unseen:?}");
}

#[test]
fn unknown_answers_still_lead_somewhere_useful() {
    // Nobody knows anything: the fallback guide, which says how to find out.
    let (questions, guide) = tree::guide_for(&Facts::new(), &Answers::new());
    assert_eq!(guide.id, "unknown-cause");
    assert!(guide.steps.len() >= 3);
    assert!(
        questions
            .iter()
            .all(|q| q.answered_by == tree::AnsweredBy::Open)
    );
    // .NET with every question unanswered still gets the full .NET guide, with every variant labelled.
    let (_, g) = tree::guide_for(&facts_of(&[("product", "dotnet")]), &Answers::new());
    assert_eq!(g.id, "dotnet-update");
    let repair = g
        .steps
        .iter()
        .find(|s| s.id == "dotnet-repair")
        .expect("repair step");
    assert!(
        repair.body.contains("On Windows XP and Server 2003: "),
        "{}",
        repair.body
    );
    assert!(
        repair.body.contains("On Windows 8 and later: "),
        "{}",
        repair.body
    );
}

#[test]
fn questions_only_where_no_fact_answers() {
    let f = facts_of(&[
        ("cause", "install-failure"),
        ("product", "dotnet"),
        ("windows", "10"),
        ("dotnet_target", "4"),
    ]);
    let (questions, _) = tree::guide_for(&f, &Answers::new());
    assert!(
        questions
            .iter()
            .all(|q| q.answered_by == tree::AnsweredBy::Facts),
        "{questions:?}"
    );
    // Windows 10: which .NET versions are installed does not matter, so it is not asked.
    assert!(!questions.iter().any(|q| q.fact == "dotnet_installed"));
    let f = facts_of(&[
        ("cause", "install-failure"),
        ("product", "dotnet"),
        ("windows", "xp"),
    ]);
    let (questions, _) = tree::guide_for(&f, &Answers::new());
    let open: Vec<&str> = questions
        .iter()
        .filter(|q| q.answered_by == tree::AnsweredBy::Open)
        .map(|q| q.fact.as_str())
        .collect();
    assert_eq!(open, ["dotnet_target", "dotnet_installed"]);
}

// ---- Snapshots of typical guides ----

fn guide_snapshot(g: &Guide) -> String {
    let mut s = format!("# {} [{}]\n\n{}\n", g.title, g.id, g.intro);
    for (i, st) in g.steps.iter().enumerate() {
        s.push_str(&format!(
            "\n## {}. {} ({:?})\n{}\n",
            i + 1,
            st.title,
            st.risk,
            st.body
        ));
        for (i, c) in st.commands.iter().enumerate() {
            let place = st
                .command_details
                .get(i)
                .map_or_else(|| "?".to_string(), |d| d.where_label());
            s.push_str(&format!("    > [{place}] {c}\n"));
        }
        if let Some(script) = &st.script {
            s.push_str(&format!("    {}\n", script.lead()));
            for line in script.text.lines() {
                s.push_str(&format!("    | {line}\n"));
            }
        }
        for (k, v) in [
            ("backup", &st.backup),
            ("undo", &st.undo),
            ("check", &st.check),
        ] {
            if !v.is_empty() {
                s.push_str(&format!("{k}: {v}\n"));
            }
        }
        s.push_str(&format!(
            "sources: {}\n",
            st.source_links
                .iter()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

fn snapshot_case(name: &str, pairs: &[(&str, &str)]) {
    let f = facts_of(pairs);
    let (_, g) = tree::guide_for(&f, &Answers::new());
    insta::assert_snapshot!(name, guide_snapshot(&g));
}

#[test]
fn snapshots_of_typical_guides() {
    let cases: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::from([
        (
            "dotnet_xp_35",
            vec![
                ("cause", "install-failure"),
                ("product", "dotnet"),
                ("windows", "xp"),
                ("dotnet_target", "3.5"),
                ("kb", "KB979906"),
            ],
        ),
        (
            "dotnet_win7_4",
            vec![
                ("cause", "install-failure"),
                ("product", "dotnet"),
                ("windows", "7"),
                ("dotnet_target", "4"),
                ("kb", "KB4556399"),
            ],
        ),
        (
            "dotnet_win10",
            vec![
                ("cause", "install-failure"),
                ("product", "dotnet"),
                ("windows", "10"),
                ("dotnet_target", "4"),
                ("kb", "KB5011048"),
            ],
        ),
        (
            "netfx3_0x800f0906_server2012r2",
            vec![
                ("cause", "netfx3-feature"),
                ("windows", "server2012r2"),
                ("code", "0x800f0906"),
            ],
        ),
        (
            "defender",
            vec![
                ("cause", "install-failure"),
                ("product", "defender"),
                ("kb", "KB2267602"),
                ("code", "0x80070643"),
                ("windows", "11"),
            ],
        ),
        (
            "winre_kb5034441",
            vec![
                ("cause", "install-failure"),
                ("product", "winre"),
                ("kb", "KB5034441"),
                ("windows", "10"),
            ],
        ),
        (
            "another_install_msi",
            vec![
                ("cause", "another-install"),
                ("code", "1618"),
                ("product_name", "Contoso Agent"),
            ],
        ),
        (
            "assembly_mscoree_win7",
            vec![
                ("cause", "assembly"),
                ("hresult", "0x8002802f"),
                ("windows", "7"),
                ("dotnet_target", "4"),
            ],
        ),
        (
            "custom_action",
            vec![
                ("cause", "custom-action"),
                ("code", "1722"),
                ("custom_action", "RegisterDriver"),
                ("program", "drvinst.exe"),
                ("log_path", "C:\\Users\\me\\Desktop\\install.log"),
            ],
        ),
        (
            "wu_network_proxy_win7",
            vec![
                ("cause", "wu-network"),
                ("code", "0x8024401b"),
                ("windows", "7"),
            ],
        ),
        ("unknown_nothing_known", vec![]),
        // The six cases of the review in issue 20, with the four above (Defender, KB5034441, custom action,
        // .NET 3.5 on Server 2012 R2): each must be a guide a support engineer would hand to a customer.
        (
            "dotnet_win7_351",
            vec![
                ("cause", "install-failure"),
                ("product", "dotnet"),
                ("windows", "7"),
                ("dotnet_target", "3.5"),
                ("kb", "KB2894844"),
            ],
        ),
        (
            "windows_update_win10",
            vec![
                ("cause", "install-failure"),
                ("product", "windows"),
                ("windows", "10"),
                ("kb", "KB5046613"),
                ("code", "0x80070643"),
            ],
        ),
        (
            "netfx3_0x800f081f_win10",
            vec![
                ("cause", "netfx3-feature"),
                ("windows", "10"),
                ("code", "0x800f081f"),
            ],
        ),
        (
            "windows_update_win11",
            vec![
                ("cause", "install-failure"),
                ("product", "windows"),
                ("windows", "11"),
            ],
        ),
    ]);
    for (name, pairs) in &cases {
        snapshot_case(name, pairs);
    }
}

// ---- End to end: pasted text and logs reach the right guide ----

fn e2e(name: &str, text: &str) -> setup_triage::Diagnosis {
    diagnose_text(name, text, &Answers::new())
}

#[test]
fn pasted_dotnet_update_error() {
    let d = e2e(
        "paste",
        "Security Update for Microsoft .NET Framework 4.8 for Windows 7 (KB4556399) failed: Error 0x80070643",
    );
    assert_eq!(d.verdict, Verdict::Failed);
    assert_eq!(d.guide.id, "dotnet-update");
    assert!(d.guide.title.contains("KB4556399"), "{}", d.guide.title);
}

#[test]
fn pasted_defender_definition_update_error() {
    let d = e2e(
        "paste",
        "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.403.1234.0) - Error 0x80070643",
    );
    assert_eq!(d.guide.id, "defender-definitions", "{:?}", d.facts);
}

#[test]
fn pasted_kb5034441_error() {
    let d = e2e(
        "paste",
        "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441) - Error 0x80070643",
    );
    assert_eq!(d.guide.id, "winre-partition", "{:?}", d.facts);
    assert!(d.guide.steps.iter().any(|s| s.id == "winre-leave-it"));
}

#[test]
fn pasted_dism_netfx3_0x800f081f() {
    let d = e2e(
        "paste",
        "C:\\Windows\\system32>DISM /Online /Enable-Feature /FeatureName:NetFx3 /All\nError: 0x800f081f\nThe source files could not be found.",
    );
    assert_eq!(d.guide.id, "netfx3-feature", "{:?} {:?}", d.facts, d.codes);
}

/// A small verbose MSI log of our own: header, the failing action with `cause_line` just before its
/// `Return value 3`, and the client-side tail.
fn msi_log(cause_line: &str, action: &str, code: u32) -> String {
    format!(
        "=== Verbose logging started: 5/14/2024  10:02:11  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
MSI (c) (3C:20) [10:02:11:120]: Resetting cached policy values\n\
MSI (s) (A4:B8) [10:02:12:001]: Product: Contoso Agent -- Installation started.\n\
Action start 10:02:13: {action}.\n\
MSI (s) (A4:B8) [10:02:14:310]: {cause_line}\n\
Action ended 10:02:14: {action}. Return value 3.\n\
Action ended 10:02:14: INSTALL. Return value 3.\n\
MSI (s) (A4:B8) [10:02:15:000]: Product: Contoso Agent -- Installation operation failed.\n\
MSI (s) (A4:B8) [10:02:15:000]: Windows Installer installed the product. Product Name: Contoso Agent. Product Version: 2.1.0. Product Language: 1033. Manufacturer: Contoso. Installation success or error status: {code}.\n\
MSI (c) (3C:20) [10:02:15:100]: MainEngineThread is returning {code}\n\
=== Verbose logging stopped: 5/14/2024  10:02:15 ===\n"
    )
}

#[test]
fn msi_log_with_1618_takes_the_another_install_guide() {
    let log = msi_log(
        "Product: Contoso Agent -- Error 1500. Another installation is in progress. You must complete that installation before continuing this one.",
        "InstallValidate",
        1618,
    );
    let d = e2e("install.log", &log);
    assert_eq!(d.verdict, Verdict::Failed);
    assert_eq!(
        d.guide.id, "another-install",
        "{:?} {:?}",
        d.facts, d.root_cause
    );
}

#[test]
fn msi_log_with_1935_takes_the_assembly_guide_for_its_hresult() {
    let log = msi_log(
        "Product: Contoso Agent -- Error 1935. An error occurred during the installation of assembly component {22D75DAD-658C-3109-91F7-4CB1A0729109}. HRESULT: 0x8002802F. assembly interface: IAssemblyCacheItem, function: Commit, assembly name: Contoso.Core,version=\"2.1.0.0\",culture=\"neutral\",publicKeyToken=\"0123456789ABCDEF\"",
        "InstallFinalize",
        1603,
    );
    let d = e2e("install.log", &log);
    assert_eq!(d.verdict, Verdict::Failed);
    assert_eq!(
        d.facts.get(Fact::Cause),
        Some("assembly"),
        "{:?}",
        d.root_cause
    );
    assert_eq!(
        d.facts.get(Fact::Hresult),
        Some("0x8002802f"),
        "{:?}",
        d.root_cause
    );
    assert_eq!(d.guide.id, "assembly-mscoree");
}

// ---- The printed tree (setup-triage tree) ----

#[test]
fn printed_tree_shows_every_node_guide_and_step() {
    let kb = kb();
    let text = setup_triage::kb::tree_print::text(kb);
    for n in &kb.nodes {
        if n.guide.is_empty() {
            assert!(
                text.contains(&format!("{}: ", n.id)),
                "node {} missing",
                n.id
            );
        }
    }
    for g in &kb.guides {
        assert!(
            text.contains(&format!("== {}: ", g.id)),
            "guide {} missing",
            g.id
        );
        for s in &g.steps {
            assert!(text.contains(&format!("] {s}: ")), "step {s} missing");
        }
    }
    assert!(text.contains("otherwise (unknown, \"I don't know\")"));

    let dot = setup_triage::kb::tree_print::dot(kb);
    assert!(dot.starts_with("digraph") && dot.trim_end().ends_with('}'));
    for n in &kb.nodes {
        assert!(
            dot.contains(&format!("\n  \"{}\" [shape=", n.id)),
            "dot lacks node {}",
            n.id
        );
    }
    let edges = dot.lines().filter(|l| l.contains(" -> ")).count();
    let expected: usize = kb
        .nodes
        .iter()
        .map(|n| n.choice.len() + usize::from(!n.otherwise.is_empty()))
        .sum();
    assert_eq!(edges, expected);

    let mermaid = setup_triage::kb::tree_print::mermaid(kb);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(!mermaid.contains("| missing"), "an edge leads nowhere");
    // Every node is defined once, and every edge ends at a defined node.
    for i in 0..kb.nodes.len() {
        let defined = mermaid
            .lines()
            .filter(|l| {
                l.trim_start().starts_with(&format!("n{i}["))
                    || l.trim_start().starts_with(&format!("n{i}("))
            })
            .count();
        assert_eq!(defined, 1, "n{i}");
    }
}

#[test]
fn other_msi_products_are_derived() {
    let mut f = facts_of(&[("product_name", "Contoso Agent")]);
    facts::derive(&mut f);
    assert_eq!(f.get(Fact::Product), Some("msi"));
    let mut f = facts_of(&[
        ("product_name", "Microsoft .NET Framework 4.8"),
        ("product", "dotnet"),
    ]);
    facts::derive(&mut f);
    assert_eq!(f.get(Fact::Product), Some("dotnet"));
    check(
        &[
            ("cause", "install-failure"),
            ("product_name", "Contoso Agent"),
        ],
        "msi-update",
    );
}

#[test]
fn fill_names_the_facts_or_falls_back() {
    let f = facts_of(&[("kb", "KB979906"), ("windows", "7"), ("code", "unknown")]);
    let none = Facts::new();
    for (template, facts, expected) in [
        (
            "Install {kb|the update} again",
            &f,
            "Install KB979906 again",
        ),
        (
            "Install {kb|the update} again",
            &none,
            "Install the update again",
        ),
        (
            "Fix the update {kb|} that fails",
            &none,
            "Fix the update that fails",
        ),
        ("Fix the update {kb|}.", &none, "Fix the update."),
        // A code only when the input has one: no empty parentheses otherwise.
        ("The disk is full ({code|})", &none, "The disk is full"),
        (
            "The disk is full ({code|}) now",
            &none,
            "The disk is full now",
        ),
        ("Fix {kb|the update} ({kb|})", &f, "Fix KB979906 (KB979906)"),
        ("On {windows_name}", &f, "On Windows 7"),
        ("On {windows_name}", &none, "On your Windows"),
        // A fact known to be unknown takes the fallback too.
        ("Error {code|0x80070643}", &f, "Error 0x80070643"),
        // Braces that are not placeholders stay as written (a GUID in a command).
        (
            "msiexec /x {C09FB3CD-3D0C-3F2D-899A-6A1D67F2073F}",
            &none,
            "msiexec /x {C09FB3CD-3D0C-3F2D-899A-6A1D67F2073F}",
        ),
        ("unclosed {kb", &f, "unclosed {kb"),
    ] {
        assert_eq!(tree::fill(template, facts), expected, "{template}");
    }
    assert_eq!(
        tree::placeholders("A {kb|x} {C09F-1} {windows_name} {custom_action}"),
        ["kb", "windows_name", "custom_action"]
    );
}

// ---- The real logs of the shared corpus (read at run time, never copied) ----

use super::corpus::corpus_dir;
use setup_triage::model::facts::Fact;

/// Real logs whose cause the manifest states reach the guide for that cause.
#[test]
fn corpus_logs_reach_the_guide_for_their_cause() {
    let Some(dir) = corpus_dir() else {
        super::corpus::skipped("corpus_logs_reach_the_guide_for_their_cause");
        return;
    };
    let cases = [
        (
            "pasted/issue_nbfc_621_burn_0x80070652_retry_loop.log",
            "another-install",
        ),
        (
            "pasted/issue_ansible_14386_choco_dism_netfx3_0x800f0906_flattened.log",
            "netfx3-feature",
        ),
        (
            "pasted/issue_wingetpkgs_57692_box_err1935_assembly_sandbox_truncated.log",
            "assembly",
        ),
        (
            "pasted/issue_wingetpkgs_373522_manualvalidation_err1722_ps1_exit1.log",
            "custom-action",
        ),
        (
            "pasted/md_sergueik_wix_vscode_deferred_ca_err1721.log",
            "custom-action",
        ),
        (
            "msi/merlinsip_err1925_privileges_utf16_1603.log",
            "needs-admin",
        ),
        (
            "msi/pycapture2_err1310_write_C_root_utf8_converted_1603.log",
            "file-permissions",
        ),
        (
            "msi/awsokta_v0.27.22_nonverbose_utf16_1603.log",
            "capture-log",
        ),
        (
            "dotnet/netfx35_xp_dd_dotnetfx35install_1603.log",
            "dotnet-setup-log",
        ),
        ("msi/pycapture2_admin_success_utf16.log", "succeeded"),
    ];
    let mut wrong = Vec::new();
    for (file, guide) in cases {
        let Ok(bytes) = std::fs::read(dir.join(file)) else {
            println!("skipped {file}: not in this corpus");
            continue;
        };
        let d = setup_triage::diagnose_files([(file, bytes.as_slice())], &Answers::new());
        if d.guide.id != guide {
            wrong.push(format!(
                "{file}: {} (expected {guide}; cause {:?})",
                d.guide.id,
                d.facts.get(Fact::Cause)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The page's worker finishes without the tree and the page walks it: together they give what `finish` does.
#[test]
fn unguided_finish_then_answer_equals_finish() {
    use setup_triage::Diagnoser;
    let inputs = [
        ("paste", "Error 0x80070643".to_string()),
        ("MSI1935.LOG", include_str!("../fixtures/msi-1935.log").to_string()),
        (
            "paste",
            "Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with error 0x643".to_string(),
        ),
    ];
    for (name, text) in inputs {
        let run = || {
            let mut d = Diagnoser::new();
            d.add_file(name, text.as_bytes());
            d
        };
        let whole = run().finish(&Answers::new());
        let mut split = run().finish_unguided();
        assert!(
            split.guide.steps.is_empty(),
            "{name}: no guide without the tree"
        );
        kb::answer(&mut split, &Answers::new());
        assert_eq!(split, whole, "{name}");
        assert!(!whole.guide.steps.is_empty(), "{name}");
    }
}

// ---- Checks from the review of issue 20: each catches a class of advice no engineer would sign ----

/// A diskpart script selects a disk and a partition before it shrinks or deletes one, and a disk before it
/// creates one; the knowledge base's scripts pass, and scripts that skip a selection are caught.
#[test]
fn diskpart_scripts_select_before_they_change_anything() {
    use setup_triage::model::guide::Shell;
    let scripts: Vec<(&str, &str)> = kb()
        .steps
        .iter()
        .filter_map(|s| s.script.as_ref().map(|sc| (s.id.as_str(), sc)))
        .filter(|(_, sc)| sc.shell == Shell::Diskpart)
        .map(|(id, sc)| (id, sc.text.as_str()))
        .collect();
    assert!(
        scripts.iter().any(|(id, _)| *id == "winre-resize"),
        "the WinRE resize must be a diskpart script: {scripts:?}"
    );
    for (id, text) in &scripts {
        assert_eq!(tree::diskpart_problems(text), Vec::<String>::new(), "{id}");
        // The MBR branch is there, as a line to type instead of the GPT ones.
        if *id == "winre-resize" {
            assert!(text.contains("id=27"), "{text}");
            assert!(text.contains("select disk N"), "{text}");
        }
    }
    // What the issue found: the copyable list ran shrink and delete against whatever was selected.
    let bad = [
        "shrink desired=250 minimum=250\ndelete partition override",
        "select disk 0\nshrink desired=250 minimum=250",
        "select disk 0\nselect partition 3\ndelete partition override\ndelete partition override",
        "create partition primary id=27",
    ];
    for text in bad {
        assert!(
            !tree::diskpart_problems(text).is_empty(),
            "not caught: {text}"
        );
    }
    // Comments are not commands, and a created partition is selected.
    let good = "rem shrink first\nselect disk 0\nselect partition 3\ndelete partition override\ncreate partition primary\nformat quick fs=ntfs";
    assert_eq!(tree::diskpart_problems(good), Vec::<String>::new());
}

/// No diskpart line is ever a separate command to copy: copied in the wrong order, or alone, it acts on
/// whatever happens to be selected.
#[test]
fn no_diskpart_line_is_a_command_to_copy() {
    for s in &kb().steps {
        let commands = s
            .commands
            .iter()
            .chain(s.variant.iter().flat_map(|v| &v.commands));
        for c in commands {
            assert!(
                !tree::is_diskpart_line(c.run()),
                "step {} offers «{}» to copy",
                s.id,
                c.run()
            );
        }
    }
    assert!(tree::is_diskpart_line("sel disk 0"));
    assert!(tree::is_diskpart_line("delete partition override"));
    assert!(tree::is_diskpart_line("shrink desired=250 minimum=250"));
    assert!(!tree::is_diskpart_line("reagentc /info"));
    assert!(!tree::is_diskpart_line("diskpart"));
}

/// From Windows Vista on, the .NET Framework that comes with Windows is updated by Windows packages, not
/// Windows Installer patches: no guide for it offers the repair of Windows Installer's patch registration
/// (KB971187). Where it does apply (XP, and a separately installed 4.x on Windows 7), it is offered.
#[test]
fn no_msi_patch_registration_for_the_dotnet_built_into_windows() {
    let builtin = |family: &str| -> &'static [&'static str] {
        match family {
            "vista-era" => &["2.0", "3.0", "3.5"],
            "win8-era" | "win10-era" => &["2.0", "3.0", "3.5", "4"],
            _ => &[],
        }
    };
    let mut checked = 0;
    for (w, _) in facts::WINDOWS {
        let family = facts::windows_family(w).unwrap_or("");
        for target in builtin(family) {
            for cause in ["install-failure", "no-cause-in-log", "component-store"] {
                let f = facts_of(&[
                    ("cause", cause),
                    ("product", "dotnet"),
                    ("windows", w),
                    ("dotnet_target", target),
                ]);
                let (_, g) = tree::guide_for(&f, &Answers::new());
                checked += 1;
                for st in &g.steps {
                    let text = format!("{} {}", st.body, st.commands.join(" "));
                    assert!(
                        !st.id.contains("patch-registration")
                            && !text.contains("KB971187")
                            && !text.contains("Couldn't find local patch"),
                        "{} on Windows {w} for .NET {target}: step {} offers patch registration",
                        g.id,
                        st.id
                    );
                }
            }
        }
    }
    assert!(checked > 20, "{checked}");
    for (w, target) in [("xp", "3.5"), ("7", "4")] {
        let f = facts_of(&[
            ("cause", "install-failure"),
            ("product", "dotnet"),
            ("windows", w),
            ("dotnet_target", target),
        ]);
        let (_, g) = tree::guide_for(&f, &Answers::new());
        assert!(
            g.steps.iter().any(|s| s.id == "dotnet-patch-registration"),
            "Windows {w}, .NET {target}: the patch registration repair applies"
        );
    }
}

/// A tool a source marks retired (Fix it 50123, the Windows Installer CleanUp Utility, the .NET Cleanup Tool,
/// the troubleshooters that run through MSDT) is named by no step, so none is offered as if it could be
/// downloaded.
#[test]
fn no_step_names_a_retired_tool() {
    let retired: Vec<(&str, &str)> = kb()
        .sources
        .iter()
        .flat_map(|src| {
            src.retired
                .iter()
                .map(move |t| (src.id.as_str(), t.as_str()))
        })
        .collect();
    for tool in [
        "Fix it 50123",
        "Windows Installer CleanUp Utility",
        ".NET Framework Cleanup Tool",
        "Program Install and Uninstall troubleshooter",
    ] {
        assert!(
            retired.iter().any(|(_, t)| *t == tool),
            "sources.toml should mark {tool} retired"
        );
    }
    for st in &kb().steps {
        let text = Kb::step_texts(st).join("\n").to_lowercase();
        for (src, tool) in &retired {
            assert!(
                !text.contains(&tool.to_lowercase()),
                "step {} names {tool}, which {src} marks retired",
                st.id
            );
        }
    }
    // Validation reports it too, for a knowledge base written elsewhere.
    let broken = r#"
[[source]]
id = "old"
title = "Old KB (archived)"
url = "http://support.microsoft.com/kb/1"
kind = "archived"
retired = ["Fix it 50123"]
[[step]]
id = "s"
title = "S"
risk = "safe"
sources = ["old"]
undo = "u"
check = "c"
body = "Download Fix it 50123 and run it."
"#;
    let problems = Kb::parse(&[("b.toml", broken)])
        .expect("parses")
        .validate()
        .join("\n");
    assert!(
        problems.contains("names 'Fix it 50123', which source 'old' marks retired"),
        "{problems}"
    );
}

/// Every source is marked Microsoft, archived or third-party, and the mark fits: a Microsoft source is a current
/// page on a Microsoft host, an archived one says so in its title or address, a third-party one says so in its
/// title (which the page shows beside the link).
#[test]
fn every_source_is_marked_and_the_mark_fits() {
    let mut wrong = Vec::new();
    for src in &kb().sources {
        let host = src.url.split('/').nth(2).unwrap_or("");
        let title = src.title.to_lowercase();
        let fits = match src.kind {
            SourceKind::Microsoft => {
                src.url.starts_with("https://")
                    && host.ends_with("microsoft.com")
                    && !host.starts_with("blogs.")
                    && host != "answers.microsoft.com"
                    && !src.url.contains("/archive/")
            }
            SourceKind::Archived => title.contains("archived") || src.url.contains("/archive/"),
            SourceKind::ThirdParty => {
                title.contains("third-party") || title.contains("third party")
            }
            SourceKind::Unmarked => false,
        };
        if !fits {
            wrong.push(format!(
                "{} ({:?}): {} {}",
                src.id, src.kind, src.title, src.url
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let unmarked = r#"
[[source]]
id = "x"
title = "X"
url = "https://example.com/"
"#;
    let problems = Kb::parse(&[("b.toml", unmarked)])
        .expect("parses")
        .validate()
        .join("\n");
    assert!(
        problems.contains("source 'x' is not marked microsoft, archived or third-party"),
        "{problems}"
    );
}

/// A step's text names no product its guide is not about: ".NET" appears only in guides for a .NET product or
/// whose own title or introduction is about the .NET Framework. Checked on every path through the tree, with
/// each product the logs could name where the path does not fix one.
#[test]
fn steps_name_only_the_product_their_guide_is_about() {
    let kb = kb();
    let mut all = Vec::new();
    paths(kb, tree::ROOT, Facts::new(), Vec::new(), &mut all);
    let mut problems = std::collections::BTreeSet::new();
    let mut renders = 0;
    for p in &all {
        let products: Vec<&str> = match p.facts.get(Fact::Product) {
            Some(prod) => vec![prod],
            None => vec!["windows", "defender", "winre", "office", "msi"],
        };
        for prod in products {
            if prod == "dotnet" || prod == UNKNOWN {
                continue;
            }
            for w in ["xp", "7", "10", UNKNOWN] {
                let mut f = p.facts.clone();
                f.set(Fact::Product, prod);
                if f.get(Fact::Windows).is_none() {
                    f.set(Fact::Windows, w);
                }
                let (guide, _) = kb.walk(&f, &Answers::new());
                if guide != p.guide {
                    continue;
                }
                let g = kb.render(&guide, &f);
                renders += 1;
                if g.title.contains(".NET") || g.intro.contains(".NET") {
                    continue;
                }
                for (step, text) in guide_words(&g) {
                    if text.contains(".NET") {
                        problems.insert(format!(
                            "{}: step {step} names .NET for product {prod}",
                            g.id
                        ));
                    }
                }
            }
        }
    }
    assert!(renders > 50, "{renders}");
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
    // The restart step keeps its .NET warning for .NET guides.
    let dotnet = facts_of(&[
        ("cause", "install-failure"),
        ("product", "dotnet"),
        ("windows", "10"),
    ]);
    let (_, g) = tree::guide_for(&dotnet, &Answers::new());
    let restart = g
        .steps
        .iter()
        .find(|s| s.id.ends_with("restart-first"))
        .expect("restart step");
    assert!(restart.body.contains("KB2473228"), "{}", restart.body);
    // And the generic one has none of it: it is in every guide, for every product.
    let generic = kb.step("restart-first").expect("restart-first");
    assert!(!Kb::step_texts(generic).join(" ").contains(".NET"));
}

/// Commands that change the system say that they need an administrator, and every rendered command says where
/// it runs (its details match the copyable list one for one).
#[test]
fn commands_say_where_they_run_and_who_may_run_them() {
    use setup_triage::kb::tree::CommandDef;
    const CHANGES: &[&str] = &[
        "reg add",
        "reg delete",
        "reg export hklm\\system",
        "dism",
        "sfc ",
        "net stop",
        "net start",
        "reagentc",
        "sc config",
        "msiexec /unregister",
        "msiexec /regserver",
        "msiexec /fpecmsu",
        "gpupdate",
        "ren %systemroot%",
        "mpcmdrun",
        "\"%programfiles%\\windows defender\\mpcmdrun",
    ];
    let mut wrong = Vec::new();
    for s in &kb().steps {
        let commands = s
            .commands
            .iter()
            .chain(s.variant.iter().flat_map(|v| &v.commands));
        for c in commands {
            let run = c.run().to_lowercase();
            let admin = matches!(c, CommandDef::Full { admin: true, .. });
            if CHANGES.iter().any(|p| run.starts_with(p)) && !admin {
                wrong.push(format!("{}: «{}» needs an administrator", s.id, c.run()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let mut all = Vec::new();
    paths(kb(), tree::ROOT, Facts::new(), Vec::new(), &mut all);
    for p in &all {
        let g = kb().render(&p.guide, &p.facts);
        for st in &g.steps {
            let runs: Vec<&str> = st.command_details.iter().map(|c| c.run.as_str()).collect();
            assert_eq!(runs, st.commands, "{} {}", g.id, st.id);
        }
    }
}

/// The exports show where each command runs and whether it needs an administrator, and show a diskpart script
/// under its warning, never in the list of commands to copy.
#[test]
fn exports_show_shells_and_scripts() {
    use setup_triage::case::export;
    let d = diagnose_text(
        "paste",
        "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441) - Error 0x80070643",
        &Answers::new(),
    );
    assert_eq!(d.guide.id, "winre-partition");
    let resize = d
        .guide
        .steps
        .iter()
        .find(|s| s.id == "winre-resize")
        .expect("resize step");
    assert!(resize.script.is_some());
    assert!(
        !resize
            .commands
            .iter()
            .any(|c| c.contains("shrink") || c.contains("delete")),
        "{:?}",
        resize.commands
    );
    let text = export::text(&d);
    assert!(
        text.contains("In a Command Prompt opened as administrator:\n   > reagentc /info"),
        "{text}"
    );
    assert!(text.contains("   | select disk N\n"), "{text}");
    assert!(text.contains("do not paste them all at once"), "{text}");
    let md = export::markdown(&d);
    assert!(md.contains("```text\nrem N is the disk"), "{md}");
    let bb = export::bbcode(&d);
    assert!(
        bb.contains("In a Command Prompt opened as administrator:\n[code]reagentc /info"),
        "{bb}"
    );
}

/// The rows of the review in issue 20 that one assertion each can hold: for every Windows version and .NET
/// version, the .NET guide points to logs that exist, offers repairs for the framework the update is for, and
/// never removes a .NET Framework that is part of Windows.
#[test]
fn dotnet_guides_fit_the_framework_and_the_windows() {
    let targets = ["1.1", "2.0", "3.0", "3.5", "4"];
    for (w, _) in facts::WINDOWS {
        let family = facts::windows_family(w).unwrap_or("");
        for target in targets {
            let f = facts_of(&[
                ("cause", "install-failure"),
                ("product", "dotnet"),
                ("windows", w),
                ("dotnet_target", target),
            ]);
            let (_, g) = tree::guide_for(&f, &Answers::new());
            let builtin = match family {
                "vista-era" => ["2.0", "3.0", "3.5"].contains(&target),
                "win8-era" | "win10-era" => true,
                _ => false,
            };
            for (step, text) in guide_words(&g) {
                let here = format!("Windows {w}, .NET {target}, step {step}");
                // A Windows package logs to CBS.log; the dd_ logs of a program's setup do not exist for it.
                if builtin && step == "dotnet-manual-update" {
                    assert!(
                        !text.contains("start with dd_") && !text.contains("explorer %temp%"),
                        "{here}: {text}"
                    );
                    assert!(text.contains("CBS.log"), "{here}: {text}");
                }
                // The 4.x repair command only for a 4.x update, the 2.0/3.0 MSI repair only for those.
                if target != "4" {
                    assert!(!text.contains("/repair /norestart"), "{here}");
                }
                if !["2.0", "3.0", "3.5"].contains(&target) {
                    assert!(!text.contains("msiexec /fpecmsu"), "{here}");
                }
                // The Repair Tool is never said to cover every version.
                assert!(!text.contains("offered for all of them"), "{here}");
            }
            if builtin {
                assert!(
                    !g.steps.iter().any(|s| s.id == "dotnet-cleanup-reinstall"),
                    "Windows {w}, .NET {target}: a .NET that is part of Windows is never removed"
                );
                assert!(
                    g.steps.iter().any(|s| s.id == "sfc-scannow"),
                    "Windows {w}, .NET {target}: repaired as Windows is"
                );
            }
            // Windows 7's component store is repaired with the System Update Readiness Tool, not DISM.
            if family == "vista-era" {
                assert!(g.steps.iter().any(|s| s.id == "surt"), "Windows {w}");
                assert!(
                    !g.steps.iter().any(|s| s.id == "dism-restorehealth"),
                    "Windows {w}"
                );
            }
        }
    }
    // The component-store guide keeps its promise on Windows 7: the readiness tool, not DISM.
    let f = facts_of(&[("cause", "component-store"), ("windows", "7")]);
    let (_, g) = tree::guide_for(&f, &Answers::new());
    assert_eq!(g.id, "component-store");
    assert!(g.steps.iter().any(|s| s.id == "surt"));
    assert!(
        g.intro.contains("System Update Readiness Tool"),
        "{}",
        g.intro
    );
}

/// Windows Update guides check disk space first and end with the repair reinstall, which costs time; the .NET
/// Framework 3.5 guide lets Windows Features fetch the files before DISM is given media; a custom action's
/// command can be run by hand.
#[test]
fn the_reviewed_guides_have_the_steps_the_review_asked_for() {
    let ids = |pairs: &[(&str, &str)]| -> Vec<String> {
        let (_, g) = tree::guide_for(&facts_of(pairs), &Answers::new());
        g.steps.into_iter().map(|s| s.id).collect()
    };
    let pos = |ids: &[String], id: &str| ids.iter().position(|s| s == id);
    let wu = ids(&[
        ("cause", "install-failure"),
        ("product", "windows"),
        ("windows", "10"),
    ]);
    assert_eq!(pos(&wu, "wu-disk-space"), Some(1), "{wu:?}");
    assert_eq!(pos(&wu, "wu-repair-install"), Some(wu.len() - 2), "{wu:?}");
    let repair = kb().step("wu-repair-install").expect("repair install");
    assert_eq!(repair.risk, Risk::Destructive);
    let netfx3 = ids(&[("cause", "netfx3-feature"), ("windows", "10")]);
    assert!(
        pos(&netfx3, "netfx3-windows-features") < pos(&netfx3, "netfx3-dism-source"),
        "{netfx3:?}"
    );
    let dism = kb().step("netfx3-dism-source").expect("dism source");
    assert!(dism.body.contains("build") && dism.body.contains("language"));
    let ca = ids(&[("cause", "custom-action")]);
    assert!(
        ca.contains(&"custom-action-run-by-hand".to_string()),
        "{ca:?}"
    );
}

/// Commands that would cost something if pasted wrongly: a web address is opened in the Run box or a browser,
/// never typed into a Command Prompt (which splits it at `&`); no step forces a service's start type; a step
/// that changes the registry or a service's registration says what to save first; and no step promises
/// support at no charge, which nobody established.
#[test]
fn commands_that_cost_something_when_pasted_wrongly() {
    use setup_triage::kb::tree::CommandDef;
    use setup_triage::model::guide::Shell;
    for s in &kb().steps {
        let commands: Vec<&CommandDef> = s
            .commands
            .iter()
            .chain(s.variant.iter().flat_map(|v| &v.commands))
            .collect();
        for c in &commands {
            let shell = match c {
                CommandDef::Plain(_) => Shell::Cmd,
                CommandDef::Full { shell, .. } => *shell,
            };
            let run = c.run().to_lowercase();
            if run.starts_with("http") {
                assert_eq!(shell, Shell::Run, "{}: {}", s.id, c.run());
            }
            if shell == Shell::Cmd {
                let unquoted: String = run.split('"').step_by(2).collect();
                assert!(
                    !unquoted.contains('&'),
                    "{}: cmd splits «{}» at &",
                    s.id,
                    c.run()
                );
            }
            assert!(
                !(run.starts_with("sc config") && run.contains("start= auto")),
                "{}: forces a start type",
                s.id
            );
        }
        let changes = commands.iter().any(|c| {
            let run = c.run().to_lowercase();
            ["reg add", "reg delete", "msiexec /unregister", "sc config"]
                .iter()
                .any(|p| run.starts_with(p))
        });
        if changes {
            assert!(
                !s.backup.trim().is_empty(),
                "{} changes the registry without a backup line",
                s.id
            );
        }
        let text = Kb::step_texts(s).join(" ").to_lowercase();
        assert!(
            !text.contains("no charge") && !text.contains("free of charge"),
            "{}: promises free support",
            s.id
        );
    }
}
