//! Message content rendered by the same function as the public share page.
//! While a message streams it is rendered here (no highlighting: syntect is
//! too big for wasm) and written into the page block by block ([`live`]);
//! once done, the shell's highlighted HTML is shown.

mod live;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use self::live::LiveBlocks;
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
    /// The source still grows: it is written into the page as it does.
    #[prop_or_default]
    pub streaming: bool,
}

/// Markdown as HTML with a Copy button on every code block.
#[component]
pub fn Markdown(props: &MarkdownProps) -> Html {
    let (source, class) = (props.source.clone(), props.class.clone());
    if props.streaming && props.highlighted.is_none() {
        html! { <LiveMarkdown {source} {class} /> }
    } else {
        html! { <WholeMarkdown {source} {class} highlighted={props.highlighted.clone()} /> }
    }
}

#[derive(Properties, PartialEq)]
struct WholeProps {
    source: AttrValue,
    highlighted: Option<AttrValue>,
    class: AttrValue,
}

/// Markdown rendered in one piece.
#[component]
fn WholeMarkdown(props: &WholeProps) -> Html {
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
    html! {
        <div class={props.class.clone()} onclick={copy_on_click()}>
            // Safe to insert unescaped: chat-core emits only a fixed set of
            // tags and attributes, escapes raw HTML and drops unsafe URLs;
            // the buttons added here are fixed markup.
            { Html::from_html_unchecked(AttrValue::from((*html).clone())) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LiveProps {
    source: AttrValue,
    class: AttrValue,
}

/// Markdown that grows: after each render its container's children are
/// brought up to date by [`LiveBlocks`] (Yew renders none of them).
#[component]
fn LiveMarkdown(props: &LiveProps) -> Html {
    let container = use_node_ref();
    let blocks = use_mut_ref(LiveBlocks::default);
    {
        let container = container.clone();
        use_effect_with(props.source.clone(), move |source| {
            if let Some(element) = container.cast::<web_sys::Element>() {
                blocks.borrow_mut().write(&element, source);
            }
        });
    }
    html! { <div class={props.class.clone()} ref={container} onclick={copy_on_click()} /> }
}

/// Copies a code block when its Copy button is clicked (one listener on
/// the content for all its buttons).
fn copy_on_click() -> Callback<MouseEvent> {
    Callback::from(|event: MouseEvent| {
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
    })
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
