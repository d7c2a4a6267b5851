//! What the server keeps in memory to answer reads without rendering or
//! reading again: the rendered shares (each body as is, gzip'd and
//! brotli'd, with its ETag and headers, see [`body`]) and the files they
//! attach, each in a least-recently-used cache bounded by bytes.
//!
//! Each entry carries what deciding whether it may still be served needs
//! (its [`Gate`]: expiry, password hash, view limit, version count). The
//! expiry is checked in memory; every other change is pushed by the store
//! (see [`crate::store::invalidations`]), which evicts the share here, so a
//! hit needs no lookup while the store's pushes are complete. A rendering
//! that was being made while its share changed is not kept: inserts carry
//! the [`PageCache::generation`] seen before the store was read, and any
//! eviction since makes them void.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

use crate::ids::ShareId;
use crate::store::invalidations::Evict;

mod body;
mod lru;

pub use body::{CachedBody, Caching, Encoding};
use lru::{Lru, Weigh};

/// Whether a lookup found the rendered share in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Served from memory, without asking the store.
    Hit,
    /// Found, and served once the store said it is still live (the
    /// store's pushes were not complete).
    Checked,
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

impl Representation {
    const COUNT: usize = 6;
}

/// What deciding whether a share may be served needs, as it was when the
/// entry was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// Checked in memory on every hit.
    pub expires_at: Option<DateTime<Utc>>,
    /// The hash of the share's password (no API changes it; any change of
    /// the share evicts it with the rest).
    pub password_hash: Option<String>,
    /// The share's view limit (each read is counted in the database first).
    pub max_views: Option<u32>,
    /// How many versions the share had (a new one evicts the entry).
    pub versions: u32,
}

impl Gate {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A rendered share with its gate.
#[derive(Debug)]
pub struct CachedShare {
    pub body: CachedBody,
    pub gate: Gate,
}

/// The answer to a file of a share, without its bytes (kept by hash, once
/// for every share that attaches them): the share's gate and the headers
/// of the 200 and the 304.
#[derive(Debug)]
pub struct CachedFile {
    pub gate: Gate,
    pub ok: HeaderMap,
    pub not_modified: HeaderMap,
}

/// What is kept of one share.
#[derive(Default)]
struct ShareEntry {
    representations: [Option<Arc<CachedShare>>; Representation::COUNT],
    /// By SHA-256.
    files: HashMap<Arc<str>, Arc<CachedFile>>,
}

/// Roughly what a file's headers and gate take.
const FILE_WEIGHT: usize = 512;

impl Weigh for ShareEntry {
    fn weight(&self) -> usize {
        let bodies: usize = self
            .representations
            .iter()
            .flatten()
            .map(|share| share.body.weight())
            .sum();
        bodies + self.files.len() * FILE_WEIGHT
    }
}

impl Weigh for Bytes {
    fn weight(&self) -> usize {
        self.len() + 64
    }
}

struct Inner {
    shares: Lru<ShareId, ShareEntry>,
    /// File bytes by SHA-256 (content-addressed, so shared by every share).
    blobs: Lru<Arc<str>, Bytes>,
    /// Counts evictions (see [`PageCache::generation`]).
    generation: u64,
}

type Key = (ShareId, Representation);
type RenderLocks = Arc<Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>>;

/// Rendered shares and attached files, each bounded by total bytes; the
/// least recently used go first.
pub struct PageCache {
    inner: Mutex<Inner>,
    /// One lock per share being rendered, so concurrent first views render once.
    rendering: RenderLocks,
}

/// Held while one representation of a share is rendered (see [`PageCache::render_lock`]).
pub struct RenderGuard {
    key: Key,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    rendering: RenderLocks,
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
    /// A cache holding at most `capacity` bytes of renderings and as much
    /// of files (0: caches nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                shares: Lru::new(capacity),
                blobs: Lru::new(capacity),
                generation: 0,
            }),
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

    /// How many evictions there have been. Read it before reading the store
    /// for an entry, and give it to the insert: an eviction in between (the
    /// share may have changed after it was read) voids the insert.
    pub fn generation(&self) -> u64 {
        self.inner.lock().map_or(0, |inner| inner.generation)
    }

    pub fn get(&self, id: &ShareId, representation: Representation) -> Option<Arc<CachedShare>> {
        let mut inner = self.inner.lock().ok()?;
        let entry = inner.shares.get(id)?;
        entry.representations[representation as usize].clone()
    }

    /// Keeps a rendering, unless anything was evicted since `generation`.
    pub fn insert(
        &self,
        id: ShareId,
        representation: Representation,
        value: Arc<CachedShare>,
        generation: u64,
    ) {
        self.change(id, generation, |entry| {
            entry.representations[representation as usize] = Some(value);
        });
    }

    /// A file of a share: its answer's headers and its bytes.
    pub fn file(&self, id: &ShareId, sha256: &str) -> Option<(Arc<CachedFile>, Bytes)> {
        let mut inner = self.inner.lock().ok()?;
        let file = Arc::clone(inner.shares.get(id)?.files.get(sha256)?);
        let bytes = inner.blobs.get(sha256)?.clone();
        Some((file, bytes))
    }

    /// Keeps a file of a share, unless anything was evicted since `generation`.
    pub fn insert_file(
        &self,
        id: ShareId,
        sha256: &str,
        file: Arc<CachedFile>,
        bytes: Bytes,
        generation: u64,
    ) {
        let sha256: Arc<str> = Arc::from(sha256);
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.generation != generation {
            return;
        }
        inner.blobs.upsert(Arc::clone(&sha256), || bytes, |_| {});
        inner.shares.upsert(id, ShareEntry::default, |entry| {
            entry.files.insert(sha256, file);
        });
    }

    fn change(&self, id: ShareId, generation: u64, change: impl FnOnce(&mut ShareEntry)) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.generation == generation {
            inner.shares.upsert(id, ShareEntry::default, change);
        }
    }

    /// Drops everything kept of a share (its files' bytes stay: other
    /// shares may attach them, and they are reached only through a share).
    pub fn remove(&self, id: &ShareId) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.generation += 1;
            inner.shares.remove(id);
        }
    }

    /// Drops everything.
    pub fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.generation += 1;
            inner.shares.clear();
            inner.blobs.clear();
        }
    }

    /// Bytes held (renderings and files) and number of shares.
    pub fn usage(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|inner| {
                let (shares, count) = inner.shares.usage();
                (shares + inner.blobs.usage().0, count)
            })
            .unwrap_or_default()
    }
}

