//! Ollama's native chat: `POST {base}/api/chat`, answered as NDJSON — one
//! JSON object per line, the last with `done: true` and the counts
//! (`prompt_eval_count`, `eval_count`, durations in ns); a failure is an
//! `{"error": "…"}` line. Tool calls arrive whole, with object arguments.

use std::collections::HashMap;

use chat_core::{GenerationParams, Role, Usage};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

use super::http::{body_error, ndjson_lines, send, shorten};
use super::{Accumulator, ChatRequest, Endpoint, TurnError};

pub async fn stream(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    acc: &mut Accumulator<'_>,
) -> Result<(), TurnError> {
    let url = format!("{}/api/chat", endpoint.base_url.trim_end_matches('/'));
    let mut builder = client.post(url).json(&body(request));
    // Ollama itself has no keys, but proxies in front of it may.
    if let Some(key) = &endpoint.api_key {
        builder = builder.bearer_auth(key);
    }
    let response = send(builder, &endpoint.name).await?;
    let lines = ndjson_lines(response);
    futures_util::pin_mut!(lines);
    while let Some(line) = lines.next().await {
        let line = line.map_err(|e| body_error(&endpoint.name, &e))?;
        let chunk: Chunk = serde_json::from_str(&line).map_err(|e| {
            TurnError(format!(
                "{} sent a malformed line ({e}): {}",
                endpoint.name,
                shorten(&line, 200)
            ))
        })?;
        if let Some(error) = chunk.error {
            return Err(TurnError(format!(
                "{} reported an error mid-answer: {error}",
                endpoint.name
            )));
        }
        if let Some(message) = chunk.message {
            if let Some(thinking) = message.thinking {
                acc.reasoning(&thinking);
            }
            acc.content(&message.content);
            for call in message.tool_calls {
                let arguments = match call.function.arguments {
                    Value::String(text) => text,
                    Value::Null => "{}".to_owned(),
                    other => other.to_string(),
                };
                acc.tool_call(call.id.as_deref(), &call.function.name, &arguments);
            }
        }
        if chunk.done {
            acc.usage(Usage {
                input_tokens: chunk.prompt_eval_count.unwrap_or(0),
                output_tokens: chunk.eval_count.unwrap_or(0),
                reasoning_tokens: None,
                cached_tokens: None,
            });
            acc.finish_reason(chunk.done_reason.as_deref().unwrap_or("stop"));
            return Ok(());
        }
    }
    Err(TurnError(format!(
        "The connection to {} closed before the answer was complete.",
        endpoint.name
    )))
}

/// The sampling parameters the body sends (`max_tokens` as `num_predict`).
pub fn params(request: &ChatRequest) -> GenerationParams {
    GenerationParams {
        temperature: request.temperature,
        top_p: request.top_p,
        max_tokens: request.max_tokens,
        other: Default::default(),
    }
}

/// The request body. Tool results name their tool (`tool_name`), found from
/// the call they answer.
pub fn body(request: &ChatRequest) -> Value {
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut messages = Vec::new();
    if let Some(system) = request
        .system_prompt
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        messages.push(json!({ "role": "system", "content": system }));
    }
    for message in &request.messages {
        let mut value = json!({ "role": message.role.as_str(), "content": message.content });
        if message.role == Role::Assistant && !message.tool_calls.is_empty() {
            value["tool_calls"] = message
                .tool_calls
                .iter()
                .map(|call| {
                    names.insert(&call.id, &call.name);
                    let arguments = serde_json::from_str::<Value>(&call.arguments)
                        .unwrap_or_else(|_| json!({}));
                    json!({ "function": { "name": call.name, "arguments": arguments } })
                })
                .collect();
        }
        if message.role == Role::Tool
            && let Some(name) = message.tool_call_id.as_deref().and_then(|id| names.get(id))
        {
            value["tool_name"] = json!(name);
        }
        messages.push(value);
    }
    let sampling = params(request);
    let mut options = serde_json::Map::new();
    if let Some(temperature) = sampling.temperature {
        options.insert("temperature".into(), json!(temperature));
    }
    if let Some(top_p) = sampling.top_p {
        options.insert("top_p".into(), json!(top_p));
    }
    if let Some(max_tokens) = sampling.max_tokens {
        options.insert("num_predict".into(), json!(max_tokens));
    }
    let mut body = json!({ "model": request.model, "messages": messages, "stream": true });
    if !options.is_empty() {
        body["options"] = Value::Object(options);
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
                        "parameters": tool.parameters,
                    },
                })
            })
            .collect();
    }
    body
}

#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    done_reason: Option<String>,
    #[serde(default)]
    prompt_eval_count: Option<i64>,
    #[serde(default)]
    eval_count: Option<i64>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(default)]
    content: String,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCall>,
}

#[derive(Debug, Deserialize)]
struct ToolCall {
    #[serde(default)]
    id: Option<String>,
    function: Function,
}

#[derive(Debug, Deserialize)]
struct Function {
    name: String,
    #[serde(default)]
    arguments: Value,
}
