//! Choosing log files: a file picker and a drop zone. Files stay in the browser; they are read only when
//! the person asks for a diagnosis.

use web_sys::{DragEvent, File, FileList, HtmlInputElement};
use yew::prelude::*;

use crate::components::progress_bar::size;
use crate::strings;

#[derive(Properties, PartialEq)]
pub struct FilePickerProps {
    pub files: Vec<File>,
    pub disabled: bool,
    pub on_add: Callback<Vec<File>>,
    pub on_remove: Callback<usize>,
}

/// The files of a `FileList`, in order.
pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn FilePicker(props: &FilePickerProps) -> Html {
    let dragging = use_state(|| false);
    let on_change = {
        let cb = props.on_add.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = files_of(input.files());
            // Cleared so that choosing the same file again still fires a change.
            input.set_value("");
            if !files.is_empty() {
                cb.emit(files);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        let cb = props.on_add.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let files = files_of(e.data_transfer().and_then(|t| t.files()));
            if !files.is_empty() {
                cb.emit(files);
            }
        })
    };
    html! {
        <div class={classes!("drop-zone", dragging.then_some("dragging"))}
            ondragover={on_drag_over} ondragenter={Callback::from(|e: DragEvent| e.prevent_default())}
            ondragleave={on_drag_leave} ondrop={on_drop}>
            <input type="file" id="file-input" class="visually-hidden" multiple=true
                disabled={props.disabled} onchange={on_change} />
            <label for="file-input" class="button">{ strings::CHOOSE_FILES }</label>
            <span class="drop-hint">{ strings::DROP_HINT }</span>
            if !props.files.is_empty() {
                <ul class="file-list" aria-label={strings::CHOSEN_FILES}>
                    { for props.files.iter().enumerate().map(|(i, f)| {
                        let cb = props.on_remove.clone();
                        let name = f.name();
                        html! {
                            <li>
                                <span class="file-name">{ name.clone() }</span>
                                <span class="file-size">{ size(f.size() as u64) }</span>
                                <button type="button" class="link" disabled={props.disabled}
                                    aria-label={strings::remove_file(&name)}
                                    onclick={Callback::from(move |_: MouseEvent| cb.emit(i))}>{ strings::REMOVE }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
