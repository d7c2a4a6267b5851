//! Sessions and their messages, as the shell stores them and the UI shows
//! them (camelCase JSON). An `Option` field left out of a payload reads as
//! `None` (serde's rule), so only other fields name their default.

use std::collections::BTreeMap;

use chat_core::{FinishReason, GenerationParams, Role, ToolCall, ToolDefinition, Totals, Usage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a session is configured with: everything but its id and times.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionConfig {
    pub title: String,
    /// Id of a configured provider endpoint (see [`crate::ProviderConfig`]).
    pub provider_id: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i64>,
    pub top_p: Option<f64>,
    pub system_prompt: Option<String>,
    pub tools: Vec<ToolDefinition>,
    pub variables: BTreeMap<String, String>,
}

/// A session with its configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    #[serde(flatten)]
    pub config: SessionConfig,
    /// The share it was imported from ("Continue in Parlor"); `None` for a
    /// session started here. Not part of the configuration: editing the
    /// settings keeps it.
    #[serde(default)]
    pub imported_from: Option<ImportedFrom>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The share a session was imported from, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedFrom {
    pub share_id: String,
    pub share_url: String,
    pub imported_at: DateTime<Utc>,
}

/// A line of the session list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    pub id: String,
    pub title: String,
    pub provider_id: String,
    pub model: String,
    pub message_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A search result: the session, and where the text was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub session: SessionSummary,
    pub title_matches: bool,
    /// The first message whose content matches, if any.
    pub message_id: Option<String>,
    /// A short excerpt around the match, plain text (the UI escapes it).
    pub snippet: Option<String>,
}

/// Where an assistant message is in its life; a message appended without
/// one is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MessageStatus {
    /// The provider is still answering.
    Streaming,
    #[default]
    Complete,
    /// The user stopped it: what arrived is kept.
    Stopped,
    /// The turn failed (see `error`): what arrived is kept.
    Error,
}

impl MessageStatus {
    /// The wire name, also the stored one.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Streaming => "streaming",
            MessageStatus::Complete => "complete",
            MessageStatus::Stopped => "stopped",
            MessageStatus::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Streaming, Self::Complete, Self::Stopped, Self::Error]
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    /// The `data-state` of a message element (what the end-to-end tests read).
    pub fn data_state(self) -> &'static str {
        match self {
            MessageStatus::Error => "failed",
            other => other.as_str(),
        }
    }
}

/// What produced an assistant message: the endpoint (provider entry id)
/// and model, who served it, the prices that applied and the parameters
/// sent. On the wire, these are fields of the message itself.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Generation {
    pub provider_id: Option<String>,
    pub model: Option<String>,
    /// Who served it, as shares name it, resolved when it was generated.
    pub provider_name: Option<String>,
    /// The price-table provider whose bundled prices applied to it; `None`
    /// when only the user's prices could.
    pub price_provider: Option<String>,
    /// The sampling parameters sent for it.
    pub params: Option<GenerationParams>,
}

/// One message as stored, with everything measured for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    pub id: String,
    pub session_id: String,
    /// Creation order in the session, from 0; the paging key. Positions
    /// increase along every path of the message tree.
    pub position: i64,
    /// The message this one follows (an answer's prompt, a prompt's answer);
    /// `None` for a session's first message.
    pub parent_id: Option<String>,
    /// The messages that share this one's parent, this one included, in
    /// creation order (derived, not stored): more than one means branches.
    #[serde(default)]
    pub siblings: Vec<String>,
    pub role: Role,
    pub content: String,
    pub reasoning: Option<String>,
    pub usage: Option<Usage>,
    /// USD; `None` when the price is unknown.
    pub cost: Option<f64>,
    pub time_to_first_token_ms: Option<i64>,
    pub inference_time_ms: Option<i64>,
    /// Output tokens per second after the first token (derived, not stored).
    pub tokens_per_second: Option<f64>,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    pub tool_call_id: Option<String>,
    pub status: MessageStatus,
    pub error: Option<String>,
    /// The provider's own word for why the answer ended (`stop`,
    /// `end_turn`, `length`, `tool_calls`, …).
    pub finish_reason: Option<String>,
    /// What produced an assistant message.
    #[serde(flatten)]
    pub generation: Generation,
    /// How an answer ended, in the snapshot's words (derived by the shell,
    /// not stored).
    pub ended: Option<FinishReason>,
    /// Files attached to it, in the order they were attached.
    #[serde(default)]
    pub attachments: Vec<crate::AttachmentRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A message to append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub role: Role,
    #[serde(default)]
    pub content: String,
    pub reasoning: Option<String>,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    pub tool_call_id: Option<String>,
    #[serde(default)]
    pub status: MessageStatus,
    #[serde(flatten)]
    pub generation: Generation,
    /// SHA-256s of files stored with `add_attachment`.
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl NewMessage {
    /// A complete message of `role` with `content` and nothing else.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            reasoning: None,
            tool_calls: Vec::new(),
            tool_call_id: None,
            status: MessageStatus::Complete,
            generation: Generation::default(),
            attachments: Vec::new(),
        }
    }
}

/// A page of a session's messages, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<StoredMessage>,
    /// More messages exist before the first one of this page.
    pub has_more_before: bool,
    /// More messages exist after the last one of this page.
    pub has_more_after: bool,
}

/// Sums over a session's messages (the session's cost line): the tokens and
/// cost summed as chat-core sums a snapshot's, with the message count and the
/// inference time (on the wire, one flat camelCase object).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionTotals {
    pub message_count: i64,
    /// `totalCost` is `None` when some message with usage has an unknown
    /// price.
    #[serde(flatten)]
    pub sums: Totals,
    pub inference_time_ms: i64,
}

/// A provider endpoint, a model and sampling parameters: what one answer is
/// generated with (a column of a comparison, a regenerated answer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModelSetup {
    pub provider_id: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i64>,
    pub top_p: Option<f64>,
}

impl ModelSetup {
    /// The setup a session answers with.
    pub fn of(config: &SessionConfig) -> Self {
        Self {
            provider_id: config.provider_id.clone(),
            model: config.model.clone(),
            temperature: config.temperature,
            max_tokens: config.max_tokens,
            top_p: config.top_p,
        }
    }

    /// The sampling parameters it sets.
    pub fn params(&self) -> GenerationParams {
        GenerationParams {
            temperature: self.temperature,
            top_p: self.top_p,
            max_tokens: self.max_tokens,
            other: Default::default(),
        }
    }
}

/// The messages a compare run created: the prompt and one answer per setup,
/// in the order of the setups (an answer that could not start is already in
/// status `error`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedCompare {
    pub user_message: StoredMessage,
    pub answers: Vec<StoredMessage>,
}

/// The messages a started turn created, for the UI to show at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedTurn {
    pub user_message: Option<StoredMessage>,
    pub assistant_message: StoredMessage,
}
