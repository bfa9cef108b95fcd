//! A message for the person when something went wrong, and what to do about it.

use crate::strings;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub message: AttrValue,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn ErrorBanner(props: &ErrorBannerProps) -> Html {
    let on_dismiss = {
        let cb = props.on_dismiss.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="error" role="alert">
            <p>{ props.message.clone() }</p>
            <button type="button" class="link" onclick={on_dismiss}>{ strings::DISMISS }</button>
        </div>
    }
}
