//! What a version 2 snapshot says about each answer, as the page shows it:
//! the model that wrote it (a version 1 answer falls back to `modelConfig`,
//! as before), its settings when they differ from the header's, how it
//! ended when not normally (stopped, cut off, failed with its error), and
//! where several answers reply to one prompt: a comparison, laid out by
//! [`layout`] and shown by [`super::compare`].
//!
//! The marks use the desktop app's words and classes (`msg-state`,
//! `msg-error`, from `chat_core::FinishReason`), styled once in `chat.css`.

use std::collections::HashMap;

use chat_core::format::{Setting, settings};
use chat_core::{Message, Role, ShareSnapshot};
use maud::{Markup, html};

/// How the conversation is laid out: each message on its own, except the
/// answers to one prompt when there are several (a comparison), which stand
/// together where the first of them stands. Messages between them (the
/// first answer's tool results, say) follow the comparison in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Message(usize),
    Comparison(Comparison),
}

/// Several answers to one prompt, by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The user message answered (always there in a valid snapshot).
    pub prompt: Option<usize>,
    /// The answers, in the conversation's order.
    pub answers: Vec<usize>,
}

pub fn layout(messages: &[Message]) -> Vec<Block> {
    let mut answers: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut prompts = HashMap::new();
    for (index, message) in messages.iter().enumerate() {
        if message.role == Role::User {
            prompts.entry(message.id.as_str()).or_insert(index);
        }
        if let Some(reply_to) = &message.reply_to {
            answers.entry(reply_to.as_str()).or_default().push(index);
        }
    }
    let mut blocks = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        let reply_to = message.reply_to.as_deref().unwrap_or_default();
        match answers.get(reply_to).filter(|group| group.len() > 1) {
            Some(group) if group[0] == index => blocks.push(Block::Comparison(Comparison {
                prompt: prompts.get(reply_to).copied(),
                answers: group.clone(),
            })),
            // Shown in its comparison, with the first answer.
            Some(_) => {}
            None => blocks.push(Block::Message(index)),
        }
    }
    blocks
}

/// The model next to an answer's role: its own, or `modelConfig`'s; and
/// its provider when that is not the header's.
pub fn model(snapshot: &ShareSnapshot, message: &Message) -> Markup {
    if message.role != Role::Assistant {
        return html! {};
    }
    let model = snapshot.model_of(message);
    let other_provider = message
        .provider
        .as_deref()
        .filter(|p| *p != snapshot.model_config.provider);
    html! {
        span.msg-model { (model.model) }
        @if let Some(provider) = other_provider {
            span.msg-provider data-testid="msg-provider" { (provider) }
        }
    }
}

/// `Stopped`, `Cut off` or `Failed` for an answer that did not end normally.
pub fn finish_mark(message: &Message) -> Markup {
    let Some(reason) = message.finish_reason else {
        return html! {};
    };
    html! {
        @if let Some(label) = reason.label() {
            span.msg-state.{ "msg-state-" (reason.data_state()) } data-testid="finish-mark"
                data-finish-reason=(reason.as_str()) title=[reason.description()] {
                (label)
            }
        }
    }
}

/// The error text of a failed answer.
pub fn error(message: &Message) -> Markup {
    html! {
        @if let Some(error) = message.error.as_deref().filter(|e| !e.trim().is_empty()) {
            div.msg-error data-testid="msg-error" {
                span.msg-error-text { (error) }
            }
        }
    }
}

/// The settings an answer was produced with, when they are not the header's.
pub fn differing_settings(snapshot: &ShareSnapshot, message: &Message) -> Option<Vec<Setting>> {
    let params = message.params.as_ref()?;
    params
        .differ_from(&snapshot.model_config)
        .then(|| settings(params))
}

/// The settings an answer was produced with, when it names any: what a
/// column of a comparison shows, so that the columns compare.
pub fn given_settings(message: &Message) -> Option<Vec<Setting>> {
    message
        .params
        .as_ref()
        .filter(|params| !params.is_empty())
        .map(settings)
}

/// Settings as a line of figures under the answer's header.
pub fn settings_line(settings: Option<Vec<Setting>>) -> Markup {
    let Some(settings) = settings else {
        return html! {};
    };
    html! {
        dl.msg-params data-testid="msg-params" aria-label="Settings of this answer" {
            @for setting in &settings {
                div.msg-param data-param=(setting.key) {
                    dt { (setting.label) }
                    dd { code { (setting.value) } }
                }
            }
        }
    }
}
