//! The guide: its title, intro and numbered steps, walked one at a time ("Did that fix it?"). The list of
//! steps is also the overview: every title with its risk, the current one open, the others folded.

use yew::prelude::*;

use crate::components::step_card::{StepCard, StepStatus};
use crate::state::StepProgress;
use crate::strings;
use model::Guide;

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
    html! {
        <section class="guide" aria-labelledby="guide-title">
            <h2 id="guide-title">{ guide.title.clone() }</h2>
            if !guide.intro.is_empty() {
                <p class="intro">{ guide.intro.clone() }</p>
            }
            if n > 0 {
                <p class="hint">{ strings::GUIDE_HINT }</p>
            }
            <ol class="steps">
                { for guide.steps.iter().enumerate().map(|(i, step)| html! {
                    <StepCard
                        key={step.id.clone()}
                        step={step.clone()}
                        number={i + 1}
                        total={n}
                        status={status(i)}
                        has_next={i + 1 < n}
                        on_fixed={props.on_fixed.clone()}
                        on_next={props.on_next.clone()}
                        on_restart={props.on_restart.clone()}
                        link={props.step_links.get(i).cloned()}
                    />
                }) }
            </ol>
            if progress.exhausted(n) {
                <div class="outcome outcome-exhausted">
                    <h3 id="outcome-exhausted-title" tabindex="-1">{ strings::EXHAUSTED }</h3>
                    <p>{ strings::EXHAUSTED_HELP }</p>
                    <button type="button" onclick={on_restart.clone()}>{ strings::START_AGAIN }</button>
                </div>
            }
            if progress.fixed.is_none() && progress.current > 0 && !progress.exhausted(n) {
                <p><button type="button" class="link" onclick={on_restart}>{ strings::START_AGAIN }</button></p>
            }
        </section>
    }
}
