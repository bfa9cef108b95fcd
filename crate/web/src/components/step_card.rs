//! One numbered step of the guide: what to do, its risk, commands, what to back up, how to undo and check,
//! its sources, and the "Did that fix it?" buttons while it is the current step. Only the current step (and
//! the one that fixed it) is open; the others are folded under their title, risk and outcome, like GOV.UK's
//! step-by-step navigation.

use yew::prelude::*;

use crate::components::command_line::CommandLine;
use crate::components::copy_box::CopyBox;
use crate::hooks::{CopyState, use_clipboard};
use crate::strings;
use model::Step;
use model::guide::Risk;

/// Where a step stands in the "Did that fix it?" loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Tried; it did not help.
    Tried,
    /// The one to try now.
    Current,
    /// This one fixed it.
    Fixed,
    /// Not reached yet (or not needed, once another fixed it).
    Later,
}

#[derive(Properties, PartialEq)]
pub struct StepCardProps {
    pub step: Step,
    /// 1-based.
    pub number: usize,
    pub status: StepStatus,
    /// Whether a step follows this one.
    pub has_next: bool,
    pub on_fixed: Callback<()>,
    pub on_next: Callback<()>,
    pub on_restart: Callback<()>,
    /// How many steps the guide has ("Step 2 of 9").
    pub total: usize,
    /// A share link that opens the guide at this step, for "Link to this step".
    #[prop_or_default]
    pub link: Option<AttrValue>,
}

