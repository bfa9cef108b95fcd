//! The other lines that matter, folded away: for whoever wants to check the reading. Each one opens in its
//! context (the lines around it, as the cause is shown), and in a big log "Previous error" and "Next error"
//! (or the keys P and N while the list has focus) walk the errors one by one.

use yew::prelude::*;

use crate::components::evidence::Evidence;
use crate::hooks::focus_id;
use crate::strings;
use model::Finding;
use model::diagnosis::Role;

/// More than this many are counted, not listed.
const SHOWN: usize = 60;

#[derive(Properties, PartialEq)]
pub struct FindingsListProps {
    pub findings: Vec<Finding>,
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Cause => "cause",
        Role::Failure => "failure",
        Role::Summary => "outcome",
        Role::Success => "success",
        Role::Context => "context",
    }
}

#[component]
pub fn FindingsList(props: &FindingsListProps) -> Html {
    // The errors among the findings (causes and failures), by their index in the list shown.
    let errors: Vec<usize> = props
        .findings
        .iter()
        .take(SHOWN)
        .enumerate()
        .filter(|(_, f)| matches!(f.role, Role::Cause | Role::Failure))
        .map(|(i, _)| i)
        .collect();
    // Which error the navigation shows (an index into `errors`); none until asked.
    let at = use_state(|| None::<usize>);
    let n = props.findings.len();
    if n == 0 {
        return html! {};
    }
    let go = {
        let at = at.clone();
        let count = errors.len();
        move |forward: bool| {
            if count == 0 {
                return;
            }
            let next = match (*at, forward) {
                (None, true) => 0,
                (None, false) => count - 1,
                (Some(i), true) => (i + 1).min(count - 1),
                (Some(i), false) => i.saturating_sub(1),
            };
            at.set(Some(next));
        }
    };
    let on_previous = {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| go(false))
    };
    let on_next = {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| go(true))
    };
    // N and P while focus is in the list: keys for walking a big log without reaching for the buttons. Not
    // while typing (there is no text field here) and not with a modifier, so browser shortcuts still work.
    let on_key_down = Callback::from(move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        match e.key().as_str() {
            "n" | "N" => {
                e.prevent_default();
                go(true);
            }
            "p" | "P" => {
                e.prevent_default();
                go(false);
            }
            _ => {}
        }
    });
    // After a move, focus goes to the error shown, so that it is read out and the keys keep working.
    use_effect_with(*at, |at| {
        if at.is_some() {
            focus_id("error-shown");
        }
    });
    let shown = (*at)
        .and_then(|i| errors.get(i))
        .and_then(|&i| props.findings.get(i));
    html! {
        <details class="findings" onkeydown={on_key_down}>
            <summary>{ strings::other_lines(n) }</summary>
            if errors.len() > 1 {
                <div class="error-nav" role="group" aria-label={strings::ERRORS_IN_LOG}>
                    <button type="button" id="previous-error" onclick={on_previous}
                        disabled={*at == Some(0)}>{ strings::PREVIOUS_ERROR }</button>
                    <button type="button" id="next-error" onclick={on_next}
                        disabled={*at == Some(errors.len() - 1)}>{ strings::NEXT_ERROR }</button>
                    <span class="hint">{ strings::ERROR_KEYS }</span>
                </div>
                if let (Some(f), Some(i)) = (shown, *at) {
                    <div class="error-shown" id="error-shown" tabindex="-1" role="group"
                        aria-label={strings::error_of(i + 1, errors.len())}>
                        <p class="error-count">{ strings::error_of(i + 1, errors.len()) }</p>
                        <Evidence finding={f.clone()} nested=true />
                    </div>
                }
            }
            <ul>
                { for props.findings.iter().take(SHOWN).map(|f| html! {
                    <li>
                        <details class="finding">
                            <summary>
                                <span class="where">{ format!("{}, line {} ", f.file, f.line) }</span>
                                <span class={classes!("role", format!("role-{}", role_name(f.role)))}>{ role_name(f.role) }</span>
                                <code class="finding-text">{ f.text.clone() }</code>
                                <span class="finding-summary">{ f.summary.clone() }</span>
                            </summary>
                            <Evidence finding={f.clone()} nested=true />
                        </details>
                    </li>
                }) }
            </ul>
            if n > SHOWN {
                <p class="hint">{ strings::and_more(n - SHOWN) }</p>
            }
        </details>
    }
}
