//! Streaming chat providers behind one interface: [`stream_turn`] sends a
//! request, reports every delta as a [`StreamEvent`] while it arrives, and
//! always ends with a [`TurnResult`] — complete, stopped by the user, or
//! failed with a clear message — that keeps whatever arrived. It never
//! panics and never retries a POST.
//!
//! - [`openai`]: OpenAI-compatible Chat Completions, SSE.
//! - [`anthropic`]: Anthropic Messages, SSE.
//! - [`ollama`]: Ollama's `/api/chat`, NDJSON.
//!
//! Beside the turns: [`models`] reads the models a provider lists, and
//! [`discovery`] finds model servers on this computer's usual ports.

mod accumulator;
pub mod anthropic;
pub mod discovery;
pub mod http;
pub mod models;
pub mod ollama;
pub mod openai;
#[cfg(test)]
pub(crate) mod tests;

use std::time::Duration;

use chat_core::{GenerationParams, Role, ToolCall, ToolDefinition, Usage};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

pub use accumulator::Accumulator;
use contract::{ProviderKind, Secret};
pub use http::http_client;

/// Where to send a request, and the key to send with it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub kind: ProviderKind,
    /// Shown in error messages (`OpenAI`, `Ollama`, …).
    pub name: String,
    pub base_url: String,
    pub api_key: Option<Secret>,
}

impl Endpoint {
    /// `path` under the endpoint's base URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    /// `request` with the endpoint's key and protocol headers: Anthropic's
    /// version and `x-api-key`; a bearer key elsewhere (Ollama itself has no
    /// keys, but proxies in front of it may).
    pub fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let request = match self.kind {
            ProviderKind::Anthropic => request.header("anthropic-version", anthropic::API_VERSION),
            ProviderKind::OpenAi | ProviderKind::Ollama => request,
        };
        match (&self.api_key, self.kind) {
            (None, _) => request,
            (Some(key), ProviderKind::Anthropic) => request.header("x-api-key", key.as_str()),
            (Some(key), ProviderKind::OpenAi | ProviderKind::Ollama) => {
                request.bearer_auth(key.as_str())
            }
        }
    }
}

/// One message of the conversation sent to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
    /// The calls an assistant message made.
    pub tool_calls: Vec<ToolCall>,
    /// The call a tool message answers.
    pub tool_call_id: Option<String>,
    /// Images and PDFs attached to a user message, sent whole in the wire
    /// format's own way (text files are part of `content`).
    pub files: Vec<ChatFile>,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
            files: Vec::new(),
        }
    }
}

/// A file sent to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatFile {
    pub name: String,
    /// `image/png`, …, `application/pdf`.
    pub media_type: String,
    /// The bytes, standard base64.
    pub data: String,
}

impl ChatFile {
    pub fn is_pdf(&self) -> bool {
        chat_core::attachment::Kind::of(&self.media_type) == chat_core::attachment::Kind::Pdf
    }

    /// The file as a `data:` URL.
    pub fn data_url(&self) -> String {
        format!("data:{};base64,{}", self.media_type, self.data)
    }
}

/// Why a provider of `kind` (named `provider`) cannot take one of `files`,
/// said before anything is sent: only Anthropic's API reads PDFs.
pub fn refused_file<'a>(
    kind: ProviderKind,
    provider: &str,
    mut files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    if kind == ProviderKind::Anthropic {
        return None;
    }
    let (name, _) = files.find(|(_, media_type)| {
        chat_core::attachment::Kind::of(media_type) == chat_core::attachment::Kind::Pdf
    })?;
    Some(format!(
        "{provider} does not read PDF files (“{name}”): of the providers Parlor speaks to, \
         only Anthropic takes them. Remove the PDF, or answer with an Anthropic model."
    ))
}

/// What to ask the model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    pub model: String,
    pub system_prompt: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub tools: Vec<ToolDefinition>,
    /// The sampling parameters as the setup sets them (each wire format
    /// sends them in its own way).
    pub params: GenerationParams,
}

impl ChatRequest {
    /// The system prompt as a leading `system` message, unless it is blank.
    pub fn system_message(&self) -> Option<serde_json::Value> {
        self.system_prompt
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|system| serde_json::json!({ "role": "system", "content": system }))
    }
}

