//! Ollama `/api/chat`, NDJSON, as Ollama sends it.

use std::time::Duration;

use chat_core::{Role, Usage};

use super::server::{End, Reply, Step};
use super::{assert_cost, expected_cost, harness, tool_call};
use crate::providers::{ChatMessage, ChatRequest};
use crate::settings::ProviderKind;
use crate::store::MessageStatus;

const MODEL: &str = "llama-test";
const NDJSON: &str = "application/x-ndjson";

fn line(message: &str) -> String {
    format!(
        r#"{{"model":"llama-test","created_at":"2026-11-25T08:52:19.385406455Z","message":{message},"done":false}}"#
    ) + "\n"
}

fn content(text: &str) -> String {
    line(&format!(r#"{{"role":"assistant","content":"{text}"}}"#))
}

fn done(prompt: i64, eval: i64) -> String {
    format!(
        r#"{{"model":"llama-test","created_at":"2026-11-25T08:52:20.1Z","message":{{"role":"assistant","content":""}},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":{prompt},"prompt_eval_duration":342546000,"eval_count":{eval},"eval_duration":4535599000}}"#
    ) + "\n"
}

async fn ollama(replies: Vec<Reply>) -> super::Harness {
    harness(ProviderKind::Ollama, "", MODEL, replies).await
}

fn ndjson(lines: &[&str]) -> Reply {
    Reply::stream(
        NDJSON,
        lines.iter().map(|l| Step::Send((*l).to_owned())).collect(),
    )
}

#[tokio::test]
async fn plain_text_with_counts() {
    let h = ollama(vec![ndjson(&[
        &content("The"),
        &content(" sky is"),
        &content(" blue."),
        &done(26, 282),
    ])])
    .await;
    let (message, _) = h.turn("Why is the sky blue?").await;
    assert_eq!(message.status, MessageStatus::Complete);
    assert_eq!(message.content, "The sky is blue.");
    assert_eq!(message.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        message.usage,
        Some(Usage {
            input_tokens: 26,
            output_tokens: 282,
            reasoning_tokens: None,
            cached_tokens: None,
        })
    );
    assert_cost(message.cost, expected_cost(26, 282, 0));
    assert!(message.time_to_first_token_ms.is_some());

    let request = &h.server.requests()[0];
    assert_eq!(request.path, "/api/chat");
    assert_eq!(request.body["stream"], true);
    assert_eq!(request.body["model"], MODEL);
    assert_eq!(request.body["options"]["temperature"], 0.5);
    assert_eq!(request.body["options"]["num_predict"], 256);
    assert_eq!(
        message.generation.params,
        Some(super::sent(Some(0.5), Some(256)))
    );
    assert_eq!(request.body["messages"][0]["role"], "system");
    assert_eq!(
        request.body["messages"][1]["content"],
        "Why is the sky blue?"
    );
}

#[tokio::test]
async fn lines_split_across_chunks_and_a_last_line_without_newline() {
    let whole = content("Hello") + &content(" there");
    let (a, b) = whole.split_at(40);
    let last = done(3, 2);
    let h = ollama(vec![Reply::stream(
        NDJSON,
        vec![
            Step::Send(a.to_owned()),
            Step::Send(b.to_owned()),
            Step::Send(last.trim_end().to_owned()),
        ],
    )])
    .await;
    let (message, _) = h.turn("Hi").await;
    assert_eq!(message.content, "Hello there");
    assert_eq!(message.usage.unwrap().output_tokens, 2);
    assert_eq!(message.status, MessageStatus::Complete);
}

#[tokio::test]
async fn thinking_is_reasoning() {
    let h = ollama(vec![ndjson(&[
        &line(r#"{"role":"assistant","content":"","thinking":"Hmm, "}"#),
        &line(r#"{"role":"assistant","content":"","thinking":"blue light scatters."}"#),
        &content("Rayleigh scattering."),
        &done(10, 30),
    ])])
    .await;
    let (message, _) = h.turn("Why?").await;
    assert_eq!(
        message.reasoning.as_deref(),
        Some("Hmm, blue light scatters.")
    );
    assert_eq!(message.content, "Rayleigh scattering.");
}

#[tokio::test]
async fn whole_tool_calls_with_object_arguments() {
    let h = ollama(vec![ndjson(&[
        &line(
            r#"{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Toronto"}}},{"id":"call_x1","function":{"index":1,"name":"get_time","arguments":{}}}]}"#,
        ),
        &done(100, 20),
    ])])
    .await;
    let (message, _) = h.turn("Weather and time in Toronto?").await;
    assert_eq!(message.tool_calls.len(), 2);
    let first = &message.tool_calls[0];
    assert_eq!(first.name, "get_weather");
    assert_eq!(first.arguments, r#"{"city":"Toronto"}"#);
    assert!(
        first.id.starts_with("call_"),
        "an id is made up: {}",
        first.id
    );
    assert_eq!(
        message.tool_calls[1],
        tool_call("call_x1", "get_time", "{}")
    );
}

#[test]
fn tool_results_name_their_tool() {
    let request = ChatRequest {
        model: MODEL.into(),
        messages: vec![
            ChatMessage::new(Role::User, "Weather?"),
            ChatMessage {
                tool_calls: vec![tool_call("call_1", "get_weather", r#"{"city":"Toronto"}"#)],
                ..ChatMessage::new(Role::Assistant, "")
            },
            ChatMessage {
                tool_call_id: Some("call_1".into()),
                ..ChatMessage::new(Role::Tool, "11 degrees celsius")
            },
        ],
        ..ChatRequest::default()
    };
    let body = crate::providers::ollama::body(&request);
    assert_eq!(
        body["messages"][1]["tool_calls"][0]["function"]["arguments"]["city"],
        "Toronto"
    );
    assert_eq!(body["messages"][2]["role"], "tool");
    assert_eq!(body["messages"][2]["tool_name"], "get_weather");
    assert!(body.get("options").is_none());
}

#[tokio::test]
async fn an_error_line_mid_stream() {
    let h = ollama(vec![ndjson(&[
        &content("Partial"),
        "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n",
    ])])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "Partial");
    assert!(message.error.unwrap().contains("unexpected EOF"));
}

#[tokio::test]
async fn http_404_and_500_show_ollama_messages() {
    let h = ollama(vec![
        Reply::json(
            404,
            r#"{"error":"model \"llama-test\" not found, try pulling it first"}"#,
        ),
        Reply::json(
            500,
            r#"{"error":"llama runner process has terminated: signal: killed"}"#,
        ),
        Reply::json(
            429,
            r#"{"error":"server busy, please try again.  maximum pending requests exceeded"}"#,
        )
        .with_header("retry-after", "5"),
    ])
    .await;
    let (message, _) = h.turn("Go").await;
    let error = message.error.unwrap();
    assert!(
        error.contains("404") && error.contains("try pulling it first"),
        "{error}"
    );
    let (message, _) = h.turn("Go").await;
    let error = message.error.unwrap();
    assert!(
        error.contains("500") && error.contains("signal: killed"),
        "{error}"
    );
    let (message, _) = h.turn("Go").await;
    let error = message.error.unwrap();
    assert!(
        error.contains("429") && error.contains("server busy") && error.contains("retry after 5 s"),
        "{error}"
    );
}

#[tokio::test]
async fn a_cut_connection_and_a_malformed_line() {
    let h = ollama(vec![
        ndjson(&[&content("Half")]).ending(End::Cut),
        ndjson(&[&content("Fine"), "{not json}\n"]),
    ])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "Half");
    assert!(message.error.is_some());

    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "Fine");
    assert!(message.error.unwrap().contains("malformed line"));
}

#[tokio::test]
async fn a_slow_first_token_is_measured() {
    let h = ollama(vec![Reply::stream(
        NDJSON,
        vec![
            Step::Pause(Duration::from_millis(400)),
            Step::Send(content("Loaded")),
            Step::Send(done(5, 1)),
        ],
    )])
    .await;
    let (message, _) = h.turn("Go").await;
    assert!(message.time_to_first_token_ms.unwrap() >= 400);
}

#[tokio::test]
async fn stop_keeps_what_arrived() {
    let h = ollama(vec![ndjson(&[&content("Some")]).ending(End::Hang)]).await;
    let message = h.turn_stopped_at_first_content("Go").await;
    assert_eq!(message.content, "Some");
    assert_eq!(message.usage, None);
    assert_eq!(message.cost, None);
}
