//! WiX Burn bundle logs: `[PID:TID][YYYY-MM-DDTHH:MM:SS]{i|w|e}NNN: message`.
//!
//! A failure shows as a cascade of `e000: Error 0x…: Failed to …` lines with one HRESULT, each caller adding
//! its own line: the first one of the cascade says the most (`Failed to find expected public key in
//! certificate chain`), the later ones only where it was called from. Payload problems have their own
//! messages (e054 resolve, e310 verify, e314 cache). When a package's own installer failed (`Failed to install
//! MSI package`, `i319: Applied execute package: X, result: 0x80070643`), the cause is in that package's log,
//! whose path the bundle set in `WixBundleLog_<package>`. Retries (w348, e349) repeat a cascade; i366 says a
//! package's exit code was translated (0x666 → success); i399 and i007 give the bundle's result.

use std::sync::OnceLock;

use regex::bytes::Regex;

use crate::facts;
use crate::read::{Line, Output, re};
use kb::cause::{self, CauseId};
use kb::tree;
use model::diagnosis::{Role, Verdict};
use model::facts::Fact;

#[derive(Default)]
pub struct BurnLog {
    /// The first error line of the first cascade.
    first_error: Option<usize>,
    /// The HRESULT of that first cascade.
    first_hr: Option<u32>,
    /// Whether the first error is a package's own installer failing (its log holds the cause).
    package_failure: bool,
    /// The first `i319: Applied execute package: X, result: 0x8…` (failed package), and its package.
    failed_package: Option<(usize, String)>,
    /// The bundle's result from i399 (apply) or i007 (exit code), and from i199/i299 when nonzero.
    apply_result: Option<u32>,
    exit_code: Option<u32>,
    phase_failure: Option<usize>,
    /// `WixBundleLog_<package>` values: (package, path).
    package_logs: Vec<(String, String)>,
    bundle_name: Option<String>,
    errors: u32,
}

struct Patterns {
    line: Regex,
    /// Burn 3.6 and earlier write no level and message id: `[4604:3BD4][2017-11-01T22:07:33]: Apply complete…`.
    bare_line: Regex,
    hr: Regex,
    result: Regex,
    package: Regex,
    package_log: Regex,
    bundle_name: Regex,
    os: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // The prefix may be whole, cut at the front (`FB24:F184][…]`) or gone (`i320: …`).
        line: re(
            r"^[ \t]*(?:\[?[0-9A-Fa-f]{1,5}:[0-9A-Fa-f]{1,5}\]\[[0-9T:. -]{0,30}\])?([iwe])([0-9]{3}): ?(.*)$",
        ),
        bare_line: re(r"^[ \t]*\[[0-9A-Fa-f]{1,5}:[0-9A-Fa-f]{1,5}\]\[[0-9T:. -]{0,30}\]: ?(.*)$"),
        hr: re(r"(?i)(?:Error|error:|result:|encountered error:|Exit code:) (0x[0-9a-f]{1,8})\b"),
        result: re(r"(?i)(?:result|Exit code): (0x[0-9a-f]{1,8})\b"),
        package: re(r"(?:execute package|of package|package): ([^,]+),"),
        package_log: re(r"variable 'WixBundleLog_([^']+)' to value '([^']+)'"),
        bundle_name: re(r"variable 'WixBundleName' to value '([^']+)'"),
        os: re(r"Windows v([0-9]+)\.([0-9]+) \(Build ([0-9]+)"),
    })
}

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn hex(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b).ok()?;
    u32::from_str_radix(s.trim_start_matches("0x").trim_start_matches("0X"), 16).ok()
}

/// Messages that report an MSI, EXE or MSU package's own failure: the package's log holds the cause.
fn is_package_failure(msg: &str) -> bool {
    [
        "Failed to install MSI package",
        "Failed to execute MSI package",
        "Failed to configure per-machine MSI package",
        "Failed to configure per-user MSI package",
        "Failed to uninstall MSI package",
        "Failed to execute EXE package",
        "Failed to run EXE package",
        "Failed to execute MSU package",
        "Failed to install MSP package",
        "Failed to execute MSP package",
    ]
    .iter()
    .any(|m| msg.contains(m))
}

/// The level and message id of a line that Burn 3.6 and earlier wrote without them, from its words: only the
/// messages this reader acts on.
fn bare_id(msg: &str) -> Option<(u8, u32)> {
    const KNOWN: &[(&str, u8, u32)] = &[
        ("Error 0x", b'e', 0),
        ("Burn v", b'i', 1),
        ("Setting string variable 'WixBundle", b'i', 0),
        ("Detect complete, result:", b'i', 199),
        ("Plan complete, result:", b'i', 299),
        ("Applied execute package:", b'i', 319),
        ("Apply complete, result:", b'i', 399),
        ("Exit code:", b'i', 7),
    ];
    KNOWN
        .iter()
        .find(|(start, _, _)| msg.starts_with(start))
        .map(|&(_, level, id)| (level, id))
}

