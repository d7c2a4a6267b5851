//! The open session as a reducer: what the shell said (loaded pages, started
//! turns, stream deltas, finished messages) folded into what the chat view
//! shows. Pure, so it is tested on the host.
//!
//! The session is a tree of messages; the view shows its selected path
//! ([`Chat::messages`]). Answers that are not on it but were seen here — the
//! other columns of a comparison, a branch just switched away from — are
//! kept in [`Chat::others`], so a comparison shows every answer and several
//! answers can stream at once: every delta names its message, wherever it
//! is. [`tree`] holds the branching; [`stream`] folds deltas into a message.

mod stream;
mod tree;

use std::collections::{HashMap, HashSet};

use super::reducible;
use crate::types::{
    MessageStatus, Role, Session, SessionConfig, SessionTotals, StartedCompare, StartedTurn,
    StoredMessage, StreamEvent, ToolCall, TurnEvent, TurnFinished,
};
pub use stream::apply_event;
pub use tree::{Answer, BranchPlace};

/// The chat view's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chat {
    pub session: Option<Session>,
    /// The selected path, oldest first.
    pub messages: Vec<StoredMessage>,
    /// Answers seen here that are off the selected path, by id.
    pub others: HashMap<String, StoredMessage>,
    /// Prompts (user message ids) whose answers are shown side by side.
    pub columns: HashSet<String>,
    /// The user message being edited in place.
    pub editing: Option<String>,
    /// What changing the session's provider did to its model, until the
    /// next change.
    pub notice: Option<String>,
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
    /// The selected path was read again (another branch was chosen, one
    /// was deleted): the answers seen stay known.
    Path {
        session_id: String,
        messages: Vec<StoredMessage>,
        has_more_before: bool,
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
    /// A playground control changed (saved in the background); what a
    /// provider change said goes with it.
    Config(SessionConfig),
    /// A turn after the path's leaf started (a message sent, a turn
    /// continued after tool results).
    Started(StartedTurn),
    /// A turn on a new branch started (an edited message resent, an answer
    /// regenerated): its first message replaces its sibling on the path.
    Branched(StartedTurn),
    /// A prompt went to several setups at once.
    Compared(StartedCompare),
    /// Deltas of streaming answers: what arrived during one frame (see
    /// [`crate::batch`]), applied with one render.
    Events(Vec<TurnEvent>),
    Finished(TurnFinished),
    /// A message was appended without a turn (a tool result).
    Appended(StoredMessage),
    /// Answers read beside the path (a prompt's answers from an earlier
    /// run, to show side by side).
    Seen(Vec<StoredMessage>),
    /// This message and everything below it were deleted.
    Deleted(String),
    /// A prompt's answers switch between columns and one at a time.
    ToggleColumns(String),
    /// The user message being edited in place (`None`: none).
    Editing(Option<String>),
    Notice(Option<String>),
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

    /// Every message known here: the path, then the answers off it.
    pub fn all_messages(&self) -> impl Iterator<Item = &StoredMessage> {
        self.messages.iter().chain(self.others.values())
    }

    /// The answers streaming now, on the path or off it.
    pub fn streaming_ids(&self) -> Vec<String> {
        self.all_messages()
            .filter(|m| m.status == MessageStatus::Streaming)
            .map(|m| m.id.clone())
            .collect()
    }

    pub fn is_streaming(&self) -> bool {
        self.all_messages()
            .any(|m| m.status == MessageStatus::Streaming)
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
        match self.messages.iter_mut().find(|m| m.id == id) {
            Some(message) => Some(message),
            None => self.others.get_mut(id),
        }
    }

    /// Puts `message` on the path at its position (or replaces it there).
    fn upsert(&mut self, message: StoredMessage) {
        match self.messages.iter_mut().find(|m| m.id == message.id) {
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

    /// The answer of a started turn as it should be shown: the one already
    /// here when it has ended (a fast turn), else the one started with the
    /// deltas that came before it. `None` when it is not this session's.
    fn started_answer(&mut self, answer: StoredMessage) -> Option<StoredMessage> {
        if !self.is_current(&answer.session_id) {
            return None;
        }
        match self.take(&answer.id) {
            Some(known) if known.status != MessageStatus::Streaming => Some(known),
            _ => {
                let mut answer = answer;
                for event in self.pending.remove(&answer.id).unwrap_or_default() {
                    apply_event(&mut answer, event);
                }
                Some(answer)
            }
        }
    }

    /// Removes the message `id` from wherever it is known.
    fn take(&mut self, id: &str) -> Option<StoredMessage> {
        match self.messages.iter().position(|m| m.id == id) {
            Some(at) => Some(self.messages.remove(at)),
            None => self.others.remove(id),
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
            ChatAction::Path {
                session_id,
                messages,
                has_more_before,
            } => {
                if self.is_current(&session_id) {
                    self.replace_path(messages);
                    self.has_more_before = has_more_before;
                }
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
                self.notice = None;
            }
            ChatAction::Started(turn) => {
                let Some(answer) = self.started_answer(turn.assistant_message) else {
                    return;
                };
                if let Some(user) = turn.user_message {
                    self.upsert(user);
                }
                self.upsert(answer);
            }
            ChatAction::Branched(turn) => self.branched(turn),
            ChatAction::Compared(compare) => self.compared(compare),
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
                if !self.is_current(&session_id) {
                    return;
                }
                match self.others.get_mut(&message.id) {
                    Some(other) => *other = message,
                    None => self.upsert(message),
                }
            }
            ChatAction::Appended(message) => {
                if self.is_current(&message.session_id) {
                    self.upsert(message);
                }
            }
            ChatAction::Seen(answers) => {
                for answer in answers {
                    if !self.messages.iter().any(|m| m.id == answer.id) {
                        self.others.insert(answer.id.clone(), answer);
                    }
                }
            }
            ChatAction::Deleted(id) => self.deleted(&id),
            ChatAction::ToggleColumns(prompt) => {
                if !self.columns.remove(&prompt) {
                    self.columns.insert(prompt);
                }
            }
            ChatAction::Editing(id) => self.editing = id,
            ChatAction::Notice(notice) => self.notice = notice,
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

reducible!(Chat, ChatAction);

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tree_tests;
