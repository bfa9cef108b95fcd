//! Opens a share link: the case in the address's fragment (`#c=1.…&s=3`) becomes the diagnosis shown, walked
//! through today's knowledge base, at the step the link names. A link that cannot be read gives the person
//! [`LinkError`]'s message and leaves the page empty and working (a guide shown before is cleared: the reason
//! must not sit above a guide it is not about). Also the page's own address, which links are
//! made against, and compose mode's empty case.

use gloo::events::EventListener;
use yew::prelude::*;

use crate::hooks::use_saved_progress::saved_case;
use crate::state::{Action, AppState, Origin, StepProgress};
use crate::strings;
use case::share::{self, Case, LinkError, Progress};
use model::diagnosis::{Note, Verdict};
use model::{Answers, Facts};

/// The page's own address without its fragment and query: share links are made against it, so they work
/// from any host and path prefix (`https://example.org/help/triage/`), and from `file://`.
pub fn page_base() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split(['#', '?']).next().unwrap_or("").to_string()
}

/// The address's fragment, without the `#`.
fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// Whether a fragment is meant as a share link (holds `c=`).
pub fn is_share_fragment(fragment: &str) -> bool {
    fragment.split('&').any(|p| p.starts_with("c="))
}

/// The action that opens a share link's fragment. Progress saved by an earlier visit of the same case wins
/// over the link's own, unless the link names a step (`s=`): "do step 3" shows step 3.
pub fn open_link(fragment: &str) -> Result<Action, LinkError> {
    let case = share::decode(fragment)?;
    let deep_step = fragment.split('&').any(|p| p.starts_with("s="));
    let mut d = case.to_diagnosis();
    // A deep link to a step the guide does not have (today's knowledge base may have shortened it) is said,
    // not opened at another step.
    let steps = d.guide.steps.len();
    if deep_step && case.progress.current >= steps {
        return Err(LinkError::NoSuchStep {
            step: case.progress.current + 1,
            steps,
        });
    }
    let saved = if deep_step { None } else { saved_case(&d) };
    let (answers, progress, restored) = match saved {
        Some(s) => {
            kb::answer(&mut d, &s.answers);
            let progress = if s.guide == d.guide.id {
                s.progress()
            } else {
                StepProgress::default()
            };
            (s.answers, progress, true)
        }
        None => (
            case.answers,
            StepProgress::from_shared(&case.progress),
            false,
        ),
    };
    Ok(Action::OpenCase {
        diagnosis: Box::new(d),
        answers,
        progress,
        origin: Origin::Link,
        restored,
    })
}

/// Compose mode: a case with no log and no facts, so that every question is asked, one after another.
pub fn compose() -> Action {
    let case = Case {
        verdict: Verdict::Failed,
        facts: Facts::new(),
        answers: Answers::new(),
        evidence: None,
        guide: String::new(),
        progress: Progress::default(),
    };
    let mut d = case.to_diagnosis();
    d.notes = vec![Note {
        file: None,
        message: strings::COMPOSED_NOTE.into(),
    }];
    Action::OpenCase {
        diagnosis: Box::new(d),
        answers: Answers::new(),
        progress: StepProgress::default(),
        origin: Origin::Composed,
        restored: false,
    }
}

/// Opens the share link in the address when the page starts, and again whenever the fragment changes to
/// another link (pasted into the address bar of the open page).
#[hook]
pub fn use_share_link(state: UseReducerHandle<AppState>) {
    use_effect_with((), move |()| {
        let open = move || {
            let f = fragment();
            if !is_share_fragment(&f) {
                return;
            }
            match open_link(&f) {
                Ok(action) => state.dispatch(action),
                Err(e) => state.dispatch(Action::LinkFailed(e.to_string())),
            }
        };
        open();
        let listener =
            web_sys::window().map(|w| EventListener::new(&w, "hashchange", move |_| open()));
        move || drop(listener)
    });
}
