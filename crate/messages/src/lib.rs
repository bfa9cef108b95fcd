//! What the page and its Web Worker say to each other, and the worker's shell: the page sends a
//! [`Request`], the worker answers with [`Report`]s. This crate carries no scanner: the page names the worker
//! through it (gloo's bridge is typed by the worker), and the worker's binary [`register`]s the function that
//! runs a [`Job`] (the `setup-triage-worker` crate's `diagnose`), so that the page's WebAssembly never links
//! the scanner and Cargo keeps it so.
//!
//! The page sends a [`Request::Diagnose`] with the pasted text and the chosen files (as `Blob`s, which the
//! browser hands over without copying their bytes); the worker reads them in [`CHUNK`]-sized pieces, sends
//! [`Report::Progress`] now and then, and answers with the diagnosis without its questions and guide: the
//! page walks the knowledge base, which it needs for answers anyway. A [`Request::Cancel`] is seen within one
//! piece. One worker serves every job of the page, one job at a time.
//!
//! Messages cross with the structured clone algorithm ([`Structured`]): plain JS objects made by
//! `serde-wasm-bindgen`, and the files themselves as they are.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_worker::{Codec, HandlerId, Registrable, Worker, WorkerScope};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsValue, UnwrapThrowExt};
use web_sys::Blob;

use model::Diagnosis;

/// How much of a file is read at a time.
pub const CHUNK: u64 = 1 << 20;

/// The name the pasted text goes by in findings.
pub const PASTE_NAME: &str = "pasted text";

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
                    match RUN.with(Cell::get) {
                        Some(run_job) => run_job(job, text, files).await,
                        // Only the worker's binary registers a runner, before any message can arrive.
                        None => (job.report)(Report::Unreadable {
                            run,
                            file: String::new(),
                            why: "this worker was started without its scanner".into(),
                        }),
                    }
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

/// What runs a job: the scanner's `diagnose` in the worker (and in the page itself, for the browser tests).
pub type RunJob = fn(Job, String, Vec<Upload>) -> Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    /// The function [`register`] was given: set once in the worker, before any message arrives.
    static RUN: Cell<Option<RunJob>> = const { Cell::new(None) };
}

/// Starts the worker: jobs will be run by `run`. The worker's binary calls it, and nothing else.
pub fn register(run: RunJob) {
    RUN.with(|r| r.set(Some(run)));
    LogWorker::registrar().encoding::<Structured>().register();
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
