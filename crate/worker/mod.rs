//! The Web Worker that reads and scans for the page (feature `worker`), and the messages between them.
//!
//! The page sends a [`Request::Diagnose`] with the pasted text and the chosen files (as `Blob`s, which the
//! browser hands over without copying their bytes); the worker reads each file with `Blob.slice` in
//! [`CHUNK`]-sized pieces, feeds the engine, sends [`Report::Progress`] now and then, and answers with the
//! [`Diagnosis`] without its questions and guide (`Diagnoser::finish_unguided`): the page walks the knowledge
//! base, which it needs for answers anyway, so the worker carries only its causes. Between two pieces it yields to its event loop, so a [`Request::Cancel`] is seen within one
//! piece. Several files run one after another in the same job; one worker serves every job of the page.
//!
//! Messages cross with the structured clone algorithm ([`Structured`]): plain JS objects made by
//! `serde-wasm-bindgen`, and the files themselves as they are. The scanning code is only reachable from the
//! worker's binary (`crate/bin/worker.rs`), so the page's own WebAssembly does not carry it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_worker::{Codec, HandlerId, Worker, WorkerScope};
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsValue, UnwrapThrowExt};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::{Diagnoser, Diagnosis};

/// How much of a file is read at a time.
pub const CHUNK: u64 = 1 << 20;

/// The name the pasted text goes by in findings.
pub const PASTE_NAME: &str = "pasted text";

/// Progress is reported at most this often (milliseconds): enough for a moving bar, few renders.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// The worker's script, relative to the page (Trunk's loader shim: see www/index.html).
pub const SCRIPT: &str = "./worker_loader.js";

/// One chosen file, handed to the worker without copying its bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Upload {
    pub name: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub blob: Blob,
}

/// What the page asks of the worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Diagnose the pasted text and the files, in order. `run` numbers the job; reports carry it.
    Diagnose {
        run: u32,
        text: String,
        files: Vec<Upload>,
    },
    /// Stop job `run` before its next piece.
    Cancel { run: u32 },
}

/// What the worker tells the page about job `run`.
#[derive(Debug, Serialize, Deserialize)]
pub enum Report {
    /// `read` of `total` bytes done; `file` is being read now.
    Progress {
        run: u32,
        file: String,
        read: u64,
        total: u64,
    },
    Done {
        run: u32,
        diagnosis: Box<Diagnosis>,
    },
    /// A file could not be read: `file` and the browser's reason.
    Unreadable {
        run: u32,
        file: String,
        why: String,
    },
    /// The job stopped at the page's request.
    Cancelled {
        run: u32,
    },
}

impl Report {
    pub fn run(&self) -> u32 {
        match self {
            Report::Progress { run, .. }
            | Report::Done { run, .. }
            | Report::Unreadable { run, .. }
            | Report::Cancelled { run } => *run,
        }
    }
}

/// Messages as structured-clonable JS values: files pass as themselves, and no encoder ships beyond the
/// `serde-wasm-bindgen` the page uses anyway.
pub struct Structured;

impl Codec for Structured {
    fn encode<I: Serialize>(input: I) -> JsValue {
        serde_wasm_bindgen::to_value(&input).expect_throw("a worker message that cannot be encoded")
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        serde_wasm_bindgen::from_value(input)
            .expect_throw("a worker message that cannot be decoded")
    }
}

/// The worker: one job at a time; a new job or a cancel makes the running one stop at its next piece.
pub struct LogWorker {
    /// The job that may run; any other stops.
    current: Rc<Cell<u32>>,
}

impl Worker for LogWorker {
    type Message = ();
    type Input = Request;
    type Output = Report;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        LogWorker {
            current: Rc::new(Cell::new(0)),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        match msg {
            Request::Diagnose { run, text, files } => {
                self.current.set(run);
                let current = self.current.clone();
                let scope = scope.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let job = Job {
                        run,
                        current,
                        report: Rc::new(move |r| scope.respond(id, r)),
                    };
                    job.diagnose(text, files).await;
                });
            }
            Request::Cancel { run } => {
                if self.current.get() == run {
                    self.current.set(run.wrapping_add(1) | 0x8000_0000);
                }
            }
        }
    }
}

/// One diagnosis: reads the input, reports progress, and ends with exactly one of `Done`, `Unreadable` or
/// `Cancelled`. Public so that the page's browser tests can run it in the page itself.
pub struct Job {
    pub run: u32,
    /// The job stops when this no longer equals `run`.
    pub current: Rc<Cell<u32>>,
    pub report: Rc<dyn Fn(Report)>,
}

impl Job {
    pub async fn diagnose(self, text: String, files: Vec<Upload>) {
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
            match self.read(file, &mut d, &mut progress, &buffer).await {
                Ok(true) => {}
                Ok(false) => return (self.report)(Report::Cancelled { run: self.run }),
                Err(why) => {
                    return (self.report)(Report::Unreadable {
                        run: self.run,
                        file: file.name.clone(),
                        why,
                    });
                }
            }
            d.end();
        }
        if !self.live() {
            return (self.report)(Report::Cancelled { run: self.run });
        }
        // The page walks the knowledge base (it needs it for answers anyway): the worker ships only its causes.
        let mut diagnosis = Box::new(d.finish_unguided());
        // The page redacts with what the patterns found here: its own WebAssembly has no regex engine.
        diagnosis.personal = case::patterns::lexicon_of_diagnosis(&diagnosis);
        (self.report)(Report::Done {
            run: self.run,
            diagnosis,
        });
    }

    fn live(&self) -> bool {
        self.current.get() == self.run
    }

    /// Feeds one file to the engine in pieces, reading the next piece while this one is scanned.
    /// `Ok(false)` when the job was cancelled.
    async fn read(
        &self,
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
            if !self.live() {
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
            progress.tell(self, &file.name, at >= size);
        }
        Ok(self.live())
    }
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

/// A JavaScript error as one readable phrase.
pub fn describe(e: JsValue) -> String {
    js_sys::Error::from(e)
        .message()
        .as_string()
        .map(|m| m.trim().trim_end_matches('.').to_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "the browser could not read it".into())
}

/// Runs a job in the calling thread (see `web::hooks::use_diagnose::InPage`): the browser tests use it.
pub fn in_page(
    job: Job,
    text: String,
    files: Vec<Upload>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    Box::pin(job.diagnose(text, files))
}
