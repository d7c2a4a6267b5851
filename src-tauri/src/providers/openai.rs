//! OpenAI-compatible Chat Completions (OpenAI, OpenRouter, Groq, LM Studio,
//! llama.cpp server, vLLM …): `POST {base}/chat/completions` with
//! `stream: true` and `stream_options.include_usage`, answered as SSE
//! `data: {chunk}` lines ending with `data: [DONE]`.

use chat_core::{GenerationParams, Role, Usage};
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

use super::http::{body_error, provider_error_text, send, shorten};
use super::{Accumulator, ChatRequest, Endpoint, TurnError};

pub async fn stream(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    acc: &mut Accumulator<'_>,
) -> Result<(), TurnError> {
    let url = format!(
        "{}/chat/completions",
        endpoint.base_url.trim_end_matches('/')
    );
    let mut builder = client
        .post(url)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .json(&body(endpoint, request));
    if let Some(key) = &endpoint.api_key {
        builder = builder.bearer_auth(key);
    }
    let response = send(builder, &endpoint.name).await?;
    let mut events = response.bytes_stream().eventsource();
    while let Some(event) = events.next().await {
        let event = match event {
            Ok(event) => event,
            Err(EventStreamError::Transport(e)) => return Err(body_error(&endpoint.name, &e)),
            Err(e) => {
                return Err(TurnError(format!(
                    "{} sent an unreadable event stream: {e}",
                    endpoint.name
                )));
            }
        };
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(());
        }
        if data.is_empty() {
            continue;
        }
        if event.event == "error" {
            return Err(mid_stream_error(&endpoint.name, data));
        }
        let chunk: Chunk = serde_json::from_str(data).map_err(|e| {
            TurnError(format!(
                "{} sent a malformed chunk ({e}): {}",
                endpoint.name,
                shorten(data, 200)
            ))
        })?;
        if let Some(error) = chunk.error {
            return Err(mid_stream_error(&endpoint.name, &error.to_string()));
        }
        apply(chunk, acc);
    }
    // Some servers close without `[DONE]` once they have said why they stopped.
    if acc.has_finish_reason() {
        Ok(())
    } else {
        Err(TurnError(format!(
            "The connection to {} closed before the answer was complete.",
            endpoint.name
        )))
    }
}

fn mid_stream_error(provider: &str, data: &str) -> TurnError {
    let wrapped = format!("{{\"error\":{data}}}");
    let detail = provider_error_text(&wrapped)
        .filter(|d| !d.starts_with("{\"error\""))
        .or_else(|| provider_error_text(data))
        .unwrap_or_else(|| "unknown error".into());
    TurnError(format!("{provider} reported an error mid-answer: {detail}"))
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

/// The sampling parameters the body sends: the session's, as they are.
pub fn params(request: &ChatRequest) -> GenerationParams {
    GenerationParams {
        temperature: request.temperature,
        top_p: request.top_p,
        max_tokens: request.max_tokens,
        other: Default::default(),
    }
}

/// The request body.
pub fn body(endpoint: &Endpoint, request: &ChatRequest) -> Value {
    let mut messages = Vec::new();
    if let Some(system) = request
        .system_prompt
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        messages.push(json!({ "role": "system", "content": system }));
    }
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
            role => json!({ "role": role.as_str(), "content": message.content }),
        });
    }
    let mut body = json!({
        "model": request.model,
        "messages": messages,
        "stream": true,
        "stream_options": { "include_usage": true },
    });
    let sampling = params(request);
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
        body["tools"] = request
            .tools
            .iter()
            .map(|tool| {
                json!({
                    "type": "function",
                    "function": {
                        "name": tool.name,
                        "description": tool.description,
                        "parameters": if tool.parameters.is_null() {
                            json!({ "type": "object", "properties": {} })
                        } else {
                            tool.parameters.clone()
                        },
                    },
                })
            })
            .collect();
    }
    body
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
