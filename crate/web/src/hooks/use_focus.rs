//! Moves keyboard focus to what changed after an action (the state's `focus`), and scrolls it into view.
//! Without it, an answer removes the button that had focus and leaves focus on `body`: a keyboard or screen
//! reader user would have to find their place again from the top of the page.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Focuses the element `id` each time `seq` changes (after the render that made it).
#[hook]
pub fn use_focus(id: Option<String>, seq: u32) {
    use_effect_with(seq, move |seq| {
        if *seq > 0 {
            if let Some(id) = &id {
                focus_id(id);
            }
        }
    });
}

/// Focuses the element `id`, if there is one, and brings it into view.
pub fn focus_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(e) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        e.scroll_into_view_with_scroll_into_view_options(&options);
        let focus = web_sys::FocusOptions::new();
        focus.set_prevent_scroll(true);
        let _ = e.focus_with_options(&focus);
    }
}
