//! One command to copy, with its Copy button.

use yew::prelude::*;

use crate::web::hooks::{CopyState, use_clipboard};

#[derive(Properties, PartialEq)]
pub struct CommandLineProps {
    pub command: AttrValue,
}

#[component]
pub fn CommandLine(props: &CommandLineProps) -> Html {
    let (copied, copy) = use_clipboard();
    let on_copy = {
        let command = props.command.to_string();
        Callback::from(move |_: MouseEvent| copy.emit(command.clone()))
    };
    let label = match copied {
        CopyState::Ready => "Copy",
        CopyState::Copied => "Copied",
        CopyState::Failed => "Select and copy",
    };
    html! {
        <div class="command">
            <pre><code>{ props.command.clone() }</code></pre>
            <button type="button" class="copy" onclick={on_copy} aria-label={format!("Copy the command: {}", props.command)}>
                { label }
            </button>
            if copied != CopyState::Ready {
                <span class="visually-hidden" role="status">{ label }</span>
            }
        </div>
    }
}
