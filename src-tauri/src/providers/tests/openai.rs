//! OpenAI-compatible Chat Completions, SSE, as OpenAI, OpenRouter, DeepSeek
//! and llama.cpp send it.

use std::time::Duration;

use chat_core::Usage;

use super::server::{End, Reply, Step, data};
use super::{API_KEY, assert_cost, expected_cost, harness, tool_call};
use crate::providers::StreamEvent;
use crate::settings::ProviderKind;
use crate::store::MessageStatus;

const MODEL: &str = "gpt-test";

fn chunk(delta: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or("null".to_owned(), |f| format!("\"{f}\""));
    data(&format!(
        r#"{{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test","system_fingerprint":"fp_1","choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}]}}"#
    ))
}

fn usage_chunk(prompt: i64, completion: i64, cached: i64, reasoning: i64) -> String {
    data(&format!(
        r#"{{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test","choices":[],"usage":{{"prompt_tokens":{prompt},"completion_tokens":{completion},"total_tokens":{},"prompt_tokens_details":{{"cached_tokens":{cached},"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":{reasoning},"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}}}}"#,
        prompt + completion
    ))
}

const DONE: &str = "data: [DONE]\n\n";

async fn openai(replies: Vec<Reply>) -> super::Harness {
    harness(ProviderKind::OpenAi, "/v1", MODEL, replies).await
}

