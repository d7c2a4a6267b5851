//! The SQLite backend: WAL mode, one writer connection and a few readers,
//! blocking calls on tokio's blocking pool — except the liveness check made
//! on every page hit, which a few dedicated readers answer in place (see
//! [`Inline`]).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Row, params};
use rusqlite_migration::{M, Migrations};
use tokio::sync::Semaphore;

use super::{
    Credential, NewShare, ShareAuth, SharePage, ShareStatus, ShareStore, ShareSummary, StoreError,
    StoredShare, User, UserId,
};
use crate::ids::{ShareId, TokenHash};

/// The migrations, in order; applied at start (idempotent: `user_version`
/// records how far a database got).
const MIGRATIONS: &[M<'static>] = &[M::up(include_str!(
    "../../../migrations/sqlite/0001_init.sql"
))];

/// Readers for a file database (WAL lets them run beside the writer).
const READERS: usize = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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
}

/// Readers for the one query on the hot path: `share_status`, an indexed
/// point lookup of two integers (a few microseconds) made on every cache
/// hit. Handing it to the blocking pool costs more than the query itself
/// (thread hand-offs on each request), so it runs on the calling thread,
/// on one of these connections. In WAL mode a reader does not wait for the
/// writer; should the database be busy anyway (recovery, a checkpoint
/// restart), the connection gives up at once and the query goes the usual
/// way through the pool. When all are in use, likewise.
struct Inline {
    connections: Vec<Mutex<Connection>>,
}

impl Inline {
    /// One connection per core, for a file database; none in memory (one
    /// connection serves everything there).
    fn open(location: &Location) -> Result<Self, StoreError> {
        let Location::File(path) = location else {
            return Ok(Self {
                connections: Vec::new(),
            });
        };
        let count = std::thread::available_parallelism().map_or(2, usize::from);
        let connections = (0..count)
            .map(|_| {
                let conn = open_file(path)?;
                conn.pragma_update(None, "query_only", true)?;
                // Never block the async thread waiting for a lock.
                conn.busy_timeout(Duration::ZERO)?;
                Ok(Mutex::new(conn))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Self { connections })
    }

    /// `Some(answer)` when a free connection answered; `None` to take the
    /// pool's way (all busy, or SQLite said busy/locked).
    fn share_status(&self, id: &ShareId) -> Option<Result<Option<ShareStatus>, StoreError>> {
        for slot in &self.connections {
            let Ok(conn) = slot.try_lock() else {
                continue;
            };
            return match query_share_status(&conn, id) {
                Err(error) if is_busy(&error) => None,
                result => Some(result.map_err(Into::into)),
            };
        }
        None
    }
}

/// SQLite could not take its lock without waiting.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(failure.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn query_share_status(conn: &Connection, id: &ShareId) -> rusqlite::Result<Option<ShareStatus>> {
    conn.prepare_cached("SELECT expires_at, revoked_at FROM shares WHERE id = ?1")?
        .query_row([id.as_str()], |row| status_columns(row, 0))
        .optional()
}

impl SqliteStore {
    /// Opens the database (creating the file if needed), switches it to WAL
    /// and applies pending migrations.
    pub async fn open(location: Location) -> Result<Self, StoreError> {
        let opener: Opener = match location.clone() {
            Location::File(path) => Arc::new(move || open_file(&path)),
            Location::Memory => Arc::new(open_memory),
        };
        let writer = Arc::new(Pool::new(1, Arc::clone(&opener)));
        writer.run(migrate).await?;
        let inline = Inline::open(&location)?;
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
        })
    }
}

/// Applies the embedded migrations to a connection (exposed for tests).
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| StoreError::Migration(e.to_string()))
}

/// The schema version the embedded migrations lead to.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

fn open_file(path: &std::path::Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Database(format!(
            "could not switch the database to WAL mode (it is in {mode} mode)"
        )));
    }
    configure(&conn)?;
    Ok(conn)
}

fn open_memory() -> Result<Connection, StoreError> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

type Opener = Arc<dyn Fn() -> Result<Connection, StoreError> + Send + Sync>;

/// A few connections, handed to blocking tasks one at a time.
///
/// The blocking task returns its connection to the pool itself, so a request
/// that is dropped mid-query (client gone) never loses a connection; a task
/// that panics drops its connection and the next one opens a fresh one.
struct Pool {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    open: Opener,
}

impl Pool {
    fn new(size: usize, open: Opener) -> Self {
        Self {
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            open,
        }
    }

    async fn run<T, E, F>(self: &Arc<Self>, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        E: Into<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("the connection pool is closed".into()))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = match pool.take() {
                Some(conn) => conn,
                None => (pool.open)()?,
            };
            let result = job(&mut conn).map_err(Into::into);
            pool.give_back(conn);
            result
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("database task failed: {e}")))?
    }

    fn take(&self) -> Option<Connection> {
        self.idle.lock().ok()?.pop()
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match &error {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict
            }
            _ => StoreError::Database(error.to_string()),
        }
    }
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn time(millis: i64) -> rusqlite::Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(millis)
        .single()
        .ok_or_else(|| rusqlite::Error::IntegralValueOutOfRange(0, millis))
}

