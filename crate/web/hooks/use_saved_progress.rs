//! Keeps a case's progress (the answers given and how far through the guide) in localStorage, keyed by a hash of
//! the facts the input gave, so that the person can restart the computer mid-guide and pick up where they were.
//! Nothing else is stored: no log text, no findings.

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::engine::{Answers, Diagnosis, Facts};
use crate::web::state::StepProgress;

const PREFIX: &str = "setup-triage.case.";
/// Bumped when the stored shape changes; older entries are ignored.
const VERSION: u32 = 1;

/// What is kept for one case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedCase {
    pub v: u32,
    pub answers: Answers,
    /// The guide the progress belongs to: progress in another guide (the knowledge base changed) is dropped.
    pub guide: String,
    pub progress: StepProgress,
}

/// The storage key of a case: FNV-1a over the facts' JSON (a sorted map, so the same facts give the same key).
pub fn case_key(facts: &Facts) -> String {
    let json = serde_json::to_string(facts).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{PREFIX}{h:016x}")
}

/// The progress saved for these facts by an earlier visit, if any.
pub fn saved_case(facts: &Facts) -> Option<SavedCase> {
    LocalStorage::get::<SavedCase>(case_key(facts))
        .ok()
        .filter(|c| c.v == VERSION)
}

/// Forgets the progress saved for these facts.
pub fn forget_case(facts: &Facts) {
    LocalStorage::delete(case_key(facts));
}

/// Saves the case whenever its answers or progress change; a case with neither is removed.
#[hook]
pub fn use_saved_progress(
    diagnosis: Option<std::rc::Rc<Diagnosis>>,
    answers: Answers,
    progress: StepProgress,
) {
    use_effect_with(
        (diagnosis, answers, progress),
        |(diagnosis, answers, progress)| {
            let Some(d) = diagnosis else { return };
            if answers.0.is_empty() && *progress == StepProgress::default() {
                forget_case(&d.facts);
            } else {
                let case = SavedCase {
                    v: VERSION,
                    answers: answers.clone(),
                    guide: d.guide.id.clone(),
                    progress: progress.clone(),
                };
                // Storage may be full or disabled: progress then lives only in the page.
                let _ = LocalStorage::set(case_key(&d.facts), case);
            }
        },
    );
}
