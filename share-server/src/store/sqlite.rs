//! The SQLite backend: WAL mode, one writer connection and a few readers,
//! blocking calls on tokio's blocking pool — except the liveness check,
//! which a few dedicated readers answer in place (see `Inline` in
//! `connections.rs`).
//!
//! One process makes every change (SQLite serves one instance), so each
//! change that makes a share's renderings stale evicts them from the
//! caches right after it commits, before it is answered (see
//! [`super::invalidations`]); stores opened on one file in one process
//! share their invalidations. The `purge` command run from another process
//! deletes only shares already unservable: expired ones (the caches check
//! the expiry in memory) and burnt ones (evicted when their last view was
//! taken).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Params, Row, params};
use rusqlite_migration::{M, Migrations};

use super::invalidations::Invalidations;
use super::{
    Credential, NewShare, NewVersion, Result, ShareAuth, SharePage, ShareStatus, ShareStore,
    ShareSummary, StoreError, StoredFile, StoredShare, User, UserId, ViewCount,
};
use crate::ids::{ShareId, TokenHash};

mod connections;
mod rows;
#[cfg(test)]
mod tests;
mod versions;

use connections::{Inline, Opener, Pool, open_file, open_memory, query_share_status};
use rows::{
    USER_COLUMNS, VIEW_COLUMNS, hash_column, millis, optional_time, share_id_column,
    status_columns, time, user_row,
};

/// The migrations, in order; applied at start (idempotent: `user_version`
/// records how far a database got).
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../../migrations/sqlite/0001_init.sql")),
    M::up(include_str!("../../../migrations/sqlite/0002_files.sql")),
    M::up(include_str!("../../../migrations/sqlite/0003_protect.sql")),
    M::up(include_str!(
        "../../../migrations/sqlite/0004_views_versions.sql"
    )),
];

/// Deletes the blobs no share references (narrowed with `AND …`).
const DELETE_UNUSED_FILES: &str = "DELETE FROM files WHERE NOT EXISTS
     (SELECT 1 FROM share_files WHERE share_files.sha256 = files.sha256)";

/// Readers for a file database (WAL lets them run beside the writer).
const READERS: usize = 4;

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Memory,
}

impl Location {
    /// `sqlite://relative.db`, `sqlite:///absolute.db`, `sqlite:path.db`,
    /// `sqlite::memory:`; `None` for other schemes.
    ///
    /// ```
    /// # use share_server::store::sqlite::Location;
    /// assert_eq!(Location::from_url("sqlite::memory:"), Some(Location::Memory));
    /// ```
    pub fn from_url(url: &str) -> Option<Self> {
        let rest = url.strip_prefix("sqlite:")?;
        if rest == ":memory:" || rest == "//:memory:" {
            return Some(Location::Memory);
        }
        // No percent-decoding or query parameters: everything after the
        // scheme is the path, so any file name works.
        let path = rest.strip_prefix("//").unwrap_or(rest);
        (!path.is_empty()).then(|| Location::File(PathBuf::from(path)))
    }
}

/// SQLite behind [`ShareStore`].
pub struct SqliteStore {
    writer: Arc<Pool>,
    readers: Arc<Pool>,
    inline: Inline,
    invalidations: Arc<Invalidations>,
}

/// The invalidations of the stores open on one file in this process.
fn invalidations_of(location: &Location) -> Arc<Invalidations> {
    static BY_FILE: OnceLock<Mutex<HashMap<PathBuf, Weak<Invalidations>>>> = OnceLock::new();
    let Location::File(path) = location else {
        return Arc::new(Invalidations::always_complete());
    };
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| Path::new(path).to_path_buf());
    let Ok(mut by_file) = BY_FILE.get_or_init(Mutex::default).lock() else {
        return Arc::new(Invalidations::always_complete());
    };
    by_file.retain(|_, hub| hub.strong_count() > 0);
    if let Some(hub) = by_file.get(&path).and_then(Weak::upgrade) {
        return hub;
    }
    let hub = Arc::new(Invalidations::always_complete());
    by_file.insert(path, Arc::downgrade(&hub));
    hub
}

