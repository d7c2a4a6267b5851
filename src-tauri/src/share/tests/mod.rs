//! The snapshot and the redaction, without a server (the server stories are
//! in `tests/share.rs`; the share controls against a recording server in
//! [`controls`]).

mod attachments;
mod compare;
mod controls;

use chat_core::{FinishReason, GenerationParams, Role, ToolCall, ToolDefinition, Usage};
use chrono::{TimeZone, Utc};

use super::snapshot::snapshot_from_api;
use super::*;
use crate::settings::Settings;
use crate::store::Derived;
use crate::store::{
    Generation, ImportedFrom, MessageStatus, NewMessage, SessionConfig, Store, StoredMessage,
};

/// The snapshot of a session as Share builds it with the default settings.
fn built(
    store: &Store,
    session_id: &str,
    options: &ShareOptions,
    now: chrono::DateTime<Utc>,
) -> ShareSnapshot {
    build_snapshot(store, &Settings::default(), session_id, options, now).unwrap()
}

fn session_with_everything(store: &Store) -> (Session, Vec<StoredMessage>) {
    let mut config = SessionConfig {
        title: "Weather bot".into(),
        provider_id: "openai".into(),
        model: "gpt-4o".into(),
        temperature: Some(0.2),
        max_tokens: Some(500),
        system_prompt: Some("You help with {{topic}}.".into()),
        tools: vec![ToolDefinition {
            name: "get_weather".into(),
            description: Some("Weather for a city".into()),
            parameters: serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}}),
        }],
        ..SessionConfig::default()
    };
    config.variables.insert("topic".into(), "weather".into());
    let session = store.create_session(&config).unwrap();
    let mut messages = store
        .append_messages(
            &session.id,
            vec![
                NewMessage::new(Role::User, "Weather in Paris?"),
                NewMessage::new(Role::Assistant, ""),
            ],
        )
        .unwrap();
    let call = ToolCall {
        id: "call_1".into(),
        name: "get_weather".into(),
        arguments: r#"{"city":"Paris"}"#.into(),
    };
    messages[1] = store
        .save_outcome(&StoredMessage {
            content: "Checking.".into(),
            usage: Some(Usage {
                input_tokens: 100,
                output_tokens: 20,
                reasoning_tokens: None,
                cached_tokens: Some(50),
            }),
            cost: Some(0.001),
            time_to_first_token_ms: Some(300),
            inference_time_ms: Some(900),
            tool_calls: vec![call],
            status: MessageStatus::Complete,
            ..messages[1].clone()
        })
        .unwrap();
    let rest = store
        .append_messages(
            &session.id,
            vec![
                NewMessage {
                    tool_call_id: Some("call_1".into()),
                    ..NewMessage::new(Role::Tool, "18°C")
                },
                NewMessage {
                    status: MessageStatus::Error,
                    ..NewMessage::new(Role::Assistant, "")
                },
                NewMessage {
                    status: MessageStatus::Streaming,
                    ..NewMessage::new(Role::Assistant, "still typing")
                },
            ],
        )
        .unwrap();
    messages.extend(rest);
    (session, messages)
}

#[test]
fn the_snapshot_holds_the_conversation_and_valid_totals() {
    let store = Store::open_in_memory().unwrap();
    let (session, messages) = session_with_everything(&store);
    let now = Utc::now();
    let options = ShareOptions {
        expires_in: Some(3600),
        indexable: true,
        ..ShareOptions::default()
    };
    let snapshot = built(&store, &session.id, &options, now);
    assert_eq!(snapshot.title, "Weather bot");
    // The empty failed answer and the streaming one are left out.
    assert_eq!(snapshot.messages.len(), 3);
    assert_eq!(snapshot.messages[1].tool_calls.len(), 1);
    assert_eq!(snapshot.messages[2].tool_call_id.as_deref(), Some("call_1"));
    assert_eq!(snapshot.messages[1].time_to_first_token_ms, Some(300));
    assert_eq!(snapshot.messages[0].id, messages[0].id);
    assert_eq!(snapshot.total_tokens, Some(120));
    assert_eq!(snapshot.total_cost, Some(0.001));
    assert_eq!(snapshot.model_config.provider, "openai");
    assert_eq!(snapshot.model_config.max_tokens, Some(500));
    assert_eq!(
        snapshot.expires_at,
        Some(now + chrono::TimeDelta::seconds(3600))
    );
    assert!(snapshot.indexable);
    let meta = snapshot.prompt_meta.as_ref().unwrap();
    assert_eq!(
        meta.system_prompt.as_deref(),
        Some("You help with {{topic}}.")
    );
    assert_eq!(meta.variables["topic"], "weather");
    assert_eq!(meta.tools.len(), 1);
    chat_core::validate(&snapshot, now).unwrap();
}

