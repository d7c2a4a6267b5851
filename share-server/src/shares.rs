//! What the API does with shares, as plain functions over the store:
//! publish, look up, list, revoke, purge.

use std::time::Duration;

use chat_core::{ParsedSnapshot, ShareSnapshot, TotalsWarning};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde::Serialize;

use crate::error::Error;
use crate::ids::{ShareId, Token, TokenHash, TokenKind};
use crate::protect::{self, Password};
use crate::settings::Settings;
use crate::store::{
    Liveness, NewFile, NewShare, NewVersion, ShareAuth, ShareStatus, ShareStore, StoreError,
    StoredShare, User,
};
use crate::users;

mod list;
pub use list::{ShareList, list, page_params};

/// A validated snapshot and the exact bytes it came from (stored verbatim),
/// its attached files decoded (each once), and the warnings to answer
/// (client totals that differ from the server's).
#[derive(Debug, Clone)]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub snapshot: ShareSnapshot,
    pub files: Vec<NewFile>,
    pub warnings: Vec<TotalsWarning>,
}

impl Upload {
    /// Decodes the attachments of a snapshot `parse_snapshot` accepted (so
    /// their sizes, hashes and image types are checked already). CPU-bound
    /// for large files: call from a blocking task.
    pub fn new(bytes: Vec<u8>, parsed: ParsedSnapshot) -> Result<Self, Error> {
        let files = files_of(&parsed.snapshot)?;
        Ok(Self {
            bytes,
            snapshot: parsed.snapshot,
            files,
            warnings: parsed.warnings,
        })
    }
}

/// Every file the snapshot's messages attach, once per hash (the first
/// name and media type given for it win).
fn files_of(snapshot: &ShareSnapshot) -> Result<Vec<NewFile>, Error> {
    let mut files: Vec<NewFile> = Vec::new();
    for (i, message) in snapshot.messages.iter().enumerate() {
        for (j, attachment) in message.attachments.iter().enumerate() {
            if files.iter().any(|file| file.sha256 == attachment.sha256) {
                continue;
            }
            let bytes = attachment.decode().map_err(|e| {
                Error::Internal(format!(
                    "messages[{i}].attachments[{j}] passed validation but does not decode: {e}"
                ))
            })?;
            files.push(NewFile {
                sha256: attachment.sha256.clone(),
                media_type: attachment.media_type.clone(),
                name: attachment.name.clone(),
                bytes,
            });
        }
    }
    Ok(files)
}

/// The answer to a publish: the link, and the token that can revoke it
/// (shown once).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    /// 22 base62 characters.
    #[schema(example = "3kTMd9Fv0qLzR8wYbN2pXe")]
    pub share_id: String,
    pub share_url: String,
    /// Revokes this share when sent as `X-Delete-Token`; shown only in this response.
    pub delete_token: String,
    /// When the share stops being served; `null` when it never expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// What the server corrected: a `totalTokens`/`totalCost` sent that
    /// differs from what the messages add up to. The share shows the
    /// server's value. Absent when there is nothing to say.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<TotalsWarning>,
}

/// A published share as the API returns it: the snapshot plus its metadata.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedChat {
    /// The snapshot; its `expiresAt` is the effective expiry set by the
    /// server, its `totalTokens`/`totalCost` the server's totals.
    #[serde(flatten)]
    pub snapshot: ShareSnapshot,
    pub share_id: String,
    pub created_at: DateTime<Utc>,
}

/// The answer to a DELETE.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Revoked {
    pub share_id: String,
    pub revoked_at: DateTime<Utc>,
}

/// Who may revoke: the bearer's user and/or the holder of a delete token.
#[derive(Debug, Clone, Default)]
pub struct Revoker {
    pub user: Option<User>,
    pub delete_token: Option<String>,
}

