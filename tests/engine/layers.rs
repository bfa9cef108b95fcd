//! The flow inside each crate: every crate's root lists its modules in the order the data flows ("Modules,
//! each using only those listed before it"), and no module may use one listed after it. Cargo keeps the
//! crates themselves in order (a crate cannot name one it does not depend on); this test keeps their modules.

use std::path::{Path, PathBuf};

/// The crates whose modules follow the flow, from the repository's root.
const CRATES: &[&str] = &["crate/model", "crate/kb", "crate/scan", "crate/case"];

/// The modules a crate's root lists, in order: the lines of its `//!` doc that start with "- [`name`]" or
/// "- `name`".
fn listed_modules(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! - "))
        .filter_map(|l| {
            let l = l.strip_prefix('[').unwrap_or(l).strip_prefix('`')?;
            let name = &l[..l.find('`')?];
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
                .then(|| name.to_string())
        })
        .collect()
}

/// The modules of this crate that a source file uses (`crate::name`, and `super::name` in a file at the
/// crate's top), comments left out.
fn used_modules(source: &str, top_level: bool) -> Vec<String> {
    let mut used = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        for prefix in ["crate::", "super::"] {
            if prefix == "super::" && !top_level {
                continue;
            }
            for (at, _) in code.match_indices(prefix) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let name: String = code[at + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && !used.contains(&name) {
                    used.push(name);
                }
            }
        }
    }
    used
}

/// Every `.rs` file of a module: `src/name.rs`, or everything under `src/name/`.
fn module_files(src: &Path, name: &str) -> Vec<PathBuf> {
    let file = src.join(format!("{name}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut files = Vec::new();
    let mut dirs = vec![src.join(name)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The uses of a module listed at or after itself, as "module uses later", for one crate.
fn uphill_uses(krate: &Path) -> Vec<String> {
    let src = krate.join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("every crate has a lib.rs");
    let order = listed_modules(&lib);
    let mut problems = Vec::new();
    for (i, module) in order.iter().enumerate() {
        let files = module_files(&src, module);
        if files.is_empty() {
            problems.push(format!("{module}: listed, but no file"));
        }
        for file in files {
            let top_level = file.parent() == Some(src.as_path());
            let source = std::fs::read_to_string(&file).expect("a source file reads");
            for used in used_modules(&source, top_level) {
                match order.iter().position(|m| *m == used) {
                    Some(j) if j > i => {
                        problems.push(format!("{}: {module} uses {used}", file.display()))
                    }
                    // `super::x` in a nested module, or an item of the crate's root: not a module of the flow.
                    _ => {}
                }
            }
        }
    }
    problems
}

#[test]
fn every_module_of_a_crate_is_listed_in_its_flow() {
    for krate in CRATES {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(krate)
            .join("src");
        let lib = std::fs::read_to_string(src.join("lib.rs")).expect("every crate has a lib.rs");
        let order = listed_modules(&lib);
        for line in lib.lines() {
            let decl = line.trim_start_matches("pub ").trim();
            if let Some(name) = decl.strip_prefix("mod ").and_then(|n| n.strip_suffix(';')) {
                assert!(
                    order.iter().any(|m| m == name),
                    "{krate}: module {name} is not in the list"
                );
            }
        }
    }
}

#[test]
fn no_module_uses_one_after_it_in_the_flow() {
    let problems: Vec<String> = CRATES
        .iter()
        .flat_map(|k| uphill_uses(&Path::new(env!("CARGO_MANIFEST_DIR")).join(k)))
        .collect();
    assert!(
        problems.is_empty(),
        "modules used against the flow:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_sees_a_module_used_against_the_flow() {
    // The helpers themselves: a module that uses a later one is found, comments are not code.
    assert_eq!(
        listed_modules("//! Modules:\n//! - [`read`]: lines.\n//! - `combine`: files.\n"),
        ["read", "combine"]
    );
    assert_eq!(
        used_modules(
            "use crate::combine;\n// crate::scan in a comment\nlet x = super::text::f();",
            true
        ),
        ["combine", "text"]
    );
    assert!(used_modules("use super::text;", false).is_empty());
}
