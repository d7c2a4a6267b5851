//! The open session as a reducer: what the shell said (loaded pages, started
//! turns, stream deltas, finished messages) folded into what the chat view
//! shows. Pure, so it is tested on the host.

use std::collections::HashMap;

use super::reducible;
use crate::types::{
    MessageStatus, Role, Session, SessionConfig, SessionTotals, StartedTurn, StoredMessage,
    StreamEvent, ToolCall, TurnEvent, TurnFinished,
};

/// The chat view's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chat {
    pub session: Option<Session>,
    pub messages: Vec<StoredMessage>,
    pub totals: SessionTotals,
    /// Older messages exist than the first one loaded.
    pub has_more_before: bool,
    /// Highlighted HTML from the shell, per message id, with the source it
    /// was rendered from (an edit makes it stale).
    pub highlighted: HashMap<String, (String, String)>,
    /// Deltas that arrived before the command that started their turn
    /// returned (events and replies race), applied when it does.
    pending: HashMap<String, Vec<StreamEvent>>,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "actions are dispatched a few times per second at most, never stored"
)]
pub enum ChatAction {
    /// A session and its messages were loaded.
    Loaded {
        session: Session,
        messages: Vec<StoredMessage>,
        has_more_before: bool,
        totals: SessionTotals,
    },
    /// An older page, to go before the loaded messages.
    Earlier {
        session_id: String,
        messages: Vec<StoredMessage>,
        has_more_before: bool,
    },
    /// No session is open (after deleting the current one).
    Closed,
    /// The session was saved (or renamed): its title and dates are taken;
    /// the controls keep what was typed since.
    SessionSaved(Session),
    /// A playground control changed (saved in the background).
    Config(SessionConfig),
    Started(StartedTurn),
    /// Deltas of streaming answers: what arrived during one frame (see
    /// [`crate::batch`]), applied with one render.
    Events(Vec<TurnEvent>),
    Finished(TurnFinished),
    /// A message was appended without a turn (a tool result).
    Appended(StoredMessage),
    /// This message and all after it were deleted (before a retry).
    TruncatedFrom(String),
    Totals {
        session_id: String,
        totals: SessionTotals,
    },
    Highlighted {
        message_id: String,
        source: String,
        html: String,
    },
}

impl Chat {
    fn is_current(&self, session_id: &str) -> bool {
        self.session.as_ref().is_some_and(|s| s.id == session_id)
    }

