//! The limits a share snapshot must respect. The server and the app import
//! these (to document them, to pre-check before upload); nothing else should
//! hard-code a size.

/// Largest accepted snapshot document, in bytes of JSON without the
/// attachments' `data` (8 MiB).
pub const MAX_SNAPSHOT_BYTES: usize = 8 * 1024 * 1024;
/// Largest decoded attachment, in bytes (10 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Largest sum of the decoded attachments of one snapshot, in bytes (20 MiB).
pub const MAX_ATTACHMENTS_TOTAL_BYTES: usize = 20 * 1024 * 1024;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 10;
/// Most attachments in one snapshot.
pub const MAX_ATTACHMENTS: usize = 32;
/// Longest attachment `name`, in bytes.
pub const MAX_ATTACHMENT_NAME_BYTES: usize = 255;
/// Longest attachment `mediaType`, in bytes.
pub const MAX_MEDIA_TYPE_BYTES: usize = 127;
/// Largest `maxViews` a share may ask for.
pub const MAX_VIEWS: u32 = 1_000_000;
/// Largest accepted request body, in bytes: a snapshot of
/// [`MAX_SNAPSHOT_BYTES`] plus its attachments' base64 (4 bytes for every 3,
/// [`MAX_ATTACHMENTS_TOTAL_BYTES`] in all). 34.7 MiB.
pub const MAX_BODY_BYTES: usize = MAX_SNAPSHOT_BYTES + MAX_ATTACHMENTS_TOTAL_BYTES.div_ceil(3) * 4;
/// Most messages in one snapshot.
pub const MAX_MESSAGES: usize = 5_000;
/// Largest `content` (and `reasoning`) of one message, in UTF-8 bytes (256 KiB).
pub const MAX_CONTENT_BYTES: usize = 256 * 1024;
/// Largest `promptMeta.systemPrompt`, in UTF-8 bytes (256 KiB).
pub const MAX_SYSTEM_PROMPT_BYTES: usize = 256 * 1024;
/// Longest title, in characters (Unicode scalar values).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest message id or tool call id, in bytes.
pub const MAX_ID_BYTES: usize = 128;
/// Longest tool name or template variable name, in bytes.
pub const MAX_NAME_BYTES: usize = 128;
/// Longest `modelConfig.provider`, in bytes.
pub const MAX_PROVIDER_BYTES: usize = 64;
/// Longest `modelConfig.model`, in bytes.
pub const MAX_MODEL_BYTES: usize = 256;
/// Most tool calls in one message.
pub const MAX_TOOL_CALLS_PER_MESSAGE: usize = 128;
/// Largest `arguments` of one tool call, in bytes (256 KiB).
pub const MAX_TOOL_ARGUMENTS_BYTES: usize = 256 * 1024;
/// Most tool definitions in `promptMeta.tools`.
pub const MAX_TOOL_DEFINITIONS: usize = 128;
/// Largest tool `description`, in bytes (16 KiB).
pub const MAX_TOOL_DESCRIPTION_BYTES: usize = 16 * 1024;
/// Largest tool `parameters` schema, in bytes of compact JSON (64 KiB).
pub const MAX_TOOL_PARAMETERS_BYTES: usize = 64 * 1024;
/// Most template variables in `promptMeta.variables`.
pub const MAX_VARIABLES: usize = 100;
/// Largest value of one template variable, in bytes (64 KiB).
pub const MAX_VARIABLE_VALUE_BYTES: usize = 64 * 1024;
/// Largest token count of one message (and largest `maxTokens`): far above
/// any context window, low enough that sums cannot overflow.
pub const MAX_TOKENS: i64 = 50_000_000;
/// Largest cost of one message, in USD.
pub const MAX_MESSAGE_COST_USD: f64 = 100_000.0;
/// Longest `inferenceTimeMs` / `timeToFirstTokenMs` (24 hours).
pub const MAX_DURATION_MS: i64 = 24 * 60 * 60 * 1000;
/// Highest `modelConfig.temperature` (the lowest is 0).
pub const MAX_TEMPERATURE: f64 = 2.0;
/// Highest `modelConfig.topP` (the lowest is 0).
pub const MAX_TOP_P: f64 = 1.0;
/// Earliest accepted message timestamp: 2000-01-01T00:00:00Z, in Unix seconds.
pub const EARLIEST_TIMESTAMP_SECS: i64 = 946_684_800;
/// How far in the future of `now` a message timestamp may be (clock skew), in seconds (1 day).
pub const MAX_FUTURE_SKEW_SECS: i64 = 24 * 60 * 60;
/// Largest `error` text of one message, in bytes (16 KiB).
pub const MAX_ERROR_BYTES: usize = 16 * 1024;
/// Most settings in a message's `params` besides `temperature`, `topP` and
/// `maxTokens`.
pub const MAX_PARAMS_OTHER: usize = 32;
/// Largest value of one such setting, in bytes of compact JSON (a scalar or
/// a small list such as `stop`).
pub const MAX_PARAM_VALUE_BYTES: usize = 1024;
/// Most keys in `promptMeta` besides `systemPrompt`, `tools` and `variables`.
pub const MAX_PROMPT_META_EXTRA_KEYS: usize = 64;
/// Largest value of one such key, in bytes of compact JSON (64 KiB).
pub const MAX_PROMPT_META_EXTRA_VALUE_BYTES: usize = 64 * 1024;
/// Largest size of all such values together, in bytes of compact JSON (256 KiB).
pub const MAX_PROMPT_META_EXTRA_BYTES: usize = 256 * 1024;
/// Relative tolerance between `totalCost` and the sum of message costs
/// before a [`crate::TotalsWarning`] is given.
pub const TOTAL_COST_RELATIVE_TOLERANCE: f64 = 1e-9;
