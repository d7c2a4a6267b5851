//! The events of a streaming turn, from the shell to the UI.

use chat_core::{ToolCall, Usage};
use serde::{Deserialize, Serialize};

use crate::session::StoredMessage;

/// An event the shell emits, with the payload it carries.
pub trait Event {
    const NAME: &'static str;
}

/// Something that arrived while the answer streams (tagged with `type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum StreamEvent {
    ContentDelta {
        text: String,
    },
    ReasoningDelta {
        text: String,
    },
    /// A fragment of a tool call: `id` and `name` come with the first one.
    ToolCallDelta {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments_delta: String,
    },
    /// A tool call whose arguments are complete.
    ToolCall {
        index: usize,
        tool_call: ToolCall,
    },
    /// Usage so far (each report replaces the previous one).
    Usage {
        usage: Usage,
    },
    Finish {
        reason: String,
    },
    Error {
        message: String,
    },
}

/// Every delta of a streaming answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnEvent {
    pub session_id: String,
    pub message_id: String,
    pub event: StreamEvent,
}

impl Event for TurnEvent {
    const NAME: &'static str = "turn:event";
}

/// A turn ended (complete, stopped or failed): its message as it ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnFinished {
    pub session_id: String,
    pub message_id: String,
    pub message: StoredMessage,
}

impl Event for TurnFinished {
    const NAME: &'static str = "turn:finished";
}

/// Every event name, for the capability and the tests.
pub const EVENTS: &[&str] = &[TurnEvent::NAME, TurnFinished::NAME];
