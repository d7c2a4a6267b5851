//! Cross-crate stories: the desktop core publishes to a real share-server
//! (the embedded one, or a "team" server on 127.0.0.1:0), a browser-like
//! client reads the public page, the app revokes and imports. Run with
//! `cargo test -p parlor --test share_stories`.

// A test crate: helpers outside `#[test]` fns unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chat_core::{Role, ToolCall, Usage};
use parlor::app::AppCore;
use parlor::error::AppError;
use parlor::secrets::{MemoryStore, SecretKey, SecretStore};
use parlor::settings::{Settings, SettingsExt, ShareMode};
use parlor::share::reach::ReachKind;
use parlor::share::{self, ShareError, ShareOptions, ShareTarget};
use parlor::store::{MessageStatus, NewMessage, SessionConfig, StoredMessage};
use tempfile::TempDir;

#[path = "share_stories/attachments.rs"]
mod attachments;
#[path = "share_stories/models.rs"]
mod models;
#[path = "support/netns.rs"]
mod netns;
#[path = "share_stories/network.rs"]
mod network;
#[path = "share_stories/reach.rs"]
mod reach;
/// The providers' local test server: replays exact wire formats.
#[allow(dead_code)]
#[path = "../src-tauri/src/providers/tests/server.rs"]
mod script_server;
#[path = "share_stories/team.rs"]
mod team;

/// A fake key in the keyring, and one pasted into the chat.
const STORED_KEY: &str = "sk-proj-STOREDKEYSTOREDKEY0001";
const PASTED_KEY: &str = "sk-ant-api03-PASTEDPASTEDPASTED-xyz";

struct App {
    _dir: TempDir,
    core: Arc<AppCore>,
}

fn app() -> App {
    let dir = TempDir::new().unwrap();
    let secrets = MemoryStore::default();
    secrets
        .set(&SecretKey::ProviderApiKey("openai".into()), STORED_KEY)
        .unwrap();
    let core = AppCore::open(dir.path(), Arc::new(secrets)).unwrap();
    App { _dir: dir, core }
}

fn home() -> String {
    std::env::home_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/home/tester".into())
}

/// A session with a question, an answer with measurements and a tool call,
/// a tool result and a final answer; the question leaks secrets and a path.
fn conversation(core: &AppCore) -> String {
    let session = core
        .store
        .create_session(&SessionConfig {
            title: "Deploy troubleshooting".into(),
            provider_id: "openai".into(),
            model: "gpt-4o".into(),
            temperature: Some(0.3),
            system_prompt: Some("You are a deployment expert.".into()),
            ..SessionConfig::default()
        })
        .unwrap();
    let question = format!(
        "My deploy script at {}/work/deploy.sh fails with key {PASTED_KEY} and also {STORED_KEY}. Why?",
        home()
    );
    let created = core
        .store
        .append_messages(
            &session.id,
            vec![
                NewMessage::new(Role::User, question),
                NewMessage::new(Role::Assistant, ""),
            ],
        )
        .unwrap();
    core.store
        .save_outcome(&StoredMessage {
            content: "Let me check the **permissions** first.".into(),
            reasoning: Some("The script might lack execute rights.".into()),
            usage: Some(Usage {
                input_tokens: 1200,
                output_tokens: 80,
                reasoning_tokens: Some(30),
                cached_tokens: Some(1024),
            }),
            cost: Some(0.00216),
            time_to_first_token_ms: Some(420),
            inference_time_ms: Some(1900),
            tool_calls: vec![ToolCall {
                id: "call_perm".into(),
                name: "stat_file".into(),
                arguments: r#"{"path":"deploy.sh"}"#.into(),
            }],
            status: MessageStatus::Complete,
            finish_reason: Some("tool_calls".into()),
            error: None,
            ..created[1].clone()
        })
        .unwrap();
    let tool_answer = NewMessage {
        tool_call_id: Some("call_perm".into()),
        ..NewMessage::new(Role::Tool, "-rw-r--r-- deploy.sh")
    };
    core.store.append_message(&session.id, tool_answer).unwrap();
    let last = core
        .store
        .append_message(&session.id, NewMessage::new(Role::Assistant, ""))
        .unwrap();
    core.store
        .save_outcome(&StoredMessage {
            content: "Run chmod plus x on the zebra-striped script.".into(),
            usage: Some(Usage {
                input_tokens: 1300,
                output_tokens: 20,
                reasoning_tokens: None,
                cached_tokens: None,
            }),
            cost: Some(0.00345),
            time_to_first_token_ms: Some(300),
            inference_time_ms: Some(700),
            status: MessageStatus::Complete,
            ..last
        })
        .unwrap();
    session.id
}

