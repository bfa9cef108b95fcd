//! The page: the input at the top, then the diagnosis, the open questions and the guide.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::answers_list::AnswersList;
use crate::components::error_banner::ErrorBanner;
use crate::components::guide_view::GuideView;
use crate::components::input_form::InputForm;
use crate::components::notes_list::NotesList;
use crate::components::progress_bar::ProgressBar;
use crate::components::question_card::QuestionCard;
use crate::components::result_summary::ResultSummary;
use crate::components::share_panel::SharePanel;
use crate::components::start_help::StartHelp;
use crate::hooks::use_diagnose::InPage;
use crate::hooks::use_share_link::is_share_fragment;
use crate::hooks::{
    compose, page_base, saved_text, use_diagnose, use_focus, use_history, use_saved_progress,
    use_session_text, use_share_link, use_window_drop,
};
use crate::redactor_for;
use crate::state::{Action, AppState, Origin, Reading};
use crate::strings;
use case::share::{self, Case};
use kb::tree::AnsweredBy;

#[derive(Properties, Default)]
pub struct AppProps {
    /// Diagnose in the page instead of the Web Worker (the browser tests: see `use_diagnose::InPage`).
    #[prop_or_default]
    pub in_page: Option<InPage>,
}

impl PartialEq for AppProps {
    // Function addresses are not comparable; whether there is one is all that changes the page.
    fn eq(&self, other: &Self) -> bool {
        self.in_page.is_some() == other.in_page.is_some()
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(|| AppState::new(saved_text()));
    use_session_text(state.text.clone());
    let (on_diagnose, on_cancel) = use_diagnose(state.clone(), props.in_page);
    use_saved_progress(
        state.diagnosis.clone(),
        state.answers.clone(),
        state.progress.clone(),
    );

    use_share_link(state.clone());
    use_focus(state.focus.clone(), state.focus_seq);
    use_history(state.clone());
    let base = use_memo((), |()| page_base());

    let send = |make: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(make()))
    };
    let on_edit = {
        let state = state.clone();
        Callback::from(move |t: String| state.dispatch(Action::EditText(t)))
    };
    let on_add_files = {
        let state = state.clone();
        Callback::from(move |f| state.dispatch(Action::AddFiles(f)))
    };
    use_window_drop(on_add_files.clone());
    let on_remove_file = {
        let state = state.clone();
        Callback::from(move |i| state.dispatch(Action::RemoveFile(i)))
    };
    let on_answer = {
        let state = state.clone();
        Callback::from(move |(fact, value): (String, String)| {
            state.dispatch(Action::Answer { fact, value })
        })
    };

    // A new result: move to it (on a phone it is below the fold) and put keyboard focus on its heading. A
    // result of new input replaces a share link in the address, so that a reload does not reopen the link.
    use_effect_with((state.finished, state.origin), |(finished, origin)| {
        if *finished > 0 && *origin != Origin::Link {
            if let Some(w) = web_sys::window() {
                let hash = w.location().hash().unwrap_or_default();
                if is_share_fragment(hash.trim_start_matches('#')) {
                    let href = w.location().href().unwrap_or_default();
                    let bare = href.split('#').next().unwrap_or("").to_string();
                    if let Ok(h) = w.history() {
                        let _ =
                            h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&bare));
                    }
                }
            }
        }
        if *finished > 0 {
            let heading = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("result-title"));
            if let Some(h) = heading {
                h.scroll_into_view();
                if let Ok(h) = h.dyn_into::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
        }
    });
    // An example: its text goes into the paste box, then it is diagnosed once the page has rendered with it
    // (the diagnose callback reads the text of the render it was made in).
    let example_seq = use_state(|| 0u32);
    let on_example = {
        let state = state.clone();
        let example_seq = example_seq.clone();
        Callback::from(move |text: String| {
            state.dispatch(Action::EditText(text));
            example_seq.set(*example_seq + 1);
        })
    };
    use_effect_with(*example_seq, {
        let on_diagnose = on_diagnose.clone();
        move |seq| {
            if *seq > 0 {
                on_diagnose.emit(());
            }
        }
    });
    let on_clear = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ClearProgress))
    };
    let on_unanswer = {
        let state = state.clone();
        Callback::from(move |fact: String| state.dispatch(Action::Unanswer { fact }))
    };

    let questions = |by: AnsweredBy| -> Vec<_> {
        state
            .diagnosis
            .iter()
            .flat_map(|d| d.questions.iter())
            .filter(|q| q.answered_by == by)
            .cloned()
            .collect()
    };
    let on_compose = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(compose()))
    };
    // "Link to this step": the case as shared, opened at each step. Memoised: the page re-renders on every
    // keystroke in the paste box, and redacting the case is not free.
    let step_links = use_memo(
        (
            state.diagnosis.clone(),
            state.answers.clone(),
            state.progress.clone(),
        ),
        {
            let base = base.clone();
            move |(diagnosis, answers, progress)| -> Vec<AttrValue> {
                match diagnosis {
                    Some(d) if !d.guide.steps.is_empty() => {
                        let case = Case::from_diagnosis_with(
                            d,
                            answers,
                            &progress.to_shared(),
                            redactor_for(d),
                        );
                        (0..d.guide.steps.len().min(share::MAX_STEPS))
                            .map(|i| AttrValue::from(share::link_to_step(&base, &case, i)))
                            .collect()
                    }
                    _ => Vec::new(),
                }
            }
        },
    );
    let composing = state.origin == Origin::Composed;
    let open_questions = questions(AnsweredBy::Open);
    let answered = questions(AnsweredBy::Person);

    html! {
        <>
            <header class="site">
                <h1>{ strings::TITLE }</h1>
                <p class="lead">
                    { strings::LEAD }
                </p>
            </header>
            <main id="main">
                // One short sentence about what the last action did, and nothing else: a live region around the
                // whole diagnosis would read everything again after each answer.
                <p class="visually-hidden" role="status" id="announcement">{ state.announcement.clone() }</p>
                if let Some(message) = &state.link_error {
                    <div class="link-error">
                        <ErrorBanner message={AttrValue::from(strings::link_failed(message))}
                            on_dismiss={send(|| Action::DismissLinkError)} />
                    </div>
                }
                <InputForm
                    text={AttrValue::from(state.text.clone())}
                    files={state.files.clone()}
                    busy={state.busy()}
                    {on_edit} {on_add_files} {on_remove_file} {on_diagnose}
                />
                if state.diagnosis.is_none() && !state.busy() {
                    <StartHelp {on_example} />
                }
                if state.diagnosis.is_none() || !composing {
                    <p class="compose">
                        <button type="button" class="link" id="compose" onclick={on_compose}>{ strings::COMPOSE }</button>
                        <span class="hint">{ strings::COMPOSE_HINT }</span>
                    </p>
                }
                if let Reading::Busy { file, read, total } = &state.reading {
                    <ProgressBar file={AttrValue::from(file.clone())} read={*read} total={*total} on_cancel={on_cancel} />
                }
                if let Some(message) = &state.error {
                    <ErrorBanner message={AttrValue::from(message.clone())} on_dismiss={send(|| Action::DismissError)} />
                }
                if let Some(d) = &state.diagnosis {
                    <div class="diagnosis">
                        if let Some(notice) = &state.notice {
                            <p class="notice" role="status">{ notice.clone() }</p>
                        }
                        if state.restored {
                            <div class="restored" role="status">
                                <p>{ strings::WELCOME_BACK }</p>
                                <button type="button" class="link" onclick={on_clear}>{ strings::CLEAR_AND_START_OVER }</button>
                            </div>
                        }
                        if composing {
                            <section class="result compose-head" aria-labelledby="result-title">
                                <h2 id="result-title" tabindex="-1">{ strings::COMPOSING_TITLE }</h2>
                                <p>{ strings::COMPOSING_HELP }</p>
                            </section>
                        } else {
                            if state.origin == Origin::Link {
                                <p class="opened-from-link" role="status">{ strings::OPENED_FROM_LINK }</p>
                            }
                            <ResultSummary diagnosis={d.clone()} />
                        }
                        if !open_questions.is_empty() || !answered.is_empty() {
                            <section class="questions" aria-labelledby="questions-title">
                                <h2 id="questions-title">{ strings::QUESTIONS_TITLE }</h2>
                                if !open_questions.is_empty() {
                                    <p class="hint">{ if composing {
                                        strings::COMPOSE_QUESTIONS_HINT
                                    } else {
                                        strings::QUESTIONS_HINT
                                    } }</p>
                                }
                                { for open_questions.iter().map(|q| html! {
                                    <QuestionCard key={q.fact.clone()} question={q.clone()} on_answer={on_answer.clone()} />
                                }) }
                                <AnswersList questions={answered} on_change={on_unanswer} />
                            </section>
                        }
                        <GuideView guide={d.guide.clone()} progress={state.progress.clone()}
                            on_fixed={send(|| Action::Fixed)} on_next={send(|| Action::NextStep)}
                            on_restart={send(|| Action::RestartSteps)} step_links={(*step_links).clone()} />
                        <SharePanel diagnosis={d.clone()} answers={state.answers.clone()}
                            progress={state.progress.clone()} base={AttrValue::from((*base).clone())} />
                        <NotesList notes={d.notes.clone()} />
                    </div>
                }
            </main>
            <footer class="site">
                <p>{ strings::FOOTER }</p>
            </footer>
        </>
    }
}
