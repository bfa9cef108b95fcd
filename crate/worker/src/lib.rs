//! The page's Web Worker: reads the chosen files with `Blob.slice` in [`CHUNK`]-sized pieces (the next piece
//! is read while this one is scanned), feeds the scanner, and answers with the diagnosis without its
//! questions and guide (`Diagnoser::finish_unguided`: the worker carries only the knowledge base's causes),
//! and with the personal values the redaction patterns found (the page has no regex engine). Between two pieces
//! it yields to its event loop, so a cancel is seen within one piece. The messages and the worker's shell are
//! the `setup-triage-messages` crate's; this crate is the only side that links the scanner.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;

use messages::{CHUNK, Job, PASTE_NAME, Report, Upload, describe};
use scan::Diagnoser;

/// Progress is reported at most this often (milliseconds): enough for a moving bar, few renders.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// One diagnosis: reads the pasted text and the files, feeds the scanner, reports progress, and ends with
/// exactly one of `Done`, `Unreadable` or `Cancelled`.
pub async fn diagnose(job: Job, text: String, files: Vec<Upload>) {
    let total = text.len() as u64 + files.iter().map(|f| f.blob.size() as u64).sum::<u64>();
    let mut d = Diagnoser::new();
    let mut progress = Progress {
        done: 0,
        total,
        last: f64::NEG_INFINITY,
    };
    if !text.trim().is_empty() {
        d.add_file(PASTE_NAME, text.as_bytes());
        progress.done += text.len() as u64;
    }
    let buffer = RefCell::new(Vec::new());
    for file in &files {
        d.begin(&file.name);
        match read(&job, file, &mut d, &mut progress, &buffer).await {
            Ok(true) => {}
            Ok(false) => return (job.report)(Report::Cancelled { run: job.run }),
            Err(why) => {
                return (job.report)(Report::Unreadable {
                    run: job.run,
                    file: file.name.clone(),
                    why,
                });
            }
        }
        d.end();
    }
    if !live(&job) {
        return (job.report)(Report::Cancelled { run: job.run });
    }
    // The page walks the knowledge base (it needs it for answers anyway): the worker ships only its causes.
    let mut diagnosis = Box::new(d.finish_unguided());
    // The page redacts with what the patterns found here: its own WebAssembly has no regex engine.
    diagnosis.personal = case::patterns::lexicon_of_diagnosis(&diagnosis);
    (job.report)(Report::Done {
        run: job.run,
        diagnosis,
    });
}

fn live(job: &Job) -> bool {
    job.current.get() == job.run
}

/// Feeds one file to the engine in pieces, reading the next piece while this one is scanned.
/// `Ok(false)` when the job was cancelled.
async fn read(
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
    let mut at = 0u64;
    let mut next = if size > 0 { Some(slice(0)?) } else { None };
    while let Some(pending) = next.take() {
        let data = pending.await.map_err(describe)?;
        if !live(job) {
            return Ok(false);
        }
        let data = Uint8Array::new(&data);
        let len = data.length() as usize;
        if len == 0 {
            return Err("the browser returned no data".into());
        }
        at += len as u64;
        if at < size {
            next = Some(slice(at)?);
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

/// [`diagnose`] as a [`messages::RunJob`]: what the worker's binary registers, and what the browser tests run
/// in the page itself.
pub fn run(job: Job, text: String, files: Vec<Upload>) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(diagnose(job, text, files))
}
