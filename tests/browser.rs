//! The page's tests in headless Chromium (wasm-bindgen-test):
//! `cargo test --target wasm32-unknown-unknown --features web --test browser`.
//! They prove that the engine runs in wasm on a UTF-16 log fed in awkward chunks, and that the mounted page
//! turns a pasted error into the guide and answers a question without rescanning.

#![cfg(all(target_arch = "wasm32", feature = "web"))]

use gloo::timers::future::TimeoutFuture;
use setup_triage::engine::{Answers, Diagnoser, Verdict};
use setup_triage::web::App;
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
    yew::Renderer::<App>::with_root(root.clone()).render();

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
    assert_eq!(
        first.text_content().unwrap(),
        "Repair Windows Installer's record of installed updates"
    );
    // The text typed is still there.
    assert_eq!(area.value(), "Error 0x80070643");
    root.remove();
}

#[wasm_bindgen_test]
fn answers_rewalk_the_tree_and_can_be_taken_back() {
    use setup_triage::engine::diagnose_text;
    use setup_triage::engine::tree::AnsweredBy;
    use setup_triage::web::state::{Action, AppState};
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
    assert_eq!(
        guide.steps[0].title,
        "Repair Windows Installer's record of installed updates"
    );

    // Taking it back asks again; the text typed is untouched throughout.
    let s = s.reduce(Action::Unanswer {
        fact: "product".into(),
    });
    assert!(open(&s, "product"));
    assert_eq!(s.text, "Error 0x80070643");
}

#[wasm_bindgen_test]
fn embed_mode_is_asked_by_the_query_string() {
    use setup_triage::web::embedded;
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
    use setup_triage::engine::diagnose_text;
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
        assert_eq!(d.facts.get("product"), Some(product), "{text}");
    }
}

#[wasm_bindgen_test]
fn a_share_link_opens_the_same_guide_at_its_step_and_a_bad_one_says_why() {
    use setup_triage::engine::diagnose_text;
    use setup_triage::engine::share::{self, Case};
    use setup_triage::web::hooks::use_share_link::open_link;
    use setup_triage::web::state::{Action, AppState, Origin, StepProgress};
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
}
