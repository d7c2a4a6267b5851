//! Talking to a share server: the envelope, the error mapping, publishing,
//! and reading share links.

use chat_core::ShareSnapshot;
use chrono::{DateTime, Utc};
use contract::error::code;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use super::{SERVER_TIMEOUT, ShareTarget};
use crate::providers::http::{error_chain, retry_after_secs, shorten};

/// The API path of shares on a share server.
pub const API_PATH: &str = "/api/v0/shared-chats";

/// What went wrong between the app and a share server: the server's
/// refusal or failure, or a snapshot or link it would refuse.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("The share server at {server} cannot be reached: {detail}")]
    Unreachable { server: String, detail: String },
    #[error("The share server refused the token ({status}): {message}")]
    Unauthorized { status: u16, message: String },
    #[error("The conversation is too large for the share server: {message}")]
    TooLarge { message: String },
    #[error("The share server rejected the snapshot: {message}")]
    Rejected {
        message: String,
        field: Option<String>,
    },
    #[error("The share server is rate limiting: {message}")]
    RateLimited {
        message: String,
        retry_after_secs: Option<u64>,
    },
    #[error("That share does not exist any more: {message}")]
    Gone { message: String },
    #[error("The share server failed ({status}): {message}")]
    Server { status: u16, message: String },
    #[error("The snapshot is not valid: {0}")]
    Invalid(#[from] chat_core::ValidationErrors),
    #[error("{0}")]
    BadUrl(String),
    #[error(
        "The password cannot be used: it must be 1 to 1024 bytes long, without control characters."
    )]
    BadPassword,
    #[error(
        "The share server at {server} does not support passwords: the link was revoked at once. Ask its admin to upgrade it."
    )]
    NoPasswords { server: String },
    #[error(
        "The share server at {server} is too old for this snapshot: it accepts snapshot versions {accepted:?}, Parlor writes version {written}. Ask its admin to upgrade it."
    )]
    ServerTooOld {
        server: String,
        accepted: Vec<u32>,
        written: u32,
    },
}

impl ServerError {
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Unreachable { .. } => code::SHARE_SERVER_UNREACHABLE,
            ServerError::Unauthorized { .. } => code::UNAUTHORIZED,
            ServerError::TooLarge { .. } => code::TOO_LARGE,
            ServerError::Rejected { .. } | ServerError::Invalid(_) => code::INVALID_SNAPSHOT,
            ServerError::RateLimited { .. } => code::RATE_LIMITED,
            ServerError::Gone { .. } => code::GONE,
            ServerError::Server { .. } => code::SHARE_SERVER_ERROR,
            ServerError::BadUrl(_) | ServerError::BadPassword => code::INVALID_INPUT,
            ServerError::ServerTooOld { .. } | ServerError::NoPasswords { .. } => {
                code::SERVER_TOO_OLD
            }
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            ServerError::Rejected { field, .. } => field.as_deref(),
            ServerError::Invalid(errors) => errors.field(),
            ServerError::BadPassword => Some("password"),
            _ => None,
        }
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ServerError::RateLimited {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }
}

/// The server's answer to a publish.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    pub share_id: String,
    pub share_url: String,
    #[serde(default)]
    pub delete_token: Option<String>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// The server's answer to a new version of a share.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedVersion {
    pub share_id: String,
    pub share_url: String,
    pub version: u32,
}

/// The header that carries a share's password: on publishing (the server
/// keeps only its hash) and on reading a protected share.
pub const PASSWORD_HEADER: &str = "x-share-password";

/// POSTs a snapshot to a share server (once: never retried), with the
/// password readers must give, if any. The password goes in a header marked
/// sensitive, so it is not printed with the request.
pub async fn publish(
    client: &reqwest::Client,
    target: &ShareTarget,
    snapshot: &ShareSnapshot,
    password: Option<&str>,
) -> Result<Published, ServerError> {
    let url = format!("{}{API_PATH}", target.server_url.trim_end_matches('/'));
    let mut request = client.post(url).timeout(SERVER_TIMEOUT).json(snapshot);
    if let Some(token) = &target.token {
        request = request.bearer_auth(token);
    }
    if let Some(password) = password {
        check_password(password)?;
        let mut value = reqwest::header::HeaderValue::from_bytes(password.as_bytes())
            .map_err(|_| ServerError::BadPassword)?;
        value.set_sensitive(true);
        request = request.header(PASSWORD_HEADER, value);
    }
    let mut published: Published = call(request, &target.server_url).await?;
    published.expires_at = published.expires_at.or(snapshot.expires_at);
    Ok(published)
}

/// Makes sure a share published with a password asks for it: a server that
/// does not know passwords ignores the header and would serve the link to
/// anyone. Such a share is revoked at once (with `auth`) and the publish
/// fails. A refused read (401) counts no view.
pub async fn confirm_protected(
    client: &reqwest::Client,
    server_url: &str,
    share_id: &str,
    auth: &ShareAuth,
) -> Result<(), ServerError> {
    let server_url = server_url.trim_end_matches('/');
    let url = format!("{server_url}{API_PATH}/{share_id}");
    let read = call::<Value>(client.get(&url).timeout(SERVER_TIMEOUT), server_url).await;
    match read {
        Err(ServerError::Unauthorized { .. }) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => {
            let revoke = auth.apply(client.delete(url).timeout(SERVER_TIMEOUT));
            match call::<Value>(revoke, server_url).await {
                Ok(_) | Err(ServerError::Gone { .. }) => {}
                Err(e) => tracing::warn!("an unprotected share could not be revoked: {e}"),
            }
            Err(ServerError::NoPasswords {
                server: server_url.to_owned(),
            })
        }
    }
}

