//! The share snapshot: the immutable, versioned JSON document that the desktop
//! app publishes and the share-server stores verbatim and renders.
//!
//! Two schema versions are accepted. Version 1 is the product plan's API
//! contract (a document without `schemaVersion` is version 1); version 2
//! adds who produced each answer and how it ended (`provider`, `model`,
//! `params`, `finishReason`, `error`, `replyTo` on messages). The v2 fields
//! are refused in a version 1 document, so that a version says what the
//! document may contain. Version 2 also lets any message carry
//! `attachments` (see [`crate::attachment`]).
//!
//! Numbers are JSON numbers (see [`numbers`]): integer fields accept `3456.0`
//! and refuse `12.5`; `inferenceTimeMs` and `timeToFirstTokenMs` accept
//! fractional milliseconds and are rounded to whole ones on parse.
//! Numeric fields that must not be negative are signed on purpose: a negative
//! value deserializes, and [`crate::validate`] reports it with its JSON path
//! (`messages[3].usage.outputTokens: must be ≥ 0`) instead of a bare serde error.
//!
//! `totalTokens` and `totalCost` are the client's claim, optional: readers
//! show [`crate::Totals`] computed from the messages, and a claim that
//! differs yields a [`crate::TotalsWarning`], not a refusal.

pub(crate) mod numbers;
mod open_objects;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The snapshot schema version this crate writes.
pub const SCHEMA_VERSION: u32 = 2;

/// Every schema version this crate reads (and the share-server accepts).
pub const ACCEPTED_SCHEMA_VERSIONS: &[u32] = &[1, 2];

/// The version of a document without `schemaVersion`: the plan's contract.
pub const IMPLICIT_SCHEMA_VERSION: u32 = 1;

/// One shared conversation, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareSnapshot {
    /// The schema version of the document, 1 or 2; absent means 1 (the
    /// product plan's contract). Version 2 adds `provider`, `model`,
    /// `params`, `finishReason`, `error` and `replyTo` to messages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::whole_u32_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub schema_version: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(max_items = 5000))]
    pub messages: Vec<Message>,
    pub model_config: ModelConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_meta: Option<PromptMeta>,
    /// Σ (`inputTokens` + `outputTokens`) over the messages, as the client
    /// counted it; optional. Reasoning tokens are part of `outputTokens` and
    /// cached tokens part of `inputTokens`, so neither is added again.
    ///
    /// Not trusted: the server computes the totals from the messages, shows
    /// and serves those, and answers a value that differs with a warning.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::whole_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub total_tokens: Option<i64>,
    /// Σ of the messages' `cost` in USD, as the client counted it; optional.
    /// `null` when a message that has `usage` has no `cost` (an unknown
    /// price is never shown as a made-up 0). Not trusted, like `totalTokens`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub total_cost: Option<f64>,
    /// When the publisher wants the share to expire; the server caps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The publisher allows search engines to index the page.
    #[serde(default)]
    pub indexable: bool,
    /// How many times the share may be opened (page or API read); after
    /// that it answers 410. 1 is "burn after reading". Schema version 2.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::whole_u32_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub max_views: Option<u32>,
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
    /// How the snapshot spells the role.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    /// How the page, the exports and the app name the role over a message.
    pub fn label(self) -> &'static str {
        self.names().1
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            Role::User => ("user", "User"),
            Role::Assistant => ("assistant", "Assistant"),
            Role::System => ("system", "System"),
            Role::Tool => ("tool", "Tool result"),
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
    /// Milliseconds from the request to the last token. Fractions are
    /// accepted and rounded to the nearest whole millisecond (half away from
    /// zero) when read; the page and the API show whole milliseconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::millis_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, minimum = 0, maximum = 86400000))]
    pub inference_time_ms: Option<i64>,
    /// Milliseconds from the request to the first token; rounded like
    /// `inferenceTimeMs`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::millis_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, minimum = 0, maximum = 86400000))]
    pub time_to_first_token_ms: Option<i64>,
    /// Tool calls the model made in this (assistant) message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 128))]
    pub tool_calls: Vec<ToolCall>,
    /// For a `tool` message: the id of the call this message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub tool_call_id: Option<String>,
    /// Version 2, assistant messages: the provider that produced this answer
    /// (readers fall back to `modelConfig.provider`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub provider: Option<String>,
    /// Version 2, assistant messages: the model that produced this answer
    /// (readers fall back to `modelConfig.model`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub model: Option<String>,
    /// Version 2, assistant messages: the sampling settings of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<GenerationParams>,
    /// Version 2, assistant messages: why the answer ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<FinishReason>,
    /// Version 2, assistant messages: the error text; only with
    /// `finishReason: "error"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 16384))]
    pub error: Option<String>,
    /// Version 2, assistant messages: the id of the earlier user message
    /// this answers. Several answers with the same `replyTo` are one
    /// comparison (the same prompt to several models or settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub reply_to: Option<String>,
    /// Version 2: files attached to the message (images the model saw,
    /// text files, PDFs), each whole in base64 with its size and SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub attachments: Vec<crate::attachment::Attachment>,
}

