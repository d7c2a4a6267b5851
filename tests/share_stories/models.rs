//! One session, three servers: the user asks a llama.cpp server through the
//! OpenAI entry (its base URL changed to localhost), then switches the
//! session to the Anthropic entry pointed at a local Anthropic-format server,
//! then to Ollama, changing model and parameters each time. Each server is
//! a real local server speaking its exact wire format. The share must say
//! of every answer who served it, with which model and parameters, and price
//! it only by who served it; importing it gives the same back.

use std::sync::Arc;

use chat_core::cost::PriceOverride;
use contract::StreamEvent;
use parlor::settings::SettingsExt;
use parlor::store::{MessageStatus, SessionConfig, StoredMessage};
use parlor::turns::{self, TurnSink};
use serde_json::{Value, json};

use super::script_server::{Reply, ScriptServer, Step, data, event};
use super::{App, app, get, share_now};

/// llama.cpp's OpenAI-compatible stream: content, finish, usage, `[DONE]`.
fn llama_cpp(text: &str) -> Reply {
    let chunk = |delta: &str, finish: &str| {
        data(&format!(
            r#"{{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1764000000,"model":"smollm2","choices":[{{"index":0,"delta":{delta},"finish_reason":{finish}}}]}}"#
        ))
    };
    Reply::sse(&[
        &chunk(r#"{"role":"assistant","content":null}"#, "null"),
        &chunk(&json!({ "content": text }).to_string(), "null"),
        &chunk("{}", r#""stop""#),
        &data(
            r#"{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1764000000,"model":"smollm2","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#,
        ),
        "data: [DONE]\n\n",
    ])
}

/// Anthropic Messages events, as api.anthropic.com sends them.
fn anthropic(text: &str) -> Reply {
    Reply::sse(&[
        &event(
            "message_start",
            r#"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}"#,
        ),
        &event(
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        ),
        &event(
            "content_block_delta",
            &json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": text}})
            .to_string(),
        ),
        &event(
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
        &event(
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":9}}"#,
        ),
        &event("message_stop", r#"{"type":"message_stop"}"#),
    ])
}

/// Ollama's `/api/chat` NDJSON.
fn ollama(text: &str) -> Reply {
    let line = |value: Value| Step::Send(format!("{value}\n"));
    Reply::stream(
        "application/x-ndjson",
        vec![
            line(
                json!({"model": "llama3.2", "created_at": "2026-11-25T08:52:19.3Z",
                        "message": {"role": "assistant", "content": text}, "done": false}),
            ),
            line(
                json!({"model": "llama3.2", "created_at": "2026-11-25T08:52:20.1Z",
                        "message": {"role": "assistant", "content": ""}, "done": true,
                        "done_reason": "stop", "total_duration": 488358345,
                        "prompt_eval_count": 40, "eval_count": 6}),
            ),
        ],
    )
}

struct Quiet;

impl TurnSink for Quiet {
    fn event(&self, _session_id: &str, _message_id: &str, _event: &StreamEvent) {}
    fn finished(&self, _message: &StoredMessage) {}
}

async fn ask(app: &App, session_id: &str, text: &str) -> StoredMessage {
    let (_, prepared) = turns::start_turn(&app.core, session_id, Some(text))
        .await
        .unwrap();
    let answer = turns::run_turn(Arc::clone(&app.core), prepared, Arc::new(Quiet)).await;
    assert_eq!(answer.status, MessageStatus::Complete, "{:?}", answer.error);
    answer
}

#[tokio::test]
async fn every_answer_names_the_server_model_and_parameters_that_produced_it() {
    let llama = ScriptServer::start(vec![llama_cpp("Local answer.")]).await;
    let claude = ScriptServer::start(vec![anthropic("Anthropic-format answer.")]).await;
    let local_ollama = ScriptServer::start(vec![ollama("Ollama answer.")]).await;
    let app = app();
    let mut settings = app.core.settings().unwrap();
    for provider in &mut settings.providers {
        match provider.id.as_str() {
            "openai" => provider.base_url = format!("{}/v1", llama.base_url),
            "anthropic" => provider.base_url = claude.base_url.clone(),
            "ollama" => provider.base_url = local_ollama.base_url.clone(),
            _ => {}
        }
    }
    // A price for OpenAI's models, and one for the local Ollama's model.
    settings.price_overrides = vec![
        PriceOverride::new("openai", "*", 5.0, 5.0),
        PriceOverride::new("ollama", "llama3.2", 1.0, 2.0),
    ];
    settings.save(&app.core.store).unwrap();
    let address = |server: &ScriptServer| server.base_url.trim_start_matches("http://").to_owned();
    let llama_name = format!("openai-compatible ({})", address(&llama));
    let claude_name = format!("anthropic-compatible ({})", address(&claude));

    let mut config = SessionConfig {
        title: "Three servers".into(),
        provider_id: "openai".into(),
        model: "smollm2".into(),
        temperature: Some(0.2),
        ..SessionConfig::default()
    };
    let session = app.core.store.create_session(&config).unwrap();
    let first = ask(&app, &session.id, "Who are you?").await;
    config.provider_id = "anthropic".into();
    config.model = "claude-haiku-4-5".into();
    config.temperature = Some(0.7);
    config.max_tokens = Some(512);
    app.core.store.update_session(&session.id, &config).unwrap();
    let second = ask(&app, &session.id, "And you?").await;
    config.provider_id = "ollama".into();
    config.model = "llama3.2".into();
    config.temperature = None;
    config.max_tokens = None;
    config.top_p = Some(0.9);
    app.core.store.update_session(&session.id, &config).unwrap();
    let third = ask(&app, &session.id, "And you?").await;

    // Priced by who served each answer: neither the bundled nor the user's
    // OpenAI price for the llama.cpp answer, nor Anthropic's price for the
    // local Anthropic-format server; the user's price for the local model.
    assert_eq!(first.cost, None);
    assert_eq!(second.cost, None);
    let local_cost = third.cost.expect("the user's price for the local model");
    assert!(
        (local_cost - (40.0 * 1.0 + 6.0 * 2.0) / 1e6).abs() < 1e-15,
        "{local_cost}"
    );

    let result = share_now(&app, &session.id, &Default::default()).await;
    let (status, json) = get(&format!(
        "{}/api/v0/shared-chats/{}",
        result.share_url.split("/shared/").next().unwrap(),
        result.share_id
    ))
    .await;
    assert_eq!(status, 200, "{json}");
    let data: Value = serde_json::from_str::<Value>(&json).unwrap()["data"].take();
    assert_eq!(data["schemaVersion"], 2);
    assert_eq!(
        data["modelConfig"],
        json!({"provider": "Ollama", "model": "llama3.2", "topP": 0.9}),
        "the session's settings when it was shared"
    );
    let answers: Vec<&Value> = data["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "assistant")
        .collect();
    let expected = [
        (
            &first,
            llama_name.as_str(),
            "smollm2",
            json!({"temperature": 0.2}),
            "stop",
        ),
        (
            &second,
            claude_name.as_str(),
            "claude-haiku-4-5",
            json!({"temperature": 0.7, "maxTokens": 512}),
            "length",
        ),
        (&third, "Ollama", "llama3.2", json!({"topP": 0.9}), "stop"),
    ];
    assert_eq!(answers.len(), expected.len());
    for (answer, (stored, provider, model, params, finish)) in answers.iter().zip(&expected) {
        assert_eq!(answer["id"], stored.id.as_str());
        assert_eq!(answer["provider"], *provider, "{answer}");
        assert_eq!(answer["model"], *model, "{answer}");
        assert_eq!(answer["params"], *params, "{answer}");
        assert_eq!(answer["finishReason"], *finish, "{answer}");
    }
    assert_eq!(answers[2]["cost"], json!(local_cost));
    assert!(
        answers[0].get("cost").is_none(),
        "an unknown cost is absent"
    );
    for claim in ["\"openai\"", "\"anthropic\"", "gpt-4o"] {
        assert!(!json.contains(claim), "the share claims {claim}: {json}");
    }

    // Continue in Parlor: the same answers, each with its own record.
    let imported = parlor::share::import_share(&app.core, &result.share_url)
        .await
        .unwrap();
    let origin = imported.imported_from.as_ref().unwrap();
    assert_eq!(origin.share_id, result.share_id);
    assert_eq!(origin.share_url, result.share_url);
    assert_eq!(imported.config.provider_id, "ollama");
    let back: Vec<StoredMessage> = app
        .core
        .store
        .all_messages(&imported.id)
        .unwrap()
        .into_iter()
        .filter(|m| m.role == chat_core::Role::Assistant)
        .collect();
    assert_eq!(back.len(), 3);
    for (answer, (stored, provider, model, _, _)) in back.iter().zip(&expected) {
        assert_eq!(answer.generation.model.as_deref(), Some(*model));
        assert_eq!(answer.generation.provider_name.as_deref(), Some(*provider));
        assert_eq!(answer.generation.params, stored.generation.params);
        assert_eq!(answer.cost, stored.cost);
    }
    assert_eq!(back[1].ended, Some(chat_core::FinishReason::Length));
    // The page names each answer's model.
    let (status, page) = get(&result.share_url).await;
    assert_eq!(status, 200);
    for (_, provider, model, _, _) in &expected {
        assert!(page.contains(model), "the page does not show {model}");
        assert!(page.contains(provider), "the page does not show {provider}");
    }

    parlor::embedded::shutdown(&app.core).await;
}
