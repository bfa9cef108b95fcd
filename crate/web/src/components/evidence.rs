//! The line that explains the failure, in place among its neighbours, with where it is and what it means.
//! Log text is always rendered as text: Yew escapes it.

use yew::prelude::*;

use crate::strings;
use model::Finding;

#[derive(Properties, PartialEq)]
pub struct EvidenceProps {
    pub finding: Finding,
    /// Shown inside the list of other findings rather than as the cause: another class, so that `.evidence`
    /// names the cause's evidence alone.
    #[prop_or_default]
    pub nested: bool,
}

#[component]
pub fn Evidence(props: &EvidenceProps) -> Html {
    let f = &props.finding;
    let line = |no: u64, text: &str, cause: bool| {
        html! {
            <div class={if cause { "log-line cause-line" } else { "log-line" }}>
                <span class="line-no" aria-hidden={(!cause).then_some("true")}>{ no }</span>
                <span class="line-text">{ text.to_string() }</span>
            </div>
        }
    };
    html! {
        <figure class={if props.nested { "evidence-context" } else { "evidence" }}>
            <figcaption>
                <span class="where">{ format!("{}, line {}", f.file, f.line) }</span>
            </figcaption>
            <div class="log" role="group" aria-label={format!("Lines around line {} of {}", f.line, f.file)} tabindex="0">
                { for f.context.iter().filter(|c| c.line < f.line).map(|c| line(c.line, &c.text, false)) }
                { line(f.line, &f.text, true) }
                { for f.context.iter().filter(|c| c.line > f.line).map(|c| line(c.line, &c.text, false)) }
            </div>
            <p class="summary">{ f.summary.clone() }</p>
            // The reader's technical details (codes, component names) stay folded until asked for: most people
            // need the sentence above, and a helper can open them.
            if !f.details.is_empty() {
                <details class="technical">
                    <summary>{ strings::TECHNICAL_DETAILS }</summary>
                    <dl class="details">
                        { for f.details.iter().map(|d| html! {
                            <><dt>{ d.label.clone() }</dt><dd>{ d.value.clone() }</dd></>
                        }) }
                    </dl>
                </details>
            }
        </figure>
    }
}
