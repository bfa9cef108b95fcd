//! Keeps the paste box in sessionStorage, so a reload (or an accidental close of the tab's page) keeps it.

use gloo::storage::{SessionStorage, Storage};
use yew::prelude::*;

const KEY: &str = "setup-triage.text";

/// The text saved by an earlier load of the page in this tab, or empty.
pub fn saved_text() -> String {
    SessionStorage::get::<String>(KEY).unwrap_or_default()
}

/// Saves `text` whenever it changes. Storage may be full or disabled: the text then lives only in the page.
#[hook]
pub fn use_session_text(text: String) {
    use_effect_with(text, |text| {
        if text.is_empty() {
            SessionStorage::delete(KEY);
        } else {
            let _ = SessionStorage::set(KEY, text);
        }
    });
}
