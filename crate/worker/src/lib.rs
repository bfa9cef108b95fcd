//! The page's Web Worker: reads the chosen files with `Blob.slice` in [`CHUNK`]-sized pieces ([`AHEAD`] of
//! them asked ahead of the one being scanned), feeds the scanner, and answers with the diagnosis without its
//! questions and guide (`Diagnoser::finish_unguided`: the worker carries only the knowledge base's causes),
//! and with the personal values the redaction patterns found (the page has no regex engine). Between two pieces
//! it yields to its event loop, so a cancel is seen within one piece. When the page shares the files out among
//! several workers, each answers with every input's parts ([`read_apart`]) and one combines them all
//! ([`combine`]). The messages and the worker's shell are the `setup-triage-messages` crate's; this crate is
//! the only side that links the scanner, and the only one that encodes and decodes the parts.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::UnwrapThrowExt;
use wasm_bindgen_futures::JsFuture;

use messages::{CHUNK, Job, PASTE_NAME, Parts, Report, Scanner, Upload, describe};
use model::Diagnosis;
use scan::{Diagnoser, FilePart, combine_parts};

/// Pieces asked of the browser ahead of the one being scanned, so that reading and scanning overlap.
const AHEAD: usize = 2;

/// Progress is reported at most this often (milliseconds): enough for a moving bar, few renders.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// What the worker's binary registers: each request's side in the scanner.
pub const SCANNER: Scanner = Scanner {
    diagnose: run,
    read: |job, text, files| Box::pin(read_apart(job, text, files)),
    combine,
};

/// One diagnosis: reads the pasted text and the files, feeds the scanner, reports progress, and ends with
/// exactly one of `Done`, `Unreadable` or `Cancelled`.
pub async fn diagnose(job: Job, text: String, files: Vec<Upload>) {
    if let Some(mut read) = read_all(&job, text, files, false).await {
        if let Some(d) = read.pop() {
            done(&job, d.finish_unguided());
        }
    }
}

/// [`messages::Request::Read`]: every input on its own, answered with [`Report::Parts`] (or `Unreadable` or
/// `Cancelled`).
pub async fn read_apart(job: Job, text: String, files: Vec<Upload>) {
    if let Some(read) = read_all(&job, text, files, true).await {
        let parts: Vec<Vec<FilePart>> = read.into_iter().map(Diagnoser::finish_parts).collect();
        (job.report)(Report::Parts {
            run: job.run,
            parts: Parts(Array::from(
                &serde_wasm_bindgen::to_value(&parts).expect_throw("parts that cannot be encoded"),
            )),
        });
    }
}

/// [`messages::Request::Combine`]: every input's parts, in the inputs' order, into the diagnosis one worker
/// would have given.
pub fn combine(job: Job, parts: Parts) {
    let parts: Vec<Vec<FilePart>> =
        serde_wasm_bindgen::from_value(parts.0.into()).expect_throw("parts that cannot be decoded");
    done(&job, combine_parts(parts.concat()));
}

/// Reports the diagnosis the files gave.
fn done(job: &Job, diagnosis: Diagnosis) {
    // The page walks the knowledge base (it needs it for answers anyway): the worker ships only its causes.
    let mut diagnosis = Box::new(diagnosis);
    // The page redacts with what the patterns found here: its own WebAssembly has no regex engine.
    diagnosis.personal = case::patterns::lexicon_of_diagnosis(&diagnosis);
    (job.report)(Report::Done {
        run: job.run,
        diagnosis,
    });
}