#[tokio::test]
async fn plain_text_with_usage_and_cached_tokens() {
    let h = openai(vec![Reply::sse(&[
        &chunk(r#"{"role":"assistant","content":"","refusal":null}"#, None),
        &chunk(r#"{"content":"Hello"}"#, None),
        &chunk(r#"{"content":", world"}"#, None),
        &chunk("{}", Some("stop")),
        &usage_chunk(1200, 30, 1024, 0),
        DONE,
    ])])
    .await;
    let (message, events) = h.turn("Say hello").await;

    assert_eq!(message.content, "Hello, world");
    assert_eq!(message.status, MessageStatus::Complete);
    assert_eq!(message.error, None);
    assert_eq!(message.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        message.usage,
        Some(Usage {
            input_tokens: 1200,
            output_tokens: 30,
            reasoning_tokens: Some(0),
            cached_tokens: Some(1024),
        })
    );
    assert_cost(message.cost, expected_cost(1200, 30, 1024));
    let ttft = message.time_to_first_token_ms.unwrap();
    assert!(message.inference_time_ms.unwrap() >= ttft);
    assert_eq!(message.generation.provider_id.as_deref(), Some("test"));
    assert_eq!(message.generation.model.as_deref(), Some(MODEL));
    // Who served it, as shares name it: the entry's own price key.
    assert_eq!(
        message.generation.provider_name.as_deref(),
        Some("testprovider")
    );
    assert_eq!(message.generation.price_provider, None);
    assert_eq!(
        message.generation.params,
        Some(super::sent(Some(0.5), Some(256)))
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, StreamEvent::ContentDelta { .. }))
            .count(),
        2
    );

    // The request, as the server saw it.
    let request = &h.server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(request.body["stream"], true);
    assert_eq!(request.body["stream_options"]["include_usage"], true);
    assert_eq!(request.body["model"], MODEL);
    assert_eq!(request.body["temperature"], 0.5);
    assert_eq!(request.body["max_tokens"], 256);
    assert_eq!(request.body["messages"][0]["role"], "system");
    assert_eq!(request.body["messages"][0]["content"], "You are terse.");
    assert_eq!(request.body["messages"][1]["role"], "user");
    assert_eq!(request.body["messages"][1]["content"], "Say hello");
    assert_eq!(request.body["messages"].as_array().unwrap().len(), 2);

    let totals = h.core.store.session_totals(&h.session.id).unwrap();
    assert_eq!(totals.sums.total_tokens, 1230);
    assert_cost(totals.sums.total_cost, expected_cost(1200, 30, 1024));

    // The key was sent, and never written to the database.
    let database = h.database_bytes();
    assert!(!database.is_empty());
    assert!(
        !database
            .windows(API_KEY.len())
            .any(|w| w == API_KEY.as_bytes())
    );
}

#[tokio::test]
async fn reasoning_deltas_in_both_spellings_and_reasoning_tokens() {
    let h = openai(vec![Reply::sse(&[
        // DeepSeek / vLLM / llama.cpp
        &chunk(
            r#"{"role":"assistant","content":null,"reasoning_content":"Let me "}"#,
            None,
        ),
        // OpenRouter
        &chunk(r#"{"content":null,"reasoning":"think."}"#, None),
        &chunk(r#"{"content":"42"}"#, None),
        &chunk("{}", Some("stop")),
        &usage_chunk(50, 400, 0, 380),
        DONE,
    ])])
    .await;
    let (message, events) = h.turn("The answer?").await;
    assert_eq!(message.reasoning.as_deref(), Some("Let me think."));
    assert_eq!(message.content, "42");
    let usage = message.usage.unwrap();
    assert_eq!(usage.reasoning_tokens, Some(380));
    assert_eq!(usage.output_tokens, 400);
    assert_cost(message.cost, expected_cost(50, 400, 0));
    assert!(matches!(events[0], StreamEvent::ReasoningDelta { .. }));
}

#[tokio::test]
async fn tool_call_fragments_are_joined_by_index() {
    let h = openai(vec![Reply::sse(&[
        &chunk(
            r#"{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":""}}]}"#,
            None,
        ),
        &chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"loc"}}]}"#, None),
        &chunk(
            r#"{"tool_calls":[{"index":1,"id":"call_def","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}]}"#,
            None,
        ),
        &chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"ation\":\"Paris\"}"}}]}"#, None),
        &chunk(r#"{"tool_calls":[{"index":1,"function":{"arguments":"\"CET\"}"}}]}"#, None),
        &chunk("{}", Some("tool_calls")),
        &usage_chunk(80, 40, 0, 0),
        DONE,
    ]), Reply::sse(&[
        &chunk(r#"{"content":"It is 18°C and sunny in Paris."}"#, Some("stop")),
        &usage_chunk(150, 12, 0, 0),
        DONE,
    ])])
    .await;
    let (message, events) = h.turn("Weather and time in Paris?").await;
    assert_eq!(message.content, "");
    assert_eq!(message.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(
        message.tool_calls,
        vec![
            tool_call("call_abc", "get_weather", r#"{"location":"Paris"}"#),
            tool_call("call_def", "get_time", r#"{"tz":"CET"}"#),
        ]
    );
    assert!(
        message.time_to_first_token_ms.is_some(),
        "a tool call is a first token"
    );
    let completed = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::ToolCall { .. }))
        .count();
    assert_eq!(completed, 2);

    // The playground way: type a result, continue the turn.
    h.core
        .store
        .append_message(
            &h.session.id,
            crate::store::NewMessage {
                tool_call_id: Some("call_abc".into()),
                ..crate::store::NewMessage::new(chat_core::Role::Tool, "18°C, sunny")
            },
        )
        .unwrap();
    let answer = h.continue_turn().await;
    assert_eq!(answer.content, "It is 18°C and sunny in Paris.");
    assert_eq!(answer.position, 3);
    let requests = h.server.requests();
    let messages = requests[1].body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2]["role"], "assistant");
    assert_eq!(messages[2]["tool_calls"][0]["id"], "call_abc");
    assert_eq!(
        messages[2]["tool_calls"][0]["function"]["arguments"],
        r#"{"location":"Paris"}"#
    );
    assert_eq!(messages[3]["role"], "tool");
    assert_eq!(messages[3]["tool_call_id"], "call_abc");
    assert_eq!(messages[3]["content"], "18°C, sunny");
}

