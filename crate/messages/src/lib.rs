//! What the page and its Web Workers say to each other, and the worker's shell: the page sends a
//! [`Request`], the worker answers with [`Report`]s. This crate carries no scanner: the page names the worker
//! through it (gloo's bridge is typed by the worker), and the worker's binary [`register`]s the functions that
//! run each request (the `setup-triage-worker` crate's [`Scanner`]), so that the page's WebAssembly never links
//! the scanner and Cargo keeps it so.
//!
//! The page sends a [`Request::Diagnose`] with the pasted text and the chosen files (as `Blob`s, which the
//! browser hands over without copying their bytes); the worker reads them in [`CHUNK`]-sized pieces, sends
//! [`Report::Progress`] now and then, and answers with the diagnosis without its questions and guide: the
//! page walks the knowledge base, which it needs for answers anyway. A [`Request::Cancel`] is seen within one
//! piece. A worker runs one job at a time, and serves every job of the page after it.
//!
//! Where the machine has cores, the page starts several workers and gives each some of the files
//! ([`Request::Read`], planned by [`plan`]): each answers with what every file gave ([`Report::Parts`]), and
//! one of them combines all the parts in the files' order ([`Request::Combine`]). Files are read independently
//! of one another, so the diagnosis is the one a single worker gives (`scan::combine_parts`). The page passes
//! the parts on as they came ([`Parts`]), without decoding them: only the worker knows what they hold.
//!
//! The worker comes in two builds of the same code: with WebAssembly SIMD ([`SCRIPT_SIMD`], built by
//! `scripts/simd-worker.sh`) and without ([`SCRIPT`], Trunk's own); the page loads the first where the browser
//! validates a SIMD module ([`script_for`]).
//!
//! Messages cross with the structured clone algorithm ([`Structured`]): plain JS objects made by
//! `serde-wasm-bindgen`, and the files themselves as they are.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_worker::{Codec, HandlerId, Registrable, Worker, WorkerScope};
use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsValue, UnwrapThrowExt};
use web_sys::Blob;

use model::Diagnosis;

/// How much of a file is read at a time. Each `Blob.slice` read is a round trip to the browser's process:
/// with 1 MiB pieces, reading a 100 MB file cost about twice what 4 MiB pieces cost (bench-page.mjs), and a
/// piece is still scanned in a few milliseconds, so Stop stays prompt.
pub const CHUNK: u64 = 4 << 20;

/// The name the pasted text goes by in findings.
pub const PASTE_NAME: &str = "pasted text";

/// The worker's script, relative to the page (Trunk's loader shim: see www/index.html), built without SIMD
/// for browsers that lack it.
pub const SCRIPT: &str = "./worker_loader.js";

/// The same worker built with WebAssembly SIMD (`+simd128`: memchr and the UTF-16 decoding then use it), by
/// the Trunk hook `scripts/simd-worker.sh`.
pub const SCRIPT_SIMD: &str = "./worker_simd_loader.js";

/// The smallest module that uses a SIMD instruction (`i8x16.splat`, `i8x16.popcnt` in a function returning a
/// `v128`): a browser that validates it runs the SIMD build.
pub const SIMD_PROBE: [u8; 31] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
];

/// The worker's script for a browser: the SIMD build where `validates` accepts [`SIMD_PROBE`], else the
/// build without SIMD. The page passes `WebAssembly.validate` ([`simd_supported`]); the tests a refusal.
pub fn script_for(validates: impl Fn(&[u8]) -> bool) -> &'static str {
    if validates(&SIMD_PROBE) {
        SCRIPT_SIMD
    } else {
        SCRIPT
    }
}

/// Whether this browser's WebAssembly validates `module` (`WebAssembly.validate`); false where it throws.
pub fn simd_supported(module: &[u8]) -> bool {
    js_sys::WebAssembly::validate(&Uint8Array::from(module).into()).unwrap_or(false)
}

