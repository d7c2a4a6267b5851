//! Ollama's native chat: `POST {base}/api/chat`, answered as NDJSON — one
//! JSON object per line, the last with `done: true` and the counts
//! (`prompt_eval_count`, `eval_count`, durations in ns); a failure is an
//! `{"error": "…"}` line. Tool calls arrive whole, with object arguments.

use std::collections::HashMap;

use chat_core::{Role, Usage};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

use reqwest::Response;

use super::http::{body_error, closed_early, mid_answer_error, ndjson_lines, parse_json};
use super::{Accumulator, ChatRequest, ProviderError};

/// Reads the answer's lines into `acc` until the one that is `done`.
pub async fn read(
    response: Response,
    provider: &str,
    acc: &mut Accumulator<'_>,
) -> Result<(), ProviderError> {
    let lines = ndjson_lines(response);
    futures_util::pin_mut!(lines);
    while let Some(line) = lines.next().await {
        let line = line.map_err(|e| body_error(provider, &e))?;
        let chunk: Chunk = parse_json(provider, "line", &line)?;
        if let Some(error) = chunk.error {
            return Err(mid_answer_error(provider, &error));
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
    Err(closed_early(provider))
}

/// The request body. Tool results name their tool (`tool_name`), found from
/// the call they answer.
pub fn body(request: &ChatRequest) -> Value {
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut messages: Vec<Value> = request.system_message().into_iter().collect();
    for message in &request.messages {
        let mut value = json!({ "role": message.role.as_str(), "content": message.content });
        if !message.files.is_empty() {
            value["images"] = message.files.iter().map(|file| json!(file.data)).collect();
        }
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
    let sampling = &request.params;
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
        body["tools"] = super::openai::function_tools(&request.tools, Value::clone);
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
