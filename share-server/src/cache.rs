//! Rendered responses kept in memory: each body once as is, gzip and brotli,
//! with a strong ETag; and the bounded, least-recently-used cache of the
//! rendered shares.
//!
//! The cache only saves rendering. Whether a share may still be served is
//! decided by the store on every hit (see [`crate::delivery`]), so a share
//! revoked through any instance is never served from any instance's cache.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::ids::ShareId;

/// Bodies smaller than this are not worth compressing.
const MIN_COMPRESS_BYTES: usize = 256;
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW_BITS: u32 = 22;

/// A response body ready to serve in every encoding.
#[derive(Debug)]
pub struct CachedBody {
    pub content_type: &'static str,
    /// `Content-Disposition` (downloads).
    pub disposition: Option<String>,
    /// Adds `X-Robots-Tag: noindex`.
    pub noindex: bool,
    /// A `Content-Security-Policy` of its own, instead of the server's.
    pub content_security_policy: Option<&'static str>,
    pub identity: Bytes,
    pub gzip: Option<Bytes>,
    pub brotli: Option<Bytes>,
    /// Quoted-string content of the strong ETag (hash of `identity`).
    pub etag: String,
}

impl CachedBody {
    /// Compresses `body` both ways (keeping a variant only when it is smaller)
    /// and hashes it. CPU-bound: call from a blocking task for large bodies.
    pub fn new(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let mut body = Self::precompressed(content_type, body);
        let size = body.identity.len();
        if size >= MIN_COMPRESS_BYTES {
            body.gzip = smaller(gzip(&body.identity), size);
            body.brotli = smaller(brotli(&body.identity), size);
        }
        body
    }

    /// A body kept only as is: already compressed (a PNG), so gzip and
    /// brotli would gain nothing.
    pub fn precompressed(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let identity: Bytes = body.into();
        let etag = hex::encode(&Sha256::digest(&identity)[..16]);
        Self {
            content_type,
            disposition: None,
            noindex: false,
            content_security_policy: None,
            identity,
            gzip: None,
            brotli: None,
            etag,
        }
    }

    pub fn with_disposition(mut self, disposition: String) -> Self {
        self.disposition = Some(disposition);
        self
    }

    pub fn with_content_security_policy(mut self, policy: &'static str) -> Self {
        self.content_security_policy = Some(policy);
        self
    }

    pub fn with_noindex(mut self, noindex: bool) -> Self {
        self.noindex = noindex;
        self
    }

    /// Bytes held in memory.
    pub fn weight(&self) -> usize {
        self.identity.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.brotli.as_ref().map_or(0, Bytes::len)
            + self.etag.len()
            + self.disposition.as_ref().map_or(0, String::len)
            + 128
    }
}

fn smaller(compressed: Option<Vec<u8>>, than: usize) -> Option<Bytes> {
    compressed.filter(|c| c.len() < than).map(Bytes::from)
}

fn gzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

fn brotli(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = brotli::CompressorWriter::new(
        Vec::with_capacity(data.len() / 3),
        4096,
        BROTLI_QUALITY,
        BROTLI_WINDOW_BITS,
    );
    encoder.write_all(data).ok()?;
    encoder.flush().ok()?;
    Some(encoder.into_inner())
}

/// Whether a lookup found the rendered share in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Hit,
    Miss,
}

/// The forms in which a share is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Representation {
    /// `GET /shared/{id}`: the HTML page.
    Page,
    /// `GET /shared/{id}.json`: the snapshot exactly as published.
    JsonDownload,
    /// `GET /shared/{id}.md`: the snapshot as Markdown.
    Markdown,
    /// `GET /shared/{id}.html`: the page as one self-contained file.
    Standalone,
    /// `GET /api/v0/shared-chats/{id}`: the envelope with the snapshot and its metadata.
    Api,
    /// `GET /shared/{id}/og.png`: the link-preview card.
    OgImage,
}

/// A rendered share and when it expires (so expiry needs no lookup of the
/// immutable share, only revocation does).
#[derive(Debug)]
pub struct CachedShare {
    pub body: CachedBody,
    pub expires_at: Option<DateTime<Utc>>,
    /// The hash of the share's password (a share's password never changes,
    /// so a cache hit needs no lookup for it either).
    pub password_hash: Option<String>,
    /// The share's view limit (each read is counted in the database first).
    pub max_views: Option<u32>,
    /// How many versions the share had when this was rendered (a hit with
    /// another count is stale).
    pub versions: u32,
}

type Key = (ShareId, Representation);

struct Entry {
    value: Arc<CachedShare>,
    weight: usize,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    weight: usize,
    clock: u64,
}

/// Rendered shares, bounded by total bytes; the least recently used go first.
pub struct PageCache {
    capacity: usize,
    inner: Mutex<Inner>,
    /// One lock per share being rendered, so concurrent first views render once.
    rendering: Arc<Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>>,
}

/// Held while one representation of a share is rendered (see [`PageCache::render_lock`]).
pub struct RenderGuard {
    key: Key,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    rendering: Arc<Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>>,
}

impl Drop for RenderGuard {
    fn drop(&mut self) {
        drop(self.guard.take());
        if let Ok(mut rendering) = self.rendering.lock() {
            // Nobody else holds or awaits this lock: forget it.
            if rendering
                .get(&self.key)
                .is_some_and(|lock| Arc::strong_count(lock) == 1)
            {
                rendering.remove(&self.key);
            }
        }
    }
}

