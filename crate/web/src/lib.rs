//! The page: a Yew app that shows a diagnosis in the browser and walks the person through its guide. Its Web
//! Worker (`crate/worker`) reads the files in chunks and scans them; nothing leaves the page, which makes no
//! request after it has loaded. This crate depends on neither the scanner nor regex.
//!
//! - [`state`]: the app state (`AppState`, a `Reducible`) and its `Action`s.
//! - [`hooks`]: reading and diagnosing (`use_diagnose`), the clipboard, what survives a reload.
//! - [`components`]: one component per file; [`components::App`] is the page.
//! - [`api`]: `window.setupTriage.diagnose(text)`, for help pages that build their own view.

pub mod api;
pub mod components;
pub mod hooks;
pub mod state;
pub mod strings;

pub use components::App;

use case::redact::Redactor;
use model::Diagnosis;

/// Mounts the page on the document's body, replacing the loading message of `www/index.html`.
/// With `?embed` (or `?embed=1`) in the address the page leaves out its title and footer, for an iframe.
pub fn start() {
    let window = web_sys::window();
    let document = window.as_ref().and_then(|w| w.document());
    if let Some(boot) = document.as_ref().and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    let search = window
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if embedded(&search) {
        if let Some(body) = document.and_then(|d| d.body()) {
            body.set_class_name("embed");
        }
    }
    api::install();
    yew::Renderer::<App>::new().render();
}

/// A redactor for a diagnosis on the page: it finds the personal values the worker's patterns found
/// ([`Diagnosis::personal`]), so that the page's WebAssembly carries no regex engine. A case opened from a
/// share link has none, since its texts were redacted before they were shared: its tokens (`USER1`) are
/// marked again, and stay as they are.
pub fn redactor_for(d: &Diagnosis) -> Redactor {
    if d.personal.is_empty() {
        Redactor::with_lexicon(case::redact::lexicon_of_tokens(d))
    } else {
        Redactor::with_lexicon(d.personal.clone())
    }
}

/// Whether a query string (`?a=1&embed`) asks for the embed mode.
pub fn embedded(search: &str) -> bool {
    search.trim_start_matches('?').split('&').any(|p| {
        matches!(
            p,
            "embed" | "embed=" | "embed=1" | "embed=true" | "embed=yes"
        )
    })
}