fn optional_time(millis: Option<i64>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    millis.map(time).transpose()
}

fn hash_column(row: &Row<'_>, index: usize) -> rusqlite::Result<TokenHash> {
    let bytes: Vec<u8> = row.get(index)?;
    TokenHash::from_bytes(&bytes).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(index, "token hash".into(), rusqlite::types::Type::Blob)
    })
}

fn share_id_column(row: &Row<'_>, index: usize) -> rusqlite::Result<ShareId> {
    let text: String = row.get(index)?;
    ShareId::parse(&text).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(index, "share id".into(), rusqlite::types::Type::Text)
    })
}

fn status_columns(row: &Row<'_>, first: usize) -> rusqlite::Result<ShareStatus> {
    Ok(ShareStatus {
        expires_at: optional_time(row.get(first)?)?,
        revoked_at: optional_time(row.get(first + 1)?)?,
    })
}

const USER_COLUMNS: &str = "id, name, created_at, revoked_at";

fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        created_at: time(row.get(2)?)?,
        revoked_at: optional_time(row.get(3)?)?,
    })
}

#[async_trait]
impl ShareStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.readers
            .run(|conn| conn.query_row("SELECT 1", [], |_| Ok(())))
            .await
    }

    async fn create_user(
        &self,
        name: &str,
        token_hash: TokenHash,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let name = name.to_owned();
        self.writer
            .run(move |conn| {
                conn.query_row(
                    &format!(
                        "INSERT INTO users (name, token_hash, created_at) VALUES (?1, ?2, ?3)
                         RETURNING {USER_COLUMNS}"
                    ),
                    params![name, token_hash.as_bytes().as_slice(), millis(now)],
                    user_row,
                )
            })
            .await
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        self.readers
            .run(|conn| {
                let mut statement =
                    conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
                statement.query_map([], user_row)?.collect()
            })
            .await
    }

    async fn revoke_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.writer
            .run(move |conn| {
                conn.execute(
                    "UPDATE users SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                    params![name, millis(now)],
                )
                .map(|changed| changed > 0)
            })
            .await
    }

    async fn credential(&self, token_hash: TokenHash) -> Result<Option<Credential>, StoreError> {
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

    async fn insert_share(&self, share: NewShare) -> Result<(), StoreError> {
        self.writer
            .run(move |conn| {
                conn.execute(
                    "INSERT INTO shares (id, owner_id, delete_token_hash, title, snapshot,
                                         created_at, expires_at, indexable)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        share.id.as_str(),
                        share.owner,
                        share.delete_token_hash.as_bytes().as_slice(),
                        share.title,
                        share.snapshot,
                        millis(share.created_at),
                        share.expires_at.map(millis),
                        share.indexable,
                    ],
                )
                .map(drop)
            })
            .await
    }

    async fn share(&self, id: &ShareId) -> Result<Option<StoredShare>, StoreError> {
        let id = id.clone();
        self.readers
            .run(move |conn| {
                conn.query_row(
                    "SELECT owner_id, created_at, indexable, expires_at, revoked_at, snapshot
                     FROM shares WHERE id = ?1",
                    [id.as_str()],
                    |row| {
                        Ok(StoredShare {
                            id: id.clone(),
                            owner: row.get(0)?,
                            created_at: time(row.get(1)?)?,
                            indexable: row.get(2)?,
                            status: status_columns(row, 3)?,
                            snapshot: row.get(5)?,
                        })
                    },
                )
                .optional()
            })
            .await
    }

    async fn share_status(&self, id: &ShareId) -> Result<Option<ShareStatus>, StoreError> {
        if let Some(answer) = self.inline.share_status(id) {
            return answer;
        }
        let id = id.clone();
        self.readers
            .run(move |conn| query_share_status(conn, &id))
            .await
    }

    async fn share_auth(&self, id: &ShareId) -> Result<Option<ShareAuth>, StoreError> {
        let id = id.clone();
        self.readers
            .run(move |conn| {
                conn.query_row(
                    "SELECT owner_id, delete_token_hash, expires_at, revoked_at
                     FROM shares WHERE id = ?1",
                    [id.as_str()],
                    |row| {
                        Ok(ShareAuth {
                            owner: row.get(0)?,
                            delete_token_hash: hash_column(row, 1)?,
                            status: status_columns(row, 2)?,
                        })
                    },
                )
                .optional()
            })
            .await
    }

    async fn list_shares(
        &self,
        owner: UserId,
        limit: u32,
        offset: u64,
    ) -> Result<SharePage, StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.readers
            .run(move |conn| {
                let total: i64 = conn.query_row(
                    "SELECT COUNT(*) FROM shares WHERE owner_id = ?1",
                    [owner],
                    |row| row.get(0),
                )?;
                let mut statement = conn.prepare(
                    "SELECT id, title, created_at, expires_at, revoked_at FROM shares
                     WHERE owner_id = ?1
                     ORDER BY created_at DESC, pk DESC
                     LIMIT ?2 OFFSET ?3",
                )?;
                let items = statement
                    .query_map(params![owner, limit, offset], |row| {
                        Ok(ShareSummary {
                            id: share_id_column(row, 0)?,
                            title: row.get(1)?,
                            created_at: time(row.get(2)?)?,
                            status: status_columns(row, 3)?,
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

    async fn revoke_share(&self, id: &ShareId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let id = id.clone();
        self.writer
            .run(move |conn| {
                conn.execute(
                    "UPDATE shares SET revoked_at = ?2, snapshot = x''
                     WHERE id = ?1 AND revoked_at IS NULL",
                    params![id.as_str(), millis(now)],
                )
                .map(|changed| changed > 0)
            })
            .await
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.writer
            .run(move |conn| {
                conn.execute(
                    "DELETE FROM shares WHERE expires_at IS NOT NULL AND expires_at <= ?1",
                    [millis(now)],
                )
                .map(|deleted| u64::try_from(deleted).unwrap_or(u64::MAX))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TokenHash;

    #[test]
    fn urls() {
        assert_eq!(
            Location::from_url("sqlite://shares.db"),
            Some(Location::File("shares.db".into()))
        );
        assert_eq!(
            Location::from_url("sqlite:///var/lib/x.db"),
            Some(Location::File("/var/lib/x.db".into()))
        );
        assert_eq!(
            Location::from_url("sqlite:rel/my data?.db"),
            Some(Location::File("rel/my data?.db".into()))
        );
        assert_eq!(
            Location::from_url("sqlite::memory:"),
            Some(Location::Memory)
        );
        assert_eq!(Location::from_url("sqlite://"), None);
        assert_eq!(Location::from_url("postgres://localhost/db"), None);
    }

    async fn store_with_share(dir: &tempfile::TempDir) -> (SqliteStore, ShareId) {
        let store = SqliteStore::open(Location::File(dir.path().join("s.db")))
            .await
            .unwrap();
        let id = ShareId::generate().unwrap();
        let now = Utc.timestamp_millis_opt(1_764_000_000_000).unwrap();
        store
            .insert_share(NewShare {
                id: id.clone(),
                owner: None,
                delete_token_hash: TokenHash::of("psd_x"),
                title: "t".into(),
                snapshot: b"{}".to_vec(),
                created_at: now,
                expires_at: None,
                indexable: false,
            })
            .await
            .unwrap();
        (store, id)
    }

    #[tokio::test]
    async fn the_liveness_check_is_answered_in_place_and_sees_revocations() {
        let dir = tempfile::tempdir().unwrap();
        let (store, id) = store_with_share(&dir).await;
        assert!(!store.inline.connections.is_empty());
        let live = store.inline.share_status(&id).unwrap().unwrap().unwrap();
        assert_eq!(live.revoked_at, None);
        let now = Utc.timestamp_millis_opt(1_764_000_001_000).unwrap();
        assert!(store.revoke_share(&id, now).await.unwrap());
        let revoked = store.inline.share_status(&id).unwrap().unwrap().unwrap();
        assert_eq!(revoked.revoked_at, Some(now));
        let unknown = ShareId::generate().unwrap();
        assert_eq!(store.inline.share_status(&unknown).unwrap().unwrap(), None);
    }

    #[tokio::test]
    async fn with_every_inline_reader_taken_the_pool_answers() {
        let dir = tempfile::tempdir().unwrap();
        let (store, id) = store_with_share(&dir).await;
        let held: Vec<_> = store
            .inline
            .connections
            .iter()
            .map(|slot| slot.lock().unwrap())
            .collect();
        assert!(store.inline.share_status(&id).is_none());
        let status = store.share_status(&id).await.unwrap().unwrap();
        assert_eq!(status.revoked_at, None);
        drop(held);
    }

    #[test]
    fn busy_and_locked_send_the_check_to_the_pool_other_errors_do_not() {
        let failure = |code| {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error {
                    code,
                    extended_code: 0,
                },
                None,
            )
        };
        assert!(is_busy(&failure(ErrorCode::DatabaseBusy)));
        assert!(is_busy(&failure(ErrorCode::DatabaseLocked)));
        assert!(!is_busy(&failure(ErrorCode::DatabaseCorrupt)));
        assert!(!is_busy(&rusqlite::Error::QueryReturnedNoRows));
    }

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }
}