pub use contract::StreamEvent;

/// How a turn ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TurnOutcome {
    Complete,
    /// Stopped by the user; what arrived is kept.
    Stopped,
    /// Failed with a message for the user; what arrived is kept.
    Failed {
        message: String,
    },
}

/// Everything a turn produced, however it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnResult {
    pub content: String,
    pub reasoning: Option<String>,
    pub tool_calls: Vec<ToolCall>,
    pub usage: Option<Usage>,
    pub finish_reason: Option<String>,
    /// From sending the request to the first content, reasoning or tool-call delta.
    pub time_to_first_token_ms: Option<i64>,
    /// From sending the request to the end of the stream.
    pub inference_time_ms: i64,
    pub outcome: TurnOutcome,
}

/// A turn failed at the provider; the text is for the user (it never holds
/// a key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError(pub String);

impl<T: Into<String>> From<T> for ProviderError {
    fn from(message: T) -> Self {
        ProviderError(message.into())
    }
}

/// The sampling parameters a request to an endpoint of `kind` sends, as it
/// sends them (each wire format's body is written from these).
pub fn sent_params(kind: ProviderKind, request: &ChatRequest) -> GenerationParams {
    match kind {
        ProviderKind::OpenAi | ProviderKind::Ollama => request.params.clone(),
        ProviderKind::Anthropic => anthropic::params(request),
    }
}

/// Sends `request` to `endpoint` and streams the answer, reporting each event
/// to `on_event`. Cancelling `cancel` stops it, keeping what arrived.
pub async fn stream_turn(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    cancel: &CancellationToken,
    on_event: &mut (dyn FnMut(&StreamEvent) + Send),
) -> TurnResult {
    let mut acc = Accumulator::new(on_event);
    let ended = {
        let drive = exchange(client, endpoint, request, &mut acc);
        tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            result = drive => Some(result),
        }
    };
    let outcome = match ended {
        None => TurnOutcome::Stopped,
        Some(Ok(())) => TurnOutcome::Complete,
        Some(Err(ProviderError(message))) => TurnOutcome::Failed {
            // Belt and braces: a provider may echo the key in its error.
            message: match &endpoint.api_key {
                Some(key) if key.len() >= 6 => message.replace(key.as_str(), "[REDACTED]"),
                _ => message,
            },
        },
    };
    acc.finish(outcome)
}

/// Sends the request in the endpoint's wire format (once: never retried)
/// and reads the answer into `acc`.
async fn exchange(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    acc: &mut Accumulator<'_>,
) -> Result<(), ProviderError> {
    let files = request.messages.iter().flat_map(|m| &m.files);
    let files = files.map(|f| (f.name.as_str(), f.media_type.as_str()));
    if let Some(refusal) = refused_file(endpoint.kind, &endpoint.name, files) {
        return Err(ProviderError(refusal));
    }
    // Where each format streams from, what it streams, and its body.
    let (path, accept, body) = match endpoint.kind {
        ProviderKind::OpenAi => (
            "/chat/completions",
            Some("text/event-stream"),
            openai::body(endpoint, request),
        ),
        ProviderKind::Anthropic => (
            "/v1/messages",
            Some("text/event-stream"),
            anthropic::body(request),
        ),
        ProviderKind::Ollama => ("/api/chat", None, ollama::body(request)),
    };
    let mut sending = endpoint.authorize(client.post(endpoint.url(path)).json(&body));
    if let Some(accept) = accept {
        sending = sending.header(reqwest::header::ACCEPT, accept);
    }
    let response = http::send(sending, &endpoint.name).await?;
    let provider = endpoint.name.as_str();
    match endpoint.kind {
        ProviderKind::OpenAi => openai::read(response, provider, acc).await,
        ProviderKind::Anthropic => anthropic::read(response, provider, acc).await,
        ProviderKind::Ollama => ollama::read(response, provider, acc).await,
    }
}

/// How long to wait for a connection to a provider.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a stream may stay silent before it is considered dead.
pub const READ_TIMEOUT: Duration = Duration::from_secs(180);
