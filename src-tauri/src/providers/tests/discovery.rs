//! Looking for model servers on loopback ports: real servers speaking each
//! format, other HTTP servers, closed and silent ports, all probed at once.

use std::time::{Duration, Instant};

use contract::{DiscoveredProvider, ProviderConfig};

use super::models::closed_port;
use super::server::{Reply, ScriptServer};
use crate::providers::discovery::{LocalServer, discover};
use crate::providers::http_client;
use crate::settings::ProviderKind;

/// A server answering `reply` once, and its port.
async fn answering(reply: Reply) -> (ScriptServer, u16) {
    let server = ScriptServer::start(vec![reply]).await;
    let port = server.base_url.rsplit(':').next().unwrap().parse().unwrap();
    (server, port)
}

fn at(name: &'static str, kind: ProviderKind, port: u16) -> LocalServer {
    LocalServer { name, kind, port }
}

#[tokio::test]
async fn model_servers_are_offered_and_other_ports_are_not() {
    let (openai, openai_port) = answering(Reply::json(
        200,
        r#"{"object":"list","data":[{"id":"qwen2.5-7b-instruct","object":"model","owned_by":"llamacpp"}]}"#,
    ))
    .await;
    let (ollama, ollama_port) = answering(Reply::json(
        200,
        r#"{"models":[{"name":"llama3.2:latest"}]}"#,
    ))
    .await;
    let (_web_app, web_port) = answering(Reply::json(200, "<html>It works!</html>")).await;
    let (_api, api_port) = answering(Reply::json(404, r#"{"detail":"Not Found"}"#)).await;
    let closed = closed_port().await;
    let servers = [
        at("Ollama", ProviderKind::Ollama, ollama_port),
        at("llama.cpp server", ProviderKind::OpenAi, openai_port),
        at("LM Studio", ProviderKind::OpenAi, web_port),
        at("vLLM", ProviderKind::OpenAi, api_port),
        at("vLLM", ProviderKind::OpenAi, closed),
    ];
    // The Ollama one is configured already, written with a trailing slash.
    let configured = [ProviderConfig {
        id: "my-ollama".into(),
        base_url: format!("http://127.0.0.1:{ollama_port}/"),
        ..servers[0].entry(vec![])
    }];

    let found = discover(
        &http_client().unwrap(),
        &servers,
        &configured,
        Duration::from_secs(5),
    )
    .await;

    let offered = |id: String, name: &str, kind, base_url: String, model: &str, already| {
        let provider = ProviderConfig {
            id,
            name: name.into(),
            kind,
            base_url,
            price_provider: None,
            models: vec![model.into()],
        };
        DiscoveredProvider {
            provider,
            already_configured: already,
        }
    };
    assert_eq!(
        found,
        [
            offered(
                "my-ollama".into(),
                &format!("Ollama (127.0.0.1:{ollama_port})"),
                ProviderKind::Ollama,
                format!("http://127.0.0.1:{ollama_port}"),
                "llama3.2:latest",
                true,
            ),
            offered(
                format!("local-{openai_port}"),
                &format!("llama.cpp server (127.0.0.1:{openai_port})"),
                ProviderKind::OpenAi,
                format!("http://127.0.0.1:{openai_port}/v1"),
                "qwen2.5-7b-instruct",
                false,
            ),
        ]
    );
    assert_eq!(ollama.requests()[0].path, "/api/tags");
    let asked = &openai.requests()[0];
    assert_eq!(asked.path, "/v1/models");
    assert_eq!(asked.header("authorization"), None);
}

/// Silent ports cost one short wait in all, not one each.
#[tokio::test]
async fn silent_ports_are_given_up_on_together() {
    // Servers that accept and never answer, noting when each was reached.
    let reached = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut held = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..3 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        servers.push(at(
            "vLLM",
            ProviderKind::OpenAi,
            listener.local_addr().unwrap().port(),
        ));
        let reached = reached.clone();
        held.push(tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                reached.lock().unwrap().push(Instant::now());
                open.push(socket);
            }
        }));
    }
    let limit = Duration::from_secs(2);
    let started = Instant::now();
    let found = discover(&http_client().unwrap(), &servers, &[], limit).await;
    assert_eq!(found, []);
    assert!(started.elapsed() >= limit, "gave up before the limit");
    // Probed one after another, the second would be reached only once the
    // first had been given up on: every one was reached within the first
    // limit.
    let reached = reached.lock().unwrap().clone();
    assert_eq!(reached.len(), 3, "every port was probed");
    for at in reached {
        assert!(
            at - started < limit,
            "a port was probed only after another gave up"
        );
    }
}
