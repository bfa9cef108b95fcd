//! "Share this guide": what a share link will hold (the evidence line, file name and facts, with each
//! replacement marked), the link with its Copy button, and the copies for a forum.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::copy_box::CopyBox;
use crate::components::forum_copy::ForumCopy;
use crate::components::marked_text::MarkedText;
use crate::components::result_summary::fact_label;
use crate::redactor_for;
use crate::state::StepProgress;
use crate::strings;
use case::redact::Redacted;
use case::share;
use model::{Answers, Diagnosis};

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    pub diagnosis: Rc<Diagnosis>,
    pub answers: Answers,
    pub progress: StepProgress,
    /// The page's address, which the link is made against.
    pub base: AttrValue,
}

#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let d = &props.diagnosis;
    let preview = share::preview_with(
        d,
        &props.answers,
        &props.progress.to_shared(),
        &props.base,
        true,
        redactor_for(d),
    );
    // Every replacement once, in the order it first appears: "USER1: a user name".
    let mut replaced: Vec<(String, &'static str)> = Vec::new();
    let texts: Vec<&Redacted> = preview
        .file
        .iter()
        .chain(preview.evidence.iter())
        .chain(preview.facts.iter().map(|f| &f.value))
        .collect();
    for t in &texts {
        for r in &t.redactions {
            if !replaced.iter().any(|(token, _)| *token == r.replacement) {
                replaced.push((r.replacement.clone(), r.kind.label()));
            }
        }
    }
    html! {
        <section class="share" aria-labelledby="share-title">
            <h2 id="share-title">{ strings::SHARE_TITLE }</h2>
            <p class="hint">
                { strings::SHARE_HELP }
            </p>
            <div class="share-preview" id="share-preview">
                <h3>{ strings::SHARE_PREVIEW_TITLE }</h3>
                if let Some(e) = &preview.evidence {
                    <p class="shared-where">
                        { strings::SHARE_EVIDENCE_FROM }
                        <span class="file-name">
                            if let Some(f) = &preview.file { <MarkedText text={f.clone()} /> }
                        </span>
                        { preview.case.evidence.as_ref().map(|e| strings::at_line(e.line)).unwrap_or_default() }
                    </p>
                    <pre class="shared-evidence"><MarkedText text={e.clone()} /></pre>
                } else {
                    <p>{ strings::SHARE_NO_LOG_LINE }</p>
                }
                if !preview.facts.is_empty() {
                    <dl class="shared-facts">
                        { for preview.facts.iter().map(|f| html! {
                            <><dt>{ f.label.clone() }</dt><dd>
                                // Unmarked values in words, as in the result above; marked ones as shared.
                                if f.value.redactions.is_empty() {
                                    { fact_label(d, &f.key, &f.value.text) }
                                } else {
                                    <MarkedText text={f.value.clone()} />
                                }
                            </dd></>
                        }) }
                    </dl>
                }
                if replaced.is_empty() {
                    <p class="replaced">{ strings::SHARE_NOTHING_REPLACED }</p>
                } else {
                    <p class="replaced">
                        { strings::SHARE_REPLACED }
                        { for replaced.iter().enumerate().map(|(i, (token, kind))| html! {
                            <>
                                if i > 0 { { ", " } }
                                <mark class="redaction">{ token.clone() }</mark>{ format!(" for a {kind}") }
                            </>
                        }) }
                        { "." }
                    </p>
                }
            </div>
            <p class="print-link">{ strings::SHARE_PRINT_LINK }<span class="link-text">{ preview.link.clone() }</span></p>
            <h3 class="link-title">{ strings::SHARE_LINK_TITLE }</h3>
            <CopyBox text={AttrValue::from(preview.link.clone())} label="the share link" id="share-link" />
            <ForumCopy diagnosis={d.clone()} answers={props.answers.clone()} progress={props.progress.clone()}
                base={props.base.clone()} />
        </section>
    }
}
