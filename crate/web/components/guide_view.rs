//! The guide: its title, intro and numbered steps, walked one at a time ("Did that fix it?").

use yew::prelude::*;

use crate::engine::Guide;
use crate::web::components::step_card::{StepCard, StepStatus};
use crate::web::state::StepProgress;

#[derive(Properties, PartialEq)]
pub struct GuideViewProps {
    pub guide: Guide,
    pub progress: StepProgress,
    pub on_fixed: Callback<()>,
    pub on_next: Callback<()>,
    pub on_restart: Callback<()>,
    /// A share link per step ("Link to this step"); empty when the guide cannot be shared.
    #[prop_or_default]
    pub step_links: Vec<AttrValue>,
}

#[component]
pub fn GuideView(props: &GuideViewProps) -> Html {
    let guide = &props.guide;
    let progress = &props.progress;
    let n = guide.steps.len();
    let status = |i: usize| match progress.fixed {
        Some(f) if f == i => StepStatus::Fixed,
        Some(_) if i < progress.current => StepStatus::Tried,
        Some(_) => StepStatus::Later,
        None if i < progress.current => StepStatus::Tried,
        None if i == progress.current => StepStatus::Current,
        None => StepStatus::Later,
    };
    let on_restart = {
        let cb = props.on_restart.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let fixed_step = progress
        .fixed
        .and_then(|i| guide.steps.get(i).map(|s| (i, s)));
    html! {
        <section class="guide" aria-labelledby="guide-title">
            <h2 id="guide-title">{ guide.title.clone() }</h2>
            if !guide.intro.is_empty() {
                <p class="intro">{ guide.intro.clone() }</p>
            }
            if n > 0 {
                <p class="hint">{ "Try the steps in order. After each one, say whether it fixed the problem." }</p>
            }
            <ol class="steps">
                { for guide.steps.iter().enumerate().map(|(i, step)| html! {
                    <StepCard
                        key={step.id.clone()}
                        step={step.clone()}
                        number={i + 1}
                        status={status(i)}
                        has_next={i + 1 < n}
                        on_fixed={props.on_fixed.clone()}
                        on_next={props.on_next.clone()}
                        link={props.step_links.get(i).cloned()}
                    />
                }) }
            </ol>
            if let Some((i, step)) = fixed_step {
                <div class="outcome outcome-fixed" role="status">
                    <h3>{ format!("Step {} fixed it", i + 1) }</h3>
                    if step.check.is_empty() {
                        <p>{ "Run the update or installation once more to make sure it now completes." }</p>
                    } else {
                        <p><strong>{ "To be sure: " }</strong>{ step.check.clone() }</p>
                    }
                    <button type="button" onclick={on_restart.clone()}>{ "Start the steps again" }</button>
                </div>
            }
            if progress.exhausted(n) {
                <div class="outcome outcome-exhausted" role="status">
                    <h3>{ "None of the steps fixed it" }</h3>
                    <p>{ "Add more logs from the failed attempt (the setup or Windows Update logs named in the steps) and diagnose again: they may show a different cause." }</p>
                    <button type="button" onclick={on_restart.clone()}>{ "Start the steps again" }</button>
                </div>
            }
            if progress.fixed.is_none() && progress.current > 0 && !progress.exhausted(n) {
                <p><button type="button" class="link" onclick={on_restart}>{ "Start the steps again" }</button></p>
            }
        </section>
    }
}
