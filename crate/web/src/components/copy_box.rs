//! Text to copy elsewhere: shown in a read-only box (select it and copy by hand if the browser refuses) with a
//! Copy button.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::{CopyState, use_clipboard};
use crate::strings;

#[derive(Properties, PartialEq)]
pub struct CopyBoxProps {
    pub text: AttrValue,
    /// The box's accessible name and the button's subject ("the link").
    pub label: AttrValue,
    /// Rows of the box: 1 gives a one-line field.
    #[prop_or(1)]
    pub rows: u32,
    /// An id for the box, for tests and labels.
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn CopyBox(props: &CopyBoxProps) -> Html {
    let (copied, copy) = use_clipboard();
    let field = use_node_ref();
    let on_copy = {
        let text = props.text.to_string();
        Callback::from(move |_: MouseEvent| copy.emit(text.clone()))
    };
    // When the clipboard is refused, the text is selected so that Ctrl+C copies it.
    {
        let field = field.clone();
        use_effect_with(copied, move |copied| {
            if *copied == CopyState::Failed {
                if let Some(t) = field.cast::<web_sys::HtmlTextAreaElement>() {
                    let _ = t.focus();
                    t.select();
                }
            }
        });
    }
    let on_focus = Callback::from(|e: FocusEvent| {
        if let Some(t) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            t.select();
        }
    });
    let label = match copied {
        CopyState::Ready => strings::COPY,
        CopyState::Copied => strings::COPIED,
        CopyState::Failed => strings::PRESS_CTRL_C,
    };
    html! {
        <div class={if props.rows > 1 { "copy-box copy-box-tall" } else { "copy-box" }}>
            <textarea ref={field} id={props.id.clone()} readonly=true rows={props.rows.to_string()}
                aria-label={props.label.clone()} spellcheck="false" value={props.text.clone()} onfocus={on_focus} />
            <button type="button" class="copy" onclick={on_copy} aria-label={format!("Copy {}", props.label)}>{ label }</button>
            if copied != CopyState::Ready {
                <span class="visually-hidden" role="status">{ label }</span>
            }
        </div>
    }
}
