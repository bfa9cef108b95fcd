//! One command to copy, with its Copy button. A comment line (`REM …`, `# …`) labels the commands after it
//! ("REM On Windows 10:") and is shown as a note without a Copy button: pasting it does nothing useful.

use yew::prelude::*;

use crate::hooks::{CopyState, use_clipboard};
use crate::strings;

#[derive(Properties, PartialEq)]
pub struct CommandLineProps {
    pub command: AttrValue,
}

/// Whether a line is a comment in Command Prompt (`REM`, `::`) or PowerShell (`#`).
pub fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    let upper = t.get(..4).map(str::to_ascii_uppercase);
    t.starts_with("::")
        || t.starts_with('#')
        || upper.as_deref() == Some("REM ")
        || t.eq_ignore_ascii_case("rem")
}

#[component]
pub fn CommandLine(props: &CommandLineProps) -> Html {
    let (copied, copy) = use_clipboard();
    let on_copy = {
        let command = props.command.to_string();
        Callback::from(move |_: MouseEvent| copy.emit(command.clone()))
    };
    let label = match copied {
        CopyState::Ready => strings::COPY,
        CopyState::Copied => strings::COPIED,
        CopyState::Failed => strings::SELECT_AND_COPY,
    };
    if is_comment(&props.command) {
        return html! {
            <p class="command-comment"><span class="visually-hidden">{ format!("{}: ", strings::COMMENT_NOTE) }</span>{ props.command.clone() }</p>
        };
    }
    // The command wraps instead of scrolling sideways, so that it can be read whole on a phone and at 200 %
    // zoom; the wrapped part of a line is indented (a hanging indent) so that it reads as the same line.
    html! {
        <div class="command">
            <pre><code>{ props.command.clone() }</code></pre>
            <button type="button" class="copy" onclick={on_copy} aria-label={strings::copy_command(&props.command)}>
                { label }
            </button>
            if copied != CopyState::Ready {
                <span class="visually-hidden" role="status">{ label }</span>
            }
        </div>
    }
}
