//! `setup-triage diagnose --each`: a help desk's folder of cases, each diagnosed on its own, on all cores.
//!
//! A file given, or a file directly in a folder given, is a case of its own; a subfolder of a folder given is one
//! case with all the files under it (a machine's logs collected together). Each case is one line of JSON on
//! standard output, in the order the cases were found whatever order the cores finish them in, and written whole
//! (an interrupted run leaves no partial line: Ctrl-C stops it between lines). What cannot be read is a line
//! with its error, and the run goes on. Standard error gets a progress line on a terminal and, at the end, a table
//! of the causes found.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use setup_triage::{Answers, Diagnoser};

use super::{Fail, read_into};
use model::facts::Fact;

/// One case: a name (the path given or found) and its files.
struct Case {
    name: String,
    files: Vec<PathBuf>,
}

/// The cases the paths name, in a stable order (folders' entries sorted by name).
fn cases(paths: &[String]) -> Result<Vec<Case>, Fail> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Fail(format!("cannot read the folder {p}: {e}")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                let name = e.to_string_lossy().into_owned();
                if e.is_dir() {
                    let mut files = Vec::new();
                    files_under(&e, &mut files);
                    files.sort();
                    out.push(Case { name, files });
                } else {
                    out.push(Case {
                        name,
                        files: vec![e],
                    });
                }
            }
        } else {
            // A file, or a path that does not exist: its line says so.
            out.push(Case {
                name: p.clone(),
                files: vec![path.to_path_buf()],
            });
        }
    }
    Ok(out)
}

/// Every file under a folder, at any depth.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// One case's line: `{"case": …, <the JSON contract>}`, or `{"case": …, "error": …}`; and its cause.
fn diagnose_case(case: &Case, answers: &Answers) -> (String, String) {
    let mut d = Diagnoser::new();
    let mut error = None;
    if case.files.is_empty() {
        error = Some("the folder holds no file".to_string());
    }
    for f in &case.files {
        if let Err(Fail(e)) = read_into(&mut d, &f.to_string_lossy(), None) {
            error = Some(e);
            break;
        }
    }
    let mut object = serde_json::Map::new();
    object.insert("case".into(), case.name.clone().into());
    let cause = match error {
        Some(e) => {
            object.insert("error".into(), e.into());
            "(unreadable)".to_string()
        }
        None => {
            let diagnosis = d.finish(answers);
            let cause = diagnosis
                .facts
                .get(Fact::Cause)
                .map(str::to_string)
                .unwrap_or_else(|| format!("({})", verdict_word(&diagnosis)));
            if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&diagnosis) {
                object.extend(fields);
            }
            cause
        }
    };
    let line = serde_json::Value::Object(object).to_string();
    (line, cause)
}

fn verdict_word(d: &setup_triage::Diagnosis) -> &'static str {
    match d.verdict {
        setup_triage::Verdict::Failed => "failed, cause unknown",
        setup_triage::Verdict::Succeeded => "succeeded",
        setup_triage::Verdict::Inconclusive => "inconclusive",
    }
}

pub(super) fn run(paths: &[String], answers: &Answers) -> Result<(), Fail> {
    if paths.is_empty() {
        return Err(Fail("--each needs at least one FILE or FOLDER".into()));
    }
    let cases = Arc::new(cases(paths)?);
    let total = cases.len();
    let stop = Arc::new(AtomicBool::new(false));
    // Ctrl-C stops the run between two lines; the lines written stay whole. A second Ctrl-C ends it at once.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let stop = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(total.max(1));
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<(usize, String, String)>();
    let mut handles = Vec::new();
    for _ in 0..workers {
        let (cases, next, stop, tx, answers) = (
            Arc::clone(&cases),
            Arc::clone(&next),
            Arc::clone(&stop),
            tx.clone(),
            answers.clone(),
        );
        handles.push(std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else {
                    break;
                };
                let (line, cause) = diagnose_case(case, &answers);
                if tx.send((i, line, cause)).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);
    let terminal = io::stderr().is_terminal();
    let mut pending: BTreeMap<usize, (String, String)> = BTreeMap::new();
    let mut written = 0;
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    let stdout = io::stdout();
    for (i, line, cause) in rx {
        pending.insert(i, (line, cause));
        // Lines go out in the cases' order: hold back those that finished early.
        while let Some((line, cause)) = pending.remove(&written) {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let mut out = stdout.lock();
            if out
                .write_all(format!("{line}\n").as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                // The reader went away (a closed pipe): nobody reads the rest.
                stop.store(true, Ordering::SeqCst);
                break;
            }
            *causes.entry(cause).or_default() += 1;
            written += 1;
            if terminal {
                eprint!("\r{written}/{total} cases");
            }
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    for h in handles {
        let _ = h.join();
    }
    if terminal {
        eprintln!();
    }
    let mut table: Vec<(String, usize)> = causes.into_iter().collect();
    table.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{written} of {total} cases diagnosed");
    for (cause, n) in table {
        let _ = writeln!(err, "{n:>7}  {cause}");
    }
    if stop.load(Ordering::SeqCst) && written < total {
        return Err(Fail(format!("stopped after {written} of {total} cases")));
    }
    Ok(())
}
