//! Keeps a case's progress (the answers given, the step shown, which steps were done and which failed) in
//! localStorage, keyed by the case ([`share::Case::storage_key`]: the facts, verdict and redacted evidence line,
//! the same whether the case came from the log or from its share link), so that the person can restart the
//! computer mid-guide and pick up where they were. Nothing else is stored: no log text, no findings.

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::redactor_for;
use crate::state::StepProgress;
use case::share::{self, Case};
use model::{Answers, Diagnosis};

const PREFIX: &str = "setup-triage.case.";
/// Bumped when the stored shape changes; older entries are ignored.
const VERSION: u32 = 2;

/// What is kept for one case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedCase {
    pub v: u32,
    pub answers: Answers,
    /// The guide the progress belongs to: progress in another guide (the knowledge base changed) is dropped.
    pub guide: String,
    /// The step shown, the steps done (the one that fixed it) and the steps that failed.
    pub steps: share::Progress,
}

impl SavedCase {
    /// The page's view of the saved steps.
    pub fn progress(&self) -> StepProgress {
        StepProgress::from_shared(&self.steps)
    }
}

/// The storage key of a case: a hash (FNV-1a, 64 bits) of [`Case::storage_key`], which holds what the logs
/// said (facts, verdict, redacted evidence) and neither answers, nor progress, nor the guide they lead to. Hashed so that the key is short
/// and holds no text of the case itself.
pub fn case_key(d: &Diagnosis) -> String {
    let mut case = Case::from_diagnosis_with(
        d,
        &Answers::new(),
        &share::Progress::default(),
        redactor_for(d),
    );
    // The guide follows the answers, which are what is saved under the key: not part of it.
    case.guide.clear();
    let key = case.storage_key();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{PREFIX}{h:016x}")
}

/// The progress saved for this case by an earlier visit, if any.
pub fn saved_case(d: &Diagnosis) -> Option<SavedCase> {
    LocalStorage::get::<SavedCase>(case_key(d))
        .ok()
        .filter(|c| c.v == VERSION)
}

/// Forgets the progress saved for this case.
pub fn forget_case(d: &Diagnosis) {
    LocalStorage::delete(case_key(d));
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
                forget_case(d);
            } else {
                let case = SavedCase {
                    v: VERSION,
                    answers: answers.clone(),
                    guide: d.guide.id.clone(),
                    steps: progress.to_shared(),
                };
                // Storage may be full or disabled: progress then lives only in the page.
                let _ = LocalStorage::set(case_key(d), case);
            }
        },
    );
}
