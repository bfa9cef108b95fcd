//! The page (feature `web`): a Yew app that runs the engine in the browser. Files are read with the File API
//! in chunks and never leave the page; the page makes no request after it has loaded.
//!
//! - [`state`]: the app state (`AppState`, a `Reducible`) and its `Action`s.
//! - [`hooks`]: reading and diagnosing (`use_diagnose`), the clipboard, what survives a reload.
//! - [`components`]: one component per file; [`components::App`] is the page.

pub mod components;
pub mod hooks;
pub mod state;

pub use components::App;

/// Mounts the page on the document's body, replacing the loading message of `www/index.html`.
pub fn start() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    yew::Renderer::<App>::new().render();
}
