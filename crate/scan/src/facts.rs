//! Learning facts from lines: what a line says about the machine (its Windows), the update (its KB) and
//! the product (.NET, Office, Defender, WinRE, Windows itself). The facts themselves, their keys and labels
//! are the model's ([`model::facts`], re-exported here so that readers name one module).

use std::sync::OnceLock;

use regex::bytes::Regex;

pub use model::facts::*;

use crate::re::re;

/// Learns what one line says about the machine and the update. Cheap when the line says nothing: one
/// multi-pattern test first, captures only on a hit.
pub fn learn_from_line(line: &[u8], facts: &mut Facts) {
    learn_from_log_line(line, facts, true);
}

/// As [`learn_from_line`], for a line of a log; `product` says whether the line may name the kind of product.
/// Servicing logs and event lists name products in passing (CBS.log lists the NetFx3 package, FRST lists
/// Windows Defender's events): their readers set the product from the failing update's own line instead.
pub fn learn_from_log_line(line: &[u8], facts: &mut Facts, product: bool) {
    let p = patterns();
    if !p.any().is_match(line) {
        return;
    }
    if !has(facts, Fact::Kb) {
        if let Some(c) = p.kb().captures(line) {
            facts.learn(Fact::Kb, format!("KB{}", lossy(&c[1])));
        }
    }
    if !has(facts, Fact::Windows) {
        if let Some(w) = windows_from_text(line) {
            facts.learn(Fact::Windows, w);
        }
    }
    if !product {
        return;
    }
    if !has(facts, Fact::DotnetTarget) {
        if let Some(c) = p.dotnet().captures(line) {
            let v = lossy(&c[1]);
            facts.learn(Fact::DotnetTarget, dotnet_family(&v));
            facts.learn(Fact::Product, "dotnet");
        }
    }
    if !has(facts, Fact::Product) {
        if let Some(product) = product_from_text(line) {
            facts.learn(Fact::Product, product);
        }
    }
}

fn has(facts: &Facts, fact: Fact) -> bool {
    facts.get(fact).is_some()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Recognises a Windows version named in text: "Windows 7", "Windows Server 2008 R2", "Windows 10 Version 22H2",
/// or an NT version with build ("6.1.7601", "10.0.22631").
pub fn windows_from_text(text: &[u8]) -> Option<&'static str> {
    let p = patterns();
    if let Some(c) = p.windows_name().captures(text) {
        let server = c.name("server").is_some();
        let ver = lossy(&c["ver"]).to_ascii_lowercase();
        let r2 = c.name("r2").is_some();
        let id = match (server, ver.as_str(), r2) {
            (false, "xp", _) => "xp",
            (false, "vista", _) => "vista",
            (false, "7", _) => "7",
            (false, "8", _) => "8",
            (false, "8.1", _) => "8.1",
            (false, "10", _) => "10",
            (false, "11", _) => "11",
            (true, "2003", _) => "server2003",
            (true, "2008", false) => "server2008",
            (true, "2008", true) => "server2008r2",
            (true, "2012", false) => "server2012",
            (true, "2012", true) => "server2012r2",
            (true, "2016", _) => "server2016",
            (true, "2019", _) => "server2019",
            (true, "2022", _) => "server2022",
            (true, "2025", _) => "server2025",
            _ => return None,
        };
        return Some(id);
    }
    if let Some(c) = p.nt_version().captures(text) {
        let major: u32 = lossy(&c[1]).parse().ok()?;
        let minor: u32 = lossy(&c[2]).parse().ok()?;
        let build: u32 = lossy(&c[3]).parse().ok()?;
        // Client and server share NT versions; a bare version number is taken as the client Windows, which is
        // what people with a failing update mostly run. Server logs name themselves in their headers.
        return match (major, minor) {
            (5, 1) => Some("xp"),
            (5, 2) => Some("server2003"),
            (6, 0) => Some("vista"),
            (6, 1) => Some("7"),
            (6, 2) => Some("8"),
            (6, 3) => Some("8.1"),
            (10, 0) if build >= 22000 => Some("11"),
            (10, 0) if build >= 10240 => Some("10"),
            _ => None,
        };
    }
    None
}

/// Recognises the kind of update or product a line names.
pub fn product_from_text(text: &[u8]) -> Option<&'static str> {
    let p = patterns();
    let hits = p.product().matches(text);
    // The order matters: a WinRE update title also says "Windows", a Defender one also says "Update".
    for (i, product) in PRODUCTS.iter().enumerate() {
        if hits.matched(i) {
            return Some(product.0);
        }
    }
    None
}

