//! The redaction patterns: regexes that find user, computer and domain names, SIDs, addresses and serials in
//! text (the values `redact` replaces; its module doc lists them). Only with the `patterns` feature: the CLI
//! and the page's worker, which carry the regex engine anyway; the page redacts with the [`Lexicon`] the
//! worker found with them.

use std::rc::Rc;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};

use model::diagnosis::Diagnosis;
use model::lexicon::{Found, Lexicon, RedactionKind};
use scan::re::{re, re_set};

use crate::redact::{Finder, Hit, Redacted, Redactor, ipv4_in_context, is_ipv4, kept, texts_of};

/// The patterns themselves.
pub(crate) struct Patterns;

impl Finder for Patterns {
    fn find(&self, text: &[u8]) -> Vec<Hit> {
        structural_hits(text)
    }
}

impl Redactor {
    /// A redactor that finds values with the patterns.
    pub fn new() -> Redactor {
        Redactor::with_finder(Rc::new(Patterns))
    }
}

impl Default for Redactor {
    fn default() -> Redactor {
        Redactor::new()
    }
}

/// Redacts one text on its own: learns the names it holds, then replaces them everywhere in it.
pub fn redact(text: &str) -> Redacted {
    let mut r = Redactor::new();
    r.learn(text);
    r.redact(text)
}

/// Runs the patterns over every text of a diagnosis that a redactor may see ([`texts_of`]).
pub fn lexicon_of_diagnosis(d: &Diagnosis) -> Lexicon {
    let mut found = Vec::new();
    for text in &texts_of(d) {
        for h in structural_hits(text.as_bytes()) {
            if let (Some(context), Some(_)) = (text.get(h.from..h.end), text.get(h.start..h.end)) {
                found.push(Found {
                    text: context.to_string(),
                    at: h.start - h.from,
                    kind: h.kind,
                });
            }
        }
    }
    Lexicon::from_found(found)
}

/// One pattern: which capture groups hold what.
struct Pattern {
    regex: &'static str,
    groups: &'static [(usize, RedactionKind)],
}

use RedactionKind as K;

