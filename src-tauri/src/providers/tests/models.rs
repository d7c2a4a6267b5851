//! Model lists from real local servers speaking each wire format, asked
//! through the commands' own functions: the configured provider and its key
//! from the core, and the cache of the run.

use std::time::Duration;

use contract::{ModelInfo, ModelList, ProviderConfig};

use super::server::{Recorded, Reply};
use super::{API_KEY, Harness, harness};
use crate::commands::{provider_models, try_provider};
use crate::error::AppError;
use crate::providers::Endpoint;
use crate::providers::models::list_models;
use crate::settings::ProviderKind;

/// Where each kind's harness puts the base URL under the server (an
/// OpenAI-compatible one ends in `/v1`).
fn base_path(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OpenAi => "/v1",
        ProviderKind::Anthropic | ProviderKind::Ollama => "",
    }
}

/// A core whose provider `test` (key [`API_KEY`]) of `kind` is a server
/// answering `replies`.
async fn provider(kind: ProviderKind, replies: Vec<Reply>) -> Harness {
    harness(kind, base_path(kind), "m", replies).await
}

/// A provider `test` of `kind` whose server answers `body` once.
async fn answering(kind: ProviderKind, body: &str) -> Harness {
    provider(kind, vec![Reply::json(200, body)]).await
}

/// The models provider `id` lists: from the cache unless `refresh`.
async fn models_of(h: &Harness, id: &str, refresh: bool) -> Result<ModelList, AppError> {
    provider_models(&h.core, id, refresh).await
}

/// The models provider `test` lists, asked anew.
async fn listed(h: &Harness) -> Result<ModelList, AppError> {
    models_of(h, "test", true).await
}

/// Tries `provider` with `api_key`.
async fn tried(
    h: &Harness,
    provider: ProviderConfig,
    api_key: Option<String>,
) -> Result<ModelList, AppError> {
    try_provider(&h.core, &provider, api_key).await
}

fn model(id: &str, display_name: Option<&str>) -> ModelInfo {
    ModelInfo {
        id: id.into(),
        display_name: display_name.map(Into::into),
    }
}

fn ids(list: &ModelList) -> Vec<&str> {
    list.models.iter().map(|m| m.id.as_str()).collect()
}

/// The one request the server got: a GET of `path`.
fn only_request(h: &Harness, path: &str) -> Recorded {
    let requests = h.server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, path);
    requests[0].clone()
}

#[tokio::test]
async fn openai_compatible_models_come_sorted_once_each_with_the_bearer_key() {
    let h = answering(
        ProviderKind::OpenAi,
        r#"{"object":"list","data":[
            {"id":"gpt-b","object":"model","created":1,"owned_by":"system"},
            {"id":"gpt-a","object":"model","name":"GPT A"},
            {"id":"gpt-b","object":"model","name":{"not":"text"}}]}"#,
    )
    .await;
    let list = listed(&h).await.unwrap();
    assert_eq!(list.provider_id, "test");
    assert!(!list.cached);
    assert_eq!(
        list.models,
        [model("gpt-a", Some("GPT A")), model("gpt-b", None)]
    );
    let request = only_request(&h, "/v1/models");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn anthropic_pages_are_followed_with_the_key_and_version() {
    let h = provider(
        ProviderKind::Anthropic,
        vec![
            Reply::json(
                200,
                r#"{"data":[{"type":"model","id":"claude-opus-4-1","display_name":"Claude Opus 4.1","created_at":"2025-08-05T00:00:00Z"},
                            {"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5","created_at":"2025-10-01T00:00:00Z"}],
                   "has_more":true,"first_id":"claude-opus-4-1","last_id":"claude-haiku-4-5"}"#,
            ),
            Reply::json(
                200,
                r#"{"data":[{"type":"model","id":"claude-3-haiku-20240307","display_name":"Claude Haiku 3","created_at":"2024-03-07T00:00:00Z"}],
                   "has_more":false,"first_id":"claude-3-haiku-20240307","last_id":"claude-3-haiku-20240307"}"#,
            ),
        ],
    )
    .await;
    let list = listed(&h).await.unwrap();
    assert_eq!(
        list.models,
        [
            model("claude-3-haiku-20240307", Some("Claude Haiku 3")),
            model("claude-haiku-4-5", Some("Claude Haiku 4.5")),
            model("claude-opus-4-1", Some("Claude Opus 4.1")),
        ]
    );
    let requests = h.server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v1/models?limit=1000",
            "/v1/models?limit=1000&after_id=claude-haiku-4-5"
        ]
    );
    for request in &requests {
        assert_eq!(request.header("x-api-key"), Some(API_KEY));
        assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(request.header("authorization"), None);
    }
}