#[test]
fn a_selection_and_no_system_prompt() {
    let store = Store::open_in_memory().unwrap();
    let (session, messages) = session_with_everything(&store);
    let options = ShareOptions {
        // The tool result without its call.
        message_ids: Some(vec![messages[0].id.clone(), messages[2].id.clone()]),
        include_system_prompt: false,
        ..ShareOptions::default()
    };
    let now = Utc::now();
    let snapshot = built(&store, &session.id, &options, now);
    assert_eq!(snapshot.messages.len(), 2);
    assert_eq!(
        snapshot.messages[1].tool_call_id, None,
        "its call is not shared"
    );
    assert_eq!(snapshot.total_tokens, Some(0));
    let meta = snapshot.prompt_meta.as_ref().unwrap();
    assert_eq!(meta.system_prompt, None);
    assert!(meta.variables.is_empty());
    assert_eq!(meta.tools.len(), 1, "tools explain the tool calls");
    chat_core::validate(&snapshot, now).unwrap();

    let unknown = ShareOptions {
        message_ids: Some(vec!["nope".into()]),
        ..ShareOptions::default()
    };
    assert!(matches!(
        build_snapshot(&store, &Settings::default(), &session.id, &unknown, now),
        Err(ShareError::UnknownMessage(_))
    ));
}

#[test]
fn redaction_runs_on_every_text_of_the_snapshot() {
    let store = Store::open_in_memory().unwrap();
    let session = store
        .create_session(&SessionConfig {
            title: "Debugging /home/alice/app".into(),
            provider_id: "openai".into(),
            model: "gpt-4o".into(),
            system_prompt: Some("Key: sk-proj-SYSTEMPROMPTKEY123456".into()),
            ..SessionConfig::default()
        })
        .unwrap();
    store
        .append_messages(
            &session.id,
            vec![
                NewMessage::new(
                    Role::User,
                    "My key sk-ant-api03-FAKEFAKEFAKEFAKE-abc fails in /home/alice/app/main.py",
                ),
                NewMessage {
                    reasoning: Some("The stored key stored-secret-value-1 is".into()),
                    tool_calls: vec![ToolCall {
                        id: "c1".into(),
                        name: "http".into(),
                        arguments: r#"{"headers":{"Authorization":"Bearer abcdefghijklmnop"}}"#
                            .into(),
                    }],
                    ..NewMessage::new(Role::Assistant, "Rotate it, alice.")
                },
            ],
        )
        .unwrap();
    let now = Utc::now();
    let mut snapshot = built(&store, &session.id, &ShareOptions::default(), now);
    let redactor = Redactor::new(
        vec!["stored-secret-value-1".into()],
        Some("/home/alice".into()),
        Some("alice".into()),
    );
    let count = prepare(&mut snapshot, &redactor, now).unwrap();
    let json = serde_json::to_string(&snapshot).unwrap();
    for leaked in [
        "sk-ant-api03",
        "sk-proj-SYSTEM",
        "stored-secret-value-1",
        "abcdefghijklmnop",
        "/home/alice",
        "alice",
    ] {
        assert!(!json.contains(leaked), "{leaked} leaked: {json}");
    }
    assert_eq!(snapshot.title, "Debugging ~/app");
    assert_eq!(snapshot.messages[1].content, "Rotate it, [user].");
    assert_eq!(count.total(), 7);
    assert!(count.secrets > 0 && count.home_paths > 0 && count.user_names > 0);
}

#[test]
fn share_links_and_api_urls_are_understood() {
    let parse = |url: &str| parse_share_url(url).map_err(|e| e.to_string());
    assert_eq!(
        parse("https://share.example.com/shared/3kTMd9Fv0qLzR8wYbN2pXe").unwrap(),
        (
            "https://share.example.com".into(),
            "3kTMd9Fv0qLzR8wYbN2pXe".into()
        )
    );
    assert_eq!(
        parse(" http://127.0.0.1:4545/api/v0/shared-chats/abc?x=1#top ").unwrap(),
        ("http://127.0.0.1:4545".into(), "abc".into())
    );
    assert_eq!(
        parse("https://example.com/parlor/shared/abc/").unwrap(),
        ("https://example.com/parlor".into(), "abc".into())
    );
    assert!(parse("https://example.com/other/abc").is_err());
    assert!(parse("ftp://example.com/shared/abc").is_err());
    assert!(parse("not a url").is_err());
    assert!(parse("https://example.com/shared/a%2Fb").is_err());
}

