//! The models a provider lists, read in its own wire format:
//! OpenAI-compatible `GET {base}/models` (`{"data":[{"id"}]}`), Anthropic
//! `GET {base}/v1/models` (pages of `{"data":[{"id","display_name"}],
//! "has_more","last_id"}`), Ollama `GET {base}/api/tags`
//! (`{"models":[{"name"}]}`). A list comes back sorted by id without
//! repeats; an empty one is an answer too (the user types the model name).
//!
//! Errors say what to fix: the key (401, 403), the address (no answer), or
//! anything else the server said, naming the status and the URL. The key
//! travels in a header and never appears in an error: the URL shown drops
//! credentials and query, the server's text is not quoted when it refused
//! the key (OpenAI echoes part of it), and any other text has the key
//! blanked out.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use contract::error::code;
use contract::{ModelInfo, ModelList, ProviderConfig};
use reqwest::{Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Endpoint;
use super::http::{error_chain, provider_error_text, read_into, read_limited, shorten};

/// How long listing a configured provider's models may take.
pub const LIST_TIMEOUT: Duration = Duration::from_secs(20);
/// The most Anthropic pages read (a thousand models each).
const MAX_PAGES: usize = 20;
/// The largest list read (OpenRouter's, with descriptions, is a few MB).
const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;
/// How much of an error page is read, and how much of it is quoted.
const MAX_ERROR_BYTES: usize = 16 * 1024;
const EXCERPT_CHARS: usize = 200;
/// What stands where a server's text had the key.
const BLANKED: &str = "[REDACTED]";

/// Why a provider's models could not be listed. Each message is for a
/// person and never holds the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelsError {
    /// An entry that cannot be tried as it is.
    #[error("{0}")]
    Invalid(String),
    /// The server refused the key, or asks for one (401, 403).
    #[error("{0}")]
    Unauthorized(String),
    /// No answer: DNS, refused connection, timeout, TLS.
    #[error("{0}")]
    Unreachable(String),
    /// Any other status, or an answer that is not a model list.
    #[error("{0}")]
    Failed(String),
}

impl ModelsError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            ModelsError::Invalid(_) => code::INVALID_INPUT,
            ModelsError::Unauthorized(_) => code::PROVIDER_UNAUTHORIZED,
            ModelsError::Unreachable(_) => code::PROVIDER_UNREACHABLE,
            ModelsError::Failed(_) => code::PROVIDER_ERROR,
        }
    }

    /// The same error with `key` blanked out of its text (wherever the
    /// message took it from).
    fn without(self, key: Option<&str>) -> Self {
        let Some(key) = key.filter(|key| !key.is_empty()) else {
            return self;
        };
        let clean = |text: String| text.replace(key, BLANKED);
        match self {
            ModelsError::Invalid(text) => ModelsError::Invalid(clean(text)),
            ModelsError::Unauthorized(text) => ModelsError::Unauthorized(clean(text)),
            ModelsError::Unreachable(text) => ModelsError::Unreachable(clean(text)),
            ModelsError::Failed(text) => ModelsError::Failed(clean(text)),
        }
    }
}

/// The models `endpoint` lists, each request given at most `limit`.
pub async fn list_models(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    limit: Duration,
) -> Result<Vec<ModelInfo>, ModelsError> {
    let listing = Listing {
        client,
        endpoint,
        limit,
    };
    let models = match endpoint.kind {
        contract::ProviderKind::OpenAi => listing.openai().await,
        contract::ProviderKind::Anthropic => listing.anthropic().await,
        contract::ProviderKind::Ollama => listing.ollama().await,
    };
    let mut models = models.map_err(|e| e.without(endpoint.api_key.as_deref()))?;
    models.sort_by(|a, b| a.id.cmp(&b.id));
    models.dedup_by(|later, earlier| later.id == earlier.id);
    Ok(models)
}

/// Checks an entry before it is tried: its base URL must be http(s).
pub fn check_entry(provider: &ProviderConfig) -> Result<(), ModelsError> {
    let url = provider.base_url.trim();
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Ok(()),
        _ if url.is_empty() => Err(ModelsError::Invalid("the base URL is empty".into())),
        _ => Err(ModelsError::Invalid(format!(
            "the base URL “{url}” is not an http(s) URL"
        ))),
    }
}

