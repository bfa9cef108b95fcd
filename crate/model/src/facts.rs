//! Facts: what the input told us about the machine and the update, as `key = value` pairs that the
//! knowledge base branches on. The keys are listed in [`KEYS`]; tests check every key the knowledge base uses
//! is among them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A set of facts. The first value learned for a key wins: logs state facts early (headers), and later
/// lines more often mention other products in passing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Facts(BTreeMap<String, String>);

impl Facts {
    pub fn new() -> Facts {
        Facts::default()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Sets `key` unless it is already known.
    pub fn learn(&mut self, key: &str, value: impl Into<String>) {
        if !self.0.contains_key(key) {
            let value = value.into();
            if !value.trim().is_empty() {
                self.0.insert(key.to_string(), value);
            }
        }
    }

    /// Sets `key`, replacing what was known (answers given by the person override what logs suggest).
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.0.insert(key.to_string(), value.into());
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.0.remove(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Merges `other` in; facts already known stay.
    pub fn absorb(&mut self, other: &Facts) {
        for (k, v) in other.iter() {
            self.learn(k, v);
        }
    }
}

/// One kind of fact the engine knows, with a label for people.
#[derive(Clone, Copy, Debug)]
pub struct FactKey {
    pub key: &'static str,
    pub label: &'static str,
}

/// Every fact key, sorted by key (a test checks the order and that each is unique).
pub const KEYS: &[FactKey] = &[
    FactKey {
        key: "action",
        label: "Failing installer action",
    },
    FactKey {
        key: "cause",
        label: "Cause",
    },
    FactKey {
        key: "code",
        label: "Main error code",
    },
    FactKey {
        key: "custom_action",
        label: "Failing custom action",
    },
    FactKey {
        key: "dotnet_installed",
        label: ".NET Framework versions installed",
    },
    FactKey {
        key: "dotnet_target",
        label: ".NET Framework version the update is for",
    },
    FactKey {
        key: "hresult",
        label: "HRESULT on the cause line",
    },
    FactKey {
        key: "kb",
        label: "Update (KB number)",
    },
    FactKey {
        key: "log_path",
        label: "Log that holds the cause",
    },
    FactKey {
        key: "product",
        label: "Kind of product or update",
    },
    FactKey {
        key: "product_name",
        label: "Product",
    },
    FactKey {
        key: "program",
        label: "Program that failed",
    },
    FactKey {
        key: "restart_pending",
        label: "Restart pending",
    },
    FactKey {
        key: "source",
        label: "Where the failure was reported",
    },
    FactKey {
        key: "update_title",
        label: "Update",
    },
    FactKey {
        key: "windows",
        label: "Windows version",
    },
    FactKey {
        key: "windows_build",
        label: "Windows build",
    },
    FactKey {
        key: "windows_family",
        label: "Windows generation (derived from the version)",
    },
];

/// The label of a fact key, or the key itself when unknown.
pub fn label(key: &str) -> &str {
    KEYS.iter()
        .find(|k| k.key == key)
        .map(|k| k.label)
        .unwrap_or(key)
}

/// Canonical Windows versions, oldest first, with the name people know them by.
pub const WINDOWS: &[(&str, &str)] = &[
    ("xp", "Windows XP"),
    ("server2003", "Windows Server 2003"),
    ("vista", "Windows Vista"),
    ("server2008", "Windows Server 2008"),
    ("7", "Windows 7"),
    ("server2008r2", "Windows Server 2008 R2"),
    ("8", "Windows 8"),
    ("server2012", "Windows Server 2012"),
    ("8.1", "Windows 8.1"),
    ("server2012r2", "Windows Server 2012 R2"),
    ("10", "Windows 10"),
    ("server2016", "Windows Server 2016"),
    ("server2019", "Windows Server 2019"),
    ("server2022", "Windows Server 2022"),
    ("11", "Windows 11"),
    ("server2025", "Windows Server 2025"),
];

/// The display name of a canonical Windows version.
pub fn windows_name(id: &str) -> Option<&'static str> {
    WINDOWS.iter().find(|(k, _)| *k == id).map(|(_, n)| *n)
}

/// The generation of a canonical Windows version, which decides menu paths and which .NET versions are part of
/// Windows: `xp-era` (XP, Server 2003: Add or Remove Programs, every .NET is a separate program), `vista-era`
/// (Vista to 7 and Server 2008 R2: Programs and Features, .NET 2.0/3.0 (3.5.1 on 7) are part of Windows),
/// `win8-era` (8, 8.1, Server 2012/R2: .NET 4.x is part of Windows, 3.5 a feature) and `win10-era` (10, 11,
/// Server 2016 and later: as 8, with Settings > Apps).
pub fn windows_family(id: &str) -> Option<&'static str> {
    Some(match id {
        "xp" | "server2003" => "xp-era",
        "vista" | "server2008" | "7" | "server2008r2" => "vista-era",
        "8" | "8.1" | "server2012" | "server2012r2" => "win8-era",
        "10" | "11" | "server2016" | "server2019" | "server2022" | "server2025" => "win10-era",
        _ => return None,
    })
}

/// Facts derived from others, computed in this one place:
/// - `windows_family` from `windows` (replacing a stale value, so that an answered Windows version wins);
/// - `product = msi` when a Windows Installer log named its product (`product_name`) and nothing recognised it as
///   .NET, Office, Defender, WinRE or Windows: some other program's MSI package or patch.
pub fn derive(facts: &mut Facts) {
    match facts.get("windows").and_then(windows_family) {
        Some(f) => facts.set("windows_family", f),
        None => {
            facts.remove("windows_family");
        }
    }
    if facts.get("product").is_none() && facts.get("product_name").is_some() {
        facts.set("product", "msi");
    }
}

/// Maps a .NET Framework version as written ("3.5 SP1", "4.8.1", "2.0a") to the family the knowledge base
/// branches on: `1.0`, `1.1`, `2.0`, `3.0`, `3.5` or `4`.
pub fn dotnet_family(v: &str) -> String {
    let v = v.trim();
    for fam in ["1.0", "1.1", "2.0", "3.0", "3.5"] {
        if v.starts_with(fam) {
            return fam.to_string();
        }
    }
    if v.starts_with('4') {
        return "4".to_string();
    }
    v.to_string()
}
