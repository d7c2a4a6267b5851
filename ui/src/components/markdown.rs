//! Message content rendered by the same function as the public share page.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MarkdownProps {
    /// The Markdown source of a message.
    pub source: AttrValue,
}

/// Markdown rendered to HTML by [`chat_core::render_markdown`], re-rendered
/// only when the source changes.
#[component]
pub fn Markdown(props: &MarkdownProps) -> Html {
    let html = use_memo(props.source.clone(), |source| {
        chat_core::render_markdown(source)
    });
    html! {
        <div class="msg-content markdown">
            // Safe to insert unescaped: chat-core emits only a fixed set of
            // tags and attributes, escapes raw HTML and drops unsafe URLs.
            { Html::from_html_unchecked(AttrValue::from((*html).clone())) }
        </div>
    }
}
