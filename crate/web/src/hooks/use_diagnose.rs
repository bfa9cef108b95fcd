//! Hands the pasted text and the chosen files to the Web Worker (crate/worker/, through crate/messages/), and turns its reports into
//! progress, the diagnosis or a message. The page itself never reads or scans: it stays responsive however
//! big the file, and its own WebAssembly carries no log reader. The workers are started on the first diagnosis
//! (the first view does not load them) and serve every diagnosis after that.
//!
//! Several files are read by several workers at once where the machine has the cores
//! (`navigator.hardwareConcurrency`, or `?workers=N` in the address): each reads its share
//! (`messages::plan`), and the first combines every file's parts in the files' order, which gives the diagnosis
//! one worker gives. The worker's SIMD build is loaded where the browser validates SIMD (`messages::script_for`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo_worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use messages::{
    Job, LogWorker, Parts, Report, Request, Structured, Upload, plan, script_for, simd_supported,
};
use model::Answers;

use crate::hooks::use_saved_progress::saved_case;
use crate::state::{Action, AppState};
use crate::strings;

pub use messages::{CHUNK, PASTE_NAME};

/// Runs a job in the page instead of the worker: for the browser tests, which have no worker script to load.
/// `setup_triage_worker::run` is the one to pass; the page's crate does not depend on it (nor on the scanner).
pub type InPage = messages::RunJob;

/// The most workers started, whatever the machine says: each holds its own WebAssembly memory.
pub const MAX_WORKERS: usize = 8;

/// The page's workers, started as needed and kept for the next diagnosis.
type Bridges = Rc<RefCell<Vec<WorkerBridge<LogWorker>>>>;

/// A run shared out among several workers: what each has read, and the parts that have come back.
struct Gather {
    /// The files (by index) each worker reads; worker 0 reads the pasted text too.
    plan: Vec<Vec<usize>>,
    /// Bytes each worker has read, of how many, and the file it reads now.
    read: Vec<u64>,
    share: Vec<u64>,
    current: Vec<String>,
    total: u64,
    /// The parts of the text (slot 0) and of each file (slot 1 + index), as they come back (not decoded: see
    /// `messages::Parts`).
    slots: Vec<Option<wasm_bindgen::JsValue>>,
}

