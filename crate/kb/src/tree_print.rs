//! The whole knowledge base printed for reviewers: as indented text, as Graphviz dot, or as a Mermaid flowchart,
//! and every step with its sources, shells and variants for one read (`setup-triage kb review`).
//! Nodes come in the order a walk meets them (depth first from the root), guides in the order leaves name them.

use std::collections::HashSet;
use std::fmt::Write;

use super::tree::{CommandDef, Conditions, GuideDef, Kb, NodeDef, ROOT, StepDef};
use model::guide::Command;

/// The nodes reachable from the root, depth first, each once; then any unreachable ones (a broken knowledge
/// base still prints whole).
fn node_order(kb: &Kb) -> Vec<&NodeDef> {
    fn visit<'a>(kb: &'a Kb, id: &str, seen: &mut HashSet<String>, out: &mut Vec<&'a NodeDef>) {
        let Some(n) = kb.node(id) else { return };
        if !seen.insert(n.id.clone()) {
            return;
        }
        out.push(n);
        for c in &n.choice {
            visit(kb, &c.next, seen, out);
        }
        if !n.otherwise.is_empty() {
            visit(kb, &n.otherwise, seen, out);
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    visit(kb, ROOT, &mut seen, &mut out);
    for n in &kb.nodes {
        if !seen.contains(&n.id) {
            seen.insert(n.id.clone());
            out.push(n);
        }
    }
    out
}

fn guide_order(kb: &Kb) -> Vec<&GuideDef> {
    let mut seen = HashSet::new();
    let mut out: Vec<&GuideDef> = node_order(kb)
        .into_iter()
        .filter_map(|n| kb.guide(&n.guide))
        .filter(|g| seen.insert(g.id.clone()))
        .collect();
    out.extend(kb.guides.iter().filter(|g| seen.insert(g.id.clone())));
    out
}

fn conditions(c: &Conditions) -> String {
    c.iter()
        .map(|(k, vs)| format!("{k} = {}", vs.join(" | ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Indented text: every node with its choices, then every guide with its steps, variants and sources.
pub fn text(kb: &Kb) -> String {
    let mut s = String::new();
    let steps: usize = kb.guides.iter().map(|g| g.steps.len()).sum();
    let _ = writeln!(
        s,
        "Knowledge base: {} causes, {} nodes, {} guides, {} steps ({} step uses), {} sources\n",
        kb.causes.len(),
        kb.nodes.len(),
        kb.guides.len(),
        kb.steps.len(),
        steps,
        kb.sources.len()
    );
    let _ = writeln!(s, "DECISION TREE (walked from '{ROOT}')\n");
    for n in node_order(kb) {
        if !n.guide.is_empty() {
            continue;
        }
        if n.question.is_empty() {
            let _ = writeln!(
                s,
                "{}: branches on the fact '{}' (never asked)",
                n.id, n.fact
            );
        } else {
            let _ = writeln!(s, "{}: asks \"{}\" (fact '{}')", n.id, n.question, n.fact);
        }
        for c in &n.choice {
            let label = if c.label.is_empty() {
                String::new()
            } else {
                format!("  \"{}\"", c.label)
            };
            let _ = writeln!(
                s,
                "  {} = {}{label} -> {}",
                n.fact,
                c.values.join(" | "),
                target(kb, &c.next)
            );
        }
        let _ = writeln!(
            s,
            "  otherwise (unknown, \"I don't know\") -> {}",
            target(kb, &n.otherwise)
        );
        s.push('\n');
    }
    let _ = writeln!(s, "GUIDES\n");
    for g in guide_order(kb) {
        let _ = writeln!(s, "== {}: {}", g.id, g.title);
        if !g.intro.is_empty() {
            let _ = writeln!(s, "   {}", g.intro);
        }
        for (i, sid) in g.steps.iter().enumerate() {
            let Some(st) = kb.step(sid) else {
                let _ = writeln!(s, "  {}. {sid} (missing)", i + 1);
                continue;
            };
            let _ = writeln!(s, "  {}. [{:?}] {}: {}", i + 1, st.risk, st.id, st.title);
            step_conditions(&mut s, "       ", st);
            for v in &st.variant {
                let _ = writeln!(
                    s,
                    "       variant \"{}\" when {}",
                    v.label,
                    conditions(&v.when)
                );
            }
            let _ = writeln!(s, "       sources: {}", st.sources.join(", "));
        }
        s.push('\n');
    }
    s
}

fn target(kb: &Kb, id: &str) -> String {
    match kb.node(id) {
        Some(n) if !n.guide.is_empty() => format!("guide {}", n.guide),
        Some(n) => n.id.clone(),
        None => format!("{id} (missing)"),
    }
}

fn dot_escape(t: &str) -> String {
    t.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz dot: questions as boxes, fact branches as ellipses, guides as notes listing their steps.
pub fn dot(kb: &Kb) -> String {
    let mut s = String::from(
        "digraph knowledge_base {\n  rankdir=LR;\n  node [fontname=\"sans-serif\", fontsize=10];\n  edge [fontname=\"sans-serif\", fontsize=9];\n",
    );
    for n in node_order(kb) {
        if let Some(g) = kb.guide(&n.guide) {
            let mut label = format!("{}\\n{}", dot_escape(&g.id), dot_escape(&g.title));
            for (i, sid) in g.steps.iter().enumerate() {
                let risk = kb
                    .step(sid)
                    .map_or("missing".to_string(), |st| format!("{:?}", st.risk));
                let _ = write!(label, "\\l{}. {} [{risk}]", i + 1, dot_escape(sid));
            }
            label.push_str("\\l");
            let _ = writeln!(
                s,
                "  \"{}\" [shape=note, label=\"{label}\"];",
                dot_escape(&n.id)
            );
            continue;
        }
        let (shape, label) = if n.question.is_empty() {
            ("ellipse", format!("{}\\n({})", n.id, n.fact))
        } else {
            ("box", format!("{}\\n{}", n.id, n.question))
        };
        let _ = writeln!(
            s,
            "  \"{}\" [shape={shape}, label=\"{}\"];",
            dot_escape(&n.id),
            dot_escape(&label).replace("\\\\n", "\\n")
        );
        for c in &n.choice {
            let _ = writeln!(
                s,
                "  \"{}\" -> \"{}\" [label=\"{}\"];",
                dot_escape(&n.id),
                dot_escape(&c.next),
                dot_escape(&c.values.join(" | "))
            );
        }
        if !n.otherwise.is_empty() {
            let _ = writeln!(
                s,
                "  \"{}\" -> \"{}\" [label=\"otherwise\", style=dashed];",
                dot_escape(&n.id),
                dot_escape(&n.otherwise)
            );
        }
    }
    s.push_str("}\n");
    s
}

fn mermaid_text(t: &str) -> String {
    t.replace('"', "#quot;").replace('|', "#124;")
}

/// A Mermaid flowchart: the same graph as [`dot`], with node ids made safe for Mermaid (`n0`, `n1`…).
pub fn mermaid(kb: &Kb) -> String {
    let order = node_order(kb);
    let index = |id: &str| order.iter().position(|n| n.id == id);
    let name = |id: &str| index(id).map_or_else(|| "missing".to_string(), |i| format!("n{i}"));
    let mut s = String::from("flowchart LR\n");
    for (i, n) in order.iter().enumerate() {
        if let Some(g) = kb.guide(&n.guide) {
            let steps: Vec<String> = g
                .steps
                .iter()
                .enumerate()
                .map(|(k, sid)| format!("{}. {sid}", k + 1))
                .collect();
            let _ = writeln!(
                s,
                "  n{i}[/\"<b>{}</b><br/>{}<br/>{}\"/]",
                mermaid_text(&g.id),
                mermaid_text(&g.title),
                mermaid_text(&steps.join("<br/>"))
            );
            continue;
        }
        if n.question.is_empty() {
            let _ = writeln!(
                s,
                "  n{i}([\"{}<br/>({})\"])",
                mermaid_text(&n.id),
                mermaid_text(&n.fact)
            );
        } else {
            let _ = writeln!(
                s,
                "  n{i}[\"{}<br/>{}\"]",
                mermaid_text(&n.id),
                mermaid_text(&n.question)
            );
        }
        for c in &n.choice {
            let _ = writeln!(
                s,
                "  n{i} -->|\"{}\"| {}",
                mermaid_text(&c.values.join(", ")),
                name(&c.next)
            );
        }
        if !n.otherwise.is_empty() {
            let _ = writeln!(s, "  n{i} -.->|otherwise| {}", name(&n.otherwise));
        }
    }
    s
}

/// One command as the review shows it: where it runs, then the command as written.
fn review_command(c: &CommandDef) -> String {
    let (shell, admin) = match c {
        CommandDef::Plain(_) => (Default::default(), false),
        CommandDef::Full { shell, admin, .. } => (*shell, *admin),
    };
    let where_ = Command {
        run: String::new(),
        shell,
        admin,
    }
    .where_label();
    format!("[{where_}] {}", c.run())
}

/// Every step, in the order the guides use them, with all a reviewer needs in one read: the guides it is in,
/// when it applies, its risk, text, commands with their shell and rights, script, backup, undo and check, each
/// variant with its condition, and each source with its kind (Microsoft, archived, third-party), its address and
/// the retired tools it names. Text is printed as written in the knowledge base, placeholders unfilled.
/// The conditions a step is shown under, one line each, indented.
fn step_conditions(s: &mut String, indent: &str, st: &StepDef) {
    if !st.when.is_empty() {
        let _ = writeln!(s, "{indent}only when: {}", conditions(&st.when));
    }
    for c in &st.when_any {
        let _ = writeln!(s, "{indent}or when: {}", conditions(c));
    }
    if !st.unless.is_empty() {
        let _ = writeln!(s, "{indent}left out when: {}", conditions(&st.unless));
    }
}

pub fn review(kb: &Kb) -> String {
    let mut s = String::new();
    let mut order: Vec<&str> = Vec::new();
    for g in guide_order(kb) {
        for sid in &g.steps {
            if !order.contains(&sid.as_str()) {
                order.push(sid);
            }
        }
    }
    for st in &kb.steps {
        if !order.contains(&st.id.as_str()) {
            order.push(&st.id);
        }
    }
    let sources: usize = kb.sources.len();
    let _ = writeln!(
        s,
        "KNOWLEDGE BASE REVIEW: {} steps in {} guides, {sources} sources\n",
        order.len(),
        kb.guides.len()
    );
    for sid in order {
        let Some(st) = kb.step(sid) else { continue };
        let _ = writeln!(s, "== {}: {}  [{}]", st.id, st.title, st.risk.label());
        let guides: Vec<&str> = kb
            .guides
            .iter()
            .filter(|g| g.steps.contains(&st.id))
            .map(|g| g.id.as_str())
            .collect();
        let _ = writeln!(s, "   in guides: {}", guides.join(", "));
        step_conditions(&mut s, "   ", st);
        for para in st.body.split("\n\n") {
            let _ = writeln!(s, "   {}", para.trim());
        }
        for c in &st.commands {
            let _ = writeln!(s, "   > {}", review_command(c));
        }
        if let Some(sc) = &st.script {
            let where_ = Command {
                run: String::new(),
                shell: sc.shell,
                admin: sc.admin,
            }
            .where_label();
            let _ = writeln!(s, "   script [{where_}], shown, never one copy:");
            for line in sc.text.lines() {
                let _ = writeln!(s, "   | {line}");
            }
        }
        for (k, v) in [
            ("backup", &st.backup),
            ("undo", &st.undo),
            ("check", &st.check),
        ] {
            if !v.is_empty() {
                let _ = writeln!(s, "   {k}: {v}");
            }
        }
        for v in &st.variant {
            let _ = writeln!(
                s,
                "   variant \"{}\" when {}:",
                v.label,
                conditions(&v.when)
            );
            if !v.body.is_empty() {
                let _ = writeln!(s, "      {}", v.body);
            }
            for c in &v.commands {
                let _ = writeln!(s, "      > {}", review_command(c));
            }
        }
        let _ = writeln!(s, "   sources:");
        for id in &st.sources {
            match kb.source(id) {
                Some(src) => {
                    let _ = writeln!(
                        s,
                        "     - [{}] {}: {} ({})",
                        src.kind.label(),
                        src.id,
                        src.title,
                        src.url
                    );
                    if !src.retired.is_empty() {
                        let _ = writeln!(s, "       retired tools: {}", src.retired.join(", "));
                    }
                }
                None => {
                    let _ = writeln!(s, "     - [missing] {id}");
                }
            }
        }
        s.push('\n');
    }
    s
}
