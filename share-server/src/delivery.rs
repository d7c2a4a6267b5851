//! Serving a share: render once, then serve the cached bytes, re-checking
//! with the store on every hit that the share is still live.
//!
//! Why the re-check and not only eviction: DELETE evicts the local cache, but
//! with several instances (PostgreSQL) another instance's cache would still
//! hold the share. The check is one indexed lookup of two columns; the
//! expensive parts (reading the snapshot, rendering, compressing) are what
//! the cache saves. The same check says how many versions the share has, so
//! a page cached before a new version was published is rendered again.
//!
//! Two kinds of reads skip the cache and are rendered for the one reader:
//! the page of a share with a view limit (it says how many views remain)
//! and the versions a newer one replaced (rarely read).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::cache::{CachedBody, CachedShare, Outcome, PageCache, Representation};
use crate::error::{Error, Success};
use crate::ids::ShareId;
use crate::page::{self, ExportView, PageControls, ShareView};
use crate::settings::Settings;
use crate::shares::{self, Revoked, Revoker};
use crate::store::{ShareStore, StoredShare};

/// A live share ready to answer (the gate's first step is passed).
#[derive(Debug)]
pub enum Delivered {
    /// Rendered once for every reader (from the cache or just now).
    Cached(Arc<CachedShare>, Outcome),
    /// To render for this reader only, once the view is counted (see
    /// [`render_counted`]).
    PerView(Box<StoredShare>),
}

/// The `representation` of version `version` (`None`: the newest) of a
/// live share, or 404/410.
pub async fn share(
    store: &dyn ShareStore,
    cache: &Arc<PageCache>,
    settings: &Arc<Settings>,
    now: DateTime<Utc>,
    id: &str,
    version: Option<u32>,
    representation: Representation,
) -> Result<Delivered, Error> {
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    if let Some(version) = version {
        let status = store.share_status(&id).await?;
        shares::check_status(status, now)?;
        let versions = status.map_or(0, |status| status.versions);
        if version == 0 || version > versions {
            return Err(Error::NotFound);
        }
        if version < versions {
            let stored = store.share_version(&id, version).await?;
            return Ok(Delivered::PerView(Box::new(stored.ok_or(Error::NotFound)?)));
        }
    }
    if let Some(cached) = cached(store, cache, now, &id, representation).await? {
        return Ok(Delivered::Cached(cached, Outcome::Hit));
    }
    // Concurrent first views wait for one render instead of each rendering.
    let guard = cache.render_lock(&id, representation).await;
    if let Some(cached) = cached(store, cache, now, &id, representation).await? {
        return Ok(Delivered::Cached(cached, Outcome::Hit));
    }
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
        cache.insert(id, representation, Arc::clone(&rendered));
        drop(guard);
        Ok::<_, Error>(rendered)
    })
    .await
    .map_err(|e| Error::Internal(format!("rendering task failed: {e}")))??;
    Ok(Delivered::Cached(rendered, Outcome::Miss))
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

/// The cached representation, if any, after checking the share is still
/// live and has no newer version.
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
        match store.share_status(id).await {
            Ok(status) => shares::check_status(status, now)
                .map(|()| status.is_some_and(|status| status.versions == cached.versions)),
            Err(error) => Err(error.into()),
        }
    };
    match live {
        Ok(true) => Ok(Some(cached)),
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
    let view = ShareView {
        share_id: share.id.as_str(),
        snapshot: &snapshot,
        created_at: share.created_at,
        expires_at: share.status.expires_at,
        public_url: &settings.public_url,
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
    };
    Ok(CachedShare {
        body: body.with_noindex(!share.indexable || representation == Representation::Api),
        expires_at: share.status.expires_at,
        max_views: share.status.max_views,
        versions: share.status.versions,
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