/// The patterns, each a constant checked by tests. Unicode is off: classes are ASCII or byte ranges, and
/// `[^…]` classes stop only at ASCII delimiters, so names in any script are taken whole.
const PATTERNS: &[Pattern] = &[
    // 0: a profile folder: the name may hold up to three words when a separator follows it.
    Pattern {
        regex: r#"(?i)[\\/](?:Users|Documents and Settings|home)[\\/]+(?:([^\\/:*?"<>|\r\n\t ]{1,64}(?: [^\\/:*?"<>|\r\n\t ]{1,64}){0,2})[\\/]|([^\\/:*?"<>|\r\n\t '`,;()\[\]]{1,64}))"#,
        groups: &[(1, K::UserName), (2, K::UserName)],
    },
    // 1: the same, URL-encoded.
    Pattern {
        regex: r"(?i)%5C(?:Users|Documents%20and%20Settings)%5C([A-Za-z0-9._~-]{1,64})",
        groups: &[(1, K::UserName)],
    },
    // 2: the MSI property dump: `Property(S): ComputerName = NAME` (to the end of the line).
    Pattern {
        regex: r"(?i)\bProperty\([A-Z]\): (?:(LogonUser|USERNAME|RegisteredOwner)|(ComputerName|CLIENTNAME|LOGONSERVER)|(USERDOMAIN|USERDNSDOMAIN)|(COMPANYNAME|ORGANIZATION|RegisteredOrganization)) = ([^\r\n]{1,128})",
        groups: &[],
    },
    // 3: a property on a command line: `USERNAME="alice"` or `USERNAME=alice`.
    Pattern {
        regex: r#"(?i)(?:^|[^A-Za-z0-9_])(?:(LogonUser|USERNAME|RegisteredOwner)|(ComputerName|CLIENTNAME|LOGONSERVER)|(USERDOMAIN|USERDNSDOMAIN)|(COMPANYNAME|ORGANIZATION|RegisteredOrganization))=(?:"([^"\r\n]{1,128})"|([^ \t\r\n"]{1,128}))"#,
        groups: &[],
    },
    // 4: a property change: `Adding USERNAME property. Its value is 'alice'.`
    Pattern {
        regex: r"(?i)\b(?:(LogonUser|USERNAME|RegisteredOwner)|(ComputerName|CLIENTNAME|LOGONSERVER)|(USERDOMAIN|USERDNSDOMAIN)|(COMPANYNAME|ORGANIZATION|RegisteredOrganization)) property\. Its (?:current )?value is '([^'\r\n]{1,128})'(?:\. Its new value: '([^'\r\n]{1,128})')?",
        groups: &[],
    },
    // 5: event exports and similar: `Computer: NAME`, `Machine name: NAME`.
    Pattern {
        regex: r"(?im)(?:^|[(\t ])(?:Computer|Computer ?Name|Machine ?Name|Host ?Name|Workstation)[ \t]*[:=][ \t]*([A-Za-z0-9][A-Za-z0-9._-]{0,62})",
        groups: &[(1, K::ComputerName)],
    },
    // 6: an account: `User: DOMAIN\alice`, `Account Name: alice`, `run as CORP\bob`.
    Pattern {
        regex: r"(?i)\b(?:(?:User|User ?Name|Account|Account ?Name|Logon ?User|Benutzer|Konto)[ \t]*[:=][ \t]*(?:([A-Za-z0-9][A-Za-z0-9._-]{0,62}|NT AUTHORITY|NT SERVICE)\\)?([A-Za-z0-9][A-Za-z0-9._$-]{0,62})|(?:run as|logged on as)[ \t]+([A-Za-z0-9][A-Za-z0-9._-]{0,62})\\([A-Za-z0-9][A-Za-z0-9._$-]{0,62}))\b",
        groups: &[
            (1, K::DomainName),
            (2, K::UserName),
            (3, K::DomainName),
            (4, K::UserName),
        ],
    },
    // 7: the FRST header: `Ran by alice (administrator) on PCNAME (maker) (date)`.
    Pattern {
        regex: r"Ran by ([^ ()\r\n]{1,64})(?: \([^)\r\n]{0,40}\) on ([A-Za-z0-9_-]{1,63}) \()?",
        groups: &[(1, K::UserName), (2, K::ComputerName)],
    },
    // 8: a UNC path: `\\PCNAME\share` (not `\\?\` or `\\.\`).
    Pattern {
        regex: r"(?:^|[^A-Za-z0-9_:\\])\\\\([A-Za-z0-9][A-Za-z0-9_-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,6})\\",
        groups: &[(1, K::ComputerName)],
    },
    // 9: Windows' default computer names.
    Pattern {
        regex: r"\b((?:DESKTOP|LAPTOP|WIN)-[A-Z0-9]{6,12})\b",
        groups: &[(1, K::ComputerName)],
    },
    // 10: account SIDs (domain or local accounts, Entra ID accounts).
    Pattern {
        regex: r"\b(S-1-(?:5-21|12-1)-[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,10}(?:-[0-9]{1,10})?)\b",
        groups: &[(1, K::Sid)],
    },
    // 11: e-mail addresses.
    Pattern {
        regex: r"\b([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})\b",
        groups: &[(1, K::Email)],
    },
    // 12: IPv4, checked further in code (versions look the same).
    Pattern {
        regex: r"\b((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})\b",
        groups: &[(1, K::IpAddress)],
    },
    // 13: IPv6 candidates, checked further in code.
    Pattern {
        regex: r"(?i)(?:^|[^A-Za-z0-9:.])([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})",
        groups: &[(1, K::IpAddress)],
    },
    // 14: product keys.
    Pattern {
        regex: r"\b([A-Z0-9]{5}(?:-[A-Z0-9]{5}){4})\b",
        groups: &[(1, K::Serial)],
    },
    // 15: labelled serial numbers and keys.
    Pattern {
        regex: r#"(?i)\b(?:serial(?:[ _]?(?:number|no\.?))?|S/N|PIDKEY|product[ _]?key|ProductID|DigitalProductId|license[ _]?key)[ \t]*(?:[:=]|\bis\b)[ \t]*['"]?([A-Za-z0-9][A-Za-z0-9-]{3,63})"#,
        groups: &[(1, K::Serial)],
    },
];

