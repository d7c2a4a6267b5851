//! Shared helpers of the integration tests: a real server on 127.0.0.1:0
//! over a real SQLite file in a temp dir, a reqwest client, and snapshots.
#![allow(dead_code)]

use chrono::{Duration, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use share_server::{Clock, Config, RunningServer};
use tempfile::TempDir;

pub const PUBLIC_URL: &str = "https://share.example.com";

/// Path of the share collection.
pub const SHARES: &str = "/api/v0/shared-chats";

pub struct TestServer {
    pub server: RunningServer,
    /// Its API (`server.get(…)` and the like reach it directly).
    pub api: Api,
    pub clock: Clock,
    pub dir: TempDir,
}

pub fn database_url(dir: &TempDir) -> String {
    format!("sqlite://{}", dir.path().join("shares.db").display())
}

/// A reqwest client for the tests. In a workspace build reqwest carries the
/// desktop app's rustls without a built-in crypto provider (the app installs
/// ring at start), so the tests install it too; alone it is a no-op.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl TestServer {
    /// A server with rate limits off, anonymous publishing off and an adjustable clock.
    pub async fn start() -> Self {
        Self::with(|config| config).await
    }

    pub async fn with(configure: impl FnOnce(Config) -> Config) -> Self {
        Self::on(None, configure).await
    }

    /// A server on the database at `url` (a PostgreSQL the test made), or
    /// on a SQLite file in its temp dir when `url` is `None`.
    pub async fn on(url: Option<&str>, configure: impl FnOnce(Config) -> Config) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = url.map_or_else(|| database_url(&dir), str::to_owned);
        let config = Config::default()
            .with_database_url(url)
            .with_public_url(PUBLIC_URL)
            .with_clock(Clock::adjustable())
            .without_rate_limits();
        let server = share_server::spawn(configure(config)).await.unwrap();
        Self {
            clock: server.clock().clone(),
            api: Api::of(&server),
            server,
            dir,
        }
    }

    pub async fn user(&self, name: &str) -> String {
        self.server.add_user(name).await.unwrap()
    }

    /// Publishes and returns `data` of the 201 answer.
    pub async fn publish_ok(&self, token: Option<&str>) -> Value {
        self.publish_created(token, &snapshot("A shared chat"))
            .await
    }

    /// Publishes and returns the new share's id.
    pub async fn publish_id(&self, token: Option<&str>) -> String {
        let data = self.publish_ok(token).await;
        data["shareId"].as_str().unwrap().to_owned()
    }
}

impl std::ops::Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// The HTTP API of one server, as a client sees it.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    /// `http://host:port`, without a trailing slash.
    pub base_url: String,
}

impl Api {
    /// The API of a server started in this process.
    pub fn of(server: &RunningServer) -> Self {
        Self::at(&server.base_url)
    }

