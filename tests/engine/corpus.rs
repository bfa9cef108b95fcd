//! The real corpus (`../shared/corpus`, never copied into the repository): every file is diagnosed through the
//! public API, fed in chunks, and scored against MANIFEST.tsv's explicit columns:
//!
//! - `verdict`: failed, succeeded or inconclusive (`-`: the log does not say; not scored);
//! - `lines`: the acceptable root-cause line numbers (`-`: none);
//! - `code`: the key code as the JSON contract writes it (`-`: none), which must be among the diagnosis' codes;
//! - `guide_regex`: words (a case-insensitive regex) the right guide contains (`-`: none).
//!
//! The test prints a scoreboard per corpus folder, so that a change that helps one format and hurts another
//! shows at once, and then every miss. Print it with `cargo test --test engine corpus -- --nocapture`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::bytes::{Regex, RegexBuilder};
use setup_triage::model::diagnosis::Role;
use setup_triage::{Answers, Diagnoser, Diagnosis, Verdict};

/// Where the corpus is: `SETUP_TRIAGE_CORPUS`, else `../shared/corpus` beside the repository.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SETUP_TRIAGE_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// Says, visibly, that a corpus test did not run.
pub fn skipped(test: &str) {
    println!(
        "skipped {test}: no corpus at $SETUP_TRIAGE_CORPUS or {}/../shared/corpus",
        env!("CARGO_MANIFEST_DIR")
    );
}

/// Every log of the corpus (MANIFEST.tsv left out), in its folders, sorted.
pub fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "MANIFEST.tsv") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One row of MANIFEST.tsv, as far as scoring goes.
#[derive(Debug, PartialEq)]
struct Entry {
    file: String,
    verdict: Option<Verdict>,
    lines: Vec<u64>,
    code: Option<String>,
    guide: Option<String>,
}

/// A cell, with `-` (and nothing) read as absent.
fn cell(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty() && s != "-").then_some(s)
}

fn parse_manifest(text: &str) -> Vec<Entry> {
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no `{name}` column"))
    };
    let (file, verdict, lines, code, guide) = (
        col("file"),
        col("verdict"),
        col("lines"),
        col("code"),
        col("guide_regex"),
    );
    rows.filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let at = |i: usize| cells.get(i).copied().and_then(cell);
            Entry {
                file: at(file).unwrap_or_default().to_string(),
                verdict: at(verdict).map(|v| match v {
                    "failed" => Verdict::Failed,
                    "succeeded" => Verdict::Succeeded,
                    "inconclusive" => Verdict::Inconclusive,
                    other => panic!("MANIFEST.tsv: unknown verdict `{other}`"),
                }),
                lines: at(lines)
                    .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
                    .unwrap_or_default(),
                code: at(code).map(str::to_string),
                guide: at(guide).map(str::to_string),
            }
        })
        .collect()
}

/// Diagnoses one file through the public API, in chunks of an odd size (to cut UTF-16 code units and CR LF).
fn diagnose(name: &str, bytes: &[u8]) -> Diagnosis {
    let mut d = Diagnoser::new();
    d.begin(name);
    for chunk in bytes.chunks(3001) {
        d.feed(chunk);
    }
    d.end();
    d.finish(&Answers::new())
}

/// The guide's own words (title, introduction, and each step's title, text, commands and check), which the
/// manifest's `guide_regex` is matched against. Sources are left out: a guide does not fit a cause because it
/// cites a page that mentions it.
fn guide_words(d: &Diagnosis) -> String {
    let g = &d.guide;
    let mut out = format!("{}\n{}\n", g.title, g.intro);
    for s in &g.steps {
        out.push_str(&format!(
            "{}\n{}\n{}\n{}\n",
            s.title,
            s.body,
            s.commands.join("\n"),
            s.check
        ));
    }
    out
}

/// Right out of scored, for one check.
#[derive(Clone, Copy, Default)]
struct Tally {
    right: usize,
    scored: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.scored += 1;
        self.right += usize::from(right);
    }
    fn percent(self) -> f64 {
        if self.scored == 0 {
            100.0
        } else {
            self.right as f64 * 100.0 / self.scored as f64
        }
    }
    fn cell(self) -> String {
        if self.scored == 0 {
            "-".into()
        } else {
            format!("{}/{}", self.right, self.scored)
        }
    }
}

/// The four checks, and the one that must never fail.
#[derive(Clone, Copy, Default)]
struct Score {
    verdict: Tally,
    line: Tally,
    code: Tally,
    guide: Tally,
    succeeded_called_failed: usize,
}

impl Score {
    fn merge(&mut self, o: &Score) {
        for (a, b) in [
            (&mut self.verdict, o.verdict),
            (&mut self.line, o.line),
            (&mut self.code, o.code),
            (&mut self.guide, o.guide),
        ] {
            a.right += b.right;
            a.scored += b.scored;
        }
        self.succeeded_called_failed += o.succeeded_called_failed;
    }
}

