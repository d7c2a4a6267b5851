//! The open session's messages, oldest first, with "Load earlier messages"
//! above them, or a welcome when there are none.

use yew::prelude::*;

use super::markdown::Markdown;
use super::message::MessageView;
use crate::state::Chat;
use crate::types::GenerationParams;

/// What the list shows; [`message_list`] renders it.
pub struct MessageListProps {
    pub chat: UseReducerHandle<Chat>,
    /// The session's sampling, which answers are compared with.
    pub sampling: Option<GenerationParams>,
    /// The `section.messages` element, kept scrolled to the end by the App.
    pub section_ref: NodeRef,
    pub on_retry: Callback<String>,
    pub on_tool_result: Callback<(String, String)>,
    pub on_load_earlier: Callback<MouseEvent>,
}

/// A view function rather than a component: it has no state and renders
/// with every App render, as it did inline (its callbacks are new each time).
pub fn message_list(props: &MessageListProps) -> Html {
    let chat = &props.chat;
    let last_id = chat.messages.last().map(|m| m.id.as_str());
    let messages = chat.messages.iter().map(|message| {
        let can_retry = last_id == Some(message.id.as_str());
        let highlighted = chat
            .highlighted_html(message)
            .map(|h| AttrValue::from(h.to_owned()));
        let unanswered = chat
            .unanswered_calls(message)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        html! {
            <MessageView key={message.id.clone()} message={message.clone()} {highlighted} {unanswered} {can_retry}
                session_sampling={props.sampling.clone()}
                on_retry={props.on_retry.clone()} on_tool_result={props.on_tool_result.clone()} />
        }
    });
    html! {
        <section class="messages" ref={props.section_ref.clone()} aria-label="Messages">
            if chat.has_more_before {
                <button id="load-earlier" type="button" class="button load-earlier"
                    onclick={props.on_load_earlier.clone()}>{ "Load earlier messages" }</button>
            }
            if chat.messages.is_empty() {
                <div class="messages-empty">
                    <Markdown class="markdown"
                    source={AttrValue::Static(if chat.session.is_some() { EMPTY } else { NO_SESSION })} />
                </div>
            } else {
                { for messages }
            }
        </section>
    }
}

const EMPTY: &str = "### Start a conversation\n\
Choose a provider and model in the panel on the right, type below, and press \
**Ctrl+Enter**. Every answer shows its tokens, cost and timings; **Share** publishes \
a read-only link.";

const NO_SESSION: &str = "### Welcome to Parlor\n\
Press **New chat** (Ctrl+N), or type below to start one. Every answer shows its \
tokens, cost and timings; **Share** publishes a read-only link.";