#[component]
pub fn StepCard(props: &StepCardProps) -> Html {
    let step = &props.step;
    let risk_class = match step.risk {
        Risk::Safe => "risk risk-safe",
        Risk::Moderate => "risk risk-moderate",
        Risk::Destructive => "risk risk-destructive",
    };
    let status_class = match props.status {
        StepStatus::Tried => "step tried",
        StepStatus::Current => "step current",
        StepStatus::Fixed => "step fixed",
        StepStatus::Later => "step",
    };
    let on_fixed = {
        let cb = props.on_fixed.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_next = {
        let cb = props.on_next.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_restart = {
        let cb = props.on_restart.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let title_id = format!("step-{}-title", props.number);
    let (link_copied, copy_link) = use_clipboard();
    let on_copy_link = {
        let link = props.link.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(l) = &link {
                copy_link.emit(l.to_string());
            }
        })
    };
    let n = props.number;
    let open = matches!(props.status, StepStatus::Current | StepStatus::Fixed);
    // The step's content: shown open for the step being tried (and the one that fixed it), folded for the
    // others, so that the page shows one step in focus and its "Did that fix it?" right under it.
    let content = html! {
        <>
            if !step.backup.is_empty() {
                <p class="backup"><strong>{ strings::FIRST }</strong>{ step.backup.clone() }</p>
            }
            { for paragraphs(&step.body).map(|p| html! { <p>{ p }</p> }) }
            // Each run of commands says where it goes (Command Prompt, PowerShell, the Run box) and whether it
            // needs an administrator, so that nobody pastes a line into the wrong place.
            { for step.command_groups().into_iter().map(|(lead, commands)| html! {
                <div class="commands">
                    <p class="command-where">{ lead }</p>
                    { for commands.into_iter().map(|c| html! { <CommandLine command={AttrValue::from(c)} /> }) }
                </div>
            }) }
            // A script (diskpart) is shown to be typed line by line, never with a Copy button: its lines act on
            // whatever an earlier line selected, so pasting it whole with a wrong number can delete a partition.
            if let Some(script) = &step.script {
                <div class="script">
                    <p class="command-where"><strong>{ script.lead() }</strong></p>
                    <p class="hint">{ strings::SCRIPT_NOTE }</p>
                    <pre tabindex="0" role="region" aria-label={script.lead()}><code>{ script.text.clone() }</code></pre>
                </div>
            }
            if !step.undo.is_empty() {
                <p class="undo"><strong>{ strings::TO_UNDO }</strong>{ step.undo.clone() }</p>
            }
            if !step.check.is_empty() {
                <p class="check"><strong>{ strings::HOW_TO_TELL }</strong>{ step.check.clone() }</p>
            }
            if !step.source_links.is_empty() {
                <p class="sources">
                    { strings::SOURCES }
                    { for step.source_links.iter().enumerate().map(|(i, s)| html! {
                        <>
                            if i > 0 { { "; " } }
                            if s.url.is_empty() {
                                <span>{ s.title.clone() }</span>
                            } else {
                                <a href={s.url.clone()} rel="noopener noreferrer" target="_blank">{ s.title.clone() }</a>
                            }
                        </>
                    }) }
                </p>
            }
            if let Some(link) = &props.link {
                <p class="step-link">
                    <button type="button" class="link" onclick={on_copy_link}>
                        { match link_copied {
                            CopyState::Copied => strings::LINK_TO_STEP_COPIED,
                            _ => strings::LINK_TO_STEP,
                        } }
                    </button>
                    if link_copied != CopyState::Ready {
                        <span class="visually-hidden" role="status">{ strings::LINK_COPIED }</span>
                    }
                </p>
                if link_copied == CopyState::Failed {
                    <CopyBox text={link.clone()} label={AttrValue::from(strings::link_to_step(n))} />
                }
            }
        </>
    };
    html! {
        <li class={status_class} id={format!("step-{n}")} aria-labelledby={title_id.clone()}
            aria-current={(props.status == StepStatus::Current).then_some("step")}>
            <header class="step-head">
                <span class="step-number" aria-hidden="true">{ n }</span>
                // Focus moves here when this step becomes the one to try; tabindex -1 makes the heading a
                // target for the script without adding a stop to the Tab order.
                <h3 id={title_id} tabindex="-1">{ step.title.clone() }</h3>
                <span class={risk_class}>{ step.risk.label() }</span>
                { match props.status {
                    StepStatus::Tried => html! { <span class="step-badge">{ strings::TRIED }</span> },
                    StepStatus::Fixed => html! { <span class="step-badge step-badge-fixed">{ strings::FIXED_IT }</span> },
                    _ => html! {},
                } }
            </header>
            if open {
                <div class="step-body">{ content }</div>
            } else {
                <details class="step-more">
                    <summary>{ if props.status == StepStatus::Tried { strings::SHOW_TRIED_STEP } else { strings::SHOW_STEP } }</summary>
                    <div class="step-body">{ content }</div>
                </details>
            }
            if props.status == StepStatus::Current {
                <div class="did-it-work" role="group" aria-labelledby={format!("step-{n}-ask")}>
                    <p class="ask" id={format!("step-{n}-ask")}>
                        { strings::DID_IT_FIX }
                        <span class="visually-hidden">{ format!(" ({})", strings::step_of(n, props.total)) }</span>
                    </p>
                    <button type="button" class="primary" onclick={on_fixed}>{ strings::YES }</button>
                    <button type="button" onclick={on_next}>
                        { if props.has_next { strings::NO_NEXT } else { strings::NO_LAST } }
                    </button>
                </div>
            }
            if props.status == StepStatus::Fixed {
                <div class="outcome outcome-fixed">
                    <h3 id="outcome-fixed-title" tabindex="-1">{ strings::step_fixed_it(n) }</h3>
                    if step.check.is_empty() {
                        <p>{ strings::RUN_AGAIN }</p>
                    } else {
                        <p><strong>{ strings::TO_BE_SURE }</strong>{ step.check.clone() }</p>
                    }
                    <button type="button" onclick={on_restart}>{ strings::START_AGAIN }</button>
                </div>
            }
        </li>
    }
}

/// The body's paragraphs: separated by blank lines; single line breaks inside a paragraph are kept as spaces.
fn paragraphs(body: &str) -> impl Iterator<Item = String> + '_ {
    body.split("\n\n")
        .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
}
