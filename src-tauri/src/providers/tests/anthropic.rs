//! Anthropic Messages, SSE, as api.anthropic.com sends it.

use std::time::Duration;

use chat_core::{GenerationParams, Role, Usage};

use super::server::{End, Reply, Step, event};
use super::{API_KEY, assert_cost, expected_cost, harness, tool_call};
use crate::providers::{ChatMessage, ChatRequest, StreamEvent};
use crate::settings::ProviderKind;
use crate::store::{MessageStatus, StoredMessage};

const MODEL: &str = "claude-test";

fn message_start(input: i64, cache_read: i64, cache_creation: i64) -> String {
    event(
        "message_start",
        &format!(
            r#"{{"type":"message_start","message":{{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":{input},"cache_creation_input_tokens":{cache_creation},"cache_read_input_tokens":{cache_read},"output_tokens":1,"service_tier":"standard"}}}}}}"#
        ),
    )
}

fn block_start(index: usize, block: &str) -> String {
    event(
        "content_block_start",
        &format!(r#"{{"type":"content_block_start","index":{index},"content_block":{block}}}"#),
    )
}

/// The start of a text block.
fn text_start(index: usize) -> String {
    block_start(index, r#"{"type":"text","text":""}"#)
}

fn delta(index: usize, delta: &str) -> String {
    event(
        "content_block_delta",
        &format!(r#"{{"type":"content_block_delta","index":{index},"delta":{delta}}}"#),
    )
}

fn text(index: usize, text: &str) -> String {
    delta(
        index,
        &format!(r#"{{"type":"text_delta","text":"{text}"}}"#),
    )
}

/// A whole text block: its start, `text` in one delta, its stop.
fn text_block(index: usize, text: &str) -> String {
    [
        text_start(index),
        self::text(index, text),
        block_stop(index),
    ]
    .concat()
}

fn block_stop(index: usize) -> String {
    event(
        "content_block_stop",
        &format!(r#"{{"type":"content_block_stop","index":{index}}}"#),
    )
}

fn message_delta(stop_reason: &str, usage: &str) -> String {
    event(
        "message_delta",
        &format!(
            r#"{{"type":"message_delta","delta":{{"stop_reason":"{stop_reason}","stop_sequence":null}},"usage":{usage}}}"#
        ),
    )
}

fn ping() -> String {
    event("ping", r#"{"type": "ping"}"#)
}

fn message_stop() -> String {
    event("message_stop", r#"{"type":"message_stop"}"#)
}

async fn anthropic(replies: Vec<Reply>) -> super::Harness {
    harness(ProviderKind::Anthropic, "", MODEL, replies).await
}

/// The message and the events of one turn on `prompt`, answered with
/// `events` as one SSE reply.
async fn answer(prompt: &str, events: &[&str]) -> (StoredMessage, Vec<StreamEvent>) {
    anthropic(vec![Reply::sse(events)]).await.turn(prompt).await
}

#[tokio::test]
async fn plain_text_with_cache_reads_and_cumulative_usage() {
    let h = anthropic(vec![Reply::sse(&[
        &message_start(25, 2000, 100),
        &text_start(0),
        &ping(),
        &text(0, "Hello"),
        &text(0, "!"),
        &block_stop(0),
        // Cumulative: the second report replaces the first, it is not added.
        &message_delta("max_tokens", r#"{"output_tokens":20}"#),
        &message_delta("end_turn", r#"{"output_tokens":50}"#),
        &message_stop(),
    ])])
    .await;
    let (message, _) = h.turn("Hi").await;
    assert_eq!(message.status, MessageStatus::Complete);
    assert_eq!(message.content, "Hello!");
    assert_eq!(message.finish_reason.as_deref(), Some("end_turn"));
    // Parlor's input counts every prompt token, cache reads and writes included.
    let input = 25 + 2000 + 100;
    assert_eq!(
        message.usage,
        Some(Usage {
            input_tokens: input,
            output_tokens: 50,
            reasoning_tokens: None,
            cached_tokens: Some(2000),
        })
    );
    assert_cost(message.cost, expected_cost(input, 50, 2000));

    let request = &h.server.requests()[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(API_KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body["stream"], true);
    assert_eq!(request.body["max_tokens"], 256);
    assert_eq!(request.body["temperature"], 0.5);
    assert_eq!(
        message.generation.params,
        Some(super::sent(Some(0.5), Some(256)))
    );
    assert_eq!(request.body["system"], "You are terse.");
    assert_eq!(request.body["messages"][0]["role"], "user");
    assert_eq!(request.body["messages"][0]["content"][0]["text"], "Hi");
}

#[tokio::test]
async fn message_delta_may_update_input_usage_too() {
    let (message, _) = answer(
        "Hi",
        &[
            &message_start(10, 0, 0),
            &text_block(0, "ok"),
            &message_delta(
                "end_turn",
                r#"{"input_tokens":12,"cache_read_input_tokens":300,"output_tokens":7}"#,
            ),
            &message_stop(),
        ],
    )
    .await;
    let usage = message.usage.unwrap();
    assert_eq!(usage.input_tokens, 312);
    assert_eq!(usage.cached_tokens, Some(300));
    assert_eq!(usage.output_tokens, 7);
}

#[tokio::test]
async fn thinking_then_text() {
    let (message, events) = answer(
        "27 * 453?",
        &[
            &message_start(40, 0, 0),
            &block_start(0, r#"{"type":"thinking","thinking":""}"#),
            &delta(0, r#"{"type":"thinking_delta","thinking":"Let me work "}"#),
            &delta(0, r#"{"type":"thinking_delta","thinking":"this out."}"#),
            &delta(
                0,
                r#"{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}"#,
            ),
            &block_stop(0),
            &text_block(1, "27 * 453 = 12231"),
            &message_delta("end_turn", r#"{"output_tokens":120}"#),
            &message_stop(),
        ],
    )
    .await;
    assert_eq!(message.reasoning.as_deref(), Some("Let me work this out."));
    assert_eq!(message.content, "27 * 453 = 12231");
    assert!(
        matches!(events[1], StreamEvent::ReasoningDelta { .. }),
        "{events:?}"
    );
    assert!(message.time_to_first_token_ms.is_some());
    assert_cost(message.cost, expected_cost(40, 120, 0));
}

#[tokio::test]
async fn tool_use_input_json_deltas_are_joined() {
    let (message, events) = answer(
        "Weather in SF?",
        &[
            &message_start(300, 0, 0),
            &text_block(0, "Let me check."),
            &block_start(
                1,
                r#"{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}"#,
            ),
            &delta(1, r#"{"type":"input_json_delta","partial_json":""}"#),
            &delta(
                1,
                r#"{"type":"input_json_delta","partial_json":"{\"location\": \"San Fra"}"#,
            ),
            &delta(
                1,
                r#"{"type":"input_json_delta","partial_json":"ncisco, CA\"}"}"#,
            ),
            &block_stop(1),
            &message_delta("tool_use", r#"{"output_tokens":89}"#),
            &message_stop(),
        ],
    )
    .await;
    assert_eq!(message.content, "Let me check.");
    assert_eq!(message.finish_reason.as_deref(), Some("tool_use"));
    assert_eq!(
        message.tool_calls,
        vec![tool_call(
            "toolu_01A",
            "get_weather",
            r#"{"location": "San Francisco, CA"}"#
        )]
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::ToolCall { .. }))
    );
}

#[test]
fn tool_results_travel_as_tool_result_blocks_of_a_user_turn() {
    let call = tool_call("toolu_01A", "get_weather", r#"{"location":"SF"}"#);
    let request = ChatRequest {
        model: MODEL.into(),
        messages: vec![
            ChatMessage::new(Role::User, "Weather?"),
            ChatMessage {
                tool_calls: vec![call],
                ..ChatMessage::new(Role::Assistant, "Checking.")
            },
            ChatMessage {
                tool_call_id: Some("toolu_01A".into()),
                ..ChatMessage::new(Role::Tool, "15°C")
            },
            ChatMessage::new(Role::User, "Thanks, and tomorrow?"),
        ],
        ..ChatRequest::default()
    };
    let body = crate::providers::anthropic::body(&request);
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        3,
        "the tool result and the next user text merge"
    );
    assert_eq!(messages[1]["content"][1]["type"], "tool_use");
    assert_eq!(messages[1]["content"][1]["input"]["location"], "SF");
    assert_eq!(messages[2]["role"], "user");
    assert_eq!(messages[2]["content"][0]["type"], "tool_result");
    assert_eq!(messages[2]["content"][0]["tool_use_id"], "toolu_01A");
    assert_eq!(messages[2]["content"][1]["text"], "Thanks, and tomorrow?");
    assert_eq!(body["max_tokens"], 4096, "required, so defaulted");
    assert_eq!(
        crate::providers::anthropic::params(&request),
        super::sent(None, Some(4096)),
        "recorded as sent"
    );

    let hot = ChatRequest {
        params: GenerationParams {
            temperature: Some(1.7),
            ..request.params.clone()
        },
        ..request
    };
    let body = crate::providers::anthropic::body(&hot);
    assert_eq!(body["temperature"], 1.0, "Anthropic's range is 0..=1");
    assert_eq!(
        crate::providers::anthropic::params(&hot),
        super::sent(Some(1.0), Some(4096))
    );
}

#[tokio::test]
async fn an_error_event_with_http_200_fails_the_turn_and_keeps_the_text() {
    let h = anthropic(vec![Reply::sse(&[
        &message_start(10, 0, 0),
        &text_start(0),
        &text(0, "Starting"),
        &event(
            "error",
            r#"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#,
        ),
    ])])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "Starting");
    let error = message.error.unwrap();
    assert!(error.contains("Overloaded"), "{error}");
    assert!(error.contains("overloaded_error"), "{error}");
    // Input usage from message_start is kept.
    assert_eq!(message.usage.unwrap().input_tokens, 10);
}

#[tokio::test]
async fn http_429_and_500_show_anthropic_messages() {
    let h = anthropic(vec![
        Reply::json(
            429,
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"req_1"}"#,
        )
        .with_header("retry-after", "17"),
        Reply::json(
            500,
            r#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#,
        ),
    ])
    .await;
    let (message, _) = h.turn("Go").await;
    let error = message.error.unwrap();
    assert!(error.contains("429"), "{error}");
    assert!(
        error.contains("exceeded your per-minute rate limit"),
        "{error}"
    );
    assert!(error.contains("retry after 17 s"), "{error}");

    let (message, _) = h.turn("Again").await;
    let error = message.error.unwrap();
    assert!(
        error.contains("500") && error.contains("Internal server error"),
        "{error}"
    );
}

#[tokio::test]
async fn a_connection_cut_before_message_stop_is_an_error() {
    let h = anthropic(vec![
        Reply::sse(&[
            &message_start(10, 0, 0),
            &text_start(0),
            &text(0, "Cut "),
            &text(0, "here"),
        ])
        .ending(End::Cut),
    ])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "Cut here");
    assert!(message.error.is_some());
}

#[tokio::test]
async fn a_malformed_event_fails_the_turn() {
    let h = anthropic(vec![Reply::sse(&[
        &message_start(10, 0, 0),
        &event(
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":"#,
        ),
    ])])
    .await;
    let message = h.failed_turn("Go").await;
    assert!(message.error.unwrap().contains("malformed event"));
}

#[tokio::test]
async fn a_slow_first_token_is_measured() {
    let h = anthropic(vec![Reply::stream(
        "text/event-stream",
        vec![
            Step::Send(message_start(10, 0, 0)),
            Step::Send(text_start(0)),
            Step::Pause(Duration::from_millis(450)),
            Step::Send(text(0, "Finally")),
            Step::Send(block_stop(0)),
            Step::Send(message_delta("end_turn", r#"{"output_tokens":3}"#)),
            Step::Send(message_stop()),
        ],
    )])
    .await;
    let (message, _) = h.turn("Go").await;
    assert!(message.time_to_first_token_ms.unwrap() >= 450);
    assert!(message.inference_time_ms.unwrap() >= message.time_to_first_token_ms.unwrap());
}

#[tokio::test]
async fn stop_keeps_the_text_and_the_input_usage() {
    let h = anthropic(vec![
        Reply::stream(
            "text/event-stream",
            vec![
                Step::Send(message_start(33, 0, 0)),
                Step::Send(text_start(0)),
                Step::Send(text(0, "A long essay")),
            ],
        )
        .ending(End::Hang),
    ])
    .await;
    let message = h.turn_stopped_at_first_content("Write").await;
    assert_eq!(message.content, "A long essay");
    assert_eq!(message.usage.unwrap().input_tokens, 33);
}
