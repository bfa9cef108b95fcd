//! A question the knowledge base needs answered, with its choices and "I don't know".

use yew::prelude::*;

use crate::strings;
use kb::tree::{Question, UNKNOWN};

#[derive(Properties, PartialEq)]
pub struct QuestionCardProps {
    pub question: Question,
    /// Called with (fact, value).
    pub on_answer: Callback<(String, String)>,
}

#[component]
pub fn QuestionCard(props: &QuestionCardProps) -> Html {
    let q = &props.question;
    let id = format!("q-{}", q.fact);
    let choice = |value: String, label: String, class: &'static str| {
        let cb = props.on_answer.clone();
        let fact = q.fact.clone();
        let onclick = Callback::from(move |_: MouseEvent| cb.emit((fact.clone(), value.clone())));
        html! { <button type="button" class={class} {onclick}>{ label }</button> }
    };
    html! {
        <fieldset class="question" aria-describedby={(!q.help.is_empty()).then(|| format!("{id}-help"))}>
            <legend id={format!("{id}-legend")} tabindex="-1">{ q.text.clone() }</legend>
            if !q.help.is_empty() {
                <p class="help" id={format!("{id}-help")}>{ q.help.clone() }</p>
            }
            <div class="choices">
                { for ordered(q).into_iter().map(|c| choice(c.value.clone(), c.label.clone(), "choice")) }
                { choice(UNKNOWN.to_string(), strings::I_DONT_KNOW.to_string(), "choice choice-unknown") }
            </div>
        </fieldset>
    }
}

/// The choices in the order to show them. Windows versions are listed newest first: most people who ask
/// today run Windows 10 or 11, and should not have to read past XP to find it. The knowledge base keeps its
/// own order (oldest first, as its validation and snapshots expect).
fn ordered(q: &Question) -> Vec<&kb::tree::Choice> {
    let mut choices: Vec<_> = q.choices.iter().collect();
    if q.fact == "windows" {
        choices.reverse();
    }
    choices
}
