//! The share snapshot: the immutable, versioned JSON document that the desktop
//! app publishes and the share-server stores verbatim and renders.
//!
//! Numeric fields that must not be negative are signed on purpose: a negative
//! value deserializes, and [`crate::validate`] reports it with its JSON path
//! (`messages[3].usage.outputTokens: must be ≥ 0`) instead of a bare serde error.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The snapshot schema version this crate writes and accepts.
pub const SCHEMA_VERSION: u32 = 1;

/// One shared conversation, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareSnapshot {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub schema_version: u32,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(max_items = 5000))]
    pub messages: Vec<Message>,
    pub model_config: ModelConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_meta: Option<PromptMeta>,
    /// Σ (`inputTokens` + `outputTokens`) over the messages that have `usage`.
    ///
    /// Reasoning tokens are part of `outputTokens` and cached tokens part of
    /// `inputTokens`, so neither is added again. [`ShareSnapshot::compute_totals`]
    /// computes it; [`crate::validate()`] requires this exact value.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub total_tokens: i64,
    /// Σ of the messages' `cost` in USD, or `None` when a message that has
    /// `usage` has no `cost` (an unknown price is never shown as a made-up 0).
    /// [`crate::validate()`] accepts a relative difference of at most 1e-9.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub total_cost: Option<f64>,
    /// When the publisher wants the share to expire; the server caps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The publisher allows search engines to index the page.
    #[serde(default)]
    pub indexable: bool,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    User,
    Assistant,
    System,
    Tool,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::System => "system",
            Role::Tool => "tool",
        }
    }
}

/// One message of the conversation with the metadata measured for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub id: String,
    pub role: Role,
    pub content: String,
    pub timestamp: DateTime<Utc>,
    /// Reasoning / thinking text streamed by the provider, when it sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Cost of this message in USD; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 86400000))]
    pub inference_time_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 86400000))]
    pub time_to_first_token_ms: Option<i64>,
    /// Tool calls the model made in this (assistant) message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 128))]
    pub tool_calls: Vec<ToolCall>,
    /// For a `tool` message: the id of the call this message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub tool_call_id: Option<String>,
}

/// Token usage of one message, as the provider reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    /// Every prompt token billed for this message, cached ones included.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub input_tokens: i64,
    /// Every generated token, reasoning ones included.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub output_tokens: i64,
    /// Part of `output_tokens` spent on reasoning, when reported (a subset:
    /// never added to `output_tokens` again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub reasoning_tokens: Option<i64>,
    /// Part of `input_tokens` served from the provider's prompt cache (a
    /// subset: never added to `input_tokens` again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub cached_tokens: Option<i64>,
}

/// One call of a tool by the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolCall {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub name: String,
    /// The arguments as the model sent them: JSON text (possibly invalid).
    pub arguments: String,
}

/// The model and its sampling parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelConfig {
    /// Provider id as in the price table (`openai`, `anthropic`, `ollama`, …).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub provider: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2))]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50000000))]
    pub max_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub top_p: Option<f64>,
}

/// What the prompt was made of, when the publisher chose to include it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromptMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 128))]
    pub tools: Vec<ToolDefinition>,
    /// Template variables (`{{name}}`) and the values that were substituted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
}

/// A tool offered to the model: a name and a JSON schema for its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolDefinition {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub parameters: serde_json::Value,
}