/// Returns `(diagnose, cancel)`. Diagnose sends the current text and files to the worker; cancel stops the
/// job (the worker stops before its next piece) and tells the person at once.
#[hook]
pub fn use_diagnose(
    state: UseReducerHandle<AppState>,
    in_page: Option<InPage>,
) -> (Callback<()>, Callback<()>) {
    // Each run gets a number; reports of any other run are dropped.
    let run = use_mut_ref(|| Rc::new(Cell::new(0u32))).borrow().clone();
    let bridges: Bridges = use_mut_ref(|| Rc::new(RefCell::new(Vec::new())))
        .borrow()
        .clone();
    let gather: Rc<RefCell<Option<Gather>>> =
        use_mut_ref(|| Rc::new(RefCell::new(None))).borrow().clone();
    // Whether the current run still waits for the worker's answer (see `worker_failed`).
    let in_flight = use_mut_ref(|| Rc::new(Cell::new(false))).borrow().clone();
    let error_listener: Rc<RefCell<Option<EventListener>>> =
        use_mut_ref(|| Rc::new(RefCell::new(None))).borrow().clone();

    let diagnose = {
        let state = state.clone();
        let run = run.clone();
        let bridges = bridges.clone();
        let in_flight = in_flight.clone();
        Callback::from(move |()| {
            if state.busy() {
                return;
            }
            let text = state.text.clone();
            let files: Vec<Upload> = state
                .files
                .iter()
                .map(|f| Upload {
                    name: f.name(),
                    blob: f.clone().into(),
                })
                .collect();
            if text.trim().is_empty() && files.is_empty() {
                state.dispatch(Action::Fail(strings::NOTHING_TO_DIAGNOSE.into()));
                return;
            }
            let id = run.get().wrapping_add(1) & 0x7fff_ffff;
            run.set(id);
            let total = text.len() as u64 + files.iter().map(|f| f.blob.size() as u64).sum::<u64>();
            state.dispatch(Action::Started { total });
            // The first file's name at once: the worker may take a moment to start.
            if let Some(first) = files.first() {
                state.dispatch(Action::Progress {
                    file: first.name.clone(),
                    read: 0,
                    total,
                });
            }
            in_flight.set(true);
            if let Some(in_page) = in_page {
                let report: Rc<dyn Fn(Report)> = {
                    let state = state.clone();
                    let run = run.clone();
                    let in_flight = in_flight.clone();
                    Rc::new(move |r| on_report(&state, &run, &in_flight, r))
                };
                let job = Job {
                    run: id,
                    current: run.clone(),
                    report,
                };
                wasm_bindgen_futures::spawn_local(in_page(job, text, files));
                return;
            }
            // An error the worker does not catch (a trap: out of memory, a bug) reaches the page's window as an
            // `error` event; without this, the bar would stay where it was, with no word.
            if error_listener.borrow().is_none() {
                if let Some(window) = web_sys::window() {
                    let state = state.clone();
                    let run = run.clone();
                    let in_flight = in_flight.clone();
                    let bridges = bridges.clone();
                    *error_listener.borrow_mut() =
                        Some(EventListener::new(&window, "error", move |e| {
                            worker_failed(&state, &run, &in_flight, &bridges, e)
                        }));
                }
            }
            let sizes: Vec<u64> = files.iter().map(|f| f.blob.size() as u64).collect();
            let plan = plan(&sizes, worker_count(files.len()));
            // Every worker the plan needs, started once and kept (a fresh one answers only after it has loaded).
            while bridges.borrow().len() < plan.len() {
                let index = bridges.borrow().len();
                let (state, run, in_flight, gather, all) = (
                    state.clone(),
                    run.clone(),
                    in_flight.clone(),
                    gather.clone(),
                    bridges.clone(),
                );
                let bridge = LogWorker::spawner()
                    .callback(move |r| {
                        if gather.borrow().is_some() {
                            on_share(&state, &run, &in_flight, &gather, &all, index, r)
                        } else {
                            on_report(&state, &run, &in_flight, r)
                        }
                    })
                    .encoding::<Structured>()
                    .as_module(false)
                    .with_loader(true)
                    .spawn(script_for(simd_supported));
                bridges.borrow_mut().push(bridge);
            }
            let bridges = bridges.borrow();
            if plan.len() == 1 {
                *gather.borrow_mut() = None;
                bridges[0].send(Request::Diagnose {
                    run: id,
                    text,
                    files,
                });
                return;
            }
            *gather.borrow_mut() = Some(Gather {
                read: vec![0; plan.len()],
                share: plan
                    .iter()
                    .map(|s| s.iter().map(|&i| sizes[i]).sum())
                    .collect(),
                // Each worker's first file, until it says which it reads.
                current: plan
                    .iter()
                    .map(|s| {
                        s.first()
                            .map(|&i| files[i].name.clone())
                            .unwrap_or_default()
                    })
                    .collect(),
                total,
                slots: vec![None; 1 + files.len()],
                plan: plan.clone(),
            });
            for (w, share) in plan.iter().enumerate() {
                bridges[w].send(Request::Read {
                    run: id,
                    text: if w == 0 { text.clone() } else { String::new() },
                    files: share.iter().map(|&i| files[i].clone()).collect(),
                });
            }
        })
    };

    let cancel = {
        let state = state.clone();
        Callback::from(move |()| {
            in_flight.set(false);
            if state.busy() {
                let stopped = run.get();
                run.set(stopped.wrapping_add(1) & 0x7fff_ffff);
                for bridge in bridges.borrow().iter() {
                    bridge.send(Request::Cancel { run: stopped });
                }
                state.dispatch(Action::Stopped(strings::STOPPED.into()));
            }
        })
    };

    (diagnose, cancel)
}

/// The worker failed while a run waited for it: an uncaught error in a worker (a WebAssembly trap, such as
/// running out of memory) fires `error` on the page's window too. The person is told, in place of a bar that
/// would never move again, and the next diagnosis starts a fresh worker (a worker that trapped is not trusted
/// with another job). Errors of the page itself, or while no run waits, are left alone.
fn worker_failed(
    state: &UseReducerHandle<AppState>,
    run: &Cell<u32>,
    in_flight: &Cell<bool>,
    bridges: &RefCell<Vec<WorkerBridge<LogWorker>>>,
    event: &web_sys::Event,
) {
    let field = |name: &str| {
        js_sys::Reflect::get(event, &name.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (message, filename) = (field("message"), field("filename"));
    let from_worker = filename.contains("worker")
        || ["unreachable", "memory", "RuntimeError"]
            .iter()
            .any(|w| message.contains(w));
    if !in_flight.get() || !from_worker {
        return;
    }
    in_flight.set(false);
    run.set(run.get().wrapping_add(1) & 0x7fff_ffff);
    // Dropping the bridges asks the old workers to close; the next diagnosis spawns new ones.
    drop(std::mem::take(&mut *bridges.borrow_mut()));
    let why = message.trim().trim_start_matches("Uncaught ").to_string();
    let why = if why.is_empty() {
        "no reason given".to_string()
    } else {
        why
    };
    state.dispatch(Action::Stopped(format!(
        "The log reader stopped with an error ({why}). This happens when a file is too large or too unusual for \
         the browser's memory. Nothing you typed was lost: try again, diagnose the files one at a time, or run \
         the command line tool, setup-triage, on this file."
    )));
}

/// How many workers read `files` files: one per core the browser names (`?workers=N` in the address says
/// otherwise, for tests and measurements), at most one per file and [`MAX_WORKERS`].
fn worker_count(files: usize) -> usize {
    let window = web_sys::window();
    let asked = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|p| p.strip_prefix("workers=")?.parse::<usize>().ok())
        });
    let cores = window.map_or(1.0, |w| w.navigator().hardware_concurrency());
    let wanted = asked.unwrap_or(cores as usize);
    wanted.clamp(1, MAX_WORKERS).min(files.max(1))
}

