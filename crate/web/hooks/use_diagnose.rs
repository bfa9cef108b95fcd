//! Hands the pasted text and the chosen files to the Web Worker (crate/worker/), and turns its reports into
//! progress, the diagnosis or a message. The page itself never reads or scans: it stays responsive however
//! big the file, and its own WebAssembly carries no log reader. The worker is started on the first diagnosis
//! (the first view does not load it) and serves every diagnosis after that.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use crate::engine::Answers;
use crate::web::hooks::use_saved_progress::saved_case;
use crate::web::state::{Action, AppState};
use crate::web::strings;
use crate::worker::{Job, LogWorker, Report, Request, SCRIPT, Structured, Upload};

pub use crate::worker::{CHUNK, PASTE_NAME};

/// Runs a job in the page instead of the worker: for the browser tests, which have no worker script to load.
/// `crate::worker::in_page` is the one to pass; the page's own binary never names it, so it stays small.
pub type InPage = fn(Job, String, Vec<Upload>) -> Pin<Box<dyn Future<Output = ()>>>;

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

    let diagnose = {
        let state = state.clone();
        let run = run.clone();
        let bridge = bridge.clone();
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
                Rc::new(move |r| on_report(&state, &run, r))
            };
            if let Some(in_page) = in_page {
                let job = Job {
                    run: id,
                    current: run.clone(),
                    report,
                };
                wasm_bindgen_futures::spawn_local(in_page(job, text, files));
                return;
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

/// A report of the worker, for the state: only the current run's count.
fn on_report(state: &UseReducerHandle<AppState>, run: &Cell<u32>, report: Report) {
    if report.run() != run.get() {
        return;
    }
    match report {
        Report::Progress {
            file, read, total, ..
        } => state.dispatch(Action::Progress { file, read, total }),
        Report::Done { mut diagnosis, .. } => {
            // The worker does not walk the knowledge base: the questions and the guide are made here.
            diagnosis.answer(&Answers::new());
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
