//! Share from the app: build the snapshot from SQLite (the source of truth),
//! redact it, validate it with chat-core, publish it to a share server,
//! record it locally; list, revoke and import shares.

pub(crate) mod api;
pub mod connection;
mod error;
pub mod export;
mod files;
mod info;
mod list;
pub mod reach;
mod snapshot;
pub mod team;
#[cfg(test)]
mod tests;
mod versions;

use std::time::Duration;

use chat_core::{SCHEMA_VERSION, ShareSnapshot};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::app::AppCore;
use crate::redact::{Redactions, Redactor};
use crate::secrets::SecretKey;
use crate::store::{ImportedFrom, Session, ShareRecord, StoreError};
use api::call;
pub use api::{
    API_PATH, DELETE_TOKEN_HEADER, PASSWORD_HEADER, ServerError, ShareAuth, check_password,
    confirm_protected, parse_share_url, publish, publish_version,
};
pub use error::ShareError;
pub use files::shared_files;
pub use info::{
    INFO_PATH, ServerInfo, VERSIONS_BEFORE_INFO, check_described, check_info_accepts, fetch_info,
};
pub use list::{list_shares, local_item, revoke_share};
use reach::{Reach, ReachExt, ReachKind};
use snapshot::snapshot_from_api;
pub use snapshot::{build_snapshot, import_snapshot, prepare};
pub use versions::{shared_before, update_share};

/// How long a share server may take to answer one request.
const SERVER_TIMEOUT: Duration = Duration::from_secs(30);

pub use contract::{
    ShareListItem, ShareOptions, ShareResult, ShareServerStatus, ShareSource, ShareStatus,
};

/// Where to publish: a server's base URL, the bearer token, who can reach
/// it, and what it says about itself.
#[derive(Clone)]
pub struct ShareTarget {
    pub server_url: String,
    pub token: Option<String>,
    pub reach: ReachKind,
    /// A team server's `/api/v0/info`; `None` from a team server older than
    /// it, and for the embedded server (which is this build's own).
    pub info: Option<ServerInfo>,
}

impl ShareTarget {
    /// Refuses a server that cannot store snapshot `version`. A team server
    /// that does not describe itself predates version 2: it stores version 1
    /// only. The embedded server runs this build's share-server, which
    /// stores what this build writes.
    pub fn check_accepts(&self, version: u32) -> Result<(), ServerError> {
        match self.reach {
            ReachKind::Team => check_described(self.info.as_ref(), &self.server_url, version),
            _ => match &self.info {
                Some(info) => check_info_accepts(info, &self.server_url, version),
                None => Ok(()),
            },
        }
    }
}

impl std::fmt::Debug for ShareTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareTarget")
            .field("server_url", &self.server_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("reach", &self.reach)
            .finish_non_exhaustive()
    }
}

/// Where the app publishes now: the team server with its token from the
/// keyring (and its self-description), or the embedded server.
pub async fn current_target(core: &AppCore) -> Result<ShareTarget, ShareError> {
    let settings = core.settings()?;
    match settings.share_server.active_team_url() {
        Some(url) => {
            let url = url.trim_end_matches('/').to_owned();
            Ok(ShareTarget {
                token: core
                    .secret(SecretKey::ShareServerToken(url.clone()))
                    .await?,
                info: fetch_info(&core.http, &url).await?,
                server_url: url,
                reach: ReachKind::Team,
            })
        }
        None => {
            let embedded = crate::embedded::ensure_started(core).await?;
            Ok(ShareTarget {
                server_url: embedded.base_url,
                token: Some(embedded.token.into()),
                reach: embedded.reach,
                info: None,
            })
        }
    }
}

/// The status of the place Share publishes to (starting the embedded server
/// if needed, asking a team server for its description).
pub async fn server_status(core: &AppCore) -> Result<ShareServerStatus, ShareError> {
    let mode = core.settings()?.share_server.mode;
    let target = current_target(core).await?;
    let notice = match target.reach {
        ReachKind::Team => None,
        _ => crate::embedded::status(core).await.and_then(|s| s.notice),
    };
    Ok(ShareServerStatus {
        mode,
        reach: Reach::of(target.reach, &target.server_url),
        url: target.server_url,
        notice,
        info: target.info,
    })
}

/// The settings row of the options the last share was made with.
const LAST_OPTIONS: &str = "lastShareOptions";

/// The options Share uses when none are given: those of the last share
/// (without its message selection, which belongs to its session).
pub fn last_options(core: &AppCore) -> Result<ShareOptions, ShareError> {
    Ok(core.store.setting(LAST_OPTIONS)?.unwrap_or_default())
}

/// A snapshot of the session, redacted and validated: what leaves the
/// machine, by link or by file.
pub async fn prepared_snapshot(
    core: &AppCore,
    extra_secret: Option<&str>,
    session_id: &str,
    options: &ShareOptions,
    now: DateTime<Utc>,
) -> Result<(ShareSnapshot, Redactions), ShareError> {
    let settings = core.settings()?;
    let mut snapshot = build_snapshot(&core.store, &settings, session_id, options, now)?;
    let mut known = core.known_secret_values().await?;
    known.extend(extra_secret.map(str::to_owned));
    let redactor = Redactor::for_current_user(known);
    let redactions = prepare(&mut snapshot, &redactor, now)?;
    Ok((snapshot, redactions))
}