impl Message {
    /// Whether this message uses a field that schema version 2 introduced.
    pub fn uses_v2_fields(&self) -> bool {
        self.provider.is_some()
            || self.model.is_some()
            || self.params.is_some()
            || self.finish_reason.is_some()
            || self.error.is_some()
            || self.reply_to.is_some()
            || !self.attachments.is_empty()
    }
}

/// The sampling settings one request used (version 2, `messages[].params`):
/// `temperature`, `topP` and `maxTokens` as in `modelConfig`, and any other
/// setting under the name the client gave it (`seed`, `stop`, …): at most
/// 32 of them, each at most 1 KiB of JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerationParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2))]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50000000))]
    pub max_tokens: Option<i64>,
    /// Any other setting, as given (`crate::limits::MAX_PARAMS_OTHER`,
    /// `crate::limits::MAX_PARAM_VALUE_BYTES`). On the wire these are the
    /// object's other keys.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// Why an answer ended (version 2, `messages[].finishReason`): `stop`
/// (finished), `length` (cut off at the token limit), `toolCalls` (stopped
/// to call tools), `stopped` (by the user), `error` (the request failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FinishReason {
    /// The model finished its answer.
    Stop,
    /// Cut off at the token limit.
    Length,
    /// The model stopped to call tools.
    ToolCalls,
    /// The user stopped the answer.
    Stopped,
    /// The request failed (the text is in `error`).
    Error,
}

impl FinishReason {
    /// The wire name: `stop`, `length`, `toolCalls`, `stopped`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "toolCalls",
            FinishReason::Stopped => "stopped",
            FinishReason::Error => "error",
        }
    }

    /// The mark a reader sees next to the role, for an answer that did not
    /// end normally: `Stopped`, `Cut off`, `Failed`. The desktop app and
    /// the share page use the same words.
    pub fn label(self) -> Option<&'static str> {
        match self {
            FinishReason::Stop | FinishReason::ToolCalls => None,
            FinishReason::Length => Some("Cut off"),
            FinishReason::Stopped => Some("Stopped"),
            FinishReason::Error => Some("Failed"),
        }
    }

    /// A longer explanation of [`FinishReason::label`], for a tooltip.
    pub fn description(self) -> Option<&'static str> {
        match self {
            FinishReason::Stop | FinishReason::ToolCalls => None,
            FinishReason::Length => Some("The answer reached its token limit and was cut off."),
            FinishReason::Stopped => Some("The user stopped this answer before it was complete."),
            FinishReason::Error => Some("The request failed; this answer is incomplete."),
        }
    }

    /// The `data-state` of the message element (the app's words for its
    /// message states): `complete`, `stopped`, `cut-off` or `failed`; the
    /// CSS class of the mark is `msg-state msg-state-{data_state}`.
    pub fn data_state(self) -> &'static str {
        match self {
            FinishReason::Stop | FinishReason::ToolCalls => "complete",
            FinishReason::Length => "cut-off",
            FinishReason::Stopped => "stopped",
            FinishReason::Error => "failed",
        }
    }
}