impl Evict for PageCache {
    fn evict(&self, id: &ShareId) {
        self.remove(id);
    }

    fn evict_all(&self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(size: usize) -> Arc<CachedShare> {
        Arc::new(CachedShare {
            body: CachedBody::new("text/plain", vec![b'x'; size]),
            gate: Gate {
                expires_at: None,
                password_hash: None,
                max_views: None,
                versions: 1,
            },
        })
    }

    fn file() -> Arc<CachedFile> {
        Arc::new(CachedFile {
            gate: share(1).gate.clone(),
            ok: HeaderMap::new(),
            not_modified: HeaderMap::new(),
        })
    }

    #[test]
    fn remove_drops_every_representation_and_file() {
        let cache = PageCache::new(1 << 20);
        let id = ShareId::generate().unwrap();
        let generation = cache.generation();
        cache.insert(id.clone(), Representation::Page, share(10), generation);
        cache.insert(id.clone(), Representation::Api, share(10), generation);
        cache.insert_file(
            id.clone(),
            "ab",
            file(),
            Bytes::from_static(b"png"),
            generation,
        );
        assert!(cache.file(&id, "ab").is_some());
        assert!(cache.file(&id, "cd").is_none());
        cache.evict(&id);
        assert!(cache.get(&id, Representation::Page).is_none());
        assert!(cache.get(&id, Representation::Api).is_none());
        assert!(cache.file(&id, "ab").is_none());
        cache.evict_all();
        assert_eq!(cache.usage(), (0, 0));
    }

    #[test]
    fn an_insert_after_an_eviction_it_did_not_see_is_void() {
        let cache = PageCache::new(1 << 20);
        let (id, other) = (ShareId::generate().unwrap(), ShareId::generate().unwrap());
        let before = cache.generation();
        // The share changed (and was evicted) while it was being rendered.
        cache.remove(&other);
        cache.insert(id.clone(), Representation::Page, share(10), before);
        cache.insert_file(id.clone(), "ab", file(), Bytes::from_static(b"png"), before);
        assert!(cache.get(&id, Representation::Page).is_none());
        assert!(cache.file(&id, "ab").is_none());
        let after = cache.generation();
        cache.insert(id.clone(), Representation::Page, share(10), after);
        assert!(cache.get(&id, Representation::Page).is_some());
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
        cache.insert(id.clone(), Representation::Page, share(10), 0);
        assert!(cache.get(&id, Representation::Page).is_none());
    }
}