/// Publishes the session where the app publishes now.
async fn share_now(app: &App, session_id: &str, options: &ShareOptions) -> share::ShareResult {
    let target = share::current_target(&app.core).await.unwrap();
    share_to(app, &target, session_id, options).await
}

async fn share_to(
    app: &App,
    target: &ShareTarget,
    session_id: &str,
    options: &ShareOptions,
) -> share::ShareResult {
    share::share_session(&app.core, target, session_id, options, None)
        .await
        .unwrap()
}

/// Publishing the session to `target` with the default options fails: why.
async fn refused(app: &App, target: &ShareTarget, session_id: &str) -> AppError {
    let options = ShareOptions::default();
    let shared = share::share_session(&app.core, target, session_id, &options, None).await;
    AppError::from(shared.unwrap_err())
}

/// A team server on 127.0.0.1:0 and the token of its user `alice`.
async fn team_server() -> (share_server::RunningServer, String) {
    let server = share_server::spawn(share_server::Config::default())
        .await
        .unwrap();
    let token = server.add_user("alice").await.unwrap();
    (server, token)
}

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn assert_no_secrets(text: &str) {
    for leaked in [
        STORED_KEY,
        PASTED_KEY,
        "PASTEDPASTED",
        &format!("{}/work", home()),
    ] {
        assert!(!text.contains(leaked), "{leaked} leaked");
    }
}

#[tokio::test]
async fn share_to_the_embedded_server_read_the_page_revoke_it() {
    let app = app();
    let session_id = conversation(&app.core);

    let target = share::current_target(&app.core).await.unwrap();
    assert!(target.server_url.starts_with("http://127.0.0.1:"));
    assert!(
        target.token.is_some(),
        "even on loopback, publishing needs the app's token"
    );
    let result = share_to(&app, &target, &session_id, &ShareOptions::default()).await;
    assert!(
        result
            .share_url
            .ends_with(&format!("/shared/{}", result.share_id))
    );
    assert!(result.delete_token.is_some());
    assert!(result.redactions >= 3, "{}", result.redactions);

    // The page a colleague opens.
    let (status, page) = get(&result.share_url).await;
    assert_eq!(status, 200);
    assert!(page.contains("Deploy troubleshooting"));
    assert!(page.contains("zebra-striped script"));
    assert!(page.contains("stat_file"), "tool calls are shown");
    assert!(page.contains("~/work/deploy.sh"));
    assert_no_secrets(&page);

    // The JSON, as the API serves it.
    let (status, json) = get(&format!(
        "{}/api/v0/shared-chats/{}",
        target.server_url, result.share_id
    ))
    .await;
    assert_eq!(status, 200);
    assert_no_secrets(&json);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let data = &json["data"];
    assert_eq!(data["totalTokens"], 1200 + 80 + 1300 + 20);
    assert_eq!(data["messages"][1]["usage"]["cachedTokens"], 1024);
    assert_eq!(data["messages"][1]["timeToFirstTokenMs"], 420);
    assert_eq!(data["messages"][2]["toolCallId"], "call_perm");
    assert_eq!(data["modelConfig"]["provider"], "openai");

    // "My shares".
    let shares = app.core.store.list_shares().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].share_id, result.share_id);
    assert_eq!(shares[0].session_id.as_deref(), Some(session_id.as_str()));

    // Revoke: the page is gone.
    let revoked = share::revoke_share(&app.core, &result.share_id)
        .await
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    let (status, page) = get(&result.share_url).await;
    assert_eq!(status, 410);
    assert!(!page.contains("zebra-striped"));
    // Revoking again is harmless.
    share::revoke_share(&app.core, &result.share_id)
        .await
        .unwrap();

    parlor::embedded::shutdown(&app.core).await;
}