/// The lists read in this run, by provider id, with the address each was
/// read from: an entry whose kind or base URL changed since is asked again.
#[derive(Debug, Default)]
pub struct ModelCache {
    lists: Mutex<HashMap<String, (Source, ModelList)>>,
}

type Source = (contract::ProviderKind, String);

impl ModelCache {
    /// The models provider `provider_id` lists through `endpoint`: from
    /// the cache unless `refresh` (or the entry changed), else asked and
    /// kept.
    pub async fn list(
        &self,
        client: &reqwest::Client,
        provider_id: &str,
        endpoint: &Endpoint,
        refresh: bool,
    ) -> Result<ModelList, ModelsError> {
        let source = (endpoint.kind, endpoint.base_url.clone());
        if !refresh && let Some(list) = self.cached(provider_id, &source) {
            return Ok(list);
        }
        let list = fetch(client, provider_id, endpoint).await?;
        if let Ok(mut lists) = self.lists.lock() {
            lists.insert(provider_id.to_owned(), (source, list.clone()));
        }
        Ok(list)
    }

    /// Forgets what provider `provider_id` listed (its key changed).
    pub fn forget(&self, provider_id: &str) {
        if let Ok(mut lists) = self.lists.lock() {
            lists.remove(provider_id);
        }
    }

    fn cached(&self, provider_id: &str, source: &Source) -> Option<ModelList> {
        let lists = self.lists.lock().ok()?;
        let (read_from, list) = lists.get(provider_id)?;
        (read_from == source).then(|| ModelList {
            cached: true,
            ..list.clone()
        })
    }
}

/// Asks `endpoint` for its models now, as provider `provider_id`.
pub async fn fetch(
    client: &reqwest::Client,
    provider_id: &str,
    endpoint: &Endpoint,
) -> Result<ModelList, ModelsError> {
    Ok(ModelList {
        provider_id: provider_id.to_owned(),
        models: list_models(client, endpoint, LIST_TIMEOUT).await?,
        fetched_at: chrono::Utc::now(),
        cached: false,
    })
}

/// One listing's requests.
struct Listing<'a> {
    client: &'a reqwest::Client,
    endpoint: &'a Endpoint,
    limit: Duration,
}

#[derive(Deserialize)]
struct OpenAiList {
    /// Required (nullable): a JSON answer without it is not this format.
    #[serde(deserialize_with = "Option::deserialize")]
    data: Option<Vec<OpenAiModel>>,
}

#[derive(Deserialize)]
struct OpenAiModel {
    id: String,
    /// OpenRouter's friendly name; other servers send none or other things.
    #[serde(default)]
    name: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct AnthropicPage {
    data: Vec<AnthropicModel>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    last_id: Option<String>,
}

#[derive(Deserialize)]
struct AnthropicModel {
    id: String,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct OllamaTags {
    #[serde(deserialize_with = "Option::deserialize")]
    models: Option<Vec<OllamaModel>>,
}

#[derive(Deserialize)]
struct OllamaModel {
    name: String,
}

fn model(id: String, display_name: Option<String>) -> ModelInfo {
    let display_name = display_name.filter(|name| !name.trim().is_empty() && *name != id);
    ModelInfo { id, display_name }
}

impl Listing<'_> {
    async fn openai(&self) -> Result<Vec<ModelInfo>, ModelsError> {
        let list: OpenAiList = self.get("/models", &[]).await?;
        let models = list.data.unwrap_or_default().into_iter().map(|m| {
            let name = m.name.and_then(|n| n.as_str().map(str::to_owned));
            model(m.id, name)
        });
        Ok(models.collect())
    }

