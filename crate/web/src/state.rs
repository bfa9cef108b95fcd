//! The page's state: what the person typed and chose, the reading in progress, the diagnosis, the answers
//! and how far through the guide they are. One `Reducible` value; components send `Action`s.

use std::rc::Rc;

use web_sys::File;
use yew::Reducible;

use crate::hooks::SavedCase;
use crate::strings;
use model::{Answers, Diagnosis};

/// Where the page is with reading the input.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Idle,
    /// Reading and scanning; `read` of `total` bytes done, `file` being read now.
    Busy {
        file: String,
        read: u64,
        total: u64,
    },
}

/// How far the person is through the guide's "Did that fix it?" loop.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepProgress {
    /// The step being tried now (0-based).
    pub current: usize,
    /// The step that fixed it, once the person said so.
    pub fixed: Option<usize>,
}

impl StepProgress {
    /// As a share link and saved progress keep it: steps before the current one were tried and failed, the one
    /// that fixed it is done.
    pub fn to_shared(&self) -> case::share::Progress {
        let mut p = case::share::Progress {
            current: self.current,
            done: self.fixed.into_iter().collect(),
            failed: (0..self.current)
                .filter(|i| Some(*i) != self.fixed)
                .collect(),
        };
        p.normalize();
        p
    }

    /// From a share link's or saved progress: the current step, fixed if it is among the steps done (a deep
    /// link to another step moves on from it).
    pub fn from_shared(p: &case::share::Progress) -> StepProgress {
        StepProgress {
            current: p.current,
            fixed: p.done.contains(&p.current).then_some(p.current),
        }
    }

    /// Every step was tried and none helped.
    pub fn exhausted(&self, steps: usize) -> bool {
        self.fixed.is_none() && steps > 0 && self.current >= steps
    }
}

pub struct AppState {
    /// The paste box. Never cleared by the page: only the person edits it.
    pub text: String,
    /// Files chosen or dropped, read only when the person asks for a diagnosis.
    pub files: Vec<File>,
    pub reading: Reading,
    pub diagnosis: Option<Rc<Diagnosis>>,
    pub answers: Answers,
    pub progress: StepProgress,
    /// A message for the person: what went wrong and what to do.
    pub error: Option<String>,
    /// The answers and progress were picked up from an earlier visit.
    pub restored: bool,
    /// How many diagnoses have finished: the page moves to the result when it changes.
    pub finished: u32,
    /// How the diagnosis shown came about: from the input, a share link, or composed by hand.
    pub origin: Origin,
    /// Why the share link in the address could not be opened (shown at the top of the page).
    pub link_error: Option<String>,
    /// The element (by id) that keyboard focus moves to after the last action: what changed on the page, so
    /// that nobody is left on `body` after answering (issue 16).
    pub focus: Option<String>,
    /// Counts focus moves, so that the same target asked for twice moves focus twice.
    pub focus_seq: u32,
    /// A short sentence for screen readers about what the last action did ("Step 2 of 9: …"), read from a
    /// live region that holds only this sentence rather than the whole diagnosis.
    pub announcement: String,
    /// After a reload: the result is back, but the files it was read from must be chosen again.
    pub notice: Option<String>,
}

/// Where the diagnosis shown came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// Diagnosed from the pasted text and files.
    #[default]
    Input,
    /// Opened from a share link (`#c=…`): no log, only the shared facts and evidence line.
    Link,
    /// Composed by a helper who answers the questions without any log.
    Composed,
}

impl AppState {
    /// Shows a case that comes whole (from a link, a composed guide, or the page's history): its diagnosis and
    /// answers, at its step when the guide has that step (a link made against an older knowledge base may
    /// name one past the end), else at the start.
    fn show_case(
        &mut self,
        diagnosis: Box<Diagnosis>,
        answers: Answers,
        progress: StepProgress,
        origin: Origin,
    ) {
        let steps = diagnosis.guide.steps.len();
        self.reading = Reading::Idle;
        self.answers = answers;
        self.progress = if progress.current <= steps {
            progress
        } else {
            StepProgress::default()
        };
        self.diagnosis = Some(Rc::new(*diagnosis));
        self.origin = origin;
    }

    pub fn new(text: String) -> AppState {
        AppState {
            text,
            files: Vec::new(),
            reading: Reading::Idle,
            diagnosis: None,
            answers: Answers::new(),
            progress: StepProgress::default(),
            error: None,
            restored: false,
            finished: 0,
            origin: Origin::Input,
            link_error: None,
            focus: None,
            focus_seq: 0,
            announcement: String::new(),
            notice: None,
        }
    }

