//! The PostgreSQL changes that make cached renderings of a share stale:
//! revoking it and purging shares. Each sends its notification in its own
//! transaction (see `listen.rs`) and evicts from this instance's caches
//! once committed; a revoke (as a new version) is answered once every
//! listening instance acknowledged evicting it.

use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;

use super::PostgresStore;
use super::listen::{ACK_PATIENCE, APPLICATION_NAME, NOTIFY, changes_channel};
use super::rows::{column, db_error, millis};
use crate::ids::ShareId;
use crate::store::Result;
use crate::store::invalidations::Acks;

/// Deletes the blobs no share references (narrowed with `AND …`). The rows
/// are locked, skipping those a publish is reusing right now (it locks the
/// row it reuses, see `insert_share`), so a blob cannot vanish under a
/// share being published; the foreign key catches anything else.
pub(super) const DELETE_UNUSED_FILES: &str = "DELETE FROM files WHERE sha256 IN (
     SELECT sha256 FROM files WHERE NOT EXISTS
         (SELECT 1 FROM share_files WHERE share_files.sha256 = files.sha256)";

pub(super) async fn revoke(
    store: &PostgresStore,
    id: &ShareId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let acks = store.invalidations.expect_acks();
    let mut client = store.client().await?;
    let transaction = client.transaction().await.map_err(db_error)?;
    let changed = transaction
        .execute(
            "UPDATE shares SET revoked_at = $2, snapshot = ''::bytea
             WHERE id = $1 AND revoked_at IS NULL",
            &[&id.as_str(), &millis(now)?],
        )
        .await
        .map_err(db_error)?;
    if changed > 0 {
        super::versions::drop_versions(&transaction, id).await?;
        // Two statements: the second must see the references the first deleted.
        let released: Vec<String> = transaction
            .query(
                "DELETE FROM share_files WHERE share_id = $1 RETURNING sha256",
                &[&id.as_str()],
            )
            .await
            .map_err(db_error)?
            .iter()
            .map(|row| column(row, 0))
            .collect::<Result<_>>()?;
        transaction
            .execute(
                &format!("{DELETE_UNUSED_FILES} AND sha256 = ANY($1) FOR UPDATE SKIP LOCKED)"),
                &[&released],
            )
            .await
            .map_err(db_error)?;
    }
    let listeners = match changed {
        0 => 0,
        _ => notify(&transaction, id).await?,
    };
    transaction.commit().await.map_err(db_error)?;
    store.invalidations.share(id);
    store.acknowledged(acks, id, listeners).await;
    Ok(changed > 0)
}

/// Notifies the change of share `id` in `transaction`; how many instances
/// listen.
pub(super) async fn notify(transaction: &Transaction<'_>, id: &ShareId) -> Result<usize> {
    let row = transaction
        .query_one(NOTIFY, &[&id.as_str(), &APPLICATION_NAME])
        .await
        .map_err(db_error)?;
    Ok(usize::try_from(column::<i64>(&row, 1)?).unwrap_or(0))
}

impl PostgresStore {
    /// Waits (at most [`ACK_PATIENCE`]) until the `listeners` instances
    /// acknowledged evicting share `id` after its change committed.
    pub(super) async fn acknowledged(&self, acks: Acks, id: &ShareId, listeners: usize) {
        if listeners > 0 {
            acks.wait(id, listeners, ACK_PATIENCE).await;
        }
    }
}

/// Deletes the shares `condition` selects (with `$1`, if it has it, bound
/// to `now`), notifying each; returns how many.
pub(super) async fn purge(
    store: &PostgresStore,
    condition: &str,
    now: Option<DateTime<Utc>>,
) -> Result<u64> {
    let sql = format!(
        concat!(
            "WITH gone AS (DELETE FROM shares WHERE {condition} RETURNING id)
         SELECT id, pg_notify('",
            changes_channel!(),
            "', id) IS NULL FROM gone"
        ),
        condition = condition
    );
    let rows = match now {
        Some(now) => store.query(&sql, &[&millis(now)?]).await?,
        None => store.query(&sql, &[]).await?,
    };
    for row in &rows {
        if let Some(id) = ShareId::parse(&column::<String>(row, 0)?) {
            store.invalidations.share(&id);
        }
    }
    Ok(u64::try_from(rows.len()).unwrap_or(u64::MAX))
}
