//! Message content rendered by the same function as the public share page.
//! While a message streams it is rendered here (no highlighting: syntect is
//! too big for wasm); once done, the shell's highlighted HTML is shown.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::ipc;

#[derive(Properties, PartialEq)]
pub struct MarkdownProps {
    /// The Markdown source of a message.
    pub source: AttrValue,
    /// The same source rendered by the shell with highlighted code.
    #[prop_or_default]
    pub highlighted: Option<AttrValue>,
    #[prop_or(AttrValue::Static("msg-content markdown"))]
    pub class: AttrValue,
}

/// Markdown as HTML with a Copy button on every code block.
#[component]
pub fn Markdown(props: &MarkdownProps) -> Html {
    let html = use_memo(
        (props.source.clone(), props.highlighted.clone()),
        |(source, highlighted)| {
            let html = match highlighted {
                Some(html) => html.to_string(),
                None => chat_core::render_markdown(source),
            };
            with_copy_buttons(&html)
        },
    );
    let onclick = Callback::from(|event: MouseEvent| {
        let Some(button) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest(".code-copy").ok().flatten())
        else {
            return;
        };
        let code = button
            .closest(".code-block")
            .ok()
            .flatten()
            .and_then(|block| block.query_selector("pre").ok().flatten())
            .and_then(|pre| pre.text_content())
            .unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let label = match ipc::copy_text(&code).await {
                Ok(()) => "Copied",
                Err(_) => "Copy failed",
            };
            button.set_text_content(Some(label));
        });
    });
    html! {
        <div class={props.class.clone()} {onclick}>
            // Safe to insert unescaped: chat-core emits only a fixed set of
            // tags and attributes, escapes raw HTML and drops unsafe URLs;
            // the buttons added here are fixed markup.
            { Html::from_html_unchecked(AttrValue::from((*html).clone())) }
        </div>
    }
}

const COPY_BUTTON: &str = "<div class=\"code-block\"><button type=\"button\" class=\"code-copy\" \
     aria-label=\"Copy code\">Copy</button><pre";

/// Wraps each `<pre>` of rendered Markdown with a Copy button. Text in the
/// renderer's output is escaped, so `<pre` only ever starts a tag.
pub fn with_copy_buttons(html: &str) -> String {
    if !html.contains("<pre") {
        return html.to_owned();
    }
    html.replace("<pre", COPY_BUTTON)
        .replace("</pre>", "</pre></div>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_get_a_copy_button() {
        let html = chat_core::render_markdown("text\n\n```rust\nlet a = \"<pre>\";\n```\n");
        let out = with_copy_buttons(&html);
        assert_eq!(out.matches("class=\"code-copy\"").count(), 1);
        assert!(out.contains("<div class=\"code-block\"><button"));
        assert!(out.contains("</pre></div>"));
        assert!(out.contains("&lt;pre&gt;"));
    }

    #[test]
    fn text_without_code_is_untouched() {
        let html = chat_core::render_markdown("just *text*");
        assert_eq!(with_copy_buttons(&html), html);
    }
}
