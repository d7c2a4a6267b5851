//! The shapes the desktop shell sends and receives, mirrored from
//! `src-tauri` (the UI is wasm and cannot depend on it). Field names are
//! camelCase on the wire. Dates stay ISO-8601 strings: the UI only shows them.

use std::collections::BTreeMap;

pub use chat_core::cost::PriceOverride;
pub use chat_core::{FinishReason, GenerationParams, Role, ToolCall, ToolDefinition, Usage};
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
    /// The share it was imported from; `None` for a session started here.
    #[serde(default)]
    pub imported_from: Option<ImportedFrom>,
    pub created_at: String,
    pub updated_at: String,
}

/// The share a session was imported from ("Continue in Parlor"), and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedFrom {
    pub share_id: String,
    pub share_url: String,
    pub imported_at: String,
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
    /// Who served an answer, as shares name it (recorded when it was made).
    #[serde(default)]
    pub provider_name: Option<String>,
    /// The price-table provider whose prices applied; `None` when only the
    /// user's prices could.
    #[serde(default)]
    pub price_provider: Option<String>,
    /// The sampling parameters sent for an answer.
    #[serde(default)]
    pub params: Option<GenerationParams>,
    /// How an answer ended, in the share page's words (the shell derives it).
    #[serde(default)]
    pub ended: Option<FinishReason>,
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

/// Who can open a link, as the shell worked it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReachKind {
    ThisComputer,
    Network,
    Team,
    File,
    /// A kind this UI does not know yet: shown by its sentence alone.
    #[serde(other)]
    Other,
}

impl ReachKind {
    /// The `data-reach` value (the wire name).
    pub fn as_str(self) -> &'static str {
        match self {
            ReachKind::ThisComputer => "thisComputer",
            ReachKind::Network => "network",
            ReachKind::Team => "team",
            ReachKind::File => "file",
            ReachKind::Other => "other",
        }
    }
}

/// Where a link reaches: its kind, and the sentence that says it to a person
/// ("Only this computer can open this link, while Parlor is running").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reach {
    pub kind: ReachKind,
    pub sentence: String,
}

/// A share-server's `/api/v0/info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub schema_versions: Vec<u32>,
    pub max_expiry_seconds: Option<u64>,
    pub default_expiry_seconds: Option<u64>,
    #[serde(default)]
    pub allow_anonymous: bool,
    pub public_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareStatus {
    Active,
    Expired,
    Revoked,
}

impl ShareStatus {
    /// The `data-status` value (the wire name).
    pub fn as_str(self) -> &'static str {
        match self {
            ShareStatus::Active => "active",
            ShareStatus::Expired => "expired",
            ShareStatus::Revoked => "revoked",
        }
    }
}

/// Where the app learnt of a share: made here, or listed by the team server
/// (made on another machine with the same token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareSource {
    #[default]
    Local,
    Server,
}

/// A row of My shares (and of "You shared this conversation before").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareListItem {
    pub share_id: String,
    pub server_url: String,
    pub share_url: String,
    pub session_id: Option<String>,
    pub title: String,
    pub expires_at: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub status: ShareStatus,
    pub reach: Reach,
    #[serde(default)]
    pub source: ShareSource,
}

/// What a link is made with; `share_options()` answers the last used.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOptions {
    pub message_ids: Option<Vec<String>>,
    pub expires_in: Option<u64>,
    pub include_system_prompt: bool,
    pub indexable: bool,
}

/// A link just made.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareResult {
    pub share_id: String,
    pub share_url: String,
    #[serde(default)]
    pub delete_token: Option<String>,
    pub expires_at: Option<String>,
    pub redactions: usize,
    /// What was removed, as a list ("1 API key, 2 home-directory paths").
    #[serde(default)]
    pub redacted_summary: Option<String>,
    pub reach: Reach,
    /// The link as a QR code: an SVG document made by the shell.
    pub qr_svg: String,
    /// The options the link was made with (after the server's caps).
    pub options: ShareOptions,
    /// Why the expiry differs from the one asked for (a server's cap).
    #[serde(default)]
    pub expiry_note: Option<String>,
    /// Earlier links of the same conversation, newest first.
    #[serde(default)]
    pub earlier: Vec<ShareListItem>,
    /// The link this one replaces, now revoked.
    #[serde(default)]
    pub replaced_url: Option<String>,
}

/// Where links go now (`share_server_info()`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareServerStatus {
    pub mode: ShareServerMode,
    pub url: String,
    pub reach: Reach,
    /// Why links reach less than the settings ask (an address gone).
    #[serde(default)]
    pub notice: Option<String>,
    /// The server's own description, when it could be asked.
    #[serde(default)]
    pub info: Option<ServerInfo>,
}

/// A non-loopback address of this computer the embedded server can listen on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAddress {
    pub interface: String,
    pub ip: String,
}

/// A team server that answered as one should.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    pub url: String,
    pub info: ServerInfo,
    pub message: String,
}

/// The conversation written to one HTML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    #[serde(default)]
    pub redacted_summary: Option<String>,
}

/// The conversation copied as Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopiedMarkdown {
    #[serde(default)]
    pub redacted_summary: Option<String>,
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
    pub mode: ShareServerMode,
    /// Kept when another mode is chosen, so that switching back is one click.
    #[serde(default)]
    pub team_url: Option<String>,
    pub embedded_bind: String,
    /// The host name links use in network mode instead of the address.
    #[serde(default)]
    pub link_host: Option<String>,
}

