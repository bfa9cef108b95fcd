//! The guide in the browser's history (issue 16): each answer and each step shown is an entry of the page's
//! history, holding the diagnosis, the answers and the step. Back goes back one step of the guide (or one
//! answer), Forward comes back, and a reload shows the same result at the same step. The logs themselves are
//! not kept (only the diagnosis made of them), so after a reload the page names the files to choose again.

use gloo::events::EventListener;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::hooks::use_share_link::is_share_fragment;
use crate::state::{Action, AppState, Origin, StepProgress};
use model::{Answers, Diagnosis};

/// One entry of the page's history: everything needed to show the result again as it was.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// Tells our entries from anything else in `history.state`.
    triage: u32,
    /// Which diagnosis, answers and step this is (see [`key`]): an entry already current is not pushed again.
    key: String,
    origin: u8,
    answers: Answers,
    progress: StepProgress,
    diagnosis: Diagnosis,
}

/// A name for where the page stands: the diagnosis (counted by `finished`), the answers and the step.
fn key(finished: u32, answers: &Answers, progress: &StepProgress) -> String {
    let answers: Vec<String> = answers.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{finished}|{}|{}|{:?}",
        answers.join(","),
        progress.current,
        progress.fixed
    )
}

fn origin_code(o: Origin) -> u8 {
    match o {
        Origin::Input => 0,
        Origin::Link => 1,
        Origin::Composed => 2,
    }
}

fn origin_of(code: u8) -> Origin {
    match code {
        1 => Origin::Link,
        2 => Origin::Composed,
        _ => Origin::Input,
    }
}

fn current_entry() -> Option<Entry> {
    let state = web_sys::window()?.history().ok()?.state().ok()?;
    if state.is_null() || state.is_undefined() {
        return None;
    }
    serde_wasm_bindgen::from_value::<Entry>(state)
        .ok()
        .filter(|e| e.triage == 1)
}

/// Keeps the page's history in step with the guide, restores it on a reload and follows Back and Forward.
#[hook]
pub fn use_history(state: UseReducerHandle<AppState>) {
    // On the first render: a reload (or coming back to the page) finds its entry and shows it again, unless the
    // address holds a share link, which opens itself.
    {
        let state = state.clone();
        use_effect_with((), move |()| {
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            if !is_share_fragment(hash.trim_start_matches('#')) {
                if let Some(e) = current_entry() {
                    state.dispatch(restore(e, true));
                }
            }
        });
    }
    // Back and Forward: the entry's answers and step (its diagnosis, if the page shows another one).
    {
        let state = state.clone();
        use_effect_with((), move |()| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "popstate", move |_| {
                    if let Some(e) = current_entry() {
                        state.dispatch(restore(e, false));
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Every change of diagnosis, answers or step: a new entry (the first of a diagnosis replaces the entry the
    // page is on, so that Back from the first step leaves the result as before).
    let k = state
        .diagnosis
        .as_ref()
        .map(|_| key(state.finished, &state.answers, &state.progress));
    use_effect_with(k, {
        let state = state.clone();
        move |k| {
            let (Some(k), Some(d)) = (k, state.diagnosis.as_ref()) else {
                return;
            };
            let current = current_entry();
            if current.as_ref().is_some_and(|e| &e.key == k) {
                return;
            }
            let same_case = current
                .as_ref()
                .is_some_and(|e| e.key.split('|').next() == k.split('|').next());
            let entry = Entry {
                triage: 1,
                key: k.clone(),
                origin: origin_code(state.origin),
                answers: state.answers.clone(),
                progress: state.progress.clone(),
                diagnosis: Diagnosis::clone(d),
            };
            let Ok(value) = entry.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            else {
                return;
            };
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = if same_case {
                    h.push_state(&value, "")
                } else {
                    h.replace_state(&value, "")
                };
            }
        }
    });
}

/// The action that shows an entry again. After a reload, `reloaded` also names the files to choose again.
fn restore(e: Entry, reloaded: bool) -> Action {
    let files: Vec<String> = e
        .diagnosis
        .files
        .iter()
        .map(|f| f.name.clone())
        .filter(|n| n != messages::PASTE_NAME)
        .collect();
    Action::Revisit {
        diagnosis: Box::new(e.diagnosis),
        answers: e.answers,
        progress: e.progress,
        origin: origin_of(e.origin),
        key: e.key,
        reloaded_files: reloaded.then_some(files),
    }
}

/// Whether a value is an entry of ours (for the browser tests).
pub fn is_entry(value: &JsValue) -> bool {
    serde_wasm_bindgen::from_value::<Entry>(value.clone()).is_ok()
}
