//! Serving a share: render once, then serve the cached bytes, re-checking
//! with the store on every hit that the share is still live. Every read
//! goes through the same gate, in this order: live (404/410), then the
//! password (401/429, see [`crate::protect`]); the password is checked
//! before anything is loaded or rendered.
//!
//! Why the re-check and not only eviction: DELETE evicts the local cache, but
//! with several instances (PostgreSQL) another instance's cache would still
//! hold the share. The check is one indexed lookup of two columns; the
//! expensive parts (reading the snapshot, rendering, compressing) are what
//! the cache saves.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::cache::{CachedBody, CachedShare, Outcome, PageCache, Representation};
use crate::error::{Error, Success};
use crate::ids::ShareId;
use crate::page::{self, ExportView, OgCard, ShareView};
use crate::protect::{Access, Password, Protection};
use crate::settings::Settings;
use crate::shares::{self, Revoked, Revoker};
use crate::store::{ShareStore, StoredShare};

/// The rendered `representation` of a live share the reader may open, or
/// 404/410, 401/429.
pub async fn share(
    store: &dyn ShareStore,
    cache: &Arc<PageCache>,
    settings: &Arc<Settings>,
    now: DateTime<Utc>,
    id: &str,
    representation: Representation,
    access: Access<'_>,
) -> Result<(Arc<CachedShare>, Outcome), Error> {
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    if let Some(cached) = cached(store, cache, now, &id, representation).await? {
        admit(
            access,
            &id,
            representation,
            cached.password_hash.as_deref(),
            now,
        )
        .await?;
        return Ok((cached, Outcome::Hit));
    }
    let password_hash = shares::password_of(store, &id, now).await?;
    admit(access, &id, representation, password_hash.as_deref(), now).await?;
    // Concurrent first views wait for one render instead of each rendering.
    let guard = cache.render_lock(&id, representation).await;
    if let Some(cached) = cached(store, cache, now, &id, representation).await? {
        return Ok((cached, Outcome::Hit));
    }
    let stored = shares::load_live(store, &id, now).await?;
    let settings = Arc::clone(settings);
    let cache = Arc::clone(cache);
    // Rendering and caching finish even if the client goes away meanwhile,
    // so the work is not wasted.
    let rendered = tokio::task::spawn_blocking(move || {
        let rendered = Arc::new(render(&stored, &settings, representation)?);
        cache.insert(id, representation, Arc::clone(&rendered));
        drop(guard);
        Ok::<_, Error>(rendered)
    })
    .await
    .map_err(|e| Error::Internal(format!("rendering task failed: {e}")))??;
    Ok((rendered, Outcome::Miss))
}

/// The password step, after the liveness one. The preview card is never
/// shown for a protected share: whoever fetches it (a chat's link
/// unfurler) has no password, and it would show the title.
async fn admit(
    access: Access<'_>,
    id: &ShareId,
    representation: Representation,
    password_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if representation == Representation::OgImage && password_hash.is_some() {
        return Err(Error::NotFound);
    }
    access.admit(id, password_hash, now).await
}

/// What the unlock form's password opened: the `Set-Cookie` value for a
/// protected share, nothing for a share that needs no password.
pub async fn unlock(
    store: &dyn ShareStore,
    protection: &Protection,
    now: DateTime<Utc>,
    id: &str,
    password: Option<Password>,
    client: Option<std::net::IpAddr>,
) -> Result<Option<String>, Error> {
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    let Some(hash) = shares::password_of(store, &id, now).await? else {
        return Ok(None);
    };
    let password = password.ok_or(Error::PasswordRequired)?;
    protection
        .try_password(&id, &hash, &password, client)
        .await?;
    Ok(Some(protection.unlock_cookie(&id, now)))
}

/// Revokes a share with the credentials a request brought (see
/// [`Revoker::from_credentials`]) and evicts it from this instance's cache
/// whatever the outcome: a stale entry must not outlive a revocation.
pub async fn revoke(
    store: &dyn ShareStore,
    cache: &PageCache,
    now: DateTime<Utc>,
    id: &str,
    bearer: Option<&str>,
    delete_token: Option<String>,
) -> Result<Revoked, Error> {
    let revoker = Revoker::from_credentials(store, bearer, delete_token).await?;
    let revoked = shares::revoke(store, now, id, &revoker).await;
    if let Some(id) = ShareId::parse(id) {
        cache.remove(&id);
    }
    revoked
}

/// The cached representation, if any, after checking the share is still live.
async fn cached(
    store: &dyn ShareStore,
    cache: &PageCache,
    now: DateTime<Utc>,
    id: &ShareId,
    representation: Representation,
) -> Result<Option<Arc<CachedShare>>, Error> {
    let Some(cached) = cache.get(id, representation) else {
        return Ok(None);
    };
    let live = if cached.expires_at.is_some_and(|at| at <= now) {
        Err(Error::Gone)
    } else {
        shares::ensure_live(store, id, now).await
    };
    match live {
        Ok(()) => Ok(Some(cached)),
        Err(error) => {
            cache.remove(id);
            Err(error)
        }
    }
}

/// Renders and compresses one representation of a share.
pub fn render(
    share: &StoredShare,
    settings: &Settings,
    representation: Representation,
) -> Result<CachedShare, Error> {
    let snapshot = shares::parse_stored(share)?;
    let protected = share.password_hash.is_some();
    let view = ShareView {
        share_id: share.id.as_str(),
        snapshot: &snapshot,
        created_at: share.created_at,
        expires_at: share.status.expires_at,
        public_url: &settings.public_url,
        protected,
    };
    let body = match representation {
        Representation::Page => {
            CachedBody::new("text/html; charset=utf-8", page::render_share(&view))
        }
        Representation::Markdown => CachedBody::new(
            "text/markdown; charset=utf-8",
            page::render_markdown_download(&view),
        )
        .with_disposition(attachment(&share.id, "md")),
        Representation::Standalone => {
            let url = view.url();
            let export = ExportView::new(&snapshot, share.created_at)
                .with_expiry(share.status.expires_at)
                .with_link(Some(&url));
            let file_name = format!("{}.html", page::export_file_stem(&snapshot));
            CachedBody::new("text/html; charset=utf-8", page::render_standalone(&export))
                .with_disposition(attachment_named(&file_name))
                .with_content_security_policy(page::standalone_content_security_policy())
        }
        Representation::JsonDownload => CachedBody::new("application/json", share.snapshot.clone())
            .with_disposition(attachment(&share.id, "json")),
        Representation::Api => {
            let json = serde_json::to_vec(&Success::new(shares::shared_chat(share)?))
                .map_err(|e| Error::Internal(format!("could not serialize share: {e}")))?;
            CachedBody::new("application/json", json)
        }
        Representation::OgImage => {
            let png = page::render_og_image(&OgCard::of(&snapshot))
                .map_err(|e| Error::Internal(format!("could not render the preview card: {e}")))?;
            CachedBody::precompressed("image/png", png)
        }
    };
    let noindex = !share.indexable || protected || representation == Representation::Api;
    Ok(CachedShare {
        body: body.with_noindex(noindex),
        expires_at: share.status.expires_at,
        password_hash: share.password_hash.clone(),
    })
}

fn attachment(id: &ShareId, extension: &str) -> String {
    attachment_named(&format!("parlor-share-{id}.{extension}"))
}

/// `file_name` must need no quoting beyond the quotes: ids are base62 and
/// [`page::export_file_stem`] slugs are `[a-z0-9-]`.
fn attachment_named(file_name: &str) -> String {
    format!("attachment; filename=\"{file_name}\"")
}
