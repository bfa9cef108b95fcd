//! The diagnosis at a glance: the verdict, the root cause and its evidence, the codes and the facts learned.

use yew::prelude::*;

use crate::components::evidence::Evidence;
use crate::components::findings_list::FindingsList;
use crate::components::timeline_view::TimelineView;
use crate::hooks::use_diagnose::PASTE_NAME;
use crate::strings;
use kb::tree::kb;
use model::facts;
use model::{Confidence, Diagnosis, Verdict};

#[derive(Properties, PartialEq)]
pub struct ResultSummaryProps {
    pub diagnosis: std::rc::Rc<Diagnosis>,
}

#[component]
pub fn ResultSummary(props: &ResultSummaryProps) -> Html {
    let d = &props.diagnosis;
    let (class, verdict) = match d.verdict {
        Verdict::Failed => ("verdict verdict-failed", strings::VERDICT_FAILED),
        Verdict::Succeeded => ("verdict verdict-succeeded", strings::VERDICT_SUCCEEDED),
        Verdict::Inconclusive => (
            "verdict verdict-inconclusive",
            strings::VERDICT_INCONCLUSIVE,
        ),
    };
    let fact_value = |k: &str, v: &str| fact_label(d, k, v);
    let others: Vec<_> = d
        .findings
        .iter()
        .filter(|f| d.root_cause.as_ref() != Some(*f))
        .cloned()
        .collect();
    html! {
        <section class="result" aria-labelledby="result-title">
            <h2 id="result-title" class={class} tabindex="-1">{ verdict }</h2>
            <p class={classes!("confidence", format!("confidence-{}", confidence_id(d.confidence)))}>
                <strong>{ strings::HOW_SURE }</strong>{ d.confidence.label() }
            </p>
            if let Some(root) = &d.root_cause {
                <h3>{ strings::THE_CAUSE }</h3>
                <Evidence finding={root.clone()} />
                <TimelineView timeline={d.timeline.clone()} file={Some(root.file.clone())} />
            } else if d.verdict == Verdict::Failed {
                <p>{ strings::NO_CAUSE_LINE }</p>
            }
            if !d.codes.is_empty() {
                <div class="codes">
                    <h3>{ strings::ERROR_CODES }</h3>
                    <ul class="code-list">
                        { for d.codes.iter().map(|c| html! { <li><code>{ c.clone() }</code></li> }) }
                    </ul>
                </div>
            }
            if !d.facts.is_empty() {
                <div class="facts">
                    <h3>{ strings::WHAT_THE_INPUT_SAYS }</h3>
                    <dl>
                        { for d.facts.iter().map(|(k, v)| html! {
                            <><dt>{ facts::label(k).to_string() }</dt><dd>{ fact_value(k, v) }</dd></>
                        }) }
                    </dl>
                </div>
            }
            <FindingsList findings={others} />
            if d.files.iter().any(|f| f.name != PASTE_NAME) {
                <details class="files">
                    <summary>{ strings::read_inputs(d.files.len()) }</summary>
                    <ul>
                        { for d.files.iter().map(|f| html! {
                            <li>{ strings::input_file(&f.name, &f.format, &f.encoding, f.lines) }</li>
                        }) }
                    </ul>
                </details>
            }
        </section>
    }
}

/// The confidence's name in the page's CSS classes.
fn confidence_id(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// A fact's value as people say it: a question's choice label, a cause's title, a Windows name, else as is.
pub fn fact_label(d: &Diagnosis, key: &str, value: &str) -> String {
    let from_question = d
        .questions
        .iter()
        .filter(|q| q.fact == key)
        .flat_map(|q| q.choices.iter())
        .find(|c| c.value.eq_ignore_ascii_case(value))
        .map(|c| c.label.clone());
    if let Some(label) = from_question {
        return label;
    }
    match key {
        "cause" => kb().cause(value).map(|c| c.title.clone()),
        "windows" => facts::windows_name(value).map(str::to_string),
        _ => None,
    }
    .unwrap_or_else(|| value.to_string())
}
