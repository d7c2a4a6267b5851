//! Anthropic Messages: `POST {base}/v1/messages` with `x-api-key` and
//! `anthropic-version`, answered as SSE events: `message_start`,
//! `content_block_start` / `_delta` (text, thinking, input JSON) / `_stop`,
//! `message_delta` (cumulative usage), `message_stop`, `ping`, and `error`
//! (which arrives with HTTP 200).

use chat_core::{GenerationParams, Role, Usage};
use futures_util::StreamExt;
use reqwest::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::http::{closed_early, mid_answer_error, parse_json, provider_error_text, sse_events};
use super::{Accumulator, ChatFile, ChatMessage, ChatRequest, ProviderError};

pub const API_VERSION: &str = "2023-06-01";

/// Anthropic requires `max_tokens`; this is used when the session sets none.
pub const DEFAULT_MAX_TOKENS: i64 = 4096;

/// Reads the answer's events into `acc` until `message_stop`.
pub async fn read(
    response: Response,
    provider: &str,
    acc: &mut Accumulator<'_>,
) -> Result<(), ProviderError> {
    let mut state = State::default();
    let mut events = sse_events(response, provider);
    while let Some(event) = events.next().await {
        let event = event?;
        if event.data.trim().is_empty() {
            continue;
        }
        match parse_json(provider, "event", &event.data)? {
            Event::MessageStop => return Ok(()),
            Event::Error {} => {
                let detail = provider_error_text(&event.data).unwrap_or_default();
                return Err(mid_answer_error(provider, &detail));
            }
            other => state.apply(other, acc),
        }
    }
    Err(closed_early(provider))
}

/// Usage as Anthropic counts it: `input_tokens` excludes the tokens read
/// from or written to the cache; Parlor's `inputTokens` includes them.
#[derive(Debug, Default, Clone, Copy)]
struct AnthropicUsage {
    input: i64,
    output: i64,
    cache_read: i64,
    cache_creation: i64,
}

impl AnthropicUsage {
    /// Overwrites with the fields present (`message_delta` usage is cumulative).
    fn update(&mut self, usage: &UsageFields) {
        if let Some(v) = usage.input_tokens {
            self.input = v;
        }
        if let Some(v) = usage.output_tokens {
            self.output = v;
        }
        if let Some(v) = usage.cache_read_input_tokens {
            self.cache_read = v;
        }
        if let Some(v) = usage.cache_creation_input_tokens {
            self.cache_creation = v;
        }
    }

    fn to_usage(self) -> Usage {
        Usage {
            input_tokens: self.input + self.cache_read + self.cache_creation,
            output_tokens: self.output,
            reasoning_tokens: None,
            cached_tokens: Some(self.cache_read),
        }
    }
}

#[derive(Default)]
struct State {
    usage: AnthropicUsage,
    /// Which content blocks are tool calls (by block index).
    tool_blocks: Vec<usize>,
}

impl State {
    fn apply(&mut self, event: Event, acc: &mut Accumulator<'_>) {
        match event {
            Event::MessageStart { message } => {
                if let Some(usage) = message.usage {
                    self.usage.update(&usage);
                    acc.usage(self.usage.to_usage());
                }
            }
            Event::ContentBlockStart {
                index,
                content_block,
            } => match content_block {
                Block::ToolUse { id, name, input } => {
                    self.tool_blocks.push(index);
                    // `input` is `{}` here; the arguments come as JSON deltas.
                    let initial = match input {
                        Some(Value::Object(map)) if !map.is_empty() => {
                            Value::Object(map).to_string()
                        }
                        _ => String::new(),
                    };
                    acc.tool_call_delta(index, Some(&id), Some(&name), &initial);
                }
                Block::Text { text } => acc.content(&text),
                Block::Thinking { thinking } => acc.reasoning(&thinking),
                Block::Other => {}
            },
            Event::ContentBlockDelta { index, delta } => match delta {
                Delta::Text { text } => acc.content(&text),
                Delta::Thinking { thinking } => acc.reasoning(&thinking),
                Delta::InputJson { partial_json } => {
                    acc.tool_call_delta(index, None, None, &partial_json);
                }
                Delta::Other => {}
            },
            Event::ContentBlockStop { index } => {
                if self.tool_blocks.contains(&index) {
                    acc.tool_call_done(index);
                }
            }
            Event::MessageDelta { delta, usage } => {
                if let Some(usage) = usage {
                    self.usage.update(&usage);
                    acc.usage(self.usage.to_usage());
                }
                if let Some(reason) = delta.and_then(|d| d.stop_reason) {
                    acc.finish_reason(&reason);
                }
            }
            Event::Ping | Event::MessageStop | Event::Error {} | Event::Unknown => {}
        }
    }
}

