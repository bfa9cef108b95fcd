//! The answers the person gave, each with a way to take it back.

use yew::prelude::*;

use crate::strings;
use kb::tree::{Question, UNKNOWN};

#[derive(Properties, PartialEq)]
pub struct AnswersListProps {
    /// Questions the person answered.
    pub questions: Vec<Question>,
    /// Called with the fact whose answer is taken back.
    pub on_change: Callback<String>,
}

#[component]
pub fn AnswersList(props: &AnswersListProps) -> Html {
    if props.questions.is_empty() {
        return html! {};
    }
    html! {
        <div class="answers">
            <h3>{ strings::YOUR_ANSWERS }</h3>
            <dl>
                { for props.questions.iter().map(|q| {
                    let label = if q.answer == UNKNOWN {
                        strings::I_DONT_KNOW.to_string()
                    } else {
                        q.choices.iter().find(|c| c.value == q.answer)
                            .map(|c| c.label.clone()).unwrap_or_else(|| q.answer.clone())
                    };
                    let cb = props.on_change.clone();
                    let fact = q.fact.clone();
                    html! {
                        <>
                            <dt>{ q.text.clone() }</dt>
                            <dd>
                                { label }{ strings::SPACE }
                                <button type="button" class="link" aria-label={strings::change_answer(&q.text)}
                                    onclick={Callback::from(move |_: MouseEvent| cb.emit(fact.clone()))}>{ strings::CHANGE }</button>
                            </dd>
                        </>
                    }
                }) }
            </dl>
        </div>
    }
}