const PRODUCTS: &[(&str, &str)] = &[
    (
        "winre",
        r"(?i)KB50344(?:39|40|41)|KB5057589|Windows Recovery Environment|Safe OS Dynamic Update|WinRE",
    ),
    (
        "defender",
        r"(?i)KB2267602|KB2461484|Security Intelligence Update|Definition Update for (?:Microsoft|Windows) Defender|Microsoft Defender Antivirus|Windows Defender|\bDefender\b",
    ),
    // IIS-NetFxExtensibility (not ...45) is the .NET 3.5 extensibility of IIS: enabling it enables NetFx3.
    (
        "dotnet",
        r"(?i)(?:\.|\b)NET Framework|NetFx3|IIS-NetFxExtensibility\b|NDP[0-9]",
    ),
    (
        "office",
        r"(?i)Microsoft Office|Office (?:2003|2007|2010|2013|2016)|\bOffice updates?\b|Outlook|Excel|PowerPoint|OneNote",
    ),
    (
        "windows",
        r"(?i)Cumulative Updates? for Windows|\bcumulative updates?\b|Servicing Stack Update|Security Monthly Quality Rollup|Feature update to Windows",
    ),
];

const KB: &str = r"(?i)\bKB ?([0-9]{6,7})\b";
const WINDOWS_NAME: &str = r"(?i)\bWindows(?:®|\(R\))? (?P<server>Server(?:®|\(R\))? )?(?P<ver>XP|Vista|7|8\.1|8|10|11|2003|2008|2012|2016|2019|2022|2025)\b(?: [A-Za-z]+)?(?P<r2> R2)?";
const NT_VERSION: &str = r"\b(5|6|10)\.([0-3])\.([0-9]{4,5})\b";
const DOTNET: &str =
    r"(?i)(?:\.|\b)NET Framework,? (?:version )?v?([1-4](?:\.[0-9]){1,2}(?: ?SP ?[12])?)";

/// The facts [`learn_from_line`] learns, in the order of their bits in [`unknown`].
const LEARNED: [Fact; 4] = [Fact::Kb, Fact::Windows, Fact::DotnetTarget, Fact::Product];

/// The bit of a fact [`learn_from_line`] learns, in [`unknown`]'s set (0 for any other fact).
pub(crate) fn bit(fact: Fact) -> u8 {
    LEARNED
        .iter()
        .position(|f| *f == fact)
        .map_or(0, |i| 1 << i)
}

/// The facts [`learn_from_line`] may still learn, as bits ([`bit`]): a line can only teach a fact not yet
/// known.
pub(crate) fn unknown(facts: &Facts) -> u8 {
    LEARNED
        .iter()
        .filter(|f| !has(facts, **f))
        .fold(0, |bits, f| bits | bit(*f))
}

