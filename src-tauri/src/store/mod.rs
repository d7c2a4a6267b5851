//! The local store: one SQLite file in the app-data dir (WAL, foreign keys),
//! the source of truth for sessions, messages, shares and settings.
//!
//! Every change that touches more than one row runs in one transaction. The
//! connection sits behind a mutex: statements are short, and a desktop app
//! has one writer.

mod attachments;
mod copies;
mod messages;
mod sessions;
mod settings;
mod shares;
#[cfg(test)]
mod tests;
mod tree;
mod types;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use contract::error::code;
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use attachments::NewAttachment;
pub use tree::Place;
pub use types::*;

/// The schema, one numbered file per step, embedded at compile time.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../../migrations/app/0001_init.sql")),
    M::up(include_str!("../../../migrations/app/0002_share_reach.sql")),
    M::up(include_str!(
        "../../../migrations/app/0003_generation_record.sql"
    )),
    M::up(include_str!(
        "../../../migrations/app/0004_message_tree.sql"
    )),
    M::up(include_str!("../../../migrations/app/0005_attachments.sql")),
];

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// A file's SHA-256 that names no stored file.
    #[error("attachment {0} not found: add the file again")]
    UnknownAttachment(String),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the database lock was poisoned by an earlier panic")]
    Poisoned,
}

impl StoreError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } | StoreError::UnknownAttachment(_) => code::NOT_FOUND,
            StoreError::Invalid(_) => code::INVALID_INPUT,
            _ => code::STORAGE,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The app's SQLite database.
pub struct Store {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// Assistant messages left `streaming` by a crash or a forced quit are
    /// marked as failed: their stream is gone.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A private in-memory database (tests, previews).
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // `journal_mode` answers with a row, so it is queried, not executed.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;",
        )?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        conn.execute(
            "UPDATE messages SET status = 'error', error = ?1, updated_at = ?2
             WHERE status = 'streaming'",
            (INTERRUPTED, timestamp(now())),
        )?;
        attachments::sweep_unsent(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Runs `sql`, which changes the one row of `what` it names: not
    /// found when it changes none.
    fn change_one(
        &self,
        what: &'static str,
        sql: &str,
        values: impl rusqlite::Params,
    ) -> Result<()> {
        found(what, self.conn()?.execute(sql, values)?)
    }
}

/// Not found when a statement changed no `what`.
fn found(what: &'static str, changed: usize) -> Result<()> {
    if changed == 0 {
        return Err(StoreError::NotFound { what });
    }
    Ok(())
}

/// The error recorded on a message whose stream was cut by the app closing.
pub const INTERRUPTED: &str = "Interrupted: Parlor closed while this answer was streaming.";

/// Now, at the precision times are stored with (milliseconds), so a value
/// returned by a write equals the one read back.
pub(crate) fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(3)
}

/// How times are stored: RFC 3339 UTC with milliseconds, sortable as text.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_timestamp(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// Every row `sql` selects with `params`, each read by `from_row`.
pub(crate) fn all_rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    from_row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map(params, from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The store's text columns read as what they hold.
pub(crate) trait TextColumns {
    /// An RFC 3339 timestamp.
    fn timestamp(&self, index: usize) -> rusqlite::Result<DateTime<Utc>>;
    /// An RFC 3339 timestamp, or NULL.
    fn optional_timestamp(&self, index: usize) -> rusqlite::Result<Option<DateTime<Utc>>>;
    /// JSON.
    fn json<T: serde::de::DeserializeOwned>(&self, index: usize) -> rusqlite::Result<T>;
    /// JSON, or NULL.
    fn optional_json<T: serde::de::DeserializeOwned>(
        &self,
        index: usize,
    ) -> rusqlite::Result<Option<T>>;
}

impl TextColumns for rusqlite::Row<'_> {
    fn timestamp(&self, index: usize) -> rusqlite::Result<DateTime<Utc>> {
        parse_timestamp(&self.get::<_, String>(index)?)
    }

    fn optional_timestamp(&self, index: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
        self.get::<_, Option<String>>(index)?
            .map(|text| parse_timestamp(&text))
            .transpose()
    }

    fn json<T: serde::de::DeserializeOwned>(&self, index: usize) -> rusqlite::Result<T> {
        parse_json(&self.get::<_, String>(index)?)
    }

    fn optional_json<T: serde::de::DeserializeOwned>(
        &self,
        index: usize,
    ) -> rusqlite::Result<Option<T>> {
        self.get::<_, Option<String>>(index)?
            .map(|text| parse_json(&text))
            .transpose()
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