/// HRESULTs that only say "the package failed", never why.
fn is_generic(hr: u32) -> bool {
    matches!(hr, 0x8007_0643 | 0x8007_0641 | 0x8000_4005)
}

/// A cause id for a Burn error, from what the message says (the codes' own causes come from the knowledge base).
fn cause_for(kind: u32, msg: &str, hr: Option<u32>) -> Option<CauseId> {
    let m = msg.to_ascii_lowercase();
    if kind == 54 || m.contains("failed to resolve source") {
        return Some(cause::BURN_PAYLOAD_MISSING);
    }
    // 0x80070642 is 1602, cause::CANCELLED. While a payload is fetched it means the prompt for the file's location
    // was cancelled (the file is missing); anywhere else the bundle or its user interface stopped the
    // installation ("Bootstrapper application aborted").
    if hr == Some(0x8007_0642) {
        let fetching = ["payload", "source", "acquire", "cache", "container"]
            .iter()
            .any(|w| m.contains(w));
        return Some(if fetching {
            cause::BURN_PAYLOAD_MISSING
        } else {
            cause::CANCELLED
        });
    }
    // A signature the bundle does not accept is not a damaged download: downloading the same file again fails
    // the same way (Microsoft re-signed redistributables that bundles pin by public key), so it has its own cause.
    if m.contains("certificate chain")
        || m.contains("authenticode")
        || m.contains("verify signature")
    {
        return Some(cause::BURN_PAYLOAD_CERTIFICATE);
    }
    if matches!(kind, 310) || m.contains("hash") {
        return Some(cause::BURN_PAYLOAD_SIGNATURE);
    }
    None
}

/// Every line [`BurnLog`] acts on holds one of these: any error (`e000: `), the results it reads (i007, i199,
/// i299, i319, i399), the variables it keeps (i000) and the OS line (i001). A superset: the line's own
/// pattern still decides.
const PREFILTER: &[&str] = &[
    r"e[0-9]{3}:|i(?:007|199|299|319|399):",
    r"WixBundle(?:Log_|Name)|Windows v",
    // The same lines without level and id (Burn 3.6 and earlier).
    r"\]: (?:Error 0x|Detect complete|Plan complete|Applied execute|Apply complete|Exit code)",
];