#[test]
fn the_api_answer_becomes_a_snapshot_and_a_session() {
    let store = Store::open_in_memory().unwrap();
    let (session, _) = session_with_everything(&store);
    let now = Utc::now();
    let snapshot = built(&store, &session.id, &ShareOptions::default(), now);
    let mut data = serde_json::to_value(&snapshot).unwrap();
    data["shareId"] = "abc".into();
    data["createdAt"] = now.to_rfc3339().into();
    let read = snapshot_from_api(data).unwrap();
    assert_eq!(read, snapshot);

    let imported = import_snapshot(&store, &Settings::default(), &read, None).unwrap();
    assert_eq!(imported.config.provider_id, "openai");
    assert_eq!(imported.config.tools, session.config.tools);
    let messages = store.all_messages(&imported.id).unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].usage, snapshot.messages[1].usage);
    assert_eq!(messages[1].tool_calls, snapshot.messages[1].tool_calls);
    assert_eq!(messages[2].tool_call_id.as_deref(), Some("call_1"));
}

fn params(temperature: Option<f64>, max_tokens: Option<i64>) -> GenerationParams {
    GenerationParams {
        temperature,
        max_tokens,
        ..GenerationParams::default()
    }
}

/// An answer as a turn records it, then ends as `end` makes it.
fn recorded_answer(
    store: &Store,
    session_id: &str,
    (provider_id, provider_name, model): (&str, &str, &str),
    sent: GenerationParams,
    end: impl FnOnce(StoredMessage) -> StoredMessage,
) -> StoredMessage {
    let answer = store
        .append_messages(
            session_id,
            vec![
                NewMessage::new(Role::User, format!("Ask {model}")),
                NewMessage {
                    status: MessageStatus::Streaming,
                    generation: Generation {
                        provider_id: Some(provider_id.into()),
                        model: Some(model.into()),
                        provider_name: Some(provider_name.into()),
                        params: Some(sent),
                        ..Generation::default()
                    },
                    ..NewMessage::new(Role::Assistant, "")
                },
            ],
        )
        .unwrap()
        .pop()
        .unwrap();
    store.save_outcome(&end(answer)).unwrap()
}

#[test]
fn each_answer_says_who_served_it_and_how_it_ended() {
    let store = Store::open_in_memory().unwrap();
    let session = store
        .create_session(&SessionConfig {
            temperature: Some(0.2),
            title: "Three servers".into(),
            provider_id: "openai".into(),
            model: "smollm2".into(),
            ..SessionConfig::default()
        })
        .unwrap();
    let ended = |content: &str, status, finish: Option<&str>| {
        let (content, finish_reason) = (content.to_owned(), finish.map(str::to_owned));
        move |answer: StoredMessage| StoredMessage {
            content,
            status,
            finish_reason,
            ..answer
        }
    };
    let local = recorded_answer(
        &store,
        &session.id,
        ("openai", "openai-compatible (127.0.0.1:8080)", "smollm2"),
        params(Some(0.2), None),
        ended("Local.", MessageStatus::Complete, Some("stop")),
    );
    recorded_answer(
        &store,
        &session.id,
        ("anthropic", "anthropic", "claude-haiku-4-5"),
        params(Some(1.0), Some(4096)),
        ended("Cut", MessageStatus::Complete, Some("max_tokens")),
    );
    recorded_answer(
        &store,
        &session.id,
        ("ollama", "Ollama", "llama3.2"),
        GenerationParams::default(),
        ended("Half", MessageStatus::Stopped, None),
    );
    recorded_answer(
        &store,
        &session.id,
        ("ollama", "Ollama", "llama3.2"),
        GenerationParams::default(),
        |answer| StoredMessage {
            error: Some("Ollama failed (500): out of memory in /home/alice/models".into()),
            ..ended("Par", MessageStatus::Error, None)(answer)
        },
    );
    // The session moves on: the answers keep what they were made with.
    let mut config = session.config.clone();
    config.provider_id = "anthropic".into();
    config.model = "claude-sonnet-4-5".into();
    config.temperature = Some(0.9);
    store.update_session(&session.id, &config).unwrap();

    let now = Utc::now();
    let mut snapshot = built(&store, &session.id, &ShareOptions::default(), now);
    let redactor = Redactor::new(Vec::new(), Some("/home/alice".into()), Some("alice".into()));
    prepare(&mut snapshot, &redactor, now).unwrap();
    assert_eq!(snapshot.schema_version, Some(2));
    assert_eq!(snapshot.model_config.provider, "anthropic");
    assert_eq!(snapshot.model_config.model, "claude-sonnet-4-5");
    assert_eq!(snapshot.model_config.temperature, Some(0.9));
    let json = serde_json::to_value(&snapshot).unwrap();
    let answer = |i: usize| &json["messages"][2 * i + 1];
    assert_eq!(answer(0)["id"], local.id.as_str());
    assert_eq!(answer(0)["provider"], "openai-compatible (127.0.0.1:8080)");
    assert_eq!(answer(0)["model"], "smollm2");
    assert_eq!(answer(0)["params"], serde_json::json!({"temperature": 0.2}));
    assert_eq!(answer(0)["finishReason"], "stop");
    assert_eq!(answer(1)["provider"], "anthropic");
    assert_eq!(answer(1)["model"], "claude-haiku-4-5");
    assert_eq!(
        answer(1)["params"],
        serde_json::json!({"temperature": 1.0, "maxTokens": 4096})
    );
    assert_eq!(answer(1)["finishReason"], "length");
    assert_eq!(answer(2)["provider"], "Ollama");
    assert_eq!(answer(2)["finishReason"], "stopped");
    assert_eq!(answer(2)["params"], serde_json::json!({}));
    assert_eq!(answer(2).get("error"), None);
    assert_eq!(answer(3)["finishReason"], "error");
    assert_eq!(
        answer(3)["error"],
        "Ollama failed (500): out of memory in ~/models",
        "the error text is redacted like the rest"
    );
    for user in [0, 2, 4, 6] {
        let message = json["messages"][user].as_object().unwrap();
        for field in ["provider", "model", "params", "finishReason"] {
            assert!(!message.contains_key(field), "a user message has {field}");
        }
    }
    chat_core::validate(&snapshot, now).unwrap();
}

