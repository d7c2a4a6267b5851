//! Between SQLite's columns (times as Unix milliseconds, hashes as blobs)
//! and the store's types.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{ErrorCode, Row};

use crate::ids::{ShareId, TokenHash};
use crate::store::{ShareStatus, StoreError, User};

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

pub(super) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(super) fn time(millis: i64) -> rusqlite::Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(millis)
        .single()
        .ok_or_else(|| rusqlite::Error::IntegralValueOutOfRange(0, millis))
}

pub(super) fn optional_time(millis: Option<i64>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    millis.map(time).transpose()
}

pub(super) fn hash_column(row: &Row<'_>, index: usize) -> rusqlite::Result<TokenHash> {
    let bytes: Vec<u8> = row.get(index)?;
    TokenHash::from_bytes(&bytes).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(index, "token hash".into(), rusqlite::types::Type::Blob)
    })
}

pub(super) fn share_id_column(row: &Row<'_>, index: usize) -> rusqlite::Result<ShareId> {
    let text: String = row.get(index)?;
    ShareId::parse(&text).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(index, "share id".into(), rusqlite::types::Type::Text)
    })
}

/// The columns after `expires_at, revoked_at` that complete a [`ShareStatus`].
pub(super) const VIEW_COLUMNS: &str = "max_views, views, versions";

/// A status from `expires_at, revoked_at` at `first` and [`VIEW_COLUMNS`] at `views`.
pub(super) fn status_columns(
    row: &Row<'_>,
    first: usize,
    views: usize,
) -> rusqlite::Result<ShareStatus> {
    Ok(ShareStatus {
        expires_at: optional_time(row.get(first)?)?,
        revoked_at: optional_time(row.get(first + 1)?)?,
        max_views: row.get(views)?,
        views: u64::try_from(row.get::<_, i64>(views + 1)?).unwrap_or(0),
        versions: row.get(views + 2)?,
    })
}

pub(super) const USER_COLUMNS: &str = "id, name, created_at, revoked_at";

pub(super) fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        created_at: time(row.get(2)?)?,
        revoked_at: optional_time(row.get(3)?)?,
    })
}
