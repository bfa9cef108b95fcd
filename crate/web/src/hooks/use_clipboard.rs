//! Copies text to the clipboard and says so for a moment.

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

/// What the last copy did, for the button's label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyState {
    Ready,
    Copied,
    /// The browser refused (no permission, or not a secure page): the person selects and copies by hand.
    Failed,
}

/// Returns the state and a callback that copies its argument.
#[hook]
pub fn use_clipboard() -> (CopyState, Callback<String>) {
    let state = use_state(|| CopyState::Ready);
    let copy = {
        let state = state.clone();
        Callback::from(move |text: String| {
            let state = state.clone();
            spawn_local(async move {
                let ok = match web_sys::window() {
                    Some(w) => JsFuture::from(w.navigator().clipboard().write_text(&text))
                        .await
                        .is_ok(),
                    None => false,
                };
                state.set(if ok {
                    CopyState::Copied
                } else {
                    CopyState::Failed
                });
                let state = state.clone();
                Timeout::new(2000, move || state.set(CopyState::Ready)).forget();
            });
        })
    };
    (*state, copy)
}
