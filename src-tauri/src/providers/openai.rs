//! OpenAI-compatible Chat Completions (OpenAI, OpenRouter, Groq, LM Studio,
//! llama.cpp server, vLLM …): `POST {base}/chat/completions` with
//! `stream: true` and `stream_options.include_usage`, answered as SSE
//! `data: {chunk}` lines ending with `data: [DONE]`.

use chat_core::{Role, ToolDefinition, Usage};
use futures_util::StreamExt;
use reqwest::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::http::{closed_early, mid_answer_error, parse_json, provider_error_text, sse_events};
use super::{Accumulator, ChatFile, ChatRequest, Endpoint, ProviderError};

/// Reads the answer's chunks into `acc` until `[DONE]`.
pub async fn read(
    response: Response,
    provider: &str,
    acc: &mut Accumulator<'_>,
) -> Result<(), ProviderError> {
    let mut events = sse_events(response, provider);
    while let Some(event) = events.next().await {
        let event = event?;
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(());
        }
        if data.is_empty() {
            continue;
        }
        if event.event == "error" {
            return Err(mid_stream_error(provider, data));
        }
        let chunk: Chunk = parse_json(provider, "chunk", data)?;
        if let Some(error) = chunk.error {
            return Err(mid_stream_error(provider, &error.to_string()));
        }
        apply(chunk, acc);
    }
    // Some servers close without `[DONE]` once they have said why they stopped.
    if acc.has_finish_reason() {
        Ok(())
    } else {
        Err(closed_early(provider))
    }
}

fn mid_stream_error(provider: &str, data: &str) -> ProviderError {
    let wrapped = format!("{{\"error\":{data}}}");
    let detail = provider_error_text(&wrapped)
        .filter(|d| !d.starts_with("{\"error\""))
        .or_else(|| provider_error_text(data))
        .unwrap_or_else(|| "unknown error".into());
    mid_answer_error(provider, &detail)
}

fn apply(chunk: Chunk, acc: &mut Accumulator<'_>) {
    // Only the first choice is shown (requests ask for one).
    if let Some(choice) = chunk.choices.into_iter().find(|c| c.index == 0) {
        if let Some(delta) = choice.delta {
            if let Some(text) = delta.reasoning_content.or(delta.reasoning) {
                acc.reasoning(&text);
            }
            if let Some(text) = delta.content {
                acc.content(&text);
            }
            for call in delta.tool_calls {
                let function = call.function.unwrap_or_default();
                acc.tool_call_delta(
                    call.index,
                    call.id.as_deref(),
                    function.name.as_deref(),
                    function.arguments.as_deref().unwrap_or(""),
                );
            }
        }
        if let Some(reason) = choice.finish_reason {
            acc.finish_reason(&reason);
        }
    }
    if let Some(usage) = chunk.usage {
        acc.usage(Usage {
            input_tokens: usage.prompt_tokens,
            output_tokens: usage.completion_tokens,
            reasoning_tokens: usage
                .completion_tokens_details
                .and_then(|d| d.reasoning_tokens),
            cached_tokens: usage.prompt_tokens_details.and_then(|d| d.cached_tokens),
        });
    }
}

/// The request body.
pub fn body(endpoint: &Endpoint, request: &ChatRequest) -> Value {
    let mut messages: Vec<Value> = request.system_message().into_iter().collect();
    for message in &request.messages {
        messages.push(match message.role {
            Role::Assistant if !message.tool_calls.is_empty() => json!({
                "role": "assistant",
                "content": (!message.content.is_empty()).then_some(&message.content),
                "tool_calls": message.tool_calls.iter().map(|call| json!({
                    "id": call.id,
                    "type": "function",
                    "function": { "name": call.name, "arguments": call.arguments },
                })).collect::<Vec<_>>(),
            }),
            Role::Tool => json!({
                "role": "tool",
                "tool_call_id": message.tool_call_id.as_deref().unwrap_or_default(),
                "content": message.content,
            }),
            role if !message.files.is_empty() => json!({
                "role": role.as_str(),
                "content": content_parts(&message.content, &message.files),
            }),
            role => json!({ "role": role.as_str(), "content": message.content }),
        });
    }
    let mut body = json!({
        "model": request.model,
        "messages": messages,
        "stream": true,
        "stream_options": { "include_usage": true },
    });
    let sampling = &request.params;
    if let Some(temperature) = sampling.temperature {
        body["temperature"] = json!(temperature);
    }
    if let Some(top_p) = sampling.top_p {
        body["top_p"] = json!(top_p);
    }
    if let Some(max_tokens) = sampling.max_tokens {
        // OpenAI's reasoning models refuse `max_tokens`; most compatible
        // servers only know `max_tokens`.
        let field = if is_openai(&endpoint.base_url) {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body[field] = json!(max_tokens);
    }
    if !request.tools.is_empty() {
        body["tools"] = function_tools(&request.tools, |parameters| {
            if parameters.is_null() {
                json!({ "type": "object", "properties": {} })
            } else {
                parameters.clone()
            }
        });
    }
    body
}

/// A message's text and images as content parts: the text (when there is
/// any), then each image as a `data:` URL.
fn content_parts(text: &str, files: &[ChatFile]) -> Value {
    let text = (!text.is_empty()).then(|| json!({ "type": "text", "text": text }));
    let images = files
        .iter()
        .map(|file| json!({ "type": "image_url", "image_url": { "url": file.data_url() } }));
    text.into_iter().chain(images).collect()
}

/// The tools as function definitions, their parameters' schema written by
/// `parameters` (Ollama takes the same shape).
pub(super) fn function_tools(tools: &[ToolDefinition], parameters: fn(&Value) -> Value) -> Value {
    tools
        .iter()
        .map(|tool| {
            json!({
                "type": "function",
                "function": {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": parameters(&tool.parameters),
                },
            })
        })
        .collect()
}

fn is_openai(base_url: &str) -> bool {
    reqwest::Url::parse(base_url)
        .ok()
        .and_then(|url| url.host_str().map(|h| h == "api.openai.com"))
        .unwrap_or(false)
}

#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<ChunkUsage>,
    /// OpenRouter and others report a failure mid-stream with HTTP 200.
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    index: usize,
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    /// OpenRouter, vLLM (newer).
    #[serde(default)]
    reasoning: Option<String>,
    /// DeepSeek, vLLM, llama.cpp server.
    #[serde(default)]
    reasoning_content: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    tool_calls: Vec<ToolCallDelta>,
}

#[derive(Debug, Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    index: usize,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Debug, Default, Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChunkUsage {
    #[serde(default)]
    prompt_tokens: i64,
    #[serde(default)]
    completion_tokens: i64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Debug, Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<i64>,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
