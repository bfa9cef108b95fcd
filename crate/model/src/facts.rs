//! Facts: what the input told us about the machine and the update, as `key = value` pairs that the
//! knowledge base branches on. The keys are the [`Fact`]s; tests check every key the knowledge base uses is one.

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

    pub fn get(&self, fact: Fact) -> Option<&str> {
        self.get_key(fact.key())
    }

    /// A fact by its key as data names it (a node of the knowledge base, an answer, a share link).
    pub fn get_key(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Sets `fact` unless it is already known.
    pub fn learn(&mut self, fact: Fact, value: impl Into<String>) {
        self.learn_key(fact.key(), value);
    }

    /// [`Facts::learn`], by a key as data names it.
    pub fn learn_key(&mut self, key: &str, value: impl Into<String>) {
        if !self.0.contains_key(key) {
            let value = value.into();
            if !value.trim().is_empty() {
                self.0.insert(key.to_string(), value);
            }
        }
    }

    /// Sets `fact`, replacing what was known (answers given by the person override what logs suggest).
    pub fn set(&mut self, fact: Fact, value: impl Into<String>) {
        self.set_key(fact.key(), value);
    }

    /// [`Facts::set`], by a key as data names it.
    pub fn set_key(&mut self, key: &str, value: impl Into<String>) {
        self.0.insert(key.to_string(), value.into());
    }

    pub fn remove(&mut self, fact: Fact) -> Option<String> {
        self.0.remove(fact.key())
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
            self.learn_key(k, v);
        }
    }
}

/// A fact the engine knows: a key of [`Facts`], which the knowledge base branches on. Code names facts through
/// these, so a misspelt fact does not compile; the knowledge base's TOML names them by [`Fact::key`], which
/// `Kb::validate` checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fact {
    Action,
    Cause,
    Code,
    CustomAction,
    DotnetInstalled,
    DotnetTarget,
    Hresult,
    Kb,
    LogPath,
    Product,
    ProductName,
    Program,
    RestartPending,
    Source,
    UpdateTitle,
    Windows,
    WindowsBuild,
    WindowsFamily,
}

impl Fact {
    /// Every fact, sorted by key (a test checks the order).
    pub const ALL: [Fact; 18] = [
        Fact::Action,
        Fact::Cause,
        Fact::Code,
        Fact::CustomAction,
        Fact::DotnetInstalled,
        Fact::DotnetTarget,
        Fact::Hresult,
        Fact::Kb,
        Fact::LogPath,
        Fact::Product,
        Fact::ProductName,
        Fact::Program,
        Fact::RestartPending,
        Fact::Source,
        Fact::UpdateTitle,
        Fact::Windows,
        Fact::WindowsBuild,
        Fact::WindowsFamily,
    ];

    /// The key, as the knowledge base, the JSON output and `--answer KEY=VALUE` write it.
    pub fn key(self) -> &'static str {
        match self {
            Fact::Action => "action",
            Fact::Cause => "cause",
            Fact::Code => "code",
            Fact::CustomAction => "custom_action",
            Fact::DotnetInstalled => "dotnet_installed",
            Fact::DotnetTarget => "dotnet_target",
            Fact::Hresult => "hresult",
            Fact::Kb => "kb",
            Fact::LogPath => "log_path",
            Fact::Product => "product",
            Fact::ProductName => "product_name",
            Fact::Program => "program",
            Fact::RestartPending => "restart_pending",
            Fact::Source => "source",
            Fact::UpdateTitle => "update_title",
            Fact::Windows => "windows",
            Fact::WindowsBuild => "windows_build",
            Fact::WindowsFamily => "windows_family",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Fact::Action => "Failing installer action",
            Fact::Cause => "Cause",
            Fact::Code => "Main error code",
            Fact::CustomAction => "Failing custom action",
            Fact::DotnetInstalled => ".NET Framework versions installed",
            Fact::DotnetTarget => ".NET Framework version the update is for",
            Fact::Hresult => "HRESULT on the cause line",
            Fact::Kb => "Update (KB number)",
            Fact::LogPath => "Log that holds the cause",
            Fact::Product => "Kind of product or update",
            Fact::ProductName => "Product",
            Fact::Program => "Program that failed",
            Fact::RestartPending => "Restart pending",
            Fact::Source => "Where the failure was reported",
            Fact::UpdateTitle => "Update",
            Fact::Windows => "Windows version",
            Fact::WindowsBuild => "Windows build",
            Fact::WindowsFamily => "Windows generation (derived from the version)",
        }
    }

    /// The fact a key names, if the engine knows it.
    pub fn named(key: &str) -> Option<Fact> {
        Fact::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// The label of a fact key, or the key itself when unknown.
pub fn label(key: &str) -> &str {
    match Fact::named(key) {
        Some(f) => f.label(),
        None => key,
    }
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
    match facts.get(Fact::Windows).and_then(windows_family) {
        Some(f) => facts.set(Fact::WindowsFamily, f),
        None => {
            facts.remove(Fact::WindowsFamily);
        }
    }
    if facts.get(Fact::Product).is_none() && facts.get(Fact::ProductName).is_some() {
        facts.set(Fact::Product, "msi");
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
