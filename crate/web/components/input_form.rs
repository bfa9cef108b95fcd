//! The input: a box to paste an error message or log text, the files, and the Diagnose button.

use web_sys::{File, HtmlTextAreaElement};
use yew::prelude::*;

use crate::web::components::file_picker::FilePicker;

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
    html! {
        <form class="input" onsubmit={on_submit} aria-label="What went wrong">
            <label for="paste">{ "Paste the error message or the log text" }</label>
            <p class="help" id="paste-help">
                { "For example the line from Windows Update's history, or a few lines of a setup log. It stays on this computer. Ctrl+Enter diagnoses." }
            </p>
            <textarea id="paste" name="paste" rows="7" spellcheck="false" autocomplete="off"
                aria-describedby="paste-help"
                placeholder="Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with error 0x643"
                value={props.text.clone()} oninput={on_input} onkeydown={on_key_down} />
            <FilePicker files={props.files.clone()} disabled={props.busy}
                on_add={props.on_add_files.clone()} on_remove={props.on_remove_file.clone()} />
            <div class="actions">
                <button type="submit" class="primary" disabled={props.busy}>{ "Diagnose" }</button>
            </div>
        </form>
    }
}