impl SqliteStore {
    /// Opens the database (creating the file if needed), switches it to WAL
    /// and applies pending migrations.
    pub async fn open(location: Location) -> Result<Self> {
        let opener: Opener = match location.clone() {
            Location::File(path) => Arc::new(move || open_file(&path)),
            Location::Memory => Arc::new(open_memory),
        };
        let writer = Arc::new(Pool::new(1, Arc::clone(&opener)));
        writer.run(migrate).await?;
        let inline = Inline::open(&location)?;
        let invalidations = invalidations_of(&location);
        let readers = match location {
            Location::Memory => Arc::clone(&writer),
            Location::File(path) => Arc::new(Pool::new(
                READERS,
                Arc::new(move || -> Result<Connection, StoreError> {
                    let conn = open_file(&path)?;
                    conn.pragma_update(None, "query_only", true)?;
                    Ok(conn)
                }),
            )),
        };
        Ok(Self {
            writer,
            readers,
            inline,
            invalidations,
        })
    }
}

/// Applies the embedded migrations to a connection (exposed for tests).
pub fn migrate(conn: &mut Connection) -> Result<()> {
    Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| StoreError::Migration(e.to_string()))
}

/// The schema version the embedded migrations lead to.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

impl SqliteStore {
    /// Runs one writing statement on the writer; how many rows it changed.
    async fn write(
        &self,
        sql: &'static str,
        params: impl Params + Send + 'static,
    ) -> Result<usize> {
        self.writer.run(move |conn| conn.execute(sql, params)).await
    }

    /// Deletes the shares `sql` selects (`… RETURNING id`), evicts them and
    /// returns how many.
    async fn purge(&self, sql: &'static str, params: impl Params + Send + 'static) -> Result<u64> {
        let ids: Vec<String> = self
            .writer
            .run(move |conn| {
                conn.prepare(sql)?
                    .query_map(params, |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()
            })
            .await?;
        for id in ids.iter().filter_map(|id| ShareId::parse(id)) {
            self.invalidations.share(&id);
        }
        Ok(u64::try_from(ids.len()).unwrap_or(u64::MAX))
    }

    /// The row of share `id` that `sql` selects, read by `read`.
    async fn share_row<T: Send + 'static>(
        &self,
        id: &ShareId,
        sql: &'static str,
        read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let id = id.clone();
        self.readers
            .run(move |conn| conn.query_row(sql, [id.as_str()], read).optional())
            .await
    }
}

#[async_trait]
impl ShareStore for SqliteStore {
    async fn ping(&self) -> Result<()> {
        self.readers
            .run(|conn| conn.query_row("SELECT 1", [], |_| Ok(())))
            .await
    }

    async fn create_user(&self, name: &str, hash: TokenHash, now: DateTime<Utc>) -> Result<User> {
        let params = (name.to_owned(), hash.as_bytes().to_vec(), millis(now));
        self.writer
            .run(move |conn| {
                conn.query_row(
                    &format!(
                        "INSERT INTO users (name, token_hash, created_at) VALUES (?1, ?2, ?3)
                         RETURNING {USER_COLUMNS}"
                    ),
                    params,
                    user_row,
                )
            })
            .await
    }

    async fn list_users(&self) -> Result<Vec<User>> {
        self.readers
            .run(|conn| {
                let mut statement =
                    conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
                statement.query_map([], user_row)?.collect()
            })
            .await
    }

    async fn revoke_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool> {
        let sql = "UPDATE users SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL";
        let changed = self.write(sql, (name.to_owned(), millis(now))).await?;
        Ok(changed > 0)
    }

