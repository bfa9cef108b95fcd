//! Compiles the knowledge base's TOML (crate/engine/kb/*.toml, the source of truth) into compact JSON at
//! build time, so that neither the page nor its worker ships a TOML parser: they read the JSON with the
//! `serde_json` the page needs anyway (see `tree::kb`), and every file's causes on their own, all that the
//! scan needs (`tree::causes`: the page's worker carries nothing else of it). A TOML error stops the build,
//! naming the file.

use std::path::PathBuf;

/// The files, in the order `tree::KB_FILES` reads them.
const FILES: &[&str] = &["sources", "causes", "tree", "steps", "updates", "installer"];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Every file's causes on their own: all that scanning needs (`tree::causes`).
    let mut causes = Vec::new();
    for name in FILES {
        let path = format!("crate/engine/kb/{name}.toml");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let value: serde_json::Value =
            basic_toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        if let Some(serde_json::Value::Array(c)) = value.get("cause") {
            causes.extend(c.iter().cloned());
        }
        let json = serde_json::to_string(&value).expect("a JSON value always serialises");
        std::fs::write(out.join(format!("kb-{name}.json")), json)
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
    let causes = serde_json::json!({ "cause": causes }).to_string();
    std::fs::write(out.join("kb-causes-only.json"), causes)
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    println!("cargo:rerun-if-changed=build.rs");
}
