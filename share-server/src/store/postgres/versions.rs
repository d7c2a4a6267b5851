//! The PostgreSQL side of view limits, view counts and versions, kept out
//! of `postgres.rs` so its trait methods stay short.

use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::PostgresStore;
use super::rows::{column, db_error, millis, status_columns};
use crate::ids::ShareId;
use crate::store::{NewFile, NewVersion, Result, StoredShare, ViewCount};

/// Counts one view while the limit is not reached: one conditional UPDATE,
/// so two instances racing for the last view cannot both get it (the
/// second waits for the first's row lock, then re-checks `views`). The
/// last view notifies the change (see `listen.rs`).
const TAKE_VIEW: &str = concat!(
    "WITH taken AS (
         UPDATE shares SET views = views + 1, last_viewed_at = $2
         WHERE id = $1 AND max_views IS NOT NULL AND views < max_views
           AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
         RETURNING views, views >= max_views AS last)
     SELECT views, last,
            CASE WHEN last THEN pg_notify('",
    super::listen::changes_channel!(),
    "', $1) IS NULL END
     FROM taken"
);

/// A version the newest replaced, with the share's other columns.
const SHARE_VERSION: &str =
    "SELECT s.owner_id, s.created_at, s.indexable, s.expires_at, s.revoked_at, v.snapshot,
            s.max_views, s.views, s.versions, s.password_hash
     FROM shares s JOIN share_versions v ON v.share_id = s.id AND v.version = $2
     WHERE s.id = $1";

/// A share from `owner_id, created_at, indexable, expires_at, revoked_at,
/// snapshot, max_views, views, versions, password_hash`; the snapshot is
/// the newest.
pub(super) fn stored_share(row: &Row, id: ShareId) -> Result<StoredShare> {
    let status = status_columns(row, 3, 6)?;
    Ok(StoredShare {
        id,
        owner: column(row, 0)?,
        created_at: column(row, 1)?,
        indexable: column(row, 2)?,
        status,
        snapshot: column(row, 5)?,
        password_hash: column(row, 9)?,
        version: status.versions,
    })
}

/// Stores the files a share (or a new version of it) attaches.
pub(super) async fn insert_files(
    transaction: &Transaction<'_>,
    id: &ShareId,
    files: &[NewFile],
) -> Result<()> {
    for file in files {
        let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
        // `DO UPDATE` rather than `DO NOTHING`: it locks a reused blob
        // until this transaction ends, so a purge skips it.
        transaction
            .execute(
                "INSERT INTO files (sha256, size, bytes) VALUES ($1, $2, $3)
                 ON CONFLICT (sha256) DO UPDATE SET size = EXCLUDED.size",
                &[&file.sha256, &size, &file.bytes],
            )
            .await
            .map_err(db_error)?;
        transaction
            .execute(
                "INSERT INTO share_files (share_id, sha256, media_type, name)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&id.as_str(), &file.sha256, &file.media_type, &file.name],
            )
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// Erases the versions a revoked share had.
pub(super) async fn drop_versions(transaction: &Transaction<'_>, id: &ShareId) -> Result<()> {
    transaction
        .execute(
            "DELETE FROM share_versions WHERE share_id = $1",
            &[&id.as_str()],
        )
        .await
        .map_err(db_error)
        .map(drop)
}

pub(super) async fn add_views(
    client: &mut deadpool_postgres::Object,
    counts: &[ViewCount],
) -> Result<()> {
    let transaction = client.transaction().await.map_err(db_error)?;
    let statement = transaction
        .prepare_cached(
            "UPDATE shares SET views = views + $2,
                 last_viewed_at = GREATEST(last_viewed_at, $3)
             WHERE id = $1",
        )
        .await
        .map_err(db_error)?;
    for count in counts {
        let views = i64::try_from(count.views).unwrap_or(i64::MAX);
        transaction
            .execute(
                &statement,
                &[&count.id.as_str(), &views, &millis(count.last_viewed_at)?],
            )
            .await
            .map_err(db_error)?;
    }
    transaction.commit().await.map_err(db_error)
}

/// The new version's number and how many instances listen for its
/// notification, or `None` when the share is not live.
pub(super) async fn insert_version(
    client: &mut deadpool_postgres::Object,
    version: &NewVersion,
    now: DateTime<Utc>,
) -> Result<Option<(u32, usize)>> {
    let transaction = client.transaction().await.map_err(db_error)?;
    let id = version.id.as_str();
    // Locks the share row, so concurrent new versions get distinct numbers.
    let moved = transaction
        .execute(
            "INSERT INTO share_versions (share_id, version, title, snapshot, created_at)
             SELECT id, versions, title, snapshot, COALESCE(updated_at, created_at) FROM shares
             WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
               AND (max_views IS NULL OR views < max_views)
             FOR UPDATE",
            &[&id, &millis(now)?],
        )
        .await
        .map_err(db_error)?;
    if moved == 0 {
        return Ok(None);
    }
    let row = transaction
        .query_one(
            "UPDATE shares SET versions = versions + 1, title = $2, snapshot = $3, updated_at = $4
             WHERE id = $1 RETURNING versions",
            &[
                &id,
                &version.title,
                &version.snapshot,
                &millis(version.created_at)?,
            ],
        )
        .await
        .map_err(db_error)?;
    let number = u32::try_from(column::<i32>(&row, 0)?).unwrap_or(u32::MAX);
    insert_files(&transaction, &version.id, &version.files).await?;
    let listeners = super::changes::notify(&transaction, &version.id).await?;
    transaction.commit().await.map_err(db_error)?;
    Ok(Some((number, listeners)))
}

/// The views after this one and whether it was the last, or `None`.
pub(super) async fn take_view(
    store: &PostgresStore,
    id: &ShareId,
    now: DateTime<Utc>,
) -> Result<Option<(u64, bool)>> {
    let row = store
        .query_opt(TAKE_VIEW, &[&id.as_str(), &millis(now)?])
        .await?;
    row.map(|row| {
        let views = u64::try_from(column::<i64>(&row, 0)?).unwrap_or(0);
        Ok((views, column(&row, 1)?))
    })
    .transpose()
}

pub(super) async fn share_version(
    store: &PostgresStore,
    id: &ShareId,
    version: u32,
) -> Result<Option<StoredShare>> {
    let number = i32::try_from(version).unwrap_or(i32::MAX);
    let row = store
        .query_opt(SHARE_VERSION, &[&id.as_str(), &number])
        .await?;
    row.map(|row| {
        Ok(StoredShare {
            version,
            ..stored_share(&row, id.clone())?
        })
    })
    .transpose()
}