/// Scores one diagnosis against its row; returns the score and what was wrong, in words.
fn score(e: &Entry, d: &Diagnosis) -> (Score, Vec<String>) {
    let mut s = Score::default();
    let mut wrong = Vec::new();
    if let Some(want) = e.verdict {
        let right = d.verdict == want;
        s.verdict.add(right);
        if !right {
            wrong.push(format!("verdict {:?}, want {want:?}", d.verdict));
        }
        if want == Verdict::Succeeded && d.verdict == Verdict::Failed {
            s.succeeded_called_failed += 1;
        }
    }
    if !e.lines.is_empty() {
        // The evidence line: the root cause's, or for a success the first line that shows it.
        let line = d.root_cause.as_ref().map(|r| r.line).or_else(|| {
            d.findings
                .iter()
                .find(|f| d.verdict == Verdict::Succeeded && f.role == Role::Success)
                .map(|f| f.line)
        });
        let right = line.is_some_and(|l| e.lines.contains(&l));
        s.line.add(right);
        if !right {
            let got = match &d.root_cause {
                Some(r) => format!(
                    "line {}: {}",
                    r.line,
                    r.text.chars().take(80).collect::<String>()
                ),
                None => "no root cause".into(),
            };
            wrong.push(format!("cause {got}; want line {:?}", e.lines));
        }
    }
    if let Some(code) = &e.code {
        let right = d.codes.iter().any(|c| c.eq_ignore_ascii_case(code));
        s.code.add(right);
        if !right {
            wrong.push(format!("codes {:?}, want {code}", d.codes));
        }
    }
    if let Some(pattern) = &e.guide {
        let re: Regex = RegexBuilder::new(pattern)
            .case_insensitive(true)
            .unicode(false)
            .build()
            .unwrap_or_else(|err| panic!("{}: bad guide_regex: {err}", e.file));
        let right = re.is_match(guide_words(d).as_bytes());
        s.guide.add(right);
        if !right {
            wrong.push(format!("guide `{}` lacks /{pattern}/", d.guide.id));
        }
    }
    (s, wrong)
}

/// What main must hold (percentages). Issue 15's targets are 97 % of verdicts, 95 % of lines, 95 % of codes and
/// 90 % of guide checks; the floors sit at or above them, just under today's figures, and never fall.
const FLOOR_VERDICT: f64 = 99.0;
const FLOOR_LINE: f64 = 98.0;
const FLOOR_CODE: f64 = 97.0;
const FLOOR_GUIDE: f64 = 95.0;

#[test]
fn manifest_rows_parse() {
    let text = "file\tverdict\tlines\tcode\tguide_regex\n\
                a/x.log\tfailed\t3,5\t0x80070643\tnet framework|\\.net\n\
                b/y.log\t-\t-\t-\t-\n\
                b/z.log\tsucceeded\t\t-\t-\n";
    assert_eq!(
        parse_manifest(text),
        vec![
            Entry {
                file: "a/x.log".into(),
                verdict: Some(Verdict::Failed),
                lines: vec![3, 5],
                code: Some("0x80070643".into()),
                guide: Some("net framework|\\.net".into()),
            },
            Entry {
                file: "b/y.log".into(),
                verdict: None,
                lines: vec![],
                code: None,
                guide: None,
            },
            Entry {
                file: "b/z.log".into(),
                verdict: Some(Verdict::Succeeded),
                lines: vec![],
                code: None,
                guide: None,
            },
        ]
    );
}

#[test]
fn corpus_matches_manifest() {
    let Some(dir) = corpus_dir() else {
        skipped("corpus_matches_manifest");
        return;
    };
    let entries = parse_manifest(&std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap());
    let mut by_folder: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    let mut panics: Vec<String> = Vec::new();
    for e in &entries {
        let Ok(bytes) = std::fs::read(dir.join(&e.file)) else {
            unreadable.push(e.file.clone());
            continue;
        };
        let Ok(d) = std::panic::catch_unwind(|| diagnose(&e.file, &bytes)) else {
            panics.push(e.file.clone());
            continue;
        };
        let (s, wrong) = score(e, &d);
        let folder = e.file.split('/').next().unwrap_or_default().to_string();
        by_folder.entry(folder).or_default().merge(&s);
        if !wrong.is_empty() {
            let format = d.files.first().map(|f| f.format.as_str()).unwrap_or("");
            misses.push(format!("{} [{format}]: {}", e.file, wrong.join("; ")));
        }
    }
    let mut total = Score::default();
    println!("corpus: {} ({} rows)", dir.display(), entries.len());
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>9} {:>16}",
        "folder", "verdict", "line", "code", "guide", "succeeded→failed"
    );
    let row = |name: &str, s: &Score| {
        println!(
            "{name:<8} {:>9} {:>9} {:>9} {:>9} {:>16}",
            s.verdict.cell(),
            s.line.cell(),
            s.code.cell(),
            s.guide.cell(),
            s.succeeded_called_failed
        );
    };
    for (folder, s) in &by_folder {
        total.merge(s);
        row(folder, s);
    }
    row("all", &total);
    println!(
        "all, %   {:>9.1} {:>9.1} {:>9.1} {:>9.1}   (targets 97, 95, 95, 90)",
        total.verdict.percent(),
        total.line.percent(),
        total.code.percent(),
        total.guide.percent()
    );
    if !misses.is_empty() {
        println!("misses:");
        for m in &misses {
            println!("  {m}");
        }
    }
    assert!(
        unreadable.is_empty(),
        "missing from the corpus: {unreadable:?}"
    );
    assert!(panics.is_empty(), "diagnosing panicked on {panics:?}");
    // No succeeded log is ever called failed: a person told that a success failed goes on to "fix" it.
    assert_eq!(
        total.succeeded_called_failed, 0,
        "a succeeded log was called failed"
    );
    for (name, tally, floor) in [
        ("verdicts", total.verdict, FLOOR_VERDICT),
        ("root-cause lines", total.line, FLOOR_LINE),
        ("codes", total.code, FLOOR_CODE),
        ("guide checks", total.guide, FLOOR_GUIDE),
    ] {
        assert!(
            tally.percent() >= floor,
            "{name}: {} right is {:.1} %, below the floor of {floor} %",
            tally.cell(),
            tally.percent()
        );
    }
}
