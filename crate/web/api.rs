//! The page's small JavaScript API, for help pages that build their own view:
//! `window.setupTriage.diagnose(text)` returns the diagnosis as a plain object (the JSON contract's fields,
//! see README), made with serde-wasm-bindgen. The wasm module also exports `diagnose` itself, for pages that
//! load it with their own script (`window.wasmBindings.diagnose` in Trunk's build).

use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

use crate::engine::{Answers, diagnose_text};

/// The name pasted text goes by in the diagnosis's findings.
const API_NAME: &str = "text";

/// Diagnoses a text (an error message or a whole log) and returns the diagnosis as a plain object.
#[wasm_bindgen]
pub fn diagnose(text: &str) -> Result<JsValue, JsValue> {
    let d = diagnose_text(API_NAME, text, &Answers::new());
    d.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// Puts `window.setupTriage = { diagnose, version }` in place and tells the page with a `setup-triage-ready`
/// event on `window`.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = js_sys::Object::new();
    let f = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(|text: JsValue| {
        let text = text
            .as_string()
            .ok_or_else(|| JsValue::from_str("diagnose(text): text must be a string"))?;
        diagnose(&text)
    });
    let _ = js_sys::Reflect::set(&api, &"diagnose".into(), &f.into_js_value());
    let _ = js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    let _ = js_sys::Reflect::set(&window, &"setupTriage".into(), &api);
    if let Ok(e) = web_sys::Event::new("setup-triage-ready") {
        let _ = window.dispatch_event(&e);
    }
}