/// Reads the text and the files into one [`Diagnoser`], or with `apart` into one for the text (even when
/// there is none) and one for each file. `None` once it has reported that it stopped.
async fn read_all(
    job: &Job,
    text: String,
    files: Vec<Upload>,
    apart: bool,
) -> Option<Vec<Diagnoser>> {
    let total = text.len() as u64 + files.iter().map(|f| f.blob.size() as u64).sum::<u64>();
    let mut read = vec![Diagnoser::new()];
    let mut progress = Progress {
        done: 0,
        total,
        last: f64::NEG_INFINITY,
    };
    if !text.trim().is_empty() {
        read[0].add_file(PASTE_NAME, text.as_bytes());
        progress.done += text.len() as u64;
    }
    let buffer = RefCell::new(Vec::new());
    for file in &files {
        if apart {
            read.push(Diagnoser::new());
        }
        let d = read.last_mut()?;
        d.begin(&file.name);
        match read_file(job, file, d, &mut progress, &buffer).await {
            Ok(true) => {}
            Ok(false) => {
                (job.report)(Report::Cancelled { run: job.run });
                return None;
            }
            Err(why) => {
                (job.report)(Report::Unreadable {
                    run: job.run,
                    file: file.name.clone(),
                    why,
                });
                return None;
            }
        }
        d.end();
    }
    if !live(job) {
        (job.report)(Report::Cancelled { run: job.run });
        return None;
    }
    Some(read)
}

fn live(job: &Job) -> bool {
    job.current.get() == job.run
}

/// Feeds one file to the engine in pieces, reading the next [`AHEAD`] pieces while this one is scanned.
/// `Ok(false)` when the job was cancelled.
async fn read_file(
    job: &Job,
    file: &Upload,
    d: &mut Diagnoser,
    progress: &mut Progress,
    buffer: &RefCell<Vec<u8>>,
) -> Result<bool, String> {
    let size = file.blob.size() as u64;
    let slice = |at: u64| -> Result<JsFuture, String> {
        let end = (at + CHUNK).min(size);
        let piece = file
            .blob
            .slice_with_f64_and_f64(at as f64, end as f64)
            .map_err(describe)?;
        Ok(JsFuture::from(piece.array_buffer()))
    };
    // `asked`: where the next piece to ask for starts; `at`: how much has been scanned.
    let (mut asked, mut at) = (0u64, 0u64);
    let mut pending = VecDeque::new();
    while pending.len() <= AHEAD && asked < size {
        pending.push_back(slice(asked)?);
        asked = (asked + CHUNK).min(size);
    }
    while let Some(next) = pending.pop_front() {
        let data = next.await.map_err(describe)?;
        if !live(job) {
            return Ok(false);
        }
        let data = Uint8Array::new(&data);
        let len = data.length() as usize;
        if len == 0 {
            return Err("the browser returned no data".into());
        }
        at += len as u64;
        if asked < size {
            pending.push_back(slice(asked)?);
            asked = (asked + CHUNK).min(size);
        }
        let mut bytes = buffer.borrow_mut();
        bytes.resize(len, 0);
        data.copy_to(&mut bytes);
        d.feed(&bytes);
        progress.done += len as u64;
        progress.tell(job, &file.name, at >= size);
    }
    Ok(live(job))
}

struct Progress {
    done: u64,
    total: u64,
    /// When progress was last reported (ms since the worker started).
    last: f64,
}

impl Progress {
    fn tell(&mut self, job: &Job, file: &str, force: bool) {
        let now = now();
        if force || now - self.last >= PROGRESS_EVERY_MS {
            self.last = now;
            (job.report)(Report::Progress {
                run: job.run,
                file: file.to_string(),
                read: self.done,
                total: self.total,
            });
        }
    }
}

/// Milliseconds on the global clock: `performance.now()` in a worker or a page, else the wall clock.
fn now() -> f64 {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    if let Ok(scope) = global.clone().dyn_into::<web_sys::WorkerGlobalScope>() {
        if let Some(p) = scope.performance() {
            return p.now();
        }
    }
    if let Ok(window) = global.dyn_into::<web_sys::Window>() {
        if let Some(p) = window.performance() {
            return p.now();
        }
    }
    js_sys::Date::now()
}

/// [`diagnose`] as a [`messages::RunJob`]: what the worker's binary registers for a diagnosis, and what the
/// browser tests run in the page itself.
pub fn run(job: Job, text: String, files: Vec<Upload>) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(diagnose(job, text, files))
}
