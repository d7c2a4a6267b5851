//! Snapshots for tests: a valid conversation with every feature in use.

use chrono::{DateTime, TimeZone, Utc};

use crate::snapshot::*;

/// The fixed "now" the fixtures are valid at.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
}

pub(crate) fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 11, minute, 0).unwrap()
}

pub(crate) fn message(id: &str, role: Role, content: &str, minute: u32) -> Message {
    Message {
        id: id.into(),
        role,
        content: content.into(),
        timestamp: at(minute),
        reasoning: None,
        usage: None,
        cost: None,
        inference_time_ms: None,
        time_to_first_token_ms: None,
        tool_calls: vec![],
        tool_call_id: None,
        provider: None,
        model: None,
        params: None,
        finish_reason: None,
        error: None,
        reply_to: None,
    }
}

/// system, user, assistant calling a tool, the tool's answer, final assistant.
pub(crate) fn snapshot() -> ShareSnapshot {
    let mut calling = message("m2", Role::Assistant, "", 2);
    calling.usage = Some(Usage {
        input_tokens: 1200,
        output_tokens: 300,
        reasoning_tokens: Some(120),
        cached_tokens: Some(1024),
    });
    calling.cost = Some(0.0042);
    calling.inference_time_ms = Some(2400);
    calling.time_to_first_token_ms = Some(350);
    calling.reasoning = Some("The user wants the weather; call the tool.".into());
    calling.tool_calls = vec![ToolCall {
        id: "call_1".into(),
        name: "get_weather".into(),
        arguments: r#"{"city":"Paris"}"#.into(),
    }];
    let mut tool = message("m3", Role::Tool, r#"{"temp":18}"#, 3);
    tool.tool_call_id = Some("call_1".into());
    let mut answer = message("m4", Role::Assistant, "It is **18 °C** in Paris.", 4);
    answer.usage = Some(Usage {
        input_tokens: 1550,
        output_tokens: 25,
        reasoning_tokens: None,
        cached_tokens: None,
    });
    answer.cost = Some(0.0011);
    answer.inference_time_ms = Some(900);
    answer.time_to_first_token_ms = Some(200);

    let mut snapshot = ShareSnapshot {
        schema_version: Some(SCHEMA_VERSION),
        title: "Weather in Paris".into(),
        messages: vec![
            message("m0", Role::System, "You are terse.", 0),
            message("m1", Role::User, "Weather in {{city}}?", 1),
            calling,
            tool,
            answer,
        ],
        model_config: ModelConfig {
            provider: "openai".into(),
            model: "gpt-4o".into(),
            temperature: Some(0.7),
            max_tokens: Some(1024),
            top_p: Some(1.0),
        },
        prompt_meta: Some(PromptMeta {
            system_prompt: Some("You are terse.".into()),
            tools: vec![ToolDefinition {
                name: "get_weather".into(),
                description: Some("Current weather of a city".into()),
                parameters: serde_json::json!({
                    "type": "object",
                    "properties": {"city": {"type": "string"}}
                }),
            }],
            variables: [("city".to_string(), "Paris".to_string())].into(),
            extra: Default::default(),
        }),
        total_tokens: None,
        total_cost: None,
        expires_at: Some(Utc.with_ymd_and_hms(2026, 12, 20, 0, 0, 0).unwrap()),
        indexable: false,
    };
    snapshot.fill_totals();
    snapshot
}

/// The fixture with every v2 field in use: the tool-calling answer comes
/// from another model with its own settings, the final answer replies to
/// the user message and a second, failed answer to the same message from a
/// third model makes it a comparison.
pub(crate) fn snapshot_v2() -> ShareSnapshot {
    let mut s = snapshot();
    let calling = &mut s.messages[2];
    calling.provider = Some("anthropic".into());
    calling.model = Some("claude-sonnet-4".into());
    calling.params = Some(GenerationParams {
        temperature: Some(0.2),
        top_p: None,
        max_tokens: Some(2048),
        other: [("seed".to_string(), serde_json::json!(7))].into(),
    });
    calling.finish_reason = Some(FinishReason::ToolCalls);
    calling.reply_to = Some("m1".into());
    let answer = &mut s.messages[4];
    answer.finish_reason = Some(FinishReason::Stop);
    answer.reply_to = Some("m1".into());
    let mut failed = message("m5", Role::Assistant, "It is", 5);
    failed.provider = Some("ollama".into());
    failed.model = Some("llama3.2".into());
    failed.finish_reason = Some(FinishReason::Error);
    failed.error = Some("connection reset by peer".into());
    failed.reply_to = Some("m1".into());
    s.messages.push(failed);
    if let Some(meta) = s.prompt_meta.as_mut() {
        meta.extra = [
            ("promptId".to_string(), serde_json::json!("weather-v3")),
            ("version".to_string(), serde_json::json!(3)),
        ]
        .into();
    }
    s.fill_totals();
    s
}
