//! Progress of reading the input, with a button that stops it.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    pub file: AttrValue,
    pub read: u64,
    pub total: u64,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn ProgressBar(props: &ProgressBarProps) -> Html {
    let total = props.total.max(1);
    let percent = (props.read.min(total) * 100 / total) as u32;
    let on_cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="progress" role="status">
            <label for="read-progress">
                { if props.file.is_empty() { "Reading…".to_string() } else { format!("Reading {}…", props.file) } }
                { format!(" {} of {}", size(props.read), size(props.total)) }
            </label>
            <progress id="read-progress" max="100" value={percent.to_string()}>{ format!("{percent}%") }</progress>
            <button type="button" onclick={on_cancel}>{ "Stop" }</button>
        </div>
    }
}

/// A byte count for people.
pub fn size(bytes: u64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    if b < K {
        format!("{bytes} bytes")
    } else if b < K * K {
        format!("{:.0} KB", b / K)
    } else if b < K * K * K {
        format!("{:.1} MB", b / K / K)
    } else {
        format!("{:.2} GB", b / K / K / K)
    }
}
