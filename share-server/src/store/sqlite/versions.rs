//! The SQLite side of view limits, view counts and versions: each a few
//! statements on one connection (the writer for changes), so the store's
//! trait methods stay one line each.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::rows::{millis, status_columns, time};
use crate::ids::ShareId;
use crate::store::{NewFile, NewVersion, StoredShare, ViewCount};

/// Stores the files a share (or a new version of it) attaches: each blob
/// once by hash, and the share's reference to it.
pub(super) fn insert_files(
    transaction: &Transaction<'_>,
    id: &ShareId,
    files: &[NewFile],
) -> rusqlite::Result<()> {
    for file in files {
        transaction
            .prepare_cached(
                "INSERT INTO files (sha256, size, bytes) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sha256) DO NOTHING",
            )?
            .execute((&file.sha256, file.bytes.len() as i64, &file.bytes))?;
        transaction
            .prepare_cached(
                "INSERT INTO share_files (share_id, sha256, media_type, name)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute((id.as_str(), &file.sha256, &file.media_type, &file.name))?;
    }
    Ok(())
}

/// A share from `owner_id, created_at, indexable, expires_at, revoked_at,
/// snapshot, max_views, views, versions, password_hash`; the snapshot is
/// the newest.
pub(super) fn stored_share(row: &Row<'_>, id: ShareId) -> rusqlite::Result<StoredShare> {
    let status = status_columns(row, 3, 6)?;
    Ok(StoredShare {
        id,
        owner: row.get(0)?,
        created_at: time(row.get(1)?)?,
        indexable: row.get(2)?,
        status,
        snapshot: row.get(5)?,
        password_hash: row.get(9)?,
        version: status.versions,
    })
}

/// The views after this one and whether it was the last, or `None`.
pub(super) fn take_view(
    conn: &mut Connection,
    id: &ShareId,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<(u64, bool)>> {
    conn.prepare_cached(
        "UPDATE shares SET views = views + 1, last_viewed_at = ?2
         WHERE id = ?1 AND max_views IS NOT NULL AND views < max_views
           AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
         RETURNING views, views >= max_views",
    )?
    .query_row((id.as_str(), millis(now)), |row| {
        Ok((
            u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
            row.get(1)?,
        ))
    })
    .optional()
}

pub(super) fn add_views(conn: &mut Connection, counts: &[ViewCount]) -> rusqlite::Result<()> {
    let transaction = conn.transaction()?;
    for count in counts {
        transaction
            .prepare_cached(
                "UPDATE shares SET views = views + ?2,
                     last_viewed_at = max(coalesce(last_viewed_at, ?3), ?3)
                 WHERE id = ?1",
            )?
            .execute((
                count.id.as_str(),
                i64::try_from(count.views).unwrap_or(i64::MAX),
                millis(count.last_viewed_at),
            ))?;
    }
    transaction.commit()
}

pub(super) fn insert_version(
    conn: &mut Connection,
    version: &NewVersion,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<u32>> {
    let transaction = conn.transaction()?;
    let id = version.id.as_str();
    // The newest so far moves to the versions table, as it was.
    let moved = transaction.execute(
        "INSERT INTO share_versions (share_id, version, title, snapshot, created_at)
         SELECT id, versions, title, snapshot, coalesce(updated_at, created_at) FROM shares
         WHERE id = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
           AND (max_views IS NULL OR views < max_views)",
        (id, millis(now)),
    )?;
    if moved == 0 {
        return Ok(None);
    }
    let number: u32 = transaction.query_row(
        "UPDATE shares SET versions = versions + 1, title = ?2, snapshot = ?3, updated_at = ?4
         WHERE id = ?1 RETURNING versions",
        (
            id,
            &version.title,
            &version.snapshot,
            millis(version.created_at),
        ),
        |row| row.get(0),
    )?;
    insert_files(&transaction, &version.id, &version.files)?;
    transaction.commit()?;
    Ok(Some(number))
}

pub(super) fn share_version(
    conn: &mut Connection,
    id: ShareId,
    version: u32,
) -> rusqlite::Result<Option<StoredShare>> {
    conn.prepare_cached(
        "SELECT s.owner_id, s.created_at, s.indexable, s.expires_at, s.revoked_at, v.snapshot,
                s.max_views, s.views, s.versions, s.password_hash
         FROM shares s JOIN share_versions v ON v.share_id = s.id AND v.version = ?2
         WHERE s.id = ?1",
    )?
    .query_row((id.as_str(), version), |row| {
        Ok(StoredShare {
            version,
            ..stored_share(row, id.clone())?
        })
    })
    .optional()
}