impl PageCache {
    /// A cache holding at most `capacity` bytes (0: caches nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner::default()),
            rendering: Arc::default(),
        }
    }

    /// Waits until no one else renders this representation of the share.
    /// Check the cache again after getting it: the previous holder may have
    /// filled it.
    pub async fn render_lock(&self, id: &ShareId, representation: Representation) -> RenderGuard {
        let key = (id.clone(), representation);
        let lock = self
            .rendering
            .lock()
            .map(|mut rendering| Arc::clone(rendering.entry(key.clone()).or_default()))
            .unwrap_or_default();
        let guard = lock.lock_owned().await;
        RenderGuard {
            key,
            guard: Some(guard),
            rendering: Arc::clone(&self.rendering),
        }
    }

    pub fn get(&self, id: &ShareId, representation: Representation) -> Option<Arc<CachedShare>> {
        let mut inner = self.inner.lock().ok()?;
        inner.clock += 1;
        let tick = inner.clock;
        let entry = inner.entries.get_mut(&(id.clone(), representation))?;
        entry.last_used = tick;
        Some(Arc::clone(&entry.value))
    }

    pub fn insert(&self, id: ShareId, representation: Representation, value: Arc<CachedShare>) {
        let weight = value.body.weight();
        // One entry may not take more than a quarter of the budget.
        if weight > self.capacity / 4 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.clock += 1;
        let last_used = inner.clock;
        let entry = Entry {
            value,
            weight,
            last_used,
        };
        if let Some(old) = inner.entries.insert((id, representation), entry) {
            inner.weight -= old.weight;
        }
        inner.weight += weight;
        if inner.weight > self.capacity {
            evict(&mut inner, self.capacity - self.capacity / 8);
        }
    }

    /// Drops every representation of a share (on revocation).
    pub fn remove(&self, id: &ShareId) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let mut freed = 0;
        inner.entries.retain(|(key, _), entry| {
            let keep = key != id;
            if !keep {
                freed += entry.weight;
            }
            keep
        });
        inner.weight -= freed;
    }

    /// Bytes held and number of entries.
    pub fn usage(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|inner| (inner.weight, inner.entries.len()))
            .unwrap_or_default()
    }
}

/// Evicts least-recently-used entries until the weight is at most `target`
/// (a little below capacity, so evictions come in batches).
fn evict(inner: &mut Inner, target: usize) {
    let mut by_age: Vec<(u64, Key, usize)> = inner
        .entries
        .iter()
        .map(|(key, entry)| (entry.last_used, key.clone(), entry.weight))
        .collect();
    by_age.sort_unstable_by_key(|(last_used, _, _)| *last_used);
    for (_, key, weight) in by_age {
        if inner.weight <= target {
            break;
        }
        inner.entries.remove(&key);
        inner.weight -= weight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(size: usize) -> Arc<CachedShare> {
        Arc::new(CachedShare {
            body: CachedBody::new("text/plain", vec![b'x'; size]),
            expires_at: None,
            password_hash: None,
            max_views: None,
            versions: 1,
        })
    }

    #[test]
    fn compresses_and_hashes() {
        let body = CachedBody::new("text/html", "<p>hello</p>".repeat(200));
        assert!(body.gzip.as_ref().unwrap().len() < body.identity.len());
        assert!(body.brotli.as_ref().unwrap().len() < body.identity.len());
        assert_eq!(body.etag.len(), 32);
        let tiny = CachedBody::new("text/html", "hi");
        assert!(tiny.gzip.is_none() && tiny.brotli.is_none());
        assert_ne!(tiny.etag, body.etag);
    }

    #[test]
    fn evicts_least_recently_used_within_budget() {
        let cache = PageCache::new(10_000);
        let ids: Vec<_> = (0..8).map(|_| ShareId::generate().unwrap()).collect();
        for id in &ids[..4] {
            cache.insert(id.clone(), Representation::Page, share(1_500));
        }
        // Touch the first so the second is the oldest.
        assert!(cache.get(&ids[0], Representation::Page).is_some());
        for id in &ids[4..] {
            cache.insert(id.clone(), Representation::Page, share(1_500));
        }
        let (weight, _) = cache.usage();
        assert!(weight <= 10_000, "{weight}");
        assert!(cache.get(&ids[0], Representation::Page).is_some());
        assert!(cache.get(&ids[1], Representation::Page).is_none());
        assert!(cache.get(&ids[7], Representation::Page).is_some());
    }

    #[test]
    fn remove_drops_every_representation() {
        let cache = PageCache::new(1 << 20);
        let id = ShareId::generate().unwrap();
        cache.insert(id.clone(), Representation::Page, share(10));
        cache.insert(id.clone(), Representation::Api, share(10));
        cache.remove(&id);
        assert!(cache.get(&id, Representation::Page).is_none());
        assert!(cache.get(&id, Representation::Api).is_none());
        assert_eq!(cache.usage(), (0, 0));
    }

    #[tokio::test]
    async fn render_locks_serialize_per_key_and_are_forgotten() {
        let cache = PageCache::new(1 << 20);
        let id = ShareId::generate().unwrap();
        let first = cache.render_lock(&id, Representation::Page).await;
        // Another representation is independent.
        drop(cache.render_lock(&id, Representation::Api).await);
        let waiting = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            cache.render_lock(&id, Representation::Page),
        )
        .await;
        assert!(waiting.is_err(), "the second renderer must wait");
        drop(first);
        drop(cache.render_lock(&id, Representation::Page).await);
        assert!(cache.rendering.lock().unwrap().is_empty());
    }

    #[test]
    fn oversized_and_disabled() {
        let cache = PageCache::new(0);
        let id = ShareId::generate().unwrap();
        cache.insert(id.clone(), Representation::Page, share(10));
        assert!(cache.get(&id, Representation::Page).is_none());
    }
}