/// Token usage of one message, as the provider reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    /// Every prompt token billed for this message, cached ones included.
    #[serde(deserialize_with = "numbers::whole")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub input_tokens: i64,
    /// Every generated token, reasoning ones included.
    #[serde(deserialize_with = "numbers::whole")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub output_tokens: i64,
    /// Part of `output_tokens` spent on reasoning, when reported (a subset:
    /// never added to `output_tokens` again).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::whole_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50000000))]
    pub reasoning_tokens: Option<i64>,
    /// Part of `input_tokens` served from the provider's prompt cache (a
    /// subset: never added to `input_tokens` again).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::whole_opt"
    )]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers::whole_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50000000))]
    pub max_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub top_p: Option<f64>,
}

/// What the prompt was made of, when the publisher chose to include it.
///
/// `systemPrompt`, `tools` and `variables` are read and checked as such;
/// any other key is kept as given (clients record their own prompt
/// details: `promptId`, `version`, …) and shown as "Prompt details": at
/// most 64 such keys, each value at most 64 KiB of JSON, 256 KiB together.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// Every other key, with its value as given (limits in
    /// `crate::limits::MAX_PROMPT_META_EXTRA_KEYS` and beside it). On the
    /// wire these are the object's other keys.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub extra: BTreeMap<String, serde_json::Value>,
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

impl ShareSnapshot {
    /// The schema version of this document: `schemaVersion`, or
    /// [`IMPLICIT_SCHEMA_VERSION`] when it is absent.
    pub fn version(&self) -> u32 {
        self.schema_version.unwrap_or(IMPLICIT_SCHEMA_VERSION)
    }

    /// The lowest schema version that can carry this snapshot: 2 when a
    /// message uses a version 2 field, 1 otherwise. A writer talking to a
    /// server that accepts only version 1 can send such a snapshot as
    /// version 1 unchanged.
    pub fn required_version(&self) -> u32 {
        if self.messages.iter().any(Message::uses_v2_fields) {
            2
        } else {
            IMPLICIT_SCHEMA_VERSION
        }
    }

    /// The provider and model that produced `message`: its own (v2), or
    /// `modelConfig`'s for what it does not say.
    pub fn model_of<'a>(&'a self, message: &'a Message) -> ModelRef<'a> {
        ModelRef {
            provider: message
                .provider
                .as_deref()
                .unwrap_or(&self.model_config.provider),
            model: message.model.as_deref().unwrap_or(&self.model_config.model),
        }
    }

    /// Whether the answers were produced by more than one provider/model.
    pub fn uses_several_models(&self) -> bool {
        let mut answers = self
            .messages
            .iter()
            .filter(|m| m.role == Role::Assistant)
            .map(|m| self.model_of(m));
        match answers.next() {
            None => false,
            Some(first) => answers.any(|other| other != first),
        }
    }
}

/// A provider and a model, borrowed from a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelRef<'a> {
    pub provider: &'a str,
    pub model: &'a str,
}

impl GenerationParams {
    /// Whether these settings say something `config` does not: a typed
    /// setting given here with another value, or any other setting.
    pub fn differ_from(&self, config: &ModelConfig) -> bool {
        let differs = |mine: Option<f64>, theirs: Option<f64>| mine.is_some() && mine != theirs;
        differs(self.temperature, config.temperature)
            || differs(self.top_p, config.top_p)
            || (self.max_tokens.is_some() && self.max_tokens != config.max_tokens)
            || !self.other.is_empty()
    }

    /// Whether no setting is given.
    pub fn is_empty(&self) -> bool {
        self.temperature.is_none()
            && self.top_p.is_none()
            && self.max_tokens.is_none()
            && self.other.is_empty()
    }
}
