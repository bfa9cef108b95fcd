//! Reads the pasted text and the chosen files into the engine, chunk by chunk, and reports progress.
//! Files are read with `Blob.slice` in pieces: a big log is never held whole, and nothing is uploaded.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::File;
use yew::prelude::*;

use crate::engine::{Answers, Diagnoser};
use crate::web::hooks::use_saved_progress::saved_case;
use crate::web::state::{Action, AppState};

/// How much of a file is read at a time.
pub const CHUNK: u64 = 1 << 20;

/// The name the pasted text goes by in findings.
pub const PASTE_NAME: &str = "pasted text";

/// Returns `(diagnose, cancel)`. Diagnose reads the current text and files; cancel stops a reading in progress.
#[hook]
pub fn use_diagnose(state: UseReducerHandle<AppState>) -> (Callback<()>, Callback<()>) {
    // Each run gets a number; a run stops as soon as the current number is no longer its own.
    let run = use_mut_ref(|| Rc::new(Cell::new(0u32)));

    let diagnose = {
        let state = state.clone();
        let run = run.borrow().clone();
        Callback::from(move |()| {
            if state.busy() {
                return;
            }
            let text = state.text.clone();
            let files = state.files.clone();
            if text.trim().is_empty() && files.is_empty() {
                state.dispatch(Action::Fail(
                    "There is nothing to diagnose yet: paste an error message or some log text, or choose a log file."
                        .into(),
                ));
                return;
            }
            let id = run.get().wrapping_add(1);
            run.set(id);
            let total = text.len() as u64 + files.iter().map(|f| f.size() as u64).sum::<u64>();
            state.dispatch(Action::Started { total });
            let state = state.clone();
            let run = run.clone();
            spawn_local(async move {
                let mut d = Diagnoser::new();
                let mut done = 0u64;
                if !text.trim().is_empty() {
                    d.add_file(PASTE_NAME, text.as_bytes());
                    done += text.len() as u64;
                }
                for file in &files {
                    let name = file.name();
                    d.begin(&name);
                    match read_file(file, &mut d, &state, &run, id, &mut done, total).await {
                        Ok(true) => {}
                        Ok(false) => return, // cancelled; the cancel already told the state
                        Err(why) => {
                            state.dispatch(Action::Stopped(format!(
                                "Could not read \"{name}\": {why}. Nothing you typed was lost; remove the file or choose it again."
                            )));
                            return;
                        }
                    }
                    d.end();
                }
                if run.get() == id {
                    let d = d.finish(&Answers::new());
                    let saved = saved_case(&d);
                    state.dispatch(Action::Finished(Box::new(d), saved));
                }
            });
        })
    };

    let cancel = {
        let state = state.clone();
        let run = run.borrow().clone();
        Callback::from(move |()| {
            if state.busy() {
                run.set(run.get().wrapping_add(1));
                state.dispatch(Action::Stopped(
                    "Stopped. Nothing was diagnosed; your text and files are still here.".into(),
                ));
            }
        })
    };

    (diagnose, cancel)
}

/// Feeds one file to the engine in chunks. `Ok(false)` when the run was cancelled.
async fn read_file(
    file: &File,
    d: &mut Diagnoser,
    state: &UseReducerHandle<AppState>,
    run: &Rc<Cell<u32>>,
    id: u32,
    done: &mut u64,
    total: u64,
) -> Result<bool, String> {
    let size = file.size() as u64;
    let name = file.name();
    let mut at = 0u64;
    while at < size {
        if run.get() != id {
            return Ok(false);
        }
        let end = (at + CHUNK).min(size);
        let slice = file
            .slice_with_f64_and_f64(at as f64, end as f64)
            .map_err(describe)?;
        let buffer = JsFuture::from(slice.array_buffer())
            .await
            .map_err(describe)?;
        let bytes = Uint8Array::new(&buffer).to_vec();
        if bytes.is_empty() {
            return Err("the browser returned no data".into());
        }
        d.feed(&bytes);
        at += bytes.len() as u64;
        *done += bytes.len() as u64;
        if run.get() != id {
            return Ok(false);
        }
        state.dispatch(Action::Progress {
            file: name.clone(),
            read: *done,
            total,
        });
    }
    Ok(run.get() == id)
}

/// A JavaScript error as one readable phrase.
fn describe(e: JsValue) -> String {
    js_sys::Error::from(e)
        .message()
        .as_string()
        .map(|m| m.trim().trim_end_matches('.').to_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "the browser could not read it".into())
}