/// Whether the KB number's pattern of [`line_patterns`] (`\bkb ?[0-9]{6}`) matches at `at` in `text`, with
/// ASCII letters in any case: the scanner's search for it in the text itself (a test checks that both agree).
pub(crate) fn kb_at(text: &[u8], at: usize) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if at > 0 && text.get(at - 1).is_some_and(|&b| word(b)) {
        return false;
    }
    let Some(rest) = text.get(at..) else {
        return false;
    };
    let Some(rest) = rest
        .get(..2)
        .filter(|k| k.eq_ignore_ascii_case(b"kb"))
        .map(|_| &rest[2..])
    else {
        return false;
    };
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    rest.get(..6)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// Patterns that match, somewhere in the ASCII-lowercased line, every line [`learn_from_line`] can learn one
/// of the `unknown` facts from (see [`unknown`]): the words, and apart the KB number's pattern. The scanner
/// searches a lowercased copy of the text for the words: case-sensitive literals make a fast search, where the
/// facts' own case-insensitive patterns would make a slow one. The KB number's pattern it searches in the text
/// itself, by hand ([`kb_at`]).
///
/// The search stops wherever the first four bytes of a literal occur (its first three when a literal is that
/// short), so each literal starts with bytes that are rare in logs: `ows ` rather than `windows `, which
/// every `C:\Windows\` path would stop. The KB number's pattern starts with three (`kb0`): it is searched
/// on its own, so as not to cut every other literal to three bytes.
pub(crate) fn line_patterns(unknown: u8) -> (Vec<&'static str>, Option<&'static str>) {
    let mut out = Vec::new();
    // KB, after a word boundary as in the facts' own pattern: `Package_for_KB5034441`, on thousands of CBS
    // lines, teaches no KB, and must not make each of them a candidate.
    let kb = (unknown & bit(Fact::Kb) != 0).then_some(r"\bkb ?[0-9]{6}");
    if unknown & bit(Fact::Windows) != 0 {
        // WINDOWS_NAME (`windows 10`, `windows® 7`, `windows(r) xp`); NT_VERSION, only the versions
        // `windows_from_text` names (it reads the first version on a line, and a line whose first names none
        // teaches nothing)
        out.extend([
            r"ows |ows® |ows\(r\) ",
            r"(?:5\.[12]|6\.[0-3]|10\.0)\.[0-9]{4}",
        ]);
    }
    if unknown & bit(Fact::DotnetTarget) != 0 {
        // DOTNET
        out.push(r"net framework");
    }
    if unknown & bit(Fact::Product) != 0 {
        // PRODUCTS, in order
        out.extend([
            r"kb50344|kb5057589|recovery environment|safe os dynamic update|winre",
            r"kb2267602|kb2461484|security intelligence update|definition update for|defender",
            // `netfx` covers `NetFx3` and `IIS-NetFxExtensibility`
            r"net framework|netfx|ndp[0-9]",
            // `office` covers `Microsoft Office`, `Office 2016`, `Office update`; `nenote` is OneNote (every
            // `component` would stop `onen`)
            r"office|outlook|excel|powerpoint|nenote",
            r"cumulative update|servicing stack update|security monthly quality rollup|feature update to windows",
        ]);
    }
    (out, kb)
}

/// The facts' patterns, each compiled the first time a line needs it: compiling a regex costs far more than
/// running it on a line, and most lines that pass `any` need only one or two of the others (an MSI log's
/// `ProductName` line, asked whether it names a product, needs none).
#[derive(Default)]
struct Patterns {
    any: OnceLock<Regex>,
    kb: OnceLock<Regex>,
    windows_name: OnceLock<Regex>,
    nt_version: OnceLock<Regex>,
    dotnet: OnceLock<Regex>,
    product: OnceLock<regex::bytes::RegexSet>,
}

impl Patterns {
    fn any(&self) -> &Regex {
        self.any.get_or_init(|| re(r"(?i)KB[0-9]{6}|Windows|NET Framework|\.NET|NetFx|NDP|Office|Defender|WinRE|Recovery Environment|Security Intelligence|Cumulative|Servicing Stack|Rollup|[0-9]{1,2}\.[0-9]\.[0-9]{4}"))
    }
    fn kb(&self) -> &Regex {
        self.kb.get_or_init(|| re(KB))
    }
    fn windows_name(&self) -> &Regex {
        self.windows_name.get_or_init(|| re(WINDOWS_NAME))
    }
    fn nt_version(&self) -> &Regex {
        self.nt_version.get_or_init(|| re(NT_VERSION))
    }
    fn dotnet(&self) -> &Regex {
        self.dotnet.get_or_init(|| re(DOTNET))
    }
    fn product(&self) -> &regex::bytes::RegexSet {
        // Through the scanner's sets: without Unicode tables, `(?i)` only compiles with Unicode off; without a
        // prefilter, whose case-insensitive literals cost more to build than the set's searches.
        self.product.get_or_init(|| {
            crate::re::re_set_no_prefilter(&PRODUCTS.iter().map(|p| p.1).collect::<Vec<_>>())
        })
    }
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(Patterns::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written check of the KB number's pattern agrees with the pattern on the lowercased text.
    #[test]
    fn kb_at_is_the_kb_pattern() {
        let pattern = re(line_patterns(1).1.unwrap_or_default());
        let texts = [
            "KB123456",
            "kb 1234567",
            "Kb12345",
            "xKB123456",
            "_kb123456",
            "(KB5034441)",
            "kB 12345a",
            "KB  123456",
            "Package_for_KB5034441~31bf",
            "kb",
            "k",
            "",
            "see KB 123456.",
            "KB12345612",
        ];
        for text in texts {
            let lower = text.to_ascii_lowercase();
            for at in 0..=text.len() {
                let by_hand = kb_at(text.as_bytes(), at);
                let by_regex = pattern
                    .find_at(lower.as_bytes(), at)
                    .is_some_and(|m| m.start() == at);
                assert_eq!(by_hand, by_regex, "{text:?} at {at}");
            }
        }
    }
}
