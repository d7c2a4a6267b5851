//! Persistence behind one backend-neutral trait. SQLite lives in [`sqlite`],
//! PostgreSQL in [`postgres`]; [`open`] picks the backend from the database
//! URL's scheme.

use std::sync::{Arc, Weak};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::ids::{ShareId, TokenHash};
use invalidations::{Evict, Invalidations};

pub mod invalidations;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

/// Row id of a user.
pub type UserId = i64;

/// The store as the server holds it.
pub type Store = Arc<dyn ShareStore>;

/// What a store operation gives: the value or why it failed.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key is taken (user name, token hash, share id).
    #[error("a record with this key already exists")]
    Conflict,
    /// The database URL names no supported backend (the URL is redacted).
    #[error(
        "unsupported database URL `{0}` (expected sqlite://PATH, sqlite::memory: or \
         postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
    )]
    UnsupportedUrl(String),
    /// The URL names a supported backend but cannot be used as written
    /// (the URL is redacted).
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(String),
    /// The store is shutting down or a worker died.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

/// A user of the API (the admin creates them with `share-server user add`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A user together with the stored hash of their token (for the
/// constant-time comparison after the indexed lookup).
#[derive(Debug, Clone)]
pub struct Credential {
    pub user: User,
    pub token_hash: TokenHash,
}

/// A share to insert: its first version, and what holds for all its
/// versions.
#[derive(Debug, Clone)]
pub struct NewShare {
    /// The id, title, snapshot, creation time and files, as a later
    /// version has them.
    pub version: NewVersion,
    pub owner: Option<UserId>,
    pub delete_token_hash: TokenHash,
    pub expires_at: Option<DateTime<Utc>>,
    pub indexable: bool,
    /// The argon2id hash (PHC string) of the share's password, if it has one.
    pub password_hash: Option<String>,
    /// How many full reads it allows (`None`: no limit).
    pub max_views: Option<u32>,
}

/// A file a new share attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Lowercase hex SHA-256 of `bytes` (checked when the snapshot was parsed).
    pub sha256: String,
    /// The media type the share declares for it.
    pub media_type: String,
    /// The file name the share gives it.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file of a share as the store gives it back: the blob, with the media
/// type and name that share declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub media_type: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Whether a share may be served: the cheap, indexed check made when a
/// rendering is not cached, or the cache cannot vouch for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareStatus {
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The view limit, if any, and the views counted in the database (for
    /// a share without a limit, up to the last flush).
    pub max_views: Option<u32>,
    pub views: u64,
    /// How many versions the share has (the newest is number `versions`).
    pub versions: u32,
}

/// Where a share is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Live,
    Expired,
    Revoked,
    /// Opened as many times as its view limit allows.
    Burnt,
}

impl Liveness {
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Expired => "expired",
            Liveness::Revoked => "revoked",
            Liveness::Burnt => "burnt",
        }
    }
}

impl ShareStatus {
    pub fn liveness(&self, now: DateTime<Utc>) -> Liveness {
        if self.revoked_at.is_some() {
            Liveness::Revoked
        } else if self.expires_at.is_some_and(|at| at <= now) {
            Liveness::Expired
        } else if self
            .max_views
            .is_some_and(|max| self.views >= u64::from(max))
        {
            Liveness::Burnt
        } else {
            Liveness::Live
        }
    }
}

/// A stored share with its snapshot bytes.
#[derive(Debug, Clone)]
pub struct StoredShare {
    pub id: ShareId,
    pub owner: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub indexable: bool,
    pub status: ShareStatus,
    /// The snapshot exactly as received; empty once revoked.
    pub snapshot: Vec<u8>,
    /// The hash of its password (see [`NewShare::password_hash`]).
    pub password_hash: Option<String>,
    /// Which version `snapshot` is (`status.versions` for the newest).
    pub version: u32,
}

/// What deciding a DELETE needs.
#[derive(Debug, Clone)]
pub struct ShareAuth {
    pub owner: Option<UserId>,
    pub delete_token_hash: TokenHash,
    pub status: ShareStatus,
    /// The hash of its password (see [`NewShare::password_hash`]).
    pub password_hash: Option<String>,
}