#[tokio::test]
async fn import_creates_an_equal_session() {
    let app = app();
    let session_id = conversation(&app.core);
    let options = ShareOptions {
        include_system_prompt: true,
        ..ShareOptions::default()
    };
    let target = share::current_target(&app.core).await.unwrap();
    let result = share_to(&app, &target, &session_id, &options).await;

    let imported = share::import_share(&app.core, &result.share_url)
        .await
        .unwrap();
    assert_ne!(imported.id, session_id);
    let original = app.core.store.session(&session_id).unwrap();
    assert_eq!(imported.config.title, original.config.title);
    assert_eq!(imported.config.provider_id, original.config.provider_id);
    assert_eq!(imported.config.model, original.config.model);
    assert_eq!(imported.config.temperature, original.config.temperature);
    assert_eq!(imported.config.system_prompt, original.config.system_prompt);

    let comparable = |m: &StoredMessage| {
        (
            m.role,
            m.reasoning.clone(),
            m.usage,
            m.cost,
            m.time_to_first_token_ms,
            m.inference_time_ms,
            m.tool_calls.clone(),
            m.tool_call_id.clone(),
            m.position,
        )
    };
    let before = app.core.store.all_messages(&session_id).unwrap();
    let after = app.core.store.all_messages(&imported.id).unwrap();
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(comparable(b), comparable(a));
        // Equal but for what the redaction removed before publishing.
        if b.role != Role::User {
            assert_eq!(b.content, a.content);
        }
    }
    assert_no_secrets(&after[0].content);
    assert_eq!(
        app.core.store.session_totals(&imported.id).unwrap(),
        app.core.store.session_totals(&session_id).unwrap()
    );

    // The API URL works too; a link to nowhere is a clear error.
    let api_url = format!(
        "{}/api/v0/shared-chats/{}",
        target.server_url, result.share_id
    );
    share::import_share(&app.core, &api_url).await.unwrap();
    let missing = format!("{}/shared/doesNotExist123", target.server_url);
    let error = share::import_share(&app.core, &missing).await.unwrap_err();
    assert_eq!(error.code(), "gone");
    parlor::embedded::shutdown(&app.core).await;
}

#[tokio::test]
async fn the_embedded_port_and_links_survive_a_restart() {
    let app = app();
    let session_id = conversation(&app.core);
    let target = share::current_target(&app.core).await.unwrap();
    let result = share_to(&app, &target, &session_id, &ShareOptions::default()).await;
    let port: Option<u16> = app
        .core
        .store
        .setting(parlor::embedded::PORT_SETTING)
        .unwrap();
    assert!(port.is_some());

    parlor::embedded::shutdown(&app.core).await;
    assert!(reqwest::get(&result.share_url).await.is_err(), "down");

    let again = share::current_target(&app.core).await.unwrap();
    assert_eq!(
        again.server_url, target.server_url,
        "same port after a restart"
    );
    let (status, page) = get(&result.share_url).await;
    assert_eq!(status, 200);
    assert!(page.contains("zebra-striped"));
    parlor::embedded::shutdown(&app.core).await;
}