    /// The API at `base_url`.
    pub fn at(base_url: &str) -> Self {
        Self {
            client: http_client(),
            base_url: base_url.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// `path`'s answer as JSON, whatever its status.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.unwrap()
    }

    /// `path`'s answer as text, whatever its status.
    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// `GET /api/v0/shared-chats/{id}`.
    pub async fn read(&self, id: &str) -> reqwest::Response {
        self.get(&format!("{SHARES}/{id}")).await
    }

    /// `GET /api/v0/shared-chats/{id}`'s answer as JSON, whatever its status.
    pub async fn read_json(&self, id: &str) -> Value {
        self.read(id).await.json().await.unwrap()
    }

    /// A POST to the share collection, to finish and send.
    pub fn post(&self) -> reqwest::RequestBuilder {
        self.client.post(self.url(SHARES))
    }

    /// POSTs raw bytes (or a stream of them) as JSON, with a bearer token
    /// if given.
    pub async fn publish_bytes(
        &self,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self
            .post()
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn publish(&self, token: Option<&str>, snapshot: &Value) -> reqwest::Response {
        self.publish_bytes(token, serde_json::to_vec(snapshot).unwrap())
            .await
    }

    /// Publishes `snapshot`, asserts the 201 and returns the answer's `data`.
    pub async fn publish_created(&self, token: Option<&str>, snapshot: &Value) -> Value {
        created(self.publish(token, snapshot).await).await
    }

    /// `GET /api/v0/shared-chats{query}` with `token`.
    pub async fn list_page(&self, token: &str, query: &str) -> reqwest::Response {
        self.client
            .get(self.url(&format!("{SHARES}{query}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// `GET /api/v0/shared-chats` with `token`.
    pub async fn list(&self, token: &str) -> reqwest::Response {
        self.list_page(token, "").await
    }

    /// The caller's list, as JSON (the whole envelope).
    pub async fn list_json(&self, token: &str) -> Value {
        self.list(token).await.json().await.unwrap()
    }

    pub async fn delete(
        &self,
        id: &str,
        bearer: Option<&str>,
        delete_token: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.delete(self.url(&format!("{SHARES}/{id}")));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(token) = delete_token {
            request = request.header("x-delete-token", token);
        }
        request.send().await.unwrap()
    }
}

/// Asserts a 201 with the success envelope; returns its `data`.
pub async fn created(response: reqwest::Response) -> Value {
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{:?}",
        response.url()
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], true, "{body}");
    body["data"].clone()
}

/// Asserts an error envelope with this status and code; returns `error`.
/// Asserts a 429 whose `Retry-After` is 1 to `max` seconds; returns it.
#[track_caller]
pub fn assert_retry_after(response: &reqwest::Response, max: u64) -> u64 {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=max).contains(&seconds), "{seconds}");
    seconds
}

pub async fn expect_error(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "{:?}", response.url());
    assert!(
        response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")),
        "content-type {:?}",
        response.headers().get("content-type")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    body["error"].clone()
}

/// 400 `invalid_json`: the body does not read as a snapshot.
pub const INVALID_JSON: (StatusCode, &str) = (StatusCode::BAD_REQUEST, "invalid_json");
/// 422 `invalid_snapshot`: a snapshot that breaks a rule.
pub const INVALID_SNAPSHOT: (StatusCode, &str) =
    (StatusCode::UNPROCESSABLE_ENTITY, "invalid_snapshot");

/// [`expect_error`] with `(status, code)`, and the error names `field`.
pub async fn expect_refusal(
    response: reqwest::Response,
    (status, code): (StatusCode, &str),
    field: &str,
) -> Value {
    let error = expect_error(response, status, code).await;
    assert_eq!(error["field"], field, "{error}");
    error
}

fn minutes_ago(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A valid snapshot: system prompt, user, an assistant calling a tool, the
/// tool's answer and the final answer, with usage, costs and timings.
pub fn snapshot(title: &str) -> Value {
    json!({
        "schemaVersion": 1,
        "title": title,
        "messages": [
            {"id": "m1", "role": "user", "content": "What is the weather in Paris?", "timestamp": minutes_ago(10)},
            {"id": "m2", "role": "assistant", "content": "", "timestamp": minutes_ago(9),
             "usage": {"inputTokens": 120, "outputTokens": 30, "reasoningTokens": 10},
             "cost": 0.002, "inferenceTimeMs": 1200, "timeToFirstTokenMs": 300,
             "toolCalls": [{"id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}]},
            {"id": "m3", "role": "tool", "content": "{\"temp\":18}", "timestamp": minutes_ago(8), "toolCallId": "call_1"},
            {"id": "m4", "role": "assistant", "content": "It is **18 °C** in Paris.", "timestamp": minutes_ago(7),
             "usage": {"inputTokens": 200, "outputTokens": 20}, "cost": 0.001, "inferenceTimeMs": 800}
        ],
        "modelConfig": {"provider": "openai", "model": "gpt-4o", "temperature": 0.7},
        "promptMeta": {"systemPrompt": "You are a helpful assistant."},
        "totalTokens": 370,
        "totalCost": 0.003
    })
}

/// The snapshot schema versions a suite runs on: the same conversation as
/// the plan's contract writes it (version 1) and as the app writes it now
/// (version 2, each answer naming its model, settings and end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    V1,
    V2,
}

impl Schema {
    pub const ALL: [Schema; 2] = [Schema::V1, Schema::V2];
}

/// [`snapshot`] in `schema`: in version 2 the answers say which model wrote
/// them (the tool-calling one another than the header's, with its own
/// settings), how they ended and which prompt they answer, and `promptMeta`
/// has a key of the client's own. Same messages, same indices, same totals.
pub fn snapshot_in(schema: Schema, title: &str) -> Value {
    let mut value = snapshot(title);
    if schema == Schema::V2 {
        value["schemaVersion"] = json!(2);
        let calling = &mut value["messages"][1];
        calling["provider"] = json!("anthropic");
        calling["model"] = json!("claude-sonnet-4");
        calling["params"] = json!({"temperature": 0.2, "maxTokens": 1024, "seed": 7});
        calling["finishReason"] = json!("toolCalls");
        calling["replyTo"] = json!("m1");
        let answer = &mut value["messages"][3];
        answer["provider"] = json!("openai");
        answer["model"] = json!("gpt-4o");
        answer["finishReason"] = json!("stop");
        value["promptMeta"]["promptId"] = json!("weather-v3");
    }
    value
}

/// `on_both_backends!(check, configure)` makes `async fn check(TestServer)`
/// two tests, `check::sqlite` and `check::postgres`, with the server built by
/// `configure` on each backend: the same assertions on both. The calling
/// test crate also declares `mod pg`.
#[macro_export]
macro_rules! on_both_backends {
    ($check:ident, $configure:expr) => {
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                super::$check($crate::common::TestServer::with($configure).await).await;
            }

            #[tokio::test]
            async fn postgres() {
                let database = $crate::pg::TestDatabase::create().await;
                let server = $crate::common::TestServer::on(Some(&database.url), $configure).await;
                super::$check(server).await;
            }
        }
    };
}
