//! The other lines that matter, folded away: for whoever wants to check the reading.

use yew::prelude::*;

use crate::engine::Finding;
use crate::engine::diagnosis::Role;

/// More than this many are counted, not listed.
const SHOWN: usize = 60;

#[derive(Properties, PartialEq)]
pub struct FindingsListProps {
    pub findings: Vec<Finding>,
}

#[component]
pub fn FindingsList(props: &FindingsListProps) -> Html {
    let n = props.findings.len();
    if n == 0 {
        return html! {};
    }
    let role = |r: Role| match r {
        Role::Cause => "cause",
        Role::Failure => "failure",
        Role::Summary => "outcome",
        Role::Success => "success",
        Role::Context => "context",
    };
    html! {
        <details class="findings">
            <summary>{ format!("Other lines that matter ({n})") }</summary>
            <ul>
                { for props.findings.iter().take(SHOWN).map(|f| html! {
                    <li>
                        <span class="where">{ format!("{}, line {} ", f.file, f.line) }</span>
                        <span class={classes!("role", format!("role-{}", role(f.role)))}>{ role(f.role) }</span>
                        <code class="finding-text">{ f.text.clone() }</code>
                        <span class="finding-summary">{ f.summary.clone() }</span>
                    </li>
                }) }
            </ul>
            if n > SHOWN {
                <p class="hint">{ format!("and {} more.", n - SHOWN) }</p>
            }
        </details>
    }
}