#[tokio::test]
async fn ollama_lists_its_local_tags() {
    let h = answering(
        ProviderKind::Ollama,
        r#"{"models":[
            {"name":"qwen3:8b","model":"qwen3:8b","modified_at":"2025-05-01T10:00:00Z","size":5225388164,"digest":"500a1f06","details":{"family":"qwen3","parameter_size":"8.2B"}},
            {"name":"llama3.2:latest","model":"llama3.2:latest","size":2019393189}]}"#,
    )
    .await;
    let list = listed(&h).await.unwrap();
    assert_eq!(ids(&list), ["llama3.2:latest", "qwen3:8b"]);
    assert_eq!(list.models[0].display_name, None);
    only_request(&h, "/api/tags");
}

/// A server with no models is an answer: the user types the model name.
#[tokio::test]
async fn a_server_listing_nothing_gives_an_empty_list() {
    for (kind, body) in [
        (ProviderKind::OpenAi, r#"{"object":"list","data":[]}"#),
        (ProviderKind::Anthropic, r#"{"data":[],"has_more":false}"#),
        (ProviderKind::Ollama, r#"{"models":[]}"#),
        (ProviderKind::Ollama, r#"{"models":null}"#),
    ] {
        let list = listed(&answering(kind, body).await).await.unwrap();
        assert_eq!(list.models, [], "{kind:?} {body}");
    }
}

/// Each refusal has its code, names the status and the URL, and never
/// shows the key, even when the server's text echoes it.
#[tokio::test]
async fn refusals_say_what_to_fix_and_never_show_the_key() {
    let echo = format!(r#"{{"error":{{"message":"Incorrect API key provided: {API_KEY}"}}}}"#);
    let html = format!(
        "<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1><p>{API_KEY}</p>{}</body></html>",
        "padding ".repeat(100)
    );
    let cases: Vec<(ProviderKind, Reply, &str, Vec<&str>)> = vec![
        (
            ProviderKind::OpenAi,
            Reply::json(401, &echo),
            "provider_unauthorized",
            vec![
                "TestProvider refused the API key (HTTP 401 Unauthorized from ",
                "/v1/models)",
            ],
        ),
        (
            ProviderKind::Anthropic,
            Reply::json(
                403,
                r#"{"type":"error","error":{"type":"permission_error","message":"no"}}"#,
            ),
            "provider_unauthorized",
            vec!["HTTP 403 Forbidden", "/v1/models)"],
        ),
        (
            ProviderKind::OpenAi,
            Reply::json(404, &html),
            "provider_error",
            vec![
                "TestProvider answered HTTP 404 Not Found from ",
                "/v1/models: 404 Not Found Not Found [REDACTED] padding",
            ],
        ),
        (
            ProviderKind::Ollama,
            Reply::json(500, &echo),
            "provider_error",
            vec![
                "answered HTTP 500 Internal Server Error from ",
                "/api/tags: Incorrect API key provided: [REDACTED]",
            ],
        ),
        (
            ProviderKind::OpenAi,
            Reply::json(502, &format!("{}{API_KEY} upstream", "x".repeat(190))),
            "provider_error",
            vec!["answered HTTP 502 Bad Gateway from "],
        ),
        (
            ProviderKind::OpenAi,
            Reply::json(200, "<html>It works!</html>"),
            "provider_error",
            vec!["/v1/models did not answer with a model list (expected value"],
        ),
    ];
    for (kind, reply, code, fragments) in cases {
        let h = provider(kind, vec![reply]).await;
        let error = listed(&h).await.unwrap_err();
        let message = error.to_string();
        assert_eq!(error.code(), code, "{message}");
        assert!(message.contains(&h.server.base_url), "{message}");
        for fragment in fragments {
            assert!(message.contains(fragment), "{message} lacks {fragment}");
        }
        // Not even the start of it, where the text was cut short.
        assert!(
            !message.contains(&API_KEY[..12]),
            "the key leaked into: {message}"
        );
        assert!(message.chars().count() < 400, "{message}");
    }
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let h = provider(ProviderKind::OpenAi, vec![]).await;
    let closed = closed_port().await;
    let entry = ProviderConfig {
        base_url: format!("http://127.0.0.1:{closed}/v1"),
        ..h.core.provider("test").unwrap()
    };
    let error = tried(&h, entry, None).await.unwrap_err();
    assert_eq!(error.code(), "provider_unreachable");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "Could not reach TestProvider at http://127.0.0.1:{closed}/v1/models: "
        )),
        "{message}"
    );
    assert!(!message.contains(API_KEY), "{message}");
}

/// A port that accepts but never answers: given up on in time.
#[tokio::test]
async fn a_silent_server_is_unreachable_in_time() {
    let (port, _held) = silent_server().await;
    let endpoint = Endpoint {
        kind: ProviderKind::Ollama,
        name: "Ollama".into(),
        base_url: format!("http://127.0.0.1:{port}"),
        api_key: None,
    };
    let client = crate::providers::http_client().unwrap();
    let error = list_models(&client, &endpoint, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "provider_unreachable");
    assert!(
        error.to_string().ends_with(": no answer within 300 ms"),
        "{error}"
    );
}

#[tokio::test]
async fn lists_are_kept_for_the_run_until_refreshed_or_the_key_changes() {
    let list = |ids: &[&str]| {
        let data: Vec<String> = ids.iter().map(|id| format!(r#"{{"id":"{id}"}}"#)).collect();
        Reply::json(200, &format!(r#"{{"data":[{}]}}"#, data.join(",")))
    };
    let h = provider(
        ProviderKind::OpenAi,
        vec![list(&["a"]), list(&["a", "b"]), list(&["c"])],
    )
    .await;
    let first = models_of(&h, "test", false).await.unwrap();
    let again = models_of(&h, "test", false).await.unwrap();
    assert_eq!((ids(&first), first.cached), (vec!["a"], false));
    assert_eq!((ids(&again), again.cached), (vec!["a"], true));
    assert_eq!(again.fetched_at, first.fetched_at);
    assert_eq!(h.server.requests().len(), 1);

    let refreshed = models_of(&h, "test", true).await.unwrap();
    assert_eq!((ids(&refreshed), refreshed.cached), (vec!["a", "b"], false));
    assert_eq!(h.server.requests().len(), 2);

    h.core.models.forget("test");
    let after_forget = models_of(&h, "test", false).await.unwrap();
    assert_eq!(
        (ids(&after_forget), after_forget.cached),
        (vec!["c"], false)
    );
    assert_eq!(h.server.requests().len(), 3);
}

/// An entry being edited is tried with the key typed, or else the one
/// stored for its id, or none.
#[tokio::test]
async fn an_unsaved_entry_is_tried_with_the_key_typed_or_stored() {
    let ok = || Reply::json(200, r#"{"data":[{"id":"m"}]}"#);
    let h = provider(ProviderKind::OpenAi, vec![ok(), ok(), ok()]).await;
    let entry = |id: &str| ProviderConfig {
        id: id.into(),
        name: "Draft".into(),
        ..h.core.provider("test").unwrap()
    };
    let typed = "sk-typed-9876543210zyxwvu";
    for (id, key) in [
        ("test", None),
        ("test", Some(format!(" {typed} "))),
        ("new", Some("  ".into())),
    ] {
        let list = tried(&h, entry(id), key).await.unwrap();
        assert_eq!((list.provider_id.as_str(), ids(&list)), (id, vec!["m"]));
    }
    let sent: Vec<Option<String>> = h
        .server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [
            Some(format!("Bearer {API_KEY}")),
            Some(format!("Bearer {typed}")),
            None
        ]
    );
    // Trying does not fill the cache of the saved entry.
    let _ = models_of(&h, "test", false).await;
    assert_eq!(h.server.requests().len(), 3);
}

#[tokio::test]
async fn an_entry_without_an_http_base_url_is_refused_before_any_request() {
    let h = provider(ProviderKind::OpenAi, vec![]).await;
    let entry = ProviderConfig {
        base_url: "localhost:8080/v1".into(),
        ..h.core.provider("test").unwrap()
    };
    let error = tried(&h, entry, None).await.unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert_eq!(
        error.to_string(),
        "the base URL “localhost:8080/v1” is not an http(s) URL"
    );
    assert!(h.server.requests().is_empty());
}

#[tokio::test]
async fn an_unknown_provider_is_not_found() {
    let h = provider(ProviderKind::OpenAi, vec![]).await;
    let error = models_of(&h, "nope", false).await.unwrap_err();
    assert_eq!(error.code(), "not_found");
}

/// A loopback port nothing listens on.
pub async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A loopback port that accepts connections and never answers; it listens
/// while the handle is kept.
pub async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    (port, held)
}
