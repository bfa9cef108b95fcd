//! One kind of log on the start page's "Where are my logs?": what writes it, its path with a Copy button
//! (to paste into File Explorer's address bar), and a note.

use yew::prelude::*;

use crate::hooks::{CopyState, use_clipboard};
use crate::strings;

#[derive(Properties, PartialEq)]
pub struct LogPlaceProps {
    pub what: &'static str,
    pub path: &'static str,
    pub note: &'static str,
}

#[component]
pub fn LogPlace(props: &LogPlaceProps) -> Html {
    let (copied, copy) = use_clipboard();
    let on_copy = {
        let path = props.path.to_string();
        Callback::from(move |_: MouseEvent| copy.emit(path.clone()))
    };
    let label = match copied {
        CopyState::Ready => strings::COPY,
        CopyState::Copied => strings::COPIED,
        CopyState::Failed => strings::SELECT_AND_COPY,
    };
    html! {
        <li>
            <span class="log-kind">{ props.what }</span>
            <span class="log-path">
                <code>{ props.path }</code>
                <button type="button" class="copy" onclick={on_copy}
                    aria-label={format!("{label} {}", props.path)}>{ label }</button>
                if copied != CopyState::Ready {
                    <span class="visually-hidden" role="status">{ label }</span>
                }
            </span>
            if !props.note.is_empty() {
                <span class="hint">{ props.note }</span>
            }
        </li>
    }
}