/// One entry of a user's share list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareSummary {
    pub id: ShareId,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub status: ShareStatus,
    /// When it was last read (up to the last flush of the view counts).
    pub last_viewed_at: Option<DateTime<Utc>>,
    /// Whether it has a password.
    pub protected: bool,
}

/// A version of a share to store: the first (in [`NewShare`]) or a later one.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// The share it belongs to.
    pub id: ShareId,
    /// The version's title, which the share's list entry then shows.
    pub title: String,
    /// The snapshot exactly as received.
    pub snapshot: Vec<u8>,
    pub created_at: DateTime<Utc>,
    /// The files its messages attach, each once (stored in the same
    /// transaction as the version; a blob another share stored is reused).
    /// The share keeps the files of earlier versions.
    pub files: Vec<NewFile>,
}

/// Views of one share counted in memory since the last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewCount {
    pub id: ShareId,
    /// How many to add.
    pub views: u64,
    /// The latest of them.
    pub last_viewed_at: DateTime<Utc>,
}

/// One page of a user's shares, newest first, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharePage {
    pub items: Vec<ShareSummary>,
    pub total: u64,
}

/// Everything the server stores. Implementations are cheap to share
/// (`Arc<dyn ShareStore>`) and safe to call concurrently.
#[async_trait]
pub trait ShareStore: Send + Sync + 'static {
    /// Fails when the database cannot answer (for `/readyz`).
    async fn ping(&self) -> Result<()>;

    /// Creates a user; [`StoreError::Conflict`] when the name is taken.
    async fn create_user(&self, name: &str, hash: TokenHash, now: DateTime<Utc>) -> Result<User>;

    /// Every user, active and revoked, by name.
    async fn list_users(&self) -> Result<Vec<User>>;

    /// Revokes a user's token; `false` when no active user has that name.
    async fn revoke_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool>;

    /// The user whose token has this hash (revoked or not).
    async fn credential(&self, token_hash: TokenHash) -> Result<Option<Credential>>;

    /// Stores a share and its files in one transaction (a blob already
    /// stored by hash is reused); [`StoreError::Conflict`] when the id is
    /// taken.
    async fn insert_share(&self, share: NewShare) -> Result<()>;

    /// A share with its snapshot.
    async fn share(&self, id: &ShareId) -> Result<Option<StoredShare>>;

    /// Only whether a share is revoked or when it expires (indexed, no snapshot).
    async fn share_status(&self, id: &ShareId) -> Result<Option<ShareStatus>>;

    /// Owner and delete-token hash of a share.
    async fn share_auth(&self, id: &ShareId) -> Result<Option<ShareAuth>>;

    /// A user's shares (live, expired and revoked), newest first.
    async fn list_shares(&self, owner: UserId, limit: u32, offset: u64) -> Result<SharePage>;

    /// The file with this hash as share `id` attaches it, whatever the
    /// share's status (the caller checks that first); `None` when the
    /// share does not reference it.
    async fn share_file(&self, id: &ShareId, sha256: &str) -> Result<Option<StoredFile>>;

    /// Marks a share revoked and erases its snapshot, its file references
    /// and the blobs no other share references; `false` when it does not
    /// exist or was revoked already.
    async fn revoke_share(&self, id: &ShareId, now: DateTime<Utc>) -> Result<bool>;

    /// Deletes every share that expired at or before `now` (with its file
    /// references); returns how many.
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64>;

    /// Deletes the blobs no share references any more; returns how many.
    async fn purge_unused_files(&self) -> Result<u64>;

    /// The server key called `name`: the one stored, or else `candidate`,
    /// stored now. Instances racing to create it all get the same key.
    async fn server_key(&self, name: &str, candidate: Vec<u8>) -> Result<Vec<u8>>;

    /// Counts one view of a live share with a view limit, atomically and
    /// only while the limit is not reached: the views after this one, or
    /// `None` when the share is gone, unknown or used up.
    async fn take_view(&self, id: &ShareId, now: DateTime<Utc>) -> Result<Option<u64>>;

    /// Adds views counted in memory (shares since deleted are skipped).
    async fn add_views(&self, counts: Vec<ViewCount>) -> Result<()>;

    /// Publishes a new version of a live share (keeping its expiry, view
    /// limit and count): the previous newest moves to the versions table.
    /// The new version's number, or `None` when the share is not live.
    async fn insert_version(&self, version: NewVersion, now: DateTime<Utc>) -> Result<Option<u32>>;

    /// Version `version` of a share when it is not the newest (the newest
    /// is [`ShareStore::share`]); `None` when there is no such version.
    async fn share_version(&self, id: &ShareId, version: u32) -> Result<Option<StoredShare>>;

    /// Deletes every share whose view limit is reached; returns how many.
    async fn purge_burnt(&self) -> Result<u64>;

    /// Where this store pushes the changes that make cached renderings of
    /// a share stale, and whether it knows of every change.
    fn invalidations(&self) -> &Invalidations;

    /// Tells `sink` of every later change (PostgreSQL: once this instance
    /// listens for the changes other instances make).
    fn watch(&self, sink: Weak<dyn Evict>) {
        self.invalidations().subscribe(sink);
    }
}