impl Revoker {
    /// The revoker a request's credentials make: the user of the bearer
    /// token (an invalid or revoked one is refused) and the delete token.
    /// Neither credential: 401.
    pub async fn from_credentials(
        store: &dyn ShareStore,
        bearer: Option<&str>,
        delete_token: Option<String>,
    ) -> Result<Self, Error> {
        let user = match bearer {
            Some(token) => Some(users::authenticate(store, token).await?),
            None if delete_token.is_none() => return Err(Error::Unauthorized),
            None => None,
        };
        Ok(Self { user, delete_token })
    }
}

/// The expiry a share gets: the requested one or the default, capped at the maximum.
pub fn effective_expiry(
    requested: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    default: Option<Duration>,
    max: Option<Duration>,
) -> Option<DateTime<Utc>> {
    let after = |duration: Duration| {
        TimeDelta::from_std(duration)
            .ok()
            .and_then(|delta| now.checked_add_signed(delta))
    };
    let wanted = requested.or_else(|| default.and_then(after));
    match (wanted, max.and_then(after)) {
        (Some(wanted), Some(latest)) => Some(wanted.min(latest)),
        (None, Some(latest)) => Some(latest),
        (wanted, None) => wanted,
    }
}

/// Stores a validated snapshot verbatim (and the hash of its password, if
/// it has one) and returns its link and delete token.
pub async fn publish(
    store: &dyn ShareStore,
    settings: &Settings,
    now: DateTime<Utc>,
    owner: Option<&User>,
    upload: Upload,
    password: Option<Password>,
) -> Result<Created, Error> {
    let password_hash = match password {
        Some(password) => Some(protect::hash(password).await?),
        None => None,
    };
    // Stores keep milliseconds; answer with what will be read back.
    let now = now.trunc_subsecs(3);
    let expires_at = effective_expiry(
        upload.snapshot.expires_at,
        now,
        settings.config.default_expiry,
        settings.config.max_expiry,
    )
    .map(|at| at.trunc_subsecs(3));
    let delete_token = Token::generate(TokenKind::Delete)?;
    let mut share = NewShare {
        version: NewVersion {
            id: ShareId::generate()?,
            title: upload.snapshot.title.clone(),
            snapshot: upload.bytes,
            created_at: now,
            files: upload.files,
        },
        owner: owner.map(|user| user.id),
        delete_token_hash: delete_token.hash(),
        expires_at,
        indexable: upload.snapshot.indexable,
        password_hash,
        max_views: upload.snapshot.max_views,
    };
    // 131 random bits make a collision practically impossible; retrying is
    // cheaper than reasoning about it.
    let mut attempts = 0;
    loop {
        match store.insert_share(share.clone()).await {
            Ok(()) => break,
            Err(StoreError::Conflict) if attempts < 3 => {
                attempts += 1;
                share.version.id = ShareId::generate()?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Created {
        share_url: settings.share_url(&share.version.id),
        share_id: share.version.id.to_string(),
        delete_token: delete_token.into_string(),
        expires_at,
        warnings: upload.warnings,
    })
}

/// 404 for unknown, 410 for expired or revoked or opened as often as its
/// view limit allows.
pub fn check_status(status: Option<ShareStatus>, now: DateTime<Utc>) -> Result<(), Error> {
    match status.map(|status| status.liveness(now)) {
        None => Err(Error::NotFound),
        Some(Liveness::Live) => Ok(()),
        Some(Liveness::Expired | Liveness::Revoked) => Err(Error::Gone),
        Some(Liveness::Burnt) => Err(Error::ViewLimitReached),
    }
}

/// A share that may be served, or 404/410.
pub async fn load_live(
    store: &dyn ShareStore,
    id: &ShareId,
    now: DateTime<Utc>,
) -> Result<StoredShare, Error> {
    let share = store.share(id).await?;
    check_status(share.as_ref().map(|share| share.status), now)?;
    share.ok_or(Error::NotFound)
}

/// The password hash of a live share (`None`: it has no password), or
/// 404/410: the first two steps of the gate, without reading the snapshot.
pub async fn password_of(
    store: &dyn ShareStore,
    id: &ShareId,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let auth = store.share_auth(id).await?;
    check_status(auth.as_ref().map(|auth| auth.status), now)?;
    Ok(auth.and_then(|auth| auth.password_hash))
}

/// The API view of a stored share: the totals are the server's (computed
/// from the messages, whatever the client sent) and `schemaVersion` is
/// always given.
pub fn shared_chat(share: &StoredShare) -> Result<SharedChat, Error> {
    let mut snapshot = parse_stored(share)?;
    // The share's, whatever a later version's snapshot asked for.
    snapshot.expires_at = share.status.expires_at;
    snapshot.max_views = share.status.max_views;
    snapshot.fill_totals();
    snapshot.schema_version = Some(snapshot.version());
    Ok(SharedChat {
        snapshot,
        share_id: share.id.to_string(),
        created_at: share.created_at,
    })
}

/// The snapshot of a stored share (validated when it was published).
pub fn parse_stored(share: &StoredShare) -> Result<ShareSnapshot, Error> {
    serde_json::from_slice(&share.snapshot).map_err(|e| {
        Error::Internal(format!(
            "stored snapshot of share {} is unreadable: {e}",
            share.id
        ))
    })
}

/// Revokes a share for its owner or the holder of its delete token. Anyone
/// else gets the same 404 as for an unknown id.
pub async fn revoke(
    store: &dyn ShareStore,
    now: DateTime<Utc>,
    id: &str,
    revoker: &Revoker,
) -> Result<Revoked, Error> {
    let (id, auth) = authorize(store, id, revoker).await?;
    if auth.status.revoked_at.is_some() || !store.revoke_share(&id, now).await? {
        return Err(Error::Gone);
    }
    Ok(Revoked {
        share_id: id.to_string(),
        revoked_at: now,
    })
}

/// The share `id` and what its owner may do to it, when `revoker` may act
/// for its owner (its user or its delete token). Anyone else gets the same
/// 404 as for an unknown id.
pub async fn authorize(
    store: &dyn ShareStore,
    id: &str,
    revoker: &Revoker,
) -> Result<(ShareId, ShareAuth), Error> {
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    let auth = store.share_auth(&id).await?.ok_or(Error::NotFound)?;
    let by_token = revoker
        .delete_token
        .as_deref()
        .is_some_and(|token| TokenHash::of(token).matches(&auth.delete_token_hash));
    let by_owner =
        matches!((&revoker.user, auth.owner), (Some(user), Some(owner)) if user.id == owner);
    if !(by_token || by_owner) {
        return Err(Error::NotFound);
    }
    Ok((id, auth))
}

/// What a purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// Expired shares.
    pub shares: u64,
    /// Stored files no live share references any more (revoked shares let
    /// go of theirs when they are revoked).
    pub files: u64,
    /// Shares opened as many times as their view limit allows.
    pub burnt: u64,
}

/// Deletes expired and burnt shares, then the files no share references.
pub async fn purge(store: &dyn ShareStore, now: DateTime<Utc>) -> Result<Purged, Error> {
    let shares = store.purge_expired(now).await?;
    let burnt = store.purge_burnt().await?;
    let files = store.purge_unused_files().await?;
    Ok(Purged {
        shares,
        files,
        burnt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::hours(hours)
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn expiry_policy() {
        let now = at(0);
        assert_eq!(effective_expiry(None, now, None, None), None);
        assert_eq!(effective_expiry(None, now, Some(HOUR), None), Some(at(1)));
        assert_eq!(
            effective_expiry(Some(at(5)), now, Some(HOUR), None),
            Some(at(5))
        );
        assert_eq!(
            effective_expiry(Some(at(5)), now, Some(HOUR), Some(3 * HOUR)),
            Some(at(3))
        );
        assert_eq!(
            effective_expiry(None, now, None, Some(3 * HOUR)),
            Some(at(3))
        );
        assert_eq!(
            effective_expiry(None, now, Some(9 * HOUR), Some(3 * HOUR)),
            Some(at(3))
        );
    }
}
