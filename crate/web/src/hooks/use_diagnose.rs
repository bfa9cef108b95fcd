//! Hands the pasted text and the chosen files to the Web Worker (crate/worker/, through crate/messages/), and turns its reports into
//! progress, the diagnosis or a message. The page itself never reads or scans: it stays responsive however
//! big the file, and its own WebAssembly carries no log reader. The worker is started on the first diagnosis
//! (the first view does not load it) and serves every diagnosis after that.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo_worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use messages::{Job, LogWorker, Report, Request, SCRIPT, Structured, Upload};
use model::Answers;

use crate::hooks::use_saved_progress::saved_case;
use crate::state::{Action, AppState};
use crate::strings;

pub use messages::{CHUNK, PASTE_NAME};

/// Runs a job in the page instead of the worker: for the browser tests, which have no worker script to load.
/// `setup_triage_worker::run` is the one to pass; the page's crate does not depend on it (nor on the scanner).
pub type InPage = messages::RunJob;

/// Returns `(diagnose, cancel)`. Diagnose sends the current text and files to the worker; cancel stops the
/// job (the worker stops before its next piece) and tells the person at once.
#[hook]
pub fn use_diagnose(
    state: UseReducerHandle<AppState>,
    in_page: Option<InPage>,
) -> (Callback<()>, Callback<()>) {
    // Each run gets a number; reports of any other run are dropped.
    let run = use_mut_ref(|| Rc::new(Cell::new(0u32))).borrow().clone();
    let bridge: Rc<RefCell<Option<WorkerBridge<LogWorker>>>> =
        use_mut_ref(|| Rc::new(RefCell::new(None))).borrow().clone();
    // Whether the current run still waits for the worker's answer (see `worker_failed`).
    let in_flight = use_mut_ref(|| Rc::new(Cell::new(false))).borrow().clone();
    let error_listener: Rc<RefCell<Option<EventListener>>> =
        use_mut_ref(|| Rc::new(RefCell::new(None))).borrow().clone();

    let diagnose = {
        let state = state.clone();
        let run = run.clone();
        let bridge = bridge.clone();
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
            let report: Rc<dyn Fn(Report)> = {
                let state = state.clone();
                let run = run.clone();
                let in_flight = in_flight.clone();
                Rc::new(move |r| on_report(&state, &run, &in_flight, r))
            };
            in_flight.set(true);
            if let Some(in_page) = in_page {
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
                    let bridge = bridge.clone();
                    *error_listener.borrow_mut() =
                        Some(EventListener::new(&window, "error", move |e| {
                            worker_failed(&state, &run, &in_flight, &bridge, e)
                        }));
                }
            }
            let mut bridge = bridge.borrow_mut();
            let bridge = bridge.get_or_insert_with(|| {
                LogWorker::spawner()
                    .callback(move |r| report(r))
                    .encoding::<Structured>()
                    .as_module(false)
                    .with_loader(true)
                    .spawn(SCRIPT)
            });
            bridge.send(Request::Diagnose {
                run: id,
                text,
                files,
            });
        })
    };

    let cancel = {
        let state = state.clone();
        Callback::from(move |()| {
            in_flight.set(false);
            if state.busy() {
                let stopped = run.get();
                run.set(stopped.wrapping_add(1) & 0x7fff_ffff);
                if let Some(bridge) = bridge.borrow().as_ref() {
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
    bridge: &RefCell<Option<WorkerBridge<LogWorker>>>,
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
    // Dropping the bridge asks the old worker to close; the next diagnosis spawns a new one.
    drop(bridge.borrow_mut().take());
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
    }
}
