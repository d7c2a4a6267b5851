//! The shapes the desktop shell sends and receives, mirrored from
//! `src-tauri` (the UI is wasm and cannot depend on it). Field names are
//! camelCase on the wire. Dates stay ISO-8601 strings: the UI only shows them.

use std::collections::BTreeMap;

pub use chat_core::cost::PriceOverride;
pub use chat_core::{Role, ToolCall, ToolDefinition, Usage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionConfig {
    pub title: String,
    pub provider_id: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i64>,
    pub top_p: Option<f64>,
    pub system_prompt: Option<String>,
    pub tools: Vec<ToolDefinition>,
    pub variables: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    #[serde(flatten)]
    pub config: SessionConfig,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    pub id: String,
    pub title: String,
    pub provider_id: String,
    pub model: String,
    pub message_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub session: SessionSummary,
    pub title_matches: bool,
    pub message_id: Option<String>,
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MessageStatus {
    Streaming,
    Complete,
    Stopped,
    Error,
}

impl MessageStatus {
    /// The `data-state` of a message element.
    pub fn data_state(self) -> &'static str {
        match self {
            MessageStatus::Streaming => "streaming",
            MessageStatus::Complete => "complete",
            MessageStatus::Stopped => "stopped",
            MessageStatus::Error => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    pub id: String,
    pub session_id: String,
    pub position: i64,
    pub role: Role,
    pub content: String,
    pub reasoning: Option<String>,
    pub usage: Option<Usage>,
    pub cost: Option<f64>,
    pub time_to_first_token_ms: Option<i64>,
    pub inference_time_ms: Option<i64>,
    pub tokens_per_second: Option<f64>,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    pub tool_call_id: Option<String>,
    pub status: MessageStatus,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
    pub provider_id: Option<String>,
    pub model: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A message appended without asking the model (here: a tool result).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub role: Role,
    pub content: String,
    pub tool_call_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<StoredMessage>,
    pub has_more_before: bool,
    pub has_more_after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionTotals {
    pub message_count: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub reasoning_tokens: i64,
    pub cached_tokens: i64,
    pub total_tokens: i64,
    pub total_cost: Option<f64>,
    pub inference_time_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    pub share_id: String,
    pub server_url: String,
    pub share_url: String,
    pub session_id: Option<String>,
    pub title: String,
    pub expires_at: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// What the user chose in the Share dialog.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOptions {
    pub message_ids: Option<Vec<String>>,
    pub expires_in: Option<u64>,
    pub include_system_prompt: bool,
    pub indexable: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareResult {
    pub share_id: String,
    pub share_url: String,
    pub expires_at: Option<String>,
    pub redactions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareServerInfo {
    pub mode: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    OpenAi,
    Anthropic,
    Ollama,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConfig {
    pub id: String,
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    #[serde(default)]
    pub price_provider: Option<String>,
    #[serde(default)]
    pub models: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareServerSettings {
    #[serde(default)]
    pub team_url: Option<String>,
    pub embedded_bind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub providers: Vec<ProviderConfig>,
    pub share_server: ShareServerSettings,
    #[serde(default)]
    pub price_overrides: Vec<PriceOverride>,
}

impl ProviderConfig {
    /// The provider id recorded in snapshots and used for prices (the
    /// shell's `ProviderConfig::snapshot_provider`).
    pub fn snapshot_provider(&self) -> &str {
        self.price_provider.as_deref().unwrap_or(&self.id)
    }
}

impl Settings {
    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    pub api_keys: BTreeMap<String, bool>,
    pub share_token: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedTurn {
    pub user_message: Option<StoredMessage>,
    pub assistant_message: StoredMessage,
}

/// One delta of a streaming answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
    ToolCallDelta {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments_delta: String,
    },
    ToolCall {
        index: usize,
        tool_call: ToolCall,
    },
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

/// The payload of `turn:event`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnEvent {
    pub session_id: String,
    pub message_id: String,
    pub event: StreamEvent,
}

/// The payload of `turn:finished`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnFinished {
    pub session_id: String,
    pub message_id: String,
    pub message: StoredMessage,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The payloads as the shell serializes them (camelCase, tagged events).
    #[test]
    fn shell_payloads_decode() {
        let event: TurnEvent = serde_json::from_str(
            r#"{"sessionId": "s", "messageId": "m",
                "event": {"type": "toolCallDelta", "index": 0, "id": "call_1",
                          "name": null, "argumentsDelta": "{\"a\":"}}"#,
        )
        .unwrap();
        assert_eq!(
            event.event,
            StreamEvent::ToolCallDelta {
                index: 0,
                id: Some("call_1".into()),
                name: None,
                arguments_delta: "{\"a\":".into(),
            }
        );
        let finished: TurnFinished = serde_json::from_str(
            r#"{"sessionId": "s", "messageId": "m", "message": {
                "id": "m", "sessionId": "s", "position": 1, "role": "assistant",
                "content": "Hi", "reasoning": null,
                "usage": {"inputTokens": 3, "outputTokens": 1, "reasoningTokens": 0},
                "cost": 0.0001, "timeToFirstTokenMs": 120, "inferenceTimeMs": 900,
                "tokensPerSecond": 1.2, "toolCalls": [], "toolCallId": null,
                "status": "error", "error": "boom", "finishReason": null,
                "providerId": "openai", "model": "gpt-4o",
                "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:01Z"}}"#,
        )
        .unwrap();
        assert_eq!(finished.message.status.data_state(), "failed");
        assert_eq!(finished.message.usage.map(|u| u.input_tokens), Some(3));

        let session: Session = serde_json::from_str(
            r#"{"id": "s", "title": "T", "providerId": "openai", "model": "gpt-4o",
                "temperature": 0.7, "maxTokens": 256, "topP": null, "systemPrompt": null,
                "tools": [], "variables": {"name": "Ada"},
                "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(session.config.max_tokens, Some(256));
        assert_eq!(session.config.variables["name"], "Ada");
    }

    #[test]
    fn share_options_encode_as_the_shell_reads_them() {
        let options = ShareOptions {
            message_ids: None,
            expires_in: Some(86_400),
            include_system_prompt: false,
            indexable: true,
        };
        assert_eq!(
            serde_json::to_value(&options).unwrap(),
            serde_json::json!({"messageIds": null, "expiresIn": 86400,
                               "includeSystemPrompt": false, "indexable": true})
        );
    }
}