    async fn credential(&self, token_hash: TokenHash) -> Result<Option<Credential>> {
        self.readers
            .run(move |conn| {
                conn.query_row(
                    &format!("SELECT {USER_COLUMNS}, token_hash FROM users WHERE token_hash = ?1"),
                    [token_hash.as_bytes().as_slice()],
                    |row| {
                        Ok(Credential {
                            user: user_row(row)?,
                            token_hash: hash_column(row, 4)?,
                        })
                    },
                )
                .optional()
            })
            .await
    }

    async fn insert_share(&self, share: NewShare) -> Result<()> {
        self.writer
            .run(move |conn| {
                let version = &share.version;
                let transaction = conn.transaction()?;
                transaction.execute(
                    "INSERT INTO shares (id, owner_id, delete_token_hash, title, snapshot,
                                         created_at, expires_at, indexable, password_hash,
                                         max_views)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    (
                        version.id.as_str(),
                        share.owner,
                        share.delete_token_hash.as_bytes().as_slice(),
                        &version.title,
                        &version.snapshot,
                        millis(version.created_at),
                        share.expires_at.map(millis),
                        share.indexable,
                        &share.password_hash,
                        share.max_views,
                    ),
                )?;
                versions::insert_files(&transaction, &version.id, &version.files)?;
                transaction.commit()
            })
            .await
    }

    async fn share(&self, id: &ShareId) -> Result<Option<StoredShare>> {
        let sql = "SELECT owner_id, created_at, indexable, expires_at, revoked_at, snapshot,
                          max_views, views, versions, password_hash
                   FROM shares WHERE id = ?1";
        let stored_id = id.clone();
        self.share_row(id, sql, move |row| versions::stored_share(row, stored_id))
            .await
    }

    async fn share_status(&self, id: &ShareId) -> Result<Option<ShareStatus>> {
        if let Some(answer) = self.inline.share_status(id) {
            return answer;
        }
        let id = id.clone();
        self.readers
            .run(move |conn| query_share_status(conn, &id))
            .await
    }

    async fn share_auth(&self, id: &ShareId) -> Result<Option<ShareAuth>> {
        let sql = "SELECT owner_id, delete_token_hash, expires_at, revoked_at,
                          max_views, views, versions, password_hash
                   FROM shares WHERE id = ?1";
        self.share_row(id, sql, |row| {
            Ok(ShareAuth {
                owner: row.get(0)?,
                delete_token_hash: hash_column(row, 1)?,
                status: status_columns(row, 2, 4)?,
                password_hash: row.get(7)?,
            })
        })
        .await
    }

    async fn list_shares(&self, owner: UserId, limit: u32, offset: u64) -> Result<SharePage> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.readers
            .run(move |conn| {
                let total: i64 = conn.query_row(
                    "SELECT COUNT(*) FROM shares WHERE owner_id = ?1",
                    [owner],
                    |row| row.get(0),
                )?;
                let mut statement = conn.prepare(&format!(
                    "SELECT id, title, created_at, expires_at, revoked_at,
                            {VIEW_COLUMNS}, last_viewed_at,
                            password_hash IS NOT NULL FROM shares
                     WHERE owner_id = ?1
                     ORDER BY created_at DESC, pk DESC
                     LIMIT ?2 OFFSET ?3"
                ))?;
                let items = statement
                    .query_map(params![owner, limit, offset], |row| {
                        Ok(ShareSummary {
                            id: share_id_column(row, 0)?,
                            title: row.get(1)?,
                            created_at: time(row.get(2)?)?,
                            status: status_columns(row, 3, 5)?,
                            last_viewed_at: optional_time(row.get(8)?)?,
                            protected: row.get(9)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok::<_, rusqlite::Error>(SharePage {
                    items,
                    total: u64::try_from(total).unwrap_or(0),
                })
            })
            .await
    }

    async fn share_file(&self, id: &ShareId, sha256: &str) -> Result<Option<StoredFile>> {
        let params = (id.as_str().to_owned(), sha256.to_owned());
        self.readers
            .run(move |conn| {
                conn.prepare_cached(
                    "SELECT share_files.media_type, share_files.name, files.bytes
                     FROM share_files JOIN files USING (sha256)
                     WHERE share_files.share_id = ?1 AND share_files.sha256 = ?2",
                )?
                .query_row(params, |row| {
                    Ok(StoredFile {
                        media_type: row.get(0)?,
                        name: row.get(1)?,
                        bytes: row.get(2)?,
                    })
                })
                .optional()
            })
            .await
    }

    async fn revoke_share(&self, id: &ShareId, now: DateTime<Utc>) -> Result<bool> {
        let share = id;
        let id = id.as_str().to_owned();
        let revoked = self
            .writer
            .run(move |conn| {
                let transaction = conn.transaction()?;
                let changed = transaction.execute(
                    "UPDATE shares SET revoked_at = ?2, snapshot = x''
                     WHERE id = ?1 AND revoked_at IS NULL",
                    (&id, millis(now)),
                )?;
                if changed > 0 {
                    transaction.execute("DELETE FROM share_versions WHERE share_id = ?1", [&id])?;
                    let hashes: Vec<String> = transaction
                        .prepare("DELETE FROM share_files WHERE share_id = ?1 RETURNING sha256")?
                        .query_map([&id], |row| row.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    for sha256 in hashes {
                        transaction
                            .execute(&format!("{DELETE_UNUSED_FILES} AND sha256 = ?1"), [sha256])?;
                    }
                }
                transaction.commit()?;
                Ok::<_, rusqlite::Error>(changed > 0)
            })
            .await?;
        self.invalidations.share(share);
        Ok(revoked)
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64> {
        let sql = "DELETE FROM shares WHERE expires_at IS NOT NULL AND expires_at <= ?1
                   RETURNING id";
        self.purge(sql, [millis(now)]).await
    }

    async fn purge_unused_files(&self) -> Result<u64> {
        let deleted = self.write(DELETE_UNUSED_FILES, ()).await?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }

    async fn server_key(&self, name: &str, candidate: Vec<u8>) -> Result<Vec<u8>> {
        let name = name.to_owned();
        self.writer
            .run(move |conn| {
                conn.query_row(
                    "INSERT INTO server_keys (name, key) VALUES (?1, ?2)
                     ON CONFLICT (name) DO UPDATE SET key = key
                     RETURNING key",
                    (&name, &candidate),
                    |row| row.get(0),
                )
            })
            .await
    }

    async fn take_view(&self, id: &ShareId, now: DateTime<Utc>) -> Result<Option<u64>> {
        let share = id.clone();
        let taken = self
            .writer
            .run(move |conn| versions::take_view(conn, &share, now))
            .await?;
        if taken.is_some_and(|(_, last)| last) {
            self.invalidations.share(id);
        }
        Ok(taken.map(|(views, _)| views))
    }

    async fn add_views(&self, counts: Vec<ViewCount>) -> Result<()> {
        self.writer
            .run(move |conn| versions::add_views(conn, &counts))
            .await
    }

    async fn insert_version(&self, version: NewVersion, now: DateTime<Utc>) -> Result<Option<u32>> {
        let id = version.id.clone();
        let number = self
            .writer
            .run(move |conn| versions::insert_version(conn, &version, now))
            .await?;
        self.invalidations.share(&id);
        Ok(number)
    }

    async fn share_version(&self, id: &ShareId, version: u32) -> Result<Option<StoredShare>> {
        let id = id.clone();
        self.readers
            .run(move |conn| versions::share_version(conn, id, version))
            .await
    }

    async fn purge_burnt(&self) -> Result<u64> {
        let sql = "DELETE FROM shares WHERE max_views IS NOT NULL AND views >= max_views
                   RETURNING id";
        self.purge(sql, ()).await
    }

    fn invalidations(&self) -> &Invalidations {
        &self.invalidations
    }
}