/// The whole Share flow: build, redact, validate, publish, record; then
/// revoke the share this one `replaces` (a share re-made with other options).
/// The password goes to the server only: the options kept and answered are
/// without it.
pub async fn share_session(
    core: &AppCore,
    target: &ShareTarget,
    session_id: &str,
    options: &ShareOptions,
    replaces: Option<&str>,
) -> Result<ShareResult, ShareError> {
    let now = Utc::now();
    target.check_accepts(SCHEMA_VERSION)?;
    options
        .password
        .as_deref()
        .map(check_password)
        .transpose()?;
    let (snapshot, redactions) =
        prepared_snapshot(core, target.token.as_deref(), session_id, options, now).await?;
    let published = publish(&core.http, target, &snapshot, options.password.as_deref()).await?;
    let server_url = target.server_url.trim_end_matches('/').to_owned();
    if options.password.is_some() {
        let auth = ShareAuth {
            owner_token: target.token.clone(),
            delete_token: published.delete_token.clone(),
        };
        confirm_protected(&core.http, &server_url, &published.share_id, &auth).await?;
    }
    core.store.insert_share(&ShareRecord {
        share_id: published.share_id.clone(),
        server_url: server_url.clone(),
        share_url: published.share_url.clone(),
        session_id: Some(session_id.to_owned()),
        title: snapshot.title.clone(),
        delete_token: published.delete_token.clone(),
        expires_at: published.expires_at,
        created_at: now,
        revoked_at: None,
        reach: Some(target.reach.as_str().to_owned()),
    })?;
    remember(core, options)?;
    let replaced_url = match replaces.filter(|old| *old != published.share_id) {
        Some(old) => Some(revoke_share(core, old).await?.share_url),
        None => None,
    };
    Ok(ShareResult {
        redactions: redactions.total(),
        redacted_summary: redactions.summary(),
        reach: Reach::of(target.reach, &server_url),
        qr_svg: qr_svg(&published.share_url),
        options: options.without_password(),
        expiry_note: expiry_note(target, options, published.expires_at),
        earlier: earlier(core, session_id, &published.share_id, now)?,
        replaced_url,
        share_id: published.share_id,
        share_url: published.share_url,
        delete_token: published.delete_token,
        expires_at: published.expires_at,
        version: 1,
    })
}

/// Keeps `options` as the last used: without the message selection, which
/// belongs to its session, never with the password, and without a view
/// limit (the next Share publishes at once, and a burn-after-reading link
/// must be asked for each time).
fn remember(core: &AppCore, options: &ShareOptions) -> Result<(), ShareError> {
    let remembered = ShareOptions {
        message_ids: None,
        max_views: None,
        ..options.without_password()
    };
    Ok(core.store.set_setting(LAST_OPTIONS, &remembered)?)
}

/// The other links made from the session, newest first.
fn earlier(
    core: &AppCore,
    session_id: &str,
    except: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ShareListItem>, ShareError> {
    Ok(core
        .store
        .list_shares()?
        .into_iter()
        .filter(|s| s.session_id.as_deref() == Some(session_id) && s.share_id != except)
        .map(|record| local_item(record, now))
        .collect())
}

/// Says so when the server did not keep the expiry asked for.
fn expiry_note(
    target: &ShareTarget,
    options: &ShareOptions,
    expires_at: Option<DateTime<Utc>>,
) -> Option<String> {
    let max = target.info.as_ref()?.max_expiry_seconds?;
    let asked_more = options.expires_in.is_none_or(|asked| asked > max);
    asked_more.then(|| {
        let when = expires_at
            .map(|at| {
                format!(
                    ", so this link expires on {}",
                    at.format("%Y-%m-%d %H:%M UTC")
                )
            })
            .unwrap_or_default();
        format!(
            "This server keeps links at most {}{when}.",
            duration_words(max)
        )
    })
}

/// `2592000` → "30 days", `7200` → "2 hours".
pub fn duration_words(seconds: u64) -> String {
    let (count, unit) = match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => (s / 86_400, "day"),
        s if s >= 3_600 && s % 3_600 == 0 => (s / 3_600, "hour"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// The link as an SVG QR code; empty when the link is too long for one.
pub fn qr_svg(link: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build();
            // The XML declaration means nothing inside an HTML page.
            match svg.find("<svg") {
                Some(start) => svg[start..].to_owned(),
                None => svg,
            }
        }
        Err(e) => {
            tracing::warn!("no QR code for a link of {} bytes: {e}", link.len());
            String::new()
        }
    }
}

/// "Continue in Parlor": fetches a share's JSON and makes a new local session
/// of it, with every message and its measurements.
pub async fn import_share(core: &AppCore, url: &str) -> Result<Session, ShareError> {
    let (server, share_id) = parse_share_url(url)?;
    let api = format!("{server}{API_PATH}/{share_id}");
    let data: Value = call(core.http.get(api).timeout(SERVER_TIMEOUT), &server).await?;
    let snapshot = snapshot_from_api(data)?;
    let settings = core.settings()?;
    let imported_from = ImportedFrom {
        share_url: format!("{server}/shared/{share_id}"),
        share_id,
        imported_at: Utc::now(),
    };
    import_snapshot(&core.store, &settings, &snapshot, Some(imported_from))
}
