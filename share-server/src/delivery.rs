//! Serving a share: render once, then serve the cached bytes. Every read
//! goes through the same gate, in this order: live (404/410), then the
//! password (401/429, see [`crate::protect`]); the password is checked
//! before anything is loaded or rendered.
//!
//! A cached hit asks the store nothing. The entry's expiry is checked in
//! memory, and every other change that makes it unservable or stale
//! (revoked, a new version, its last view taken, purged) evicts it: on
//! SQLite in the same process before the change is answered; on
//! PostgreSQL through `NOTIFY`, in the transaction that makes the change,
//! to every instance (see [`crate::store::invalidations`] and the store's
//! `listen.rs`). While the store cannot vouch that it pushed every change
//! (its listener lost the connection, or it has not listened yet), each
//! hit is checked with the store as before: one indexed lookup, which also
//! compares the version count.
//!
//! The staleness that remains, on PostgreSQL only: the instance that
//! revokes (or publishes a new version) answers once every listening
//! instance acknowledged evicting the share, or after 200 ms at most; so
//! a read made on another instance after the answer is refused, unless
//! that instance took longer than 200 ms to act on the notification. A
//! read racing the revoke (sent before it is answered) may still get the
//! page, as it could before. When a listener's connection goes silent
//! without closing, its instance trusts its cache for at most the lease
//! (1.5 s); one that closes drops the whole cache as soon as the instance
//! sees it. This is acceptable because revocation never promised more than
//! "from the next request on": a reader who loaded the page before still
//! has it, and so does any cache that fetched it.
//!
//! Two kinds of reads skip the cache and are rendered for the one reader:
//! the page of a share with a view limit (it says how many views remain)
//! and the versions a newer one replaced (rarely read).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::cache::{CachedBody, CachedShare, Gate, Outcome, PageCache, Representation};
use crate::error::{Error, Success};
use crate::ids::ShareId;
use crate::page::{self, ExportView, OgCard, PageControls, ShareView};
use crate::protect::{Access, Password, Protection};
use crate::settings::Settings;
use crate::shares::{self, Revoked, Revoker};
use crate::store::{ShareStore, StoredShare};

/// A live share the reader may open, ready to answer (the gate's first two
/// steps are passed).
#[derive(Debug)]
pub enum Delivered {
    /// Rendered once for every reader (from the cache or just now).
    Cached(Arc<CachedShare>, Outcome),
    /// To render for this reader only, once the view is counted (see
    /// [`render_counted`]).
    PerView(Box<StoredShare>),
}

/// What a read asks for: which representation of which version, with the
/// reader's credentials for a protected share.
#[derive(Clone, Copy)]
pub struct Wanted<'a> {
    pub representation: Representation,
    /// `None`: the newest.
    pub version: Option<u32>,
    pub access: Access<'a>,
}

/// The wanted representation of a live share the reader may open, or
/// 404/410, 401/429.
pub async fn share(
    store: &dyn ShareStore,
    cache: &Arc<PageCache>,
    settings: &Arc<Settings>,
    now: DateTime<Utc>,
    id: &str,
    wanted: Wanted<'_>,
) -> Result<Delivered, Error> {
    let Wanted {
        representation,
        version,
        access,
    } = wanted;
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    // A given version is checked (live, password, exists) on its own: the
    // versions a newer one replaced are never cached.
    let admitted = match version {
        Some(version) => {
            let auth = store.share_auth(&id).await?;
            shares::check_status(auth.as_ref().map(|auth| auth.status), now)?;
            let versions = auth.as_ref().map_or(0, |auth| auth.status.versions);
            let password_hash = auth.and_then(|auth| auth.password_hash);
            admit(access, &id, representation, password_hash.as_deref(), now).await?;
            if version == 0 || version > versions {
                return Err(Error::NotFound);
            }
            if version < versions {
                let stored = store.share_version(&id, version).await?;
                return Ok(Delivered::PerView(Box::new(stored.ok_or(Error::NotFound)?)));
            }
            true
        }
        None => false,
    };
    if let Some((cached, outcome)) = cached(store, cache, now, &id, representation).await? {
        if !admitted {
            let password_hash = cached.gate.password_hash.as_deref();
            admit(access, &id, representation, password_hash, now).await?;
        }
        return Ok(Delivered::Cached(cached, outcome));
    }
    if !admitted {
        let password_hash = shares::password_of(store, &id, now).await?;
        admit(access, &id, representation, password_hash.as_deref(), now).await?;
    }
    // Concurrent first views wait for one render instead of each rendering.
    let guard = cache.render_lock(&id, representation).await;
    if let Some((cached, outcome)) = cached(store, cache, now, &id, representation).await? {
        return Ok(Delivered::Cached(cached, outcome));
    }
    let generation = cache.generation();
    let stored = shares::load_live(store, &id, now).await?;
    if stored.status.max_views.is_some() && representation == Representation::Page {
        return Ok(Delivered::PerView(Box::new(stored)));
    }
    let settings = Arc::clone(settings);
    let cache = Arc::clone(cache);
    // Rendering and caching finish even if the client goes away meanwhile,
    // so the work is not wasted.
    let rendered = tokio::task::spawn_blocking(move || {
        let rendered = Arc::new(render(&stored, &settings, representation)?);
        cache.insert(id, representation, Arc::clone(&rendered), generation);
        drop(guard);
        Ok::<_, Error>(rendered)
    })
    .await
    .map_err(|e| Error::Internal(format!("rendering task failed: {e}")))??;
    Ok(Delivered::Cached(rendered, Outcome::Miss))
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

/// The cached representation, if any, and still servable: from memory
/// while the store's pushes are complete, else after asking the store
/// whether the share is still live and has no newer version.
async fn cached(
    store: &dyn ShareStore,
    cache: &PageCache,
    now: DateTime<Utc>,
    id: &ShareId,
    representation: Representation,
) -> Result<Option<(Arc<CachedShare>, Outcome)>, Error> {
    let Some(cached) = cache.get(id, representation) else {
        return Ok(None);
    };
    check_cached(store, cache, now, id, &cached.gate)
        .await
        .map(|outcome| outcome.map(|outcome| (cached, outcome)))
}

/// Whether an entry with this gate may be served (`Some`: how it was
/// decided), `None` when it is stale; evicts the share unless it may.
pub async fn check_cached(
    store: &dyn ShareStore,
    cache: &PageCache,
    now: DateTime<Utc>,
    id: &ShareId,
    gate: &Gate,
) -> Result<Option<Outcome>, Error> {
    let live = if gate.is_expired(now) {
        Err(Error::Gone)
    } else if store.invalidations().is_complete() {
        return Ok(Some(Outcome::Hit));
    } else {
        match store.share_status(id).await {
            Ok(status) => shares::check_status(status, now)
                .map(|()| status.is_some_and(|status| status.versions == gate.versions)),
            Err(error) => Err(error.into()),
        }
    };
    match live {
        Ok(true) => Ok(Some(Outcome::Checked)),
        Ok(false) => {
            cache.remove(id);
            Ok(None)
        }
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
    render_counted(share, settings, representation, None)
}

/// [`render`] for one reader of a share with a view limit: the page says
/// how many more times the link can be opened.
pub fn render_counted(
    share: &StoredShare,
    settings: &Settings,
    representation: Representation,
    remaining_views: Option<u64>,
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
        controls: PageControls {
            version: share.version,
            versions: share.status.versions,
            remaining_views,
        },
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
        gate: Gate {
            expires_at: share.status.expires_at,
            password_hash: share.password_hash.clone(),
            max_views: share.status.max_views,
            versions: share.status.versions,
        },
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