/// A team server: publishing needs the token from the keyring.
#[tokio::test]
async fn a_team_server_with_a_token() {
    let (server, token) = team_server().await;
    let app = app();
    let mut settings = app.core.settings().unwrap();
    settings.share_server.team_url = Some(server.base_url.clone());
    settings.share_server.mode = ShareMode::Team;
    settings.save(&app.core.store).unwrap();
    let session_id = conversation(&app.core);

    // No token yet: refused, with a clear message.
    let target = share::current_target(&app.core).await.unwrap();
    assert_eq!(target.token, None);
    let error = refused(&app, &target, &session_id).await;
    assert_eq!(error.code(), "unauthorized", "{error}");
    assert!(error.to_string().contains("token"), "{error}");

    app.core
        .set_secret(
            SecretKey::ShareServerToken(server.base_url.clone()),
            Some(token.clone()),
        )
        .await
        .unwrap();
    let target = share::current_target(&app.core).await.unwrap();
    assert_eq!(target.token.as_deref(), Some(token.as_str()));
    let result = share_to(&app, &target, &session_id, &ShareOptions::default()).await;
    // The token itself never ends up in the share.
    let (_, json) = get(&format!(
        "{}/api/v0/shared-chats/{}",
        server.base_url, result.share_id
    ))
    .await;
    assert!(!json.contains(&token));

    // The owner token revokes (the stored delete token is sent along).
    share::revoke_share(&app.core, &result.share_id)
        .await
        .unwrap();
    assert_eq!(get(&result.share_url).await.0, 410);
    server.shutdown().await;
}

#[tokio::test]
async fn server_errors_become_clear_messages() {
    let app = app();
    let session_id = conversation(&app.core);
    let options = ShareOptions::default();

    // Down.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = ShareError::from(
        share::fetch_info(&app.core.http, &closed)
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code(), "share_server_unreachable");
    assert!(error.to_string().contains("cannot be reached"), "{error}");

    // Too large for this server.
    let small = anonymous_server(share_server::Config {
        body_limit: 500,
        ..share_server::Config::default()
    })
    .await;
    let target = target_of(&small).await;
    let error = refused(&app, &target, &session_id).await;
    assert_eq!(error.code(), "too_large", "{error}");
    small.shutdown().await;

    // Rate limited: one share a minute from this address.
    let strict = anonymous_server(share_server::Config {
        rate_limit_ip: 1,
        ..share_server::Config::default()
    })
    .await;
    let target = target_of(&strict).await;
    share_to(&app, &target, &session_id, &options).await;
    let error = refused(&app, &target, &session_id).await;
    assert_eq!(error.code(), "rate_limited", "{error}");
    let json = serde_json::to_value(&error).unwrap();
    assert!(json["retryAfterSecs"].as_u64().is_some(), "{json}");

    // Rejected with the field at fault (a snapshot that skipped validation).
    let settings = Settings::default();
    let mut snapshot = share::build_snapshot(
        &app.core.store,
        &settings,
        &session_id,
        &options,
        chrono::Utc::now(),
    )
    .unwrap();
    snapshot.total_tokens = Some(-1);
    let error = ShareError::from(
        share::publish(&app.core.http, &target_of(&strict).await, &snapshot, None)
            .await
            .unwrap_err(),
    );
    // The strict server may rate limit first; a fresh one judges the content.
    strict.shutdown().await;
    let open = anonymous_server(share_server::Config::default()).await;
    let error = if error.code() == "rate_limited" {
        ShareError::from(
            share::publish(&app.core.http, &target_of(&open).await, &snapshot, None)
                .await
                .unwrap_err(),
        )
    } else {
        error
    };
    assert_eq!(error.code(), "invalid_snapshot", "{error}");
    assert_eq!(error.field(), Some("totalTokens"), "{error}");
    open.shutdown().await;
}

/// A server of `config` that takes shares without a token.
async fn anonymous_server(config: share_server::Config) -> share_server::RunningServer {
    let config = config.with_allow_anonymous(true);
    share_server::spawn(config).await.unwrap()
}

/// A team server that takes shares without a token, as it describes itself.
async fn target_of(server: &share_server::RunningServer) -> ShareTarget {
    let client = reqwest::Client::new();
    ShareTarget {
        info: share::fetch_info(&client, &server.base_url).await.unwrap(),
        server_url: server.base_url.clone(),
        token: None,
        reach: ReachKind::Team,
    }
}
