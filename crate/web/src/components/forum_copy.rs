//! "Copy for a forum": the guide as BBCode, Markdown or plain text, with the share link at the end. The
//! forum formats are redacted unless the person ticks "Don't replace names" (and is warned); plain text is
//! for the person's own use and keeps the input's words.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::copy_box::CopyBox;
use crate::redactor_for;
use crate::state::StepProgress;
use crate::strings;
use case::export::{self, Format};
use model::{Answers, Diagnosis};

#[derive(Properties, PartialEq)]
pub struct ForumCopyProps {
    pub diagnosis: Rc<Diagnosis>,
    pub answers: Answers,
    pub progress: StepProgress,
    pub base: AttrValue,
}

const FORMATS: [(Format, &str, &str); 3] = [
    (Format::BBCode, "bbcode", strings::FORMAT_BBCODE),
    (Format::Markdown, "markdown", strings::FORMAT_MARKDOWN),
    (Format::Text, "text", strings::FORMAT_TEXT),
];

#[component]
pub fn ForumCopy(props: &ForumCopyProps) -> Html {
    let format = use_state(|| Format::BBCode);
    let keep_names = use_state(|| false);
    let redact = !format.is_for_forums() || !*keep_names;
    let mut redactor = redactor_for(&props.diagnosis);
    let text = export::export(
        &props.diagnosis,
        &props.answers,
        &props.progress.to_shared(),
        *format,
        Some(&props.base),
        redact.then_some(&mut redactor),
    );
    let on_keep_names = {
        let keep_names = keep_names.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            keep_names.set(input.checked());
        })
    };
    let choice = |(f, id, label): (Format, &'static str, &'static str)| {
        let checked = *format == f;
        let format = format.clone();
        let onchange = Callback::from(move |_: Event| format.set(f));
        html! {
            <label class="format-choice" for={format!("format-{id}")}>
                <input type="radio" name="forum-format" id={format!("format-{id}")} value={id}
                    {checked} {onchange} />
                { label }
            </label>
        }
    };
    html! {
        <div class="forum-copy">
            <fieldset class="formats">
                <legend>{ strings::FORUM_TITLE }</legend>
                <div class="format-choices">{ for FORMATS.into_iter().map(choice) }</div>
            </fieldset>
            if format.is_for_forums() {
                <label class="keep-names" for="keep-names">
                    <input type="checkbox" id="keep-names" checked={*keep_names} onchange={on_keep_names} />
                    { strings::FORUM_KEEP_NAMES }
                </label>
                if *keep_names {
                    <p class="warning" role="alert">
                        { strings::FORUM_NAMES_WARNING }
                    </p>
                }
            } else {
                <p class="hint">{ strings::FORUM_PLAIN_TEXT_NOTE }</p>
            }
            <CopyBox text={AttrValue::from(text)} label="the guide" rows={8} id="forum-text" />
        </div>
    }
}
