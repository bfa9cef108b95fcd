//! A redacted text with each replacement marked, and its kind said (for the share preview).

use yew::prelude::*;

use case::redact::Redacted;

#[derive(Properties, PartialEq)]
pub struct MarkedTextProps {
    pub text: Redacted,
}

#[component]
pub fn MarkedText(props: &MarkedTextProps) -> Html {
    let t = &props.text;
    let mut parts = Vec::new();
    let mut at = 0;
    for r in &t.redactions {
        // Byte ranges come from the engine; a range that is not on character boundaries is shown unmarked.
        let (Some(before), Some(token)) = (t.text.get(at..r.start), t.text.get(r.start..r.end))
        else {
            continue;
        };
        parts.push(html! { { before.to_string() } });
        parts.push(html! {
            <mark class="redaction" data-kind={r.kind.stem().to_lowercase()}
                title={format!("A {} was replaced by {}", r.kind.label(), token)}>
                { token.to_string() }
                <span class="redaction-kind">{ r.kind.label() }</span>
            </mark>
        });
        at = r.end;
    }
    parts.push(html! { { t.text.get(at..).unwrap_or("").to_string() } });
    html! { <>{ for parts }</> }
}