#[tokio::test]
async fn an_error_event_mid_stream_keeps_what_arrived() {
    let h = openai(vec![Reply::sse(&[
        &chunk(r#"{"role":"assistant","content":"Partial "}"#, None),
        &chunk(r#"{"content":"answer"}"#, None),
        // OpenRouter: an error chunk with HTTP 200.
        &data(
            r#"{"id":"gen-1","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test","provider":"Upstream","error":{"code":502,"message":"Upstream provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#,
        ),
    ])])
    .await;
    let (message, events) = h.turn("Go").await;
    assert_eq!(message.status, MessageStatus::Error);
    assert_eq!(message.content, "Partial answer");
    let error = message.error.unwrap();
    assert!(error.contains("Upstream provider disconnected"), "{error}");
    assert!(matches!(events.last(), Some(StreamEvent::Error { .. })));
}

#[tokio::test]
async fn http_429_shows_the_provider_message_and_retry_after() {
    let h = openai(vec![
        Reply::json(
            429,
            r#"{"error":{"message":"Rate limit reached for gpt-test in organization org-1 on tokens per min (TPM): Limit 30000, Used 29500, Requested 900. Please try again in 2s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}"#,
        )
        .with_header("retry-after", "2"),
    ])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "");
    assert_eq!(message.usage, None);
    assert_eq!(message.cost, None);
    let error = message.error.unwrap();
    assert!(error.contains("429"), "{error}");
    assert!(error.contains("Rate limit reached for gpt-test"), "{error}");
    assert!(error.contains("retry after 2 s"), "{error}");
    assert_eq!(h.server.requests().len(), 1, "a POST is never retried");
}

#[tokio::test]
async fn http_500_and_401_show_the_provider_message_without_the_key() {
    let h = openai(vec![
        Reply::json(
            500,
            r#"{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}"#,
        ),
        Reply::json(
            401,
            &format!(
                r#"{{"error":{{"message":"Incorrect API key provided: {API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}}}"#
            ),
        ),
    ])
    .await;
    let (message, _) = h.turn("Go").await;
    let error = message.error.unwrap();
    assert!(error.contains("500"), "{error}");
    assert!(error.contains("The server had an error"), "{error}");

    let (message, _) = h.turn("Again").await;
    let error = message.error.unwrap();
    assert!(error.contains("Incorrect API key provided"), "{error}");
    assert!(error.contains("[REDACTED]"), "{error}");
    // The session is intact: both turns and their prompts are there.
    assert_eq!(h.core.store.all_messages(&h.session.id).unwrap().len(), 4);
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_a_clear_error() {
    let h = openai(vec![
        Reply::sse(&[
            &chunk(r#"{"role":"assistant","content":"The beginning"}"#, None),
            &chunk(r#"{"content":" of a long"}"#, None),
        ])
        .ending(End::Cut),
    ])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "The beginning of a long");
    let error = message.error.unwrap();
    assert!(error.contains("TestProvider"), "{error}");
    assert!(
        error.contains("broke off") || error.contains("closed before"),
        "{error}"
    );
}

#[tokio::test]
async fn a_stream_that_ends_without_done_or_finish_is_incomplete() {
    let h = openai(vec![Reply::sse(&[&chunk(r#"{"content":"Half"}"#, None)])]).await;
    let message = h.failed_turn("Go").await;
    assert!(
        message
            .error
            .unwrap()
            .contains("closed before the answer was complete")
    );
}

#[tokio::test]
async fn a_malformed_chunk_fails_the_turn_clearly() {
    let h = openai(vec![Reply::sse(&[
        &chunk(r#"{"content":"Fine so far"}"#, None),
        &data(r#"{"choices":[{"index":0,"delta":{"content":"oops""#),
    ])])
    .await;
    let message = h.failed_turn("Go").await;
    assert_eq!(message.content, "Fine so far");
    let error = message.error.unwrap();
    assert!(error.contains("malformed chunk"), "{error}");
}

#[tokio::test]
async fn a_slow_first_token_is_measured() {
    let h = openai(vec![Reply::stream(
        "text/event-stream",
        vec![
            Step::Send(": keep-alive\n\n".into()),
            Step::Pause(Duration::from_millis(400)),
            Step::Send(chunk(r#"{"role":"assistant","content":"Late"}"#, None)),
            Step::Pause(Duration::from_millis(100)),
            Step::Send(chunk(r#"{"content":" but here"}"#, None)),
            Step::Send(chunk("{}", Some("stop"))),
            Step::Send(usage_chunk(10, 20, 0, 0)),
            Step::Send(DONE.into()),
        ],
    )])
    .await;
    let (message, _) = h.turn("Go").await;
    assert_eq!(message.content, "Late but here");
    let ttft = message.time_to_first_token_ms.unwrap();
    let total = message.inference_time_ms.unwrap();
    assert!(ttft >= 400, "ttft {ttft}");
    assert!(total >= ttft + 100, "total {total}, ttft {ttft}");
    // 20 tokens over the time after the first one.
    let expected = 20.0 * 1000.0 / (total - ttft) as f64;
    assert!((message.tokens_per_second.unwrap() - expected).abs() < 1e-9);
}

#[tokio::test]
async fn stop_keeps_what_arrived_and_marks_it_stopped() {
    let h = openai(vec![
        Reply::stream(
            "text/event-stream",
            vec![Step::Send(chunk(
                r#"{"role":"assistant","content":"Once upon"}"#,
                None,
            ))],
        )
        .ending(End::Hang),
    ])
    .await;
    let started = std::time::Instant::now();
    let message = h.turn_stopped_at_first_content("Tell a story").await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(message.content, "Once upon");
    assert_eq!(message.error, None);
    assert!(h.core.running_turns().is_empty());
    let stored = h.core.store.message(&message.id).unwrap();
    assert_eq!(stored.status, MessageStatus::Stopped);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_clear_error() {
    let h = openai(vec![]).await;
    // Point the provider at a port nobody listens on.
    let port = super::models::closed_port().await;
    h.edit_settings(|s| s.providers[0].base_url = format!("http://127.0.0.1:{port}/v1"));
    let message = h.failed_turn("Hello?").await;
    let error = message.error.unwrap();
    assert!(error.starts_with("Could not reach TestProvider"), "{error}");
}

/// A provider whose `model` answers "Hi", counting `input` and `output`
/// tokens.
async fn says_hi(model: &str, input: i64, output: i64) -> super::Harness {
    let reply = Reply::sse(&[
        &chunk(r#"{"content":"Hi"}"#, Some("stop")),
        &usage_chunk(input, output, 0, 0),
        DONE,
    ]);
    harness(ProviderKind::OpenAi, "/v1", model, vec![reply]).await
}

#[tokio::test]
async fn unknown_prices_give_no_cost_not_zero() {
    let h = says_hi("some-local-model", 5, 1).await;
    h.edit_settings(|s| s.price_overrides.clear());
    let (message, _) = h.turn("Hi").await;
    assert!(message.usage.is_some());
    assert_eq!(message.cost, None);
    assert_eq!(
        h.core
            .store
            .session_totals(&h.session.id)
            .unwrap()
            .sums
            .total_cost,
        None
    );
}

#[tokio::test]
async fn the_openai_entry_pointed_at_a_local_server_is_not_charged_openais_price() {
    let h = says_hi("gpt-4o", 1000, 100).await;
    h.edit_settings(|s| {
        s.price_overrides = vec![chat_core::cost::PriceOverride::new(
            "openai", "gpt-4o", 9.0, 9.0,
        )];
        s.providers[0].name = "OpenAI".into();
        s.providers[0].price_provider = Some("openai".into());
    });
    let (message, _) = h.turn("Hi").await;
    let address = h.server.base_url.trim_start_matches("http://");
    assert_eq!(
        message.generation.provider_name,
        Some(format!("openai-compatible ({address})")),
        "named by what it is, not by the vendor of the entry"
    );
    assert_eq!(message.generation.price_provider, None);
    assert_eq!(
        message.cost, None,
        "neither OpenAI's bundled price nor a price saved for OpenAI"
    );
}
