//! Model servers on this computer: each usual loopback port is asked for
//! its model list in the format its server speaks, all at once and briefly,
//! and each that answers with one is offered as a provider entry ready to
//! add. A port that is closed, slow, or served by something else (a web
//! app on 8080, say) is passed over: only a model list counts.

use std::time::Duration;

use contract::{DiscoveredProvider, ProviderConfig, ProviderKind};

use super::Endpoint;
use super::models::list_models;

/// A kind of model server and the loopback port it usually listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalServer {
    pub name: &'static str,
    pub kind: ProviderKind,
    pub port: u16,
}

/// The servers looked for, on their default ports.
pub const LOCAL_SERVERS: &[LocalServer] = &[
    LocalServer {
        name: "Ollama",
        kind: ProviderKind::Ollama,
        port: 11434,
    },
    LocalServer {
        name: "llama.cpp server",
        kind: ProviderKind::OpenAi,
        port: 8080,
    },
    LocalServer {
        name: "LM Studio",
        kind: ProviderKind::OpenAi,
        port: 1234,
    },
    LocalServer {
        name: "vLLM",
        kind: ProviderKind::OpenAi,
        port: 8000,
    },
];

/// How long each port may take to connect and answer: a local server
/// answers in milliseconds, and the user is waiting.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(400);

impl LocalServer {
    /// The entry this server would be: its base URL as the wire format
    /// wants it (OpenAI-compatible ones end in `/v1`), and an id and name
    /// from the kind and port.
    pub fn entry(&self, models: Vec<String>) -> ProviderConfig {
        let address = format!("127.0.0.1:{}", self.port);
        let base_url = match self.kind {
            ProviderKind::OpenAi => format!("http://{address}/v1"),
            ProviderKind::Anthropic | ProviderKind::Ollama => format!("http://{address}"),
        };
        ProviderConfig {
            id: format!("local-{}", self.port),
            name: format!("{} ({address})", self.name),
            kind: self.kind,
            base_url,
            price_provider: None,
            models,
        }
    }
}

/// The servers of `servers` that answer with a model list within `limit`,
/// in that order, each as an entry to add with an id no other entry of
/// `configured` has; one whose base URL is configured already is marked,
/// and keeps that entry's id.
pub async fn discover(
    client: &reqwest::Client,
    servers: &[LocalServer],
    configured: &[ProviderConfig],
    limit: Duration,
) -> Vec<DiscoveredProvider> {
    let probes = servers.iter().map(|server| probe(client, server, limit));
    let found = futures_util::future::join_all(probes).await;
    found
        .into_iter()
        .flatten()
        .map(|mut provider| {
            let existing = configured
                .iter()
                .find(|c| same_base_url(&c.base_url, &provider.base_url));
            provider.id = match existing {
                Some(entry) => entry.id.clone(),
                None => free_id(&provider.id, configured),
            };
            DiscoveredProvider {
                provider,
                already_configured: existing.is_some(),
            }
        })
        .collect()
}

/// The server's entry, if it answers with a model list.
async fn probe(
    client: &reqwest::Client,
    server: &LocalServer,
    limit: Duration,
) -> Option<ProviderConfig> {
    let mut entry = server.entry(Vec::new());
    let endpoint = Endpoint {
        kind: entry.kind,
        name: entry.name.clone(),
        base_url: entry.base_url.clone(),
        api_key: None,
    };
    match list_models(client, &endpoint, limit).await {
        Ok(models) => {
            entry.models = models.into_iter().map(|m| m.id).collect();
            Some(entry)
        }
        Err(e) => {
            tracing::debug!("no model server found: {e}");
            None
        }
    }
}

/// Whether two base URLs name the same place: trailing slashes, case and
/// `localhost` for `127.0.0.1` make no difference.
fn same_base_url(a: &str, b: &str) -> bool {
    let normal = |url: &str| {
        url.trim()
            .trim_end_matches('/')
            .to_ascii_lowercase()
            .replacen("://localhost", "://127.0.0.1", 1)
    };
    normal(a) == normal(b)
}

/// `id`, or `id-2`, `id-3`, … when a configured entry has it.
fn free_id(id: &str, configured: &[ProviderConfig]) -> String {
    let taken = |candidate: &str| configured.iter().any(|c| c.id == candidate);
    (1..)
        .map(|n| match n {
            1 => id.to_owned(),
            n => format!("{id}-{n}"),
        })
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_named_after_the_server_and_its_port() {
        let llama = LOCAL_SERVERS[1].entry(vec!["qwen".into()]);
        assert_eq!(llama.id, "local-8080");
        assert_eq!(llama.name, "llama.cpp server (127.0.0.1:8080)");
        assert_eq!(llama.base_url, "http://127.0.0.1:8080/v1");
        assert_eq!(llama.models, ["qwen"]);
        assert_eq!(llama.price_provider, None);
        let ollama = LOCAL_SERVERS[0].entry(vec![]);
        assert_eq!(ollama.base_url, "http://127.0.0.1:11434");
        assert_eq!(ollama.name, "Ollama (127.0.0.1:11434)");
    }

    #[test]
    fn base_urls_compare_without_trailing_slashes() {
        assert!(same_base_url(
            "http://127.0.0.1:11434/",
            "http://127.0.0.1:11434"
        ));
        assert!(same_base_url(
            "http://localhost:8080/v1//",
            "http://127.0.0.1:8080/v1"
        ));
        assert!(!same_base_url(
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/v1"
        ));
    }

    #[test]
    fn a_taken_id_gets_a_number() {
        let configured = [
            LOCAL_SERVERS[1].entry(vec![]),
            ProviderConfig {
                id: "local-8080-2".into(),
                ..LOCAL_SERVERS[1].entry(vec![])
            },
        ];
        assert_eq!(free_id("local-1234", &configured), "local-1234");
        assert_eq!(free_id("local-8080", &configured), "local-8080-3");
    }
}