/// For patterns 2–4: the kind is told by which property group matched; the value groups follow.
const PROPERTY_KINDS: [RedactionKind; 4] =
    [K::UserName, K::ComputerName, K::DomainName, K::Organization];

struct Compiled {
    set: RegexSet,
    each: Vec<Regex>,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let sources: Vec<&str> = PATTERNS.iter().map(|p| p.regex).collect();
        Compiled {
            set: re_set(&sources),
            each: sources.iter().map(|s| re(s)).collect(),
        }
    })
}

/// Every value the patterns find in a text, in input offsets, possibly overlapping. Works line by line:
/// one pass of the set per line, captures only on the lines it hits.
fn structural_hits(bytes: &[u8]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        if end >= start {
            let before = hits.len();
            line_hits(&bytes[start..end], &mut hits);
            for h in &mut hits[before..] {
                h.from += start;
                h.start += start;
                h.end += start;
            }
        }
        start = end + 1;
    }
    hits
}

fn line_hits(bytes: &[u8], hits: &mut Vec<Hit>) {
    let c = compiled();
    if bytes.is_empty() {
        return;
    }
    for i in c.set.matches(bytes).iter() {
        let (Some(regex), Some(p)) = (c.each.get(i), PATTERNS.get(i)) else {
            continue;
        };
        for caps in regex.captures_iter(bytes) {
            let from = caps.get(0).map_or(0, |m| m.start());
            if (2..=4).contains(&i) {
                // Property patterns: groups 1–4 say the kind, groups 5 and 6 hold values.
                let kind = (1..=4)
                    .find(|g| caps.get(*g).is_some())
                    .map(|g| PROPERTY_KINDS[g - 1]);
                let Some(kind) = kind else { continue };
                for g in [5, 6] {
                    if let Some(m) = caps.get(g) {
                        push_value(hits, bytes, from, m.start(), m.end(), kind);
                    }
                }
                continue;
            }
            for &(g, kind) in p.groups {
                let Some(m) = caps.get(g) else { continue };
                let (start, end) = (m.start(), m.end());
                match i {
                    12 if !ipv4_in_context(bytes, start, end) => continue,
                    13 if !is_ipv6(&bytes[start..end]) => continue,
                    8 if is_ipv4(&bytes[start..end]) => {
                        push_value(hits, bytes, from, start, end, K::IpAddress);
                        continue;
                    }
                    _ => {}
                }
                push_value(hits, bytes, from, start, end, kind);
            }
        }
    }
}

/// Adds a hit unless the value is a well-known, non-personal one. Trailing spaces are left out.
fn push_value(
    hits: &mut Vec<Hit>,
    bytes: &[u8],
    from: usize,
    start: usize,
    mut end: usize,
    kind: RedactionKind,
) {
    while end > start && matches!(bytes[end - 1], b' ' | b'\t' | b'.' | b',') {
        end -= 1;
    }
    if end <= start {
        return;
    }
    let lower = String::from_utf8_lossy(&bytes[start..end]).to_ascii_lowercase();
    if kept(&lower) {
        return;
    }
    if kind == K::Serial && matches!(lower.as_str(), "null" | "true" | "false" | "unknown") {
        return;
    }
    hits.push(Hit {
        from: from.min(start),
        start,
        end,
        kind,
    });
}

/// An IPv6 address: up to eight groups of up to four hex digits, `::` at most once; the full form has eight
/// groups. Timestamps (`05:15:50:171`) have neither eight groups nor `::`.
fn is_ipv6(b: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(b) else {
        return false;
    };
    let compressed = s.matches("::").count();
    if compressed > 1 || s.contains(":::") {
        return false;
    }
    let groups: Vec<&str> = s.split(':').filter(|g| !g.is_empty()).collect();
    if groups.iter().any(|g| g.len() > 4) || !s.bytes().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if compressed == 1 {
        (2..=7).contains(&groups.len())
    } else {
        groups.len() == 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for p in PATTERNS {
            assert!(
                regex::bytes::RegexBuilder::new(p.regex)
                    .unicode(false)
                    .build()
                    .is_ok(),
                "{}",
                p.regex
            );
        }
    }
}
