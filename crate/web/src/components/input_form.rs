//! The input: a box to paste an error message or log text, the files, and the Diagnose button.

use web_sys::{File, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::file_picker::FilePicker;
use crate::strings;

#[derive(Properties, PartialEq)]
pub struct InputFormProps {
    pub text: AttrValue,
    pub files: Vec<File>,
    pub busy: bool,
    pub on_edit: Callback<String>,
    pub on_add_files: Callback<Vec<File>>,
    pub on_remove_file: Callback<usize>,
    pub on_diagnose: Callback<()>,
}

#[component]
pub fn InputForm(props: &InputFormProps) -> Html {
    let on_input = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(area.value());
        })
    };
    // Ctrl+Enter (Cmd+Enter on a Mac) in the box diagnoses, as in many forms with a big text box.
    let on_key_down = {
        let cb = props.on_diagnose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                cb.emit(());
            }
        })
    };
    let on_submit = {
        let cb = props.on_diagnose.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(());
        })
    };
    // "Ctrl+Enter" is offered only where the main pointer is a mouse (a computer with a keyboard), not on phones.
    let keys = use_memo((), |()| {
        web_sys::window()
            .and_then(|w| w.match_media("(pointer: fine)").ok().flatten())
            .is_some_and(|m| m.matches())
    });
    html! {
        <form class="input" onsubmit={on_submit} aria-label="What went wrong">
            <label for="paste">{ strings::PASTE_LABEL }</label>
            <p class="help" id="paste-help">
                { strings::PASTE_HELP }
                if *keys { { strings::PASTE_HELP_KEYS } }
            </p>
            <textarea id="paste" name="paste" rows="7" spellcheck="false" autocomplete="off"
                aria-describedby="paste-help"
                placeholder={strings::PASTE_PLACEHOLDER}
                value={props.text.clone()} oninput={on_input} onkeydown={on_key_down} />
            <FilePicker files={props.files.clone()} disabled={props.busy}
                on_add={props.on_add_files.clone()} on_remove={props.on_remove_file.clone()} />
            <div class="actions">
                <button type="submit" class="primary" disabled={props.busy}>{ strings::DIAGNOSE }</button>
            </div>
        </form>
    }
}
