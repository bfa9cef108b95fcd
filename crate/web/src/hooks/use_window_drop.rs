//! Files dropped anywhere on the page are taken as input. Without this, a file dropped beside the drop zone
//! would make the browser open it in place of the page, losing what the person had chosen.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File};
use yew::prelude::*;

use crate::components::file_picker::files_of;

#[hook]
pub fn use_window_drop(on_add: Callback<Vec<File>>) {
    use_effect_with(on_add, |on_add| {
        let window = web_sys::window();
        let listeners = window.map(|w| {
            let options = EventListenerOptions::enable_prevent_default();
            let over = EventListener::new_with_options(&w, "dragover", options, |e| {
                e.prevent_default();
            });
            let on_add = on_add.clone();
            let drop = EventListener::new_with_options(&w, "drop", options, move |e| {
                // The drop zone handles its own drops (and prevents the default first).
                if e.default_prevented() {
                    return;
                }
                e.prevent_default();
                if let Some(e) = e.dyn_ref::<DragEvent>() {
                    let files = files_of(e.data_transfer().and_then(|t| t.files()));
                    if !files.is_empty() {
                        on_add.emit(files);
                    }
                }
            });
            (over, drop)
        });
        move || drop(listeners)
    });
}
