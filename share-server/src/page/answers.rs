//! What a version 2 snapshot says about each answer, as the page shows it:
//! the model that wrote it (a version 1 answer falls back to `modelConfig`,
//! as before), its settings when they differ from the header's, how it
//! ended when not normally (stopped, cut off, failed with its error), and
//! where several answers reply to one prompt (a comparison).
//!
//! The marks use the desktop app's words and classes (`msg-state`,
//! `msg-error`, from `chat_core::FinishReason`), styled once in `chat.css`.

use std::collections::HashMap;

use chat_core::format::{Setting, settings};
use chat_core::{Message, Role, ShareSnapshot};
use maud::{Markup, html};

/// The answers that reply to each prompt, by the prompt's id, in order.
pub struct Comparisons<'a> {
    answers: HashMap<&'a str, Vec<usize>>,
    prompts: HashMap<&'a str, usize>,
}

/// One answer's place in a comparison: `answer 2 of 3` to message `prompt`.
pub struct Place {
    pub position: usize,
    pub of: usize,
    /// Index of the user message answered.
    pub prompt: usize,
}

impl<'a> Comparisons<'a> {
    pub fn of(messages: &'a [Message]) -> Self {
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
        Self { answers, prompts }
    }

    /// Where `message` (at `index`) stands among the answers to its prompt,
    /// when there are several.
    pub fn place(&self, index: usize, message: &Message) -> Option<Place> {
        let reply_to = message.reply_to.as_deref()?;
        let answers = self.answers.get(reply_to).filter(|a| a.len() > 1)?;
        Some(Place {
            position: answers.iter().position(|&i| i == index)? + 1,
            of: answers.len(),
            prompt: *self.prompts.get(reply_to)?,
        })
    }
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

/// [`differing_settings`] as a line of figures under the answer's header.
pub fn settings_line(snapshot: &ShareSnapshot, message: &Message) -> Markup {
    let Some(settings) = differing_settings(snapshot, message) else {
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

/// `answer 2 of 3 to message 1`, linking to the prompt.
pub fn comparison(place: Option<Place>, anchor: impl Fn(usize) -> String) -> Markup {
    let Some(place) = place else {
        return html! {};
    };
    html! {
        span.msg-comparison data-testid="comparison" {
            "answer " (place.position) " of " (place.of) " to "
            a href={ "#" (anchor(place.prompt)) } { "message " (place.prompt + 1) }
        }
    }
}
