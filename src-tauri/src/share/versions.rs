//! Versions at the same link: Share on a session shared before offers to
//! publish the conversation as it is now to the link already sent, instead
//! of a new one. The server keeps every version (immutable) and shows the
//! newest; the link keeps its password, expiry and view limit, so the new
//! version carries none of those.

use super::list::{reach_of, share_auth};
use super::*;

/// The link Share would update: the newest active link made from the
/// session on the server `target` publishes to (a link on another server,
/// or one only this computer could open when Share now reaches the
/// network, is left alone: it would not reach the same readers).
pub fn shared_before(
    core: &AppCore,
    target: &ShareTarget,
    session_id: &str,
) -> Result<Option<ShareListItem>, ShareError> {
    let now = Utc::now();
    let server_url = target.server_url.trim_end_matches('/');
    Ok(core
        .store
        .list_shares()?
        .into_iter()
        .filter(|s| s.session_id.as_deref() == Some(session_id) && s.server_url == server_url)
        .map(|record| local_item(record, now))
        .find(|item| item.status == ShareStatus::Active))
}

/// Builds, redacts and validates the session with `options` and publishes
/// it as the newest version of share `share_id` (made from this session),
/// with the owner token of its server or its delete token. The options are
/// kept as the last used (without the password); the share's record stays
/// as it is.
pub async fn update_share(
    core: &AppCore,
    target: &ShareTarget,
    session_id: &str,
    share_id: &str,
    options: &ShareOptions,
) -> Result<ShareResult, ShareError> {
    let now = Utc::now();
    let record = match core.store.share(share_id) {
        Err(StoreError::NotFound { .. }) => Err(ShareError::UnknownShare(share_id.to_owned())),
        found => Ok(found?),
    }?;
    if record.session_id.as_deref() != Some(session_id) {
        return Err(ShareError::OtherSession(share_id.to_owned()));
    }
    let server_url = record.server_url.trim_end_matches('/').to_owned();
    if target.server_url.trim_end_matches('/') == server_url {
        target.check_accepts(SCHEMA_VERSION)?;
    }
    let auth = share_auth(core, &record).await?;
    let (mut snapshot, redactions) =
        prepared_snapshot(core, auth.owner_token.as_deref(), session_id, options, now).await?;
    // The link's own expiry and view limit stand.
    snapshot.expires_at = record.expires_at;
    snapshot.max_views = None;
    let published =
        publish_version(&core.http, &server_url, &record.share_id, &auth, &snapshot).await?;
    remember(core, options)?;
    Ok(ShareResult {
        redactions: redactions.total(),
        redacted_summary: redactions.summary(),
        reach: reach_of(&record),
        qr_svg: qr_svg(&published.share_url),
        options: options.without_password(),
        expiry_note: None,
        earlier: earlier(core, session_id, &record.share_id, now)?,
        replaced_url: None,
        share_id: published.share_id,
        share_url: published.share_url,
        delete_token: None,
        expires_at: record.expires_at,
        version: published.version,
    })
}