    /// The answer that is streaming now, if any.
    pub fn streaming(&self) -> Option<&StoredMessage> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.status == MessageStatus::Streaming)
    }

    /// The highlighted HTML of `message`, if the shell rendered its current text.
    pub fn highlighted_html(&self, message: &StoredMessage) -> Option<&str> {
        self.highlighted
            .get(&message.id)
            .filter(|(source, _)| *source == message.content)
            .map(|(_, html)| html.as_str())
    }

    /// Tool calls of `message` that no later tool message answers yet.
    pub fn unanswered_calls<'a>(&'a self, message: &'a StoredMessage) -> Vec<&'a ToolCall> {
        message
            .tool_calls
            .iter()
            .filter(|call| {
                !self.messages.iter().any(|m| {
                    m.role == Role::Tool && m.tool_call_id.as_deref() == Some(call.id.as_str())
                })
            })
            .collect()
    }

    /// Once `call_id` is answered, does its message still wait for the
    /// results of other calls (so the turn must not continue yet)?
    pub fn others_waiting(&self, call_id: &str) -> bool {
        self.messages
            .iter()
            .find(|m| m.tool_calls.iter().any(|c| c.id == call_id))
            .is_some_and(|m| self.unanswered_calls(m).iter().any(|c| c.id != call_id))
    }

    fn message_mut(&mut self, id: &str) -> Option<&mut StoredMessage> {
        self.messages.iter_mut().find(|m| m.id == id)
    }

    fn upsert(&mut self, message: StoredMessage) {
        match self.message_mut(&message.id) {
            Some(existing) => *existing = message,
            None => {
                let at = self
                    .messages
                    .iter()
                    .position(|m| m.position > message.position)
                    .unwrap_or(self.messages.len());
                self.messages.insert(at, message);
            }
        }
    }

    /// One delta of a streaming answer (kept for later when its message
    /// is not here yet).
    fn apply_turn_event(&mut self, event: TurnEvent) {
        let TurnEvent {
            session_id,
            message_id,
            event,
        } = event;
        if !self.is_current(&session_id) {
            return;
        }
        match self.message_mut(&message_id) {
            Some(message) => apply_event(message, event),
            None => {
                const MAX_PENDING: usize = 10_000;
                let queue = self.pending.entry(message_id).or_default();
                if queue.len() < MAX_PENDING {
                    queue.push(event);
                }
            }
        }
    }

    /// Applies `action` in place.
    pub fn apply(&mut self, action: ChatAction) {
        match action {
            ChatAction::Loaded {
                session,
                messages,
                has_more_before,
                totals,
            } => {
                *self = Chat {
                    session: Some(session),
                    messages,
                    totals,
                    has_more_before,
                    ..Chat::default()
                };
            }
            ChatAction::Earlier {
                session_id,
                messages,
                has_more_before,
            } => {
                if self.is_current(&session_id) {
                    for message in messages {
                        self.upsert(message);
                    }
                    self.has_more_before = has_more_before;
                }
            }
            ChatAction::Closed => *self = Chat::default(),
            ChatAction::SessionSaved(saved) => {
                if let Some(session) = self.session.as_mut().filter(|s| s.id == saved.id) {
                    session.config.title = saved.config.title;
                    session.created_at = saved.created_at;
                    session.updated_at = saved.updated_at;
                }
            }
            ChatAction::Config(config) => {
                if let Some(session) = &mut self.session {
                    session.config = config;
                }
            }
            ChatAction::Started(turn) => {
                if !self.is_current(&turn.assistant_message.session_id) {
                    return;
                }
                if let Some(user) = turn.user_message {
                    self.upsert(user);
                }
                let mut answer = turn.assistant_message;
                // A fast turn may already have finished: keep its end.
                let finished = self
                    .messages
                    .iter()
                    .any(|m| m.id == answer.id && m.status != MessageStatus::Streaming);
                if !finished {
                    for event in self.pending.remove(&answer.id).unwrap_or_default() {
                        apply_event(&mut answer, event);
                    }
                    self.upsert(answer);
                }
            }
            ChatAction::Events(events) => {
                for event in events {
                    self.apply_turn_event(event);
                }
            }
            ChatAction::Finished(TurnFinished {
                session_id,
                message,
                ..
            }) => {
                self.pending.remove(&message.id);
                if self.is_current(&session_id) {
                    self.upsert(message);
                }
            }
            ChatAction::Appended(message) => {
                if self.is_current(&message.session_id) {
                    self.upsert(message);
                }
            }
            ChatAction::TruncatedFrom(id) => {
                if let Some(at) = self.messages.iter().position(|m| m.id == id) {
                    for gone in self.messages.drain(at..) {
                        self.highlighted.remove(&gone.id);
                    }
                }
            }
            ChatAction::Totals { session_id, totals } => {
                if self.is_current(&session_id) {
                    self.totals = totals;
                }
            }
            ChatAction::Highlighted {
                message_id,
                source,
                html,
            } => {
                self.highlighted.insert(message_id, (source, html));
            }
        }
    }
}

/// Folds one stream delta into the message being streamed.
pub fn apply_event(message: &mut StoredMessage, event: StreamEvent) {
    match event {
        StreamEvent::ContentDelta { text } => message.content.push_str(&text),
        StreamEvent::ReasoningDelta { text } => {
            message
                .reasoning
                .get_or_insert_with(String::new)
                .push_str(&text);
        }
        StreamEvent::ToolCallDelta {
            index,
            id,
            name,
            arguments_delta,
        } => {
            let call = call_at(&mut message.tool_calls, index);
            if let Some(id) = id {
                call.id = id;
            }
            if let Some(name) = name {
                call.name = name;
            }
            call.arguments.push_str(&arguments_delta);
        }
        StreamEvent::ToolCall { index, tool_call } => {
            *call_at(&mut message.tool_calls, index) = tool_call;
        }
        StreamEvent::Usage { usage } => message.usage = Some(usage),
        StreamEvent::Finish { reason } => message.finish_reason = Some(reason),
        StreamEvent::Error { message: error } => message.error = Some(error),
    }
}

fn call_at(calls: &mut Vec<ToolCall>, index: usize) -> &mut ToolCall {
    while calls.len() <= index {
        calls.push(ToolCall {
            id: String::new(),
            name: String::new(),
            arguments: String::new(),
        });
    }
    &mut calls[index]
}

reducible!(Chat, ChatAction);

#[cfg(test)]
mod tests;
