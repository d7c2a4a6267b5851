//! Between the driver and the store: its errors mapped to [`StoreError`],
//! its rows read into the store's types.

use chrono::{DateTime, TimeZone, Utc};
use deadpool_postgres::PoolError;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

use crate::ids::{ShareId, TokenHash};
use crate::store::{ShareStatus, StoreError, User};

/// The error with its cause and, for server errors, the SQLSTATE.
pub(super) fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{} ({}): {}", db.severity(), db.code().code(), db.message());
    }
    // The driver's message already ends with its cause.
    error.to_string()
}

/// Maps a driver error: unique violations are conflicts; a connection that
/// failed, closed or timed out (and a server shutting down or out of
/// connections) is "unavailable"; anything else is a database error.
pub(super) fn db_error(error: tokio_postgres::Error) -> StoreError {
    match error.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => StoreError::Conflict,
        Some(code) if is_unavailable(code) => StoreError::Unavailable(describe(&error)),
        Some(_) => StoreError::Database(describe(&error)),
        None if error.is_closed() || is_io(&error) || error.to_string().starts_with("timeout") => {
            StoreError::Unavailable(describe(&error))
        }
        None => StoreError::Database(describe(&error)),
    }
}

/// SQLSTATE classes 08 (connection exception), 53 (insufficient
/// resources), 57P (operator intervention: shutdown, cannot connect now).
pub(super) fn is_unavailable(code: &SqlState) -> bool {
    let code = code.code();
    code.starts_with("08") || code.starts_with("53") || code.starts_with("57P")
}

fn is_io(error: &tokio_postgres::Error) -> bool {
    std::error::Error::source(error).is_some_and(|cause| cause.is::<std::io::Error>())
}

/// Like [`db_error`], but a failing statement (a conflict included) is a
/// migration failure; only a lost connection stays "unavailable".
pub(super) fn migration_error(error: tokio_postgres::Error) -> StoreError {
    let reason = describe(&error);
    match db_error(error) {
        StoreError::Unavailable(reason) => StoreError::Unavailable(reason),
        _ => StoreError::Migration(reason),
    }
}

pub(super) fn pool_error(error: PoolError) -> StoreError {
    match error {
        PoolError::Backend(error) => match db_error(error) {
            // Failing to connect at all (wrong password, unknown database) is
            // still "cannot reach the database" to the caller.
            StoreError::Database(reason) => StoreError::Unavailable(reason),
            other => other,
        },
        PoolError::Timeout(kind) => StoreError::Unavailable(format!(
            "no database connection available in time ({kind:?}): the pool is exhausted or \
             the server does not answer"
        )),
        PoolError::Closed => StoreError::Unavailable("the connection pool is closed".into()),
        PoolError::NoRuntimeSpecified => {
            StoreError::Unavailable("the connection pool has no runtime".into())
        }
        PoolError::PostCreateHook(error) => StoreError::Unavailable(error.to_string()),
    }
}

/// Milliseconds, rounded down as the SQLite backend stores them.
pub(super) fn millis(at: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
    Utc.timestamp_millis_opt(at.timestamp_millis())
        .single()
        .ok_or_else(|| StoreError::Database(format!("time out of range: {at}")))
}

pub(super) fn optional_millis(
    at: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    at.map(millis).transpose()
}

pub(super) fn column<'a, T: tokio_postgres::types::FromSql<'a>>(
    row: &'a Row,
    index: usize,
) -> Result<T, StoreError> {
    row.try_get(index).map_err(db_error)
}

pub(super) fn hash_column(row: &Row, index: usize) -> Result<TokenHash, StoreError> {
    TokenHash::from_bytes(column::<&[u8]>(row, index)?)
        .ok_or_else(|| StoreError::Database(format!("column {index} is not a token hash")))
}

pub(super) fn share_id_column(row: &Row, index: usize) -> Result<ShareId, StoreError> {
    ShareId::parse(column::<&str>(row, index)?)
        .ok_or_else(|| StoreError::Database(format!("column {index} is not a share id")))
}

/// The columns after `expires_at, revoked_at` that complete a [`ShareStatus`].
pub(super) const VIEW_COLUMNS: &str = "max_views, views, versions";

/// A status from `expires_at, revoked_at` at `first` and [`VIEW_COLUMNS`] at `views`.
pub(super) fn status_columns(
    row: &Row,
    first: usize,
    views: usize,
) -> Result<ShareStatus, StoreError> {
    Ok(ShareStatus {
        expires_at: column(row, first)?,
        revoked_at: column(row, first + 1)?,
        max_views: column::<Option<i32>>(row, views)?.and_then(|max| u32::try_from(max).ok()),
        views: u64::try_from(column::<i64>(row, views + 1)?).unwrap_or(0),
        versions: u32::try_from(column::<i32>(row, views + 2)?).unwrap_or(1),
    })
}

pub(super) const USER_COLUMNS: &str = "id, name, created_at, revoked_at";

pub(super) fn user_row(row: &Row) -> Result<User, StoreError> {
    Ok(User {
        id: column(row, 0)?,
        name: column(row, 1)?,
        created_at: column(row, 2)?,
        revoked_at: column(row, 3)?,
    })
}
