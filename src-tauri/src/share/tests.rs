//! The snapshot and the redaction, without a server (the server stories are
//! in `tests/share.rs`).

use chat_core::{Role, ToolCall, ToolDefinition, Usage};
use chrono::Utc;

use super::snapshot::snapshot_from_api;
use super::*;
use crate::settings::Settings;
use crate::store::{MessageStatus, MessageUpdate, NewMessage, SessionConfig, Store, StoredMessage};

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
        .update_message(
            &messages[1].id,
            &MessageUpdate {
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
                status: Some(MessageStatus::Complete),
                ..MessageUpdate::default()
            },
        )
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
    let snapshot =
        build_snapshot(&store, &Settings::default(), &session.id, &options, now).unwrap();
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
    let snapshot =
        build_snapshot(&store, &Settings::default(), &session.id, &options, now).unwrap();
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
        Err(AppError::Invalid(_))
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
    let mut snapshot = build_snapshot(
        &store,
        &Settings::default(),
        &session.id,
        &ShareOptions::default(),
        now,
    )
    .unwrap();
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
    let snapshot = build_snapshot(
        &store,
        &Settings::default(),
        &session.id,
        &ShareOptions::default(),
        now,
    )
    .unwrap();
    let mut data = serde_json::to_value(&snapshot).unwrap();
    data["shareId"] = "abc".into();
    data["createdAt"] = now.to_rfc3339().into();
    let read = snapshot_from_api(data).unwrap();
    assert_eq!(read, snapshot);

    let imported = import_snapshot(&store, &Settings::default(), &read).unwrap();
    assert_eq!(imported.config.provider_id, "openai");
    assert_eq!(imported.config.tools, session.config.tools);
    let messages = store.all_messages(&imported.id).unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].usage, snapshot.messages[1].usage);
    assert_eq!(messages[1].tool_calls, snapshot.messages[1].tool_calls);
    assert_eq!(messages[2].tool_call_id.as_deref(), Some("call_1"));
}

#[test]
fn errors_carry_codes_fields_and_retry_times() {
    let rate = AppError::from(ShareError::RateLimited {
        message: "slow down".into(),
        retry_after_secs: Some(30),
    });
    let json = serde_json::to_value(&rate).unwrap();
    assert_eq!(json["code"], "rate_limited");
    assert_eq!(json["retryAfterSecs"], 30);
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .contains("try again in 30 s")
    );
    let rejected = AppError::from(ShareError::Rejected {
        message: "bad".into(),
        field: Some("messages[0].content".into()),
    });
    let json = serde_json::to_value(&rejected).unwrap();
    assert_eq!(json["code"], "invalid_snapshot");
    assert_eq!(json["field"], "messages[0].content");
}