/// Opens (and migrates) the store named by a database URL: `sqlite:…` or
/// `postgres://…` / `postgresql://…`.
pub async fn open(database_url: &str) -> Result<Store> {
    if let Some(location) = sqlite::Location::from_url(database_url) {
        return Ok(Arc::new(sqlite::SqliteStore::open(location).await?));
    }
    if is_postgres_url(database_url) {
        #[cfg(feature = "postgres")]
        return Ok(Arc::new(postgres::PostgresStore::open(database_url).await?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::InvalidUrl {
            url: redact_url(database_url),
            reason: "this share-server was built without PostgreSQL support \
                (the `postgres` cargo feature of the share-server crate)"
                .to_owned(),
        });
    }
    Err(StoreError::UnsupportedUrl(redact_url(database_url)))
}

/// Whether the URL names a PostgreSQL database (`postgres://…` or
/// `postgresql://…`), whether or not this build can open one.
pub(crate) fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL with its password replaced by `***`, for logs and errors:
/// `postgres://user:***@host/db`. A `password=` query parameter is masked
/// too. When in doubt it masks more (an `@` anywhere after the scheme ends
/// the user info), never less.
///
/// ```
/// # use share_server::store::redact_url;
/// assert_eq!(redact_url("postgres://u:pw@db/shares"), "postgres://u:***@db/shares");
/// assert_eq!(redact_url("sqlite://shares.db"), "sqlite://shares.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let mut redacted = match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) => {
                let user = user_info
                    .split_once(':')
                    .map_or(user_info, |(user, _)| user);
                let password = if user_info.contains(':') { ":***" } else { "" };
                format!("{scheme}://{user}{password}@{host}")
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    };
    if let Some(start) = redacted.find("password=") {
        let value = start + "password=".len();
        let end = redacted[value..]
            .find('&')
            .map_or(redacted.len(), |i| value + i);
        redacted.replace_range(value..end, "***");
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_are_recognised() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("postgresql://u@h/db"));
        assert!(!is_postgres_url("sqlite://x.db"));
        assert!(!is_postgres_url("postgres:/x"));
    }

    #[cfg(not(feature = "postgres"))]
    #[tokio::test]
    async fn a_postgres_url_without_the_feature_names_it() {
        let Err(error) = open("postgres://u:pw@db/shares").await else {
            panic!("opened a PostgreSQL store without the feature");
        };
        let message = error.to_string();
        assert!(message.contains("`postgres` cargo feature"), "{message}");
        assert!(!message.contains("pw"), "{message}");
    }

    #[test]
    fn passwords_are_redacted() {
        for (url, expected) in [
            (
                "postgres://u:pw@db:5432/shares",
                "postgres://u:***@db:5432/shares",
            ),
            ("postgresql://u@db/shares", "postgresql://u@db/shares"),
            ("postgres://db/shares", "postgres://db/shares"),
            // Unencoded `@`, `/` and `:` in the password.
            ("postgres://u:p@s/s:w@db/x", "postgres://u:***@db/x"),
            (
                "postgres://u@db/x?password=pw&sslmode=disable",
                "postgres://u@db/x?password=***&sslmode=disable",
            ),
            (
                "postgres://u@db/x?password=pw",
                "postgres://u@db/x?password=***",
            ),
            ("mysql://root:pw@h/db", "mysql://root:***@h/db"),
            ("sqlite::memory:", "sqlite::memory:"),
        ] {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }
}
