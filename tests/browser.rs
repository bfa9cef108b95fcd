//! The page's tests in headless Chromium (wasm-bindgen-test):
//! `cargo test --target wasm32-unknown-unknown -p setup-triage-web --test browser`.
//! They prove that the engine runs in wasm on a UTF-16 log fed in awkward chunks, and that the mounted page
//! turns a pasted error into the guide and answers a question without rescanning.

#![cfg(target_arch = "wasm32")]

use gloo::timers::future::TimeoutFuture;
use model::{Answers, Verdict};
use scan::Diagnoser;
use setup_triage_web::App;
use setup_triage_web::components::app::AppProps;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Our own small MSI verbose log (see tests/fixtures/msi-1935.log), as Windows writes it: UTF-16LE with BOM.
fn msi_log_utf16() -> Vec<u8> {
    let text = include_str!("fixtures/msi-1935.log");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[wasm_bindgen_test]
fn utf16_msi_log_diagnosed_in_wasm_whatever_the_chunks() {
    let bytes = msi_log_utf16();
    // 7-byte chunks split code units and CR LF pairs.
    for chunk in [7, 4096] {
        let mut d = Diagnoser::new();
        d.begin("MSI1935.LOG");
        for piece in bytes.chunks(chunk) {
            d.feed(piece);
        }
        d.end();
        let d = d.finish(&Answers::new());
        assert_eq!(d.verdict, Verdict::Failed);
        let root = d.root_cause.expect("a root cause");
        assert_eq!(root.line, 18, "chunk {chunk}");
        // The server's "Product: … -- Error 1935." line, which carries the HRESULT that says why.
        assert!(
            root.text.contains("-- Error 1935. An error occurred"),
            "{}",
            root.text
        );
        assert!(root.codes.contains(&"1935".to_string()), "{:?}", root.codes);
        assert_eq!(d.files[0].encoding, "utf-16le");
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Waits (up to 5 s) until `selector` matches inside `root`.
async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..250 {
        if let Ok(Some(e)) = root.query_selector(selector) {
            return e;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("nothing matched {selector}; page: {}", root.inner_html());
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn pasted_error_gives_the_dotnet_guide_after_one_question() {
    if let Ok(Some(s)) = web_sys::window().unwrap().session_storage() {
        let _ = s.clear();
    }
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    // No worker script is served here: the same job runs in the page.
    let props = AppProps {
        in_page: Some(worker::run),
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();

    let area: HtmlTextAreaElement = wait_for(&root, "textarea#paste").await.unchecked_into();
    area.set_value("Error 0x80070643");
    area.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    TimeoutFuture::new(20).await;
    click(&root, "button[type=submit]");

    // The bare code does not say what was being installed: the page asks.
    let question = wait_for(&root, "fieldset.question").await;
    assert!(
        question
            .text_content()
            .unwrap()
            .contains("What were you installing"),
        "{}",
        question.text_content().unwrap()
    );
    let dotnet = question.query_selector_all("button.choice").unwrap();
    let mut clicked = false;
    for i in 0..dotnet.length() {
        let b: HtmlElement = dotnet.get(i).unwrap().unchecked_into();
        if b.text_content().unwrap().contains(".NET Framework") {
            b.click();
            clicked = true;
        }
    }
    assert!(clicked, "no .NET choice offered");
    TimeoutFuture::new(50).await;
    let first = wait_for(&root, "ol.steps li.step h3").await;
    // The .NET guide starts with its safe steps (issue 20): the restart comes first.
    assert_eq!(first.text_content().unwrap(), "Restart, then try again");
    // The text typed is still there.
    assert_eq!(area.value(), "Error 0x80070643");
    root.remove();
}

#[wasm_bindgen_test]
fn answers_rewalk_the_tree_and_can_be_taken_back() {
    use kb::tree::AnsweredBy;
    use scan::diagnose_text;
    use setup_triage_web::state::{Action, AppState};
    use std::rc::Rc;
    use yew::Reducible;

    let d = diagnose_text("paste", "Error 0x80070643", &Answers::new());
    let open = |s: &AppState, fact: &str| {
        s.diagnosis
            .as_ref()
            .unwrap()
            .questions
            .iter()
            .any(|q| q.fact == fact && q.answered_by == AnsweredBy::Open)
    };
    let s = Rc::new(AppState::new("Error 0x80070643".into()));
    let s = s.reduce(Action::Finished(Box::new(d), None));
    assert!(open(&s, "product"));
    let s = s.reduce(Action::NextStep);
    assert_eq!(s.progress.current, 1);

    // An answer re-walks the tree from the same facts and starts the steps again.
    let s = s.reduce(Action::Answer {
        fact: "product".into(),
        value: "dotnet".into(),
    });
    assert!(!open(&s, "product"));
    assert_eq!(s.progress.current, 0);
    let guide = &s.diagnosis.as_ref().unwrap().guide;
    assert_eq!(guide.steps[0].id, "dotnet-restart-first");

    // Taking it back asks again; the text typed is untouched throughout.
    let s = s.reduce(Action::Unanswer {
        fact: "product".into(),
    });
    assert!(open(&s, "product"));
    assert_eq!(s.text, "Error 0x80070643");
}

#[wasm_bindgen_test]
fn embed_mode_is_asked_by_the_query_string() {
    use setup_triage_web::embedded;
    for yes in ["?embed", "?embed=1", "?lang=en&embed=true", "?embed="] {
        assert!(embedded(yes), "{yes}");
    }
    for no in ["", "?", "?embed=0", "?embedded=1", "?x=embed"] {
        assert!(!embedded(no), "{no}");
    }
}

#[wasm_bindgen_test]
fn products_are_recognised_in_wasm() {
    // The product patterns need no Unicode tables: in wasm (no test dependency turns them on) a Defender
    // or WinRE update title must still name its product, or the page picks the generic guide.
    use scan::diagnose_text;
    for (text, product) in [
        (
            "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.403.123.0) - Error 0x80070643",
            "defender",
        ),
        (
            "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441) - Error 0x80070643",
            "winre",
        ),
    ] {
        let d = diagnose_text("paste", text, &Answers::new());
        assert_eq!(
            d.facts.get(model::facts::Fact::Product),
            Some(product),
            "{text}"
        );
    }
}

#[wasm_bindgen_test]
fn a_share_link_opens_the_same_guide_at_its_step_and_a_bad_one_says_why() {
    use case::share::{self, Case};
    use scan::diagnose_text;
    use setup_triage_web::hooks::use_share_link::open_link;
    use setup_triage_web::state::{Action, AppState, Origin, StepProgress};
    use std::rc::Rc;
    use yew::Reducible;

    let d = diagnose_text(
        "install.log",
        "MSI (s) (A4:B8) [10:02:14:310]: Product: Contoso -- Error 1722. Action X, location: C:\\Users\\alice\\AppData\\Local\\Temp\\x.exe, command: /i\n",
        &Answers::new(),
    );
    let tried_two = StepProgress {
        current: 2,
        fixed: None,
    };
    let case = Case::from_diagnosis(&d, &Answers::new(), &tried_two.to_shared());
    assert_eq!(case.progress.failed, vec![0, 1]);
    let link = share::link("https://example.org/help/", &case);
    assert!(!link.contains("alice"));
    let fragment = link.split_once('#').unwrap().1;
    let Ok(action) = open_link(fragment) else {
        panic!("{link} does not open")
    };
    let s = Rc::new(AppState::new(String::new())).reduce(action);
    assert_eq!(s.origin, Origin::Link);
    assert_eq!(s.progress, tried_two);
    let opened = s.diagnosis.as_ref().unwrap();
    assert_eq!(opened.guide.id, d.guide.id);
    assert!(
        opened
            .root_cause
            .as_ref()
            .unwrap()
            .text
            .contains("C:\\Users\\USER1\\")
    );

    // A deep link names the step; a fixed step comes back as fixed.
    let Ok(Action::OpenCase { progress, .. }) = open_link(&format!("{fragment}&s=4")) else {
        panic!()
    };
    assert_eq!(
        progress,
        StepProgress {
            current: 3,
            fixed: None
        }
    );
    let fixed = StepProgress {
        current: 1,
        fixed: Some(1),
    };
    assert_eq!(StepProgress::from_shared(&fixed.to_shared()), fixed);

    let damaged = fragment.replacen('A', "B", 1);
    let Err(e) = open_link(&damaged) else {
        panic!("a damaged link opened")
    };
    assert!(e.to_string().contains("damaged"), "{e}");

    // Issue 17, 6: a damaged link opened over a guide leaves an empty page with the reason, not the old guide.
    let failed = s.clone().reduce(Action::LinkFailed(e.to_string()));
    assert!(failed.diagnosis.is_none());
    assert_eq!(failed.progress, StepProgress::default());
    assert!(
        failed
            .link_error
            .as_deref()
            .is_some_and(|m| m.contains("damaged"))
    );
    // A step number that is not one, or past the guide's end, says so.
    for bad in ["abc", "-1", "0", "99999"] {
        let Err(e) = open_link(&format!("{fragment}&s={bad}")) else {
            panic!("&s={bad} opened")
        };
        assert!(e.to_string().contains("not a step number"), "{e}");
    }
    let steps = opened.guide.steps.len();
    let Err(e) = open_link(&format!("{fragment}&s={}", steps + 1)) else {
        panic!("a step past the guide opened")
    };
    assert!(
        e.to_string()
            .contains(&format!("its guide has {steps} step")),
        "{e}"
    );
}

/// The worker's job on a Blob of several pieces: the MSI log followed by 3 MiB of ordinary lines.
fn big_msi_blob() -> (web_sys::Blob, u64) {
    let mut bytes = msi_log_utf16();
    let line = "MSI (s) (A4:B0) [10:21:09:114]: Executing op: FileCopy(SourceName=widgets.dll,DestName=widgets.dll,FileSize=40960)\r\n";
    let line: Vec<u8> = line.encode_utf16().flat_map(u16::to_le_bytes).collect();
    while (bytes.len() as u64) < 3 * messages::CHUNK + 100 {
        bytes.extend_from_slice(&line);
    }
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    (blob, bytes.len() as u64)
}

/// Runs the worker's job in the page on `blob`; `cancel_at_first_progress` stops it after the first piece.
async fn run_job(blob: web_sys::Blob, cancel_at_first_progress: bool) -> Vec<messages::Report> {
    use messages::{Job, Report, Upload};
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    let reports = Rc::new(RefCell::new(Vec::new()));
    let current = Rc::new(Cell::new(7));
    let job = Job {
        run: 7,
        current: current.clone(),
        report: {
            let reports = reports.clone();
            Rc::new(move |r: Report| {
                if cancel_at_first_progress && matches!(r, Report::Progress { .. }) {
                    current.set(8);
                }
                reports.borrow_mut().push(r);
            })
        },
    };
    let upload = Upload {
        name: "MSI1935.LOG".into(),
        blob,
    };
    worker::diagnose(job, String::new(), vec![upload]).await;
    Rc::try_unwrap(reports).ok().unwrap().into_inner()
}

#[wasm_bindgen_test]
async fn worker_job_reads_a_blob_in_pieces_with_progress() {
    use messages::Report;
    let (blob, size) = big_msi_blob();
    let reports = run_job(blob, false).await;
    let reads: Vec<u64> = reports
        .iter()
        .filter_map(|r| match r {
            Report::Progress { read, total, .. } => {
                assert_eq!(*total, size);
                Some(*read)
            }
            _ => None,
        })
        .collect();
    assert!(reads.windows(2).all(|w| w[0] < w[1]), "{reads:?}");
    assert_eq!(
        reads.last(),
        Some(&size),
        "the last report says all was read"
    );
    match reports.last() {
        Some(Report::Done { run, diagnosis }) => {
            assert_eq!(*run, 7);
            assert_eq!(diagnosis.root_cause.as_ref().map(|f| f.line), Some(18));
            assert_eq!(diagnosis.files[0].bytes, size);
        }
        other => panic!("ended with {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn worker_job_stops_at_the_next_piece_when_cancelled() {
    use messages::{CHUNK, Report};
    let (blob, _) = big_msi_blob();
    let reports = run_job(blob, true).await;
    assert!(
        matches!(reports.last(), Some(Report::Cancelled { run: 7 })),
        "{reports:?}"
    );
    // One piece read, then nothing more.
    let progress: Vec<_> = reports
        .iter()
        .filter(|r| matches!(r, Report::Progress { .. }))
        .collect();
    assert_eq!(progress.len(), 1, "{reports:?}");
    assert!(matches!(progress[0], Report::Progress { read, .. } if *read == CHUNK));
}

#[wasm_bindgen_test]
fn time_left_is_said_once_the_pace_is_known() {
    use setup_triage_web::components::progress_bar::time_left;
    assert_eq!(time_left(100.0, 10, 100), None, "too early to tell");
    assert_eq!(time_left(1000.0, 0, 100), None);
    assert_eq!(time_left(1000.0, 100, 900).as_deref(), Some("9 seconds"));
    assert_eq!(
        time_left(1000.0, 100, 100_000).as_deref(),
        Some("17 minutes")
    );
}

/// Issue 16: after each answer the state names where focus goes (what changed) and the short sentence the live
/// region says; Back (a history entry revisited) goes to the step it names.
#[wasm_bindgen_test]
fn each_answer_moves_focus_to_what_changed_and_says_so() {
    use scan::diagnose_text;
    use setup_triage_web::state::{Action, AppState, Origin, StepProgress};
    use std::rc::Rc;
    use yew::Reducible;

    let d = diagnose_text("paste", "Error 0x80070643", &Answers::new());
    let s = Rc::new(AppState::new(String::new()));
    let s = s.reduce(Action::Finished(Box::new(d), None));
    assert!(
        s.announcement.starts_with("Diagnosis ready"),
        "{}",
        s.announcement
    );

    // The answer leaves no question open: focus goes to the first step.
    let s = s.reduce(Action::Answer {
        fact: "product".into(),
        value: "dotnet".into(),
    });
    let d = s.diagnosis.clone().unwrap();
    let n = d.guide.steps.len();
    let seq = s.focus_seq;
    let open = d
        .questions
        .iter()
        .find(|q| q.answered_by == kb::tree::AnsweredBy::Open);
    match open {
        Some(q) => assert_eq!(
            s.focus.as_deref(),
            Some(format!("q-{}-legend", q.fact).as_str())
        ),
        None => assert_eq!(s.focus.as_deref(), Some("step-1-title")),
    }

    let s = s.reduce(Action::NextStep);
    assert_eq!(s.focus.as_deref(), Some("step-2-title"));
    assert_eq!(s.focus_seq, seq.wrapping_add(1));
    assert_eq!(
        s.announcement,
        format!("Step 2 of {n}: {}", d.guide.steps[1].title)
    );
    let s = s.reduce(Action::Fixed);
    assert_eq!(s.focus.as_deref(), Some("outcome-fixed-title"));
    assert!(
        s.announcement.starts_with("Step 2 fixed it"),
        "{}",
        s.announcement
    );

    // Back: the history entry of step 1 brings step 1 back, and focus with it.
    let answers = s.answers.clone();
    let s = s.reduce(Action::Revisit {
        diagnosis: Box::new((*d).clone()),
        answers: answers.clone(),
        progress: StepProgress::default(),
        origin: Origin::Input,
        key: "1|product=dotnet|0|None".into(),
        reloaded_files: None,
    });
    assert_eq!(s.progress, StepProgress::default());
    assert_eq!(s.focus.as_deref(), Some("step-1-title"));

    // A reload names the files to choose again, and the page's count of diagnoses follows the entry's.
    let s = Rc::new(AppState::new(String::new())).reduce(Action::Revisit {
        diagnosis: Box::new((*d).clone()),
        answers,
        progress: StepProgress {
            current: 1,
            fixed: None,
        },
        origin: Origin::Input,
        key: "7|product=dotnet|1|None".into(),
        reloaded_files: Some(vec!["MSI1935.LOG".into()]),
    });
    assert_eq!(s.finished, 7);
    assert_eq!(s.progress.current, 1);
    assert!(s.notice.as_deref().unwrap_or("").contains("MSI1935.LOG"));

    // After the last step, focus goes to the message that none of them fixed it.
    let exhausted = (0..n).fold(s, |s, _| s.reduce(Action::NextStep));
    assert_eq!(exhausted.focus.as_deref(), Some("outcome-exhausted-title"));
}

/// The page loads the worker's SIMD build only where the browser validates the SIMD probe, and the build
/// without SIMD where it does not (an older browser, or one with SIMD turned off).
#[wasm_bindgen_test]
fn the_worker_without_simd_is_chosen_when_simd_does_not_validate() {
    use messages::{SCRIPT, SCRIPT_SIMD, SIMD_PROBE, script_for, simd_supported};
    assert_eq!(script_for(|_| false), SCRIPT);
    assert_eq!(script_for(|m| m == SIMD_PROBE.as_slice()), SCRIPT_SIMD);
    // This Chromium has SIMD, and the probe is a valid module; a probe with a broken opcode is not.
    assert!(simd_supported(&SIMD_PROBE));
    assert_eq!(script_for(simd_supported), SCRIPT_SIMD);
    let mut broken = SIMD_PROBE;
    broken[27] = 0xFF;
    assert!(!simd_supported(&broken));
}

/// Files are shared out among the workers by size, each worker's in their given order, every file once.
#[wasm_bindgen_test]
fn files_are_shared_out_by_size() {
    use messages::plan;
    assert_eq!(plan(&[10, 10, 10], 1), vec![vec![0, 1, 2]]);
    assert_eq!(plan(&[100, 1, 1, 1], 2), vec![vec![0], vec![1, 2, 3]]);
    // 100 to the first, 50 and 50 to the second; 1 to the first, the earliest of two equal.
    assert_eq!(plan(&[1, 100, 50, 50], 2), vec![vec![0, 1], vec![2, 3]]);
    // Never more workers than files, and never a worker without a file.
    assert_eq!(plan(&[5, 0], 4), vec![vec![0], vec![1]]);
    assert_eq!(plan(&[], 3), vec![Vec::<usize>::new()]);
    let shares = plan(&[3, 9, 1, 4, 4, 7, 2], 3);
    assert_eq!(shares.len(), 3);
    let mut all: Vec<usize> = shares.concat();
    all.sort_unstable();
    assert_eq!(all, (0..7).collect::<Vec<_>>());
    assert!(
        shares
            .iter()
            .all(|s| !s.is_empty() && s.windows(2).all(|w| w[0] < w[1]))
    );
}