/// The sampling parameters the body sends: `max_tokens` always (the API
/// requires it), the temperature capped to Anthropic's range (0..=1).
pub fn params(request: &ChatRequest) -> GenerationParams {
    GenerationParams {
        temperature: request.params.temperature.map(|t| t.min(1.0)),
        max_tokens: Some(request.params.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS)),
        ..request.params.clone()
    }
}

/// The request body. Consecutive messages of one role are merged (the API
/// wants user and assistant turns to alternate); tool results travel as
/// `tool_result` blocks of a user turn.
pub fn body(request: &ChatRequest) -> Value {
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for message in &request.messages {
        let (role, blocks) = blocks(message);
        if blocks.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    let messages: Vec<Value> = turns
        .into_iter()
        .map(|(role, content)| json!({ "role": role, "content": content }))
        .collect();
    let sampling = params(request);
    let mut body = json!({
        "model": request.model,
        "max_tokens": sampling.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
        "stream": true,
    });
    if let Some(system) = request
        .system_prompt
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        body["system"] = json!(system);
    }
    if let Some(temperature) = sampling.temperature {
        body["temperature"] = json!(temperature);
    }
    if let Some(top_p) = sampling.top_p {
        body["top_p"] = json!(top_p);
    }
    if !request.tools.is_empty() {
        body["tools"] = request
            .tools
            .iter()
            .map(|tool| {
                let mut value = json!({
                    "name": tool.name,
                    "input_schema": if tool.parameters.is_null() {
                        json!({ "type": "object", "properties": {} })
                    } else {
                        tool.parameters.clone()
                    },
                });
                if let Some(description) = &tool.description {
                    value["description"] = json!(description);
                }
                value
            })
            .collect();
    }
    body
}

fn blocks(message: &ChatMessage) -> (&'static str, Vec<Value>) {
    let text = |text: &str| (!text.is_empty()).then(|| json!({ "type": "text", "text": text }));
    match message.role {
        // A system message inside the conversation is sent as user text;
        // files go first, as Anthropic advises.
        Role::User | Role::System => {
            let files = message.files.iter().map(file_block);
            ("user", files.chain(text(&message.content)).collect())
        }
        Role::Assistant => {
            let mut blocks: Vec<Value> = text(&message.content).into_iter().collect();
            for call in &message.tool_calls {
                let input = serde_json::from_str::<Value>(&call.arguments)
                    .ok()
                    .filter(Value::is_object)
                    .unwrap_or_else(|| json!({}));
                blocks.push(json!({
                    "type": "tool_use", "id": call.id, "name": call.name, "input": input,
                }));
            }
            ("assistant", blocks)
        }
        Role::Tool => (
            "user",
            vec![json!({
                "type": "tool_result",
                "tool_use_id": message.tool_call_id.as_deref().unwrap_or_default(),
                "content": message.content,
            })],
        ),
    }
}

/// An image block, or a document block for a PDF, carrying the file whole.
fn file_block(file: &ChatFile) -> Value {
    let kind = if file.is_pdf() { "document" } else { "image" };
    json!({
        "type": kind,
        "source": { "type": "base64", "media_type": file.media_type, "data": file.data },
    })
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    MessageStart {
        message: MessageStart,
    },
    ContentBlockStart {
        index: usize,
        content_block: Block,
    },
    ContentBlockDelta {
        index: usize,
        delta: Delta,
    },
    ContentBlockStop {
        index: usize,
    },
    MessageDelta {
        #[serde(default)]
        delta: Option<MessageDeltaBody>,
        #[serde(default)]
        usage: Option<UsageFields>,
    },
    MessageStop,
    Ping,
    Error {},
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Deserialize)]
struct MessageStart {
    #[serde(default)]
    usage: Option<UsageFields>,
}

#[derive(Debug, Deserialize)]
struct MessageDeltaBody {
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UsageFields {
    #[serde(default)]
    input_tokens: Option<i64>,
    #[serde(default)]
    output_tokens: Option<i64>,
    #[serde(default)]
    cache_read_input_tokens: Option<i64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block {
    Text {
        #[serde(default)]
        text: String,
    },
    Thinking {
        #[serde(default)]
        thinking: String,
    },
    ToolUse {
        id: String,
        name: String,
        #[serde(default)]
        input: Option<Value>,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Delta {
    #[serde(rename = "text_delta")]
    Text { text: String },
    #[serde(rename = "thinking_delta")]
    Thinking { thinking: String },
    #[serde(rename = "input_json_delta")]
    InputJson { partial_json: String },
    #[serde(other)]
    Other,
}
