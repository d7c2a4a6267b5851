//! Share from the app: build the snapshot from SQLite (the source of truth),
//! redact it, validate it with chat-core, publish it to a share server,
//! record it locally; list, revoke and import shares.

mod api;
pub mod connection;
mod snapshot;
#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::Core;
use crate::error::AppError;
use crate::redact::Redactor;
use crate::secrets::SecretKey;
use crate::store::{Session, ShareRecord};
use api::call;
pub use api::{DELETE_TOKEN_HEADER, ShareError, parse_share_url, publish};
use snapshot::snapshot_from_api;
pub use snapshot::{build_snapshot, import_snapshot, prepare};

/// How long a share server may take to answer one request.
const SERVER_TIMEOUT: Duration = Duration::from_secs(30);

/// The API path of shares on a share server.
pub const API_PATH: &str = "/api/v0/shared-chats";

/// What the user chose in the Share dialog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOptions {
    /// Share only these messages (in session order); all when absent.
    #[serde(default)]
    pub message_ids: Option<Vec<String>>,
    /// Seconds until the link expires; never when absent (the server may cap it).
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// Include the system prompt and the template variables.
    #[serde(default = "yes")]
    pub include_system_prompt: bool,
    /// Let search engines index the page.
    #[serde(default)]
    pub indexable: bool,
}

fn yes() -> bool {
    true
}

impl Default for ShareOptions {
    fn default() -> Self {
        Self {
            message_ids: None,
            expires_in: None,
            include_system_prompt: true,
            indexable: false,
        }
    }
}

/// A published share, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareResult {
    pub share_id: String,
    pub share_url: String,
    pub delete_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// How many secrets or personal paths the redaction pass removed.
    pub redactions: usize,
}

/// Where to publish: a server's base URL and the bearer token, if any.
#[derive(Clone)]
pub struct ShareTarget {
    pub server_url: String,
    pub token: Option<String>,
}

impl std::fmt::Debug for ShareTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareTarget")
            .field("server_url", &self.server_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Where the app publishes now: the team server with its token, or the
/// embedded server (started on first use), anonymously.
pub async fn current_target(core: &Core) -> Result<ShareTarget, AppError> {
    let settings = core.settings()?;
    match settings.share_server.team_url {
        Some(url) => Ok(ShareTarget {
            token: core
                .secret(SecretKey::ShareServerToken(url.clone()))
                .await?,
            server_url: url,
        }),
        None => {
            let (server_url, token) = crate::embedded::ensure_started(core).await?;
            Ok(ShareTarget { server_url, token })
        }
    }
}

/// The whole Share flow: build, redact, validate, publish, record.
pub async fn share_session(
    core: &Core,
    target: &ShareTarget,
    session_id: &str,
    options: &ShareOptions,
) -> Result<ShareResult, AppError> {
    let now = Utc::now();
    let settings = core.settings()?;
    let mut snapshot = build_snapshot(&core.store, &settings, session_id, options, now)?;
    let mut known = core.known_secret_values().await?;
    known.extend(target.token.clone());
    let redactor = Redactor::for_current_user(known);
    let redactions = prepare(&mut snapshot, &redactor, now)?;
    let mut result = publish(&core.http, target, &snapshot).await?;
    result.redactions = redactions;
    core.store.insert_share(&ShareRecord {
        share_id: result.share_id.clone(),
        server_url: target.server_url.trim_end_matches('/').to_owned(),
        share_url: result.share_url.clone(),
        session_id: Some(session_id.to_owned()),
        title: snapshot.title.clone(),
        delete_token: result.delete_token.clone(),
        expires_at: result.expires_at,
        created_at: now,
        revoked_at: None,
    })?;
    Ok(result)
}

/// Revokes a share: `DELETE` with the owner token of its server (from the
/// keyring) and/or the share's own delete token (`X-Delete-Token`). A share
/// the server no longer has (404/410) counts as revoked.
pub async fn revoke_share(core: &Core, share_id: &str) -> Result<ShareRecord, AppError> {
    let record = core.store.share(share_id)?;
    let owner_token = core
        .secret(SecretKey::ShareServerToken(record.server_url.clone()))
        .await?;
    let url = format!(
        "{}{API_PATH}/{}",
        record.server_url.trim_end_matches('/'),
        record.share_id
    );
    if owner_token.is_none() && record.delete_token.is_none() {
        return Err(AppError::Invalid(
            "this share was published with a token that is no longer stored; it cannot be revoked from here".into(),
        ));
    }
    // The server accepts either; sending both covers a share published
    // anonymously before a token was configured, and the reverse.
    let mut request = core.http.delete(url).timeout(SERVER_TIMEOUT);
    if let Some(token) = &owner_token {
        request = request.bearer_auth(token);
    }
    if let Some(token) = &record.delete_token {
        request = request.header(DELETE_TOKEN_HEADER, token);
    }
    match call::<Value>(request, &record.server_url).await {
        Ok(_) | Err(ShareError::Gone { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    core.store
        .mark_share_revoked(&record.server_url, &record.share_id, Utc::now())?;
    Ok(core.store.share(share_id)?)
}

/// "Continue in Parlor": fetches a share's JSON and makes a new local session
/// of it, with every message and its measurements.
pub async fn import_share(core: &Core, url: &str) -> Result<Session, AppError> {
    let (server, share_id) = parse_share_url(url)?;
    let api = format!("{server}{API_PATH}/{share_id}");
    let data: Value = call(core.http.get(api).timeout(SERVER_TIMEOUT), &server).await?;
    let snapshot = snapshot_from_api(data)?;
    let settings = core.settings()?;
    import_snapshot(&core.store, &settings, &snapshot)
}
