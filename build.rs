//! Compiles the knowledge base's TOML (crate/engine/kb/*.toml, the source of truth) into compact JSON at
//! build time, so that neither the page nor its worker ships a TOML parser: they read the JSON with the
//! `serde_json` the page needs anyway (see `tree::kb`). A TOML error stops the build, naming the file.

use std::path::PathBuf;

/// The files, in the order `tree::KB_FILES` reads them.
const FILES: &[&str] = &["sources", "causes", "tree", "steps", "updates", "installer"];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for name in FILES {
        let path = format!("crate/engine/kb/{name}.toml");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let value: serde_json::Value =
            basic_toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let json = serde_json::to_string(&value).expect("a JSON value always serialises");
        std::fs::write(out.join(format!("kb-{name}.json")), json)
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
    println!("cargo:rerun-if-changed=build.rs");
}