/// Where links are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareServerMode {
    /// The embedded server on 127.0.0.1.
    #[default]
    ThisComputer,
    /// The embedded server on a network address.
    Network,
    Team,
}

impl ShareServerMode {
    /// The wire name (`data-mode`).
    pub fn as_str(self) -> &'static str {
        match self {
            ShareServerMode::ThisComputer => "thisComputer",
            ShareServerMode::Network => "network",
            ShareServerMode::Team => "team",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub providers: Vec<ProviderConfig>,
    pub share_server: ShareServerSettings,
    #[serde(default)]
    pub price_overrides: Vec<PriceOverride>,
}

/// Who answers through a provider entry, as the shell works it out: the
/// name shares give it and user prices are filed under, and the price-table
/// provider whose prices apply (`None`: only the user's prices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedBy {
    pub name: String,
    #[serde(default)]
    pub price_provider: Option<String>,
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
    /// Provider id → who answers through it.
    #[serde(default)]
    pub served_by: BTreeMap<String, ServedBy>,
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
                "providerName": "openai-compatible (127.0.0.1:8080)", "priceProvider": null,
                "params": {"temperature": 0.2, "maxTokens": 256, "seed": 7}, "ended": "error",
                "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:01Z"}}"#,
        )
        .unwrap();
        assert_eq!(finished.message.status.data_state(), "failed");
        assert_eq!(finished.message.ended, Some(FinishReason::Error));
        assert_eq!(finished.message.usage.map(|u| u.input_tokens), Some(3));
        assert_eq!(
            finished.message.provider_name.as_deref(),
            Some("openai-compatible (127.0.0.1:8080)")
        );
        let params = finished.message.params.unwrap();
        assert_eq!(params.max_tokens, Some(256));
        assert_eq!(params.other["seed"], 7);

        let session: Session = serde_json::from_str(
            r#"{"id": "s", "title": "T", "providerId": "openai", "model": "gpt-4o",
                "temperature": 0.7, "maxTokens": 256, "topP": null, "systemPrompt": null,
                "tools": [], "variables": {"name": "Ada"},
                "importedFrom": {"shareId": "abc", "shareUrl": "http://127.0.0.1:4000/shared/abc",
                                 "importedAt": "2026-11-26T09:30:00Z"},
                "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(session.config.max_tokens, Some(256));
        assert_eq!(session.config.variables["name"], "Ada");
        assert_eq!(session.imported_from.unwrap().share_id, "abc");
    }

    /// The share replies as the contract writes them.
    #[test]
    fn share_replies_decode() {
        let result: ShareResult = serde_json::from_str(
            r#"{"shareId": "s2", "shareUrl": "http://127.0.0.1:4000/shared/s2",
                "deleteToken": null, "expiresAt": "2026-12-01T10:00:00Z", "redactions": 3,
                "redactedSummary": "1 API key, 2 home-directory paths",
                "reach": {"kind": "thisComputer",
                          "sentence": "Only this computer can open this link, while Parlor is running"},
                "qrSvg": "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
                "options": {"messageIds": null, "expiresIn": 604800,
                            "includeSystemPrompt": true, "indexable": false},
                "expiryNote": null,
                "earlier": [{"shareId": "s1", "serverUrl": "http://127.0.0.1:4000",
                             "shareUrl": "http://127.0.0.1:4000/shared/s1", "sessionId": "x",
                             "title": "T", "expiresAt": null, "createdAt": "2026-11-25T08:00:00Z",
                             "revokedAt": "2026-11-26T08:00:00Z", "status": "revoked",
                             "reach": {"kind": "team", "sentence": "Anyone with the link."},
                             "source": "server"}],
                "replacedUrl": "http://127.0.0.1:4000/shared/s1"}"#,
        )
        .unwrap();
        assert_eq!(result.reach.kind, ReachKind::ThisComputer);
        assert_eq!(result.options.expires_in, Some(604_800));
        assert_eq!(result.earlier[0].status, ShareStatus::Revoked);
        assert_eq!(result.earlier[0].source, ShareSource::Server);

        let status: ShareServerStatus = serde_json::from_str(
            r#"{"mode": "network", "url": "http://192.168.1.20:4000",
                "reach": {"kind": "network", "sentence": "Anyone on your network."},
                "notice": null,
                "info": {"name": "parlor", "version": "0.1.0", "schemaVersions": [1, 2],
                         "maxExpirySeconds": 2592000, "defaultExpirySeconds": null,
                         "allowAnonymous": true, "publicUrl": "http://192.168.1.20:4000"}}"#,
        )
        .unwrap();
        assert_eq!(status.mode, ShareServerMode::Network);
        assert_eq!(status.info.unwrap().max_expiry_seconds, Some(2_592_000));

        // A reach this UI does not know still shows its sentence.
        let reach: Reach =
            serde_json::from_str(r#"{"kind": "satellite", "sentence": "Anyone in orbit."}"#)
                .unwrap();
        assert_eq!(reach.kind, ReachKind::Other);
    }

    #[test]
    fn share_server_settings_round_trip_in_camel_case() {
        let settings = ShareServerSettings {
            mode: ShareServerMode::ThisComputer,
            team_url: Some("https://share.example.com".into()),
            embedded_bind: "127.0.0.1".into(),
            link_host: None,
        };
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"mode": "thisComputer", "teamUrl": "https://share.example.com",
                               "embeddedBind": "127.0.0.1", "linkHost": null})
        );
        assert_eq!(
            serde_json::from_value::<ShareServerSettings>(json).unwrap(),
            settings
        );
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