impl super::LogReader for BurnLog {
    fn prefilter(&self) -> Option<&'static [&'static str]> {
        Some(PREFILTER)
    }

    fn line(&mut self, line: &Line<'_>, out: &mut Output) {
        let p = patterns();
        let bytes = line.text.as_bytes();
        let (level, id, msg) = if let Some(c) = p.line.captures(bytes) {
            (c[1][0], text_of(&c[2]).parse().unwrap_or(0), text_of(&c[3]))
        } else if let Some(c) = p.bare_line.captures(bytes) {
            let msg = text_of(&c[1]);
            let Some((level, id)) = bare_id(&msg) else {
                return;
            };
            (level, id, msg)
        } else {
            return;
        };
        let hr = p.hr.captures(bytes).and_then(|c| hex(&c[1]));
        match (level, id) {
            (b'i', 0) => {
                if let Some(c) = p.package_log.captures(bytes) {
                    if self.package_logs.len() < 32 {
                        self.package_logs.push((text_of(&c[1]), text_of(&c[2])));
                    }
                } else if let Some(c) = p.bundle_name.captures(bytes) {
                    self.bundle_name.get_or_insert_with(|| text_of(&c[1]));
                }
            }
            (b'i', 1) => {
                if let Some(c) = p.os.captures(bytes) {
                    let v = format!("{}.{}.{}", text_of(&c[1]), text_of(&c[2]), text_of(&c[3]));
                    if let Some(w) = facts::windows_from_text(v.as_bytes()) {
                        out.facts.learn(Fact::Windows, w);
                    }
                    out.facts.learn(Fact::WindowsBuild, text_of(&c[3]));
                }
            }
            (b'i', 199 | 299) => {
                let r = p.result.captures(bytes).and_then(|c| hex(&c[1]));
                if r.is_some_and(|r| r != 0) && self.phase_failure.is_none() {
                    self.phase_failure = out.finding(
                        line,
                        Role::Summary,
                        "The bundle's detect or plan phase failed.",
                    );
                }
            }
            (b'i', 319) => {
                let r = p.result.captures(bytes).and_then(|c| hex(&c[1]));
                if r.is_some_and(|r| r != 0 && r != 0xbc2 && r != 0xbc3)
                    && self.failed_package.is_none()
                    && msg.contains("execute package")
                {
                    let package = p
                        .package
                        .captures(bytes)
                        .map(|c| text_of(&c[1]).trim().to_string())
                        .unwrap_or_default();
                    if let Some(idx) = out.finding(
                        line,
                        Role::Failure,
                        format!("The package {package} failed."),
                    ) {
                        out.detail(idx, "package", package.clone());
                        self.failed_package = Some((idx, package));
                    }
                }
            }
            (b'i', 399) => {
                self.apply_result = p.result.captures(bytes).and_then(|c| hex(&c[1]));
                if self
                    .apply_result
                    .is_some_and(|r| r != 0 && r != 0xbc2 && r != 0xbc3)
                {
                    out.finding(line, Role::Summary, "The bundle's apply phase failed.");
                }
            }
            (b'i', 7) => {
                self.exit_code = p.result.captures(bytes).and_then(|c| hex(&c[1]));
                if self
                    .exit_code
                    .is_some_and(|r| matches!(r, 0 | 0xbc2 | 0xbc3))
                {
                    out.finding(line, Role::Success, "The bundle finished without error.");
                }
            }
            (b'e', _) => {
                self.errors += 1;
                if self.first_error.is_some() {
                    return;
                }
                let summary = match hr {
                    Some(h) => format!("Burn error 0x{h:08x}: {}", msg.trim()),
                    None => format!("Burn error: {}", msg.trim()),
                };
                let role = if is_package_failure(&msg) && hr.is_none_or(is_generic) {
                    Role::Failure
                } else {
                    Role::Cause
                };
                if let Some(idx) = out.finding(line, role, summary) {
                    if let Some(c) = cause_for(id, &msg, hr) {
                        out.cause(idx, c);
                    } else if let Some(c) = tree::cause_id_for_codes(&out.findings[idx].codes) {
                        out.cause(idx, c);
                    }
                    if let Some(c) = p.package.captures(bytes) {
                        out.detail(idx, "package", text_of(&c[1]).trim().to_string());
                    }
                    self.first_error = Some(idx);
                    self.first_hr = hr;
                    self.package_failure = is_package_failure(&msg);
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, out: &mut Output) {
        if let Some(n) = &self.bundle_name {
            out.facts.learn(Fact::ProductName, n.clone());
        }
        // Without the bundle's name, the package that failed is what was being installed.
        if let Some((_, p)) = self.failed_package.as_ref().filter(|p| !p.1.is_empty()) {
            out.facts.learn(Fact::ProductName, p.clone());
        }
        let ok = |r: u32| matches!(r, 0 | 0xbc2 | 0xbc3);
        let final_result = self.exit_code.or(self.apply_result);
        let failed = match final_result {
            Some(r) => !ok(r),
            None => {
                self.first_error.is_some()
                    || self.failed_package.is_some()
                    || self.phase_failure.is_some()
            }
        };
        out.verdict = Some(if failed {
            Verdict::Failed
        } else if final_result.is_some() {
            if final_result.is_some_and(|r| r != 0) {
                out.facts.learn(Fact::RestartPending, "yes");
            }
            Verdict::Succeeded
        } else {
            Verdict::Inconclusive
        });
        if !failed {
            return;
        }
        // A package's own failure with a generic code: the Burn log names the package, not the cause.
        let generic = self.first_hr.is_none_or(is_generic);
        let no_cause = self.first_error.is_none() || (self.package_failure && generic);
        let root = if no_cause {
            self.failed_package
                .as_ref()
                .map(|p| p.0)
                .or(self.first_error)
                .or(self.phase_failure)
                .or_else(|| out.findings.iter().position(|f| f.role == Role::Summary))
        } else {
            self.first_error
        };
        out.root = root;
        let Some(idx) = root else {
            return;
        };
        if no_cause {
            out.cause(idx, cause::NO_CAUSE_IN_LOG);
            let package = self
                .failed_package
                .as_ref()
                .map(|p| p.1.clone())
                .or_else(|| {
                    out.findings[idx]
                        .details
                        .iter()
                        .find(|d| d.label == "package")
                        .map(|d| d.value.clone())
                });
            let log = package.as_ref().and_then(|p| {
                self.package_logs
                    .iter()
                    .find(|(k, _)| k == p)
                    .map(|(_, v)| v.clone())
            });
            if let Some(log) = &log {
                out.detail(idx, "package log", log.clone());
                out.facts.learn(Fact::LogPath, log.clone());
            }
            out.note(match (&package, &log) {
                (_, Some(log)) => format!("The bundle only reports that a package failed; the cause is in the package's own log: {log}"),
                (Some(p), None) => format!("The bundle only reports that the package {p} failed; the cause is in that package's own log, which Burn writes next to the bundle's log in %TEMP% (named after the bundle, ending _{p}.log)."),
                _ => "The bundle only reports that a package failed; the cause is in the package's own log, which Burn writes next to the bundle's log in %TEMP%.".to_string(),
            });
        }
        if let Some(n) = &self.bundle_name {
            out.detail(idx, "bundle", n.clone());
        }
    }
}