/// Refuses a password the share server would: empty, over 1024 bytes, or
/// with a control character.
pub fn check_password(password: &str) -> Result<(), ServerError> {
    let fits = (1..=1024).contains(&password.len());
    if fits && !password.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(ServerError::BadPassword)
    }
}

/// Who may change a share: the owner token of its server and/or the share's
/// own delete token. The server accepts either; sending both covers a share
/// published anonymously before a token was configured, and the reverse.
pub struct ShareAuth {
    pub owner_token: Option<String>,
    pub delete_token: Option<String>,
}

impl ShareAuth {
    /// `request` with every credential there is.
    pub fn apply(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(token) = &self.owner_token {
            request = request.bearer_auth(token);
        }
        if let Some(token) = &self.delete_token {
            request = request.header(DELETE_TOKEN_HEADER, token);
        }
        request
    }
}

/// POSTs a snapshot as the newest version of share `share_id` on
/// `server_url` (once: never retried).
pub async fn publish_version(
    client: &reqwest::Client,
    server_url: &str,
    share_id: &str,
    auth: &ShareAuth,
    snapshot: &ShareSnapshot,
) -> Result<PublishedVersion, ServerError> {
    let server_url = server_url.trim_end_matches('/');
    let url = format!("{server_url}{API_PATH}/{share_id}/versions");
    let request = auth.apply(client.post(url).timeout(SERVER_TIMEOUT).json(snapshot));
    call(request, server_url).await
}

/// The share-server envelope: `{success, data}` or `{success, error}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    error: Option<EnvelopeError>,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// Sends a request to a share server and unwraps the envelope's `data`.
pub(super) async fn call<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
    server: &str,
) -> Result<T, ServerError> {
    let response = request.send().await.map_err(|e| ServerError::Unreachable {
        server: server.to_owned(),
        detail: error_chain(&e),
    })?;
    let status = response.status();
    let retry_after = retry_after_secs(response.headers());
    let body = response
        .bytes()
        .await
        .map_err(|e| ServerError::Unreachable {
            server: server.to_owned(),
            detail: error_chain(&e),
        })?;
    let envelope: Option<Envelope> = serde_json::from_slice(&body).ok();
    if status.is_success() {
        let data = match envelope.and_then(|e| e.data) {
            Some(data) => data,
            // 204 and the like: nothing to read.
            None => Value::Null,
        };
        return serde_json::from_value(data).map_err(|e| ServerError::Server {
            status: status.as_u16(),
            message: format!("unexpected answer: {e}"),
        });
    }
    let error = envelope.and_then(|e| e.error);
    let message = error
        .as_ref()
        .and_then(|e| e.message.clone())
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(&body);
            let text = text.trim();
            if text.is_empty() {
                status.canonical_reason().unwrap_or("no details").to_owned()
            } else {
                shorten(text, 300)
            }
        });
    let field = error.as_ref().and_then(|e| e.field.clone());
    let code = error.and_then(|e| e.code);
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ServerError::Unauthorized {
            status: status.as_u16(),
            message,
        },
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge { message },
        StatusCode::TOO_MANY_REQUESTS => ServerError::RateLimited {
            message,
            retry_after_secs: retry_after,
        },
        StatusCode::NOT_FOUND | StatusCode::GONE => ServerError::Gone { message },
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            if code.as_deref() == Some("too_large") {
                ServerError::TooLarge { message }
            } else {
                ServerError::Rejected { message, field }
            }
        }
        _ => ServerError::Server {
            status: status.as_u16(),
            message,
        },
    })
}

/// The header that carries a share's delete token.
pub const DELETE_TOKEN_HEADER: &str = "x-delete-token";

/// The server's base URL and the share id of a share link (`…/shared/{id}`)
/// or API URL (`…/api/v0/shared-chats/{id}`).
pub fn parse_share_url(url: &str) -> Result<(String, String), ServerError> {
    let bad = || {
        ServerError::BadUrl(format!(
            "“{}” is not a share link",
            shorten(url.trim(), 100)
        ))
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad());
    }
    let path = parsed.path().trim_end_matches('/');
    let (prefix, id) = path.rsplit_once('/').ok_or_else(bad)?;
    let base_path = prefix
        .strip_suffix("/shared")
        .or_else(|| prefix.strip_suffix(API_PATH))
        .ok_or_else(bad)?;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(bad());
    }
    let mut base = parsed.clone();
    base.set_path(base_path);
    base.set_query(None);
    base.set_fragment(None);
    Ok((
        base.as_str().trim_end_matches('/').to_owned(),
        id.to_owned(),
    ))
}