/// A report of one of several workers sharing a run: progress is summed over the workers; when every share
/// has come back, the first worker combines the parts, in the files' order, and its `Done` ends the run as one
/// worker's would. A file that cannot be read stops the others.
fn on_share(
    state: &UseReducerHandle<AppState>,
    run: &Cell<u32>,
    in_flight: &Cell<bool>,
    gather: &RefCell<Option<Gather>>,
    bridges: &RefCell<Vec<WorkerBridge<LogWorker>>>,
    worker: usize,
    report: Report,
) {
    if report.run() != run.get() {
        return;
    }
    let id = report.run();
    match report {
        Report::Progress { file, read, .. } => {
            let (file, read, total) = {
                let mut g = gather.borrow_mut();
                let Some(g) = g.as_mut() else { return };
                if let (Some(r), Some(f)) = (g.read.get_mut(worker), g.current.get_mut(worker)) {
                    *r = read;
                    *f = file;
                }
                // The bar names the file of the worker with the most left to read: the one it waits for.
                let longest = (0..g.read.len())
                    .max_by_key(|&w| (g.share[w].saturating_sub(g.read[w]), std::cmp::Reverse(w)))
                    .unwrap_or(worker);
                (g.current[longest].clone(), g.read.iter().sum(), g.total)
            };
            state.dispatch(Action::Progress { file, read, total });
        }
        Report::Parts { parts, .. } => {
            let all = {
                let mut g = gather.borrow_mut();
                let Some(g) = g.as_mut() else { return };
                let files = g.plan.get(worker).cloned().unwrap_or_default();
                // First the text's parts: only the first worker was given the text.
                if worker == 0 {
                    g.slots[0] = Some(parts.0.get(0));
                }
                for (k, i) in files.into_iter().enumerate() {
                    g.slots[1 + i] = Some(parts.0.get(1 + k as u32));
                }
                if g.slots.iter().all(Option::is_some) {
                    Some(Parts(g.slots.iter_mut().filter_map(Option::take).collect()))
                } else {
                    None
                }
            };
            if let Some(parts) = all {
                if let Some(first) = bridges.borrow().first() {
                    first.send(Request::Combine { run: id, parts });
                }
            }
        }
        Report::Unreadable { .. } => {
            // The others stop before their next piece; this run's further reports are dropped.
            for bridge in bridges.borrow().iter() {
                bridge.send(Request::Cancel { run: id });
            }
            on_report(state, run, in_flight, report);
            run.set(id.wrapping_add(1) & 0x7fff_ffff);
        }
        Report::Done { .. } | Report::Cancelled { .. } => on_report(state, run, in_flight, report),
    }
}

/// A report of the worker, for the state: only the current run's count.
fn on_report(
    state: &UseReducerHandle<AppState>,
    run: &Cell<u32>,
    in_flight: &Cell<bool>,
    report: Report,
) {
    if report.run() != run.get() {
        return;
    }
    if !matches!(report, Report::Progress { .. }) {
        in_flight.set(false);
    }
    match report {
        Report::Progress {
            file, read, total, ..
        } => state.dispatch(Action::Progress { file, read, total }),
        Report::Done { mut diagnosis, .. } => {
            // The worker does not walk the knowledge base: the questions and the guide are made here.
            kb::answer(&mut diagnosis, &Answers::new());
            let saved = saved_case(&diagnosis);
            state.dispatch(Action::Finished(diagnosis, saved));
        }
        Report::Unreadable { file, why, .. } => {
            state.dispatch(Action::Stopped(strings::unreadable(&file, &why)))
        }
        // The page said "Stopped" when the person asked.
        Report::Cancelled { .. } => {}
        // Only asked of several workers sharing a run (`on_share`).
        Report::Parts { .. } => {}
    }
}
