//! What the store holds, as the UI receives it (camelCase JSON).

use std::collections::BTreeMap;

use chat_core::{FinishReason, GenerationParams, Role, ToolCall, ToolDefinition, Usage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a session is configured with: everything but its id and times.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionConfig {
    pub title: String,
    /// Id of a configured provider endpoint (see `settings::ProviderConfig`).
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

/// Where an assistant message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MessageStatus {
    /// The provider is still answering.
    Streaming,
    Complete,
    /// The user stopped it: what arrived is kept.
    Stopped,
    /// The turn failed (see `error`): what arrived is kept.
    Error,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Streaming => "streaming",
            MessageStatus::Complete => "complete",
            MessageStatus::Stopped => "stopped",
            MessageStatus::Error => "error",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "streaming" => MessageStatus::Streaming,
            "complete" => MessageStatus::Complete,
            "stopped" => MessageStatus::Stopped,
            "error" => MessageStatus::Error,
            _ => return None,
        })
    }
}

/// One message as stored, with everything measured for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    pub id: String,
    pub session_id: String,
    /// Order in the session, from 0; the paging key.
    pub position: i64,
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
    pub tool_calls: Vec<ToolCall>,
    pub tool_call_id: Option<String>,
    pub status: MessageStatus,
    pub error: Option<String>,
    /// The provider's own word for why the answer ended (`stop`,
    /// `end_turn`, `length`, `tool_calls`, …).
    pub finish_reason: Option<String>,
    /// The endpoint (provider entry id) and model that produced an assistant
    /// message.
    pub provider_id: Option<String>,
    pub model: Option<String>,
    /// Who served it, as shares name it, resolved when it was generated
    /// (see `served_by`).
    pub provider_name: Option<String>,
    /// The price-table provider whose bundled prices applied to it; `None`
    /// when only the user's prices could.
    pub price_provider: Option<String>,
    /// The sampling parameters sent for it.
    pub params: Option<GenerationParams>,
    /// How an answer ended, in the snapshot's words (derived, not stored:
    /// see [`StoredMessage::finish`]).
    #[serde(default)]
    pub ended: Option<FinishReason>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredMessage {
    /// Fills what is derived from the stored fields: the generation speed
    /// and how the answer ended.
    pub fn derive(&mut self) {
        self.derive_tokens_per_second();
        self.ended = self.finish();
    }

    /// Why an answer ended, in the snapshot's words: what the app saw first
    /// (the user stopped it, it failed), then the provider's own reason. A
    /// reason the snapshot has no word for is left out rather than guessed.
    pub fn finish(&self) -> Option<FinishReason> {
        if self.role != Role::Assistant {
            return None;
        }
        match self.status {
            MessageStatus::Stopped => return Some(FinishReason::Stopped),
            MessageStatus::Error => return Some(FinishReason::Error),
            MessageStatus::Streaming => return None,
            MessageStatus::Complete => {}
        }
        let reason = self.finish_reason.as_deref().map(str::to_ascii_lowercase);
        match reason.as_deref() {
            // OpenAI-compatible and Ollama; Anthropic; and the snapshot's
            // own words, which an imported answer keeps.
            Some("stop" | "end_turn" | "stop_sequence") => Some(FinishReason::Stop),
            Some("length" | "max_tokens" | "model_context_window_exceeded") => {
                Some(FinishReason::Length)
            }
            Some("tool_calls" | "toolcalls" | "tool_use" | "function_call") => {
                Some(FinishReason::ToolCalls)
            }
            _ if !self.tool_calls.is_empty() => Some(FinishReason::ToolCalls),
            _ => None,
        }
    }

    /// Output tokens per second of generation, from the first token to the end.
    fn derive_tokens_per_second(&mut self) {
        self.tokens_per_second = match (self.usage, self.inference_time_ms) {
            (Some(usage), Some(total)) => {
                let generating_ms = total - self.time_to_first_token_ms.unwrap_or(0);
                (generating_ms > 0 && usage.output_tokens > 0)
                    .then(|| usage.output_tokens as f64 * 1000.0 / generating_ms as f64)
            }
            _ => None,
        };
    }
}

/// A message to append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub role: Role,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub reasoning: Option<String>,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    #[serde(default)]
    pub tool_call_id: Option<String>,
    #[serde(default = "complete")]
    pub status: MessageStatus,
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub price_provider: Option<String>,
    #[serde(default)]
    pub params: Option<GenerationParams>,
}

fn complete() -> MessageStatus {
    MessageStatus::Complete
}

impl NewMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            reasoning: None,
            tool_calls: Vec::new(),
            tool_call_id: None,
            status: MessageStatus::Complete,
            provider_id: None,
            model: None,
            provider_name: None,
            price_provider: None,
            params: None,
        }
    }
}

/// The outcome of a turn, written onto its assistant message in one update.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageUpdate {
    pub content: String,
    pub reasoning: Option<String>,
    pub usage: Option<Usage>,
    pub cost: Option<f64>,
    pub time_to_first_token_ms: Option<i64>,
    pub inference_time_ms: Option<i64>,
    pub tool_calls: Vec<ToolCall>,
    pub status: Option<MessageStatus>,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
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

/// Sums over a session's messages (the session's cost line).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionTotals {
    pub message_count: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub reasoning_tokens: i64,
    pub cached_tokens: i64,
    /// `input_tokens + output_tokens` (reasoning and cached are parts of them).
    pub total_tokens: i64,
    /// USD, or `None` when some message with usage has an unknown price.
    pub total_cost: Option<f64>,
    pub inference_time_ms: i64,
}

/// A link published from this app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    pub share_id: String,
    pub server_url: String,
    pub share_url: String,
    pub session_id: Option<String>,
    pub title: String,
    /// Deletes this one share (anonymous shares); never shown to the UI.
    #[serde(skip_serializing)]
    pub delete_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who can open the link (`thisComputer`, `network`, `team`), as the
    /// mode that made it; `None` for shares recorded before it was kept.
    #[serde(default)]
    pub reach: Option<String>,
}