    /// Asks the page to move focus to the element `id` and to say `message`.
    fn focus_on(&mut self, id: String, message: String) {
        self.focus = Some(id);
        self.focus_seq = self.focus_seq.wrapping_add(1);
        self.announcement = message;
    }

    /// Focus and message for where the guide stands now: the current step, the step that fixed it, or the end.
    fn focus_guide(&mut self) {
        let Some(d) = self.diagnosis.clone() else {
            return;
        };
        let n = d.guide.steps.len();
        if let Some(f) = self.progress.fixed {
            self.focus_on(
                "outcome-fixed-title".into(),
                strings::fixed_announcement(f + 1),
            );
        } else if self.progress.exhausted(n) {
            self.focus_on("outcome-exhausted-title".into(), strings::EXHAUSTED.into());
        } else if let Some(step) = d.guide.steps.get(self.progress.current) {
            let i = self.progress.current + 1;
            self.focus_on(
                format!("step-{i}-title"),
                strings::step_announcement(i, n, &step.title),
            );
        }
    }

    pub fn busy(&self) -> bool {
        matches!(self.reading, Reading::Busy { .. })
    }
}

pub enum Action {
    EditText(String),
    AddFiles(Vec<File>),
    RemoveFile(usize),
    /// Reading starts: `total` bytes in all.
    Started {
        total: u64,
    },
    Progress {
        file: String,
        read: u64,
        total: u64,
    },
    /// The diagnosis, and the progress an earlier visit saved for the same case.
    Finished(Box<Diagnosis>, Option<SavedCase>),
    /// Reading stopped (cancelled or failed); the message says why.
    Stopped(String),
    Fail(String),
    DismissError,
    /// The person answered a question (`unknown` for "I don't know").
    Answer {
        fact: String,
        value: String,
    },
    /// The person takes an answer back: the question is asked again.
    Unanswer {
        fact: String,
    },
    /// The current step fixed it.
    Fixed,
    /// The current step did not help: on to the next.
    NextStep,
    /// Back to the first step, forgetting which fixed it.
    RestartSteps,
    /// Back or Forward in the browser, or a reload: the result as it stood at that entry of the page's history.
    /// `key` names the entry (its first part counts the diagnosis); `reloaded_files` (after a reload) are the
    /// files the diagnosis was made from, which have to be chosen again to read them again.
    Revisit {
        diagnosis: Box<Diagnosis>,
        answers: Answers,
        progress: StepProgress,
        origin: Origin,
        key: String,
        reloaded_files: Option<Vec<String>>,
    },
    /// Forget the answers and progress (also those saved for the next visit).
    ClearProgress,
    /// A case from a share link, or a composed one: the diagnosis, with its answers already walked, and where
    /// in the guide to start. `restored` says the answers and progress came from an earlier visit.
    OpenCase {
        diagnosis: Box<Diagnosis>,
        answers: Answers,
        progress: StepProgress,
        origin: Origin,
        restored: bool,
    },
    /// The share link in the address could not be opened; the message says why.
    LinkFailed(String),
    DismissLinkError,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = AppState {
            text: self.text.clone(),
            files: self.files.clone(),
            reading: self.reading.clone(),
            diagnosis: self.diagnosis.clone(),
            answers: self.answers.clone(),
            progress: self.progress.clone(),
            error: self.error.clone(),
            restored: self.restored,
            finished: self.finished,
            origin: self.origin,
            link_error: self.link_error.clone(),
            focus: self.focus.clone(),
            focus_seq: self.focus_seq,
            announcement: self.announcement.clone(),
            notice: self.notice.clone(),
        };
        match action {
            Action::EditText(text) => next.text = text,
            Action::AddFiles(files) => {
                for f in files {
                    // The same file dropped twice is read once.
                    let dup = next
                        .files
                        .iter()
                        .any(|g| g.name() == f.name() && g.size() == f.size());
                    if !dup {
                        next.files.push(f);
                    }
                }
                next.error = None;
            }
            Action::RemoveFile(i) => {
                if i < next.files.len() {
                    next.files.remove(i);
                }
            }
            Action::Started { total } => {
                next.reading = Reading::Busy {
                    file: String::new(),
                    read: 0,
                    total,
                };
                next.error = None;
            }
            Action::Progress { file, read, total } => {
                if next.busy() {
                    next.reading = Reading::Busy { file, read, total };
                }
            }
            Action::Finished(d, saved) => {
                let mut d = *d;
                next.notice = None;
                next.reading = Reading::Idle;
                next.link_error = None;
                next.answers = Answers::new();
                next.progress = StepProgress::default();
                next.restored = false;
                if let Some(saved) = saved {
                    kb::answer(&mut d, &saved.answers);
                    // Progress only counts in the guide it was made in.
                    let progress = saved.progress();
                    if d.guide.id == saved.guide && progress.current <= d.guide.steps.len() {
                        next.progress = progress;
                    }
                    next.answers = saved.answers;
                    next.restored = true;
                }
                next.announcement = strings::result_announcement(&d.guide.title);
                next.diagnosis = Some(Rc::new(d));
                next.finished = next.finished.wrapping_add(1);
                next.origin = Origin::Input;
            }
            Action::OpenCase {
                diagnosis,
                answers,
                progress,
                origin,
                restored,
            } => {
                next.show_case(diagnosis, answers, progress, origin);
                next.restored = restored;
                next.link_error = None;
                next.finished = next.finished.wrapping_add(1);
            }
            Action::LinkFailed(message) => {
                // The page the link promised is empty: a guide shown before (from the input or another link)
                // goes, so that the reason is not read as being about it. The paste box and files stay.
                next.link_error = Some(message);
                next.diagnosis = None;
                next.answers = Answers::new();
                next.progress = StepProgress::default();
                next.restored = false;
                next.origin = Origin::Input;
            }
            Action::DismissLinkError => next.link_error = None,
            Action::Stopped(message) => {
                next.reading = Reading::Idle;
                next.error = Some(message);
            }
            Action::Fail(message) => next.error = Some(message),
            Action::DismissError => next.error = None,
            Action::Answer { .. } | Action::Unanswer { .. } => {
                match action {
                    Action::Answer { fact, value } => next.answers.set(&fact, &value),
                    Action::Unanswer { fact } => {
                        next.answers.0.remove(&fact);
                    }
                    _ => {}
                }
                if let Some(d) = &next.diagnosis {
                    let mut d = Diagnosis::clone(d);
                    kb::answer(&mut d, &next.answers);
                    next.diagnosis = Some(Rc::new(d));
                }
                next.progress = StepProgress::default();
                // Focus goes to what the answer changed: the next open question, or else the guide's first step.
                let open = next.diagnosis.as_ref().and_then(|d| {
                    d.questions
                        .iter()
                        .find(|q| q.answered_by == kb::tree::AnsweredBy::Open)
                        .map(|q| (q.fact.clone(), q.text.clone()))
                });
                match open {
                    Some((fact, text)) => next.focus_on(
                        format!("q-{fact}-legend"),
                        strings::question_announcement(&text),
                    ),
                    None => next.focus_guide(),
                }
            }
            Action::Fixed => {
                next.progress.fixed = Some(next.progress.current);
                next.focus_guide();
            }
            Action::NextStep => {
                next.progress.fixed = None;
                next.progress.current += 1;
                next.focus_guide();
            }
            Action::RestartSteps => {
                next.progress = StepProgress::default();
                next.focus_guide();
            }
            Action::Revisit {
                diagnosis,
                answers,
                progress,
                origin,
                key,
                reloaded_files,
            } => {
                let same = next
                    .diagnosis
                    .as_ref()
                    .is_some_and(|d| d.guide == diagnosis.guide || d.facts == diagnosis.facts);
                let answers_changed = next.answers != answers;
                next.show_case(diagnosis, answers, progress, origin);
                if let Some(files) = reloaded_files {
                    // The page counts diagnoses from 0 again after a reload: take the entry's count, so that
                    // its next step is pushed after it rather than replacing it.
                    if let Some(n) = key.split('|').next().and_then(|n| n.parse().ok()) {
                        next.finished = n;
                    }
                    next.notice = (!files.is_empty())
                        .then(|| strings::files_to_choose_again(&files.join(", ")));
                    next.announcement = strings::result_announcement(
                        &next
                            .diagnosis
                            .as_ref()
                            .map(|d| d.guide.title.clone())
                            .unwrap_or_default(),
                    );
                } else if same && !answers_changed {
                    next.focus_guide();
                } else if same {
                    next.focus_on("result-title".into(), strings::BACK_TO_ANSWER.into());
                } else {
                    let title = next.diagnosis.as_ref().map(|d| d.guide.title.clone());
                    next.focus_on(
                        "result-title".into(),
                        strings::result_announcement(&title.unwrap_or_default()),
                    );
                }
            }
            Action::ClearProgress => {
                next.answers = Answers::new();
                next.progress = StepProgress::default();
                next.restored = false;
                if let Some(d) = &next.diagnosis {
                    let mut d = Diagnosis::clone(d);
                    kb::answer(&mut d, &next.answers);
                    next.diagnosis = Some(Rc::new(d));
                }
            }
        }
        Rc::new(next)
    }
}
