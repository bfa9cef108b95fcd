//! Notes about the input itself (odd bytes, an empty file, a log too short to tell).

use yew::prelude::*;

use crate::strings;
use model::Note;

#[derive(Properties, PartialEq)]
pub struct NotesListProps {
    pub notes: Vec<Note>,
}

#[component]
pub fn NotesList(props: &NotesListProps) -> Html {
    if props.notes.is_empty() {
        return html! {};
    }
    html! {
        <section class="notes" aria-labelledby="notes-title">
            <h2 id="notes-title">{ strings::NOTES_TITLE }</h2>
            <ul>
                { for props.notes.iter().map(|n| html! {
                    <li>
                        if let Some(file) = &n.file { <span class="where">{ format!("{file}: ") }</span> }
                        { n.message.clone() }
                    </li>
                }) }
            </ul>
        </section>
    }
}
