//! The page's small JavaScript API, for help pages that build their own view:
//! `window.setupTriage.diagnose(input)` returns a `Promise` of the diagnosis as a plain object (the JSON
//! contract's fields, see README), made with serde-wasm-bindgen. `input` is a string (an error message or a
//! whole log), a `File` or `Blob`, or an array of them.
//!
//! The page's worker (crate/worker/) reads and scans, as it does for the page itself, so the page's own
//! WebAssembly carries no log reader. The API has a worker of its own, started on its first call, so that it
//! never stops a diagnosis the person is running; its calls are queued and run one after another, since the
//! worker gives up a job when the next one arrives.

use std::cell::RefCell;
use std::collections::VecDeque;

use gloo_worker::{Spawnable, WorkerBridge};
use js_sys::{Array, Function, Promise};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use messages::{LogWorker, Report, Request, Structured, Upload, script_for, simd_supported};
use model::{Answers, Diagnosis};

/// What `diagnose` says of an argument it cannot read.
const BAD_INPUT: &str =
    "diagnose(input): input must be a string, a File or Blob, or an array of them";

/// One call waiting for its diagnosis.
struct Call {
    text: String,
    files: Vec<Upload>,
    resolve: Function,
    reject: Function,
}

/// The API's worker and its calls: the one running first, then those waiting.
struct Service {
    bridge: WorkerBridge<LogWorker>,
    calls: VecDeque<Call>,
    run: u32,
}

thread_local! {
    static SERVICE: RefCell<Option<Service>> = const { RefCell::new(None) };
}

/// Diagnoses the input in the worker; the promise resolves to the diagnosis, or rejects with an `Error`
/// saying what could not be read.
#[wasm_bindgen]
pub fn diagnose(input: JsValue) -> Promise {
    let (text, files) = match read_input(&input) {
        Some(input) => input,
        None => return Promise::reject(&js_sys::Error::new(BAD_INPUT).into()),
    };
    let mut call = Some((text, files));
    Promise::new(&mut |resolve, reject| {
        let Some((text, files)) = call.take() else {
            return;
        };
        SERVICE.with(|s| {
            let mut s = s.borrow_mut();
            let s = s.get_or_insert_with(Service::start);
            s.calls.push_back(Call {
                text,
                files,
                resolve,
                reject,
            });
            if s.calls.len() == 1 {
                s.send_first();
            }
        });
    })
}

/// The text and the files of an argument: a string, a `File` or `Blob`, or an array of them (strings are
/// joined by line breaks).
fn read_input(input: &JsValue) -> Option<(String, Vec<Upload>)> {
    let items: Vec<JsValue> = if Array::is_array(input) {
        Array::from(input).iter().collect()
    } else {
        vec![input.clone()]
    };
    let mut texts = Vec::new();
    let mut files = Vec::new();
    for item in items {
        if let Some(text) = item.as_string() {
            texts.push(text);
        } else if let Some(blob) = item.dyn_ref::<Blob>() {
            let name = match item.dyn_ref::<web_sys::File>() {
                Some(file) => file.name(),
                None => format!("file {}", files.len() + 1),
            };
            files.push(Upload {
                name,
                blob: blob.clone(),
            });
        } else {
            return None;
        }
    }
    if texts.is_empty() && files.is_empty() {
        return None;
    }
    Some((texts.join("\n"), files))
}

impl Service {
    fn start() -> Service {
        let bridge = LogWorker::spawner()
            .callback(on_report)
            .encoding::<Structured>()
            .as_module(false)
            .with_loader(true)
            .spawn(script_for(simd_supported));
        Service {
            bridge,
            calls: VecDeque::new(),
            run: 0,
        }
    }

    /// Sends the first waiting call to the worker.
    fn send_first(&mut self) {
        self.run = self.run.wrapping_add(1) & 0x7fff_ffff;
        if let Some(call) = self.calls.front() {
            self.bridge.send(Request::Diagnose {
                run: self.run,
                text: call.text.clone(),
                files: call.files.clone(),
            });
        }
    }
}

/// A report of the API's worker: the end of the running call settles its promise and starts the next.
fn on_report(report: Report) {
    let outcome = match report {
        // Progress is not shown, and parts are only asked of the page's own workers.
        Report::Progress { .. } | Report::Parts { .. } => return,
        Report::Done { diagnosis, .. } => json(*diagnosis),
        Report::Unreadable { file, why, .. } => Err(format!("could not read \"{file}\": {why}")),
        Report::Cancelled { .. } => Err("the diagnosis was stopped".to_string()),
    };
    let call = SERVICE.with(|s| {
        let mut s = s.borrow_mut();
        let s = s.as_mut()?;
        let call = s.calls.pop_front();
        if !s.calls.is_empty() {
            s.send_first();
        }
        call
    });
    let Some(call) = call else { return };
    let _ = match outcome {
        Ok(value) => call.resolve.call1(&JsValue::NULL, &value),
        Err(message) => call
            .reject
            .call1(&JsValue::NULL, &js_sys::Error::new(&message).into()),
    };
}

/// The diagnosis as the CLI's JSON has it: with its questions and guide, without the page's lexicon.
fn json(mut d: Diagnosis) -> Result<JsValue, String> {
    kb::answer(&mut d, &Answers::new());
    d.personal = Default::default();
    d.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())
}

/// Puts `window.setupTriage = { diagnose, version }` in place and tells the page with a `setup-triage-ready`
/// event on `window`.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = js_sys::Object::new();
    let f = Closure::<dyn Fn(JsValue) -> Promise>::new(diagnose);
    let _ = js_sys::Reflect::set(&api, &"diagnose".into(), &f.into_js_value());
    let _ = js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    let _ = js_sys::Reflect::set(&window, &"setupTriage".into(), &api);
    if let Ok(e) = web_sys::Event::new("setup-triage-ready") {
        let _ = window.dispatch_event(&e);
    }
}
