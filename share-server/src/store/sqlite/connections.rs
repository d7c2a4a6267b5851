//! The SQLite connections: files opened in WAL mode, a small pool handed
//! to blocking tasks, and the inline readers of the liveness check.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use tokio::sync::Semaphore;

use super::Location;
use super::rows::{VIEW_COLUMNS, status_columns};
use crate::ids::ShareId;
use crate::store::{ShareStatus, StoreError};

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Readers for the one query on the hot path: `share_status`, an indexed
/// point lookup of two integers (a few microseconds) made on every cache
/// hit. Handing it to the blocking pool costs more than the query itself
/// (thread hand-offs on each request), so it runs on the calling thread,
/// on one of these connections. In WAL mode a reader does not wait for the
/// writer; should the database be busy anyway (recovery, a checkpoint
/// restart), the connection gives up at once and the query goes the usual
/// way through the pool. When all are in use, likewise.
pub(super) struct Inline {
    pub(super) connections: Vec<Mutex<Connection>>,
}

impl Inline {
    /// One connection per core, for a file database; none in memory (one
    /// connection serves everything there).
    pub(super) fn open(location: &Location) -> Result<Self, StoreError> {
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
    pub(super) fn share_status(
        &self,
        id: &ShareId,
    ) -> Option<Result<Option<ShareStatus>, StoreError>> {
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
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(failure.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

pub(super) fn query_share_status(
    conn: &Connection,
    id: &ShareId,
) -> rusqlite::Result<Option<ShareStatus>> {
    conn.prepare_cached(&format!(
        "SELECT expires_at, revoked_at, {VIEW_COLUMNS} FROM shares WHERE id = ?1"
    ))?
    .query_row([id.as_str()], |row| status_columns(row, 0, 2))
    .optional()
}

pub(super) fn open_file(path: &std::path::Path) -> Result<Connection, StoreError> {
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

pub(super) fn open_memory() -> Result<Connection, StoreError> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    Ok(conn)
}

pub(super) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

pub(super) type Opener = Arc<dyn Fn() -> Result<Connection, StoreError> + Send + Sync>;

/// A few connections, handed to blocking tasks one at a time.
///
/// The blocking task returns its connection to the pool itself, so a request
/// that is dropped mid-query (client gone) never loses a connection; a task
/// that panics drops its connection and the next one opens a fresh one.
pub(super) struct Pool {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    open: Opener,
}

impl Pool {
    pub(super) fn new(size: usize, open: Opener) -> Self {
        Self {
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            open,
        }
    }

    pub(super) async fn run<T, E, F>(self: &Arc<Self>, job: F) -> Result<T, StoreError>
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

    pub(super) fn take(&self) -> Option<Connection> {
        self.idle.lock().ok()?.pop()
    }

    pub(super) fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}