#[test]
fn the_providers_reasons_in_the_snapshots_words() {
    let message = |status, reason: Option<&str>, calls: usize| StoredMessage {
        id: "m".into(),
        session_id: "s".into(),
        position: 1,
        parent_id: None,
        siblings: Vec::new(),
        role: Role::Assistant,
        content: String::new(),
        reasoning: None,
        usage: None,
        cost: None,
        time_to_first_token_ms: None,
        inference_time_ms: None,
        tokens_per_second: None,
        tool_calls: (0..calls)
            .map(|i| ToolCall {
                id: format!("c{i}"),
                name: "f".into(),
                arguments: "{}".into(),
            })
            .collect(),
        tool_call_id: None,
        status,
        error: None,
        finish_reason: reason.map(Into::into),
        generation: Generation::default(),
        ended: None,
        attachments: Vec::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    use FinishReason::*;
    use MessageStatus::{Complete, Error as Failed, Stopped as UserStopped, Streaming};
    let cases = [
        (Complete, Some("stop"), 0, Some(Stop)),
        (Complete, Some("end_turn"), 0, Some(Stop)),
        (Complete, Some("stop_sequence"), 0, Some(Stop)),
        (Complete, Some("length"), 0, Some(Length)),
        (Complete, Some("max_tokens"), 0, Some(Length)),
        (Complete, Some("tool_calls"), 1, Some(ToolCalls)),
        (Complete, Some("tool_use"), 1, Some(ToolCalls)),
        (Complete, Some("toolCalls"), 1, Some(ToolCalls)),
        (Complete, None, 2, Some(ToolCalls)),
        // A reason the snapshot has no word for is not guessed.
        (Complete, Some("content_filter"), 0, None),
        (Complete, None, 0, None),
        // What the app saw comes first.
        (UserStopped, Some("stop"), 0, Some(Stopped)),
        (UserStopped, None, 0, Some(Stopped)),
        (Failed, Some("length"), 0, Some(Error)),
        (Streaming, None, 0, None),
    ];
    for (status, reason, calls, expected) in cases {
        assert_eq!(
            message(status, reason, calls).finish(),
            expected,
            "{status:?} {reason:?} {calls}"
        );
    }
}

#[test]
fn a_version_1_share_imports_with_the_models_of_its_model_config() {
    let store = Store::open_in_memory().unwrap();
    let v1 = serde_json::json!({
        "title": "Old share",
        "messages": [
            {"id": "u1", "role": "user", "content": "Hi", "timestamp": "2026-01-05T10:00:00Z"},
            {"id": "a1", "role": "assistant", "content": "Hello", "timestamp": "2026-01-05T10:00:02Z",
             "usage": {"inputTokens": 5, "outputTokens": 2}, "cost": 0.0001}
        ],
        "modelConfig": {"provider": "anthropic", "model": "claude-haiku-4-5", "temperature": 0.4},
        "totalTokens": 7, "totalCost": 0.0001
    });
    let snapshot = snapshot_from_api(v1).unwrap();
    assert_eq!(snapshot.version(), 1);
    let origin = ImportedFrom {
        share_id: "abc".into(),
        share_url: "https://share.example.com/shared/abc".into(),
        imported_at: Utc.with_ymd_and_hms(2026, 2, 1, 9, 30, 0).unwrap(),
    };
    let imported = import_snapshot(
        &store,
        &Settings::default(),
        &snapshot,
        Some(origin.clone()),
    )
    .unwrap();
    assert_eq!(
        imported.config.title, "Old share",
        "the title stays the share's"
    );
    assert_eq!(imported.config.provider_id, "anthropic");
    assert_eq!(imported.imported_from.as_ref(), Some(&origin));
    assert_eq!(
        store.session(&imported.id).unwrap().imported_from,
        Some(origin)
    );
    let messages = store.all_messages(&imported.id).unwrap();
    let answer = &messages[1];
    assert_eq!(
        answer.generation.provider_name.as_deref(),
        Some("anthropic")
    );
    assert_eq!(answer.generation.model.as_deref(), Some("claude-haiku-4-5"));
    assert_eq!(answer.generation.params, Some(params(Some(0.4), None)));
    assert_eq!(
        answer.generation.provider_id, None,
        "not made by an endpoint of this app"
    );
    assert_eq!(answer.status, MessageStatus::Complete);
    assert_eq!(
        messages[0].generation.model, None,
        "a question has no model"
    );
}

#[test]
fn a_version_2_share_imports_with_each_answers_own_record() {
    let store = Store::open_in_memory().unwrap();
    let v2 = serde_json::json!({
        "schemaVersion": 2,
        "title": "Two models",
        "messages": [
            {"id": "u1", "role": "user", "content": "Hi", "timestamp": "2026-01-05T10:00:00Z"},
            {"id": "a1", "role": "assistant", "content": "Hello", "timestamp": "2026-01-05T10:00:02Z",
             "provider": "LM Studio", "model": "qwen2.5-7b", "params": {"temperature": 0.1, "seed": 7},
             "finishReason": "length"},
            {"id": "u2", "role": "user", "content": "Again", "timestamp": "2026-01-05T10:01:00Z"},
            {"id": "a2", "role": "assistant", "content": "Hel", "timestamp": "2026-01-05T10:01:02Z",
             "finishReason": "error", "error": "connection reset"}
        ],
        "modelConfig": {"provider": "openai", "model": "gpt-4o", "maxTokens": 300}
    });
    let snapshot = snapshot_from_api(v2).unwrap();
    let imported = import_snapshot(&store, &Settings::default(), &snapshot, None).unwrap();
    assert_eq!(imported.imported_from, None);
    let messages = store.all_messages(&imported.id).unwrap();
    let own = &messages[1];
    assert_eq!(own.generation.provider_name.as_deref(), Some("LM Studio"));
    assert_eq!(own.generation.model.as_deref(), Some("qwen2.5-7b"));
    let sent = own.generation.params.as_ref().unwrap();
    assert_eq!(sent.temperature, Some(0.1));
    assert_eq!(sent.other["seed"], 7);
    assert_eq!(own.ended, Some(FinishReason::Length));
    let failed = &messages[3];
    assert_eq!(failed.status, MessageStatus::Error);
    assert_eq!(failed.error.as_deref(), Some("connection reset"));
    assert_eq!(failed.generation.provider_name.as_deref(), Some("openai"));
    assert_eq!(failed.generation.model.as_deref(), Some("gpt-4o"));
    assert_eq!(failed.generation.params, Some(params(None, Some(300))));

    // Shared again, it says the same of each answer.
    let again = built(&store, &imported.id, &ShareOptions::default(), Utc::now());
    for (before, after) in snapshot.messages.iter().zip(&again.messages) {
        assert_eq!(snapshot.model_of(before), again.model_of(after));
        assert_eq!(before.finish_reason, after.finish_reason);
    }
    assert_eq!(again.messages[1].params, snapshot.messages[1].params);
}
