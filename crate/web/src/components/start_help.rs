//! The start page's help: examples to try (a pasted error and a small sample log built into the page) and
//! "Where are my logs?" with the path of each kind of log and a Copy button. Someone who does not yet know
//! what to paste can see what the page does, and where to find their own logs.

use yew::prelude::*;

use crate::components::log_place::LogPlace;
use crate::strings;

/// A small MSI log that ends in error 1935: our own test fixture, carried in the page as plain text.
pub const SAMPLE_LOG: &str = include_str!("../examples/sample-msi.log");

#[derive(Properties, PartialEq)]
pub struct StartHelpProps {
    /// Puts an example into the paste box and diagnoses it.
    pub on_example: Callback<String>,
}

#[component]
pub fn StartHelp(props: &StartHelpProps) -> Html {
    let example = |text: &'static str| {
        let cb = props.on_example.clone();
        Callback::from(move |_: MouseEvent| cb.emit(text.to_string()))
    };
    html! {
        <section class="start-help" aria-labelledby="examples-title">
            <h2 id="examples-title" class="small-heading">{ strings::EXAMPLES_TITLE }</h2>
            <p class="examples">
                <button type="button" id="example-error" onclick={example(strings::EXAMPLE_ERROR_TEXT)}>{ strings::EXAMPLE_ERROR }</button>
                <button type="button" id="example-log" onclick={example(SAMPLE_LOG)}>{ strings::EXAMPLE_LOG }</button>
            </p>
            <p class="hint">{ strings::EXAMPLE_HINT }</p>
            <details class="where-logs" id="where-logs">
                <summary>{ strings::WHERE_LOGS_TITLE }</summary>
                <p>{ strings::WHERE_LOGS_INTRO }</p>
                <ul class="log-places">
                    { for strings::LOG_PLACES.iter().map(|(what, path, note)| html! {
                        <LogPlace what={*what} path={*path} note={*note} />
                    }) }
                </ul>
            </details>
        </section>
    }
}
