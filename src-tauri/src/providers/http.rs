//! HTTP plumbing shared by the providers: the client, sending a request,
//! turning a refused request into the provider's own message, and reading
//! SSE and NDJSON bodies.

use std::error::Error as _;
use std::sync::Once;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::{CONNECT_TIMEOUT, ProviderError, READ_TIMEOUT};

/// The client for providers and share servers.
///
/// TLS is rustls with the *ring* crypto provider, installed here once for the
/// process (reqwest's `rustls-no-provider`: lighter to build than aws-lc-rs);
/// certificates are checked against the platform's roots.
pub fn http_client() -> Result<reqwest::Client, String> {
    install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .user_agent(concat!("Parlor/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("could not set up HTTP: {}", error_chain(&e)))
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// `error` and its causes, `: `-separated (reqwest's top message alone says
/// little: "error sending request").
pub fn error_chain(error: &reqwest::Error) -> String {
    let mut text = without_url(error);
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The error's own message without the URL: the user knows the URL, and a
/// self-hosted endpoint's URL could carry credentials in its query.
fn without_url(error: &reqwest::Error) -> String {
    let text = error.to_string();
    match error.url() {
        Some(url) => text
            .replace(&format!(" for url ({url})"), "")
            .replace(url.as_str(), "<url>"),
        None => text,
    }
}

/// Sends the request; a refused one (4xx/5xx) becomes the provider's own
/// error message. The POST is sent once: never retried.
pub async fn send(request: RequestBuilder, provider: &str) -> Result<Response, ProviderError> {
    let response = request
        .send()
        .await
        .map_err(|e| ProviderError(format!("Could not reach {provider}: {}", error_chain(&e))))?;
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let retry_after = retry_after_secs(response.headers());
    // Bounded: an error page is not worth megabytes.
    let body = read_limited(response, 64 * 1024).await;
    Err(ProviderError(refusal_message(
        provider,
        status,
        &body,
        retry_after,
    )))
}

/// The body's text, at most `limit` bytes of it; what arrived before a
/// broken connection is kept.
pub async fn read_limited(response: Response, limit: usize) -> String {
    let mut bytes = Vec::new();
    let _ = read_into(response, limit, &mut bytes).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Reads the body into `bytes`, up to `limit` bytes (the rest is not read).
pub async fn read_into(
    mut response: Response,
    limit: usize,
    bytes: &mut Vec<u8>,
) -> Result<(), reqwest::Error> {
    while let Some(chunk) = response.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() >= limit {
            bytes.truncate(limit);
            break;
        }
    }
    Ok(())
}

pub fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(|secs| secs.ceil() as u64)
}

/// "OpenAI answered HTTP 429 Too Many Requests: Rate limit reached … Retry after 20 s."
pub fn refusal_message(
    provider: &str,
    status: StatusCode,
    body: &str,
    retry_after: Option<u64>,
) -> String {
    let mut message = format!("{provider} answered HTTP {status}");
    if let Some(detail) = provider_error_text(body) {
        message.push_str(": ");
        message.push_str(&detail);
    }
    if let Some(secs) = retry_after {
        message.push_str(&format!(" (retry after {secs} s)"));
    }
    message
}

/// The human part of a provider's error body: `error.message` (OpenAI,
/// Anthropic), `error` (Ollama), `message` or `detail`; else the body's text.
pub fn provider_error_text(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        let error = json.get("error");
        let found = error
            .and_then(|e| e.get("message"))
            .or_else(|| error.filter(|e| e.is_string()))
            .or_else(|| json.get("message"))
            .or_else(|| json.get("detail"))
            .and_then(|v| v.as_str());
        if let Some(text) = found {
            let kind = error
                .and_then(|e| e.get("type").or_else(|| e.get("code")))
                .and_then(|t| t.as_str())
                .filter(|t| !text.contains(t));
            return Some(match kind {
                Some(kind) => format!("{text} ({kind})"),
                None => text.to_owned(),
            });
        }
    }
    Some(shorten(body, 300))
}

pub fn shorten(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

/// The message for a body that broke off.
pub fn body_error(provider: &str, error: &reqwest::Error) -> ProviderError {
    ProviderError(format!(
        "The connection to {provider} broke off mid-answer: {}",
        error_chain(error)
    ))
}

/// A stream that ended before the answer did.
pub fn closed_early(provider: &str) -> ProviderError {
    ProviderError(format!(
        "The connection to {provider} closed before the answer was complete."
    ))
}

/// An error the provider reported in the middle of its answer.
pub fn mid_answer_error(provider: &str, detail: &str) -> ProviderError {
    ProviderError(format!("{provider} reported an error mid-answer: {detail}"))
}

/// `text` (a `what`: chunk, event, line) read as JSON; text that is not
/// the JSON expected is the turn's error, quoting its start.
pub fn parse_json<T: DeserializeOwned>(
    provider: &str,
    what: &str,
    text: &str,
) -> Result<T, ProviderError> {
    serde_json::from_str(text).map_err(|e| {
        ProviderError(format!(
            "{provider} sent a malformed {what} ({e}): {}",
            shorten(text, 200)
        ))
    })
}

/// The events of an SSE body; a body that breaks off or is not SSE is the
/// turn's error.
pub fn sse_events(
    response: Response,
    provider: &str,
) -> impl Stream<Item = Result<Event, ProviderError>> + Unpin + '_ {
    response.bytes_stream().eventsource().map(move |event| {
        event.map_err(|e| match e {
            EventStreamError::Transport(e) => body_error(provider, &e),
            e => ProviderError(format!("{provider} sent an unreadable event stream: {e}")),
        })
    })
}

/// The lines of an NDJSON body, each without its newline; empty lines are
/// skipped. A last line without a newline is still yielded.
pub fn ndjson_lines(
    response: Response,
) -> impl Stream<Item = Result<String, reqwest::Error>> + Send {
    let state = (response.bytes_stream(), Vec::<u8>::new(), false);
    futures_util::stream::unfold(state, |(mut body, mut buffer, mut ended)| async move {
        loop {
            if let Some(at) = buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buffer.drain(..=at).collect();
                let line = String::from_utf8_lossy(&line).trim().to_owned();
                if line.is_empty() {
                    continue;
                }
                return Some((Ok(line), (body, buffer, ended)));
            }
            if ended {
                let rest = String::from_utf8_lossy(&buffer).trim().to_owned();
                buffer.clear();
                return (!rest.is_empty()).then(|| (Ok(rest), (body, buffer, ended)));
            }
            match body.next().await {
                Some(Ok(chunk)) => buffer.extend_from_slice(&chunk),
                Some(Err(e)) => return Some((Err(e), (body, Vec::new(), true))),
                None => ended = true,
            }
        }
    })
}
