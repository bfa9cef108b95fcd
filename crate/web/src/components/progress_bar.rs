//! Progress of reading the input (bytes read, and the time left once the pace is known), with a button that
//! stops it.

use crate::strings;
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
    // When this reading started showing, and how much was read then: the pace since gives the time left.
    let start = use_mut_ref(|| (now_ms(), props.read));
    let (t0, read0) = *start.borrow();
    let left = time_left(
        now_ms() - t0,
        props.read.saturating_sub(read0),
        total.saturating_sub(props.read),
    );
    let on_cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="progress" role="status">
            <label for="read-progress">
                { strings::reading(&props.file) }
                { strings::read_of(&size(props.read), &size(props.total)) }
                <span class="time-left">{ left.map(|s| strings::time_left(&s)).unwrap_or_default() }</span>
            </label>
            <progress id="read-progress" max="100" value={percent.to_string()}>{ format!("{percent}%") }</progress>
            <button type="button" onclick={on_cancel}>{ strings::STOP }</button>
        </div>
    }
}

/// Milliseconds since the page opened.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// The time left, in words, once at least half a second and some bytes give the pace; none before.
pub fn time_left(elapsed_ms: f64, read: u64, left: u64) -> Option<String> {
    if elapsed_ms < 500.0 || read == 0 {
        return None;
    }
    let secs = (left as f64 * elapsed_ms / read as f64 / 1000.0).ceil() as u64;
    Some(match secs {
        0..=1 => strings::A_SECOND.to_string(),
        2..=59 => strings::seconds(secs),
        60..=119 => strings::A_MINUTE.to_string(),
        _ => strings::minutes(secs.div_ceil(60)),
    })
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
