//! The real corpus (`../shared/corpus`, never copied into the repository): every file is diagnosed through the
//! public API, fed in chunks, and compared with MANIFEST.tsv: the verdict against `outcome`, the root-cause
//! line against the line numbers the `root_cause` column names.
//!
//! Print the figures with `cargo test --test engine corpus -- --nocapture`.

use std::path::{Path, PathBuf};

use setup_triage::engine::{Answers, Diagnoser, Diagnosis, Verdict};

/// Where the corpus is: `SETUP_TRIAGE_CORPUS`, else `<repo>/../shared/corpus`, else `/work/shared/corpus`.
pub fn corpus_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SETUP_TRIAGE_CORPUS") {
        return Some(PathBuf::from(p));
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        repo.join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.join("MANIFEST.tsv").is_file())
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

/// One row of MANIFEST.tsv.
struct Entry {
    file: String,
    outcome: String,
    /// The root-cause lines the manifest names, as inclusive ranges.
    lines: Vec<(u64, u64)>,
}

/// The line numbers a `root_cause` text names as the cause: `line N`, `line N/M`, `line N-M`, `lines N-M`,
/// before the first `->` or `; then` (what follows is the chain of consequences), leaving out the references
/// to the failure marker itself (`Return value 3 (line 565)`).
fn cause_lines(text: &str) -> Vec<(u64, u64)> {
    let head = [" -> ", "; then"]
        .iter()
        .filter_map(|s| text.find(s))
        .min()
        .map_or(text, |i| &text[..i]);
    let mut out = Vec::new();
    let mut rest = head;
    let mut consumed = 0usize;
    while let Some(i) = rest.find("line") {
        let before = &head[..consumed + i];
        let after = &rest[i + 4..];
        let after = after.strip_prefix('s').unwrap_or(after);
        let step = i + 4;
        consumed += step;
        rest = &rest[step..];
        let Some(after) = after.strip_prefix(' ') else {
            continue;
        };
        let mut from = before.len().saturating_sub(25);
        while !before.is_char_boundary(from) {
            from -= 1;
        }
        let tail_before = &before[from..];
        if tail_before.contains("Return value") {
            continue;
        }
        // N, then any number of `/M` or `-M`.
        let mut nums: Vec<(u64, char)> = Vec::new();
        let mut s = after;
        let mut sep = ' ';
        loop {
            let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                break;
            }
            if let Ok(n) = digits.parse() {
                nums.push((n, sep));
            }
            s = &s[digits.len()..];
            match s.chars().next() {
                Some(c @ ('/' | '-')) if s[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                    sep = c;
                    s = &s[1..];
                }
                _ => break,
            }
        }
        for (k, &(n, sep)) in nums.iter().enumerate() {
            if sep == '-' && k > 0 {
                if let Some(last) = out.last_mut() {
                    let last: &mut (u64, u64) = last;
                    last.1 = n.max(last.0);
                }
            } else {
                out.push((n, n));
            }
        }
    }
    out
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(file), Some(outcome), Some(root)) = (col("file"), col("outcome"), col("root_cause"))
    else {
        panic!("MANIFEST.tsv lacks the file/outcome/root_cause columns");
    };
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_string();
            Entry {
                file: cell(file),
                outcome: cell(outcome),
                lines: cause_lines(&cell(root)),
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

#[test]
fn manifest_line_references_parse() {
    assert_eq!(
        cause_lines("line 501: 'x' -> y (line 508)."),
        vec![(501, 501)]
    );
    assert_eq!(
        cause_lines("line 535/537: 'Error 1406.' (see line ~22); then line 561"),
        vec![(535, 535), (537, 537)]
    );
    assert_eq!(cause_lines("line 4-6: \"x\""), vec![(4, 6)]);
    assert_eq!(
        cause_lines("lines 10-12 and line 3"),
        vec![(10, 12), (3, 3)]
    );
    assert_eq!(
        cause_lines("line 2580: 'Error 1925.' (Return value 3 line 2586). Preceded by line 61"),
        vec![(2580, 2580), (61, 61)]
    );
    assert_eq!(cause_lines(""), vec![]);
}

#[test]
fn corpus_matches_manifest() {
    let Some(dir) = corpus_dir() else {
        println!(
            "skipped: corpus not found at $SETUP_TRIAGE_CORPUS, {}/../shared/corpus or /work/shared/corpus",
            env!("CARGO_MANIFEST_DIR")
        );
        return;
    };
    let entries = manifest(&dir);
    let (mut failed_total, mut failed_right) = (0, 0);
    let (mut succeeded_total, mut succeeded_called_failed) = (0, 0);
    let mut agree = 0;
    let mut misses: Vec<String> = Vec::new();
    let mut panics: Vec<String> = Vec::new();
    let mut read = 0;
    for e in &entries {
        let path = dir.join(&e.file);
        let Ok(bytes) = std::fs::read(&path) else {
            misses.push(format!("{:<72} missing from the corpus", e.file));
            continue;
        };
        read += 1;
        let name = e.file.clone();
        let Ok(d) = std::panic::catch_unwind(|| diagnose(&name, &bytes)) else {
            panics.push(e.file.clone());
            continue;
        };
        let root = d.root_cause.as_ref();
        let root_line = root.map(|r| r.line);
        let expected = match e.outcome.as_str() {
            "failed" => Some(Verdict::Failed),
            "succeeded" => Some(Verdict::Succeeded),
            _ => Some(Verdict::Inconclusive),
        };
        if expected == Some(d.verdict) {
            agree += 1;
        }
        let format = d
            .files
            .first()
            .map(|f| f.format.clone())
            .unwrap_or_default();
        let shown = |d: &Diagnosis| match d.root_cause.as_ref() {
            Some(r) => format!(
                "line {}: {}",
                r.line,
                r.text.chars().take(90).collect::<String>()
            ),
            None => "no root cause".into(),
        };
        match e.outcome.as_str() {
            "failed" => {
                failed_total += 1;
                let right = d.verdict == Verdict::Failed
                    && root_line.is_some_and(|l| e.lines.iter().any(|&(a, b)| a <= l && l <= b));
                if right {
                    failed_right += 1;
                } else {
                    misses.push(format!(
                        "{:<72} [{format}] want failed at {:?}; got {:?}, {}",
                        e.file,
                        e.lines,
                        d.verdict,
                        shown(&d)
                    ));
                }
            }
            "succeeded" => {
                succeeded_total += 1;
                if d.verdict == Verdict::Failed {
                    succeeded_called_failed += 1;
                    misses.push(format!(
                        "{:<72} [{format}] want succeeded; got failed, {}",
                        e.file,
                        shown(&d)
                    ));
                } else if d.verdict != Verdict::Succeeded {
                    misses.push(format!(
                        "{:<72} [{format}] want succeeded; got {:?} (tolerated)",
                        e.file, d.verdict
                    ));
                }
            }
            _ => {
                if d.verdict != Verdict::Inconclusive {
                    misses.push(format!(
                        "{:<72} [{format}] unclear; got {:?}, {} (tolerated)",
                        e.file,
                        d.verdict,
                        shown(&d)
                    ));
                }
            }
        }
    }
    println!(
        "corpus: {} ({read} of {} files read)",
        dir.display(),
        entries.len()
    );
    println!("failed logs with the right cause: {failed_right}/{failed_total}");
    println!("succeeded logs called failed: {succeeded_called_failed}/{succeeded_total}");
    println!("verdicts agreeing: {agree}/{read}");
    if !misses.is_empty() {
        println!("misses:");
        for m in &misses {
            println!("  {m}");
        }
    }
    assert!(panics.is_empty(), "diagnosing panicked on {panics:?}");
    assert_eq!(
        succeeded_called_failed, 0,
        "a succeeded log was called failed"
    );
    // Readers for Windows Update, CBS/DISM and event exports land on another branch; until both are merged
    // this threshold may not hold, and it is kept on purpose.
    assert!(
        failed_right * 10 >= failed_total * 9,
        "only {failed_right}/{failed_total} failing logs got the right root cause (90% needed)"
    );
}
