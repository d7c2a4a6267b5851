//! The open session's selected path, oldest first, with "Load earlier
//! messages" above it; a prompt whose answers are side by side is followed
//! by their columns instead of its one answer. With no messages: a welcome,
//! and the local model servers found on start, each added in one click.

use yew::prelude::*;

use super::compare_view::{Column, CompareView};
use super::markdown::Markdown;
use super::message::{Branching, MessageView};
use crate::hooks::branches::MessageCommand;
use crate::state::{Answer, Chat, Previews};
use crate::types::{GenerationParams, ProviderConfig, Role, StoredMessage};

/// What the list shows; [`message_list`] renders it.
pub struct MessageListProps {
    pub chat: UseReducerHandle<Chat>,
    /// The attached images fetched so far.
    pub previews: UseReducerHandle<Previews>,
    /// The session's sampling, which answers are compared with.
    pub sampling: Option<GenerationParams>,
    /// The `section.messages` element, kept scrolled to the end by the App.
    pub section_ref: NodeRef,
    /// Local servers found on start and not configured yet.
    pub discovered: Vec<ProviderConfig>,
    pub on_add_discovered: Callback<ProviderConfig>,
    pub on_command: Callback<MessageCommand>,
    pub on_tool_result: Callback<(String, String)>,
    pub on_load_earlier: Callback<MouseEvent>,
}

/// The columns of `prompt`'s answers.
fn columns(chat: &Chat, prompt: &str) -> Vec<Column> {
    let highlighted = |m: &StoredMessage| {
        chat.highlighted_html(m)
            .map(|h| AttrValue::from(h.to_owned()))
    };
    (chat.answers_to(prompt).into_iter())
        .map(|answer| match answer {
            Answer::Known(message) => Column {
                id: message.id.clone(),
                highlighted: highlighted(message),
                message: Some(message.clone()),
            },
            Answer::Unread(id) => Column {
                id,
                message: None,
                highlighted: None,
            },
        })
        .collect()
}

/// A view function rather than a component: it has no state and renders
/// with every App render, as it did inline (its callbacks are new each time).
pub fn message_list(props: &MessageListProps) -> Html {
    let chat = &props.chat;
    let busy = chat.is_streaming();
    let last_id = chat.messages.last().map(|m| m.id.as_str());
    let path = &chat.messages;
    // The last comparison shown holds "Stop all".
    let stop_all_at = (path.iter().rev())
        .find(|m| m.role == Role::User && chat.shows_columns(&m.id))
        .map(|m| m.id.clone());
    let mut items: Vec<Html> = Vec::with_capacity(path.len());
    for (at, message) in path.iter().enumerate() {
        let previous = at.checked_sub(1).and_then(|i| path.get(i));
        if let Some(prompt) = previous.filter(|p| chat.shows_columns(&p.id))
            && message.parent_id.as_deref() == Some(prompt.id.as_str())
        {
            continue;
        }
        let answer = path
            .get(at + 1)
            .filter(|a| a.parent_id.as_deref() == Some(message.id.as_str()));
        let several = answer.is_some_and(|a| a.siblings.len() > 1);
        let side_by_side = several && chat.shows_columns(&message.id);
        let highlighted = chat
            .highlighted_html(message)
            .map(|h| AttrValue::from(h.to_owned()));
        let unanswered = chat
            .unanswered_calls(message)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let branching = Branching {
            place: chat.branch_place(message),
            editing: chat.editing.as_deref() == Some(message.id.as_str()),
            columns: (message.role == Role::User && several).then_some(side_by_side),
            busy,
        };
        items.push(html! {
            <MessageView key={message.id.clone()} message={message.clone()} {highlighted} {unanswered}
                attachments={props.previews.shown(&message.attachments)}
                can_retry={last_id == Some(message.id.as_str())} {branching}
                session_sampling={props.sampling.clone()}
                on_command={props.on_command.clone()} on_tool_result={props.on_tool_result.clone()} />
        });
        if side_by_side {
            items.push(html! {
                <CompareView key={format!("compare-{}", message.id)} prompt_id={message.id.clone()}
                    columns={columns(chat, &message.id)} selected={answer.map(|a| AttrValue::from(a.id.clone()))}
                    stop_all={stop_all_at.as_deref() == Some(message.id.as_str())}
                    on_command={props.on_command.clone()} />
            });
        }
    }
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
                    { discovered(&props.discovered, &props.on_add_discovered) }
                </div>
            } else {
                { for items }
            }
        </section>
    }
}

/// The local servers found on start, each with its one-click "Add".
fn discovered(found: &[ProviderConfig], on_add: &Callback<ProviderConfig>) -> Html {
    if found.is_empty() {
        return html! {};
    }
    let entries = found.iter().map(|provider| {
        let onclick = {
            let provider = provider.clone();
            on_add.reform(move |_: MouseEvent| provider.clone())
        };
        let models = match provider.models.len() {
            0 => "lists no models".to_owned(),
            1 => "1 model".to_owned(),
            n => format!("{n} models"),
        };
        html! {
            <li class="discovered-provider" data-base-url={provider.base_url.clone()}>
                <span class="discovered-name">{ provider.name.clone() }</span>
                <span class="discovered-models">{ models }</span>
                <button type="button" class="button button-primary discovered-add" {onclick}
                    aria-label={format!("Use {}", provider.name)}>{ "Use it" }</button>
            </li>
        }
    });
    html! {
        <section id="discovered-providers" class="discovered" aria-labelledby="discovered-title">
            <h3 id="discovered-title" class="discovered-title">{ "Found on this computer" }</h3>
            <p class="field-hint">{ "A local model server is running. Add it as a provider and answer with it:" }</p>
            <ul class="discovered-list">{ for entries }</ul>
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
