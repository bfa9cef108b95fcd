//! The Windows Installer actions around the failure, in the order they ran: a short timeline under the
//! evidence, so that a helper sees what setup was doing when it failed.

use yew::prelude::*;

use crate::strings;
use model::diagnosis::{Timeline, TimelineAction};

#[derive(Properties, PartialEq)]
pub struct TimelineViewProps {
    pub timeline: Vec<Timeline>,
    /// The root cause's file: its log's timeline is the one shown.
    #[prop_or_default]
    pub file: Option<String>,
}

/// Actions shown before the one that failed.
const BEFORE: usize = 4;
/// Actions shown after it.
const AFTER: usize = 1;

#[component]
pub fn TimelineView(props: &TimelineViewProps) -> Html {
    let failed_at = |t: &Timeline| t.actions.iter().position(|a| a.failed);
    let chosen = props
        .timeline
        .iter()
        .filter(|t| failed_at(t).is_some())
        .find(|t| props.file.as_deref() == Some(t.file.as_str()))
        .or_else(|| props.timeline.iter().find(|t| failed_at(t).is_some()));
    let Some((t, f)) = chosen.and_then(|t| failed_at(t).map(|f| (t, f))) else {
        return html! {};
    };
    let from = f.saturating_sub(BEFORE);
    let to = (f + AFTER + 1).min(t.actions.len());
    let earlier: u64 = t.actions[..from]
        .iter()
        .map(|a| 1 + a.skipped_before)
        .sum::<u64>()
        + t.actions[from].skipped_before;
    let row = |a: &TimelineAction, i: usize| {
        let (class, result) = match a.result {
            _ if a.failed => ("action action-failed", strings::ACTION_FAILED),
            Some(1) => ("action", strings::ACTION_DONE),
            Some(0) => ("action", strings::ACTION_NOT_RUN),
            Some(2) => ("action", strings::ACTION_CANCELLED),
            Some(3) => ("action action-after", strings::ACTION_ENDED_WITH_FAILURE),
            Some(4) => ("action", strings::ACTION_SUSPENDED),
            _ => ("action", strings::ACTION_NO_END),
        };
        html! {
            <li class={class} key={i}>
                if i > from && a.skipped_before > 0 {
                    <span class="action-gap">{ format!("… {} more", a.skipped_before) }</span>
                }
                <span class="action-name">{ a.name.clone() }</span>
                <span class="action-result">{ result }</span>
                <span class="line-no">{ format!("line {}", a.start) }</span>
            </li>
        }
    };
    html! {
        <details class="timeline" open=true>
            <summary>{ strings::timeline_summary(t.total) }</summary>
            <ol>
                if earlier > 0 {
                    <li class="action action-gap">{ format!("… {earlier} actions before") }</li>
                }
                { for t.actions[from..to].iter().enumerate().map(|(k, a)| row(a, from + k)) }
            </ol>
        </details>
    }
}
