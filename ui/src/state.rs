//! The open session as a reducer: what the shell said (loaded pages, started
//! turns, stream deltas, finished messages) folded into what the chat view
//! shows. Pure, so it is tested on the host.

use std::collections::HashMap;
use std::rc::Rc;

use yew::Reducible;

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

impl Reducible for Chat {
    type Action = ChatAction;

    fn reduce(self: Rc<Self>, action: ChatAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Usage;

    fn session(id: &str) -> Session {
        Session {
            id: id.into(),
            config: SessionConfig::default(),
            imported_from: None,
            created_at: "2026-11-25T08:00:00Z".parse().unwrap(),
            updated_at: "2026-11-25T08:00:00Z".parse().unwrap(),
        }
    }

    fn message(id: &str, position: i64, role: Role, status: MessageStatus) -> StoredMessage {
        StoredMessage {
            id: id.into(),
            session_id: "s1".into(),
            position,
            role,
            content: String::new(),
            reasoning: None,
            usage: None,
            cost: None,
            time_to_first_token_ms: None,
            inference_time_ms: None,
            tokens_per_second: None,
            tool_calls: Vec::new(),
            tool_call_id: None,
            status,
            error: None,
            finish_reason: None,
            provider_id: None,
            model: None,
            provider_name: None,
            price_provider: None,
            params: None,
            ended: None,
            created_at: "2026-11-25T08:00:00Z".parse().unwrap(),
            updated_at: "2026-11-25T08:00:00Z".parse().unwrap(),
        }
    }

    fn loaded() -> Chat {
        let mut chat = Chat::default();
        chat.apply(ChatAction::Loaded {
            session: session("s1"),
            messages: Vec::new(),
            has_more_before: false,
            totals: SessionTotals::default(),
        });
        chat
    }

    fn event(id: &str, event: StreamEvent) -> ChatAction {
        ChatAction::Events(vec![TurnEvent {
            session_id: "s1".into(),
            message_id: id.into(),
            event,
        }])
    }

    #[test]
    fn a_turn_streams_then_finishes() {
        let mut chat = loaded();
        let mut user = message("u1", 0, Role::User, MessageStatus::Complete);
        user.content = "Hi".into();
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: Some(user),
            assistant_message: message("a1", 1, Role::Assistant, MessageStatus::Streaming),
        }));
        assert_eq!(chat.messages.len(), 2);
        assert_eq!(chat.streaming().map(|m| m.id.as_str()), Some("a1"));

        chat.apply(event(
            "a1",
            StreamEvent::ReasoningDelta { text: "hmm".into() },
        ));
        chat.apply(event(
            "a1",
            StreamEvent::ContentDelta { text: "Hel".into() },
        ));
        chat.apply(event("a1", StreamEvent::ContentDelta { text: "lo".into() }));
        let usage = Usage {
            input_tokens: 3,
            output_tokens: 2,
            reasoning_tokens: None,
            cached_tokens: None,
        };
        chat.apply(event("a1", StreamEvent::Usage { usage }));
        assert_eq!(chat.messages[1].content, "Hello");
        assert_eq!(chat.messages[1].reasoning.as_deref(), Some("hmm"));
        assert_eq!(chat.messages[1].usage, Some(usage));

        let mut done = chat.messages[1].clone();
        done.status = MessageStatus::Complete;
        done.cost = Some(0.001);
        chat.apply(ChatAction::Finished(TurnFinished {
            session_id: "s1".into(),
            message_id: "a1".into(),
            message: done,
        }));
        assert_eq!(chat.messages[1].status, MessageStatus::Complete);
        assert_eq!(chat.messages[1].cost, Some(0.001));
        assert!(chat.streaming().is_none());
    }

    #[test]
    fn a_turn_that_ends_before_its_start_is_known_keeps_its_end() {
        let mut chat = loaded();
        chat.apply(event("a1", StreamEvent::ContentDelta { text: "Hi".into() }));
        let mut failed = message("a1", 1, Role::Assistant, MessageStatus::Error);
        failed.error = Some("HTTP 503".into());
        chat.apply(ChatAction::Finished(TurnFinished {
            session_id: "s1".into(),
            message_id: "a1".into(),
            message: failed,
        }));
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: Some(message("u1", 0, Role::User, MessageStatus::Complete)),
            assistant_message: message("a1", 1, Role::Assistant, MessageStatus::Streaming),
        }));
        assert_eq!(chat.messages.len(), 2);
        assert_eq!(chat.messages[1].status, MessageStatus::Error);
        assert!(chat.pending.is_empty());
    }

    #[test]
    fn early_deltas_are_applied_when_the_turn_is_known() {
        let mut chat = loaded();
        chat.apply(event("a1", StreamEvent::ContentDelta { text: "He".into() }));
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: None,
            assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
        }));
        chat.apply(event(
            "a1",
            StreamEvent::ContentDelta { text: "llo".into() },
        ));
        assert_eq!(chat.messages[0].content, "Hello");
        assert!(chat.pending.is_empty());
    }

    #[test]
    fn a_frame_of_deltas_applies_in_order() {
        let mut chat = loaded();
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: None,
            assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
        }));
        let delta = |text: &str| TurnEvent {
            session_id: "s1".into(),
            message_id: "a1".into(),
            event: StreamEvent::ContentDelta { text: text.into() },
        };
        chat.apply(ChatAction::Events(vec![
            delta("one "),
            delta("two "),
            delta("three"),
        ]));
        assert_eq!(chat.messages[0].content, "one two three");
    }

    #[test]
    fn events_of_other_sessions_are_ignored() {
        let mut chat = loaded();
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: None,
            assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
        }));
        chat.apply(ChatAction::Events(vec![TurnEvent {
            session_id: "other".into(),
            message_id: "a1".into(),
            event: StreamEvent::ContentDelta { text: "x".into() },
        }]));
        assert_eq!(chat.messages[0].content, "");
        let mut foreign = message("b1", 0, Role::Assistant, MessageStatus::Streaming);
        foreign.session_id = "other".into();
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: None,
            assistant_message: foreign,
        }));
        assert_eq!(chat.messages.len(), 1);
    }

    #[test]
    fn tool_calls_assemble_from_deltas() {
        let mut chat = loaded();
        chat.apply(ChatAction::Started(StartedTurn {
            user_message: None,
            assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
        }));
        chat.apply(event(
            "a1",
            StreamEvent::ToolCallDelta {
                index: 0,
                id: Some("call_1".into()),
                name: Some("weather".into()),
                arguments_delta: "{\"city\":".into(),
            },
        ));
        chat.apply(event(
            "a1",
            StreamEvent::ToolCallDelta {
                index: 0,
                id: None,
                name: None,
                arguments_delta: "\"Paris\"}".into(),
            },
        ));
        let call = &chat.messages[0].tool_calls[0];
        assert_eq!(call.id, "call_1");
        assert_eq!(call.name, "weather");
        assert_eq!(call.arguments, "{\"city\":\"Paris\"}");
        assert_eq!(chat.unanswered_calls(&chat.messages[0]).len(), 1);

        let mut result = message("t1", 1, Role::Tool, MessageStatus::Complete);
        result.tool_call_id = Some("call_1".into());
        chat.apply(ChatAction::Appended(result));
        assert!(chat.unanswered_calls(&chat.messages[0]).is_empty());
    }

    #[test]
    fn truncation_drops_the_tail_and_its_highlighting() {
        let mut chat = loaded();
        for (i, id) in ["m0", "m1", "m2"].iter().enumerate() {
            chat.apply(ChatAction::Appended(message(
                id,
                i as i64,
                Role::User,
                MessageStatus::Complete,
            )));
        }
        chat.apply(ChatAction::Highlighted {
            message_id: "m2".into(),
            source: String::new(),
            html: "<p></p>".into(),
        });
        chat.apply(ChatAction::TruncatedFrom("m1".into()));
        assert_eq!(chat.messages.len(), 1);
        assert!(chat.highlighted.is_empty());
    }

    #[test]
    fn highlighting_is_used_only_for_the_text_it_was_made_from() {
        let mut chat = loaded();
        let mut m = message("m0", 0, Role::Assistant, MessageStatus::Complete);
        m.content = "`a`".into();
        chat.apply(ChatAction::Appended(m.clone()));
        chat.apply(ChatAction::Highlighted {
            message_id: "m0".into(),
            source: "`a`".into(),
            html: "<p>A</p>".into(),
        });
        assert_eq!(chat.highlighted_html(&m), Some("<p>A</p>"));
        m.content = "changed".into();
        assert_eq!(chat.highlighted_html(&m), None);
    }

    #[test]
    fn a_save_takes_the_title_and_keeps_newer_edits() {
        let mut chat = loaded();
        let mut edited = SessionConfig {
            model: "typed-later".into(),
            ..SessionConfig::default()
        };
        chat.apply(ChatAction::Config(edited.clone()));
        let mut saved = session("s1");
        saved.config.title = "Renamed".into();
        saved.config.model = "older".into();
        chat.apply(ChatAction::SessionSaved(saved));
        edited.title = "Renamed".into();
        assert_eq!(chat.session.unwrap().config, edited);
    }

    #[test]
    fn earlier_pages_go_first() {
        let mut chat = Chat::default();
        chat.apply(ChatAction::Loaded {
            session: session("s1"),
            messages: vec![message("m5", 5, Role::User, MessageStatus::Complete)],
            has_more_before: true,
            totals: SessionTotals::default(),
        });
        chat.apply(ChatAction::Earlier {
            session_id: "s1".into(),
            messages: vec![
                message("m3", 3, Role::User, MessageStatus::Complete),
                message("m4", 4, Role::Assistant, MessageStatus::Complete),
            ],
            has_more_before: false,
        });
        let ids: Vec<_> = chat.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m3", "m4", "m5"]);
        assert!(!chat.has_more_before);
    }

    #[test]
    fn messages_keep_their_order() {
        let mut chat = loaded();
        chat.apply(ChatAction::Appended(message(
            "b",
            2,
            Role::User,
            MessageStatus::Complete,
        )));
        chat.apply(ChatAction::Appended(message(
            "a",
            1,
            Role::User,
            MessageStatus::Complete,
        )));
        let ids: Vec<_> = chat.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }
}