/// Which files each of `workers` workers reads, by index into `sizes`: the largest file first, each to the
/// worker with the fewest bytes so far (the earliest among equals), so that the workers finish together; each
/// worker's files in their given order. No worker is left without a file while another has two.
pub fn plan(sizes: &[u64], workers: usize) -> Vec<Vec<usize>> {
    let workers = workers.clamp(1, sizes.len().max(1));
    let mut groups: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); workers];
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    for i in order {
        // An empty worker first, then the least loaded.
        if let Some(g) = groups
            .iter_mut()
            .min_by_key(|(bytes, files)| (!files.is_empty(), *bytes))
        {
            g.0 += sizes[i];
            g.1.push(i);
        }
    }
    groups
        .into_iter()
        .map(|(_, mut files)| {
            files.sort_unstable();
            files
        })
        .collect()
}

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
    /// Read the pasted text and the files, each on its own, and answer with what each gave
    /// ([`Report::Parts`]): one of several workers' share of a job.
    Read {
        run: u32,
        text: String,
        files: Vec<Upload>,
    },
    /// Combine the parts the workers' [`Report::Parts`] gave, each input's in the inputs' order, into the
    /// diagnosis ([`Report::Done`]).
    Combine { run: u32, parts: Parts },
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
    /// The answer to [`Request::Read`]: the pasted text's parts (none for no text), then each file's.
    Parts {
        run: u32,
        parts: Parts,
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
            | Report::Parts { run, .. }
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

/// What each input gave, as a JS array holding an array of the scanner's file parts (`scan::FilePart`) per
/// input. The page passes the parts from the workers that read to the one that combines as they are: its own
/// WebAssembly then carries no code to decode or encode them, and this crate need not know what they hold
/// (the worker's crate encodes and decodes them).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Parts(#[serde(with = "serde_wasm_bindgen::preserve")] pub Array);

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
                if let Some((job, scanner)) = self.start(scope, id, run) {
                    wasm_bindgen_futures::spawn_local((scanner.diagnose)(job, text, files));
                }
            }
            Request::Read { run, text, files } => {
                if let Some((job, scanner)) = self.start(scope, id, run) {
                    wasm_bindgen_futures::spawn_local((scanner.read)(job, text, files));
                }
            }
            Request::Combine { run, parts } => {
                if let Some((job, scanner)) = self.start(scope, id, run) {
                    (scanner.combine)(job, parts);
                }
            }
            Request::Cancel { run } => {
                if self.current.get() == run {
                    self.current.set(run.wrapping_add(1) | 0x8000_0000);
                }
            }
        }
    }
}

impl LogWorker {
    /// Makes job `run` the one that may run (any other stops at its next piece), with the registered scanner;
    /// `None`, once said, in a worker started without one.
    fn start(&self, scope: &WorkerScope<Self>, id: HandlerId, run: u32) -> Option<(Job, Scanner)> {
        self.current.set(run);
        let scope = scope.clone();
        let job = Job {
            run,
            current: self.current.clone(),
            report: Rc::new(move |r| scope.respond(id, r)),
        };
        // Only the worker's binary registers the scanner, before any message can arrive.
        match SCANNER.with(Cell::get) {
            Some(scanner) => Some((job, scanner)),
            None => {
                (job.report)(Report::Unreadable {
                    run,
                    file: String::new(),
                    why: "this worker was started without its scanner".into(),
                });
                None
            }
        }
    }
}

/// One request's job: reads the input, reports progress, and ends with exactly one of `Done` (`Parts` for a
/// [`Request::Read`]), `Unreadable` or `Cancelled`. Public so that the page's browser tests can run it in the
/// page itself.
pub struct Job {
    pub run: u32,
    /// The job stops when this no longer equals `run`.
    pub current: Rc<Cell<u32>>,
    pub report: Rc<dyn Fn(Report)>,
}

/// What runs a job that reads: the scanner's `diagnose` in the worker (and in the page itself, for the browser
/// tests), or its reading of each input on its own.
pub type RunJob = fn(Job, String, Vec<Upload>) -> Pin<Box<dyn Future<Output = ()>>>;

/// The scanner's side of each request, which the worker's binary [`register`]s (the `setup-triage-worker`
/// crate's `SCANNER`).
#[derive(Clone, Copy)]
pub struct Scanner {
    /// [`Request::Diagnose`]: every input into one diagnosis.
    pub diagnose: RunJob,
    /// [`Request::Read`]: each input on its own, answered with [`Report::Parts`].
    pub read: RunJob,
    /// [`Request::Combine`]: the parts into the diagnosis.
    pub combine: fn(Job, Parts),
}

thread_local! {
    /// What [`register`] was given: set once in the worker, before any message arrives.
    static SCANNER: Cell<Option<Scanner>> = const { Cell::new(None) };
}

/// Starts the worker: requests will be run by `scanner`. The worker's binary calls it, and nothing else.
pub fn register(scanner: Scanner) {
    SCANNER.with(|s| s.set(Some(scanner)));
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