    /// Every page, following `has_more` (a bounded number of pages).
    async fn anthropic(&self) -> Result<Vec<ModelInfo>, ModelsError> {
        let mut models = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("limit", "1000")];
            if let Some(id) = &after {
                query.push(("after_id", id.as_str()));
            }
            let page: AnthropicPage = self.get("/v1/models", &query).await?;
            models.extend(page.data.into_iter().map(|m| model(m.id, m.display_name)));
            match page.last_id {
                Some(last) if page.has_more && after.as_ref() != Some(&last) => after = Some(last),
                _ => break,
            }
        }
        Ok(models)
    }

    async fn ollama(&self) -> Result<Vec<ModelInfo>, ModelsError> {
        let tags: OllamaTags = self.get("/api/tags", &[]).await?;
        let models = tags.models.unwrap_or_default().into_iter();
        Ok(models.map(|m| model(m.name, None)).collect())
    }

    /// `GET path?query` under the base URL, read as JSON `T`.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ModelsError> {
        let name = &self.endpoint.name;
        let mut url = reqwest::Url::parse(&self.endpoint.url(path)).map_err(|_| {
            ModelsError::Invalid(format!(
                "the base URL of {name} is not a URL: {}",
                self.endpoint.base_url
            ))
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let shown = shown_url(url.clone());
        let unreachable = |e: reqwest::Error| {
            let detail = if e.is_timeout() {
                format!("no answer within {} ms", self.limit.as_millis())
            } else {
                error_chain(&e)
            };
            let detail = self.blank(&detail);
            ModelsError::Unreachable(format!("Could not reach {name} at {shown}: {detail}"))
        };
        let request = self.client.get(url).timeout(self.limit);
        let response = self
            .endpoint
            .authorize(request)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(self.refusal(status, response, &shown).await);
        }
        let mut body = Vec::new();
        read_into(response, MAX_LIST_BYTES, &mut body)
            .await
            .map_err(unreachable)?;
        serde_json::from_slice(&body).map_err(|e| {
            ModelsError::Failed(format!(
                "{name} at {shown} did not answer with a model list ({})",
                shorten(&self.blank(&e.to_string()), EXCERPT_CHARS)
            ))
        })
    }

    /// `text` without the key: blanked before any text is shortened, so
    /// that no part of it is left either.
    fn blank(&self, text: &str) -> String {
        match self.endpoint.api_key.as_deref() {
            Some(key) if !key.is_empty() => text.replace(key, BLANKED),
            _ => text.to_owned(),
        }
    }

    /// The error for a refused request.
    async fn refusal(&self, status: StatusCode, response: Response, shown: &str) -> ModelsError {
        let name = &self.endpoint.name;
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            let what = match self.endpoint.api_key {
                Some(_) => "refused the API key",
                None => "needs an API key",
            };
            return ModelsError::Unauthorized(format!(
                "{name} {what} (HTTP {status} from {shown})"
            ));
        }
        let body = self.blank(&read_limited(response, MAX_ERROR_BYTES).await);
        let mut message = format!("{name} answered HTTP {status} from {shown}");
        if let Some(excerpt) = provider_error_text(&body).map(|text| plain_excerpt(&text)) {
            message.push_str(": ");
            message.push_str(&excerpt);
        }
        ModelsError::Failed(message)
    }
}

/// `url` as errors show it: without user, password, query or fragment.
fn shown_url(mut url: reqwest::Url) -> String {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// An error page as one short line of text: markup dropped, whitespace
/// and control characters folded into single spaces.
fn plain_excerpt(text: &str) -> String {
    let mut plain = String::with_capacity(text.len().min(4 * EXCERPT_CHARS));
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => plain.push(' '),
            c => plain.push(c),
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    shorten(&words.join(" "), EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_become_one_short_plain_line() {
        let page = "<html><head><title>404 Not Found</title></head>\n<body>\t<h1>Not\u{7}Found</h1></body></html>";
        assert_eq!(plain_excerpt(page), "404 Not Found Not Found");
        let long = "x".repeat(500);
        assert_eq!(plain_excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn shown_urls_carry_no_credentials() {
        assert_eq!(
            shown_url(
                "https://user:pw@llm.example/v1/models?key=secret#x"
                    .parse()
                    .unwrap()
            ),
            "https://llm.example/v1/models"
        );
    }

    #[test]
    fn entries_need_an_http_base_url() {
        let entry = |base_url: &str| ProviderConfig {
            id: "p".into(),
            name: "P".into(),
            kind: contract::ProviderKind::OpenAi,
            base_url: base_url.into(),
            price_provider: None,
            models: vec![],
        };
        assert_eq!(check_entry(&entry("http://127.0.0.1:8080/v1")), Ok(()));
        for (url, message) in [
            (" ", "the base URL is empty"),
            ("ftp://x", "the base URL “ftp://x” is not an http(s) URL"),
            (
                "127.0.0.1:8080",
                "the base URL “127.0.0.1:8080” is not an http(s) URL",
            ),
        ] {
            let error = check_entry(&entry(url)).unwrap_err();
            assert_eq!(error.code(), "invalid_input");
            assert_eq!(error.to_string(), message);
        }
    }
}
